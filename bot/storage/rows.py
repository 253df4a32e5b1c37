"""Rows to records, for both backends: instants as unix seconds, times as HH:MM, columns read
by name (a ``sqlite3.Row`` and an ``asyncpg.Record`` read alike)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from functools import cache
from typing import Any, Protocol

from bot.core.records import Chat, Delivery, Reminder, Unanswered
from bot.core.reminders.schedule import mask_to_days
from bot.core.sessions.records import SessionRecord

__all__ = [
    "SELECT_CHAT",
    "SELECT_CHAT_REMINDERS",
    "SELECT_REMINDER",
    "Row",
    "chat_of",
    "delivery_of",
    "dt",
    "parse_hhmm",
    "reminder_of",
    "session_of",
    "ts",
    "unanswered_of",
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


def delivery_of(row: Row) -> Delivery:
    """A queued outbox row (a retry or a snooze) joined with its reminder's time and chat kind."""
    return Delivery(
        id=row["id"],
        reminder_id=row["reminder_id"],
        chat_id=row["chat_id"],
        due=dt(row["due"]),
        seq=row["seq"],
        attempts=row["attempts"],
        local_time=parse_hhmm(row["local_time"]),
        snoozed=bool(row["snoozed"]),
        chat_kind=row["kind"],
    )


def unanswered_of(row: Row) -> Unanswered:
    return Unanswered(
        id=row["id"],
        text=row["text"],
        reason=row["reason"],
        entry_id=row["entry_id"],
        created_at=dt(row["created_at"]),
    )


def session_of(row: Row) -> SessionRecord:
    """A stored guided session with its pain scores before and after (None when not given)."""
    return SessionRecord(
        id=int(row["id"]),
        chat_id=int(row["chat_id"]),
        exercises=tuple(row["exercises"].split(",")) if row["exercises"] else (),
        started_at=dt(row["started_at"]),
        finished_at=dt(row["finished_at"]),
        pain_before=row["pain_before"],
        pain_after=row["pain_after"],
    )
