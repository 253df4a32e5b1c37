"""Migrating a PostgreSQL database: the SQLite steps, translated, under one advisory lock.

The version lives in ``schema_version`` (SQLite keeps it in ``PRAGMA user_version``). Each step
runs in its own transaction holding a transaction-level advisory lock, so replicas starting
together migrate once: the others wait, then find the step done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.storage.postgres.dialect import SHARED_STATE, ddl
from bot.storage.schema import DatabaseTooNew

if TYPE_CHECKING:
    from bot.storage.postgres.base import Pooled

__all__ = ["MIGRATION_LOCK", "migrate", "schema_version"]

MIGRATION_LOCK = 0x6261636B  # "back": the advisory lock key held while migrating


async def schema_version(conn: Pooled) -> int:
    """The number of migration steps applied (0 for an empty database)."""
    exists = await conn.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not exists:
        return 0
    value = await conn.fetchval("SELECT max(version) FROM schema_version")
    return int(value or 0)


async def migrate(conn: Pooled, migrations: list[str]) -> None:
    """Bring the schema to ``len(migrations)``, one transaction per step; add the shared state."""
    # The usual case, a database already current, costs one query and takes no lock.
    current = await conn.fetchval(
        "SELECT to_regclass('shared_group_questions') IS NOT NULL "
        "AND to_regclass('schema_version') IS NOT NULL"
    )
    if current and await schema_version(conn) == len(migrations):
        return
    while True:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT)")
            version = await schema_version(conn)
            if version > len(migrations):
                raise DatabaseTooNew(
                    f"database schema version {version} is newer than this bot ({len(migrations)})"
                )
            if version == len(migrations):
                await conn.execute(SHARED_STATE)
                return
            await conn.execute(ddl(migrations[version]))
            await conn.execute("DELETE FROM schema_version")
            await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", version + 1)
