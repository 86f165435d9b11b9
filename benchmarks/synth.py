"""Synthetic corpus: a big graph of the real extractor's shapes, for benchmarks.

    python benchmarks/synth.py --template build/corpus.trig --authorities 150 --visits 12 -o build/synth.nq

The real built graph is the template.  Each synthetic authority copies one
real authority's reports (their named graphs) and its share of the links and
follow-through graphs, with IRIs rewritten:

* authorities get codes ``E069`` + 5 digits (``E06900001`` ...): unique and
  deterministic, and inside the GSS pattern the SHACL shapes check
  (``^E(06|07|08|09|10|11)[0-9]{6}$``, which an ``E99`` code would fail); no
  real code starts ``E069``.  Labels become "<real name> <n>", unique too;
* the real authority's reported visits, in date order, are cycled from a
  seed-chosen first visit until the synthetic authority has ``visits`` of
  them.  Every cycle is moved back by whole years, so day and month and every
  date relation inside a report are kept and the chain is in date order;
* visit IRIs are rebuilt from the new code and date, report IRIs and their
  SHA strings from a hash of the new visit IRI;
* texts (findings, recommendations, quotes, explanations) are kept as they are.

A follow-up of the template (a recommendation of visit i, assessed at a later
visit k) is copied for every copy of i and every later copy of k, so each
follow-up points at a recommendation of an earlier visit of the same
synthetic authority and is assessed at a later one.  ``okg:currentStatus`` is
then recomputed from the copied follow-ups as :mod:`ofsted_kg.derive.followup` derives
it.  ``okg:repeats`` and visit references are kept within one cycle.

rdflib is not used: the template is read once with pyoxigraph, each line is
compiled to N-Quads text with placeholders, and generation is a dictionary
lookup per placeholder and a join.  Same arguments, same bytes.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

ID = "https://w3id.org/ofsted-kg/id/"
OKG = "https://w3id.org/ofsted-kg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
REFERENCE_GRAPH = ID + "graph/authorities"  # ofsted_kg.rdf.reference.AUTHORITIES_GRAPH

CODE_PREFIX = "E069"  # + 5 digits: must stay inside the shapes' GSS pattern
DATE_TYPES = {XSD + "date", XSD + "gYearMonth", XSD + "gYear"}
KIND_OF_CLASS = {OKG + "Inspection": "inspection", OKG + "FocusedVisit": "focused-visit",
                 OKG + "MonitoringVisit": "monitoring-visit", OKG + "LSCBReview": "lscb-review",
                 OKG + "JointTargetedAreaInspection": "jtai"}
REAL_VISIT = re.compile(re.escape(ID) + r"visit/[^/]+/([^/]+)/[^/]+$")
DATE_IN_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
TOKEN = re.compile("\x00([^\x00]*)\x00")
CURRENT = f"<{OKG}currentStatus>"
NO_LATER, AWAITING = f"<{OKG}NoLaterEvidence>", f"<{OKG}AwaitingFollowUp>"
# How an IRI that does not carry its visit's IRI as a prefix (a hand-written
# fixture) finds its owner: the child is the subject ("s") or the object ("o").
PARENT_LINKS = {OKG + "visit": "s", OKG + "reportedIn": "s", OKG + "describes": "s", OKG + "mentionedIn": "s",
                OKG + "textTarget": "o", "http://www.w3.org/ns/oa#hasSelector": "o",
                "http://www.w3.org/ns/prov#wasGeneratedBy": "o"}
RDF_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS, ".ttl": ox.RdfFormat.TURTLE,
               ".nt": ox.RdfFormat.N_TRIPLES}


def _t(key: str) -> str:
    """A placeholder in compiled text."""
    return f"\x00{key}\x00"


@dataclass
class Visit:
    iri: str
    start: str  # lexical xsd:date or xsd:gYearMonth
    kind: str  # the IRI segment: inspection, focused-visit, ...
    ghost: bool  # okg:knownOnlyByReference: mentioned by a report, no report of its own
    suffix: str = ""  # keeps two template visits of one kind and date apart


@dataclass
class Blob:
    """Compiled N-Quads lines, split at placeholders so that rendering is one map and one join."""

    texts: list[str] = field(default_factory=lambda: [""])
    keys: list[str] = field(default_factory=list)
    lines: int = 0

    @classmethod
    def of(cls, lines: list[str]) -> "Blob":
        parts = TOKEN.split("".join(lines))
        return cls(parts[0::2], parts[1::2], len(lines))

    def render(self, values: dict[str, str]) -> str:
        if not self.keys:
            return self.texts[0]
        out: list = [None] * (len(self.texts) + len(self.keys))
        out[0::2] = self.texts
        out[1::2] = map(values.__getitem__, self.keys)
        return "".join(out)


@dataclass
class FollowUpT:
    visit: int  # index of the recommendation's visit
    rec: str  # the rest of the recommendation's IRI after its visit's
    later: int  # index of the okg:assessedAt visit
    status: str  # N-Triples form of okg:status
    blob: Blob  # placeholders VR (recommendation's visit), VA (later visit), DA (its date)


@dataclass
class Template:
    """One real authority, compiled."""

    iri: str
    code: str
    label: str
    visits: list[Visit]
    chain: list[int]  # indices of the visits that have reports, in date order
    reports: list[int] = field(default_factory=list)  # report index -> visit index
    period: int = 1  # years between two cycles: more than the span of the visits
    units: dict[int, Blob] = field(default_factory=dict)  # visit -> its lines
    conditional: dict[int, list[tuple[frozenset, Blob]]] = field(default_factory=dict)  # ... needing other visits
    ghosts: Blob = field(default_factory=Blob)  # visits known only by reference: copied with every cycle
    own: Blob = field(default_factory=Blob)  # the authority's lines outside the report graphs: copied once
    follow_ups: list[FollowUpT] = field(default_factory=list)
    current: list[tuple[int, str, str]] = field(default_factory=list)  # (visit, rec rest, graph) to restate
    dates: set[str] = field(default_factory=set)
    neighbours: set[str] = field(default_factory=set)  # other template authorities named in its lines
    graphs: dict[int, int] = field(default_factory=dict)  # visit -> named graphs of its own (report graphs)
    fixed_graphs: set[str] = field(default_factory=set)  # other named graphs its lines go to (with placeholders)


@dataclass
class Corpus:
    nquads: str
    quads: int
    graphs: int
    authorities: int
    visits: int
    follow_ups: int


@dataclass
class Counts:
    quads: int = 0
    graphs: int = 0
    visits: int = 0
    follow_ups: int = 0


# ---------------------------------------------------------------- template


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or "x"


def _shift(lexical: str, years: int) -> str:
    """An xsd:date / gYearMonth / gYear lexical form moved by whole years (29 February -> 28th off leap years)."""
    year, rest = int(lexical[:4]) + years, lexical[4:]
    if rest.startswith("-02-29") and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        rest = "-02-28" + rest[6:]
    return f"{year:04d}{rest}"


def compile_template(path: str | Path) -> tuple[list[Template], list[str], set[str]]:
    """Read the real graph once: per-authority templates, the lines no authority owns, and their graphs."""
    path = Path(path)
    quads = list(ox.parse(path=str(path), format=RDF_FORMATS.get(path.suffix.lower(), ox.RdfFormat.TRIG)))

    types: dict[str, set[str]] = defaultdict(set)
    first: dict[tuple[str, str], object] = {}
    parent: dict[str, str] = {}
    authority_of: dict[str, str] = {}
    described: dict[str, str] = {}
    fu_rec: dict[str, str] = {}
    fu_later: dict[str, str] = {}
    fu_status: dict[str, str] = {}
    ghosts: set[str] = set()
    for q in quads:
        if not isinstance(q.subject, ox.NamedNode):
            continue
        s, p, o = q.subject.value, q.predicate.value, q.object
        first.setdefault((s, p), o)
        if p == RDF_TYPE:
            types[s].add(o.value)
        elif p == OKG + "authority":
            authority_of[s] = o.value
        elif p == OKG + "describes":
            described[s] = o.value
        elif p == OKG + "recommendation":
            fu_rec[s] = o.value
        elif p == OKG + "assessedAt":
            fu_later[s] = o.value
        elif p == OKG + "status":
            fu_status[s] = str(o)
        elif p == OKG + "knownOnlyByReference" and o.value == "true":
            ghosts.add(s)
        if p in PARENT_LINKS and isinstance(o, ox.NamedNode):
            child, up = (s, o.value) if PARENT_LINKS[p] == "s" else (o.value, s)
            parent.setdefault(child, up)
    follow_ups = {fu for fu in fu_rec if fu in fu_later and OKG + "FollowUp" in types[fu]}

    # each authority's visits in date order; a visit without a start date cannot be placed and stays as it is
    templates: dict[str, Template] = {}
    visit_at: dict[str, tuple[str, int]] = {}
    for a in sorted({a for a, ts in types.items() if OKG + "LocalAuthority" in ts} | set(authority_of.values())):
        code, label = first.get((a, OKG + "gssCode")), first.get((a, RDFS_LABEL))
        mine = sorted((first[(v, OKG + "startDate")].value, v) for v, owner in authority_of.items()
                      if owner == a and (v, OKG + "startDate") in first)
        visits, seen = [], set()
        for j, (start, v) in enumerate(mine):
            real = REAL_VISIT.match(v)
            kind = real.group(1) if real else next((KIND_OF_CLASS[c] for c in sorted(types[v]) if c in KIND_OF_CLASS),
                                                   "visit")
            visits.append(Visit(v, start, kind, v in ghosts, f"-{j}" if (kind, start) in seen else ""))
            seen.add((kind, start))
            visit_at[v] = (a, j)
        t = Template(a, code.value if code is not None else _local(a), label.value if label is not None else _local(a),
                     visits, [j for j, v in enumerate(visits) if not v.ghost])
        years = [int(first[(v.iri, p)].value[:4]) for v in visits
                 for p in (OKG + "startDate", OKG + "endDate") if (v.iri, p) in first]
        t.period = max(years) - min(years) + 2 if years else 1
        templates[a] = t
    report_at: dict[str, tuple[str, int]] = {}
    for r, v in sorted(described.items()):
        if v in visit_at:
            a, j = visit_at[v]
            report_at[r] = (a, len(templates[a].reports))
            templates[a].reports.append(j)

    owners: dict[str, tuple | None] = {}

    def owner(iri: str) -> tuple | None:
        """('V' or 'R', authority, visit or report index, rest of the IRI) for a node a visit owns, else None."""
        if iri in owners:
            return owners[iri]
        found, i = None, len(iri)
        while (i := iri.rfind("/", 0, i)) > 0:  # the extractor's IRIs extend their report's or visit's
            head = iri[:i]
            if head in report_at:
                found = ("R", *report_at[head], iri[i:])
                break
            if head in visit_at:
                found = ("V", *visit_at[head], iri[i:])
                break
        node, hops = iri, 0
        while found is None and node in parent and hops < 8:  # a hand-written IRI: up the structure
            node, hops = parent[node], hops + 1
            if node in visit_at:
                found = ("V", *visit_at[node], "/" + _local(iri))
            elif node in report_at:
                found = ("R", *report_at[node], "/" + _local(iri))
        owners[iri] = found
        return found

    def term(node, t: Template | None, deps: set, fu: tuple[int, int] | None = None,
             pred: str = "", subj: str = "") -> str:
        """N-Triples text of a term, with placeholders; the visits a line needs go to ``deps``."""
        if isinstance(node, ox.DefaultGraph):
            return ""
        if t is None:
            return str(node)
        if isinstance(node, ox.BlankNode):
            return f"_:{node.value}_{_t('B')}"
        if isinstance(node, ox.Literal):
            dt = node.datatype.value if node.datatype is not None else None
            if dt in DATE_TYPES and re.match(r"\d{4}", node.value):
                t.dates.add(node.value)
                return f'"{_t("Y" + node.value)}"^^<{dt}>'
            if subj == t.iri and pred in (OKG + "gssCode", OKG + "dfeCode", OKG + "ofstedURN"):
                return f'"{_t({"g": "G", "d": "F", "o": "U"}[pred[len(OKG)]])}"'
            if subj == t.iri and pred == RDFS_LABEL:
                return _t("L")
            if subj in report_at and pred in (OKG + "sha256", OKG + "canonicalTextSha256"):
                return f'"{_t(("S" if pred == OKG + "sha256" else "C") + str(report_at[subj][1]))}"'
            text = str(node)
            if pred == RDFS_LABEL and subj in visit_at:  # "Staffordshire County Council focused visit 2018-06-26"
                t.dates.update(DATE_IN_TEXT.findall(text))
                text = DATE_IN_TEXT.sub(lambda m: _t("Y" + m.group()), text)
            return text
        iri = node.value
        if iri == t.iri:
            return f"<{_t('A')}>"
        if iri in templates:
            t.neighbours.add(iri)
            return f"<{_t('N' + iri)}>"
        if iri in follow_ups and owner(fu_rec[iri]) is not None and fu_later[iri] in visit_at:
            rec, later = owner(fu_rec[iri]), visit_at[fu_later[iri]][1]
            if fu is not None:
                return f"<{_t('VR')}{rec[3]}/follow-up/{_t('DA')}>"
            deps.update({rec[2], later})
            return f"<{_t('V' + str(rec[2]))}{rec[3]}/follow-up/{_t('D' + str(later))}>"
        if iri in visit_at:
            kind, a, idx, rest = ("V", *visit_at[iri], "")
        elif iri in report_at:
            kind, a, idx, rest = ("R", *report_at[iri], "")
        else:
            found = owner(iri)
            if found is None:
                if t.code and t.code in iri:  # owl:sameAs to the statistical geography, and the like
                    return "<" + iri.replace(t.code, _t("G")) + ">"
                return f"<{iri}>"
            kind, a, idx, rest = found
        if a != t.iri:  # another authority's visit: left as it is
            return f"<{iri}>"
        j = idx if kind == "V" else t.reports[idx]
        if fu is not None:  # a follow-up's lines name only its two visits
            if kind != "V" or j not in fu:
                raise LookupError(iri)
            return f"<{_t('VR' if j == fu[0] else 'VA')}{rest}>"
        if not t.visits[j].ghost:
            deps.add(j)
        return f"<{_t(kind + str(idx))}{rest}>"

    def line(q, t: Template | None, deps: set, fu: tuple[int, int] | None = None) -> str:
        s = q.subject.value if isinstance(q.subject, ox.NamedNode) else ""
        p = q.predicate.value
        g = term(q.graph_name, t, deps, fu)
        return (f"{term(q.subject, t, deps, fu)} <{p}> {term(q.object, t, deps, fu, p, s)}"
                f"{' ' + g if g else ''} .\n")

    def belongs(iri: str | None) -> tuple[str, int] | None:
        """(authority, visit index or -1 for the authority itself) a subject outside the report graphs is about."""
        if iri is None:
            return None
        if iri in templates:
            return iri, -1
        if iri in visit_at:
            return visit_at[iri]
        found = owner(iri)
        if found is None:
            return None
        return found[1], found[2] if found[0] == "V" else templates[found[1]].reports[found[2]]

    unit_lines: dict[tuple[str, int], list[tuple[frozenset, str]]] = defaultdict(list)
    fu_quads: dict[str, list] = defaultdict(list)
    report_graphs: dict[tuple[str, int], set[str]] = defaultdict(set)
    shared: set[str] = set()
    shared_graphs: set[str] = set()
    for q in quads:
        s = q.subject.value if isinstance(q.subject, ox.NamedNode) else None
        g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None
        if g == REFERENCE_GRAPH:  # the lookup's real authorities and neighbours: synthetic ones have none
            continue
        if s in follow_ups:
            fu_quads[s].append(q)
            continue
        if g in report_at:
            a, r = report_at[g]
            where = (a, templates[a].reports[r])
            report_graphs[where].add(g)
        else:
            where = belongs(s)
            if where is None:
                shared.add(line(q, None, set()))
                if g is not None:
                    shared_graphs.add(str(q.graph_name))
                continue
        t = templates[where[0]]
        if g is not None and g not in report_at:
            t.fixed_graphs.add(term(q.graph_name, t, set()))
        if q.predicate.value == OKG + "currentStatus":  # restated from the copied follow-ups
            found = owner(s)
            if found is not None and found[0] == "V":
                t.current.append((found[2], found[3], term(q.graph_name, t, set())))
            continue
        deps: set = set()
        text = line(q, t, deps)
        unit_lines[(t.iri, where[1])].append((frozenset(deps), text))

    ghost_lines: dict[str, set[str]] = defaultdict(set)
    for (a, j), lines in sorted(unit_lines.items()):
        t = templates[a]
        if j == -1:
            t.own = Blob.of(sorted({text for _, text in lines}))
        elif t.visits[j].ghost:
            ghost_lines[a].update(text for _, text in lines)
        else:
            t.units[j] = Blob.of(sorted({text for deps, text in lines if deps <= {j}}))
            extra: dict[frozenset, set[str]] = defaultdict(set)
            for deps, text in lines:
                if not deps <= {j}:
                    extra[deps - {j}].add(text)
            t.conditional[j] = [(deps, Blob.of(sorted(texts))) for deps, texts in
                                sorted(extra.items(), key=lambda item: sorted(item[0]))]
            t.graphs[j] = len(report_graphs[(a, j)])
    for a, lines in ghost_lines.items():
        templates[a].ghosts = Blob.of(sorted(lines))
    for fu, qs in sorted(fu_quads.items()):
        rec = owner(fu_rec[fu])
        if rec is None or rec[0] != "V" or fu_later[fu] not in visit_at:
            continue
        a, k = visit_at[fu_later[fu]]
        t = templates[a]
        if rec[1] != a or not t.visits[rec[2]].start < t.visits[k].start:
            continue  # not a follow-up this generator can place; none in the extractor's output
        texts = set()
        for q in qs:
            try:
                texts.add(line(q, t, set(), (rec[2], k)))
            except LookupError:
                pass
            if isinstance(q.graph_name, ox.NamedNode):
                t.fixed_graphs.add(term(q.graph_name, t, set()))
        t.follow_ups.append(FollowUpT(rec[2], rec[3], k, fu_status.get(fu, ""), Blob.of(sorted(texts))))
    for t in templates.values():
        t.current.sort()
    return [t for t in templates.values() if t.chain], sorted(shared), shared_graphs


# ---------------------------------------------------------------- generation


def generate(templates: list[Template], shared: list[str], authorities: int = 150, visits: int = 12,
             seed: int = 0, counts: Counts | None = None, shared_graphs: set[str] = frozenset()) -> Iterator[str]:
    """N-Quads text, in chunks: the shared lines, then one synthetic authority after another."""
    if not templates:
        raise ValueError("the template has no authority with a dated, reported visit")
    counts = counts if counts is not None else Counts()
    order = sorted(templates, key=lambda t: t.iri)
    random.Random(seed).shuffle(order)
    where = {t.iri: n for n, t in enumerate(order)}
    fixed = set(shared_graphs)
    counts.quads += len(shared)
    yield "".join(shared)

    def authority(n: int) -> str:
        return f"{ID}authority/{CODE_PREFIX}{n + 1:05d}"

    for n in range(authorities):
        t, generation = order[n % len(order)], n // len(order)
        rng = random.Random(f"{seed}:{n}")
        first, jitter = rng.randrange(len(t.chain)), rng.randrange(3)
        placed = [divmod(first + x, len(t.chain)) for x in range(visits)]
        placed = [(c, t.chain[x]) for c, x in placed]
        cycles = placed[-1][0] + 1 if placed else 0
        included: dict[int, set[int]] = defaultdict(set)
        for c, j in placed:
            included[c].add(j)
        code = f"{CODE_PREFIX}{n + 1:05d}"
        base = {"A": authority(n), "G": code, "L": str(ox.Literal(f"{t.label} {generation + 1}")),
                "F": f"9{n + 1:05d}", "U": f"99{n + 1:05d}"}
        for other in t.neighbours:  # a neighbour in the template: its copy of the same generation, if made
            at = where.get(other, authorities)
            same = at + generation * len(order)
            base["N" + other] = authority(same if same < authorities else at) if at < authorities else other
        maps = []
        for c in range(cycles):
            years = (c - (cycles - 1)) * t.period - jitter
            m = dict(base, B=f"{n}c{c}")
            for lexical in t.dates:
                m["Y" + lexical] = _shift(lexical, years)
            for j, v in enumerate(t.visits):
                m[f"D{j}"] = _shift(v.start, years)
                m[f"V{j}"] = f"{ID}visit/{code}/{v.kind}/{m[f'D{j}']}{v.suffix}"
            for r, j in enumerate(t.reports):
                sha = hashlib.sha256(f"{m[f'V{j}']}/report/{r}".encode()).hexdigest()
                m[f"R{r}"] = f"{m[f'V{j}']}/report/{sha[:12]}"
                m[f"S{r}"] = sha
                m[f"C{r}"] = hashlib.sha256(f"canonical-text:{sha}".encode()).hexdigest()
            maps.append(m)

        fixed.update(TOKEN.sub(lambda m: base[m.group(1)], g) for g in t.fixed_graphs)
        chunk = [t.own.render(base)]
        counts.quads += t.own.lines
        for c in range(cycles):
            m = maps[c]
            chunk.append(t.ghosts.render(m))
            counts.quads += t.ghosts.lines
            for j in t.chain:
                if j not in included[c]:
                    continue
                counts.visits += 1
                counts.graphs += t.graphs.get(j, 0)
                if j in t.units:
                    chunk.append(t.units[j].render(m))
                    counts.quads += t.units[j].lines
                for needs, blob in t.conditional.get(j, []):
                    if needs <= included[c]:
                        chunk.append(blob.render(m))
                        counts.quads += blob.lines

        # follow-ups: every copy of the recommendation's visit, every copy of the later visit after it
        rank = {j: x for x, j in enumerate(t.chain)}
        latest: dict[tuple[int, int, str], tuple[tuple[int, int], str]] = {}
        for f in t.follow_ups:
            for c in range(cycles):
                if f.visit not in included[c]:
                    continue
                for c2 in range(c, cycles):
                    if f.later not in included[c2]:
                        continue
                    chunk.append(f.blob.render(dict(base, VR=maps[c][f"V{f.visit}"], VA=maps[c2][f"V{f.later}"],
                                                    DA=maps[c2][f"D{f.later}"])))
                    counts.quads += f.blob.lines
                    counts.follow_ups += 1
                    when = (c2, rank[f.later])
                    key = (c, f.visit, f.rec)
                    if key not in latest or latest[key][0] < when:
                        latest[key] = (when, f.status)
        last = (placed[-1][0], rank[placed[-1][1]]) if placed else (0, 0)
        for j, rest, graph in t.current:
            graph = TOKEN.sub(lambda m: base[m.group(1)], graph)
            for c in range(cycles):
                if j not in included[c]:
                    continue
                found = latest.get((c, j, rest))
                status = found[1] if found else NO_LATER if (c, rank[j]) < last else AWAITING
                chunk.append(f"<{maps[c][f'V{j}']}{rest}> {CURRENT} {status}{' ' + graph if graph else ''} .\n")
                counts.quads += 1
        yield "".join(chunk)
    counts.graphs += len(fixed)


def synthesise(template: str | Path, authorities: int = 150, visits: int = 12, seed: int = 0) -> Corpus:
    """A synthetic corpus as N-Quads text (with its counts) from the real graph at ``template``."""
    templates, shared, graphs = compile_template(template)
    counts = Counts()
    text = "".join(generate(templates, shared, authorities, visits, seed, counts, graphs))
    return Corpus(text, counts.quads, counts.graphs, authorities, counts.visits, counts.follow_ups)


def write(template: str | Path, out: str | Path, authorities: int = 150, visits: int = 12, seed: int = 0
          ) -> tuple[Counts, float]:
    """Generate straight to ``out`` (N-Quads, or TriG by suffix), through a temporary file renamed at the end."""
    started = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    templates, shared, graphs = compile_template(template)
    counts = Counts()
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".nq.tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for chunk in generate(templates, shared, authorities, visits, seed, counts, graphs):
                fh.write(chunk)
        if out.suffix.lower() == ".nq":
            os.replace(tmp, out)
        else:
            store = ox.Store()
            store.bulk_load(path=tmp, format=ox.RdfFormat.N_QUADS)
            fd2, tmp2 = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
            os.close(fd2)
            try:
                store.dump(tmp2, format=RDF_FORMATS.get(out.suffix.lower(), ox.RdfFormat.TRIG), prefixes={
                    "okg": OKG, "id": ID, "xsd": XSD, "oa": "http://www.w3.org/ns/oa#",
                    "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
                os.replace(tmp2, out)
            finally:
                Path(tmp2).unlink(missing_ok=True)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return counts, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", default="build/corpus.trig", help="the real built graph (TriG or N-Quads)")
    parser.add_argument("--authorities", type=int, default=150)
    parser.add_argument("--visits", type=int, default=12, help="reported visits per synthetic authority")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", default="build/synth.nq", help=".nq (streamed) or .trig (via pyoxigraph)")
    args = parser.parse_args(argv)
    if args.authorities < 1 or args.visits < 1:
        parser.error("--authorities and --visits must be at least 1")
    counts, seconds = write(args.template, args.output, args.authorities, args.visits, args.seed)
    print(f"{args.output}: {counts.quads:,} quads in {counts.graphs:,} named graphs "
          f"({args.authorities} authorities x {args.visits} visits, {counts.follow_ups:,} follow-ups) "
          f"in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
