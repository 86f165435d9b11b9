"""What linking works on: recommendations and findings as the linker sees them, visits, one authority's unit
(its items with the word statistics of its own findings), restatement candidates and follow-ups.

Plain data, imported by every step of the stage (ranker, features, status, repeats, follow-through), so that
none of them imports another for its types: the stage has no import cycle.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from rdflib import URIRef

from ofsted_kg.derive.similarity import BM25
from ofsted_kg.derive.status import Verdict


@dataclass
class Item:
    """A recommendation or finding as the linker sees it."""

    iri: URIRef
    visit: URIRef
    authority: URIRef
    text: str
    terms: list[str]
    themes: dict[URIRef, list[str]]
    part: str = ""
    section: str = ""
    mentions: set[URIRef] = field(default_factory=set)
    head: list[str] = field(default_factory=list)  # a recommendation's subject words; a finding's opening words
    head_themes: set[URIRef] = field(default_factory=set)
    openers: list[set[str]] = field(default_factory=list)  # a finding's sentences: the words they open with
    sentence_terms: list[set[str]] = field(default_factory=list)  # a finding's sentences: their words (the ranker's)


@dataclass(frozen=True)
class VisitInfo:
    iri: URIRef
    authority: URIRef
    start: str  # ISO date or YYYY-MM: compared as text, which orders both correctly
    known_only: bool
    kind: str = ""  # inspection | focused-visit | monitoring-visit | ...
    grade: str = ""  # its overall grade, where it has one
    judged: float = -1.0  # the mean of its judgement grades on features.GRADE_RANK's scale (-1: none)


@dataclass
class FollowUp:
    recommendation: Item
    later: VisitInfo
    evidence: list[tuple[Item, float]]
    status: str
    confidence: float
    themes: list[URIRef]
    cues: list[str]
    explicit: str | None
    verdict: Verdict | None = None


@dataclass
class Unit:
    """One authority's items with the word statistics of its own findings: what linking needs, computed once."""

    visits: dict[URIRef, VisitInfo]
    recs: list[Item]
    findings: list[Item]
    bm25: BM25
    index: dict[URIRef, int]
    by_visit: dict[URIRef, list[Item]]
    later: dict[URIRef, list[VisitInfo]]  # recommendation -> the authority's later visits, in order
    position: dict[URIRef, float] = field(default_factory=dict)  # a finding's place in its report, 0 (first) to 1


def unit_of(visits: dict[URIRef, VisitInfo], recs: list[Item], findings: list[Item]) -> Unit:
    by_visit: dict[URIRef, list[Item]] = defaultdict(list)
    for finding in findings:
        by_visit[finding.visit].append(finding)
    visits_of: dict[URIRef, list[VisitInfo]] = defaultdict(list)
    for info in {v.iri: v for v in visits.values() if not v.known_only}.values():
        visits_of[info.authority].append(info)
    later = {}
    for rec in recs:
        start = visits[rec.visit].start
        later[rec.iri] = sorted((v for v in visits_of[rec.authority] if v.start > start and v.iri != rec.visit),
                                key=lambda v: (v.start, str(v.iri)))
    return Unit(visits, recs, findings, BM25([f.terms for f in findings]), {f.iri: i for i, f in enumerate(findings)},
                by_visit, later, {f.iri: n / max(1, len(mine) - 1) for mine in by_visit.values()
                                  for n, f in enumerate(sorted(mine, key=_ordinal))})


def _ordinal(finding: Item) -> tuple[int, str]:
    """A finding's place in its report: its IRI ends with its ordinal (sorted as a number, not as text)."""
    tail = str(finding.iri).rsplit("/", 1)[-1]
    return (int(tail) if tail.isdigit() else 0, str(finding.iri))


class Candidate(NamedTuple):
    """An earlier recommendation as a restatement of a later one."""

    score: float  # the hand-weighted restatement score, which ranks the candidates
    start: str  # its visit's start: the nearest earlier report has the largest
    earlier: Item
    parts: tuple[float, float, float]  # (lexical, thematic, subject): the parts of the score
    pair: tuple[float, ...] = ()  # the finer measures of pair_parts


Candidates = list[tuple[Item, list[Candidate]]]
