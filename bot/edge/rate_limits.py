"""Rate limits that serve people in the order they asked, and that no group member can turn
against the group.

**First come, first served.** python-telegram-bot's AIORateLimiter keeps Telegram's overall
limit (~30 messages a second) with an aiolimiter leaky bucket. That bucket is not a queue: when
capacity drips back, the waiter it wakes must still win a race against every request arriving
in that moment, and a waiter that loses goes to the *back* of the line. Under a burst (200 people
asking at once, each reply reaching the bucket a few milliseconds after the last because
answering takes CPU) some people waited twice as long as a queue would make them. Here requests
pass a FIFO turnstile (an ``asyncio.Lock``, which wakes its waiters in order and lets no newcomer
jump them) before the overall bucket, so only the head of the line ever waits in the bucket:
replies go out in the order their handlers asked to send them. Handlers still run concurrently
(``concurrent_updates``), so a slow chat holds up nobody's answering, only its own send.
Reminder deliveries share the line; the dispatcher keeps at most 20 in flight, so a reply waits
behind at most those.

**Groups.** AIORateLimiter counts every call that names a group chat against that group's bucket
(20 a minute), reads such as getChatMember included. A member spamming /settings or forged
settings buttons made the bot's next real messages to the group wait, a red-flag notice among
them. Reads post nothing into the group, so they skip the group bucket here (the overall limit
and the RetryAfter handling still apply to them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter

__all__ = ["READS", "FirstComeFirstServed", "GroupSafeRateLimiter"]

JSONDict = dict[str, Any]  # python-telegram-bot's own alias lives in a private module
Result = bool | JSONDict | list[JSONDict]

# Bot API methods that read about a chat and send nothing to it.
READS = frozenset({"getChatMember", "getChatAdministrators", "getChat", "getChatMemberCount"})


class Bucket(Protocol):
    """What the turnstile needs of a rate limiter (aiolimiter's AsyncLimiter has it)."""

    async def acquire(self, amount: float = 1) -> None:
        """Return once ``amount`` of capacity is taken (waiting for it if need be)."""
        ...


class FirstComeFirstServed:
    """A rate limiter entered strictly in arrival order: one waiter in the bucket at a time."""

    def __init__(self, bucket: Bucket) -> None:
        self._bucket = bucket
        self._turn = asyncio.Lock()  # FIFO: release wakes the oldest waiter, no barging

    async def acquire(self) -> None:
        """Wait for this caller's turn, then for the bucket's capacity."""
        async with self._turn:
            await self._bucket.acquire()


class GroupSafeRateLimiter(AIORateLimiter):
    """AIORateLimiter whose overall limit is first come, first served, and whose group buckets
    do not count reads about the group."""

    def __init__(
        self,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        overall_time_period: float = 1,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        group_time_period: float = 60,
        max_retries: int = 0,
    ) -> None:
        # The parent keeps the group buckets and the RetryAfter handling; the overall bucket is
        # ours (0 turns the parent's off), behind the turnstile.
        super().__init__(
            overall_max_rate=0,
            overall_time_period=0,
            group_max_rate=group_max_rate,
            group_time_period=group_time_period,
            max_retries=max_retries,
        )
        self._overall: FirstComeFirstServed | None = None
        if overall_max_rate and overall_time_period:
            bucket = AsyncLimiter(max_rate=overall_max_rate, time_period=overall_time_period)
            self._overall = FirstComeFirstServed(bucket)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        overall = self._overall
        if overall is not None and data.get("chat_id") is not None:
            # As in AIORateLimiter, calls about a chat count against the overall limit; the
            # wait for our turn happens after the group's bucket and after any RetryAfter
            # pause, right before the call itself (and again on each retry).
            send = callback

            async def in_turn(*call_args: Any, **call_kwargs: Any) -> Result:
                await overall.acquire()
                return await send(*call_args, **call_kwargs)

            callback = in_turn
        if endpoint in READS and "chat_id" in data:
            # The same request without the chat: the group's bucket is not used.
            data = {key: value for key, value in data.items() if key != "chat_id"}
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
