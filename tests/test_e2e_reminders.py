"""Reminders across a crash: ``python -m bot`` as a process, killed with SIGKILL and restarted.

The database is the source of truth, so instead of waiting for 07:30 the test makes a reminder
due by setting its ``next_due`` to a minute ago in the SQLite file (WAL lets it write while the
bot has the file open); the bot polls for due reminders every 0.05 s.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e import BOT_VARIABLES, KNOWLEDGE_DIR, ROOT, TOKEN, button_data
from tests.fake_telegram import DEFAULT_USER_ID, ApiCall, FakeTelegramServer

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")

POLL = 0.05  # short, so that waiting out five passes takes a quarter of a second
TIMEOUT = 20.0  # failure guard only; each wait normally ends within a second or two


class Bot:
    """One ``python -m bot`` process with its output in a file."""

    def __init__(self, env: dict[str, str], log: Path, cwd: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(
        self,
        fake: FakeTelegramServer,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        after: int,
    ) -> ApiCall:
        """The first matching call after ``after``; fails at once if the process died."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                return fake.wait_for_call_sync(method, predicate, after=after, timeout=0.25)
            except AssertionError:
                if self.process.poll() is not None:
                    pytest.fail(f"the bot exited ({self.process.returncode}):\n{self.output()}")
        pytest.fail(f"no {method} within {TIMEOUT}s; output:\n{self.output()}")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@pytest.fixture
def bots(tmp_path: Path, fake_telegram: FakeTelegramServer) -> Iterator[list[Bot]]:
    started: list[Bot] = []
    yield started
    for bot in started:
        bot.stop()
    assert fake_telegram.errors == []


def is_reminder(call: ApiCall) -> bool:
    return call.ok and any(data.startswith("r:d:") for data in button_data(call))


def make_due(database: Path) -> None:
    """Make the user's reminder due a minute ago, as if its time had just come."""
    with closing(sqlite3.connect(database, timeout=10)) as db, db:
        changed = db.execute(
            "UPDATE reminders SET next_due = ? WHERE chat_id = ?",
            (int(time.time()) - 60, DEFAULT_USER_ID),
        ).rowcount
    assert changed == 1


def test_reminder_is_delivered_once_across_a_sigkill_restart(
    fake_telegram: FakeTelegramServer, tmp_path: Path, bots: list[Bot]
) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    env = {k: v for k, v in os.environ.items() if k.upper() not in BOT_VARIABLES}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake_telegram.base_url,
        DATABASE_PATH=str(database),
        KNOWLEDGE_DIR=str(KNOWLEDGE_DIR),
        REMINDER_POLL_SECONDS=str(POLL),
    )

    # First run: set a reminder, make it due, receive it, then crash hard.
    mark = fake_telegram.mark()
    first = Bot(env, tmp_path / "first.log", tmp_path)  # cwd: no stray .env is read
    bots.append(first)
    first.wait_for(fake_telegram, "getUpdates", after=mark)
    fake_telegram.send_text("/remind 7:30")
    set_reply = first.wait_for(
        fake_telegram, "sendMessage", lambda c: "Reminder set" in c.params["text"], after=mark
    )
    assert set_reply.params["chat_id"] == DEFAULT_USER_ID
    make_due(database)
    delivered = first.wait_for(fake_telegram, "sendMessage", is_reminder, after=mark)
    assert button_data(delivered)[0].endswith(":0")  # the first of the rotation
    first.kill()

    # Second run on the same file: nothing is resent; the next occurrence arrives once.
    restart = fake_telegram.mark()
    second = Bot(env, tmp_path / "second.log", tmp_path)
    bots.append(second)
    second.wait_for(fake_telegram, "getUpdates", after=restart)
    time.sleep(5 * POLL)  # a few dispatcher passes: the crashed-out delivery must not come back
    assert not fake_telegram.find_calls("sendMessage", is_reminder, after=restart)
    make_due(database)
    again = second.wait_for(fake_telegram, "sendMessage", is_reminder, after=restart)
    assert button_data(again)[0].endswith(":1")  # the next occurrence, next exercise
    assert again.params["text"] != delivered.params["text"]
    time.sleep(5 * POLL)  # and only once
    reminders = fake_telegram.find_calls("sendMessage", is_reminder)
    assert [button_data(c)[0] for c in reminders] == [
        button_data(delivered)[0],
        button_data(again)[0],
    ]
    second.stop()
    assert second.process.returncode == 0, second.output()
    assert TOKEN not in first.output() + second.output()
