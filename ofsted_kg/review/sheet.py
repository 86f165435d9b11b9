"""The review worksheet: an authority's follow-ups as rows to check in a spreadsheet, and the reviews read back.

A team reviews in the tool it already uses (Excel, LibreOffice, pandas), so ``review export`` writes one row per
follow-up (recommendation x later visit the machine linked, and any reviewed pair it did not) with the quotes,
their pages, the machine's status and confidence, and blank columns to fill.  ``review import`` checks every
row against the graph before anything is written: an unknown IRI, an unknown status, or a quote that is not the
graph's (edited, or a sheet from another build) is an error naming the row, and nothing is half-applied.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rdflib import Literal, URIRef

from ofsted_kg.files import atomic_write
from ofsted_kg.query.named import parse_query_file
from ofsted_kg.rdf.pages import cite, page_number
from ofsted_kg.resources import data_dir, queries
from ofsted_kg.review.apply import visit_of
from ofsted_kg.review.make import evidence_of, later_visits
from ofsted_kg.review.records import REVIEWED, Review, ReviewError, status_key
from ofsted_kg.stores import Store

COLUMNS = ("authority", "recommendation", "made", "ordinal", "recommendation_text", "recommendation_page",
           "later_visit", "later_date", "machine_status", "confidence", "evidence", "evidence_findings",
           "review_status", "review_reason", "reviewer", "review_evidence", "reviewed_at")
NOT_LINKED = "not linked"
AUTHORITY = "SELECT DISTINCT ?a ?label WHERE { ?v okg:authority ?a OPTIONAL { ?a rdfs:label ?label } }"
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip entry times: the same sheet for the same graph, byte for byte


@dataclass
class Line:
    """One recommendation at one later visit, as the machine read it (status None: not linked)."""

    recommendation: str
    made: str
    ordinal: int
    text: str
    page: str
    visit: str = ""
    date: str = ""
    status: str | None = None
    confidence: str = ""
    quotes: dict[str, tuple[str, list[int]]] = field(default_factory=dict)  # finding -> (quote, pages)

    def evidence(self) -> str:
        return "\n\n".join(f"[{cite(min(p), max(p)) or 'no page'}] “{q}”" if p else f"“{q}”"
                           for q, p in self.quotes.values())


def _rows(engine: Store, query: Path, authority: str) -> list[dict]:
    return engine.select(parse_query_file(query).text, {"authority": Literal(authority)})[1]


def machine_lines(engine: Store, authority: str) -> tuple[dict[str, Line], dict[tuple[str, str], Line]]:
    """(each recommendation of the authority named ``authority`` (its label) as a Line without a visit, each
    machine follow-up as a Line).  Three chain queries joined here: one query with OPTIONALs for the unlinked
    recommendations and the pages took 4 s for one authority on Oxigraph (queries/review-sheet.rq says why)."""
    pages: dict[str, list[int]] = {}
    for row in _rows(engine, data_dir("queries") / "review" / "pages.rq", authority):
        if (number := page_number(row["page"])) is not None and number not in pages.setdefault(str(row["item"]), []):
            pages[str(row["item"])].append(number)
    recs = {str(row["recommendation"]): Line(str(row["recommendation"]), str(row["made"]), int(row["ordinal"]),
                                             str(row["text"]), ", ".join(map(str, pages.get(str(row["recommendation"]), []))))
            for row in _rows(engine, data_dir("queries") / "review" / "recommendations.rq", authority)}
    lines: dict[tuple[str, str], Line] = {}
    for row in _rows(engine, queries()["review-sheet"], authority):
        bare, visit = recs[str(row["recommendation"])], str(row["laterVisit"])
        line = lines.setdefault((bare.recommendation, visit), Line(
            bare.recommendation, bare.made, bare.ordinal, bare.text, bare.page, visit, str(row["laterDate"]),
            status_key(str(row["status"])), str(row["confidence"])))
        line.quotes.setdefault(str(row["finding"]), (str(row["quote"]), pages.get(str(row["finding"]), [])))
    return recs, lines


def export_rows(engine: Store, label: str, reviews: list[Review]) -> list[dict[str, str]]:
    """The worksheet rows of the authority named ``label``: each follow-up, and each reviewed pair the machine
    did not link, with the review already made (if any) filled in."""
    recs, lines = machine_lines(engine, label)
    mine = {r.pair: r for r in reviews if r.recommendation in recs}
    for pair in sorted(set(mine) - set(lines)):
        bare = recs[pair[0]]
        lines[pair] = Line(bare.recommendation, bare.made, bare.ordinal, bare.text, bare.page, pair[1],
                           pair[1].rsplit("/", 1)[-1])
    rows = []
    for pair, line in sorted(lines.items(), key=lambda kv: (kv[1].made, kv[1].ordinal, kv[0][0], kv[1].date)):
        review = mine.get(pair)
        rows.append({"authority": label, "recommendation": line.recommendation, "made": line.made,
                     "ordinal": str(line.ordinal), "recommendation_text": line.text,
                     "recommendation_page": line.page, "later_visit": line.visit, "later_date": line.date,
                     "machine_status": line.status or NOT_LINKED, "confidence": line.confidence,
                     "evidence": line.evidence(), "evidence_findings": " ".join(line.quotes),
                     "review_status": review.status if review else "", "review_reason": review.reason if review else "",
                     "reviewer": review.reviewer if review else "",
                     "review_evidence": " ".join(review.evidence) if review else "",
                     "reviewed_at": review.at if review else ""})
    return rows


def write_sheet(path: Path, rows: list[dict[str, str]]) -> None:
    """The rows as .xlsx (openpyxl) or .csv (UTF-8 with a byte-order mark, which Excel needs), atomically."""
    if path.suffix.lower() == ".csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        atomic_write(path, out.getvalue().encode("utf-8-sig"))
    else:
        atomic_write(path, _xlsx(rows))


def _xlsx(rows: list[dict[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "follow-ups"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.data_type = "s"  # text stays text: a quote starting with '=' is not a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGHIJKLMNOPQ", (14, 30, 11, 7, 60, 8, 30, 11, 18, 9, 80, 30, 18, 40, 14, 20, 20)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.properties.creator = "ofsted-kg"
    book.properties.created = book.properties.modified = datetime(2000, 1, 1)
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated :data:`FIXED_TIME` and the document's modified time fixed: openpyxl
    stamps the clock into both when it saves."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def read_sheet(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(row number as the spreadsheet shows it, row) for each row of a worksheet, cells as text."""
    try:
        if path.suffix.lower() == ".csv":
            with open(path, encoding="utf-8-sig", newline="") as handle:
                table = list(csv.reader(handle))
        else:
            from openpyxl import load_workbook
            book = load_workbook(path, read_only=True, data_only=True)
            table = [["" if v is None else str(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
            book.close()
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, csv.Error) as exc:
        raise ReviewError(f"{path}: cannot read the worksheet ({type(exc).__name__}: {exc})") from exc
    if not table:
        raise ReviewError(f"{path}: an empty worksheet")
    header = [h.strip() for h in table[0]]
    missing = [c for c in ("recommendation", "later_visit", "review_status", "review_reason") if c not in header]
    if missing:
        raise ReviewError(f"{path}: no column {', '.join(missing)} (export a worksheet with `ofsted-kg review export`)")
    return [(n, {h: (row[i] if i < len(row) else "").strip() for i, h in enumerate(header)})
            for n, row in enumerate(table[1:], start=2) if any(cell.strip() for cell in row)]


def _same(a: str, b: str) -> bool:
    """Equal but for line endings and runs of spaces (spreadsheets rewrite those, never words)."""
    return " ".join(a.split()) == " ".join(b.split())


class Checker:
    """Checks worksheet rows against the graph, one authority's lines read once."""

    def __init__(self, engine: Store, path: Path) -> None:
        self.engine, self.path = engine, path
        self.recs: dict[str, Line] = {}
        self.lines: dict[tuple[str, str], Line] = {}
        self.loaded: set[str] = set()

    def _load(self, rec: str) -> None:
        made = visit_of(rec)
        if made in self.loaded:
            return
        self.loaded.add(made)
        for row in self.engine.select(AUTHORITY, {"v": URIRef(made)})[1]:
            recs, lines = machine_lines(self.engine, str(row.get("label") or ""))
            self.recs.update(recs)
            self.lines.update(lines)

    def review(self, number: int, row: dict[str, str], old: dict, reviewer: str, at: str) -> Review | None:
        """The review a filled row makes (None for a row left blank); a ReviewError naming the row otherwise."""
        where = f"{self.path}: row {number}"
        if not row.get("review_status"):
            return None
        status = status_key(row["review_status"])
        if status is None:
            raise ReviewError(f"{where}: unknown status '{row['review_status']}' "
                              f"(one of: accept, {', '.join(REVIEWED)})")
        rec, visit = row["recommendation"], row["later_visit"]
        self._load(rec)
        if rec not in self.recs:
            raise ReviewError(f"{where}: unknown recommendation <{rec}> (not in this graph)")
        if "recommendation_text" in row and not _same(row["recommendation_text"], self.recs[rec].text):
            raise ReviewError(f"{where}: the recommendation's quote is not the graph's (changed in the sheet, "
                              f"or the sheet is from another build): '{row['recommendation_text'][:60]}'")
        line = self.lines.get((rec, visit))
        if line is None:
            self._check_visit(where, rec, visit)
        elif "evidence" in row and not _same(row["evidence"], line.evidence()):
            raise ReviewError(f"{where}: the evidence quotes are not the graph's (changed in the sheet, or the "
                              f"sheet is from another build)")
        machine = line.status if line else None
        if status == "accept" and machine is None:
            raise ReviewError(f"{where}: nothing to accept: the machine did not link this visit (give a status)")
        if not row.get("review_reason"):
            raise ReviewError(f"{where}: no review_reason (say why, in words)")
        review = Review(rec, visit, machine if status == "accept" else status, row["review_reason"],
                        row.get("reviewer") or reviewer, at, self._evidence(where, visit, row.get("review_evidence", "")),
                        machine or "does-not-speak-to-it")
        earlier = old.get(review.pair)
        same = earlier and (earlier.status, earlier.reason, earlier.reviewer, earlier.evidence) == \
            (review.status, review.reason, review.reviewer, review.evidence)
        return earlier if same else review  # an unchanged row keeps its review's time

    def _check_visit(self, where: str, rec: str, visit: str) -> None:
        if visit not in later_visits(self.engine, rec):
            raise ReviewError(f"{where}: unknown later visit <{visit}> of {rec}")

    def _evidence(self, where: str, visit: str, given: str) -> tuple[str, ...]:
        try:
            return evidence_of(self.engine, visit, given) if given.strip() else ()
        except ReviewError as exc:
            raise ReviewError(f"{where}: review_evidence: {exc}") from exc


def reviews_from_sheet(path: Path, engine: Store, old: list[Review], reviewer: str, at: str) -> list[Review]:
    """Every review the worksheet's filled rows make, all checked before any is returned."""
    checker, by_pair = Checker(engine, path), {r.pair: r for r in old}
    out: dict[tuple[str, str], tuple[int, Review]] = {}
    for number, row in read_sheet(path):
        review = checker.review(number, row, by_pair, reviewer, at)
        if review is None:
            continue
        if review.pair in out:
            raise ReviewError(f"{path}: row {number}: a second review of the same recommendation and visit "
                              f"(row {out[review.pair][0]})")
        out[review.pair] = (number, review)
    return [review for _, review in out.values()]
