"""The store registry: every registered backend answers the same SELECT with the same rows, in the same order.

The views, queries and reviews read every graph through ``Store.select`` only, so whichever backend a spec
opens (or a graph file loaded into memory) must give the rows rdflib's own SPARQL gives
(:class:`MemoryStore`, the reference): the same rdflib terms (language tags, datatypes, plain strings),
unbound variables left out, values bound as RDF terms.  A scheme registered without a case here fails
``test_every_registered_scheme_is_tested``, so a new backend cannot skip this comparison.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from servers import OxigraphServer, start_or_skip

from ofsted_kg.stores import MemoryStore, OxigraphStore, Store, StoreError, base, open_store, register, schemes

EX = "http://example.org/"
TRIG = f"""
@prefix ex: <{EX}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:g1 {{ ex:a a ex:Thing ; rdfs:label "Alpha"@en ; ex:n 3 .
         ex:b a ex:Thing ; rdfs:label "Beta" ; ex:when "2024-03-01"^^xsd:date .
         ex:c a ex:Other ; rdfs:label "Gamma" . }}
ex:g2 {{ ex:d a ex:Thing ; rdfs:label "Delta \\"quoted\\" \\u00e9" ; ex:n 1.5 . }}
"""
QUERY = """SELECT ?g ?s ?label ?n ?when WHERE {
  GRAPH ?g { ?s a ?kind ; rdfs:label ?label OPTIONAL { ?s <http://example.org/n> ?n }
             OPTIONAL { ?s <http://example.org/when> ?when } }
} ORDER BY STR(?label)"""
BINDINGS = {"kind": URIRef(f"{EX}Thing")}
DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def graphs() -> dict[str, Graph]:
    """The small test data as named graphs, as a build puts them."""
    data = MemoryStore()
    data.data.parse(data=TRIG, format="trig")
    return {name: data.data.graph(URIRef(name)) for name in data.graph_names()}


def reference_rows() -> tuple[list[str], list[dict]]:
    with MemoryStore() as store:
        store.put(graphs())
        return store.select(QUERY, BINDINGS)


@contextmanager
def memory(tmp_path: Path) -> Iterator[Store]:
    with open_store("memory", write=True) as store:
        yield store


@contextmanager
def oxigraph_on_disk(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"oxigraph:{tmp_path / 'store'}", write=True) as store:
        yield store


@contextmanager
def remote_http(tmp_path: Path) -> Iterator[Store]:
    """A throwaway ``oxigraph serve`` (tests/servers.py), or a skip when its binary is missing."""
    running = start_or_skip(OxigraphServer)
    server = next(running)
    try:
        path = server.update_url.removeprefix(server.base_url), server.gsp_url.removeprefix(server.base_url)
        with open_store(f"sparql+{server.query_url}?update={path[0]}&gsp={path[1]}", write=True) as store:
            yield store
    finally:
        running.close()  # stops the server


@contextmanager
def remote_https(tmp_path: Path) -> Iterator[Store]:
    pytest.skip("tests/servers.py has no HTTPS server; sparql+https opens the same RemoteStore as sparql+http")
    yield  # pragma: no cover


SCHEMES: dict[str, Callable[[Path], object]] = {"memory": memory, "oxigraph": oxigraph_on_disk,
                                                "sparql+http": remote_http, "sparql+https": remote_https}


def test_every_registered_scheme_is_tested():
    assert schemes() == sorted(SCHEMES)


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_each_registered_backend_gives_the_reference_rows(scheme, tmp_path):
    expected = reference_rows()
    assert [str(r["label"]) for r in expected[1]] == ["Alpha", "Beta", 'Delta "quoted" é']  # ex:c is no Thing
    assert expected[1][0]["label"] == Literal("Alpha", lang="en") and expected[1][0]["n"] == Literal(3)
    assert "n" not in expected[1][1] and expected[1][1]["when"] == Literal("2024-03-01", datatype=DATE)
    with SCHEMES[scheme](tmp_path) as store:
        store.put(graphs())
        assert store.select(QUERY, BINDINGS) == expected


def test_a_graph_file_in_memory_gives_the_reference_rows(tmp_path):
    with MemoryStore() as store:
        store.put(graphs())
        path = store.dump(tmp_path / "small.trig")
    with OxigraphStore.from_file(path) as loaded:
        assert loaded.select(QUERY, BINDINGS) == reference_rows()


def test_a_bound_value_is_a_term_not_query_text(tmp_path):
    """A value that would end the block and add a clause, if pasted as text, matches nothing."""
    attack = {"kind": Literal('x" } } ; DROP ALL ; #')}
    for opened in (MemoryStore(), OxigraphStore.in_memory()):
        with opened as store:
            store.put(graphs())
            assert store.select(QUERY, attack) == (reference_rows()[0], [])
            assert len(store.graph_names()) == 2


def test_an_unknown_scheme_says_which_specs_exist():
    for spec in ("postgres://localhost/db", "memory:x", "build/store", "oxigraph", "sparql+http:/x"):
        with pytest.raises(StoreError) as err:
            open_store(spec)
        assert str(err.value) == f"unknown store '{spec}' (use memory, oxigraph:PATH or sparql+http(s)://HOST/PATH)"


def test_a_registered_scheme_is_opened_and_named_in_the_error(monkeypatch):
    monkeypatch.setattr(base, "_FACTORIES", dict(base._FACTORIES))
    monkeypatch.setattr(base, "_USAGES", list(base._USAGES))
    opened: list[tuple[str, bool]] = []

    def factory(spec: str, write: bool) -> Store:
        opened.append((spec, write))
        return MemoryStore()

    register("rdflib", factory, "rdflib:NAME")
    assert isinstance(open_store("rdflib:x", write=True), MemoryStore) and opened == [("rdflib:x", True)]
    with pytest.raises(StoreError, match=r"oxigraph:PATH, sparql\+http\(s\)://HOST/PATH or rdflib:NAME\)"):
        open_store("nope")
