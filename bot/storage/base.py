"""The store's connection discipline: one connection, one asyncio lock, so exactly one writer
and no transaction interleaved with another coroutine's statements.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import aiosqlite

from bot.storage.access import Access
from bot.storage.file_guard import DatabaseFile
from bot.storage.schema import connect

__all__ = ["Connection", "StoreBase"]


class Connection:
    """The store's connection inside a transaction (or a locked read), as shared code uses it."""

    _CONFLICT: ClassVar[type[Exception]] = sqlite3.IntegrityError
    _FOR_UPDATE: ClassVar[str] = ""  # one connection, one writer: BEGIN IMMEDIATE locks

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.raw = db

    async def fetch(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return list(await self.raw.execute_fetchall(sql, args))

    async def execute(self, sql: str, *args: Any) -> int:
        """Run one statement; the rows it changed."""
        cursor = await self.raw.execute(sql, args)
        return cursor.rowcount


class StoreBase(Access):
    """The connection and the locked ways to use it; the store's parts build on these."""

    _CONFLICT: ClassVar[type[Exception]] = sqlite3.IntegrityError
    _FOR_UPDATE: ClassVar[str] = ""  # one connection, one writer: BEGIN IMMEDIATE locks

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
    async def _transaction(self) -> AsyncIterator[Connection]:
        """BEGIN IMMEDIATE ... COMMIT under the lock: take the write lock up front."""
        async with self._lock:
            await self._attached()
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield Connection(self._db)
            except BaseException:
                await asyncio.shield(self._db.execute("ROLLBACK"))
                raise
            await self._db.execute("COMMIT")

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[Connection]:
        """Reads under the lock: no write of this store comes between them."""
        async with self._lock:
            yield Connection(await self._attached())

    async def _fetch(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        async with self._lock:
            db = await self._attached()
            return list(await db.execute_fetchall(sql, args))

    async def _write(self, sql: str, *args: Any) -> int:
        """One statement, atomic on its own (autocommit); returns the rows changed."""
        async with self._lock:
            db = await self._attached()
            cursor = await db.execute(sql, args)
            return cursor.rowcount
