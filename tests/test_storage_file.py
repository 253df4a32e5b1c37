"""The database file under a running bot: removed, replaced, and what /forget leaves on disk.

Before: after ``rm -rf data/`` the bot kept writing into the deleted file, confirmed new
reminders to people, and lost them all at the next restart without a word in the log. And a
forgotten person's rows stayed readable in the ``-wal`` file until the next checkpoint.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest

from bot.core.reminders.schedule import ALL_DAYS
from bot.storage import Store
from bot.storage.file_guard import DatabaseFileLost
from tests.e2e import last_message, running_bot
from tests.fake_telegram import FakeTelegramServer

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
PERSON = 987_654_321


def reminder_times(path: Path, chat_id: int) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute(
            "SELECT local_time FROM reminders WHERE chat_id = ? ORDER BY local_time", (chat_id,)
        )
        return [row[0] for row in rows]


def copies_beside(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".saved-*"))


@pytest.mark.parametrize("how", ["rm -rf the folder", "rm the file only"])
async def test_a_removed_database_is_written_back_and_nothing_is_lost(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    async with Store.open(path) as store:
        await store.upsert_chat(PERSON, "private", NOW)
        await store.add_reminder(PERSON, time(7, 30), ALL_DAYS, NOW)
        if how == "rm the file only":  # the -wal and -shm files stay behind
            path.unlink()
        else:
            shutil.rmtree(path.parent)
        # The next write is confirmed to the person: it must survive a restart.
        await store.add_reminder(PERSON, time(8, 0), ALL_DAYS, NOW)
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1
        assert "was removed while the bot was running" in errors[0].getMessage()
        assert "nothing was lost" in errors[0].getMessage()
        await store.add_reminder(PERSON, time(9, 0), ALL_DAYS, NOW)
    assert reminder_times(path, PERSON) == ["07:30", "08:00", "09:00"]
    async with Store.open(path) as store:  # a restart: a healthy file, nothing missing
        assert [r.local_time for r in await store.list_reminders(PERSON)] == [
            time(7, 30),
            time(8, 0),
            time(9, 0),
        ]
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1


async def test_a_replaced_database_is_used_and_the_old_one_kept_beside_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "bot.sqlite3"
    backup = tmp_path / "backup.sqlite3"
    async with Store.open(backup) as other:  # e.g. a backup an operator restores
        await other.upsert_chat(555, "private", NOW)
        await other.add_reminder(555, time(6, 0), ALL_DAYS, NOW)
    async with Store.open(path) as store:
        await store.upsert_chat(PERSON, "private", NOW)
        await store.add_reminder(PERSON, time(7, 30), ALL_DAYS, NOW)
        backup.replace(path)
        await store.add_reminder(555, time(8, 0), ALL_DAYS, NOW)  # lands in the new file
        (error,) = [r for r in caplog.records if r.levelno == logging.ERROR]
        message = error.getMessage()
        assert "was replaced while the bot was running" in message
    saved = copies_beside(path)
    assert len(saved) == 1 and str(saved[0]) in message
    assert reminder_times(path, 555) == ["06:00", "08:00"]
    assert reminder_times(saved[0], PERSON) == ["07:30"]  # what the bot had is kept


async def test_an_unrestorable_database_refuses_writes_instead_of_confirming_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "data"
    path = folder / "bot.sqlite3"
    async with Store.open(path) as store:
        await store.upsert_chat(PERSON, "private", NOW)
        shutil.rmtree(folder)
        folder.write_text("a file where the folder was: nothing can be written there")
        with pytest.raises(DatabaseFileLost):
            await store.add_reminder(PERSON, time(8, 0), ALL_DAYS, NOW)
        assert "could not be written back" in caplog.text
        folder.unlink()  # the operator fixes it: the next write restores everything
        await store.add_reminder(PERSON, time(9, 0), ALL_DAYS, NOW)
    assert reminder_times(path, PERSON) == ["09:00"]


async def test_forget_leaves_nothing_in_the_wal_file(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    wal = path.with_name(path.name + "-wal")
    async with Store.open(path) as store:
        await store.upsert_chat(555, "private", NOW)
        await store.upsert_chat(PERSON, "private", NOW)
        await store.set_timezone(PERSON, "Pacific/Chatham", NOW)
        await store.set_settings(PERSON, {"note": "Zebulon's sciatica"})
        await store.add_reminder(PERSON, time(7, 30), ALL_DAYS, NOW)
        assert b"Pacific/Chatham" in wal.read_bytes()  # the WAL does hold it until...
        await store.forget_chat(PERSON)
        # ...the store checkpoints it away, while the bot is still running.
        on_disk = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        assert b"Pacific/Chatham" not in on_disk
        assert b"Zebulon" not in on_disk
        assert await store.get_chat(555) is not None


async def test_reminders_confirmed_after_rm_rf_survive_a_restart(
    fake_telegram: FakeTelegramServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    settings: dict[str, Any] = {"database_path": data / "bot.sqlite3", "reminder_poll_seconds": 300}
    async with running_bot(fake_telegram, tmp_path, **settings) as bot:
        assert "Reminder set" in last_message(await bot.send("/remind 7:30")).params["text"]
        shutil.rmtree(data)
        assert "Reminder set" in last_message(await bot.send("/remind 8:00")).params["text"]
    assert "was removed while the bot was running" in caplog.text
    async with running_bot(fake_telegram, tmp_path, **settings) as bot:
        listed = last_message(await bot.send("/reminders")).params["text"]
    assert "07:30" in listed and "08:00" in listed
