"""The whole real PDF corpus: builds, validates, and builds the same way twice."""
from __future__ import annotations

import re
from pathlib import Path

from okg_paths import CORPUS_PDF, SAMPLES, needs_corpus

from ofsted_kg.extract.clean import clean_with_pages
from ofsted_kg.extract.read import read_source
from ofsted_kg.extract.segment import segment
from ofsted_kg.pipeline.build import build
from ofsted_kg.rdf.graph_files import canonical_nquads


def test_every_pdf_builds_or_is_refused_with_a_reason(corpus_build):
    files = list(CORPUS_PDF.rglob("*.pdf"))
    assert len(corpus_build.built) + len(corpus_build.refused) == len(files)
    for name, reason in corpus_build.refused:  # only web pages saved under a .pdf name are refused
        assert "HTML web page" in reason, (name, reason)
    web_pages = [p for p in files if p.read_bytes()[:256].lstrip().lower().startswith((b"<!doctype html", b"<html"))]
    assert len(corpus_build.refused) == len(web_pages)


def _lists_improvements(canonical: str) -> bool:
    """Independent of extraction: an improvement heading directly followed by a bullet or numbered item."""
    blocks = segment(canonical)
    return any(re.match(r"what needs to improve|areas for improvement|recommendations$", b.text, re.IGNORECASE)
               and i + 1 < len(blocks) and blocks[i + 1].shape in {"bullet", "numbered"}
               for i, b in enumerate(blocks))


def _canonical(path: str) -> str:
    return clean_with_pages(read_source(Path(path)).raw_text, "application/pdf")[0]


def test_every_report_since_2018_with_an_improvement_list_has_recommendations(corpus_build):
    recent = [e for e in corpus_build.built if e.start and e.start.year >= 2018 and e.kind != "monitoring-visit"]
    assert len(recent) > 100
    sources = corpus_build.update.sources  # the build keeps no text: re-read the reports without any
    missing = [e.source_name for e in recent if not e.recommendations and _lists_improvements(_canonical(sources[e.sha256]))]
    assert missing == []
    assert [e.source_name for e in corpus_build.built if e.start is None] == []


def test_corpus_graph_conforms_to_the_shapes(corpus_build):
    """The whole corpus by the shapes compiled to SPARQL (what ``validate`` runs), and two authorities by
    pyshacl, the reference (pyshacl on all 500 reports takes many minutes; the engines are tested to agree
    on every fixture in test_shapes.py)."""
    from ofsted_kg.validate.shacl import union_graph, units, validate, validate_store

    store = corpus_build.store
    assert validate_store(store, jobs=2) == []
    for key, names in units(store, ["E06000016", "E08000032"]).items():
        assert validate(union_graph(store.fetch(names))) == [], key


def test_two_builds_give_identical_canonical_nquads_whatever_the_worker_count():
    needs_corpus()
    some = sorted(CORPUS_PDF.glob("80485_*/*.pdf")) + [SAMPLES]
    first = canonical_nquads(build(some, jobs=1).dataset)
    second = canonical_nquads(build(some, jobs=2).dataset)
    assert first == second and len(first) > 100_000
