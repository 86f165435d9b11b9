"""``ofsted-kg stats FILE``: what a graph holds, and what was flagged while reading."""
from __future__ import annotations

import click

from ofsted_kg.cli.common import load_graph
from ofsted_kg.rdf.vocab import OKG, PREFIXES

COUNTS = {
    "reports": "?x a okg:Report",
    "authorities": "?x a okg:LocalAuthority FILTER EXISTS { ?visit okg:authority ?x }",  # not the reference list
    "inspections": "?x a okg:Inspection FILTER NOT EXISTS { ?x okg:knownOnlyByReference true }",
    "focused visits": "?x a okg:FocusedVisit FILTER NOT EXISTS { ?x okg:knownOnlyByReference true }",
    "monitoring visits": "?x a okg:MonitoringVisit FILTER NOT EXISTS { ?x okg:knownOnlyByReference true }",
    "visits known only by mention": "?x okg:knownOnlyByReference true",
    "judgements": "?x a okg:Judgement",
    "recommendations": "?x a okg:Recommendation",
    "findings": "?x a okg:Finding",
    "follow-ups": "?x a okg:FollowUp",
    "repeated recommendations": "?x okg:repeats ?y",
    "unresolved authorities": "?x okg:resolved false",
}


@click.command("stats")
@click.argument("graph", metavar="GRAPH")
def stats_command(graph: str) -> None:
    """Counts of what GRAPH holds, and every problem flagged while reading its reports."""
    data = load_graph(graph)
    for label, pattern in COUNTS.items():
        rows = data.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}", initNs=PREFIXES)
        click.echo(f"{label:30s} {int(next(iter(rows))[0])}")
    flagged = sorted(data.query("SELECT ?file ?problem WHERE { ?r okg:problem ?problem ; okg:sourceFile ?file }",
                                initNs={"okg": OKG}))
    if flagged:
        click.echo(f"flagged while reading ({len(flagged)}):")
        for file, problem in flagged:
            click.echo(f"  {file}: {problem}")
