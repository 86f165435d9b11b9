"""PDF page numbers of quotes: the offset -> page table built in clean-up, and the pages of real reports."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st
from okg_paths import CORPUS_PDF, SAMPLES, needs_corpus
from rdflib.namespace import DCTERMS, RDF

from ofsted_kg.extract.clean import clean_text, clean_with_pages
from ofsted_kg.extract.extractor import extract
from ofsted_kg.extract.read import read_source
from ofsted_kg.rdf.mapping import to_graph
from ofsted_kg.rdf.pages import RFC3778, cite, page_number, page_of, pages_of, pdf_link
from ofsted_kg.rdf.vocab import OA, OKG

FILLER = "\n\n".join(f"Filler paragraph {i} says something true here." for i in range(14))


def test_page_of_counts_from_one_and_skips_empty_pages():
    starts = (0, 10, 10, 25)  # page 2 has no kept words: it starts where page 3 does
    assert [page_of(starts, o) for o in (0, 9, 10, 24, 25, 10_000)] == [1, 1, 3, 3, 4, 4]


def test_pages_of_a_span_is_every_page_from_its_first_to_its_last_character():
    starts = (0, 10, 20)
    assert pages_of(starts, 2, 9) == [1]
    assert pages_of(starts, 2, 10) == [1]  # the end offset is exclusive
    assert pages_of(starts, 2, 11) == [1, 2]
    assert pages_of(starts, 5, 25) == [1, 2, 3]
    assert pages_of(starts, 12, 12) == [2]  # an empty span still has a place
    assert pages_of((), 0, 5) == []  # text inputs: no table, no pages


def test_citation_fragment_and_link():
    assert cite(3) == "p. 3" and cite(3, 3) == "p. 3" and cite(3, 4) == "pp. 3–4" and cite(None) is None
    assert page_number("page=12") == 12
    assert page_number("page=0") is None and page_number("page=3-4") is None and page_number("viewrect=1,2") is None
    assert pdf_link("children's report.pdf", 7) == "children%27s%20report.pdf#page=7"
    assert pdf_link("a.pdf", 2, "../") == "../a.pdf#page=2"
    assert pdf_link("a.pdf", None) is None and pdf_link(None, 2) is None


def _page_of_text(canonical: str, starts: tuple[int, ...], words: str) -> list[int]:
    at = canonical.index(words)
    return pages_of(starts, at, at + len(words))


def test_paragraph_mended_across_a_page_break_stands_on_both_pages():
    raw = (f"Inspection of Somewhere children's services\n\n{FILLER}\n\n"
           "12. Ensure that the quality assurance function is well\f"
           "embedded and purposeful for children.\n\nAnother paragraph on page two.")
    canonical, starts = clean_with_pages(raw)
    assert canonical == clean_text(raw) and len(starts) == 2
    assert "function is well embedded and purposeful" in canonical
    assert _page_of_text(canonical, starts, "12. Ensure that the quality") == [1]
    assert _page_of_text(canonical, starts, "embedded and purposeful for children.") == [2]
    assert _page_of_text(canonical, starts, "12. Ensure that the quality assurance function is well embedded") == [1, 2]
    assert _page_of_text(canonical, starts, "Another paragraph") == [2]


def test_word_hyphenated_across_a_page_break_starts_the_next_page_at_its_second_half():
    raw = f"Focused visit to Somewhere\n\n{FILLER}\n\nThis is timely multi-\fagency work for children."
    canonical, starts = clean_with_pages(raw)
    assert "timely multi-agency work" in canonical
    assert canonical[starts[1]:].startswith("agency work")


def test_pages_with_only_furniture_start_where_the_next_page_starts():
    raw = f"Focused visit to Somewhere\n\n{FILLER}\f2\f\nPage 3 of 4\n\nText on page three.\f4"
    canonical, starts = clean_with_pages(raw)
    assert len(starts) == 4
    assert starts[1] == starts[2] == canonical.index("Text on page three.")
    assert starts[3] == len(canonical)  # nothing kept on the last page: it starts at the end
    assert _page_of_text(canonical, starts, "Text on page three.") == [3]
    assert _page_of_text(canonical, starts, "Filler paragraph 13") == [1]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.lists(st.sampled_from(["", ".", ",", "-", ":"]), min_size=1, max_size=6),
                         min_size=0, max_size=6), min_size=1, max_size=6),
       st.randoms(use_true_random=False))
def test_every_kept_word_maps_to_the_page_it_came_from(pages, rnd):
    """Random pages of lines of unique words, blank lines and endings: each word's offset gives its own page."""
    raw_pages = []
    for p, lines in enumerate(pages):
        out = []
        for n, ends in enumerate(lines):
            out.append(" ".join(f"w{p}x{n}y{k}{e}" for k, e in enumerate(ends)))
            if rnd.random() < 0.3:
                out.append("")
        raw_pages.append("\n".join(out))
    canonical, starts = clean_with_pages("\f".join(raw_pages))
    assert len(starts) == len(pages) and list(starts) == sorted(starts)
    for match in re.finditer(r"w(\d+)x\d+y\d+", canonical):
        assert page_of(starts, match.start()) == int(match.group(1)) + 1, (match.group(0), canonical, starts)


