"""Reviews: the record and its file, the effective status, and reviews surviving rebuilds on real corpus PDFs."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from okg_paths import CORPUS_PDF, SAMPLES, needs_corpus
from rdflib import Graph, URIRef

from ofsted_kg.cli.main import cli
from ofsted_kg.pipeline.build import build
from ofsted_kg.rdf.graph_files import canonical_nquads
from ofsted_kg.rdf.vocab import ID, OKG
from ofsted_kg.review.apply import effective_status
from ofsted_kg.review.records import (
    REVIEWS_GRAPH,
    Review,
    ReviewError,
    merged,
    read_reviews,
    status_key,
    to_graph,
    turtle,
    write_reviews,
)
from ofsted_kg.stores import OxigraphStore
from ofsted_kg.validate.shacl import validate

NN = "2637539_north northamptonshire"
FIRST_THREE = ("children's services inspection - 25 november 2022.pdf",
               "children's services focused visit - 22 november 2023.pdf",
               "children's services focused visit - 31 october 2024.pdf")
LATEST = "children's services inspection - 07 july 2026.pdf"
REC = str(ID["visit/E06000061/inspection/2022-10-03/area-for-improvement/1"])  # 'how managers support social workers'
AT_2024 = str(ID["visit/E06000061/focused-visit/2024-10-01"])
HOUSING = str(ID["visit/E06000061/focused-visit/2024-10-01/area-for-improvement/1"])
AT_2026 = str(ID["visit/E06000061/inspection/2026-05-11"])
CURRENT = ("SELECT ?s ?m WHERE { ?rec okg:currentStatus ?s OPTIONAL { ?rec okg:machineCurrentStatus ?m } }")


def review(**changes) -> Review:
    base = dict(recommendation=REC, visit=AT_2024, status="not-addressed", reason="Speaks of pathway plans only.",
                reviewer="A. Reviewer", at="2026-03-02T10:00:00Z", machine="addressed")
    return Review(**{**base, **changes})


def test_file_round_trip_is_stable_and_sorted(tmp_path):
    two = [review(visit=AT_2026, status="does-not-speak-to-it", machine=None, evidence=(f"{AT_2026}/finding/3",)),
           review()]
    path = tmp_path / "reviews.ttl"
    write_reviews(path, two)
    assert read_reviews(path) == sorted(two, key=lambda r: r.iri)
    first = path.read_bytes()
    write_reviews(path, list(reversed(read_reviews(path))))
    assert path.read_bytes() == first
    assert first.decode().index("focused-visit/2024-10-01> a okg:Review") < first.decode().index("2026-05-11> a okg:Review")


def test_graph_carries_prov_attribution_and_conforms():
    g = to_graph([review()], "reviews.ttl")
    node = URIRef(review().iri)
    assert node == URIRef(f"{REC}/review/focused-visit/2024-10-01")
    assert str(g.value(node, URIRef("http://www.w3.org/ns/prov#generatedAtTime"))) == "2026-03-02T10:00:00+00:00"
    assert g.value(REVIEWS_GRAPH, OKG.contentSha256) is not None
    assert validate(g) == []


@pytest.mark.parametrize("text,key", [("Partially addressed", "partially-addressed"), ("NotAddressed", "not-addressed"),
                                      ("addressed", "addressed"), ("does not speak to it", "does-not-speak-to-it"),
                                      ("ACCEPT", "accept"), ("done", None), ("no-later-evidence", None)])
def test_status_as_people_write_it(text, key):
    assert status_key(text) == key


@pytest.mark.parametrize("edit,message", [
    (lambda t: t.replace("okg:NotAddressed", "okg:NoLaterEvidence"), "unknown status"),
    (lambda t: t.replace('    okg:reason "Speaks of pathway plans only." ;\n', ""), "no okg:reason"),
    (lambda t: t.replace("^^xsd:dateTime", ""), "not an xsd:dateTime"),
    (lambda t: t.replace("a okg:Review ,", "a okg:Review ;,"), "cannot read Turtle"),
])
def test_bad_file_is_one_line_naming_it(tmp_path, edit, message):
    path = tmp_path / "reviews.ttl"
    path.write_text(edit(turtle([review()])), encoding="utf-8")
    with pytest.raises(ReviewError, match=message) as caught:
        read_reviews(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_reviewers_folding_to_one_iri_are_refused():
    with pytest.raises(ReviewError, match="would be one person"):
        merged([review()], [review(visit=AT_2026, reviewer="a reviewer")])


def test_effective_status_takes_the_latest_reviewed_visit():
    starts = {AT_2024: "2024-10-01", AT_2026: "2026-05-11", "v23": "2023-10-18"}
    machine = {"v23": "addressed", AT_2024: "addressed"}
    assert effective_status(machine, [review()], "addressed", starts) == "not-addressed"
    assert effective_status(machine, [review(visit=AT_2026, status="partially-addressed")], "addressed",
                            starts) == "partially-addressed"
    gone = [review(status="does-not-speak-to-it")]
    assert effective_status(machine, gone, "addressed", starts) == "addressed"  # 2023 is now the latest
    assert effective_status({AT_2024: "addressed"}, gone, "addressed", starts) == "no-later-evidence"


def test_no_reviews_and_empty_reviews_give_the_same_bytes(tmp_path):
    """A build with an empty reviews file is exactly the build without one (and the stored graph never says
    anything about reviews): the machine's output is untouched until someone reviews."""
    empty = tmp_path / "reviews.ttl"
    write_reviews(empty, [])
    runner = CliRunner()
    plain, reviewed = tmp_path / "plain.nq", tmp_path / "reviewed.nq"
    assert runner.invoke(cli, ["build", str(SAMPLES), "-o", str(plain), "-j", "1"]).exit_code == 0
    result = runner.invoke(cli, ["build", str(SAMPLES), "-o", str(reviewed), "-j", "1", "--reviews", str(empty)])
    assert result.exit_code == 0, result.output
    assert plain.read_bytes() == reviewed.read_bytes()
    assert b"machineCurrentStatus" not in plain.read_bytes() and b"graph/reviews" not in plain.read_bytes()


