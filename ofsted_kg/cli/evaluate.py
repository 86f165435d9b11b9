"""``ofsted-kg evaluate GRAPH --gold DIR [--gold DIR ...]``: the scoring figures, then every error one by one.

``--cross-validate`` measures the follow-through model honestly: leave one authority out, fit on the
rest, score the one left out; it prints those figures beside the in-sample ones, per stage, with the
status confusion matrix and a reliability table of the confidence.  ``--write-parameters FILE`` saves
the parameters fitted on every authority (the file the package ships is ``ofsted_kg/data/parameters.json``).
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..evaluate import evaluate
from .common import load_graph


@click.command("evaluate")
@click.argument("graph", metavar="GRAPH")
@click.option("--gold", "golds", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              multiple=True, help="Folder with visits.csv, recommendations.csv, followups.csv, repeats.csv "
                                  "(repeat the option for several; rows are taken together).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON (no error list).")
@click.option("--errors/--no-errors", default=True, show_default=True, help="List each error.")
@click.option("--cross-validate", "cross", is_flag=True,
              help="Fit the follow-through model leaving one authority out at a time; print per-stage figures.")
@click.option("--write-parameters", type=click.Path(dir_okay=False, path_type=Path),
              help="With --cross-validate: write the parameters fitted on every authority to this file.")
def evaluate_command(graph: str, golds: tuple[Path, ...], as_json: bool, errors: bool, cross: bool,
                     write_parameters: Path | None) -> None:
    """Score GRAPH against hand-made gold answers."""
    data = load_graph(graph)
    if cross:
        from ..fit_report import report_cross_validation

        click.echo(report_cross_validation(data, list(golds), write_parameters, as_json=as_json))
        return
    result = evaluate(data, list(golds))
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
