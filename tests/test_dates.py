import datetime as dt

import pytest
from hypothesis import given, strategies as st

from ofsted_kg.extract.dates import month_year, parse_range

D = dt.date


@pytest.mark.parametrize("text, start, end", [
    ("Inspection dates: 12 June to 6 July 2017", D(2017, 6, 12), D(2017, 7, 6)),
    ("on 24 and 25 January 2024.", D(2024, 1, 24), D(2024, 1, 25)),
    ("4 to 15 February 2019", D(2019, 2, 4), D(2019, 2, 15)),
    ("Inspection date: 1/06/2015 – 25/06/2015", D(2015, 6, 1), D(2015, 6, 25)),
    ("27 January 2015 – 18 February 2015", D(2015, 1, 27), D(2015, 2, 18)),
    ("24 February – 18 March 2015", D(2015, 2, 24), D(2015, 3, 18)),
    ("between 20 and 22 October 2020", D(2020, 10, 20), D(2020, 10, 22)),
    ("20 June 2017 ─ 13 July 2017", D(2017, 6, 20), D(2017, 7, 13)),
    ("30 September to 11 October 2024 and 13 to 16 January 2025", D(2024, 9, 30), D(2025, 1, 16)),
    ("Report published: 25 August 2017", D(2017, 8, 25), D(2017, 8, 25)),
])
def test_every_corpus_date_form(text, start, end):
    found = parse_range(text)
    assert (found.start, found.end) == (start, end)
    assert text[found.begin:found.stop].strip()[0].isdigit()


@pytest.mark.parametrize("text", ["in April 2022, where", "no dates here", "31 February 2020", "12 to 3 May 2020"])
def test_incomplete_or_impossible_dates_are_not_ranges(text):
    assert parse_range(text) is None


def test_month_year_reads_references():
    assert month_year("judged inadequate in March 2019") == (2019, 3)
    assert month_year("in Sept 2019") == (2019, 9)


@given(st.text(alphabet=st.sampled_from(list("0123456789 /-–toandJanuaryFebMayjune2019,.")), max_size=60))
def test_parser_never_raises_and_offsets_hold(text):
    found = parse_range(text)
    if found is not None:
        assert found.start <= found.end
        assert 0 <= found.begin < found.stop <= len(text)
