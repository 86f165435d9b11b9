"""Repeats: the restatement measures, the repeat model's rows and the gold's nearest-report rule."""
from __future__ import annotations

import math

import pytest
from rdflib import URIRef

from ofsted_kg.derive.classifier import fit_logistic
from ofsted_kg.derive.features import repeat_rows
from ofsted_kg.derive.parameters import Parameters
from ofsted_kg.derive.repeats import (
    choose_repeats,
    nearest_sources,
    pair_parts,
    repeat_strengths,
    restatement,
    restatements,
    theme_weights,
)
from ofsted_kg.derive.similarity import BM25, tokens
from ofsted_kg.derive.themes import matcher
from ofsted_kg.derive.units import Candidate, Item, VisitInfo

AUTHORITY = URIRef("https://example.org/authority/x")


def visit(start: str) -> VisitInfo:
    return VisitInfo(URIRef(f"https://example.org/visit/{start}"), AUTHORITY, start, False, "inspection")


def item(name: str, start: str, text: str, head: str | None = None, part: str = "") -> Item:
    """A recommendation as the linker sees it; its subject is the text before 'so that' unless given."""
    head = head if head is not None else text.split(" so that ")[0]
    tags = matcher().tag(text)
    return Item(URIRef(f"https://example.org/rec/{name}"), visit(start).iri, AUTHORITY, text, tokens(text), tags, part,
                head=tokens(head), head_themes=set(matcher().tag(head)))


def candidate(earlier: Item, start: str, score: float, pair: tuple = ()) -> Candidate:
    return Candidate(score, start, earlier, (score, score, score), pair)


SUPERVISION_2017 = item("sup17", "2017-06-19", "Ensure that all staff receive regular reflective supervision.")
PLANS_2017 = item("plans17", "2017-06-19", "Improve the quality of care plans so that they are specific and timely.")
SUPERVISION_2019 = item("sup19", "2019-01-22", "The quality and regularity of supervision.")
FOSTERING_2019 = item("pf19", "2019-01-22", "The response to children living in private fostering arrangements.")
LATER = item("later24", "2024-09-23", "The quality of supervision and of care plans.")


def test_the_nearest_report_that_restates_it_wins_and_no_transitive_pair():
    """2024 restates 2019, which restated 2017: the gold has 2024 -> 2019 only."""
    kept = [(candidate(SUPERVISION_2019, "2019-01-22", 0.6), 0.7), (candidate(SUPERVISION_2017, "2017-06-19", 0.7), 0.8)]
    chosen = nearest_sources(LATER, kept, Parameters(repeat_every_match=True))
    assert [c.earlier for c, _ in chosen] == [SUPERVISION_2019]


def test_a_merged_item_links_each_components_nearest_source():
    """Supervision was last recommended in 2019, plans in 2017: with repeat_components both are linked, but an
    older item whose shared themes the nearer one already covers is not."""
    kept = [(candidate(SUPERVISION_2019, "2019-01-22", 0.6), 0.7), (candidate(PLANS_2017, "2017-06-19", 0.5), 0.4),
            (candidate(SUPERVISION_2017, "2017-06-19", 0.7), 0.8)]
    p = Parameters(repeat_every_match=True, repeat_components=True)
    assert {c.earlier.iri for c, _ in nearest_sources(LATER, kept, p)} == {SUPERVISION_2019.iri, PLANS_2017.iri}
    assert [c.earlier for c, _ in nearest_sources(LATER, kept, p.with_(repeat_components=False))] == [SUPERVISION_2019]


def test_without_every_match_only_the_strongest_of_the_nearest_report():
    kept = [(candidate(FOSTERING_2019, "2019-01-22", 0.7), 0.3), (candidate(SUPERVISION_2019, "2019-01-22", 0.5), 0.9)]
    assert [c.earlier for c, _ in nearest_sources(LATER, kept, Parameters(repeat_every_match=False))] == [SUPERVISION_2019]
    both = nearest_sources(LATER, kept, Parameters(repeat_every_match=True))
    assert [c.earlier for c, _ in both] == [SUPERVISION_2019, FOSTERING_2019]  # strongest first


