"""View: the site's pictures, drawn by matplotlib at build time into SVG (no network, no script).

Same data, same bytes: a fixed SVG hash salt, no date stamp, text kept as
text.  Colours are Okabe & Ito's colour-blind-safe palette, and every line
also differs by its dash pattern and marker, so a picture reads in grey too;
the pages print the numbers beside each picture as a table.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from ofsted_kg.views.survival import Estimate

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
DASHES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2)))
MARKERS = ("o", "s", "^", "D", "v", "P")


@contextmanager
def figure(width: float, height: float, font_size: float = 9) -> Iterator:
    """A matplotlib Figure (no pyplot state, so pictures never leak into each other) under fixed SVG settings."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.hashsalt": "ofsted-kg", "svg.fonttype": "none", "font.size": font_size}):
        fig = Figure(figsize=(width, height))
        FigureCanvasAgg(fig)
        yield fig


def save(fig, fmt: str = "svg") -> bytes:
    """The figure's bytes, without the date (SVG) or software stamp (PNG) that would make every run differ."""
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(buffer, format=fmt, metadata=metadata, bbox_inches="tight", dpi=100)
    return buffer.getvalue()


def survival_curves(found: list[Estimate], title: str) -> bytes:
    """Kaplan–Meier curves, share found addressed against months since the recommendation, one line per group."""
    with figure(7.5, 4.2) as fig:
        ax = fig.add_subplot()
        for i, est in enumerate(found):
            months = [0.0] + [t for t, _ in est.curve]
            shares = [0.0] + [s for _, s in est.curve]
            ax.step(months, shares, where="post", color=OKABE_ITO[i % len(OKABE_ITO)],
                    linestyle=DASHES[i % len(DASHES)], linewidth=1.8,
                    label=f"{est.group} ({est.recommendations} recommendations)")
        ax.set_xlabel("Months since the recommendation was made")
        ax.set_ylabel("Share found addressed")
        ax.set_ylim(0, 1)
        ax.set_xlim(left=0)
        ax.set_xticks(range(0, int(max((e.curve[-1][0] for e in found if e.curve), default=12)) + 12, 12))
        ax.yaxis.set_major_formatter(_percent())
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.set_title(title)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)  # below: never on a curve
        _clean(ax)
        return save(fig)


def yearly_lines(years: list[str], series: dict[str, list[int]], title: str, ylabel: str) -> bytes:
    """One line per series over the years (themes over time), each with its own colour, dash and marker."""
    with figure(7.5, 4.2) as fig:
        ax = fig.add_subplot()
        for i, (name, values) in enumerate(series.items()):
            ax.plot(range(len(years)), values, color=OKABE_ITO[i % len(OKABE_ITO)], linestyle=DASHES[i % len(DASHES)],
                    marker=MARKERS[i % len(MARKERS)], markersize=4, linewidth=1.5, label=name)
        ax.set_xticks(range(len(years)), years, rotation=45, ha="right")
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.grid(True, axis="y", color="#dddddd", linewidth=0.6)
        ax.set_title(title)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        _clean(ax)
        return save(fig)


def _percent():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1, decimals=0)


def _clean(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
