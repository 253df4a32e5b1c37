"""Sessions end to end, part two: one reminder counts once (Start and Done), a session waiting
for a pain score closes itself, and /privacy and /forget cover sessions and pain scores.

The real Application and store against the fake Bot API; time moves only with the FakeClock and
the session scheduler runs one pass per ``tick``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.knowledge import load_knowledge
from bot.core.reminders.message import routine_entry
from bot.core.sessions.machine import SCORE_WAIT
from bot.core.sessions.plan import plan_for
from bot.edge.delivery import dispatch_due
from tests.e2e import RunningBot, button_data, last_message, running_bot, sent
from tests.e2e import callback_texts as toasts
from tests.fake_telegram import DEFAULT_USER_ID, ApiCall, FakeTelegramServer

KB = load_knowledge(Path(__file__).resolve().parent.parent / "knowledge")
USER = DEFAULT_USER_ID
IDLE: dict[str, Any] = {"reminder_poll_seconds": 300}


@pytest.fixture
async def bot(fake_telegram: FakeTelegramServer, tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_telegram, tmp_path, **IDLE) as running:
        yield running
    assert fake_telegram.errors == []


async def tick(bot: RunningBot) -> None:
    runner = bot.app.bot_data.sessions
    assert runner is not None
    await runner.tick()


def shown(bot: RunningBot, message_id: int) -> str:
    stored = bot.fake.message(USER, message_id) or {}
    return str(stored.get("text") or stored.get("caption") or "")


def session_buttons(bot: RunningBot, message_id: int) -> list[str]:
    stored = bot.fake.message(USER, message_id) or {}
    rows = (stored.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


async def score(bot: RunningBot, message_id: int, value: str) -> None:
    [data] = [d for d in session_buttons(bot, message_id) if d.endswith(f":{value}")]
    await bot.press(message_id, data, chat_id=USER)


def session_message(calls: list[ApiCall]) -> int:
    [message] = [c for c in calls if c.method in ("sendPhoto", "sendMessage") and c.ok]
    text = str(message.params.get("caption") or message.params.get("text"))
    assert "how much does your back hurt" in text.lower()
    return int(message.result["message_id"])


async def reminder(bot: RunningBot) -> ApiCall:
    """Set a reminder at 09:30 every day and deliver it."""
    await bot.send("/remind 9:30 every day")
    bot.clock.advance(minutes=30)
    mark = bot.fake.mark()
    await dispatch_due(bot.app)
    (message,) = sent(bot.fake.calls[mark:])
    return message


async def finish(bot: RunningBot, message_id: int, exercise_id: str) -> None:
    """Score 3 before, let the whole plan run, score 2 after."""
    await score(bot, message_id, "3")
    plan = plan_for(KB, exercise_id)
    assert plan is not None
    bot.clock.advance(seconds=plan.total_seconds)
    await tick(bot)
    await score(bot, message_id, "2")
    assert "Session done!" in shown(bot, message_id)


def counts(bot: RunningBot) -> tuple[int, int]:
    sessions = bot.query("SELECT count(*) FROM stretch_sessions")[0][0]
    done = bot.query("SELECT count(*) FROM completions")[0][0]
    return sessions, done


# --- no double counting --------------------------------------------------------------------


async def test_start_then_done_on_the_same_reminder_counts_once(bot: RunningBot) -> None:
    message = await reminder(bot)
    done, start = button_data(message)[0], button_data(message)[-1]
    assert start.startswith("st:r:")
    exercise = routine_entry(KB, 0)
    assert exercise is not None
    session_id = session_message(await bot.press(message, start))
    # Done while the session runs: it counts now...
    assert toasts(await bot.press(message, done)) == ["✅ Nice work! 1 of 3 this week."]
    # ...and the finished session takes its place rather than counting again.
    await finish(bot, session_id, exercise.id)
    assert "1 of 3 this week" in shown(bot, session_id)
    assert counts(bot) == (1, 0)
    assert bot.query("SELECT occurrence FROM stretch_sessions") == [(done.removeprefix("r:d:"),)]


async def test_a_finished_session_then_done_counts_once(bot: RunningBot) -> None:
    message = await reminder(bot)
    done, start = button_data(message)[0], button_data(message)[-1]
    exercise = routine_entry(KB, 0)
    assert exercise is not None
    session_id = session_message(await bot.press(message, start))
    await finish(bot, session_id, exercise.id)
    assert "1 of 3 this week" in shown(bot, session_id)
    calls = await bot.press(message, done)
    assert toasts(calls) == ["Already counted. ✅ Nice work! 1 of 3 this week."]
    assert counts(bot) == (1, 0)


async def test_done_survives_a_restart_and_still_counts_once(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    """The once-per-reminder rule is in the database, not only in the bot's memory."""
    async with running_bot(fake_telegram, tmp_path, **IDLE) as first:
        message = await reminder(first)
        done = button_data(message)[0]
        await first.press(message, done)
        clock = first.clock
    async with running_bot(fake_telegram, tmp_path, clock=clock, **IDLE) as second:
        calls = await second.press(message, done)
        assert toasts(calls)[0].startswith("Already counted.")
        assert counts(second) == (0, 1)


