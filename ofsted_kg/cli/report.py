"""``ofsted-kg report GRAPH -o DIR``: a static, offline HTML site of recommendation follow-through."""
from __future__ import annotations

import time
from pathlib import Path

import click

from ofsted_kg.cli.common import count, open_engine
from ofsted_kg.cli.diff import read_build
from ofsted_kg.query.authority import FORMS
from ofsted_kg.views.diff import compare, read_diff_tables
from ofsted_kg.views.html.site import ReportError, render_site, views_of
from ofsted_kg.views.tables import read_tables


@click.command("report")
@click.argument("graph", metavar="GRAPH")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the site: new, empty, or a site written earlier (replaced as a whole when "
                   "complete). A folder holding other files, or the current folder, is refused.")
@click.option("--authority", metavar="NAME", help=f"Only this authority: {FORMS}.")
@click.option("--title", default="", help="A line shown under the navigation on every page.")
@click.option("--changes-since", "old", metavar="OLD",
              help="An earlier build (graph file or store): add changes.html, what changed since it (as `diff`).")
def report_command(graph: str, output: Path, authority: str | None, title: str, old: str | None) -> None:
    """Write an HTML site for GRAPH: index, national page, one page per authority, one per source report.
    Open DIR/index.html."""
    started = time.perf_counter()
    engine = open_engine(graph)
    tables = read_tables(engine)
    changes = compare(read_build(old), read_diff_tables(engine), (old, graph)) if old else None
    try:
        site = render_site(tables, output, authority, title, views_of(engine, tables, changes))
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {count(site.pages, 'page')} for {count(site.authorities, 'authority', 'authorities')} "
               f"to {output} in {time.perf_counter() - started:.1f} s; open {output / 'index.html'}")
