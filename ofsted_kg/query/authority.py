"""What a user may type to name an authority: one rule for ``--authority`` and ``query -p authority=``.

The graph knows an authority by its label ('Stockport'), GSS code and IRI;
users type 'stockport', 'E08000007', the Ofsted URN '80562' or 'Stockport
Metropolitan Borough Council'.  All of these are accepted: exact matches on
the graph's own label, GSS code or IRI (any case) first, then whatever the
bundled authority table resolves the value to (GSS code, URN or any name
form).  A value that names no authority with a visit in the graph is an error
naming it, never an empty answer that looks like "nothing to report" (the
reference graph lists every authority in England: only those with reports count).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ofsted_kg.extract.authorities import fold, lookup
from ofsted_kg.stores import Store

FORMS = "the name in any case, the GSS code (E08000035), the Ofsted URN or any name form ('Leeds City Council')"
IN_GRAPH = """SELECT DISTINCT ?authority ?label ?gss WHERE {
  { SELECT DISTINCT ?authority WHERE { ?visit okg:authority ?authority } }  # those with visits: 0.12 s -> 0.01 s
  ?authority a okg:LocalAuthority .
  OPTIONAL { ?authority rdfs:label ?label }
  OPTIONAL { ?authority okg:gssCode ?gss }
}"""


class UnknownAuthority(ValueError):
    """A value that names no authority in the graph."""


@dataclass(frozen=True)
class Known:
    """An authority as the graph has it."""

    iri: str
    label: str
    gss: str = ""


def in_graph(engine: Store) -> list[Known]:
    """Every authority in the graph (one row each, label and GSS code when it has them)."""
    _, rows = engine.select(IN_GRAPH)
    found: dict[str, Known] = {}
    for row in rows:
        iri = str(row["authority"])
        if iri not in found or not found[iri].label:
            found[iri] = Known(iri, str(row.get("label") or ""), str(row.get("gss") or ""))
    return sorted(found.values(), key=lambda k: (k.label.casefold(), k.iri))


def from_rows(rows: Iterable[dict]) -> list[Known]:
    """The authorities of table rows with ``authority``, ``authorityName`` and (if present) ``gss`` columns."""
    found: dict[str, Known] = {}
    for row in rows:
        iri = str(row["authority"])
        found.setdefault(iri, Known(iri, str(row.get("authorityName") or ""), str(row.get("gss") or "")))
    return sorted(found.values(), key=lambda k: (k.label.casefold(), k.iri))


def choose(known: list[Known], wanted: str) -> list[Known]:
    """The authorities of ``known`` that ``wanted`` names (see the module docstring); UnknownAuthority if none."""
    key = wanted.strip().casefold()
    chosen = [k for k in known if key and key in (k.label.casefold(), k.gss.casefold(), k.iri.casefold(),
                                                  k.iri.rsplit("/", 1)[-1].casefold())]
    if not chosen:
        entry = lookup(wanted)
        words = fold(wanted)
        chosen = [k for k in known if (entry is not None and k.gss == entry.gss)
                  or (words and k.label and fold(k.label) == words)]
    if chosen:
        return chosen
    names = [k.label or k.iri.rsplit("/", 1)[-1] for k in known]
    has = f"it has: {', '.join(names[:8])}{', ...' if len(names) > 8 else ''}" if names else "it has none"
    entry = lookup(wanted)
    what = f"'{wanted}' ({entry.name}, {entry.gss})" if entry is not None else f"'{wanted}'"
    raise UnknownAuthority(f"no authority {what} in the graph ({has})")
