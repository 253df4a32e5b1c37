"""Issue #12: statistics are counted in memory and written in batches, not one durable commit
per question; a graceful stop writes what is pending, a crash loses at most one batch."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.services.statistics import FLUSH_INTERVAL, BufferedCounters, Question
from tests.e2e import FakeClock, running_bot
from tests.fake_telegram import FakeTelegramServer

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class Sink:
    """The store's increment_stat, recorded; ``failing`` makes every write fail."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, int]] = []
        self.batches: list[list[Question]] = []
        self.failing = False

    async def increment_stat(self, name: str, by: int = 1) -> None:
        if self.failing:
            raise sqlite3.OperationalError("disk I/O error")
        self.writes.append((name, by))

    async def record_unanswered_many(self, questions: Sequence[Question]) -> None:
        if self.failing:
            raise sqlite3.OperationalError("disk I/O error")
        self.batches.append(list(questions))


async def test_counts_are_written_together_once_the_interval_has_passed() -> None:
    clock = FakeClock(NOW)
    counters = BufferedCounters(clock.now, interval=timedelta(seconds=30))
    sink = Sink()
    for name in ("answered", "answered", "unanswered", "answered"):
        counters.add(name)
    assert not counters.due()
    clock.advance(seconds=29)
    assert not counters.due()
    clock.advance(seconds=1)
    assert counters.due()
    await counters.flush(sink)
    assert sink.writes == [("answered", 3), ("unanswered", 1)]  # one write per name
    assert counters.pending == {}
    assert not counters.due()


async def test_the_interval_starts_with_the_first_count_after_a_write() -> None:
    clock = FakeClock(NOW)
    counters = BufferedCounters(clock.now, interval=timedelta(seconds=30))
    clock.advance(hours=1)  # a quiet hour: nothing pending, nothing due
    counters.add("answered")
    assert not counters.due()


async def test_a_burst_writes_before_the_interval() -> None:
    counters = BufferedCounters(FakeClock(NOW).now, max_pending=5)
    for _ in range(4):
        counters.add("answered")
    assert not counters.due()
    counters.add("helpful")
    assert counters.due()


async def test_a_failed_write_keeps_the_counts_for_the_next_batch() -> None:
    clock = FakeClock(NOW)
    counters = BufferedCounters(clock.now, interval=timedelta(seconds=30))
    sink = Sink()
    counters.add("answered", 2)
    counters.add("helpful")
    sink.failing = True
    with pytest.raises(sqlite3.OperationalError):
        await counters.flush(sink)
    assert counters.pending == {"answered": 2, "helpful": 1}
    counters.add("answered")
    assert not counters.due()  # the next try waits an interval: one error logged, not one each
    clock.advance(seconds=30)
    sink.failing = False
    await counters.flush(sink)
    assert sink.writes == [("answered", 3), ("helpful", 1)]


def stored(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as db:
        return dict(db.execute("SELECT name, value FROM stats"))


async def test_counts_survive_a_graceful_stop(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    clock = FakeClock()
    async with running_bot(fake_telegram, tmp_path, clock=clock) as bot:
        await bot.send("how do I stretch my hip flexors")
        await bot.send("what's the capital of France")
        await bot.send("how long should I hold the pigeon pose")
        # Not written yet: this is what a crash now would lose (at most one batch).
        assert stored(bot.db_path) == {}
        assert bot.app.bot_data.counters.pending
        path = bot.db_path
    counts = stored(path)
    assert counts.get("answered", 0) + counts.get("unanswered", 0) == 3


async def test_a_busy_bot_writes_a_batch_once_the_interval_has_passed(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    clock = FakeClock()
    async with running_bot(fake_telegram, tmp_path, clock=clock) as bot:
        await bot.send("how do I stretch my hip flexors")
        clock.advance(FLUSH_INTERVAL)
        await bot.send("how long should I hold the pigeon pose")
        counts = stored(bot.db_path)
        assert counts.get("answered", 0) + counts.get("unanswered", 0) == 2
        assert bot.app.bot_data.counters.pending == {}


async def test_unanswered_questions_wait_for_the_batch_and_go_in_one_write() -> None:
    clock = FakeClock(NOW)
    counters = BufferedCounters(clock.now, interval=timedelta(seconds=30), max_pending=10)
    sink = Sink()
    counters.keep("what is the capital of France", "fallback", None, clock.now())
    counters.add("unanswered")
    counters.keep("how do i do pigeon", "not_helpful", "pigeon-pose", clock.now())
    assert not counters.due()
    assert len(counters.questions) == 2
    clock.advance(seconds=30)
    assert counters.due()
    await counters.flush(sink)
    assert sink.writes == [("unanswered", 1)]
    assert sink.batches == [
        [
            ("what is the capital of France", "fallback", None, NOW),
            ("how do i do pigeon", "not_helpful", "pigeon-pose", NOW),
        ]
    ]
    assert counters.questions == () and not counters.due()
    for number in range(10):  # a burst writes before the interval
        counters.keep(f"question {number}", "fallback", None, clock.now())
    assert counters.due()


async def test_a_failed_write_keeps_the_questions_for_the_next_batch() -> None:
    clock = FakeClock(NOW)
    counters = BufferedCounters(clock.now, interval=timedelta(seconds=30))
    sink = Sink()
    counters.keep("first", "fallback", None, NOW)
    sink.failing = True
    with pytest.raises(sqlite3.OperationalError):
        await counters.flush(sink)
    counters.keep("second", "fallback", None, NOW)
    assert [question[0] for question in counters.questions] == ["first", "second"]
    sink.failing = False
    await counters.flush(sink)
    assert [[question[0] for question in batch] for batch in sink.batches] == [["first", "second"]]


def kept_questions(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        return [text for (text,) in db.execute("SELECT text FROM unanswered ORDER BY id")]


async def test_fallback_questions_are_kept_with_the_batch_not_one_commit_each(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    clock = FakeClock()
    async with running_bot(fake_telegram, tmp_path, clock=clock) as bot:
        await bot.send("what's the capital of France")
        await bot.send("how do I fix my car engine")
        assert kept_questions(bot.db_path) == []  # in memory: a crash now loses this batch
        assert len(bot.app.bot_data.counters.questions) == 2
        clock.advance(FLUSH_INTERVAL)
        await bot.send("who won the football yesterday")
        assert kept_questions(bot.db_path) == [
            "what's the capital of France",
            "how do I fix my car engine",
            "who won the football yesterday",
        ]
        await bot.send("what is the best pizza")
        path = bot.db_path
    assert kept_questions(path)[-1] == "what is the best pizza"  # a graceful stop writes it
