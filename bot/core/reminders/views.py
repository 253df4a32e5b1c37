"""Replies of the reminder, time-zone and privacy commands, and the parsing of their arguments.

Core code: no Telegram and no store. Handlers fetch what the store knows and pass it in, with the
knowledge base's fixed texts (``kb.texts``, from ``knowledge/texts.yaml``); these functions only
decide which texts to send and fill in their placeholders. Every text is Telegram HTML with
user input escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from html import escape as _escape
from zoneinfo import ZoneInfo

from bot.core import callbacks
from bot.core.callbacks import ReminderAction as Action
from bot.core.callbacks import ReminderPress
from bot.core.knowledge import fill
from bot.core.knowledge.catalogue import DAY_KEYS, MONTH_KEYS
from bot.core.records import Chat, Reminder, TooManyReminders
from bot.core.reminders.schedule import (
    ALL_DAYS,
    WEEKDAYS,
    WEEKENDS,
    ScheduleError,
    UnknownTimezone,
    format_time,
    parse_days,
    parse_time,
)
from bot.core.replies import Button, Reply, ReplyKind, label


def escape(text: str) -> str:
    """Escape for Telegram HTML text (quotes stay readable: they are not in an attribute)."""
    return _escape(text, quote=False)


__all__ = [
    "DAY_CHOICES",
    "MAX_ARGUMENT",
    "TIME_CHOICES",
    "RemindRequest",
    "days_label",
    "describe",
    "describe_next",
    "parse_remind",
    "problem",
]

MAX_ARGUMENT = 200  # characters of a typed /remind or /settings worth reading
TIME_CHOICES = (time(7, 0), time(12, 30), time(18, 0), time(21, 0))
MON_WED_FRI = frozenset({0, 2, 4})
# The day buttons of the guided /remind flow and the group settings: (label's text key, days).
DAY_CHOICES: tuple[tuple[str, frozenset[int]], ...] = (
    ("button_days_mon_wed_fri", MON_WED_FRI),
    ("button_days_tue_thu_sat", frozenset({1, 3, 5})),
    ("button_days_weekdays", WEEKDAYS),
    ("button_days_every_day", ALL_DAYS),
    ("button_days_weekends", WEEKENDS),
)
OFF_WORDS = frozenset({"off", "stop", "none", "cancel"})
_OFFSET = re.compile(
    r"^(utc|gmt)?\s*[+\-−]\s*\d{1,2}(:?\d{2})?$|^(utc|gmt)\s*[+\-−]", re.IGNORECASE
)
# Words that join two times ("7:30 to 8:30"): a second time after one is not a day.
_JOINS = frozenset(
    {"to", "till", "til", "until", "through", "thru", "and", "or", "-", "–", "—", "&"}
)
_TIME_DASH = re.compile(r"(?<=\d)\s*([-–—])\s*(?=\d)")  # "7:30-8:30" -> "7:30 - 8:30"
_TIME_SHAPED = re.compile(r"\d[:.h]\d|\d\s*[ap]\.?m\.?$", re.IGNORECASE)

Texts = Mapping[str, str]  # the knowledge base's fixed texts, by key (see knowledge/README.md)


# --- /remind arguments ---------------------------------------------------------------------


@dataclass(frozen=True)
class RemindRequest:
    """What ``/remind ...`` asked for: a time, and days (every day when none were given)."""

    local_time: time
    days: frozenset[int]


def parse_remind(text: str) -> RemindRequest:
    """Read ``HH:MM [days]`` (the time may also come last: "mon,wed 7pm").

    A reminder is at one time of day: "7:30 to 8:30" (or "7:30-8:30", "7 and 8pm") is two
    times, not a time and a day range, and says so (code ``remind_two_times``).
    Raises ScheduleError whose code names what was wrong.
    """
    if len(text) > MAX_ARGUMENT:
        raise ScheduleError("remind_too_long")
    tokens = _TIME_DASH.sub(r" \1 ", text).split()
    if not tokens:
        raise ScheduleError("time_missing")
    first_error: ScheduleError | None = None
    for take in (2, 1):  # "7 pm" before "7"
        if len(tokens) >= take:
            try:
                found = parse_time(" ".join(tokens[:take]))
            except ScheduleError as error:
                first_error = error
                continue
            rest = tokens[take:]
            second = _second_time(rest)
            if second is not None:
                raise _two_times(found, second)
            return RemindRequest(found, _days(rest))
    for take in (2, 1):  # "weekdays 7:30"
        if len(tokens) > take:
            try:
                found = parse_time(" ".join(tokens[-take:]))
            except ScheduleError:
                continue
            rest = tokens[:-take]
            earlier = _second_time(rest)
            if earlier is not None:
                raise _two_times(earlier, found)
            return RemindRequest(found, _days(rest))
    assert first_error is not None
    raise first_error


def _second_time(tokens: list[str]) -> time | None:
    """A time among the words meant as days: one that looks like a time ("8:30", "8pm"), or
    any number after a joining word ("to 8")."""
    for index, token in enumerate(tokens):
        joined = index > 0 and tokens[index - 1].lower() in _JOINS
        if not any(ch.isdigit() for ch in token) or not (joined or _TIME_SHAPED.search(token)):
            continue
        for take in (2, 1):  # "8 pm" before "8"
            try:
                return parse_time(" ".join(tokens[index : index + take]))
            except ScheduleError:
                continue
    return None


def _two_times(first: time, second: time) -> ScheduleError:
    return ScheduleError("remind_two_times", first=format_time(first), second=format_time(second))


def _days(tokens: list[str]) -> frozenset[int]:
    return parse_days(" ".join(tokens)) if tokens else ALL_DAYS


# --- shared pieces -------------------------------------------------------------------------


def describe_next(texts: Texts, instant: datetime, zone: ZoneInfo, now: datetime) -> str:
    """ "today at 07:30", "tomorrow at 07:30" or "Wed 5 Mar at 07:30", in ``zone``."""
    local = instant.astimezone(zone)
    days = (local.date() - now.astimezone(zone).date()).days
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if days == 0:
        return label(texts, "next_today", time=clock)
    if days == 1:
        return label(texts, "next_tomorrow", time=clock)
    return label(
        texts,
        "next_date",
        weekday=label(texts, DAY_KEYS[local.weekday()]),
        day=local.day,
        month=label(texts, MONTH_KEYS[local.month - 1]),
        time=clock,
    )


def days_label(texts: Texts, days: frozenset[int]) -> str:
    """The short form of a set of days: "every day", "weekdays", "weekends" or "Mon, Wed, Fri"."""
    if days == ALL_DAYS:
        return label(texts, "days_every_day")
    if days == WEEKDAYS:
        return label(texts, "days_weekdays")
    if days == WEEKENDS:
        return label(texts, "days_weekends")
    return ", ".join(label(texts, DAY_KEYS[day]) for day in sorted(days))


def describe(texts: Texts, reminder: Reminder) -> str:
    """ "07:30, Mon, Wed, Fri"."""
    return f"{format_time(reminder.local_time)}, {days_label(texts, reminder.days)}"


def problem(texts: Texts, error: ScheduleError) -> str:
    """What could not be read, in the words of ``texts.yaml`` (the error's code is its key)."""
    return fill(texts[error.code], **error.params)


def list_button(texts: Texts) -> Button:
    """ "📋 My reminders": shows /reminders."""
    return Button(label(texts, "button_my_reminders"), data=ReminderPress(Action.LIST).data)


def _zone_note(texts: Texts, chat: Chat) -> str:
    if chat.timezone != "UTC":
        return ""
    return "\n\n" + fill(texts["reminder_utc_note"])


def local_clock(zone: ZoneInfo, now: datetime) -> str:
    """The wall-clock time in ``zone`` now, "HH:MM"."""
    local = now.astimezone(zone)
    return f"{local.hour:02d}:{local.minute:02d}"


def error(texts: Texts, error: ScheduleError, *, examples: bool = False) -> Reply:
    """A kind explanation of invalid input (what was typed is escaped by ``fill``)."""
    text = problem(texts, error)
    if examples:
        text += "\n\n" + fill(texts["remind_examples"])
    return Reply(ReplyKind.INFO, text)


# --- /remind -------------------------------------------------------------------------------


def reminder_added(texts: Texts, reminder: Reminder, chat: Chat, now: datetime) -> Reply:
    """Confirmation after a reminder was set."""
    text = fill(
        texts["reminder_added"],
        reminder=describe(texts, reminder),
        next=describe_next(texts, reminder.next_due, chat.zone, now),
        zone=chat.timezone,
    )
    return Reply(ReplyKind.INFO, text + _zone_note(texts, chat), ((list_button(texts),),))


def duplicate(texts: Texts, existing: Reminder) -> Reply:
    """The same time and days are already set."""
    text = fill(texts["reminder_duplicate"], reminder=describe(texts, existing))
    return Reply(ReplyKind.INFO, text, ((list_button(texts),),))


def too_many(texts: Texts, error: TooManyReminders) -> Reply:
    """The per-person cap was reached."""
    text = fill(texts["reminders_too_many"], count=error.cap)
    return Reply(ReplyKind.INFO, text, ((list_button(texts),),))


def choose_time(texts: Texts, chat: Chat | None) -> Reply:
    """Step 1 of the guided flow: pick a time (or type one)."""
    zone = chat.timezone if chat is not None else "UTC"
    text = fill(texts["remind_choose_time"], zone=zone)
    times = [
        Button(format_time(t), data=ReminderPress(Action.TIME, local_time=t).data)
        for t in TIME_CHOICES
    ]
    typed = Button(
        label(texts, "button_another_time"), data=ReminderPress(Action.TIME, typed=True).data
    )
    return Reply(ReplyKind.INFO, text, (tuple(times[:2]), tuple(times[2:]), (typed,)))


def type_time(texts: Texts) -> Reply:
    """The guided flow asks for a typed time."""
    return Reply(ReplyKind.INFO, fill(texts["remind_type_time"]))


def choose_days(texts: Texts, local_time: time) -> Reply:
    """Step 2 of the guided flow: pick the days; Mon, Wed, Fri comes first as the default."""
    text = fill(texts["remind_choose_days"], time=format_time(local_time))
    buttons = [
        Button(
            label(texts, key), data=ReminderPress(Action.ADD, local_time=local_time, days=days).data
        )
        for key, days in DAY_CHOICES
    ]
    return Reply(ReplyKind.INFO, text, ((buttons[0],), tuple(buttons[1:3]), tuple(buttons[3:])))


def removed_all(texts: Texts, count: int) -> Reply:
    """``/remind off``."""
    if count == 0:
        return Reply(ReplyKind.INFO, fill(texts["reminders_none_to_remove"]))
    if count == 1:
        return Reply(ReplyKind.INFO, fill(texts["reminders_removed_one"]))
    return Reply(ReplyKind.INFO, fill(texts["reminders_removed_many"], count=count))


# --- /reminders ----------------------------------------------------------------------------


def reminder_list(
    texts: Texts, reminders: list[Reminder], chat: Chat | None, now: datetime
) -> Reply:
    """Every reminder with its next delivery in local time, each with a delete button."""
    if chat is None or not reminders:
        setup = Button(label(texts, "button_set_up_reminder"), data=ReminderPress(Action.NEW).data)
        return Reply(ReplyKind.INFO, fill(texts["reminders_list_empty"]), ((setup,),))
    lines = [fill(texts["reminders_list_title"], zone=chat.timezone), ""]
    buttons: list[tuple[Button, ...]] = []
    for number, reminder in enumerate(reminders, start=1):
        if reminder.enabled:
            upcoming = describe_next(texts, reminder.next_due, chat.zone, now)
            status = fill(texts["reminders_list_next"], next=upcoming)
        else:
            status = fill(texts["reminders_list_paused"])
        lines.append(
            f"{number}. <b>{format_time(reminder.local_time)}</b>, "
            f"{escape(days_label(texts, reminder.days))}; {status}"
        )
        delete = label(texts, "button_delete_reminder", reminder=describe(texts, reminder))
        press = ReminderPress(Action.DELETE, reminder_id=reminder.id)
        buttons.append((Button(delete, data=press.data),))
    lines += ["", fill(texts["reminders_list_footer"])]
    add = Button(label(texts, "button_add_reminder"), data=ReminderPress(Action.NEW).data)
    buttons.append((add,))
    return Reply(ReplyKind.INFO, "\n".join(lines), tuple(buttons))


# --- /timezone -----------------------------------------------------------------------------


def timezone_shown(texts: Texts, chat: Chat | None, now: datetime) -> Reply:
    """``/timezone`` alone: the current zone (UTC by default) and how to change it."""
    zone = chat.zone if chat is not None else ZoneInfo("UTC")
    key = "timezone_default" if chat is None or chat.timezone == "UTC" else "timezone_current"
    return Reply(ReplyKind.INFO, fill(texts[key], zone=zone.key, time=local_clock(zone, now)))


def timezone_set(texts: Texts, chat: Chat, reminders: list[Reminder], now: datetime) -> Reply:
    """Confirmation of a new zone; the reminders moved with it."""
    text = fill(texts["timezone_set"], zone=chat.timezone, time=local_clock(chat.zone, now))
    upcoming = sorted(r.next_due for r in reminders if r.enabled)
    if upcoming:
        upcoming_text = describe_next(texts, upcoming[0], chat.zone, now)
        text += " " + fill(texts["timezone_set_next"], next=upcoming_text)
    return Reply(ReplyKind.INFO, text)


def timezone_unknown(texts: Texts, error: UnknownTimezone) -> Reply:
    """An unknown zone: the kind message, and near misses as buttons that set them."""
    if _OFFSET.match(error.text.strip()):
        return Reply(ReplyKind.INFO, fill(texts["timezone_offset"], zone=error.text))
    suggestions = [
        name
        for name in error.suggestions
        if not name.startswith("Etc/") and callbacks.fits(callbacks.timezone(name))
    ]
    buttons = tuple((Button(name, data=callbacks.timezone(name)),) for name in suggestions)
    if suggestions:
        text = problem(texts, error) + "\n" + fill(texts["timezone_suggestions"])
    else:
        text = fill(texts["timezone_unknown"], zone=error.text)
    return Reply(ReplyKind.INFO, text, buttons)


# --- private-chat only ---------------------------------------------------------------------


def private_only(texts: Texts, bot_username: str) -> Reply:
    """What these commands say in a group: personal things happen in a private chat."""
    text = fill(texts["reminders_private_only"])
    if not bot_username:
        return Reply(ReplyKind.INFO, text)
    link = Button(
        label(texts, "button_private_chat"), url=f"https://t.me/{bot_username}?start=remind"
    )
    return Reply(ReplyKind.INFO, text, ((link,),))


def resumed(texts: Texts, count: int) -> Reply:
    """After /start from someone whose reminders were paused because they had blocked the bot."""
    if count == 1:
        text = fill(texts["reminders_resumed_one"])
    else:
        text = fill(texts["reminders_resumed_many"], count=count)
    return Reply(ReplyKind.INFO, text, ((list_button(texts),),))


# --- /privacy and /forget ------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """What the store holds about one person, for /privacy and /forget."""

    chat: Chat | None
    reminders: int
    done: int
    sessions: int = 0  # finished guided sessions
    pain_scores: int = 0
    first_session: datetime | None = None  # when the first stored session started


def privacy(texts: Texts, stored: Stored, *, store_unanswered: bool, retention_days: int) -> Reply:
    """``/privacy``: what is stored and why, what is stored about you now, how to delete it."""
    lines = [fill(texts["privacy_stored"])]
    if store_unanswered:
        lines.append(fill(texts["privacy_unanswered"], count=retention_days))
    lines += ["", fill(texts["privacy_not_stored"]), ""]
    if stored.chat is None:
        lines.append(fill(texts["privacy_you_none"]))
    else:
        lines.append(
            fill(
                texts["privacy_you"],
                chat_id=stored.chat.chat_id,
                zone=stored.chat.timezone,
                reminders=_count(
                    texts, stored.reminders, "count_reminders_one", "count_reminders_many"
                ),
                done_taps=_count(texts, stored.done, "count_done_taps_one", "count_done_taps_many"),
            )
        )
        lines.append(_sessions_line(texts, stored))
    lines += ["", fill(texts["privacy_delete"])]
    return Reply(ReplyKind.INFO, "\n".join(lines))


def _sessions_line(texts: Texts, stored: Stored) -> str:
    """The person's stored guided sessions and pain scores, and since when."""
    if not stored.sessions or stored.first_session is None or stored.chat is None:
        return fill(texts["privacy_you_no_sessions"])
    first = stored.first_session.astimezone(stored.chat.zone)
    since = fill(
        texts["privacy_date"],
        day=first.day,
        month=texts[MONTH_KEYS[first.month - 1]].strip(),
        year=first.year,
    )
    return fill(
        texts["privacy_you_sessions"],
        sessions=_count(texts, stored.sessions, "count_sessions_one", "count_sessions_many"),
        scores=_pain_scores(texts, stored),
        since=since,
    )


def _pain_scores(texts: Texts, stored: Stored) -> str:
    return _count(texts, stored.pain_scores, "count_pain_scores_one", "count_pain_scores_many")


def _count(texts: Texts, number: int, one: str, many: str) -> str:
    """A number with its word, "1 reminder" or "2 reminders" (plain text, a value for fill)."""
    return label(texts, one) if number == 1 else label(texts, many, count=number)


def forget_confirm(texts: Texts, stored: Stored) -> Reply:
    """``/forget``: what will go, and a confirmation button."""
    if stored.chat is None:
        return Reply(ReplyKind.INFO, fill(texts["forget_nothing"]))
    text = fill(
        texts["forget_confirm"],
        reminders=_count(texts, stored.reminders, "count_reminders_one", "count_reminders_many"),
        done_taps=_count(texts, stored.done, "count_done_taps_one", "count_done_taps_many"),
    )
    buttons = (
        Button(label(texts, "button_forget_yes"), data=callbacks.FORGET),
        Button(label(texts, "button_forget_cancel"), data=callbacks.KEEP),
    )
    return Reply(ReplyKind.INFO, text, (buttons,))


def forgotten(texts: Texts, deleted: bool) -> Reply:
    """After the confirmation."""
    if not deleted:
        return Reply(ReplyKind.INFO, fill(texts["forget_nothing_deleted"]))
    return Reply(ReplyKind.INFO, fill(texts["forget_done"]))


def kept(texts: Texts) -> Reply:
    """The person cancelled /forget."""
    return Reply(ReplyKind.INFO, fill(texts["forget_kept"]))
