"""Stage 8c, stores: one interface over rdflib in memory, an on-disk Oxigraph store, and any SPARQL 1.1 server.

A store holds one named graph per report plus the derived graphs of each
authority.  Everything above this module talks to :class:`Store` only:
``reports()`` says what is there (by SHA-256, for incremental builds),
``put``/``drop`` replace whole named graphs, ``fetch`` reads some back,
``select`` answers SPARQL with values bound as RDF terms.

Chosen by a spec string (``--store``)::

    memory                                   Oxigraph in memory, nothing on disk (MemoryStore, rdflib's
                                             own, is the reference the tests compare with)
    oxigraph:PATH                            embedded on-disk Oxigraph (the default)
    sparql+http(s)://HOST:PORT/QUERY?update=PATH&gsp=PATH
                                             a SPARQL 1.1 Query/Update + Graph Store Protocol server

Server credentials come from ``OFSTED_KG_USER``/``OFSTED_KG_PASSWORD`` or
``~/.netrc``, never from the command line, so they stay out of shell history
and logs.
"""
from __future__ import annotations

import fcntl
import netrc
import os
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier

from ofsted_kg.query import sparql
from ofsted_kg.files import write_sorted_lines
from ofsted_kg.rdf.graph_files import atomic_write, format_for, new_dataset, save
from ofsted_kg.rdf.vocab import ID, OKG, PREFIXES

REPORTS = """
SELECT DISTINCT ?g ?sha ?file WHERE { GRAPH ?g { ?report okg:sha256 ?sha ; okg:sourceFile ?file } }
ORDER BY ?g ?file"""
DEFAULT_STORE = "oxigraph:build/store"
Triples = Graph | bytes  # a graph to put: rdflib triples, or N-Triples bytes (as relinking produces them)


def as_graph(triples: Triples) -> Graph:
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
    def select(self, query: str, bindings: dict[str, Identifier] | None = None) -> tuple[list[str], sparql.Rows]:
        """(variables, rows) of a SELECT over the union of all graphs."""

    @abstractmethod
    def put(self, graphs: dict[str, Triples]) -> None:
        """Replace each named graph by the given triples."""

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


class MemoryStore(Store):
    """rdflib in memory: slow at scale, but the reference the other stores are tested against."""

    def __init__(self, data: Dataset | None = None) -> None:
        self.data = data if data is not None else new_dataset()
        self.spec = "memory"

    def select(self, query, bindings=None):
        return sparql.select(self.data, query, bindings)

    def put(self, graphs):
        for name, graph in graphs.items():
            self.data.remove_graph(self.data.graph(URIRef(name)))
            target = self.data.graph(URIRef(name))
            for triple in as_graph(graph):
                target.add(triple)

    def drop(self, names):
        for name in names:
            self.data.remove_graph(self.data.graph(URIRef(name)))

    def fetch(self, names):
        out = new_dataset()
        for name in names:
            target = out.graph(URIRef(name))
            for triple in self.data.graph(URIRef(name)):
                target.add(triple)
        return out

    def graph_names(self):
        return sorted({str(c) for _, _, _, c in self.data.quads((None, None, None, None)) if c is not None})

    def dump(self, path):
        return save(self.data, path)


