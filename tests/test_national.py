"""National patterns: the time-to-address, themes-by-year and persistent-runs queries on a hand-made graph (both
engines), the Kaplan-Meier estimates worked out by hand, and the ``time-to-address`` command."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ofsted_kg.cli.main import cli
from ofsted_kg.query.named import find_query, run
from ofsted_kg.rdf.graph_files import load
from ofsted_kg.stores import MemoryStore, OxigraphStore
from ofsted_kg.views.survival import Subject, estimate, estimates, groups, months, subjects

NATIONAL = Path(__file__).resolve().parent / "fixtures" / "national.trig"
ID = "https://w3id.org/ofsted-kg/id/"


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def national(request):
    return MemoryStore(load(NATIONAL)) if request.param == "rdflib" else OxigraphStore.from_file(NATIONAL)


def rows(engine, name, **params) -> list[tuple]:
    columns, result = run(engine, find_query(name), params)
    return [tuple(None if v is None else str(v) for v in row) for row in result]


def test_time_to_address_rows(national):
    """Until the first visit that found it addressed, else the latest visit read from a report (June 2022: the
    2024 inspection is only mentioned); r51 and q3 were made at their authority's latest visit: left out.  The
    last number is the months between (counted by hand), from survival.months."""
    got = [(r[0], r[1].removeprefix(ID), r[2], r[3], r[4], r[5], str(months(r[4], r[6])))
           for r in rows(national, "time-to-address")]
    assert got == [
        ("Exampleshire", "r11", "SIF", "Assessments", "2014-01-13", "2018-05-14", "52"),  # Jan 2014 -> May 2018
        ("Exampleshire", "r11", "SIF", "Supervision", "2014-01-13", "2018-05-14", "52"),
        ("Exampleshire", "r12", "SIF", "Assessments", "2014-01-13", None, "101"),  # Jan 2014 -> Jun 2022
        ("Exampleshire", "r21", "SIF", "Care leavers", "2016-03-07", "2022-06-06", "75"),  # partially first, then addressed
        ("Exampleshire", "r21", "SIF", "Supervision", "2016-03-07", "2022-06-06", "75"),
        ("Exampleshire", "r22", "SIF", "Assessments", "2016-03-07", None, "75"),
        ("Exampleshire", "r31", "ILACS", "Care leavers", "2018-05-14", None, "49"),
        ("Exampleshire", "r31", "ILACS", "Supervision", "2018-05-14", None, "49"),
        ("Exampleshire", "r32", "ILACS", "Assessments", "2018-05-14", "2020-02-03", "21"),  # May 2018 -> Feb 2020
        ("Exampleshire", "r41", "ILACS", "Care leavers", "2020-02-03", "2022-06-06", "28"),
        ("Otherton", "q1", "SIF", "Supervision", "2015-01-12", "2019-02-04", "49"),
        ("Otherton", "q2", "ILACS", "Supervision", "2019-02-04", None, "25")]
    assert {r[0] for r in rows(national, "time-to-address", authority="Otherton")} == {"Otherton"}


def test_themes_by_year_rows(national):
    assert rows(national, "themes-by-year") == [
        # year, framework, theme, recommendations, repeated, still open, authorities
        ("2014", "SIF", "Assessments", "2", "0", "0", "1"),  # r11 and the LSCB item r12
        ("2014", "SIF", "Supervision", "1", "0", "0", "1"),
        ("2015", "SIF", "Supervision", "1", "0", "0", "1"),
        ("2016", "SIF", "Assessments", "1", "0", "0", "1"),
        ("2016", "SIF", "Care leavers", "1", "1", "0", "1"),  # r21 restates r11
        ("2016", "SIF", "Supervision", "1", "1", "0", "1"),
        ("2018", "ILACS", "Assessments", "1", "0", "0", "1"),
        ("2018", "ILACS", "Care leavers", "1", "1", "1", "1"),  # r31: restates r21, not addressed
        ("2018", "ILACS", "Supervision", "1", "1", "1", "1"),
        ("2019", "ILACS", "Supervision", "1", "0", "1", "1"),
        ("2020", "ILACS", "Care leavers", "1", "0", "0", "1"),
        ("2021", "ILACS", "Assessments", "1", "0", "0", "1"),
        ("2022", "ILACS", "Care leavers", "1", "1", "0", "1"),  # r51 awaits follow-up: not "still open"
        ("2022", "ILACS", "Supervision", "1", "1", "0", "1")]
    assert [r[2] for r in rows(national, "themes-by-year", authority="Otherton")] == [
        "Supervision", "Supervision", "Assessments"]


def test_persistent_runs_rows(national):
    """Care leavers at v2, v3, v4, v5 (the monitoring visit between makes no recommendation and does not break
    the run); supervision at v1-v3, then not at v4: a run of three, and v5 starts another of one.  Assessments
    (v1, v3) would run v1-v3 only if the LSCB item at v2 counted; Otherton's supervision runs two visits."""
    assert rows(national, "persistent-runs") == [
        ("Exampleshire", "Care leavers", "2016-03-07", "2022-06-06", "4"),
        ("Exampleshire", "Supervision", "2014-01-13", "2018-05-14", "3")]
    assert rows(national, "persistent-runs", authority="Otherton") == []