def test_build_refuses_a_bad_reviews_file_in_one_line(tmp_path):
    bad = tmp_path / "reviews.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(SAMPLES), "-o", str(tmp_path / "g.trig"), "--reviews", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: cannot read Turtle" in result.output and "Traceback" not in result.output
    missing = CliRunner().invoke(cli, ["build", str(SAMPLES), "-o", str(tmp_path / "g.trig"),
                                       "--reviews", str(tmp_path / "none.ttl")])
    assert missing.exit_code == 1 and "no such reviews file" in missing.output


# --- on real corpus PDFs: a review made, a full rebuild, an incremental add -------------------------------------

@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path]:
    """North Northamptonshire's first three reports in one folder, its 2026 inspection in another."""
    needs_corpus()
    root = tmp_path_factory.mktemp("nn")
    (root / "three").mkdir()
    for name in FIRST_THREE:
        shutil.copy(CORPUS_PDF / NN / name, root / "three" / name)
    (root / "later").mkdir()
    shutil.copy(CORPUS_PDF / NN / LATEST, root / "later" / LATEST)
    return root / "three", root / "later" / LATEST


def statuses(spec: str, rec: str) -> tuple[str, str | None, list[str]]:
    """(effective current status, machine current status if kept, follow-up statuses at 2024) of ``rec``."""
    with OxigraphStore(Path(spec.removeprefix("oxigraph:"))) as store:
        row = store.select(CURRENT, {"rec": URIRef(rec)})[1][0]
        fus = store.select("SELECT ?s WHERE { ?fu okg:recommendation ?rec ; okg:assessedAt ?v ; okg:status ?s }",
                           {"rec": URIRef(rec), "v": URIRef(AT_2024)})[1]
        return (str(row["s"]).rsplit("#")[-1], str(row["m"]).rsplit("#")[-1] if row.get("m") else None,
                [str(r["s"]).rsplit("#")[-1] for r in fus])


def nquads(spec: str) -> bytes:
    with OxigraphStore(Path(spec.removeprefix("oxigraph:"))) as store:
        return canonical_nquads(store.fetch(store.graph_names()))