class OxigraphStore(Store):
    """An on-disk Oxigraph (RocksDB) store; a lock file lets only one writer in at a time."""

    def __init__(self, path: Path, write: bool = False) -> None:
        self.path, self.spec = Path(path), f"oxigraph:{path}"
        self._lock = None
        if write:
            self.path.mkdir(parents=True, exist_ok=True)
            self._lock = open(self.path.with_name(self.path.name + ".lock"), "w")  # noqa: SIM115
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._lock.close()
                raise StoreError(f"{self.path}: another ofsted-kg build is writing to this store; "
                                 "wait for it to finish") from None
        elif not self.path.is_dir():
            raise StoreError(f"{self.path}: no such store (build one with: ofsted-kg build PATH --store {self.spec})")
        try:
            self.store = ox.Store(str(self.path)) if write else _open_read_only(self.path)
        except (OSError, RuntimeError) as exc:
            self.close()
            raise StoreError(f"{self.path}: cannot open the Oxigraph store ({exc})") from exc
        if write:
            self._recover()

    @classmethod
    def in_memory(cls, store: ox.Store | None = None) -> OxigraphStore:
        """An Oxigraph store in memory (no path, no lock) behind the Store interface."""
        self = cls.__new__(cls)
        self.path, self.spec, self._lock = None, "oxigraph:(memory)", None
        self.store = store if store is not None else ox.Store()
        return self

    def select(self, query, bindings=None):
        return sparql.select(self.store, query, bindings)

    def put(self, graphs):
        """Many new quads are bulk-loaded (3x faster than a transaction) under a journal; the rest is atomic.

        The journal names the graphs being bulk-loaded before the load starts
        and is cleared after it; a writer killed in between leaves it behind,
        and the next writer drops those (possibly partial) graphs.  They are
        all new, so nothing stored before is touched."""
        new = sorted(n for n in graphs if not self.store.contains_named_graph(ox.NamedNode(n)))
        if sum(_size(graphs[n]) for n in new) < BULK_MIN:  # one transaction is as fast, and leaves no small files
            self.store.load(_nquads(new, graphs), format=ox.RdfFormat.N_QUADS)
        else:
            self.store.extend([ox.Quad(JOURNAL, INCOMPLETE, ox.NamedNode(n), JOURNAL) for n in new])
            self.store.bulk_load(_nquads(new, graphs), format=ox.RdfFormat.N_QUADS)
            self.store.remove_graph(JOURNAL)
            self._bulk_loaded = True
        for name in sorted(set(graphs) - set(new)):
            data = b"".join(f"{q.subject} {q.predicate} {q.object} .\n".encode() for q in _quads(name, graphs[name]))
            self.store.update(f"DROP SILENT GRAPH <{name}> ; INSERT DATA {{ GRAPH <{name}> {{ {data.decode()} }} }}")

    def _recover(self) -> None:
        """Drop the graphs a killed writer was bulk-loading (see :meth:`put`)."""
        for quad in list(self.store.quads_for_pattern(JOURNAL, INCOMPLETE, None, JOURNAL)):
            self.store.remove_graph(quad.object)
        self.store.remove_graph(JOURNAL) if self.store.contains_named_graph(JOURNAL) else None

    def drop(self, names):
        for name in names:
            node = ox.NamedNode(name)
            if self.store.contains_named_graph(node):
                self.store.remove_graph(node)

    def fetch(self, names):
        out = new_dataset()
        for name in names:
            target = out.graph(URIRef(name))
            for quad in self.store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                target.add((sparql.to_rdflib(quad.subject), sparql.to_rdflib(quad.predicate),
                            sparql.to_rdflib(quad.object)))
        return out

    def graph_names(self):
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def triples(self, names, select=None):
        """Selected and serialised by Oxigraph, without a Python object per triple (the predicate index
        reads only the triples wanted: a quarter of a report's, for derivation)."""
        if select is None:
            return b"\n".join(self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(n)) or b""
                               for n in names)
        graphs = " ".join(URIRef(n).n3() for n in names)
        predicates = " ".join(URIRef(p).n3() for p in sorted(select.predicates))
        query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {graphs} }} "
                 f"{{ VALUES ?p {{ {predicates} }} GRAPH ?g {{ ?s ?p ?o }} }} UNION "
                 f"{{ BIND({RDF.type.n3()} AS ?p) GRAPH ?g {{ ?s ?p ?o }} "
                 f"FILTER(STRSTARTS(STR(?o), {Literal(select.class_namespace).n3()})) }} }}")
        return self.store.query(query).serialize(format=ox.RdfFormat.N_TRIPLES) or b""

    def dump(self, path):
        """Oxigraph serialises itself, straight into the file (fast, and the file is never held in memory);
        N-Quads are sorted into the canonical form on disk (:func:`~ofsted_kg.files.write_sorted_lines`)."""
        fmt = sparql.OX_FORMATS.get(format_for(path))
        if fmt is None:
            return super().dump(path)
        if getattr(self, "_bulk_loaded", False) and self._lock:
            self.optimize()  # bulk loads leave many small files: reading them all is several times slower
        prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD):
            atomic_write(Path(path), lambda fh: self.store.dump(fh, format=fmt, prefixes=prefixes))
        elif fmt == ox.RdfFormat.N_QUADS:
            atomic_write(Path(path), lambda fh: write_sorted_lines(fh, lambda raw: self.store.dump(raw, format=fmt), Path(path).parent))
        else:  # triples-only formats get the union of all graphs
            union = self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            payload = union.serialize(format=fmt) or b""
            if fmt == ox.RdfFormat.N_TRIPLES:
                atomic_write(Path(path), lambda fh: write_sorted_lines(fh, lambda raw: raw.write(payload), Path(path).parent))
            else:
                atomic_write(Path(path), payload)
        return Path(path)

    def optimize(self) -> None:
        """Compact the files bulk loads leave behind: queries read 3-5x fewer of them (0.31 s -> 0.17 s for
        the follow-through table of the corpus); costs ~0.7 s for the whole corpus."""
        self.store.optimize()
        self._bulk_loaded = False

    def close(self):
        if getattr(self, "store", None) is not None:
            if self._lock:
                self.store.flush()
                if getattr(self, "_bulk_loaded", False):
                    self.optimize()
            self.store = None
        if self._lock:
            self._lock.close()
            self._lock = None


