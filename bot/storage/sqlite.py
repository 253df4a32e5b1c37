"""The SQLite store: the single source of truth for chats, reminders and their delivery outbox.

Everything that must survive a restart lives here, so the bot can be killed at any moment
and come back without losing or repeating a reminder. One aiosqlite connection is shared and
every operation holds one asyncio lock, so there is exactly one writer and a transaction is
never interleaved with another coroutine's statements.

Delivery is *at most once*: claiming a due reminder (recording the delivery and moving the
reminder to its next occurrence) commits, durably (``synchronous=FULL``), before anything is
sent. A crash after the claim leaves the outbox row in state 'sending'; :meth:`Store.recover`
drops such rows on start-up rather than resending, because the message may already have
reached the user and a repeated nudge is worse than one missed stretch. A graceful stop does
better: sends that had not reached Telegram yet go back to the queue (:meth:`Store.requeue`).

Instants are stored as integer unix seconds (UTC); the API speaks aware datetimes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Coroutine, Generator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self
from zoneinfo import ZoneInfo

import aiosqlite

from bot.core.clock import utc_now
from bot.core.records import (
    Chat,
    ClaimBatch,
    Delivery,
    DuplicateReminder,
    Reminder,
    StorageError,
    TooManyReminders,
    Unanswered,
    UnknownChat,
)
from bot.core.reminders.schedule import (
    days_to_mask,
    format_time,
    mask_to_days,
    next_occurrence,
    resolve_timezone,
)
from bot.storage.file_guard import DatabaseFile

__all__ = ["CHAT_KINDS", "MIGRATIONS", "REASONS", "DatabaseTooNew", "Recovery", "Store"]

log = logging.getLogger(__name__)

CHAT_KINDS: Final = frozenset({"private", "group", "supergroup", "channel"})
REASONS: Final = frozenset({"fallback", "not_helpful"})
MAX_UNANSWERED_CHARS: Final = 1000

# Applied in order, each in its own transaction; the schema version is PRAGMA user_version
# (= the number of scripts applied). Never edit a released script: append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE chats (
        chat_id    INTEGER PRIMARY KEY,
        kind       TEXT    NOT NULL CHECK (kind IN ('private', 'group', 'supergroup', 'channel')),
        timezone   TEXT    NOT NULL DEFAULT 'UTC',
        created_at INTEGER NOT NULL,
        settings   TEXT    NOT NULL DEFAULT '{}'
    );
    CREATE TABLE reminders (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id    INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        local_time TEXT    NOT NULL,
        days       INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
        next_due   INTEGER NOT NULL,
        enabled    INTEGER NOT NULL DEFAULT 1,
        sent_count INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX reminders_due ON reminders (next_due) WHERE enabled = 1;
    CREATE INDEX reminders_chat ON reminders (chat_id);
    CREATE TABLE deliveries (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        reminder_id INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
        chat_id     INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        due         INTEGER NOT NULL,
        seq         INTEGER NOT NULL,
        snoozed     INTEGER NOT NULL DEFAULT 0,
        state       TEXT    NOT NULL CHECK (state IN ('pending', 'sending')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        not_before  INTEGER NOT NULL
    );
    CREATE INDEX deliveries_pending ON deliveries (not_before) WHERE state = 'pending';
    CREATE INDEX deliveries_reminder ON deliveries (reminder_id);
    CREATE INDEX deliveries_chat ON deliveries (chat_id);
    CREATE TABLE completions (
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        done_at INTEGER NOT NULL
    );
    CREATE INDEX completions_chat ON completions (chat_id, done_at);
    -- Questions we could not answer, to improve the knowledge base. Deliberately no user or
    -- chat column: the text must not be traceable to a person.
    CREATE TABLE unanswered (
        id         INTEGER PRIMARY KEY,
        text       TEXT    NOT NULL,
        reason     TEXT    NOT NULL CHECK (reason IN ('fallback', 'not_helpful')),
        entry_id   TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX unanswered_created ON unanswered (created_at);
    CREATE TABLE stats (
        name  TEXT    PRIMARY KEY,
        value INTEGER NOT NULL DEFAULT 0
    );
    """,
]


