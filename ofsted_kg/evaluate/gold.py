"""Evaluation against hand-made gold CSVs (visits, recommendations, follow-ups, repeats).

Computes the same figures as the project's scoring script, through the same
core vocabulary, and also lists every error one by one, so a person can see
what was missed and why.  Quotes match as substrings after folding case,
hyphens, punctuation and white space.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset
from rdflib.namespace import RDF, RDFS

from ofsted_kg.rdf.vocab import GRADE_OF, KIND_OF, OKG, STATUS_OF
from ofsted_kg.text import quote_key as norm  # the gold's quotes match as folded substrings

ORDER = {"addressed": 2, "partially-addressed": 1, "not-addressed": 0}


def read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@dataclass
class Tally:
    hits: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.hits += int(ok)
        self.total += 1

    def __str__(self) -> str:
        return f"{self.hits}/{self.total}"


@dataclass
class Evaluation:
    figures: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


class Index:
    """The parts of a graph the gold files speak about."""

    def __init__(self, g: Dataset):
        self.g = g
        self.start = {v: str(s)[:10] for v, s in g.subject_objects(OKG.startDate)}
        self.gss = {v: str(g.value(a, OKG.gssCode) or "") for v, a in g.subject_objects(OKG.authority)}
        self.recs = [(r, norm(g.value(r, OKG.text) or ""), g.value(r, OKG.visit))
                     for r in sorted(set(g.subjects(RDF.type, OKG.Recommendation)))]

    def matching(self, quote: str, gss: str) -> list:
        q = norm(quote)
        return [r for r, text, v in self.recs if q in text and self.gss.get(v, "") == gss]

    def follow_ups(self, rec) -> dict[str, list[tuple[str, list[str]]]]:
        out: dict[str, list] = defaultdict(list)
        for fu in self.g.subjects(OKG.recommendation, rec):
            later = self.start.get(self.g.value(fu, OKG.assessedAt), "")
            status = STATUS_OF.get(self.g.value(fu, OKG.status), "")
            evidence = [norm(self.g.value(e, OKG.text) or "") for e in self.g.objects(fu, OKG.evidence)]
            out[later].append((status, evidence))
        return out


def evaluate(g: Dataset, gold: Path | list[Path]) -> Evaluation:
    """Score ``g`` against one or several gold folders (their rows taken together)."""
    folders = gold if isinstance(gold, list) else [gold]
    index, result = Index(g), Evaluation()

    def rows(name: str) -> list[dict]:
        return [row for folder in folders for row in read_csv(folder / f"{name}.csv")]

    recs_gold = rows("recommendations")
    result.figures["visits"] = _visits(index, rows("visits"), result.errors)
    result.figures["recommendations"] = _recs(index, recs_gold, result.errors)
    result.figures["follow-ups"] = _follow_ups(index, rows("followups"), recs_gold, result.errors)
    result.figures["repeats"] = _repeats(index, rows("repeats"), result.errors)
    return result


def _visits(ix: Index, gold: list[dict], errors: list[str]) -> dict[str, str]:
    g, fields = ix.g, defaultdict(Tally)
    by_file: dict[str, list] = defaultdict(list)  # file name -> (report, visit); names recur across authorities
    for report in sorted(set(g.subjects(RDF.type, OKG.Report))):
        for name in g.objects(report, OKG.sourceFile):
            by_file[Path(str(name)).name].append((report, g.value(report, OKG.describes)))
    for row in gold:
        hit = _report_of(ix, by_file.get(row["file"], []), row["authority_gss"])
        fields["report found"].add(hit is not None)
        if hit is None:
            errors.append(f"visit: no report read from {row['file']}")
            continue
        report, v = hit
        lead = g.value(v, OKG.leadInspector)
        checks = {
            "authority gss": (ix.gss.get(v, ""), row["authority_gss"]),
            "visit type": (row["visit_type"] in {KIND_OF[t] for t in g.objects(v, RDF.type) if t in KIND_OF}, True),
            "start date": (ix.start.get(v, ""), row["start_date"]),
            "end date": (str(g.value(v, OKG.endDate) or "")[:10], row["end_date"]),
            "lead inspector": (norm(g.value(lead, RDFS.label) or "") if lead else "", norm(row["lead_inspector"])),
            "inspectors": (sorted(norm(g.value(p, RDFS.label) or "") for p in g.objects(v, OKG.inspector)),
                           sorted(norm(n) for n in row["inspectors"].split("|") if n)),
            "overall grade": (GRADE_OF.get(g.value(v, OKG.overallGrade), ""), row["overall_grade"]),
            "judgements": (sorted(GRADE_OF.get(g.value(j, OKG.grade), "?") for j in g.subjects(OKG.visit, v)
                                  if (j, RDF.type, OKG.Judgement) in g),
                           sorted(j.split("=")[1] for j in row["judgements"].split("|") if j)),
        }
        if row["letter_or_publication_date"]:
            checks["publication date"] = (str(g.value(report, OKG.publicationDate) or "")[:10],
                                          row["letter_or_publication_date"])
        if row["visit_type"] != "monitoring-visit":
            checks["recommendation count"] = (sum(1 for _, _, rv in ix.recs if rv == v), int(row["recommendation_count"]))
        for name, (got, want) in checks.items():
            fields[name].add(got == want)
            if got != want:
                errors.append(f"visit {row['file']}: {name}: got {got!r}, gold {want!r}")
    return {k: str(t) for k, t in fields.items()}


def _report_of(ix: Index, candidates: list, gss: str) -> tuple | None:
    """The report read from the gold row's file: of the reports of that file name ('children's services
    inspection - 13 june 2017.pdf' is Kent's, Knowsley's and Nottinghamshire's), the one of the row's authority;
    a name only one report has is that report whatever authority the graph gave it (scored as such)."""
    same = [c for c in candidates if ix.gss.get(c[1], "") == gss]
    return same[0] if same else (candidates[0] if len(candidates) == 1 else None)


def _recs(ix: Index, gold: list[dict], errors: list[str]) -> dict[str, str]:
    found, right_visit, status_ok, part_ok, matched = Tally(), Tally(), Tally(), Tally(), set()
    for row in gold:
        hits = ix.matching(row["quote"], row["authority_gss"])
        found.add(bool(hits))
        if not hits:
            errors.append(f"recommendation not found: {row['quote']!r}")
            continue
        matched.update(hits)
        rec = hits[0]
        visit = next(v for r, _, v in ix.recs if r == rec)
        start, want = ix.start.get(visit, ""), row["visit_start"]
        right_visit.add(start.startswith(want) if len(want) < 10 else start == want)
        to_board = any(str(p).strip().lower() == "lscb" for p in ix.g.objects(rec, OKG.part))
        part_ok.add(to_board == (row["kind"] == "lscb-recommendation"))
        if to_board != (row["kind"] == "lscb-recommendation"):
            errors.append(f"addressed to the wrong body ({'LSCB' if to_board else 'local authority'}): {row['quote'][:60]!r}")
        status = STATUS_OF.get(ix.g.value(rec, OKG.currentStatus), "")
        status_ok.add(status == row["current_status"])
        if status != row["current_status"]:
            errors.append(f"current status of {row['quote'][:60]!r}: got {status or 'none'}, gold {row['current_status']}")
    gss = {r["authority_gss"] for r in gold}
    predicted = [r for r, _, v in ix.recs if ix.gss.get(v, "") in gss]
    for r in predicted:
        if r not in matched:
            errors.append(f"recommendation not in gold: {ix.g.value(r, OKG.text)!s:.70}")
    return {"recall": str(found), "precision": f"{len(matched & set(predicted))}/{len(predicted)}",
            "attributed to the right visit": f"{right_visit.hits}/{len(gold)}",
            "addressed to the right body (LSCB or not)": f"{part_ok.hits}/{len(gold)}",
            "current status exact": f"{status_ok.hits}/{len(gold)}"}


def _follow_ups(ix: Index, gold: list[dict], recs_gold: list[dict], errors: list[str]) -> dict[str, str]:
    expected = {(norm(r["rec_quote"]), r["authority_gss"], r["later_visit_start"]): r for r in gold}
    linked = evidence = exact = within = predicted = true = 0
    for rrow in recs_gold:
        key, gss = norm(rrow["quote"]), rrow["authority_gss"]
        hits = ix.matching(rrow["quote"], gss)
        pairs = ix.follow_ups(hits[0]) if hits else {}
        predicted += len(pairs)
        for later in pairs:
            if (key, gss, later) in expected:
                true += 1
            else:
                errors.append(f"follow-up not in gold: {rrow['quote'][:50]!r} at {later}")
        for (q, g_gss, later), row in expected.items():
            if q != key or g_gss != gss:
                continue
            if later not in pairs:
                errors.append(f"follow-up missed: {rrow['quote'][:50]!r} at {later} (gold {row['status']})")
                continue
            linked += 1
            quotes = [norm(x) for x in row["evidence_quotes"].split("|") if x]
            if any(any(qq in e for qq in quotes) for _, ev in pairs[later] for e in ev):
                evidence += 1
            else:
                errors.append(f"gold evidence not among evidence: {rrow['quote'][:50]!r} at {later}: {quotes[0][:60]!r}")
            status = pairs[later][0][0]
            exact += int(status == row["status"])
            if status != row["status"]:
                errors.append(f"status: {rrow['quote'][:50]!r} at {later}: got {status}, gold {row['status']}")
            if status in ORDER and row["status"] in ORDER:
                within += int(abs(ORDER[status] - ORDER[row["status"]]) <= 1)
    n = len(gold)
    return {"links found": f"{linked}/{n}", "gold evidence among evidence": f"{evidence}/{n}",
            "status exact": f"{exact}/{n}", "status within one step": f"{within}/{n}",
            "link precision": f"{true}/{predicted}"}


def _repeats(ix: Index, gold: list[dict], errors: list[str]) -> dict[str, str]:
    found, gold_pairs = 0, set()
    for row in gold:
        pairs = {(a, b) for a in ix.matching(row["later_quote"], row["authority_gss"])
                 for b in ix.matching(row["earlier_quote"], row["authority_gss"])}
        gold_pairs |= pairs
        ok = any((a, OKG.repeats, b) in ix.g for a, b in pairs)
        found += int(ok)
        if not ok:
            errors.append(f"repeat missed: {row['later_quote'][:45]!r} -> {row['earlier_quote'][:45]!r}")
    predicted = set(ix.g.subject_objects(OKG.repeats))
    for a, b in sorted(predicted - gold_pairs):
        errors.append(f"repeat not in gold: {ix.g.value(a, OKG.text)!s:.45} -> {ix.g.value(b, OKG.text)!s:.45}")
    return {"recall": f"{found}/{len(gold)}", "precision": f"{len(predicted & gold_pairs)}/{len(predicted)}"}
