"""Stage 7, validate: SHACL over the graph, reported in words.

A thin wrapper over pyshacl with the bundled shapes.  The data graph is the
union of all named graphs, because several shapes check links that cross
reports (a follow-up and the recommendation it follows up).
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset, Graph, Namespace
from rdflib.namespace import RDF

from .resources import shapes_file
from .store import union_graph

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


def validate(data: Dataset | Graph, shapes: Graph | None = None) -> list[Violation]:
    """All SHACL results for ``data`` (empty list: the graph conforms)."""
    import pyshacl

    graph = union_graph(data) if isinstance(data, Dataset) else data
    shapes = shapes or load_shapes()
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none",
                                    abort_on_first=False, allow_warnings=True)
    return sorted(_violations(report, shapes), key=lambda v: (v.focus, v.path, v.message))


def _violations(report: Graph, shapes: Graph) -> list[Violation]:
    """Results in words, each named by its node shape (property shapes are blank nodes inside one)."""
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        source = report.value(result, SH.sourceShape)
        owner = shapes.value(predicate=SH.property, object=source) or shapes.value(predicate=SH.sparql, object=source)
        owner = owner or source
        out.append(Violation(
            focus=str(report.value(result, SH.focusNode)),
            path=_short(report.value(result, SH.resultPath)),
            shape=_short(owner),
            message=str(report.value(result, SH.resultMessage) or "constraint not met"),
            severity=_short(report.value(result, SH.resultSeverity)),
        ))
    return out


def _short(node) -> str:
    if node is None:
        return ""
    text = str(node)
    return text.rsplit("#", 1)[-1] if "#" in text and not text.startswith("n") else text