@dataclass(frozen=True, slots=True)
class Recovery:
    """What :meth:`Store.recover` dropped: sends of unknown outcome, and queued ones too late."""

    unconfirmed: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        """Every row dropped."""
        return self.unconfirmed + self.late


class DatabaseTooNew(StorageError):  # noqa: N818 (a domain name reads better)
    """The file was migrated by a newer version of the bot; refusing protects its data."""


def _ts(instant: datetime) -> int:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instants must be aware datetimes")
    return int(instant.timestamp() // 1)


def _dt(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@cache
def _parse_hhmm(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


_SELECT_CHAT = "SELECT chat_id, kind, timezone, created_at, settings FROM chats WHERE chat_id = ?"
_SELECT_REMINDER = (
    "SELECT id, chat_id, local_time, days, next_due, enabled, sent_count, created_at "
    "FROM reminders WHERE id = ?"
)
_SELECT_CHAT_REMINDERS = (
    "SELECT id, chat_id, local_time, days, next_due, enabled, sent_count, created_at "
    "FROM reminders WHERE chat_id = ? ORDER BY local_time, id"
)


def _chat(row: sqlite3.Row) -> Chat:
    settings = json.loads(row["settings"])
    return Chat(
        chat_id=row["chat_id"],
        kind=row["kind"],
        timezone=row["timezone"],
        created_at=_dt(row["created_at"]),
        settings=settings if isinstance(settings, dict) else {},
    )


def _reminder(row: sqlite3.Row) -> Reminder:
    return Reminder(
        id=row["id"],
        chat_id=row["chat_id"],
        local_time=_parse_hhmm(row["local_time"]),
        days=mask_to_days(row["days"]),
        next_due=_dt(row["next_due"]),
        enabled=bool(row["enabled"]),
        sent_count=row["sent_count"],
        created_at=_dt(row["created_at"]),
    )


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


class Store:
    """Async access to the bot's database; create it with ``await Store.open(path)``."""

    def __init__(
        self,
        db: aiosqlite.Connection,
        *,
        max_reminders_per_chat: int,
        late_grace: timedelta,
        max_attempts: int,
        path: Path | None = None,
    ) -> None:
        self._db = db
        self._lock = asyncio.Lock()
        # Notices a database file removed or replaced under the running bot (file_guard.py).
        self._file = None if path is None else DatabaseFile(path, lambda: _connect(str(path)))
        self.max_reminders_per_chat = max_reminders_per_chat
        self.late_grace = late_grace
        self.max_attempts = max_attempts

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
                await _connect(target),
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

    async def _attached(self) -> aiosqlite.Connection:
        """The connection, after checking the file is still the one it opened (under the lock)."""
        if self._file is not None:
            self._db = await self._file.current(self._db)
        return self._db

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT under the lock: take the write lock up front."""
        async with self._lock:
            await self._attached()
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                await asyncio.shield(self._db.execute("ROLLBACK"))
                raise
            await self._db.execute("COMMIT")

    async def _fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self._lock:
            db = await self._attached()
            return list(await db.execute_fetchall(sql, tuple(params)))

    async def _write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement, atomic on its own (autocommit); returns the rows changed."""
        async with self._lock:
            db = await self._attached()
            cursor = await db.execute(sql, tuple(params))
            return cursor.rowcount

    # --- chats ---------------------------------------------------------------------------

    async def upsert_chat(self, chat_id: int, kind: str, now: datetime | None = None) -> Chat:
        """Remember a chat (or update its kind); time zone and settings are kept."""
        if kind not in CHAT_KINDS:
            raise ValueError(f"unknown chat kind {kind!r}")
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO chats (chat_id, kind, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET kind = excluded.kind",
                (chat_id, kind, _ts(now or utc_now())),
            )
            rows = await db.execute_fetchall(_SELECT_CHAT, (chat_id,))
        return _chat(next(iter(rows)))

    async def get_chat(self, chat_id: int) -> Chat | None:
        """The chat's row, or None if unknown."""
        rows = await self._fetchall(_SELECT_CHAT, (chat_id,))
        return _chat(rows[0]) if rows else None

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
            rows = await db.execute_fetchall(_SELECT_CHAT, (chat_id,))
        return _chat(next(iter(rows)))

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
                _reminder(row)
                for row in await db.execute_fetchall(_SELECT_CHAT_REMINDERS, (chat_id,))
            ]
            for reminder in existing:
                if format_time(reminder.local_time) == hhmm and reminder.days == mask_to_days(mask):
                    raise DuplicateReminder(reminder)
            if len(existing) >= self.max_reminders_per_chat:
                raise TooManyReminders(self.max_reminders_per_chat)
            due = next_occurrence(_parse_hhmm(hhmm), mask_to_days(mask), zone, now)
            cursor = await db.execute(
                "INSERT INTO reminders (chat_id, local_time, days, next_due, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (chat_id, hhmm, mask, _ts(due), _ts(now)),
            )
            rows = await db.execute_fetchall(_SELECT_REMINDER, (cursor.lastrowid,))
        return _reminder(next(iter(rows)))

    async def list_reminders(self, chat_id: int) -> list[Reminder]:
        """The chat's reminders, earliest time of day first."""
        rows = await self._fetchall(
            _SELECT_CHAT_REMINDERS,
            (chat_id,),
        )
        return [_reminder(row) for row in rows]

    async def get_reminder(self, chat_id: int, reminder_id: int) -> Reminder | None:
        """One of the chat's reminders, or None (also when it belongs to another chat)."""
        rows = await self._fetchall(
            _SELECT_REMINDER + " AND chat_id = ?",
            (reminder_id, chat_id),
        )
        return _reminder(rows[0]) if rows else None

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
                _ts(
                    next_occurrence(
                        _parse_hhmm(row["local_time"]), mask_to_days(row["days"]), zone, now
                    )
                ),
                row["id"],
            )
            for row in rows
        ]
        await db.executemany("UPDATE reminders SET next_due = ?, enabled = 1 WHERE id = ?", updates)
        return len(updates)

    # --- delivery ------------------------------------------------------------------------

    async def claim_due(self, now: datetime, limit: int = 100) -> ClaimBatch:
        """Claim what is due at ``now``, in one transaction, before anything is sent.

        Retries and snoozes whose ``not_before`` has come go first; then enabled reminders
        with ``next_due <= now`` (via the partial index), oldest first. A reminder due within
        ``late_grace`` gets an outbox row in state 'sending' and moves to its next occurrence;
        one later than that (the bot was down) is skipped to its next occurrence after
        ``now``. Stale queued retries and snoozes are dropped the same way.
        """
        now_s = _ts(now)
        grace = int(self.late_grace.total_seconds())
        batch = ClaimBatch()
        async with self._transaction() as db:
            pending = await db.execute_fetchall(
                "SELECT d.id, d.reminder_id, d.chat_id, d.due, d.seq, d.attempts, "
                "r.local_time, d.snoozed, d.not_before, c.kind "
                "FROM deliveries d JOIN reminders r ON r.id = d.reminder_id "
                "JOIN chats c ON c.chat_id = d.chat_id "
                "WHERE d.state = 'pending' AND d.not_before <= ? ORDER BY d.not_before LIMIT ?",
                (now_s, limit),
            )
            claimed: list[tuple[int]] = []
            stale: list[tuple[int]] = []
            for row in pending:
                if now_s - row["not_before"] > grace:
                    stale.append((row["id"],))
                    continue
                claimed.append((row["id"],))
                batch.append(
                    Delivery(
                        id=row["id"],
                        reminder_id=row["reminder_id"],
                        chat_id=row["chat_id"],
                        due=_dt(row["due"]),
                        seq=row["seq"],
                        attempts=row["attempts"],
                        local_time=_parse_hhmm(row["local_time"]),
                        snoozed=bool(row["snoozed"]),
                        chat_kind=row["kind"],
                    )
                )
            await db.executemany("DELETE FROM deliveries WHERE id = ?", stale)
            await db.executemany("UPDATE deliveries SET state = 'sending' WHERE id = ?", claimed)
            batch.skipped += len(stale)

            remaining = limit - len(claimed) - len(stale)
            if remaining <= 0:
                return batch
            due_rows = list(
                await db.execute_fetchall(
                    "SELECT r.id, r.chat_id, r.local_time, r.days, r.next_due, r.sent_count, "
                    "c.timezone, c.kind FROM reminders r JOIN chats c ON c.chat_id = r.chat_id "
                    "WHERE r.enabled = 1 AND r.next_due <= ? ORDER BY r.next_due LIMIT ?",
                    (now_s, remaining),
                )
            )
            if not due_rows:
                return batch
            inserts: list[tuple[int, int, int, int, int]] = []
            advances: list[tuple[int, int, int]] = []
            claimed_rows: dict[int, tuple[sqlite3.Row, time]] = {}
            for row in due_rows:
                local_time = _parse_hhmm(row["local_time"])
                days, zone = mask_to_days(row["days"]), ZoneInfo(row["timezone"])
                due_s = row["next_due"]
                if now_s - due_s > grace:
                    upcoming = next_occurrence(local_time, days, zone, now)
                    advances.append((_ts(upcoming), 0, row["id"]))
                    batch.skipped += 1
                    continue
                upcoming = next_occurrence(local_time, days, zone, max(now, _dt(due_s)))
                advances.append((_ts(upcoming), 1, row["id"]))
                inserts.append((row["id"], row["chat_id"], due_s, row["sent_count"], now_s))
                claimed_rows[row["id"]] = (row, local_time)
            if inserts:
                # One multi-row INSERT ... RETURNING: the database assigns the ids (one round
                # trip for the whole batch); a claim holds at most one delivery per reminder,
                # so reminder_id maps each new id back to its reminder.
                values = ", ".join(["(?, ?, ?, ?, 'sending', ?)"] * len(inserts))
                created = await db.execute_fetchall(
                    "INSERT INTO deliveries (reminder_id, chat_id, due, seq, state, not_before) "  # noqa: S608 (placeholders only)
                    f"VALUES {values} RETURNING id, reminder_id",
                    [value for insert in inserts for value in insert],
                )
                for new in created:
                    row, local_time = claimed_rows[new["reminder_id"]]
                    batch.append(
                        Delivery(
                            id=new["id"],
                            reminder_id=row["id"],
                            chat_id=row["chat_id"],
                            due=_dt(row["next_due"]),
                            seq=row["sent_count"],
                            attempts=0,
                            local_time=local_time,
                            snoozed=False,
                            chat_kind=row["kind"],
                        )
                    )
            await db.executemany(
                "UPDATE reminders SET next_due = ?, sent_count = sent_count + ? WHERE id = ?",
                advances,
            )
        return batch

    async def next_wakeup(self) -> datetime | None:
        """The earliest instant anything becomes due (both indexes answer it at once)."""
        rows = await self._fetchall(
            "SELECT min(t) AS t FROM ("
            "SELECT min(next_due) AS t FROM reminders WHERE enabled = 1 UNION ALL "
            "SELECT min(not_before) FROM deliveries WHERE state = 'pending')"
        )
        value = rows[0]["t"]
        return None if value is None else _dt(int(value))

    async def mark_sent(self, delivery_id: int) -> None:
        """The message went out: drop its outbox row."""
        await self._write("DELETE FROM deliveries WHERE id = ?", (delivery_id,))

    async def mark_sent_many(self, delivery_ids: Iterable[int]) -> None:
        """:meth:`mark_sent` for many in one transaction (the dispatcher batches these)."""
        ids = [(delivery_id,) for delivery_id in delivery_ids]
        if ids:
            async with self._transaction() as db:
                await db.executemany("DELETE FROM deliveries WHERE id = ?", ids)

    async def mark_retry(self, delivery_id: int, not_before: datetime) -> bool:
        """Sending failed: queue the delivery again from ``not_before``.

        Returns False when it was given up instead (``max_attempts`` reached) or is gone.
        """
        async with self._transaction() as db:
            requeued = await db.execute(
                "UPDATE deliveries SET state = 'pending', attempts = attempts + 1, "
                "not_before = ? WHERE id = ? AND attempts + 1 < ?",
                (_ts(not_before), delivery_id, self.max_attempts),
            )
            if requeued.rowcount:
                return True
            await db.execute("DELETE FROM deliveries WHERE id = ?", (delivery_id,))
            return False

    async def mark_gone(self, chat_id: int) -> None:
        """The chat blocked the bot or no longer exists: stop its reminders, drop its queue."""
        await self.disable_chat_reminders(chat_id)

    async def requeue(self, delivery_ids: Iterable[int], not_before: datetime) -> int:
        """Put claimed deliveries back in the queue, unsent and with no attempt counted.

        For sends that were interrupted before anything reached Telegram (a graceful stop):
        the next start sends them. Returns how many were still claimed and went back.
        """
        rows = [(_ts(not_before), delivery_id) for delivery_id in delivery_ids]
        if not rows:
            return 0
        async with self._transaction() as db:
            before = db.total_changes
            await db.executemany(
                "UPDATE deliveries SET state = 'pending', not_before = ? "
                "WHERE id = ? AND state = 'sending'",
                rows,
            )
            return db.total_changes - before

    async def recover(self, now: datetime) -> Recovery:
        """Start-up clean-up after the last run; says what it dropped and why.

        Outbox rows still 'sending' were claimed and then maybe, or maybe not, delivered (a
        crash, or a send on the wire when the bot stopped): they are dropped, never resent (at
        most once). Queued rows more than ``late_grace`` past their time are dropped too, like
        reminders missed while the bot was down.
        """
        async with self._transaction() as db:
            unconfirmed = await db.execute("DELETE FROM deliveries WHERE state = 'sending'")
            late = await db.execute(
                "DELETE FROM deliveries WHERE state = 'pending' AND not_before < ?",
                (_ts(now - self.late_grace),),
            )
        return Recovery(unconfirmed=unconfirmed.rowcount, late=late.rowcount)

    async def snooze(
        self, chat_id: int, reminder_id: int, until: datetime, seq: int | None = None
    ) -> bool:
        """Send this reminder again at ``until``; pressing snooze twice moves it, never doubles.

        ``seq`` is the rotation index to repeat (default: the latest one sent). False if the
        reminder is not this chat's.
        """
        async with self._transaction() as db:
            found = list(
                await db.execute_fetchall(
                    "SELECT sent_count FROM reminders WHERE id = ? AND chat_id = ?",
                    (reminder_id, chat_id),
                )
            )
            if not found:
                return False
            until_s = _ts(until)
            moved = await db.execute(
                "UPDATE deliveries SET not_before = ?, due = ? "
                "WHERE reminder_id = ? AND snoozed = 1 AND state = 'pending'",
                (until_s, until_s, reminder_id),
            )
            if moved.rowcount == 0:
                await db.execute(
                    "INSERT INTO deliveries "
                    "(reminder_id, chat_id, due, seq, snoozed, state, not_before) "
                    "VALUES (?, ?, ?, ?, 1, 'pending', ?)",
                    (
                        reminder_id,
                        chat_id,
                        until_s,
                        max(found[0]["sent_count"] - 1, 0) if seq is None else seq,
                        until_s,
                    ),
                )
        return True

    # --- completions, unanswered questions, counters -------------------------------------

    async def record_done(self, chat_id: int, now: datetime) -> bool:
        """Count a "Done" press; False if the chat is unknown (e.g. forgotten meanwhile)."""
        try:
            await self._write(
                "INSERT INTO completions (chat_id, done_at) VALUES (?, ?)", (chat_id, _ts(now))
            )
        except sqlite3.IntegrityError:
            return False
        return True

    async def count_done_since(self, chat_id: int, since: datetime) -> int:
        """How many "Done" presses since ``since`` (e.g. the last seven days)."""
        rows = await self._fetchall(
            "SELECT count(*) AS n FROM completions WHERE chat_id = ? AND done_at >= ?",
            (chat_id, _ts(since)),
        )
        return int(rows[0]["n"])

    async def record_unanswered(
        self, text: str, reason: str, entry_id: str | None, now: datetime
    ) -> None:
        """Keep a question we could not answer well (no user, no chat; text trimmed)."""
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        await self._write(
            "INSERT INTO unanswered (text, reason, entry_id, created_at) VALUES (?, ?, ?, ?)",
            (text.strip()[:MAX_UNANSWERED_CHARS], reason, entry_id, _ts(now)),
        )

    async def unanswered_since(self, since: datetime, limit: int = 1000) -> list[Unanswered]:
        """Unanswered questions recorded at or after ``since``, oldest first."""
        rows = await self._fetchall(
            "SELECT id, text, reason, entry_id, created_at FROM unanswered "
            "WHERE created_at >= ? ORDER BY created_at, id LIMIT ?",
            (_ts(since), limit),
        )
        return [
            Unanswered(
                id=row["id"],
                text=row["text"],
                reason=row["reason"],
                entry_id=row["entry_id"],
                created_at=_dt(row["created_at"]),
            )
            for row in rows
        ]

    async def purge_unanswered(self, older_than: datetime) -> int:
        """Delete unanswered questions recorded before ``older_than``; returns how many."""
        return await self._write("DELETE FROM unanswered WHERE created_at < ?", (_ts(older_than),))

    async def increment_stat(self, name: str, by: int = 1) -> None:
        """Add to a named counter (e.g. "answered", "unanswered", "helpful")."""
        await self._write(
            "INSERT INTO stats (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
            (name, by),
        )

    async def stats(self) -> dict[str, int]:
        """Aggregate figures only: chats by kind, enabled reminders, and every counter."""
        async with self._lock:
            await self._attached()
            counts = list(
                await self._db.execute_fetchall(
                    "SELECT "
                    "(SELECT count(*) FROM chats WHERE kind = 'private') AS private_chats, "
                    "(SELECT count(*) FROM chats WHERE kind IN ('group', 'supergroup')) AS groups, "
                    "(SELECT count(*) FROM reminders WHERE enabled = 1) AS enabled_reminders"
                )
            )
            counters = await self._db.execute_fetchall("SELECT name, value FROM stats")
        result = {"answered": 0, "unanswered": 0}
        result.update({str(row["name"]): int(row["value"]) for row in counters})
        for key in ("private_chats", "groups", "enabled_reminders"):
            result[key] = int(counts[0][key])
        return result


