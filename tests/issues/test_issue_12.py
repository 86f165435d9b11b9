"""Issue 12: every real report right and safe.  Each test failed before its fix (real corpus files where the
defect was seen; the corpus is Crown copyright, Open Government Licence v3.0)."""
from __future__ import annotations

import pytest
from okg_paths import CORPUS_PDF, SAMPLES, needs_corpus
from rdflib import Graph
from rdflib.namespace import RDF

from ofsted_kg.extract.authorities import lookup, resolve
from ofsted_kg.extract.extractor import extract
from ofsted_kg.extract.meta import _names
from ofsted_kg.extract.read import ReadError, Source, read_source
from ofsted_kg.rdf.vocab import OKG, judgement_area
from ofsted_kg.resources import shapes_file
from ofsted_kg.validate.shacl import validate


@pytest.mark.parametrize("printed, gss", [
    ("City of London", "E09000001"), ("City of London Corporation", "E09000001"),
    ("Kent's", "E10000016"), ("London Borough of Ealing's", "E09000009"), ("Kent County Council", "E10000016"),
    ("Newcastle", "E08000021"), ("East Riding", "E06000011"), ("Hull", "E06000010"),
    ("Bradford Children and Families Trust", "E08000032"), ("Doncaster Children's Services Trust", "E08000017"),
    ("Saint Helens", "E08000013"), ("Bristol City Council", "E06000023"), ("Buckinghamshire Council", "E06000060"),
    ("Royal Borough of Windsor and Maidenhead", "E06000040"), ("Stoke", "E06000021"),
])
def test_names_resolve_by_rule_against_the_lookup(printed, gss):
    assert resolve(printed).gss == gss


def test_ambiguous_short_forms_stay_unresolved():
    assert resolve("Kingston") is None  # Kingston upon Hull or upon Thames: never guessed


def test_users_name_an_authority_by_code_or_urn():
    assert lookup("e08000035").name == lookup("80481").name == lookup("leeds").name == lookup("383").name


@pytest.mark.parametrize("folder, gss", [
    ("80476_kent", "E10000016"), ("80442_buckinghamshire", "E06000060"), ("80449_bradford", "E08000032"),
    ("80450_london corporation", "E09000001"), ("80486_barking and dagenham", "E09000002"),
])
def test_every_report_of_an_authority_resolves_to_it(folder, gss):
    needs_corpus()
    for path in sorted((CORPUS_PDF / folder).glob("*.pdf")):
        ext = extract(read_source(path))
        assert resolve(ext.authority_name).gss == gss, path.name


def _text_report(name: str, body: str) -> Source:
    import hashlib
    from pathlib import Path

    return Source(Path(name), name, hashlib.sha256(body.encode()).hexdigest(), "text/plain", body, 1)


def test_unresolved_authorities_are_one_per_report_and_never_followed_up(tmp_path):
    from ofsted_kg.pipeline.build import build

    seed = next(SAMPLES.glob("*.txt")).read_text(encoding="utf-8")
    for n, council in enumerate(["Atlantis", "Lyonesse"]):
        body = seed.replace("Stockport", council).replace(f"{council} Metropolitan Borough Council", council)
        (tmp_path / f"report-{n}.txt").write_text(body, encoding="utf-8")
    result = build([tmp_path], jobs=1)
    data = result.dataset
    authorities = set(data.subjects(OKG.resolved, None))
    assert len(authorities) == 2 and all(str(a).split("/")[-2] == "unresolved" for a in authorities)
    assert not list(data.subjects(RDF.type, OKG.FollowUp))
    assert validate(data) == []


def test_a_follow_up_of_an_unresolved_authority_fails_validation():
    fixtures = shapes_file().parent / "fixtures"
    g = Graph().parse(fixtures / "base.ttl").parse(fixtures / "LocalAuthorityShape" / "violating.ttl")
    messages = [v.message for v in validate(g)]
    assert any("could not be resolved" in m for m in messages), messages


