"""Query: run the shipped SPARQL queries (or a file) with parameters bound as RDF terms.

Each query file starts with a header of comment lines::

    # title: Follow-through table for an authority
    # param: authority literal  Authority name or GSS code (optional)

User values are never pasted into query text: they are converted to RDF
terms of the declared kind and passed as initial bindings.  :func:`run_named`
(what ``ofsted-kg query`` runs) first turns an ``authority`` value in any
form a user types into the label the graph has (:mod:`ofsted_kg.query.authority`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ofsted_kg.query.authority import UnknownAuthority, choose, in_graph
from ofsted_kg.resources import queries
from ofsted_kg.stores import Store

PARAM_KINDS = {"iri", "literal", "date", "integer"}


class QueryError(ValueError):
    """A query that cannot be found or a parameter that does not fit."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    help: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str
    params: tuple[Param, ...] = field(default=())


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    title, params = path.stem, []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = re.match(r"#\s*(title|param):\s*(.*)", line)
        if match and match.group(1) == "title":
            title = match.group(2).strip()
        elif match:
            name, kind, *rest = match.group(2).split(None, 2) + [""]
            if kind not in PARAM_KINDS:
                raise QueryError(f"{path}: parameter {name} has unknown kind '{kind}'")
            params.append(Param(name, kind, rest[0].strip() if rest else ""))
    return NamedQuery(path.stem, path, text, title, tuple(params))


def find_query(name_or_file: str) -> NamedQuery:
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.is_file():
        return parse_query_file(path)
    shipped = queries()
    if name_or_file not in shipped:
        raise QueryError(f"no query named '{name_or_file}' (see: ofsted-kg query --list)")
    return parse_query_file(shipped[name_or_file])


def bind(query: NamedQuery, values: dict[str, str]) -> dict[str, object]:
    """User values as RDF terms of each parameter's declared kind."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise QueryError(f"query '{query.name}' has no parameter {', '.join(unknown)} "
                         f"(it takes: {', '.join(known) or 'none'})")
    bindings: dict[str, object] = {}
    for name, raw in values.items():
        kind = known[name].kind
        if kind == "iri":
            if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+", raw):
                raise QueryError(f"parameter {name}: '{raw}' is not an IRI")
            bindings[name] = URIRef(raw)
        elif kind == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                raise QueryError(f"parameter {name}: '{raw}' is not a date (YYYY-MM-DD)")
            bindings[name] = Literal(raw, datatype=XSD.date)
        elif kind == "integer":
            if not re.fullmatch(r"-?\d+", raw):
                raise QueryError(f"parameter {name}: '{raw}' is not an integer")
            bindings[name] = Literal(int(raw))
        else:
            bindings[name] = Literal(raw)
    return bindings


def run(engine: Store, query: NamedQuery, values: dict[str, str] | None = None) -> tuple[list[str], list[list]]:
    """(column names, rows of RDF terms) of a SELECT query over the union of all graphs.

    ``engine`` is an rdflib Dataset, a pyoxigraph Store or an ofsted_kg store."""
    columns, rows = engine.select(query.text, bind(query, values or {}))
    return columns, [[row.get(c) for c in columns] for row in rows]


def run_named(engine: Store, query: NamedQuery, values: dict[str, str]) -> tuple[list[str], list[list]]:
    """``run``, with an ``authority`` value resolved first: any case, GSS code, Ofsted URN or name form.

    The parameter matches the graph's label exactly, so 'leeds' or
    'E08000035' would silently give no rows; an authority the graph does not
    have is a QueryError instead.  The label found is bound like any value."""
    if "authority" not in values or "authority" not in {p.name for p in query.params}:
        return run(engine, query, values)
    try:
        chosen = choose(in_graph(engine), values["authority"])
    except UnknownAuthority as exc:
        raise QueryError(f"parameter authority: {exc}") from exc
    labels = list(dict.fromkeys(k.label for k in chosen if k.label)) or [values["authority"]]
    columns, rows = run(engine, query, {**values, "authority": labels[0]})
    for other in labels[1:]:  # two unresolved authorities may answer to one name: rows for each
        rows += run(engine, query, {**values, "authority": other})[1]
    return columns, rows
