"""Stores: rdflib in memory, the reference backend.

Slow at scale (rdflib takes several GB for the whole corpus, so the
``memory`` spec opens Oxigraph in memory instead), but its SPARQL is rdflib's
own: the tests compare the other backends' answers with it, and a graph
loaded with rdflib (:func:`ofsted_kg.rdf.graph_files.load`) is queried as it is.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.term import Identifier

from ofsted_kg.rdf.graph_files import new_dataset, save
from ofsted_kg.rdf.vocab import PREFIXES
from ofsted_kg.stores.base import Rows, Store, Triples, as_graph


class MemoryStore(Store):
    """An rdflib Dataset behind the Store interface; rdflib binds the values and runs the queries itself."""

    def __init__(self, data: Dataset | None = None) -> None:
        self.data = data if data is not None else new_dataset()
        self.spec = "memory"

    def select(self, query: str, bindings: dict[str, Identifier] | None = None) -> tuple[list[str], Rows]:
        result = self.data.query(query, initNs=PREFIXES, initBindings=bindings or {})
        names = [str(v) for v in result.vars or []]
        return names, [{n: row[i] for i, n in enumerate(names) if row[i] is not None} for row in result]

    def put(self, graphs: dict[str, Triples]) -> None:
        for name, graph in graphs.items():
            self.data.remove_graph(self.data.graph(URIRef(name)))
            target = self.data.graph(URIRef(name))
            for triple in as_graph(graph):
                target.add(triple)

    def drop(self, names: list[str]) -> None:
        for name in names:
            self.data.remove_graph(self.data.graph(URIRef(name)))

    def fetch(self, names: list[str]) -> Dataset:
        out = new_dataset()
        for name in names:
            target = out.graph(URIRef(name))
            for triple in self.data.graph(URIRef(name)):
                target.add(triple)
        return out

    def graph_names(self) -> list[str]:
        return sorted({str(c) for _, _, _, c in self.data.quads((None, None, None, None)) if c is not None})

    def dump(self, path: Path) -> Path:
        return save(self.data, path)
