"""Page citations where people read them: the HTML site (in headless Chromium) and ``explain``, on real PDFs."""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from browser import open_page, require_chromium
from click.testing import CliRunner
from okg_paths import CORPUS_PDF, needs_corpus
from rdflib.namespace import RDF

from ofsted_kg.cli.main import cli
from ofsted_kg.rdf.graph_files import load
from ofsted_kg.rdf.pages import page_number
from ofsted_kg.rdf.vocab import OA, OKG

COVENTRY = "80456_coventry"  # seven PDFs, 2014-2026: recommendations followed up by later visits
EVIDENCE = re.compile(r'<figure class="evidence"><blockquote>(.*?)</blockquote>\s*<figcaption>(.*?)</figcaption>', re.S)
PAGE_LINK = re.compile(r'<a class="page" href="([^"]+)"[^>]*>(p\. \d+|pp\. \d+–\d+)</a>')


@pytest.fixture(scope="module")
def coventry(tmp_path_factory) -> Path:
    needs_corpus()
    from ofsted_kg.pipeline.build import build
    from ofsted_kg.rdf.graph_files import save

    return save(build([CORPUS_PDF / COVENTRY], jobs=1).dataset, tmp_path_factory.mktemp("pages") / "coventry.trig")


@pytest.fixture(scope="module")
def site(coventry, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pages-site") / "site"
    result = CliRunner().invoke(cli, ["report", str(coventry), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def graph_pages(data, text: str, kind) -> tuple[list[int], str]:
    """The pages and source file the graph gives the statement of ``kind`` whose words are ``text``."""
    node = next(n for n in data.subjects(OKG.text, None) if str(data.value(n, OKG.text)) == text
                and (n, RDF.type, kind) in data)
    target = data.value(node, OKG.textTarget)
    pages = sorted(page_number(data.value(s, RDF.value)) for s in data.objects(target, OA.hasSelector)
                   if (s, RDF.type, OA.FragmentSelector) in data)
    return pages, min(str(f) for f in data.objects(data.value(target, OA.hasSource), OKG.sourceFile))


def words_on_page(pdf: Path, page: int) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return re.sub(r"[^a-z0-9]+", "", doc[page - 1].get_textpage().get_text_range().lower())
    finally:
        doc.close()


def test_evidence_in_chromium_cites_the_page_and_links_the_pdf_at_it(site, coventry):
    require_chromium()
    page = site / "authority" / "e08000026.html"
    opened = open_page(page)
    assert opened.page_requests == []  # page links are links: nothing is fetched
    data = load(coventry)
    found = EVIDENCE.findall(opened.dom)
    assert len(found) >= 20
    for quote, caption in found:
        link = PAGE_LINK.search(caption)
        assert link, caption  # every quote here comes from a PDF
        href, shown = html.unescape(link.group(1)), link.group(2)
        pages, file = graph_pages(data, html.unescape(quote).strip(), OKG.Finding)
        assert shown == (f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}–{pages[-1]}")
        assert href == f"../{file}#page={pages[0]}".replace(" ", "%20").replace("'", "%27")
    assert "This site holds no copy of the PDFs" in opened.dom


def test_page_links_open_the_pdf_at_the_page_the_words_are_on_once_the_pdfs_sit_beside_index(site, tmp_path):
    """The site has no copy of the PDFs; put them beside index.html and every page link resolves to the right page."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    html_text = (copy / "authority" / "e08000026.html").read_text(encoding="utf-8")
    hrefs = sorted(set(re.findall(r'class="page" href="([^"]+)"', html_text)))
    target, _, _ = unquote(hrefs[0]).partition("#")
    assert not (copy / "authority" / target).resolve().exists()  # as rendered: the PDFs are not in the site
    for pdf in (CORPUS_PDF / COVENTRY).glob("*.pdf"):
        shutil.copy(pdf, copy / pdf.name)
    checked = 0
    for quote, caption in EVIDENCE.findall(html_text)[:12]:
        file, _, fragment = unquote(html.unescape(PAGE_LINK.search(caption).group(1))).partition("#")
        pdf = (copy / "authority" / file).resolve()
        assert pdf.exists() and pdf.parent == copy
        words = re.sub(r"[^a-z0-9]+", "", " ".join(html.unescape(quote).split()[:8]).lower())
        assert words in words_on_page(pdf, int(fragment.removeprefix("page="))), (file, fragment, quote[:60])
        checked += 1
    assert checked == 12


def test_recommendations_and_report_pages_cite_pages(site):
    authority = (site / "authority" / "e08000026.html").read_text(encoding="utf-8")
    src = re.search(r'<p class="src">.*?#priority-action-2">in the source report</a>(.*?)</p>', authority, re.S)
    assert src and PAGE_LINK.search(src.group(1)).groups() == (
        "../children%27s%20services%20inspection%20-%2021%20march%202014.pdf#page=6", "p. 6")
    report = next((site / "reports").glob("e08000026-inspection-2014-*.html")).read_text(encoding="utf-8")
    section = report.split('id="priority-action-2"', 1)[1].split("</section>", 1)[0]
    assert PAGE_LINK.search(section).group(2) == "p. 6"


def test_text_inputs_get_no_page_links(seed_graph_file, tmp_path):
    out = tmp_path / "site"
    assert CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out)]).exit_code == 0
    pages = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert 'class="page"' not in pages and "#page=" not in pages and "no copy of the PDF" not in pages


def test_explain_cites_pages_and_links_the_pdf(coventry):
    result = CliRunner().invoke(cli, ["explain", "tackle robustly the key weaknesses", "-g", str(coventry)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  printed on p. 6: children's services inspection - 21 march 2014.pdf#page=6" in lines
    # every quoted finding ends with its page and the line that opens the later report's PDF at it
    cited = re.findall(r"; p\. (\d+); chars \d+-\d+\]\n    > (children's services [a-z ]+ - [0-9a-z ]+\.pdf)#page=(\d+)",
                       result.output)
    assert cited and all(page == link_page for page, _, link_page in cited), result.output
    assert any("13 june 2017" in name for _, name, _ in cited)


def test_explain_of_text_inputs_shows_no_pages(seed_graph_file):
    result = CliRunner().invoke(cli, ["explain", "designated officer function", "-g", str(seed_graph_file)])
    assert result.exit_code == 0 and "chars " in result.output
    assert "printed on" not in result.output and "#page=" not in result.output and "; p. " not in result.output


def test_csv_tables_carry_page_columns(coventry, tmp_path):
    import csv

    assert CliRunner().invoke(cli, ["export", str(coventry), "--csv", str(tmp_path)]).exit_code == 0
    with (tmp_path / "recommendations.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["text"].startswith("Senior leaders and managers need to tackle robustly"))
    assert (row["page"], row["lastPage"], row["sourceFile"]) == ("6", "6", "children's services inspection - 21 march 2014.pdf")
    assert all(r["page"].isdigit() and int(r["lastPage"]) >= int(r["page"]) for r in rows)
