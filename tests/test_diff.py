"""``ofsted-kg diff OLD NEW``: what changed between two builds, on hand-made graphs and on the corpus.

The fixtures ``tests/fixtures/diff/old.trig`` and ``new.trig`` are written by
hand; every change between them is listed below, by hand too.  The corpus
test removes one authority's latest report from a copy of the session's
store with the incremental ``remove`` and checks the diff against sets
computed from the two stores' own tables, not by the diff code.
"""
from __future__ import annotations

import csv
import io
import os
import re
import stat
from pathlib import Path

import pytest
from browser import open_page, require_chromium
from click.testing import CliRunner

from ofsted_kg.cli.main import cli
from ofsted_kg.rdf.graph_files import load
from ofsted_kg.stores import MemoryStore, OxigraphStore
from ofsted_kg.views.diff import KIND_ORDER, compare, diff_engines, read_diff_tables

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "diff"
OLD, NEW = FIXTURES / "old.trig", FIXTURES / "new.trig"
ID = "https://w3id.org/ofsted-kg/id/"
PRIMARY_A3, OTHER_A3 = "Supervision is now regular & reflective <b>at last</b>.", "Managers now meet social workers monthly."
STRONG, UNEVEN, LATE = "Pathway plans are strong.", "Pathway plans are improving but uneven.", "Some plans are late."
STILL = "Pathway plans are still uneven."

# (kind, authority, date, visit, report, recommendation, repeats, old status, new status, old evidence, new evidence)
EXPECTED = [
    ("report-added", "Exampleshire", "2025-02-02", "visit-a3", "report-a3", "", "", "", "", (), ()),
    ("recommendation-added", "Exampleshire", "2025-02-02", "visit-a3", "report-a3", "rec-a3-1", "", "",
     "AwaitingFollowUp", (), ()),
    ("status-changed", "Exampleshire", "2023-01-10", "visit-a1", "report-a1", "rec-a1-1", "", "NoLaterEvidence",
     "Addressed", (), (PRIMARY_A3, OTHER_A3)),
    ("status-changed", "Exampleshire", "2023-01-10", "visit-a1", "report-a1", "rec-a1-2", "", "Addressed",
     "PartiallyAddressed", (STRONG,), (STILL,)),  # the evidence of its latest follow-up, the 2025 one
    ("follow-up-added", "Exampleshire", "2025-02-02", "visit-a3", "report-a3", "rec-a1-1", "", "", "Addressed",
     (), (PRIMARY_A3, OTHER_A3)),
    ("follow-up-added", "Exampleshire", "2025-02-02", "visit-a3", "report-a3", "rec-a1-2", "", "", "PartiallyAddressed",
     (), (STILL,)),
    ("follow-up-changed", "Exampleshire", "2024-03-04", "visit-a2", "report-a2", "rec-a1-2", "", "Addressed",
     "PartiallyAddressed", (STRONG,), (UNEVEN,)),
    ("repeat-added", "Exampleshire", "2025-02-02", "visit-a3", "report-a3", "rec-a3-1", "rec-a1-1", "", "", (), ()),
    ("report-removed", "Otherton", "2020-02-02", "visit-b0", "report-b0", "", "", "", "", (), ()),
    ("recommendation-removed", "Otherton", "2020-02-02", "visit-b0", "report-b0", "rec-b0-1", "", "PartiallyAddressed",
     "", (LATE,), ()),
    ("follow-up-removed", "Otherton", "2022-05-01", "visit-b1", "report-b1", "rec-b0-1", "", "PartiallyAddressed", "",
     (LATE,), ()),
    ("repeat-removed", "Otherton", "2022-05-01", "visit-b1", "report-b1", "rec-b1-1", "rec-b0-1", "", "", (), ()),
]
REVERSED = {"added": "removed", "removed": "added", "changed": "changed"}


def local(iri: str) -> str:
    return iri.removeprefix(ID)


