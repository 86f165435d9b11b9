"""PDF pages of quotes: canonical offsets -> page numbers -> RFC 3778 fragments, citations and links.

Users cite a PDF by page, not by character offset.  :func:`ofsted_kg.extract.clean.clean_with_pages`
records where each page starts in the canonical text; here a span becomes the pages it
stands on.  Page numbers are PDF page indexes counted from 1 — what a viewer's
``FILE.pdf#page=N`` opens — not the labels printed on the pages.

In the graph each page a quote stands on is one ``oa:FragmentSelector`` of its
target with ``rdf:value "page=N"`` and ``dcterms:conformsTo`` RFC 3778 (the PDF
fragment identifier, which has no page ranges): a quote cut by a page break has
two, ``page=3`` and ``page=4``.  Text inputs have no pages and get none.
"""
from __future__ import annotations

from bisect import bisect_right
from urllib.parse import quote

from rdflib import RDF, URIRef
from rdflib.term import Node

from ofsted_kg.rdf.vocab import OA, OKG

RFC3778 = URIRef("http://tools.ietf.org/rfc/rfc3778")  # the IRI the Web Annotation model gives for PDF fragments
PREFIX = "page="


def page_of(starts: tuple[int, ...] | list[int], offset: int) -> int:
    """The 1-based page holding canonical ``offset`` (``starts`` from clean_with_pages; never empty)."""
    return max(1, bisect_right(starts, offset))


def pages_of(starts: tuple[int, ...] | list[int], start: int, end: int) -> list[int]:
    """Every page the span ``[start, end)`` stands on, in order; none when there is no page table."""
    if not starts:
        return []
    first = page_of(starts, start)
    return list(range(first, page_of(starts, max(start, end - 1)) + 1))


def fragment(page: int) -> str:
    """The RFC 3778 fragment of one page: 'page=3'."""
    return f"{PREFIX}{page}"


def page_number(value: object) -> int | None:
    """'page=3' -> 3; anything else (another kind of fragment) -> None."""
    text = str(value)
    digits = text[len(PREFIX):]
    return int(digits) if text.startswith(PREFIX) and digits.isdigit() and int(digits) > 0 else None


def cite(first: int | None, last: int | None = None) -> str | None:
    """A citation as printed: 'p. 3', or 'pp. 3–4' for a quote across a page break; None without a page."""
    if first is None:
        return None
    if last is None or last == first:
        return f"p. {first}"
    return f"pp. {first}–{last}"


def pdf_link(file: str | None, page: int | None, base: str = "") -> str | None:
    """``base`` + the file name (percent-encoded) + '#page=N': a link a PDF viewer opens at the page."""
    if not file or page is None:
        return None
    return f"{base}{quote(file)}#{fragment(page)}"


def target_pages(data, target: Node | None) -> tuple[int | None, int | None, str | None]:
    """(first page, last page, source file name) of a text target in an rdflib graph; Nones for a text input.

    The file is the name the graph records (okg:sourceFile; the first in order
    when the same bytes came under several names), not a path: a link made
    from it resolves only where that file sits beside the link."""
    if target is None:
        return None, None, None
    pages = sorted(p for s in data.objects(target, OA.hasSelector) if (s, RDF.type, OA.FragmentSelector) in data
                   for p in [page_number(data.value(s, RDF.value))] if p is not None)
    if not pages:
        return None, None, None
    files = sorted(str(f) for f in data.objects(data.value(target, OA.hasSource), OKG.sourceFile))
    return pages[0], pages[-1], files[0] if files else None
