"""Stage 5a, link authorities: a name as printed -> the authority's codes.

Reports name authorities many ways ('Stockport Metropolitan Borough Council',
'London Borough of Ealing', 'Bournemouth, Christchurch and Poole', 'Surrey
Safeguarding Children Board').  Names are folded to their distinctive words
and looked up in the bundled table; a name that matches nothing is returned
unresolved, never guessed.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

GENERIC_WORDS = (
    r"\b(the|council|metropolitan|borough|county|city|london|royal|of|district|unitary|authority|local|"
    r"children.?s|services|safeguarding|board|partnership|lscb|and|mbc|cc)\b")


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


def fold(name: str) -> str:
    """The distinctive words of an authority name, lower case: 'London Borough of Ealing' -> 'ealing'."""
    text = name.lower().replace("&", " and ").replace("’", "'").replace("st.", "st")
    text = re.sub(r"[^a-z' -]", " ", text).replace("-", " ")
    text = re.sub(GENERIC_WORDS, " ", text)
    return " ".join(text.replace("'", "").split())


@lru_cache(maxsize=1)
def table() -> dict[str, Authority]:
    """All authorities in the bundled lookup, by GSS code."""
    path = resources.files("ofsted_kg") / "data" / "provider_lookup.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for row in rows:
        neighbours = tuple(c.strip() for c in row["stat_neighbours_la_code"].split(",") if c.strip())
        out[row["la_code_new"]] = Authority(row["la_code_new"], row["local_authority_ons_name"], row["urn"],
                                            row["la_code"], row["region_name"], row["ons_la_type"], neighbours)
    return out


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Folded name -> GSS code, from the table's names, its aliases and ours."""
    index: dict[str, str] = {}
    path = resources.files("ofsted_kg") / "data" / "provider_lookup.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            names = [row["local_authority_ons_name"], row["ltla23nm"], row["utla23nm"]]
            names += [n for n in row["also_known_as"].strip("[]").split(",") if n.strip()]
            for name in names:
                if name.strip():
                    index.setdefault(fold(name), row["la_code_new"])
    aliases = resources.files("ofsted_kg") / "data" / "authority_aliases.csv"
    with aliases.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            index[fold(row["alias"])] = row["gss"]
    index.pop("", None)
    return index


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
    best = max(hits, key=len)
    return table()[index[best]]


def by_gss(code: str) -> Authority | None:
    return table().get(code)
