"""Taking part in a group's stretch break: count a person once per week, keep only the number.

A Done or a Start press under a group's break calls :func:`take_part`. Whether the person was
counted already this week is asked of ``WeeklyParticipants`` (keyed hashes in memory, see
``bot.core.groups.participation``); the store gets only the group's count for the week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.groups.participation import WeeklyParticipants
from bot.core.groups.summary import GroupWeeks, group_weeks, local_monday
from bot.storage.interface import Storage

__all__ = ["Taken", "summary", "take_part"]


@dataclass(frozen=True)
class Taken:
    """After a press: whether it counted a new person, and the group's people this week."""

    counted: bool
    people: int


async def take_part(
    store: Storage,
    participants: WeeklyParticipants,
    now: datetime,
    chat_id: int,
    reminder_id: int,
    user_id: int,
) -> Taken | None:
    """Count ``user_id`` for the group's week once; None if the break (or group) is gone."""
    chat = await store.get_chat(chat_id)
    if chat is None or await store.get_reminder(chat_id, reminder_id) is None:
        return None
    week = local_monday(now, chat.zone)
    if participants.first_time(chat_id, week, user_id):
        people = await store.add_group_person(chat_id, week)
        if people is None:
            return None
        return Taken(True, people)
    counts = await store.group_weeks_since(chat_id, week)
    return Taken(False, counts.get(week, 0))


async def summary(store: Storage, chat_id: int, now: datetime) -> GroupWeeks:
    """The group's last weeks of stretch breaks (people per week), in its time zone."""
    chat = await store.get_chat(chat_id)
    zone = chat.zone if chat is not None else ZoneInfo("UTC")
    empty = group_weeks({}, now, zone)
    counts = await store.group_weeks_since(chat_id, empty.weeks[0][0])
    return group_weeks(counts, now, zone)
