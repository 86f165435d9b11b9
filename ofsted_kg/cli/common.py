"""Helpers shared by the verbs: loading a graph file with a clear error."""
from __future__ import annotations

from pathlib import Path

import click
import pyoxigraph as ox
from rdflib import Dataset

from ..sparql import open_file
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


def open_engine(path: Path) -> ox.Store:
    """Load an RDF file into a fast in-memory Oxigraph store for the read-only views, with a clear error."""
    if not Path(path).is_file():
        raise click.ClickException(f"{path}: no such graph file (build one with: ofsted-kg build PATH -o {path})")
    try:
        return open_file(path)
    except FormatError as exc:
        raise click.ClickException(str(exc)) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise click.ClickException(f"{path}: cannot read RDF ({type(exc).__name__}: {exc})") from exc