def test_text_inputs_have_no_pages_even_with_form_feeds(tmp_path):
    seed = read_source(next(SAMPLES.glob("*.txt")))
    graph = to_graph(extract(seed))
    assert not list(graph.subjects(RDF.type, OA.FragmentSelector))
    paged = tmp_path / "paged.txt"
    paged.write_text(seed.raw_text.replace("\n\n", "\n\n\f", 3), encoding="utf-8")
    ext = extract(read_source(paged))
    assert ext.page_starts == () and not list(to_graph(ext).subjects(RDF.type, OA.FragmentSelector))


# Checked by hand on the page text pypdfium2 gives for each page (1-based page index, as FILE.pdf#page=N opens).
KNOWN = [
    ("80470_gloucestershire/children's services inspection - 13 june 2017.pdf",
     "Ensure that the quality assurance function and escalation process", [8, 9]),  # cut after 'well embedded'
    ("80418_norfolk/children's services inspection - 20 october 2015.pdf",
     "Hold health partners to account for the lack of consistent clinician", [40]),  # LSCB list, near the end
    ("80456_coventry/children's services focused visit - 22 february 2018.pdf",
     "Some staff have a high number of cases", [3]),
    ("80456_coventry/children's services focused visit - 22 february 2018.pdf",
     "While inspectors saw some good assessments", [3, 4]),  # cut after 'can articulate a'
    ("80456_coventry/children's services focused visit - 22 february 2018.pdf",
     "The quality of children’s plans varies", [4]),
    ("80476_kent/children's services inspection - 05 july 2022.pdf",
     "Manageable caseloads and workload support", [2]),
]


def _words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@pytest.mark.parametrize("file,opening,expected", KNOWN, ids=[f"{k[0].split('/')[0]}-{k[1][:20]}" for k in KNOWN])
def test_recommendations_of_real_pdfs_get_the_pages_they_are_printed_on(file, opening, expected):
    needs_corpus()
    import pypdfium2 as pdfium

    path = CORPUS_PDF / file
    ext = extract(read_source(path))
    rec = next(r for r in ext.recommendations if r.text.startswith(opening))
    assert pages_of(ext.page_starts, rec.span.start, rec.span.end) == expected
    doc = pdfium.PdfDocument(str(path))  # the same answer straight from the PDF's pages
    try:
        first, last = (_words(doc[p - 1].get_textpage().get_text_range()) for p in (expected[0], expected[-1]))
    finally:
        doc.close()
    assert _words(opening) in first and _words(" ".join(rec.text.split()[-5:])) in last
    graph = to_graph(ext)
    node = next(n for n in graph.subjects(OKG.text, None) if str(graph.value(n, OKG.text)) == rec.text)
    target = graph.value(node, OKG.textTarget)
    selectors = [s for s in graph.objects(target, OA.hasSelector) if (s, RDF.type, OA.FragmentSelector) in graph]
    assert sorted(str(graph.value(s, RDF.value)) for s in selectors) == [f"page={p}" for p in expected]
    assert all(graph.value(s, DCTERMS.conformsTo) == RFC3778 for s in selectors)
