"""Extract what the report says: recommendations, findings, earlier visits.

A report is read as a walk over its blocks.  Headings switch the walk between
roles (recommendation list, findings, boilerplate) through one table,
:data:`SECTIONS`, that covers every report kind; adding a layout means adding
a row, not a branch.
"""
from __future__ import annotations

import re

from ofsted_kg.extract.dates import MONTH_RE, month_number
from ofsted_kg.extract.meta import GRADE_RE, grade_slug
from ofsted_kg.extract.model import Extraction, Finding, Recommendation, VisitReference
from ofsted_kg.extract.segment import Block, is_heading

# (heading pattern, role, recommendation kind).  Roles: recs, findings, skip, end.
SECTIONS: list[tuple[str, str, str | None]] = [
    (r"priority and immediate action", "recs", "priority-action"),
    (r"areas? for priority action|priority actions?", "recs", "priority-action"),
    (r"areas? for improvement", "recs", "area-for-improvement"),
    (r"what needs to improve.*", "recs", "area-for-improvement"),
    (r"what does the local authority need to improve\??", "skip", None),
    (r"recommendations?", "recs", "recommendation"),
    (r"areas? covered by (the|this) visit", "recs", "area-of-concern"),
    (r"contents|information about this (inspection|local authority area)|the local authority"
     r"|previous ofsted inspections|local leadership|children living in this area|child protection in this area"
     r"|children looked after in this area|summary for children and young people|the inspection team"
     r"|what the inspection judgements mean.*|inspection judgements about the local authority|section \d.*", "skip", None),
]  # any other heading opens findings
# Headings that open findings even in the middle of a recommendation list: judgement areas and findings titles.
FINDINGS_HEADING = re.compile(
    rf"findings|strengths|progress since|summary|overview|information about|judgements? (mean|about|on)|the inspection team"
    rf"|graded judgement|[:\s](is\s+)?({GRADE_RE})$|^the local safeguarding children board( \(lscb\))?$",
    re.IGNORECASE)
GENERIC_HEADINGS = re.compile(r"^(inspection findings|summary|summary of key findings|key findings)$", re.IGNORECASE)
# Paragraphs that are never findings wherever they stand.
BOILERPLATE = re.compile(
    r"^(dear |yours sincerely|i am copying this letter|ofsted will take the findings|this letter summarises"
    r"|inspectors (looked|reviewed|evaluated|considered|spoke)|this visit was carried out|this visit considered"
    r"|the methodology for this visit|her majesty.s chief inspector|his majesty.s chief inspector"
    r"|the lead inspector and (the )?director|inspectors used video calls|the office for standards in education"
    r"|if you would like a copy|you may reuse this|this (publication|report) is available|interested in our work"
    r"|any complaints about|© crown copyright|crown copyright|ofsted produces this report|this report includes"
    r"|the inspection (team|of the local authority) |the review of the local safeguarding|judgement grade"
    r"|this visit was (one of|the)|overall effectiveness|children.s services in .{2,60} (are|is) )",
    re.IGNORECASE)
NEEDS_TO_IMPROVE = re.compile(r"^what does the .{0,60}? need to improve\??\s*")
LIST_OPENING = re.compile(r"^(priority and immediate action|areas? for priority action|areas? for improvement|recommendations?)\b")
LSCB_SECTION = re.compile(r"^(?:section \d+\W+)?(?:what does the |the |inspection findings\W+the "
                          r"|(?:the )?(?:review of )?the effectiveness of the )?"
                          r"(?:local safeguarding children board|lscb)\b", re.IGNORECASE)
LA_SECTION = re.compile(r"^(?:section \d+\W+)?(?:what does the local authority|the local authority\b|the experiences and progress"
                        r"|leadership, management and governance|the graded judgement)", re.IGNORECASE)
