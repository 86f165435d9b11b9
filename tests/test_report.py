"""The HTML report: rendered by the CLI, opened in headless Chromium from file://, checked against the graph."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import open_page, read_matrix, require_chromium
from click.testing import CliRunner
from rdflib import Dataset

from ofsted_kg.cli.main import cli
from ofsted_kg.files import MANIFEST
from ofsted_kg.rdf.graph_files import load

SEED_AUTHORITIES = {"e08000007": "Stockport", "e06000021": "Stoke-on-Trent", "e08000009": "Trafford"}


@pytest.fixture(scope="module")
def site(seed_graph_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    result = CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 11 pages for 3 authorities" in result.output  # with national.html and review.html
    return out


def graph_cells(data: Dataset, authority: str) -> dict[tuple[str, str], str]:
    """(recommendation, later visit start date) -> status, read straight from the triples."""
    rows = data.query("""
        SELECT ?rec ?date ?status WHERE {
          ?fu okg:recommendation ?rec ; okg:assessedAt ?v ; okg:status ?s .
          ?v okg:startDate ?date ; okg:authority/rdfs:label ?name .
          BIND(STRAFTER(STR(?s), "#") AS ?status)
        }""", initBindings={"name": __import__("rdflib").Literal(authority)})
    return {(str(r.rec), str(r.date)): str(r.status) for r in rows}


@pytest.mark.parametrize("page,name", sorted(SEED_AUTHORITIES.items()))
def test_matrix_in_chromium_shows_the_graphs_statuses(site, seed_graph_file, page, name):
    require_chromium()
    opened = open_page(site / "authority" / f"{page}.html")
    matrix = read_matrix(opened.dom)
    expected = graph_cells(load(seed_graph_file), name)
    assert matrix.rows, "no matrix rows rendered"
    seen = {}
    for rec, cells in matrix.rows.items():
        for column, status in zip(matrix.columns, cells):
            if status not in ("none", "na"):
                seen[(rec, column.rsplit(" ", 1)[-1])] = status
    assert seen == expected
    assert all(c for c in matrix.current.values())
    assert 'class="filters" role="group"' in opened.dom and "hidden" not in opened.dom.split('class="filters"')[1][:80], \
        "report.js did not run (the filter buttons stay hidden without it)"
    assert opened.page_requests == []


def test_stockport_matrix_has_every_status_the_seed_gold_expects(site):
    """Stockport's 2017 recommendations were followed up by the 2024 focused visit and the 2025 inspection."""
    require_chromium()
    matrix = read_matrix(open_page(site / "authority" / "e08000007.html").dom)
    statuses = {s for cells in matrix.rows.values() for s in cells}
    assert {"Addressed", "PartiallyAddressed", "NotAddressed", "na", "none"} <= statuses
    assert [c.rsplit(" ", 1)[-1] for c in matrix.columns] == ["2017-06-12", "2024-01-24", "2025-05-12"]
    assert len(matrix.rows) == 24


def test_index_and_report_pages_make_no_network_request(site):
    require_chromium()
    for page in [site / "index.html", *sorted((site / "reports").glob("*.html"))]:
        opened = open_page(page)
        assert opened.page_requests == [], page
        assert "<table" in opened.dom or "<section" in opened.dom


def test_the_network_check_can_fail(tmp_path):
    """Control: a page that loads a remote image is caught."""
    require_chromium()
    page = tmp_path / "leak.html"
    page.write_text('<html><body><img src="https://example.invalid/x.png"></body></html>')
    assert open_page(page).page_requests == ["https://example.invalid/x.png"]


