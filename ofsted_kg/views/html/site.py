"""View: a static HTML site of recommendation follow-through that works offline from ``file://``.

Pages are rendered by jinja2 templates shipped in ``ofsted_kg/views/html/templates``
with autoescaping on, so report text can never inject markup.  The site
needs no server and no network: its one stylesheet and one script are
copied beside the pages.  Files are written to a temporary folder and moved
into place only when every page is rendered, so a failed run never leaves a
half-written site over a good one; the folder replaced must be new, empty or
an earlier site holding only the files it listed (see :mod:`ofsted_kg.files`).
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ofsted_kg.files import FolderError, check_replaceable, output_folder, replace_folder
from ofsted_kg.query.authority import UnknownAuthority, choose, from_rows
from ofsted_kg.stores import Store
from ofsted_kg.views.diff import Changes
from ofsted_kg.views.html.model import (
    STATUS_MARK,
    STATUS_ORDER,
    Authority,
    anchor,
    build_authorities,
    page_fields,
    page_name,
    timeline,
    years,
)
from ofsted_kg.views.html.reviews import ReviewViews, attach_reviews, read_review_views
from ofsted_kg.views.national import National, Row, comparisons, national
from ofsted_kg.views.survival import FRAMEWORK_LABEL, HORIZONS
from ofsted_kg.views.tables import Table, labels

STATIC = ("report.css", "report.js")


class ReportError(ValueError):
    """An --authority that matches nothing, or an output folder that cannot be used."""


@dataclass(frozen=True)
class Site:
    folder: Path
    authorities: int
    pages: int


def environment() -> Environment:
    env = Environment(loader=PackageLoader("ofsted_kg.views.html", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    names = labels()
    env.globals.update(STATUS_ORDER=STATUS_ORDER, STATUS_LABEL=names.status, STATUS_MARK=STATUS_MARK,
                       KIND_LABEL=names.kind, FRAMEWORK_LABEL=FRAMEWORK_LABEL, HORIZONS=HORIZONS, GRADE_LABEL=names.grade,
                       REC_KIND_LABEL=names.rec_kind, timeline=timeline, years=years, bars=bars)
    return env


def select_authorities(authorities: list[Authority], wanted: str | None, visits: list[dict]) -> list[Authority]:
    """All authorities, or those ``wanted`` names in any form :mod:`ofsted_kg.query.authority` accepts."""
    if not wanted:
        return authorities
    try:
        keep = {k.iri for k in choose(from_rows(visits), wanted)}
    except UnknownAuthority as exc:
        raise ReportError(str(exc)) from exc
    return [a for a in authorities if a.iri in keep]


@dataclass(frozen=True)
class Views:
    """What the site shows beyond the tables: the national page and each authority's comparison (by name)."""

    national: National | None = None
    comparisons: dict[str, list[Row]] | None = None
    changes: Changes | None = None  # report --changes-since: what changed since an earlier build (ofsted_kg.views.diff)
    reviews: ReviewViews | None = None  # people's reviews and what still needs one (ofsted_kg.views.html.reviews)


def views_of(engine: Store, tables: dict[str, Table], changes: Changes | None = None) -> Views:
    """The national page and every authority's comparison, read from ``engine`` (what ``report`` and ``serve`` show)."""
    return Views(national(engine), comparisons(engine, tables["visits"]), changes, read_review_views(engine))


