"""The store's connection discipline: one connection, one asyncio lock, so exactly one writer
and no transaction interleaved with another coroutine's statements.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.file_guard import DatabaseFile
from bot.storage.schema import connect

__all__ = ["StoreBase"]


class StoreBase:
    """The connection and the locked ways to use it; the store's parts build on these."""

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
        self._file = None if path is None else DatabaseFile(path, lambda: connect(str(path)))
        self.max_reminders_per_chat = max_reminders_per_chat
        self.late_grace = late_grace
        self.max_attempts = max_attempts

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
