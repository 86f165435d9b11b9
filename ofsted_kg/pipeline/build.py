"""The build pipeline: paths -> files -> read -> extract -> RDF per report -> link.

Files that cannot be used are reported (name and reason) and skipped; the
rest are built.  The same report under two names is one report with both
names recorded.  Extraction runs in worker processes when ``jobs > 1``; the
result does not depend on the number of workers because reports are mapped
in a fixed order (sorted by content hash).
"""
from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from ofsted_kg.extract.extractor import extract
from ofsted_kg.extract.model import BuiltReport, Extraction
from ofsted_kg.extract.read import PDF_SUFFIXES, TEXT_SUFFIXES, ReadError, read_source
from ofsted_kg.pipeline.update import Made, Update, update_store
from ofsted_kg.rdf.graph_files import graph_nquads, new_dataset
from ofsted_kg.rdf.mapping import report_iri, report_triples
from ofsted_kg.review.records import Review
from ofsted_kg.stores import MemoryStore, Store

INPUT_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES


@dataclass
class BuildResult:
    dataset: Dataset
    built: list[BuiltReport] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, same content as)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (file, other file describing the same visit)
    update: Update | None = None  # what the store update did: unchanged, replaced, re-linked authorities
    store: Store | None = None  # the store built into

    @property
    def ok(self) -> bool:
        return not self.refused


def collect(paths: Iterable[Path | str]) -> list[Path]:
    """Input files: the files given, and every PDF/text file under each folder given (recursively)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                                and not p.name.startswith(".")))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def extract_file(path: Path) -> Extraction | tuple[str, str]:
    """Read and extract one file; a (file, reason) pair instead of an exception when it fails."""
    try:
        return extract(read_source(path))
    except ReadError as exc:
        return str(path), str(exc)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the build; say what happened
        return str(path), f"internal error while extracting ({type(exc).__name__}: {exc})"


def extract_all(files: list[Path], jobs: int = 1, progress: Callable[[Path], None] | None = None) -> Iterator:
    """Extractions (or (file, reason) pairs) in the order of ``files``, yielded as they are ready."""
    yield from _in_order(extract_file, files, jobs, progress and (lambda path: progress(path)))


def make_report(task: tuple[Path, list[str]]) -> Made | tuple[str, str]:
    """Read, extract and map one file to its report graph, as N-Quads, in the worker that read it.

    Mapping and serialising here, not in the parent, spreads them over the
    workers, and what crosses back is bytes the store parses natively: the
    parent never holds a report as Python objects (``names``: every file name
    these bytes were found under, recorded on the report)."""
    path, names = task
    result = extract_file(path)
    if isinstance(result, tuple):
        return result
    graph = str(report_iri(result))
    return Made(BuiltReport.of(result), graph, tuple(names), *graph_nquads(report_triples(result, names), graph))


def make_reports(tasks: list[tuple[Path, list[str]]], jobs: int = 1,
                 progress: Callable[[Path], None] | None = None) -> Iterator[Made | tuple[str, str]]:
    """:func:`make_report` of each task, in order, yielded as ready (lazy: the caller stores each report
    while the workers make the next ones)."""
    yield from _in_order(make_report, tasks, jobs, progress and (lambda task: progress(task[0])))


def _in_order(work: Callable, items: list, jobs: int, done: Callable | None) -> Iterator:
    if jobs <= 1 or len(items) < 4:
        for item in items:
            yield work(item)
            if done:
                done(item)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for item, result in zip(items, pool.map(work, items, chunksize=2)):
            yield result
            if done:
                done(item)


@contextmanager
def fewer_collections(threshold: int = 50_000) -> Iterator[None]:
    """Run the cyclic garbage collector less often.

    Mapping the corpus creates ~10^6 short-lived RDF terms and tuples; with
    the default threshold (700 allocations) the collector runs thousands of
    times and finds almost nothing: a higher one saves ~4% of a build."""
    before = gc.get_threshold()
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def build(paths: Iterable[Path | str], jobs: int | None = None,
          progress: Callable[[Path], None] | None = None, store: Store | None = None,
          reviews: tuple[list[Review], str] | None = None) -> BuildResult:
    """Build ``paths`` into ``store`` (default: a fresh in-memory one), skipping reports it already has; with
    ``reviews`` (the reviews, their file's name), the store's reviews are replaced by them."""
    store = store if store is not None else MemoryStore()
    workers = jobs or os.cpu_count() or 1
    with fewer_collections():
        done = update_store(store, collect(paths), lambda tasks: make_reports(tasks, workers, progress), workers,
                            reviews)
    result = BuildResult(store.data if isinstance(store, MemoryStore) else new_dataset(), done.built, done.refused,
                         done.duplicates, done.conflicts)
    result.update, result.store = done, store
    return result
