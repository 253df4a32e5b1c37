"""Which backend to open: SQLite at ``DATABASE_PATH`` (the default, one process), or PostgreSQL
when ``DATABASE_URL`` is set (any number of replicas); and the shared state that goes with it.

With SQLite the group guards and conversation context stay in this process's memory (as
before: one process, nothing to share). With PostgreSQL they live in the database, so every
replica sees them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.core.answering.context import ContextStore, MemoryContextStore
from bot.core.groups.guards import GroupGuards, MemoryGroupGuards
from bot.core.groups.policy import DuplicateGuard, RateBudget
from bot.storage.interface import Storage
from bot.storage.postgres import PostgresStore
from bot.storage.postgres.shared import PgContextStore, PgGroupGuards
from bot.storage.sqlite import Store

__all__ = ["SharedState", "memory_state", "open_postgres", "open_sqlite", "shared_state"]


@dataclass(frozen=True)
class SharedState:
    """What replicas must agree on: group guards and conversation context.

    ``shared`` says whether it is in the database (True) or this process's memory; the group
    settings cache follows it (kept per process only when nothing else can change them).
    """

    guards: GroupGuards
    conversations: ContextStore
    shared: bool


def memory_state(clock: Callable[[], datetime]) -> SharedState:
    """The in-memory state of one process (SQLite, the CLI, most tests)."""
    return SharedState(
        MemoryGroupGuards(DuplicateGuard(), RateBudget()), MemoryContextStore(clock), False
    )


def shared_state(store: Storage, clock: Callable[[], datetime]) -> SharedState:
    """The state that goes with ``store``: in its database for PostgreSQL, else in memory."""
    if isinstance(store, PostgresStore):
        return SharedState(PgGroupGuards(store.pool), PgContextStore(store.pool, clock), True)
    return memory_state(clock)


async def open_sqlite(path: Path) -> Store:
    """The SQLite store at ``path``."""
    return await Store.open(path)


async def open_postgres(url: str) -> PostgresStore:
    """The PostgreSQL store at ``url``."""
    return await PostgresStore.open(url)
