"""View model: the tidy tables regrouped per authority for the HTML report.

Pages need things the tables hold only implicitly: which later visits could
have followed up a recommendation, the status in each (recommendation, later
visit) cell, the evidence quotes with the paragraph they came from, and
chains of recommendations that repeat earlier ones.  Building that here keeps
the templates free of logic and lets tests check the model without a browser.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from ofsted_kg.rdf.pages import cite, pdf_link
from ofsted_kg.rdf.vocab import ID, slug
from ofsted_kg.views.tables import Table, labels

STATUS_ORDER = ("Addressed", "PartiallyAddressed", "NotAddressed", "NoLaterEvidence", "AwaitingFollowUp")
STATUS_MARK = {"Addressed": "✓", "PartiallyAddressed": "◐", "NotAddressed": "✗",
               "NoLaterEvidence": "–", "AwaitingFollowUp": "…", "DoesNotSpeakToIt": "∅"}
# Site pages sit one folder down (authority/, reports/).  The site holds no copy of the PDFs: a page link
# points at the file name the graph records, beside index.html, where a user can put the PDFs.
SITE_ROOT = "../"


def page_name(iri: str) -> str:
    """A stable file-name stem for an authority or report IRI: 'authority/E08000007' -> 'e08000007'."""
    tail = iri[len(str(ID)):] if iri.startswith(str(ID)) else iri
    return slug(tail.removeprefix("authority/").removeprefix("visit/"), limit=120)


def anchor(iri: str) -> str:
    """The id of a paragraph on its report page: the IRI path after the visit ('finding/12')."""
    return slug(iri.rsplit("/", 2)[-2] + "-" + iri.rsplit("/", 1)[-1])


@dataclass
class Visit:
    iri: str
    kind: str
    start: str
    grade: str | None
    report: str | None
    placeholder: bool
    source: str | None = None
    published: str | None = None
    judgements: list[dict] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{labels().kind.get(self.kind, self.kind)} {self.start}"

    @property
    def page(self) -> str | None:
        """File-name stem of this visit's report page, if it has a report."""
        return page_name(self.report) if self.report else None


def page_fields(row: dict) -> dict[str, str | None]:
    """'p. 3' (or 'pp. 3–4'), its link '../FILE.pdf#page=3' and FILE for a table row; Nones for text inputs."""
    page, last, file = row.get("page"), row.get("lastPage"), row.get("sourceFile")
    if not isinstance(page, int) or not isinstance(file, str):
        return {"page_cite": None, "pdf": None, "pdf_file": None}
    return {"page_cite": cite(page, last if isinstance(last, int) else page), "pdf": pdf_link(file, page, SITE_ROOT),
            "pdf_file": file}


@dataclass
class Evidence:
    text: str
    section: str | None
    link: str | None
    where: str
    page_cite: str | None = None  # 'p. 3': users cite a PDF by page
    pdf: str | None = None  # '../FILE.pdf#page=3'
    pdf_file: str | None = None


@dataclass
class Cell:
    status: str | None  # None: no follow-up found at that visit
    applicable: bool  # False: the visit came before the recommendation was made
    followup: dict | None = None
    evidence: list[Evidence] = field(default_factory=list)
    review: Mark | None = None  # a person's status here (ofsted_kg.views.html.reviews)
    review_evidence: list[Evidence] = field(default_factory=list)  # the findings the reviewer gave


@dataclass
class Rec:
    iri: str
    anchor: str
    visit: Visit
    ordinal: int | None
    kind: str | None
    text: str
    current: str
    repeats: str | None
    link: str | None
    repeats_anchor: str | None = None
    later: list[Visit] = field(default_factory=list)
    page_cite: str | None = None
    pdf: str | None = None
    pdf_file: str | None = None
    cells: list[Cell] = field(default_factory=list)
    machine_current: str | None = None  # the machine's current status, on a recommendation a review touches

    @property
    def followed(self) -> list[tuple[Visit, Cell]]:
        """(later visit, cell) pairs where a follow-up was found or a person reviewed the visit, in date order."""
        return [(v, c) for v, c in zip(self.later, self.cells) if c.followup or c.review]


