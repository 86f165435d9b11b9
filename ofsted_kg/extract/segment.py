"""Segment: canonical text -> blocks with exact offsets and a shape.

A block is one paragraph of the canonical text.  Its shape (heading, bullet,
numbered paragraph or body text) is read from the words alone, so it does not
matter whether the text came from a PDF or a converter.  Offsets always point
at the block's words without the bullet or paragraph number, so that
``text[start:end] == block.text`` holds for every block.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ofsted_kg.extract.clean import BULLET
from ofsted_kg.extract.dates import MONTH_RE

NUMBER_PREFIX = re.compile(r"^\(?(\d{1,3}(?:\.\d{1,2})?)[.)]?\s*(?=\S)")
HEADING_MAX_WORDS = 22


@dataclass(frozen=True)
class Block:
    """One paragraph: ``text == canonical[start:end]``; ``number`` is a printed paragraph number."""

    index: int
    start: int
    end: int
    text: str
    shape: str  # heading | bullet | numbered | body
    number: str | None = None

    @property
    def words(self) -> int:
        return len(self.text.split())


def segment(canonical: str) -> list[Block]:
    """Split canonical text into blocks; block boundaries are the blank lines clean_text wrote."""
    blocks: list[Block] = []
    pos = 0
    for raw in canonical.split("\n\n"):
        start, end = pos, pos + len(raw)
        pos = end + 2
        if not raw.strip() or not raw.lstrip(BULLET + " ").strip():
            continue  # nothing but a bullet glyph: no text to quote
        blocks.append(_block(len(blocks), raw, start, end))
    return blocks


def _block(index: int, raw: str, start: int, end: int) -> Block:
    if raw.startswith(BULLET):
        skip = len(raw) - len(raw[len(BULLET):].lstrip())
        return Block(index, start + skip, end, raw[skip:], "bullet")
    number = NUMBER_PREFIX.match(raw)
    if number and _plausible_number(number.group(1), raw[number.end():]):
        return Block(index, start + number.end(), end, raw[number.end():], "numbered", number.group(1))
    shape = "heading" if is_heading(raw) else "body"
    return Block(index, start, end, raw, shape)


def _plausible_number(number: str, rest: str) -> bool:
    """'12. Children are...' is a numbered paragraph; '2001 children had...' or '16 and 17' is not."""
    if re.match(MONTH_RE + r"\b", rest, re.IGNORECASE):
        return False  # a date: '28 February 2024'
    return float(number) < 400 and (rest[:1].isupper() or rest[:1] in "‘'“\"(")


def is_heading(text: str) -> bool:
    """Short, unpunctuated lines are headings ('Main findings', 'What needs to improve?')."""
    words = text.split()
    if not words or len(words) > HEADING_MAX_WORDS or not (text[0].isupper() or text[0].isdigit()):
        return False
    if text.endswith(":"):
        return len(words) <= 14
    if text.endswith("?"):
        return True
    return not text.endswith((".", ",", ";", ")", "”", '"')) and not re.search(r"\.\s+[A-Z]", text)
