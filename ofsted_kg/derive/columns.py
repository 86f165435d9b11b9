"""Report triples for derivation, read and written by Oxigraph instead of rdflib (issue 15, build speed).

A worker used to parse its authority's N-Triples with rdflib's pure-Python
parser into an indexed rdflib Graph, and to build each derived graph as
another Graph only to serialise it: a fifth of derivation's CPU, for work the
derivation does not need.  Follow-through reads a few columns (predicate ->
subject -> object) and linking's three queries match a few thousand triples,
so here Oxigraph parses the input (in Rust), the terms become rdflib terms
once, and the output is serialised by Oxigraph from plain term triples.

Oxigraph reads ``"x"^^xsd:string`` as the plain literal ``"x"`` (RDF 1.1);
the report graphs hold no such literal, and the stores write none.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF
from rdflib.term import Identifier

from ofsted_kg.rdf.mapping import new_graph
from ofsted_kg.rdf.terms import to_oxigraph, to_rdflib

Triple = tuple[Identifier, Identifier, Identifier]


class Columns:
    """The read side of an rdflib graph that follow-through uses (``subject_objects``, ``subjects``), over a
    predicate -> object -> subjects index.  rdflib's SimpleMemory store keeps that very index, in insertion
    order, so every loop here meets the nodes in the order it met them in a Graph parsed from the same
    N-Triples: nothing downstream can tell the two apart."""

    def __init__(self) -> None:
        self.index: dict[Identifier, dict[Identifier, dict[Identifier, None]]] = {}
        self.order: list[Triple] = []  # the triples as added, once each: linking's graph keeps their order

    @classmethod
    def parse(cls, data: bytes) -> Columns:
        """The triples of N-Triples ``data``, parsed by Oxigraph."""
        columns = cls()
        for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
            columns.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return columns

    def add(self, triple: Triple) -> None:
        """Add one triple (a triple already held is ignored, as a Graph ignores it)."""
        s, p, o = triple
        subjects = self.index.setdefault(p, {}).setdefault(o, {})
        if s not in subjects:
            subjects[s] = None
            self.order.append(triple)

    def subject_objects(self, predicate: Identifier) -> Iterator[tuple[Identifier, Identifier]]:
        """(subject, object) of every triple with ``predicate``, in rdflib's SimpleMemory order."""
        for o, subjects in self.index.get(predicate, {}).items():
            for s in subjects:
                yield s, o

    def subjects(self, predicate: Identifier, obj: Identifier) -> Iterator[Identifier]:
        """The subjects of ``predicate`` with object ``obj``, in rdflib's SimpleMemory order."""
        yield from self.index.get(predicate, {}).get(obj, {})

    def graph(self, predicates: frozenset[Identifier], typed_by: frozenset[Identifier]) -> Graph:
        """An rdflib graph of the triples with one of ``predicates``, and the rdf:type triples of the subjects of
        ``typed_by``: all that queries reading only those can match.  The triples keep their order, so the
        queries' rows come in the order they came over the whole graph."""
        typed = {s for p in typed_by for s, _ in self.subject_objects(p)}
        graph = new_graph()
        for triple in self.order:
            if triple[1] in predicates or (triple[1] == RDF.type and triple[0] in typed):
                graph.add(triple)
        return graph


def ntriples(triples: Iterable[Triple]) -> bytes:
    """N-Triples of rdflib term triples, each once, serialised by Oxigraph (no rdflib Graph to build first)."""
    return ox.serialize([ox.Triple(*map(to_oxigraph, t)) for t in dict.fromkeys(triples)],
                        format=ox.RdfFormat.N_TRIPLES) or b""
