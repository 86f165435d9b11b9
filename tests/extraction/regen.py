"""Regenerate expected.nq for extraction cases after a reviewed, intended change.

    python tests/extraction/regen.py [CASE ...]

Review the diff of every expected.nq before committing: these files are the
golden graphs the tests compare against.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ofsted_kg.extract.extractor import extract
from ofsted_kg.extract.read import read_source
from ofsted_kg.rdf.graph_files import canonical_nquads, new_dataset
from ofsted_kg.rdf.mapping import to_graph

CASES = Path(__file__).resolve().parent / "cases"


def case_dataset(case: Path):
    source = next(case.glob("input.*"))
    graph = to_graph(extract(read_source(source)))
    data = new_dataset()
    target = data.graph(graph.identifier)
    for triple in graph:
        target.add(triple)
    return data


def main(names: list[str]) -> None:
    for case in sorted(CASES.iterdir()):
        if case.is_dir() and (not names or case.name in names):
            (case / "expected.nq").write_text(canonical_nquads(case_dataset(case)), encoding="utf-8")
            print("wrote", case / "expected.nq")


if __name__ == "__main__":
    main(sys.argv[1:])
