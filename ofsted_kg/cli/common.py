"""Helpers shared by the verbs: loading a graph file with a clear error."""
from __future__ import annotations

from pathlib import Path

import click
from rdflib import Dataset

from ..store import FormatError, load


def load_graph(path: Path) -> Dataset:
    """Load an RDF file, turning parse errors into one clear line."""
    if not Path(path).is_file():
        raise click.ClickException(f"{path}: no such graph file (build one with: ofsted-kg build PATH -o {path})")
    try:
        return load(path)
    except FormatError as exc:
        raise click.ClickException(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - any parser error becomes a message naming the file
        raise click.ClickException(f"{path}: cannot read RDF ({type(exc).__name__}: {exc})") from exc
