"""A group's stretch breaks over the last weeks: how many people took part, in words.

The store keeps one number per group and week (see ``participation``); this turns those numbers
into the weeks shown (the group's own Mondays, this week last) and into text, so the chart and
the words say the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.knowledge.catalogue import fill
from bot.core.sessions.progress import CHART_WEEKS, week_label

__all__ = ["GroupWeeks", "describe_group", "group_weeks", "local_monday"]


@dataclass(frozen=True)
class GroupWeeks:
    """People who took part per week (oldest first, this week last)."""

    weeks: tuple[tuple[date, int], ...]

    @property
    def this_week(self) -> int:
        """People this week so far."""
        return self.weeks[-1][1]


def local_monday(now: datetime, zone: ZoneInfo) -> date:
    """The Monday of ``now``'s week in ``zone`` (a group's weeks follow its time zone)."""
    local = now.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


def group_weeks(
    counts: Mapping[date, int], now: datetime, zone: ZoneInfo, weeks: int = CHART_WEEKS
) -> GroupWeeks:
    """The last ``weeks`` weeks of ``counts`` (by Monday), zero where nobody took part."""
    monday = local_monday(now, zone)
    shown = [monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    return GroupWeeks(tuple((week, counts.get(week, 0)) for week in shown))


def describe_group(texts: Mapping[str, str], summary: GroupWeeks) -> str:
    """Every fact of the group chart in words (Telegram HTML)."""
    key = "group_summary_one" if summary.this_week == 1 else "group_summary_many"
    lines = [
        fill(texts["group_summary_title"]),
        fill(texts[key], count=summary.this_week),
        "",
        fill(texts["progress_weeks_title"], weeks=len(summary.weeks)),
    ]
    lines += [
        fill(texts["progress_week_line"], week=week_label(texts, week), count=people)
        for week, people in summary.weeks
    ]
    lines += ["", fill(texts["group_summary_note"])]
    return "\n".join(lines)
