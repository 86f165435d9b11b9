"""The review commands and the worksheet round trip: pandas, LibreOffice, and every bad row refused by name."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from office import convert, require_soffice
from okg_paths import SAMPLES
from rdflib import URIRef

from ofsted_kg.cli.main import cli
from ofsted_kg.pipeline.build import build
from ofsted_kg.rdf.vocab import ID
from ofsted_kg.review.records import read_reviews
from ofsted_kg.review.sheet import COLUMNS
from ofsted_kg.stores import OxigraphStore

REC = str(ID["visit/E08000007/inspection/2017-06-12/recommendation/1"])  # caseloads: at 2025-05-12 the machine reads
# partially addressed since the evidence ranker (2026-12-03); the gold says not addressed, which reviewers correct
LATER = str(ID["visit/E08000007/inspection/2025-05-12"])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The sample reports in an on-disk store, built once; each test works on its own copy."""
    path = tmp_path_factory.mktemp("samples") / "store"
    with OxigraphStore(path, write=True) as store:
        build([SAMPLES], jobs=1, store=store)
    return path


@pytest.fixture
def store(built, tmp_path) -> str:
    shutil.copytree(built, tmp_path / "store")
    return f"oxigraph:{tmp_path / 'store'}"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def current(spec: str, rec: str = REC) -> tuple[str, str]:
    with OxigraphStore(Path(spec.removeprefix("oxigraph:"))) as s:
        row = s.select("SELECT ?s ?m WHERE { ?rec okg:currentStatus ?s OPTIONAL { ?rec okg:machineCurrentStatus ?m } }",
                       {"rec": URIRef(rec)})[1][0]
    return str(row["s"]).rsplit("#")[-1], str(row.get("m") or "").rsplit("#")[-1]


def export(store: str, path: Path) -> None:
    result = run("review", "export", "--authority", "Stockport", "-o", str(path), "-g", store,
                 "--reviews", str(path.parent / "reviews.ttl"))
    assert result.exit_code == 0, result.output


