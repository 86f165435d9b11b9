"""Re-make the README screenshots: the report for the sample graph, and the national page for a whole-corpus
store, shot in headless Chromium.

    make demo && .venv/bin/python docs/screenshots.py [oxigraph:STORE-OF-THE-CORPUS]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import screenshot  # noqa: E402
from ofsted_kg.cli.common import open_engine  # noqa: E402
from ofsted_kg.report import render_site, views_of  # noqa: E402
from ofsted_kg.tables import read_tables  # noqa: E402


def site(graph: str, folder: Path):
    engine = open_engine(graph)
    tables = read_tables(engine)
    return render_site(tables, folder, views=views_of(engine, tables))


def main() -> None:
    sample = site(str(ROOT / "build" / "graph.trig"), ROOT / "build" / "site")
    screenshot(sample.folder / "index.html", ROOT / "docs" / "report-index.png", 1280, 560)
    screenshot(sample.folder / "authority" / "e08000007.html", ROOT / "docs" / "report-stockport.png", 1280, 1900)
    print("wrote docs/report-index.png and docs/report-stockport.png")
    if len(sys.argv) > 1:  # the national page says little about three authorities: shoot the whole corpus's
        corpus = site(sys.argv[1], ROOT / "build" / "corpus-site")
        screenshot(corpus.folder / "national.html", ROOT / "docs" / "report-national.png", 1280, 1750)
        print("wrote docs/report-national.png")


if __name__ == "__main__":
    main()
