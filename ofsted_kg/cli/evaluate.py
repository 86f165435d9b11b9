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

from ofsted_kg.cli.common import load_graph, open_engine
from ofsted_kg.evaluate.gold import evaluate


@click.command("evaluate")
@click.argument("graph", metavar="GRAPH")
@click.option("--gold", "golds", type=click.Path(exists=True, file_okay=False, path_type=Path),
              multiple=True, help="Folder with visits.csv, recommendations.csv, followups.csv, repeats.csv "
                                  "(repeat the option for several; rows are taken together).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON (no error list).")
@click.option("--errors/--no-errors", default=True, show_default=True, help="List each error.")
@click.option("--cross-validate", "cross", is_flag=True,
              help="Fit the follow-through model leaving one authority out at a time; print per-stage figures.")
@click.option("--write-parameters", type=click.Path(dir_okay=False, path_type=Path),
              help="With --cross-validate: write the parameters fitted on every authority to this file.")
@click.option("--reviews", "reviews_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Score the machine against people's reviews (a reviews file) as if they were gold.")
def evaluate_command(graph: str, golds: tuple[Path, ...], as_json: bool, errors: bool, cross: bool,
                     write_parameters: Path | None, reviews_file: Path | None) -> None:
    """Score GRAPH against hand-made gold answers (--gold), or against people's reviews (--reviews)."""
    if not golds and reviews_file is None:
        raise click.UsageError("give --gold DIR or --reviews FILE")
    if reviews_file is not None:
        result = _against_reviews(graph, reviews_file)
        _print(result.figures, result.errors if errors else [], as_json)
        return
    data = load_graph(graph)
    if cross:
        from ofsted_kg.evaluate.report import report_cross_validation

        click.echo(report_cross_validation(data, list(golds), write_parameters, as_json=as_json))
        return
    result = evaluate(data, list(golds))
    _print(result.figures, result.errors if errors else [], as_json)


def _against_reviews(graph: str, path: Path):
    """The machine's follow-ups in ``graph`` scored against the reviews in ``path``."""
    from ofsted_kg.review.records import ReviewError, read_reviews
    from ofsted_kg.review.score import score_reviews

    try:
        reviews = read_reviews(path)
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from exc
    return score_reviews(open_engine(graph), reviews)


def _print(figures: dict, errors: list[str], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    for section, figures in figures.items():
        click.echo(section)
        for name, value in figures.items():
            click.echo(f"  {name:32s} {value}")
    if errors:
        click.echo(f"errors ({len(errors)}):")
        for line in errors:
            click.echo(f"  - {line}")
