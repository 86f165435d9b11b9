"""Derivation's own reading and writing of triples (ofsted_kg.derive.columns), against rdflib's.

* Columns parsed by Oxigraph give every (subject, object) and subject in the very order an rdflib
  SimpleMemory graph parsed from the same N-Triples gives them, duplicates dropped as a graph drops them:
  follow-through cannot tell which one it read.
* The linking graph holds the triples of the named predicates and the types of the named nodes, in order.
* Derived triples written by Oxigraph parse back to the same triples, whatever characters their literals hold.
"""
from __future__ import annotations

from rdflib import RDF, XSD, Graph, Literal, Namespace
from rdflib.plugins.serializers.nt import _nt_row

from ofsted_kg.derive.columns import Columns, ntriples
from ofsted_kg.rdf.vocab import OKG

EX = Namespace("https://w3id.org/ofsted-kg/id/test/")
AWKWARD = ['say "no"', "back\\slash", "two\nlines\r\tand a tab", "caf\u00e9 \u2013 \U0001f600", "", " "]


def _triples() -> list[tuple]:
    """Triples whose order matters: objects shared by several subjects, subjects with several objects, and one
    triple twice."""
    out = [(EX.b, OKG.visit, EX.v2), (EX.a, OKG.visit, EX.v1), (EX.c, OKG.visit, EX.v2), (EX.a, OKG.visit, EX.v2)]
    out += [(EX[f"t{n}"], OKG.text, Literal(text)) for n, text in enumerate(AWKWARD)]
    out += [(EX.v1, RDF.type, OKG.Visit), (EX.v1, OKG.startDate, Literal("2015-11-24", datatype=XSD.date)),
            (EX.v2, OKG.knownOnlyByReference, Literal(True)), (EX.a, OKG.text, Literal("hello", lang="en")),
            (EX.v1, RDF.type, OKG.Inspection), (EX.b, RDF.type, OKG.Finding), (EX.b, OKG.visit, EX.v2)]
    return out


def _nt(triples: list[tuple]) -> bytes:
    """N-Triples of ``triples`` in this order, duplicates kept, written by rdflib's own N-Triples writer."""
    return "".join(_nt_row(t) for t in triples).encode()


def test_columns_give_what_rdflib_gives_in_rdflib_s_order():
    data = _nt(_triples())
    columns, graph = Columns.parse(data), Graph(store="SimpleMemory").parse(data=data, format="nt")
    for predicate in {p for _, p, _ in _triples()} | {OKG.absent}:
        assert list(columns.subject_objects(predicate)) == list(graph.subject_objects(predicate)), predicate
        for obj in {o for _, p, o in _triples() if p == predicate}:
            assert list(columns.subjects(predicate, obj)) == list(graph.subjects(predicate, obj))
    assert len(columns.order) == len(graph) == len(_triples()) - 1


def test_the_linking_graph_holds_the_named_predicates_and_the_named_nodes_types_in_order():
    columns = Columns.parse(_nt(_triples()))
    graph = columns.graph(frozenset({OKG.startDate, OKG.knownOnlyByReference}), frozenset({OKG.startDate}))
    wanted = [(EX.v1, RDF.type, OKG.Visit), (EX.v1, OKG.startDate, Literal("2015-11-24", datatype=XSD.date)),
              (EX.v2, OKG.knownOnlyByReference, Literal(True)), (EX.v1, RDF.type, OKG.Inspection)]
    in_order = Graph(store="SimpleMemory")
    for triple in wanted:  # the order of the input
        in_order.add(triple)
    assert set(graph) == set(wanted)
    assert list(graph.triples((None, RDF.type, None))) == list(in_order.triples((None, RDF.type, None)))


def test_written_triples_parse_back_to_the_same_triples():
    triples = _triples() + [(EX.d, OKG.confidence, Literal("0.5", datatype=XSD.decimal))]
    data = ntriples(triples)
    assert set(Graph().parse(data=data, format="nt")) == set(triples)
    assert data.count(b"\n") == len(set(triples))  # each triple once
    assert ntriples([]) == b""
