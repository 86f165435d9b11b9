"""The learned status lexicon: counted in closed form, read in plain Python, saved and loaded unchanged."""
from ofsted_kg.derive.lexicon import fit_lexicon, terms
from ofsted_kg.derive.parameters import Parameters, from_dict

CLASSES = ("not-addressed", "partially-addressed", "addressed")
QUOTES = [("Plans are not consistently updated", "not-addressed"), ("Plans are not consistently clear", "not-addressed"),
          ("Plans are well supported and timely", "addressed"), ("Visits are well supported", "addressed"),
          ("There is more work to do on plans", "partially-addressed"), ("More work to do on visits", "partially-addressed")]


def test_terms_keep_word_pairs_and_unfold_negation():
    assert {"not_always", "do_not", "plans"} <= terms("Plans don't always") | terms("plans do not always")


def test_lexicon_leans_the_way_its_quotes_do_and_is_the_same_every_time():
    lexicon = fit_lexicon(QUOTES, CLASSES)
    assert lexicon == fit_lexicon(list(QUOTES), CLASSES)
    weak, strong = lexicon.posterior("Reviews are not consistently held"), lexicon.posterior("Reviews are well supported")
    assert weak[0] > weak[2] and strong[2] > strong[0]
    assert lexicon.features([]) == [1 / 3, 1 / 3, 1 / 3, 0.0]


def test_lexicon_survives_the_parameters_file():
    params = Parameters(status_lexicon=fit_lexicon(QUOTES, CLASSES))
    assert from_dict(params.as_dict()) == params