@dataclass
class Authority:
    iri: str
    name: str
    page: str
    region: str | None
    visits: list[Visit]
    recs: list[Rec]
    chains: list[list[Rec]]
    review_counts: Counts | None = None  # None: the site was rendered without the review views
    needs: list[Pending] = field(default_factory=list)  # follow-ups no one reviewed, lowest confidence first

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for r in self.recs if r.current == s) for s in STATUS_ORDER}

    @property
    def columns(self) -> list[Visit]:
        """Visits with a report: the columns of the follow-through matrix."""
        return [v for v in self.visits if not v.placeholder]

    @property
    def has_pages(self) -> bool:
        """Does any quote on the page link to a PDF page (then the page says where those links point)?"""
        return any(r.pdf or any(e.pdf for c in r.cells for e in c.evidence) for r in self.recs)

    @property
    def graded(self) -> list[Visit]:
        return [v for v in self.visits if v.grade]


def report_link(report: str | None, node: str | None = None) -> str | None:
    if not report:
        return None
    return f"../reports/{page_name(report)}.html" + (f"#{anchor(node)}" if node else "")


def build_authorities(tables: dict[str, Table]) -> list[Authority]:
    """Every authority in the tables, with visits, matrix cells, evidence and repeat chains."""
    visits = {r["visit"]: Visit(r["visit"], r["kind"], r["startDate"], r["overallGrade"], r["report"],
                                bool(r["knownOnlyByReference"]), r["sourceFile"], r["publicationDate"])
              for r in tables["visits"].rows}
    for j in tables["judgements"].rows:
        if j["visit"] in visits:
            visits[j["visit"]].judgements.append(j)
    findings = {f["finding"]: f for f in tables["findings"].rows}
    evidence = defaultdict(list)
    for e in tables["evidence"].rows:
        evidence[e["followUp"]].append(findings.get(e["finding"]))
    followups = {(f["recommendation"], f["assessedAt"]): f for f in tables["follow-ups"].rows}

    by_authority: dict[str, list[dict]] = defaultdict(list)
    for row in tables["visits"].rows:
        by_authority[row["authority"]].append(row)
    recs_by_authority: dict[str, list[dict]] = defaultdict(list)
    for row in tables["recommendations"].rows:
        recs_by_authority[row["authority"]].append(row)

    result = []
    for iri, rows in by_authority.items():
        own = sorted((visits[r["visit"]] for r in rows), key=lambda v: (v.start, v.iri))
        columns = [v for v in own if not v.placeholder]
        recs = [_rec(r, visits, columns, followups, evidence) for r in recs_by_authority.get(iri, [])]
        recs.sort(key=lambda r: (r.visit.start, r.visit.iri, r.ordinal or 0, r.iri))
        first = rows[0]
        result.append(Authority(iri, first["authorityName"] or iri, page_name(iri), first["region"],
                                own, recs, _chains(recs)))
    return sorted(result, key=lambda a: (a.name.lower(), a.iri))


def _rec(row: dict, visits: dict[str, Visit], columns: list[Visit], followups: dict, evidence: dict) -> Rec:
    made = visits[row["visit"]]
    rec = Rec(row["recommendation"], page_name(row["recommendation"]), made, row["ordinal"], row["kind"], row["text"],
              row["currentStatus"] or "NoLaterEvidence", row["repeats"], report_link(row["report"], row["recommendation"]),
              page_name(row["repeats"]) if row["repeats"] else None, later=columns, **page_fields(row))
    for visit in columns:
        fu = followups.get((rec.iri, visit.iri))
        if fu:
            quotes = [quote(f, visit) for f in evidence.get(fu["followUp"], []) if f]
            rec.cells.append(Cell(fu["status"], True, fu, quotes))
        else:
            rec.cells.append(Cell(None, _after(visit.start, made.start)))
    return rec


def quote(finding: dict, visit: Visit) -> Evidence:
    """A finding row of ``visit`` as an evidence quote linked to its paragraph and PDF page."""
    return Evidence(finding["text"], finding["section"], report_link(finding["report"], finding["finding"]),
                    f"{visit.label}, paragraph {finding['ordinal']}", **page_fields(finding))


def _after(later: str, earlier: str) -> bool:
    """True when a visit on ``later`` comes after one on ``earlier`` (month-only dates compare by month)."""
    width = min(len(later), len(earlier))
    return later[:width] > earlier[:width]


