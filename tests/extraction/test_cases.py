"""Change detectors: each tricky report layout's graph against its snapshot (input.* -> snapshot.nq).

A snapshot is the extractor's own earlier output (``regen.py`` wrote it), so
these tests detect a change; they do not show that extraction is right.  A
failure means the graph of that case changed: if the change is intended, read
the difference and run ``python tests/extraction/regen.py CASE``.  Whether
extraction is right is checked against things written without running it:
``pdf_truth.csv`` (facts read by hand, ``test_pdf_truth.py``),
``sif_recommendations.csv`` (``test_sif_parts.py``), the gold (annotated by
readers who never ran the extractor; ``docs/accuracy.md``) and hand-written fixtures.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from regen import CASES, SNAPSHOT, case_dataset  # type: ignore[import-not-found]

CASE_DIRS = sorted(p for p in CASES.iterdir() if p.is_dir())


def _graph(data: Dataset) -> Graph:
    """The triples of every named graph of ``data`` in one graph (the graph names are compared on their own)."""
    from ofsted_kg.rdf.graph_files import union_graph

    return union_graph(data)


@pytest.mark.parametrize("case", CASE_DIRS, ids=[c.name for c in CASE_DIRS])
def test_change_detector_case_graph_unchanged_from_snapshot(case: Path):
    """The case's graph is isomorphic to its snapshot (a change detector: the snapshot is earlier output)."""
    got = case_dataset(case)
    snapshot = Dataset()
    snapshot.parse(case / SNAPSHOT, format="nquads")
    assert {g.identifier for g in got.graphs() if len(g)} == {g.identifier for g in snapshot.graphs() if len(g)}
    a, b = to_isomorphic(_graph(got)), to_isomorphic(_graph(snapshot))
    if not isomorphic(a, b):
        _, only_got, only_snapshot = graph_diff(a, b)
        lines = sorted(f"+ {t}" for t in only_got)[:10] + sorted(f"- {t}" for t in only_snapshot)[:10]
        pytest.fail(f"{case.name}: graph changed from {SNAPSHOT} (if intended, review it and run regen.py)\n"
                    + "\n".join(lines))