def test_links_point_at_files_and_anchors_that_exist(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"]+)"', html):
            assert not href.startswith(("http:", "https:", "//")), (page, href)
            target, _, fragment = href.partition("#")
            file = (page.parent / target).resolve() if target else page
            assert file.exists(), (page, href)
            if fragment:
                assert f'id="{fragment}"' in file.read_text(encoding="utf-8"), (page, href)


def test_evidence_quotes_link_to_their_paragraph(site, seed_graph_file):
    html = (site / "authority" / "e08000007.html").read_text(encoding="utf-8")
    evidence = re.findall(r'<figure class="evidence"><blockquote>(.*?)</blockquote>\s*<figcaption><a href="([^"]+)"',
                          html, re.S)
    assert len(evidence) >= 10
    for quote, href in evidence:
        target, fragment = href.split("#")
        report = (site / "authority" / target).resolve().read_text(encoding="utf-8")
        para = report.split(f'id="{fragment}"', 1)[1].split("</section>", 1)[0]
        assert quote.strip() in para


def test_authority_option_and_unknown_authority(seed_graph_file, tmp_path):
    out = tmp_path / "one"
    result = CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out), "--authority", "E06000021"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (out / "authority").iterdir()] == ["e06000021.html"]
    for other in ("stoke-on-trent", "Stoke on Trent City Council", "80564"):  # any case, a name form, the URN
        again = CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out), "--authority", other])
        assert again.exit_code == 0, again.output
        assert [p.name for p in (out / "authority").iterdir()] == ["e06000021.html"], other
    bad = CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(tmp_path / "x"), "--authority", "Atlantis"])
    assert bad.exit_code == 1 and "no authority 'Atlantis'" in bad.output
    assert not (tmp_path / "x").exists()


def test_report_text_is_escaped(tmp_path, seed_graph_file):
    """Markup inside report text is shown as text, never run."""
    text = seed_graph_file.read_text(encoding="utf-8")
    hostile = tmp_path / "hostile.trig"
    hostile.write_text(text.replace('okg:text "Ensure that', 'okg:text "<script>alert(1)</script> Ensure that', 1), encoding="utf-8")
    out = tmp_path / "site"
    assert CliRunner().invoke(cli, ["report", str(hostile), "-o", str(out)]).exit_code == 0
    pages = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "<script>alert(1)</script>" not in pages
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages


def test_rerender_replaces_the_site_and_a_missing_graph_is_a_clear_error(site, seed_graph_file, tmp_path):
    out = tmp_path / "site"
    assert CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out)]).exit_code == 0
    assert (out / "authority" / "e08000007.html").exists()
    again = CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out), "--authority", "E06000021"])
    assert again.exit_code == 0, again.output
    assert [p.name for p in (out / "authority").iterdir()] == ["e06000021.html"]  # the earlier site's pages went
    missing = CliRunner().invoke(cli, ["report", str(tmp_path / "nope.trig"), "-o", str(out)])
    assert missing.exit_code == 1 and "no such graph file" in missing.output
    assert (out / "index.html").exists()


def _one_clear_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1, result.output
    return result.output


def test_report_refuses_a_folder_holding_files_it_did_not_write(seed_graph_file, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    said = _one_clear_line(CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out)]))
    assert "not a site ofsted-kg wrote" in said and str(out) in said
    assert [p.name for p in out.iterdir()] == ["notes.txt"] and (out / "notes.txt").read_text() == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no staging folder left behind


def test_report_refuses_an_earlier_site_once_a_user_file_is_put_in_it(seed_graph_file, tmp_path):
    out = tmp_path / "site"
    assert CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out)]).exit_code == 0
    listed = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert {"index.html", "report.css", "authority/e08000007.html"} <= set(listed)
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - set(listed) == {MANIFEST}
    (out / "authority" / "notes.txt").write_text("mine")
    said = _one_clear_line(CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out)]))
    assert "did not write (authority/notes.txt)" in said
    assert (out / "authority" / "notes.txt").read_text() == "mine" and (out / "index.html").exists()


def test_report_into_an_empty_folder_and_the_current_folder(seed_graph_file, tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(empty)]).exit_code == 0
    assert (empty / "index.html").exists()
    monkeypatch.chdir(empty)  # now an earlier site, and the current folder: replacing it would strand the shell
    for here in (".", "..", str(empty)):
        said = _one_clear_line(CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", here]))
        assert "is the current folder" in said and "-o" in said
    assert (empty / "index.html").exists() and not (empty / "site").exists()


def test_a_render_that_fails_half_way_leaves_the_earlier_site_whole(seed_graph_file, tmp_path, monkeypatch):
    out = tmp_path / "site"
    assert CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out)]).exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def killed(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr("ofsted_kg.views.html.site.shutil.copyfile", killed)  # after the pages, before the static files
    result = CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out), "--authority", "Trafford"])
    assert result.exit_code != 0
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
