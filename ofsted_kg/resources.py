"""Where the data files that drive the code live: ontology, shapes, queries, themes.

In an installed wheel they sit inside the package (``ofsted_kg/ontology`` ...);
in a source checkout they are the top-level folders of the repository.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder ``name`` ('ontology', 'shapes' or 'queries'), installed copy first."""
    for candidate in (PACKAGE / name, PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"ofsted-kg data folder '{name}' is missing from the installation")


def shapes_file() -> Path:
    return data_dir("shapes") / "ofsted-kg-shapes.ttl"


def ontology_file() -> Path:
    return data_dir("ontology") / "ofsted-kg.ttl"


def themes_file() -> Path:
    return data_dir("ontology") / "themes.ttl"


def queries() -> dict[str, Path]:
    """Named SPARQL queries shipped with the tool, by file stem."""
    return {p.stem: p for p in sorted(data_dir("queries").glob("*.rq"))}
