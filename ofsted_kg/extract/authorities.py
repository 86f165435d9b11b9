"""Link authorities: a name as printed -> the authority's codes.

Reports name authorities many ways ('Stockport Metropolitan Borough Council',
'London Borough of Ealing', "Kent's", 'City of London Corporation', 'Bradford
Children and Families Trust', 'Newcastle' for Newcastle upon Tyne).  Rather
than list each form seen so far, names are resolved by rule against the bundled
lookup's own name columns (ONS name, lower- and upper-tier names,
``also_known_as``): both sides are folded to their distinctive words, and short
forms that drop a trailing 'upon Tyne' / 'of Yorkshire' are derived from those
names when they are unambiguous.  ``authority_aliases.csv`` holds only what no
rule can know (names of authorities since merged, abbreviations).  A name that
matches nothing is returned unresolved, never guessed.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ofsted_kg.text import LETTERS, folded, words

# Words that say what kind of body a name is, not which one.
DESIGNATORS = r"the|council|corporation|local|authority|children.?s|services|safeguarding|board|partnership|lscb|" \
              r"trust|families|family|first|mbc|cc"
GENERIC_WORDS = rf"\b(?:{DESIGNATORS}|metropolitan|borough|county|city|london|royal|of|district|unitary|and)\b"
SHORT_FORM = re.compile(r"^(?P<short>.+?)(?:[\s-]+(?:upon|on)[\s-]+\w+|\s+of\s+[A-Z]\w+)$")


@dataclass(frozen=True)
class Authority:
    """One row of the bundled lookup table."""

    gss: str
    name: str
    urn: str
    dfe_code: str
    region: str
    la_type: str
    neighbours: tuple[str, ...]


def _letters(name: str) -> str:
    """Lower case, possessives and punctuation gone: "Kent's" -> 'kent', 'Stoke-on-Trent' -> 'stoke on trent'."""
    text = folded(name).replace("&", " and ").replace("st.", "st").replace("saint ", "st ")
    return " ".join(words(re.sub(r"'s\b", "", text), LETTERS))


def fold(name: str) -> str:
    """The distinctive words of an authority name: 'London Borough of Ealing' -> 'ealing'.

    A name made only of generic words ('City of London') keeps everything but its designators, so it
    is still told apart from the empty name.
    """
    letters = _letters(name)
    core = " ".join(re.sub(GENERIC_WORDS, " ", letters).split())
    return core or " ".join(re.sub(rf"\b(?:{DESIGNATORS})\b", " ", letters).split())


def lookup_rows() -> list[dict[str, str]]:
    path = resources.files("ofsted_kg") / "data" / "provider_lookup.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def table() -> dict[str, Authority]:
    """All authorities in the bundled lookup, by GSS code."""
    out = {}
    for row in lookup_rows():
        neighbours = tuple(c.strip() for c in row["stat_neighbours_la_code"].split(",") if c.strip())
        out[row["la_code_new"]] = Authority(row["la_code_new"], row["local_authority_ons_name"], row["urn"],
                                            row["la_code"], row["region_name"], row["ons_la_type"], neighbours)
    return out


def _table_names(row: dict[str, str]) -> list[str]:
    """Every name the lookup gives one authority, 'X, City of' also read as 'City of X'."""
    names = [row["local_authority_ons_name"], row["ltla23nm"], row["utla23nm"]]
    names += row["also_known_as"].strip("[]").split(",")
    names += [f"{m.group(2)} {m.group(1)}" for n in names if (m := re.match(r"^(.+?),\s*(.+)$", n.strip()))]
    return [n.strip() for n in names if n.strip()]


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Folded name -> GSS code: the table's names, their unambiguous short forms, then the alias file."""
    index: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for row in lookup_rows():
        for name in _table_names(row):
            index.setdefault(fold(name), row["la_code_new"])
            match = SHORT_FORM.match(name)
            if match:
                short.setdefault(fold(match.group("short")), set()).add(row["la_code_new"])
    for key, codes in short.items():
        if len(codes) == 1 and key not in index:  # 'kingston' could be Hull or Thames: left out
            index[key] = next(iter(codes))
    aliases = resources.files("ofsted_kg") / "data" / "authority_aliases.csv"
    with aliases.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            index[fold(row["alias"])] = row["gss"]
    index.pop("", None)
    return index


@lru_cache(maxsize=4096)
def resolve(name: str | None) -> Authority | None:
    """The authority a printed name means, or None when no table name fits it."""
    if not name:
        return None
    key = fold(name)
    index = _index()
    if key in index:
        return table()[index[key]]
    # 'stockport family' or 'ealing hounslow' style leftovers: the longest table name inside the words
    padded = f" {key} "
    hits = [k for k in index if f" {k} " in padded]
    if not hits:
        return None
    return table()[index[max(hits, key=len)]]


def by_gss(code: str) -> Authority | None:
    return table().get(code)


def lookup(value: str) -> Authority | None:
    """An authority named by a user: any printed name form, its GSS code, DfE code or Ofsted URN."""
    value = value.strip()
    for authority in table().values():
        if value.upper() in {authority.gss, authority.urn, authority.dfe_code}:
            return authority
    return resolve(value)
