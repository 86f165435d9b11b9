"""``ofsted-kg evaluate GRAPH --gold DIR``: the scoring figures, then every error one by one."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..evaluate import evaluate
from .common import load_graph


@click.command("evaluate")
@click.argument("graph", metavar="GRAPH")
@click.option("--gold", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="Folder with visits.csv, recommendations.csv, followups.csv, repeats.csv.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON (no error list).")
@click.option("--errors/--no-errors", default=True, show_default=True, help="List each error.")
def evaluate_command(graph: str, gold: Path, as_json: bool, errors: bool) -> None:
    """Score GRAPH against hand-made gold answers."""
    result = evaluate(load_graph(graph), gold)
    if as_json:
        click.echo(json.dumps(result.figures, indent=2))
        return
    for section, figures in result.figures.items():
        click.echo(section)
        for name, value in figures.items():
            click.echo(f"  {name:32s} {value}")
    if errors and result.errors:
        click.echo(f"errors ({len(result.errors)}):")
        for line in result.errors:
            click.echo(f"  - {line}")
