"""View model: the site's national page and each authority's comparison with its neighbours and region.

Everything here comes from the shipped queries (``neighbours``, ``regions``,
``themes-by-year``, ``persistent-runs``, ``time-to-address``), so the pages say
exactly what ``ofsted-kg query`` says; this module only regroups rows for the
templates and draws the pictures (:mod:`ofsted_kg.views.charts`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ofsted_kg.query.named import find_query, run
from ofsted_kg.stores import Store
from ofsted_kg.views.charts import survival_curves, yearly_lines
from ofsted_kg.views.survival import Estimate, estimates, subjects
from ofsted_kg.views.tables import Table, plain

FRAMEWORK_ORDER = ("Pre2014", "SIF", "ILACS", "Framework2026", "JTAIFramework")  # oldest first
TOP_THEMES = 6  # lines in the themes-over-time picture: more is unreadable
LEAST_FOR_THEME_CURVE = 30  # recommendations a theme needs before its time-to-address figure is shown


@dataclass(frozen=True)
class Chart:
    """A picture written into the site beside its page, with the words a screen reader gives instead."""

    file: str  # path inside the site, e.g. "national/time-to-address.svg"
    svg: bytes
    alt: str


@dataclass(frozen=True)
class ThemeFigure:
    theme: str
    recommendations: int
    repeated: int
    still_open: int


@dataclass
class National:
    survival: list[Estimate]
    survival_by_theme: list[Estimate]
    years: list[str]
    themes_over_time: dict[str, list[int]]  # theme -> recommendations per year in ``years``
    frameworks: dict[str, list[ThemeFigure]]  # framework -> themes, most repeated first
    persistent: list[dict]
    charts: list[Chart] = field(default_factory=list)

    def most(self, framework: str, key: str, n: int = 8) -> list[ThemeFigure]:
        """The ``n`` themes of a framework with the most ``repeated`` or ``still_open`` recommendations."""
        ranked = sorted(self.frameworks[framework], key=lambda f: (-getattr(f, key), f.theme))
        return [f for f in ranked if getattr(f, key)][:n]


@dataclass(frozen=True)
class Row:
    """One line of an authority's comparison: itself, a neighbour, its region or England."""

    kind: str  # "self", "neighbour", "region", "england"
    label: str
    rank: int | None
    latest: str | None
    grade: str | None
    recommendations: int
    addressed: int
    partially: int
    not_addressed: int
    repeated: int
    history: tuple[tuple[str, str], ...] = ()  # (start date, grade) of each graded inspection, oldest first

    def share(self, count: int) -> float:
        return count / self.recommendations if self.recommendations else 0.0

    @property
    def other(self) -> int:
        """Recommendations awaiting follow-up or with no later evidence."""
        return self.recommendations - self.addressed - self.partially - self.not_addressed


def rows_of(engine: Store, name: str, **params: str) -> list[dict]:
    columns, result = run(engine, find_query(name), params)
    return [{c: plain(v) for c, v in zip(columns, row)} for row in result]


def _int(value: object) -> int:
    return int(value) if value not in (None, "") else 0


def national(engine: Store) -> National:
    """The national page's figures and pictures."""
    records = subjects(engine)
    overall = estimates(records, "all") + estimates(records, "framework") if records else []
    by_theme = estimates(records, "theme", LEAST_FOR_THEME_CURVE) if records else []
    yearly = rows_of(engine, "themes-by-year")
    years = sorted({r["year"] for r in yearly})
    per_theme: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    frameworks: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for r in yearly:
        per_theme[r["theme"]][r["year"]] += _int(r["recommendations"])
        totals = frameworks[r["framework"] or "not read"][r["theme"]]
        for i, key in enumerate(("recommendations", "repeated", "stillOpen")):
            totals[i] += _int(r[key])
    top = sorted(per_theme, key=lambda t: (-sum(per_theme[t].values()), t))[:TOP_THEMES]
    result = National(
        survival=overall, survival_by_theme=by_theme, years=years,
        themes_over_time={t: [per_theme[t].get(y, 0) for y in years] for t in top},
        frameworks={f: [ThemeFigure(t, *v) for t, v in sorted(themes.items())]
                    for f, themes in sorted(frameworks.items(), key=lambda kv: _framework_order(kv[0]))},
        persistent=rows_of(engine, "persistent-runs"))
    result.charts = _national_charts(result)
    return result


def _framework_order(framework: str) -> tuple[int, str]:
    return (FRAMEWORK_ORDER.index(framework) if framework in FRAMEWORK_ORDER else len(FRAMEWORK_ORDER), framework)


def _national_charts(data: National) -> list[Chart]:
    charts = []
    if data.survival:
        charts.append(Chart("national/time-to-address.svg",
                            survival_curves(data.survival, "Time until a later visit found a recommendation addressed"),
                            "Kaplan–Meier curves of the share of recommendations found addressed against months since "
                            "they were made, for all recommendations and for each framework; the figures are in the "
                            "table beside."))
    if data.themes_over_time:
        charts.append(Chart("national/themes-over-time.svg",
                            yearly_lines(data.years, data.themes_over_time,
                                         f"Recommendations a year on the {len(data.themes_over_time)} commonest themes",
                                         "Recommendations"),
                            "Lines of recommendations made each year on the commonest themes; the counts are in the "
                            "table beside."))
    return charts


def comparisons(engine: Store, visits: Table) -> dict[str, list[Row]]:
    """Per authority name: itself, its statistical neighbours closest first, its region and England."""
    history = _histories(visits)
    regions = {r["region"]: r for r in rows_of(engine, "regions")}
    england = _aggregate("england", "England", regions.values())
    region_of = {v["authorityName"]: v["region"] for v in visits.rows if v.get("region")}
    found: dict[str, list[Row]] = defaultdict(list)
    for r in rows_of(engine, "neighbours"):
        rank = _int(r["rank"])
        found[r["authority"]].append(Row(
            "self" if rank == 0 else "neighbour", r["neighbour"], rank, r["latestInspection"], r["latestGrade"],
            _int(r["recommendations"]), _int(r["addressed"]), _int(r["partially"]), _int(r["notAddressed"]),
            _int(r["repeated"]), history.get(r["neighbour"], ())))
    for name, rows in found.items():
        region = regions.get(region_of.get(name))
        if region:
            rows.append(_aggregate("region", region["region"], [region]))
        rows.append(england)
    return dict(found)


def _aggregate(kind: str, label: str, rows) -> Row:
    rows = list(rows)
    return Row(kind, label, None, None, None, *(sum(_int(r[k]) for r in rows) for k in
                                                ("recommendations", "addressed", "partially", "notAddressed", "repeated")))


def _histories(visits: Table) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each authority's graded inspections read from a report, oldest first."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for v in visits.rows:
        if v["kind"] == "Inspection" and v.get("overallGrade") and not v.get("knownOnlyByReference"):
            found[v["authorityName"]].add((str(v["startDate"]), str(v["overallGrade"])))
    return {name: tuple(sorted(items)) for name, items in found.items()}
