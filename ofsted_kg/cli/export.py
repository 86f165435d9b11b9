"""``ofsted-kg export FILE -o OTHER --csv DIR``: convert a graph between RDF formats and/or write tidy CSV tables."""
from __future__ import annotations

from pathlib import Path

import click

from ..store import FormatError, format_for, save
from ..tables import read_tables, write_csv
from ..stores import StoreError
from .common import count, is_store, load_graph, open_engine, open_store_or_fail


@click.command("export")
@click.argument("graph", metavar="GRAPH")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Target RDF file; its extension sets the format.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the tidy tables (visits.csv, recommendations.csv, ...).")
def export_command(graph: str, output: Path | None, csv_dir: Path | None) -> None:
    """Write GRAPH in another RDF format (named graphs are kept by .trig .nq .jsonld) and/or as CSV tables."""
    if output is None and csv_dir is None:
        raise click.UsageError("give -o FILE (RDF conversion), --csv DIR (CSV tables), or both")
    if output is not None:
        try:
            format_for(output)
        except FormatError as exc:
            raise click.BadParameter(str(exc), param_hint="-o") from exc
    if csv_dir is not None and csv_dir.exists() and not csv_dir.is_dir():
        raise click.BadParameter(f"{csv_dir} exists and is not a folder", param_hint="--csv")
    if output is not None:
        if is_store(graph):  # the store writes itself: no rdflib copy of a million quads in memory
            with open_store_or_fail(graph) as store:
                try:
                    store.dump(output)
                except StoreError as exc:
                    raise click.ClickException(str(exc)) from exc
        else:
            save(load_graph(graph), output)
        click.echo(f"wrote {output}")
    if csv_dir is not None:
        tables = read_tables(open_engine(graph))
        for path in write_csv(tables, csv_dir):
            click.echo(f"wrote {path} ({count(len(tables[path.stem].rows), 'row')})")