def test_pair_parts_weigh_shared_themes_by_rarity_and_flag_the_board():
    recs = [SUPERVISION_2017, PLANS_2017, SUPERVISION_2019, FOSTERING_2019, LATER]
    weight = theme_weights(recs)
    supervision = next(iter(SUPERVISION_2019.head_themes))
    fostering = next(iter(FOSTERING_2019.head_themes))
    assert weight(fostering) > weight(supervision)  # one item on private fostering, three on supervision
    idf = BM25([r.terms for r in recs]).idf
    same = pair_parts(LATER, SUPERVISION_2019, idf, weight)
    other = pair_parts(LATER, FOSTERING_2019, idf, weight)
    assert same[6] > 0 and other[6] == 0  # weight of the themes shared
    assert same[1] > other[1]  # subject against subject
    board = item("lscb", "2019-01-22", "The board should scrutinise supervision across agencies.", part="LSCB")
    assert pair_parts(LATER, board, idf, weight)[-1] == 1.0 and same[-1] == 0.0
    assert 0.0 < same[0] <= 1.0  # the weaker of the two word overlaps


def test_restatement_hands_its_overlaps_to_pair_parts_unchanged():
    recs = [SUPERVISION_2017, PLANS_2017, SUPERVISION_2019, FOSTERING_2019, LATER]
    bm25, weight = BM25([r.terms for r in recs]), theme_weights(recs)
    for earlier in recs[:4]:
        score, parts, overlaps = restatement(LATER, earlier, bm25, Parameters())
        assert pair_parts(LATER, earlier, bm25.idf, weight, overlaps) == pair_parts(LATER, earlier, bm25.idf, weight)
        assert parts[0] == pytest.approx((overlaps[0] + overlaps[1]) / 2) and 0.0 <= score <= 1.0


def test_restatements_look_only_back_and_rank_best_first():
    recs = [SUPERVISION_2017, PLANS_2017, SUPERVISION_2019, FOSTERING_2019, LATER]
    visits = {visit(start).iri: visit(start) for start in ("2017-06-19", "2019-01-22", "2024-09-23")}
    found = {rec.iri: scored for rec, scored in restatements(recs, visits, BM25([r.terms for r in recs]), Parameters())}
    assert found[SUPERVISION_2017.iri] == []  # nothing is earlier than the first report
    assert {c.earlier.iri for c in found[SUPERVISION_2019.iri]} == {SUPERVISION_2017.iri, PLANS_2017.iri}
    later = found[LATER.iri]
    assert len(later) == 4 and [c.score for c in later] == sorted((c.score for c in later), reverse=True)
    assert all(len(c.pair) == 13 for c in later)
    assert later[-1].earlier is FOSTERING_2019


def test_repeat_rows_say_how_many_reports_back_and_the_rank_within_its_report():
    scored = [candidate(SUPERVISION_2019, "2019-01-22", 0.8, (0.1,)), candidate(SUPERVISION_2017, "2017-06-19", 0.6, (0.2,)),
              candidate(FOSTERING_2019, "2019-01-22", 0.4, (0.3,)), candidate(PLANS_2017, "2017-06-19", 0.2, (0.4,))]
    rows = repeat_rows(scored)
    assert len(rows) == 4 and len({len(r) for r in rows}) == 1
    back, rank = [r[-2] for r in rows], [r[-1] for r in rows]
    assert back == [0.0, math.log1p(1), 0.0, math.log1p(1)]
    assert rank == [0.0, 0.0, math.log1p(1), math.log1p(1)]
    assert rows[2][-3] == 0.3 and rows[0][4] == 0.0 and rows[1][4] == pytest.approx(0.2)  # pair part; gap to the best
    assert repeat_rows([]) == []


def test_choose_repeats_with_a_fitted_model_keeps_what_reaches_repeat_at():
    """A model fitted on rows where only the closest candidate repeats: it keeps that one and the threshold
    decides; strengths computed once give the same answer."""
    scored = [candidate(SUPERVISION_2019, "2019-01-22", 0.8, (0.9,) * 13),
              candidate(FOSTERING_2019, "2019-01-22", 0.1, (0.0,) * 13)]
    rows = repeat_rows(scored) * 5
    model = fit_logistic(rows, ["repeat", "none"] * 5, ("none", "repeat"))
    p = Parameters(repeat_model=model, repeat_at=0.5, repeat_every_match=True)
    found = choose_repeats([(LATER, scored)], p)
    assert [(a, b) for a, b, _ in found] == [(LATER, SUPERVISION_2019)]
    assert choose_repeats([(LATER, scored)], p, repeat_strengths([(LATER, scored)], p)) == found
    assert choose_repeats([(LATER, scored)], p.with_(repeat_at=0.999)) == []
