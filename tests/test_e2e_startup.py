"""Start-up and shutdown of ``python -m bot`` when the operator got something wrong.

Each failure must be one plain line naming the likely cause, never a traceback: a second bot on
the same database, another poller on the same token, and a database that is a folder, damaged,
from a newer bot, or read-only.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.core.reminders.schedule import ALL_DAYS
from bot.storage import Store
from bot.storage.lock import DatabaseInUse, InstanceLock
from bot.storage.open_errors import open_failure
from tests.e2e import KNOWLEDGE_DIR, ROOT, TOKEN
from tests.fake_telegram import FakeTelegramServer
from tests.test_e2e_process import (
    EXIT_TIMEOUT,
    BotProcess,
    bot_env,
    run_bot_once,
    start_bot,
)

__all__ = ["start_bot"]  # the fixture, imported so pytest finds it here

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


def env_for(fake: FakeTelegramServer, tmp_path: Path, **values: str) -> dict[str, str]:
    return bot_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        KNOWLEDGE_DIR=str(KNOWLEDGE_DIR),
        **values,
    )


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    assert TOKEN not in output
    return result.stderr.strip().splitlines()[-1]


# --- one bot per database and per token ---------------------------------------------------


def test_a_second_bot_on_the_same_database_exits_with_one_line(
    fake_telegram: FakeTelegramServer,
    tmp_path: Path,
    start_bot: Callable[[dict[str, str]], BotProcess],
) -> None:
    fake = fake_telegram
    env = env_for(fake, tmp_path)
    first = start_bot(env)
    first.wait_for(fake, "getUpdates")
    polls = len(fake.find_calls("getUpdates"))

    second = run_bot_once(env, ROOT)
    line = last_line(second)
    assert line.startswith("The bot did not start. Another bot is already running on the database")
    assert f"process {first.process.pid} on " in line  # it names the other one
    assert len(fake.find_calls("getUpdates")) == polls  # the second never polled

    # The first one still answers, and once it has stopped the database is free again.
    mark = fake.mark()
    fake.send_text("/start")
    first.wait_for(fake, "sendMessage", after=mark)
    assert first.stop() == 0
    mark = fake.mark()
    third = start_bot(env)
    third.wait_for(fake, "getUpdates", after=mark)
    assert third.stop() == 0


def test_the_lock_is_freed_when_its_holder_is_killed(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    script = (
        "import sys, time; from pathlib import Path; from bot.storage.lock import InstanceLock; "
        "lock = InstanceLock(Path(sys.argv[1])); lock.acquire(); print('held', flush=True); "
        "time.sleep(60)"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, str(database)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "held\n"
            with pytest.raises(DatabaseInUse, match=f"process {holder.pid} on "):
                InstanceLock(database).acquire()
        finally:
            holder.kill()  # a crash: no clean-up code runs
            holder.wait(EXIT_TIMEOUT)
    with InstanceLock(database):
        pass


def test_another_poller_on_the_token_stops_the_bot_with_one_line(
    fake_telegram: FakeTelegramServer,
    tmp_path: Path,
    start_bot: Callable[[dict[str, str]], BotProcess],
) -> None:
    fake = fake_telegram
    bot = start_bot(env_for(fake, tmp_path))
    bot.wait_for(fake, "getUpdates")
    fake.fail("getUpdates", error_code=409)  # what Telegram answers while another bot polls
    fake.send_text("/start")  # ends the long poll in progress
    try:
        bot.process.wait(EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the bot kept running through the conflicts:\n{bot.output()}")
    output = bot.output()
    assert bot.process.returncode == 1, output
    assert "Traceback" not in output
    last = bot.stderr_path.read_text().strip().splitlines()[-1]
    assert "Another process is polling Telegram with this bot token (409 Conflict)" in last
    assert last.startswith("The bot stopped.")  # it ran first: not "did not start"
    assert len(fake.find_calls("getUpdates", lambda c: c.error_code == 409)) < 10


# --- database problems at start-up ---------------------------------------------------------


def test_a_folder_at_database_path_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "bot.sqlite3"
    folder.mkdir(parents=True)
    with FakeTelegramServer() as fake:
        line = last_line(run_bot_once(env_for(fake, tmp_path), tmp_path))
    assert line.startswith(f"The bot did not start. DATABASE_PATH points to a folder ({folder})")


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    path.parent.mkdir()
    path.write_bytes(b"these are not the bytes of a database\n" * 200)
    with FakeTelegramServer() as fake:
        line = last_line(run_bot_once(env_for(fake, tmp_path), tmp_path))
    assert f"The database {path} is damaged or is not a SQLite database" in line
    assert "Restore it from a backup" in line
    assert "must be writable" not in line  # the old hint sent people the wrong way


def test_damaged_pages_found_by_recovery_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"

    async def fill() -> None:
        async with Store.open(path) as store:
            for chat in range(1, 300):
                await store.upsert_chat(chat, "private", NOW)
                await store.add_reminder(chat, time(12, 30), ALL_DAYS, NOW)
            await store.claim_due(NOW + timedelta(hours=1))

    asyncio.run(fill())
    data = bytearray(path.read_bytes())
    for offset in range(3 * 4096, len(data), 4096):  # every page after the schema's
        data[offset : offset + 100] = b"\xff" * 100
    path.write_bytes(bytes(data))
    with FakeTelegramServer() as fake:
        line = last_line(run_bot_once(env_for(fake, tmp_path), tmp_path))
    assert f"The database {path} is damaged" in line
    assert "database disk image is malformed" in line


def test_a_database_from_a_newer_bot_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    path.parent.mkdir()
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version = 99")
    with FakeTelegramServer() as fake:
        line = last_line(run_bot_once(env_for(fake, tmp_path), tmp_path))
    assert f"The database {path} was written by a newer version of this bot" in line
    assert "schema version 99" in line


def test_a_read_only_database_names_the_cause(tmp_path: Path) -> None:
    # Root ignores file modes, so the error comes from SQLite's own read-only mode: the same
    # SQLITE_READONLY error a read-only file or folder raises.
    path = tmp_path / "bot.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE t (x)")
    with (
        closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db,
        pytest.raises(sqlite3.OperationalError) as caught,
    ):
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("INSERT INTO t VALUES (1)")
    message = open_failure(path, caught.value)
    assert message.startswith(f"The database {path} cannot be written (attempt to write a read")
    assert "write access to the file and to its folder" in message


# --- PostgreSQL (DATABASE_URL) -----------------------------------------------------------------


def test_an_unreachable_postgres_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://bot:s3cret-pw@127.0.0.1:1/backcare"  # nothing listens on port 1
    with FakeTelegramServer() as fake:
        result = run_bot_once(env_for(fake, tmp_path, DATABASE_URL=url), tmp_path)
    line = last_line(result)
    assert "s3cret" not in result.stdout + result.stderr
    assert line.startswith(
        "The bot did not start. Could not connect to the PostgreSQL database backcare on "
        "127.0.0.1:1"
    )


def test_a_malformed_database_url_is_one_line(tmp_path: Path) -> None:
    url = "mysql://bot:s3cret-pw@db/backcare"
    with FakeTelegramServer() as fake:
        result = run_bot_once(env_for(fake, tmp_path, DATABASE_URL=url), tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 2 and "s3cret" not in output and "Traceback" not in output
    assert output.strip() == (
        "Configuration problem: DATABASE_URL must be a PostgreSQL URL such as "
        "postgresql://user:password@host:5432/backcare (leave it unset to use the SQLite file "
        "at DATABASE_PATH)."
    )
