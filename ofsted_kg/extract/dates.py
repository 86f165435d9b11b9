"""Dates as Ofsted writes them: single days, ranges, month-only references.

One small grammar covers every form in the corpus instead of one regex per
form: a run of day/month/year pieces joined by 'to', 'and', '-' or '–', where
a piece borrows its missing month and year from the pieces after it
('12 June to 6 July 2017', '24 and 25 January 2024', '1/06/2015 – 25/06/2015',
'30 September to 11 October 2024 and 13 to 16 January 2025').
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTH_RE = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_PIECE = (rf"(?:\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"
          rf"|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+(?:of\s+)?{MONTH_RE}\.?)?(?:\s*,?\s*\d{{4}})?"
          rf"|{MONTH_RE}\s+\d{{4}})")
_JOIN = r"\s*(?:\bto\b|\band\b|\buntil\b|-|–|—|─|−|&)\s*"
RANGE_RE = re.compile(rf"(?<![\d/])({_PIECE}(?:{_JOIN}{_PIECE})*)(?![\d/])", re.IGNORECASE)
MONTH_YEAR_RE = re.compile(rf"\b({MONTH_RE})\s+(\d{{4}})\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date
    begin: int  # offsets of the matched text in the string searched
    stop: int


def parse_range(text: str, pos: int = 0, endpos: int | None = None, before: dt.date | None = None) -> DateRange | None:
    """First complete date or date range in ``text[pos:endpos]`` (both ends need day, month and year).

    ``before``: a date the range cannot follow (a letter's own date), which gives a range written without
    its year ('on 30 and 31 January') the latest year that keeps it before that date."""
    for match in RANGE_RE.finditer(text, pos, len(text) if endpos is None else endpos):
        days = _resolve(re.split(_JOIN, match.group(1), flags=re.IGNORECASE), before)
        if days:
            return DateRange(min(days), max(days), match.start(1), match.end(1))
    return None


def month_year(text: str) -> tuple[int, int] | None:
    """(year, month) of the first 'March 2019' in text."""
    match = MONTH_YEAR_RE.search(text)
    if not match:
        return None
    return int(match.group(2)), month_number(match.group(1))


def month_number(name: str) -> int:
    """1-12 for a month name or its abbreviation ('Sept' included)."""
    return MONTHS[name.casefold().replace("ſ", "s").rstrip(".")[:3]]  # casefold: 'ſeptember' matches MONTH_RE too


def _resolve(pieces: list[str], before: dt.date | None = None) -> list[dt.date]:
    """Fill each piece's missing month/year from later pieces; drop the run if any piece stays partial."""
    parsed = [_piece(p) for p in pieces]
    if not parsed or any(p is None for p in parsed):
        return []
    month = year = None
    last_day, last_month, last_year = parsed[-1]  # type: ignore[misc]
    if before and last_year is None and last_month and last_day:
        year = before.year if (last_month, last_day) <= (before.month, before.day) else before.year - 1
    out: list[dt.date] = []
    for day, mon, yr in reversed(parsed):  # type: ignore[misc]
        month = mon or month
        year = yr or year
        if day is None or month is None or year is None:
            return []
        try:
            out.append(dt.date(year, month, day))
        except ValueError:
            return []
    out.reverse()
    if any(b < a for a, b in zip(out, out[1:])):
        return []
    return out


def _piece(text: str) -> tuple[int | None, int | None, int | None] | None:
    text = text.strip().rstrip(".,")
    numeric = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2,4})", text)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        return day, month, year + 2000 if year < 100 else year
    match = re.fullmatch(rf"(\d{{1,2}})?(?:st|nd|rd|th)?\s*(?:(?:of\s+)?({MONTH_RE})\.?)?\s*,?\s*(\d{{4}})?", text,
                         re.IGNORECASE)
    if not match or not any(match.groups()):
        return None
    day, mon, year = match.groups()
    month = month_number(mon) if mon else None
    return (int(day) if day else None), month, (int(year) if year else None)
