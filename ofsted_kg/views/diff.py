"""What changed between two builds: reports, recommendations, statuses, follow-ups and repeats, added or gone.

A team re-running the build each month reads this first.  Both builds are
read through the SPARQL files in ``queries/diff/`` (so a graph file, an
Oxigraph store and a SPARQL server all work), and compared by IRI: IRIs are
derived from content (a recommendation's IRI is its visit's plus its
position), so the same thing has the same IRI in both builds.  A status
change carries each side's evidence: the findings quoted by the follow-up
that set the recommendation's current status (its latest one).

:func:`compare` is pure (tables in, :class:`Changes` out) and sorts every
change by authority name, kind, date and IRI, so the same two builds always
give the same report, byte for byte.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ofsted_kg.stores import Store
from ofsted_kg.views.tables import Table, read_table

DIFF_TABLES = ("reports", "recommendations", "follow-ups", "evidence", "repeats")


@dataclass(frozen=True)
class Item:
    """One kind of thing compared: its table, its key, and the change kinds it gives."""

    table: str
    key: Callable[[dict], tuple[str, ...]]
    added: str
    removed: str
    changed: str | None = None  # the kind for a change of ``status``
    status: str | None = None  # the column whose change is reported (None: presence only)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k in (self.added, self.removed, self.changed) if k)


ITEMS = (
    Item("reports", lambda r: (r["report"],), "report-added", "report-removed"),
    Item("recommendations", lambda r: (r["recommendation"],), "recommendation-added", "recommendation-removed",
         "status-changed", "currentStatus"),
    Item("follow-ups", lambda r: (r["followUp"],), "follow-up-added", "follow-up-removed", "follow-up-changed", "status"),
    Item("repeats", lambda r: (r["later"], r["earlier"]), "repeat-added", "repeat-removed"),
)
KIND_ORDER = tuple(kind for item in ITEMS for kind in item.kinds)


@dataclass(frozen=True)
class Change:
    """One row of the diff: what changed, where, and (for statuses) both sides with their evidence."""

    kind: str  # one of KIND_ORDER
    authority: str  # the authority's name (its IRI when the graph has no name)
    authority_iri: str
    date: str  # start date of ``visit``
    visit: str  # the report's visit, the recommendation's visit, or the later visit of a follow-up
    report: str  # the report describing ``visit`` ('' when none)
    recommendation: str = ""
    text: str = ""  # the recommendation's words, or a report's file name(s)
    repeats: str = ""  # for a repeat: the earlier recommendation the later one restates
    old_status: str = ""
    new_status: str = ""
    old_evidence: tuple[str, ...] = ()
    new_evidence: tuple[str, ...] = ()

    def sort_key(self) -> tuple:
        return (self.authority.casefold(), self.authority, KIND_ORDER.index(self.kind), self.date, self.visit,
                self.recommendation, self.repeats)


@dataclass(frozen=True)
class Changes:
    """Every change between two builds, sorted (see :meth:`Change.sort_key`)."""

    changes: tuple[Change, ...]
    old: str = ""  # the two builds as the user named them (for headings)
    new: str = ""

    def __bool__(self) -> bool:
        return bool(self.changes)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    def counts(self) -> list[tuple[str, int, int, int | None]]:
        """(table, added, removed, changed status or None) for each kind of thing compared: the headline."""
        return [(item.table, self.count(item.added), self.count(item.removed),
                 self.count(item.changed) if item.changed else None) for item in ITEMS]

    def by_authority(self) -> list[tuple[str, list[Change]]]:
        """(authority name, its changes) in name order."""
        groups: dict[str, list[Change]] = {}
        for change in self.changes:
            groups.setdefault(change.authority, []).append(change)
        return list(groups.items())

    def only(self, authorities: set[str]) -> Changes:
        """The changes of these authority IRIs (for a site restricted to some authorities)."""
        return Changes(tuple(c for c in self.changes if c.authority_iri in authorities), self.old, self.new)


def read_diff_tables(engine: Store) -> dict[str, Table]:
    """What :func:`compare` reads of one build, by table name (``queries/diff/``)."""
    return {name: read_table(engine, name, "diff") for name in DIFF_TABLES}


def diff_engines(old: Store, new: Store, names: tuple[str, str] = ("", "")) -> Changes:
    return compare(read_diff_tables(old), read_diff_tables(new), names)


@dataclass(frozen=True)
class Side:
    """One build's tables, indexed for comparison."""

    rows: dict[str, dict[tuple[str, ...], dict]]  # table -> key -> row
    evidence: dict[str, tuple[str, ...]]  # follow-up IRI -> quoted finding texts, primary first
    latest: dict[str, str]  # recommendation IRI -> its latest follow-up (the one that set its current status)
    report_of: dict[str, str]  # visit IRI -> the report describing it

    @classmethod
    def of(cls, tables: dict[str, Table]) -> Side:
        rows = {item.table: {item.key(r): r for r in tables[item.table].rows} for item in ITEMS}
        evidence: dict[str, list[str]] = {}
        for row in sorted(tables["evidence"].rows, key=_quote_order):
            evidence.setdefault(row["followUp"], []).append(str(row["text"]))
        latest: dict[str, str] = {}
        for row in sorted(tables["follow-ups"].rows, key=lambda r: (str(r["assessedDate"]), r["followUp"])):
            latest[row["recommendation"]] = row["followUp"]
        report_of: dict[str, str] = {}
        for row in sorted(tables["reports"].rows, key=lambda r: r["report"], reverse=True):
            report_of[row["visit"]] = row["report"]  # the first report by IRI when a visit has two
        return cls(rows, {k: tuple(v) for k, v in evidence.items()}, latest, report_of)

    def evidence_of(self, item: Item, row: dict | None) -> tuple[str, ...]:
        """The quotes behind a row's status: a follow-up's own, or a recommendation's latest follow-up's."""
        if row is None:
            return ()
        follow_up = {"follow-ups": row.get("followUp"), "recommendations": self.latest.get(row.get("recommendation"))}
        return self.evidence.get(follow_up.get(item.table) or "", ())

    def rec_text(self, rec: str) -> str:
        row = self.rows["recommendations"].get((rec,))
        return str(row["text"]) if row else ""