def as_tuples(changes) -> list[tuple]:
    return [(c.kind, c.authority, c.date, local(c.visit), local(c.report), local(c.recommendation), local(c.repeats),
             c.old_status, c.new_status, c.old_evidence, c.new_evidence) for c in changes.changes]


def run(*args: object):
    return CliRunner().invoke(cli, ["diff", *map(str, args)])


@pytest.mark.parametrize("engine", [lambda path: MemoryStore(load(path)), OxigraphStore.from_file],
                         ids=["rdflib", "oxigraph"])
def test_compare_lists_exactly_the_hand_made_changes_on_both_engines(engine):
    changes = diff_engines(engine(OLD), engine(NEW))
    assert as_tuples(changes) == EXPECTED
    assert [(t, a, r, c) for t, a, r, c in changes.counts()] == [
        ("reports", 1, 1, None), ("recommendations", 1, 1, 2), ("follow-ups", 2, 1, 1), ("repeats", 1, 1, None)]
    assert [name for name, _ in changes.by_authority()] == ["Exampleshire", "Otherton"]  # Unchangedford: nothing


def test_the_other_way_round_every_addition_is_a_removal_and_statuses_swap():
    backwards = compare(read_diff_tables(OxigraphStore.from_file(NEW)), read_diff_tables(OxigraphStore.from_file(OLD)))
    flipped = sorted((f"{kind.rsplit('-', 1)[0]}-{REVERSED[kind.rsplit('-', 1)[1]]}", *rest[:6], rest[7], rest[6],
                      rest[9], rest[8]) for kind, *rest in as_tuples(backwards))
    assert flipped == sorted(EXPECTED)


def test_a_build_compared_with_itself_has_no_changes():
    tables = read_diff_tables(OxigraphStore.from_file(NEW))
    assert not compare(tables, tables) and compare(tables, tables).changes == ()


def test_only_keeps_the_authorities_asked_for():
    changes = diff_engines(OxigraphStore.from_file(OLD), OxigraphStore.from_file(NEW))
    assert {c.authority for c in changes.only({f"{ID}auth-b"}).changes} == {"Otherton"}
    assert changes.only(set()).changes == ()


def test_cli_prints_counts_first_then_each_authoritys_changes():
    result = run(OLD, NEW)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:5] == [
        f"changes from {OLD} to {NEW}: 12 changes in 2 authorities",
        "  reports          1 added, 1 removed",
        "  recommendations  1 added, 1 removed, 2 changed status",
        "  follow-ups       2 added, 1 removed, 1 changed status",
        "  repeats          1 added, 1 removed"]
    assert lines.index("Exampleshire: 8 changes") < lines.index("Otherton: 4 changes")
    assert "Unchangedford" not in result.output
    status = lines.index("  ~ status         2023-01-10  rec-a1-1: NoLaterEvidence -> Addressed")
    assert lines[status + 1:status + 4] == ["      The quality of supervision.", "      was: no evidence",
                                            f"      now: “{PRIMARY_A3}” (+1 more finding)"]
    assert "  - repeat         2022-05-01  rec-b1-1" in lines and "      repeats rec-b0-1" in lines
    assert run(OLD, NEW).output == result.output  # same inputs, same bytes


def test_cli_on_identical_builds_says_so():
    result = run(NEW, NEW)
    assert result.exit_code == 0 and result.output.startswith(f"changes from {NEW} to {NEW}: 0 changes in 0 authorities")


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_csv_has_one_row_per_change_with_both_evidences(tmp_path):
    before = os.umask(0o027)
    try:
        result = run(OLD, NEW, "--csv", tmp_path / "changes.csv")
    finally:
        os.umask(before)
    assert result.exit_code == 0, result.output
    path = tmp_path / "changes.csv"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # atomic, yet as the umask asks
    assert path.read_text(encoding="utf-8").splitlines()[0] == (
        "kind,authority,date,visit,report,recommendation,text,repeats,old_status,new_status,old_evidence,new_evidence")
    rows = read_csv(path)
    got = [(r["kind"], r["authority"], r["date"], local(r["visit"]), local(r["report"]), local(r["recommendation"]),
            local(r["repeats"]), r["old_status"], r["new_status"],
            tuple(filter(None, r["old_evidence"].split(" | "))), tuple(filter(None, r["new_evidence"].split(" | "))))
           for r in rows]
    assert got == EXPECTED
    assert [r["text"] for r in rows[:2]] == ["a3.pdf", "Supervision must stay reflective."]
    again = tmp_path / "again.csv"
    assert run(OLD, NEW, "--csv", again).exit_code == 0 and again.read_bytes() == path.read_bytes()


