"""Re-make the README screenshots: the report for the sample graph, the same with the example reviews
(docs/reviews-example.ttl), and the national page for a whole-corpus store, shot in headless Chromium.

    make demo && .venv/bin/python docs/screenshots.py [oxigraph:STORE-OF-THE-CORPUS]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import screenshot  # noqa: E402

from ofsted_kg.cli.common import open_engine  # noqa: E402
from ofsted_kg.pipeline.build import build  # noqa: E402
from ofsted_kg.rdf.graph_files import save  # noqa: E402
from ofsted_kg.review.records import read_reviews  # noqa: E402
from ofsted_kg.views.html.site import render_site, views_of  # noqa: E402
from ofsted_kg.views.tables import read_tables  # noqa: E402


def site(graph: str, folder: Path):
    engine = open_engine(graph)
    tables = read_tables(engine)
    return render_site(tables, folder, views=views_of(engine, tables))


REVIEWS = ROOT / "docs" / "reviews-example.ttl"
REVIEWED_REC = "e08000007-inspection-2017-06-12-recommendation-7"
# Only the reviewed recommendation's matrix row and its evidence: a stylesheet beside the page (the pages' CSP
# takes styles from the site only) hides the rest.
ONLY_REVIEWED = f"""#timeline, #neighbours, #needs-review, #repeats, .pages-note, .filters {{ display: none; }}
table.matrix tbody tr:not([data-rec$="recommendation/7"]), article.rec:not(#{REVIEWED_REC}) {{ display: none; }}
"""


def reviewed_shot(target: Path) -> None:
    """Stockport with the example reviews: one status a reviewer says the quote does not speak to, one accepted."""
    graph = save(build([ROOT / "samples"], jobs=1, reviews=(read_reviews(REVIEWS), REVIEWS.name)).dataset,
                 ROOT / "build" / "reviewed.trig")
    folder = site(str(graph), ROOT / "build" / "reviewed-site").folder
    page, css = folder / "authority" / "shot.html", folder / "shot.css"
    css.write_text(ONLY_REVIEWED, encoding="utf-8")
    html = (folder / "authority" / "e08000007.html").read_text(encoding="utf-8")
    page.write_text(html.replace("</head>", '<link rel="stylesheet" href="../shot.css">\n</head>'), encoding="utf-8")
    try:
        screenshot(page, target, 1280, 1250)
    finally:
        page.unlink()
        css.unlink()


def main() -> None:
    sample = site(str(ROOT / "build" / "graph.trig"), ROOT / "build" / "site")
    screenshot(sample.folder / "index.html", ROOT / "docs" / "report-index.png", 1280, 560)
    screenshot(sample.folder / "authority" / "e08000007.html", ROOT / "docs" / "report-stockport.png", 1280, 1900)
    print("wrote docs/report-index.png and docs/report-stockport.png")
    reviewed_shot(ROOT / "docs" / "report-reviewed.png")
    print("wrote docs/report-reviewed.png")
    if len(sys.argv) > 1:  # the national page says little about three authorities: shoot the whole corpus's
        corpus = site(sys.argv[1], ROOT / "build" / "corpus-site")
        screenshot(corpus.folder / "national.html", ROOT / "docs" / "report-national.png", 1280, 1750)
        print("wrote docs/report-national.png")


if __name__ == "__main__":
    main()
