"""The site's national page and each authority's comparison with its neighbours, region and England: rendered by
the CLI from the seed graph, checked against the graph, the bundled lookup and the shipped queries, and opened in
headless Chromium from file:// (no network request)."""
from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
from browser import open_page, require_chromium
from click.testing import CliRunner

from ofsted_kg.cli.main import cli
from ofsted_kg.query.named import find_query, run
from ofsted_kg.resources import data_dir
from ofsted_kg.stores import OxigraphStore
from ofsted_kg.views.survival import estimates, subjects

LOOKUP = Path(__file__).resolve().parents[1] / "ofsted_kg" / "data" / "provider_lookup.csv"


@pytest.fixture(scope="module")
def site(seed_graph_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("national") / "site"
    result = CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def table(html: str, name: str) -> list[list[str]]:
    """The body rows of the table marked data-table=NAME, as text cells."""
    body = html.split(f'data-table="{name}"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_national_page_tables_are_the_estimates_and_queries(site, seed_graph_file):
    html = (site / "national.html").read_text(encoding="utf-8")
    engine = OxigraphStore.from_file(seed_graph_file)
    records = subjects(engine)
    expected = estimates(records, "all") + estimates(records, "framework")
    rows = table(html, "time-to-address")
    assert [(r[0], int(r[1]), int(r[2])) for r in rows] == [(e.group, e.recommendations, e.addressed) for e in expected]
    for row, e in zip(rows, expected):
        for cell, h in zip(row[3:], (12, 24, 36, 60)):
            assert cell == "–" if e.within[h] is None else cell.startswith(f"{100 * e.within[h]:.0f}%"), (cell, e)
    columns, runs = run(engine, find_query("persistent-runs"), {})
    assert [r[:2] for r in table(html, "persistent")] == [[str(v[0]), str(v[1])] for v in runs]
    assert 'href="national.html"' in (site / "index.html").read_text(encoding="utf-8")


def test_pictures_are_svg_files_beside_the_page_with_words_instead(site):
    html = (site / "national.html").read_text(encoding="utf-8")
    images = re.findall(r'<img class="chart" src="([^"]+)" alt="([^"]+)">', html)
    assert [src for src, _ in images] == ["national/time-to-address.svg", "national/themes-over-time.svg"]
    for src, alt in images:
        root = ET.parse(site / src).getroot()
        assert root.tag.endswith("svg") and len(alt) > 40
        assert not re.search(r'(href=|url\()"?https?:', (site / src).read_text(encoding="utf-8"))  # nothing fetched


def _lookup_row(gss: str) -> dict:
    with LOOKUP.open(encoding="utf-8-sig") as handle:
        return next(r for r in csv.DictReader(handle) if r["la_code_new"] == gss)


def test_stockport_is_compared_with_its_ten_neighbours_in_the_lookups_order_then_region_and_england(site, seed_graph_file):
    html = (site / "authority" / "e08000007.html").read_text(encoding="utf-8")
    compared = re.findall(r'<tr data-compare="([a-z]+)" data-name="([^"]+)"', html)
    names = {r["la_code"]: r["local_authority_ons_name"] for r in csv.DictReader(LOOKUP.open(encoding="utf-8-sig"))}
    neighbours = [names[c.strip()] for c in _lookup_row("E08000007")["stat_neighbours"].split(",")]
    assert [n for k, n in compared if k == "neighbour"] == neighbours
    assert compared[0] == ("self", "Stockport") and compared[-2:] == [("region", "North West"), ("england", "England")]
    engine = OxigraphStore.from_file(seed_graph_file)
    total = engine.select("SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a okg:Recommendation }")[1][0]["n"]
    england = html.split('data-compare="england"', 1)[1].split("</tr>", 1)[0]
    assert f'<td class="num">{total}</td>' in england
    trafford = html.split('data-name="Trafford"', 1)[1].split("</tr>", 1)[0]  # a neighbour with reports: linked
    assert 'href="e08000009.html"' in trafford


def test_the_site_is_byte_identical_when_rendered_again(site, seed_graph_file, tmp_path):
    again = tmp_path / "again"
    assert CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(again)]).exit_code == 0
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


def test_national_and_authority_pages_in_chromium_make_no_network_request(site):
    require_chromium()
    for page in (site / "national.html", site / "authority" / "e08000007.html"):
        opened = open_page(page)
        assert opened.page_requests == [], page
    assert 'data-table="persistent"' in open_page(site / "national.html").dom
