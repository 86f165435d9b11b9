"""Golden graphs, one folder per tricky report layout (input.* -> expected.nq), Morph-KGC style.

A difference means extraction changed: if the change is intended, review it and
run ``python tests/extraction/regen.py CASE``.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from regen import CASES, case_dataset  # type: ignore[import-not-found]

CASE_DIRS = sorted(p for p in CASES.iterdir() if p.is_dir())


def _graph(data: Dataset):
    from ofsted_kg.rdf.graph_files import union_graph

    return union_graph(data)


@pytest.mark.parametrize("case", CASE_DIRS, ids=[c.name for c in CASE_DIRS])
def test_case_matches_golden_graph(case: Path):
    got = case_dataset(case)
    expected = Dataset()
    expected.parse(case / "expected.nq", format="nquads")
    assert {g.identifier for g in got.graphs() if len(g)} == {g.identifier for g in expected.graphs() if len(g)}
    a, b = to_isomorphic(_graph(got)), to_isomorphic(_graph(expected))
    if not isomorphic(a, b):
        _, only_got, only_expected = graph_diff(a, b)
        lines = sorted(f"+ {t}" for t in only_got)[:10] + sorted(f"- {t}" for t in only_expected)[:10]
        pytest.fail(f"{case.name}: graph differs from expected.nq\n" + "\n".join(lines))
