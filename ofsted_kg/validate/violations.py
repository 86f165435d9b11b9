"""What both validation engines share: the SHACL namespace, the bundled shapes, and a violation in words."""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Namespace

from ofsted_kg.resources import shapes_file

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    shape: str
    message: str
    severity: str

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"{self.severity}: {self.focus}{where}: {self.message} [{self.shape}]"


def load_shapes() -> Graph:
    return Graph().parse(shapes_file(), format="turtle")


def short(node) -> str:
    """A shape, path or severity by its local name ('minCount'), blank nodes as they are."""
    if node is None:
        return ""
    text = str(node)
    return text.rsplit("#", 1)[-1] if "#" in text and not text.startswith("n") else text
