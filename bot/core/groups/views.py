"""Replies for group admins: the /settings panel, and the public notice for red flags.

Core code: no Telegram and no store. Handlers fetch what the store knows and pass it in; these
functions only decide which of the knowledge base's fixed texts (``knowledge/texts.yaml``) to
send and which buttons to offer. Every text is Telegram HTML with anything variable escaped.
"""

from __future__ import annotations

from datetime import datetime, time
from html import escape as _escape
from zoneinfo import ZoneInfo

from bot.core.groups import policy
from bot.core.groups.policy import GroupSettings
from bot.core.knowledge import fill
from bot.core.records import Reminder
from bot.core.reminders.schedule import days_to_mask, format_days, format_time
from bot.core.reminders.views import DAY_CHOICES, Texts, describe_next, local_clock
from bot.core.replies import Button, Reply, ReplyKind, label

__all__ = [
    "COMMON_ZONES",
    "TIME_OPTIONS",
    "URGENT_START",
    "closed",
    "days_page",
    "private_link",
    "red_flag_notice",
    "settings_panel",
    "time_page",
    "zone_page",
]

COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Kyiv",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Africa/Johannesburg",
)
TIME_OPTIONS = (
    *(time(hour, 0) for hour in range(7, 12)),
    time(12, 0),
    time(12, 30),
    *(time(hour, 0) for hour in range(13, 22)),
)
_CHECK = "✓ "
URGENT_START = "urgent"  # /start parameter of the private link under a red-flag notice


def _back(texts: Texts) -> Button:
    return Button(label(texts, "button_back"), data=policy.settings_data(policy.MAIN))


def escape(text: str) -> str:
    """Escape for Telegram HTML text."""
    return _escape(text, quote=False)


def _mark(label: str, chosen: bool) -> str:
    return _CHECK + label if chosen else label


# --- the /settings panel -------------------------------------------------------------------


def _summary(
    texts: Texts,
    settings: GroupSettings,
    zone: ZoneInfo,
    reminder: Reminder | None,
    now: datetime,
) -> list[str]:
    if settings.answer_mode == policy.QUESTIONS:
        answers = fill(texts["settings_answers_questions"])
    else:
        answers = fill(texts["settings_answers_mentions"])
    when = {
        "time": format_time(settings.reminder_time),
        "days": format_days(settings.reminder_days),
    }
    if not settings.reminders:
        breaks = fill(texts["settings_breaks_off"])
    elif reminder is None:
        breaks = fill(texts["settings_breaks_on"], **when)
    elif reminder.enabled:
        upcoming = describe_next(reminder.next_due, zone, now)
        breaks = fill(texts["settings_breaks_on_next"], **when, next=upcoming)
    else:
        breaks = fill(texts["settings_breaks_paused"], **when)
    return [
        answers,
        breaks,
        fill(texts["settings_zone"], zone=zone.key, time=local_clock(zone, now)),
    ]


def settings_panel(
    texts: Texts,
    settings: GroupSettings,
    zone: ZoneInfo,
    reminder: Reminder | None,
    now: datetime,
    *,
    note: str = "",
) -> Reply:
    """The main panel: the current settings and a button for each choice."""
    lines = [fill(texts["settings_title"]), ""]
    if note:
        lines += [note, ""]
    lines += _summary(texts, settings, zone, reminder, now)
    lines += ["", fill(texts["settings_admins_note"])]
    mode = settings.answer_mode
    data = policy.settings_data

    def choice(key: str, chosen: bool) -> str:
        return _mark(label(texts, key), chosen)

    buttons = (
        (
            Button(
                choice("button_answer_mentions", mode == policy.MENTIONS),
                data=data(policy.MODE, "mentions"),
            ),
            Button(
                choice("button_answer_questions", mode == policy.QUESTIONS),
                data=data(policy.MODE, "questions"),
            ),
        ),
        (
            Button(choice("button_breaks_on", settings.reminders), data=data(policy.REMIND, 1)),
            Button(
                choice("button_breaks_off", not settings.reminders), data=data(policy.REMIND, 0)
            ),
        ),
        (
            Button(f"⏰ {format_time(settings.reminder_time)}", data=data(policy.TIME_PAGE)),
            Button(f"📅 {format_days(settings.reminder_days)}", data=data(policy.DAYS_PAGE)),
        ),
        (Button(f"🌍 {zone.key}", data=data(policy.ZONE_PAGE)),),
        (Button(label(texts, "button_settings_done"), data=data(policy.CLOSE)),),
    )
    return Reply(ReplyKind.INFO, "\n".join(lines), buttons)


