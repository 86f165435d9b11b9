"""Inspector names without their titles, as SIF-era team lists print them (found by `ofsted-kg evaluate`
on the development gold: 'Cathy Blair AI' in Nottinghamshire's 2017 inspection report)."""
from __future__ import annotations

import pytest

from ofsted_kg.extract.meta import _names


@pytest.mark.parametrize("text, names", [
    ("Linda Steele HMI, Cathy Blair AI, Fiona Parker AI", ["Linda Steele", "Cathy Blair", "Fiona Parker"]),
    ("Fiona Parker Associate Inspector; Judith Nelson Additional Inspector", ["Fiona Parker", "Judith Nelson"]),
    ("Lisa Summers, His Majesty's Inspector", ["Lisa Summers"]),
    ("Ai Lin HMI", ["Ai Lin"]),  # 'AI' is a title only in capitals
])
def test_titles_are_not_part_of_a_name(text, names):
    assert _names(text) == names