def _chains(recs: list[Rec]) -> list[list[Rec]]:
    """Recommendations linked by okg:repeats, earliest first; only chains of two or more."""
    by_iri = {r.iri: r for r in recs}
    repeated = {r.repeats for r in recs if r.repeats}
    chains = []
    for rec in recs:
        if rec.iri in repeated or not rec.repeats:
            continue
        chain, current = [rec], rec
        while current.repeats and current.repeats in by_iri and by_iri[current.repeats] not in chain:
            current = by_iri[current.repeats]
            chain.append(current)
        if len(chain) > 1:
            chains.append(list(reversed(chain)))
    return chains


def timeline(visits: list[Visit], width: int = 900) -> list[dict]:
    """x positions (pixels) for each visit on a linear time axis; labels go to the first of four rows with room."""
    dated = [(v, _year_fraction(v.start)) for v in visits]
    if not dated:
        return []
    low, high = min(t for _, t in dated), max(t for _, t in dated)
    span = max(high - low, 1.0)
    points, taken = [], [[] for _ in range(4)]  # label extents already placed in each row
    for v, t in sorted(dated, key=lambda d: d[1]):
        x = round(40 + (t - low) / span * (width - 80), 1)
        size = 6.2 * len(_timeline_label(v))
        anchor = "start" if x < 120 else "end" if x > width - 120 else "middle"  # keep labels inside at both ends
        left = x if anchor == "start" else x - size if anchor == "end" else x - size / 2
        extent = (left - 8, left + size + 8)
        free = [r for r, spans in enumerate(taken) if all(extent[1] < a or extent[0] > b for a, b in spans)]
        row = free[0] if free else min(range(4), key=lambda r: len(taken[r]))
        taken[row].append(extent)
        points.append({"visit": v, "x": x, "row": row, "anchor": anchor, "label": _timeline_label(v)})
    return points


def _timeline_label(v: Visit) -> str:
    grade = f" · {labels().grade.get(v.grade, v.grade)}" if v.grade else ""
    return f"{labels().kind.get(v.kind, v.kind)} {v.start[:7]}{grade}"


def years(visits: list[Visit], width: int = 900) -> list[dict]:
    """Tick marks for each whole year on the timeline axis."""
    if not visits:
        return []
    fractions = [_year_fraction(v.start) for v in visits]
    low, high = min(fractions), max(fractions)
    span = max(high - low, 1.0)
    return [{"year": y, "x": round(40 + (y - low) / span * (width - 80), 1)}
            for y in range(int(low) + 1, int(high) + 1)]


def _year_fraction(when: str) -> float:
    parts = [int(p) for p in when.split("-")[:3]]
    year, month, day = (parts + [1, 1])[:3] if len(parts) < 3 else parts
    return year + (date(year, month, day).timetuple().tm_yday - 1) / 366


NOT_LINKED = "DoesNotSpeakToIt"  # the machine's side of a review of a visit it did not link


@dataclass(frozen=True)
class Mark:
    """A person's status for one recommendation at one later visit, as the site marks it."""

    status: str  # Addressed, PartiallyAddressed, NotAddressed or DoesNotSpeakToIt
    machine: str | None  # the machine's follow-up status at that visit; None: the machine did not link it
    reviewer: str
    at: str  # the review's xsd:dateTime, as the reviewer's file has it
    reason: str
    evidence: tuple[str, ...] = ()  # findings the reviewer gave as the evidence (IRIs)

    @property
    def date(self) -> str:
        return self.at[:10]

    @property
    def changed(self) -> bool:
        """Did the review change what the machine read (a link it did not make counts as a change)?"""
        return self.status != (self.machine or NOT_LINKED)

    @property
    def machine_label(self) -> str:
        return labels().status[self.machine].lower() if self.machine else "not linked to this visit"

    @property
    def title(self) -> str:
        """The tooltip: who, when, why, and the machine's reading beside it."""
        beside = f"machine read: {self.machine_label}" if self.changed else "the machine read the same"
        return f"Reviewed by {self.reviewer} on {self.date}: {self.reason} ({beside})"


@dataclass(frozen=True)
class Counts:
    """One authority's statuses at later visits: read by the machine only, or reviewed by a person."""

    statuses: int  # follow-ups the machine linked, plus reviewed visits it did not link
    reviewed: int
    changed: int  # reviews whose status differs from the machine's there

    @property
    def machine_read(self) -> int:
        return self.statuses - self.reviewed


@dataclass
class Pending:
    """One follow-up no one has reviewed, for the needs-review lists."""

    confidence: float | None
    rec: Rec
    visit: Visit
    status: str
    authority: Authority = field(repr=False)
