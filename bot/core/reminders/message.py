"""The stretch reminder message and the buttons under it, built from the knowledge base.

Each delivery shows one exercise with its full instructions, rotating through the knowledge
base's exercises by the delivery's ``seq`` (a snooze repeats the exercise it snoozed). Pure
functions of their inputs: no Telegram, no store, no clock, so the CLI and tests see exactly
what the bot sends.

Callback data for reminder buttons is owned here (prefix ``r:``); it can be forged or stale,
so :func:`parse_press` returns None for anything it does not fully understand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.knowledge import Entry, KnowledgeBase, fill
from bot.core.reminders.schedule import format_time, mask_to_days
from bot.core.replies import MESSAGE_LIMIT, Button, Reply, ReplyKind, label
from bot.core.sessions.views import start_button

__all__ = [
    "REMINDER_PREFIX",
    "SNOOZE",
    "WEEKLY_TARGET",
    "Press",
    "done_text",
    "group_done_text",
    "parse_press",
    "press_data",
    "reminder_message",
    "routine_entry",
    "week_start",
]

REMINDER_PREFIX = "r:"
WEEKLY_TARGET = 3  # the article: stretch at least 3-4 times a week
SNOOZE = timedelta(minutes=30)

# Actions under the "r:" prefix. Reminder ids and seqs are decimal; times are HHMM.
DONE = "d"  # r:d:<reminder id>:<seq>        the reminder message's Done
SNOOZE_ACTION = "s"  # r:s:<reminder id>:<seq>  ... its Snooze
STOP = "x"  # r:x:<reminder id>                ... its Stop
DELETE = "rm"  # r:rm:<reminder id>            a delete button in /reminders
LIST = "ls"  # r:ls                             show /reminders
NEW = "new"  # r:new                            start the guided /remind flow
TIME = "t"  # r:t:<HHMM> | r:t:type             guided flow: a time was chosen
ADD = "a"  # r:a:<HHMM>:<days mask>             guided flow: days chosen, add it

_NUMBER = re.compile(r"^[1-9][0-9]{0,17}$|^0$")  # fits SQLite's 64-bit integers
_HHMM = re.compile(r"^([01][0-9]|2[0-3])([0-5][0-9])$")


@dataclass(frozen=True)
class Press:
    """A parsed reminder button: the action and whichever arguments it carries."""

    action: str
    reminder_id: int | None = None
    seq: int | None = None
    local_time: time | None = None
    days: frozenset[int] | None = None
    typed: bool = False  # r:t:type, "let me type a time"


def press_data(action: str, *args: int | str) -> str:
    """Callback data for an action, e.g. ``press_data(DONE, 12, 3)`` -> ``"r:d:12:3"``."""
    return ":".join([REMINDER_PREFIX + action, *(str(a) for a in args)])


def _hhmm(value: time) -> str:
    return f"{value.hour:02d}{value.minute:02d}"


def time_data(value: time) -> str:
    """The guided flow's "this time" button data."""
    return press_data(TIME, _hhmm(value))


def add_data(value: time, mask: int) -> str:
    """The guided flow's "these days" button data."""
    return press_data(ADD, _hhmm(value), mask)


def parse_press(data: str) -> Press | None:
    """Read ``r:`` callback data; None for junk, so the caller answers it as a stale button."""
    if not data.startswith(REMINDER_PREFIX):
        return None
    action, *args = data.removeprefix(REMINDER_PREFIX).split(":")
    if action in (LIST, NEW) and not args:
        return Press(action)
    if action in (DONE, SNOOZE_ACTION) and len(args) == 2 and all(map(_NUMBER.match, args)):
        return Press(action, reminder_id=int(args[0]), seq=int(args[1]))
    if action in (STOP, DELETE) and len(args) == 1 and _NUMBER.match(args[0]):
        return Press(action, reminder_id=int(args[0]))
    if action == TIME and len(args) == 1:
        if args[0] == "type":
            return Press(action, typed=True)
        found = _HHMM.match(args[0])
        return Press(action, local_time=_time(found)) if found else None
    if action == ADD and len(args) == 2:
        found = _HHMM.match(args[0])
        if found and _NUMBER.match(args[1]) and 1 <= int(args[1]) <= 127:
            return Press(action, local_time=_time(found), days=mask_to_days(int(args[1])))
    return None


def _time(found: re.Match[str]) -> time:
    return time(int(found[1]), int(found[2]))


# --- the reminder message ------------------------------------------------------------------


def routine_entry(kb: KnowledgeBase, seq: int) -> Entry | None:
    """The exercise for delivery number ``seq``: the exercises in menu order, round and round."""
    exercises = kb.exercises()
    return exercises[seq % len(exercises)] if exercises else None


