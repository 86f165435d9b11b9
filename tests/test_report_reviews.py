"""The site's review views on real PDFs: North Northamptonshire's first three reports built into a store with
three reviews (one changing the machine's status, one accepting it, one of a visit the machine did not link),
rendered by ``report``; checked against the store's own follow-ups, and opened in headless Chromium."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import open_page, require_chromium
from click.testing import CliRunner
from okg_paths import CORPUS_PDF, needs_corpus

from ofsted_kg.cli.main import cli
from ofsted_kg.rdf.vocab import ID
from ofsted_kg.review.records import Review, write_reviews
from ofsted_kg.stores import OxigraphStore
from ofsted_kg.views.tables import read_table

NN = "2637539_north northamptonshire"
FIRST_THREE = ("children's services inspection - 25 november 2022.pdf",
               "children's services focused visit - 22 november 2023.pdf",
               "children's services focused visit - 31 october 2024.pdf")
MADE = str(ID["visit/E06000061/inspection/2022-10-03"])
CHANGED = f"{MADE}/area-for-improvement/1"  # 'how managers support social workers': addressed at 2024, says the machine
AT_2023, AT_2024 = str(ID["visit/E06000061/focused-visit/2023-10-18"]), str(ID["visit/E06000061/focused-visit/2024-10-01"])
REASON = "The quotes are about care leavers' pathway plans, not managers' support to social workers."
PAGE = "e06000061.html"
BEFORE = Path(__file__).resolve().parent / "fixtures" / "seed-site-before-review-views.snapshot.json"


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> dict:
    """The store, its reviews, the site and the store's follow-ups and findings (as the site's queries read them)."""
    needs_corpus()
    root = tmp_path_factory.mktemp("nn-views")
    (root / "pdf").mkdir()
    for name in FIRST_THREE:
        shutil.copy(CORPUS_PDF / NN / name, root / "pdf" / name)
    store = f"oxigraph:{root / 'store'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(root / "pdf"), "--store", store, "-j", "1"]).exit_code == 0
    with OxigraphStore(root / "store") as opened:
        followups = read_table(opened, "follow-ups").rows
        findings = read_table(opened, "findings").rows
    machine = {(f["recommendation"], f["assessedAt"]): f for f in followups}
    accepted = next(k for k in sorted(machine) if k[0] != CHANGED)
    unlinked = (f"{MADE}/area-for-improvement/3", AT_2023)
    assert (CHANGED, AT_2024) in machine and machine[(CHANGED, AT_2024)]["status"] == "Addressed"
    assert unlinked not in machine, "the machine now links the pair this test reviews as unlinked: pick another"
    given = next(f["finding"] for f in findings if f["visit"] == AT_2023)
    reviews = [Review(CHANGED, AT_2024, "not-addressed", REASON, "Sam Patel", "2026-03-02T10:00:00Z", machine="addressed"),
               Review(*accepted, _key(machine[accepted]["status"]), "checked against the evidence", "Sam Patel",
                      "2026-03-03T09:00:00Z"),
               Review(*unlinked, "partially-addressed", "Care planning improved for some children.", "Jo Lee",
                      "2026-03-04T00:00:00Z", evidence=(given,))]
    write_reviews(root / "reviews.ttl", reviews)
    applied = runner.invoke(cli, ["review", "apply", "-g", store, "--reviews", str(root / "reviews.ttl")])
    assert applied.exit_code == 0, applied.output
    site = root / "site"
    result = runner.invoke(cli, ["report", store, "-o", str(site)])
    assert result.exit_code == 0 and "wrote 7 pages for 1 authority" in result.output, result.output
    return {"store": store, "site": site, "machine": machine, "accepted": accepted, "unlinked": unlinked,
            "given": next(f for f in findings if f["finding"] == given), "html": (site / "authority" / PAGE).read_text()}


def _key(status: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", status).lower()


class Elements(HTMLParser):
    """Every element's tag, attributes and text (nested text counts for every open ancestor)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict] = []
        self._open: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = {"tag": tag, **{k: v or "" for k, v in attrs}, "text": ""}
        self.found.append(element)
        if tag not in ("br", "img", "meta", "link", "input"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element["text"] += data


def elements(html: str, **wanted: str) -> list[dict]:
    """The elements whose attributes contain each wanted value ('class' matches one of the classes)."""
    parser = Elements()
    parser.feed(html)
    return [e for e in parser.found if all(v in (e.get(k, "").split() if k == "class" else [e.get(k)])
                                           for k, v in wanted.items())]


def one(html: str, **wanted: str) -> dict:
    found = elements(html, **wanted)
    assert len(found) == 1, (wanted, len(found))
    return found[0]


def cell(html: str, rec: str, visit_start: str) -> dict:
    """The matrix cell of ``rec`` in the column of the later visit that started on ``visit_start``."""
    columns = [c["title"].rsplit(" ", 1)[-1] for c in elements(html, tag="th", **{"class": "col"})]
    row = html.split(f'<tr data-rec="{rec}"', 1)[1].split("</tr>", 1)[0]
    return elements(row, tag="td", **{"class": "cell"})[columns.index(visit_start)]


def article(html: str, rec: str) -> str:
    anchor = rec.split("/visit/", 1)[1].replace("/inspection/", "-inspection-").replace("/", "-").lower()
    return html.split(f'<article class="rec" id="{anchor}"', 1)[1].split("</article>", 1)[0]


@pytest.mark.corpus
def test_a_changed_status_is_marked_with_who_when_why_and_the_machines_beside(reviewed):
    html = reviewed["html"]
    shown = cell(html, CHANGED, "2024-10-01")
    assert "reviewed" in shown["class"].split() and shown["data-status"] == "NotAddressed"
    assert shown["data-machine"] == "Addressed" and "machine read: addressed" in shown["text"]
    marker = one(cell_html(html, CHANGED), tag="span", **{"class": "reviewed", "data-date": "2026-03-02"})
    assert marker["title"] == f"Reviewed by Sam Patel on 2026-03-02: {REASON} (machine read: addressed)"
    assert marker["data-reviewer"] == "Sam Patel" and "reviewed" in marker["text"]
    row = html.split(f'<tr data-rec="{CHANGED}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-current="NotAddressed"' in html.split(f'<tr data-rec="{CHANGED}"', 1)[1][:40]  # the effective one
    assert row.rstrip().endswith('<span class="machine">machine read: addressed</span></td>')
    written = article(html, CHANGED)
    review = one(written, tag="p", **{"class": "review"})
    assert unescape(review["text"]) == f"Reviewed by Sam Patel on 2026-03-02: {REASON}"
    assert '<time datetime="2026-03-02T10:00:00+00:00">2026-03-02</time>' in written
    assert "What the machine read (addressed):" in written and written.count('<figure class="evidence">') >= 1


def cell_html(html: str, rec: str) -> str:
    return html.split(f'<tr data-rec="{rec}"', 1)[1].split("</tr>", 1)[0]


@pytest.mark.corpus
def test_an_accepted_status_is_marked_without_a_machine_status_beside(reviewed):
    rec, visit = reviewed["accepted"]
    status = reviewed["machine"][(rec, visit)]["status"]
    shown = cell(reviewed["html"], rec, visit.rsplit("/", 1)[-1])
    assert shown["data-status"] == shown["data-machine"] == status and "machine read" not in shown["text"]
    assert shown["title"] == "Reviewed by Sam Patel on 2026-03-03: checked against the evidence (the machine read the same)"


@pytest.mark.corpus
def test_a_review_of_a_visit_the_machine_did_not_link_appears_with_its_evidence(reviewed):
    rec, _ = reviewed["unlinked"]
    html = reviewed["html"]
    shown = cell(html, rec, "2023-10-18")
    assert (shown["data-status"], shown["data-machine"]) == ("PartiallyAddressed", "none")
    assert "machine read: not linked to this visit" in shown["text"]
    written = article(html, rec)
    assert "Focused visit 2023-10-18:" in written and "Reviewed by <strong>Jo Lee</strong>" in written
    assert "The evidence the reviewer gave:" in written and "What the machine read" not in written
    given = reviewed["given"]
    assert unescape(written).count(given["text"]) == 1 and f"paragraph {given['ordinal']}" in written
    assert "machine read: no later evidence" in written.split("</h3>", 1)[0]  # the current status, reviewed


def needs_rows(html: str) -> list[dict]:
    table = html.split('data-table="needs-review"', 1)[1].split("</table>", 1)[0]
    return elements(table, tag="tr")[1:]


@pytest.mark.corpus
def test_needs_review_lists_unreviewed_follow_ups_lowest_confidence_first(reviewed):
    machine, reviewed_pairs = reviewed["machine"], {(CHANGED, AT_2024), reviewed["accepted"]}
    for page, prefix in ((reviewed["html"], "#"), ((reviewed["site"] / "review.html").read_text(), "authority/")):
        rows = needs_rows(page)
        pairs = [(r["data-rec"], r["data-visit"]) for r in rows]
        assert len(pairs) == len(set(pairs)) and set(pairs) == set(machine) - reviewed_pairs
        confidences = [float(r["data-confidence"]) for r in rows]
        assert confidences == sorted(confidences) and len(set(confidences)) > 1
        assert confidences == [float(machine[(r["data-rec"], r["data-visit"])]["confidence"]) for r in rows]
        links = re.findall(r'<th scope="row"><a href="([^"]+)"', page.split('data-table="needs-review"', 1)[1])
        assert links and all(link.startswith(prefix) for link in links)
    assert 'href="review.html"' in (reviewed["site"] / "index.html").read_text()


@pytest.mark.corpus
def test_counts_of_machine_read_and_reviewed_statuses(reviewed):
    statuses = len(reviewed["machine"]) + 1  # and the unlinked visit a person reviewed
    counts = one(reviewed["html"], tag="p", **{"class": "review-counts"})
    assert (counts["data-statuses"], counts["data-machine-read"], counts["data-reviewed"], counts["data-changed"]) == (
        str(statuses), str(statuses - 3), "3", "2")
    index = one((reviewed["site"] / "index.html").read_text(), tag="td", **{"data-reviewed": "3"})
    assert (index["data-machine-read"], index["data-changed"], index["text"]) == (
        str(statuses - 3), "2", f"3 of {statuses} (2 changed)")


@pytest.mark.corpus
def test_reviewed_site_renders_byte_identically_again(reviewed, tmp_path):
    again = tmp_path / "again"
    assert CliRunner().invoke(cli, ["report", reviewed["store"], "-o", str(again)]).exit_code == 0
    site = reviewed["site"]
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()} == {
        p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}


CHECK = """document.addEventListener("DOMContentLoaded", function () {
  var out = [];
  document.querySelectorAll(".reviewed").forEach(function (el) {
    var box = el.getBoundingClientRect(), style = getComputedStyle(el);
    out.push({tag: el.tagName, title: el.getAttribute("title"), w: box.width, h: box.height,
              shown: style.display !== "none" && style.visibility === "visible" && style.opacity !== "0",
              border: style.borderTopStyle + " " + style.borderTopWidth, display: style.display});
  });
  document.body.setAttribute("data-check", JSON.stringify(out));
});
"""


@pytest.mark.corpus
def test_in_chromium_the_marker_is_visible_and_its_tooltip_is_in_the_dom(reviewed):
    """The page as served, plus one checking script (the pages' CSP allows scripts from the site only, so it sits
    beside them): every reviewed marker has a box on screen, is not hidden, and carries its title."""
    require_chromium()
    folder = reviewed["site"] / "authority"
    (reviewed["site"] / "check.js").write_text(CHECK, encoding="utf-8")
    page = folder / "checked.html"
    page.write_text(reviewed["html"].replace("</head>", '<script src="../check.js"></script>\n</head>'), encoding="utf-8")
    try:
        opened = open_page(page)
    finally:
        page.unlink()
        (reviewed["site"] / "check.js").unlink()
    assert opened.page_requests == []
    checked = json.loads(unescape(re.search(r'data-check="([^"]*)"', opened.dom).group(1)))
    spans = [c for c in checked if c["tag"] == "SPAN"]
    assert len(spans) >= 6  # three in the matrix, three in the evidence list, and the current statuses
    assert all(c["shown"] and c["w"] > 20 and c["h"] > 8 and c["border"].startswith("solid") for c in spans), spans
    cells = [c for c in checked if c["tag"] == "TD"]
    assert len(cells) == 3 and all(c["display"] == "table-cell" and c["w"] > 20 for c in cells), cells  # still a table
    assert f"Reviewed by Sam Patel on 2026-03-02: {REASON} (machine read: addressed)" in [c["title"] for c in spans]
    assert any(c["title"].startswith("Reviewed by Jo Lee on 2026-03-04") for c in spans)
    assert 'title="Reviewed by Sam Patel on 2026-03-02' in opened.dom


FILTER = """document.addEventListener("DOMContentLoaded", function () {
  var most = document.querySelector("[data-needs=confidence]"), out = {};
  out.hidden = document.querySelector(".needs-filter").hidden;
  most.value = "LIMIT";
  most.dispatchEvent(new Event("input"));
  out.visible = [];
  document.querySelectorAll("table.needs tbody tr").forEach(function (tr) {
    if (getComputedStyle(tr).display !== "none") { out.visible.push(tr.getAttribute("data-confidence")); }
  });
  out.said = document.querySelector("[data-needs=shown]").textContent;
  document.body.setAttribute("data-check", JSON.stringify(out));
});
"""


@pytest.mark.corpus
def test_in_chromium_the_needs_review_filter_keeps_the_least_sure(reviewed):
    """Without JavaScript review.html lists every row (the filter stays hidden); with it, a confidence limit
    hides the surer ones."""
    require_chromium()
    site = reviewed["site"]
    html = (site / "review.html").read_text(encoding="utf-8")
    assert 'class="needs-filter" role="group" aria-label="Show follow-ups needing review" hidden>' in html
    confidences = [float(r["data-confidence"]) for r in needs_rows(html)]
    least, next_least = sorted(confidences)[:2]
    limit = round((least + next_least) / 2, 4)  # between the two least sure: keeps the first only
    (site / "check.js").write_text(FILTER.replace("LIMIT", str(limit)), encoding="utf-8")
    page = site / "checked.html"
    page.write_text(html.replace("</head>", '<script src="check.js"></script>\n</head>'), encoding="utf-8")
    try:
        opened = open_page(page)
    finally:
        page.unlink()
        (site / "check.js").unlink()
    checked = json.loads(unescape(re.search(r'data-check="([^"]*)"', opened.dom).group(1)))
    kept = [c for c in confidences if c <= limit]
    assert checked["hidden"] is False and [float(c) for c in checked["visible"]] == kept
    assert 0 < len(kept) < len(confidences) and checked["said"] == f"{len(kept)} shown"


# --- a site without reviews ----------------------------------------------------------------------------------------

NEW_PARTS = (r'<p class="review-counts".*?</p>\n', r'<section id="needs-review".*?</section>\n\n',
             r'<p class="review-link">.*?</p>\n', r'<th scope="col" class="num" title="Statuses at later visits[^>]*>Reviewed</th>',
             r'<td class="num" data-reviewed=.*?</td>')


def test_change_detector_site_without_reviews_is_the_site_before_review_views_but_for_new_parts(seed_graph_file,
                                                                                                  tmp_path):
    """A CHANGE DETECTOR: the seed site rendered before the review views (sha256 of each file, a snapshot of the
    tool's own output in tests/fixtures/seed-site-before-review-views.snapshot.json) is this site with the new
    parts taken out — the review counts, the needs-review section and page, the index column, the rules appended
    to report.css.  It detects a change, it does not show the pages are right (the other tests here check them
    against the store).  Regenerate the snapshot when the seed build or the templates change on purpose."""
    out = tmp_path / "site"
    assert CliRunner().invoke(cli, ["report", str(seed_graph_file), "-o", str(out)]).exit_code == 0
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    now = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert now - set(before) == {"review.html", ".ofsted-kg-site"}
    for name, was in before.items():
        data = (out / name).read_bytes()
        if name.endswith(".html"):
            text = data.decode("utf-8")
            for part in NEW_PARTS:
                text = re.sub(part, "", text, flags=re.S)
            data = text.encode("utf-8")
        elif name in ("report.css", "report.js"):  # the review rules and the needs-review filter are appended
            data = data[:was["bytes"]]
        assert hashlib.sha256(data).hexdigest() == was["sha256"], name
    pages = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert 'class="reviewed"' not in pages and "data-machine=" not in pages and 'class="review"' not in pages