CONTENTS_LINE = re.compile(r"\s\d{1,3}\s.*\s\d{1,3}(?:\s|$)")
OPENS_SUB_LIST = re.compile(r"(?::|\b(?:include|including|that|to|by|and|for|of|with|on|in|through))$", re.IGNORECASE)
# A focused visit's letter has one list of what needs to improve; a later list heading is a part of its findings
# (Coventry 2019: 'Areas for Improvement' over findings paragraphs).  Inspections have one list per body (SIF:
# the local authority's and the LSCB's), so they are not in it.
ONE_LIST = {"focused-visit"}
TITLE_WORDS = 12  # a body block this short may be a section title the segmenter did not take for a heading
LEAD_IN = re.compile(r"(?:should|must|needs? to) take the following actions?\.?$|:$", re.IGNORECASE)
FRAMEWORK_TAG = re.compile(r"\(((?:outcome|enabler|principle)\s+\w+(?:\s+and\s+\w+)?)[,;]?\s*(?:the\s+)?national\s+framework\)", re.IGNORECASE)
NONE_FOUND = re.compile(r"did not find any|there are no (areas|recommendations)|none identified"
                        r"|no areas (?:were|have been) identified", re.IGNORECASE)

KIND_WORDS = r"(?P<kind>(?:ilacs |full |standard |short |sif |single )?inspection|focused visit|monitoring visit)"
REFERENCES = [
    re.compile(rf"(?:last|previous|most recent|earlier|an?|the|since the|following the|at the)\s+{KIND_WORDS}"
               rf"[^.]{{0,60}}?\b(?:in|of|during)\s+(?P<when>{MONTH_RE}\s+\d{{4}}|\d{{4}})"
               rf"(?:[^.]{{0,80}}?\bjudged\s+(?:to\s+be\s+|as\s+)?(?P<grade>{GRADE_RE}))?", re.IGNORECASE),
    re.compile(rf"(?:was|were|been|being)\s+judged\s+(?:to\s+be\s+|as\s+)?(?P<grade>{GRADE_RE})(?:\s+overall)?"
               rf"\s+(?:in|at)\s+(?:the\s+)?(?:{KIND_WORDS}\s+(?:in|of)\s+)?(?P<when>{MONTH_RE}\s+\d{{4}}|\d{{4}})", re.IGNORECASE),
    re.compile(rf"previous\s+{KIND_WORDS}\s+of the local authority.{{0,80}}?was in (?P<when>{MONTH_RE}\s+\d{{4}})"
               rf"\.\s+the local authority was judged (?:to be )?(?P<grade>{GRADE_RE})", re.IGNORECASE),
]
YEAR_DIGITS = re.compile(r"\d{4}")


def section_role(heading: str, in_list: bool = False) -> tuple[str, str | None]:
    """The role a heading opens; 'What does the LA need to improve? Priority and immediate action Leadership'
    or, inside a list, 'Areas for improvement Early help' (headings the PDF ran together) open the list their
    first list name says.  Elsewhere 'Recommendations following adoption ...' is a line of prose."""
    text = heading.strip().rstrip("?:").strip().lower()
    for pattern, role, kind in SECTIONS:
        if re.fullmatch(pattern, text):
            return role, kind
    rest = NEEDS_TO_IMPROVE.sub("", text)
    opening = LIST_OPENING.match(rest)
    if opening and (in_list or rest != text or opening.group(1).startswith(("priority", "areas for priority"))):
        return section_role(opening.group(1))
    return "findings", None


def part_of(heading: str, part: str) -> str:
    """The body a section's items are addressed to: an LSCB section title switches to the LSCB, a local
    authority section title back; contents lines (with page numbers) and other headings change nothing."""
    if CONTENTS_LINE.search(heading):
        return part
    if LSCB_SECTION.match(heading):
        return "LSCB"
    return "local authority" if LA_SECTION.match(heading) else part