def test_stores_are_compared_like_files(tmp_path):
    from ofsted_kg.stores import OxigraphStore

    for name, source in (("old", OLD), ("new", NEW)):
        with OxigraphStore(tmp_path / name, write=True) as store:
            store.put({str(g.identifier): g for g in load(source).graphs() if len(g)})
    result = run(f"oxigraph:{tmp_path / 'old'}", NEW, "--csv", tmp_path / "a.csv")
    assert result.exit_code == 0, result.output
    assert run(OLD, f"oxigraph:{tmp_path / 'new'}", "--csv", tmp_path / "b.csv").exit_code == 0
    assert len(read_csv(tmp_path / "a.csv")) == len(EXPECTED)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


@pytest.mark.parametrize("make,message", [
    (lambda d: d / "missing.trig", "missing.trig: no such graph file"),
    (lambda d: (d / "garbage.ttl").write_text("this is not { turtle", encoding="utf-8") and d / "garbage.ttl",
     "garbage.ttl: cannot read RDF"),
    (lambda d: (d / "notes.txt").write_text("hello", encoding="utf-8") and d / "notes.txt", "notes.txt"),
    (lambda d: (d / "empty.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8") and d / "empty.ttl",
     "empty.ttl: holds no Ofsted reports"),
    (lambda d: f"oxigraph:{d / 'nostore'}", "nostore: no such store"),
], ids=["missing", "not-rdf", "not-a-graph-format", "no-reports", "no-store"])
def test_bad_input_is_one_line_naming_it(tmp_path, make, message):
    bad = make(tmp_path)
    for args in ((bad, NEW), (OLD, bad)):
        result = run(*args, "--csv", tmp_path / "out.csv")
        assert result.exit_code != 0
        assert message in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert not (tmp_path / "out.csv").exists()  # nothing written on a refusal


def test_csv_option_errors(tmp_path):
    result = run(OLD, NEW, "--csv", tmp_path)
    assert result.exit_code == 2 and "'--csv'" in result.output and "is a directory" in result.output
    blocker = tmp_path / "plain-file"
    blocker.write_text("x", encoding="utf-8")
    result = run(OLD, NEW, "--csv", blocker / "changes.csv")
    assert result.exit_code == 1 and f"{blocker / 'changes.csv'}: cannot write" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_diff_is_listed_in_help():
    result = CliRunner().invoke(cli, ["--help"])
    assert re.search(r"^\s+diff\s+What changed from build OLD to build NEW", result.output, re.M), result.output


def test_every_kind_is_in_the_expected_list():
    """The fixtures exercise every kind of change the diff knows (so a kind cannot silently go untested)."""
    assert {row[0] for row in EXPECTED} == set(KIND_ORDER)


# --- the site page: report --changes-since -------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("changes") / "site"
    result = CliRunner().invoke(cli, ["report", str(NEW), "-o", str(out), "--changes-since", str(OLD)])
    assert result.exit_code == 0, result.output
    return out


def rows_of(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-kind="([a-z-]+)" data-iri="([^"]*)"', html)


