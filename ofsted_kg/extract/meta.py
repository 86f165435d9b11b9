"""Extract the visit: kind, authority, dates, inspectors and judgements.

Each fact is found through a table of patterns rather than one parser per
report kind: the same tables read SIF reports, ILACS reports, the 2026
framework and every era of letter.
"""
from __future__ import annotations

import datetime as dt
import re

from ofsted_kg.extract.authorities import fold, resolve
from ofsted_kg.extract.dates import parse_range
from ofsted_kg.extract.model import Extraction, Judgement
from ofsted_kg.extract.segment import Block

TITLE = 800  # characters holding the title block
FRONT = 6000  # characters at the top of a report where title, dates and grades live

# (kind, framework, pattern); first match wins, so the specific kinds come first.
KINDS = [
    ("monitoring-visit", "ILACS", r"\bmonitoring visit to\b|findings of (?:the|a|our) monitoring visit"),
    ("focused-visit", "ILACS", r"\bfocused visit to\b|findings of (?:the|a|our) focused visit"),
    ("inspection", "SIF", r"inspection of services for children in need of help and protection"),
    ("lscb-review", "SIF", r"review of the effectiveness of the local safeguarding children board"),
    ("inspection", "pre-2014", r"inspection of (?:safeguarding and )?looked after children.?s? services"
                               r"|inspection of local authority arrangements for the protection of children"),
    ("inspection", "ILACS", r"inspection of .{0,80}?children.s (?:social care )?services"),
    ("inspection", "ILACS", r"^inspection of (?:the )?[a-z'’ ]{2,60}? trust\b"),  # services run by a trust
    ("jtai", "JTAI", r"joint targeted area inspection of"),
]
FRAMEWORK_2026 = dt.date(2026, 4, 1)

# Title forms that carry the authority's name; the name must then resolve against the lookup table.
AUTHORITY_PATTERNS = [
    r"^inspection of (?:the )?(?P<name>.+?) (?:local authority )?children.s (?:social care )?services",
    r"^inspection of (?:the )?(?P<name>[^,.]+? trust)\b",
    r"^inspection of (?:safeguarding and )?looked after children.?s? services:?\s+(?P<name>[^,.\n]{3,80}?)(?:\s+inspection dates?|$)",
    r"^(?:focused|monitoring) visit to (?:the )?(?P<name>.+?) (?:local authority )?children.s services",
    r"findings of (?:the|a|our) (?:focused|monitoring) visit to (?:the )?(?P<name>.+?) (?:local authority )?children.s",
]
REPORT_TITLE = re.compile(r"\s+(?=(?:re-?)?inspection of |review of the effectiveness)", re.IGNORECASE)
TITLE_WORDING = re.compile(  # a title's or dates' line, never an authority's name
    r"^((?:re-?)?inspection of|review of|and$|inspection dates?|\d+$|report published)", re.IGNORECASE)

DATE_ANCHORS = [
    r"inspection dates?\s*:?",
    r"(?:focused|monitoring) visit\b.{0,200}?\s(?:on|between|from)\s+(?:the\s+)?(?=\d)",
    r"(?:visit|inspection) (?:took place|was carried out|happened) (?:on|between|from)\s+(?=\d)",
]
PUBLISHED = re.compile(r"report published:?\s*|\bpublished:\s*", re.IGNORECASE)

GRADE_WORDS = [
    ("requires-improvement", r"requires? improvement(?: to be good)?"),
    ("outstanding", r"outstanding"),
    ("inadequate", r"inadequate"),
    ("adequate", r"adequate"),
    ("good", r"good"),
]
GRADE_RE = "|".join(f"(?:{pattern})" for _, pattern in GRADE_WORDS)
OVERALL = re.compile(
    rf"(?:overall effectiveness:?\s*|overall judgement is (?:that )?(?:children.s services )?(?:are |is )?"
    rf"|children.s services in .{{2,70}}? (?:are |is )?)({GRADE_RE})\b", re.IGNORECASE)
LSCB = re.compile(
    rf"^(?:the )?(?:effectiveness of the )?(?:local safeguarding children board|lscb)(?: \(lscb\))?\s+(?:is\s+|are\s+)?({GRADE_RE})\b",
    re.IGNORECASE | re.MULTILINE)
