"""Extract: one read source -> one :class:`~ofsted_kg.extract.model.Extraction`.

Runs clean -> segment -> visit facts -> items -> references.  A text that is
not an Ofsted children's services report is refused with a reason.
"""
from __future__ import annotations

from ofsted_kg.extract.clean import clean_with_pages
from ofsted_kg.extract.items import read_items, read_references
from ofsted_kg.extract.meta import detect_kind, read_visit
from ofsted_kg.extract.model import Extraction
from ofsted_kg.extract.read import ReadError, Source
from ofsted_kg.extract.segment import segment

MAX_TEXT = 1_500_000  # characters: ten times the longest real report (a 2015 SIF report, ~135,000)


def extract(source: Source) -> Extraction:
    """Extract everything from one source; raise :class:`ReadError` if it is not a known report."""
    if len(source.raw_text) > MAX_TEXT:  # refused at once, not after minutes and gigabytes of work
        raise ReadError(f"text too long for one report ({len(source.raw_text):,} characters; the longest Ofsted "
                        f"report has about 135,000): several reports in one file?")
    canonical, page_starts = clean_with_pages(source.raw_text, source.media_type)
    found = detect_kind(canonical)
    if found is None:
        raise ReadError("not an Ofsted children's services report: no inspection, focused-visit "
                        "or monitoring-visit heading found")
    kind, framework = found
    ext = Extraction(source.name, source.sha256, source.media_type, canonical, kind, framework)
    if source.media_type == "application/pdf":  # a text file's form feeds are not pages a viewer can open
        if len(page_starts) == source.pages:
            ext.page_starts = page_starts
        else:  # a form feed lost or added in clean-up would shift every page after it: give none, not wrong ones
            ext.problems.append("page numbers not known: the page breaks did not survive clean-up")
    blocks = segment(canonical)
    read_visit(ext, blocks)
    read_items(ext, blocks)
    read_references(ext, blocks)
    return ext
