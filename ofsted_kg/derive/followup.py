"""Follow-through: was each recommendation addressed at the later visits?

For every recommendation and every later visit of the same authority, the
findings of that visit that share one of its themes are ranked by the fitted
evidence ranker (:mod:`ofsted_kg.derive.ranker`: BM25, subject and sentence overlaps,
themes, explicit mentions of the recommendation's visit).  The few that clear
the cut become the evidence of an ``okg:FollowUp``; its status is read from
their words (:mod:`ofsted_kg.derive.status`).  A recommendation nothing later speaks
to gets no follow-up: inventing evidence is the worst error.  Later
recommendations that restate earlier ones get ``okg:repeats``.

The result is one named graph (:data:`~ofsted_kg.rdf.vocab.FOLLOW_GRAPH`), rebuilt
from the report graphs each time, with the reasons for every decision.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ofsted_kg.derive.columns import Columns, Triple
from ofsted_kg.derive.features import link_features, restated_by, status_features, visit_grades
from ofsted_kg.derive.parameters import Parameters, load as load_parameters
from ofsted_kg.derive.ranker import probabilities, ranker_rows
from ofsted_kg.derive.repeats import choose_repeats, restatements
from ofsted_kg.derive.similarity import BM25, overlap, tokens
from ofsted_kg.derive.status import assess, sentences
from ofsted_kg.derive.themes import matcher
from ofsted_kg.derive.units import FollowUp, Item, Unit, VisitInfo, unit_of
from ofsted_kg.extract.items import FRAMEWORK_TAG
from ofsted_kg.rdf.mapping import new_graph
from ofsted_kg.rdf.vocab import FOLLOW_GRAPH, KIND_OF, OKG, STATUS, THEMES_GRAPH
from ofsted_kg.resources import themes_file

OPENING_WORDS = 6
# Where a recommendation's subject ends: 'The quality of supervision | so that this is reflective...'
HEAD_END = re.compile(r";|\.(?:\s|$)|\(| so that | so they | to ensure | in order to | including | which | through "
                      r"| with clear ", re.IGNORECASE)
HEAD_WORDS = 14
LSCB_SECTION = ("safeguarding children board", "lscb")


def _column(g: Graph | Columns, predicate: URIRef) -> dict:
    """subject -> object for one predicate, read in one pass (far faster than a lookup per node)."""
    return dict(g.subject_objects(predicate))


def load_items(data: Dataset | Graph | Columns) -> tuple[dict[URIRef, VisitInfo], list[Item], list[Item]]:
    g = data  # default_union: triples of every named graph
    tagger = matcher()
    authority_of, text_of, visit_of = _column(g, OKG.authority), _column(g, OKG.text), _column(g, OKG.visit)
    part_of, section_of = _column(g, OKG.part), _column(g, OKG.section)
    known = {s for s, o in g.subject_objects(OKG.knownOnlyByReference) if o.toPython() is True}
    unresolved = {s for s, o in g.subject_objects(OKG.resolved) if o.toPython() is False}
    kind_of = {s: KIND_OF[o] for s, o in g.subject_objects(RDF.type) if o in KIND_OF}
    grade_of, judged = visit_grades(g)
    visits: dict[URIRef, VisitInfo] = {}
    for visit, start in g.subject_objects(OKG.startDate):
        if visit in authority_of and authority_of[visit] not in unresolved:  # never followed up: whose is it?
            visits[visit] = VisitInfo(visit, authority_of[visit], str(start), visit in known, kind_of.get(visit, ""),
                                      grade_of.get(visit, ""), judged.get(visit, -1.0))
    for placeholder, corpus_visit in g.subject_objects(OKG.identifiedAs):  # a mention of a corpus visit is that visit
        if corpus_visit in visits and placeholder in visits:
            visits[placeholder] = visits[corpus_visit]

    def item(node: URIRef, section: str = "") -> Item | None:
        visit = visit_of.get(node)
        if visit not in visits:
            return None
        text = FRAMEWORK_TAG.sub("", str(text_of.get(node, "")))
        said = sentences(text) if section else []
        head = " ".join(HEAD_END.split(text, 1)[0].split()[:HEAD_WORDS]) if not section else " ".join(said[:2])
        return Item(node, visits[visit].iri, visits[visit].authority, text, tokens(text), tagger.tag(text),
                    str(part_of.get(node, "")), section, head=tokens(head), head_themes=set(tagger.tag(head)),
                    openers=[set(tokens(" ".join(x.split()[:OPENING_WORDS]))) for x in said],
                    sentence_terms=[set(tokens(x)) for x in said])

    recs = [i for i in (item(r) for r in sorted(set(g.subjects(RDF.type, OKG.Recommendation)))) if i]
    findings = [i for i in (item(f, str(section_of.get(f, "")))
                            for f in sorted(set(g.subjects(RDF.type, OKG.Finding)))) if i]
    by_iri = {f.iri: f for f in findings}
    refers = _column(g, OKG.refersTo)
    for ref, finding in g.subject_objects(OKG.inFinding):
        target = refers.get(ref)
        if finding in by_iri and target is not None:
            by_iri[finding].mentions.add(visits[target].iri if target in visits else target)
    return visits, recs, findings


def evidence_score(rec: Item, finding: Item, bm25: BM25, index: int, p: Parameters) -> float:
    """How well a finding speaks to a recommendation: its words, its themes, and whether it opens on the subject."""
    parts = evidence_parts(rec, finding, bm25, index)
    return sum(w * v for w, v in zip((p.lexical, p.thematic, p.head, p.topic, p.mention), parts))


def evidence_parts(rec: Item, finding: Item, bm25: BM25, index: int) -> tuple[float, float, float, float, float]:
    """(lexical, thematic, subject, opens-on-subject, mentions-the-visit) of a finding for a recommendation."""
    subject = overlap(rec.head, finding.terms, bm25.idf) if rec.head else 0.0
    lexical = 0.5 * subject + 0.5 * bm25.coverage(rec.terms, index)
    thematic = _share(set(rec.themes), finding.themes)
    if rec.head_themes:  # the subject's themes count more than themes of the qualifying words
        thematic = 0.6 * _share(rec.head_themes, finding.themes) + 0.4 * thematic
    head = overlap(rec.head, finding.head, bm25.idf) if rec.head else 0.0
    if rec.head_themes & finding.head_themes:
        head = max(head, 0.75)
    return lexical, thematic, head, _topic(rec, finding), 1.0 if rec.visit in finding.mentions else 0.0


def _topic(rec: Item, finding: Item) -> float:
    """1 when the finding opens on the recommendation's subject ('Most plans are weak'), less for a later sentence."""
    subject = set(rec.head)
    for n, opener in enumerate(finding.openers):
        if subject & opener:
            return 1.0 if n == 0 else 0.6
    return 0.0


