"""The dispatcher end to end with a fake clock and a fake sender: no Telegram, no sleeping."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.core.records import Delivery, TooManyReminders
from bot.core.reminders.schedule import ALL_DAYS, WEEKDAYS
from bot.services.dispatcher import (
    ChatUnavailable,
    Dispatcher,
    DispatchLoop,
    DispatchReport,
    RetryAfter,
    TemporaryFailure,
    current_attempt,
)
from bot.storage import Recovery, Store
from tests.postgres_server import crashed

START = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)  # a Wednesday


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class FakeClock:
    """Time stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class FakeSender:
    """Records what was "sent" and when; raises queued errors per chat first."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sent: list[tuple[Delivery, datetime]] = []
        self.errors: dict[int, list[BaseException]] = {}
        self.attempts = 0

    async def send(self, delivery: Delivery) -> None:
        self.attempts += 1
        await asyncio.sleep(0)  # a real await, so sends interleave
        queued = self.errors.get(delivery.chat_id)
        if queued:
            raise queued.pop(0) if len(queued) > 1 else queued[0]
        self.sent.append((delivery, self.clock()))

    def fail(self, chat_id: int, *errors: BaseException) -> None:
        """Raise these errors in turn; the last one repeats until ``heal``."""
        self.errors[chat_id] = list(errors)

    def heal(self, chat_id: int) -> None:
        self.errors.pop(chat_id, None)

    def times(self, chat_id: int | None = None) -> list[datetime]:
        return [at for d, at in self.sent if chat_id is None or d.chat_id == chat_id]


class Harness:
    def __init__(self, store: Store, clock: FakeClock) -> None:
        self.store = store
        self.clock = clock
        self.sender = FakeSender(clock)
        self.dispatcher = Dispatcher(store, self.sender.send, clock)

    async def chat(self, chat_id: int, zone: str = "UTC", kind: str = "private") -> None:
        await self.store.upsert_chat(chat_id, kind, self.clock())
        if zone != "UTC":
            await self.store.set_timezone(chat_id, zone, self.clock())

    async def run(self) -> DispatchReport:
        return await self.dispatcher.run_once()

    async def run_until(self, end: datetime) -> list[DispatchReport]:
        """Jump from due time to due time; check nothing goes out a second early."""
        reports = []
        while (wake := await self.store.next_wakeup()) is not None and wake <= end:
            before = len(self.sender.sent)
            self.clock.now = wake - timedelta(seconds=1)
            early = await self.run()
            assert early.sent == 0, f"sent before {wake}"
            assert len(self.sender.sent) == before
            self.clock.now = wake
            reports.append(await self.run())
        self.clock.now = end
        return reports


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def h(clock: FakeClock, any_store: Store) -> Harness:
    """The dispatcher on a store of each backend (tests/conftest.py)."""
    return Harness(any_store, clock)


# --- timing ------------------------------------------------------------------------------


async def test_due_at_the_right_instant_not_before(h: Harness) -> None:
    await h.chat(1)
    reminder = await h.store.add_reminder(1, time(12, 30), ALL_DAYS, h.clock())
    h.clock.now = datetime(2025, 1, 15, 12, 29, 59, 999_999, tzinfo=UTC)
    assert (await h.run()).sent == 0
    h.clock.now = utc(2025, 1, 15, 12, 30)
    report = await h.run()
    assert report.sent == 1
    assert h.sender.times() == [utc(2025, 1, 15, 12, 30)]
    delivery = h.sender.sent[0][0]
    assert (delivery.reminder_id, delivery.chat_id, delivery.due) == (
        reminder.id,
        1,
        utc(2025, 1, 15, 12, 30),
    )
    assert (await h.run()).sent == 0  # same instant again: nothing


async def test_days_of_week(h: Harness) -> None:
    await h.chat(1)
    await h.store.add_reminder(1, time(9, 0), frozenset({0, 2, 4}), h.clock())
    await h.run_until(START + timedelta(days=14))
    sent = h.sender.times()
    assert [t.strftime("%a") for t in sent] == ["Fri", "Mon", "Wed", "Fri", "Mon", "Wed"]
    assert all(t.time() == time(9, 0) for t in sent)


async def test_rotation_index_counts_up(h: Harness) -> None:
    await h.chat(1)
    await h.store.add_reminder(1, time(12, 30), ALL_DAYS, h.clock())
    await h.run_until(START + timedelta(days=4))
    assert [d.seq for d, _ in h.sender.sent] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("zone", "local", "start", "expected"),
    [
        pytest.param(
            "Europe/Berlin",
            time(7, 30),
            utc(2025, 3, 26, 12),
            [utc(2025, 3, d, 6, 30) for d in (27, 28, 29)]
            + [utc(2025, 3, d, 5, 30) for d in (30, 31)]
            + [utc(2025, 4, d, 5, 30) for d in (1, 2)],
            id="berlin-spring-forward",
        ),
        pytest.param(
            "Europe/Berlin",
            time(7, 30),
            utc(2025, 10, 22, 12),
            [utc(2025, 10, d, 5, 30) for d in (23, 24, 25)]
            + [utc(2025, 10, d, 6, 30) for d in (26, 27, 28, 29)],
            id="berlin-fall-back",
        ),
        pytest.param(
            "Europe/Berlin",
            time(2, 30),
            utc(2025, 3, 26, 12),
            [utc(2025, 3, d, 1, 30) for d in (27, 28, 29)]
            + [utc(2025, 3, 30, 1, 0)]  # 02:30 doesn't exist: 03:00 CEST
            + [utc(2025, 3, 31, 0, 30)]
            + [utc(2025, 4, d, 0, 30) for d in (1, 2)],
            id="berlin-gap",
        ),
        pytest.param(
            "Europe/Berlin",
            time(2, 30),
            utc(2025, 10, 22, 12),
            [utc(2025, 10, d, 0, 30) for d in (23, 24, 25, 26)]  # 26th: the first 02:30 only
            + [utc(2025, 10, d, 1, 30) for d in (27, 28, 29)],
            id="berlin-fold",
        ),
        pytest.param(
            "America/New_York",
            time(7, 30),
            utc(2025, 3, 5, 18),
            [utc(2025, 3, d, 12, 30) for d in (6, 7, 8)]
            + [utc(2025, 3, d, 11, 30) for d in (9, 10, 11, 12)],
            id="new-york-spring-forward",
        ),
        pytest.param(
            "America/New_York",
            time(7, 30),
            utc(2025, 10, 29, 18),
            [utc(2025, 10, d, 11, 30) for d in (30, 31)]
            + [utc(2025, 11, d, 11, 30) for d in (1,)]
            + [utc(2025, 11, d, 12, 30) for d in (2, 3, 4, 5)],
            id="new-york-fall-back",
        ),
        pytest.param(
            "America/New_York",
            time(2, 30),
            utc(2025, 3, 5, 18),
            [utc(2025, 3, d, 7, 30) for d in (6, 7, 8)]
            + [utc(2025, 3, 9, 7, 0)]  # 03:00 EDT
            + [utc(2025, 3, d, 6, 30) for d in (10, 11, 12)],
            id="new-york-gap",
        ),
        pytest.param(
            "America/New_York",
            time(1, 30),
            utc(2025, 10, 29, 18),
            [utc(2025, 10, d, 5, 30) for d in (30, 31)]
            + [utc(2025, 11, d, 5, 30) for d in (1, 2)]  # 2nd: 01:30 EDT, not again at EST
            + [utc(2025, 11, d, 6, 30) for d in (3, 4, 5)],
            id="new-york-fold",
        ),
    ],
)
async def test_once_a_day_across_dst(
    clock: FakeClock, zone: str, local: time, start: datetime, expected: list[datetime]
) -> None:
    clock.now = start
    async with Store.open(":memory:") as store:
        h = Harness(store, clock)
        await h.chat(1, zone)
        await h.store.add_reminder(1, local, ALL_DAYS, h.clock())
        await h.run_until(start + timedelta(days=7))
        assert h.sender.times() == expected
        assert [d.due for d, _ in h.sender.sent] == expected


async def test_fold_night_swept_every_five_minutes(h: Harness) -> None:
    """Polling like the real job does: the repeated 02:30 must not fire again."""
    h.clock.now = utc(2025, 10, 25, 12)
    await h.chat(1, "Europe/Berlin")
    await h.store.add_reminder(1, time(2, 30), ALL_DAYS, h.clock())
    h.clock.now = utc(2025, 10, 25, 23)
    for _ in range(12 * 5):
        await h.run()
        h.clock.advance(minutes=5)
    assert h.sender.times() == [utc(2025, 10, 26, 0, 30)]


async def test_timezone_change_after_setting_a_reminder(h: Harness) -> None:
    await h.chat(1)
    await h.store.add_reminder(1, time(7, 30), ALL_DAYS, h.clock())
    await h.store.set_timezone(1, "Europe/Berlin", h.clock())
    await h.run_until(START + timedelta(days=2))
    assert h.sender.times() == [utc(2025, 1, 16, 6, 30), utc(2025, 1, 17, 6, 30)]
    await h.store.set_timezone(1, "Asia/Kolkata", h.clock())  # 07:30 IST = 02:00 UTC
    await h.run_until(START + timedelta(days=4))
    assert h.sender.times()[2:] == [utc(2025, 1, 18, 2, 0), utc(2025, 1, 19, 2, 0)]


# --- restarts and crashes ----------------------------------------------------------------


async def test_restart_still_delivers_once(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "bot.db"
    async with Store.open(path) as store:
        await store.upsert_chat(1, "private", clock())
        await store.add_reminder(1, time(12, 30), ALL_DAYS, clock())
    sender = FakeSender(clock)
    clock.now = utc(2025, 1, 15, 12, 30)
    async with Store.open(path) as store:
        assert (await store.recover(clock())).total == 0
        await Dispatcher(store, sender.send, clock).run_once()
    async with Store.open(path) as store:  # restarted again at the same instant
        await store.recover(clock())
        assert (await Dispatcher(store, sender.send, clock).run_once()).sent == 0
        clock.advance(days=1)
        assert (await Dispatcher(store, sender.send, clock).run_once()).sent == 1
    assert sender.times() == [utc(2025, 1, 15, 12, 30), utc(2025, 1, 16, 12, 30)]


async def test_crash_between_claim_and_send_never_sends_twice(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "bot.db"
    async with Store.open(path) as store:
        await store.upsert_chat(1, "private", clock())
        await store.add_reminder(1, time(12, 30), ALL_DAYS, clock())
    clock.now = utc(2025, 1, 15, 12, 30)
    async with Store.open(path) as store:
        claimed = await store.claim_due(clock())
        assert len(claimed) == 1
        # "crash": the process dies before sending or mark_sent
    sender = FakeSender(clock)
    clock.advance(seconds=20)
    async with Store.open(path) as store:
        assert await store.recover(clock()) == Recovery(unconfirmed=1)
        dispatcher = Dispatcher(store, sender.send, clock)
        assert (await dispatcher.run_once()).total == 0
        clock.advance(minutes=30)
        assert (await dispatcher.run_once()).total == 0
        assert sender.sent == []  # at most once: possibly missed, never doubled
        clock.now = utc(2025, 1, 16, 12, 30)
        assert (await dispatcher.run_once()).sent == 1  # and the schedule carries on


async def test_crash_in_the_middle_of_dispatch(tmp_path: Path, clock: FakeClock) -> None:
    """Some sends done, one hanging when the process dies: nobody gets a second copy."""
    path = tmp_path / "bot.db"
    async with Store.open(path) as store:
        for chat in range(1, 6):
            await store.upsert_chat(chat, "private", clock())
            await store.add_reminder(chat, time(12, 30), ALL_DAYS, clock())
    clock.now = utc(2025, 1, 15, 12, 30)
    hang, others_done = asyncio.Event(), asyncio.Event()
    sent: list[int] = []

    async def send(delivery: Delivery) -> None:
        if delivery.chat_id == 3:
            await hang.wait()
        sent.append(delivery.chat_id)
        if len(sent) == 4:
            others_done.set()

    async with Store.open(path) as store:
        job = asyncio.create_task(Dispatcher(store, send, clock).run_once())
        await others_done.wait()
        job.cancel()  # the process dies
        with pytest.raises(asyncio.CancelledError):
            await job
    async with Store.open(path) as store:
        await store.recover(clock())
        hang.set()
        await Dispatcher(store, send, clock).run_once()
        clock.advance(minutes=10)
        await Dispatcher(store, send, clock).run_once()
    assert sorted(sent) == [1, 2, 4, 5]


async def test_missed_less_than_an_hour_is_sent_late(h: Harness) -> None:
    await h.chat(1)
    await h.store.add_reminder(1, time(12, 30), ALL_DAYS, h.clock())
    h.clock.now = utc(2025, 1, 15, 13, 30)  # exactly one hour late: still useful
    report = await h.run()
    assert report.sent == 1
    delivery, at = h.sender.sent[0]
    assert delivery.due == utc(2025, 1, 15, 12, 30)
    assert at == utc(2025, 1, 15, 13, 30)
    (reminder,) = await h.store.list_reminders(1)
    assert reminder.next_due == utc(2025, 1, 16, 12, 30)


async def test_missed_more_than_an_hour_is_skipped(h: Harness) -> None:
    await h.chat(1)
    await h.store.add_reminder(1, time(12, 30), ALL_DAYS, h.clock())
    h.clock.now = datetime(2025, 1, 15, 13, 30, 1, tzinfo=UTC)  # a second too late
    report = await h.run()
    assert (report.sent, report.skipped) == (0, 1)
    (reminder,) = await h.store.list_reminders(1)
    assert reminder.next_due == utc(2025, 1, 16, 12, 30)
    h.clock.now = utc(2025, 1, 19, 8)  # down for days: skipped once, to the next one
    assert (await h.run()).skipped == 1
    await h.run_until(utc(2025, 1, 19, 13))
    assert h.sender.times() == [utc(2025, 1, 19, 12, 30)]


# --- failures ----------------------------------------------------------------------------


async def test_chat_unavailable_disables_that_chat_only(h: Harness) -> None:
    for chat in (1, 2, 3):
        await h.chat(chat)
        await h.store.add_reminder(chat, time(12, 30), ALL_DAYS, h.clock())
    await h.store.add_reminder(2, time(18, 0), ALL_DAYS, h.clock())
    h.sender.fail(2, ChatUnavailable("blocked by the user"))
    h.clock.now = utc(2025, 1, 15, 12, 30)
    report = await h.run()
    assert (report.sent, report.gone) == (2, 1)
    assert all(not r.enabled for r in await h.store.list_reminders(2))
    await h.run_until(utc(2025, 1, 16, 23))
    assert sorted(d.chat_id for d, _ in h.sender.sent) == [1, 1, 3, 3]
    assert h.sender.attempts == 5  # chat 2 was not tried again
    stats = await h.store.stats()
    assert stats["enabled_reminders"] == 2


async def test_retry_after_is_honoured_and_not_doubled(h: Harness) -> None:
    await h.chat(1)
    await h.chat(2)
    for chat in (1, 2):
        await h.store.add_reminder(chat, time(12, 30), ALL_DAYS, h.clock())
    h.sender.fail(1, RetryAfter(30))
    h.clock.now = utc(2025, 1, 15, 12, 30)
    report = await h.run()
    assert (report.sent, report.retried) == (1, 1)
    h.sender.heal(1)
    h.clock.advance(seconds=29)
    assert (await h.run()).sent == 0
    h.clock.advance(seconds=1)
    assert (await h.run()).sent == 1
    h.clock.advance(minutes=5)
    assert (await h.run()).total == 0
    assert sorted(d.chat_id for d, _ in h.sender.sent) == [1, 2]
    retried = next(d for d, _ in h.sender.sent if d.chat_id == 1)
    assert (retried.attempts, retried.due, retried.seq) == (1, utc(2025, 1, 15, 12, 30), 0)


async def test_temporary_failures_back_off_and_are_not_lost(h: Harness) -> None:
    await h.chat(1)
    await h.store.add_reminder(1, time(12, 30), ALL_DAYS, h.clock())
    h.sender.fail(1, TemporaryFailure("timeout"), TemporaryFailure("timeout"), RuntimeError("?"))
    h.clock.now = utc(2025, 1, 15, 12, 30)
    await h.run()
    wakes = []
    for _ in range(3):
        wake = await h.store.next_wakeup()
        assert wake is not None
        wakes.append(wake)
        if len(wakes) == 3:
            h.sender.heal(1)
        h.clock.now = wake
        await h.run()
    start = utc(2025, 1, 15, 12, 30)
    assert wakes == [start + timedelta(seconds=s) for s in (30, 90, 210)]  # 30 s, 60 s, 120 s
    assert h.sender.times() == [start + timedelta(seconds=210)]
    await h.run_until(utc(2025, 1, 16, 13))
    assert len(h.sender.sent) == 2  # the next day's, on time


async def test_unexpected_errors_are_logged_never_raised(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await h.chat(1)
    await h.store.add_reminder(1, time(12, 30), ALL_DAYS, h.clock())
    h.sender.fail(1, ZeroDivisionError("bug in the message builder"))
    h.clock.now = utc(2025, 1, 15, 12, 30)
    with caplog.at_level(logging.ERROR, logger="bot.services.dispatcher"):
        report = await h.run()
    assert report.retried == 1
    assert "bug in the message builder" in caplog.text


async def test_gives_up_after_max_attempts_but_keeps_the_schedule(h: Harness) -> None:
    await h.chat(1)
    await h.store.add_reminder(1, time(12, 30), ALL_DAYS, h.clock())
    h.sender.fail(1, TemporaryFailure("down"))
    h.clock.now = utc(2025, 1, 15, 12, 30)
    reports = [await h.run()]
    reports += await h.run_until(utc(2025, 1, 15, 15))
    assert sum(r.retried for r in reports) == h.store.max_attempts - 1
    assert sum(r.dropped for r in reports) == 1
    h.sender.heal(1)
    await h.run_until(utc(2025, 1, 16, 13))
    assert h.sender.times() == [utc(2025, 1, 16, 12, 30)]


async def test_slow_chat_does_not_delay_the_others(h: Harness) -> None:
    for chat in range(1, 51):
        await h.chat(chat)
        await h.store.add_reminder(chat, time(12, 30), ALL_DAYS, h.clock())
    release = asyncio.Event()
    done: list[int] = []
    in_flight = peak = 0

    async def send(delivery: Delivery) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            if delivery.chat_id == 1:
                await release.wait()
            await asyncio.sleep(0)
            done.append(delivery.chat_id)
            if len(done) == 49:
                others_done.set()
        finally:
            in_flight -= 1

    others_done = asyncio.Event()
    dispatcher = Dispatcher(h.store, send, h.clock, batch_size=7, concurrency=5)
    h.clock.now = utc(2025, 1, 15, 12, 30)
    job = asyncio.create_task(dispatcher.run_once())
    # Event-driven (the store answers from its own thread, so no count of yields is enough).
    await asyncio.wait_for(others_done.wait(), timeout=30)
    assert sorted(done) == list(range(2, 51))  # everyone else while chat 1 hangs
    assert not job.done()
    release.set()
    report = await job
    assert report.sent == 50
    assert peak <= 5


# --- snooze, cap, forgetting -------------------------------------------------------------


async def test_snooze(h: Harness) -> None:
    await h.chat(1)
    reminder = await h.store.add_reminder(1, time(12, 30), ALL_DAYS, h.clock())
    await h.run_until(utc(2025, 1, 15, 12, 31))
    assert await h.store.snooze(1, reminder.id, h.clock() + timedelta(minutes=10))
    await h.run_until(utc(2025, 1, 15, 13))
    first, again = (d for d, _ in h.sender.sent)
    assert h.sender.times() == [utc(2025, 1, 15, 12, 30), utc(2025, 1, 15, 12, 41)]
    assert again.snoozed and not first.snoozed
    assert again.seq == first.seq  # the same exercise again
    await h.run_until(utc(2025, 1, 16, 13))
    assert len(h.sender.sent) == 3  # the schedule is unaffected


async def test_cap_of_ten_and_all_ten_fire(h: Harness) -> None:
    await h.chat(1)
    for minute in range(10):
        await h.store.add_reminder(1, time(12, 30 + minute), WEEKDAYS, h.clock())
    with pytest.raises(TooManyReminders):
        await h.store.add_reminder(1, time(13, 0), WEEKDAYS, h.clock())
    await h.run_until(utc(2025, 1, 15, 23))
    assert len(h.sender.sent) == 10


async def test_forget_chat_leaves_no_trace_after_dispatch(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "bot.db"
    gone, kept = 424_242_424, 7
    sender = FakeSender(clock)
    async with Store.open(path) as store:
        for chat in (gone, kept):
            await store.upsert_chat(chat, "private", clock())
            await store.set_timezone(chat, "America/New_York", clock())
            first = await store.add_reminder(chat, time(7, 30), ALL_DAYS, clock())
            await store.add_reminder(chat, time(8, 30), ALL_DAYS, clock())
            await store.record_done(chat, clock())
            if chat == gone:
                to_snooze = first.id
        sender.fail(gone, TemporaryFailure("flaky"))  # leaves a pending retry
        clock.now = utc(2025, 1, 16, 13, 30)
        dispatcher = Dispatcher(store, sender.send, clock)
        await dispatcher.run_once()
        assert await store.snooze(gone, to_snooze, clock() + timedelta(minutes=10))
        await store.claim_due(utc(2025, 1, 16, 14))  # a 'sending' row too
        assert await store.forget_chat(gone)
    with closing(sqlite3.connect(path)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert {"chats", "reminders", "deliveries", "completions", "stats"} <= set(names)
        for table in names:
            columns = [c[1] for c in db.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                (hits,) = db.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}" IN (?, ?)',
                    (gone, str(gone)),
                ).fetchone()
                assert hits == 0, f"{table}.{column} still mentions the chat"
        assert db.execute("SELECT count(*) FROM reminders").fetchone() == (2,)


# --- the periodic loop -------------------------------------------------------------------


class GatedSender:
    """A sender that tells when a send starts and finishes only when the test says so.

    ``on_wire`` marks the wait as a request on its way to Telegram, as the real transport does
    through ``current_attempt``; otherwise it is a wait before sending (e.g. a retry_after).
    """

    def __init__(self, *, on_wire: bool = False) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.sent: list[int] = []
        self.on_wire = on_wire

    async def send(self, delivery: Delivery) -> None:
        attempt = current_attempt.get()
        assert attempt is not None
        if self.on_wire:
            attempt.request_started()
        self.started.set()
        await self.release.wait()
        if self.on_wire:
            attempt.request_answered(ok=True)
        self.sent.append(delivery.id)


async def test_loop_ticks_periodically_and_only_when_ready(h: Harness) -> None:
    await h.chat(1)
    await h.store.add_reminder(1, time(12, 30), ALL_DAYS, h.clock())
    h.clock.now = utc(2025, 1, 15, 12, 30)
    sender = GatedSender()
    sender.release.set()
    ready = False
    loop = DispatchLoop(Dispatcher(h.store, sender.send, h.clock), 0.001, lambda: ready)
    loop.start()
    loop.start()  # idempotent
    assert loop.running
    for _ in range(20):
        await asyncio.sleep(0)
    assert not sender.started.is_set()  # not ready: no pass
    ready = True
    await asyncio.wait_for(sender.started.wait(), 5)
    await loop.stop()
    await loop.stop()  # idempotent
    assert not loop.running
    assert len(sender.sent) == 1
    assert (await loop.tick()).total == 0  # a manual pass still works after stop


async def test_stop_lets_a_send_on_the_wire_finish(h: Harness) -> None:
    await h.chat(1)
    await h.store.add_reminder(1, time(12, 30), ALL_DAYS, h.clock())
    h.clock.now = utc(2025, 1, 15, 12, 30)
    sender = GatedSender(on_wire=True)
    loop = DispatchLoop(Dispatcher(h.store, sender.send, h.clock), 0.001)
    loop.start()
    await asyncio.wait_for(sender.started.wait(), 5)
    stopping = asyncio.create_task(loop.stop())
    for _ in range(20):
        await asyncio.sleep(0)
    assert not stopping.done()  # waiting for the send in flight
    sender.release.set()
    await asyncio.wait_for(stopping, 5)
    assert len(sender.sent) == 1
    assert await h.store.next_wakeup() == utc(2025, 1, 16, 12, 30)  # marked sent, outbox empty


async def test_stop_gives_up_on_a_send_stuck_on_the_wire_after_the_grace(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await h.chat(1)
    await h.store.add_reminder(1, time(12, 30), ALL_DAYS, h.clock())
    h.clock.now = utc(2025, 1, 15, 12, 30)
    sender = GatedSender(on_wire=True)  # never released
    loop = DispatchLoop(Dispatcher(h.store, sender.send, h.clock), 0.001)
    loop.start()
    await asyncio.wait_for(sender.started.wait(), 5)
    await loop.stop(grace=0.01)
    assert not loop.running and sender.sent == []
    assert "cancelling" in caplog.text
    # It may have arrived: dropped at the next start, never resent.
    await crashed(h.store)
    assert await h.store.recover(h.clock()) == Recovery(unconfirmed=1)


async def test_stop_puts_a_waiting_send_back_and_the_restart_sends_it(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """The issue's case: SIGTERM while one send waited out a 25 s retry_after, others sent."""
    caplog.set_level(logging.INFO)
    path = tmp_path / "bot.db"
    async with Store.open(path) as store:
        for chat in range(1, 21):
            await store.upsert_chat(chat, "private", clock())
            await store.add_reminder(chat, time(12, 30), ALL_DAYS, clock())
    clock.now = utc(2025, 1, 15, 12, 30)
    waiting = GatedSender()  # chat 7 waits before its request goes out; never released
    sent: list[int] = []
    nineteen = asyncio.Event()

    async def send(delivery: Delivery) -> None:
        if delivery.chat_id == 7:
            await waiting.send(delivery)
        sent.append(delivery.chat_id)
        if len(sent) == 19:
            nineteen.set()

    async with Store.open(path) as store:
        loop = DispatchLoop(Dispatcher(store, send, clock), 300)
        loop.start()
        await asyncio.wait_for(nineteen.wait(), 5)
        await asyncio.wait_for(loop.stop(grace=30), 5)  # no waiting out the grace either
    assert "1 put back to send after the restart, 0 were being sent" in caplog.text
    assert "cancelling" not in caplog.text

    clock.advance(minutes=2)
    waiting.release.set()  # Telegram accepts sends again
    async with Store.open(path) as store:  # the next start
        assert await store.recover(clock()) == Recovery()  # nothing dropped: 19 went out
        report = await Dispatcher(store, send, clock).run_once()
    assert report.sent == 1
    assert sorted(sent) == list(range(1, 21))  # everyone once, chat 7 after the restart


