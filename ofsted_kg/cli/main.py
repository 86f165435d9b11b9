"""Entry point: ``ofsted-kg`` and its verbs."""
from __future__ import annotations

import click

from .. import __version__
from .build import build_command
from .evaluate import evaluate_command
from .explain import explain_command
from .export import export_command
from .graph import graph_command
from .query import query_command
from .remove import remove_command
from .report import report_command
from .serve import serve_command
from .stats import stats_command
from .validate import validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ofsted-kg")
def cli() -> None:
    """Ofsted children's services reports -> an RDF knowledge graph of recommendations and their follow-through."""


for command in (build_command, validate_command, export_command, query_command, stats_command,
                evaluate_command, explain_command, report_command, remove_command, graph_command, serve_command):
    cli.add_command(command)

if __name__ == "__main__":  # pragma: no cover
    cli()
