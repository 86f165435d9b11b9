"""Stage 8e, update a store: add new reports, replace changed ones, remove some, re-link what they touch.

A report's identity is the SHA-256 of its bytes.  Files whose hash is
already in the store are skipped without being read; a file whose name the
store knows for the same authority but with other bytes replaces that
report; a second name for known bytes is recorded beside the first.

Links and follow-through are derived per authority, from that authority's
report graphs only, into its own two named graphs.  So only authorities
whose reports changed are re-linked, and the result is the same whatever
order reports arrived in: an incremental build equals a full one.

New graphs are written before old ones are dropped, so a run killed
half-way leaves every report it had before still in the store.
"""
from __future__ import annotations

import hashlib
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.graph import ReadOnlyGraphAggregate

from .followup import derive_follow_through
from .link import derive_links
from .model import Extraction
from .read import MAX_BYTES
from .resources import themes_file
from .stores import ReportEntry, Store
from .to_rdf import report_iri, to_graph
from .vocab import ID, OKG, THEMES_GRAPH

Extractor = Callable[[list[Path]], list]  # files -> Extraction | (file, reason), in order


@dataclass
class Update:
    """What one update did (for the summary and for tests)."""

    built: list[Extraction] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    relinked: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # SHA-256 -> the file read for it, as given (for messages)


PENDING = f"{ID}graph/pending-relink"


def authority_key(graph: str) -> str | None:
    """'…/id/visit/E08000007/inspection/…' -> 'E08000007' (None for graphs that are not a report's)."""
    prefix = f"{ID}visit/"
    return graph[len(prefix):].split("/", 1)[0] if graph.startswith(prefix) else None


def derived_names(key: str) -> tuple[str, str]:
    return f"{ID}graph/links/{key}", f"{ID}graph/follow-through/{key}"


def file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def update_store(store: Store, files: list[Path], extractor: Extractor, jobs: int = 1) -> Update:
    """Bring ``store`` up to date with ``files`` (see the module docstring)."""
    done = Update()
    known = store.reports()
    by_sha: dict[str, list[Path]] = {}
    for path in files:
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:  # refuse before hashing: never read a huge file to the end
                done.refused.append((str(path), f"file too large ({size / 2**20:.0f} MiB; limit {MAX_BYTES / 2**20:.0f} MiB)"))
                continue
            by_sha.setdefault(file_sha(path), []).append(path)
        except OSError as exc:
            done.refused.append((str(path), f"cannot read ({exc.strerror or exc})"))
    fresh = {sha: paths for sha, paths in by_sha.items() if sha not in known}
    touched: set[str] = set()
    for sha, paths in sorted(by_sha.items()):
        if sha in known:
            touched |= _record_names(store, known[sha], paths, done)
    shas = sorted(fresh)
    todo = [min(fresh[sha], key=lambda p: p.name) for sha in shas]
    graphs: dict[str, Graph] = {}
    for sha, path, result in zip(shas, todo, extractor(todo)):
        if isinstance(result, tuple):  # the same refusal for every file with these bytes
            done.refused += [(str(p), result[1]) for p in sorted(fresh[sha])]
            continue
        names = sorted({p.name for p in by_sha[result.sha256]})
        done.duplicates += [(n, names[0]) for n in names[1:]]
        graphs[str(report_iri(result))] = to_graph(result, names)
        done.sources[result.sha256] = str(path)
        done.built.append(result)
    old = _superseded(known, graphs, done)
    touched |= {authority_key(g) for g in [*graphs, *old]} - {None}
    touched |= pending(store)  # authorities a killed run stored reports for but never re-linked
    _mark_pending(store, touched)

    def write_reports() -> None:  # new graphs first: a run killed here loses nothing already stored
        store.put(graphs)
        store.drop(old)

    relink(store, sorted(touched), jobs, fresh=graphs, superseded=old, meanwhile=write_reports)
    done.replaced = old
    store.drop([PENDING])
    done.relinked = sorted(touched)
    return done


def pending(store: Store) -> set[str]:
    """Authorities whose re-linking a previous, interrupted run left undone."""
    rows = store.select(f"SELECT ?key WHERE {{ GRAPH <{PENDING}> {{ ?s <{OKG.pendingRelink}> ?key }} }}")[1]
    return {str(r["key"]) for r in rows}


def _mark_pending(store: Store, keys: set[str]) -> None:
    """Write down, before touching reports, which authorities must be re-linked (cleared when done)."""
    if keys:
        marker = Graph()
        for key in sorted(keys):
            marker.add((URIRef(PENDING), OKG.pendingRelink, Literal(key)))
        store.put({PENDING: marker})


