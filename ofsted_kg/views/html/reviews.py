"""View model of reviews: what people said of the machine's statuses, and what still needs a look.

The site shows the effective status everywhere (the recommendations table's ``currentStatus`` already takes
the reviews); this module adds what a reader needs to trust it: which statuses a person set (who, when, why,
and what the machine had read), which follow-ups no one has checked yet, least sure first, and per authority
how many statuses are the machine's reading and how many a person's.  Everything comes from two shipped
queries (``queries/reviews.rq``, ``queries/needs-review.rq``) read as tables, so the pages, ``ofsted-kg
query`` and any SPARQL client agree, and both engines give the same rows in the same order.
"""
from __future__ import annotations

from dataclasses import dataclass

from ofsted_kg.stores import Store
from ofsted_kg.views.html.model import Authority, Cell, Counts, Mark, Pending, Rec, Visit, quote
from ofsted_kg.views.tables import Table, read_table


@dataclass(frozen=True)
class ReviewViews:
    """The rows of the two review queries over one graph (what ``report`` and ``serve`` show)."""

    reviews: Table
    needs: Table


def read_review_views(engine: Store) -> ReviewViews:
    """The two review queries over ``engine``: read once, beside the tables, so report and serve show the same."""
    return ReviewViews(read_table(engine, "reviews", "."), read_table(engine, "needs-review", "."))


def marks(table: Table) -> dict[tuple[str, str], Mark]:
    """(recommendation, later visit) -> its review; the query's one row per evidence finding folded into one."""
    found: dict[tuple[str, str], Mark] = {}
    for row in table.rows:
        key = (str(row["recommendation"]), str(row["laterVisit"]))
        earlier = found.get(key)
        evidence = (earlier.evidence if earlier else ()) + ((str(row["evidence"]),) if row["evidence"] else ())
        found[key] = Mark(str(row["reviewed"]), row["machine"] or None, str(row["reviewer"]), str(row["at"]),
                          str(row["reason"]), evidence)
    return found


def attach_reviews(authorities: list[Authority], views: ReviewViews, findings: Table) -> list[Pending]:
    """Mark every reviewed cell, keep each touched recommendation's machine current status, count per
    authority, and return the follow-ups that still need review (lowest confidence first, the query's order)."""
    by_pair, machine_current = marks(views.reviews), {str(r["recommendation"]): r["machineCurrent"]
                                                      for r in views.reviews.rows}
    quotes = {str(f["finding"]): f for f in findings.rows}
    recs = {r.iri: (a, r) for a in authorities for r in a.recs}
    for authority in authorities:
        for rec in authority.recs:
            rec.machine_current = machine_current.get(rec.iri) or None
            for visit, cell in zip(rec.later, rec.cells):
                _mark(cell, visit, by_pair.get((rec.iri, visit.iri)), quotes)
        authority.review_counts = _counts(authority)
    pending = [p for p in (_pending(row, recs) for row in views.needs.rows) if p is not None]
    for item in pending:
        item.authority.needs.append(item)
    return pending


def _mark(cell: Cell, visit: Visit, mark: Mark | None, quotes: dict[str, dict]) -> None:
    if mark is None:
        return
    cell.review = mark
    cell.review_evidence = [quote(quotes[f], visit) for f in mark.evidence if f in quotes]


def _counts(authority: Authority) -> Counts:
    cells = [c for r in authority.recs for c in r.cells if c.followup or c.review]
    reviewed = [c.review for c in cells if c.review]
    return Counts(len(cells), len(reviewed), sum(m.changed for m in reviewed))


def _pending(row: dict, recs: dict[str, tuple[Authority, Rec]]) -> Pending | None:
    """A needs-review row on the site's model; None for an authority the site leaves out."""
    found = recs.get(str(row["recommendation"]))
    if found is None:
        return None
    authority, rec = found
    visit = next((v for v in rec.later if v.iri == row["laterVisit"]), None)
    if visit is None:
        return None
    confidence = row["confidence"]
    return Pending(float(confidence) if isinstance(confidence, (int, float)) else None, rec, visit,
                   str(row["status"]), authority)
