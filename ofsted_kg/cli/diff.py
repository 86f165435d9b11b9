"""``ofsted-kg diff OLD NEW [--csv FILE]``: what changed between two builds (graph files or stores)."""
from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path

import click

from ofsted_kg.cli.common import count, open_engine
from ofsted_kg.files import atomic_write
from ofsted_kg.rdf.vocab import ID
from ofsted_kg.views.diff import Change, Changes, compare, read_diff_tables
from ofsted_kg.views.tables import Table

SIGN = {"added": "+", "removed": "-", "changed": "~"}
CSV_COLUMNS = ("kind", "authority", "date", "visit", "report", "recommendation", "text", "repeats",
               "old_status", "new_status", "old_evidence", "new_evidence")
EVIDENCE_SEPARATOR = " | "  # as the tables join several values of one cell
WIDTH = 100  # characters of a recommendation or a quote shown in the text summary (the CSV has them whole)


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write one row per change to this CSV file.")
def diff_command(old: str, new: str, csv_file: Path | None) -> None:
    """What changed from build OLD to build NEW (each a graph file or a store such as oxigraph:PATH).

    Reports added and removed, recommendations added and removed, recommendations whose current status
    changed (with the evidence quoted on each side), follow-ups and repeated recommendations new and gone."""
    changes = compare(read_build(old), read_build(new), (old, new))
    if csv_file is not None:
        try:
            atomic_write(csv_file, csv_text(changes).encode("utf-8"))
        except OSError as exc:
            raise click.ClickException(f"{csv_file}: cannot write ({exc.strerror or exc})") from exc
    click.echo(summary(changes), nl=False)


def read_build(source: str) -> dict[str, Table]:
    """The diff tables of one build.  A graph without a single report is refused: it is a wrong file, most
    likely, and comparing with it would list every report of the other build as added or removed."""
    tables = read_diff_tables(open_engine(source))
    if not tables["reports"].rows:
        raise click.ClickException(f"{source}: holds no Ofsted reports (not a graph made by ofsted-kg build?)")
    return tables


def summary(changes: Changes) -> str:
    """Counts first, then each authority's changes (the text ``diff`` prints)."""
    groups = changes.by_authority()
    lines = [f"changes from {changes.old} to {changes.new}: {count(len(changes.changes), 'change')} in "
             f"{count(len(groups), 'authority', 'authorities')}"]
    for table, added, removed, changed in changes.counts():
        status = "" if changed is None else f", {changed} changed status"
        lines.append(f"  {table:<16} {added} added, {removed} removed{status}")
    for authority, items in groups:
        lines += ["", f"{authority}: {count(len(items), 'change')}"]
        for change in items:
            lines += describe(change)
    return "\n".join(lines) + "\n"


def describe(change: Change) -> list[str]:
    """One change as a headline (sign, kind, date, what, statuses) and indented detail lines; a status
    change shows the first quote of each side's evidence."""
    noun, verb = change.kind.rsplit("-", 1)
    subject = short(change.recommendation or change.report or change.visit)
    head = f"  {SIGN[verb]} {noun:<14} {change.date:<10}  {'of ' if noun == 'follow-up' else ''}{subject}"
    if noun == "follow-up" or verb == "changed":
        head += f": {change.old_status or '(none)'} -> {change.new_status or '(none)'}"
    body = [f"repeats {short(change.repeats)}"] if change.repeats else []
    body.append(clip(change.text))
    if verb == "changed":
        body += [f"was: {quote(change.old_evidence)}", f"now: {quote(change.new_evidence)}"]
    return [head] + [f"      {line}" for line in body if line]


def short(iri: str) -> str:
    """An IRI without the id base ('visit/E08000007/inspection/2017-06-12/recommendation/4')."""
    return iri.removeprefix(str(ID))


def quote(evidence: tuple[str, ...]) -> str:
    """The first (primary) quote, clipped, and how many more findings the follow-up quotes."""
    if not evidence:
        return "no evidence"
    more = f" (+{count(len(evidence) - 1, 'more finding')})" if len(evidence) > 1 else ""
    return f"“{clip(evidence[0])}”{more}"


def clip(text: str) -> str:
    return textwrap.shorten(text, WIDTH, placeholder=" …") if text else ""


def csv_text(changes: Changes) -> str:
    """One row per change; several evidence quotes in one cell are joined by ' | '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for change in changes.changes:
        cells = {**vars(change), "old_evidence": EVIDENCE_SEPARATOR.join(change.old_evidence),
                 "new_evidence": EVIDENCE_SEPARATOR.join(change.new_evidence)}
        writer.writerow([cells[c] for c in CSV_COLUMNS])
    return buffer.getvalue()
