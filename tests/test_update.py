"""Updating a store: reports stream in as they are made, derivation reads only what it needs.

* Derivation (links, follow-through) from the selected triples (:data:`ofsted_kg.pipeline.update.READS`) equals
  derivation from the whole report graphs, on the seeds and on a real authority's PDFs: the selection
  leaves nothing out that linking or follow-through reads.
* Derivation read and written by Oxigraph (ofsted_kg.derive.columns) gives the triples derivation over an rdflib
  graph gives.
* Every store selects the same triples.
* Report graphs reach the store while the build is still making later ones: a build that dies part-way
  keeps what it stored, marks its authorities for re-linking, and the next build finishes the job with
  the same graph a clean build gives.
"""
from __future__ import annotations

import pytest
from okg_paths import CORPUS_PDF, SAMPLES, needs_corpus
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from ofsted_kg.derive.followup import derive_follow_through
from ofsted_kg.derive.links import derive_links
from ofsted_kg.pipeline.build import build, collect, make_reports
from ofsted_kg.pipeline.update import PENDING, READS, derive, pending, update_store
from ofsted_kg.rdf.graph_files import canonical_nquads
from ofsted_kg.rdf.vocab import key_of_graph
from ofsted_kg.stores import MemoryStore, OxigraphStore


def _units(store) -> dict[str, list[str]]:
    units: dict[str, list[str]] = {}
    for name in store.graph_names():
        if "/report/" in name:
            units.setdefault(key_of_graph(name), []).append(name)
    return units


def _nt(data: bytes) -> Graph:
    return Graph().parse(data=data, format="nt")


@pytest.fixture(scope="module")
def real_store(tmp_path_factory):
    needs_corpus()
    folder = sorted(CORPUS_PDF.glob("80485_*"))[0]
    with OxigraphStore(tmp_path_factory.mktemp("real") / "store", write=True) as store:
        build([folder, SAMPLES], jobs=2, store=store)
        yield store


def test_derivation_from_the_selection_equals_derivation_from_whole_reports(seed_build, real_store):
    for store in (MemoryStore(seed_build.dataset), real_store):
        for key, names in sorted(_units(store).items()):
            selected, whole = store.triples(names, READS), store.triples(names)
            assert len(selected) < len(whole) / 2  # the selection is worth making
            for a, b in zip(derive(selected), derive(whole)):
                assert isomorphic(_nt(a), _nt(b)), key


def _derive_with_rdflib(triples: bytes) -> tuple[Graph, Graph]:
    """What ``derive`` did before it read and wrote with Oxigraph: rdflib's parser and graph, rdflib graphs out."""
    reports = Graph(store="SimpleMemory").parse(data=triples, format="nt")
    links = derive_links(reports)
    for triple in links:
        reports.add(triple)
    return links, derive_follow_through(reports)


def test_derivation_read_and_written_by_oxigraph_equals_derivation_over_an_rdflib_graph(seed_build, real_store):
    compared = 0
    for store in (MemoryStore(seed_build.dataset), real_store):
        for key, names in sorted(_units(store).items()):
            triples = store.triples(names, READS)
            for fast, slow in zip(derive(triples), _derive_with_rdflib(triples)):
                assert set(_nt(fast)) == set(slow), key
                compared += len(slow)
    assert compared > 1000


def test_every_store_selects_the_same_triples(seed_build, tmp_path):
    memory = MemoryStore(seed_build.dataset)
    with OxigraphStore(tmp_path / "store", write=True) as disk:
        build([SAMPLES], jobs=1, store=disk)
        for names in _units(memory).values():
            assert isomorphic(_nt(memory.triples(names, READS)), _nt(disk.triples(names, READS)))
            assert isomorphic(_nt(memory.triples(names)), _nt(disk.triples(names)))


def test_a_build_that_dies_part_way_keeps_what_it_stored_and_the_next_one_finishes(tmp_path):
    files = collect([SAMPLES])

    def dies_after_three(tasks):
        for n, made in enumerate(make_reports(tasks)):
            if n == 3:
                raise KeyboardInterrupt
            yield made

    with OxigraphStore(tmp_path / "store", write=True) as store:
        with pytest.raises(KeyboardInterrupt):
            update_store(store, files, dies_after_three)
        stored = store.reports()
        assert len(stored) == 3  # streamed in as made, not held back until the end
        assert pending(store) == {key_of_graph(e.graph) for e in stored.values()}
        again = update_store(store, files, make_reports)
        assert len(again.built) == 2 and len(again.unchanged) == 3
        assert PENDING not in store.graph_names() and pending(store) == set()
        assert canonical_nquads(store.fetch(store.graph_names())) == canonical_nquads(build([SAMPLES], jobs=1).dataset)


def test_a_store_built_by_an_older_version_gets_the_current_reference_graph(tmp_path):
    from rdflib import URIRef

    from ofsted_kg.pipeline.update import relink
    from ofsted_kg.rdf.reference import AUTHORITIES_GRAPH, authorities_graph
    from ofsted_kg.rdf.vocab import OKG

    with OxigraphStore(tmp_path / "store", write=True) as store:
        build([SAMPLES], jobs=1, store=store)
        old = Graph()
        old.add((URIRef("https://w3id.org/ofsted-kg/id/region/E12000004"), OKG.rank, Literal(1)))  # stale content, no hash
        store.put({str(AUTHORITIES_GRAPH): old})
        relink(store, [])
        stored = store.fetch([str(AUTHORITIES_GRAPH)]).graph(AUTHORITIES_GRAPH)
        current = authorities_graph()
        assert len(stored) == len(current) + 1 and all(t in stored for t in current)
        relink(store, [])  # unchanged: not written again (same triples either way)
        assert len(store.fetch([str(AUTHORITIES_GRAPH)]).graph(AUTHORITIES_GRAPH)) == len(stored)
