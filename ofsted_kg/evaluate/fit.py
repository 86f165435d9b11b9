"""Fit and measure the follow-through model: leave-one-authority-out over hand-made gold.

Each authority of the gold (the seeds count as one more) is a fold.  For every fold the parameters
(:mod:`ofsted_kg.derive.parameters`) are chosen on the other authorities and scored on the held-out one, stage
by stage: retrieval (does a later visit speak to a recommendation, with which evidence), status
(addressed / partially / not), repeats.  Summed over folds these are the cross-validated figures; the
same search on all authorities gives the shipped parameters and the in-sample figures beside them.

Scoring follows the project's gold rules (``GUIDELINES.md``): quotes match as substrings after
folding case, hyphens, punctuation and white space; a gold follow-up is found when the model links
the same recommendation at the same later visit.
"""
from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from rdflib import URIRef

from ofsted_kg.derive.classifier import Logistic, fit_logistic
from ofsted_kg.derive.features import link_features, repeat_rows, restated_by, status_features
from ofsted_kg.derive.followup import (
    best_parts,
    by_score,
    current_status,
    decide,
    eligible,
    evidence_parts,
    load_items,
    ranked,
)
from ofsted_kg.derive.lexicon import Lexicon, fit_lexicon
from ofsted_kg.derive.parameters import Parameters
from ofsted_kg.derive.ranker import fit_ranker, probabilities, ranker_rows
from ofsted_kg.derive.repeats import choose_repeats, repeat_strengths, restatements
from ofsted_kg.derive.units import Candidates, FollowUp, Item, Unit, unit_of
from ofsted_kg.evaluate.gold import ORDER, norm, read_csv  # the gold's folding of quotes, and its tables

STATUSES = tuple(sorted(ORDER, key=ORDER.get))  # not, partially, addressed: the status model's classes
LINK_AT = [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65]
EVIDENCE_GRID = {"near_best": [0.1, 0.2, 0.3, 0.5, 0.7], "evidence_floor": [0.0, 0.02, 0.05, 0.1, 0.2]}
# A blanket back-reference ('the areas identified at the last inspection have been addressed') is never evidence
# on its own (GUIDELINES.md): an explicit statement counts only where its sentence names the subject.  A rule of
# the gold, not a fitted choice.
STATUS_GRID = {"progress_weight": [0.3, 0.5, 0.7], "explicit_needs_subject": [True], "l2": [0.3, 3.0, 30.0]}
REPEAT_GRID = {"repeat_at": [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6],
               "repeat_every_match": [False, True], "repeat_components": [False, True]}


def read_gold(folders: list[Path]) -> dict[str, list[dict]]:
    """The gold tables of several folders, concatenated (rows carry their authority's GSS code)."""
    return {name: [row for folder in folders for row in read_csv(folder / f"{name}.csv")]
            for name in ("recommendations", "followups", "repeats")}


@dataclass
class Case:
    """One authority: its linking unit, cached rankings, and its gold answers mapped onto graph items."""

    gss: str
    unit: Unit
    rankings: dict[tuple[URIRef, URIRef], list] = field(default_factory=dict)
    parts: dict[tuple[URIRef, URIRef], tuple] = field(default_factory=dict)
    gold_links: dict[tuple[URIRef, URIRef], tuple[str, set[URIRef]]] = field(default_factory=dict)
    gold_current: dict[URIRef, str] = field(default_factory=dict)
    gold_repeats: set[tuple[URIRef, URIRef]] = field(default_factory=set)
    restated: Candidates = field(default_factory=list)
    quotes: list[tuple[str, str]] = field(default_factory=list)  # the gold's evidence quotes, with their status
    pool: dict[tuple[URIRef, URIRef], tuple[list[Item], list[list[float]]]] = field(default_factory=dict)
    ranker: Logistic | None = None  # the evidence ranker ``rankings`` were made with (None: the hand weights)

    @cached_property
    def recs_by_iri(self) -> dict[URIRef, Item]:
        return {rec.iri: rec for rec in self.unit.recs}

    @cached_property
    def restated_by(self) -> dict[tuple[URIRef, URIRef], tuple]:
        """(recommendation, later visit) -> how a later item restates it: a status feature, computed once."""
        return restated_by(self.restated)


def _gss(item: Item) -> str:
    return str(item.authority).rsplit("/", 1)[-1]


