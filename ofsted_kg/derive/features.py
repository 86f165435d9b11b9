"""What the follow-through model's three decisions weigh: measured features, one list per decision.

Each function turns what linking already computed (ranked findings, weighed cues, restatement scores) into
the numbers a fitted :class:`~ofsted_kg.derive.classifier.Logistic` reads; the same functions serve the build and
the fitting (:mod:`ofsted_kg.evaluate.fit`), so what is measured is what ships.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ofsted_kg.rdf.vocab import GRADE_OF, OKG

if TYPE_CHECKING:
    from ofsted_kg.derive.lexicon import Lexicon
    from ofsted_kg.derive.status import Verdict
    from ofsted_kg.derive.units import Candidate, Candidates, Item, VisitInfo

SOFT_CUES = {"~most", "~the majority of", "~many", "~generally", "~mostly", "~usually", "~largely"}
GRADE_RANK = {"inadequate": 0, "requires-improvement": 1, "adequate": 1, "good": 2, "outstanding": 3}
NO_RESTATEMENT = (0.0, 0.0, 0.0, 0.0)


def link_features(rec: Item, later: VisitInfo, scored: list[tuple[Item, float]], parts: tuple) -> list[float]:
    """What the link decision weighs: the best and runner-up scores, the best finding's parts, how many
    findings compete, whether the item is the board's, and the later visit's kind (a focused visit looks at
    a few topics only)."""
    best = scored[0][1] if scored else 0.0
    second = scored[1][1] if len(scored) > 1 else 0.0
    return [best, second, best - second, *parts, math.log1p(len(scored)), sum(s >= 0.3 for _, s in scored) / 10,
            float(rec.part == "LSCB"), float(later.kind == "focused-visit"), float(later.kind == "monitoring-visit")]


def status_features(verdict: Verdict, best: float, later: VisitInfo, restated: tuple | None,
                    lexicon: Lexicon | None = None) -> list[float]:
    """What the status decision weighs: the cue balance and weights, how mixed they are, movement,
    quantifiers, any explicit statement, and how well the evidence matched; then what the later visit says
    as a whole: its kind, its overall grade and judgements (an outstanding service has rarely left a
    recommendation unmet), and how closely one of its own recommendations restates this one (GUIDELINES.md:
    re-recommending the same thing marks it not addressed); and, with a fitted lexicon, what the words of the
    sentences read say (:mod:`ofsted_kg.derive.lexicon`)."""
    positive, negative = verdict.positive, verdict.negative
    mixed = min(positive, negative) / max(positive, negative) if min(positive, negative) > 0 else 0.0
    moving = sum(c.startswith("±") for c in verdict.cues)
    soft = sum(c in SOFT_CUES for c in verdict.cues)
    scant = sum(c.startswith("~") and c not in SOFT_CUES for c in verdict.cues)
    explicit = [float(verdict.explicit_status == s) for s in ("addressed", "partially-addressed", "not-addressed")]
    grade = GRADE_RANK.get(later.grade, -1)
    again = restated or NO_RESTATEMENT
    return [verdict.balance, math.log1p(positive), math.log1p(negative), mixed, math.log1p(moving), float(soft > 0),
            float(scant > 0), *explicit, best, float(later.kind == "focused-visit"), *(float(grade == k) for k in range(4)),
            later.judged if later.judged >= 0 else 1.5, float(later.judged >= 0), again[0], float(again[0] >= 0.4),
            *again[1:], *(lexicon.features(verdict.sentences) if lexicon is not None else [])]


def repeat_rows(scored: list[Candidate]) -> list[list[float]]:
    """What the repeat decision weighs for each candidate of one later item (best first): its score and
    parts, how far it trails the best, its rank, whether it stands in the nearest earlier visit with any
    close candidate, how many earlier visits compete; its finer measures (:func:`~ofsted_kg.derive.repeats.pair_parts`);
    and how many reports back it stands and its rank among its own report's items (the gold links the
    nearest report that restates the later item, and its closest item there)."""
    if not scored:
        return []
    best = scored[0].score
    close = [c.start for c in scored if c.score >= 0.3]
    nearest = max(close) if close else None
    starts = sorted({c.start for c in scored}, reverse=True)
    back = {start: math.log1p(n) for n, start in enumerate(starts)}
    seen: Counter = Counter()
    rows = []
    for n, c in enumerate(scored):
        rows.append([c.score, *c.parts, best - c.score, math.log1p(n), float(c.start == nearest),
                     math.log1p(len(starts)), *c.pair, back[c.start], math.log1p(seen[c.start])])
        seen[c.start] += 1
    return rows


def restated_by(candidates: Candidates) -> dict[tuple[URIRef, URIRef], tuple[float, float, float, float]]:
    """(earlier recommendation, later visit) -> the restatement score and parts of the later visit's item that
    restates it most closely: what the status model reads as 're-recommended'."""
    out: dict[tuple[URIRef, URIRef], tuple[float, float, float, float]] = {}
    for later, scored in candidates:
        for c in scored:
            key = (c.earlier.iri, later.visit)
            if c.score > out.get(key, NO_RESTATEMENT)[0]:
                out[key] = (c.score, *c.parts)
    return out


def visit_grades(g: Graph) -> tuple[dict[URIRef, str], dict[URIRef, float]]:
    """Each visit's overall grade and the mean rank of its judgements: how a later inspection judged the service
    as a whole says much about whether an earlier recommendation was met (the status model weighs both)."""
    overall = {v: GRADE_OF[o] for v, o in g.subject_objects(OKG.overallGrade) if o in GRADE_OF}
    grade_of, visit_of = dict(g.subject_objects(OKG.grade)), dict(g.subject_objects(OKG.visit))
    ranks: dict[URIRef, list[int]] = defaultdict(list)
    for judgement in sorted(set(g.subjects(RDF.type, OKG.Judgement))):
        rank = GRADE_RANK.get(GRADE_OF.get(grade_of.get(judgement), ""))
        visit = visit_of.get(judgement)
        if rank is not None and visit is not None:
            ranks[visit].append(rank)
    return overall, {v: sum(r) / len(r) for v, r in ranks.items()}
