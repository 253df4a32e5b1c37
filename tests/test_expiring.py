"""bot/core/expiring.py: per-chat memory that expires by the injected clock and is bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.expiring import ExpiringMap
from tests.e2e import FakeClock

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_an_entry_lives_its_lifetime_then_is_gone() -> None:
    clock = FakeClock(START)
    kept: ExpiringMap[int, str] = ExpiringMap(clock.now, timedelta(minutes=10), 100)
    kept.put(1, "a")
    clock.advance(minutes=9, seconds=59)
    assert kept.get(1) == "a"
    clock.advance(seconds=1)
    assert kept.get(1) is None
    assert len(kept) == 0


def test_a_write_drops_every_expired_entry_so_memory_follows_who_is_active() -> None:
    clock = FakeClock(START)
    kept: ExpiringMap[int, int] = ExpiringMap(clock.now, timedelta(minutes=10), 100_000)
    for chat in range(10_000):
        kept.put(chat, chat)
    clock.advance(minutes=11)
    kept.put(-1, 0)
    assert len(kept) == 1


def test_writing_again_renews_an_entry() -> None:
    clock = FakeClock(START)
    kept: ExpiringMap[str, int] = ExpiringMap(clock.now, timedelta(minutes=10), 100)
    kept.put("old", 1)
    kept.put("other", 2)
    clock.advance(minutes=6)
    kept.put("old", 3)
    clock.advance(minutes=6)
    kept.sweep()
    assert kept.get("other") is None
    assert kept.get("old") == 3


def test_beyond_capacity_the_oldest_goes_first() -> None:
    kept: ExpiringMap[int, int] = ExpiringMap(FakeClock(START).now, timedelta(hours=1), 3)
    for chat in range(5):
        kept.put(chat, chat)
    assert len(kept) == 3
    assert [kept.get(chat) for chat in range(5)] == [None, None, 2, 3, 4]


def test_pop_and_drop_forget_at_once() -> None:
    kept: ExpiringMap[tuple[int, int], str] = ExpiringMap(
        FakeClock(START).now, timedelta(hours=1), 100
    )
    kept.put((1, 10), "a")
    kept.put((1, 11), "b")
    kept.put((2, 10), "c")
    assert kept.pop((1, 10)) == "a"
    assert kept.pop((1, 10)) is None
    kept.drop(lambda key: key[0] == 1)
    assert len(kept) == 1
    assert kept.get((2, 10)) == "c"


def test_nonsense_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        ExpiringMap(FakeClock(START).now, timedelta(0), 10)
    with pytest.raises(ValueError, match="positive"):
        ExpiringMap(FakeClock(START).now, timedelta(minutes=1), 0)
