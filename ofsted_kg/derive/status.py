"""Was it addressed?  Read a status from the words of the evidence.

Explicit statements ('have not been addressed effectively') decide first.
Otherwise the sentences of the evidence that speak to the recommendation are
weighed: strengths push towards addressed, weaknesses towards not addressed,
quantifiers ('most', 'some', 'a small number') soften a sentence and imply a
remainder of the other kind, and a sentence after 'However' weighs more.
Every cue that counted is returned, so the decision can be explained.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ofsted_kg.derive.parameters import Parameters, load as load_parameters

# Statements that settle the question, strongest first.  (pattern, status)
EXPLICIT = [
    (r"(?:have|has) not (?:yet )?been (?:fully |effectively |sufficiently |adequately )?addressed", "not-addressed"),
    (r"(?:have|has) been (?:partially|partly) addressed|(?:only )?partially addressed", "partially-addressed"),
    (r"(?:have|has) been (?:fully |largely |effectively |successfully |well )?addressed", "addressed"),
    (r"all (?:areas|recommendations|the areas)[^.]{0,80}?(?:have been|were|are) (?:progressed|addressed|met|resolved)", "addressed"),
    (r"continues? to be (?:of )?(?:variable|inconsistent|weak|poor|too high)|remains? (?:variable|inconsistent|weak|poor|too high)", "not-addressed"),
    (r"(?:limited|insufficient|little|no) progress", "not-addressed"),
    (r"(?:some|steady|slow) progress|not yet (?:fully )?(?:embedded|consistent|evident|sustained)", "partially-addressed"),
]
NEGATION = r"(?:not|no|never|nor|insufficiently|less|without)\s+(?:\w+\s+){0,2}?"
WEAK = [
    r"inconsistent(?:ly)?", r"variab(?:le|ility)", r"var(?:y|ies) in quality", r"delay(?:s|ed)?", r"not always",
    r"not consistently", r"not routinely", r"not sufficiently", r"not yet", r"not (?:fully |well )?understood",
    r"weak(?:er|ness|nesses)?", r"insufficient(?:ly)?", r"too \w+", r"infrequent(?:ly)?",
    r"lack(?:s|ing|ed)?", r"limited", r"poor(?:er|ly)?", r"gaps?", r"deteriorat\w*", r"difficult(?:y|ies)", r"heavy",
    r"high (?:workloads|caseloads)", r"(?:workloads|caseloads) (?:are|remain) high", r"drift", r"shortfalls?",
    r"ineffective", r"need(?:s)? to improve", r"more to do", r"fragile", r"not (?:robust|effective|timely|clear)",
    r"concerns?", r"unclear", r"overoptimistic", r"slow", r"declin\w+", r"not (?:being )?(?:met|progressed)",
    r"absence of", r"missed", r"increas(?:e|ed|ing) in complexity",
]
# Movement, not arrival: improvement says the thing was lacking and is getting better.
PROGRESS = [
    r"improv(?:ed|es|ing|ement|ements)", r"(?:made|making|some|steady) progress",
    r"progressed", r"(?:started|begun|beginning|starting) to", r"strengthened", r"developing", r"more consistent",
]
STRONG = [
    r"robust(?:ly)?", r"strong(?:ly)?", r"strengths?", r"effective(?:ly)?",
    r"well (?:established|embedded|understood|supported|attended|coordinated|managed)", r"timely", r"thorough",
    r"high[- ]quality", r"skilled", r"embedded", r"prompt(?:ly)?", r"swift(?:ly)?", r"comprehensive", r"stable",
    r"safe and suitable", r"manageable", r"(?:started|begun|continue) to reduce", r"reduced", r"significant progress",
    r"impressive", r"outstanding", r"good", r"positive", r"appropriate(?:ly)?", r"consistently (?:good|strong|well)",
    r"clear(?:ly)?", r"benefit(?:s|ed)? from", r"successful(?:ly)?", r"sustained",
]
SOFT = (r"\b(?:most|the majority of|many|generally|mostly|usually|largely)\b", 0.7, 0.3)
SCANT = (r"\b(?:some|sometimes|a small number of|a few|a minority of|a very small number of|not all)\b", 0.6, 0.25)
CONTRAST = re.compile(r"^(?:however|although|despite|but|nevertheless|while)\b", re.IGNORECASE)
WEAK_RE = re.compile(r"\b(?:" + "|".join(WEAK) + r")\b", re.IGNORECASE)
STRONG_RE = re.compile(r"\b(?:" + "|".join(STRONG) + r")\b", re.IGNORECASE)
PROGRESS_RE = re.compile(r"\b(?:" + "|".join(PROGRESS) + r")\b", re.IGNORECASE)
NEGATED_STRONG_RE = re.compile(r"\b" + NEGATION + r"(?:" + "|".join(STRONG) + r")\b", re.IGNORECASE)
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“(])")


@dataclass
class Verdict:
    status: str
    positive: float
    negative: float
    cues: list[str] = field(default_factory=list)
    explicit: str | None = None  # the words of an explicit statement
    explicit_status: str | None = None  # ... and the status they state
    sentences: list[str] = field(default_factory=list)  # the evidence sentences that were read, in order

    @property
    def balance(self) -> float:
        total = self.positive + self.negative
        return self.positive / total if total else 0.5


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.split(text) if s.strip()]


@lru_cache(maxsize=1 << 16)  # a finding is evidence for several recommendations: assess it once
def explicit_status(text: str) -> tuple[str, str] | None:
    for pattern, status in EXPLICIT:
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            return status, match.group(0)
    return None


def weigh(sentence: str, progress: float = 0.5) -> tuple[float, float, list[str]]:
    """(positive, negative, cues) of one sentence; ``progress`` is what 'improved' counts on each side."""
    positive, negative, cues = _weigh(sentence, progress)
    return positive, negative, list(cues)


@lru_cache(maxsize=1 << 16)
def _weigh(sentence: str, progress: float) -> tuple[float, float, tuple[str, ...]]:
    cues: list[str] = []
    negated = [m.group(0) for m in NEGATED_STRONG_RE.finditer(sentence)]
    rest = NEGATED_STRONG_RE.sub(" ", sentence)
    weak = [m.group(0) for m in WEAK_RE.finditer(rest)]
    rest = WEAK_RE.sub(" ", rest)
    moving = [m.group(0) for m in PROGRESS_RE.finditer(rest)]
    strong = [m.group(0) for m in STRONG_RE.finditer(PROGRESS_RE.sub(" ", rest))]
    positive = len(strong) + progress * len(moving)
    negative = len(weak) + len(negated) + progress * len(moving)
    cues += [f"+{c}" for c in strong] + [f"-{c}" for c in weak + negated] + [f"±{c}" for c in moving]
    for pattern, keep, remainder in (SOFT, SCANT):
        quant = re.search(pattern, sentence, re.IGNORECASE)
        if quant and (positive or negative):
            cues.append(f"~{quant.group(0).lower()}")
            positive, negative = positive * keep + negative * remainder, negative * keep + positive * remainder
            break
    if CONTRAST.match(sentence):
        positive, negative = positive * 1.3, negative * 1.3
    return positive, negative, tuple(cues)


@lru_cache(maxsize=1 << 14)
def _sentence_words(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The sentences of an evidence paragraph (in order), each with its words."""
    from ofsted_kg.derive.similarity import tokens

    return tuple((sentence, frozenset(tokens(sentence))) for sentence in sentences(text))