def test_changes_page_lists_every_change_and_the_index_links_it(site):
    html = (site / "changes.html").read_text(encoding="utf-8")
    assert rows_of(html) == [(k, ID + (rec or rep)) for k, _, _, _, rep, rec, *_ in EXPECTED]
    assert '<a href="changes.html">What changed since' in (site / "index.html").read_text(encoding="utf-8")
    for href in re.findall(r'href="([^"#]+)(?:#([^"]+))?"', html):  # links to pages (and anchors) that exist
        target = site / href[0]
        assert target.exists(), href
        if href[1]:
            assert f'id="{href[1]}"' in target.read_text(encoding="utf-8"), href


def test_report_without_the_option_has_no_changes_page(tmp_path):
    out = tmp_path / "site"
    assert CliRunner().invoke(cli, ["report", str(NEW), "-o", str(out)]).exit_code == 0
    assert not (out / "changes.html").exists()
    assert "changes.html" not in (out / "index.html").read_text(encoding="utf-8")


def test_changes_page_of_one_authority_and_a_bad_old_build(tmp_path):
    out = tmp_path / "one"
    result = CliRunner().invoke(cli, ["report", str(NEW), "-o", str(out), "--changes-since", str(OLD),
                                      "--authority", "Otherton"])
    assert result.exit_code == 0, result.output
    kinds = [k for k, _ in rows_of((out / "changes.html").read_text(encoding="utf-8"))]
    assert kinds == ["report-removed", "recommendation-removed", "follow-up-removed", "repeat-removed"]
    bad = CliRunner().invoke(cli, ["report", str(NEW), "-o", str(tmp_path / "x"), "--changes-since",
                                   str(tmp_path / "nothing.trig")])
    assert bad.exit_code == 1 and "nothing.trig: no such graph file" in bad.output
    assert not (tmp_path / "x").exists()


def test_changes_page_in_chromium_shows_the_status_change_with_both_evidences_escaped(site):
    require_chromium()
    page = open_page(site / "changes.html")
    assert page.page_requests == []
    dom = page.dom
    row = dom.split(f'data-iri="{ID}rec-a1-2"', 1)[1].split("</tr>", 1)[0]
    assert 'data-status="Addressed"' in row and 'data-status="PartiallyAddressed"' in row
    evidence = dom.split(f'data-iri="{ID}rec-a1-2"', 1)[1].split('class="evidence"', 1)[1].split("</tr>", 1)[0]
    assert STRONG in evidence.split('class="now"')[0] and STILL in evidence.split('class="now"')[1]
    assert "&lt;b&gt;at last&lt;/b&gt;" in dom and "<b>at last</b>" not in dom  # report text never becomes markup
    assert re.search(r'<h2><a href="authority/[^"]+\.html">Exampleshire</a></h2>', dom)
    index = open_page(site / "index.html").dom
    assert 'href="changes.html"' in index


# --- the corpus: a build without one authority's latest report against the full build --------------------------


def latest_followed_visit(visits, follow_ups) -> tuple[str, str]:
    """(authority name, visit) of the first authority by name whose latest reported visit followed something up."""
    assessed = {row["assessedAt"] for row in follow_ups.rows}
    latest: dict[str, dict] = {}
    for row in visits.rows:
        if row["report"] and (row["authority"] not in latest
                              or (row["startDate"], row["visit"]) > (latest[row["authority"]]["startDate"],
                                                                     latest[row["authority"]]["visit"])):
            latest[row["authority"]] = row
    chosen = sorted((row["authorityName"], row["visit"]) for row in latest.values() if row["visit"] in assessed)
    return chosen[0]


def store_tables(path: Path) -> dict:
    from ofsted_kg.stores import OxigraphStore
    from ofsted_kg.views.tables import read_table

    engine = OxigraphStore(path)
    return {name: read_table(engine, name) for name in ("visits", "recommendations", "follow-ups")}