def _share(wanted: set, found) -> float:
    return len(wanted & set(found)) / len(wanted) if wanted else 0.0


def follow_through(data: Dataset) -> tuple[list[FollowUp], dict[URIRef, str], list[tuple[Item, Item, float]]]:
    """All follow-ups, each recommendation's current status, and repeated recommendations."""
    return link_items(*load_items(data))


def link_items(visits: dict[URIRef, VisitInfo], recs: list[Item], findings: list[Item], p: Parameters | None = None
               ) -> tuple[list[FollowUp], dict[URIRef, str], list[tuple[Item, Item, float]]]:
    """Follow-through, authority by authority.

    Each authority is linked on its own, with word statistics from its own
    findings only, so adding or changing one authority's reports never changes
    another's results: an incremental build equals a full one.
    """
    follow_ups: list[FollowUp] = []
    current: dict[URIRef, str] = {}
    repeated: list[tuple[Item, Item, float]] = []
    recs_of, findings_of = defaultdict(list), defaultdict(list)
    for rec in recs:
        recs_of[rec.authority].append(rec)
    for finding in findings:
        findings_of[finding.authority].append(finding)
    p = p or load_parameters()
    for authority in sorted(recs_of, key=str):
        mine, now, again = _link_authority(visits, recs_of[authority], findings_of[authority], p)
        follow_ups += mine
        current.update(now)
        repeated += again
    return follow_ups, current, repeated


