"""``ofsted-kg review accept|set|apply|export|import``: people check the machine's statuses and correct them.

Reviews are written to the user's own Turtle file (``--reviews``, default ``reviews.ttl``), which they keep
under version control, and, when ``-g`` names a store, loaded into it at once: the effective current status
takes them, the machine's statuses stay beside it.  A graph file is rebuilt with
``build ... -o FILE --reviews reviews.ttl``.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rdflib import URIRef

from ofsted_kg.cli.common import count, default_graph, is_store, open_store_or_fail
from ofsted_kg.pipeline.update import apply_reviews_file
from ofsted_kg.query.authority import FORMS, UnknownAuthority, choose, in_graph
from ofsted_kg.review.make import Target, checked_time, evidence_of, now, target
from ofsted_kg.review.records import REVIEWED, Review, ReviewError, merged, read_or_empty, read_reviews, write_reviews
from ofsted_kg.review.sheet import export_rows, reviews_from_sheet, write_sheet
from ofsted_kg.stores import OxigraphStore, Store, StoreError

GRAPH = click.option("-g", "--graph", default=default_graph, help="Graph file or store (a store is updated at once).",
                     show_default="oxigraph:build/store if built, else build/graph.trig")
FILE = click.option("--reviews", "reviews_file", default="reviews.ttl", show_default=True,
                    type=click.Path(dir_okay=False, path_type=Path), help="The reviews file (Turtle, yours to keep).")
WHO = click.option("--reviewer", default=None, help="Who reviews (default: $USER).")
WHEN = click.option("--when", default=None, help="When the review was made (default: now), e.g. 2026-03-02T10:00:00Z.")
VISIT = click.option("--visit", default=None, help="The later visit, by IRI or start date (default: the latest one "
                     "the machine linked).")
CURRENT = "SELECT ?s ?m WHERE { ?rec okg:currentStatus ?s OPTIONAL { ?rec okg:machineCurrentStatus ?m } }"


@click.group("review")
def review_command() -> None:
    """Check the machine's statuses against their evidence: accept or correct them, kept in your reviews file."""


@contextmanager
def _engine(graph: str) -> Iterator[Store]:
    """The graph to read targets from: a store opened for writing (reviews are applied to it), or a file."""
    if is_store(graph):
        with open_store_or_fail(graph, write=True) as store:
            yield store
        return
    path = Path(graph)
    if not path.is_file():
        raise click.ClickException(f"{path}: no such graph file (build one with: ofsted-kg build PATH -o {path})")
    yield OxigraphStore.from_file(path)


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def _save(engine: Store, graph: str, path: Path, new: list[Review]) -> None:
    """Merge ``new`` into the reviews file, then apply the whole file to the store (if ``graph`` is one)."""
    try:
        reviews = merged(read_or_empty(path), new)
    except ReviewError as exc:
        raise _fail(exc) from exc
    write_reviews(path, reviews)
    click.echo(f"{count(len(new), 'review')} written to {path} ({count(len(reviews), 'review')} in all)")
    if not is_store(graph):
        click.echo(f"  {graph} is a graph file: rebuild it with `ofsted-kg build PATHS -o {graph} --reviews {path}`")
        return
    try:
        done = apply_reviews_file(engine, reviews, path.name)
    except StoreError as exc:
        raise _fail(exc) from exc
    click.echo(f"  applied to {graph}; re-derived {count(len(done.relinked), 'authority', 'authorities')}")
    for review in new:
        _, rows = engine.select(CURRENT, {"rec": URIRef(review.recommendation)})
        if rows:
            machine = rows[0].get("m") or rows[0]["s"]
            click.echo(f"  {review.recommendation}: current status {_name(rows[0]['s'])} "
                       f"(the machine read: {_name(machine)})")
    for review, why in done.unmatched:
        click.echo(f"  warning: {path}: review of {review.recommendation} at {review.visit} matches nothing "
                   f"in {graph} ({why}); kept, not applied")


def _name(term) -> str:
    return str(term).rsplit("#", 1)[-1]


def _one(engine: Store, key: str, visit: str | None, status: str | None, reason: str, reviewer: str | None,
         when: str | None, evidence: str) -> Review:
    """The review a user makes of ``key`` at ``visit``: ``status`` None accepts the machine's."""
    import getpass
    if not reason.strip():
        raise ReviewError("--reason: say why, in words")
    found: Target = target(engine, key, visit)
    if status is None and found.machine is None:
        raise ReviewError(f"nothing to accept: the machine did not link {found.visit} to {found.recommendation} "
                          f"(give a status with `review set --status`)")
    return Review(found.recommendation, found.visit, status or found.machine, reason.strip(),
                  reviewer or getpass.getuser(), checked_time(when) if when else now(),
                  evidence_of(engine, found.visit, evidence) if evidence else (),
                  found.machine or "does-not-speak-to-it")


