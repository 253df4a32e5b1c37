"""Reading what a group admin types after /settings: ``time 10:15 [days]``, ``days mon-thu``,
``timezone Europe/Madrid``, ``on`` and ``off``.

Core code, no Telegram and no store: the handler passes the text and the group's current
settings and gets back what to change. A value that cannot be read raises ``ScheduleError``
(``UnknownTimezone`` with near misses for a zone), which the views turn into a kind reply.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from bot.core.groups.policy import GroupSettings
from bot.core.reminders.schedule import ScheduleError, parse_days, parse_time, resolve_timezone
from bot.core.reminders.views import MAX_ARGUMENT, RemindRequest, parse_remind

__all__ = ["ZONE_WORDS", "SettingsChange", "parse_typed_settings"]

ZONE_WORDS: Final = ("timezone", "tz", "zone")


@dataclass(frozen=True)
class SettingsChange:
    """What a typed /settings asks for: the settings after the change, or a new time zone."""

    what: str  # the setting, lower-cased: "time", "days", "on", "off" or "timezone"
    settings: GroupSettings  # the group's settings after the change (as before for a zone)
    zone: str | None = None  # the new time zone's IANA name, for "timezone"

    @property
    def breaks_off_hint(self) -> bool:
        """A time or days were set while stretch breaks are off: worth saying they are off."""
        return self.what in ("time", "days") and not self.settings.reminders


def parse_typed_settings(typed: str, settings: GroupSettings) -> SettingsChange | None:
    """The change ``/settings WHAT VALUE`` asks for, or None when WHAT is not a setting.

    ``time`` also takes days after the time ("10:15 weekdays"), as /remind does. Raises
    ScheduleError when the value cannot be read.
    """
    what, _, value = typed.strip().partition(" ")
    what, value = what.lower(), value.strip()[:MAX_ARGUMENT]
    if what == "time" and value:
        try:
            return SettingsChange(what, replace(settings, reminder_time=parse_time(value)))
        except ScheduleError:
            request = _remind(value)  # "10:15 weekdays": the days too
        changed = replace(settings, reminder_time=request.local_time, reminder_days=request.days)
        return SettingsChange(what, changed)
    if what == "days" and value:
        return SettingsChange(what, replace(settings, reminder_days=parse_days(value)))
    if what in ("on", "off") and not value:
        return SettingsChange(what, replace(settings, reminders=what == "on"))
    if what in ZONE_WORDS and value:
        return SettingsChange("timezone", settings, zone=resolve_timezone(value).key)
    return None


def _remind(value: str) -> RemindRequest:
    """``parse_remind``, with two times ("10:15 to 11") explained for a stretch break."""
    try:
        return parse_remind(value)
    except ScheduleError as error:
        if error.code == "remind_two_times":
            raise ScheduleError("settings_two_times", **error.params) from None
        raise
