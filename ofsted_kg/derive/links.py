"""Link across reports: mentions of earlier visits -> the visits they mean.

Works on the graph, not on extraction objects, so it can re-run over a store
after any report is added or removed.  Its output is one named graph
(:data:`~ofsted_kg.rdf.vocab.LINKS_GRAPH`) that is rebuilt from scratch each time.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from ofsted_kg.rdf.mapping import earlier_visit, new_graph
from ofsted_kg.rdf.vocab import GRADE_OF, KIND_OF, LINKS_GRAPH, OKG

VISITS = """
SELECT ?visit ?authority ?class ?start ?end ?published WHERE {
  ?visit a okg:Visit ; a ?class ; okg:authority ?authority ; okg:startDate ?start .
  FILTER(?class IN (okg:Inspection, okg:FocusedVisit, okg:MonitoringVisit, okg:LSCBReview, okg:JointTargetedAreaInspection))
  FILTER NOT EXISTS { ?visit okg:knownOnlyByReference true }
  OPTIONAL { ?visit okg:endDate ?end }
  OPTIONAL { ?report okg:describes ?visit ; okg:publicationDate ?published }
}"""
REFERENCES = """
SELECT ?ref ?visit ?authority ?kind ?month ?year ?grade WHERE {
  ?ref a okg:VisitReference ; okg:mentionedIn ?report ; okg:referencedKind ?kind .
  ?report okg:describes ?visit . ?visit okg:authority ?authority .
  OPTIONAL { ?ref okg:referencedMonth ?month } OPTIONAL { ?ref okg:referencedYear ?year }
  OPTIONAL { ?ref okg:referencedGrade ?grade }
}"""
PLACEHOLDERS = """
SELECT ?visit ?authority ?class ?month WHERE {
  ?visit okg:knownOnlyByReference true ; a ?class ; okg:authority ?authority ; okg:startDate ?month .
  FILTER(?class != okg:Visit)
}"""

# All the three queries can match: triples with these predicates, and the rdf:type triples of the nodes they ask
# the class of (visits, which have an authority, and references, which are mentioned in a report).  So a worker
# hands linking only these (a few thousand triples) as an rdflib graph; tests/test_link.py checks that the
# queries name no other predicate.
QUERIED = frozenset(OKG[name] for name in (
    "authority", "startDate", "endDate", "knownOnlyByReference", "describes", "publicationDate", "mentionedIn",
    "referencedKind", "referencedMonth", "referencedYear", "referencedGrade"))
TYPED_BY = frozenset((OKG.authority, OKG.mentionedIn))


@lru_cache(maxsize=None)
def _prepared(query: str) -> Query:
    """Parsed once per process (rdflib's parser costs ~30 ms a query; linking runs three per authority)."""
    return prepareQuery(query, initNs={"okg": OKG})


@dataclass(frozen=True)
class KnownVisit:
    iri: URIRef
    authority: URIRef
    kind: str
    start: dt.date
    months: frozenset[tuple[int, int]]  # months the visit can be called by: fieldwork and publication


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _months(*days: dt.date | None) -> frozenset[tuple[int, int]]:
    return frozenset((d.year, d.month) for d in days if d)


def known_visits(data: Dataset | Graph) -> list[KnownVisit]:
    found: dict[URIRef, KnownVisit] = {}
    for row in data.query(_prepared(VISITS)):
        start = _date(row.start)
        if start is None:
            continue
        months = _months(start, _date(row.end), _date(row.published))
        old = found.get(row.visit)
        if old:
            months |= old.months
        found[row.visit] = KnownVisit(row.visit, row.authority, KIND_OF[row["class"]], start, months)
    return sorted(found.values(), key=lambda v: (str(v.authority), v.start, str(v.iri)))


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value is not None and len(str(value)) >= 10 else None
    except ValueError:
        return None


def match_visit(visits: list[KnownVisit], authority: URIRef, kind: str, year: int, month: int | None,
                before: dt.date | None) -> KnownVisit | None:
    """The corpus visit a mention means: same authority and kind, month within one (or same year), earlier."""
    best = None
    for visit in visits:
        if visit.authority != authority or visit.kind != kind or (before and visit.start >= before):
            continue
        if month is None:
            distance = 0 if any(y == year for y, _ in visit.months) else None
        else:
            distance = min(abs(_month_index(y, m) - _month_index(year, month)) for y, m in visit.months)
            distance = distance if distance <= 1 else None
        if distance is not None and (best is None or distance < best[0]):
            best = (distance, visit)
    return best[1] if best else None


def link(data: Dataset) -> Graph:
    """Rebuild the links graph inside ``data`` from its report graphs, and return it."""
    data.remove_graph(data.graph(LINKS_GRAPH))
    links = derive_links(data)
    graph = data.graph(LINKS_GRAPH)
    for triple in links:
        graph.add(triple)
    return graph


def derive_links(data: Dataset | Graph) -> Graph:
    """The links graph of ``data`` (reports, read-only): okg:refersTo for every mention, okg:identifiedAs for
    placeholders now in the corpus.  Pure, so it can run on a read-only union of report graphs."""
    links = new_graph(LINKS_GRAPH)
    visits = known_visits(data)
    by_iri = {v.iri: v for v in visits}
    unresolved: dict[tuple, list] = {}
    for row in data.query(_prepared(REFERENCES)):
        kind = KIND_OF[row.kind]
        year, month = _reference_when(row.month, row.year)
        mentioning = by_iri.get(row.visit)
        target = match_visit(visits, row.authority, kind, year, month, mentioning.start if mentioning else None)
        if target is None and mentioning is not None and _not_before(year, month, mentioning.start):
            # dated at or after the visit whose report mentions it, so not an earlier visit: the report speaking of
            # its own visit ("this inspection ... January 2016", its publication), or no visit to make a node for
            target = match_visit([mentioning], row.authority, kind, year, month, None)
            if target is None:
                continue
        if target is not None:
            links.add((row.ref, OKG.refersTo, target.iri))
        elif month is not None:
            key = str(row.visit).split("/visit/")[1].split("/")[0]
            unresolved.setdefault((row.authority, key, kind, year, month), []).append((row.ref, row.grade))
    placeholders: dict[tuple, list] = {}
    for row in data.query(_prepared(PLACEHOLDERS)):
        year, month = (int(x) for x in str(row.month)[:7].split("-"))
        target = match_visit(visits, row.authority, KIND_OF.get(row["class"], ""), year, month, None)
        if target is not None:
            links.add((row.visit, OKG.identifiedAs, target.iri))
        else:
            key = str(row.visit).split("/visit/")[1].split("/")[0]
            placeholders.setdefault((row.authority, key, KIND_OF.get(row["class"], ""), year, month), []).append(row.visit)
    for cluster in _same_visit(set(unresolved) | set(placeholders)):
        authority, key, kind, year, month = cluster[0]
        mentions = [m for when in cluster for m in unresolved.get(when, [])]
        grades = {GRADE_OF.get(grade) for _, grade in mentions if grade is not None}
        node = earlier_visit(links, authority, key, kind, year, month, grades.pop() if len(grades) == 1 else None)
        for ref, _ in mentions:
            links.add((ref, OKG.refersTo, node))
        for placeholder in sorted({p for when in cluster for p in placeholders.get(when, [])} - {node}):
            links.add((placeholder, OKG.identifiedAs, node))
    return links


def _not_before(year: int, month: int | None, start: dt.date) -> bool:
    """A mention's month (or, with no month, its year) is not earlier than ``start``'s."""
    return (year, month) >= (start.year, start.month) if month is not None else year > start.year


def _same_visit(mentioned: set[tuple]) -> list[list[tuple]]:
    """Months one visit is known by, grouped: a report says 'inspected in March 2022', the next 'April 2022'
    (its publication).  Mentions of one authority and kind a month apart are one visit, dated by the first."""
    clusters: list[list[tuple]] = []
    for when in sorted(mentioned, key=lambda w: (str(w[0]), w[1], w[2], w[3], w[4])):
        last = clusters[-1][-1] if clusters else None
        if last and last[:3] == when[:3] and _month_index(*when[3:]) - _month_index(*last[3:]) <= 1:
            clusters[-1].append(when)
        else:
            clusters.append([when])
    return clusters


def _reference_when(month: Literal | None, year: Literal | None) -> tuple[int, int | None]:
    if month is not None:
        y, m = str(month)[:7].split("-")
        return int(y), int(m)
    return int(str(year)[:4]), None


