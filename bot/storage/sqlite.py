"""The SQLite store: the single source of truth for chats, reminders and their delivery outbox.

Everything that must survive a restart lives here, so the bot can be killed at any moment
and come back without losing or repeating a reminder. One aiosqlite connection is shared and
every operation holds one asyncio lock, so there is exactly one writer and a transaction is
never interleaved with another coroutine's statements.

Delivery is *at most once*: claiming a due reminder (recording the delivery and moving the
reminder to its next occurrence) commits, durably (``synchronous=FULL``), before anything is
sent. A crash after the claim leaves the outbox row in state 'sending'; :meth:`Store.recover`
drops such rows on start-up rather than resending, because the message may already have
reached the user and a repeated nudge is worse than one missed stretch.

Instants are stored as integer unix seconds (UTC); the API speaks aware datetimes. The store is
assembled from parts, one module each: the connection discipline (``base``), the schema and its
migrations (``schema``), row mapping (``rows``), the delivery outbox (``outbox``) and counters,
unanswered questions and guided sessions (``records``); chats and reminders are here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine, Generator, Mapping
from datetime import datetime, time, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self
from zoneinfo import ZoneInfo

import aiosqlite

from bot.core.clock import utc_now
from bot.core.records import (
    Chat,
    DuplicateReminder,
    Reminder,
    TooManyReminders,
    UnknownChat,
)
from bot.core.reminders.schedule import (
    days_to_mask,
    format_time,
    mask_to_days,
    next_occurrence,
    resolve_timezone,
)
from bot.storage.outbox import Outbox
from bot.storage.records import MAX_UNANSWERED_CHARS, REASONS, Records
from bot.storage.rows import (
    SELECT_CHAT,
    SELECT_CHAT_REMINDERS,
    SELECT_REMINDER,
    chat_of,
    parse_hhmm,
    reminder_of,
    ts,
)
from bot.storage.schema import MIGRATIONS, DatabaseTooNew, connect

__all__ = [
    "CHAT_KINDS",
    "MAX_UNANSWERED_CHARS",
    "MIGRATIONS",
    "REASONS",
    "DatabaseTooNew",
    "Store",
]

log = logging.getLogger(__name__)

CHAT_KINDS: Final = frozenset({"private", "group", "supergroup", "channel"})


class _Opening:
    """Lets ``Store.open`` be awaited or used directly with ``async with``."""

    def __init__(self, opener: Callable[[], Coroutine[Any, Any, Store]]) -> None:
        self._opener = opener
        self._store: Store | None = None

    def __await__(self) -> Generator[Any, None, Store]:
        return self._opener().__await__()

    async def __aenter__(self) -> Store:
        self._store = await self._opener()
        return self._store

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._store is not None:
            await self._store.close()


class Store(Outbox, Records):
    """Async access to the bot's database; create it with ``await Store.open(path)``."""

    # --- lifecycle -----------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        max_reminders_per_chat: int = 10,
        late_grace: timedelta = timedelta(hours=1),
        max_attempts: int = 8,
    ) -> _Opening:
        """Open (creating and migrating as needed) the database at ``path`` (":memory:" too).

        ``late_grace``: a reminder found due later than this (the bot was down) is skipped
        to its next occurrence. ``max_attempts``: failed sends of one delivery before giving up.
        """

        async def opener() -> Store:
            target = str(path)
            on_disk = target != ":memory:" and not target.startswith("file:")
            if on_disk:
                Path(target).parent.mkdir(parents=True, exist_ok=True)
            return cls(
                await connect(target),
                max_reminders_per_chat=max_reminders_per_chat,
                late_grace=late_grace,
                max_attempts=max_attempts,
                path=Path(target) if on_disk else None,
            )

        return _Opening(opener)

    async def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        async with self._lock:
            await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # --- chats ---------------------------------------------------------------------------

    async def upsert_chat(self, chat_id: int, kind: str, now: datetime | None = None) -> Chat:
        """Remember a chat (or update its kind); time zone and settings are kept."""
        if kind not in CHAT_KINDS:
            raise ValueError(f"unknown chat kind {kind!r}")
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO chats (chat_id, kind, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET kind = excluded.kind",
                (chat_id, kind, ts(now or utc_now())),
            )
            rows = await db.execute_fetchall(SELECT_CHAT, (chat_id,))
        return chat_of(next(iter(rows)))

    async def get_chat(self, chat_id: int) -> Chat | None:
        """The chat's row, or None if unknown."""
        rows = await self._fetchall(SELECT_CHAT, (chat_id,))
        return chat_of(rows[0]) if rows else None

    async def set_timezone(self, chat_id: int, zone_name: str, now: datetime) -> Chat:
        """Change the chat's zone and move its reminders to the new local times, atomically.

        ``zone_name`` is resolved case-insensitively; raises ``UnknownTimezone`` with
        suggestions, or ``UnknownChat``.
        """
        zone = resolve_timezone(zone_name)
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE chats SET timezone = ? WHERE chat_id = ?", (zone.key, chat_id)
            )
            if changed.rowcount == 0:
                raise UnknownChat(chat_id)
            await self._reschedule(db, chat_id, zone, now, enabled_only=True)
            rows = await db.execute_fetchall(SELECT_CHAT, (chat_id,))
        return chat_of(next(iter(rows)))

    async def set_settings(self, chat_id: int, settings: Mapping[str, Any]) -> bool:
        """Replace the chat's settings (a JSON object); False if the chat is unknown."""
        text = json.dumps(dict(settings), separators=(",", ":"), sort_keys=True)
        changed = await self._write(
            "UPDATE chats SET settings = ? WHERE chat_id = ?", (text, chat_id)
        )
        return changed > 0

    async def forget_chat(self, chat_id: int) -> bool:
        """Delete every row about this chat or user, everywhere (cascades); False if unknown.

        The rows are gone from the tables at once, but the write-ahead log (``-wal`` file)
        still holds the pages they were on until a checkpoint; so a forget checkpoints, which
        copies the zeroed pages (``secure_delete``) into the file and empties the log.
        """
        async with self._lock:
            db = await self._attached()
            deleted = (await db.execute("DELETE FROM chats WHERE chat_id = ?", (chat_id,))).rowcount
            if deleted:
                rows = list(await db.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)"))
                if rows and rows[0][0]:  # busy: a reader (e.g. the report tool) holds old pages
                    log.warning(
                        "a forgotten chat's rows stay in the -wal file until the next "
                        "checkpoint (another connection was reading)"
                    )
        return deleted > 0

    async def migrate_chat(self, old_id: int, new_id: int) -> bool:
        """Move everything from ``old_id`` to ``new_id`` (a group upgraded to a supergroup).

        If the new chat already has a row, the old chat's time zone and settings win, since
        they are what the members configured. False if the old chat is unknown.
        """
        async with self._transaction() as db:
            copied = await db.execute(
                "INSERT INTO chats (chat_id, kind, timezone, created_at, settings) "
                "SELECT ?, 'supergroup', timezone, created_at, settings FROM chats "
                "WHERE chat_id = ? "
                "ON CONFLICT (chat_id) DO UPDATE SET kind = excluded.kind, "
                "timezone = excluded.timezone, settings = excluded.settings",
                (new_id, old_id),
            )
            if copied.rowcount == 0:
                return False
            for table in ("reminders", "deliveries", "completions"):
                await db.execute(
                    f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?",  # noqa: S608 (fixed names)
                    (new_id, old_id),
                )
            await db.execute(  # the weekly counts of people add up (the new chat may have some)
                "INSERT INTO group_weeks (chat_id, week, people) "
                "SELECT ?, week, people FROM group_weeks WHERE chat_id = ? "
                "ON CONFLICT (chat_id, week) DO UPDATE SET people = people + excluded.people",
                (new_id, old_id),
            )
            await db.execute("DELETE FROM chats WHERE chat_id = ?", (old_id,))
        return True

    # --- reminders -----------------------------------------------------------------------

    async def add_reminder(
        self, chat_id: int, local_time: time, days: frozenset[int], now: datetime
    ) -> Reminder:
        """Add a reminder, due next at the first matching instant after ``now``.

        Raises ``UnknownChat``, ``TooManyReminders`` (cap per chat) or ``DuplicateReminder``.
        """
        mask = days_to_mask(days)
        hhmm = format_time(local_time)
        async with self._transaction() as db:
            found = list(
                await db.execute_fetchall(
                    "SELECT timezone FROM chats WHERE chat_id = ?", (chat_id,)
                )
            )
            if not found:
                raise UnknownChat(chat_id)
            zone = ZoneInfo(found[0]["timezone"])
            existing = [
                reminder_of(row)
                for row in await db.execute_fetchall(SELECT_CHAT_REMINDERS, (chat_id,))
            ]
            for reminder in existing:
                if format_time(reminder.local_time) == hhmm and reminder.days == mask_to_days(mask):
                    raise DuplicateReminder(reminder)
            if len(existing) >= self.max_reminders_per_chat:
                raise TooManyReminders(self.max_reminders_per_chat)
            due = next_occurrence(parse_hhmm(hhmm), mask_to_days(mask), zone, now)
            cursor = await db.execute(
                "INSERT INTO reminders (chat_id, local_time, days, next_due, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (chat_id, hhmm, mask, ts(due), ts(now)),
            )
            rows = await db.execute_fetchall(SELECT_REMINDER, (cursor.lastrowid,))
        return reminder_of(next(iter(rows)))

    async def list_reminders(self, chat_id: int) -> list[Reminder]:
        """The chat's reminders, earliest time of day first."""
        rows = await self._fetchall(
            SELECT_CHAT_REMINDERS,
            (chat_id,),
        )
        return [reminder_of(row) for row in rows]

    async def get_reminder(self, chat_id: int, reminder_id: int) -> Reminder | None:
        """One of the chat's reminders, or None (also when it belongs to another chat)."""
        rows = await self._fetchall(
            SELECT_REMINDER + " AND chat_id = ?",
            (reminder_id, chat_id),
        )
        return reminder_of(rows[0]) if rows else None

    async def delete_reminder(self, chat_id: int, reminder_id: int) -> bool:
        """Delete one reminder, only if it belongs to this chat."""
        return (
            await self._write(
                "DELETE FROM reminders WHERE id = ? AND chat_id = ?", (reminder_id, chat_id)
            )
            > 0
        )

    async def delete_all_reminders(self, chat_id: int) -> int:
        """Delete all the chat's reminders; returns how many."""
        return await self._write("DELETE FROM reminders WHERE chat_id = ?", (chat_id,))

    async def disable_chat_reminders(self, chat_id: int) -> int:
        """Pause the chat's reminders (kept, not sent) and drop its queued messages."""
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE reminders SET enabled = 0 WHERE chat_id = ? AND enabled = 1", (chat_id,)
            )
            await db.execute("DELETE FROM deliveries WHERE chat_id = ?", (chat_id,))
        return changed.rowcount

    async def mark_gone(self, chat_id: int) -> None:
        """The chat blocked the bot or no longer exists: stop its reminders, drop its queue."""
        await self.disable_chat_reminders(chat_id)

    async def enable_chat_reminders(self, chat_id: int, now: datetime) -> int:
        """Resume the chat's paused reminders from ``now`` on (nothing missed is sent)."""
        async with self._transaction() as db:
            found = list(
                await db.execute_fetchall(
                    "SELECT timezone FROM chats WHERE chat_id = ?", (chat_id,)
                )
            )
            if not found:
                return 0
            return await self._reschedule(
                db, chat_id, ZoneInfo(found[0]["timezone"]), now, enabled_only=False
            )

    async def _reschedule(
        self,
        db: aiosqlite.Connection,
        chat_id: int,
        zone: ZoneInfo,
        now: datetime,
        *,
        enabled_only: bool,
    ) -> int:
        where = "chat_id = ? AND enabled = 1" if enabled_only else "chat_id = ?"
        rows = await db.execute_fetchall(
            f"SELECT id, local_time, days FROM reminders WHERE {where}",  # noqa: S608 (fixed)
            (chat_id,),
        )
        updates = [
            (
                ts(
                    next_occurrence(
                        parse_hhmm(row["local_time"]), mask_to_days(row["days"]), zone, now
                    )
                ),
                row["id"],
            )
            for row in rows
        ]
        await db.executemany("UPDATE reminders SET next_due = ?, enabled = 1 WHERE id = ?", updates)
        return len(updates)