# a judgement-table row; a ruled line the PDF prints after the last row reads as trailing underscores
AREA_GRADE = re.compile(rf"^(?:\d(?:\.\d)?\.?\s+)?(?P<area>[A-Z][^:]{{8,140}}?)[\s:]+(?P<grade>{GRADE_RE})\s*\.?(?:\s*_+)?$", re.IGNORECASE)
MAIN_FINDINGS = re.compile(r"^record of main findings:?\s*(?P<service>[^\n]{0,80}?)\s*$", re.IGNORECASE | re.MULTILINE)
RECORD_CELL = re.compile(rf"(?P<area>[A-Za-z][A-Za-z ,'’]{{3,90}}?)\s+(?P<grade>{GRADE_RE})\b(?=\s|$)", re.IGNORECASE)
GRADED_KINDS = {"inspection"}
SKIP_AREAS = re.compile(r"^(judgement|overall|grade|children.s services in|the overall|this local authority)", re.IGNORECASE)

TEAM_ROLES = re.compile(
    r"(lead inspector|deputy lead inspectors?|team inspectors?|shadow inspectors?|additional inspectors?|"
    r"inspectors?|senior data analyst|data analyst|quality assurance manager|senior hmi|regulatory inspectors?)"
    r"(?:\s*\([^)]{0,60}\))?\s*:",
    re.IGNORECASE)
NOT_INSPECTORS = {"senior data analyst", "data analyst", "quality assurance manager", "senior hmi"}
LETTER_TEAM = re.compile(
    r"(?:(?:inspectors?|hmi)(?: for this visit| on this visit| who carried out this visit)?(?: was| were)|carried out by)"
    r"\s+(?P<names>[^.]{3,300}?)"
    r"(?:\.(?:\s|$)|, all of whom|, both of whom|$)", re.IGNORECASE)
NAME = re.compile(r"^[A-Z][a-zA-Z'’\-]+(?: (?:[A-Z][a-zA-Z'’\-]+|de|van|von|le|la|du)){1,3}$")
REPORTING = re.compile(r"(?i:reporting inspector):?\s+(?P<names>[A-Z][^\n:]{2,60}?)(?=\s+HMI\b|\s+age group|\s*$)", re.MULTILINE)
# SIF-era teams add "AI" (additional or associate inspector), in capitals only: "Ai" could be a name
TITLE_WORDS = re.compile(r"\b(?:his|her) majesty.s inspectors?\b|\bhmi\b|\boi\b|\bscri\b|\bsenior hmi\b|\bsocial care regulatory inspectors?\b|\bsocial care\b|\bofsted inspector\b|\b(?:additional|associate) inspectors?\b|(?-i:\bAI\b)", re.IGNORECASE)


def grade_slug(text: str) -> str:
    lowered = text.lower()
    return next(slug for slug, pattern in GRADE_WORDS if re.fullmatch(pattern, lowered))


def detect_kind(canonical: str) -> tuple[str, str] | None:
    """(kind, framework) of the report, or None when no known report heading is present."""
    for size in (TITLE, FRONT):  # the title decides; the opening pages only when the title says nothing
        head = " ".join(canonical[:size].split()).lower()
        for kind, framework, pattern in KINDS:
            if re.search(pattern, head):
                return kind, framework
    return None


def read_visit(ext: Extraction, blocks: list[Block]) -> None:
    """Fill in authority, dates, people and grades of ``ext`` from its blocks."""
    _authority(ext, blocks)
    _dates(ext, blocks)
    _inspectors(ext, blocks)
    _judgements(ext, blocks)
    if ext.kind == "inspection" and ext.framework == "ILACS" and ext.start and ext.start >= FRAMEWORK_2026:
        ext.framework = "2026"


def _front(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.start < FRONT]