async def test_loop_survives_a_failing_store(
    h: Harness, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    calls = 0

    class Broken(Dispatcher):
        async def run_once(self) -> DispatchReport:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise sqlite3.OperationalError("database is locked")
            done.set()
            return DispatchReport()

    done = asyncio.Event()
    loop = DispatchLoop(Broken(h.store, h.sender.send, clock), 0.001)
    loop.start()
    await asyncio.wait_for(done.wait(), 5)
    await loop.stop()
    assert calls >= 2
    assert "reminder dispatch failed" in caplog.text
    with pytest.raises(ValueError, match="interval"):
        DispatchLoop(Broken(h.store, h.sender.send, clock), 0)


async def test_a_lasting_store_failure_is_logged_once_not_every_tick(
    h: Harness, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    calls = 0

    class Gone(Dispatcher):
        async def run_once(self) -> DispatchReport:
            nonlocal calls
            calls += 1
            if calls <= 20:  # e.g. the database file is gone and cannot be written back
                raise sqlite3.OperationalError("disk I/O error")
            done.set()
            return DispatchReport()

    done = asyncio.Event()
    loop = DispatchLoop(Gone(h.store, h.sender.send, clock), 0.001)
    loop.start()
    await asyncio.wait_for(done.wait(), 5)
    await loop.stop()
    assert caplog.text.count("reminder dispatch failed") == 1
    assert caplog.text.count("reminder dispatch works again") == 1