def _open_read_only(path: Path, attempts: int = 5) -> ox.Store:
    """A read-only open, retried when a file it listed vanished meanwhile: a writer compacting the store
    deletes files between the reader reading the file list and opening them (RocksDB's read-only mode takes
    no lock, by design, so readers never wait for a build)."""
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:
            if "No such file" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


BULK_MIN = 20_000  # quads
JOURNAL, INCOMPLETE = ox.NamedNode(f"{ID}graph/incomplete"), ox.NamedNode(str(OKG.incompleteGraph))


def _size(triples: Triples) -> int:
    return triples.count(b"\n") if isinstance(triples, bytes) else len(triples)


def _nquads(names: list[str], graphs: dict[str, Triples]) -> bytes:
    """The graphs as one N-Quads document, for Oxigraph to parse and load natively (no Python object per
    triple): each N-Triples line gets its graph name before the final dot."""
    out = []
    for name in names:
        triples = graphs[name]
        if not isinstance(triples, bytes):  # sorted: a Graph iterates in hash order, and the order of loading
            # is the order an in-memory store writes TriG in (the theme scheme differed with PYTHONHASHSEED)
            triples = b"\n".join(sorted((ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                                                        for q in _quads(name, triples)),
                                                       format=ox.RdfFormat.N_TRIPLES) or b"").split(b"\n")))
        label = f" <{name}> .".encode()
        out.extend(line.rstrip()[:-1].rstrip() + label for line in triples.split(b"\n") if line.strip())
    return b"\n".join(out) + b"\n"


def _quads(name: str, triples: Triples):
    """The triples as Oxigraph quads in graph ``name`` (N-Triples bytes are parsed by Oxigraph, in Rust)."""
    node = ox.NamedNode(name)
    if isinstance(triples, bytes):
        return (ox.Quad(t.subject, t.predicate, t.object, node) for t in ox.parse(triples, format=ox.RdfFormat.N_TRIPLES))
    return (ox.Quad(sparql.to_oxigraph(s), sparql.to_oxigraph(p), sparql.to_oxigraph(o), node) for s, p, o in triples)


def credentials(host: str) -> tuple[str, str] | None:
    """(user, password) for ``host`` from the environment, else from ~/.netrc, else None."""
    user, password = os.environ.get("OFSTED_KG_USER"), os.environ.get("OFSTED_KG_PASSWORD")
    if user and password is not None:
        return user, password
    try:
        found = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError):
        return None
    return (found[0], found[2]) if found else None


def open_store(spec: str | None, write: bool = False) -> Store:
    """The store a ``--store`` spec names (see the module docstring)."""
    spec = spec or DEFAULT_STORE
    if spec == "memory":  # Oxigraph in memory: rdflib's store takes several GB for the whole corpus
        store = OxigraphStore.in_memory()
        store.spec = "memory"
        return store
    if spec.startswith("oxigraph:"):
        return OxigraphStore(Path(spec.removeprefix("oxigraph:")), write=write)
    if spec.startswith(("sparql+http://", "sparql+https://")):
        from ofsted_kg.stores.remote import RemoteStore

        return RemoteStore(spec)
    raise StoreError(f"unknown store '{spec}' (use memory, oxigraph:PATH or sparql+http(s)://HOST/PATH)")