def reminder_buttons(
    texts: Mapping[str, str], reminder_id: int, seq: int
) -> tuple[tuple[Button, ...], ...]:
    """Done and Snooze side by side, Stop below."""
    return (
        (
            Button(label(texts, "button_done"), data=press_data(DONE, reminder_id, seq)),
            Button(label(texts, "button_snooze"), data=press_data(SNOOZE_ACTION, reminder_id, seq)),
        ),
        (Button(label(texts, "button_stop"), data=press_data(STOP, reminder_id)),),
    )


def group_buttons(
    texts: Mapping[str, str], reminder_id: int, seq: int
) -> tuple[tuple[Button, ...], ...]:
    """Under a group's stretch break: only Done (anyone may press it; admins use /settings)."""
    return ((Button(label(texts, "button_done"), data=press_data(DONE, reminder_id, seq)),),)


def after_done_buttons(
    texts: Mapping[str, str], reminder_id: int
) -> tuple[tuple[Button, ...], ...]:
    """What stays under a reminder once Done was pressed: only Stop."""
    return ((Button(label(texts, "button_stop"), data=press_data(STOP, reminder_id)),),)


def reminder_message(
    kb: KnowledgeBase,
    reminder_id: int,
    seq: int,
    *,
    local_time: time | None = None,
    snoozed: bool = False,
    group: bool = False,
) -> Reply:
    """The reminder as sent: a greeting, one exercise in full, the weekly goal and buttons.

    Always a single message within Telegram's limit (so the buttons sit under it): a very long
    exercise first loses its introduction, then trailing steps, with a pointer to /exercise.
    A ``group``'s stretch break addresses everyone and has only a Done button.
    """
    texts = kb.texts
    buttons = (
        group_buttons(texts, reminder_id, seq)
        if group
        else reminder_buttons(texts, reminder_id, seq)
    )
    if group:
        heading = fill(texts["group_break_heading"])
    elif snoozed:
        heading = fill(texts["reminder_heading_snoozed"])
    elif local_time is not None:
        heading = fill(texts["reminder_heading_at"], time=format_time(local_time))
    else:
        heading = fill(texts["reminder_heading"])
    disclaimer = texts.get("disclaimer", "").strip()
    footer = [
        fill(texts["group_break_footer"])
        if group
        else fill(texts["reminder_footer"], target=WEEKLY_TARGET)
    ]
    if disclaimer:
        footer += ["", f"<i>{disclaimer}</i>"]
    entry = routine_entry(kb, seq)
    if entry is None:
        body = [fill(texts["reminder_no_exercises"])]
        return Reply(ReplyKind.INFO, "\n".join([heading, "", *body, "", *footer]), buttons)

    if not group and entry.session is not None:  # a guided session of today's exercise
        buttons = (*buttons, (start_button(texts, entry.id),))
    exercises = kb.exercises()
    position = exercises.index(entry)
    following = exercises[(position + 1) % len(exercises)]
    place = {"exercise": entry.title, "number": position + 1, "total": len(exercises)}
    if following is not entry and not group:
        intro = fill(texts["reminder_exercise_next"], **place, next_exercise=following.title)
    else:
        intro = fill(texts["reminder_exercise"], **place)
    steps = [f"{number}. {step}" for number, step in enumerate(entry.steps, start=1)]
    answer = "" if group else entry.answer.strip()  # a group gets just the steps: short

    def compose(answer: str, steps: list[str], cut: bool) -> str:
        lines = [heading, intro]
        if answer:
            lines += ["", answer]
        if steps:
            lines += ["", *steps]
        if cut:
            lines += ["", fill(texts["reminder_more_steps"], name=entry.title.lower())]
        return "\n".join([*lines, "", *footer])

    html = compose(answer, steps, cut=False)
    if len(html) > MESSAGE_LIMIT and steps:
        answer = ""
        html = compose(answer, steps, cut=False)
    while len(html) > MESSAGE_LIMIT and steps:
        steps = steps[:-1]
        html = compose(answer, steps, cut=True)
    if len(html) > MESSAGE_LIMIT:  # no steps and a huge answer: the title and a pointer
        html = compose("", [], cut=True)
    return Reply(ReplyKind.INFO, html, buttons, entry_id=entry.id)


# --- the weekly count ----------------------------------------------------------------------


def week_start(now: datetime, zone: ZoneInfo) -> datetime:
    """Monday 00:00 of the current week in ``zone``, as a UTC instant."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0, 0), tzinfo=zone).astimezone(UTC)


def group_done_text(texts: Mapping[str, str], count: int) -> str:
    """The answer to a Done press under a group's stretch break: the group's count this week."""
    if count == 1:
        return label(texts, "group_done_one")
    return label(texts, "group_done_many", count=count)


def done_text(texts: Mapping[str, str], count: int, target: int = WEEKLY_TARGET) -> str:
    """The answer to a Done press: a small count against the weekly goal (short: a toast)."""
    if count < target:
        key = "done_progress"
    elif count == target:
        key = "done_goal_reached"
    else:
        key = "done_past_goal"
    return label(texts, key, count=count, target=target)