def test_export_is_one_row_per_follow_up_and_the_same_bytes_each_time(store, tmp_path):
    import pandas as pd

    export(store, tmp_path / "a.xlsx")
    export(store, tmp_path / "b.xlsx")
    export(store, tmp_path / "c.csv")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    sheet = pd.read_excel(tmp_path / "a.xlsx", dtype=str, keep_default_na=False)
    table = pd.read_csv(tmp_path / "c.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(sheet.columns) == list(COLUMNS) == list(table.columns)
    assert sheet.equals(table)
    with OxigraphStore(Path(store.removeprefix("oxigraph:"))) as s:
        n = len(s.select("SELECT DISTINCT ?fu WHERE { ?fu a okg:FollowUp ; okg:assessedAt ?v . ?v okg:authority ?a . "
                         "?a okg:gssCode 'E08000007' }")[1])
    assert len(sheet) == n == 14
    row = sheet[(sheet.recommendation == REC) & (sheet.later_visit == LATER)].iloc[0]
    assert row.machine_status == "partially-addressed" and row.confidence and row.evidence.startswith("“")
    assert (sheet.review_status == "").all()


def test_round_trip_in_pandas_applies_to_the_store(store, tmp_path):
    import pandas as pd

    export(store, tmp_path / "sheet.xlsx")
    sheet = pd.read_excel(tmp_path / "sheet.xlsx", dtype=str, keep_default_na=False)
    mine = (sheet.recommendation == REC) & (sheet.later_visit == LATER)
    sheet.loc[mine, ["review_status", "review_reason", "reviewer"]] = ["not-addressed", "Caseloads are high.", "Bo"]
    sheet.loc[sheet.index[0] if not mine.iloc[0] else sheet.index[1], ["review_status", "review_reason"]] = \
        ["accept", "Agreed."]
    sheet.to_excel(tmp_path / "filled.xlsx", index=False)
    result = run("review", "import", str(tmp_path / "filled.xlsx"), "-g", store, "--reviews",
                 str(tmp_path / "reviews.ttl"), "--reviewer", "Al", "--when", "2026-03-04")
    assert result.exit_code == 0, result.output
    reviews = {r.pair: r for r in read_reviews(tmp_path / "reviews.ttl")}
    assert len(reviews) == 2
    assert (reviews[(REC, LATER)].status, reviews[(REC, LATER)].reviewer) == ("not-addressed", "Bo")
    assert current(store) == ("NotAddressed", "PartiallyAddressed")
    # exported again, the reviews are filled in; imported again unchanged, they keep their time
    export(store, tmp_path / "again.xlsx")
    again = pd.read_excel(tmp_path / "again.xlsx", dtype=str, keep_default_na=False)
    assert (again.review_status != "").sum() == 2
    before = (tmp_path / "reviews.ttl").read_bytes()
    assert run("review", "import", str(tmp_path / "again.xlsx"), "-g", store, "--reviews",
               str(tmp_path / "reviews.ttl"), "--when", "2027-01-01").exit_code == 0
    assert (tmp_path / "reviews.ttl").read_bytes() == before


@pytest.mark.parametrize("target", ["xlsx", "csv"])
def test_round_trip_through_libreoffice(store, tmp_path, target):
    from openpyxl import load_workbook

    require_soffice()
    export(store, tmp_path / "sheet.xlsx")
    book = load_workbook(tmp_path / "sheet.xlsx")
    rows = list(book.active.iter_rows())
    header = [c.value for c in rows[0]]
    for row in rows[1:]:
        cells = dict(zip(header, row))
        if (cells["recommendation"].value, cells["later_visit"].value) == (REC, LATER):
            cells["review_status"].value = "Does not speak to it"
            cells["review_reason"].value = "The quotes are about fostering and pathway plans, not caseloads."
    book.save(tmp_path / "filled.xlsx")
    saved = convert(tmp_path / "filled.xlsx", target, tmp_path / "lo")
    result = run("review", "import", str(saved), "-g", store, "--reviews", str(tmp_path / "reviews.ttl"),
                 "--reviewer", "Cy", "--when", "2026-03-05")
    assert result.exit_code == 0, result.output
    [review] = read_reviews(tmp_path / "reviews.ttl")
    assert (review.pair, review.status, review.machine) == ((REC, LATER), "does-not-speak-to-it", "partially-addressed")
    assert current(store)[1] == "PartiallyAddressed" and current(store)[0] != "PartiallyAddressed"


BAD_ROWS = {  # what is done to the reviewed row -> what the error says
    "unknown recommendation": (lambda r: r.update(recommendation=f"{REC}9"), "unknown recommendation"),
    "unknown visit": (lambda r: r.update(later_visit=f"{LATER}x"), "unknown later visit"),
    "unknown status": (lambda r: r.update(review_status="sorted"), "unknown status 'sorted'"),
    "changed recommendation quote": (lambda r: r.update(recommendation_text=r["recommendation_text"] + " Now."),
                                     "the recommendation's quote is not the graph's"),
    "changed evidence quote": (lambda r: r.update(evidence=r["evidence"].replace("fostering", "foster")),
                               "the evidence quotes are not the graph's"),
    "no reason": (lambda r: r.update(review_reason=""), "no review_reason"),
    "evidence of another visit": (lambda r: r.update(review_evidence="9999"), "is not a finding of the visit"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_bad_row_is_named_and_nothing_is_applied(store, tmp_path, case):
    import csv

    export(store, tmp_path / "sheet.csv")
    with open(tmp_path / "sheet.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0].update(review_status="accept", review_reason="Fine.")  # a good row first: it must not be applied
    target = next(i for i, r in enumerate(rows) if (r["recommendation"], r["later_visit"]) == (REC, LATER))
    rows[target].update(review_status="not-addressed", review_reason="Caseloads are high.")
    edit, message = BAD_ROWS[case]
    edit(rows[target])
    with open(tmp_path / "bad.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    result = run("review", "import", str(tmp_path / "bad.csv"), "-g", store, "--reviews", str(tmp_path / "reviews.ttl"))
    assert result.exit_code == 1
    assert f"{tmp_path / 'bad.csv'}: row {target + 2}: " in result.output and message in result.output, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "reviews.ttl").exists()
    assert current(store) == ("PartiallyAddressed", "")


def test_duplicate_rows_and_accepting_an_unlinked_visit_are_refused(store, tmp_path):
    import csv

    export(store, tmp_path / "sheet.csv")
    with open(tmp_path / "sheet.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0].update(review_status="addressed", review_reason="x")
    rows.append(dict(rows[0]))
    with open(tmp_path / "dup.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    result = run("review", "import", str(tmp_path / "dup.csv"), "-g", store, "--reviews", str(tmp_path / "r.ttl"))
    assert result.exit_code == 1 and f"row {len(rows) + 1}: a second review" in result.output
    unlinked = run("review", "accept", REC, "--visit", "2024-01-24", "-g", store, "--reviews", str(tmp_path / "r.ttl"))
    assert unlinked.exit_code == 1 and "nothing to accept" in unlinked.output


def test_a_sheet_that_is_not_a_worksheet(tmp_path, store):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("review", "import", str(tmp_path / "x.csv"), "-g", store, "--reviews", str(tmp_path / "r.ttl"))
    assert result.exit_code == 1 and "no column recommendation" in result.output
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    result = run("review", "import", str(tmp_path / "x.xlsx"), "-g", store, "--reviews", str(tmp_path / "r.ttl"))
    assert result.exit_code == 1 and "cannot read the worksheet" in result.output


def test_accept_records_the_machine_status_and_apply_loads_a_file(store, tmp_path):
    reviews = tmp_path / "reviews.ttl"
    result = run("review", "accept", REC, "-g", store, "--reviews", str(reviews), "--reviewer", "Di",
                 "--when", "2026-03-06T09:30:00Z")
    assert result.exit_code == 0, result.output
    [review] = read_reviews(reviews)
    assert (review.visit, review.status, review.machine, review.at) == (LATER, "partially-addressed", "partially-addressed",
                                                                        "2026-03-06T09:30:00+00:00")
    assert current(store) == ("PartiallyAddressed", "PartiallyAddressed")
    reviews.write_text(reviews.read_text().replace("okg:reviewedStatus okg:PartiallyAddressed",
                                                   "okg:reviewedStatus okg:Addressed"))
    applied = run("review", "apply", "-g", store, "--reviews", str(reviews))
    assert applied.exit_code == 0, applied.output
    assert current(store) == ("Addressed", "PartiallyAddressed")
    assert run("review", "apply", "-g", str(tmp_path / "g.trig"), "--reviews", str(reviews)).exit_code == 1
    assert "no such reviews file" in run("review", "apply", "-g", store, "--reviews", str(tmp_path / "no.ttl")).output


def test_set_options_and_their_errors(store, tmp_path):
    reviews = str(tmp_path / "reviews.ttl")
    ok = run("review", "set", REC, "--status", "addressed", "--reason", "Caseloads fell.", "--visit", LATER,
             "--evidence", "37, 42", "-g", store, "--reviews", reviews, "--reviewer", "Ed", "--when", "2026-03-07")
    assert ok.exit_code == 0, ok.output
    assert read_reviews(Path(reviews))[0].evidence == (f"{LATER}/finding/37", f"{LATER}/finding/42")
    for args, message in [
        (["Ensure"], "recommendations match 'Ensure'"),
        (["no such words anywhere"], "no recommendation matches"),
        ([REC, "--visit", "2030-01-01"], "no later visit '2030-01-01'"),
        ([REC, "--when", "yesterday"], "is not a date"),
        ([REC, "--reason", " "], "--reason: say why"),
    ]:
        full = ["review", "set", *args, "--status", "addressed", "-g", store, "--reviews", reviews]
        if "--reason" not in args:
            full += ["--reason", "r"]
        result = run(*full)
        assert result.exit_code == 1 and message in result.output, (args, result.output)
    assert "Invalid value for '--status'" in run("review", "set", REC, "--status", "done", "--reason", "r").output


def test_on_a_graph_file_the_reviews_file_is_written_with_the_rebuild_command(tmp_path):
    graph = tmp_path / "g.trig"
    assert run("build", str(SAMPLES), "-o", str(graph), "-j", "1").exit_code == 0
    result = run("review", "set", REC, "--status", "addressed", "--reason", "r", "-g", str(graph),
                 "--reviews", str(tmp_path / "reviews.ttl"))
    assert result.exit_code == 0 and "--reviews" in result.output and "ofsted-kg build" in result.output
    rebuilt = run("build", str(SAMPLES), "-o", str(graph), "-j", "1", "--reviews", str(tmp_path / "reviews.ttl"))
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "okg:machineCurrentStatus" in graph.read_text() or "machineCurrentStatus" in graph.read_text()
    bad = run("review", "export", "--authority", "Stockport", "-o", str(tmp_path / "s.ods"), "-g", str(graph))
    assert bad.exit_code == 2 and ".xlsx or .csv" in bad.output
    nobody = run("review", "export", "--authority", "Nowhere", "-o", str(tmp_path / "s.csv"), "-g", str(graph))
    assert nobody.exit_code == 1 and "no authority" in nobody.output
    missing = run("review", "set", REC, "--status", "addressed", "--reason", "r", "-g", str(tmp_path / "none.trig"))
    assert missing.exit_code == 1 and "no such graph file" in missing.output


def test_explain_and_evaluate_show_the_reviews(store, tmp_path):
    import json

    reviews = str(tmp_path / "reviews.ttl")
    assert run("review", "set", REC, "--status", "not-addressed", "--reason", "Caseloads are still high.",
               "-g", store, "--reviews", reviews, "--reviewer", "Fay", "--when", "2026-03-08").exit_code == 0
    assert run("review", "set", REC, "--status", "addressed", "--visit", "2024-01-24", "--reason", "Said so.",
               "-g", store, "--reviews", reviews, "--reviewer", "Fay", "--when", "2026-03-08").exit_code == 0
    explained = run("explain", REC, "-g", store)
    assert explained.exit_code == 0, explained.output
    assert "current status: not-addressed (reviewed; the machine read: partially-addressed)" in explained.output
    assert "reviewed: not-addressed by Fay at 2026-03-08T00:00:00+00:00: Caseloads are still high." \
        in explained.output
    assert "at 2024-01-24: the machine did not link this visit" in explained.output
    scored = run("evaluate", store, "--reviews", reviews)
    assert scored.exit_code == 0, scored.output
    assert "machine agrees with the reviewer 0/2 = 0.00" in scored.output
    assert "partially-addressed -> not-addressed" in scored.output and "errors (2):" in scored.output
    figures = json.loads(run("evaluate", store, "--reviews", reviews, "--json").output)
    assert figures["links"]["not linked, reviewer gives a status"] == "1"
    assert figures["status where both link"]["within one step"] == "1/1 = 1.00"
    quiet = run("evaluate", store, "--reviews", reviews, "--no-errors")
    assert "errors" not in quiet.output
    assert run("evaluate", store).exit_code == 2
    assert "no such reviews file" in run("evaluate", store, "--reviews", str(tmp_path / "no.ttl")).output