def _quote_order(row: dict) -> tuple:
    """A follow-up's quotes: its primary evidence first, then in report order (ordinal, then IRI)."""
    ordinal = row["ordinal"] if isinstance(row["ordinal"], int) else 1 << 30
    return row["followUp"], row["finding"] != row["primary"], ordinal, row["finding"]


def compare(old: dict[str, Table], new: dict[str, Table], names: tuple[str, str] = ("", "")) -> Changes:
    """Every change from build ``old`` to build ``new`` (tables as :func:`read_diff_tables` gives them);
    ``names`` are what the user called the two builds, kept for headings."""
    before, after = Side.of(old), Side.of(new)
    changes = []
    for item in ITEMS:
        was, now = before.rows[item.table], after.rows[item.table]
        for key in sorted(now.keys() - was.keys()):
            changes.append(_change(item.added, item, None, now[key], before, after))
        for key in sorted(was.keys() - now.keys()):
            changes.append(_change(item.removed, item, was[key], None, before, after))
        if item.status:
            for key in sorted(was.keys() & now.keys()):
                if was[key][item.status] != now[key][item.status]:
                    changes.append(_change(item.changed, item, was[key], now[key], before, after))
    return Changes(tuple(sorted(changes, key=Change.sort_key)), *names)


def _change(kind: str, item: Item, old: dict | None, new: dict | None, before: Side, after: Side) -> Change:
    """A Change for a row present in ``old``, ``new`` or both; where and what from the newer side."""
    row, side = (new, after) if new is not None else (old, before)
    status = (lambda r: str(r[item.status] or "") if r is not None and item.status else "")
    return Change(kind=kind, authority=str(row["authorityName"] or row["authority"]), authority_iri=row["authority"],
                  **_place(item.table, row, side), old_status=status(old), new_status=status(new),
                  old_evidence=before.evidence_of(item, old), new_evidence=after.evidence_of(item, new))


def _place(table: str, row: dict, side: Side) -> dict[str, str]:
    """Date, visit, report, recommendation, text (and the earlier item of a repeat) of a row of ``table``."""
    if table == "reports":
        return {"date": row["startDate"], "visit": row["visit"], "report": row["report"],
                "text": str(row["sourceFile"] or "")}
    if table == "follow-ups":
        visit = row["assessedAt"]
        return {"date": row["assessedDate"], "visit": visit, "report": side.report_of.get(visit, ""),
                "recommendation": row["recommendation"], "text": side.rec_text(row["recommendation"])}
    rec = row["later"] if table == "repeats" else row["recommendation"]
    report = row.get("report") or side.report_of.get(row["visit"], "")
    return {"date": row["startDate"], "visit": row["visit"], "report": report,
            "recommendation": rec, "text": str(row["text"]), "repeats": row.get("earlier") or ""}
