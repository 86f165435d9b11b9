"""How text is folded before its words are compared: the steps every normaliser of the package shares.

Four places compare words: linking (:func:`ofsted_kg.derive.similarity.tokens`),
theme tagging (:func:`ofsted_kg.derive.themes.normalise`), authority names
(:func:`ofsted_kg.extract.authorities.fold`) and quote matching
(:func:`ofsted_kg.text.quote_key`).  Each folds case and typeset apostrophes,
and splits words, the same way, here; what each does beyond that (stemming and
stop words, possessives, designator words) is its own.  The base layer, so
every stage may use it.
"""
from __future__ import annotations

import re

APOSTROPHE = str.maketrans({"’": "'"})  # the typeset apostrophe (a right single quote) made straight
QUOTES_AND_DASHES = str.maketrans({"’": "'", "‘": "'", "–": "-"})  # also opening quotes; en dashes as hyphens
# Marks that join what they stand between: hyphens, the soft hyphen, and U+FFFE, which some PDFs' text
# layers put where a word was broken across a line.
JOINERS = re.compile(r"[-\u00ad\ufffe\u2010\u2011]")
ALNUM = re.compile(r"[a-z0-9]+")
LETTERS = re.compile(r"[a-z]+")


def folded(text: str, *, quotes_and_dashes: bool = False) -> str:
    """Lower case with typeset apostrophes straight ("Kent’s" -> "kent's"), so that an apostrophe means one
    character whatever the report's typesetting; with ``quotes_and_dashes``, opening quotes and en dashes too."""
    return text.lower().translate(QUOTES_AND_DASHES if quotes_and_dashes else APOSTROPHE)


def joined(text: str) -> str:
    """``text`` without hyphens, soft hyphens and U+FFFE: 'decision-making', 'decision­making' (a soft hyphen)
    and 'decisionmaking' are one word, however the PDF broke or printed it."""
    return JOINERS.sub("", text)


def words(text: str, pattern: re.Pattern = ALNUM) -> list[str]:
    """The runs of ``pattern`` in ``text``, in order: the words, every other character a separator."""
    return pattern.findall(text)


def quote_key(text: object) -> str:
    """A quotation folded for matching as a substring: lower case, hyphens joined, and every run of other
    punctuation or white space one space, so a quote copied from a PDF viewer finds the graph's text."""
    return " ".join(words(joined(folded(str(text)))))
