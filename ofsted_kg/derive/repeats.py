"""Repeats: which earlier recommendation does a later one restate?

Every earlier recommendation of the same authority is a candidate, scored as a restatement by its words,
themes and subject (:func:`restatement`) and described by the finer measures the fitted repeat model weighs
(:func:`pair_parts`, :func:`~ofsted_kg.derive.features.repeat_rows`).  The gold's rule (GUIDELINES.md) then decides
which kept candidates become ``okg:repeats``: the restated item(s) of the *nearest* earlier report that
restates the later one, never a transitive pair to an older report; and when a later item merges components
last recommended in different reports, each component's nearest source (``repeat_components``: an older
report's item counts only for themes that the nearer chosen items do not already share with the later one).
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Callable

from rdflib import URIRef

from ofsted_kg.derive.features import repeat_rows
from ofsted_kg.derive.parameters import Parameters
from ofsted_kg.derive.similarity import BM25, overlap
from ofsted_kg.derive.units import Candidate, Candidates, Item, VisitInfo


def restatements(recs: list[Item], visits: dict[URIRef, VisitInfo], bm25: BM25, p: Parameters) -> Candidates:
    """Each recommendation with every earlier one of its authority, scored as a restatement, best first."""
    out = []
    by_authority: dict[URIRef, list[Item]] = defaultdict(list)
    for rec in recs:
        by_authority[rec.authority].append(rec)
    for group in by_authority.values():
        weight = theme_weights(group)
        for later in group:
            start = visits[later.visit].start
            scored = []
            for earlier in group:
                when = visits[earlier.visit].start
                if earlier.visit != later.visit and when < start:
                    score, parts, overlaps = restatement(later, earlier, bm25, p)
                    scored.append(Candidate(score, when, earlier, parts,
                                            pair_parts(later, earlier, bm25.idf, weight, overlaps)))
            out.append((later, sorted(scored, key=lambda c: (-c.score, str(c.earlier.iri)))))
    return out


def restatement(later: Item, earlier: Item, bm25: BM25, p: Parameters
                ) -> tuple[float, tuple[float, float, float], tuple[float, float, float]]:
    """Similarity of two recommendations, led by their subjects ('the quality of supervision'), with its parts,
    and the word overlaps it was made of (each item's words in the other's, the closer subject overlap), which
    :func:`pair_parts` reads again."""
    forward, backward = overlap(later.terms, earlier.terms, bm25.idf), overlap(earlier.terms, later.terms, bm25.idf)
    subjects = max(overlap(later.head, earlier.head, bm25.idf), overlap(earlier.head, later.head, bm25.idf))
    a, b = set(later.themes), set(earlier.themes)
    thematic = len(a & b) / len(a | b) if a | b else 0.0
    head = max(subjects, 0.75) if later.head_themes & earlier.head_themes else subjects
    lexical = (forward + backward) / 2
    return p.lexical * lexical + p.thematic * thematic + p.head * head, (lexical, thematic, head), \
        (forward, backward, subjects)


def theme_weights(recs: list[Item]) -> Callable[[URIRef], float]:
    """How telling a shared theme is among one authority's recommendations (an inverse document frequency):
    two items on private fostering restate each other far more often than two that both mention plans."""
    counts = Counter(theme for rec in recs for theme in set(rec.themes))
    return lambda theme: math.log(1 + len(recs) / (1 + counts.get(theme, 0)))


def pair_parts(later: Item, earlier: Item, idf: Callable[[str], float], weight: Callable[[URIRef], float],
               overlaps: tuple[float, float, float] | None = None) -> tuple[float, ...]:
    """The finer measures of a restatement: the weaker of the two word overlaps (a short item inside a long one
    is not a restatement of it), the closer subject overlap, each subject against the other's words, theme
    overlap and coverage, and the weight of the themes shared and not shared (a later item on care leavers
    does not restate one on children in care, whatever else they share).  Whether the earlier item is the
    board's: a local authority's item almost never restates the LSCB's (1 of the 177 gold repeats).
    ``overlaps``: :func:`restatement`'s word overlaps, when already computed."""
    forward, backward, subjects = overlaps or (
        overlap(later.terms, earlier.terms, idf), overlap(earlier.terms, later.terms, idf),
        max(overlap(later.head, earlier.head, idf), overlap(earlier.head, later.head, idf)))
    a, b = set(later.themes), set(earlier.themes)
    heads_a, heads_b = later.head_themes, earlier.head_themes

    def weigh(themes: set) -> float:  # summed in a fixed order: the same input gives the same bits
        return sum(weight(t) for t in sorted(themes))

    return (min(forward, backward), subjects, overlap(later.head, earlier.terms, idf),
            overlap(earlier.head, later.terms, idf), len(a & b) / len(a | b) if a | b else 0.0,
            len(heads_b & a) / len(heads_b) if heads_b else 0.0, weigh(a & b), weigh(a ^ b),
            weigh(heads_a & heads_b), weigh(heads_a - b), weigh(heads_b - a),
            max((weight(t) for t in a & b), default=0.0), float(earlier.part == "LSCB"))


