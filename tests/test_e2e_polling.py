"""Long polling against hostile input: an update the library cannot parse, a second poller.

Before: one poll whose options lacked a field python-telegram-bot 22 requires made getUpdates
fail at the same offset forever (nobody answered again, even after a restart) and logged the raw
batch, names and texts included, at CRITICAL about a thousand times a second.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.edge import polling
from bot.edge.polling import SkipReporter
from tests.e2e import RunningBot, running_bot, sent
from tests.fake_telegram import FakeTelegramServer

SECRET_NAME = "Zebulon"
SECRET_QUESTION = "Is my sciatica from the fall last week?"


@pytest.fixture
async def bot(fake_telegram: FakeTelegramServer, tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_telegram, tmp_path) as running:
        yield running


async def test_an_unparsable_update_is_skipped_and_everyone_else_answered(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # what a production log holds (DEBUG: test_logs.py)
    fake = bot.fake
    bad = bot.queue(lambda: fake.send_unparsable(SECRET_QUESTION, user_id=7, chat_id=7))
    assert await bot.process(bad, timeout=5) == []  # confirmed (offset moved on), no reply
    assert sent(await bot.send("/start"))  # and the next person is answered

    # A bad update in the middle of a batch: the ones around it are handled.
    mark = fake.mark()
    first = fake.send_text("/help", user_id=11)
    fake.send_unparsable(SECRET_QUESTION, user_id=12)
    last = fake.send_text("/about", user_id=13)
    await fake.wait_for_call(
        "getUpdates", lambda c: int(c.params.get("offset") or 0) > last["update_id"], after=mark
    )
    await bot.app.update_queue.join()
    answered = {c.params["chat_id"] for c in sent(fake.calls[mark:])}
    assert {11, 13} <= answered and 12 not in answered
    assert first["update_id"] < last["update_id"]
    assert fake.pending_updates == []  # Telegram was told to forget them all

    skipped = [r for r in caplog.records if r.name == "bot.edge.polling"]
    assert len(skipped) == 2
    assert all(r.levelno == logging.WARNING for r in skipped)
    assert str(bad["update_id"]) in skipped[0].getMessage()
    assert "message" in skipped[0].getMessage() and "TypeError" in skipped[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert SECRET_QUESTION not in caplog.text and "sciatica" not in caplog.text
    assert fake.errors == []


async def test_a_flood_of_unparsable_updates_logs_a_few_lines(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    fake = bot.fake
    for user in range(100, 130):
        fake.send_unparsable(user_id=user)
    assert sent(await bot.send("/start"))
    lines = [r for r in caplog.records if r.name == "bot.edge.polling"]
    assert len(lines) == polling.REPORTS_PER_WINDOW


def test_skip_reporter_counts_what_it_did_not_list(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    reporter = SkipReporter(lambda: now[0])
    for update_id in range(1, 21):
        reporter.skipped({"update_id": update_id, "message": {"text": "secret"}}, TypeError())
    assert len(caplog.records) == polling.REPORTS_PER_WINDOW
    now[0] = polling.REPORT_WINDOW_SECONDS - 1
    reporter.flush()
    assert len(caplog.records) == polling.REPORTS_PER_WINDOW  # the window is not over yet
    now[0] = polling.REPORT_WINDOW_SECONDS + 1
    reporter.flush()
    assert caplog.records[-1].getMessage().startswith("skipped 15 more unreadable updates")
    reporter.skipped({"update_id": 99, "message": {}}, KeyError("x"))
    assert "update 99" in caplog.records[-1].getMessage()  # a new window lists again
    assert "secret" not in caplog.text


async def test_repeated_conflicts_call_the_conflict_handler_once(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polling, "CONFLICT_PAUSE_SECONDS", 0.01)
    stopped = asyncio.Event()
    calls: list[int] = []

    def handler() -> None:
        calls.append(1)
        stopped.set()

    assert isinstance(bot.app.bot, polling.PollingBot)
    bot.app.bot.on_conflict(handler)
    bot.fake.fail("getUpdates", error_code=409)
    bot.fake.send_text("/start")  # ends the long poll in progress, so the next one conflicts
    await asyncio.wait_for(stopped.wait(), timeout=10)
    await bot.fake.wait_for_calls(
        polling.CONFLICTS_TO_STOP + 1, "getUpdates", lambda c: c.error_code == 409
    )
    assert calls == [1]
    warnings = [r for r in caplog.records if r.name == "bot.edge.polling"]
    assert len(warnings) == polling.CONFLICTS_TO_STOP - 1
    assert all("409 Conflict" in r.getMessage() and not r.exc_info for r in warnings)
    bot.fake.clear_failures()