def render_site(tables: dict[str, Table], folder: Path, authority: str | None = None, title: str = "",
                views: Views = Views()) -> Site:
    """Write index, national, authority and report pages for ``tables`` into ``folder``, atomically replaced; with
    ``views.changes`` also changes.html, linked from the index; with ``views.reviews`` also review.html, the
    follow-ups no one has reviewed yet."""
    try:
        check_replaceable(output_folder(folder), str(folder))  # before rendering: a refusal should cost nothing
    except FolderError as exc:
        raise ReportError(str(exc)) from exc
    authorities = select_authorities(build_authorities(tables), authority, tables["visits"].rows)
    env = environment()
    pending = attach_reviews(authorities, views.reviews, tables["findings"]) if views.reviews else None
    national = views.national
    pages: dict[str, str | bytes] = {"index.html": env.get_template("index.html").render(
        authorities=authorities, title=title, national=national, changes=views.changes, reviewing=pending is not None)}
    if pending is not None:
        pages["review.html"] = env.get_template("review.html").render(pending=pending, authorities=authorities,
                                                                      title=title)
    if national is not None:
        pages["national.html"] = env.get_template("national.html").render(n=national, title=title, pages=_pages(authorities))
        pages.update({chart.file: chart.svg for chart in national.charts})
    compared = views.comparisons or {}
    for item in authorities:
        pages[f"authority/{item.page}.html"] = env.get_template("authority.html").render(
            a=item, title=title, compared=compared.get(item.name, []), pages=_pages(authorities))
    for name, report in _reports(tables, {a.iri for a in authorities}).items():
        pages[f"reports/{name}.html"] = env.get_template("report.html").render(r=report, title=title)
    changes = views.changes
    if changes is not None:  # what changed since an earlier build (ofsted_kg.views.diff), for this site's authorities
        shown = changes.only({a.iri for a in authorities}) if authority else changes
        pages["changes.html"] = env.get_template("changes.html").render(
            changes=shown, pages={a.iri: a.page for a in authorities}, page_name=page_name, title=title)
    _write_atomically(folder, pages)
    return Site(folder, len(authorities), sum(name.endswith(".html") for name in pages))


def bars(rows: list[Row], width: int = 560) -> list[dict]:
    """Stacked-bar segments (x, width, status) per comparison row: addressed, partially, not, then the rest."""
    result = []
    for row in rows:
        x, parts = 0.0, []
        for status, n in (("Addressed", row.addressed), ("PartiallyAddressed", row.partially),
                          ("NotAddressed", row.not_addressed), ("Other", row.other)):
            w = width * row.share(n)
            if w > 0:
                parts.append({"x": round(x, 1), "w": round(w, 1), "status": status, "n": n})
            x += w
        result.append({"row": row, "parts": parts})
    return result


def _pages(authorities: list[Authority]) -> dict[str, str]:
    """Authority name -> its page's file stem, for links between authorities that are both in the site."""
    return {a.name: a.page for a in authorities}


def _reports(tables: dict[str, Table], keep: set[str]) -> dict[str, dict]:
    """Per source report: its visit and its paragraphs (recommendations and findings) in text order."""
    reports: dict[str, dict] = {}
    for visit in tables["visits"].rows:
        if visit["report"] and visit["authority"] in keep:
            reports[visit["report"]] = {"visit": visit, "paragraphs": [], "iri": visit["report"],
                                        "authority_page": page_name(visit["authority"])}
    for kind, table in (("Recommendation", "recommendations"), ("Finding", "findings")):
        for row in tables[table].rows:
            if row["report"] in reports:
                reports[row["report"]]["paragraphs"].append({**row, "kind": kind, "iri": row[kind.lower()],
                                                           "anchor": anchor(row[kind.lower()]), **page_fields(row)})
    for report in reports.values():
        report["paragraphs"].sort(key=lambda p: (p["start"] if p["start"] is not None else 1 << 60, p["iri"]))
    return {page_name(iri): r for iri, r in sorted(reports.items())}


def _write_atomically(folder: Path, pages: dict[str, str | bytes]) -> None:
    def fill(staging: Path) -> None:
        for name, content in pages.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        static = Path(__file__).parent / "templates" / "static"
        for name in STATIC:
            shutil.copyfile(static / name, staging / name)

    try:
        replace_folder(Path(folder), fill, str(folder))
    except FolderError as exc:
        raise ReportError(str(exc)) from exc
