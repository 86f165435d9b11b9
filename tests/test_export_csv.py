"""``ofsted-kg export --csv``: tidy tables whose row counts match a direct SPARQL count on the same graph."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset

from ofsted_kg.cli.main import cli
from ofsted_kg.rdf.graph_files import save

FIXTURE = Path(__file__).parent / "fixtures" / "follow-through.trig"
HEADERS = {
    "visits": ["visit", "authority", "authorityName", "gss", "region", "kind", "startDate", "endDate",
               "publicationDate", "overallGrade", "framework", "knownOnlyByReference", "report", "sourceFile", "problem"],
    "judgements": ["judgement", "visit", "authority", "authorityName", "startDate", "area", "areaConcept", "grade"],
    "recommendations": ["recommendation", "visit", "authority", "authorityName", "startDate", "ordinal", "kind", "part",
                        "text", "currentStatus", "repeats", "report", "start", "end", "page", "lastPage", "sourceFile"],
    "follow-ups": ["followUp", "recommendation", "authority", "authorityName", "assessedAt", "assessedDate", "status",
                   "score", "confidence", "explanation"],
    "evidence": ["followUp", "finding"],
    "findings": ["finding", "visit", "authority", "authorityName", "startDate", "ordinal", "section", "text", "report",
                 "start", "end", "page", "lastPage", "sourceFile"],
}
# Counted by rdflib straight from the triples — a different engine from the Oxigraph one behind the tables.
COUNTS = {
    "visits": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x okg:authority ?a ; okg:startDate ?d }",
    "judgements": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a okg:Judgement }",
    "recommendations": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a okg:Recommendation }",
    "follow-ups": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a okg:FollowUp }",
    "evidence": "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?x ?y WHERE { ?x okg:evidence ?y } }",
    "findings": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a okg:Finding }",
}


@pytest.fixture(scope="module")
def seed_file(seed_build, tmp_path_factory) -> Path:
    return save(seed_build.dataset, tmp_path_factory.mktemp("seed") / "seed.trig")


def sparql_count(graph: Path, query: str) -> int:
    data = Dataset(default_union=True)
    data.parse(graph, format="trig")
    return int(next(iter(data.query("PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>\n" + query)))[0])


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def export_csv(graph: Path, folder: Path) -> dict[str, tuple[list[str], list[dict[str, str]]]]:
    result = CliRunner().invoke(cli, ["export", str(graph), "--csv", str(folder)])
    assert result.exit_code == 0, result.output
    for name in HEADERS:
        assert f"{name}.csv (" in result.output
    return {name: read_csv(folder / f"{name}.csv") for name in HEADERS}


@pytest.mark.parametrize("which", ["seed", "fixture"])
def test_csv_headers_and_row_counts_match_sparql(which, seed_file, tmp_path):
    graph = seed_file if which == "seed" else FIXTURE
    tables = export_csv(graph, tmp_path / "csv")
    for name, (header, rows) in tables.items():
        assert header == HEADERS[name], name
        assert len(rows) == sparql_count(graph, COUNTS[name]), name
    assert len(tables["recommendations"][1]) == (31 if which == "seed" else 3)


def test_printed_row_counts_are_the_file_row_counts(tmp_path):
    result = CliRunner().invoke(cli, ["export", str(FIXTURE), "--csv", str(tmp_path)])
    lines = result.output.splitlines()
    assert len(lines) == len(HEADERS)
    assert f"wrote {tmp_path / 'recommendations.csv'} (3 rows)" in lines
    assert f"wrote {tmp_path / 'evidence.csv'} (2 rows)" in lines


def test_csv_references_resolve(seed_file, tmp_path):
    tables = export_csv(seed_file, tmp_path)
    recs = {r["recommendation"] for r in tables["recommendations"][1]}
    visits = {r["visit"] for r in tables["visits"][1]}
    followups = {r["followUp"] for r in tables["follow-ups"][1]}
    findings = {r["finding"] for r in tables["findings"][1]}
    assert recs and followups and findings
    assert {r["recommendation"] for r in tables["follow-ups"][1]} <= recs
    assert {r["assessedAt"] for r in tables["follow-ups"][1]} <= visits
    assert {r["visit"] for r in tables["recommendations"][1]} <= visits
    assert {r["followUp"] for r in tables["evidence"][1]} <= followups
    assert {r["finding"] for r in tables["evidence"][1]} <= findings
    assert {r["repeats"] for r in tables["recommendations"][1] if r["repeats"]} <= recs


def test_fixture_values_are_plain_cells(tmp_path):
    rows = {r["recommendation"].rsplit("/", 1)[-1]: r for r in export_csv(FIXTURE, tmp_path)["recommendations"][1]}
    assert rows["rec1"]["currentStatus"] == "NotAddressed" and rows["rec1"]["ordinal"] == "1"
    assert rows["rec3"]["repeats"].endswith("/rec1") and rows["rec1"]["repeats"] == ""
    assert rows["rec2"]["authorityName"] == "Exampleshire" and rows["rec2"]["startDate"] == "2023-01-10"


def test_rdf_and_csv_together(tmp_path):
    result = CliRunner().invoke(cli, ["export", str(FIXTURE), "-o", str(tmp_path / "g.nq"), "--csv", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "g.nq").stat().st_size > 0 and (tmp_path / "t" / "findings.csv").exists()
    assert result.output.splitlines()[0] == f"wrote {tmp_path / 'g.nq'}"


def test_rdf_only_still_writes_no_csv(tmp_path):
    result = CliRunner().invoke(cli, ["export", str(FIXTURE), "-o", str(tmp_path / "g.ttl")])
    assert result.exit_code == 0 and result.output == f"wrote {tmp_path / 'g.ttl'}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.ttl"]


def test_neither_output_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["export", str(FIXTURE)])
    assert result.exit_code == 2
    assert ("give -o FILE (RDF conversion), --csv DIR (CSV tables), --summary FILE.csv|FILE.xlsx (one row per "
            "authority), or several") in result.output


def test_csv_onto_an_existing_file_is_refused(tmp_path):
    clash = tmp_path / "tables"
    clash.write_text("not a folder")
    result = CliRunner().invoke(cli, ["export", str(FIXTURE), "--csv", str(clash)])
    assert result.exit_code == 2 and clash.read_text() == "not a folder"


def test_missing_graph_file(tmp_path):
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "nope.trig"), "--csv", str(tmp_path / "t")])
    assert result.exit_code != 0 and "nope.trig" in result.output and "no such graph file" in result.output
    assert not (tmp_path / "t").exists()


def test_unreadable_graph_is_one_line(tmp_path):
    broken = tmp_path / "broken.trig"
    broken.write_text("this is { not trig")
    result = CliRunner().invoke(cli, ["export", str(broken), "--csv", str(tmp_path / "t")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {broken}: cannot read RDF") and result.output.count("\n") == 1
