"""Helpers shared by the verbs: opening the graph a verb reads (a file or a store) with a clear error; counts."""
from __future__ import annotations

from pathlib import Path

import click
from rdflib import Dataset

from ofsted_kg.rdf.graph_files import FormatError, load
from ofsted_kg.stores import DEFAULT_STORE, OxigraphStore, Store, StoreError, open_store

STORE_SPECS = ("oxigraph:", "sparql+http://", "sparql+https://")


def count(n: int, word: str, plural: str = "") -> str:
    """'1 report', '2 reports': so summaries read right at every count ('built 1 reports' did not)."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def default_graph() -> str:
    """The default store if a build made it, else the sample graph file ``make demo`` writes."""
    store = DEFAULT_STORE.removeprefix("oxigraph:")
    return DEFAULT_STORE if Path(store).is_dir() else "build/graph.trig"


def is_store(source: str | Path) -> bool:
    """True when a GRAPH argument names a store (oxigraph:PATH, sparql+http(s)://...) rather than a file."""
    return str(source).startswith(STORE_SPECS)


def open_store_or_fail(spec: str, write: bool = False) -> Store:
    try:
        return open_store(spec, write=write)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def load_graph(path: str | Path) -> Dataset:
    """Load an RDF file (or every graph of a store) as an rdflib Dataset, turning errors into one clear line."""
    if is_store(path):
        with open_store_or_fail(str(path)) as store:
            try:
                return store.fetch(store.graph_names())
            except StoreError as exc:
                raise click.ClickException(str(exc)) from exc
    return _read_file(Path(path), load)


def open_engine(path: str | Path) -> Store:
    """The Store the read-only views query: the store named, or the graph file loaded into in-memory Oxigraph."""
    if is_store(path):
        return open_store_or_fail(str(path))
    return open_graph_file(Path(path))


def open_graph_file(path: Path) -> OxigraphStore:
    """A graph file loaded into in-memory Oxigraph (a store of its own, nothing on disk to close)."""
    return _read_file(path, OxigraphStore.from_file)


def _read_file(path: Path, reader):
    """``reader(path)`` for an RDF file, with a missing file or a parse error as one line naming the file."""
    if not path.is_file():
        raise click.ClickException(f"{path}: no such graph file (build one with: ofsted-kg build PATH -o {path})")
    try:
        return reader(path)
    except FormatError as exc:
        raise click.ClickException(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - any parser error becomes a message naming the file
        raise click.ClickException(f"{path}: cannot read RDF ({type(exc).__name__}: {exc})") from exc