def primary_quotes(path: Path, authority: str) -> dict[tuple[str, str], str]:
    """(recommendation's visit start, its text) -> the primary evidence of its latest follow-up, by the shipped
    follow-through query (another query than the diff's)."""
    from ofsted_kg.query.named import find_query, run_named
    from ofsted_kg.stores import OxigraphStore

    columns, rows = run_named(OxigraphStore(path), find_query("follow-through"), {"authority": authority})
    latest: dict[tuple[str, str], tuple[str, str]] = {}
    for row in (dict(zip(columns, map(str, r))) for r in rows):
        key = (row["visitStart"], row["recommendation"])
        latest[key] = max(latest.get(key, ("", "")), (row["laterVisit"], row["evidence"]))
    return {key: quote for key, (_, quote) in latest.items()}


@pytest.mark.corpus
def test_diff_without_one_authoritys_latest_report_lists_that_visit_and_the_statuses_it_changed(corpus_build, tmp_path):
    import shutil

    from ofsted_kg.pipeline.update import remove
    from ofsted_kg.stores import OxigraphStore

    full, copy = tmp_path / "full", tmp_path / "copy"
    corpus_build.store.store.backup(str(full))  # a consistent copy of the session's store, which stays open
    shutil.copytree(full, copy)
    new = store_tables(full)
    authority, visit = latest_followed_visit(new["visits"], new["follow-ups"])
    with OxigraphStore(copy, write=True) as store:
        removed, missing = remove(store, [visit])
    assert removed and missing == []
    old = store_tables(copy)

    result = run(f"oxigraph:{copy}", f"oxigraph:{full}", "--csv", tmp_path / "changes.csv")
    assert result.exit_code == 0, result.output
    rows = read_csv(tmp_path / "changes.csv")
    by_kind = {kind: [r for r in rows if r["kind"] == kind] for kind in KIND_ORDER}
    assert {r["authority"] for r in rows} == {authority}
    assert f"\n{authority}: {len(rows)} changes\n" in result.output

    assert [(r["visit"], r["report"]) for r in by_kind["report-added"]] == [(visit, report) for report in removed]
    assert by_kind["report-removed"] == [] and by_kind["recommendation-removed"] == []
    recs = {name: {r["recommendation"]: r["currentStatus"] for r in tables["recommendations"].rows}
            for name, tables in (("old", old), ("new", new))}
    made_there = {r["recommendation"] for r in new["recommendations"].rows if r["visit"] == visit}
    assert {r["recommendation"] for r in by_kind["recommendation-added"]} == recs["new"].keys() - recs["old"].keys() \
        == made_there

    changed = {rec: (recs["old"][rec], recs["new"][rec]) for rec in recs["old"].keys() & recs["new"].keys()
               if recs["old"][rec] != recs["new"][rec]}
    assert changed, "removing a report that followed recommendations up changes some statuses"
    assert {r["recommendation"]: (r["old_status"], r["new_status"]) for r in by_kind["status-changed"]} == changed

    fus = {name: {r["followUp"]: r for r in tables["follow-ups"].rows} for name, tables in (("old", old), ("new", new))}
    listed = {kind: {(r["recommendation"], r["date"]) for r in by_kind[kind]} for kind in KIND_ORDER}

    def where(side: str, follow_ups) -> set[tuple[str, str]]:
        return {(fus[side][f]["recommendation"], fus[side][f]["assessedDate"]) for f in follow_ups}

    assert listed["follow-up-added"] == where("new", fus["new"].keys() - fus["old"].keys())
    assert listed["follow-up-removed"] == where("old", fus["old"].keys() - fus["new"].keys())
    assert listed["follow-up-changed"] == where("new", {f for f in fus["old"].keys() & fus["new"].keys()
                                                        if fus["old"][f]["status"] != fus["new"][f]["status"]})

    for side, path, column in (("new", full, "new_evidence"), ("old", copy, "old_evidence")):
        quotes = primary_quotes(path, authority)
        for row in by_kind["status-changed"]:
            primary = quotes.get((row["date"], row["text"]))
            assert (row[column].startswith(primary) if primary else row[column] == ""), (side, row["recommendation"])
    print(f"\n{authority}: removed {visit}; {len(changed)} statuses changed; {len(rows)} changes in all")
