"""Every weight and threshold of the follow-through model, in one file that fitting writes.

The values live in ``data/parameters.json`` beside the code: :mod:`ofsted_kg.evaluate.fit` chooses them by
leave-one-authority-out cross-validation on the development gold and writes them there, with the
figures they scored, so no number in the model is set by hand or tuned to one report.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ofsted_kg.derive.classifier import Logistic
from ofsted_kg.derive.lexicon import Lexicon


@dataclass(frozen=True)
class Parameters:
    # evidence score: weights of its parts (used only where no evidence ranker is fitted)
    lexical: float = 0.45
    thematic: float = 0.25
    head: float = 0.3
    topic: float = 0.25
    mention: float = 0.15
    # retrieval: a later visit speaks to a recommendation when its best finding scores this much
    evidence_at: float = 0.34
    near_best: float = 0.6  # further evidence must score within this share of the best
    max_evidence: int = 5
    # status: share of positive weight that decides, and how movement ('improved') counts
    addressed_at: float = 0.7
    not_addressed_at: float = 0.4
    mixed_at: float = 1.01  # both kinds of cue at least this strong relative to each other: partially (1.01: off)
    progress_weight: float = 0.5
    explicit_needs_subject: bool = True  # a blanket 'have been addressed' decides only with the subject's words
    # repeats
    repeat_at: float = 0.42
    clear_repeat_at: float = 0.33
    clear_margin: float = 0.2
    repeat_every_match: bool = False  # every item of the nearest earlier report above the threshold, not the best
    repeat_components: bool = False  # also an older report's item on a theme the nearer chosen ones do not share
    # fitted models (None: the thresholds above decide)
    link_model: Logistic | None = None  # classes ('none', 'link') over followup.link_features
    link_at: float = 0.5
    evidence_floor: float = 0.34  # evidence beyond the best must score at least this
    status_model: Logistic | None = None  # classes: the three statuses, over followup.status_features
    status_lexicon: Lexicon | None = None  # word and word-pair likelihoods of the gold's evidence quotes by status
    evidence_ranker: Logistic | None = None  # classes ('other', 'evidence') over ranker.ranker_rows: the
                                             # evidence score is its probability, the weights above unused
    repeat_model: Logistic | None = None  # classes ('none', 'repeat') over features.repeat_rows; repeat_at
                                          # is then the probability that keeps a candidate

    def with_(self, **changes) -> "Parameters":
        return replace(self, **changes)

    def as_dict(self) -> dict:
        out = asdict(self)
        for name in ("link_model", "status_model", "repeat_model", "evidence_ranker"):
            model = getattr(self, name)
            out[name] = model.as_dict() if model is not None else None
        out["status_lexicon"] = self.status_lexicon.as_dict() if self.status_lexicon is not None else None
        return out


PARAMETERS_FILE = "parameters.json"


@lru_cache(maxsize=1)
def load() -> Parameters:
    """The shipped, fitted parameters (defaults where the file says nothing)."""
    path = resources.files("ofsted_kg") / "data" / PARAMETERS_FILE
    if not path.is_file():
        return Parameters()
    return from_dict(json.loads(path.read_text(encoding="utf-8")).get("parameters", {}))


def from_dict(values: dict) -> Parameters:
    known = {f.name: f.type for f in fields(Parameters)}
    unknown = set(values) - set(known)
    if unknown:
        raise ValueError(f"unknown parameters: {', '.join(sorted(unknown))}")
    values = dict(values)
    for name in ("link_model", "status_model", "repeat_model", "evidence_ranker"):
        if values.get(name) is not None:
            values[name] = Logistic.from_dict(values[name])
    if values.get("status_lexicon") is not None:
        values["status_lexicon"] = Lexicon.from_dict(values["status_lexicon"])
    return Parameters(**values)


def save(params: Parameters, path: Path, report: dict) -> None:
    """Write fitted parameters with the figures that justify them (temp file, then rename)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"parameters": params.as_dict(), "fit": report}, indent=2, sort_keys=True) + "\n",
                   encoding="utf-8")
    tmp.replace(path)
