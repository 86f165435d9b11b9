"""Shared fixtures: where the real corpus is, and graphs built once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS_PDF = SHARED / "corpus" / "pdf"
SAMPLES = ROOT / "samples"


def needs_corpus() -> None:
    if not CORPUS_PDF.is_dir():
        pytest.skip("../shared/corpus/pdf is not beside the repository")


@pytest.fixture(scope="session")
def seed_build():
    from ofsted_kg.build import build

    return build([SAMPLES], jobs=1)


@pytest.fixture(scope="session")
def corpus_build():
    needs_corpus()
    from ofsted_kg.build import build

    return build([CORPUS_PDF], jobs=2)
