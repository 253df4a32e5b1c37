"""Issue #12: memory does not grow with the number of people who ever wrote.

Many people, each asking one question through the real Application (the in-process fake Bot
API), leave the bot's memory where it was once what is kept for a while has expired: no
per-chat entry stays for someone who is not in the middle of something. Measured two ways:
the sizes of every per-chat map (PTB's chat_data and user_data, the conversations, the
questions behind recent answers, the chats typing a time), and tracemalloc over what the bot's
own code and python-telegram-bot's Application allocated and still holds.

Not counted: ``telegram/_telegramobject.py``. Parsing Telegram objects leaves a residue that
tracemalloc still sees after the objects are gone (no object refers to it); a bare PTB echo
application on the same fake shows it too, so it is the library's and is measured against
the echo bot in benchmarks/echo_compare.py, not here.
"""

from __future__ import annotations

import gc
import os
import tracemalloc
from pathlib import Path
from typing import Any

from bot.edge.state import ASKED_LIFETIME
from tests.e2e import ROOT, FakeClock, RunningBot, running_bot
from tests.fake_telegram import FakeTelegramServer

# MEMORY_TEST_PEOPLE=10000 runs the figure (several minutes on this machine); the
# suite runs fewer, enough to see a few bytes kept per person.
PEOPLE = int(os.environ.get("MEMORY_TEST_PEOPLE", "200"))
QUESTIONS = (  # an answer and a fallback (no exercise picture: its cache is per entry)
    "can tight hip flexors cause lower back pain",
    "what's the capital of France",
)
SWEEPER = 77  # one person whose later messages let the expiring maps drop what expired


async def crowd(bot: RunningBot, first: int, people: int) -> None:
    """``people`` people who never wrote before ask one question each, all queued at once."""
    fake = bot.fake
    for person in range(first, first + people - 1):
        fake.send_text(QUESTIONS[person % len(QUESTIONS)], user_id=person)
    last = first + people - 1
    update = bot.queue(lambda: fake.send_text(QUESTIONS[0], user_id=last))
    await bot.process(update, timeout=600)


async def later(bot: RunningBot, clock: FakeClock) -> None:
    """Two hours on, one person chats a while: everything kept for a while has expired (the
    conversation store drops up to 64 expired entries a message)."""
    clock.advance(ASKED_LIFETIME * 2)
    for _ in range(PEOPLE // 32 + 4):
        await bot.send(QUESTIONS[0], user_id=SWEEPER)


def sizes(bot: RunningBot) -> dict[str, int]:
    state = bot.app.bot_data
    return {
        "chat_data": len(bot.app.chat_data),
        "user_data": len(bot.app.user_data),
        "conversations": len(state.conversations),  # type: ignore[arg-type]
        "asked": len(state.asked),
        "typing_time": len(state.typing_time),
    }


def ours(snapshot: tracemalloc.Snapshot) -> tracemalloc.Snapshot:
    """Only what the bot's own code or python-telegram-bot's Application allocated."""
    return snapshot.filter_traces(
        [
            tracemalloc.Filter(True, str(ROOT / "bot" / "*")),
            tracemalloc.Filter(True, "*/telegram/ext/*"),
        ]
    )


async def test_many_people_leave_memory_where_it_was(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    clock = FakeClock()
    async with running_bot(fake_telegram, tmp_path, clock=clock) as bot:
        await crowd(bot, 1_000_000, 50)  # warm every cache and lazy import first
        tracemalloc.start()
        try:
            # A first crowd while tracing, so that what a crowd replaces (the last answers'
            # questions, say) is traced in both snapshots and only growth remains.
            await crowd(bot, 1_500_000, PEOPLE)
            await later(bot, clock)
            gc.collect()
            before = ours(tracemalloc.take_snapshot())
            before_sizes = sizes(bot)
            await crowd(bot, 2_000_000, PEOPLE)
            await later(bot, clock)
            gc.collect()
            after = ours(tracemalloc.take_snapshot())
            after_sizes = sizes(bot)
        finally:
            tracemalloc.stop()
    growth = after.compare_to(before, "lineno")
    grown = sum(stat.size_diff for stat in growth)
    report: dict[str, Any] = {
        "grown_bytes": grown,
        "sizes": after_sizes,
        "where": [str(stat) for stat in growth[:5]],
    }
    print(report)
    assert after_sizes == before_sizes, report
    assert after_sizes["chat_data"] == after_sizes["user_data"] == 0, report
    # python-telegram-bot notes every chat and user id for a persistence; the bot has none, so
    # bot/edge/application.py keeps it from noting them (the sets grew by every person).
    assert not bot.app._chat_ids_to_be_updated_in_persistence
    assert not bot.app._user_ids_to_be_updated_in_persistence
    # Before issue #12: well over 100 bytes a person here, never freed. Now a small constant.
    assert grown < 8 * 1024, report
