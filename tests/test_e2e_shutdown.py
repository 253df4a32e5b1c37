"""A graceful stop (SIGTERM) of ``python -m bot`` while a reminder is being sent.

Before: SIGTERM while one send waited out Telegram's 25 s ``retry_after`` lost that reminder
(the stop cancelled it after a 10 s grace and the next start dropped it as maybe sent), and the
next start logged "dropped 20 deliveries" when 19 of them had gone out.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from tests.e2e import BOT_VARIABLES, KNOWLEDGE_DIR, ROOT, TOKEN
from tests.fake_telegram import DEFAULT_USER_ID, FakeTelegramServer
from tests.test_e2e_reminders import POLL, Bot, bots, is_reminder, make_due

__all__ = ["bots"]  # the fixture, imported so pytest finds it here

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGTERM")


def test_sigterm_while_a_reminder_waits_out_a_retry_after_loses_nothing(
    fake_telegram: FakeTelegramServer, tmp_path: Path, bots: list[Bot]
) -> None:
    fake = fake_telegram
    database = tmp_path / "data" / "bot.sqlite3"
    env = {k: v for k, v in os.environ.items() if k.upper() not in BOT_VARIABLES}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        DATABASE_PATH=str(database),
        KNOWLEDGE_DIR=str(KNOWLEDGE_DIR),
        REMINDER_POLL_SECONDS=str(POLL),
    )
    mark = fake.mark()
    first = Bot(env, tmp_path / "first.log", tmp_path)
    bots.append(first)
    first.wait_for(fake, "getUpdates", after=mark)
    fake.send_text("/remind 7:30")
    first.wait_for(fake, "sendMessage", lambda c: "Reminder set" in c.params["text"], after=mark)

    # Telegram says "retry after 25 s": the rate limiter waits it out, the send is in limbo.
    fake.fail("sendMessage", chat_id=DEFAULT_USER_ID, error_code=429, retry_after=25, times=1)
    make_due(database)
    first.wait_for(fake, "sendMessage", lambda c: c.error_code == 429, after=mark)
    first.stop()  # SIGTERM, as a deploy does
    output = first.output()
    assert first.process.returncode == 0, output
    assert "1 put back to send after the restart, 0 were being sent" in output
    assert "cancelling" not in output  # interrupted at once, not after the shutdown grace
    assert not fake.find_calls("sendMessage", is_reminder)

    restart = fake.mark()
    second = Bot(env, tmp_path / "second.log", tmp_path)
    bots.append(second)
    second.wait_for(fake, "getUpdates", after=restart)
    delivered = second.wait_for(fake, "sendMessage", is_reminder, after=restart)
    assert delivered.params["chat_id"] == DEFAULT_USER_ID
    time.sleep(5 * POLL)  # a few dispatcher passes: it must not come twice
    assert len(fake.find_calls("sendMessage", is_reminder)) == 1
    second.stop()
    assert second.process.returncode == 0
    assert "may have arrived" not in second.output()  # the next start drops nothing
    assert "Traceback" not in output + second.output()