def _authority(ext: Extraction, blocks: list[Block]) -> None:
    """The authority's name as printed: from a title form, else a name-only line at the top.

    A title's name that the lookup cannot resolve is kept only when nothing else names a known authority,
    so that 'Inspection of X Trust' never hides the council's name printed on the line above.
    """
    printed: tuple[str, int] | None = None
    for block in _front(blocks):
        for pattern in AUTHORITY_PATTERNS:
            match = re.search(pattern, block.text, re.IGNORECASE)
            if match and fold(match.group("name")):  # 'Inspection of local authority children's services' names none
                name, start = match.group("name").strip(" ,"), block.start + match.start("name")
                if resolve(name):
                    return _set_authority(ext, name, start)
                printed = printed or (name, start)
    for block in _front(blocks)[:4]:  # SIF and 2018 reports open with the authority's name, then the title
        name = REPORT_TITLE.split(block.text, maxsplit=1)[0]
        if not TITLE_WORDING.match(name) and len(name.split()) <= 8 and not name.endswith(".") and resolve(name):
            return _set_authority(ext, name, block.start)  # a known name only: never a date, postcode or inspector
    if printed:
        _set_authority(ext, *printed)
        ext.problems.append(f"authority not in the lookup table: {printed[0]!r}")
        return
    ext.problems.append("authority name not found")


def _set_authority(ext: Extraction, name: str, start: int) -> None:
    ext.authority_name = name
    ext.authority_span = ext.span(start, start + len(name))


def _dates(ext: Extraction, blocks: list[Block]) -> None:
    text = ext.canonical
    letter = _letter_date(blocks) if ext.kind in {"focused-visit", "monitoring-visit"} else None
    for anchor in DATE_ANCHORS:
        match = re.search(anchor, text[:FRONT], re.IGNORECASE)
        if match:
            found = parse_range(text, match.end(), min(len(text), match.end() + 160), before=letter)
            if found:
                ext.start, ext.end = found.start, found.end
                ext.dates_span = ext.span(found.begin, found.stop)
                break
    if ext.start is None:
        ext.problems.append("visit dates not found")
    published = PUBLISHED.search(text[:FRONT])
    if published:
        found = parse_range(text, published.end(), published.end() + 40)
        ext.published = found.start if found else None
    elif ext.kind in {"focused-visit", "monitoring-visit"}:
        ext.published = letter


def _letter_date(blocks: list[Block]) -> dt.date | None:
    """A letter's date is a block of its own above 'Dear ...'."""
    for block in blocks[:25]:
        if block.text.lower().startswith("dear "):
            break
        found = parse_range(block.text)
        if found and found.begin == 0 and len(block.text) - found.stop < 3 and found.start == found.end:
            return found.start
    return None


def _inspectors(ext: Extraction, blocks: list[Block]) -> None:
    names: list[str] = []
    lead = None
    for i, block in enumerate(blocks):
        if TEAM_ROLES.match(block.text) or re.search(r"lead inspector\s*:", block.text, re.IGNORECASE):
            text = block.text
            if text.rstrip().endswith(",") and i + 1 < len(blocks) and ":" not in blocks[i + 1].text:
                text += " " + blocks[i + 1].text  # 'Team inspectors: A HMI, B HMI,' / 'C HMI, D HMI' on the next line
            for role, people in _roles(text):
                if role.lower() in NOT_INSPECTORS:
                    continue
                found = _names(people)
                if role.lower() == "lead inspector" and found and lead is None:
                    lead = found[0]
                names.extend(found)
    reporting = None if names else REPORTING.search(ext.canonical[:FRONT])
    if reporting:  # pre-2014 reports name one reporting inspector at the top
        names = _names(reporting.group("names"))
        lead = names[0] if names else None
    if not names and ext.kind in {"focused-visit", "monitoring-visit", "jtai"}:
        for block in blocks[:40]:
            match = LETTER_TEAM.search(block.text)
            if match:
                names = _names(match.group("names"))
                if names:
                    break
        signer = _signatory(blocks)
        lead = signer if signer in names else (names[0] if names else signer)
    ext.inspectors = list(dict.fromkeys(names))
    ext.lead_inspector = lead or (ext.inspectors[0] if ext.inspectors else None)
    if ext.lead_inspector and ext.lead_inspector not in ext.inspectors:
        ext.inspectors.insert(0, ext.lead_inspector)
    if not ext.inspectors:
        ext.problems.append("inspectors not found")


