"""Clean: raw text of any layout -> canonical text, one paragraph per block.

The canonical text is what every offset in the graph points into: paragraphs
joined by a blank line, each paragraph on one line with single spaces.  The
same report as PDF, hard-wrapped text or one-paragraph-per-line text gives
(nearly) the same canonical text, so extraction has one input shape.

What real Ofsted PDFs and their text dumps need fixing, each as data below:
running headers and page numbers, the Ofsted letterhead block, U+FFFE and
soft hyphens, private-use bullet glyphs, HTML fragments left by converters,
and paragraphs split by page breaks.
"""
from __future__ import annotations

import html
import re
from collections import Counter

BULLET = "•"
# Glyphs used as bullets: black squares, dots, dashes and Symbol-font private-use points.
BULLET_CHARS = "◼■▪●•◦‣∙·➢➤►▶✓✔" + "".join(chr(c) for c in range(0xF000, 0xF100))
CHAR_FIXES = {
    "\r\n": "\n", "\r": "\n", "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ",
    "\x00": "", "\u200b": "", "\ufeff": "", "\u00ad\n": "-", "\ufffe\n": "-", "\u00ad": "-", "\ufffe": "-",
    "\ufb01": "fi", "\ufb02": "fl", "\ufb00": "ff", "\ufb03": "ffi", "\ufb04": "ffl",
}
# Lines that are never report content when they stand alone: the letterhead block,
# bare page numbers, "Page 3 of 12" and the like.
LETTERHEAD = re.compile(
    r"^(ofsted|piccadilly gate|store st(reet)?|manchester|m1 2wd|agora|6 cumberland place|nottingham|ng1 6hj|"
    r"(t|e|w|t:|e:|w:|tel|textphone:?)?\s*(0300 ?123 ?\d{4}|0161 ?618 ?8524|0161 ?618|8524|enquiries@ofsted\.gov\.uk|"
    r"www\.(gov\.uk/)?ofsted(\.gov\.uk)?|www\.gov\.uk/government/organisations/ofsted)|"
    r"textphone|direct t|direct f|direct e|"
    r"\s|[,.])+$",
    re.IGNORECASE,
)
PAGE_NUMBER = re.compile(r"^(page )?\d{1,3}( of \d{1,3})?$", re.IGNORECASE)
# Running headers/footers written into text dumps: the report title and its dates, a page number after.
RUNNING_HEADER = re.compile(
    r"^(inspection of .{3,90}? (local authority )?children.s (social care )?services"
    r"|\d{1,2}( [a-z]+)?( \d{4})? (to|and|–|-) \d{1,2} [a-z]+ \d{4}( \d{1,3})?"
    r"|inspection report:? .{3,90}|(focused|monitoring) visit to .{3,80} \d{1,3})$",
    re.IGNORECASE,
)
TERMINAL = tuple('.:;?!)"”’')
NUMBERED = re.compile(r"^\(?\d{1,3}(\.\d{1,2})?[.)]?\s*(?=[A-Z‘'“\"(])")
FOOTNOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹\d]{1,2} ?(?=[A-Z])(?!\w+ \d{4})")
TITLE_LINES = 12  # the first lines hold the title and dates, never a running header
HEADER_ZONE = 4  # lines at each page edge that may be running headers or footers


def clean_text(raw: str, media_type: str = "text/plain") -> str:
    """Return the canonical text: paragraphs separated by one blank line."""
    return clean_with_pages(raw, media_type)[0]


def clean_with_pages(raw: str, media_type: str = "text/plain") -> tuple[str, tuple[int, ...]]:
    """The canonical text and its page-start table.

    Pages end at the form feeds :mod:`ofsted_kg.extract.read` writes between PDF
    pages, and cleaning moves, drops and joins text, so the page of a
    canonical offset cannot be recovered afterwards: it is tracked here, line
    by line.  ``starts[i]`` is the canonical offset of the first kept word of
    page ``i + 1`` (0 for the first page; a page with no kept words starts
    where the next one does), so :func:`ofsted_kg.rdf.pages.page_of` maps any
    offset to its page.  The table is returned for every input; only a PDF's
    pages are real pages.
    """
    text = _fix_chars(raw)
    if media_type == "text/html" or re.search(r"</?(p|br|div|li|td|span)\b", text[:20000], re.IGNORECASE):
        text = _strip_html(text)
    pages = [page.split("\n") for page in text.split("\f")]
    repeated = _repeated_edge_lines(pages)
    lines: list[str] = []
    line_pages: list[int] = []  # the page (0-based) of each entry of ``lines``
    seen = 0  # text lines so far: the title block at the top is never a running header
    for page_no, page in enumerate(pages):
        if page_no:
            lines.append("\f")
        kept = []
        for line in page:
            line = " ".join(line.split())
            if line and _is_furniture(line, repeated if seen >= TITLE_LINES else set(), seen < TITLE_LINES):
                line = ""
            seen += bool(line)
            kept.append(line)
        lines.extend(_drop_footnote(kept))
        line_pages.extend([page_no] * (len(lines) - len(line_pages)))
    texts, offsets = [], [-1] * len(lines)  # offsets: where each kept line's words begin in the canonical text
    pos = 0
    for paragraph, members in _paragraphs(lines):
        text, starts = _join_lines(paragraph)
        if text:
            for index, start in zip(members, starts):
                offsets[index] = pos + start
            texts.append(text)
            pos += len(text) + 2
    canonical = "\n\n".join(texts)
    return canonical, _page_starts(offsets, line_pages, len(pages), len(canonical))


