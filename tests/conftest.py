"""Shared fixtures: graphs built once per session."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from okg_paths import CORPUS_PDF, SAMPLES, needs_corpus  # noqa: E402


@pytest.fixture(scope="session")
def seed_build():
    from ofsted_kg.build import build

    return build([SAMPLES], jobs=1)


@pytest.fixture(scope="session")
def corpus_build():
    needs_corpus()
    from ofsted_kg.build import build

    return build([CORPUS_PDF], jobs=2)


@pytest.fixture(scope="session")
def seed_graph_file(seed_build, tmp_path_factory) -> Path:
    """The seed graph written as TriG, for verbs that read a graph file."""
    from ofsted_kg.store import save

    return save(seed_build.dataset, tmp_path_factory.mktemp("seed") / "graph.trig")
