"""``python -m bot copy-to-postgres``: a SQLite database copied into PostgreSQL, row for row."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.reminders.schedule import ALL_DAYS, WEEKDAYS
from bot.storage import Store
from bot.storage.postgres import PostgresStore
from tests.postgres_server import PostgresServer

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


async def copy_command(path: Path, url: str) -> int:
    """The command as typed (its own event loop, so in a thread)."""
    args = ["copy-to-postgres", "--database", str(path), "--url", url]
    return await asyncio.to_thread(main, args)


async def filled_sqlite(path: Path) -> None:
    async with Store.open(path) as store:
        await store.upsert_chat(1, "private", NOW)
        await store.set_timezone(1, "Europe/Berlin", NOW)
        first = await store.add_reminder(1, time(7, 30), WEEKDAYS, NOW)
        await store.add_reminder(1, time(18, 0), ALL_DAYS, NOW)
        await store.snooze(1, first.id, NOW + timedelta(minutes=10))
        await store.upsert_chat(-100123, "supergroup", NOW)
        await store.set_settings(-100123, {"answer_mode": "questions"})
        await store.record_done(-100123, NOW)
        await store.record_unanswered("can I run?", "fallback", None, NOW)
        await store.increment_stat("answered", by=5)
        await store.record_session(1, ("pigeon-pose",), NOW, NOW, 4)


async def test_every_row_is_copied_and_new_ids_follow_on(
    postgres_server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bot.sqlite3"
    await filled_sqlite(path)
    url = await postgres_server.new_database()
    assert await copy_command(path, url) == 0
    assert "Copied 10 rows" in capsys.readouterr().out
    async with Store.open(path) as before, await PostgresStore.open(url) as after:
        for chat in (1, -100123):
            assert await after.get_chat(chat) == await before.get_chat(chat)
            assert await after.list_reminders(chat) == await before.list_reminders(chat)
        assert await after.stats() == await before.stats()
        since = NOW - timedelta(days=1)
        assert await after.unanswered_since(since) == await before.unanswered_since(since)
        assert await after.sessions_since(1, since) == await before.sessions_since(1, since)
        assert await after.count_done_since(-100123, since) == 1
        (snoozed,) = await after.claim_due(NOW + timedelta(minutes=10))
        assert snoozed.snoozed
        # The id counters moved past the copied ids.
        newer = await after.add_reminder(-100123, time(12, 30), WEEKDAYS, NOW)
        assert newer.id > max(r.id for r in await before.list_reminders(1))


async def test_a_target_with_rows_is_refused_and_left_as_it_was(
    postgres_server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bot.sqlite3"
    await filled_sqlite(path)
    url = await postgres_server.new_database()
    assert await copy_command(path, url) == 0
    capsys.readouterr()
    assert await copy_command(path, url) == 1  # again
    error = capsys.readouterr().err
    assert "is not empty" in error and "Nothing was changed" in error
    async with await PostgresStore.open(url) as after:
        assert len(await after.list_reminders(1)) == 2  # not doubled


def test_a_bad_target_is_one_line_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bot.sqlite3"
    asyncio.run(filled_sqlite(path))
    url = "postgresql://bot:s3cret-pw@127.0.0.1:1/backcare"  # nothing listens on port 1
    assert main(["copy-to-postgres", "--database", str(path), "--url", url]) == 1
    error = capsys.readouterr().err
    assert "Could not connect to the PostgreSQL database backcare on 127.0.0.1:1" in error
    assert "s3cret" not in error
    assert len(error.strip().splitlines()) == 1
    assert main(["copy-to-postgres", "--database", str(tmp_path / "none"), "--url", url]) == 1
    assert "There is no SQLite database" in capsys.readouterr().err
