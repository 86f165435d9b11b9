"""View: the summary table analysts feed into dashboards — one row per authority, in data-to-insight's columns.

data-to-insight's ILACS scrape tool (MIT) publishes one row per local authority, its latest inspection, as
``ofsted_csc_ilacs_overview.xlsx``, and regional dashboards read that file.  ``export --summary`` writes the
same columns in the same order with the same value forms (lower-case names and grades, ``DD/MM/YYYY``
fieldwork dates, ``DD/MM/YY`` publication date, neighbours as ``372, 384, …`` and their grades as
``[(372, 'outstanding'), …]``), read from the graph instead of scraped, then our own columns after theirs.

The values come from ``queries/tables/summary.rq``; this module only shapes them.  Where the graph holds no
value the cell is blank, except a grade a report of that framework always prints: that is ``data_unreadable``,
data-to-insight's word for a grade the reading missed.  Nothing here reads a clock: months since the last
visit are counted to the newest visit in the graph (:attr:`Summary.as_of`).
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ofsted_kg.files import atomic_write
from ofsted_kg.stores import Store
from ofsted_kg.views.tables import Value, read_table
from ofsted_kg.views.workbook import xlsx_bytes

D2I_COLUMNS = ("urn", "la_code", "region_code", "la_code_new", "stat_neighbours", "stat_neighbour_judgement",
               "local_authority", "inspection_link", "overall_effectiveness_grade", "inspection_framework",
               "inspector_name", "inspection_start_date", "inspection_end_date", "publication_date",
               "local_link_to_all_inspections", "impact_of_leaders_grade", "help_and_protection_grade",
               "in_care_grade", "care_leavers_grade", "inspectors_inspections_count")
OUR_COLUMNS = ("recommendations_open", "recommendations_addressed", "recommendations_repeated", "last_visit_date",
               "months_since_last_visit", "framework")
COLUMNS = D2I_COLUMNS + OUR_COLUMNS
SHEET = "ofsted_cs_inspections_overview"  # data-to-insight's sheet name, for workbooks that refer to it

UNREADABLE = "data_unreadable"
NOT_GRADED = "not_reported_post_reform"  # the April 2026 framework gives no overall grade
NEIGHBOUR_NOT_GRADED = "Not reported (2026 framework change)"
NEIGHBOUR_UNKNOWN = "Unknown"  # a neighbour with no inspection in the graph
PRE_DATES = "inspection_pre_dates_judgement"  # care leavers were graded with children in care until 2023
GRADE_WORDS = {"Outstanding": "outstanding", "Good": "good", "RequiresImprovement": "requires improvement",
               "Inadequate": "inadequate", "Adequate": "adequate"}
FOUR_AREAS = frozenset({"ILACS", "Framework2026"})  # frameworks that grade the four areas below
AREAS = (("impact_of_leaders_grade", ("ImpactOfLeaders",)),
         ("help_and_protection_grade", ("HelpAndProtection",)),
         ("in_care_grade", ("ChildrenInCare", "ChildrenInCareAndCareLeavers")),
         ("care_leavers_grade", ("CareLeavers",)))
COMBINED_AREA = "ChildrenInCareAndCareLeavers"
# data-to-insight's rule for short and standard inspections, from the fieldwork dates (reports do not say).
DURATIONS = ((7, "short"), (15, "standard"))
TOO_LONG = "inspection duration longer than standard framework"
# The lookup's letter codes of the nine regions the graph holds by ONS code (okg:inRegion's skos:notation).
REGION_LETTERS = {"E12000001": "NE", "E12000002": "NW", "E12000003": "YH", "E12000004": "EM", "E12000005": "WM",
                  "E12000006": "E", "E12000007": "GL", "E12000008": "SE", "E12000009": "SW"}


@dataclass(frozen=True)
class Summary:
    """The rows (cells: text for data-to-insight's columns, whole numbers for our counts, '' when blank)."""

    rows: list[dict[str, str | int]]
    as_of: date | None  # the newest visit in the graph, which months since the last visit are counted to
    columns: tuple[str, ...] = COLUMNS


def read_summary(engine: Store) -> Summary:
    """The summary of every authority the graph has a visit of, ordered by name."""
    raw = read_table(engine, "summary").rows
    as_of = max(filter(None, (_date(r["lastVisit"]) for r in raw)), default=None)
    as_neighbour = {str(r["dfeCode"]): _neighbour_grade(r) for r in raw if r["dfeCode"]}
    rows = sorted((_row(r, as_neighbour, as_of) for r in raw), key=lambda row: (row["local_authority"],
                                                                                row["la_code_new"]))
    led = Counter(row["inspector_name"] for row in rows if row["inspector_name"])
    for row in rows:  # as data-to-insight counts: over this table's rows, by the lower-case name
        row["inspectors_inspections_count"] = str(led[row["inspector_name"]]) if row["inspector_name"] else ""
    return Summary(rows, as_of)


def _row(raw: dict[str, Value], as_neighbour: dict[str, str], as_of: date | None) -> dict[str, str | int]:
    framework = _text(raw["framework"])
    start, end, last = _date(raw["startDate"]), _date(raw["endDate"]), _date(raw["lastVisit"])
    neighbours = _neighbours(_text(raw["neighbours"]))
    inspected = raw["inspection"] is not None
    return {
        "urn": _text(raw["urn"]), "la_code": _text(raw["dfeCode"]),
        "region_code": REGION_LETTERS.get(_text(raw["region"]), ""), "la_code_new": _text(raw["gss"]),
        "stat_neighbours": ", ".join(neighbours),
        "stat_neighbour_judgement": _neighbour_list(neighbours, as_neighbour) if neighbours else "",
        "local_authority": _name(_text(raw["name"])),
        "inspection_link": " | ".join(sorted(set(filter(None, _text(raw["sourceFile"]).split(" | "))))),
        "overall_effectiveness_grade": _overall(raw) if inspected else "",
        "inspection_framework": _inspection_type(framework, start, end),
        "inspector_name": " ".join(_text(raw["leadInspector"]).lower().split()),
        "inspection_start_date": _dmy(start, "%d/%m/%Y"), "inspection_end_date": _dmy(end, "%d/%m/%Y"),
        "publication_date": _dmy(_date(raw["publicationDate"]), "%d/%m/%y"),
        "local_link_to_all_inspections": "",  # the graph records file names, not where the files are
        **_area_grades(_pairs(_text(raw["judgements"]), "="), framework, inspected),
        "inspectors_inspections_count": "",
        "recommendations_open": int(raw["open"] or 0), "recommendations_addressed": int(raw["addressed"] or 0),
        "recommendations_repeated": int(raw["repeated"] or 0), "last_visit_date": _dmy(last, "%d/%m/%Y"),
        "months_since_last_visit": _months(last, as_of), "framework": framework,
    }


def _overall(raw: dict[str, Value]) -> str:
    grade = _text(raw["overallGrade"])
    if grade:
        return GRADE_WORDS.get(grade, grade.lower())
    return NOT_GRADED if raw["framework"] == "Framework2026" else UNREADABLE


def _neighbour_grade(raw: dict[str, Value]) -> str:
    """How an authority appears in its neighbours' ``stat_neighbour_judgement`` lists."""
    if raw["inspection"] is None:
        return NEIGHBOUR_UNKNOWN
    overall = _overall(raw)
    return NEIGHBOUR_NOT_GRADED if overall == NOT_GRADED else overall


def _neighbour_list(codes: list[str], as_neighbour: dict[str, str]) -> str:
    """``[(372, 'outstanding'), (384, 'good')]``: the printed form of data-to-insight's Python list of tuples."""
    return "[" + ", ".join(f"({_code(c)}, '{as_neighbour.get(c, NEIGHBOUR_UNKNOWN)}')" for c in codes) + "]"


def _code(code: str) -> str:
    """A DfE code as data-to-insight prints it in the tuples (a number: int('052') prints 52)."""
    return str(int(code)) if code.isdigit() else repr(code)


def _area_grades(judgements: dict[str, str], framework: str, inspected: bool) -> dict[str, str]:
    """The four ILACS judgement columns; a missing grade is blank unless the framework always gives it."""
    missing = UNREADABLE if inspected and framework in FOUR_AREAS else ""
    out = {}
    for column, areas in AREAS:
        grade = next((judgements[a] for a in areas if a in judgements), None)
        out[column] = GRADE_WORDS.get(grade, grade.lower()) if grade else missing
    if "CareLeavers" not in judgements and COMBINED_AREA in judgements:  # one grade for both until 2023
        out["care_leavers_grade"] = PRE_DATES
    return out


def _inspection_type(framework: str, start: date | None, end: date | None) -> str:
    """'short' or 'standard', as data-to-insight tells them apart: by the days between the fieldwork dates."""
    if framework not in FOUR_AREAS or start is None or end is None or end < start:
        return ""
    days = (end - start).days
    return next((label for limit, label in DURATIONS if days <= limit), TOO_LONG)


def _neighbours(packed: str) -> list[str]:
    """'2:384 1:372' -> ['372', '384']: the DfE codes closest first (ranks compared as numbers)."""
    pairs = sorted((int(rank), code) for rank, code in (p.split(":", 1) for p in packed.split()) if rank.isdigit())
    return [code for _, code in pairs]


def _pairs(packed: str, sep: str) -> dict[str, str]:
    """'A=x B=y' -> {'A': 'x', 'B': 'y'}; of two values for one key the first in sorted order (what MIN gives)."""
    out: dict[str, str] = {}
    for key, value in sorted(p.split(sep, 1) for p in packed.split() if sep in p):
        out.setdefault(key, value)
    return out


def _name(label: str) -> str:
    """Lower case, the ONS inversion undone: 'Bristol, City of' -> 'bristol', as data-to-insight names it."""
    return re.sub(r",\s*(?:city|county) of$", "", " ".join(label.lower().split()))


def _months(last: date | None, as_of: date | None) -> int | str:
    """Calendar months between the start dates (March to May is 2), as queries/visit-timing.rq counts them."""
    if last is None or as_of is None:
        return ""
    return 12 * (as_of.year - last.year) + as_of.month - last.month


def _date(value: Value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:  # a month only (a visit known by mention) or a malformed date: not a day to print
        return None


def _dmy(day: date | None, form: str) -> str:
    return day.strftime(form) if day else ""


def _text(value: Value) -> str:
    return "" if value is None else str(value)


def csv_bytes(summary: Summary) -> bytes:
    """UTF-8 CSV with a header row, as the tidy tables are written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(summary.columns)
    writer.writerows([row[c] for c in summary.columns] for row in summary.rows)
    return buffer.getvalue().encode("utf-8")


def workbook_bytes(summary: Summary) -> bytes:
    """One sheet, a header row; data-to-insight's columns as text (as it writes them), our counts as numbers."""
    return xlsx_bytes(SHEET, summary.columns, [[row[c] for c in summary.columns] for row in summary.rows])


WRITERS: dict[str, Callable[[Summary], bytes]] = {".csv": csv_bytes, ".xlsx": workbook_bytes}


def write_summary(summary: Summary, path: Path) -> None:
    """Write ``path`` in the format its extension names (:data:`WRITERS`), atomically."""
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise ValueError(f"{path}: the summary is written as {' or '.join(WRITERS)}, not '{path.suffix}'")
    atomic_write(path, writer(summary))
