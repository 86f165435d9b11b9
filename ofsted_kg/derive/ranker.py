"""The evidence ranker: which of a later visit's findings speak to a recommendation, best first.

A hand-weighted sum of five evidence parts ranked the findings until 2026-12-03; the gold's evidence finding
was best-ranked for 61 % of the gold follow-ups and among the five best for 88 %.  This module measures more
of each (recommendation, finding) pair than the five parts (the subject's and the whole item's words in the
finding and in its best sentence, BM25, the share of the finding's own themes the item shares, its place in
the report, whether it sits in a summary section, its length) and each measure against the best of the same
visit's findings, and a logistic model fitted on the gold's evidence findings (:func:`fit_ranker`, one per
fold in :mod:`ofsted_kg.evaluate.fit`) turns them into the probability that a reader would quote the finding.  That
probability is the evidence score the link and status stages read.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ofsted_kg.derive.classifier import Logistic, fit_logistic
from ofsted_kg.derive.similarity import Weighed

if TYPE_CHECKING:
    from ofsted_kg.derive.units import Item, Unit

SUMMARY_SECTIONS = ("summary", "headline", "main findings")
RANKER_CLASSES = ("other", "evidence")
# the columns of pair_features that are also read against the best of the visit (index: name)
RELATIVE = {0: "lexical", 2: "subject head", 5: "subject in finding", 6: "coverage", 7: "bm25",
            13: "best sentence", 14: "best sentence subject"}


def pair_features(rec: Item, finding: Item, unit: Unit, parts: tuple, item: Weighed, subject: Weighed
                  ) -> list[float]:
    """What one finding says about one recommendation, on its own.  ``parts``: its evidence parts
    (:func:`~ofsted_kg.derive.followup.evidence_parts`), computed by the caller, which keeps them; ``item`` and
    ``subject``: the recommendation's words and its subject's, weighed once for all its findings."""
    index = unit.index[finding.iri]
    shared = set(rec.themes) & set(finding.themes)
    best_sentence = max((item.share(words) for words in finding.sentence_terms), default=0.0)
    best_subject = max((subject.share(words) for words in finding.sentence_terms), default=0.0)
    section = finding.section.lower()
    return [*parts, subject.share(set(finding.terms)), unit.bm25.coverage(rec.terms, index),
            unit.bm25.score(rec.terms, index), len(shared) / len(finding.themes) if finding.themes else 0.0,
            float(bool(shared)), unit.position[finding.iri], float(any(k in section for k in SUMMARY_SECTIONS)),
            math.log1p(len(finding.terms)), best_sentence, best_subject, best_sentence * best_subject]


def ranker_rows(rec: Item, findings: list[Item], unit: Unit, parts: list[tuple]) -> list[list[float]]:
    """Each finding's features, and the chief ones again as the gap to the best finding of the same visit:
    a reader quotes the finding that speaks to the item most among those the visit has."""
    item, subject = unit.bm25.weighed(rec.terms), unit.bm25.weighed(rec.head)
    rows = [pair_features(rec, f, unit, p, item, subject) for f, p in zip(findings, parts)]
    if not rows:
        return []
    best = {i: max(row[i] for row in rows) for i in RELATIVE}
    return [row + [row[i] - best[i] for i in RELATIVE] for row in rows]


def probabilities(model: Logistic, rows: list[list[float]]) -> list[float]:
    """The probability that a reader quotes each finding (the evidence score when a ranker is fitted)."""
    return [model.probabilities(row)["evidence"] for row in rows]


def fit_ranker(groups: list[tuple[list[list[float]], list[bool]]]) -> Logistic | None:
    """A logistic model over every candidate of the gold's follow-ups: the gold's evidence findings against
    the others of the same visit.  ``groups``: one (rows, is-gold-evidence) per gold follow-up; those whose
    gold finding is not among the candidates teach nothing and are left out."""
    rows, labels = [], []
    for features, gold in groups:
        if any(gold):
            rows += features
            labels += [RANKER_CLASSES[int(g)] for g in gold]
    return fit_logistic(rows, labels, RANKER_CLASSES) if "evidence" in labels else None
