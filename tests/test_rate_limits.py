"""Issue #11, item 1: reads about a group (getChatMember) never use the group's message bucket,
so a member spamming /settings cannot delay the bot's next messages to the group."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.edge.rate_limits import GroupSafeRateLimiter
from tests.e2e import RunningBot, running_bot, sent
from tests.fake_telegram import DEFAULT_GROUP_ID, FakeTelegramServer

GROUP = DEFAULT_GROUP_ID


async def test_a_read_about_a_group_does_not_wait_for_the_groups_bucket() -> None:
    limiter = GroupSafeRateLimiter(group_max_rate=1, group_time_period=60)
    await limiter.initialize()
    calls: list[str] = []

    async def call(name: str) -> dict[str, Any]:
        calls.append(name)
        return {"ok": True}

    async def request(endpoint: str) -> object:
        return await limiter.process_request(
            call, (endpoint,), {}, endpoint, {"chat_id": GROUP}, None
        )

    await request("sendMessage")  # the group's one message this minute
    # A read goes straight through; with AIORateLimiter itself it would wait a minute.
    await asyncio.wait_for(request("getChatMember"), timeout=5)
    blocked = asyncio.ensure_future(request("sendMessage"))
    await asyncio.sleep(0.05)
    assert not blocked.done()  # the group's bucket still holds messages back
    blocked.cancel()
    await limiter.shutdown()
    assert calls == ["sendMessage", "getChatMember"]


@pytest.fixture
async def bot(fake_telegram: FakeTelegramServer, tmp_path: Any) -> Any:
    async with running_bot(fake_telegram, tmp_path) as running:
        yield running


async def test_settings_spam_from_a_member_costs_one_membership_check(bot: RunningBot) -> None:
    member = 5151
    await bot.member_change(GROUP, "supergroup", "left", "member")
    calls = []
    for _ in range(30):
        calls += await bot.say("/settings", user_id=member)
    checks = [c for c in calls if c.method == "getChatMember"]
    assert len(checks) == 1  # remembered for a minute, "no" included
    assert len(sent(calls)) <= 1  # at most one "admins only" note