RANK_WEIGHTS = (1.0, 0.6, 0.4, 0.3, 0.2)  # the best-matching evidence speaks loudest


def assess(evidence: list[str], relevant: list[set[str]] | None = None, p: Parameters | None = None) -> Verdict:
    """Status from evidence paragraphs, best first; ``relevant`` picks, per paragraph, the words that make a sentence count."""
    p = p or load_parameters()
    positive = negative = 0.0
    cues: list[str] = []
    read: list[str] = []
    explicit = None
    for i, text in enumerate(evidence):
        found = explicit_status(text)
        if found and explicit is None and not (p.explicit_needs_subject and relevant and not _says_subject(text, found, relevant[i])):
            explicit = found
        parts = _sentence_words(text)
        every = [sentence for sentence, _ in parts]
        chosen = every if not relevant else [s for s, words in parts if relevant[i] & words] or every[:1]
        rank = RANK_WEIGHTS[min(i, len(RANK_WEIGHTS) - 1)]
        first = every[0] if every else None
        read += chosen
        for sentence in chosen:
            plus, minus, c = _weigh(sentence, p.progress_weight)
            weight = rank * (1.5 if sentence == first else 1.0)  # a paragraph's first sentence states its point
            positive, negative = positive + plus * weight, negative + minus * weight
            cues += c
    verdict = Verdict("partially-addressed", positive, negative, cues, sentences=read)
    if explicit:
        verdict.explicit_status, verdict.explicit = explicit
    verdict.status = classify(verdict, p)
    return verdict


def classify(verdict: Verdict, p: Parameters) -> str:
    """The status the weighed cues give under ``p``'s thresholds (an explicit statement decides first)."""
    if verdict.explicit_status:
        return verdict.explicit_status
    positive, negative = verdict.positive, verdict.negative
    mixed = min(positive, negative) / max(positive, negative) if min(positive, negative) > 0 else 0.0
    if mixed >= p.mixed_at:
        return "partially-addressed"  # strengths and weaknesses of like weight on the point: a real middle
    if verdict.balance >= p.addressed_at:
        return "addressed"
    if verdict.balance <= p.not_addressed_at:
        return "not-addressed"
    return "partially-addressed"


def _says_subject(text: str, found: tuple[str, str], subject: set[str]) -> bool:
    """Whether the sentence holding an explicit statement names the recommendation's subject: 'areas for
    improvement identified at the last inspection have been addressed' is a blanket back-reference, not evidence."""
    for sentence, words in _sentence_words(text):
        if found[1] in sentence:
            return bool(subject & words)
    return True
