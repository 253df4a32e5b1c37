"""One safety decision everywhere, end to end: private chats, groups and inline mode agree.

The real Application against the fake Bot API: for each message, the private reply, the group reply
and the inline results follow ``Answerer.screen.assess``, and the group's private link opens the
urgent message of the right tier.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.replies import MESSAGE_LIMIT
from tests.e2e import RunningBot, button_data, running_bot, sent
from tests.fake_telegram import DEFAULT_GROUP_ID, FakeTelegramServer

ALARM_EMERGENCY = "havnt had a wee all day and my back hurts"
ALARM_TODAY = "back pain and a temperature of 39"
RULED_OUT = "no fever or anything, how do i do the bridge?"
QUESTION = "what does saddle anaesthesia mean?"
CALM = "how do I do pigeon pose"


@pytest.fixture
async def bot(fake_telegram: FakeTelegramServer, tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_telegram, tmp_path, reminder_poll_seconds=300) as running:
        yield running
    assert fake_telegram.errors == []
    assert fake_telegram.unknown_methods == []


async def inline_results(bot: RunningBot, query: str) -> list[dict[str, Any]]:
    calls = await bot.process(bot.queue(lambda: bot.fake.inline_query(query)))
    (answer,) = [c for c in calls if c.method == "answerInlineQuery"]
    results: list[dict[str, Any]] = answer.params["results"]
    return results


@pytest.mark.parametrize("message", [ALARM_EMERGENCY, ALARM_TODAY, RULED_OUT, QUESTION, CALM])
async def test_private_group_and_inline_follow_the_same_decision(
    bot: RunningBot, message: str
) -> None:
    decision = bot.app.bot_data.answerer.screen.assess(message)
    tier = decision.tier.message if decision.tier is not None else ""

    (private,) = sent(await bot.send(message))
    (group,) = sent(await bot.say(f"/ask {message}"), chat_id=DEFAULT_GROUP_ID)
    results = await inline_results(bot, message)

    if decision.alarm:
        assert "999" in private.words or "111" in private.words
        assert private.words.startswith(tier.split("<b>")[0])
        assert "group chat" in group.params["text"]  # the short public notice
        assert [r["id"] for r in results] == ["urgent"]
    else:
        assert "999" not in private.words
        assert "group chat" not in group.params["text"]
        assert "urgent" not in [r["id"] for r in results]
        assert group.params["text"] == private.words  # the same reply, notes included


async def test_each_tier_gets_its_own_private_link_and_message(bot: RunningBot) -> None:
    (notice,) = sent(await bot.say(f"/ask {ALARM_TODAY}"))
    ((button,),) = notice.params["reply_markup"]["inline_keyboard"]
    assert button["url"] == "https://t.me/BackCareBot?start=urgent-today"
    (private,) = sent(await bot.send("/start urgent-today"))
    assert "see a doctor today" in private.words.lower()
    assert "111" in private.words

    bot.clock.advance(seconds=150)
    (notice,) = sent(await bot.say(f"/ask {ALARM_EMERGENCY}"))
    ((button,),) = notice.params["reply_markup"]["inline_keyboard"]
    assert button["url"] == "https://t.me/BackCareBot?start=urgent"
    (private,) = sent(await bot.send("/start urgent-unknown-tier"))
    assert "999" in private.params["text"]  # an unknown tier falls back to the most urgent


async def test_a_long_private_message_is_screened_before_it_is_called_too_long(
    bot: RunningBot,
) -> None:
    filler = "I have been doing the stretches every day and they mostly help. "
    long_alarm = filler * 20 + "Since yesterday I cannot feel the toilet paper when I wipe. "
    long_alarm += filler * 20
    assert len(long_alarm) <= MESSAGE_LIMIT
    (reply,) = sent(await bot.send(long_alarm))
    assert "999" in reply.params["text"]
    assert not [d for d in button_data(reply) if d.startswith(("f:", "e:"))]

    (reply,) = sent(await bot.send(filler * 40))
    assert "999" not in reply.params["text"]


async def test_a_question_about_a_red_flag_is_explained_inline_too(bot: RunningBot) -> None:
    results = await inline_results(bot, QUESTION)
    assert results[0]["id"] == "red-flag-explained"
    text = results[0]["input_message_content"]["message_text"]
    assert "saddle" in text.lower() and "999" not in text