def _record_names(store: Store, entry: ReportEntry, paths: list[Path], done: Update) -> set[str]:
    """Known bytes under a new name: add the name to the report; otherwise nothing to do."""
    new = sorted({p.name for p in paths} - set(entry.files))
    done.unchanged += [str(p) for p in paths if p.name in entry.files]
    if not new:
        return set()
    graph = store.fetch([entry.graph]).graph(URIRef(entry.graph))
    report = next(graph.subjects(OKG.sha256, Literal(entry.sha256)))
    for name in new:
        graph.add((report, OKG.sourceFile, Literal(name)))
        done.duplicates.append((name, entry.files[0]))
    store.put({entry.graph: graph})
    return {authority_key(entry.graph)} - {None}


def _superseded(known: dict[str, ReportEntry], graphs: dict[str, Graph], done: Update) -> list[str]:
    """Stored reports that a new one replaces (same authority, a file name in common); warn on visit clashes."""
    old: set[str] = set()
    for name, graph in graphs.items():
        files = {str(f) for f in graph.objects(None, OKG.sourceFile)}
        visit = name.rsplit("/report/", 1)[0]
        for entry in known.values():
            if authority_key(entry.graph) != authority_key(name):
                continue
            if files & set(entry.files):
                old.add(entry.graph)
            elif entry.graph.rsplit("/report/", 1)[0] == visit:
                done.conflicts.append((sorted(files)[0], entry.files[0]))
    clashes = {}
    for name, graph in sorted(graphs.items()):  # two new reports of one visit
        visit = name.rsplit("/report/", 1)[0]
        first = str(min(graph.objects(None, OKG.sourceFile)))
        if visit in clashes:
            done.conflicts.append((first, clashes[visit]))
        clashes.setdefault(visit, first)
    return sorted(old)


def relink(store: Store, keys: list[str], jobs: int = 1, fresh: dict[str, Graph] | None = None,
           superseded: list[str] = (), meanwhile: Callable[[], None] | None = None) -> None:
    """Re-derive links and follow-through for each authority key from its report graphs.

    Report graphs just built are taken from ``fresh`` rather than read back
    from the store, and ``superseded`` ones are left out, so the store need
    not hold the new reports yet: ``meanwhile`` (writing them) runs while
    the authorities are derived in ``jobs`` forked processes, which see the
    graphs without copying them (fork shares the memory).  The derived
    graphs are stored only after ``meanwhile`` has finished."""
    fresh = fresh or {}
    names = sorted((set(store.graph_names()) | set(fresh)) - set(superseded))
    work: dict[str, list[Graph]] = {}
    for key in keys:
        reports = [n for n in names if authority_key(n) == key and "/report/" in n]
        if not reports:
            store.drop(list(derived_names(key)))
            continue
        stored = [n for n in reports if n not in fresh]
        fetched = store.fetch(stored) if stored else None
        work[key] = [fresh[n] if n in fresh else fetched.graph(URIRef(n)) for n in reports]
    order = sorted(work, key=lambda k: (-sum(len(g) for g in work[k]), k))  # biggest first: workers finish together
    _UNITS.clear()
    _UNITS.update(work)
    try:
        if jobs > 1 and len(work) > 1:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
                pending = pool.map(_derive, order)
                if meanwhile:
                    meanwhile()
                derived = dict(zip(order, pending))
        else:
            if meanwhile:
                meanwhile()
            derived = {key: _derive(key) for key in order}
    finally:
        _UNITS.clear()
    out: dict[str, Graph | bytes] = {}
    if str(THEMES_GRAPH) not in names:
        out[str(THEMES_GRAPH)] = Graph().parse(themes_file(), format="turtle")
    for key, (links, follow) in derived.items():  # N-Triples: the store parses them
        out.update(zip(derived_names(key), (links, follow)))
    store.put(out)


_UNITS: dict[str, list[Graph]] = {}  # authority key -> its report graphs, for forked workers to read


def _derive(key: str) -> tuple[bytes, bytes]:
    """(links, follow-through) of one authority as N-Triples, from a read-only union of its report graphs."""
    reports = _UNITS[key]
    links = derive_links(ReadOnlyGraphAggregate(reports))
    follow = derive_follow_through(ReadOnlyGraphAggregate([*reports, links]))
    return links.serialize(format="nt", encoding="utf-8"), follow.serialize(format="nt", encoding="utf-8")


def remove(store: Store, targets: list[str]) -> tuple[list[str], list[str]]:
    """Take reports out by report graph IRI, file path (matched by content) or file name.

    Returns (graphs removed, targets that matched nothing)."""
    known = store.reports()
    graphs, missing = set(), []
    for target in targets:
        hits = [e.graph for e in known.values() if target in (e.graph, e.graph.rsplit("/report/", 1)[0])]
        path = Path(target)
        if not hits and path.is_file():
            sha = file_sha(path)
            hits = [known[sha].graph] if sha in known else []
        if not hits:
            hits = [e.graph for e in known.values() if path.name in e.files]
        if hits:
            graphs.update(hits)
        else:
            missing.append(target)
    keys = {authority_key(g) for g in graphs} - {None}
    _mark_pending(store, keys)
    store.drop(sorted(graphs))
    relink(store, sorted(keys))
    store.drop([PENDING])
    return sorted(graphs), missing

