"""``ofsted-kg export FILE -o OTHER``: convert a graph between RDF formats."""
from __future__ import annotations

from pathlib import Path

import click

from ..store import FormatError, format_for, save
from .common import load_graph


@click.command("export")
@click.argument("graph", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Target file; its extension sets the format.")
def export_command(graph: Path, output: Path) -> None:
    """Write GRAPH in another RDF format (named graphs are kept by .trig .nq .jsonld)."""
    try:
        format_for(output)
    except FormatError as exc:
        raise click.BadParameter(str(exc), param_hint="-o") from exc
    save(load_graph(graph), output)
    click.echo(f"wrote {output}")
