"""Chats and their reminders, on either backend: the statements are written once
(``bot.storage.access`` says in which SQL); forgetting a chat is each backend's own."""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Mapping
from datetime import datetime, time
from typing import Any, Final
from zoneinfo import ZoneInfo

from bot.core.clock import utc_now
from bot.core.records import Chat, DuplicateReminder, Reminder, TooManyReminders, UnknownChat
from bot.core.reminders.schedule import (
    days_to_mask,
    format_time,
    mask_to_days,
    next_occurrence,
    resolve_timezone,
)
from bot.storage.access import Access, Session
from bot.storage.rows import (
    SELECT_CHAT,
    SELECT_CHAT_REMINDERS,
    SELECT_REMINDER,
    chat_of,
    parse_hhmm,
    reminder_of,
    ts,
)

__all__ = ["CHAT_KINDS", "Chats"]

CHAT_KINDS: Final = frozenset({"private", "group", "supergroup", "channel"})


class Chats(Access):
    """Chats (kind, time zone, settings) and their reminders."""

    max_reminders_per_chat: int

    @abstractmethod
    async def _set_next_dues(self, db: Session, ids: list[int], next_dues: list[int]) -> None:
        """In ``db``'s transaction: each reminder of ``ids`` due next at its ``next_dues``
        (unix seconds) and enabled."""

    # --- chats ---------------------------------------------------------------------------

    async def upsert_chat(self, chat_id: int, kind: str, now: datetime | None = None) -> Chat:
        """Remember a chat (or update its kind); time zone and settings are kept."""
        if kind not in CHAT_KINDS:
            raise ValueError(f"unknown chat kind {kind!r}")
        rows = await self._fetch(
            "INSERT INTO chats (chat_id, kind, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET kind = excluded.kind "
            "RETURNING chat_id, kind, timezone, created_at, settings",
            chat_id,
            kind,
            ts(now or utc_now()),
        )
        return chat_of(rows[0])

    async def get_chat(self, chat_id: int) -> Chat | None:
        """The chat's row, or None if unknown."""
        rows = await self._fetch(SELECT_CHAT, chat_id)
        return chat_of(rows[0]) if rows else None

    async def set_timezone(self, chat_id: int, zone_name: str, now: datetime) -> Chat:
        """Change the chat's zone and move its reminders to the new local times, atomically.

        ``zone_name`` is resolved case-insensitively; raises ``UnknownTimezone`` with
        suggestions, or ``UnknownChat``.
        """
        zone = resolve_timezone(zone_name)
        async with self._transaction() as db:
            if not await db.execute(
                "UPDATE chats SET timezone = ? WHERE chat_id = ?", zone.key, chat_id
            ):
                raise UnknownChat(chat_id)
            await self._reschedule(db, chat_id, zone, now, enabled_only=True)
            rows = await db.fetch(SELECT_CHAT, chat_id)
        return chat_of(rows[0])

    async def set_settings(self, chat_id: int, settings: Mapping[str, Any]) -> bool:
        """Replace the chat's settings (a JSON object); False if the chat is unknown."""
        text = json.dumps(dict(settings), separators=(",", ":"), sort_keys=True)
        return (
            await self._write("UPDATE chats SET settings = ? WHERE chat_id = ?", text, chat_id) > 0
        )

    async def migrate_chat(self, old_id: int, new_id: int) -> bool:
        """Move everything from ``old_id`` to ``new_id`` (a group upgraded to a supergroup).

        If the new chat already has a row, the old chat's time zone and settings win, since
        they are what the members configured. False if the old chat is unknown.
        """
        async with self._transaction() as db:
            copied = await db.execute(
                "INSERT INTO chats (chat_id, kind, timezone, created_at, settings) "
                "SELECT CAST(? AS BIGINT), 'supergroup', timezone, created_at, settings FROM chats "
                "WHERE chat_id = ? "
                "ON CONFLICT (chat_id) DO UPDATE SET kind = excluded.kind, "
                "timezone = excluded.timezone, settings = excluded.settings",
                new_id,
                old_id,
            )
            if copied == 0:
                return False
            for table in ("reminders", "deliveries", "completions"):
                await db.execute(
                    f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?",  # noqa: S608 (fixed names)
                    new_id,
                    old_id,
                )
            await db.execute(  # the weekly counts of people add up (the new chat may have some)
                "INSERT INTO group_weeks (chat_id, week, people) "
                "SELECT CAST(? AS BIGINT), week, people FROM group_weeks WHERE chat_id = ? "
                "ON CONFLICT (chat_id, week) DO UPDATE "
                "SET people = group_weeks.people + excluded.people",
                new_id,
                old_id,
            )
            await db.execute("DELETE FROM chats WHERE chat_id = ?", old_id)
        return True

    # --- reminders -----------------------------------------------------------------------

    async def add_reminder(
        self, chat_id: int, local_time: time, days: frozenset[int], now: datetime
    ) -> Reminder:
        """Add a reminder, due next at the first matching instant after ``now``.

        Raises ``UnknownChat``, ``TooManyReminders`` (cap per chat) or ``DuplicateReminder``.
        The chat's row is locked first, so two replicas adding at once respect the cap.
        """
        mask = days_to_mask(days)
        hhmm = format_time(local_time)
        async with self._transaction() as db:
            found = await db.fetch(
                "SELECT timezone FROM chats WHERE chat_id = ?" + self._FOR_UPDATE,  # noqa: S608 (fixed text)
                chat_id,
            )
            if not found:
                raise UnknownChat(chat_id)
            zone = ZoneInfo(found[0]["timezone"])
            existing = [reminder_of(row) for row in await db.fetch(SELECT_CHAT_REMINDERS, chat_id)]
            for reminder in existing:
                if format_time(reminder.local_time) == hhmm and reminder.days == mask_to_days(mask):
                    raise DuplicateReminder(reminder)
            if len(existing) >= self.max_reminders_per_chat:
                raise TooManyReminders(self.max_reminders_per_chat)
            due = next_occurrence(parse_hhmm(hhmm), mask_to_days(mask), zone, now)
            rows = await db.fetch(
                "INSERT INTO reminders (chat_id, local_time, days, next_due, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id, chat_id, local_time, days, next_due, "
                "enabled, sent_count, created_at",
                chat_id,
                hhmm,
                mask,
                ts(due),
                ts(now),
            )
        return reminder_of(rows[0])

    async def list_reminders(self, chat_id: int) -> list[Reminder]:
        """The chat's reminders, earliest time of day first."""
        return [reminder_of(row) for row in await self._fetch(SELECT_CHAT_REMINDERS, chat_id)]

    async def get_reminder(self, chat_id: int, reminder_id: int) -> Reminder | None:
        """One of the chat's reminders, or None (also when it belongs to another chat)."""
        rows = await self._fetch(SELECT_REMINDER + " AND chat_id = ?", reminder_id, chat_id)
        return reminder_of(rows[0]) if rows else None

    async def delete_reminder(self, chat_id: int, reminder_id: int) -> bool:
        """Delete one reminder, only if it belongs to this chat."""
        return (
            await self._write(
                "DELETE FROM reminders WHERE id = ? AND chat_id = ?", reminder_id, chat_id
            )
            > 0
        )

    async def delete_all_reminders(self, chat_id: int) -> int:
        """Delete all the chat's reminders; returns how many."""
        return await self._write("DELETE FROM reminders WHERE chat_id = ?", chat_id)

    async def disable_chat_reminders(self, chat_id: int) -> int:
        """Pause the chat's reminders (kept, not sent) and drop its queued messages."""
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE reminders SET enabled = 0 WHERE chat_id = ? AND enabled = 1", chat_id
            )
            await db.execute("DELETE FROM deliveries WHERE chat_id = ?", chat_id)
        return changed

    async def mark_gone(self, chat_id: int) -> None:
        """The chat blocked the bot or no longer exists: stop its reminders, drop its queue."""
        await self.disable_chat_reminders(chat_id)

    async def enable_chat_reminders(self, chat_id: int, now: datetime) -> int:
        """Resume the chat's paused reminders from ``now`` on (nothing missed is sent)."""
        async with self._transaction() as db:
            found = await db.fetch("SELECT timezone FROM chats WHERE chat_id = ?", chat_id)
            if not found:
                return 0
            return await self._reschedule(
                db, chat_id, ZoneInfo(found[0]["timezone"]), now, enabled_only=False
            )

    async def _reschedule(
        self, db: Session, chat_id: int, zone: ZoneInfo, now: datetime, *, enabled_only: bool
    ) -> int:
        where = "chat_id = ? AND enabled = 1" if enabled_only else "chat_id = ?"
        rows = await db.fetch(
            f"SELECT id, local_time, days FROM reminders WHERE {where}"  # noqa: S608 (fixed)
            + self._FOR_UPDATE,
            chat_id,
        )
        if not rows:
            return 0
        await self._set_next_dues(
            db,
            [row["id"] for row in rows],
            [
                ts(
                    next_occurrence(
                        parse_hhmm(row["local_time"]), mask_to_days(row["days"]), zone, now
                    )
                )
                for row in rows
            ],
        )
        return len(rows)
