"""Stores: Oxigraph, embedded on disk (the default store) or in memory (a graph file, the ``memory`` spec).

Oxigraph answers SPARQL in Rust, so it serves the whole corpus where rdflib
would take minutes and gigabytes.  Values are bound by a ``VALUES`` block of
RDF terms (:func:`ofsted_kg.rdf.terms.with_values`), and answers come back as
rdflib terms, like every other store's.  Registers the ``oxigraph:PATH`` and
``memory`` specs.
"""
from __future__ import annotations

import fcntl
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import RDF, Dataset, Literal, URIRef
from rdflib.term import Identifier

from ofsted_kg.files import merge_runs, sorted_runs, write_sorted_lines
from ofsted_kg.rdf.graph_files import FormatError, atomic_write, format_for, new_dataset, quads_by_graph
from ofsted_kg.rdf.terms import OX_FORMATS, PROLOGUE, to_oxigraph, to_rdflib, with_values
from ofsted_kg.rdf.vocab import ID, OKG, PREFIXES
from ofsted_kg.stores.base import Rows, Selection, Store, StoreError, Triples, register, unknown_spec


class OxigraphStore(Store):
    """An Oxigraph store on disk (RocksDB; a lock file lets only one writer in at a time), or in memory
    (:meth:`in_memory`, :meth:`from_file`, :meth:`copy_of`: no path, no lock)."""

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

    @classmethod
    def from_file(cls, path: Path) -> OxigraphStore:
        """The RDF file at ``path`` loaded into an in-memory store (much faster than rdflib to load)."""
        fmt = format_for(path)
        if fmt not in OX_FORMATS:
            raise FormatError(f"{path}: format '{fmt}' cannot be loaded into Oxigraph")
        store = ox.Store()
        store.bulk_load(path=str(path), format=OX_FORMATS[fmt])
        return cls.in_memory(store)

    @classmethod
    def copy_of(cls, store: Store) -> OxigraphStore:
        """Every graph of ``store`` copied into an in-memory Oxigraph store (e.g. to serve a remote one locally)."""
        data = store.fetch(store.graph_names())
        copy = ox.Store()
        copy.load(data.serialize(format="nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        return cls.in_memory(copy)

    def select(self, query: str, bindings: dict[str, Identifier] | None = None) -> tuple[list[str], Rows]:
        result = self.store.query(PROLOGUE + with_values(query, bindings or {}), use_default_graph_as_union=True)
        names = [v.value for v in result.variables]
        return names, [{n: to_rdflib(term) for n, term in zip(names, sol) if term is not None} for sol in result]

    def query(self, query: str, **options: object) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
        """Any query form (CONSTRUCT, DESCRIBE, ASK too) answered by Oxigraph in its own terms, with
        pyoxigraph's ``Store.query`` options: what the SPARQL endpoint serialises straight to the client."""
        return self.store.query(query, **options)

    def quad_count(self) -> int:
        """How many quads the store holds (what ``serve`` reports it is serving)."""
        return len(self.store)

    def put(self, graphs: dict[str, Triples]) -> None:
        """Many new quads are bulk-loaded (3x faster than a transaction) under a journal; the rest is atomic.

        The journal names the graphs being bulk-loaded before the load starts
        and is cleared after it; a writer killed in between leaves it behind,
        and the next writer drops those (possibly partial) graphs.  They are
        all new, so nothing stored before is touched."""
        new = sorted(n for n in graphs if not self.store.contains_named_graph(ox.NamedNode(n)))
        if new:
            self._load_new(_nquads(new, graphs), new, sum(_size(graphs[n]) for n in new))
        for name in sorted(set(graphs) - set(new)):
            data = b"".join(f"{q.subject} {q.predicate} {q.object} .\n".encode() for q in _quads(name, graphs[name]))
            self.store.update(f"DROP SILENT GRAPH <{name}> ; INSERT DATA {{ GRAPH <{name}> {{ {data.decode()} }} }}")

    def put_new(self, nquads: bytes, names: list[str]) -> None:
        """New graphs' N-Quads loaded as they are, parsed by Oxigraph only (graphs the store has go through
        :meth:`put`, which replaces them)."""
        if any(self.store.contains_named_graph(ox.NamedNode(n)) for n in names):
            super().put_new(nquads, names)
        else:
            self._load_new(nquads, sorted(names), nquads.count(b"\n"))

    def _load_new(self, nquads: bytes, names: list[str], size: int) -> None:
        """Load quads of graphs the store does not hold: bulk-loaded under the journal when many."""
        if size < BULK_MIN:  # one transaction is as fast, and leaves no small files
            self.store.load(nquads, format=ox.RdfFormat.N_QUADS)
            return
        self.store.extend([ox.Quad(JOURNAL, INCOMPLETE, ox.NamedNode(n), JOURNAL) for n in names])
        self.store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        self.store.remove_graph(JOURNAL)
        self._bulk_loaded = True

    def _recover(self) -> None:
        """Drop the graphs a killed writer was bulk-loading (see :meth:`put`)."""
        for quad in list(self.store.quads_for_pattern(JOURNAL, INCOMPLETE, None, JOURNAL)):
            self.store.remove_graph(quad.object)
        self.store.remove_graph(JOURNAL) if self.store.contains_named_graph(JOURNAL) else None

    def drop(self, names: list[str]) -> None:
        for name in names:
            node = ox.NamedNode(name)
            if self.store.contains_named_graph(node):
                self.store.remove_graph(node)

    def fetch(self, names: list[str]) -> Dataset:
        out = new_dataset()
        for name in names:
            target = out.graph(URIRef(name))
            for quad in self.store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                target.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return out

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def triples(self, names: list[str], select: Selection | None = None) -> bytes:
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

    def dump(self, path: Path) -> Path:
        """Oxigraph serialises itself, straight into the file (fast, and the file is never held in memory);
        N-Quads are sorted into the canonical form on disk (:func:`~ofsted_kg.files.write_sorted_lines`)."""
        fmt = OX_FORMATS.get(format_for(path))
        if fmt is None:
            return super().dump(path)
        if getattr(self, "_bulk_loaded", False) and self._lock:
            self.optimize()  # bulk loads leave many small files: reading them all is several times slower
        prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD):
            atomic_write(Path(path), lambda fh: ox.serialize(quads_by_graph(self.store), fh, format=fmt, prefixes=prefixes))
        elif fmt == ox.RdfFormat.N_QUADS and self.path is not None:
            self.store.flush() if self._lock else None  # what the workers open must be on disk
            atomic_write(Path(path), lambda fh: _sorted_dump(fh, self.path, self._graphs(), Path(path).parent))
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

    def _graphs(self) -> list[str | None]:
        """Every graph that holds quads: the named ones, and None for the default graph when it has any."""
        default = next(iter(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
        return ([None] if default is not None else []) + self.graph_names()

    def optimize(self) -> None:
        """Compact the files bulk loads leave behind: queries read 3-5x fewer of them (0.31 s -> 0.17 s for
        the follow-through table of the corpus); costs ~0.7 s for the whole corpus."""
        self.store.optimize()
        self._bulk_loaded = False

    def close(self) -> None:
        if getattr(self, "store", None) is not None:
            if self._lock:
                self.store.flush()
                if getattr(self, "_bulk_loaded", False):
                    self.optimize()
            self.store = None
        if self._lock:
            self._lock.close()
            self._lock = None


def _sorted_dump(out: BinaryIO, path: Path, graphs: list[str | None], near: Path, jobs: int = 2) -> None:
    """Canonical N-Quads of the store at ``path``: ``jobs`` worker processes each dump a share of its graphs
    and sort them into runs on disk, and the runs are merged into ``out``.

    Oxigraph writes a dump in one thread, as long as the pypdfium2 floor of
    the corpus, and sorting it in this process took as long again: split by
    graph, both run on every core (the workers open the store read-only)."""
    with tempfile.TemporaryDirectory(prefix=".ofsted-kg-sort.", dir=near) as scratch:
        shares = [graphs[i::jobs] for i in range(jobs)]
        # spawned, not forked: a child forked from a process with RocksDB open can hang opening the store
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            found = pool.map(_graph_runs, [str(path)] * jobs, shares, [scratch] * jobs, [f"w{i}" for i in range(jobs)])
            runs = [Path(run) for share in found for run in share]
        merge_runs(out, runs)


def _graph_runs(path: str, graphs: list[str | None], scratch: str, tag: str) -> list[str]:
    """In a worker: these graphs of the store at ``path`` as N-Quads lines, sorted into runs in ``scratch``."""
    store = _open_read_only(Path(path))

    def lines() -> Iterator[bytes]:
        for name in graphs:
            data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name) if name else ox.DefaultGraph())
            yield from _in_graph(data or b"", name)
    return [str(run) for run in sorted_runs(lines(), Path(scratch), tag)]


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
        out.extend(_in_graph(triples, name))
    return b"\n".join(out) + b"\n"


def _in_graph(ntriples: bytes, name: str | None) -> Iterator[bytes]:
    """Each N-Triples line as an N-Quads line of graph ``name`` (None: the default graph), without its newline."""
    label = f" <{name}> .".encode() if name else b" ."
    return (line.rstrip()[:-1].rstrip() + label for line in ntriples.split(b"\n") if line.strip())


def _quads(name: str, triples: Triples) -> Iterator[ox.Quad]:
    """The triples as Oxigraph quads in graph ``name`` (N-Triples bytes are parsed by Oxigraph, in Rust)."""
    node = ox.NamedNode(name)
    if isinstance(triples, bytes):
        return (ox.Quad(t.subject, t.predicate, t.object, node) for t in ox.parse(triples, format=ox.RdfFormat.N_TRIPLES))
    return (ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), node) for s, p, o in triples)


def _open_memory(spec: str, write: bool) -> OxigraphStore:
    """``memory``: Oxigraph in memory (rdflib's store takes several GB for the whole corpus)."""
    if spec != "memory":
        raise unknown_spec(spec)
    store = OxigraphStore.in_memory()
    store.spec = "memory"
    return store


def _open_path(spec: str, write: bool) -> OxigraphStore:
    """``oxigraph:PATH``: the on-disk store at PATH."""
    if not spec.startswith("oxigraph:"):
        raise unknown_spec(spec)
    return OxigraphStore(Path(spec.removeprefix("oxigraph:")), write=write)


register("memory", _open_memory, "memory")
register("oxigraph", _open_path, "oxigraph:PATH")
