"""What a build worker hands back: a report's graph as N-Quads written by ``graph_nquads``, loaded by the stores'
``put_new`` as they are.

The writer replaced rdflib's graph and N-Triples serialiser on the build's hot
path, so it must say exactly what the rdflib graph of the same report says
(parsed back by rdflib and by Oxigraph), escape every literal N-Quads needs
escaped, and each store must hold after ``put_new`` what ``put`` would give.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from okg_paths import CORPUS_PDF, SAMPLES
from rdflib import Dataset, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from ofsted_kg.extract.extractor import extract
from ofsted_kg.extract.read import read_source
from ofsted_kg.rdf.graph_files import graph_nquads
from ofsted_kg.rdf.mapping import report_iri, report_triples, to_graph
from ofsted_kg.stores import MemoryStore, OxigraphStore

NAME = "https://example.org/graph/g1"


def _inputs() -> list[Path]:
    found = [p for p in sorted(SAMPLES.iterdir()) if p.suffix == ".txt"]
    real = CORPUS_PDF / "80482_leicester"
    return found + (sorted(real.glob("*.pdf"))[:2] if real.is_dir() else [])


@pytest.mark.parametrize("path", _inputs(), ids=lambda p: p.name[:40])
def test_written_quads_are_the_report_graph(path):
    ext = extract(read_source(path))
    name = str(report_iri(ext))
    data, count = graph_nquads(report_triples(ext, [path.name]), name)
    parsed = Dataset()
    parsed.parse(data=data, format="nquads")
    expected = to_graph(ext, [path.name])
    assert isomorphic(parsed.graph(URIRef(name)), expected)
    assert count == len(expected) == data.count(b"\n")
    assert {str(g.identifier) for g in parsed.graphs() if len(g)} == {name}


AWKWARD = ['say "no"', "back\\slash", "two\nlines", "carriage\rreturn", "tab\there", "\u2028 and \u2029",
           "bell\x07", "caf\u00e9 \U0001F600", "ends with \\", ""]


def test_every_literal_reads_back_as_it_was_in_both_engines():
    subject = URIRef("https://example.org/s")
    literals = [Literal(text) for text in AWKWARD] + [
        Literal("Stockport", lang="en-GB"), Literal("2024-01-31", datatype=XSD.date), Literal(7),
        Literal(True), Literal("0.85", datatype=XSD.decimal), Literal("typed", datatype=XSD.string)]
    triples = [(subject, URIRef(f"https://example.org/p{i}"), lit) for i, lit in enumerate(literals)]
    data, count = graph_nquads(triples + triples[:3], NAME)  # repeats are written once
    assert count == len(triples)
    parsed = Dataset()
    parsed.parse(data=data, format="nquads")
    assert set(parsed.graph(URIRef(NAME))) == {(s, p, _plain(o)) for s, p, o in triples}
    by_oxigraph = {q.object.value for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)}
    assert by_oxigraph == {str(lit) for lit in literals}


def _plain(lit: Literal) -> Literal:
    """N-Quads writes an xsd:string literal as a plain one (RDF 1.1: the same term)."""
    return Literal(str(lit)) if lit.datatype == XSD.string else lit


def test_a_blank_node_is_refused():
    from rdflib import BNode

    with pytest.raises(TypeError, match="blank"):
        graph_nquads([(BNode(), URIRef("https://example.org/p"), Literal("x"))], NAME)


@pytest.fixture(params=["memory", "oxigraph"])
def store(request, tmp_path):
    made = MemoryStore() if request.param == "memory" else OxigraphStore(tmp_path / "store", write=True)
    yield made
    made.close()


def _graph(store, name: str) -> set:
    return set(store.fetch([name]).graph(URIRef(name)))


def test_put_new_stores_each_graph_as_put_would(store):
    first = [(URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal('say "hi"'))]
    second = [(URIRef("https://example.org/b"), URIRef("https://example.org/p"), Literal(3))]
    names = ["https://example.org/graph/1", "https://example.org/graph/2"]
    data = b"".join(graph_nquads(t, n)[0] for t, n in zip((first, second), names))
    store.put_new(data, names)
    assert _graph(store, names[0]) == set(first)
    assert _graph(store, names[1]) == set(second)
    replaced = [(URIRef("https://example.org/c"), URIRef("https://example.org/p"), Literal("new"))]
    store.put_new(graph_nquads(replaced, names[0])[0], [names[0]])  # a name it holds: replaced, as put does
    assert _graph(store, names[0]) == set(replaced)
    assert _graph(store, names[1]) == set(second)


def test_put_new_bulk_loads_many_quads_into_oxigraph(tmp_path):
    triples = [(URIRef(f"https://example.org/s{i}"), URIRef("https://example.org/p"), Literal(i)) for i in range(25_000)]
    store = OxigraphStore(tmp_path / "store", write=True)
    try:
        store.put_new(graph_nquads(triples, NAME)[0], [NAME])
        assert getattr(store, "_bulk_loaded", False)  # over BULK_MIN: the bulk loader, under the journal
        assert store.graph_names() == [NAME]
        assert store.quad_count() == len(triples)
    finally:
        store.close()
