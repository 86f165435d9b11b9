"""Names in the rdf stage: an authority's key, read back from a graph name, and its derived graphs; the labels
views show, read from the ontology; and the imports these moves removed (validate from the pipeline, review and
views from evaluate)."""
import ast
from pathlib import Path

import pytest
from rdflib.namespace import RDFS, SKOS

from ofsted_kg.rdf.vocab import (
    FOLLOW_GRAPH,
    GRADE,
    ID,
    LINKS_GRAPH,
    OKG,
    REC_KIND,
    REVIEWED,
    STATUS,
    VISIT_CLASS,
    authority_key,
    derived_names,
    key_of_graph,
    label,
    local_name,
    ontology,
    short_label,
    visit_iri,
)
from ofsted_kg.views.tables import labels
from ofsted_kg.views.network import in_sentence, status_words, visit_words

PACKAGE = Path(__file__).resolve().parents[1] / "ofsted_kg"
USED = sorted({*STATUS.values(), *REVIEWED.values(), *VISIT_CLASS.values(), *REC_KIND.values(), *GRADE.values()})


@pytest.mark.parametrize("gss,sha", [("E08000007", None), (None, "ab" * 32)])
def test_key_of_graph_reads_back_the_key_a_report_graph_is_named_by(gss, sha):
    key = authority_key(gss, sha)
    report = f"{visit_iri(key, 'inspection', '2019-05-13')}/report/{'c' * 12}"
    assert key_of_graph(report) == key
    assert key == (gss or f"unresolved-{'ab' * 6}")


def test_key_of_graph_is_none_for_graphs_that_are_not_a_report():
    for name in (ID["graph/themes"], f"{LINKS_GRAPH}/E08000007", "https://example.org/id/visit/E08000007/x"):
        assert key_of_graph(str(name)) is None


def test_derived_names_sit_under_the_links_and_follow_through_graphs():
    assert derived_names("E08000007") == (f"{ID}graph/links/E08000007", f"{ID}graph/follow-through/E08000007")
    assert derived_names("E08000007")[1].startswith(f"{FOLLOW_GRAPH}/")


@pytest.mark.parametrize("term", USED, ids=local_name)
def test_every_status_kind_and_grade_the_code_uses_has_a_label(term):
    assert label(term) and short_label(term), f"{term} has no label in ontology/ofsted-kg.ttl"
    graph = ontology()
    assert (term, SKOS.prefLabel, None) in graph or (term, RDFS.label, None) in graph


def test_pages_show_the_words_they_always_showed():
    names = labels()
    assert names is labels()  # read once per process
    assert names.status == {"Addressed": "Addressed", "PartiallyAddressed": "Partially addressed",
                            "NotAddressed": "Not addressed", "NoLaterEvidence": "No later evidence",
                            "AwaitingFollowUp": "Awaiting follow-up", "DoesNotSpeakToIt": "Does not speak to it"}
    assert names.kind == {"Inspection": "Inspection", "FocusedVisit": "Focused visit",
                          "MonitoringVisit": "Monitoring visit", "LSCBReview": "LSCB review",
                          "JointTargetedAreaInspection": "Joint targeted area inspection"}
    assert names.rec_kind == {"RecommendationItem": "Recommendation", "AreaForImprovement": "Area for improvement",
                              "PriorityAction": "Priority action", "AreaOfConcern": "Area of concern"}
    assert names.grade == {"Outstanding": "Outstanding", "Good": "Good", "RequiresImprovement": "Requires improvement",
                           "Adequate": "Adequate", "Inadequate": "Inadequate"}


def test_network_words_come_from_the_ontology_as_before():
    assert status_words() == {k: v for k, v in labels().status.items() if k != "DoesNotSpeakToIt"}
    assert visit_words() == {"Inspection": "inspection", "FocusedVisit": "focused visit",
                             "MonitoringVisit": "monitoring visit", "JointTargetedAreaInspection": "JTAI",
                             "LSCBReview": "LSCB review"}
    assert in_sentence("LSCB review") == "LSCB review" and in_sentence("Focused visit") == "focused visit"


def test_short_label_is_the_shortest_and_label_prefers_the_concept_name():
    assert label(OKG.RecommendationItem) == "Recommendation"  # its rdfs:label is 'Recommendation (kind)'
    assert label(OKG.RequiresImprovement) == "Requires improvement to be good"
    assert short_label(OKG.RequiresImprovement) == "Requires improvement"
    assert label(OKG.NoSuchTerm) is None and short_label(OKG.NoSuchTerm) is None


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module} | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}


@pytest.mark.parametrize("module,above", [("validate/shacl.py", "ofsted_kg.pipeline"),
                                          ("review/make.py", "ofsted_kg.evaluate"),
                                          ("views/explain.py", "ofsted_kg.evaluate"),
                                          ("extract/authorities.py", "ofsted_kg.derive")])
def test_no_upward_import(module, above):
    assert not {m for m in _imports(PACKAGE / module) if m.startswith(above)}