def test_subjects_merge_themes_per_recommendation(national):
    got = {s.recommendation.removeprefix(ID): s for s in subjects(national)}
    assert sorted(got) == ["q1", "q2", "r11", "r12", "r21", "r22", "r31", "r32", "r41"]
    assert got["r11"] == Subject(ID + "r11", "SIF", ("Assessments", "Supervision"), 52, True)
    assert got["q2"] == Subject(ID + "q2", "ILACS", ("Supervision",), 25, False)
    assert [s.recommendation.removeprefix(ID) for s in subjects(national, "Otherton")] == ["q1", "q2"]


def test_kaplan_meier_by_framework_worked_by_hand(national):
    """SIF: 49 (event, 5 at risk) S=4/5; 52 (event, 4) S=3/5; 75 (one event, one censored, 3 at risk) S=2/5;
    101 censored.  ILACS: 21 (event, 4) S=3/4; 25 censored; 28 (event, 2) S=3/8; 49 censored: nothing
    is known past 49 months, so the 60-month share is None."""
    by = {e.group: e for e in estimates(subjects(national), "framework")}
    sif, ilacs = by["Single inspection framework"], by["ILACS"]
    assert (sif.recommendations, sif.addressed) == (5, 3)
    assert sif.within == {12: 0.0, 24: 0.0, 36: 0.0, 60: 0.4}
    assert (ilacs.recommendations, ilacs.addressed) == (4, 2)
    assert ilacs.within == {12: 0.0, 24: 0.25, 36: 0.625, 60: None}
    assert ilacs.lower[60] is None and ilacs.lower[36] <= 0.625 <= ilacs.upper[36]
    assert [p for p in sif.curve if p[0] in (49.0, 52.0, 75.0)] == [(49.0, 0.2), (52.0, 0.4), (75.0, 0.6)]


def test_months_are_calendar_months_read_from_the_text():
    assert months("2019-03-04", "2019-05-01") == 2 and months("2019-12-31", "2020-01-01") == 1
    assert months("2014-01-13", "2022-06") == 101  # a mention: year and month only


def test_censored_recommendations_are_not_counted_as_failures():
    """Four addressed at 10 months, six still open at 2 months (censored): the naive share is 40%, but no
    open one was followed long enough to say it failed: Kaplan-Meier gives 100% by 10 months (and nothing at 12:
    no recommendation was followed that long)."""
    records = [Subject(f"r{i}", "ILACS", (), 10, True) for i in range(4)]
    records += [Subject(f"c{i}", "ILACS", (), 2, False) for i in range(6)]
    assert estimate("all", records, (6, 10, 12)).within == {6: 0.0, 10: 1.0, 12: None}


def test_groups_by_theme_put_a_recommendation_in_each_theme_and_name_the_unthemed():
    records = [Subject("a", "SIF", ("X", "Y"), 5, True), Subject("b", "", (), 5, False)]
    assert {k: [r.recommendation for r in v] for k, v in groups(records, "theme").items()} == {
        "No theme read": ["b"], "X": ["a"], "Y": ["a"]}
    assert list(groups(records, "framework")) == ["Framework not read", "Single inspection framework"]
    with pytest.raises(ValueError):
        groups(records, "colour")


def test_time_to_address_command():
    runner = CliRunner()
    result = runner.invoke(cli, ["time-to-address", str(NATIONAL), "--by", "framework"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["framework", "recs", "addressed"]
    sif = next(line for line in lines if line.startswith("Single inspection framework"))
    # 95% interval at 60 months by Greenwood's variance on the log(-log) scale, worked by hand: S = 0.6,
    # var = (1/(5*4) + 1/(4*3)) / log(0.6)^2 = 0.511; exp(-exp(log(-log 0.6) -+ 1.96 * 0.715)) = 0.882, 0.126
    assert sif.split()[3:5] == ["5", "3"] and sif.rstrip().endswith("40% (12%–87%)")
    assert next(line for line in lines if line.startswith("ILACS")).split()[-1] == "-"  # past the data
    csv_out = runner.invoke(cli, ["time-to-address", str(NATIONAL), "--by", "theme", "-f", "csv", "--least", "4"])
    assert csv_out.exit_code == 0, csv_out.output
    assert [line.split(",")[:3] for line in csv_out.output.splitlines()[1:]] == [
        ["Supervision", "5", "3"], ["Assessments", "4", "2"]]
    one = runner.invoke(cli, ["time-to-address", str(NATIONAL), "--authority", "otherton"])
    assert one.exit_code == 0 and one.output.splitlines()[2].split()[2:4] == ["2", "1"]
    bad = runner.invoke(cli, ["time-to-address", str(NATIONAL), "--authority", "Nowhere"])
    assert bad.exit_code == 1 and "Nowhere" in bad.output and "Traceback" not in bad.output