def prepare(data, gold: dict[str, list[dict]], base: Parameters) -> list[Case]:
    """Cases for every authority the gold speaks about, with evidence rankings computed once."""
    visits, recs, findings = load_items(data)
    wanted = {r["authority_gss"] for r in gold["recommendations"]}
    by_gss: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for rec in recs:
        by_gss[_gss(rec)][0].append(rec)
    for finding in findings:
        by_gss[_gss(finding)][1].append(finding)
    cases = []
    for gss in sorted(wanted & set(by_gss)):
        unit = unit_of(visits, *by_gss[gss])
        case = Case(gss, unit)
        for rec in unit.recs:
            for later in unit.later[rec.iri]:
                scored = ranked(rec, unit.by_visit[later.iri], unit, base)
                case.rankings[(rec.iri, later.iri)] = scored
                case.parts[(rec.iri, later.iri)] = best_parts(rec, scored, unit)
                pool = eligible(rec, unit.by_visit[later.iri])
                parts = [evidence_parts(rec, f, unit.bm25, unit.index[f.iri]) for f in pool]
                case.pool[(rec.iri, later.iri)] = (pool, ranker_rows(rec, pool, unit, parts))
        case.restated = restatements(unit.recs, unit.visits, unit.bm25, base)
        _map_gold(case, gold)
        cases.append(case)
    return cases


def _map_gold(case: Case, gold: dict[str, list[dict]]) -> None:
    texts = {rec.iri: norm(rec.text) for rec in case.unit.recs}

    def rec_of(quote: str) -> URIRef | None:
        q = norm(quote)
        return next((iri for iri, text in texts.items() if q and q in text), None)

    for row in gold["recommendations"]:
        if row["authority_gss"] == case.gss:
            iri = rec_of(row["quote"])
            if iri is not None:
                case.gold_current[iri] = row["current_status"]
    findings = {f.iri: norm(f.text) for f in case.unit.findings}
    for row in gold["followups"]:
        if row["authority_gss"] == case.gss:
            case.quotes += [(q, row["status"]) for q in row["evidence_quotes"].split("|") if q.strip()]
        if row["authority_gss"] != case.gss or (iri := rec_of(row["rec_quote"])) is None:
            continue
        later = next((v.iri for v in case.unit.later[iri] if v.start[:10] == row["later_visit_start"][:10]), None)
        if later is None:
            continue
        quotes = [norm(q) for q in row["evidence_quotes"].split("|") if q.strip()]
        evidence = {f for f, text in findings.items() if any(q in text for q in quotes)}
        case.gold_links[(iri, later)] = (row["status"], evidence)
    for row in gold["repeats"]:
        if row["authority_gss"] == case.gss:
            a, b = rec_of(row["later_quote"]), rec_of(row["earlier_quote"])
            if a and b:
                case.gold_repeats.add((a, b))


def reranked(case: Case, p: Parameters) -> Case:
    """``case`` with its findings ranked by ``p``'s evidence ranker (the features are computed once, in
    :func:`prepare`; a ranker only weighs them).  The parts the link model reads are the best finding's."""
    if case.ranker is p.evidence_ranker:
        return case
    rankings, parts = {}, {}
    for key, (pool, rows) in case.pool.items():
        scores = probabilities(p.evidence_ranker, rows)
        rankings[key] = by_score(pool, scores)
        best = rankings[key][0][0] if pool else None
        parts[key] = next((tuple(row[:5]) for f, row in zip(pool, rows) if f is best), (0.0,) * 5)
    return replace(case, rankings=rankings, parts=parts, ranker=p.evidence_ranker)


def ranker_groups(cases: list[Case]) -> list[tuple[list[list[float]], list[bool]]]:
    """The ranker's training data: for each gold follow-up, its candidates and which the gold quotes."""
    return [(case.pool[key][1], [f.iri in evidence for f in case.pool[key][0]])
            for case in cases for key, (_, evidence) in sorted(case.gold_links.items()) if key in case.pool]


def predict(case: Case, p: Parameters) -> tuple[dict[tuple, FollowUp], dict[URIRef, str], set[tuple]]:
    """Follow-ups, current statuses and repeats of one case under ``p`` (rankings from the cache)."""
    case = reranked(case, p)
    unit = case.unit
    follow: dict[tuple, FollowUp] = {}
    current = {}
    for rec in unit.recs:
        mine = []
        for later in unit.later[rec.iri]:
            key = (rec.iri, later.iri)
            fu = decide(rec, later, case.rankings[key], p, case.parts[key], case.restated_by.get(key))
            if fu:
                follow[(rec.iri, later.iri)] = fu
                mine.append(fu)
        current[rec.iri] = current_status(mine, unit.later[rec.iri])
    again = {(a.iri, b.iri) for a, b, _ in choose_repeats(case.restated, p)}
    return follow, current, again


