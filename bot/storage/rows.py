"""Rows to records: instants as unix seconds, times as HH:MM, columns read by name."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from functools import cache
from typing import Any, Protocol

from bot.core.records import Chat, Reminder
from bot.core.reminders.schedule import mask_to_days

__all__ = [
    "SELECT_CHAT",
    "SELECT_CHAT_REMINDERS",
    "SELECT_REMINDER",
    "Row",
    "chat_of",
    "dt",
    "parse_hhmm",
    "reminder_of",
    "ts",
]


class Row(Protocol):
    """A result row read by column name: ``sqlite3.Row`` and ``asyncpg.Record`` both are."""

    def __getitem__(self, key: str, /) -> Any: ...


def ts(instant: datetime) -> int:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instants must be aware datetimes")
    return int(instant.timestamp() // 1)


def dt(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@cache
def parse_hhmm(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


SELECT_CHAT = "SELECT chat_id, kind, timezone, created_at, settings FROM chats WHERE chat_id = ?"
SELECT_REMINDER = (
    "SELECT id, chat_id, local_time, days, next_due, enabled, sent_count, created_at "
    "FROM reminders WHERE id = ?"
)
SELECT_CHAT_REMINDERS = (
    "SELECT id, chat_id, local_time, days, next_due, enabled, sent_count, created_at "
    "FROM reminders WHERE chat_id = ? ORDER BY local_time, id"
)


def chat_of(row: Row) -> Chat:
    settings = json.loads(row["settings"])
    return Chat(
        chat_id=row["chat_id"],
        kind=row["kind"],
        timezone=row["timezone"],
        created_at=dt(row["created_at"]),
        settings=settings if isinstance(settings, dict) else {},
    )


def reminder_of(row: Row) -> Reminder:
    return Reminder(
        id=row["id"],
        chat_id=row["chat_id"],
        local_time=parse_hhmm(row["local_time"]),
        days=mask_to_days(row["days"]),
        next_due=dt(row["next_due"]),
        enabled=bool(row["enabled"]),
        sent_count=row["sent_count"],
        created_at=dt(row["created_at"]),
    )
