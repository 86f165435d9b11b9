"""What the follow-through model's three decisions weigh: measured features, one list per decision.

Each function turns what linking already computed (ranked findings, weighed cues, restatement scores) into
the numbers a fitted :class:`~ofsted_kg.classifier.Logistic` reads; the same functions serve the build and
the fitting (:mod:`ofsted_kg.fit`), so what is measured is what ships.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .followup import Item, VisitInfo
    from .status import Verdict

SOFT_CUES = {"~most", "~the majority of", "~many", "~generally", "~mostly", "~usually", "~largely"}


def link_features(rec: Item, later: VisitInfo, scored: list[tuple[Item, float]], parts: tuple) -> list[float]:
    """What the link decision weighs: the best and runner-up scores, the best finding's parts, how many
    findings compete, whether the item is the board's, and the later visit's kind (a focused visit looks at
    a few topics only)."""
    best = scored[0][1] if scored else 0.0
    second = scored[1][1] if len(scored) > 1 else 0.0
    return [best, second, best - second, *parts, math.log1p(len(scored)), sum(s >= 0.3 for _, s in scored) / 10,
            float(rec.part == "LSCB"), float(later.kind == "focused-visit"), float(later.kind == "monitoring-visit")]


def status_features(verdict: Verdict, best: float) -> list[float]:
    """What the status decision weighs: the cue balance and weights, how mixed they are, movement,
    quantifiers, any explicit statement, and how well the evidence matched."""
    positive, negative = verdict.positive, verdict.negative
    mixed = min(positive, negative) / max(positive, negative) if min(positive, negative) > 0 else 0.0
    moving = sum(c.startswith("±") for c in verdict.cues)
    soft = sum(c in SOFT_CUES for c in verdict.cues)
    scant = sum(c.startswith("~") and c not in SOFT_CUES for c in verdict.cues)
    explicit = [float(verdict.explicit_status == s) for s in ("addressed", "partially-addressed", "not-addressed")]
    return [verdict.balance, math.log1p(positive), math.log1p(negative), mixed, math.log1p(moving), float(soft > 0),
            float(scant > 0), *explicit, best]


def repeat_features(scored: list[tuple], n: int) -> list[float]:
    """What the repeat decision weighs for the n-th candidate: its similarity and parts, how far it trails
    the best, its rank, and whether it stands in the nearest earlier visit with any close candidate."""
    score, start, _, parts = scored[n]
    best = scored[0][0]
    close = [t[1] for t in scored if t[0] >= 0.3]
    return [score, *parts, best - score, math.log1p(n), float(bool(close) and start == max(close)),
            math.log1p(len({t[1] for t in scored}))]
