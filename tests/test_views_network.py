"""``ofsted-kg graph``: the follow-through network as GraphML, GEXF, SVG and PNG."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Dataset

from ofsted_kg.cli.main import cli
from ofsted_kg.rdf.graph_files import save
from ofsted_kg.stores import OxigraphStore
from ofsted_kg.views.network import build_network
from ofsted_kg.views.tables import read_tables

FIXTURE = Path(__file__).parent / "fixtures" / "follow-through.trig"
ID = "https://w3id.org/ofsted-kg/id/"
# Okabe–Ito, written out again here so a change of palette in the code has to be a deliberate one.
COLOUR = {"Addressed": "#009E73", "PartiallyAddressed": "#E69F00", "NotAddressed": "#D55E00",
          "NoLaterEvidence": "#999999", "AwaitingFollowUp": "#56B4E9"}
STATUS_WORDS = ("Addressed", "Partially addressed", "Not addressed", "No later evidence", "Awaiting follow-up")


@pytest.fixture(scope="module")
def seed_file(seed_build, tmp_path_factory) -> Path:
    return save(seed_build.dataset, tmp_path_factory.mktemp("seed") / "seed.trig")


def run(*args: str):
    return CliRunner().invoke(cli, ["graph", *args])


def network(graph: Path, out: Path, *extra: str) -> nx.DiGraph:
    result = run(str(graph), "-o", str(out), *extra)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out} (")
    return nx.read_graphml(out)


def test_fixture_graphml_has_the_kinds_colours_labels_and_edges(tmp_path):
    g = network(FIXTURE, tmp_path / "n.graphml")
    kinds = {n[len(ID):]: d["kind"] for n, d in g.nodes(data=True)}
    assert kinds == {"v1": "visit", "v2": "visit", "rec1": "recommendation", "rec2": "recommendation",
                     "rec3": "recommendation", "fu1": "follow-up", "fu2": "follow-up", "f1": "finding", "f2": "finding"}
    node = {n[len(ID):]: d for n, d in g.nodes(data=True)}
    assert node["rec1"]["status"] == "NotAddressed" and node["rec1"]["colour"] == COLOUR["NotAddressed"]
    assert node["rec2"]["colour"] == COLOUR["Addressed"] and node["rec3"]["colour"] == COLOUR["AwaitingFollowUp"]
    assert node["fu1"]["status"] == "NotAddressed" and node["fu2"]["colour"] == COLOUR["Addressed"]
    assert node["v1"]["colour"] == "#0072B2" and "status" not in node["v1"] and "status" not in node["f1"]
    assert node["v2"]["label"] == "Exampleshire inspection 2025-03-03"
    assert node["v1"]["label"] == "Exampleshire focused visit 2023-01-10"
    assert node["rec1"]["label"] == "Rec 1: The quality of supervision."
    assert node["fu1"]["date"] == "2025-03-03" and node["fu1"]["authority"] == "Exampleshire"
    assert node["rec2"]["iri"] == ID + "rec2" and node["fu1"]["confidence"] == pytest.approx(0.9)
    edges = {(u[len(ID):], v[len(ID):]): r for u, v, r in g.edges(data="relation")}
    assert edges == {("v1", "rec1"): "made", ("v1", "rec2"): "made", ("v2", "rec3"): "made",
                     ("rec1", "fu1"): "followed up by", ("rec2", "fu2"): "followed up by",
                     ("fu1", "v2"): "assessed at", ("fu2", "v2"): "assessed at",
                     ("fu1", "f1"): "evidence", ("fu2", "f2"): "evidence", ("rec3", "rec1"): "repeats"}


def test_seed_graphml_is_consistent_with_the_graph(seed_file, tmp_path):
    g = network(seed_file, tmp_path / "seed.graphml")
    data = Dataset(default_union=True)
    data.parse(seed_file, format="trig")
    recs = {str(r) for (r,) in data.query("SELECT DISTINCT ?r WHERE { ?r a <https://w3id.org/ofsted-kg/ontology#Recommendation> }")}
    by_kind = lambda kind: {n for n, d in g.nodes(data=True) if d["kind"] == kind}  # noqa: E731
    assert by_kind("recommendation") == recs and len(recs) == 31
    for n, d in g.nodes(data=True):
        assert d["kind"] in {"visit", "recommendation", "follow-up", "finding"}
        assert d["label"] and d["authority"] and d["date"] and d["iri"] == n
        if d["kind"] in {"recommendation", "follow-up"} and "status" in d:
            assert d["colour"] == COLOUR[d["status"]], n
    for fu in by_kind("follow-up"):
        (rec,) = g.predecessors(fu)
        later = [v for v in g.successors(fu) if g.edges[fu, v]["relation"] == "assessed at"]
        assert g.nodes[rec]["kind"] == "recommendation" and len(later) == 1
        assert g.nodes[later[0]]["date"] > g.nodes[rec]["date"]
    for rec in by_kind("recommendation"):
        assert [g.nodes[v]["kind"] for v in g.predecessors(rec) if g.edges[v, rec]["relation"] == "made"] == ["visit"]
    assert {g.nodes[n]["kind"] for fu in by_kind("follow-up") for n in g.successors(fu)} == {"visit", "finding"}
    assert any(r == "repeats" for *_, r in g.edges(data="relation"))


def test_attributes_are_plain_values_only():
    g = build_network(read_tables(OxigraphStore.from_file(FIXTURE)))
    values = [v for _, d in g.nodes(data=True) for v in d.values()] + [v for *_, d in g.edges(data=True) for v in d.values()]
    assert values and all(type(v) in (str, int, float) for v in values)


def test_authority_filter_by_name_or_code(seed_file, tmp_path):
    everything = network(seed_file, tmp_path / "all.graphml")
    assert {"Stockport", "Stoke-on-Trent"} <= {d["authority"] for _, d in everything.nodes(data=True)}
    stockport = network(seed_file, tmp_path / "s.graphml", "--authority", "Stockport")
    assert {d["authority"] for _, d in stockport.nodes(data=True)} == {"Stockport"}
    assert 0 < stockport.number_of_nodes() < everything.number_of_nodes()
    by_code = network(seed_file, tmp_path / "c.graphml", "--authority", "e08000007")
    assert set(by_code.nodes) == set(stockport.nodes) and set(by_code.edges) == set(stockport.edges)
    for other in ("80562", "Stockport Metropolitan Borough Council"):  # Ofsted URN, a name form from the table
        same = network(seed_file, tmp_path / "o.graphml", "--authority", other)
        assert set(same.nodes) == set(stockport.nodes), other


def test_graphml_is_deterministic_and_written_atomically(seed_file, tmp_path):
    network(seed_file, tmp_path / "a.graphml")
    network(seed_file, tmp_path / "b.graphml")
    assert (tmp_path / "a.graphml").read_bytes() == (tmp_path / "b.graphml").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.graphml", "b.graphml"]


def test_gexf_parses_with_colours(tmp_path):
    out = tmp_path / "n.gexf"
    assert run(str(FIXTURE), "-o", str(out)).exit_code == 0
    g = nx.read_gexf(out)
    assert g.number_of_nodes() == 9 and g.number_of_edges() == 10
    assert g.nodes[ID + "rec1"]["viz"]["color"] == {"r": 0xD5, "g": 0x5E, "b": 0x00, "a": 1.0}
    assert g.nodes[ID + "fu2"]["kind"] == "follow-up"


def test_gexf_is_the_same_bytes_on_another_day(tmp_path, monkeypatch):
    """networkx stamps GEXF with today's date; ofsted-kg drops it so the same graph gives the same file."""
    import time

    assert run(str(FIXTURE), "-o", str(tmp_path / "a.gexf")).exit_code == 0
    monkeypatch.setattr(time, "strftime", lambda *_args: "1999-12-31")
    assert run(str(FIXTURE), "-o", str(tmp_path / "b.gexf")).exit_code == 0
    assert (tmp_path / "a.gexf").read_bytes() == (tmp_path / "b.gexf").read_bytes()
    assert b"lastmodifieddate" not in (tmp_path / "a.gexf").read_bytes()


