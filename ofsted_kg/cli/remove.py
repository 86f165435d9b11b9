"""``ofsted-kg remove FILE|REPORT-IRI... [--store SPEC]``: take reports out of a store and re-link what is left."""
from __future__ import annotations

import click

from ofsted_kg.cli.common import open_store_or_fail
from ofsted_kg.pipeline.update import remove
from ofsted_kg.stores.base import DEFAULT_STORE, StoreError


@click.command("remove")
@click.argument("targets", nargs=-1, required=True)
@click.option("--store", "spec", default=DEFAULT_STORE, show_default=True, help="Store to remove from.")
def remove_command(targets: tuple[str, ...], spec: str) -> None:
    """Remove reports given by file (matched by content, else by name), report IRI or visit IRI."""
    with open_store_or_fail(spec, write=True) as store:
        try:
            removed, missing = remove(store, list(targets))
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
    for graph in removed:
        click.echo(f"removed {graph}")
    for target in missing:
        click.echo(f"not in the store: {target}", err=True)
    if missing:
        raise SystemExit(1)
