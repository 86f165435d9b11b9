"""A learned status lexicon: which words and word pairs the gold's evidence sentences use at each status.

The hand-written cues of :mod:`ofsted_kg.derive.status` miss much of how inspectors say a point is still weak ('have
more work to do', 'take-up is low', 'can vary').  The gold's evidence quotes, each carrying the status its
reader gave, say it directly, so a naive Bayes model over their words and word pairs is counted from them:
closed form (no iterations, no random start), so the same gold gives the same numbers, and applied in plain
Python.  The status model reads its mean posterior over the evidence sentences that name the subject.

Fitting follows the folds: :mod:`ofsted_kg.evaluate.fit` counts a lexicon from the training authorities' quotes only,
and the status rows of each training authority are read with a lexicon counted without that authority, so the
status model learns how far to trust the lexicon on text it has not seen.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

WORD = re.compile(r"[a-z]+")
NEUTRAL = [1 / 3, 1 / 3, 1 / 3, 0.0]  # what a follow-up with no sentence to read gets


@lru_cache(maxsize=1 << 16)
def terms(text: str) -> frozenset[str]:
    """Words and adjacent word pairs ('not_always', 'more_work'): pairs carry negation and hedges that single
    words lose.  'don't' counts as 'do not'."""
    words = WORD.findall(text.lower().replace("n’t", " not").replace("n't", " not"))
    return frozenset(words) | frozenset(f"{a}_{b}" for a, b in zip(words, words[1:]))


@dataclass(frozen=True)
class Lexicon:
    """Naive Bayes over present terms: per class, its log prior and each term's log probability."""

    classes: tuple[str, ...]
    prior: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]  # terms outside the vocabulary are skipped

    def posterior(self, sentence: str) -> list[float]:
        """The class probabilities of one sentence."""
        logs = list(self.prior)
        for term in sorted(terms(sentence)):  # sorted: float sums in a fixed order, the same bytes every run
            row = self.weights.get(term)
            if row is not None:
                logs = [a + b for a, b in zip(logs, row)]
        top = max(logs)
        exp = [math.exp(v - top) for v in logs]
        total = sum(exp)
        return [v / total for v in exp]

    def features(self, sentences: list[str]) -> list[float]:
        """Mean class probabilities over the sentences, and the first sentence's lean (last class minus first):
        a paragraph's opening states its point."""
        if not sentences:
            return list(NEUTRAL)
        posts = [self.posterior(s) for s in sentences]
        mean = [sum(p[i] for p in posts) / len(posts) for i in range(len(self.classes))]
        return [*mean, posts[0][-1] - posts[0][0]]

    def as_dict(self) -> dict:
        return {"classes": list(self.classes), "prior": list(self.prior),
                "weights": {t: list(row) for t, row in sorted(self.weights.items())}}

    @classmethod
    def from_dict(cls, d: dict) -> "Lexicon":
        return cls(tuple(d["classes"]), tuple(d["prior"]), {t: tuple(row) for t, row in d["weights"].items()})


def fit_lexicon(quotes: list[tuple[str, str]], classes: tuple[str, ...], min_df: int = 2,
                alpha: float = 1.0) -> Lexicon:
    """Count a lexicon from (quote, status) pairs: terms in at least ``min_df`` quotes, add-``alpha`` smoothing."""
    rows = [(terms(text), label) for text, label in quotes if label in classes]
    df = Counter(t for found, _ in rows for t in found)
    vocabulary = sorted(t for t, n in df.items() if n >= min_df)
    counts = {c: Counter() for c in classes}
    docs = Counter(label for _, label in rows)
    for found, label in rows:
        counts[label].update(found)
    totals = {c: sum(counts[c][t] for t in vocabulary) + alpha * len(vocabulary) for c in classes}
    prior = tuple(round(math.log((docs[c] + 1) / (len(rows) + len(classes))), 6) for c in classes)
    weights = {t: tuple(round(math.log((counts[c][t] + alpha) / totals[c]), 6) for c in classes) for t in vocabulary}
    return Lexicon(tuple(classes), prior, weights)
