"""How often people correct the machine: its statuses scored against the reviews as if they were gold.

A team that reviews statuses learns where the machine goes wrong from its own corrections: links it should not
have made (the reviewer says the visit does not speak to the recommendation), links it missed (the reviewer
gives a status at a visit it did not link), and statuses it read wrongly where both agree the visit speaks to
it, exactly and within one step (addressed / partially / not addressed), with the confusion matrix and the
authorities most often corrected.  Reviews whose recommendation the graph lacks are counted apart.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ofsted_kg.review.records import Review
from ofsted_kg.stores import Store

FOLLOW_UPS = """SELECT DISTINCT ?rec ?later ?s WHERE { ?fu a okg:FollowUp ; okg:recommendation ?rec ;
  okg:assessedAt ?later ; okg:status ?s }"""
RECOMMENDATIONS = "SELECT DISTINCT ?rec WHERE { ?rec a okg:Recommendation }"
NONE = "does-not-speak-to-it"
STEP = {"not-addressed": 0, "partially-addressed": 1, "addressed": 2}


@dataclass
class Score:
    figures: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _share(k: int, n: int) -> str:
    return f"{k}/{n} = {k / n:.2f}" if n else "0/0"


def score_reviews(engine: Store, reviews: list[Review]) -> Score:
    """The machine's follow-ups in ``engine`` against ``reviews`` (see the module docstring)."""
    machine = {(str(r["rec"]), str(r["later"])): _key(r["s"]) for r in engine.select(FOLLOW_UPS)[1]}
    known = {str(r["rec"]) for r in engine.select(RECOMMENDATIONS)[1]}
    scored = [(r, machine.get(r.pair, NONE)) for r in reviews if r.recommendation in known]
    out = Score()
    both = [(r, m) for r, m in scored if m != NONE and r.status != NONE]
    agree = sum(r.status == m for r, m in scored)
    out.figures["reviews"] = {
        "reviews": str(len(reviews)), "matching this graph": str(len(scored)),
        "machine agrees with the reviewer": _share(agree, len(scored)),
        "corrected": _share(len(scored) - agree, len(scored))}
    out.figures["links"] = {
        "linked, reviewer says it does not speak to it": str(sum(m != NONE and r.status == NONE for r, m in scored)),
        "not linked, reviewer gives a status": str(sum(m == NONE and r.status != NONE for r, m in scored)),
        "link precision": _share(sum(m != NONE and r.status != NONE for r, m in scored), sum(m != NONE for _, m in scored)),
        "link recall": _share(len(both), sum(r.status != NONE for r, _ in scored))}
    out.figures["status where both link"] = {
        "exact": _share(sum(r.status == m for r, m in both), len(both)),
        "within one step": _share(sum(abs(STEP[r.status] - STEP[m]) <= 1 for r, m in both), len(both))}
    pairs = Counter((m, r.status) for r, m in scored)
    out.figures["confusion (machine -> reviewer)"] = {f"{m} -> {s}": str(n) for (m, s), n in sorted(pairs.items())}
    by_key = Counter(r.key for r, m in scored if r.status != m)
    out.figures["corrections by authority"] = {str(k): str(n) for k, n in sorted(by_key.items(), key=lambda kv: (-kv[1], kv[0]))}
    out.errors = [f"{r.recommendation} at {r.visit}: machine {m}, reviewer {r.status} ({r.reviewer}: {r.reason})"
                  for r, m in scored if r.status != m]
    return out


def _key(term) -> str:
    from ofsted_kg.review.records import status_key
    return status_key(str(term).rsplit("#", 1)[-1]) or str(term)
