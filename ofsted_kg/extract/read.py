"""Read: turn an input file (PDF, text or HTML fragment) into raw text.

The raw text keeps the report's own words and line breaks; it only adds what a
plain-text dump of a PDF loses: a blank line where the page layout shows a
paragraph gap, and a form feed between pages.  Everything else (headers, page
numbers, hyphenation, bullets) is left for :mod:`ofsted_kg.extract.clean`, so text
files and PDFs go through one clean-up path.
"""
from __future__ import annotations

import hashlib
import statistics
from dataclasses import dataclass
from pathlib import Path

PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".text", ".htm", ".html"}
MAX_BYTES = 64 * 1024 * 1024  # a real report is under 5 MB; bigger is a mistake
MIN_TEXT_CHARS = 200  # below this a PDF has no usable text layer


class ReadError(Exception):
    """An input that cannot be read; the message names the reason in words."""


@dataclass(frozen=True)
class Source:
    """One input file as read: its name, content hash and raw text."""

    path: Path
    name: str
    sha256: str
    media_type: str
    raw_text: str
    pages: int


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_source(path: Path, max_bytes: int = MAX_BYTES) -> Source:
    """Read one file; raise :class:`ReadError` with a one-line reason when it cannot be used."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror or exc}") from exc
    if size == 0:
        raise ReadError("empty file (0 bytes)")
    if size > max_bytes:
        raise ReadError(f"file too large ({size / 2**20:.0f} MiB; limit {max_bytes / 2**20:.0f} MiB)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from exc
    digest = sha256_of(data)
    head = data[:1024].lstrip()
    if path.suffix.lower() in PDF_SUFFIXES or head.startswith(b"%PDF-"):
        if not head.startswith(b"%PDF-"):
            raise ReadError(_not_pdf_reason(head))
        text, pages = _pdf_text(data)
        return Source(path, path.name, digest, "application/pdf", text, pages)
    text = _decode_text(data)
    media = "text/html" if _looks_like_html(text) else "text/plain"
    return Source(path, path.name, digest, media, text, text.count("\f") + 1)


def _not_pdf_reason(head: bytes) -> str:
    lowered = head[:200].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "not a PDF: it is an HTML web page (a failed download?)"
    return "not a PDF: the file does not start with %PDF-"


def _decode_text(data: bytes) -> str:
    """Decode UTF-8 or UTF-16 (with BOM); refuse binary data and other encodings clearly."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(f"invalid UTF-16 text at byte {exc.start}") from exc
    if b"\x00" in data[:4096]:
        raise ReadError("binary data, not text (NUL bytes found)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(f"not valid UTF-8 text (bad byte 0x{data[exc.start]:02x} at offset {exc.start})") from exc
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > 20:
        raise ReadError("binary data, not text (control characters found)")
    return text


def _looks_like_html(text: str) -> bool:
    sample = text[:5000].lower()
    return "<p>" in sample or "<p " in sample or "<html" in sample or "<br" in sample


def _pdf_text(data: bytes) -> tuple[str, int]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise ReadError("encrypted PDF (password required)") from exc
        raise ReadError(f"corrupt or truncated PDF ({exc})") from exc
    try:
        pages = [_page_text(doc[i]) for i in range(len(doc))]
    except pdfium.PdfiumError as exc:
        raise ReadError(f"corrupt PDF page ({exc})") from exc
    finally:
        doc.close()
    text = "\f".join(pages)
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise ReadError(f"PDF has no text layer ({len(pages)} pages, scanned images?); OCR is not attempted")
    return text, len(pages)


def _page_text(page) -> str:
    """Text of one page with a blank line wherever the layout shows a paragraph gap.

    pdfium gives lines but not paragraphs; the vertical gap between consecutive
    lines does.  A gap clearly larger than the page's usual line spacing is a
    paragraph (or heading) break.
    """
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        lines, boxes = _lines_with_boxes(textpage, text)
    finally:
        textpage.close()
        page.close()
    shown = [b for b in boxes if b is not None]
    height = statistics.median([top - bottom for bottom, top in shown]) if shown else 10.0
    gaps = [(p[0] - c[1]) / height for p, c in zip(shown, shown[1:])]
    usual = statistics.median([g for g in gaps if g > -0.2] or [0.0])  # line spacing, in line heights
    out: list[str] = []
    prev = None
    for line, box in zip(lines, boxes):
        if prev is not None and box is not None:
            local = max(prev[1] - prev[0], box[1] - box[0])  # big title type has wider spacing
            gap = (prev[0] - box[1]) / local
            if gap > max(usual * height / local + 0.45, 0.6) or gap < -3:  # a wide gap, or a jump up a column
                out.append("")
        out.append(line)
        prev = box or prev
    return "\n".join(out)


def _lines_with_boxes(textpage, text: str) -> tuple[list[str], list[tuple[float, float] | None]]:
    """Split the page text into lines, each with the top of its first letter and the bottom of its last.

    (pdfium sometimes runs two printed lines into one text line, after a soft hyphen.)
    """
    lines: list[str] = []
    boxes: list[tuple[float, float] | None] = []
    index = 0
    for raw in text.split("\n"):
        first = next((i for i, ch in enumerate(raw) if ch.isalnum()), None)  # lines start and end on letters
        box = None
        if first is not None:
            last = next(i for i in range(len(raw) - 1, first - 1, -1) if raw[i].isalnum())
            _, _, _, top = textpage.get_charbox(index + first)
            _, bottom, _, _ = textpage.get_charbox(index + last)
            box = (bottom, top) if top > bottom else None
        lines.append(raw.rstrip("\r"))
        boxes.append(box)
        index += len(raw) + 1
    return lines, boxes
