"""Validation that scales: per-authority units (in parallel), plus cross-report SPARQL checks over the store."""
from __future__ import annotations

from rdflib import Literal, URIRef

from ofsted_kg.rdf.vocab import OKG, derived_names
from ofsted_kg.stores import MemoryStore
from ofsted_kg.validate.shacl import check_store, units, validate, validate_store

STOCKPORT = "E08000007"


def copy_store(seed_build) -> MemoryStore:
    store = MemoryStore()
    store.put({n: seed_build.dataset.graph(URIRef(n)) for n in MemoryStore(seed_build.dataset).graph_names()})
    return store


def test_units_are_authorities_with_their_derived_graphs(seed_build):
    found = units(MemoryStore(seed_build.dataset))
    assert sorted(found) == ["E06000021", "E08000007", "E08000009"]
    assert set(derived_names(STOCKPORT)) <= set(found[STOCKPORT])
    assert sum("/report/" in n for n in found[STOCKPORT]) == 3


def test_per_unit_validation_agrees_with_the_whole_union(seed_build):
    store = copy_store(seed_build)
    report = next(n for n in store.graph_names() if "E08000009" in n and "/report/" in n)
    graph = store.fetch([report]).graph(URIRef(report))
    visit = next(graph.subjects(OKG.endDate, None))
    graph.set((visit, OKG.endDate, Literal("1999-01-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))))
    store.put({report: graph})
    whole = validate(store.data)
    per_unit = validate_store(store, jobs=2, engine="pyshacl")
    compiled = validate_store(store, jobs=2, engine="sparql")
    assert whole and {(v.focus, v.shape) for v in per_unit} == {(v.focus, v.shape) for v in whole}
    assert {(v.focus, v.shape) for v in compiled} == {(v.focus, v.shape) for v in whole}
    assert validate_store(store, keys=[STOCKPORT], engine="pyshacl") == []  # only the changed authority


def test_cross_report_checks_find_dangling_links(seed_build):
    store = copy_store(seed_build)
    assert check_store(store) == []
    report = next(n for n in store.graph_names() if "inspection/2017-06-12/report/" in n)
    store.drop([report])  # dropped without re-linking: the follow-ups now point at nothing
    problems = check_store(store)
    assert problems and {p.shape for p in problems} == {"dangling-follow-ups", "dangling-repeats"}
    assert all("not in the store" in p.message for p in problems)


def test_cross_report_checks_find_page_selectors_out_of_place():
    """Pages on a text input, and a quote on pages 3 and 5 with no 4 (queries/checks/page-selectors.rq)."""
    from rdflib import Dataset

    from ofsted_kg.resources import shapes_file

    fixtures = shapes_file().parent / "fixtures"
    data = Dataset(default_union=True)
    graph = data.graph(URIRef("https://w3id.org/ofsted-kg/id/graph/test"))
    graph.parse(fixtures / "base.ttl")
    graph.parse(fixtures / "FragmentSelectorShape" / "violating.ttl")
    messages = sorted(p.message for p in check_store(MemoryStore(data)))
    assert any("not a PDF" in m for m in messages) and any("none follows page 3" in m for m in messages), messages
    graph.remove((None, None, None))
    graph.parse(fixtures / "base.ttl")
    graph.parse(fixtures / "FragmentSelectorShape" / "conforming.ttl")
    assert check_store(MemoryStore(data)) == []


def test_cross_report_checks_find_two_neighbours_at_one_rank(seed_build):
    """queries/checks/neighbour-ranks.rq: the built reference graph passes; a second neighbour at rank 1 fails."""
    from ofsted_kg.rdf.reference import AUTHORITIES_GRAPH

    store = copy_store(seed_build)
    assert check_store(store) == []
    graph = store.fetch([str(AUTHORITIES_GRAPH)]).graph(AUTHORITIES_GRAPH)
    clash = URIRef(f"{AUTHORITIES_GRAPH}/clash")
    stockport = URIRef("https://w3id.org/ofsted-kg/id/authority/E08000007")
    for p, o in ((OKG.neighbourOf, stockport), (OKG.neighbour, URIRef("https://w3id.org/ofsted-kg/id/authority/E08000003")),
                 (OKG.rank, Literal(1)), (OKG.listing, OKG.CurrentNeighbours)):
        graph.add((clash, p, o))
    store.put({str(AUTHORITIES_GRAPH): graph})
    problems = check_store(store)
    assert [(p.shape, p.focus) for p in problems] == [("neighbour-ranks", str(stockport))], problems
