"""``ofsted-kg validate FILE``: SHACL report in words; exit 1 on violations."""
from __future__ import annotations

from pathlib import Path

import click

from ..validate import validate
from .common import load_graph


@click.command("validate")
@click.argument("graph", metavar="GRAPH")
@click.option("--limit", default=50, show_default=True, help="Print at most this many violations.")
def validate_command(graph: str, limit: int) -> None:
    """Check a graph file against the bundled SHACL shapes."""
    violations = validate(load_graph(graph))
    if not violations:
        click.echo(f"{graph}: conforms to the ofsted-kg shapes")
        return
    click.echo(f"{graph}: {len(violations)} violation(s)")
    for violation in violations[:limit]:
        click.echo(f"  {violation}")
    if len(violations) > limit:
        click.echo(f"  ... and {len(violations) - limit} more")
    raise SystemExit(1)
