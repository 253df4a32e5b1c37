"""The stretch reminder message and the buttons under it, built from the knowledge base.

Each delivery shows one exercise with its full instructions, rotating through the knowledge
base's exercises by the delivery's ``seq`` (a snooze repeats the exercise it snoozed). Pure
functions of their inputs: no Telegram, no store, no clock, so the CLI and tests see exactly
what the bot sends.

The buttons' callback data (``r:``) is encoded and strictly parsed in ``bot.core.callbacks``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.callbacks import ReminderAction as Action
from bot.core.callbacks import ReminderPress, reminder_start
from bot.core.knowledge import Entry, KnowledgeBase, fill
from bot.core.reminders.schedule import format_time
from bot.core.replies import MESSAGE_LIMIT, Button, Reply, ReplyKind, label

__all__ = [
    "SNOOZE",
    "WEEKLY_TARGET",
    "done_text",
    "group_done_text",
    "reminder_message",
    "routine_entry",
    "week_start",
]

WEEKLY_TARGET = 3  # the article: stretch at least 3-4 times a week
SNOOZE = timedelta(minutes=30)


# --- the reminder message ------------------------------------------------------------------


def routine_entry(kb: KnowledgeBase, seq: int) -> Entry | None:
    """The exercise for delivery number ``seq``: the exercises in menu order, round and round."""
    exercises = kb.exercises()
    return exercises[seq % len(exercises)] if exercises else None


def _button(
    texts: Mapping[str, str], key: str, action: Action, reminder_id: int, seq: int
) -> Button:
    press = ReminderPress(action, reminder_id=reminder_id, seq=seq)
    return Button(label(texts, key), data=press.data)


def reminder_buttons(
    texts: Mapping[str, str], reminder_id: int, seq: int
) -> tuple[tuple[Button, ...], ...]:
    """Done and Snooze side by side, Stop below."""
    return (
        (
            _button(texts, "button_done", Action.DONE, reminder_id, seq),
            _button(texts, "button_snooze", Action.SNOOZE, reminder_id, seq),
        ),
        after_done_buttons(texts, reminder_id)[0],
    )


def group_buttons(
    texts: Mapping[str, str], reminder_id: int, seq: int
) -> tuple[tuple[Button, ...], ...]:
    """Under a group's stretch break: only Done (anyone may press it; admins use /settings)."""
    return ((_button(texts, "button_done", Action.DONE, reminder_id, seq),),)


def after_done_buttons(
    texts: Mapping[str, str], reminder_id: int
) -> tuple[tuple[Button, ...], ...]:
    """What stays under a reminder once Done was pressed: only Stop."""
    stop = ReminderPress(Action.STOP, reminder_id=reminder_id)
    return ((Button(label(texts, "button_stop"), data=stop.data),),)


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

    if entry.session is not None:  # a guided session of today's exercise (privately)
        key = "button_group_start" if group else "button_session_start"
        start = reminder_start(reminder_id, seq, group=group)
        buttons = (*buttons, (Button(label(texts, key), data=start),))
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
