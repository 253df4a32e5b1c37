"""Replies of the reminder, time-zone and privacy commands, and the parsing of their arguments.

Core code: no Telegram and no store. Handlers fetch what the store knows and pass it in; these
functions only decide what to say. Every text is Telegram HTML with user input escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from html import escape as _escape
from zoneinfo import ZoneInfo

from bot import routine
from bot.render import Button, Kind, Reply
from bot.schedule import (
    ALL_DAYS,
    WEEKDAYS,
    WEEKENDS,
    ScheduleError,
    UnknownTimezone,
    days_to_mask,
    format_days,
    format_time,
    parse_days,
    parse_time,
)
from bot.storage import Chat, Reminder


def escape(text: str) -> str:
    """Escape for Telegram HTML text (quotes stay readable: they are not in an attribute)."""
    return _escape(text, quote=False)


__all__ = [
    "DAY_CHOICES",
    "PRIVACY_PREFIX",
    "TIMEZONE_PREFIX",
    "TIME_CHOICES",
    "RemindRequest",
    "describe_next",
    "parse_remind",
]

TIMEZONE_PREFIX = "tz:"  # tz:<IANA name>: a suggested zone was picked
PRIVACY_PREFIX = "p:"  # p:forget / p:keep: the /forget confirmation
FORGET = PRIVACY_PREFIX + "forget"
KEEP = PRIVACY_PREFIX + "keep"

TIME_CHOICES = (time(7, 0), time(12, 30), time(18, 0), time(21, 0))
MON_WED_FRI = frozenset({0, 2, 4})
DAY_CHOICES: tuple[tuple[str, frozenset[int]], ...] = (
    ("Mon, Wed, Fri ⭐", MON_WED_FRI),
    ("Tue, Thu, Sat", frozenset({1, 3, 5})),
    ("Weekdays", WEEKDAYS),
    ("Every day", ALL_DAYS),
    ("Weekends", WEEKENDS),
)
OFF_WORDS = frozenset({"off", "stop", "none", "cancel"})
EXAMPLE_ZONES = "/timezone Europe/Berlin or /timezone America/New_York"
_OFFSET = re.compile(
    r"^(utc|gmt)?\s*[+\-−]\s*\d{1,2}(:?\d{2})?$|^(utc|gmt)\s*[+\-−]", re.IGNORECASE
)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

LIST_BUTTON = Button("📋 My reminders", data=routine.press_data(routine.LIST))
NEW_BUTTON = Button("➕ Add a reminder", data=routine.press_data(routine.NEW))
REMIND_EXAMPLES = (
    "Examples:\n"
    "/remind 7:30 (every day)\n"
    "/remind 19:00 mon,wed,fri\n"
    "/remind 7pm weekdays\n"
    "Or send /remind alone and I'll walk you through it."
)


# --- /remind arguments ---------------------------------------------------------------------


@dataclass(frozen=True)
class RemindRequest:
    """What ``/remind ...`` asked for: a time, and days (every day when none were given)."""

    local_time: time
    days: frozenset[int]


def parse_remind(text: str) -> RemindRequest:
    """Read ``HH:MM [days]`` (the time may also come last: "mon,wed 7pm").

    Raises ScheduleError with a kind message that names what was wrong.
    """
    tokens = text.split()
    if not tokens:
        raise ScheduleError("Which time would you like? " + REMIND_EXAMPLES)
    first_error: ScheduleError | None = None
    for take in (2, 1):  # "7 pm" before "7"
        if len(tokens) >= take:
            try:
                found = parse_time(" ".join(tokens[:take]))
            except ScheduleError as error:
                first_error = error
                continue
            return RemindRequest(found, _days(tokens[take:]))
    for take in (2, 1):  # "weekdays 7:30"
        if len(tokens) > take:
            try:
                found = parse_time(" ".join(tokens[-take:]))
            except ScheduleError:
                continue
            return RemindRequest(found, _days(tokens[:-take]))
    assert first_error is not None
    raise first_error


def _days(tokens: list[str]) -> frozenset[int]:
    return parse_days(" ".join(tokens)) if tokens else ALL_DAYS


# --- shared pieces -------------------------------------------------------------------------


def describe_next(instant: datetime, zone: ZoneInfo, now: datetime) -> str:
    """ "today at 07:30", "tomorrow at 07:30" or "Wed 5 Mar at 07:30", in ``zone``."""
    local = instant.astimezone(zone)
    days = (local.date() - now.astimezone(zone).date()).days
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    return f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} at {clock}"


def describe(reminder: Reminder) -> str:
    """ "07:30, Mon, Wed, Fri"."""
    return f"{format_time(reminder.local_time)}, {format_days(reminder.days)}"


def _zone_note(chat: Chat) -> str:
    if chat.timezone != "UTC":
        return ""
    return (
        "\n\n🌍 Times are in <b>UTC</b>. If you live elsewhere, set your time zone so reminders "
        f"arrive at your local time: {EXAMPLE_ZONES}."
    )


def local_clock(zone: ZoneInfo, now: datetime) -> str:
    """The wall-clock time in ``zone`` now, "HH:MM"."""
    local = now.astimezone(zone)
    return f"{local.hour:02d}:{local.minute:02d}"


def error(message: str, *, examples: bool = False) -> Reply:
    """A kind explanation of invalid input (escaped, since it quotes what was typed)."""
    text = escape(message)
    if examples:
        text += "\n\n" + REMIND_EXAMPLES
    return Reply(Kind.INFO, text)


# --- /remind -------------------------------------------------------------------------------


def reminder_added(reminder: Reminder, chat: Chat, now: datetime) -> Reply:
    """Confirmation after a reminder was set."""
    when = describe_next(reminder.next_due, chat.zone, now)
    text = (
        f"✅ <b>Reminder set</b>: {describe(reminder)}.\n"
        f"Next one: {when} ({escape(chat.timezone)}).\n"
        "Each reminder brings one stretch, step by step, with ✅ Done, ⏰ Snooze and 🛑 Stop "
        "buttons."
    )
    return Reply(Kind.INFO, text + _zone_note(chat), ((LIST_BUTTON,),))


def duplicate(existing: Reminder) -> Reply:
    """The same time and days are already set."""
    return Reply(
        Kind.INFO,
        f"You already have a reminder at {describe(existing)}, so I didn't add it twice.",
        ((LIST_BUTTON,),),
    )


def too_many(message: str) -> Reply:
    """The per-person cap was reached."""
    return Reply(Kind.INFO, escape(message), ((LIST_BUTTON,),))


def choose_time(chat: Chat | None) -> Reply:
    """Step 1 of the guided flow: pick a time (or type one)."""
    zone = chat.timezone if chat is not None else "UTC"
    text = (
        "⏰ <b>Stretch reminders</b>\n"
        f"When should I remind you? Times are in your time zone, <b>{escape(zone)}</b> "
        "(change it with /timezone).\nPick a time, or tap ⌨️ to type your own."
    )
    times = [Button(format_time(t), data=routine.time_data(t)) for t in TIME_CHOICES]
    typed = Button("⌨️ Another time", data=routine.press_data(routine.TIME, "type"))
    return Reply(Kind.INFO, text, (tuple(times[:2]), tuple(times[2:]), (typed,)))


def type_time() -> Reply:
    """The guided flow asks for a typed time."""
    return Reply(
        Kind.INFO,
        "⌨️ Send me the time, like <b>7:30</b>, <b>19:00</b> or <b>7pm</b>.",
    )


def choose_days(local_time: time) -> Reply:
    """Step 2 of the guided flow: pick the days; Mon, Wed, Fri comes first as the default."""
    text = (
        f"⏰ <b>{format_time(local_time)}</b>. On which days?\n"
        "The article suggests stretching at least 3-4 times a week, so "
        "<b>Mon, Wed, Fri</b> is a good start."
    )
    buttons = [
        Button(label, data=routine.add_data(local_time, days_to_mask(days)))
        for label, days in DAY_CHOICES
    ]
    return Reply(Kind.INFO, text, ((buttons[0],), tuple(buttons[1:3]), tuple(buttons[3:])))


def removed_all(count: int) -> Reply:
    """``/remind off``."""
    if count == 0:
        return Reply(Kind.INFO, "You have no reminders, so there was nothing to turn off.")
    noun = "reminder" if count == 1 else "reminders"
    return Reply(
        Kind.INFO,
        f"🛑 Done: I removed your {count} {noun}. Set a new one any time with /remind.",
    )


# --- /reminders ----------------------------------------------------------------------------


def reminder_list(reminders: list[Reminder], chat: Chat | None, now: datetime) -> Reply:
    """Every reminder with its next delivery in local time, each with a delete button."""
    if chat is None or not reminders:
        return Reply(
            Kind.INFO,
            "You have no reminders yet. Set one with /remind, e.g. /remind 7:30 mon,wed,fri.",
            ((Button("➕ Set up a reminder", data=routine.press_data(routine.NEW)),),),
        )
    lines = [f"⏰ <b>Your reminders</b> (time zone: {escape(chat.timezone)})", ""]
    buttons: list[tuple[Button, ...]] = []
    for number, reminder in enumerate(reminders, start=1):
        if reminder.enabled:
            status = "next: " + describe_next(reminder.next_due, chat.zone, now)
        else:
            status = "paused (send /start to turn it back on)"
        lines.append(
            f"{number}. <b>{format_time(reminder.local_time)}</b>, "
            f"{format_days(reminder.days)}; {status}"
        )
        label = f"🗑 Delete {describe(reminder)}"
        buttons.append((Button(label, data=routine.press_data(routine.DELETE, reminder.id)),))
    lines += ["", "Tap a button to delete that reminder. /remind off deletes them all."]
    buttons.append((NEW_BUTTON,))
    return Reply(Kind.INFO, "\n".join(lines), tuple(buttons))


# --- /timezone -----------------------------------------------------------------------------


def timezone_shown(chat: Chat | None, now: datetime) -> Reply:
    """``/timezone`` alone: the current zone (UTC by default) and how to change it."""
    zone = chat.zone if chat is not None else ZoneInfo("UTC")
    default = " (the default)" if chat is None or chat.timezone == "UTC" else ""
    text = (
        f"🌍 Your time zone is <b>{escape(zone.key)}</b>{default}; "
        f"it's {local_clock(zone, now)} there now. Reminders use it.\n\n"
        "To change it, send /timezone followed by your area and city, e.g. "
        f"{EXAMPLE_ZONES}."
    )
    return Reply(Kind.INFO, text)


def timezone_set(chat: Chat, reminders: list[Reminder], now: datetime) -> Reply:
    """Confirmation of a new zone; the reminders moved with it."""
    text = (
        f"🌍 Time zone set to <b>{escape(chat.timezone)}</b> "
        f"(it's {local_clock(chat.zone, now)} there now)."
    )
    upcoming = sorted(r.next_due for r in reminders if r.enabled)
    if upcoming:
        text += (
            " Your reminders keep their local times; the next one is "
            f"{describe_next(upcoming[0], chat.zone, now)}."
        )
    return Reply(Kind.INFO, text)


def timezone_unknown(error: UnknownTimezone) -> Reply:
    """An unknown zone: the kind message, and near misses as buttons that set them."""
    if _OFFSET.match(error.text.strip()):
        return Reply(
            Kind.INFO,
            f"Offsets like <i>{escape(error.text)}</i> change with daylight saving time, so "
            "please use your area and city instead, e.g. "
            f"{EXAMPLE_ZONES}. That way reminders stay right all year.",
        )
    suggestions = [name for name in error.suggestions if not name.startswith("Etc/")]
    buttons = tuple((Button(name, data=TIMEZONE_PREFIX + name),) for name in suggestions)
    if suggestions:
        text = escape(str(error)) + "\nTap one to use it."
    else:
        text = escape(f"I don't know the time zone '{error.text}'.") + (
            f" Please write it as area and city, e.g. {EXAMPLE_ZONES}."
        )
    return Reply(Kind.INFO, text, buttons)


def parse_timezone_press(data: str) -> str | None:
    """The zone name a suggestion button carries (validated by the caller), or None."""
    name = data.removeprefix(TIMEZONE_PREFIX)
    if not data.startswith(TIMEZONE_PREFIX) or not name or len(name) > 60:
        return None
    return name


# --- private-chat only ---------------------------------------------------------------------


def private_only(bot_username: str) -> Reply:
    """What these commands say in a group: personal things happen in a private chat."""
    text = (
        "⏰ Personal stretch reminders, time zones and your data are set up in a private chat "
        "with me. Group admins can schedule stretch breaks for the whole group with /settings."
    )
    if not bot_username:
        return Reply(Kind.INFO, text)
    link = Button("💬 Open a private chat", url=f"https://t.me/{bot_username}?start=remind")
    return Reply(Kind.INFO, text, ((link,),))


def resumed(count: int) -> Reply:
    """After /start from someone whose reminders were paused because they had blocked the bot."""
    noun = "reminder is" if count == 1 else f"{count} reminders are"
    return Reply(
        Kind.INFO,
        f"🔔 Welcome back! Your stretch {noun} on again (nothing missed will be sent). "
        "See /reminders.",
        ((LIST_BUTTON,),),
    )


# --- /privacy and /forget ------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """What the store holds about one person, for /privacy and /forget."""

    chat: Chat | None
    reminders: int
    done: int


def privacy(stored: Stored, *, store_unanswered: bool, retention_days: int) -> Reply:
    """``/privacy``: what is stored and why, what is stored about you now, how to delete it."""
    lines = [
        "🔒 <b>Your data</b>",
        "",
        "<b>What I store, and why</b>",
        "• <b>Your chat id</b>, only once you use /remind or /timezone: to send you reminders.",
        "• <b>Your time zone</b>: so reminders arrive at your local time (UTC by default).",
        "• <b>Your reminder times and days</b>: to know when to remind you.",
        "• <b>When you tapped ✅ Done</b>: to show your weekly count.",
    ]
    if store_unanswered:
        lines.append(
            "• <b>Questions I couldn't answer</b>, as text only, without your id or anything "
            "linking them to you: to improve my answers. They can't be traced back to you, so "
            f"they can't be deleted per person; they are deleted after {retention_days} days."
        )
    lines += [
        "",
        "Nothing else: no name, username, phone number or message history. Your last few "
        "questions are kept in memory only (never on disk) so the 👍/👎 buttons work; they are "
        "gone when I restart. Aggregate counters (e.g. questions answered) have no ids.",
        "",
        "<b>About you right now</b>",
    ]
    if stored.chat is None:
        lines.append("Nothing: you haven't set a reminder or time zone.")
    else:
        lines.append(
            f"Chat id {stored.chat.chat_id}, time zone {escape(stored.chat.timezone)}, "
            f"{_count(stored.reminders, 'reminder')}, "
            f"{_count(stored.done, '✅ Done tap')} recorded."
        )
    lines += [
        "",
        "<b>How to delete it</b>",
        "/remind off deletes your reminders; /forget deletes everything I store about you.",
    ]
    return Reply(Kind.INFO, "\n".join(lines))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def forget_confirm(stored: Stored) -> Reply:
    """``/forget``: what will go, and a confirmation button."""
    if stored.chat is None:
        return Reply(Kind.INFO, "I don't store anything about you, so there is nothing to delete.")
    text = (
        "⚠️ This deletes everything I store about you: your time zone, "
        f"{_count(stored.reminders, 'reminder')} and {_count(stored.done, '✅ Done tap')}. "
        "Your reminders stop. This can't be undone."
    )
    buttons = (Button("🗑 Yes, delete everything", data=FORGET), Button("Cancel", data=KEEP))
    return Reply(Kind.INFO, text, (buttons,))


def forgotten(deleted: bool) -> Reply:
    """After the confirmation."""
    if not deleted:
        return Reply(Kind.INFO, "There was nothing stored about you, so nothing to delete.")
    return Reply(
        Kind.INFO,
        "🗑 Done: I deleted everything I stored about you and cancelled your reminders. "
        "You can keep asking questions any time.",
    )


def kept() -> Reply:
    """The person cancelled /forget."""
    return Reply(Kind.INFO, "Okay, nothing was deleted.")
