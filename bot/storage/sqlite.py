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
migrations (``schema``), and the parts the PostgreSQL store shares, each statement written once
(``access`` says how): row mapping (``rows``), chats and reminders (``chats``), the delivery
outbox (``outbox``) and counters, unanswered questions and guided sessions (``records``). What
is SQLite's own is here: opening, forgetting a chat (a WAL checkpoint) and the batch writes of
a claim (``executemany`` under the one writer's lock).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Generator, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.core.records import Delivery
from bot.storage.access import Session
from bot.storage.base import StoreBase
from bot.storage.chats import CHAT_KINDS, Chats
from bot.storage.outbox import LATE_QUEUED, Outbox, Plan, Recovery
from bot.storage.records import MAX_UNANSWERED_CHARS, REASONS, Records
from bot.storage.rows import ts
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


class Store(StoreBase, Outbox, Chats, Records):
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

    # --- chats: the rest is shared (``bot.storage.chats``) ------------------------------

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

    async def _set_next_dues(self, db: Session, ids: list[int], next_dues: list[int]) -> None:
        """One ``executemany`` on the store's connection (the one ``db`` holds)."""
        await self._db.executemany(
            "UPDATE reminders SET next_due = ?, enabled = 1 WHERE id = ?",
            zip(next_dues, ids, strict=True),
        )

    # --- the outbox: the rest is shared (``bot.storage.outbox``); a claim's writes are batched
    # with ``executemany`` on the one connection, under the one writer's lock ------------------

    async def _take_queued(self, db: Session, claimed: list[int], stale: list[int]) -> None:
        await self._db.executemany("DELETE FROM deliveries WHERE id = ?", [(i,) for i in stale])
        await self._db.executemany(
            "UPDATE deliveries SET state = 'sending' WHERE id = ?", [(i,) for i in claimed]
        )

    async def _insert_claims(
        self, db: Session, claims: list[Delivery], now_s: int
    ) -> list[Delivery]:
        """One multi-row INSERT ... RETURNING: the database assigns the ids (one round trip for
        the whole batch); a claim holds at most one delivery per reminder, so reminder_id maps
        each new id back to its claim."""
        values = ", ".join(["(?, ?, ?, ?, 'sending', ?)"] * len(claims))
        created = await db.fetch(
            "INSERT INTO deliveries (reminder_id, chat_id, due, seq, state, not_before) "  # noqa: S608 (placeholders only)
            f"VALUES {values} RETURNING id, reminder_id",
            *[
                value
                for claim in claims
                for value in (claim.reminder_id, claim.chat_id, ts(claim.due), claim.seq, now_s)
            ],
        )
        by_reminder = {claim.reminder_id: claim for claim in claims}
        return [replace(by_reminder[new["reminder_id"]], id=new["id"]) for new in created]

    async def _advance(self, db: Session, plans: list[Plan]) -> None:
        await self._db.executemany(
            "UPDATE reminders SET next_due = ?, sent_count = sent_count + ? WHERE id = ?",
            [(next_due, int(claim is not None), row_id) for row_id, next_due, claim in plans],
        )

    async def mark_sent_many(self, delivery_ids: Iterable[int]) -> None:
        """``mark_sent`` for many in one transaction (the dispatcher batches these)."""
        ids = [(delivery_id,) for delivery_id in delivery_ids]
        if ids:
            async with self._transaction():
                await self._db.executemany("DELETE FROM deliveries WHERE id = ?", ids)

    async def requeue(self, delivery_ids: Iterable[int], not_before: datetime) -> int:
        """Put claimed deliveries back in the queue, unsent and with no attempt counted.

        For sends that were interrupted before anything reached Telegram (a graceful stop):
        the next start sends them. Returns how many were still claimed and went back.
        """
        rows = [(ts(not_before), delivery_id) for delivery_id in delivery_ids]
        if not rows:
            return 0
        async with self._transaction():
            before = self._db.total_changes
            await self._db.executemany(
                "UPDATE deliveries SET state = 'pending', not_before = ? "
                "WHERE id = ? AND state = 'sending'",
                rows,
            )
            return self._db.total_changes - before

    async def recover(self, now: datetime) -> Recovery:
        """Start-up clean-up after the last run; says what it dropped and why.

        Outbox rows still 'sending' were claimed and then maybe, or maybe not, delivered (a
        crash, or a send on the wire when the bot stopped): they are dropped, never resent (at
        most once). Queued rows more than ``late_grace`` past their time are dropped too, like
        reminders missed while the bot was down.
        """
        async with self._transaction() as db:
            unconfirmed = await db.execute("DELETE FROM deliveries WHERE state = 'sending'")
            late = await db.execute(LATE_QUEUED, ts(now - self.late_grace))
        return Recovery(unconfirmed=unconfirmed, late=late)
