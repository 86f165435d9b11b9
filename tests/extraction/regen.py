"""Rewrite the snapshot (snapshot.nq) of extraction cases from the extractor's current output.

    python tests/extraction/regen.py [CASE ...]

A snapshot is the tool's own output, saved: ``test_cases.py`` detects any
change from it, it does not show the output is right.  Run this only after a
change you meant, and read the diff of every snapshot.nq before committing it:
what the diff shows is what the change did to each case.  Correctness is
checked against things written without the extractor: the hand-read
``pdf_truth.csv`` and ``sif_recommendations.csv`` here, the gold (annotated
by readers who never ran the extractor), and the hand-written fixtures in
``tests/fixtures`` and ``shapes/fixtures``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Dataset

from ofsted_kg.extract.extractor import extract
from ofsted_kg.extract.read import read_source
from ofsted_kg.rdf.graph_files import canonical_nquads, new_dataset
from ofsted_kg.rdf.mapping import to_graph

CASES = Path(__file__).resolve().parent / "cases"
SNAPSHOT = "snapshot.nq"


def case_dataset(case: Path) -> Dataset:
    """The case's input read, extracted and mapped, in a dataset under its report graph's name."""
    source = next(case.glob("input.*"))
    graph = to_graph(extract(read_source(source)))
    data = new_dataset()
    target = data.graph(graph.identifier)
    for triple in graph:
        target.add(triple)
    return data


def main(names: list[str]) -> None:
    """Rewrite the snapshot of each named case (every case when none is named)."""
    for case in sorted(CASES.iterdir()):
        if case.is_dir() and (not names or case.name in names):
            (case / SNAPSHOT).write_text(canonical_nquads(case_dataset(case)), encoding="utf-8")
            print("wrote snapshot", case / SNAPSHOT)


if __name__ == "__main__":
    main(sys.argv[1:])
