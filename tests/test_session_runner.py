"""The session scheduler: wake-ups on an injected clock, stale tokens, replacement, shutdown."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.core.sessions.machine import PAUSE_WAIT, SCORE_WAIT, Status
from bot.core.sessions.plan import Phase, SessionPlan, Step
from bot.services.session_runner import ActiveSession, SessionRunner

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PLAN = SessionPlan(
    ("a",),
    (
        Step("a", Phase.POSITION, 10, 1),
        Step("a", Phase.HOLD, 15, 1),
        Step("a", Phase.HALFWAY, 15, 1),
    ),
)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def runner_with_log() -> tuple[SessionRunner, Clock, list[tuple[int, str, int]]]:
    clock = Clock()
    seen: list[tuple[int, str, int]] = []

    async def notify(active: ActiveSession) -> None:
        seen.append((active.chat_id, active.session.status.value, active.session.index))

    return SessionRunner(clock, notify), clock, seen


def begin(runner: SessionRunner, chat_id: int) -> ActiveSession:
    active, _ = runner.start(chat_id, PLAN)
    assert active.session.begin(2)
    runner.schedule(active)
    return active


async def test_sessions_move_at_their_step_ends_only() -> None:
    runner, clock, seen = runner_with_log()
    begin(runner, 1)
    assert runner.next_wakeup() == START + timedelta(seconds=10)
    clock.now += timedelta(seconds=9)
    assert await runner.tick() == 0
    clock.now += timedelta(seconds=1)
    assert await runner.tick() == 1
    assert seen == [(1, "running", 1)]
    clock.now += timedelta(seconds=100)  # a late tick catches up in one edit
    assert await runner.tick() == 1
    assert seen[-1] == (1, "pain_after", 2)
    # waiting for the pain score, at most SCORE_WAIT; then it completes without it, and goes
    assert runner.next_wakeup() == START + timedelta(seconds=40) + SCORE_WAIT and len(runner) == 1
    clock.now = START + timedelta(seconds=40) + SCORE_WAIT
    assert await runner.tick() == 1
    assert seen[-1] == (1, "completed", 2) and len(runner) == 0


async def test_a_paused_session_is_not_woken() -> None:
    runner, clock, seen = runner_with_log()
    active = begin(runner, 1)
    clock.now += timedelta(seconds=5)
    active.session.pause()
    runner.schedule(active)
    clock.now += timedelta(seconds=60)
    assert await runner.tick() == 0 and seen == []
    active.session.resume()
    runner.schedule(active)
    clock.now += timedelta(seconds=5)
    assert await runner.tick() == 1 and seen == [(1, "running", 1)]


async def test_a_session_left_paused_is_closed_by_the_timer() -> None:
    runner, clock, seen = runner_with_log()
    active = begin(runner, 1)
    active.session.pause()
    runner.schedule(active)
    assert active.session.next_wakeup() == clock.now + PAUSE_WAIT
    clock.now += PAUSE_WAIT
    assert await runner.tick() == 1
    assert seen[-1][:2] == (1, "stopped") and len(runner) == 0


async def test_a_new_session_replaces_the_old_and_old_tokens_go_stale() -> None:
    runner, clock, _seen = runner_with_log()
    first = begin(runner, 1)
    second, replaced = runner.start(1, PLAN)
    assert replaced is first and first.session.status is Status.STOPPED
    assert runner.find(1, first.token) is None
    assert runner.find(1, second.token) is second
    assert runner.find(2, second.token) is None  # another chat cannot press it
    clock.now += timedelta(seconds=60)
    assert await runner.tick() == 0  # the stopped one's wake-up is skipped


async def test_finished_sessions_are_forgotten_and_shutdown_ends_all() -> None:
    runner, _, _ = runner_with_log()
    active = begin(runner, 1)
    begin(runner, 2)
    active.session.stop()
    runner.schedule(active)
    assert runner.find(1, active.token) is None and len(runner) == 1
    ended = runner.end_all()
    assert [a.chat_id for a in ended] == [2] and ended[0].session.status is Status.STOPPED
    assert len(runner) == 0 and runner.next_wakeup() is None


async def test_one_failing_chat_does_not_stop_the_others() -> None:
    clock = Clock()
    seen: list[int] = []

    async def notify(active: ActiveSession) -> None:
        if active.chat_id == 1:
            raise RuntimeError("Telegram said no")
        seen.append(active.chat_id)

    runner = SessionRunner(clock, notify)
    for chat in (1, 2, 3):
        begin(runner, chat)
    clock.now += timedelta(seconds=10)
    assert await runner.tick() == 3
    assert sorted(seen) == [2, 3]


async def test_a_thousand_sessions_keep_time() -> None:
    runner, clock, _seen = runner_with_log()
    actives = {}
    for chat in range(1000):
        clock.now = START + timedelta(milliseconds=chat * 7)  # staggered starts
        actives[chat] = begin(runner, chat)
    clock.now = START + timedelta(seconds=17)  # every first step ended; late by up to 7 s
    assert await runner.tick() == 1000
    for chat in range(0, 1000, 97):
        active = actives[chat]
        assert runner.find(chat, active.token) is active
        started = START + timedelta(milliseconds=chat * 7)
        assert active.session.next_wakeup() == started + timedelta(seconds=25)


async def test_the_loop_ticks_by_itself_and_stops() -> None:
    runner, clock, seen = runner_with_log()
    begin(runner, 1)
    clock.now += timedelta(seconds=10)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop, interval=0.01))
    for _ in range(200):
        if seen:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 2)
    assert seen == [(1, "running", 1)]


async def test_an_idle_runner_sleeps_until_a_session_is_scheduled() -> None:
    runner, clock, seen = runner_with_log()
    ticks = 0
    real_tick = runner.tick

    async def counted() -> int:
        nonlocal ticks
        ticks += 1
        return await real_tick()

    runner.tick = counted  # type: ignore[method-assign]
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop, interval=0.0))
    for _ in range(50):  # with interval 0, a polling loop would tick on every turn
        await asyncio.sleep(0)
    assert ticks == 1  # the first look, then asleep: nobody is in a session
    active = begin(runner, 1)  # scheduling wakes it
    clock.now += timedelta(seconds=10)
    for _ in range(50):
        await asyncio.sleep(0)
        if seen:
            break
    assert seen == [(1, "running", 1)]
    stop.set()
    await asyncio.wait_for(task, 1)
    assert active.session.status is Status.RUNNING
