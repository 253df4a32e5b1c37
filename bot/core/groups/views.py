"""Replies for group admins: the /settings panel, and the public notice for red flags.

Core code: no Telegram and no store. Handlers fetch what the store knows and pass it in; these
functions only decide which of the knowledge base's fixed texts (``knowledge/texts.yaml``) to
send and which buttons to offer. Every text is Telegram HTML with anything variable escaped.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.core.callbacks import SettingsAction as Action
from bot.core.callbacks import SettingsPress, fits
from bot.core.groups.modes import MENTIONS, QUESTIONS
from bot.core.groups.policy import GroupSettings
from bot.core.groups.typed import SettingsChange
from bot.core.knowledge import fill
from bot.core.records import Reminder
from bot.core.reminders.schedule import ScheduleError, UnknownTimezone, format_time
from bot.core.reminders.views import (
    DAY_CHOICES,
    Texts,
    days_label,
    describe_next,
    local_clock,
    problem,
)
from bot.core.replies import Button, Reply, ReplyKind, label

__all__ = [
    "COMMON_ZONES",
    "TIME_OPTIONS",
    "URGENT_START",
    "closed",
    "days_page",
    "private_link",
    "red_flag_notice",
    "saved_note",
    "settings_panel",
    "time_page",
    "typed_error",
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
    return Button(label(texts, "button_back"), data=SettingsPress(Action.MAIN).data)


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
    if settings.answer_mode == QUESTIONS:
        answers = fill(texts["settings_answers_questions"])
    else:
        answers = fill(texts["settings_answers_mentions"])
    when = {
        "time": format_time(settings.reminder_time),
        "days": days_label(texts, settings.reminder_days),
    }
    if not settings.reminders:
        breaks = fill(texts["settings_breaks_off"])
    elif reminder is None:
        breaks = fill(texts["settings_breaks_on"], **when)
    elif reminder.enabled:
        upcoming = describe_next(texts, reminder.next_due, zone, now)
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

    def choice(key: str, chosen: bool, press: SettingsPress) -> Button:
        return Button(_mark(label(texts, key), chosen), data=press.data)

    def page(text: str, action: Action) -> Button:
        return Button(text, data=SettingsPress(action).data)

    buttons = (
        (
            choice(
                "button_answer_mentions", mode == MENTIONS, SettingsPress(Action.MODE, MENTIONS)
            ),
            choice(
                "button_answer_questions", mode == QUESTIONS, SettingsPress(Action.MODE, QUESTIONS)
            ),
        ),
        (
            choice(
                "button_breaks_on", settings.reminders, SettingsPress(Action.REMIND, enabled=True)
            ),
            choice(
                "button_breaks_off",
                not settings.reminders,
                SettingsPress(Action.REMIND, enabled=False),
            ),
        ),
        (
            page(f"⏰ {format_time(settings.reminder_time)}", Action.TIME_PAGE),
            page(f"📅 {days_label(texts, settings.reminder_days)}", Action.DAYS_PAGE),
        ),
        (page(f"🌍 {zone.key}", Action.ZONE_PAGE),),
        (page(label(texts, "button_settings_done"), Action.CLOSE),),
    )
    return Reply(ReplyKind.INFO, "\n".join(lines), buttons)


def time_page(texts: Texts, settings: GroupSettings, zone: ZoneInfo) -> Reply:
    """Choose the stretch-break time."""
    text = fill(texts["settings_time_page"], zone=zone.key)
    buttons = [
        Button(
            _mark(format_time(option), option == settings.reminder_time),
            data=SettingsPress(Action.TIME, local_time=option).data,
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
                _mark(label(texts, key), days == settings.reminder_days),
                data=SettingsPress(Action.DAYS, days=days).data,
            ),
        )
        for key, days in DAY_CHOICES
    )
    return Reply(ReplyKind.INFO, fill(texts["settings_days_page"]), (*buttons, (_back(texts),)))


def zone_page(texts: Texts, zone: ZoneInfo) -> Reply:
    """Choose the group's time zone from common ones (any other can be typed)."""
    text = fill(texts["settings_zone_page"], zone=zone.key)
    buttons = [
        Button(_mark(name, name == zone.key), data=SettingsPress(Action.ZONE, zone=name).data)
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


def typed_error(texts: Texts, error: ScheduleError | None) -> Reply:
    """A typed ``/settings ...`` that could not be read (``error`` None: not a setting at all);
    near misses of an unknown time zone come as buttons that set them."""
    text = fill(texts["settings_not_understood"]) if error is None else problem(texts, error)
    buttons: tuple[tuple[Button, ...], ...] = ()
    if isinstance(error, UnknownTimezone):
        presses = [SettingsPress(Action.ZONE, zone=name) for name in error.suggestions]
        buttons = tuple(
            (Button(name, data=press.data),)
            for name, press in zip(error.suggestions, presses, strict=True)
            if fits(press.data)
        )
    return Reply(ReplyKind.INFO, text + "\n\n" + fill(texts["settings_typed_examples"]), buttons)


def saved_note(texts: Texts, change: SettingsChange) -> str:
    """The note above the panel after a typed change was saved."""
    if change.zone is not None:
        return fill(texts["settings_zone_saved"], zone=change.zone)
    note = fill(texts["settings_saved"])
    if change.breaks_off_hint:
        note += " " + fill(texts["settings_saved_breaks_off"])
    return note


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