def read_items(ext: Extraction, blocks: list[Block]) -> None:
    """Walk the blocks once, collecting recommendations and findings by section."""
    role, rec_kind, section = "front", None, ""
    part = "LSCB" if ext.kind == "lscb-review" else "local authority"
    after_items, item_shape = False, None
    for i, block in enumerate(blocks):
        if block.shape == "heading":
            new_role, new_kind = section_role(block.text, in_list=role == "recs")
            if new_role == "recs" and role == "findings" and ext.kind in ONE_LIST and ext.recommendations:
                new_role, new_kind = "findings", None  # its one list is read: 'Areas for improvement' in the findings
            lead_in = block.text.endswith(":") and not (role == "recs" and FINDINGS_HEADING.search(block.text))
            if new_role == "findings" and (lead_in or re.fullmatch(GRADE_RE, block.text, re.IGNORECASE)):
                continue  # a list's lead-in or a grade cell: not a new section ('... has the following strengths:' is)
            if role == "recs" and new_role == "findings" and not FINDINGS_HEADING.search(block.text):
                continue  # a sub-heading inside a list of recommendations ('Quality of work with children')
            if role != "front" and ext.kind != "lscb-review":
                part = part_of(block.text, part)
            if role == "front" and new_role == "findings" and not _opens_findings(block, ext):
                continue
            role, rec_kind, after_items, item_shape = new_role, new_kind, False, None
            if new_role == "findings" and not GENERIC_HEADINGS.match(block.text):
                section = _section_name(block.text)
            continue
        if block.shape == "body" and block.words <= TITLE_WORDS and role != "front" and ext.kind != "lscb-review":
            part = part_of(block.text, part)  # 'Section 2: The effectiveness of the LSCB (LSCB)' ends in ')'
        if role == "end" or BOILERPLATE.match(block.text):
            if block.text.lower().startswith("yours sincerely"):
                role = "end"
            continue
        if role == "recs":
            if block.shape in {"bullet", "numbered"} and not NONE_FOUND.search(block.text):
                if not after_items and LEAD_IN.search(block.text):
                    continue  # 'the local authority should take the following action.'
                if block.shape == "numbered" and _theme_title(block, blocks[i + 1:i + 2]):
                    item_shape = "bullet"  # '1. Quality and effectiveness of practice' over its bullets
                    continue
                item_shape = item_shape or block.shape
                if block.shape == item_shape:
                    kind = "recommendation" if ext.framework == "pre-2014" else rec_kind or "recommendation"
                    _add_numbered(ext, block, kind, part)
                    after_items = True
                    continue
                if item_shape == "numbered":
                    _extend_recommendation(ext, block)  # a sub-bullet of the numbered item above
                    continue
                role = "findings"  # a numbered paragraph after a bulleted list: the report's prose resumes
            elif after_items and block.words > 12:
                role = "findings"  # the list is over; prose carries on
        if role == "findings" or (role == "front" and _opens_findings(block, ext)):
            role = "findings"
            _add_finding(ext, block, section or "Summary")


def _opens_findings(block: Block, ext: Extraction) -> bool:
    """The front matter (address, title, judgement table) ends at the first real paragraph of prose."""
    if block.shape == "heading":
        return bool(re.match(r"(headline|main) findings|executive summary|summary of key findings|findings and evaluation",
                             block.text, re.IGNORECASE))
    return block.words >= 25 and not BOILERPLATE.match(block.text) and block.start > 40


def _section_name(heading: str) -> str:
    """'The experiences and progress of children in care: good' -> the area without its grade."""
    name = re.sub(rf"(\s+is that (?:it|they) (?:is|are))?[\s:]+(?:is\s+)?({GRADE_RE})\s*$", "", heading, flags=re.IGNORECASE)
    name = re.sub(r"^the graded judgement (for|about) (the )?", "", name, flags=re.IGNORECASE)
    return name[:1].upper() + name[1:]