def choose_repeats(candidates: Candidates, p: Parameters, strengths: list[list[float]] | None = None
                   ) -> list[tuple[Item, Item, float]]:
    """The restated items: with a fitted model, candidates whose probability reaches ``repeat_at``;
    otherwise those similar enough, or nearly so and far clearer than any other candidate.  Of those, the
    nearest earlier report's (its best, or each when ``repeat_every_match``), and with
    ``repeat_components`` an older report's too where it shares a theme with the later item that the nearer
    chosen ones do not.  ``strengths``: :func:`repeat_strengths` of ``candidates`` under ``p``'s model, when
    already computed (fitting tries many thresholds over one model)."""
    found = []
    for (later, scored), strength in zip(candidates, strengths or repeat_strengths(candidates, p)):
        for candidate, _ in nearest_sources(later, _kept(scored, strength, p), p):
            found.append((later, candidate.earlier, round(candidate.score, 3)))
    return found


def repeat_strengths(candidates: Candidates, p: Parameters) -> list[list[float]]:
    """Each candidate's probability of being restated under the fitted model (its score without one)."""
    if p.repeat_model is None:
        return [[c.score for c in scored] for _, scored in candidates]
    return [[p.repeat_model.probabilities(x)["repeat"] for x in repeat_rows(scored)] for _, scored in candidates]


def _kept(scored: list[Candidate], strength: list[float], p: Parameters) -> list[tuple[Candidate, float]]:
    """The candidates that pass, each with what ranks it within its report (probability or score)."""
    if p.repeat_model is not None:
        return [(c, s) for c, s in zip(scored, strength) if s >= p.repeat_at]
    runner_up = scored[1].score if len(scored) > 1 else 0.0
    return [(c, c.score) for c in scored if c.score >= p.repeat_at
            or (c is scored[0] and c.score >= p.clear_repeat_at and c.score - runner_up >= p.clear_margin)]


def nearest_sources(later: Item, kept: list[tuple[Candidate, float]], p: Parameters) -> list[tuple[Candidate, float]]:
    """The nearest-report rule over the kept candidates, report by report from the nearest back."""
    chosen: list[tuple[Candidate, float]] = []
    covered: set[URIRef] = set()
    for n, start in enumerate(sorted({c.start for c, _ in kept}, reverse=True)):
        if n and not p.repeat_components:
            break
        here = sorted((t for t in kept if t[0].start == start), key=lambda t: (-t[1], str(t[0].earlier.iri)))
        for candidate, strength in (here if p.repeat_every_match else here[:1]):
            shared = set(later.themes) & set(candidate.earlier.themes)
            if n == 0 or (shared and not shared <= covered):
                chosen.append((candidate, strength))
                covered |= shared
    return chosen
