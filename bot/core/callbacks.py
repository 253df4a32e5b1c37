"""Callback data: every button prefix the bot uses, its codec, and Telegram's 64-byte limit.

A pressed button sends its data back from the client, so it can be forged, stale (sent by an
older version, or before a knowledge-base edit) or junk. Every ``parse_*`` function here is
strict: it returns None for anything this version would never have sent, and the caller answers
that as an out-of-date button. Keeping all formats in one module keeps the prefixes from
colliding and every form within the limit (``tests/test_callbacks.py`` encodes each one at its
largest).

    topics | exercises                 the two menus
    e:<entry id>                        one answer
    f:<entry id>:<1|0>                  Helpful / Not helpful under an answer
    n:<entry id>                        "None of these" under "Did you mean ...?" (closest entry)
    r:<action>[:<arguments>]            reminder buttons (ReminderPress)
    tz:<IANA name>                      a suggested time zone
    p:forget | p:keep                   the /forget confirmation
    gs:<action>[:<value>]               the group /settings panel (SettingsPress)
    st:<token>:<action> | st:go:<id>    a guided session's buttons, and Start (sessions/views.py)
    st:r:<reminder id>:<seq>            Start under a reminder (the occurrence counts once)
    st:g:<reminder id>:<seq>            Start under a group's stretch break (runs in private)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from typing import Final

from bot.core.groups.modes import ANSWER_MODES
from bot.core.reminders.schedule import ALL_DAYS, days_to_mask, mask_to_days

__all__ = [
    "ENTRY",
    "EXERCISES",
    "FEEDBACK",
    "FORGET",
    "GROUP_START",
    "KEEP",
    "LIMIT",
    "MAX_ENTRY_ID",
    "NONE_OF_THESE",
    "PREFIXES",
    "PRIVACY",
    "REMINDER",
    "SESSION",
    "SETTINGS",
    "TIMEZONE",
    "TOPICS",
    "ReminderAction",
    "ReminderPress",
    "ReminderStart",
    "SessionAction",
    "SessionPress",
    "SettingsAction",
    "SettingsPress",
    "entry",
    "feedback",
    "fits",
    "none_of_these",
    "parse_entry",
    "parse_feedback",
    "parse_menu",
    "parse_none_of_these",
    "parse_privacy",
    "parse_reminder",
    "parse_reminder_start",
    "parse_session",
    "parse_session_start",
    "parse_settings",
    "parse_timezone",
    "reminder_start",
    "session",
    "session_start",
    "timezone",
]

LIMIT: Final = 64  # bytes of callback_data Telegram accepts

TOPICS: Final = "topics"
EXERCISES: Final = "exercises"
ENTRY: Final = "e:"
FEEDBACK: Final = "f:"
NONE_OF_THESE: Final = "n:"
REMINDER: Final = "r:"
TIMEZONE: Final = "tz:"
PRIVACY: Final = "p:"
SETTINGS: Final = "gs:"
SESSION: Final = "st:"
GROUP_START: Final = SESSION + "g:"  # Start under a group's break (within SESSION's prefix)
# The prefixes of data that carries arguments; each one starts no other.
PREFIXES: Final = (
    ENTRY,
    FEEDBACK,
    NONE_OF_THESE,
    REMINDER,
    TIMEZONE,
    PRIVACY,
    SETTINGS,
    SESSION,
)

FORGET: Final = PRIVACY + "forget"
KEEP: Final = PRIVACY + "keep"

MAX_ENTRY_ID: Final = 48  # the longest entry id the knowledge loader accepts
_ENTRY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # the loader's id form
_NUMBER = re.compile(r"^(?:[1-9][0-9]{0,17}|0)$")  # a decimal that fits SQLite's 64-bit ids
_HHMM = re.compile(r"^([01][0-9]|2[0-3])([0-5][0-9])$")
_MASK = re.compile(r"^[1-9][0-9]{0,2}$")
_ZONE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}$")  # IANA name shape
_MAX_MASK = days_to_mask(ALL_DAYS)


def fits(data: str) -> bool:
    """Whether ``data`` is within Telegram's limit (bytes, not characters)."""
    return len(data.encode()) <= LIMIT


def _hhmm(value: time | None) -> str | None:
    return None if value is None else f"{value.hour:02d}{value.minute:02d}"


def _time(text: str) -> time | None:
    found = _HHMM.match(text)
    return time(int(found[1]), int(found[2])) if found else None


