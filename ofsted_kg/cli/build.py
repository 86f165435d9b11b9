"""``ofsted-kg build PATH... [--store SPEC] [-o FILE]``: reports in, a store updated and/or a graph file out.

Without ``-o``, reports go into a store (default ``oxigraph:build/store``),
incrementally: unchanged reports are skipped by SHA-256.  With ``-o`` and no
``--store``, a one-off build in memory is written to the file.
"""
from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ofsted_kg.cli.common import count, open_store_or_fail
from ofsted_kg.pipeline.build import build, collect
from ofsted_kg.rdf.graph_files import FormatError, format_for
from ofsted_kg.review.records import Review, ReviewError, read_reviews
from ofsted_kg.stores import DEFAULT_STORE, OxigraphStore, Store, StoreError
from ofsted_kg.validate.shacl import validate_store


@click.command("build")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Graph file to write; the extension sets the format (.trig .nq .ttl .nt .jsonld).")
@click.option("--store", "spec", help=f"Store to update: memory, oxigraph:PATH or sparql+http(s)://... "
              f"(default {DEFAULT_STORE}, or memory when only -o is given).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: all cores).")
@click.option("--validate", "check", is_flag=True, help="Validate the authorities this build changed (SHACL, in parallel).")
@click.option("--reviews", "reviews_file", type=click.Path(dir_okay=False, path_type=Path),
              help="People's reviews of statuses (a Turtle file `ofsted-kg review` writes): loaded into the store, "
                   "replacing the reviews it held, and applied. Without it the store's reviews stay and apply.")
def build_command(paths: tuple[Path, ...], output: Path | None, spec: str | None, jobs: int | None,
                  check: bool, reviews_file: Path | None) -> None:
    """Read Ofsted reports (PDF or text; files or folders) into a store and/or a graph file."""
    reviews = _reviews(reviews_file)
    if output is not None:
        try:
            format_for(output)
        except FormatError as exc:
            raise click.BadParameter(str(exc), param_hint="-o") from exc
    files = collect(paths)
    if not files:
        raise click.ClickException("no PDF or text files found in the paths given")
    spec = spec or ("memory" if output is not None else DEFAULT_STORE)
    with _opened(spec, output, given=spec is not None) as store:
        with click.progressbar(length=len(files), label="reading", file=sys.stderr,
                               hidden=len(files) < 5 or not sys.stderr.isatty()) as bar:
            try:
                result = build(files, jobs=jobs or os.cpu_count() or 1, progress=lambda _p: bar.update(1), store=store,
                               reviews=reviews)
            except StoreError as exc:
                raise click.ClickException(str(exc)) from exc
        if output is not None and (result.built or spec != "memory"):
            store.dump(output)
        violations = validate_store(store, result.update.relinked, jobs or os.cpu_count() or 1) if check else []
    target = " -> ".join(x for x in ((spec if spec != "memory" else ""), str(output or "")) if x)
    _summary(result, target, written=bool(result.built) or spec != "memory")
    if check:
        click.echo(f"validated {count(len(result.update.relinked), 'changed authority', 'changed authorities')}: "
                   f"{count(len(violations), 'violation')}")
        for violation in violations[:20]:
            click.echo(f"  {violation}")
    if not result.built and not (result.update and result.update.unchanged):
        raise SystemExit(3)
    if violations:
        raise SystemExit(1)
    if result.refused:
        raise SystemExit(1)


def _reviews(path: Path | None) -> tuple[list[Review], str] | None:
    """The reviews of ``--reviews FILE`` and the file's name, or None; a bad file is one line naming it."""
    if path is None:
        return None
    try:
        return read_reviews(path), path.name
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from exc


@contextmanager
def _opened(spec: str, output: Path | None, given: bool) -> Iterator[Store]:
    """The store to build into.  A one-off build to a file (``-o`` without ``--store``) goes through a
    scratch on-disk store beside the file, removed afterwards: memory stays bounded whatever the corpus
    (Oxigraph in memory holds ~0.7 GB for the 504-PDF corpus)."""
    if given or output is None:
        with open_store_or_fail(spec, write=True) as store:
            yield store
        return
    folder = output.resolve().parent
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".ofsted-kg-build.", dir=folder) as scratch:
        with OxigraphStore(Path(scratch) / "store", write=True) as store:
            store.spec = "memory"
            yield store


def _summary(result, target: str, written: bool) -> None:
    sources = result.update.sources if result.update else {}

    def where(ext) -> str:  # the path as given: every file may be called 'children's services inspection - DATE.pdf'
        return sources.get(ext.sha256, ext.source_name)

    recs = sum(e.recommendations for e in result.built)
    findings = sum(e.findings for e in result.built)
    click.echo(f"built {count(len(result.built), 'report')} ({count(recs, 'recommendation')}, "
               f"{count(findings, 'finding')})"
               + (f" -> {target}" if written else "; nothing written"))
    done = result.update
    if done and (done.unchanged or done.replaced):
        click.echo(f"  {len(done.unchanged)} unchanged (skipped), {len(done.replaced)} replaced; "
                   f"re-linked {count(len(done.relinked), 'authority', 'authorities')}")
    for name, same in result.duplicates:
        click.echo(f"  same report as {same}: {name} (recorded as a second file name)")
    for name, other in result.conflicts:
        click.echo(f"  warning: {name} describes the same visit as {other}")
    if done:
        for review, why in done.unmatched:  # kept in the file: the visit may come back, or the user decides
            click.echo(f"  warning: {done.reviews_file}: review of {review.recommendation} at {review.visit} "
                       f"matches nothing in this build ({why}); kept, not applied")
    for ext in result.built:
        for problem in ext.problems:
            click.echo(f"  flagged: {where(ext)}: {problem}")
    if result.refused:
        click.echo(f"refused {count(len(result.refused), 'file')}:", err=True)
        for name, reason in result.refused:
            click.echo(f"  {name}: {reason}", err=True)