def _page_starts(offsets: list[int], line_pages: list[int], count: int, size: int) -> tuple[int, ...]:
    """Offset of each page's first kept line; an empty page starts where the next page does (or at the end)."""
    first = [-1] * count
    for offset, page in zip(offsets, line_pages):
        if offset >= 0 and first[page] < 0:
            first[page] = offset
    starts, following = [0] * count, size
    for page in range(count - 1, 0, -1):
        following = first[page] if first[page] >= 0 else following
        starts[page] = following
    for page in range(1, count):  # offsets only grow with the page; guard the table's order all the same
        starts[page] = max(starts[page], starts[page - 1])
    return tuple(starts)


def _fix_chars(text: str) -> str:
    text = text.replace("\f", "\n\f\n")  # a page break is also a line break
    for bad, good in CHAR_FIXES.items():
        text = text.replace(bad, good)
    text = re.sub(r"[\u2010\u2011]", "-", text)
    text = "\n".join(line.rstrip(" ") for line in text.split("\n"))  # (a regex backtracks on long runs of spaces)
    bullets = re.escape(BULLET_CHARS)
    text = re.sub(rf"(?m)^[ ]*[{bullets}][ ]*", f"{BULLET} ", text)
    text = re.sub(r"(?m)^[ ]*[-–][ ]+(?=[A-Z])", f"{BULLET} ", text)
    return re.sub(rf"[{bullets}]", " ", text.replace(BULLET + " ", "\x00")).replace("\x00", BULLET + " ")


def _strip_html(text: str) -> str:
    text = _drop_scripts(text)
    text = re.sub(r"(?i)<br\s*/?>", "\n", text)
    text = re.sub(r"(?i)</?(p|div|li|ul|ol|tr|table|h[1-6])\b[^>]*>", "\n\n", text)
    text = re.sub(r"(?i)</?(td|th)\b[^>]*>", " ", text)
    text = re.sub(r"<[^>\n]{0,400}>", "", text)
    return html.unescape(text)


def _drop_scripts(text: str) -> str:
    """Remove <script>/<style> elements; an unclosed one ends the search (a regex rescanned to the end each time)."""
    lower, out, pos = text.lower(), [], 0
    for match in re.finditer(r"<(script|style)\b", lower):
        if match.start() < pos:
            continue
        close = lower.find(f"</{match.group(1)}>", match.end())
        if close < 0:
            break
        out += [text[pos:match.start()], " "]
        pos = close + len(match.group(1)) + 3
    return "".join(out) + text[pos:]