@review_command.command("set")
@click.argument("recommendation")
@click.option("--status", "status", required=True, type=click.Choice(sorted(REVIEWED)),
              help="The status the visit gives it, or does-not-speak-to-it.")
@click.option("--reason", required=True, help="Why, in words.")
@click.option("--evidence", default="", help="The findings of that visit that are the evidence (ordinals or IRIs).")
@VISIT
@WHO
@WHEN
@GRAPH
@FILE
def set_command(recommendation: str, status: str, reason: str, evidence: str, visit: str | None,
                reviewer: str | None, when: str | None, graph: str, reviews_file: Path) -> None:
    """Give RECOMMENDATION (IRI, follow-up IRI or words of it) a status at a later visit."""
    with _engine(graph) as engine:
        try:
            review = _one(engine, recommendation, visit, status, reason, reviewer, when, evidence)
        except ReviewError as exc:
            raise _fail(exc) from exc
        _save(engine, graph, reviews_file, [review])


@review_command.command("accept")
@click.argument("recommendation")
@click.option("--reason", default="checked against the evidence", show_default=True, help="Why, in words.")
@VISIT
@WHO
@WHEN
@GRAPH
@FILE
def accept_command(recommendation: str, reason: str, visit: str | None, reviewer: str | None, when: str | None,
                   graph: str, reviews_file: Path) -> None:
    """Accept the machine's status of RECOMMENDATION at a later visit (recorded, so later model changes show)."""
    with _engine(graph) as engine:
        try:
            review = _one(engine, recommendation, visit, None, reason, reviewer, when, "")
        except ReviewError as exc:
            raise _fail(exc) from exc
        _save(engine, graph, reviews_file, [review])


@review_command.command("apply")
@GRAPH
@FILE
def apply_command(graph: str, reviews_file: Path) -> None:
    """Load the reviews file (edited by hand, or pulled from a colleague) into a store and apply it."""
    if not is_store(graph):
        raise click.ClickException(f"{graph} is a graph file: rebuild it with --reviews {reviews_file}")
    with _engine(graph) as engine:
        try:
            read_reviews(reviews_file)  # the file must exist and read cleanly before the store is touched
        except ReviewError as exc:
            raise _fail(exc) from exc
        _save(engine, graph, reviews_file, [])


@review_command.command("export")
@click.option("--authority", required=True, metavar="NAME", help=f"Whose follow-ups: {FORMS}.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The worksheet, .xlsx or .csv.")
@GRAPH
@FILE
def export_command(authority: str, output: Path, graph: str, reviews_file: Path) -> None:
    """Write a worksheet of an authority's follow-ups to review: quotes, pages, machine status, blank columns."""
    if output.suffix.lower() not in (".xlsx", ".csv"):
        raise click.BadParameter(f"{output}: a worksheet is .xlsx or .csv", param_hint="-o")
    with _engine(graph) as engine:
        try:
            chosen = choose(in_graph(engine), authority)[0]
            rows = export_rows(engine, chosen.label, read_or_empty(reviews_file))
        except (UnknownAuthority, ReviewError) as exc:
            raise _fail(exc) from exc
    write_sheet(output, rows)
    click.echo(f"wrote {count(len(rows), 'follow-up')} of {chosen.label or chosen.iri} to {output}; fill in "
               f"review_status ({', '.join(['accept', *REVIEWED])}), review_reason, reviewer, then: "
               f"ofsted-kg review import {output}")


@review_command.command("import")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@WHO
@WHEN
@GRAPH
@FILE
def import_command(sheet: Path, reviewer: str | None, when: str | None, graph: str, reviews_file: Path) -> None:
    """Read the reviews filled in on a worksheet; every row is checked first, and a bad one stops it all."""
    import getpass
    with _engine(graph) as engine:
        try:
            old = read_or_empty(reviews_file)
            new = reviews_from_sheet(sheet, engine, old, reviewer or getpass.getuser(),
                                     checked_time(when) if when else now())
        except ReviewError as exc:
            raise _fail(exc) from exc
        _save(engine, graph, reviews_file, new)
