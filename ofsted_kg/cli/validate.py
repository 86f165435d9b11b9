"""``ofsted-kg validate FILE``: SHACL report in words; exit 1 on violations."""
from __future__ import annotations

import os

import click

from ofsted_kg.cli.common import count, is_store, load_graph, open_engine, open_store_or_fail
from ofsted_kg.stores import MemoryStore, StoreError
from ofsted_kg.validate.shacl import validate_store


@click.command("validate")
@click.argument("graph", metavar="GRAPH")
@click.option("--limit", default=50, show_default=True, help="Print at most this many violations.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: all cores).")
@click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
              help="sparql: the shapes compiled to SPARQL, run in the store (fast); pyshacl: the reference, per authority.")
def validate_command(graph: str, limit: int, jobs: int | None, engine: str) -> None:
    """Check a graph file or store against the bundled SHACL shapes, one authority at a time, plus cross-report checks."""
    store = open_store_or_fail(graph) if is_store(graph) else open_engine(graph) \
        if engine == "sparql" else MemoryStore(load_graph(graph))
    with store:
        try:
            violations = validate_store(store, jobs=jobs or os.cpu_count() or 1, engine=engine)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
    if not violations:
        click.echo(f"{graph}: conforms to the ofsted-kg shapes")
        return
    click.echo(f"{graph}: {count(len(violations), 'violation')}")
    for violation in violations[:limit]:
        click.echo(f"  {violation}")
    if len(violations) > limit:
        click.echo(f"  ... and {len(violations) - limit} more")
    raise SystemExit(1)