def _link_authority(visits: dict[URIRef, VisitInfo], recs: list[Item], findings: list[Item], p: Parameters
                    ) -> tuple[list[FollowUp], dict[URIRef, str], list[tuple[Item, Item, float]]]:
    unit = unit_of(visits, recs, findings)
    candidates = restatements(recs, visits, unit.bm25, p)
    again = restated_by(candidates)
    follow_ups: list[FollowUp] = []
    current: dict[URIRef, str] = {}
    for rec in recs:
        later = unit.later[rec.iri]
        mine = [fu for v in later if (fu := _decide_at(rec, v, unit, p, again.get((rec.iri, v.iri))))]
        follow_ups += mine
        current[rec.iri] = current_status(mine, later)
    return follow_ups, current, choose_repeats(candidates, p)


def _decide_at(rec: Item, later: VisitInfo, unit: Unit, p: Parameters, restated: tuple | None) -> FollowUp | None:
    scored = ranked(rec, unit.by_visit[later.iri], unit, p)
    return decide(rec, later, scored, p, best_parts(rec, scored, unit), restated)


def best_parts(rec: Item, scored: list[tuple[Item, float]], unit: Unit) -> tuple:
    """The evidence parts of the best-ranked finding (what the link model reads)."""
    if not scored:
        return (0.0,) * 5
    return evidence_parts(rec, scored[0][0], unit.bm25, unit.index[scored[0][0].iri])


def current_status(follow_ups: list[FollowUp], later: list[VisitInfo]) -> str:
    return follow_ups[-1].status if follow_ups else ("no-later-evidence" if later else "awaiting-follow-up")


def ranked(rec: Item, candidates: list[Item], unit: Unit, p: Parameters) -> list[tuple[Item, float]]:
    """A later visit's findings that could speak to ``rec``, best first, with their evidence scores: the fitted
    ranker's probabilities where the parameters have one, else the hand-weighted sum of the evidence parts."""
    candidates = eligible(rec, candidates)
    if p.evidence_ranker is None:
        return by_score(candidates, [evidence_score(rec, f, unit.bm25, unit.index[f.iri], p) for f in candidates])
    parts = [evidence_parts(rec, f, unit.bm25, unit.index[f.iri]) for f in candidates]
    return by_score(candidates, probabilities(p.evidence_ranker, ranker_rows(rec, candidates, unit, parts)))


def eligible(rec: Item, candidates: list[Item]) -> list[Item]:
    """The findings that may speak to ``rec`` at all, in the visit's order.  The theme filter stays with the
    fitted ranker: ranking every finding, with 'shares a theme' as a feature, found no more evidence and
    fewer links (docs/accuracy.md)."""
    if rec.part == "LSCB":  # boards were reviewed only alongside SIF inspections; look only at their findings
        candidates = [f for f in candidates if any(k in f.section.lower() for k in LSCB_SECTION)]
    if rec.themes:
        # a finding on none of the recommendation's themes does not speak to it, however its words overlap
        candidates = [f for f in candidates if set(rec.themes) & set(f.themes)]
    return candidates


def by_score(candidates: list[Item], scores: list[float]) -> list[tuple[Item, float]]:
    """Findings with their scores, best first (ties by IRI, so the order never depends on the input's)."""
    return sorted(zip(candidates, scores), key=lambda pair: (-pair[1], str(pair[0].iri)))


def decide(rec: Item, later: VisitInfo, scored: list[tuple[Item, float]], p: Parameters,
           parts: tuple | None = None, restated: tuple | None = None) -> FollowUp | None:
    """The follow-up of ``rec`` at ``later`` from its ranked findings, or None when none speaks to it.

    With a fitted link model the decision is its probability against ``link_at`` (``parts``: the best
    finding's evidence parts); otherwise the best score against ``evidence_at``.  ``restated``: how closely
    a recommendation of ``later`` restates ``rec`` (:func:`~ofsted_kg.derive.features.restated_by`), which the status
    model weighs."""
    if not scored:
        return None
    link_probability = None
    if p.link_model is not None:
        link_probability = p.link_model.probabilities(link_features(rec, later, scored, parts or (0,) * 5))["link"]
        if link_probability < p.link_at:
            return None
    elif scored[0][1] < p.evidence_at:
        return None
    best = scored[0][1]
    evidence = [(f, s) for f, s in scored[:p.max_evidence] if s >= max(p.evidence_floor, p.near_best * best)] or scored[:1]
    relevant = [set(rec.head) | {t for theme in rec.head_themes for cue in f.themes.get(theme, []) for t in tokens(cue)}
                for f, _ in evidence]
    verdict = assess([f.text for f, _ in evidence], relevant, p)
    certainty = 1.0 if verdict.explicit else min(1.0, abs(verdict.balance - 0.5) * 2 + 0.2)
    if p.status_model is not None:
        verdict.status, certainty = p.status_model.predict(status_features(verdict, best, later, restated, p.status_lexicon))
    strength = link_probability if link_probability is not None else min(1.0, best / (2 * p.evidence_at))
    confidence = round(min(1.0, 0.5 * strength + 0.5 * certainty), 3)
    themes = sorted(set(rec.themes) & {t for f, _ in evidence for t in f.themes})
    return FollowUp(rec, later, evidence, verdict.status, confidence, themes, verdict.cues, verdict.explicit, verdict)


