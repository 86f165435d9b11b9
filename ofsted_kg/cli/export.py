"""``ofsted-kg export GRAPH -o OTHER --csv DIR --summary FILE``: convert a graph between RDF formats, write tidy
CSV tables, and/or write the one-row-per-authority summary (data-to-insight's columns) as .csv or .xlsx."""
from __future__ import annotations

from pathlib import Path

import click

from ofsted_kg.cli.common import count, is_store, load_graph, open_engine, open_store_or_fail
from ofsted_kg.rdf.graph_files import FormatError, format_for, save
from ofsted_kg.stores import Store, StoreError
from ofsted_kg.views.summary import WRITERS, read_summary, write_summary
from ofsted_kg.views.tables import read_tables, write_csv


@click.command("export")
@click.argument("graph", metavar="GRAPH")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Target RDF file; its extension sets the format.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the tidy tables (visits.csv, recommendations.csv, ...).")
@click.option("--summary", "summaries", type=click.Path(dir_okay=False, path_type=Path), multiple=True,
              help="One row per authority in data-to-insight's ILACS summary columns: FILE.csv or FILE.xlsx "
                   "(repeat it for both).")
def export_command(graph: str, output: Path | None, csv_dir: Path | None, summaries: tuple[Path, ...]) -> None:
    """Write GRAPH in another RDF format (named graphs are kept by .trig .nq .jsonld), as CSV tables, and/or as
    the summary table dashboards read."""
    _check_targets(output, csv_dir, summaries)
    if output is not None:
        _write_rdf(graph, output)
    if csv_dir is None and not summaries:
        return
    engine = open_engine(graph)  # one load of a graph file serves both views
    if csv_dir is not None:
        tables = read_tables(engine)
        for path in write_csv(tables, csv_dir):
            click.echo(f"wrote {path} ({count(len(tables[path.stem].rows), 'row')})")
    if summaries:
        _write_summaries(engine, summaries)


def _check_targets(output: Path | None, csv_dir: Path | None, summaries: tuple[Path, ...]) -> None:
    """Refuse unusable targets before reading anything (a graph may take a while to load)."""
    if output is None and csv_dir is None and not summaries:
        raise click.UsageError("give -o FILE (RDF conversion), --csv DIR (CSV tables), --summary FILE.csv|FILE.xlsx "
                               "(one row per authority), or several")
    if output is not None:
        try:
            format_for(output)
        except FormatError as exc:
            raise click.BadParameter(str(exc), param_hint="-o") from exc
    if csv_dir is not None and csv_dir.exists() and not csv_dir.is_dir():
        raise click.BadParameter(f"{csv_dir} exists and is not a folder", param_hint="--csv")
    for summary in summaries:
        if summary.suffix.lower() not in WRITERS:
            raise click.BadParameter(f"{summary}: the summary is written as {' or '.join(WRITERS)}, "
                                     f"not '{summary.suffix or 'no extension'}'", param_hint="--summary")


def _write_rdf(graph: str, output: Path) -> None:
    if is_store(graph):  # the store writes itself: no rdflib copy of a million quads in memory
        with open_store_or_fail(graph) as store:
            try:
                store.dump(output)
            except StoreError as exc:
                raise click.ClickException(str(exc)) from exc
    else:
        save(load_graph(graph), output)
    click.echo(f"wrote {output}")


def _write_summaries(engine: Store, paths: tuple[Path, ...]) -> None:
    table = read_summary(engine)
    counted = f"; months since the last visit counted to {table.as_of.isoformat()}, the newest visit in the graph" \
        if table.as_of else ""
    for path in paths:
        try:
            write_summary(table, path)
        except OSError as exc:
            raise click.ClickException(f"{path}: cannot write the summary ({exc.strerror or exc})") from exc
        click.echo(f"wrote {path} ({count(len(table.rows), 'row')}{counted})")
