"""``ofsted-kg query NAME-or-FILE.rq [--param k=v] --format table|csv|json``."""
from __future__ import annotations

import csv
import io
import json

import click

from ofsted_kg.cli.common import count, default_graph, open_engine
from ofsted_kg.query.authority import FORMS
from ofsted_kg.query.named import QueryError, find_query, parse_query_file, run_named
from ofsted_kg.resources import queries


@click.command("query")
@click.argument("name", required=False)
@click.option("-g", "--graph", default=default_graph, show_default="oxigraph:build/store if built, else build/graph.trig",
              help="Graph file or store (oxigraph:PATH, sparql+http(s)://...) to query.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help=f"Query parameter (repeatable). authority= takes {FORMS}; one the graph lacks is an error.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--list", "list_only", is_flag=True, help="List the shipped queries and their parameters.")
def query_command(name: str | None, graph: str, params: tuple[str, ...], fmt: str, list_only: bool) -> None:
    """Run a shipped query by NAME, or a .rq file, over a graph."""
    if list_only:
        for stem, path in queries().items():
            query = parse_query_file(path)
            args = " ".join(f"[{p.name}=<{p.kind}>]" for p in query.params)
            click.echo(f"{stem:28s} {query.title}" + (f"\n{'':28s} {args}" if args else ""))
        return
    if not name:
        raise click.UsageError("give a query name or .rq file (or --list)")
    try:
        query = find_query(name)
        values = dict(_split(p) for p in params)
        columns, rows = run_named(open_engine(graph), query, values)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(render(columns, rows, fmt), nl=False)


def _split(param: str) -> tuple[str, str]:
    if "=" not in param:
        raise QueryError(f"--param needs KEY=VALUE, got '{param}'")
    key, value = param.split("=", 1)
    return key.strip(), value


def _plain(term) -> str:
    return "" if term is None else str(term)


def render(columns: list[str], rows: list[list], fmt: str) -> str:
    table = [[_plain(v) for v in row] for row in rows]
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in table], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(table)
        return out.getvalue()
    widths = [min(60, max([len(c)] + [len(r[i]) for r in table])) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)), "  ".join("-" * w for w in widths)]
    for row in table:
        lines.append("  ".join((v if len(v) <= w else v[: w - 1] + "…").ljust(w) for v, w in zip(row, widths)))
    return "\n".join(lines) + f"\n({count(len(table), 'row')})\n"