def _add_recommendation(ext: Extraction, block: Block, kind: str, part: str) -> None:
    tags = tuple(m.group(1).lower() for m in FRAMEWORK_TAG.finditer(block.text))
    ordinal = len(ext.recommendations) + 1
    ext.recommendations.append(
        Recommendation(ordinal, kind, block.text, ext.span(block.start, block.end), part, tags))


def _theme_title(block: Block, following: list[Block]) -> bool:
    """A numbered line that reads as a title and heads bullets is a theme of the list, not an item."""
    if not following or following[0].shape != "bullet" or block.words > 16 or OPENS_SUB_LIST.search(block.text):
        return False  # '7. Improve ... by ensuring that:' is an item whose bullets are its parts
    return is_heading(block.text)


def _add_numbered(ext: Extraction, block: Block, kind: str, part: str) -> None:
    """A numbered item, split where a page break ran the next item's number into it ('... safe in 155. Review')."""
    start = block.start
    if block.number and block.number.isdigit():
        nxt = re.search(rf"\s{int(block.number) + 1}\.\s+(?=[A-Z])", block.text)
        if nxt:
            first = Block(block.index, start, start + nxt.start(), block.text[:nxt.start()], "numbered", block.number)
            _add_recommendation(ext, first, kind, part)
            start = block.start + nxt.end()
            block = Block(block.index, start, block.end, block.text[nxt.end():], "numbered", str(int(block.number) + 1))
    _add_recommendation(ext, block, kind, part)


def _extend_recommendation(ext: Extraction, block: Block) -> None:
    """Sub-bullets belong to the item above them: its span (and so its quoted text) runs on over them."""
    if not ext.recommendations:
        return
    last = ext.recommendations[-1]
    span = ext.span(last.span.start, block.end)
    tags = last.framework_tags + tuple(m.group(1).lower() for m in FRAMEWORK_TAG.finditer(block.text))
    ext.recommendations[-1] = Recommendation(last.ordinal, last.kind, span.text, span, last.part, tags)


def _add_finding(ext: Extraction, block: Block, section: str) -> None:
    if block.words < 4:
        return
    ordinal = len(ext.findings) + 1
    marker = "(recommendation)" in block.text.lower()
    finding = Finding(ordinal, section, block.text, ext.span(block.start, block.end), block.number, marker)
    ext.findings.append(finding)


def read_references(ext: Extraction, blocks: list[Block]) -> None:
    """Earlier visits named anywhere in the text (the letter's opening paragraph included)."""
    finding_at = {f.span.start: f.ordinal for f in ext.findings}
    for block in blocks:
        _add_references(ext, block, finding_at.get(block.start))
    if ext.kind == "monitoring-visit":
        inspections = [r for r in ext.references if r.kind == "inspection" and r.month]
        ext.concerns_from = next((r for r in inspections if r.grade == "inadequate"), inspections[0] if inspections else None)
        if ext.concerns_from is None and ext.recommendations:
            ext.problems.append("areas of concern found but not the inspection they come from")


def _add_references(ext: Extraction, block: Block, finding_ordinal: int | None) -> None:
    """Kind, month (or year) and the grade the text gives of each earlier visit named in a block."""
    if not YEAR_DIGITS.search(block.text):  # every pattern needs a four-digit year: most blocks have none
        return
    seen = {r.span.start for r in ext.references}
    for pattern in REFERENCES:
        for match in pattern.finditer(block.text):
            start = block.start + match.start()
            if start in seen:
                continue
            when = match.group("when").split()
            year = int(when[-1])
            month = month_number(when[0]) if len(when) == 2 else None
            kind_text = (match.group("kind") or "inspection").lower()
            kind = "focused-visit" if "focused" in kind_text else "monitoring-visit" if "monitoring" in kind_text else "inspection"
            grade = grade_slug(match.group("grade")) if match.group("grade") else None
            ext.references.append(VisitReference(len(ext.references) + 1, kind, year, month, grade,
                                                 ext.span(start, block.start + match.end()), finding_ordinal))
            seen.add(start)
