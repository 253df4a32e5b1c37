"""The /progress chart: stretches per week as a bar chart, drawn to PNG bytes.

matplotlib is imported here, inside :func:`draw_chart`, and only through its object API (a
``Figure`` on an Agg canvas, never pyplot): no GUI backend, no global figure state shared
between chats, and a bot that never draws a chart never pays for matplotlib in memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import TYPE_CHECKING

from bot.core.knowledge.catalogue import fill
from bot.core.sessions.progress import Progress, week_label

if TYPE_CHECKING:
    from bot.core.groups.summary import GroupWeeks

__all__ = ["draw_chart", "draw_group_chart"]

# Colours that stay apart for the common colour-vision deficiencies (Okabe-Ito palette);
# the two kinds of stretch also differ by hatching, so the chart reads in grey too.
_SESSIONS = "#0072B2"
_DONE = "#E69F00"
_GOAL = "#333333"


def draw_chart(texts: Mapping[str, str], progress: Progress) -> bytes:
    """A PNG of the weeks in ``progress``: sessions and Done presses stacked, the goal as a line."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # lazy: see the module docstring
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(6.4, 3.8), dpi=120)
    FigureCanvasAgg(figure)
    # Fixed margins rather than a layout engine: the engine draws everything twice to measure.
    axes = figure.add_axes((0.07, 0.09, 0.91, 0.82))
    positions = list(range(len(progress.weeks)))
    sessions = [week.sessions for week in progress.weeks]
    done = [week.done for week in progress.weeks]
    axes.bar(positions, sessions, color=_SESSIONS, label=texts["chart_sessions"])
    axes.bar(
        positions,
        done,
        bottom=sessions,
        color=_DONE,
        hatch="//",
        edgecolor="white",
        label=texts["chart_done"],
    )
    for x, week in zip(positions, progress.weeks, strict=True):
        if week.total:
            axes.text(x, week.total + 0.1, str(week.total), ha="center", va="bottom", fontsize=10)
    axes.axhline(
        progress.goal,
        color=_GOAL,
        linestyle="--",
        linewidth=1.2,
        label=fill(texts["chart_goal"], target=progress.goal),
    )
    labels = [week_label(texts, week.start) for week in progress.weeks]
    axes.set_xticks(positions, labels, fontsize=9)
    highest = max([progress.goal, *(week.total for week in progress.weeks)])
    axes.set_ylim(0, highest + 1.5)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(texts["chart_title"], fontsize=12)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper left", frameon=False, fontsize=9, ncols=3)
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def draw_group_chart(texts: Mapping[str, str], summary: GroupWeeks) -> bytes:
    """A PNG of a group's stretch breaks: people who took part per week (no goal line)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # lazy: see the module docstring
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(6.4, 3.8), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.07, 0.09, 0.91, 0.82))
    positions = list(range(len(summary.weeks)))
    people = [count for _, count in summary.weeks]
    axes.bar(positions, people, color=_SESSIONS)
    for x, count in zip(positions, people, strict=True):
        if count:
            axes.text(x, count + 0.1, str(count), ha="center", va="bottom", fontsize=10)
    labels = [week_label(texts, week) for week, _ in summary.weeks]
    axes.set_xticks(positions, labels, fontsize=9)
    axes.set_ylim(0, max([3, *people]) + 1.5)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(texts["group_chart_title"], fontsize=12)
    axes.spines[["top", "right"]].set_visible(False)
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
