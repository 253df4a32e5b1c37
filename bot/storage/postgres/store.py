"""The PostgreSQL store: the same interface and schema as the SQLite one, for many replicas.

Chosen with ``DATABASE_URL=postgresql://...``. Each operation takes a pooled connection; where a
read decides a write (the reminder cap, a snooze, a claim) the rows are locked first, so two
replicas doing the same at the same moment cannot both act. Instants are unix seconds in BIGINT
columns, exactly as in SQLite, so a SQLite database copies over unchanged
(``python -m bot migrate-to-postgres``).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.storage.access import Session
from bot.storage.chats import Chats
from bot.storage.postgres.base import replica_name
from bot.storage.postgres.outbox import PgOutbox
from bot.storage.postgres.schema import migrate
from bot.storage.records import Records
from bot.storage.schema import MIGRATIONS

__all__ = ["PostgresStore", "redact_url"]


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***``, safe for logs and error messages."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        user = parts.username or ""
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    except ValueError:
        return "the DATABASE_URL"


class PostgresStore(PgOutbox, Chats, Records):
    """Async access to the bot's PostgreSQL database; ``await PostgresStore.open(url)``."""

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        max_reminders_per_chat: int = 10,
        late_grace: timedelta = timedelta(hours=1),
        max_attempts: int = 8,
        pool_size: int = 10,
        connect_timeout: float = 10.0,
    ) -> PostgresStore:
        """Connect (a pool of up to ``pool_size``), migrate the schema, return the store."""
        replica = replica_name()
        pool = await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=pool_size,
            timeout=connect_timeout,
            # Idle connections are kept: the replica's name on the server says it is alive.
            max_inactive_connection_lifetime=0,
            server_settings={"application_name": replica},
        )
        try:
            async with pool.acquire() as conn:
                await migrate(conn, MIGRATIONS)
        except BaseException:
            await pool.close()
            raise
        return cls(
            pool,
            replica=replica,
            max_reminders_per_chat=max_reminders_per_chat,
            late_grace=late_grace,
            max_attempts=max_attempts,
        )

    @property
    def pool(self) -> asyncpg.Pool:
        """The connection pool (the shared state of replicas uses it too)."""
        return self._pool

    async def close(self) -> None:
        """Close every connection; the store cannot be used afterwards."""
        await self._pool.close()

    # --- chats: the rest is shared (``bot.storage.chats``) ------------------------------

    async def forget_chat(self, chat_id: int) -> bool:
        """Delete every row about this chat or user, everywhere (cascades); False if unknown.

        The shared conversation context and group guards of the chat go too.
        """
        async with self._transaction() as db:
            deleted = await db.execute("DELETE FROM chats WHERE chat_id = ?", chat_id)
            await db.execute(
                "DELETE FROM shared_conversations WHERE starts_with(key, ?)", f"{chat_id}:"
            )
            await db.execute("DELETE FROM shared_group_sends WHERE chat_id = ?", chat_id)
            await db.execute("DELETE FROM shared_group_questions WHERE chat_id = ?", chat_id)
        return deleted > 0

    async def _set_next_dues(self, db: Session, ids: list[int], next_dues: list[int]) -> None:
        """One statement for all: the ids and due times as arrays."""
        await db.execute(
            "UPDATE reminders AS r SET next_due = u.next_due, enabled = 1 "
            "FROM unnest(?::bigint[], ?::bigint[]) AS u (id, next_due) WHERE r.id = u.id",
            ids,
            next_dues,
        )
