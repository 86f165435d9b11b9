"""A small multinomial logistic regression: fitted with numpy, applied in plain Python.

The follow-through model's two decisions (does a later visit speak to a recommendation; which status)
are each a handful of measured features weighed by coefficients fitted on the development gold.  The
coefficients travel in ``data/parameters.json`` as plain numbers, so a build needs no fitting library
and gives the same answer byte for byte: fitting is full-batch gradient descent from zero, with no
random start.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Logistic:
    """Standardisation (mean, scale per feature) and one weight row per class, bias last."""

    classes: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[tuple[float, ...], ...]

    def probabilities(self, x: list[float]) -> dict[str, float]:
        z = [(v - m) / s for v, m, s in zip(x, self.mean, self.scale)]
        logits = [sum(w * v for w, v in zip(row, z)) + row[-1] for row in self.weights]
        top = max(logits)
        exp = [math.exp(v - top) for v in logits]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp)}

    def predict(self, x: list[float]) -> tuple[str, float]:
        probs = self.probabilities(x)
        best = max(self.classes, key=lambda c: (probs[c], -self.classes.index(c)))
        return best, probs[best]

    def as_dict(self) -> dict:
        return {"classes": list(self.classes), "mean": list(self.mean), "scale": list(self.scale),
                "weights": [list(row) for row in self.weights]}

    @classmethod
    def from_dict(cls, d: dict) -> "Logistic":
        return cls(tuple(d["classes"]), tuple(d["mean"]), tuple(d["scale"]), tuple(tuple(r) for r in d["weights"]))


def fit_logistic(rows: list[list[float]], labels: list[str], classes: tuple[str, ...], l2: float = 1.0,
                 steps: int = 400, rate: float = 0.5, class_weight: dict[str, float] | None = None) -> Logistic:
    """Softmax regression with an L2 penalty, by full-batch gradient descent from zero (deterministic)."""
    import numpy as np

    x = np.asarray(rows, dtype=float)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(rows), 1))])
    y = np.zeros((len(rows), len(classes)))
    y[np.arange(len(rows)), [classes.index(v) for v in labels]] = 1.0
    sample = np.asarray([(class_weight or {}).get(v, 1.0) for v in labels])[:, None]
    w = np.zeros((len(classes), z.shape[1]))
    penalty = np.ones_like(w)
    penalty[:, -1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        logits = z @ w.T
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = ((p - y) * sample).T @ z / len(rows) + l2 * penalty * w / len(rows)
        w -= rate * grad
    return Logistic(tuple(classes), tuple(round(float(v), 6) for v in mean), tuple(round(float(v), 6) for v in scale),
                    tuple(tuple(round(float(v), 6) for v in row) for row in w))