async def _connect(target: str) -> aiosqlite.Connection:
    """One connection with the bot's pragmas, its schema migrated to the current version."""
    connection = aiosqlite.connect(target, isolation_level=None)
    try:
        db = await connection
    except BaseException:
        # aiosqlite stops its worker thread after a failed connect but awaits nothing; wait
        # for it, or it may report to an event loop closed meanwhile (a traceback after the
        # plain start-up error line).
        await asyncio.to_thread(connection._thread.join, 5)
        raise
    db.row_factory = sqlite3.Row  # columns by name, never by position
    try:
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 5000",
            "PRAGMA secure_delete = ON",
        ):
            await db.execute(pragma)
        await _migrate(db, MIGRATIONS)
    except BaseException:
        await db.close()
        raise
    return db


async def _migrate(db: aiosqlite.Connection, migrations: list[str]) -> None:
    """Bring the schema to ``len(migrations)``, one transaction per script."""
    rows = list(await db.execute_fetchall("PRAGMA user_version"))
    version = int(rows[0]["user_version"])
    if version > len(migrations):
        raise DatabaseTooNew(
            f"database schema version {version} is newer than this bot ({len(migrations)})"
        )
    for number, script in enumerate(migrations[version:], start=version + 1):
        # executescript would COMMIT an open transaction first, so BEGIN/COMMIT go inside it.
        try:
            await db.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        except BaseException:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise
