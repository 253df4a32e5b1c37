"""What a backend's connection discipline gives the statements both backends share.

Every statement is written once, with ``?`` placeholders, in the SQL both SQLite and PostgreSQL
understand (``CAST(? AS BIGINT)`` where a bare parameter needs a type, ``table.column`` in an
upsert's ``DO UPDATE``); the PostgreSQL side numbers the placeholders (``postgres.dialect``).
What really differs per backend stays in the backend: how a transaction is held, how rows are
locked (``FOR UPDATE`` on PostgreSQL; SQLite has a single writer), which exception a broken
constraint raises, and how a batch is written.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any, ClassVar, Protocol, Self

from bot.storage.rows import Row

__all__ = ["Access", "Session"]


class Session(Protocol):
    """One connection inside a transaction (or a consistent read), spoken to with ``?``."""

    async def fetch(self, sql: str, *args: Any) -> Sequence[Row]:
        """The rows a statement returns."""
        ...

    async def execute(self, sql: str, *args: Any) -> int:
        """Run one statement; the rows it changed."""
        ...


class Access(ABC):
    """The ways to reach the database that the shared parts of a store use."""

    # The exception a broken constraint raises (a chat forgotten meanwhile, a duplicate).
    _CONFLICT: ClassVar[type[Exception]]
    # Appended to a read that decides a write: "" on SQLite (one writer holds the lock).
    _FOR_UPDATE: ClassVar[str]

    @abstractmethod
    async def close(self) -> None:
        """Release the connection(s); the store cannot be used afterwards."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @abstractmethod
    def _transaction(self) -> AbstractAsyncContextManager[Session]:
        """BEGIN ... COMMIT (ROLLBACK when the block raises)."""

    @abstractmethod
    def _reading(self) -> AbstractAsyncContextManager[Session]:
        """Several reads that see one state of the database."""

    @abstractmethod
    async def _fetch(self, sql: str, *args: Any) -> Sequence[Row]:
        """The rows of one statement, atomic on its own."""

    @abstractmethod
    async def _write(self, sql: str, *args: Any) -> int:
        """One statement, atomic on its own; returns the rows changed."""
