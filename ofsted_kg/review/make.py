"""Making a review from the command line: which recommendation and later visit a user means, and the machine's
status there (what ``review accept`` accepts).

A user names a recommendation by IRI, by a follow-up's IRI, or by words from its text (as ``explain`` takes
it), and the later visit by IRI or start date; without a visit, the latest visit the machine linked (the one
that sets the current status) is meant.  Everything is read with SPARQL, so a whole-corpus store is never
loaded into memory.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from rdflib import URIRef

from ofsted_kg.review.apply import visit_of
from ofsted_kg.review.records import ReviewError, status_key
from ofsted_kg.stores import Store
from ofsted_kg.text import quote_key

RECOMMENDATIONS = "SELECT DISTINCT ?rec ?text WHERE { ?rec a okg:Recommendation ; okg:text ?text }"
FOLLOW_UPS = """SELECT DISTINCT ?later ?date ?s ?f WHERE {
  ?fu a okg:FollowUp ; okg:recommendation ?rec ; okg:assessedAt ?later ; okg:status ?s ; okg:evidence ?f .
  ?later okg:startDate ?date }"""
VISITS = """SELECT DISTINCT ?v ?date WHERE {
  ?made okg:authority ?a . ?r okg:describes ?v . ?v okg:authority ?a ; okg:startDate ?date }"""
FINDINGS = "SELECT DISTINCT ?f WHERE { ?f a okg:Finding ; okg:visit ?v }"


@dataclass(frozen=True)
class Target:
    """A recommendation at a later visit, and what the machine read there (None: it did not link them)."""

    recommendation: str
    visit: str
    machine: str | None
    evidence: tuple[str, ...] = ()


def now() -> str:
    """The time a review is made, to the second in UTC: the reviewer's own data, as a review records it."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def checked_time(text: str) -> str:
    """A user's ``--when`` as an xsd:dateTime ('2026-03-02T10:00:00Z'); a date alone means its midnight UTC."""
    value = text.strip()
    if len(value) == 10:
        value += "T00:00:00Z"
    if not _is_datetime(value):
        raise ReviewError(f"--when: '{text}' is not a date or date and time (2026-03-02 or 2026-03-02T10:00:00Z)")
    return value


def _is_datetime(value: str) -> bool:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value and parsed.tzinfo is not None  # xsd:dateTime with a zone: the same instant everywhere


def find_recommendation(engine: Store, key: str) -> str:
    """The one recommendation ``key`` names (IRI, follow-up IRI, or words of its text); else a ReviewError."""
    key = key.split("/follow-up/", 1)[0]
    rows = engine.select(RECOMMENDATIONS)[1]
    if key.startswith(("http://", "https://")):
        hits = sorted({str(r["rec"]) for r in rows if str(r["rec"]) == key})
    else:
        wanted = quote_key(key)
        hits = sorted({str(r["rec"]) for r in rows if wanted and wanted in quote_key(str(r["text"]))})
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise ReviewError(f"no recommendation matches {key!r}")
    shown = "; ".join(hits[:5]) + (" ..." if len(hits) > 5 else "")
    raise ReviewError(f"{len(hits)} recommendations match {key!r}: name one by IRI ({shown})")


def machine_follow_ups(engine: Store, rec: str) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """The machine's follow-ups of ``rec``: later visit -> (start date, status key, evidence findings)."""
    out: dict[str, tuple[str, str, list[str]]] = {}
    for row in engine.select(FOLLOW_UPS, {"rec": URIRef(rec)})[1]:
        date, status, found = out.setdefault(str(row["later"]), (str(row["date"]), "", []))
        found.append(str(row["f"]))
        out[str(row["later"])] = (date, status_key(str(row["s"]).rsplit("#", 1)[-1]) or "", found)
    return {v: (d, s, tuple(sorted(f))) for v, (d, s, f) in out.items()}


def later_visits(engine: Store, rec: str) -> dict[str, str]:
    """Every visit a report describes of ``rec``'s authority after the visit that made it: IRI -> start date."""
    rows = engine.select(VISITS, {"made": URIRef(visit_of(rec))})[1]
    dates = {str(r["v"]): str(r["date"]) for r in rows}
    made = dates.get(visit_of(rec), "")
    return {v: d for v, d in dates.items() if d > made}


def target(engine: Store, key: str, visit: str | None) -> Target:
    """What a user means by ``key`` (a recommendation) and ``visit`` (IRI or start date; None: the latest linked)."""
    rec = find_recommendation(engine, key)
    linked = machine_follow_ups(engine, rec)
    if visit is None and "/follow-up/" in key:
        visit = key.rsplit("/follow-up/", 1)[1]
    if visit is None:
        if not linked:
            raise ReviewError(f"the machine linked no later visit to {rec}: name one with --visit (IRI or date)")
        chosen = max(linked, key=lambda v: (linked[v][0], v))
    else:
        later = later_visits(engine, rec)
        hits = [v for v, d in later.items() if visit in (v, d)]
        if len(hits) != 1:
            dates = ", ".join(sorted(later.values())) or "none"
            raise ReviewError(f"{'no' if not hits else 'more than one'} later visit '{visit}' of {rec} "
                              f"(its later visits: {dates})")
        chosen = hits[0]
    machine = linked.get(chosen)
    return Target(rec, chosen, machine[1] if machine else None, machine[2] if machine else ())


def visit_findings(engine: Store, visit: str) -> set[str]:
    return {str(r["f"]) for r in engine.select(FINDINGS, {"v": URIRef(visit)})[1]}


def evidence_of(engine: Store, visit: str, given: str) -> tuple[str, ...]:
    """Findings a user gives as evidence ('12 14', or IRIs), each checked to be a finding of ``visit``."""
    known = visit_findings(engine, visit)
    out = []
    for item in given.replace(",", " ").split():
        iri = f"{visit}/finding/{item}" if item.isdigit() else item
        if iri not in known:
            raise ReviewError(f"evidence '{item}' is not a finding of the visit {visit}")
        out.append(iri)
    return tuple(sorted(set(out)))
