"""View data: how long recommendations take to be addressed, estimated with Kaplan–Meier.

A recommendation is "at risk" from the visit that made it; the event is the
first later visit that found it addressed.  Most recommendations have not (yet)
been found addressed: they are *censored* at the authority's latest visit, and
a plain share ("addressed / all") would count them as never addressed, biasing
every figure down the more recent the recommendations are.  The Kaplan–Meier
estimator handles that censoring; lifelines' implementation (with its
Greenwood-exponential confidence intervals) is used rather than a hand-written
one.  The data comes from ``queries/time-to-address.rq`` (one row per
recommendation and theme), so the figures are exactly what the graph says.

Follow-up is only observed at visits, so an event is dated at the visit that
saw it: the estimates say "found addressed within N months", an upper bound
on the true time to address.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ofsted_kg.query.named import find_query, run_named
from ofsted_kg.stores import Store
from ofsted_kg.views.tables import plain

HORIZONS = (12, 24, 36, 60)
GROUPINGS = ("all", "framework", "theme")
FRAMEWORK_LABEL = {"Pre2014": "Pre-2014 frameworks", "SIF": "Single inspection framework", "ILACS": "ILACS",
                   "Framework2026": "2026 framework", "JTAIFramework": "JTAI", "": "Framework not read"}


@dataclass(frozen=True)
class Subject:
    """One recommendation's survival record: months at risk, and whether a visit found it addressed."""

    recommendation: str
    framework: str
    themes: tuple[str, ...]
    months: int
    addressed: bool


@dataclass(frozen=True)
class Estimate:
    """Kaplan–Meier estimate for one group: the share found addressed within each horizon, with its 95% interval.

    A horizon past the group's longest follow-up is None: the curve says nothing there."""

    group: str
    recommendations: int
    addressed: int
    within: dict[int, float | None]
    lower: dict[int, float | None]
    upper: dict[int, float | None]
    curve: tuple[tuple[float, float], ...]  # (months, share addressed) at each step of the curve


def subjects(engine: Store, authority: str | None = None) -> list[Subject]:
    """One record per recommendation that has had a later visit, from ``time-to-address.rq``."""
    query = find_query("time-to-address")
    columns, rows = run_named(engine, query, {"authority": authority} if authority else {})
    merged: dict[str, dict] = {}
    for raw in rows:
        row = {c: plain(v) for c, v in zip(columns, raw)}
        item = merged.setdefault(row["recommendation"], {**row, "themes": set()})
        if row["theme"]:
            item["themes"].add(row["theme"])
    return [Subject(iri, item["framework"] or "", tuple(sorted(item["themes"])), months(item["visitStart"], item["until"]),
                    item["firstAddressed"] is not None) for iri, item in sorted(merged.items())]


def months(start: object, until: object) -> int:
    """Calendar months from one date's month to another's ('2019-03-04' to '2019-05-01' is 2), read from the text:
    a visit known only by a mention has just a year and month."""
    a, b = str(start), str(until)
    return 12 * (int(b[:4]) - int(a[:4])) + int(b[5:7]) - int(a[5:7])


def groups(records: list[Subject], by: str) -> dict[str, list[Subject]]:
    """Records grouped for estimation: all together, by framework, or by theme (a record in each of its themes)."""
    if by not in GROUPINGS:
        raise ValueError(f"group by one of {', '.join(GROUPINGS)}, not {by!r}")
    grouped: dict[str, list[Subject]] = defaultdict(list)
    for record in records:
        keys = {"all": ["All recommendations"], "framework": [FRAMEWORK_LABEL.get(record.framework, record.framework)],
                "theme": list(record.themes) or ["No theme read"]}[by]
        for key in keys:
            grouped[key].append(record)
    return dict(sorted(grouped.items()))


def estimate(group: str, records: list[Subject], horizons: tuple[int, ...] = HORIZONS) -> Estimate:
    """Fit Kaplan–Meier to ``records`` and read it at ``horizons`` (months)."""
    from lifelines import KaplanMeierFitter  # lifelines pulls in pandas and scipy: only when asked

    fitter = KaplanMeierFitter().fit([r.months for r in records], [r.addressed for r in records])
    longest = max(r.months for r in records)
    curve_frame = fitter.survival_function_
    band = fitter.confidence_interval_survival_function_
    within, lower, upper = {}, {}, {}
    for h in horizons:
        if h > longest:
            within[h] = lower[h] = upper[h] = None
            continue
        at = curve_frame.index[curve_frame.index <= h].max()
        within[h] = _share(1 - curve_frame.loc[at].iloc[0])
        lower[h] = _share(1 - band.loc[at].iloc[1])  # the upper survival bound is the lower share addressed
        upper[h] = _share(1 - band.loc[at].iloc[0])
    curve = tuple((float(t), _share(1 - s)) for t, s in zip(curve_frame.index, curve_frame.iloc[:, 0]))
    return Estimate(group, len(records), sum(r.addressed for r in records), within, lower, upper, curve)


def _share(value: float) -> float:
    return round(float(min(1.0, max(0.0, value))), 3)


def estimates(records: list[Subject], by: str = "all", least: int = 1) -> list[Estimate]:
    """One estimate per group with at least ``least`` records, largest group first."""
    found = [estimate(name, members) for name, members in groups(records, by).items() if len(members) >= least]
    return sorted(found, key=lambda e: (-e.recommendations, e.group))