def score(case: Case, p: Parameters) -> Counter:
    """Counts of one case: the figures of score.py, plus the status confusion matrix."""
    follow, current, again = predict(case, p)
    c: Counter = Counter()
    c["gold links"] = len(case.gold_links)
    c["predicted links"] = sum(1 for key in follow if key[0] in case.gold_current)
    for key, (status, evidence) in case.gold_links.items():
        fu = follow.get(key)
        if fu is None:
            c[f"confusion {status} / none"] += 1
            continue
        c["links found"] += 1
        c["evidence found"] += int(bool(evidence & {f.iri for f, _ in fu.evidence}))
        c["status exact"] += int(fu.status == status)
        c["status within one"] += int(abs(ORDER[fu.status] - ORDER[status]) <= 1)
        c[f"confusion {status} / {fu.status}"] += 1
        band = min(int(fu.confidence * 10), 9)
        c[f"confidence {band} total"] += 1
        c[f"confidence {band} right"] += int(fu.status == status)
    c["true links"] = sum(1 for key in follow if key in case.gold_links)
    c["gold recommendations"] = len(case.gold_current)
    c["current exact"] = sum(int(current.get(iri) == status) for iri, status in case.gold_current.items())
    c["gold repeats"] = len(case.gold_repeats)
    c["repeats found"] = len(again & case.gold_repeats)
    c["predicted repeats"] = len(again)
    return c


def figures(c: Counter) -> dict[str, float]:
    def ratio(a: str, b: str) -> float:
        return c[a] / c[b] if c[b] else 0.0

    return {"links found": ratio("links found", "gold links"), "evidence": ratio("evidence found", "gold links"),
            "link precision": ratio("true links", "predicted links"), "status exact": ratio("status exact", "gold links"),
            "status within one": ratio("status within one", "gold links"),
            "status exact where linked": ratio("status exact", "links found"),
            "repeats recall": ratio("repeats found", "gold repeats"),
            "repeats precision": ratio("repeats found", "predicted repeats"),
            "current status exact": ratio("current exact", "gold recommendations")}


def _f1(hit: int, gold: int, predicted: int) -> float:
    return 2 * hit / (gold + predicted) if gold + predicted else 0.0


def _grid(base: Parameters, grid: dict[str, list]) -> list[Parameters]:
    names = sorted(grid)
    return [base.with_(**dict(zip(names, values))) for values in itertools.product(*(grid[n] for n in names))]


def total(cases: list[Case], p: Parameters) -> Counter:
    out: Counter = Counter()
    for case in cases:
        out += score(case, p)
    return out


def _pairs(cases: list[Case]):
    """Every (case, rec, later visit, key) the gold has an answer for: its recommendation is in the gold."""
    for case in cases:
        recs = case.recs_by_iri
        for key in case.rankings:
            if key[0] in case.gold_current:
                later = next(v for v in case.unit.later[key[0]] if v.iri == key[1])
                yield case, recs[key[0]], later, key


def _link_probabilities(cases: list[Case], p: Parameters) -> list[tuple[Case, tuple, float]]:
    out = []
    for case, rec, later, key in _pairs(cases):
        scored = case.rankings[key]
        if scored:
            x = link_features(rec, later, scored, case.parts[key])
            out.append((case, key, p.link_model.probabilities(x)["link"]))
    return out


def _retrieval(probs: list[tuple[Case, tuple, float]], gold: int, p: Parameters) -> float:
    """Link F1 over the gold recommendations, plus a tenth of the evidence found (reads no text)."""
    true = predicted = evidence = 0
    for case, key, prob in probs:
        if prob < p.link_at:
            continue
        predicted += 1
        if key in case.gold_links:
            true += 1
            scored = case.rankings[key]
            floor = max(p.evidence_floor, p.near_best * scored[0][1])
            chosen = {f.iri for f, s in scored[:p.max_evidence] if s >= floor} or {scored[0][0].iri}
            evidence += int(bool(chosen & case.gold_links[key][1]))
    return _f1(true, gold, predicted) + 0.1 * evidence / max(1, gold)


