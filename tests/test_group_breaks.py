"""Group stretch breaks end to end: Start runs the session privately, people are counted once a
week without storing who, and /progress in a group shows the weeks without spamming it.

The real Application and store against the fake Bot API; time moves only with the FakeClock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.edge.delivery import dispatch_due
from tests.e2e import RunningBot, button_data, last_message, running_bot, sent
from tests.e2e import callback_texts as toasts
from tests.fake_telegram import DEFAULT_GROUP_ID, DEFAULT_USER_ID, ApiCall, FakeTelegramServer

GROUP = DEFAULT_GROUP_ID
ADMIN = 7001
MEMBER = DEFAULT_USER_ID
STRANGER = 7002  # a member who never wrote to the bot: it may not message them first
IDLE: dict[str, Any] = {"reminder_poll_seconds": 300}
NEVER_STARTED = "Forbidden: bot can't initiate conversation with a user"


@pytest.fixture
async def bot(fake_telegram: FakeTelegramServer, tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_telegram, tmp_path, **IDLE) as running:
        running.fake.set_member_status(GROUP, ADMIN, "administrator")
        await running.member_change(GROUP, "supergroup", "left", "member")
        panel = last_message(await running.say("/settings", user_id=ADMIN))
        for data in ("gs:t:1000", "gs:d:127", "gs:rem:1"):  # every day at 10:00 UTC
            await running.press(panel, data, user_id=ADMIN)
        yield running
    assert fake_telegram.errors == []


async def stretch_break(bot: RunningBot) -> ApiCall:
    """Move the clock to the next 10:00 UTC and deliver the group's break."""
    now = bot.clock.now()
    target = now.replace(hour=10, minute=0, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    bot.clock.advance(target - now)
    mark = bot.fake.mark()
    await dispatch_due(bot.app)
    (message,) = [c for c in sent(bot.fake.calls[mark:]) if c.params["chat_id"] == GROUP]
    return message


def start_data(message: ApiCall) -> str:
    [data] = [d for d in button_data(message) if d.startswith("st:g:")]
    return data


def to_group(calls: list[ApiCall]) -> list[ApiCall]:
    methods = ("sendMessage", "sendPhoto")
    return [c for c in calls if c.method in methods and c.params.get("chat_id") == GROUP]


def every_value(path: Path) -> set[Any]:
    """Every value in every table of the database (to prove no user id is stored)."""
    with closing(sqlite3.connect(path)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {v for t in tables for row in db.execute(f"SELECT * FROM {t}") for v in row}


async def test_start_runs_the_session_in_the_pressers_private_chat(bot: RunningBot) -> None:
    message = await stretch_break(bot)
    assert "▶️ Start (privately)" in str(message.params["reply_markup"])
    calls = await bot.press(message, start_data(message), user_id=MEMBER)
    assert to_group(calls) == []  # never a word in the group
    [session] = [c for c in calls if c.method in ("sendPhoto", "sendMessage")]
    assert session.params["chat_id"] == MEMBER
    shown = str(session.params.get("caption") or session.params.get("text"))
    assert "how much does your back hurt" in shown.lower()
    assert toasts(calls) == ["▶️ Your guided session is waiting in our private chat."]
    # Start and then Done by the same person: one person this week.
    again = await bot.press(message, button_data(message)[0], user_id=MEMBER)
    assert toasts(again) == [
        "Already counted. ✅ Nice work! 1 person stretched in this group this week."
    ]
    other = await bot.press(message, button_data(message)[0], user_id=ADMIN)
    assert toasts(other) == ["✅ Nice work! 2 people stretched in this group this week."]
    assert to_group(again + other) == []
    assert bot.query("SELECT chat_id, people FROM group_weeks") == [(GROUP, 2)]
    values = every_value(bot.db_path)
    assert MEMBER not in values and ADMIN not in values and str(MEMBER) not in values


async def test_someone_the_bot_cannot_write_to_gets_a_link_not_a_group_message(
    bot: RunningBot,
) -> None:
    message = await stretch_break(bot)
    for method in ("sendMessage", "sendPhoto"):
        bot.fake.fail(method, chat_id=STRANGER, error_code=403, description=NEVER_STARTED)
    calls = await bot.press(message, start_data(message), user_id=STRANGER)
    assert to_group(calls) == []
    [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answer.ok
    kb = bot.app.bot_data.answerer.kb
    exercise = kb.exercises()[0].id  # the first break shows the first exercise
    assert answer.params["url"] == f"https://t.me/BackCareBot?start=stretch-{exercise}"
    assert bot.app.bot_data.sessions is not None and len(bot.app.bot_data.sessions) == 0
    # The link sends "/start stretch-<id>" from the private chat: the session starts there.
    bot.fake.clear_failures()
    calls = await bot.send(f"/start stretch-{exercise}", user_id=STRANGER)
    [session] = [c for c in calls if c.method in ("sendPhoto", "sendMessage") and c.ok][:1]
    assert session.params["chat_id"] == STRANGER
    shown = str(session.params.get("caption") or session.params.get("text"))
    assert "how much does your back hurt" in shown.lower()
    assert "welcome" not in shown.lower()
    # A link to an exercise renamed since then starts the routine rather than failing.
    calls = await bot.send("/start stretch-handstand", user_id=STRANGER)
    shown = " ".join(
        str(c.params.get("caption") or c.params.get("text"))
        for c in calls
        if c.method in ("sendPhoto", "sendMessage")
    )
    assert "The routine" in shown


async def test_people_count_once_a_week_and_again_the_next_week(bot: RunningBot) -> None:
    first = await stretch_break(bot)
    await bot.press(first, button_data(first)[0], user_id=MEMBER)
    second = await stretch_break(bot)  # the next day, same week (Tuesday)
    calls = await bot.press(second, button_data(second)[0], user_id=MEMBER)
    assert toasts(calls)[0].startswith("Already counted.")
    for _ in range(6):  # Wednesday to next Monday, a break each day
        third = await stretch_break(bot)
    calls = await bot.press(third, button_data(third)[0], user_id=MEMBER)
    assert toasts(calls) == ["✅ Nice work! 1 person stretched in this group this week."]
    assert bot.query("SELECT week, people FROM group_weeks ORDER BY week") == [
        ("2025-03-03", 1),
        ("2025-03-10", 1),
    ]
    assert len(bot.app.bot_data.participants) == 1  # last week's key and hashes are gone


async def test_group_progress_shows_the_weeks_at_most_every_ten_minutes(bot: RunningBot) -> None:
    message = await stretch_break(bot)
    for person in (MEMBER, ADMIN, STRANGER):
        await bot.press(message, button_data(message)[0], user_id=person)
    calls = await bot.say("/progress", user_id=MEMBER)
    [photo] = to_group(calls)
    assert photo.method == "sendPhoto" and photo.ok
    caption = str(photo.params["caption"])
    assert "This week: 3 people took part." in caption
    assert "3 Mar: 3" in caption and "never who" in caption
    assert photo.params["photo"].data.startswith(b"\x89PNG")
    assert to_group(await bot.say("/progress", user_id=ADMIN)) == []  # shown just above
    bot.clock.advance(minutes=10)
    assert len(to_group(await bot.say("/progress", user_id=ADMIN))) == 1


async def test_group_progress_without_a_chart_is_text_only(bot: RunningBot) -> None:
    bot.app.bot_data.charts.timeout = 0.0  # a drawer that never finishes in time
    calls = await bot.say("/progress", user_id=MEMBER)
    [message] = to_group(calls)
    assert message.method == "sendMessage"
    assert "This week: 0 people took part." in message.params["text"]


async def test_a_forged_or_stale_group_start_is_answered_kindly(bot: RunningBot) -> None:
    message = await stretch_break(bot)
    rid = start_data(message).split(":")[2]
    for data in (f"st:g:{int(rid) + 5}:0", "st:g:x:1", f"st:g:{rid}"):
        calls = await bot.press(message, data, user_id=MEMBER)
        assert to_group(calls) == [] and len(toasts(calls)) == 1
        assert not [c for c in calls if c.method in ("sendPhoto", "sendMessage")]
    # In a private chat, a group's Start is out of place.
    private = last_message(await bot.send("/help"))
    calls = await bot.press(private, f"st:g:{rid}:0")
    assert toasts(calls) == ["Sorry, that button is out of date."]