def test_svg_is_xml_with_a_legend_in_words_and_identical_twice(seed_file, tmp_path):
    for name in ("a.svg", "b.svg"):
        result = run(str(seed_file), "-o", str(tmp_path / name), "--authority", "stockport")
        assert result.exit_code == 0, result.output
    svg = (tmp_path / "a.svg").read_bytes()
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join(root.itertext())
    for words in STATUS_WORDS + ("Visit", "Evidence finding", "repeats", "Stockport"):
        assert words in text, words
    assert "Stoke-on-Trent" not in text
    assert svg == (tmp_path / "b.svg").read_bytes()


def test_png_is_a_png(seed_file, tmp_path):
    out = tmp_path / "n.png"
    result = run(str(seed_file), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000


def test_unknown_extension_names_the_allowed_ones(tmp_path):
    result = run(str(FIXTURE), "-o", str(tmp_path / "n.pdf"))
    assert result.exit_code == 2
    assert "'.pdf' is not a network format; use one of: .graphml, .gexf, .svg, .png" in result.output
    assert not list(tmp_path.iterdir())


def test_unknown_authority_lists_known_ones_in_one_line(seed_file, tmp_path):
    result = run(str(seed_file), "-o", str(tmp_path / "n.graphml"), "--authority", "Atlantis")
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "no authority 'Atlantis' in the graph (it has: " in result.output and "Stockport" in result.output
    assert not list(tmp_path.iterdir())


def test_missing_graph_file_is_one_line(tmp_path):
    result = run(str(tmp_path / "nope.trig"), "-o", str(tmp_path / "n.svg"))
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "nope.trig: no such graph file" in result.output