@pytest.mark.corpus
def test_review_survives_full_rebuild_and_incremental_add(folders, tmp_path):
    three, latest = folders
    runner = CliRunner()
    first, again = f"oxigraph:{tmp_path / 'first'}", f"oxigraph:{tmp_path / 'again'}"
    reviews = tmp_path / "reviews.ttl"
    assert runner.invoke(cli, ["build", str(three), "--store", first, "-j", "1"]).exit_code == 0
    assert statuses(first, REC) == ("Addressed", None, ["Addressed"])

    made = runner.invoke(cli, ["review", "set", "how managers support social workers", "--status", "not-addressed",
                               "--reason", "The 2024 visit speaks of care leavers' pathway plans only.",
                               "--reviewer", "A. Reviewer", "--when", "2026-03-02T10:00:00Z",
                               "-g", first, "--reviews", str(reviews)])
    assert made.exit_code == 0, made.output
    assert "current status NotAddressed (the machine read: Addressed)" in made.output
    assert statuses(first, REC) == ("NotAddressed", "Addressed", ["Addressed"])  # the machine's follow-up stays

    # a full rebuild from the PDFs into a new store, given the reviews file: the same graph, byte for byte
    rebuilt = runner.invoke(cli, ["build", str(three), "--store", again, "-j", "1", "--reviews", str(reviews)])
    assert rebuilt.exit_code == 0 and "warning" not in rebuilt.output, rebuilt.output
    assert statuses(again, REC) == ("NotAddressed", "Addressed", ["Addressed"])
    assert nquads(first) == nquads(again)

    # an incremental add of a later report: the store's reviews apply to the re-derived authority
    added = runner.invoke(cli, ["build", str(latest), "--store", again, "-j", "1"])
    assert added.exit_code == 0, added.output
    table = runner.invoke(cli, ["query", "follow-through", "-g", again, "-p", "authority=North Northamptonshire",
                                "-f", "csv"])
    row = next(r for r in csv.DictReader(io.StringIO(table.output))
               if (r["visitStart"], r["ordinal"], r["laterVisit"]) == ("2022-10-03", "1", "2024-10-01"))
    assert (row["status"], row["reviewed"]) == ("Addressed", "NotAddressed")  # the machine's, the reviewer's
    assert statuses(again, REC)[0] == "PartiallyAddressed"  # the 2026 inspection is now the latest word

    # a review at the 2026 visit, then a store rebuilt without that report: reported, kept, not applied
    later = runner.invoke(cli, ["review", "set", "Housing provision for care-experienced", "--status",
                                "not-addressed", "--reason", "Housing is still short.", "--reviewer", "A. Reviewer",
                                "--when", "2026-07-20", "-g", again, "--reviews", str(reviews)])
    assert later.exit_code == 0, later.output
    assert statuses(again, HOUSING)[:2] == ("NotAddressed", "PartiallyAddressed")
    kept = reviews.read_bytes()
    third = f"oxigraph:{tmp_path / 'third'}"
    partial = runner.invoke(cli, ["build", str(three), "--store", third, "-j", "1", "--reviews", str(reviews)])
    assert partial.exit_code == 0
    assert (f"warning: reviews.ttl: review of {HOUSING} at {AT_2026} matches nothing in this build (no such visit)"
            in partial.output)
    assert reviews.read_bytes() == kept
    assert statuses(third, REC)[0] == "NotAddressed"
    assert runner.invoke(cli, ["build", str(latest), "--store", third, "-j", "1"]).exit_code == 0
    assert statuses(third, HOUSING)[:2] == ("NotAddressed", "PartiallyAddressed")  # the visit came: it applies


@pytest.mark.corpus
def test_removing_every_review_restores_the_machine_graph(folders, tmp_path):
    three, _ = folders
    plain, reviewed = OxigraphStore(tmp_path / "plain", write=True), OxigraphStore(tmp_path / "reviewed", write=True)
    with plain, reviewed:
        build([three], jobs=1, store=plain)
        build([three], jobs=1, store=reviewed, reviews=([review()], "reviews.ttl"))
        assert canonical_nquads(plain.fetch(plain.graph_names())) != canonical_nquads(
            reviewed.fetch(reviewed.graph_names()))
        build([three], jobs=1, store=reviewed, reviews=([], "reviews.ttl"))
        assert canonical_nquads(plain.fetch(plain.graph_names())) == canonical_nquads(
            reviewed.fetch(reviewed.graph_names()))


def test_reviews_graph_is_valid_turtle_for_other_tools(tmp_path):
    path = tmp_path / "r.ttl"
    write_reviews(path, [review()])
    assert len(Graph().parse(path, format="turtle")) == 11
