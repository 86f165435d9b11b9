"""Paths the tests use: the repository's samples and the real corpus beside the repository."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS_PDF = SHARED / "corpus" / "pdf"
GOLD = SHARED / "gold"
SAMPLES = ROOT / "samples"


def missing_tool(message: str) -> None:
    """Skip a test whose tool (browser, server, LibreOffice) is missing, or fail it when
    OFSTED_KG_REQUIRE_TOOLS=1, as in CI, where every tool must be installed."""
    import os

    if os.environ.get("OFSTED_KG_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def needs_corpus() -> None:
    if not CORPUS_PDF.is_dir():
        pytest.skip("../shared/corpus/pdf is not beside the repository")