def fit(cases: list[Case], base: Parameters) -> Parameters:
    """Stage by stage on ``cases``: the link model and its threshold for link F1 (evidence breaks ties),
    then the status model on the gold pairs it links, then the repeat thresholds.  First of all the evidence
    ranker, whose probabilities every later stage reads as the evidence score."""
    base = base.with_(evidence_ranker=fit_ranker(ranker_groups(cases)))
    cases = [reranked(case, base) for case in cases]
    rows, labels = [], []
    for case, rec, later, key in _pairs(cases):
        if case.rankings[key]:
            rows.append(link_features(rec, later, case.rankings[key], case.parts[key]))
            labels.append("link" if key in case.gold_links else "none")
    p = base.with_(link_model=fit_logistic(rows, labels, ("none", "link")))
    probs = _link_probabilities(cases, p)
    gold = sum(len(c.gold_links) for c in cases)
    grid = [p.with_(link_at=a, **dict(zip(sorted(EVIDENCE_GRID), v)))
            for a in LINK_AT for v in itertools.product(*(EVIDENCE_GRID[n] for n in sorted(EVIDENCE_GRID)))]
    p = max(grid, key=lambda q: (_retrieval(probs, gold, q), -q.link_at, -q.near_best, -q.evidence_floor))
    p = _fit_status(cases, p)
    rows, labels = [], []
    for case in cases:
        for later, scored in case.restated:
            if later.iri in case.gold_current:
                rows += repeat_rows(scored)
                labels += ["repeat" if (later.iri, c.earlier.iri) in case.gold_repeats else "none" for c in scored]
    if "repeat" in labels:
        p = p.with_(repeat_model=fit_logistic(rows, labels, ("none", "repeat")))
    strengths = {case.gss: repeat_strengths(case.restated, p) for case in cases}  # one model for the whole grid
    return max(_grid(p, REPEAT_GRID), key=lambda q: (_repeat_f1(cases, q, strengths), q.repeat_at))


def _repeat_f1(cases: list[Case], p: Parameters, strengths: dict[str, list[list[float]]]) -> float:
    found = gold = predicted = 0
    for case in cases:
        again = {(a.iri, b.iri) for a, b, _ in choose_repeats(case.restated, p, strengths[case.gss])}
        found, gold, predicted = found + len(again & case.gold_repeats), gold + len(case.gold_repeats), predicted + len(again)
    return _f1(found, gold, predicted)


def _fit_status(cases: list[Case], p: Parameters) -> Parameters:
    """The status model on the gold pairs the fitted link model links: for each cue setting and penalty,
    fit on those pairs and keep the one that gets most of them right.  The lexicon shipped with it is counted
    from every case's quotes, but each case's rows are read with one counted without that case (stacking):
    otherwise the model would learn to trust a lexicon that has seen the very sentences it reads."""
    lexicons = {case.gss: _lexicon([c for c in cases if c is not case]) for case in cases}
    best, best_right = p, -1
    for progress, explicit, l2 in itertools.product(*(STATUS_GRID[n] for n in ("progress_weight",
                                                                                "explicit_needs_subject", "l2"))):
        q = p.with_(progress_weight=progress, explicit_needs_subject=explicit, status_model=None, status_lexicon=None)
        rows, labels = [], []
        for case in cases:
            for key, (status, _) in case.gold_links.items():
                later, again = _later(case, key), case.restated_by.get(key)
                fu = decide(case.recs_by_iri[key[0]], later, case.rankings[key], q, case.parts[key], again)
                if fu:
                    rows.append(status_features(fu.verdict, fu.evidence[0][1], later, again, lexicons[case.gss]))
                    labels.append(status)
        if len(set(labels)) < 3:
            continue
        model = fit_logistic(rows, labels, STATUSES, l2=l2)
        right = sum(model.predict(x)[0] == y for x, y in zip(rows, labels))
        if right > best_right:
            best, best_right = q.with_(status_model=model), right
    return best.with_(status_lexicon=_lexicon(cases))


def _lexicon(cases: list[Case]) -> Lexicon:
    return fit_lexicon([quote for case in cases for quote in case.quotes], STATUSES)


def _later(case: Case, key: tuple):
    return next(v for v in case.unit.later[key[0]] if v.iri == key[1])


def cross_validate(cases: list[Case], base: Parameters) -> tuple[Counter, list[tuple[str, Parameters, Counter]]]:
    """Leave one authority out: fit on the rest, score the held-out one; the sum is the cross-validated count."""
    total: Counter = Counter()
    folds = []
    for held in cases:
        params = fit([c for c in cases if c is not held], base)
        counts = score(held, params)
        folds.append((held.gss, params, counts))
        total += counts
    return total, folds


def dataset_of(paths: list[Path]):
    """The graph files (TriG, N-Quads, ...) as one rdflib Dataset whose default graph is their union."""
    from rdflib import Dataset

    data = Dataset(default_union=True)
    for path in paths:
        data.parse(path, format="trig" if path.suffix == ".trig" else None)
    return data
