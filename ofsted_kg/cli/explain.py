"""``ofsted-kg explain <recommendation IRI or quote>``: the reasoning behind a recommendation's status."""
from __future__ import annotations

import textwrap

import click

from ofsted_kg.cli.common import count, default_graph, load_graph
from ofsted_kg.views.explain import explain, find_recommendations


@click.command("explain")
@click.argument("recommendation")
@click.option("-g", "--graph", default=default_graph, show_default="oxigraph:build/store if built, else build/graph.trig",
              help="Graph file or store.")
def explain_command(recommendation: str, graph: str) -> None:
    """Print how RECOMMENDATION (an IRI, or words from it) was followed up, with the quoted evidence."""
    data = load_graph(graph)
    found = find_recommendations(data, recommendation)
    if not found:
        raise click.ClickException(f"no recommendation matches {recommendation!r}")
    click.echo(f"{count(len(found), 'recommendation')} match{'es' if len(found) == 1 else ''} {recommendation!r}:")
    for rec in found:
        e = explain(data, rec)
        click.echo(f"{e.recommendation}\n  made at the visit of {e.visit_start}: {e.text}")
        if e.page:
            click.echo(f"  printed on {e.page}: {e.link}")
        machine = f" (reviewed; the machine read: {e.machine_status})" if e.machine_status else ""
        click.echo(f"  current status: {e.current_status}{machine}")
        for earlier in e.repeats:
            click.echo(f"  restates an earlier recommendation: {earlier}")
        if not e.follow_ups and not e.reviews:
            click.echo("  no later visit speaks to it")
        for date in sorted(set(e.reviews) - {fu["later_visit"] for fu in e.follow_ups}):
            click.echo(f"  at {date}: the machine did not link this visit")
            _review(e.reviews[date])
        for fu in e.follow_ups:
            click.echo(f"  at {fu['later_visit']}: {fu['status']} (confidence {fu['confidence']})")
            if fu["later_visit"] in e.reviews:
                _review(e.reviews[fu["later_visit"]])
            click.echo(f"    why: {fu['explanation']}")
            click.echo(f"    cues: {', '.join(fu['cues']) or 'none'}")
            for ev in fu["evidence"]:
                page = f"{ev['page']}; " if ev["page"] else ""
                where = f" [{ev['section']}; {page}chars {ev['offsets'][0]}-{ev['offsets'][1]}]" if ev["offsets"] else ""
                click.echo(textwrap.indent(textwrap.fill(f"“{ev['quote']}”{where}", 100), "    > "))
                if ev["link"]:
                    click.echo(f"    > {ev['link']}")
        click.echo("")


def _review(review: dict) -> None:
    """A person's review beside the machine's reasoning: what they said, why, who and when."""
    click.echo(f"    reviewed: {review['status']} by {review['reviewer']} at {review['at']}: {review['reason']}")
    for quote in review["evidence"]:
        click.echo(textwrap.indent(textwrap.fill(f"“{quote}”", 100), "    reviewer's evidence > "))
