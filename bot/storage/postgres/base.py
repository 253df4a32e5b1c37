"""The PostgreSQL store's connection discipline: a pool, one connection per operation, and
transactions on one connection; the statements, most shared with the SQLite store
(``bot.storage.access``), are written with ``?`` and numbered here.

Unlike SQLite there is no process-wide lock: concurrent writers (other coroutines, other
replicas) are PostgreSQL's business, with row locks where a read decides a write.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import asyncpg

from bot.storage.access import Access
from bot.storage.postgres.dialect import numbered, rowcount

__all__ = ["Connection", "PgBase", "replica_name"]

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    # A connection, or one taken from the pool (asyncpg hands out a proxy of it).
    Pooled: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]

REPLICA_PREFIX = "backcare:"


def replica_name() -> str:
    """This process's name on the server (``application_name``): how recovery tells live bots."""
    return REPLICA_PREFIX + secrets.token_hex(8)


class Connection:
    """One pooled connection inside a transaction, spoken to with ``?`` placeholders."""

    def __init__(self, conn: Pooled) -> None:
        self.raw = conn

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        return list(await self.raw.fetch(numbered(sql), *args))

    async def fetchval(self, sql: str, *args: Any) -> Any:
        return await self.raw.fetchval(numbered(sql), *args)

    async def execute(self, sql: str, *args: Any) -> int:
        """Run one statement; the rows it changed."""
        return rowcount(await self.raw.execute(numbered(sql), *args))


class PgBase(Access):
    """The pool and the ways to use it; the PostgreSQL store's parts build on these."""

    _CONFLICT: ClassVar[type[Exception]] = asyncpg.IntegrityConstraintViolationError
    _FOR_UPDATE: ClassVar[str] = " FOR UPDATE"  # replicas: lock the rows a read decides on

    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        replica: str,
        max_reminders_per_chat: int,
        late_grace: timedelta,
        max_attempts: int,
    ) -> None:
        self._pool = pool
        self.replica = replica
        self.max_reminders_per_chat = max_reminders_per_chat
        self.late_grace = late_grace
        self.max_attempts = max_attempts

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Connection]:
        """BEGIN ... COMMIT on one connection (ROLLBACK when the block raises)."""
        async with self._pool.acquire() as conn, conn.transaction():
            yield Connection(conn)

    def _reading(self) -> AbstractAsyncContextManager[Connection]:
        """Several reads in one transaction."""
        return self._transaction()

    async def _fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        return list(await self._pool.fetch(numbered(sql), *args))

    async def _write(self, sql: str, *args: Any) -> int:
        """One statement, atomic on its own; returns the rows changed."""
        return rowcount(await self._pool.execute(numbered(sql), *args))
