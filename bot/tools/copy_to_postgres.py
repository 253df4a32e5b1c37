"""``python -m bot copy-to-postgres``: copy a SQLite database into an empty PostgreSQL one.

For moving one bot to replicas: stop the bot, copy, then start the replicas with
``DATABASE_URL``. The SQLite file is brought to the current schema first and then only read
(it stays as a backup). The copy is one transaction: it lands entirely or not at all. A target
that already holds any row is refused (so running it twice cannot double anything), and the
target's id counters are moved past the copied ids. The password in the URL is never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.records import StorageError
from bot.storage import Store
from bot.storage.lock import DatabaseInUse, InstanceLock
from bot.storage.open_errors import open_failure

if TYPE_CHECKING:
    from bot.storage.postgres import PostgresStore

__all__ = ["TABLES", "CopyRefused", "add_command", "copy", "run"]

# Parents before children (foreign keys); every table of the schema.
TABLES = (
    "chats",
    "reminders",
    "deliveries",
    "completions",
    "unanswered",
    "stats",
    "stretch_sessions",
    "pain_scores",
    "group_weeks",
)
IDENTITY = ("reminders", "deliveries", "unanswered", "stretch_sessions")


class CopyRefused(Exception):  # noqa: N818 (names the situation)
    """The copy cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Copied:
    """Rows copied, per table."""

    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


async def copy(source: Path, url: str) -> Copied:
    """Copy every row of the SQLite database at ``source`` into the PostgreSQL one at ``url``."""
    import asyncpg  # here: the command line loads the PostgreSQL driver only for this command

    from bot.storage.postgres import PostgresStore
    from bot.storage.postgres import errors as postgres_errors

    lock = InstanceLock(source)
    try:
        lock.acquire()
    except DatabaseInUse as error:
        raise CopyRefused(open_failure(source, error)) from None
    try:
        try:
            sqlite_store = await Store.open(source)  # migrates it to the current schema
        except (OSError, sqlite3.Error, StorageError) as error:
            raise CopyRefused(open_failure(source, error)) from None
        async with sqlite_store:
            db = sqlite_store._db
            data: dict[str, tuple[list[str], list[tuple[object, ...]]]] = {}
            for table in TABLES:
                cursor = await db.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed names)
                columns = [column[0] for column in cursor.description]
                data[table] = (columns, [tuple(row) for row in await cursor.fetchall()])
                await cursor.close()
        try:
            target = await PostgresStore.open(url, pool_size=1)
        except (OSError, TimeoutError, asyncpg.PostgresError, StorageError) as error:
            raise CopyRefused(postgres_errors.open_failure(url, error)) from None
        async with target:
            return await _insert(target, url, data)
    finally:
        lock.release()


async def _insert(
    target: PostgresStore, url: str, data: dict[str, tuple[list[str], list[tuple[object, ...]]]]
) -> Copied:
    from bot.storage.postgres import errors as postgres_errors

    rows: dict[str, int] = {}
    async with target.pool.acquire() as conn, conn.transaction():
        for table in TABLES:
            if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):  # noqa: S608
                raise CopyRefused(
                    f"{postgres_errors.describe(url)[0].upper()}"
                    f"{postgres_errors.describe(url)[1:]} is not empty (table {table} has rows); "
                    "the copy goes only into an empty database. Nothing was changed."
                )
        for table in TABLES:
            columns, records = data[table]
            if records:
                await conn.copy_records_to_table(table, records=records, columns=columns)
            rows[table] = len(records)
        for table in IDENTITY:
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
    return Copied(rows)


def add_command(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
) -> argparse.ArgumentParser:
    """Register ``copy-to-postgres`` on the CLI."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "copy-to-postgres",
        help="copy the SQLite database into an empty PostgreSQL database (DATABASE_URL)",
        description="Copy every row of the SQLite database into an empty PostgreSQL database, "
        "in one transaction, for running replicas. Stop the bot first. A target that already "
        "holds rows is refused.",
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=None,
        help="SQLite file (default: $DATABASE_PATH or data/backcare.sqlite3)",
    )
    parser.add_argument(
        "--url",
        default=None,
        help="PostgreSQL URL (default: $DATABASE_URL); never printed with its password",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the command; 0 on success, 1 (with one plain line) on any problem."""
    source = args.database or Path(os.environ.get("DATABASE_PATH") or "data/backcare.sqlite3")
    url = args.url or os.environ.get("DATABASE_URL") or ""
    if not url.startswith(("postgresql://", "postgres://")):
        print(
            "Give the PostgreSQL database with --url or DATABASE_URL, e.g. "
            "postgresql://user:password@host:5432/backcare",
            file=sys.stderr,
        )
        return 1
    if not source.is_file():
        print(f"There is no SQLite database at {source}; give it with --database.", file=sys.stderr)
        return 1
    try:
        copied = asyncio.run(copy(source, url))
    except CopyRefused as error:
        print(error, file=sys.stderr)
        return 1
    from bot.storage.postgres.errors import describe

    counts = ", ".join(f"{count} {table}" for table, count in copied.rows.items() if count)
    print(
        f"Copied {copied.total} rows from {source} to {describe(url)}"
        f"{': ' + counts if counts else ''}. Start the bot with DATABASE_URL set."
    )
    return 0
