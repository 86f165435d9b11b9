"""Update a store: add new reports, replace changed ones, remove some, re-link what they touch.

A report's identity is the SHA-256 of its bytes.  Files whose hash is
already in the store are skipped without being read; a file whose name the
store knows for the same authority but with other bytes replaces that
report; a second name for known bytes is recorded beside the first.

Memory does not grow with the corpus: each report's graph reaches the store
as N-Quads bytes as soon as a worker has made it, and linking and
follow-through are derived authority by authority from what the store holds,
each in a worker that sees that authority's reports only, into its own two
named graphs.  So only authorities whose reports changed are re-linked, and
the result is the same whatever order reports arrived in: an incremental
build equals a full one.

New graphs are written before old ones are dropped, and the authorities to
re-link are written down before any report is stored, so a run killed
half-way leaves every report it had before still in the store, and the next
run finishes the re-linking.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from ofsted_kg.derive.columns import Columns, ntriples
from ofsted_kg.derive.followup import follow_triples
from ofsted_kg.derive.links import QUERIED, TYPED_BY, derive_links
from ofsted_kg.extract.model import BuiltReport
from ofsted_kg.extract.read import MAX_BYTES
from ofsted_kg.rdf.reference import AUTHORITIES_GRAPH, stamped_authorities_graph
from ofsted_kg.rdf.vocab import ID, OKG, THEMES_GRAPH, derived_names, key_of_graph
from ofsted_kg.resources import themes_file
from ofsted_kg.review.apply import (
    apply_reviews,
    by_authority,
    changed_keys,
    put_reviews,
    stored,
    unmatched,
    visit_starts,
)
from ofsted_kg.review.records import Review
from ofsted_kg.stores.base import ReportEntry, Selection, Store


@dataclass(frozen=True)
class Made:
    """One report made by a worker: what the summary needs, its graph's name, file names, and its graph as
    N-Quads (how many)."""

    built: BuiltReport
    graph: str
    files: tuple[str, ...]
    quads: bytes
    size: int


Maker = Callable[[list[tuple[Path, list[str]]]], Iterable]  # (file, names) -> Made | (file, reason), in order
BATCH = 40_000  # N-Quads lines stored at once: large enough for Oxigraph's bulk loader, small in memory


@dataclass
class Update:
    """What one update did (for the summary and for tests)."""

    built: list[BuiltReport] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    relinked: list[str] = field(default_factory=list)
    unmatched: list[tuple[Review, str]] = field(default_factory=list)  # stored reviews that apply to nothing
    reviews_file: str = ""  # the name of the file those reviews came from
    sources: dict[str, str] = field(default_factory=dict)  # SHA-256 -> the file read for it, as given (for messages)


PENDING = f"{ID}graph/pending-relink"


def file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def update_store(store: Store, files: list[Path], maker: Maker, jobs: int = 1,
                 reviews: tuple[list[Review], str] | None = None) -> Update:
    """Bring ``store`` up to date with ``files`` (see the module docstring), and with ``reviews`` (the reviews
    and their file's name) when given: authorities whose reviews changed are re-derived too."""
    done = Update()
    known = store.reports()
    by_sha = _hash_files(files, done)
    touched = pending(store)  # authorities a killed run stored reports for but never re-linked
    if reviews is not None:
        touched |= _load_reviews(store, *reviews, touched)
    for sha, paths in sorted(by_sha.items()):
        if sha in known:
            touched |= _record_names(store, known[sha], paths, done)
    fresh = {sha: paths for sha, paths in sorted(by_sha.items()) if sha not in known}
    tasks = [(min(paths, key=lambda p: p.name), sorted({p.name for p in paths})) for paths in fresh.values()]
    new = _store_reports(store, zip(fresh.values(), maker(tasks)), done, touched)
    old = _superseded(known, new, done)
    touched |= {key_of_graph(g) for g in [*new, *old]} - {None}
    _mark_pending(store, touched)
    store.drop(old)  # the new reports are all stored by now
    relink(store, sorted(touched), jobs)
    done.replaced = old
    store.drop([PENDING])
    done.relinked = sorted(touched)
    done.reviews_file, done.unmatched = unmatched(store)
    return done


def _load_reviews(store: Store, reviews: list[Review], source: str, marked: set[str]) -> set[str]:
    """Replace the store's reviews; the authorities whose reviews changed are marked for re-linking first, so a
    run killed after this still applies them."""
    changed = changed_keys(store, reviews, source)
    if changed is None:
        return set()
    _mark_pending(store, marked | changed)
    put_reviews(store, reviews, source)
    return changed


def _hash_files(files: list[Path], done: Update) -> dict[str, list[Path]]:
    """Files by the SHA-256 of their bytes; unreadable or huge ones refused (never read a huge file to the end)."""
    by_sha: dict[str, list[Path]] = {}
    for path in files:
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                done.refused.append((str(path), f"file too large ({size / 2**20:.0f} MiB; limit {MAX_BYTES / 2**20:.0f} MiB)"))
                continue
            by_sha.setdefault(file_sha(path), []).append(path)
        except OSError as exc:
            done.refused.append((str(path), f"cannot read ({exc.strerror or exc})"))
    return by_sha


def _store_reports(store: Store, results: Iterable[tuple[list[Path], object]], done: Update,
                   marked: set[str]) -> dict[str, tuple[str, ...]]:
    """Store each report graph as it arrives, in batches; returns graph name -> its file names.

    Before a batch is stored, the authorities it touches are added to the
    pending-relink marker, so a run killed after it still re-links them."""
    new: dict[str, tuple[str, ...]] = {}
    batch: dict[str, bytes] = {}

    def flush() -> None:
        keys = {key_of_graph(g) for g in batch} - {None}
        if keys - marked:
            marked.update(keys)
            _mark_pending(store, marked)
        store.put_new(b"".join(batch.values()), list(batch))
        batch.clear()

    lines = 0
    try:
        for paths, result in results:
            if isinstance(result, tuple):  # the same refusal for every file with these bytes
                done.refused += [(str(p), result[1]) for p in sorted(paths)]
                continue
            done.duplicates += [(n, result.files[0]) for n in result.files[1:]]
            done.sources[result.built.sha256] = str(min(paths, key=lambda p: p.name))
            done.built.append(result.built)
            new[result.graph] = result.files
            batch[result.graph] = result.quads
            lines += result.size
            if lines >= BATCH:
                flush()
                lines = 0
    finally:  # interrupted or not, what was made is kept (each graph whole); the next run re-links
        if batch:
            flush()
    return new


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
    return {key_of_graph(entry.graph)} - {None}


def _superseded(known: dict[str, ReportEntry], new: dict[str, tuple[str, ...]], done: Update) -> list[str]:
    """Stored reports that a new one replaces (same authority, a file name in common); warn on visit clashes."""
    old: set[str] = set()
    for name, files in new.items():
        visit = name.rsplit("/report/", 1)[0]
        for entry in known.values():
            if key_of_graph(entry.graph) != key_of_graph(name):
                continue
            if set(files) & set(entry.files):
                old.add(entry.graph)
            elif entry.graph.rsplit("/report/", 1)[0] == visit:
                done.conflicts.append((files[0], entry.files[0]))
    clashes: dict[str, str] = {}
    for name, files in sorted(new.items()):  # two new reports of one visit
        visit = name.rsplit("/report/", 1)[0]
        if visit in clashes:
            done.conflicts.append((files[0], clashes[visit]))
        clashes.setdefault(visit, files[0])
    return sorted(old)


def relink(store: Store, keys: list[str], jobs: int = 1) -> None:
    """Re-derive links and follow-through for each authority key from its report graphs in the store.

    Each authority's reports are read from the store as N-Triples (by the
    store, natively) and derived in one of ``jobs`` worker processes; at most
    two authorities per worker are in flight, and derived graphs are stored
    as they come back, so memory holds a few authorities, never the corpus."""
    names = store.graph_names()
    work: dict[str, list[str]] = {}
    for key in keys:
        reports = [n for n in names if key_of_graph(n) == key and "/report/" in n]
        if reports:
            work[key] = reports
        else:
            store.drop(list(derived_names(key)))
    if str(THEMES_GRAPH) not in names:  # reference data: the theme scheme, and authorities, regions, neighbours
        store.put({str(THEMES_GRAPH): Graph().parse(themes_file(), format="turtle")})
    _refresh(store, AUTHORITIES_GRAPH, *stamped_authorities_graph())
    order = sorted(work, key=lambda k: (-len(work[k]), k))  # biggest first: workers finish together
    inputs = ((key, store.triples(work[key], READS)) for key in order)
    reviews = by_authority(stored(store)[0])  # people's reviews, applied after the machine's derivation
    starts = visit_starts(store) if reviews.keys() & work.keys() else {}
    for key, (links, follow) in _derive_all(inputs, jobs if len(order) > 1 else 1):
        if key in reviews:
            follow = apply_reviews(follow, reviews[key], starts)
        store.put(dict(zip(derived_names(key), (links, follow))))


def _refresh(store: Store, name: URIRef, digest: str, graph: Graph) -> None:
    """Write a reference graph unless the store holds this very content (its SHA-256, recorded in the graph):
    a store built by an older version gets the package's current reference data at its next build."""
    rows = store.select("SELECT ?sha WHERE { GRAPH ?g { ?g okg:contentSha256 ?sha } } LIMIT 1", {"g": name})[1]
    if not (rows and str(rows[0]["sha"]) == digest):
        store.put({str(name): graph})


def _derive_all(inputs: Iterator[tuple[str, bytes]], jobs: int) -> Iterator[tuple[str, tuple[bytes, bytes]]]:
    """(key, derived graphs) for each (key, report triples), in ``jobs`` processes with a bounded queue."""
    if jobs <= 1:
        for key, triples in inputs:
            yield key, derive(triples)
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        running = {}
        for key, triples in inputs:
            running[pool.submit(derive, triples)] = key
            if len(running) >= 2 * jobs:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=running.get):
                    yield running.pop(future), future.result()
        for future in sorted(running, key=running.get):
            yield running.pop(future), future.result()