def time_page(texts: Texts, settings: GroupSettings, zone: ZoneInfo) -> Reply:
    """Choose the stretch-break time."""
    text = fill(texts["settings_time_page"], zone=zone.key)
    buttons = [
        Button(
            _mark(format_time(option), option == settings.reminder_time),
            data=policy.settings_data(policy.TIME, f"{option.hour:02d}{option.minute:02d}"),
        )
        for option in TIME_OPTIONS
    ]
    rows = tuple(tuple(buttons[i : i + 4]) for i in range(0, len(buttons), 4))
    return Reply(ReplyKind.INFO, text, (*rows, (_back(texts),)))


def days_page(texts: Texts, settings: GroupSettings) -> Reply:
    """Choose the days of the stretch break."""
    buttons = tuple(
        (
            Button(
                _mark(name, days == settings.reminder_days),
                data=policy.settings_data(policy.DAYS, days_to_mask(days)),
            ),
        )
        for name, days in DAY_CHOICES
    )
    return Reply(ReplyKind.INFO, fill(texts["settings_days_page"]), (*buttons, (_back(texts),)))


def zone_page(texts: Texts, zone: ZoneInfo) -> Reply:
    """Choose the group's time zone from common ones (any other can be typed)."""
    text = fill(texts["settings_zone_page"], zone=zone.key)
    buttons = [
        Button(_mark(name, name == zone.key), data=policy.settings_data(policy.ZONE, name))
        for name in COMMON_ZONES
    ]
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return Reply(ReplyKind.INFO, text, (*rows, (_back(texts),)))


def closed(
    texts: Texts,
    settings: GroupSettings,
    zone: ZoneInfo,
    reminder: Reminder | None,
    now: datetime,
) -> Reply:
    """The panel once an admin pressed Done: the settings, no buttons."""
    lines = [fill(texts["settings_title"]), ""]
    lines += _summary(texts, settings, zone, reminder, now)
    lines += ["", fill(texts["settings_closed_note"])]
    return Reply(ReplyKind.INFO, "\n".join(lines))


def typed_error(texts: Texts, message: str) -> Reply:
    """A typed ``/settings time|days|timezone ...`` that could not be read."""
    return Reply(ReplyKind.INFO, escape(message) + "\n\n" + fill(texts["settings_typed_examples"]))


# --- red flags in groups ---------------------------------------------------------------------


def private_link(bot_username: str, start: str) -> str:
    """A deep link that opens a private chat with the bot and sends /start ``start``."""
    return f"https://t.me/{bot_username}?start={start}"


def red_flag_notice(texts: Texts, bot_username: str, tier: str = "") -> Reply:
    """The short public notice for red-flag symptoms, with a button to continue privately.

    It never repeats what was written: symptoms are not discussed in public. The private link
    carries the urgency tier ("urgent-today"), so the private message fits it; no tier (or the
    most urgent one) is plain "urgent".
    """
    text = texts["group_red_flag"]
    if not bot_username:
        return Reply(ReplyKind.URGENT, text)
    start = f"{URGENT_START}-{tier}" if tier else URGENT_START
    button = Button(
        label(texts, "button_continue_privately"), url=private_link(bot_username, start)
    )
    return Reply(ReplyKind.URGENT, text, ((button,),))