async def test_a_session_not_from_a_reminder_counts_besides_done(bot: RunningBot) -> None:
    message = await reminder(bot)
    await bot.press(message, button_data(message)[0])
    session_id = session_message(await bot.send("/stretch bridge"))
    await finish(bot, session_id, "bridge-pose")
    assert "2 of 3 this week" in shown(bot, session_id)
    assert counts(bot) == (1, 1)


# --- a session waiting for a pain score ----------------------------------------------------


async def test_a_session_waiting_for_the_score_after_completes_without_it(
    bot: RunningBot,
) -> None:
    session_id = session_message(await bot.send("/stretch bridge"))
    await score(bot, session_id, "4")
    plan = plan_for(KB, "bridge-pose")
    assert plan is not None
    bot.clock.advance(seconds=plan.total_seconds)
    await tick(bot)
    assert "How much does your back hurt now" in shown(bot, session_id)
    bot.clock.advance(SCORE_WAIT - timedelta(seconds=1))
    await tick(bot)
    assert "How much does your back hurt now" in shown(bot, session_id)
    bot.clock.advance(seconds=1)
    await tick(bot)
    text = shown(bot, session_id)
    assert "Session done!" in text and "1 of 3 this week" in text
    assert "No pain score came within 30 minutes" in text
    assert session_buttons(bot, session_id) == []
    assert bot.query("SELECT moment, score FROM pain_scores") == [("before", 4)]
    assert counts(bot) == (1, 0)
    runner = bot.app.bot_data.sessions
    assert runner is not None and len(runner) == 0 and runner.next_wakeup() is None


async def test_a_session_never_started_closes_itself(bot: RunningBot) -> None:
    session_id = session_message(await bot.send("/stretch pigeon"))
    bot.clock.advance(SCORE_WAIT)
    await tick(bot)
    assert "wasn't started" in shown(bot, session_id)
    assert session_buttons(bot, session_id) == []
    assert counts(bot) == (0, 0)
    runner = bot.app.bot_data.sessions
    assert runner is not None and len(runner) == 0


# --- /privacy and /forget ------------------------------------------------------------------


async def test_privacy_lists_sessions_and_pain_scores_and_forget_deletes_them(
    bot: RunningBot,
) -> None:
    before = last_message(await bot.send("/privacy")).params["text"]
    assert "Nothing: you haven't set a reminder" in before
    for _ in range(2):
        session_id = session_message(await bot.send("/stretch bridge"))
        await finish(bot, session_id, "bridge-pose")
        bot.clock.advance(days=1)
    text = last_message(await bot.send("/privacy")).params["text"]
    assert "2 guided sessions and 4 pain scores, since 3 Mar 2025." in text
    # A session going on when the person says /forget ends with it.
    session_message(await bot.send("/stretch bridge"))
    confirm = last_message(await bot.send("/forget"))
    await bot.press(confirm, "p:forget")
    for table in ("stretch_sessions", "pain_scores", "completions", "chats"):
        assert bot.query(f"SELECT count(*) FROM {table}") == [(0,)], table
    runner = bot.app.bot_data.sessions
    assert runner is not None and len(runner) == 0
    after = last_message(await bot.send("/privacy")).params["text"]
    assert "Nothing: you haven't set a reminder" in after
