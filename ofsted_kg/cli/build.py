"""``ofsted-kg build PATH... -o FILE``: reports in, one graph file out."""
from __future__ import annotations

import os
from pathlib import Path

import click

from ..build import build, collect
from ..store import FormatError, format_for, save


@click.command("build")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Graph file to write; the extension sets the format (.trig .nq .ttl .nt .jsonld).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: all cores).")
def build_command(paths: tuple[Path, ...], output: Path, jobs: int | None) -> None:
    """Read Ofsted reports (PDF or text; files or folders) and write their knowledge graph."""
    try:
        format_for(output)
    except FormatError as exc:
        raise click.BadParameter(str(exc), param_hint="-o") from exc
    files = collect(paths)
    if not files:
        raise click.ClickException("no PDF or text files found in the paths given")
    jobs = jobs or os.cpu_count() or 1
    with click.progressbar(length=len(files), label="reading" if len(files) >= 5 else "", file=click.get_text_stream("stderr"),
                           hidden=len(files) < 5) as bar:
        result = build(files, jobs=jobs, progress=lambda _path: bar.update(1))
    if not result.built:
        _summary(result, output, written=False)
        raise SystemExit(3)
    save(result.dataset, output)
    _summary(result, output, written=True)
    if result.refused:
        raise SystemExit(1)


def _summary(result, output: Path, written: bool) -> None:
    recs = sum(len(e.recommendations) for e in result.built)
    findings = sum(len(e.findings) for e in result.built)
    click.echo(f"built {len(result.built)} reports ({recs} recommendations, {findings} findings)"
               + (f" -> {output}" if written else "; nothing written"))
    for name, same in result.duplicates:
        click.echo(f"  same report as {same}: {name} (recorded as a second file name)")
    for name, other in result.conflicts:
        click.echo(f"  warning: {name} describes the same visit as {other}")
    for ext in result.built:
        for problem in ext.problems:
            click.echo(f"  flagged: {ext.source_name}: {problem}")
    if result.refused:
        click.echo(f"refused {len(result.refused)} file(s):", err=True)
        for name, reason in result.refused:
            click.echo(f"  {name}: {reason}", err=True)
