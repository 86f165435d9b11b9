"""View: the follow-through network — visit → recommendation → follow-up → evidence finding.

Built from the tidy tables (never raw triples), so it shows exactly what the
CSV export and the HTML report show.  Nodes are IRIs with plain str/int/float
attributes only, because GraphML and GEXF cannot hold ``None``; nodes and
edges are inserted in sorted order so the same graph always writes the same
bytes.  Colours are the Okabe–Ito palette, readable with colour-blindness,
and the picture also tells kinds apart by marker shape.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from ofsted_kg.query.authority import UnknownAuthority, choose, from_rows
from ofsted_kg.rdf.graph_files import atomic_write
from ofsted_kg.rdf.vocab import STATUS, VISIT_CLASS, local_name, short_label
from ofsted_kg.views.tables import Table, labels

FORMATS = (".graphml", ".gexf", ".svg", ".png")
KINDS = ("visit", "recommendation", "follow-up", "finding")
STATUS_COLOUR = {"Addressed": "#009E73", "PartiallyAddressed": "#E69F00", "NotAddressed": "#D55E00",
                 "NoLaterEvidence": "#999999", "AwaitingFollowUp": "#56B4E9"}
VISIT_COLOUR, FINDING_COLOUR, NO_STATUS_COLOUR = "#0072B2", "#CC79A7", "#DDDDDD"
EDGES = {"made": ("#0072B2", "solid", "visit → recommendation"),
         "followed up by": ("#555555", "solid", "recommendation → follow-up"),
         "assessed at": ("#56B4E9", "dotted", "follow-up → later visit"),
         "evidence": ("#CC79A7", "solid", "follow-up → finding"),
         "repeats": ("#D55E00", "dashed", "recommendation → earlier one")}
MARKER = {"visit": "s", "recommendation": "o", "follow-up": "D", "finding": "^"}
BAND = {"visit": "Visits", "recommendation": "Recommendations", "follow-up": "Follow-ups", "finding": "Evidence findings"}
LABEL_LIMIT = 400  # above this many nodes a picture shows no text labels: they would only overprint each other


@lru_cache(maxsize=1)
def status_words() -> dict[str, str]:
    """The five statuses' names (:func:`~ofsted_kg.views.tables.labels`, from the ontology), by local name: the
    legend's entries, and (in lower case) the end of a follow-up's label."""
    names = labels().status
    return {local_name(t): names[local_name(t)] for t in STATUS.values()}


@lru_cache(maxsize=1)
def visit_words() -> dict[str, str]:
    """Visit kinds as a node's label says them mid-sentence, by local name: the ontology's shortest name,
    where a node's label has little room ('JTAI'), in lower case unless it opens with an abbreviation."""
    return {local_name(t): in_sentence(short_label(t) or local_name(t)) for t in VISIT_CLASS.values()}


def in_sentence(name: str) -> str:
    """'Focused visit' -> 'focused visit'; 'LSCB review' and 'JTAI' stay as they are."""
    return name if name.split(" ", 1)[0].isupper() else name[:1].lower() + name[1:]


class NetworkError(ValueError):
    """An --authority that matches nothing, or an output name the writers do not know."""


def short(text: object, limit: int = 60) -> str:
    """Whitespace-collapsed text cut to ``limit`` characters, with an ellipsis when cut."""
    words = " ".join(str(text or "").split())
    return words if len(words) <= limit else words[:limit].rstrip() + "…"


def attributes(**values: object) -> dict[str, str | int | float]:
    """Only the present values, as GraphML/GEXF-safe types (bools and other objects become text)."""
    out: dict[str, str | int | float] = {}
    for key, value in values.items():
        if value is None or value == "":
            continue
        out[key] = value if isinstance(value, (int, float, str)) and not isinstance(value, bool) else str(value)
    return out


def authority_of(row: dict) -> str:
    """The authority's name, or failing that the last part of its IRI (its GSS code)."""
    return str(row.get("authorityName") or str(row.get("authority") or "").rsplit("/", 1)[-1])


def choose_authorities(tables: dict[str, Table], wanted: str | None) -> set[str] | None:
    """IRIs of the authorities ``wanted`` names (any form :mod:`ofsted_kg.query.authority` accepts); None means all."""
    if not wanted:
        return None
    try:
        return {k.iri for k in choose(from_rows(tables["visits"].rows), wanted)}
    except UnknownAuthority as exc:
        raise NetworkError(str(exc)) from exc


