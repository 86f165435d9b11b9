"""Entry point: ``ofsted-kg`` and its verbs.

Each verb is one module with one click command, imported only when that verb
runs (click's documented lazy-group pattern): ``build`` does not pay for
networkx, jinja2 or the HTTP server, and ``--help`` stays fast.
"""
from __future__ import annotations

import importlib

import click

from ofsted_kg import __version__

VERBS = {  # verb -> "module:command", in the order --help lists them
    "build": "build:build_command",
    "validate": "validate:validate_command",
    "export": "export:export_command",
    "query": "query:query_command",
    "stats": "stats:stats_command",
    "evaluate": "evaluate:evaluate_command",
    "explain": "explain:explain_command",
    "review": "review:review_command",
    "report": "report:report_command",
    "time-to-address": "time_to_address:time_to_address_command",
    "remove": "remove:remove_command",
    "diff": "diff:diff_command",
    "graph": "graph:graph_command",
    "serve": "serve:serve_command",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(VERBS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in VERBS:
            return None
        module, attr = VERBS[name].split(":")
        return getattr(importlib.import_module(f"{__package__}.{module}"), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ofsted-kg")
def cli() -> None:
    """Ofsted children's services reports -> an RDF knowledge graph of recommendations and their follow-through."""


if __name__ == "__main__":  # pragma: no cover
    cli()
