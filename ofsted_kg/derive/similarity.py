"""Lexical similarity for linking: tokens, a light stemmer and BM25.

Ofsted reports share a small vocabulary, so the words that carry meaning are
the practice nouns ('plans', 'supervision', 'caseloads').  Domain stop words
remove the words every paragraph has ('children', 'social workers', 'ensure').
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ofsted_kg.text import folded, words

STOP = set("""
a about above after again against all also although am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having he her
here hers him his how i if in into is it its itself just may me might more most must my no nor not now of off on
once only or other our out over own same she should so some such than that the their them then there these they
this those through to too under until up very was we were what when where which while who whom why will with would
you your within without across well much many however therefore including include includes so that
child children childs young people person family families parent parents social worker workers work working
practice practitioner practitioners service services local authority authoritys council leaders leader senior
managers manager ensure ensuring improve improving improved improvement improvements effective effectiveness
quality consistently consistent consistency need needs needed make made makes good strong weak clear support
supported supporting help helps helped time timely appropriate appropriately further develop developing
development recommendation recommendations outcome enabler national framework area areas inspectors inspection
visit focused monitoring ofsted also example range number one two three four
""".split())
WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A deliberately light suffix stripper: plans/planning/planned -> plan, assessments -> assessment."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + keep
            break
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # planning -> plann -> plan
    return word


def tokens(text: str) -> list[str]:
    """The stemmed content words of ``text``: possessive 's dropped, hyphenated words joined, stop words and
    words under three letters left out."""
    return list(_tokens(text))


@lru_cache(maxsize=65_536)
def _tokens(text: str) -> tuple[str, ...]:
    """Cached: linking reads a finding's sentences twice (its evidence, then its status cues)."""
    found = words(folded(text).replace("'s", ""), WORD)
    return tuple(stem(w) for w in (w.replace("-", "") for w in found) if w not in STOP and len(w) > 2)


@dataclass
class BM25:
    """BM25 over a fixed set of documents (findings), queried by recommendation text."""

    documents: list[list[str]]
    k1: float = 1.2
    b: float = 0.75
    df: Counter = field(default_factory=Counter)
    avg: float = 1.0

    def __post_init__(self) -> None:
        for doc in self.documents:
            self.df.update(set(doc))
        self.avg = sum(len(d) for d in self.documents) / max(1, len(self.documents))
        self.n = len(self.documents)
        self.tf = [Counter(d) for d in self.documents]
        self._idf: dict[str, float] = {}
        self._weighed: dict[tuple[str, ...], Weighed] = {}
        self._queries: dict[tuple[str, ...], list[tuple[str, float]]] = {}

    def weighed(self, terms: list[str]) -> Weighed:
        """``terms`` weighed by this collection's IDF, once: a recommendation is measured against every
        finding of its authority's later visits."""
        key = tuple(terms)
        found = self._weighed.get(key)
        if found is None:
            found = self._weighed[key] = Weighed(terms, self.idf)
        return found

    def _query(self, query: list[str]) -> list[tuple[str, float]]:
        """The query's distinct terms with their IDF, in the order ``set(query)`` gives (cached, so every
        sum below adds the same numbers in the same order as it would over a fresh set)."""
        key = tuple(query)
        found = self._queries.get(key)
        if found is None:
            found = self._queries[key] = [(t, self.idf(t)) for t in set(query)]
        return found

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:
            df = self.df.get(term, 0)
            value = self._idf[term] = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
        return value

    def coverage(self, query: list[str], index: int, top: int = 3) -> float:
        """IDF-weighted share of the query's ``top`` rarest terms found in document ``index`` (capped at 1).

        Normalising by the few most telling words, not all of them, keeps a long
        recommendation from scoring low just because it says more.
        """
        terms = self._query(query)
        if not terms:
            return 0.0
        weights = sorted((w for _, w in terms), reverse=True)[:top]
        tf = self.tf[index]
        found = sum(w for t, w in terms if t in tf)
        return min(1.0, found / sum(weights))

    def score(self, query: list[str], index: int) -> float:
        """BM25 of document ``index`` for ``query``, divided by the query's best possible score (0..1)."""
        tf, length = self.tf[index], len(self.documents[index])
        total = best = 0.0
        for term, idf in self._query(query):
            best += idf * (self.k1 + 1)
            f = tf.get(term, 0)
            if f:
                total += idf * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * length / self.avg))
        return total / best if best else 0.0


class Weighed:
    """A text's distinct words with their IDF weights, in sorted order (a float sum never follows hash order),
    so the share of it another text holds costs one pass over its few words: weigh a recommendation once and
    measure it against each of its candidate findings."""

    def __init__(self, terms: list[str], idf) -> None:
        self.weights = [(t, idf(t)) for t in sorted(set(terms))]
        self.total = sum(w for _, w in self.weights)

    def share(self, words: set[str]) -> float:
        """IDF-weighted share of these words found in ``words`` (0 for an empty text)."""
        return sum(w for t, w in self.weights if t in words) / self.total if self.total else 0.0


def overlap(a: list[str], b: list[str], idf) -> float:
    """IDF-weighted share of ``a``'s distinct terms also in ``b`` (used for restated recommendations); ``a``
    weighed once per collection when ``idf`` is a :class:`BM25`'s."""
    owner = getattr(idf, "__self__", None)
    weighed = owner.weighed(a) if isinstance(owner, BM25) else Weighed(a, idf)
    return weighed.share(set(b))