def build_network(tables: dict[str, Table], authority: str | None = None) -> nx.DiGraph:
    """The follow-through network of all authorities, or of the one named by ``authority``."""
    keep = choose_authorities(tables, authority)
    wanted = (lambda row: True) if keep is None else (lambda row: row.get("authority") in keep)
    nodes: dict[str, dict] = {}
    edges: dict[tuple[str, str], str] = {}
    for r in filter(wanted, tables["visits"].rows):
        nodes[r["visit"]] = attributes(
            kind="visit", label=f"{authority_of(r)} {visit_words().get(r['kind'], r['kind'])} {r['startDate']}",
            colour=VISIT_COLOUR, date=r["startDate"], authority=authority_of(r), iri=r["visit"],
            visitKind=r.get("kind"), grade=r.get("overallGrade"))
    recs = list(filter(wanted, tables["recommendations"].rows))
    for r in recs:
        status = r.get("currentStatus")
        nodes[r["recommendation"]] = attributes(
            kind="recommendation", label=f"Rec {r.get('ordinal') or '?'}: {short(r['text'])}", status=status,
            colour=STATUS_COLOUR.get(status, NO_STATUS_COLOUR), date=r["startDate"], authority=authority_of(r),
            iri=r["recommendation"], ordinal=r.get("ordinal"), recommendationKind=r.get("kind"))
        edges[(r["visit"], r["recommendation"])] = "made"
    for r in recs:
        if r.get("repeats"):
            edges[(r["recommendation"], r["repeats"])] = "repeats"
    for r in filter(wanted, tables["follow-ups"].rows):
        status = r["status"]
        nodes[r["followUp"]] = attributes(
            kind="follow-up", label=f"Follow-up {r['assessedDate']}: {status_words().get(status, status).lower()}",
            status=status, colour=STATUS_COLOUR.get(status, NO_STATUS_COLOUR), date=r["assessedDate"],
            authority=authority_of(r), iri=r["followUp"], confidence=r.get("confidence"), score=r.get("score"))
        edges[(r["recommendation"], r["followUp"])] = "followed up by"
        edges[(r["followUp"], r["assessedAt"])] = "assessed at"
    quoted = {r["finding"] for r in tables["evidence"].rows if r["followUp"] in nodes}
    for r in tables["findings"].rows:
        if r["finding"] in quoted and wanted(r):
            nodes[r["finding"]] = attributes(
                kind="finding", label=f"Finding {r.get('ordinal') or '?'}: {short(r['text'])}", colour=FINDING_COLOUR,
                date=r["startDate"], authority=authority_of(r), iri=r["finding"], ordinal=r.get("ordinal"),
                section=r.get("section"))
    for r in tables["evidence"].rows:
        edges[(r["followUp"], r["finding"])] = "evidence"
    return ordered(nodes, edges)


def ordered(nodes: dict[str, dict], edges: dict[tuple[str, str], str]) -> nx.DiGraph:
    """A DiGraph with nodes and edges inserted in sorted order; edges to nodes left out are dropped."""
    graph = nx.DiGraph()
    for node in sorted(nodes):
        graph.add_node(node, **nodes[node])
    for (source, target) in sorted(edges):
        if source in nodes and target in nodes:
            graph.add_edge(source, target, relation=edges[(source, target)])
    return graph


