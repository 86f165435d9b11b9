"""Follow-through: status cues, themes, and the figures on the seed reports (a development set)."""
from __future__ import annotations

import pytest
from okg_paths import GOLD

from ofsted_kg.derive.status import assess, explicit_status
from ofsted_kg.derive.themes import matcher
from ofsted_kg.evaluate.gold import evaluate
from ofsted_kg.rdf.vocab import THEME


@pytest.mark.parametrize("text, status", [
    ("Practice weaknesses identified at a focused visit have not been addressed effectively.", "not-addressed"),
    ("The areas for improvement have been largely addressed.", "addressed"),
    ("Assessments continue to be of variable quality.", "not-addressed"),
])
def test_explicit_statements_decide(text, status):
    assert explicit_status(text)[0] == status
    assert assess([text]).status == status


@pytest.mark.parametrize("text, status", [
    ("Allegations of harm against people who work with children are robustly responded to.", "addressed"),
    ("Direct work with children is inconsistent. Too many lack timescales.", "not-addressed"),
    ("Most assessments are strong. In a small number of weaker assessments, there is too much focus on the "
     "presenting concerns.", "partially-addressed"),
    ("Leaders have made significant progress, although pathway plans are not always updated.", "partially-addressed"),
])
def test_cues_weigh_strengths_weaknesses_and_quantifiers(text, status):
    assert assess([text]).status == status


def test_negated_strength_is_a_weakness():
    verdict = assess(["The quality of supervision is not consistently strong."])
    assert verdict.status == "not-addressed" and "-not consistently strong" in verdict.cues


def test_themes_match_whole_words_longest_first():
    tags = matcher().tag("Children living in private fostering arrangements are visited; the MASH is timely.")
    assert THEME["private-fostering"] in tags and THEME["placements"] not in tags
    assert THEME["front-door"] in tags
    assert matcher().tag("The smashing results") == {}


def _ratio(text: str) -> float:
    a, b = text.split("/")
    return int(a) / int(b)


def test_seed_figures_regression_floor(seed_build):
    """A regression floor, not a target: the seeds are one fold of the development gold (docs/accuracy.md has
    the cross-validated figures).  Floors sit a little under what the shipped parameters score today."""
    if not GOLD.is_dir():
        pytest.skip("../shared/gold not available")
    figures = evaluate(seed_build.dataset, GOLD).figures
    assert figures["recommendations"]["recall"] == "26/26" and figures["recommendations"]["precision"] == "26/26"
    assert figures["recommendations"]["addressed to the right body (LSCB or not)"] == "26/26"
    follow = figures["follow-ups"]
    assert _ratio(follow["links found"]) >= 14 / 16
    assert _ratio(follow["link precision"]) >= 0.8
    assert _ratio(follow["status within one step"]) >= 14 / 16
    assert _ratio(figures["repeats"]["recall"]) >= 5 / 6


def test_no_follow_up_is_invented_for_a_recommendation_nothing_later_speaks_to(seed_build):
    from ofsted_kg.rdf.vocab import OKG
    data = seed_build.dataset
    from rdflib.namespace import RDF
    advocacy = [r for r in data.subjects(RDF.type, OKG.Recommendation)
                if "advocacy and independent visitors" in str(data.value(r, OKG.text))]
    assert advocacy and not list(data.subjects(OKG.recommendation, advocacy[0]))
    assert data.value(advocacy[0], OKG.currentStatus) == OKG.NoLaterEvidence


def test_development_gold_regression_floor(corpus_gold_graph):
    """A regression floor on the real development gold (../shared/gold/dev-real and gold/ here), in-sample
    with the shipped parameters; the cross-validated figures are in docs/accuracy.md, printed by
    ``ofsted-kg evaluate --cross-validate``.  Floors sit a little under today's figures."""
    from okg_paths import ROOT

    folders = [GOLD / "dev-real", *(p for p in sorted((ROOT / "gold").iterdir()) if p.is_dir() and "second" not in p.name)]
    figures = evaluate(corpus_gold_graph, folders).figures
    assert _ratio(figures["recommendations"]["recall"]) >= 0.99
    assert _ratio(figures["recommendations"]["addressed to the right body (LSCB or not)"]) >= 0.99
    visits = figures["visits"]  # each gold visit matched to the report of its own authority, not a namesake file
    assert all(visits[f].split("/")[0] == visits[f].split("/")[1] for f in
               ("report found", "authority gss", "visit type", "start date", "lead inspector", "overall grade"))
    assert _ratio(visits["judgements"]) >= 0.99 and _ratio(visits["inspectors"]) >= 0.99  # 74/74 each today
    follow = figures["follow-ups"]
    assert _ratio(follow["links found"]) >= 0.85
    assert _ratio(follow["gold evidence among evidence"]) >= 0.8  # floor; 0.77 before the fitted evidence ranker
    assert _ratio(follow["status within one step"]) >= 0.8
    assert _ratio(figures["repeats"]["recall"]) >= 0.5  # 0.43 before the repeat refit of 2026-12-03
    assert _ratio(figures["repeats"]["precision"]) >= 0.5