def _roles(text: str) -> list[tuple[str, str]]:
    """'Lead inspector: A Deputy lead inspector: B' -> [('Lead inspector', 'A'), ('Deputy lead inspector', 'B')]."""
    parts = TEAM_ROLES.split(text)
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


def _names(text: str) -> list[str]:
    """Person names from 'A, HMI, and B, HMI' or 'Lisa Summers, His Majesty's Inspector'."""
    text = TITLE_WORDS.sub(",", text)
    text = re.sub(r"\(.*?\)|\d+$", "", text)
    out = []
    for piece in re.split(r",|\band\b|;|&", text):
        piece = " ".join(piece.replace("’", "'").split()).strip(" .")
        if NAME.match(piece):
            out.append(piece)
    return out


def _signatory(blocks: list[Block]) -> str | None:
    for i, block in enumerate(blocks):
        if block.text.lower().startswith("yours sincerely"):
            rest = block.text[len("yours sincerely"):].strip(" ,")
            candidates = [rest] if rest else [b.text for b in blocks[i + 1:i + 3]]
            for candidate in candidates:
                found = _names(candidate)
                if found:
                    return found[0]
    return None


def _judgements(ext: Extraction, blocks: list[Block]) -> None:
    """Grades from the judgement table (flattened however the PDF was read) and the overall grade."""
    front = " ".join(ext.canonical[:FRONT].split())
    overall = OVERALL.search(front)
    if overall and ext.kind in GRADED_KINDS:  # a letter recalling the last inspection's grade is not graded itself
        ext.overall_grade = grade_slug(overall.group(1))
    if ext.framework == "pre-2014":
        return _main_findings(ext)
    table = _table_blocks(blocks)
    for block in table:
        match = AREA_GRADE.match(block.text)
        if match and not SKIP_AREAS.match(match.group("area")):
            area = " ".join(match.group("area").split()).rstrip(" :")
            ext.judgements.append(Judgement(area, grade_slug(match.group("grade")), ext.span(block.start, block.end)))
    lscb = LSCB.search(ext.canonical)
    if lscb and not any("safeguarding children board" in j.area.lower() for j in ext.judgements):
        span = ext.span(lscb.start(), lscb.end())
        ext.judgements.append(Judgement("Local Safeguarding Children Board", grade_slug(lscb.group(1)), span))


def _main_findings(ext: Extraction) -> None:
    """Pre-2014 reports grade in a flattened 'Record of main findings' table at the end, per service."""
    for table in MAIN_FINDINGS.finditer(ext.canonical):
        body_start = table.end()
        body = ext.canonical[body_start:body_start + 1500]
        service = table.group("service").strip()
        prefix = "" if len(MAIN_FINDINGS.findall(ext.canonical)) < 2 else f"{service}: "
        for cell in RECORD_CELL.finditer(body):
            area = " ".join(cell.group("area").split())
            span = ext.span(body_start + cell.start(), body_start + cell.end())
            if area.lower() == "overall effectiveness":
                ext.overall_grade = ext.overall_grade or grade_slug(cell.group("grade"))
            else:
                ext.judgements.append(Judgement(prefix + area, grade_slug(cell.group("grade")), span))


def _table_blocks(blocks: list[Block]) -> list[Block]:
    """The judgement table's rows, each 'area grade' even when the PDF put the grade on its own line."""
    rows: list[Block] = []
    pending: Block | None = None
    for block in _front(blocks)[:60]:
        if block.words > 40:
            if rows:
                break
            continue
        if re.fullmatch(GRADE_RE, block.text.strip(" ."), re.IGNORECASE) and pending is not None:
            merged = f"{pending.text} {block.text}"
            rows.append(Block(pending.index, pending.start, block.end, merged, "body"))
            pending = None
        elif AREA_GRADE.match(block.text):
            if not SKIP_AREAS.match(AREA_GRADE.match(block.text).group("area")):
                rows.append(block)
            pending = None
        else:
            pending = block if block.shape in {"heading", "numbered"} and block.words >= 2 else None
    return rows
