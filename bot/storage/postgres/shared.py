"""State replicas must agree on for minutes, kept in PostgreSQL: conversation context and the
group guards (duplicate window, message budget).

Both implement core interfaces (``ContextStore``, ``GroupGuards``) and live in UNLOGGED tables
(``dialect.SHARED_STATE``). A group's guard check runs in one transaction holding an advisory
lock on the group, so two replicas answering the same group at the same moment see each other's
sends: the budget and the duplicate window hold across replicas exactly as in one process.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg

from bot.core.answering.context import LIFETIME, Conversation
from bot.core.groups.guards import Admission
from bot.core.groups.policy import (
    BUDGET_PER_MINUTE,
    DUPLICATE_WINDOW,
    NEAR_IDENTICAL,
    URGENT_RESERVE,
    repeats,
)

__all__ = ["PgContextStore", "PgGroupGuards"]

GUARD_LOCKS = 0x67726F75  # "grou": the advisory lock class of the group guards
SWEEP = 64  # expired rows deleted per write, so the tables never grow unbounded


class PgContextStore:
    """A ``ContextStore`` every replica shares: a follow-up may reach any of them."""

    def __init__(
        self, pool: asyncpg.Pool, clock: Callable[[], datetime], lifetime: timedelta = LIFETIME
    ) -> None:
        self._pool = pool
        self._clock = clock
        self._lifetime = lifetime.total_seconds()

    async def get(self, key: str) -> Conversation | None:
        """The conversation under ``key`` if it has not expired."""
        row = await self._pool.fetchrow(
            "SELECT topic, options, detail, turns, earlier FROM shared_conversations "
            "WHERE key = $1 AND expires > $2",
            key,
            self._clock().timestamp(),
        )
        if row is None:
            return None
        return Conversation(
            row["topic"], tuple(row["options"]), row["detail"], row["turns"], tuple(row["earlier"])
        )

    async def put(self, key: str, conversation: Conversation | None) -> None:
        """Keep (or, with None, drop) a conversation; a few expired ones go in the same step."""
        now = self._clock().timestamp()
        if conversation is None:
            await self._pool.execute("DELETE FROM shared_conversations WHERE key = $1", key)
            return
        await self._pool.execute(
            "WITH swept AS (DELETE FROM shared_conversations WHERE key IN ("
            "SELECT key FROM shared_conversations WHERE expires <= $2 AND key <> $1 LIMIT $7)) "
            "INSERT INTO shared_conversations (key, expires, topic, options, detail, turns, "
            "earlier) VALUES ($1, $3, $4, $5, $6, $8, $9) ON CONFLICT (key) DO UPDATE SET "
            "expires = excluded.expires, topic = excluded.topic, options = excluded.options, "
            "detail = excluded.detail, turns = excluded.turns, earlier = excluded.earlier",
            key,
            now,
            now + self._lifetime,
            conversation.topic,
            list(conversation.options),
            conversation.detail,
            SWEEP,
            conversation.turns,
            list(conversation.earlier),
        )

    async def forget(self, prefix: str) -> None:
        """Drop every conversation under keys starting with ``prefix``."""
        await self._pool.execute(
            "DELETE FROM shared_conversations WHERE starts_with(key, $1)", prefix
        )


class PgGroupGuards:
    """``GroupGuards`` in the database: every replica counts every send to a group."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        limit: int = BUDGET_PER_MINUTE,
        window: timedelta = timedelta(minutes=1),
        reserve: int = URGENT_RESERVE,
        duplicate_window: timedelta = DUPLICATE_WINDOW,
        similarity: float = NEAR_IDENTICAL,
    ) -> None:
        if limit < 1 or not 0 <= reserve < limit:
            raise ValueError("need limit >= 1 and 0 <= reserve < limit")
        self._pool = pool
        self.limit = limit
        self.window = window
        self.reserve = reserve
        self.duplicate_window = duplicate_window
        self.similarity = similarity

    async def is_repeat(self, chat_id: int, key: str, now: datetime) -> bool:
        """Whether ``key`` was answered in the group within the window."""
        rows = await self._pool.fetch(
            "SELECT key, at FROM shared_group_questions WHERE chat_id = $1 AND at > $2",
            chat_id,
            (now - self.duplicate_window).timestamp(),
        )
        return repeats(
            key,
            ((row["key"], datetime.fromtimestamp(row["at"], UTC)) for row in rows),
            now,
            self.duplicate_window,
            self.similarity,
        )

    async def admit(
        self, chat_id: int, key: str | None, now: datetime, cost: int, *, urgent: bool = False
    ) -> Admission:
        """See ``GroupGuards.admit``: decided and counted under the group's advisory lock."""
        at = now.timestamp()
        cap = self.limit if urgent else self.limit - self.reserve
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "SELECT pg_advisory_xact_lock($1, hashint8($2))", GUARD_LOCKS, chat_id
            )
            rows = await conn.fetch(
                "SELECT NULL AS key, at, cost FROM shared_group_sends "
                "WHERE chat_id = $1 AND at > $2 UNION ALL "
                "SELECT key, at, 0 FROM shared_group_questions WHERE chat_id = $1 AND at > $3",
                chat_id,
                at - self.window.total_seconds(),
                at - self.duplicate_window.total_seconds(),
            )
            seen = [
                (row["key"], datetime.fromtimestamp(row["at"], UTC))
                for row in rows
                if row["key"] is not None
            ]
            if key is not None and repeats(key, seen, now, self.duplicate_window, self.similarity):
                return Admission.REPEAT
            used = sum(row["cost"] for row in rows if row["key"] is None)
            if used + cost > cap:
                return Admission.BUSY
            await conn.execute(
                "WITH old_sends AS ("
                "DELETE FROM shared_group_sends WHERE chat_id = $1 AND at <= $3),"
                " old_keys AS (DELETE FROM shared_group_questions WHERE chat_id = $1 AND at <= $4),"
                " sent AS (INSERT INTO shared_group_sends (chat_id, at, cost) VALUES ($1, $2, $5))"
                " INSERT INTO shared_group_questions (chat_id, key, at) "
                "SELECT $1, $6::text, $2 WHERE $6::text IS NOT NULL",
                chat_id,
                at,
                at - self.window.total_seconds(),
                at - self.duplicate_window.total_seconds(),
                cost,
                key,
            )
        return Admission.SEND

    async def migrate(self, old_id: int, new_id: int) -> None:
        """Move the group's counts to its new id."""
        async with self._pool.acquire() as conn, conn.transaction():
            for table in ("shared_group_sends", "shared_group_questions"):
                await conn.execute(
                    f"UPDATE {table} SET chat_id = $1 WHERE chat_id = $2",  # noqa: S608 (fixed)
                    new_id,
                    old_id,
                )

    async def forget(self, chat_id: int) -> None:
        """Drop the group's counts."""
        async with self._pool.acquire() as conn, conn.transaction():
            for table in ("shared_group_sends", "shared_group_questions"):
                await conn.execute(
                    f"DELETE FROM {table} WHERE chat_id = $1",  # noqa: S608 (fixed names)
                    chat_id,
                )