def _days(text: str) -> frozenset[int] | None:
    if not _MASK.match(text) or not 1 <= int(text) <= _MAX_MASK:
        return None
    return mask_to_days(int(text))


def _arguments(data: str, prefix: str) -> list[str] | None:
    """The ``:``-separated fields after ``prefix``, or None when ``data`` is not ours."""
    if not data.startswith(prefix) or not fits(data):
        return None
    return data.removeprefix(prefix).split(":")


# --- menus and answers -----------------------------------------------------------------------


def parse_menu(data: str) -> str | None:
    """``topics`` or ``exercises``, or None."""
    return data if data in (TOPICS, EXERCISES) else None


def entry(entry_id: str) -> str:
    """The data of a button that opens an entry."""
    return ENTRY + entry_id


def parse_entry(data: str) -> str | None:
    """The entry id an ``e:`` button carries (whether it still exists is the caller's check)."""
    fields = _arguments(data, ENTRY)
    if fields is None or len(fields) != 1:
        return None
    entry_id = fields[0]
    return entry_id if _ENTRY_ID.match(entry_id) and len(entry_id) <= MAX_ENTRY_ID else None


def none_of_these(closest: str) -> str:
    """The data of "None of these" under "Did you mean ...?"; carries the closest entry's id."""
    return NONE_OF_THESE + closest


def parse_none_of_these(data: str) -> str | None:
    """The closest entry's id a "None of these" button carries, or None."""
    fields = _arguments(data, NONE_OF_THESE)
    if fields is None or len(fields) != 1:
        return None
    entry_id = fields[0]
    return entry_id if _ENTRY_ID.match(entry_id) and len(entry_id) <= MAX_ENTRY_ID else None


def feedback(entry_id: str, helpful: bool) -> str:
    """The data of a Helpful (``helpful``) or Not helpful button under an answer."""
    return f"{FEEDBACK}{entry_id}:{int(helpful)}"


def parse_feedback(data: str) -> tuple[str, bool] | None:
    """The entry id and verdict of an ``f:`` button, or None."""
    fields = _arguments(data, FEEDBACK)
    if fields is None or len(fields) != 2 or fields[1] not in ("0", "1"):
        return None
    entry_id = fields[0]
    if not _ENTRY_ID.match(entry_id) or len(entry_id) > MAX_ENTRY_ID:
        return None
    return entry_id, fields[1] == "1"


# --- reminders -------------------------------------------------------------------------------


class ReminderAction(StrEnum):
    """What an ``r:`` button does. Ids and seqs are decimal; times HHMM; days a bit mask."""

    DONE = "d"  # r:d:<reminder id>:<seq>   the reminder message's ✅ Done
    SNOOZE = "s"  # r:s:<reminder id>:<seq> ... its ⏰ Snooze
    STOP = "x"  # r:x:<reminder id>         ... its 🛑 Stop
    DELETE = "rm"  # r:rm:<reminder id>     a delete button in /reminders
    LIST = "ls"  # r:ls                     show /reminders
    NEW = "new"  # r:new                    start the guided /remind flow
    TIME = "t"  # r:t:<HHMM> | r:t:type     guided flow: a time was chosen, or "let me type"
    ADD = "a"  # r:a:<HHMM>:<days mask>     guided flow: days chosen, add the reminder


_TYPED = "type"


@dataclass(frozen=True)
class ReminderPress:
    """A reminder button: the action and whichever arguments it carries."""

    action: ReminderAction
    reminder_id: int | None = None
    seq: int | None = None
    local_time: time | None = None
    days: frozenset[int] | None = None
    typed: bool = False  # r:t:type, "let me type a time"

    @property
    def data(self) -> str:
        """The callback data; ValueError if an argument the action needs is missing."""
        action = self.action
        fields: list[int | str | None]
        if action in (ReminderAction.DONE, ReminderAction.SNOOZE):
            fields = [self.reminder_id, self.seq]
        elif action in (ReminderAction.STOP, ReminderAction.DELETE):
            fields = [self.reminder_id]
        elif action == ReminderAction.TIME:
            fields = [_TYPED if self.typed else _hhmm(self.local_time)]
        elif action == ReminderAction.ADD:
            mask = days_to_mask(self.days) if self.days else None
            fields = [_hhmm(self.local_time), mask]
        else:
            fields = []
        if any(field is None for field in fields):
            raise ValueError(f"{action.name} needs more arguments: {self}")
        return ":".join([REMINDER + action.value, *(str(field) for field in fields)])


