"""Weekly progress: stretches per week against the goal, the streak, and the same facts in text.

A stretch is a completed guided session or a Done press under a reminder. Weeks start on Monday
in the person's own time zone, so a Sunday-evening stretch counts for the week it was done in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.knowledge.catalogue import MONTH_KEYS, fill
from bot.core.reminders.message import WEEKLY_TARGET

__all__ = [
    "CHART_WEEKS",
    "STREAK_WEEKS",
    "Progress",
    "Week",
    "describe",
    "history_start",
    "week_label",
    "weekly_progress",
]

CHART_WEEKS = 8  # the weeks shown in /progress
STREAK_WEEKS = 104  # how far back a streak is counted (the storage query reaches this far)


@dataclass(frozen=True)
class Week:
    """One week's stretches; ``start`` is its Monday in the person's time zone."""

    start: date
    sessions: int
    done: int

    @property
    def total(self) -> int:
        """Sessions and Done presses together: what the weekly goal counts."""
        return self.sessions + self.done


@dataclass(frozen=True)
class Progress:
    """The last weeks (oldest first, this week last), the goal and the current streak."""

    weeks: tuple[Week, ...]
    goal: int
    streak: int

    @property
    def this_week(self) -> Week:
        """The week in progress."""
        return self.weeks[-1]

    def met(self, week: Week) -> bool:
        """The week reached the goal."""
        return week.total >= self.goal


def _monday(instant: datetime, zone: ZoneInfo) -> date:
    local = instant.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


def history_start(now: datetime, zone: ZoneInfo, weeks: int = STREAK_WEEKS) -> datetime:
    """Monday 00:00 (in ``zone``, as UTC) of the first of the last ``weeks`` weeks."""
    first = _monday(now, zone) - timedelta(weeks=weeks - 1)
    return datetime.combine(first, time(0, 0), tzinfo=zone).astimezone(UTC)


def weekly_progress(
    sessions: Iterable[datetime],
    done: Iterable[datetime],
    now: datetime,
    zone: ZoneInfo,
    *,
    goal: int = WEEKLY_TARGET,
    weeks: int = CHART_WEEKS,
) -> Progress:
    """Count stretches per week; the streak is the run of weeks that met the goal.

    This week counts toward the streak once it meets the goal; until then it does not break it
    (the week is not over). Instants after ``now`` are ignored.
    """
    this_monday = _monday(now, zone)
    session_weeks = Counter(_monday(t, zone) for t in sessions if t <= now)
    done_weeks = Counter(_monday(t, zone) for t in done if t <= now)

    def week(monday: date) -> Week:
        return Week(monday, session_weeks[monday], done_weeks[monday])

    shown = tuple(week(this_monday - timedelta(weeks=back)) for back in range(weeks - 1, -1, -1))
    streak = 1 if week(this_monday).total >= goal else 0
    monday = this_monday - timedelta(weeks=1)
    earliest = min([*session_weeks, *done_weeks], default=this_monday)
    while monday >= earliest and week(monday).total >= goal:
        streak += 1
        monday -= timedelta(weeks=1)
    return Progress(shown, goal, streak)


def week_label(texts: Mapping[str, str], monday: date) -> str:
    """A short name for a week, e.g. "2 Mar" (the month names shared with reminders)."""
    month = texts[MONTH_KEYS[monday.month - 1]].strip()
    return fill(texts["progress_week_label"], day=monday.day, month=month)


def describe(texts: Mapping[str, str], progress: Progress) -> str:
    """Every fact of the chart in words (Telegram HTML), for people who cannot see the image."""
    week = progress.this_week
    key = "progress_this_week_met" if progress.met(week) else "progress_this_week"
    lines = [
        fill(texts["progress_title"]),
        fill(texts[key], count=week.total, target=progress.goal),
        fill(texts["progress_breakdown"], sessions=week.sessions, done=week.done),
        fill(texts["progress_streak"], weeks=progress.streak)
        if progress.streak
        else fill(texts["progress_streak_none"]),
        "",
        fill(texts["progress_weeks_title"], weeks=len(progress.weeks)),
    ]
    for past in progress.weeks:
        line = fill(
            texts["progress_week_line"], week=week_label(texts, past.start), count=past.total
        )
        lines.append(f"{line} {fill(texts['progress_week_met'])}" if progress.met(past) else line)
    return "\n".join(lines)
