"""Validate: SHACL over the graph, reported in words.

A thin wrapper over pyshacl with the bundled shapes.  The data graph is the
union of all named graphs, because several shapes check links that cross
reports (a follow-up and the recommendation it follows up).
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

from rdflib import Dataset, Graph
from rdflib.namespace import RDF

from ofsted_kg.rdf.graph_files import union_graph
from ofsted_kg.rdf.vocab import ID, derived_names, key_of_graph
from ofsted_kg.resources import data_dir
from ofsted_kg.validate.sparql_engine import validate_sparql
from ofsted_kg.validate.violations import SH, Violation, load_shapes, short


def validate(data: Dataset | Graph, shapes: Graph | None = None) -> list[Violation]:
    """All SHACL results for ``data`` (empty list: the graph conforms)."""
    import pyshacl

    graph = union_graph(data) if isinstance(data, Dataset) else data  # a Graph, or a pyoxigraph Store as is
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
            path=short(report.value(result, SH.resultPath)),
            shape=short(owner),
            message=str(report.value(result, SH.resultMessage) or "constraint not met"),
            severity=short(report.value(result, SH.resultSeverity)),
        ))
    return out


def check_store(store) -> list[Violation]:
    """Rules across reports, as SPARQL over the whole store (cheap at any size): ``queries/checks/*.rq``."""
    out = []
    for path in sorted((data_dir("queries") / "checks").glob("*.rq")):
        for row in store.select(path.read_text(encoding="utf-8"))[1]:
            out.append(Violation(str(row["focus"]), "", path.stem, str(row["message"]), "Violation"))
    return out


def units(store, keys: list[str] | None = None) -> dict[str, list[str]]:
    """The named graphs of each authority: its reports plus its links and follow-through graphs.

    Every shape's focus nodes and the nodes they point at lie within one
    authority, so validating each unit alone finds what validating the
    whole union would, and lets units run in parallel and only when changed."""

    found: dict[str, list[str]] = {}
    for name in store.graph_names():
        key = key_of_graph(name) or ("" if not name.startswith(f"{ID}graph/") else None)
        if key is not None and (keys is None or key in keys):
            found.setdefault(key, []).append(name)  # key "": data outside any authority's reports
    for key, names in found.items():
        names.extend(n for n in derived_names(key) if key and n not in names)
    return found


def validate_store(store, keys: list[str] | None = None, jobs: int = 1, engine: str = "sparql") -> list[Violation]:
    """SHACL plus the cross-report SPARQL checks, by one of two engines.

    ``sparql`` (the default): the shapes compiled to SPARQL and run inside the
    store over everything (seconds for the whole corpus).  ``pyshacl``: the
    reference implementation, one authority unit at a time in ``jobs``
    processes, only the units in ``keys`` when given."""
    if engine == "sparql":
        violations = validate_sparql(store, jobs=jobs) + check_store(store)
        return sorted(set(violations), key=lambda v: (v.focus, v.path, v.shape, v.message))
    payloads = []
    for key, names in sorted(units(store, keys).items()):
        payloads.append(union_graph(store.fetch(names)).serialize(format="nt"))
    if jobs > 1 and len(payloads) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_validate_payload, payloads))
    else:
        results = [_validate_payload(p) for p in payloads]
    violations = [v for result in results for v in result] + check_store(store)
    return sorted(set(violations), key=lambda v: (v.focus, v.path, v.shape, v.message))


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    return load_shapes()


def _validate_payload(ntriples: str) -> list[Violation]:
    return validate(Graph().parse(data=ntriples, format="nt"), _shapes())
