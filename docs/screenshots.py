"""Re-make the README screenshots: the report for the sample graph, shot in headless Chromium.

    make demo && .venv/bin/python docs/screenshots.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import screenshot  # noqa: E402
from ofsted_kg.report import render_site  # noqa: E402
from ofsted_kg.sparql import open_file  # noqa: E402
from ofsted_kg.tables import read_tables  # noqa: E402


def main() -> None:
    site = render_site(read_tables(open_file(ROOT / "build" / "graph.trig")), ROOT / "build" / "site")
    screenshot(site.folder / "index.html", ROOT / "docs" / "report-index.png", 1280, 560)
    screenshot(site.folder / "authority" / "e08000007.html", ROOT / "docs" / "report-stockport.png", 1280, 1900)
    print("wrote docs/report-index.png and docs/report-stockport.png")


if __name__ == "__main__":
    main()