# What linking and follow-through read of a report: the rest (Web Annotation selectors, provenance, page
# numbers, licence) is for people and validation, and is left out of the workers' input (three quarters of
# the triples, so of the reading and parsing).  tests/test_update.py checks that derivation from this
# selection equals derivation from the whole report graphs.
READS = Selection(frozenset(str(OKG[name]) for name in (
    "authority", "text", "visit", "part", "section", "startDate", "endDate", "publicationDate", "describes",
    "knownOnlyByReference", "resolved", "referencedKind", "referencedMonth", "referencedYear", "referencedGrade",
    "mentionedIn", "inFinding", "overallGrade", "grade")), str(OKG))


def derive(triples: bytes) -> tuple[bytes, bytes]:
    """(links, follow-through) of one authority as N-Triples, from the N-Triples of its report graphs.

    Read and written by Oxigraph, with no rdflib graph but the small one linking's SPARQL runs over
    (:mod:`ofsted_kg.derive.columns`): rdflib's parser and indexes were a fifth of derivation's CPU."""
    reports = Columns.parse(triples)
    links = derive_links(reports.graph(QUERIED, TYPED_BY))
    for triple in links:
        reports.add(triple)
    return ntriples(links), ntriples(follow_triples(reports))


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
    keys = {key_of_graph(g) for g in graphs} - {None}
    _mark_pending(store, keys)
    store.drop(sorted(graphs))
    relink(store, sorted(keys))
    store.drop([PENDING])
    return sorted(graphs), missing



def apply_reviews_file(store: Store, reviews: list[Review], source: str, jobs: int = 1) -> Update:
    """Load ``reviews`` (from the file named ``source``) into the store and re-derive the authorities whose
    reviews changed, with no reports to read: what ``review set`` and ``review import`` do after writing the file."""
    return update_store(store, [], lambda tasks: iter(()), jobs, (reviews, source))
