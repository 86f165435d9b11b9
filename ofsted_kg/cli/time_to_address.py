"""``ofsted-kg time-to-address GRAPH [--by framework|theme]``: the share of recommendations found addressed within
12, 24, 36 and 60 months, estimated with Kaplan–Meier for those not yet revisited (see :mod:`ofsted_kg.views.survival`)."""
from __future__ import annotations

import click

from ofsted_kg.cli.common import default_graph, open_engine
from ofsted_kg.cli.query import render
from ofsted_kg.query.authority import FORMS
from ofsted_kg.query.named import QueryError
from ofsted_kg.views.survival import GROUPINGS, HORIZONS, Estimate, estimates, subjects


@click.command("time-to-address")
@click.argument("graph", metavar="GRAPH", required=False, default=default_graph)
@click.option("--by", type=click.Choice(GROUPINGS), default="all", show_default=True,
              help="One estimate for all recommendations, or one per framework or per theme.")
@click.option("--authority", metavar="NAME", help=f"Only this authority's recommendations: {FORMS}.")
@click.option("--least", type=click.IntRange(min=1), default=1, show_default=True,
              help="Leave out groups with fewer recommendations than this.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
def time_to_address_command(graph: str, by: str, authority: str | None, least: int, fmt: str) -> None:
    """How soon recommendations are found addressed: Kaplan–Meier shares within 12/24/36/60 months (95% interval).

    A recommendation never found addressed counts as censored at its authority's latest visit, not as a failure;
    a horizon longer than a group's longest follow-up prints as '-'."""
    try:
        records = subjects(open_engine(graph), authority)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    if not records:
        raise click.ClickException(f"{graph}: no recommendation has had a later visit yet: nothing to estimate")
    found = estimates(records, by, least)
    click.echo(_csv(found) if fmt == "csv" else _table(found, by), nl=False)


def _cell(e: Estimate, h: int) -> str:
    if e.within[h] is None:
        return "-"
    return f"{e.within[h]:.0%} ({e.lower[h]:.0%}–{e.upper[h]:.0%})"


def _table(found: list[Estimate], by: str) -> str:
    columns = [by if by != "all" else "group", "recs", "addressed"] + [f"within {h} months" for h in HORIZONS]
    return render(columns, [[e.group, e.recommendations, e.addressed] + [_cell(e, h) for h in HORIZONS]
                            for e in found], "table")


def _csv(found: list[Estimate]) -> str:
    columns = ["group", "recommendations", "addressed"] + [f"{k}_{h}" for h in HORIZONS for k in ("within", "lower", "upper")]
    return render(columns, [[e.group, e.recommendations, e.addressed]
                            + [d[h] for h in HORIZONS for d in (e.within, e.lower, e.upper)] for e in found], "csv")
