"""The database schema: its migrations, the version check, and opening a connection with the
bot's pragmas (WAL, durable commits, foreign keys).

Applied in order, each script in its own transaction; ``PRAGMA user_version`` is the number of
scripts applied. Never edit a released script: append a new one.
"""

from __future__ import annotations

import asyncio
import sqlite3

import aiosqlite

from bot.core.records import StorageError

__all__ = ["MIGRATIONS", "DatabaseTooNew", "connect", "migrate"]

MIGRATIONS: list[str] = [
    """
    CREATE TABLE chats (
        chat_id    INTEGER PRIMARY KEY,
        kind       TEXT    NOT NULL CHECK (kind IN ('private', 'group', 'supergroup', 'channel')),
        timezone   TEXT    NOT NULL DEFAULT 'UTC',
        created_at INTEGER NOT NULL,
        settings   TEXT    NOT NULL DEFAULT '{}'
    );
    CREATE TABLE reminders (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id    INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        local_time TEXT    NOT NULL,
        days       INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
        next_due   INTEGER NOT NULL,
        enabled    INTEGER NOT NULL DEFAULT 1,
        sent_count INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX reminders_due ON reminders (next_due) WHERE enabled = 1;
    CREATE INDEX reminders_chat ON reminders (chat_id);
    CREATE TABLE deliveries (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        reminder_id INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
        chat_id     INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        due         INTEGER NOT NULL,
        seq         INTEGER NOT NULL,
        snoozed     INTEGER NOT NULL DEFAULT 0,
        state       TEXT    NOT NULL CHECK (state IN ('pending', 'sending')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        not_before  INTEGER NOT NULL
    );
    CREATE INDEX deliveries_pending ON deliveries (not_before) WHERE state = 'pending';
    CREATE INDEX deliveries_reminder ON deliveries (reminder_id);
    CREATE INDEX deliveries_chat ON deliveries (chat_id);
    CREATE TABLE completions (
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        done_at INTEGER NOT NULL
    );
    CREATE INDEX completions_chat ON completions (chat_id, done_at);
    -- Questions we could not answer, to improve the knowledge base. Deliberately no user or
    -- chat column: the text must not be traceable to a person.
    CREATE TABLE unanswered (
        id         INTEGER PRIMARY KEY,
        text       TEXT    NOT NULL,
        reason     TEXT    NOT NULL CHECK (reason IN ('fallback', 'not_helpful')),
        entry_id   TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX unanswered_created ON unanswered (created_at);
    CREATE TABLE stats (
        name  TEXT    PRIMARY KEY,
        value INTEGER NOT NULL DEFAULT 0
    );
    """,
    # Guided /stretch sessions whose exercises were all done (for /progress), and the pain
    # scores given before and after them (to notice a session that made pain worse).
    """
    CREATE TABLE stretch_sessions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id     INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        exercises   TEXT    NOT NULL,
        started_at  INTEGER NOT NULL,
        finished_at INTEGER NOT NULL
    );
    CREATE INDEX stretch_sessions_chat ON stretch_sessions (chat_id, finished_at);
    CREATE TABLE pain_scores (
        session_id  INTEGER NOT NULL REFERENCES stretch_sessions (id) ON DELETE CASCADE,
        chat_id     INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        moment      TEXT    NOT NULL CHECK (moment IN ('before', 'after')),
        score       INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
        recorded_at INTEGER NOT NULL,
        PRIMARY KEY (session_id, moment)
    );
    CREATE INDEX pain_scores_chat ON pain_scores (chat_id);
    """,
    # Which reminder delivery ("<reminder id>:<seq>") a Done press or a guided session answered,
    # so Start and Done on the same reminder count once. Group stretch breaks count people per
    # week in group_weeks: a number per group and week, never who (the earlier per-press group
    # Done rows move there, by UTC week, as an upper bound of the people).
    """
    ALTER TABLE completions ADD COLUMN occurrence TEXT;
    ALTER TABLE stretch_sessions ADD COLUMN occurrence TEXT;
    CREATE UNIQUE INDEX completions_occurrence ON completions (chat_id, occurrence)
        WHERE occurrence IS NOT NULL;
    CREATE INDEX stretch_sessions_occurrence ON stretch_sessions (chat_id, occurrence)
        WHERE occurrence IS NOT NULL;
    CREATE TABLE group_weeks (
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        week    TEXT    NOT NULL,
        people  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (chat_id, week)
    );
    INSERT INTO group_weeks (chat_id, week, people)
        SELECT c.chat_id, date(c.done_at, 'unixepoch', 'weekday 0', '-6 days'), count(*)
        FROM completions AS c JOIN chats AS g ON g.chat_id = c.chat_id
        WHERE g.kind IN ('group', 'supergroup') GROUP BY 1, 2;
    DELETE FROM completions
        WHERE chat_id IN (SELECT chat_id FROM chats WHERE kind IN ('group', 'supergroup'));
    """,
    # Which running bot claimed a delivery being sent. SQLite has one bot per file and leaves
    # it empty; on PostgreSQL, start-up recovery drops only the sends of bots no longer
    # connected, never those another replica is making right now.
    """
    ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
    """,
]


class DatabaseTooNew(StorageError):  # noqa: N818 (a domain name reads better)
    """The file was migrated by a newer version of the bot; refusing protects its data."""


async def connect(target: str) -> aiosqlite.Connection:
    """One connection with the bot's pragmas, its schema migrated to the current version."""
    connection = aiosqlite.connect(target, isolation_level=None)
    try:
        db = await connection
    except BaseException:
        # aiosqlite stops its worker thread after a failed connect but awaits nothing; wait
        # for it, or it may report to an event loop closed meanwhile (a traceback after the
        # plain start-up error line).
        await asyncio.to_thread(connection._thread.join, 5)
        raise
    db.row_factory = sqlite3.Row  # columns by name, never by position
    try:
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 5000",
            "PRAGMA secure_delete = ON",
        ):
            await db.execute(pragma)
        await migrate(db, MIGRATIONS)
    except BaseException:
        await db.close()
        raise
    return db


async def migrate(db: aiosqlite.Connection, migrations: list[str]) -> None:
    """Bring the schema to ``len(migrations)``, one transaction per script."""
    rows = list(await db.execute_fetchall("PRAGMA user_version"))
    version = int(rows[0]["user_version"])
    if version > len(migrations):
        raise DatabaseTooNew(
            f"database schema version {version} is newer than this bot ({len(migrations)})"
        )
    for number, script in enumerate(migrations[version:], start=version + 1):
        # executescript would COMMIT an open transaction first, so BEGIN/COMMIT go inside it.
        try:
            await db.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        except BaseException:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise
