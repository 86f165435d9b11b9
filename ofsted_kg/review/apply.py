"""Reviews in a store: the reviews graph, the effective current status, and reviews that match nothing.

The reviews are one named graph (:data:`~ofsted_kg.review.records.REVIEWS_GRAPH`), loaded from the user's file and
replaced only when its content changed (its SHA-256 is recorded in it, like the reference graphs).  They are
applied after the machine has derived an authority's follow-through, never inside it: the follow-ups keep the
machine's ``okg:status``, and only on a recommendation a review touches is ``okg:currentStatus`` replaced by
the effective one, with the machine's kept beside it as ``okg:machineCurrentStatus``.  A store without reviews
is therefore exactly what it was before reviews existed.
"""
from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ofsted_kg.rdf.vocab import OKG, STATUS, STATUS_OF
from ofsted_kg.review.records import REVIEWS_GRAPH, Review, from_graph, to_graph
from ofsted_kg.stores.base import Store

QUIET = ("no-later-evidence", "awaiting-follow-up")  # current statuses that no follow-up sets


def stored(store: Store) -> tuple[list[Review], str]:
    """(the reviews the store holds, the file they were loaded from); ([], '') for a store without reviews."""
    rows = store.select("SELECT ?source WHERE { GRAPH ?g { ?g okg:contentSha256 ?sha ; "
                        "<http://purl.org/dc/terms/source> ?source } } LIMIT 1", {"g": REVIEWS_GRAPH})[1]
    if not rows:
        return [], ""
    source = str(rows[0]["source"])
    return from_graph(store.fetch([str(REVIEWS_GRAPH)]).graph(REVIEWS_GRAPH), f"{source} (in the store)"), source


def changed_keys(store: Store, reviews: list[Review], source: str) -> set[str] | None:
    """The authority keys whose reviews differ between the store and ``reviews`` (their follow-through must be
    derived again), or None when the store holds these very reviews from this file."""
    old, old_source = stored(store)
    if old == reviews and (old_source == source or not reviews):
        return None
    return {r.key for r in set(old) ^ set(reviews)} - {None}


def put_reviews(store: Store, reviews: list[Review], source: str) -> None:
    """Replace the store's reviews graph (drop it when there are none: a store without reviews is as before)."""
    if reviews:
        store.put({str(REVIEWS_GRAPH): to_graph(reviews, source)})
    else:
        store.drop([str(REVIEWS_GRAPH)])


def by_authority(reviews: list[Review]) -> dict[str, list[Review]]:
    out: dict[str, list[Review]] = defaultdict(list)
    for review in reviews:
        if review.key:
            out[review.key].append(review)
    return dict(out)


def visit_starts(store: Store) -> dict[str, str]:
    """Every visit a report describes -> its start date ('2025-05-12'): which visits exist, in which order."""
    rows = store.select("SELECT DISTINCT ?v ?start WHERE { ?r okg:describes ?v . ?v okg:startDate ?start }")[1]
    return {str(r["v"]): str(r["start"]) for r in rows}


def visit_of(recommendation: str) -> str:
    """'…/inspection/2017-06-12/recommendation/4' -> '…/inspection/2017-06-12' (IRIs are content-derived)."""
    return recommendation.rsplit("/", 2)[0]


def _authority_prefix(visit: str) -> str:
    return visit.rsplit("/", 2)[0] + "/"


def fits(review: Review, recommendations: set[str], starts: dict[str, str]) -> str | None:
    """None when the review applies here, else why not (for the build's warning)."""
    if review.recommendation not in recommendations:
        return "no such recommendation"
    if review.visit not in starts:
        return "no such visit"
    made = visit_of(review.recommendation)
    if not review.visit.startswith(_authority_prefix(made)) or starts[review.visit] <= starts.get(made, ""):
        return "the visit is not a later visit to the recommendation's authority"
    return None


def apply_reviews(follow: bytes, reviews: list[Review], starts: dict[str, str]) -> bytes:
    """One authority's follow-through (N-Triples) with the effective current status of each reviewed
    recommendation: the status at its latest later visit that speaks to it, the review's where there is one."""
    g = Graph(store="SimpleMemory").parse(data=follow, format="nt")
    current = {str(rec): STATUS_OF[s] for rec, s in g.subject_objects(OKG.currentStatus)}
    mine: dict[str, list[Review]] = defaultdict(list)
    for review in reviews:
        if fits(review, set(current), starts) is None:
            mine[review.recommendation].append(review)
    if not mine:
        return follow
    machine: dict[str, dict[str, str]] = defaultdict(dict)
    for fu in g.subjects(RDF.type, OKG.FollowUp):
        machine[str(g.value(fu, OKG.recommendation))][str(g.value(fu, OKG.assessedAt))] = STATUS_OF[g.value(fu, OKG.status)]
    for rec, its in sorted(mine.items()):
        effective = effective_status(machine.get(rec, {}), its, current[rec], starts)
        node = URIRef(rec)
        g.remove((node, OKG.currentStatus, None))
        g.add((node, OKG.currentStatus, STATUS[effective]))
        g.add((node, OKG.machineCurrentStatus, STATUS[current[rec]]))
    return g.serialize(format="nt", encoding="utf-8")


def effective_status(machine: dict[str, str], reviews: list[Review], current: str, starts: dict[str, str]) -> str:
    """The current status once reviews replace the machine's follow-ups (later visit -> status) they speak to."""
    statuses = dict(machine)
    for review in reviews:
        if review.status == "does-not-speak-to-it":
            statuses.pop(review.visit, None)
        else:
            statuses[review.visit] = review.status
    if statuses:
        return statuses[max(statuses, key=lambda v: (starts.get(v, ""), v))]
    return current if current in QUIET else "no-later-evidence"


def unmatched(store: Store) -> tuple[str, list[tuple[Review, str]]]:
    """(the reviews file's name, [(review, why)] for every stored review that applies to nothing here): a
    review whose recommendation or visit a rebuild no longer has is reported, never dropped."""
    reviews, source = stored(store)
    if not reviews:
        return source, []
    rows = store.select("SELECT DISTINCT ?rec WHERE { GRAPH ?g { ?x okg:reviewsRecommendation ?rec } "
                        "?rec a okg:Recommendation }", {"g": REVIEWS_GRAPH})[1]
    recs, starts = {str(r["rec"]) for r in rows}, visit_starts(store)
    return source, [(r, why) for r in reviews if (why := fits(r, recs, starts))]
