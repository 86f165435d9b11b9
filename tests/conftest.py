"""Shared fixtures: graphs built once per session."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from okg_paths import CORPUS_PDF, SAMPLES, needs_corpus  # noqa: E402


@pytest.fixture(scope="session")
def seed_build():
    from ofsted_kg.pipeline.build import build

    return build([SAMPLES], jobs=1)


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory):
    """The whole PDF corpus, built once per session into an on-disk Oxigraph store (``.store``), as users
    build it: rdflib in memory would hold gigabytes."""
    needs_corpus()
    from ofsted_kg.pipeline.build import build
    from ofsted_kg.stores import OxigraphStore

    with OxigraphStore(tmp_path_factory.mktemp("corpus") / "store", write=True) as store:
        yield build([CORPUS_PDF], jobs=2, store=store)


@pytest.fixture(scope="session")
def corpus_gold_graph(corpus_build):
    """The reports and derived graphs of the authorities the development gold covers, as an rdflib Dataset."""
    from okg_paths import GOLD, ROOT

    from ofsted_kg.evaluate.gold import read_csv
    from ofsted_kg.rdf.vocab import derived_names, key_of_graph

    folders = [GOLD / "dev-real", *(p for p in sorted((ROOT / "gold").iterdir()) if p.is_dir())]
    keys = {row["authority_gss"] for folder in folders for row in read_csv(folder / "visits.csv")}
    store = corpus_build.store
    names = [n for n in store.graph_names() if key_of_graph(n) in keys]
    return store.fetch(names + [d for k in sorted(keys) for d in derived_names(k)])


@pytest.fixture(scope="session")
def seed_graph_file(seed_build, tmp_path_factory) -> Path:
    """The seed graph written as TriG, for verbs that read a graph file."""
    from ofsted_kg.rdf.graph_files import save

    return save(seed_build.dataset, tmp_path_factory.mktemp("seed") / "graph.trig")