def parse_reminder(data: str) -> ReminderPress | None:
    """Read ``r:`` data; None for junk, so the caller answers it as a stale button."""
    fields = _arguments(data, REMINDER)
    if fields is None:
        return None
    name, *args = fields
    try:
        action = ReminderAction(name)
    except ValueError:
        return None
    if action in (ReminderAction.LIST, ReminderAction.NEW):
        return ReminderPress(action) if not args else None
    if action in (ReminderAction.DONE, ReminderAction.SNOOZE):
        if len(args) == 2 and all(_NUMBER.match(arg) for arg in args):
            return ReminderPress(action, reminder_id=int(args[0]), seq=int(args[1]))
        return None
    if action in (ReminderAction.STOP, ReminderAction.DELETE):
        if len(args) == 1 and _NUMBER.match(args[0]):
            return ReminderPress(action, reminder_id=int(args[0]))
        return None
    if action == ReminderAction.TIME and len(args) == 1:
        if args[0] == _TYPED:
            return ReminderPress(action, typed=True)
        found = _time(args[0])
        return ReminderPress(action, local_time=found) if found else None
    if action == ReminderAction.ADD and len(args) == 2:
        found, days = _time(args[0]), _days(args[1])
        if found is not None and days is not None:
            return ReminderPress(action, local_time=found, days=days)
    return None


# --- time zones and /forget ------------------------------------------------------------------


def timezone(name: str) -> str:
    """The data of a suggested-time-zone button (check :func:`fits` for unusual names)."""
    return TIMEZONE + name


def parse_timezone(data: str) -> str | None:
    """The zone name a ``tz:`` button carries (resolving it is the caller's check), or None."""
    fields = _arguments(data, TIMEZONE)
    if fields is None or len(fields) != 1 or not _ZONE.match(fields[0]):
        return None
    return fields[0]


def parse_privacy(data: str) -> bool | None:
    """True for "delete everything", False for "keep", None for anything else."""
    return {FORGET: True, KEEP: False}.get(data)


# --- the group /settings panel ---------------------------------------------------------------


class SettingsAction(StrEnum):
    """What a ``gs:`` button under the group /settings panel does."""

    MAIN = "m"  # gs:m               back to the main panel
    MODE = "mode"  # gs:mode:<mentions|questions>
    REMIND = "rem"  # gs:rem:<1|0>    stretch breaks on / off
    TIME_PAGE = "tp"  # gs:tp         choose a time
    TIME = "t"  # gs:t:<HHMM>
    DAYS_PAGE = "dp"  # gs:dp         choose the days
    DAYS = "d"  # gs:d:<mask 1-127>
    ZONE_PAGE = "zp"  # gs:zp         choose a time zone
    ZONE = "z"  # gs:z:<IANA name>    (the caller resolves and validates the name)
    CLOSE = "x"  # gs:x               remove the keyboard


_PAGES = frozenset(
    {
        SettingsAction.MAIN,
        SettingsAction.TIME_PAGE,
        SettingsAction.DAYS_PAGE,
        SettingsAction.ZONE_PAGE,
        SettingsAction.CLOSE,
    }
)


@dataclass(frozen=True)
class SettingsPress:
    """A settings button: the action and its (validated) argument, if any."""

    action: SettingsAction
    mode: str | None = None
    enabled: bool | None = None
    local_time: time | None = None
    days: frozenset[int] | None = None
    zone: str | None = None

    @property
    def changes_settings(self) -> bool:
        """Whether the press changes the JSON settings (the rest navigate or set the zone)."""
        return self.action in (
            SettingsAction.MODE,
            SettingsAction.REMIND,
            SettingsAction.TIME,
            SettingsAction.DAYS,
        )

    @property
    def data(self) -> str:
        """The callback data; ValueError if the argument the action needs is missing."""
        value: str | None = ""
        if self.action == SettingsAction.MODE:
            value = self.mode
        elif self.action == SettingsAction.REMIND:
            value = None if self.enabled is None else str(int(self.enabled))
        elif self.action == SettingsAction.TIME:
            value = _hhmm(self.local_time)
        elif self.action == SettingsAction.DAYS:
            value = str(days_to_mask(self.days)) if self.days else None
        elif self.action == SettingsAction.ZONE:
            value = self.zone
        if value is None:
            raise ValueError(f"{self.action.name} needs an argument: {self}")
        return SETTINGS + self.action.value + (f":{value}" if value else "")


