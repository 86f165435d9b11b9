"""The evidence ranker: its features, its fit, and that the hand weights no longer rank once it is fitted."""
from __future__ import annotations

from rdflib import URIRef

from ofsted_kg.derive.followup import ranked
from ofsted_kg.derive.parameters import Parameters, from_dict, load
from ofsted_kg.derive.ranker import RELATIVE, Weighed, fit_ranker, probabilities, ranker_rows
from ofsted_kg.derive.similarity import BM25, overlap, tokens
from ofsted_kg.derive.status import sentences
from ofsted_kg.derive.themes import matcher
from ofsted_kg.derive.units import Item, VisitInfo, unit_of

AUTHORITY = URIRef("https://example.org/authority/x")
EARLIER = VisitInfo(URIRef("https://example.org/visit/2017"), AUTHORITY, "2017-06-19", False, "inspection")
LATER = VisitInfo(URIRef("https://example.org/visit/2019"), AUTHORITY, "2019-01-22", False, "inspection")
VISITS = {EARLIER.iri: EARLIER, LATER.iri: LATER}


def finding(n: int, text: str, section: str = "The experiences and progress of children in care") -> Item:
    said = sentences(text)
    return Item(URIRef(f"{LATER.iri}/finding/{n}"), LATER.iri, AUTHORITY, text, tokens(text), matcher().tag(text),
                "", section, head=tokens(" ".join(said[:2])), head_themes=set(matcher().tag(" ".join(said[:2]))),
                openers=[set(tokens(" ".join(s.split()[:6]))) for s in said], sentence_terms=[set(tokens(s)) for s in said])


REC_TEXT = "Improve the quality of care plans so that they are specific and reviewed on time."
REC = Item(URIRef("https://example.org/rec/1"), EARLIER.iri, AUTHORITY, REC_TEXT, tokens(REC_TEXT),
           matcher().tag(REC_TEXT), "", head=tokens("Improve the quality of care plans"),
           head_themes=set(matcher().tag("Improve the quality of care plans")))
FINDINGS = [finding(2, "Care plans are now specific. Most plans are reviewed on time and children understand them."),
            finding(10, "Supervision of social workers is regular. Care plans are discussed in supervision."),
            finding(3, "Care leavers live in suitable accommodation and their pathway plans are reviewed.")]


def _unit():
    return unit_of(VISITS, [REC], FINDINGS)


def _rows():
    unit = _unit()
    from ofsted_kg.derive.followup import evidence_parts

    parts = [evidence_parts(REC, f, unit.bm25, unit.index[f.iri]) for f in FINDINGS]
    return ranker_rows(REC, FINDINGS, unit, parts)


def test_position_follows_the_ordinal_as_a_number_not_as_text():
    position = _unit().position
    assert position[FINDINGS[0].iri] == 0.0 and position[FINDINGS[2].iri] == 0.5 and position[FINDINGS[1].iri] == 1.0


def test_weighed_share_is_the_idf_overlap_in_sorted_order():
    bm25 = BM25([f.terms for f in FINDINGS])
    weighed = Weighed(REC.terms, bm25.idf)
    assert [t for t, _ in weighed.weights] == sorted(set(REC.terms))
    for f in FINDINGS:
        assert abs(weighed.share(set(f.terms)) - overlap(REC.terms, f.terms, bm25.idf)) < 1e-12
    assert Weighed([], bm25.idf).share({"plan"}) == 0.0


def test_relative_columns_are_the_gap_to_the_best_finding_of_the_visit():
    rows = _rows()
    width = len(rows[0]) - len(RELATIVE)
    for k, column in enumerate(sorted(RELATIVE)):
        best = max(row[column] for row in rows)
        assert [row[width + k] for row in rows] == [row[column] - best for row in rows]
        assert max(row[width + k] for row in rows) == 0.0
    # the finding that says what the item asks for (specific, reviewed on time) covers more of its words,
    # in the finding and in its best sentence, than one that mentions care plans in passing
    assert rows[0][6] > rows[1][6] and rows[0][13] > rows[1][13]


def test_fitted_ranker_puts_the_quoted_finding_first_and_needs_a_positive():
    rows = _rows()
    groups = [(rows, [True, False, False])] * 3 + [(rows[1:], [False, False])]
    model = fit_ranker(groups)
    scores = probabilities(model, rows)
    assert scores[0] > scores[1] and scores[0] > scores[2]
    assert fit_ranker([(rows, [False, False, False])]) is None


def test_with_a_ranker_the_hand_weights_no_longer_rank():
    rows = _rows()
    model = fit_ranker([(rows, [False, True, False])] * 3)  # learns to prefer the finding on supervision
    unit = _unit()
    hand = ranked(REC, FINDINGS, unit, Parameters())
    fitted = ranked(REC, FINDINGS, unit, Parameters(evidence_ranker=model))
    reweighed = ranked(REC, FINDINGS, unit, Parameters(evidence_ranker=model, lexical=0.0, thematic=5.0, head=0.0))
    assert hand[0][0] is FINDINGS[0]
    assert fitted[0][0] is FINDINGS[1] and fitted == reweighed
    assert FINDINGS[2] not in [f for f, _ in fitted]  # care leavers shares no theme with care plans: still filtered
    assert [s for _, s in fitted] == sorted((s for _, s in fitted), reverse=True) and all(0 < s < 1 for _, s in fitted)


def test_the_ranker_survives_the_parameters_file_and_ships_fitted():
    params = Parameters(evidence_ranker=fit_ranker([(_rows(), [True, False, False])]))
    assert from_dict(params.as_dict()) == params
    shipped = load().evidence_ranker
    assert shipped is not None and len(shipped.mean) == len(_rows()[0])
