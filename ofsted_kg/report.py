"""Stage 9c, view: a static HTML site of recommendation follow-through that works offline from ``file://``.

Pages are rendered by jinja2 templates shipped in ``ofsted_kg/templates``
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

from .authority_arg import UnknownAuthority, choose, from_rows
from .diff import Changes
from .files import FolderError, check_replaceable, output_folder, replace_folder
from .report_model import (GRADE_LABEL, KIND_LABEL, REC_KIND_LABEL, STATUS_LABEL, STATUS_MARK, STATUS_ORDER, Authority,
                           anchor, build_authorities, page_fields, page_name, timeline, years)
from .tables import Table

STATIC = ("report.css", "report.js")


class ReportError(ValueError):
    """An --authority that matches nothing, or an output folder that cannot be used."""


@dataclass(frozen=True)
class Site:
    folder: Path
    authorities: int
    pages: int


def environment() -> Environment:
    env = Environment(loader=PackageLoader("ofsted_kg", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(STATUS_ORDER=STATUS_ORDER, STATUS_LABEL=STATUS_LABEL, STATUS_MARK=STATUS_MARK,
                       KIND_LABEL=KIND_LABEL, GRADE_LABEL=GRADE_LABEL, REC_KIND_LABEL=REC_KIND_LABEL, timeline=timeline, years=years)
    return env


def select_authorities(authorities: list[Authority], wanted: str | None, visits: list[dict]) -> list[Authority]:
    """All authorities, or those ``wanted`` names in any form :mod:`ofsted_kg.authority_arg` accepts."""
    if not wanted:
        return authorities
    try:
        keep = {k.iri for k in choose(from_rows(visits), wanted)}
    except UnknownAuthority as exc:
        raise ReportError(str(exc)) from exc
    return [a for a in authorities if a.iri in keep]


def render_site(tables: dict[str, Table], folder: Path, authority: str | None = None, title: str = "",
                changes: Changes | None = None) -> Site:
    """Write index, authority and report pages for ``tables`` into ``folder``, atomically replaced; with
    ``changes`` (``report --changes-since``) also changes.html, linked from the index."""
    try:
        check_replaceable(output_folder(folder), str(folder))  # before rendering: a refusal should cost nothing
    except FolderError as exc:
        raise ReportError(str(exc)) from exc
    authorities = select_authorities(build_authorities(tables), authority, tables["visits"].rows)
    env = environment()
    pages = {"index.html": env.get_template("index.html").render(authorities=authorities, title=title, changes=changes)}
    for item in authorities:
        pages[f"authority/{item.page}.html"] = env.get_template("authority.html").render(a=item, title=title)
    for name, report in _reports(tables, {a.iri for a in authorities}).items():
        pages[f"reports/{name}.html"] = env.get_template("report.html").render(r=report, title=title)
    if changes is not None:  # what changed since an earlier build (ofsted_kg.diff), for this site's authorities
        shown = changes.only({a.iri for a in authorities}) if authority else changes
        pages["changes.html"] = env.get_template("changes.html").render(
            changes=shown, pages={a.iri: a.page for a in authorities}, page_name=page_name, title=title)
    _write_atomically(folder, pages)
    return Site(folder, len(authorities), len(pages))


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


def _write_atomically(folder: Path, pages: dict[str, str]) -> None:
    def fill(staging: Path) -> None:
        for name, html in pages.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        static = Path(__file__).parent / "templates" / "static"
        for name in STATIC:
            shutil.copyfile(static / name, staging / name)

    try:
        replace_folder(Path(folder), fill, str(folder))
    except FolderError as exc:
        raise ReportError(str(exc)) from exc
