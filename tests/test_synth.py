"""benchmarks/synth.py: a synthetic corpus copied from a real-shaped template graph.

Same arguments give the same bytes; every follow-up points at a recommendation
of an earlier visit of its own synthetic authority; the output parses in both
pyoxigraph and rdflib and breaks no shape the template keeps.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Namespace
from rdflib.namespace import RDF, RDFS

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "follow-through.trig"
SHAPES = ROOT / "shapes" / "ofsted-kg-shapes.ttl"
OKG = Namespace("https://w3id.org/ofsted-kg/ontology#")
SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def synth():
    spec = importlib.util.spec_from_file_location("ofsted_kg_bench_synth", ROOT / "benchmarks" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def small(synth):
    return synth.synthesise(FIXTURE, authorities=3, visits=4, seed=0)


def _dataset(text: str) -> Dataset:
    data = Dataset(default_union=True)
    data.parse(data=text, format="nquads")
    return data


def _store(text: str) -> ox.Store:
    store = ox.Store()
    store.load(input=text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


def _check_follow_ups(data: Dataset) -> int:
    """Every follow-up: recommendation of a visit of the same authority, started before the assessed visit."""
    follow_ups = set(data.subjects(RDF.type, OKG.FollowUp))
    for fu in follow_ups:
        rec, later = data.value(fu, OKG.recommendation), data.value(fu, OKG.assessedAt)
        earlier = data.value(rec, OKG.visit)
        assert (rec, RDF.type, OKG.Recommendation) in data
        assert earlier is not None and later is not None
        assert data.value(earlier, OKG.authority) == data.value(later, OKG.authority) is not None
        assert str(data.value(earlier, OKG.startDate)) < str(data.value(later, OKG.startDate)), fu
        assert str(fu).endswith("/follow-up/" + str(data.value(later, OKG.startDate)))
        for finding in data.objects(fu, OKG.evidence):
            assert data.value(finding, OKG.visit) == later
    return len(follow_ups)


def _violation_kinds(data: Dataset) -> set[tuple]:
    """(path, constraint) of every SHACL result: what kind of rule is broken, not where."""
    import pyshacl

    union = Graph()
    for s, p, o, _ in data.quads((None, None, None, None)):
        union.add((s, p, o))
    shapes = Graph().parse(SHAPES, format="turtle")
    _, report, _ = pyshacl.validate(union, shacl_graph=shapes, inference="none", allow_warnings=True)
    return {(str(report.value(r, SH.resultPath)), str(report.value(r, SH.sourceConstraintComponent)))
            for r in report.subjects(RDF.type, SH.ValidationResult)}


def test_same_arguments_same_bytes(synth, small):
    again = synth.synthesise(FIXTURE, authorities=3, visits=4, seed=0)
    assert again.nquads == small.nquads
    assert small.quads == len(small.nquads.splitlines())


def test_output_parses_in_pyoxigraph_and_rdflib(small):
    assert len(_store(small.nquads)) == small.quads  # no line is a duplicate
    assert len(_dataset(small.nquads)) == small.quads


def test_synthetic_authorities_each_have_a_chain_of_visits(small):
    data = _dataset(small.nquads)
    authorities = set(data.subjects(RDF.type, OKG.LocalAuthority))
    assert len(authorities) == small.authorities == 3
    codes = {str(data.value(a, OKG.gssCode)) for a in authorities}
    assert len(codes) == 3 and all(re.fullmatch(r"E(06|07|08|09|10|11)[0-9]{6}", c) for c in codes)
    assert len({str(data.value(a, RDFS.label)) for a in authorities}) == 3
    starts = defaultdict(list)
    for visit, authority in data.subject_objects(OKG.authority):
        starts[authority].append(str(data.value(visit, OKG.startDate)))
    assert set(starts) == authorities
    assert all(len(set(dates)) == 4 for dates in starts.values())  # 4 visits, 4 distinct dates


def test_every_follow_up_points_back_within_its_authority(small):
    data = _dataset(small.nquads)
    assert _check_follow_ups(data) == small.follow_ups > 0
    statuses = Counter(data.subjects(OKG.currentStatus, None))
    assert set(statuses) == set(data.subjects(RDF.type, OKG.Recommendation))
    assert set(statuses.values()) == {1}


def test_follow_through_query_returns_rows(small):
    store = _store(small.nquads)
    rows = list(store.query((ROOT / "queries" / "follow-through.rq").read_text(), use_default_graph_as_union=True))
    assert rows
    assert all(str(row["laterVisit"].value) > str(row["visitStart"].value) for row in rows)


def test_no_new_kind_of_shape_violation(small):
    template = Dataset(default_union=True).parse(FIXTURE, format="trig")
    assert _violation_kinds(_dataset(small.nquads)) <= _violation_kinds(template)


def test_extractor_shaped_template(synth, seed_graph_file, tmp_path):
    """The seed build as template: report graphs, SHA strings, dates and shapes as the extractor writes them."""
    corpus = synth.synthesise(seed_graph_file, authorities=3, visits=5, seed=3)
    data = _dataset(corpus.nquads)
    assert len(set(data.subjects(RDF.type, OKG.LocalAuthority))) == 3
    reports = set(data.subjects(RDF.type, OKG.Report))
    assert len(reports) == 3 * 5
    for report in reports:
        assert str(report).rsplit("/", 1)[-1] == str(data.value(report, OKG.sha256))[:12]
        assert (report, None, None, report) in data  # each report is its own named graph
    assert len({str(data.value(r, OKG.sha256)) for r in reports}) == len(reports)
    assert _check_follow_ups(data) == corpus.follow_ups
    assert _violation_kinds(data) <= _violation_kinds(Dataset(default_union=True).parse(seed_graph_file,
                                                                                          format="trig"))
    out = tmp_path / "synth.trig"  # the CLI's TriG path, through pyoxigraph
    counts, _ = synth.write(seed_graph_file, out, authorities=3, visits=5, seed=3)
    reread = ox.Store()
    reread.load(path=str(out), format=ox.RdfFormat.TRIG)
    assert len(reread) == counts.quads == corpus.quads
