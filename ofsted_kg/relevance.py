"""Which sentences of a later visit's findings are the point about a recommendation?

A finding that shares a recommendation's themes holds many sentences that name its subject without being
what the later report says about it; the gold's evidence quotes are the few that are.  A small logistic model
(fitted by :mod:`ofsted_kg.fit` on the training authorities' quotes only) scores each sentence of the best
ranked findings from what can be measured without the gold: how much of the recommendation's subject and of
its other words (its aspect: GUIDELINES.md, 'same topic, different aspect is no link') the sentence holds,
its themes, its place in its paragraph, whether it has status cues or looks back to an earlier visit, how the
finding's section heading matches, and how its finding ranked.  The status model then reads the words of the
sentences in proportion to that score, and the link model reads how relevant the best sentence is.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Callable

from .similarity import overlap, tokens
from .status import sentences, weigh
from .themes import matcher

if TYPE_CHECKING:
    from .classifier import Logistic
    from .followup import Item
    from .lexicon import Lexicon

TOP_FINDINGS = 5  # sentences are read from this many of the best-ranked findings
BACK_REFERENCE = re.compile(r"\b(?:last|previous|since the|at the time of the) (?:inspection|visit)"
                            r"|\bsince (?:the )?(?:last|previous|20\d\d)", re.IGNORECASE)
NO_READING = [0.0, 0.0, 0.0, 0.0]  # what a follow-up with no sentence scored gets (the link features)
Reading = list[tuple[float, str]]  # (relevance, sentence), most relevant first


@lru_cache(maxsize=1 << 16)
def _sentence(text: str) -> tuple[tuple[str, tuple[str, ...], frozenset], ...]:
    """A paragraph's sentences, each with its words and themes: shared by every recommendation that reads it."""
    tag = matcher().tag
    return tuple((s, tuple(tokens(s)), frozenset(tag(s))) for s in sentences(text))


def sentence_rows(rec: Item, scored: list[tuple[Item, float]], idf: Callable[[str], float]
                  ) -> list[tuple[int, str, list[float]]]:
    """(finding rank, sentence, features) for every sentence of the ``TOP_FINDINGS`` best findings."""
    if not scored:
        return []
    head = set(rec.head)
    aspect = [t for t in rec.terms if t not in head]
    themes, head_themes = set(rec.themes), rec.head_themes
    best = scored[0][1]
    out = []
    for rank, (finding, score) in enumerate(scored[:TOP_FINDINGS]):
        parts = _sentence(finding.text)
        section = overlap(rec.terms, tokens(finding.section), idf) if finding.section else 0.0
        for n, (text, words, found) in enumerate(parts):
            subject = overlap(rec.head, words, idf) if head else 0.0
            other = overlap(aspect, words, idf) if aspect else 0.0
            plus, minus, _ = weigh(text, 0.5)
            out.append((rank, text, [
                subject, other, overlap(rec.terms, words, idf),
                len(head_themes & found) / len(head_themes) if head_themes else 0.0,
                len(themes & found) / len(themes) if themes else 0.0,
                float(n == 0), math.log1p(n), n / max(1, len(parts) - 1), math.log1p(len(words)),
                float(plus > 0), float(minus > 0), float(bool(BACK_REFERENCE.search(text))), section,
                score, score - best, math.log1p(rank), float(subject > 0 and other > 0)]))
    return out


def reading(rows: list[tuple[int, str, list[float]]], model: Logistic | None) -> tuple[Reading, list[float]]:
    """The sentences scored by ``model``, most relevant first, and the link features of that scoring."""
    if model is None or not rows:
        return [], list(NO_READING)
    return scored_reading(rows, [model.probabilities(x)["quote"] for _, _, x in rows])


def scored_reading(rows: list[tuple[int, str, list[float]]], probs) -> tuple[Reading, list[float]]:
    """The sentences with their relevance, most relevant first, and the link features of that scoring: the
    best sentence's relevance, the best-ranked finding's, the runner-up finding's, and the gap between the
    two most relevant findings (a clear best says the visit speaks to the point)."""
    if not rows:
        return [], list(NO_READING)
    by_finding: dict[int, float] = {}
    for (rank, _, _), prob in zip(rows, probs):
        by_finding[rank] = max(by_finding.get(rank, 0.0), float(prob))
    tops = sorted(by_finding.values(), reverse=True) + [0.0]
    ordered = sorted(((float(prob), text) for (_, text, _), prob in zip(rows, probs)), key=lambda t: -t[0])
    return ordered, [tops[0], by_finding.get(0, 0.0), tops[1], tops[0] - tops[1]]


def reading_features(read: Reading, lexicon: Lexicon | None, top: int = 3, most: int = 3) -> list[float]:
    """What the status model reads from the relevant sentences: the lexicon's class probabilities weighted by
    relevance (the ``most`` most relevant), the most relevant sentence's lean, and the cue balance of the ``top``
    most relevant."""
    if lexicon is None:
        return []
    if not read:
        return [1 / 3, 1 / 3, 1 / 3, 0.0, 0.5, 0.0, 0.0]
    read = read[:most]
    total = sum(w for w, _ in read) or 1.0
    posts = [(w, lexicon.posterior(s)) for w, s in read]
    mean = [sum(w * p[i] for w, p in posts) / total for i in range(len(lexicon.classes))]
    plus = minus = 0.0
    for _, sentence in read[:top]:
        a, b, _ = weigh(sentence, 0.5)
        plus, minus = plus + a, minus + b
    balance = plus / (plus + minus) if plus + minus else 0.5
    return [*mean, posts[0][1][-1] - posts[0][1][0], balance, math.log1p(plus), math.log1p(minus)]
