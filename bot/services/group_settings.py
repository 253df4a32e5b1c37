"""A group's settings and its stretch-break reminder, kept in step in the store.

The settings JSON says whether a group wants stretch breaks and when; the reminder row is what
the dispatcher actually sends. Changing one without the other would leave breaks that never
come, or that cannot be turned off, so every change of a group's settings goes through
:func:`save`. No Telegram here: the handlers check who may change what, call these functions,
and show the result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.groups.policy import GroupSettings
from bot.core.records import Reminder
from bot.storage.interface import Storage

__all__ = ["GroupState", "current", "save", "set_zone"]

log = logging.getLogger(__name__)

_UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class GroupState:
    """What the /settings panel shows: the settings, the zone and the stretch-break reminder."""

    settings: GroupSettings
    zone: ZoneInfo
    reminder: Reminder | None


async def current(store: Storage, chat_id: int) -> GroupState:
    """The group's settings as stored (defaults for a group never configured)."""
    stored = await store.get_chat(chat_id)
    settings = GroupSettings.from_json(stored.settings if stored is not None else {})
    zone = stored.zone if stored is not None else _UTC
    reminder = next(iter(await store.list_reminders(chat_id)), None)
    return GroupState(settings, zone, reminder)


async def save(
    store: Storage, chat_id: int, kind: str, settings: GroupSettings, now: datetime
) -> None:
    """Store the settings and make the group's reminders match them.

    With stretch breaks on, exactly one reminder remains, at the chosen time and days: one that
    already matches is kept (and resumed if it was paused), any other is deleted, and one is
    added if none matched. With breaks off, every reminder of the group is deleted. Keys of the
    stored settings this version does not know are kept.
    """
    stored = await store.upsert_chat(chat_id, kind, now)
    await store.set_settings(chat_id, settings.merged_into(stored.settings))
    wanted = (settings.reminder_time, settings.reminder_days)
    keep: Reminder | None = None
    for reminder in await store.list_reminders(chat_id):
        if settings.reminders and keep is None and (reminder.local_time, reminder.days) == wanted:
            keep = reminder
        else:
            await store.delete_reminder(chat_id, reminder.id)
    if settings.reminders and keep is None:
        await store.add_reminder(chat_id, settings.reminder_time, settings.reminder_days, now)
        log.info("group stretch breaks set")
    elif keep is not None and not keep.enabled:
        await store.enable_chat_reminders(chat_id, now)


async def set_zone(store: Storage, chat_id: int, kind: str, zone_name: str, now: datetime) -> None:
    """Set the group's time zone (a valid IANA name); its reminder keeps its local time."""
    await store.upsert_chat(chat_id, kind, now)
    await store.set_timezone(chat_id, zone_name, now)