def decimal(value: float) -> Literal:
    """A 3-place xsd:decimal in canonical form ('0.5', '1'), which every store keeps byte for byte."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return Literal(text if text not in ("", "-0") else "0", datatype=XSD.decimal)


def follow_graph(data: Dataset) -> Graph:
    """Rebuild the follow-through graph (and the theme vocabulary graph) in ``data`` and return it."""
    out = derive_follow_through(data)
    data.remove_graph(data.graph(FOLLOW_GRAPH))
    vocabulary = data.graph(THEMES_GRAPH)  # the theme scheme itself, so queries can show labels
    vocabulary.remove((None, None, None))
    vocabulary.parse(themes_file(), format="turtle")
    graph = data.graph(FOLLOW_GRAPH)
    for triple in out:
        graph.add(triple)
    return graph


def derive_follow_through(data: Dataset | Graph | Columns) -> Graph:
    """The follow-through graph of ``data`` (reports and links, read-only); pure, so units can run in parallel."""
    out = new_graph(FOLLOW_GRAPH)
    for triple in follow_triples(data):
        out.add(triple)
    return out


def follow_triples(data: Dataset | Graph | Columns) -> Iterator[Triple]:
    """The triples of the follow-through graph of ``data``: a build's workers serialise them with no rdflib graph
    to fill first (:func:`~ofsted_kg.derive.columns.ntriples`), so the graph itself is only for other callers."""
    visits, recs, findings = load_items(data)
    follow_ups, current, repeated = link_items(visits, recs, findings)
    tagger = matcher()
    for fu in follow_ups:
        yield from _follow_up_triples(fu, tagger.labels)
    for rec, status in current.items():
        yield rec, OKG.currentStatus, STATUS[status]
    for later, earlier, score in repeated:
        yield later.iri, OKG.repeats, earlier.iri
    for item in recs + findings:
        for theme in item.themes:
            yield item.iri, OKG.theme, theme


def _follow_up_triples(fu: FollowUp, labels: dict[URIRef, str]) -> Iterator[Triple]:
    """One follow-up's node: what it assesses, where, its status and scores, evidence, themes, cues and reasons."""
    node = URIRef(f"{fu.recommendation.iri}/follow-up/{fu.later.start}")
    yield node, RDF.type, OKG.FollowUp
    yield node, OKG.recommendation, fu.recommendation.iri
    yield node, OKG.assessedAt, fu.later.iri
    yield node, OKG.status, STATUS[fu.status]
    yield node, OKG.confidence, decimal(fu.confidence)
    yield node, OKG.score, decimal(fu.evidence[0][1])
    for finding, _ in fu.evidence:
        yield node, OKG.evidence, finding.iri
    yield node, OKG.primaryEvidence, fu.evidence[0][0].iri
    for theme in fu.themes:
        yield node, OKG.matchedTheme, theme
    for cue in sorted(set(fu.cues)):
        yield node, OKG.cue, Literal(cue)
    reason = (f"explicit statement: '{fu.explicit}'" if fu.explicit else
              "the fitted status model over weighed strength, weakness and movement cues, the later "
              "visit's grades and whether it re-recommends the point"
              if load_parameters().status_model is not None else "weighed strength and weakness cues")
    names = ", ".join(labels[t] for t in fu.themes) or "no shared theme"
    yield node, OKG.explanation, Literal(
        f"{len(fu.evidence)} finding(s) of the later visit match (best score {fu.evidence[0][1]:.2f}; themes: {names}); "
        f"status by {reason}.")
