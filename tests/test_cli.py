"""Every click command through CliRunner, and the installed console script itself."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from okg_paths import GOLD, SAMPLES
from rdflib import Dataset
from rdflib.compare import isomorphic

from ofsted_kg.cli.main import cli
from ofsted_kg.rdf.graph_files import union_graph


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "graph.trig"
    result = CliRunner().invoke(cli, ["build", str(SAMPLES), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "built 5 reports (31 recommendations" in result.output
    return out


def test_build_refuses_bad_files_names_them_and_builds_the_rest(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "page.pdf").write_text("<!DOCTYPE html><html><body>Report not found</body></html>")
    (tmp_path / "minutes.txt").write_text("Minutes of the parks committee.\n\nThe bins were emptied.\n")
    shutil.copy(SAMPLES / "000_704365d219ad75ee.txt", tmp_path / "Stockport's focused visit.txt")
    out = tmp_path / "out" / "g.nq"
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 1
    assert "built 1 report (4 recommendations, " in result.output and "refused 3 files:" in result.output
    assert "empty.txt: empty file" in result.output
    assert "page.pdf: not a PDF: it is an HTML web page" in result.output
    assert "minutes.txt: not an Ofsted children's services report" in result.output
    assert out.exists()


def test_build_with_nothing_usable_writes_nothing(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "empty.txt"), "-o", str(tmp_path / "g.trig")])
    assert result.exit_code == 3 and not (tmp_path / "g.trig").exists()


def test_build_rejects_unknown_output_format(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(SAMPLES), "-o", str(tmp_path / "g.docx")])
    assert result.exit_code == 2 and "unknown RDF format" in result.output


def test_validate_passes_the_built_graph_and_fails_a_broken_one(built, tmp_path):
    ok = CliRunner().invoke(cli, ["validate", str(built)])
    assert ok.exit_code == 0 and "conforms" in ok.output
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix okg: <https://w3id.org/ofsted-kg/ontology#> .\n"
                      "<urn:x> a okg:Judgement ; okg:grade okg:Brilliant .\n")
    bad = CliRunner().invoke(cli, ["validate", str(broken)])
    assert bad.exit_code == 1 and "JudgementShape" in bad.output


@pytest.mark.parametrize("suffix", [".ttl", ".nq", ".jsonld", ".nt"])
def test_export_round_trips(built, tmp_path, suffix):
    out = tmp_path / f"g{suffix}"
    result = CliRunner().invoke(cli, ["export", str(built), "-o", str(out)])
    assert result.exit_code == 0, result.output
    original, again = Dataset(default_union=True), Dataset(default_union=True)
    original.parse(built, format="trig")
    again.parse(out, format={".ttl": "turtle", ".nq": "nquads", ".jsonld": "json-ld", ".nt": "nt"}[suffix])
    assert isomorphic(union_graph(original), union_graph(again))


def test_query_list_and_run_in_every_format(built):
    listing = CliRunner().invoke(cli, ["query", "--list"])
    assert "follow-through" in listing.output and "[authority=<literal>]" in listing.output
    table = CliRunner().invoke(cli, ["query", "judgement-history", "-g", str(built), "-p", "authority=Stockport"])
    assert table.exit_code == 0 and "RequiresImprovement" in table.output
    rows = json.loads(CliRunner().invoke(cli, ["query", "repeated", "-g", str(built), "-f", "json"]).output)
    assert rows and {"later", "earlier"} <= set(rows[0])
    csv_out = CliRunner().invoke(cli, ["query", "not-addressed", "-g", str(built), "-f", "csv"]).output
    assert csv_out.splitlines()[0] == "authority,visitStart,ordinal,recommendation"


@pytest.mark.parametrize("value", ["stockport", "STOCKPORT", "E08000007", "e08000007", "80562",
                                   "Stockport Metropolitan Borough Council"])
def test_query_authority_takes_any_case_gss_urn_or_name_form(built, value):
    """-p authority= matched only the exact label: 'stockport' or 'E08000007' gave 0 rows, silently."""
    exact = CliRunner().invoke(cli, ["query", "follow-through", "-g", str(built), "-p", "authority=Stockport"])
    other = CliRunner().invoke(cli, ["query", "follow-through", "-g", str(built), "-p", f"authority={value}"])
    assert other.exit_code == 0, other.output
    assert other.output == exact.output and "(0 rows)" not in other.output


@pytest.mark.parametrize("value", ["Leeds", "E08000035", "Atlantis", 'Nowhere" } UNION { ?s ?p ?o } #'])
def test_query_authority_the_graph_lacks_is_a_one_line_error(built, value):
    result = CliRunner().invoke(cli, ["query", "follow-through", "-g", str(built), "-p", f"authority={value}"])
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert f"no authority '{value}'" in result.output and "it has: Stockport" in result.output
    if value == "Leeds":
        assert "(Leeds, E08000035)" in result.output  # known authority, just not in this graph


def test_query_help_says_what_authority_takes():
    text = " ".join(CliRunner().invoke(cli, ["query", "--help"]).output.split())
    assert "authority= takes the name in any case, the GSS code (E08000035), the Ofsted URN" in text


def test_query_rejects_unknown_parameters_and_queries(built):
    wrong = CliRunner().invoke(cli, ["query", "repeated", "-g", str(built), "-p", "colour=red"])
    assert wrong.exit_code == 1 and "has no parameter colour" in wrong.output
    missing = CliRunner().invoke(cli, ["query", "no-such-query", "-g", str(built)])
    assert missing.exit_code == 1 and "no query named" in missing.output


def test_stats_counts_the_graph(built):
    result = CliRunner().invoke(cli, ["stats", str(built)])
    assert result.exit_code == 0
    assert "recommendations                31" in result.output and "reports                        5" in result.output
    assert "authorities                    3\n" in result.output  # those with reports, not the reference list


def test_evaluate_prints_figures_and_errors(built):
    if not GOLD.is_dir():
        pytest.skip("../shared/gold not available")
    result = CliRunner().invoke(cli, ["evaluate", str(built), "--gold", str(GOLD)])
    assert result.exit_code == 0 and "links found" in result.output and "recall                           26/26" in result.output


def test_evaluate_cross_validates_over_several_gold_folders_and_writes_parameters(built, tmp_path):
    """Leave-one-authority-out on the seeds. two authorities with recommendations (tiny, but the whole path: fit, score, write)."""
    if not GOLD.is_dir():
        pytest.skip("../shared/gold not available")
    out = tmp_path / "parameters.json"
    result = CliRunner().invoke(cli, ["evaluate", str(built), "--gold", str(GOLD), "--cross-validate",
                                      "--write-parameters", str(out)])
    assert result.exit_code == 0, result.output
    assert "leave-one-authority-out over 2 authorities" in result.output
    assert "links found" in result.output and "status confusion, cross-validated" in result.output
    from ofsted_kg.derive.parameters import from_dict

    saved = json.loads(out.read_text(encoding="utf-8"))
    fitted = from_dict(saved["parameters"])
    assert fitted.link_model is not None and fitted.evidence_ranker is not None and "cross-validated" in saved["fit"]
    as_json = CliRunner().invoke(cli, ["evaluate", str(built), "--gold", str(GOLD), "--cross-validate", "--json"])
    assert json.loads(as_json.output)["authorities"] == ["E06000021", "E08000007"]


def test_explain_by_quote_and_by_iri(built):
    by_quote = CliRunner().invoke(cli, ["explain", "designated officer function", "-g", str(built)])
    assert by_quote.exit_code == 0 and "current status:" in by_quote.output
    assert by_quote.output.startswith("1 recommendation matches 'designated officer function':\n")
    iri = by_quote.output.splitlines()[1]
    by_iri = CliRunner().invoke(cli, ["explain", iri, "-g", str(built)])
    assert by_iri.output.splitlines()[1:] == by_quote.output.splitlines()[1:]
    many = CliRunner().invoke(cli, ["explain", "plans", "-g", str(built)])
    found = [line for line in many.output.splitlines() if line.startswith("https://")]
    assert len(found) > 1 and many.output.startswith(f"{len(found)} recommendations match 'plans':\n")
    none = CliRunner().invoke(cli, ["explain", "zebra crossings", "-g", str(built)])
    assert none.exit_code == 1 and "no recommendation matches" in none.output


def test_installed_console_script_runs(tmp_path):
    script = Path(sys.executable).with_name("ofsted-kg")
    assert script.exists(), "the ofsted-kg entry point is not installed"
    out = tmp_path / "g.trig"
    done = subprocess.run([str(script), "build", str(SAMPLES / "002_62303ff77bc82be1.txt"), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert "ofsted-kg" in version.stdout


def test_every_verb_loads_its_own_command_and_help_lists_them_all():
    import click

    from ofsted_kg.cli.main import VERBS

    for verb in VERBS:
        command = cli.get_command(click.Context(cli), verb)
        assert isinstance(command, click.Command) and command.name == verb
    listing = CliRunner().invoke(cli, ["--help"]).output
    assert all(f"  {verb} " in listing for verb in VERBS)
    assert CliRunner().invoke(cli, ["frobnicate"]).exit_code == 2


def test_build_does_not_import_the_views_or_the_server():
    code = ("import sys; from ofsted_kg.cli.main import cli; cli.get_command(None, 'build'); "
            "print(sorted(m for m in ('networkx', 'jinja2', 'ofsted_kg.serve.server') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr



def test_summaries_count_in_english():
    from ofsted_kg.cli.common import count
    from ofsted_kg.cli.query import render

    assert [count(n, "report") for n in (0, 1, 2)] == ["0 reports", "1 report", "2 reports"]
    assert count(1, "authority", "authorities") == "1 authority"
    assert count(3, "authority", "authorities") == "3 authorities"
    assert render(["a"], [["x"]], "table").endswith("\n(1 row)\n")


def test_flagged_and_refused_lines_name_the_path_as_given(tmp_path, monkeypatch):
    """Every file may be called 'children's services inspection - DATE.pdf': the base name alone is ambiguous."""
    name = "children's services inspection - 2024"
    text = (SAMPLES / "000_704365d219ad75ee.txt").read_text(encoding="utf-8")
    for area in ("north", "south"):
        (tmp_path / "reports" / area).mkdir(parents=True)
        (tmp_path / "reports" / area / f"{name}.pdf").write_text("<html>Report not found</html>")
    (tmp_path / "reports" / "north" / f"{name}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "reports" / "south" / f"{name}.txt").write_text(text.replace("24 and 25 January 2024", ""),
                                                                encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build", "reports", "-o", "g.trig", "-j", "1"])
    assert result.exit_code == 1, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert f"flagged: reports/south/{name}.txt: visit dates not found" in lines, result.output
    for area in ("north", "south"):
        assert any(line.startswith(f"reports/{area}/{name}.pdf: not a PDF") for line in lines), result.output
    assert "built 2 reports (8 recommendations, " in result.output and "refused 2 files:" in result.output