def graphml_bytes(graph: nx.DiGraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def gexf_bytes(graph: nx.DiGraph) -> bytes:
    """GEXF with Gephi ``viz`` colours added to a copy, so the colours show without any styling."""
    copy = graph.copy()
    for _, data in copy.nodes(data=True):
        hexa = data["colour"].lstrip("#")
        data["viz"] = {"color": {"r": int(hexa[0:2], 16), "g": int(hexa[2:4], 16), "b": int(hexa[4:6], 16), "a": 1.0}}
    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph(copy)
    for meta in writer.xml.iter("meta"):  # networkx stamps today's date: drop it, so the same graph gives the same bytes
        meta.attrib.pop("lastmodifieddate", None)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def sort_key(graph: nx.DiGraph, node: str) -> tuple:
    """Stacking order inside a column: by authority, then report order; a follow-up sits with its recommendation."""
    data = graph.nodes[node]
    if data["kind"] == "follow-up":
        recs = [p for p in graph.predecessors(node) if graph.nodes[p]["kind"] == "recommendation"]
        if recs:
            return sort_key(graph, recs[0]) + (node,)
    return (data.get("authority", ""), str(data.get("date", "")), int(data.get("ordinal", 0) or 0), node)


def layout(graph: nx.DiGraph) -> tuple[dict[str, tuple[float, float]], list[str], dict[str, float]]:
    """Deterministic layered layout: a column per date (x in date order), a band per node kind (rows down).

    Returns (position by node, the column dates, the y centre of each kind's band).
    """
    dates = sorted({str(d["date"]) for _, d in graph.nodes(data=True)})
    column = {d: i for i, d in enumerate(dates)}
    stacks: dict[tuple[str, str], list[str]] = {}
    for node, data in graph.nodes(data=True):
        stacks.setdefault((data["kind"], str(data["date"])), []).append(node)
    pos: dict[str, tuple[float, float]] = {}
    centres: dict[str, float] = {}
    top = 0.0
    for kind in KINDS:
        height = max((len(v) for (k, _), v in stacks.items() if k == kind), default=0)
        if not height:
            continue
        for (k, date), members in stacks.items():
            if k == kind:
                for i, node in enumerate(sorted(members, key=lambda n: sort_key(graph, n))):
                    pos[node] = (float(column[date]), -(top + i))
        centres[kind] = -(top + (height - 1) / 2)
        top += height + 2
    return pos, dates, centres


def picture_bytes(graph: nx.DiGraph, fmt: str, title: str = "") -> bytes:
    """An SVG or PNG drawing: same graph, same bytes (fixed layout, SVG hash salt, no date stamp)."""
    from matplotlib.collections import LineCollection

    from ofsted_kg.views.charts import figure, save

    pos, dates, centres = layout(graph)
    labelled = graph.number_of_nodes() <= LABEL_LIMIT
    rows = 1 - min((y for _, y in pos.values()), default=0)
    col_w, row_h = (3.8, 0.17) if labelled else (0.12, 0.035)
    size = (min(max(len(dates) * col_w + 3, 9), 80), min(max(rows * row_h + 2, 6), 80))
    with figure(*size, font_size=8) as fig:
        ax = fig.add_subplot()
        for relation, (colour, style, _) in EDGES.items():
            lines = [(pos[u], pos[v]) for u, v, r in graph.edges(data="relation") if r == relation]
            ax.add_collection(LineCollection(lines, colors=colour, linestyles=style, alpha=0.6 if labelled else 0.25,
                                             linewidths=0.8 if labelled else 0.3, zorder=1))
        for kind in KINDS:
            members = [n for n, d in graph.nodes(data=True) if d["kind"] == kind]
            if members:
                ax.scatter([pos[n][0] for n in members], [pos[n][1] for n in members], marker=MARKER[kind],
                           c=[graph.nodes[n]["colour"] for n in members], s=36 if labelled else 6,
                           edgecolors="#333333" if labelled else "none", linewidths=0.4, zorder=2)
        if labelled:
            for node, data in graph.nodes(data=True):
                ax.annotate(data["label"], pos[node], xytext=(5, 0), textcoords="offset points",
                            fontsize=6, va="center", zorder=3)
        style_axes(ax, dates, centres, title or "Recommendation follow-through", labelled)
        ax.legend(handles=legend_handles(), loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        return save(fig, fmt)


def style_axes(ax, dates: list[str], centres: dict[str, float], title: str, labelled: bool) -> None:
    """Band names down the side, dates (or years, when there are many) along the bottom."""
    ax.set_title(title)
    ax.set_yticks(list(centres.values()), [BAND[k] for k in centres])
    if len(dates) <= 30:
        ax.set_xticks(range(len(dates)), dates, rotation=45, ha="right")
    else:
        firsts = {d[:4]: i for i, d in reversed(list(enumerate(dates)))}
        ax.set_xticks(sorted(firsts.values()), sorted(firsts))
    ax.set_xlim(-0.5, max(len(dates) - (0.1 if labelled else 0.5), 0.5))  # room for the last column's labels
    ax.margins(y=0.02)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def legend_handles() -> list:
    """Status colours in words, node kinds by shape, and what each edge style means."""
    from matplotlib.lines import Line2D

    def dot(colour: str, marker: str, text: str):
        return Line2D([], [], linestyle="none", marker=marker, markersize=7, markerfacecolor=colour,
                      markeredgecolor="#333333", markeredgewidth=0.4, label=text)
    handles = [dot(STATUS_COLOUR[s], "o", status_words()[s]) for s in STATUS_COLOUR]
    handles += [dot(VISIT_COLOUR, MARKER["visit"], "Visit"), dot("#FFFFFF", MARKER["recommendation"],
                "Recommendation (colour: current status)"), dot("#FFFFFF", MARKER["follow-up"], "Follow-up (colour: status)"),
                dot(FINDING_COLOUR, MARKER["finding"], "Evidence finding")]
    handles += [Line2D([], [], color=c, linestyle=s, label=f"{r}: {words}") for r, (c, s, words) in EDGES.items()]
    return handles


def write_network(graph: nx.DiGraph, path: Path, title: str = "") -> Path:
    """Write ``graph`` to ``path`` in the format its extension names, atomically."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise NetworkError(f"{path.name}: unknown network format '{suffix}' (use one of: {', '.join(FORMATS)})")
    if suffix == ".graphml":
        payload = graphml_bytes(graph)
    elif suffix == ".gexf":
        payload = gexf_bytes(graph)
    else:
        payload = picture_bytes(graph, suffix[1:], title)
    atomic_write(path, payload)
    return path
