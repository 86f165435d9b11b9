"""Every SHACL shape has a conforming and a violating fixture (shapes/fixtures/<Shape>/)."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ofsted_kg.resources import shapes_file
from ofsted_kg.validate.shacl import SH, load_shapes, validate

FIXTURES = shapes_file().parent / "fixtures"
SHAPES = load_shapes()
NODE_SHAPES = sorted(str(s).rsplit("#", 1)[1] for s in SHAPES.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))


def graph(*files: Path) -> Graph:
    g = Graph()
    for f in files:
        g.parse(f, format="turtle")
    return g


def test_every_shape_has_both_fixtures():
    for name in NODE_SHAPES:
        assert (FIXTURES / name / "conforming.ttl").exists(), name
        assert (FIXTURES / name / "violating.ttl").exists(), name


def test_base_fixture_conforms():
    assert validate(graph(FIXTURES / "base.ttl")) == []


@pytest.mark.parametrize("name", NODE_SHAPES)
def test_conforming_fixture_conforms(name):
    assert validate(graph(FIXTURES / "base.ttl", FIXTURES / name / "conforming.ttl")) == []


@pytest.mark.parametrize("name", NODE_SHAPES)
def test_violating_fixture_is_reported_by_its_shape(name):
    violations = validate(graph(FIXTURES / "base.ttl", FIXTURES / name / "violating.ttl"))
    assert violations, f"{name}: the violating fixture passed"
    assert {v.shape for v in violations} == {name}, [str(v) for v in violations]


def engines(files: list[Path]) -> tuple[set, set, set]:
    """(pyshacl over rdflib, pyshacl over a pyoxigraph Store, the compiled SPARQL over Oxigraph) as (focus, shape) sets."""
    import pyoxigraph as ox

    from ofsted_kg.stores import OxigraphStore
    from ofsted_kg.validate.sparql_engine import validate_sparql

    data = graph(*files)
    store = ox.Store()
    for f in files:
        store.load(path=str(f), format=ox.RdfFormat.TURTLE)
    oxi = OxigraphStore.in_memory(store)
    reference = {(v.focus, v.shape) for v in validate(data)}
    pyshacl_ox = {(v.focus, v.shape) for v in validate(store)}
    compiled = {(v.focus, v.shape) for v in validate_sparql(oxi)}
    return reference, pyshacl_ox, compiled


@pytest.mark.parametrize("name", NODE_SHAPES)
@pytest.mark.parametrize("kind", ["conforming", "violating"])
def test_every_engine_gives_the_same_report_on_every_fixture(name, kind):
    """rdflib and Oxigraph as data graph, and the SHACL-to-SPARQL compiler, agree on every fixture."""
    reference, pyshacl_ox, compiled = engines([FIXTURES / "base.ttl", FIXTURES / name / f"{kind}.ttl"])
    assert pyshacl_ox == reference
    assert compiled == reference
    assert bool(reference) == (kind == "violating")