def _shape(line: str) -> str:
    """A line with its digits folded, so 'Page 3' and 'Page 4' headers compare equal."""
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _repeated_edge_lines(pages: list[list[str]]) -> set[str]:
    """Shapes of lines found at the top or bottom edge of at least three pages (running headers)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        content = [line for line in page if line.strip()]
        edge = content[:HEADER_ZONE] + content[-HEADER_ZONE:]
        counts.update({_shape(line) for line in edge})
    floor = max(3, len(pages) // 3)
    return {shape for shape, n in counts.items() if n >= floor and len(shape) > 1}


def _is_furniture(line: str, repeated: set[str], at_start: bool) -> bool:
    """True for page furniture: letterhead, page numbers, running headers and footers."""
    if LETTERHEAD.match(line) or PAGE_NUMBER.match(line):
        return True
    if _shape(line) in repeated:
        return True
    return not at_start and bool(RUNNING_HEADER.match(line))


def _drop_footnote(page: list[str]) -> list[str]:
    """Blank out a footnote block at the foot of a page ('1 The areas for improvement have been...')."""
    end = len(page)
    while end and not page[end - 1]:
        end -= 1
    start = end
    while start and page[start - 1]:
        start -= 1
    block = page[start:end]
    if start and 0 < len(block) <= 6 and FOOTNOTE.match(block[0]):
        return page[:start] + [""] * (len(page) - start)
    return page


def _paragraphs(lines: list[str]) -> list[tuple[list[str], list[int]]]:
    """Join wrapped lines into paragraphs; mend paragraphs cut by a page break or header.

    Each paragraph is its lines and their indices in ``lines`` (the indices
    carry each line's page through to the canonical text)."""
    lines = list(lines)  # '- item' lines are re-marked as bullets in this copy
    paragraphs: list[list[int]] = []  # line indices, joined once at the end (re-joining as they grow was quadratic)
    current: list[int] = []
    broken = False  # a blank line, page break or removed header since the last text line
    heading = False  # the current paragraph is a lone heading found by _lone_heading

    def texts(members: list[int]) -> list[str]:
        return [lines[i] for i in members]

    def sample(members: list[int]) -> list[str]:
        """Lines enough for _opens_list/_lead_in: they read the first and last lines and count up to 15 words."""
        return texts(members) if len(members) <= 16 else texts(members[:15] + members[-1:])

    def flush() -> list[int]:
        """Close the current paragraph (the list itself moves: no copying) and start a new one."""
        if current:
            paragraphs.append(current)
            return []
        return current

    for index, line in enumerate(lines):
        if not line or line == "\f":
            broken = True
            continue
        if line.startswith("- ") and (_opens_list(sample(current)) if current
                                      else bool(paragraphs) and _lead_in(sample(paragraphs[-1]))):
            line = lines[index] = BULLET + line[1:]  # '- the quality of ...' items under a heading or lead-in
        starts_item = line.startswith(BULLET) or bool(NUMBERED.match(line))
        if broken:
            current = flush()
            if paragraphs and _continues(" ".join(lines[paragraphs[-1][-1]].split()), line):
                current = paragraphs.pop()
            broken = False
        elif current and (starts_item or heading or _lone_heading(lines[current[-1]], line)):
            heading = not starts_item and not heading and _lone_heading(lines[current[-1]], line)
            current = flush()
            current.append(index)
            continue
        heading = False
        current.append(index)
    flush()
    return [(texts(members), members) for members in paragraphs]


def _lead_in(paragraph: list[str]) -> bool:
    """_opens_list for a finished paragraph given as its lines, joining it only when short enough to matter."""
    if paragraph[0].startswith(BULLET) or paragraph[-1].endswith((":", ";")):
        return True
    return _words(paragraph) <= 14 and _opens_list([_join_lines(paragraph)[0]])


def _words(lines: list[str], cap: int = 15) -> int:
    """Word count of ``lines``, counting no further than ``cap``."""
    count = 0
    for line in lines:
        count += len(line.split())
        if count >= cap:
            return cap
    return count


def _lone_heading(previous: str, line: str) -> bool:
    """A short unpunctuated line right after a finished sentence is a heading the layout did not space."""
    words = line.split()
    return (previous.endswith((".", ":", ";")) and 0 < len(words) <= 8 and line[0].isupper()
            and not line.endswith(TERMINAL + (",", "-")))


def _opens_list(before: list[str]) -> bool:
    """Is the text before a '- item' line a list lead-in (heading, ':' or ';' ending, or another item)?"""
    if not before:
        return False
    last = before[-1]
    if last.startswith(BULLET) or last.endswith((":", ";")):
        return True
    if _words(before) > 14:
        return False
    text = " ".join(before)  # a short heading or lead-in; a question heading ('What needs to improve?') counts
    return (not text.endswith(TERMINAL) or text.endswith("?")) and text[:1].isupper()


def _continues(previous: str, line: str) -> bool:
    """Does ``line`` carry on the paragraph ``previous`` that a break interrupted?"""
    if line.startswith("(Recommendation"):
        return True
    if line.startswith("- ") and line[2:3].islower() and not previous.endswith(TERMINAL):
        return True  # a '- word' continuation after a hyphen lost at a line end
    if line[:1].islower():
        return not previous.endswith((".", "?", "!", ":")) or previous.endswith(("e.g.", "i.e.", "etc."))
    if line.endswith(("?", ":")) or (len(line.split()) <= 12 and not line.endswith(TERMINAL)):
        return False  # a heading, even after a dangling word
    return previous.endswith(("-", ",", " and", " the", " of", " to", " for", " in", " a", " with", " that"))


def _join_lines(lines: list[str]) -> tuple[str, list[int]]:
    """A paragraph's text, and the offset in it where each line's words begin (for the page table)."""
    text = lines[0]
    starts = [0]
    for line in lines[1:]:
        if text.endswith("-") and (line[:1].islower() or line.startswith("- ")):
            starts.append(len(text))
            text += line.lstrip("- ") if line.startswith("- ") else line
        else:
            starts.append(len(text) + 1)
            text += " " + line
    joined = " ".join(text.split())
    if joined != text:  # never for lines normalised as clean_with_pages does; keep offsets inside the text anyway
        starts = [min(start, len(joined)) for start in starts]
    return joined, starts