def parse_settings(data: str) -> SettingsPress | None:
    """Read ``gs:`` data strictly; None for anything this version would never have sent."""
    fields = _arguments(data, SETTINGS)
    if fields is None:
        return None
    name, *args = fields
    try:
        action = SettingsAction(name)
    except ValueError:
        return None
    if action in _PAGES:
        return SettingsPress(action) if not args else None
    if len(args) != 1:
        return None
    value = args[0]
    if action == SettingsAction.MODE and value in ANSWER_MODES:
        return SettingsPress(action, mode=value)
    if action == SettingsAction.REMIND and value in ("0", "1"):
        return SettingsPress(action, enabled=value == "1")
    if action == SettingsAction.TIME:
        found = _time(value)
        return SettingsPress(action, local_time=found) if found else None
    if action == SettingsAction.DAYS:
        days = _days(value)
        return SettingsPress(action, days=days) if days else None
    if action == SettingsAction.ZONE and _ZONE.match(value):
        return SettingsPress(action, zone=value)
    return None


# --- guided /stretch sessions ----------------------------------------------------------------


class SessionAction(StrEnum):
    """What an ``st:<token>:`` button under a session message does (or a pain score 0-10)."""

    PAUSE = "pause"
    RESUME = "resume"
    SKIP = "skip"
    STOP = "stop"
    HURT = "hurt"  # 🛑 This hurts
    NO_SCORE = "none"  # skip the pain score
    SCORE = "score"  # st:<token>:<0-10>, decoded with its score


MAX_PAIN: Final = 10
_SESSION = re.compile(r"^st:([0-9a-f]{1,16}):([a-z]{1,8}|\d{1,2})$")
_SESSION_START = re.compile(r"^st:go:([a-z0-9]+(?:-[a-z0-9]+)*)$")  # st:go:<exercise id>
_START = "go:"


@dataclass(frozen=True)
class SessionPress:
    """A session button: which session (its token) and what to do, or which pain score."""

    token: str
    action: SessionAction
    score: int | None = None


def session(token: str, action: SessionAction, score: int | None = None) -> str:
    """A session button's data; ``SCORE`` carries the score itself."""
    if action is SessionAction.SCORE:
        if score is None or not 0 <= score <= MAX_PAIN:
            raise ValueError("a pain score button needs a score from 0 to 10")
        return f"{SESSION}{token}:{score}"
    return f"{SESSION}{token}:{action.value}"


def session_start(exercise_id: str) -> str:
    """The data of a Start button: a guided session of one exercise."""
    return f"{SESSION}{_START}{exercise_id}"


def parse_session(data: str) -> SessionPress | None:
    """A session button's press; None for anything malformed."""
    found = _SESSION.match(data)
    if found is None:
        return None
    token, action = found[1], found[2]
    if action.isdigit():
        score = int(action)
        return SessionPress(token, SessionAction.SCORE, score) if score <= MAX_PAIN else None
    if action == SessionAction.SCORE.value:
        return None
    try:
        return SessionPress(token, SessionAction(action))
    except ValueError:
        return None


def parse_session_start(data: str) -> str | None:
    """The exercise id of a Start button; None if ``data`` is not one."""
    found = _SESSION_START.match(data)
    return found[1] if found else None


_REMINDER_START = re.compile(r"^st:([rg]):((?:[1-9][0-9]{0,17}|0)):((?:[1-9][0-9]{0,17}|0))$")


@dataclass(frozen=True)
class ReminderStart:
    """Start under a reminder message: which delivery of which reminder, and whether a group's."""

    reminder_id: int
    seq: int
    group: bool


def reminder_start(reminder_id: int, seq: int, *, group: bool = False) -> str:
    """The data of Start under a reminder (the exercise is the one that delivery shows)."""
    return f"{SESSION}{'g' if group else 'r'}:{reminder_id}:{seq}"


def parse_reminder_start(data: str) -> ReminderStart | None:
    """A Start under a reminder or a group's stretch break; None if ``data`` is not one."""
    found = _REMINDER_START.match(data) if fits(data) else None
    if found is None:
        return None
    return ReminderStart(int(found[2]), int(found[3]), group=found[1] == "g")
