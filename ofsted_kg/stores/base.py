"""Stores: the one interface every backend implements, and the registry that opens them by spec.

A store holds one named graph per report plus the derived graphs of each
authority.  Everything above the stores talks to :class:`Store` only:
``reports()`` says what is there (by SHA-256, for incremental builds),
``put``/``drop`` replace whole named graphs, ``fetch`` reads some back,
``select`` answers SPARQL with values bound as RDF terms, as rdflib terms
whichever engine ran it.  The views, queries and reviews read every graph,
a file loaded into memory included, through ``select``.

Chosen by a spec string (``--store``) whose scheme, the part before the first
colon, names a backend; each backend module registers its schemes with
:func:`register` when imported, as rdflib's plugin registry does for its
stores, and :mod:`ofsted_kg.stores` imports them all::

    memory                                   Oxigraph in memory, nothing on disk (MemoryStore, rdflib's
                                             own, is the reference the tests compare with)
    oxigraph:PATH                            embedded on-disk Oxigraph (the default)
    sparql+http(s)://HOST:PORT/QUERY?update=PATH&gsp=PATH
                                             a SPARQL 1.1 Query/Update + Graph Store Protocol server
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.term import Identifier

from ofsted_kg.rdf.graph_files import save

REPORTS = """
SELECT DISTINCT ?g ?sha ?file WHERE { GRAPH ?g { ?report okg:sha256 ?sha ; okg:sourceFile ?file } }
ORDER BY ?g ?file"""
DEFAULT_STORE = "oxigraph:build/store"
Triples = Graph | bytes  # a graph to put: rdflib triples, or N-Triples bytes (as relinking produces them)
Rows = list[dict[str, Identifier]]  # SELECT solutions: variable -> rdflib term (unbound variables left out)


def as_graph(triples: Triples) -> Graph:
    """Triples to put as an rdflib Graph (N-Triples bytes parsed), for backends that add triple by triple."""
    return Graph().parse(data=triples, format="nt") if isinstance(triples, bytes) else triples


@dataclass(frozen=True)
class Selection:
    """The triples a reader needs: these predicates, and rdf:type only with a class of this namespace."""

    predicates: frozenset[str]
    class_namespace: str

    def keeps(self, predicate: Identifier, value: Identifier) -> bool:
        if predicate == RDF.type:
            return str(value).startswith(self.class_namespace)
        return str(predicate) in self.predicates


class StoreError(RuntimeError):
    """A store that cannot be opened, is busy, or refused a request (the message says which and why)."""


@dataclass(frozen=True)
class ReportEntry:
    graph: str
    sha256: str
    files: tuple[str, ...]


class Store(ABC):
    """A quad store of named graphs with SPARQL SELECT."""

    spec: str = ""

    @abstractmethod
    def select(self, query: str, bindings: dict[str, Identifier] | None = None) -> tuple[list[str], Rows]:
        """(variables, rows) of a SELECT over the union of all graphs."""

    @abstractmethod
    def put(self, graphs: dict[str, Triples]) -> None:
        """Replace each named graph by the given triples."""

    def put_new(self, nquads: bytes, names: list[str]) -> None:
        """Store the graphs ``names``, given together as one N-Quads document (what build workers make).

        Backends that can load N-Quads as they are override this (Oxigraph
        bulk-loads them); here they are parsed and put graph by graph."""
        data = Dataset()
        data.parse(data=nquads, format="nquads")
        self.put({name: data.graph(URIRef(name)) for name in names})

    @abstractmethod
    def drop(self, names: list[str]) -> None:
        """Remove named graphs (missing ones are ignored)."""

    @abstractmethod
    def fetch(self, names: list[str]) -> Dataset:
        """The named graphs as an rdflib Dataset (for linking, which needs the graph API)."""

    @abstractmethod
    def graph_names(self) -> list[str]:
        """Every named graph in the store, sorted."""

    def triples(self, names: list[str], select: Selection | None = None) -> bytes:
        """The triples of the named graphs (only those ``select`` keeps) as N-Triples: what a worker
        process is sent to derive from."""
        out = Graph()
        for s, p, o, _ in self.fetch(names).quads((None, None, None, None)):
            if select is None or select.keeps(p, o):
                out.add((s, p, o))
        return out.serialize(format="nt", encoding="utf-8")

    def reports(self) -> dict[str, ReportEntry]:
        """Report graphs by SHA-256 of their source bytes."""
        entries: dict[str, ReportEntry] = {}
        for row in self.select(REPORTS)[1]:
            sha, graph = str(row["sha"]), str(row["g"])
            old = entries.get(sha)
            entries[sha] = ReportEntry(graph, sha, (old.files if old else ()) + (str(row["file"]),))
        return entries

    def dump(self, path: Path) -> Path:
        """Write everything to an RDF file (format from the extension), atomically."""
        return save(self.fetch(self.graph_names()), path)

    def close(self) -> None:
        """Release files and locks."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


Factory = Callable[[str, bool], Store]  # (spec, write) -> an open store
_FACTORIES: dict[str, Factory] = {}
_USAGES: list[str] = []  # how to write each kind of spec, in the order the backends registered


def register(scheme: str, factory: Factory, usage: str) -> None:
    """Let :func:`open_store` open specs of ``scheme`` (the part before the first colon) with
    ``factory(spec, write)``; ``usage`` shows how such a spec is written, for the unknown-spec message."""
    _FACTORIES[scheme] = factory
    if usage not in _USAGES:
        _USAGES.append(usage)


def schemes() -> list[str]:
    """Every registered scheme, sorted."""
    return sorted(_FACTORIES)


def open_store(spec: str | None, write: bool = False) -> Store:
    """The store a ``--store`` spec names (see the module docstring)."""
    spec = spec or DEFAULT_STORE
    factory = _FACTORIES.get(spec.split(":", 1)[0])
    if factory is None:
        raise unknown_spec(spec)
    return factory(spec, write)


def unknown_spec(spec: str) -> StoreError:
    """The error for a spec no backend opens, naming the kinds that exist."""
    usages = ", ".join(_USAGES[:-1]) + " or " + _USAGES[-1] if len(_USAGES) > 1 else "".join(_USAGES)
    return StoreError(f"unknown store '{spec}' (use {usages})")
