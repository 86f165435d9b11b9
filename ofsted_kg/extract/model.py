"""The extraction result: plain data passed from the extract stage to the RDF mapping.

Every extracted statement keeps the :class:`Span` of canonical text it came
from, so the graph can say where each recommendation or finding was read.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A stretch of the canonical text: ``canonical[start:end] == text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Judgement:
    area: str
    grade: str  # outstanding | good | requires-improvement | inadequate | adequate
    span: Span


@dataclass(frozen=True)
class Recommendation:
    ordinal: int
    kind: str  # recommendation | area-for-improvement | priority-action | area-of-concern
    text: str
    span: Span
    part: str = "local authority"  # or "LSCB"
    framework_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    ordinal: int
    section: str
    text: str
    span: Span
    number: str | None = None
    recommendation_marker: bool = False


@dataclass(frozen=True)
class VisitReference:
    """An earlier visit named in the text: 'judged inadequate in March 2019'."""

    ordinal: int
    kind: str  # inspection | focused-visit | monitoring-visit
    year: int
    month: int | None
    grade: str | None
    span: Span
    finding_ordinal: int | None = None


@dataclass
class Extraction:
    """Everything read from one report."""

    source_name: str
    sha256: str
    media_type: str
    canonical: str
    kind: str  # inspection | focused-visit | monitoring-visit | lscb-review | jtai
    framework: str
    authority_name: str | None = None
    authority_span: Span | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    dates_span: Span | None = None
    published: dt.date | None = None
    lead_inspector: str | None = None
    inspectors: list[str] = field(default_factory=list)
    overall_grade: str | None = None
    judgements: list[Judgement] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    references: list[VisitReference] = field(default_factory=list)
    concerns_from: VisitReference | None = None  # the inspection a monitoring visit's areas of concern belong to
    problems: list[str] = field(default_factory=list)  # what could not be read, kept visible
    page_starts: tuple[int, ...] = ()  # canonical offset where each PDF page starts (ofsted_kg.rdf.pages); () for text

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.canonical[start:end])


@dataclass(frozen=True)
class BuiltReport:
    """What a build keeps of one report once its graph is written: enough for the summary and for tests.

    The extraction itself (its canonical text, every finding) lives on in the
    report's graph; holding all of them until the build ends would make memory
    grow with the corpus."""

    source_name: str
    sha256: str
    kind: str
    framework: str
    authority_name: str | None
    start: dt.date | None
    recommendations: int
    findings: int
    problems: tuple[str, ...] = ()

    @classmethod
    def of(cls, ext: Extraction) -> BuiltReport:
        return cls(ext.source_name, ext.sha256, ext.kind, ext.framework, ext.authority_name, ext.start,
                   len(ext.recommendations), len(ext.findings), tuple(ext.problems))
