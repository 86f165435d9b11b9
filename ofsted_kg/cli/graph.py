"""``ofsted-kg graph GRAPH -o FILE``: the follow-through network as GraphML, GEXF, SVG or PNG."""
from __future__ import annotations

from pathlib import Path

import click

from ofsted_kg.cli.common import count, open_engine
from ofsted_kg.query.authority import FORMS
from ofsted_kg.views.network import FORMATS, NetworkError, build_network, write_network
from ofsted_kg.views.tables import read_tables


@click.command("graph")
@click.argument("graph", metavar="GRAPH")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=f"Target file; its extension sets the format ({', '.join(FORMATS)}).")
@click.option("--authority", metavar="NAME", help=f"Only this authority: {FORMS}.")
def graph_command(graph: str, output: Path, authority: str | None) -> None:
    """Draw or export the network visit -> recommendation -> follow-up -> evidence finding."""
    if output.suffix.lower() not in FORMATS:
        raise click.BadParameter(f"'{output.suffix or output.name}' is not a network format; use one of: "
                                 f"{', '.join(FORMATS)}", param_hint="-o")
    tables = read_tables(open_engine(graph))
    try:
        network = build_network(tables, authority)
        names = sorted({str(d.get("authority")) for _, d in network.nodes(data=True) if d["kind"] == "visit"})
        title = f"Recommendation follow-through — {', '.join(names)}" if authority else ""
        write_network(network, output, title)
    except NetworkError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {output} ({count(network.number_of_nodes(), 'node')}, "
               f"{count(network.number_of_edges(), 'edge')})")
