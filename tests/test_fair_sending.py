"""Issue #12: under a burst, replies leave in the order people asked (first come, first served).

aiolimiter's bucket lets a request that arrives just as capacity drips back overtake one that
was already waiting, and the overtaken one goes to the back of the line. The turnstile in
``bot/edge/rate_limits.py`` puts one waiter at a time in the bucket, in arrival order.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.ext import AIORateLimiter

from bot.edge.rate_limits import FirstComeFirstServed, GroupSafeRateLimiter


class Drip:
    """A bucket whose capacity comes back only when the test says (no clock). Like aiolimiter's,
    it gives capacity to whoever asks while there is some: a newcomer can overtake a waiter."""

    def __init__(self) -> None:
        self.capacity = 0
        self._waiters: list[asyncio.Future[None]] = []

    async def acquire(self, amount: float = 1) -> None:
        while self.capacity < amount:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter
        self.capacity -= int(amount)

    def drip(self) -> None:
        self.capacity += 1
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def served_order(gated: bool) -> list[int]:
    """Three people wait; then, each time capacity drips back, one more arrives at that moment."""
    bucket = Drip()
    gate = FirstComeFirstServed(bucket)
    served: list[int] = []

    async def ask(person: int) -> None:
        await (gate.acquire() if gated else bucket.acquire())
        served.append(person)

    tasks = [asyncio.create_task(ask(person)) for person in range(3)]
    await settle()
    for person in range(3, 10):
        tasks.append(asyncio.create_task(ask(person)))  # arrives as capacity comes back
        bucket.drip()
        await settle()
    while len(served) < 10:
        bucket.drip()
        await settle()
    await asyncio.gather(*tasks)
    return served


async def test_the_turnstile_serves_people_in_the_order_they_came() -> None:
    assert await served_order(gated=True) == list(range(10))


async def test_without_it_newcomers_overtake_those_waiting() -> None:
    # The same arrivals straight at the bucket: the first three wait until everyone else is served.
    served = await served_order(gated=False)
    assert served != list(range(10))
    assert served[-3:] == [0, 1, 2]


async def burst_through(limiter: AIORateLimiter) -> list[int]:
    """Waves of private-chat sends through a limiter of 4 a tenth of a second."""
    await limiter.initialize()
    sent: list[int] = []

    async def call(person: int) -> dict[str, Any]:
        sent.append(person)
        return {"ok": True}

    async def ask(person: int) -> object:
        data = {"chat_id": 1000 + person, "text": "hi"}
        return await limiter.process_request(call, (person,), {}, "sendMessage", data, None)

    tasks = []
    for wave in range(4):  # a new wave arrives while the last still waits
        tasks += [asyncio.create_task(ask(wave * 6 + i)) for i in range(6)]
        await asyncio.sleep(0.03)
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    await limiter.shutdown()
    return sent


async def test_sends_through_the_bots_rate_limiter_leave_in_arrival_order() -> None:
    limiter = GroupSafeRateLimiter(overall_max_rate=4, overall_time_period=0.1)
    assert await burst_through(limiter) == list(range(24))


async def test_a_read_about_a_chat_still_counts_against_the_overall_limit() -> None:
    limiter = GroupSafeRateLimiter(overall_max_rate=1, overall_time_period=3600)
    await limiter.initialize()

    async def call() -> dict[str, Any]:
        return {"ok": True}

    data = {"chat_id": -100123, "user_id": 5}
    await limiter.process_request(call, (), {}, "getChatMember", data, None)
    second = asyncio.ensure_future(
        limiter.process_request(call, (), {}, "getChatMember", data, None)
    )
    await settle()
    assert not second.done()  # the one call an hour was used by the first read
    second.cancel()
    await limiter.shutdown()