def test_focused_visit_is_not_graded_by_the_sentence_recalling_the_last_inspection():
    needs_corpus()
    ext = extract(read_source(CORPUS_PDF / "80476_kent" / "children's services focused visit - 08 february 2019.pdf"))
    assert ext.kind == "focused-visit" and ext.overall_grade is None


def test_leicester_2015_gives_all_33_items_with_its_priority_actions():
    needs_corpus()
    ext = extract(read_source(CORPUS_PDF / "80482_leicester" / "children's services inspection - 20 march 2015.pdf"))
    assert len(ext.recommendations) == 33
    assert sum(r.kind == "priority-action" for r in ext.recommendations) == 9
    assert sum(r.part == "LSCB" for r in ext.recommendations) == 9


def test_2013_reports_build_with_dates_inspector_and_judgements():
    needs_corpus()
    ext = extract(read_source(CORPUS_PDF / "80418_norfolk" / "children's services inspection,  pdf - 16 august 2013.pdf"))
    assert (ext.kind, ext.framework, str(ext.start), ext.lead_inspector) == ("inspection", "pre-2014", "2013-07-08", "Gary Lamb")
    assert ext.overall_grade == "inadequate" and len(ext.judgements) == 4
    assert {r.kind for r in ext.recommendations} == {"recommendation"}


def test_one_visit_known_by_two_months_is_one_placeholder(seed_build):
    data = seed_build.dataset
    stockport_2022 = {v for v in data.subjects(OKG.knownOnlyByReference, None)
                      if "/E08000007/inspection/2022-" in str(v) and (v, OKG.identifiedAs, None) not in data}
    assert len(stockport_2022) == 1, stockport_2022


def test_inspector_names_lose_role_suffixes():
    assert _names("Shabana Abasi OI, and Julie Knight HMI") == ["Shabana Abasi", "Julie Knight"]


def test_judgement_areas_map_to_one_concept_whatever_the_printed_label():
    assert judgement_area("Experiences and progress of Care Leavers") == OKG.CareLeavers
    assert judgement_area("The experiences and progress of children care leavers") == OKG.CareLeavers
    assert judgement_area("The experiences and progress of children in care and care leavers") == OKG.ChildrenInCareAndCareLeavers
    assert judgement_area("The effectiveness of the Local Safeguarding Children Board (LSCB) is") == OKG.LSCBEffectiveness


def test_a_text_far_longer_than_any_report_is_refused_at_once():
    with pytest.raises(ReadError, match="too long for one report"):
        extract(_text_report("big.txt", "Focused visit to Stockport children's services\n\n" + "x " * 1_000_000))


def test_priority_actions_are_marked_in_the_graph_the_tables_and_the_site(tmp_path):
    from click.testing import CliRunner

    from ofsted_kg.cli.main import cli

    needs_corpus()
    pdf = CORPUS_PDF / "80482_leicester" / "children's services inspection - 20 march 2015.pdf"
    runner = CliRunner()
    graph = tmp_path / "g.trig"
    assert runner.invoke(cli, ["build", str(pdf), "-o", str(graph)]).exit_code == 0
    from rdflib import Dataset

    data = Dataset(default_union=True)
    data.parse(graph, format="trig")
    assert len(set(data.subjects(OKG.recommendationKind, OKG.PriorityAction))) == 9
    assert runner.invoke(cli, ["export", str(graph), "--csv", str(tmp_path / "csv")]).exit_code == 0
    rows = (tmp_path / "csv" / "recommendations.csv").read_text(encoding="utf-8")
    assert rows.count(",PriorityAction,") == 9
    assert runner.invoke(cli, ["report", str(graph), "-o", str(tmp_path / "site")]).exit_code == 0
    page = next((tmp_path / "site" / "authority").glob("*.html")).read_text(encoding="utf-8")
    assert page.count('<strong class="priority">Priority action</strong>') == 9
