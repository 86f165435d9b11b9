"""What ``evaluate --cross-validate`` prints: per-stage figures (hand-set, in-sample, cross-validated),
each fold, the status confusion matrix and a reliability table of the confidence."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ofsted_kg.derive.parameters import Parameters, save
from ofsted_kg.evaluate.fit import STATUSES, cross_validate, figures, fit, prepare, read_gold, total

STAGES = [("retrieval", ["links found", "link precision", "evidence"]),
          ("status", ["status exact", "status within one", "status exact where linked", "current status exact"]),
          ("repeats", ["repeats recall", "repeats precision"])]


def report_cross_validation(data, golds: list[Path], write: Path | None = None, as_json: bool = False) -> str:
    """Fit leave-one-authority-out on ``golds`` over the graph ``data``; the figures as text (or JSON)."""
    gold = read_gold(golds)
    base = Parameters()  # fitting starts from the defaults, never from the shipped (fitted) file
    cases = prepare(data, gold, base)
    hand = total(cases, base)
    fitted = fit(cases, base)
    in_sample = total(cases, fitted)
    cv, folds = cross_validate(cases, base)
    result = {"authorities": [c.gss for c in cases], "hand-set": figures(hand), "in-sample": figures(in_sample),
              "cross-validated": figures(cv), "folds": {gss: figures(c) for gss, _, c in folds},
              "counts": {"cross-validated": dict(sorted(cv.items())), "in-sample": dict(sorted(in_sample.items()))}}
    if write:
        save(fitted, write, {k: result[k] for k in ("authorities", "hand-set", "in-sample", "cross-validated")})
    if as_json:
        return json.dumps(result, indent=2, sort_keys=True)
    return "\n".join(_text(result, cv))


def _text(result: dict, cv: Counter) -> list[str]:
    lines = [f"leave-one-authority-out over {len(result['authorities'])} authorities: "
             + ", ".join(result["authorities"]), "",
             f"{'stage / figure':34s} {'hand-set':>9s} {'in-sample':>10s} {'cross-val':>10s}"]
    for stage, names in STAGES:
        lines.append(stage)
        for name in names:
            lines.append(f"  {name:32s} {result['hand-set'][name]:9.3f} {result['in-sample'][name]:10.3f} "
                         f"{result['cross-validated'][name]:10.3f}")
    lines += ["", "held-out authority: links / link precision / status exact / repeats recall"]
    for gss, f in result["folds"].items():
        lines.append(f"  {gss:12s} {f['links found']:.2f} / {f['link precision']:.2f} / {f['status exact']:.2f} / "
                     f"{f['repeats recall']:.2f}")
    lines += ["", "status confusion, cross-validated (rows: gold; columns: model)"]
    columns = [*STATUSES, "none"]
    lines.append(" " * 22 + "".join(f"{c[:12]:>14s}" for c in columns))
    for status in STATUSES:
        lines.append(f"  {status:20s}" + "".join(f"{cv[f'confusion {status} / {c}']:14d}" for c in columns))
    lines += ["", "confidence band: follow-ups, share with the gold status (cross-validated)"]
    for band in range(10):
        n = cv[f"confidence {band} total"]
        if n:
            lines.append(f"  {band / 10:.1f}-{(band + 1) / 10:.1f}  {n:5d}  {cv[f'confidence {band} right'] / n:.2f}")
    return lines
