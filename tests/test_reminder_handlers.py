"""Reminders end to end in-process: the real Application and store against the fake Bot API.

Nothing in the bot is mocked: commands and button presses go through the fake server, the
clock is a ``FakeClock``, and deliveries happen when a test calls ``dispatch_due`` (the
periodic task is left idle with a 300 s interval, except in the test that checks it).
Nothing sleeps, apart from the one test of the rate limiter's own 429 retry (about 1 s).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core import callbacks
from bot.core.knowledge import fill
from bot.core.replies import MESSAGE_LIMIT
from bot.edge.delivery import dispatch_due
from bot.services.dispatcher import DispatchReport
from tests.e2e import (
    PRIVATE_SCOPE,
    FakeClock,
    RunningBot,
    button_data,
    button_labels,
    last_message,
    real_knowledge,
    running_bot,
    sent,
)
from tests.e2e import callback_texts as answers
from tests.fake_telegram import DEFAULT_USER_ID, ApiCall, FakeTelegramServer

TEXTS = real_knowledge().texts
USER = DEFAULT_USER_ID
OTHER = 5550001
GROUP = -1001000000077
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # FakeClock's default: a Monday, 09:00 UTC
IDLE: dict[str, Any] = {"reminder_poll_seconds": 300}  # the periodic task never fires during a test


@pytest.fixture
async def bot(fake_telegram: FakeTelegramServer, tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_telegram, tmp_path, **IDLE) as running:
        yield running
    assert fake_telegram.errors == []
    assert fake_telegram.unknown_methods == []


# --- helpers ---------------------------------------------------------------------------------


def edits(calls: list[ApiCall], method: str = "editMessageText") -> list[ApiCall]:
    return [c for c in calls if c.method == method and c.ok]


def is_reminder(call: ApiCall) -> bool:
    return any(data.startswith("r:d:") for data in button_data(call))


async def tick(bot: RunningBot) -> tuple[DispatchReport, list[ApiCall]]:
    """One dispatch pass at the fake clock's time; the calls it made."""
    mark = bot.fake.mark()
    report = await dispatch_due(bot.app)
    return report, [c for c in bot.fake.calls[mark:] if c.method != "getUpdates"]


def reminders(bot: RunningBot, chat_id: int = USER) -> list[tuple[Any, ...]]:
    return bot.query(
        "SELECT id, local_time, days, next_due, enabled FROM reminders WHERE chat_id = ? "
        "ORDER BY id",
        (chat_id,),
    )


def ts(value: datetime) -> int:
    return int(value.timestamp())


async def remind(bot: RunningBot, text: str, user_id: int = USER) -> ApiCall:
    reply = last_message(await bot.send(f"/remind {text}", user_id=user_id))
    assert "Reminder set" in reply.params["text"], reply.params["text"]
    return reply


def assert_fits(call: ApiCall) -> None:
    assert call.ok
    assert 0 < len(call.result["text"]) <= MESSAGE_LIMIT
    assert all(callbacks.fits(d) for d in button_data(call))


# --- menus, /timezone -------------------------------------------------------------------------


async def test_commands_are_in_the_private_menu(bot: RunningBot) -> None:
    private = {c["command"] for c in bot.fake.commands(PRIVATE_SCOPE)}
    assert {"remind", "reminders", "timezone", "privacy", "forget"} <= private


async def test_timezone_alone_shows_the_default_and_stores_nothing(bot: RunningBot) -> None:
    reply = last_message(await bot.send("/timezone"))
    text = reply.params["text"]
    assert "UTC" in text and "(the default)" in text
    assert "/timezone Europe/Berlin" in text
    assert "09:00" in text  # the local time there now
    assert bot.query("SELECT count(*) FROM chats") == [(0,)]  # looking stores nothing


@pytest.mark.parametrize("typed", ["Europe/Berlin", "europe/berlin", "EUROPE/BERLIN"])
async def test_timezone_is_set_case_insensitively(bot: RunningBot, typed: str) -> None:
    reply = last_message(await bot.send(f"/timezone {typed}"))
    assert "Time zone set to <b>Europe/Berlin</b>" in reply.params["text"]
    assert "10:00" in reply.params["text"]  # 09:00 UTC is 10:00 in Berlin in March
    assert bot.query("SELECT timezone FROM chats WHERE chat_id = ?", (USER,)) == [
        ("Europe/Berlin",)
    ]
    shown = last_message(await bot.send("/timezone"))
    assert "Europe/Berlin" in shown.params["text"]
    assert "(the default)" not in shown.params["text"]


async def test_near_miss_timezone_offers_buttons_that_set_it(bot: RunningBot) -> None:
    reply = last_message(await bot.send("/timezone berlin"))
    assert "I don't know the time zone 'berlin'" in reply.params["text"]
    assert "tz:Europe/Berlin" in button_data(reply)
    assert bot.query("SELECT count(*) FROM chats") == [(0,)]
    calls = await bot.press(reply, "tz:Europe/Berlin")
    assert answers(calls) == [""]
    (edited,) = edits(calls)
    assert "Time zone set to <b>Europe/Berlin</b>" in edited.params["text"]
    assert not sent(calls)  # the suggestion message became the confirmation
    assert bot.query("SELECT timezone FROM chats") == [("Europe/Berlin",)]


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("Mars/Olympus_Mons", "I don't know the time zone 'Mars/Olympus_Mons'"),
        ("UTC+2", "change with daylight saving time"),
        ("<script>", "&lt;script&gt;"),
        ("x" * 80, "too long for a time zone name"),
    ],
)
async def test_invalid_timezone_gets_a_kind_message(
    bot: RunningBot, argument: str, expected: str
) -> None:
    reply = last_message(await bot.send(f"/timezone {argument}"))
    assert expected in reply.params["text"]
    assert "/timezone Europe/Berlin" in reply.params["text"]
    assert bot.query("SELECT count(*) FROM chats") == [(0,)]


# --- /remind ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "local_time", "days", "next_due"),
    [
        ("7:30", "07:30", 127, datetime(2025, 3, 4, 7, 30, tzinfo=UTC)),
        ("7.30", "07:30", 127, datetime(2025, 3, 4, 7, 30, tzinfo=UTC)),
        ("7pm", "19:00", 127, datetime(2025, 3, 3, 19, 0, tzinfo=UTC)),
        ("19:00", "19:00", 127, datetime(2025, 3, 3, 19, 0, tzinfo=UTC)),
        ("19:00 mon,wed,fri", "19:00", 0b10101, datetime(2025, 3, 3, 19, 0, tzinfo=UTC)),
        ("7:30 weekdays", "07:30", 0b11111, datetime(2025, 3, 4, 7, 30, tzinfo=UTC)),
        ("7:30 weekends", "07:30", 0b1100000, datetime(2025, 3, 8, 7, 30, tzinfo=UTC)),
    ],
)
async def test_remind_with_a_time_and_days(
    bot: RunningBot, argument: str, local_time: str, days: int, next_due: datetime
) -> None:
    reply = await remind(bot, argument)
    ((_, stored_time, stored_days, due, enabled),) = reminders(bot)
    assert (stored_time, stored_days, due, enabled) == (local_time, days, ts(next_due), 1)
    assert f"{local_time}" in reply.params["text"]
    assert "Times are in <b>UTC</b>" in reply.params["text"]  # the nudge to set a zone
    assert button_data(reply) == ["r:ls"]
    assert_fits(reply)


@pytest.mark.parametrize(
    ("argument", "code", "params"),
    [
        ("25:00", "time_hours_range", {"value": "25:00"}),
        ("7:75", "time_minutes_range", {"value": "7:75"}),
        ("13pm", "time_ampm_range_suggest", {"value": "13pm", "suggestion": "13:00"}),
        ("soon", "time_unreadable", {"value": "soon"}),
        ("7:30 funday", "day_unknown_suggest", {"value": "funday", "suggestion": "sun"}),
        ("7:30 <b>", "day_unknown", {"value": "<b>"}),
        ("7:30 " + "mon " * 100, "remind_too_long", {}),
        ("7:30 to 8:30", "remind_two_times", {"first": "07:30", "second": "08:30"}),
    ],
)
async def test_remind_invalid_arguments_get_kind_messages(
    bot: RunningBot, argument: str, code: str, params: dict[str, str]
) -> None:
    reply = last_message(await bot.send(f"/remind {argument}"))
    text = reply.params["text"]
    assert text == fill(TEXTS[code], **params) + "\n\n" + fill(TEXTS["remind_examples"])
    assert reminders(bot) == []


async def test_remind_with_two_times_says_a_reminder_is_one_time(bot: RunningBot) -> None:
    """Issue #11: "/remind 7:30 to 8:30" answered "I couldn't read the range '-8:30'"."""
    text = last_message(await bot.send("/remind 7:30 to 8:30")).params["text"]
    assert "07:30" in text and "08:30" in text and "range" not in text
    assert reminders(bot) == []
    start = last_message(await bot.send("/remind"))
    await bot.press(start, "r:t:type")
    typed = last_message(await bot.send("7:30-8:30"))  # after "⌨️ Another time" too
    assert typed.params["text"] == fill(TEXTS["remind_two_times"], first="07:30", second="08:30")
    assert reminders(bot) == []
    set_one = last_message(await bot.send("7:30"))  # still waiting for one time
    assert button_data(set_one)[0] == "r:a:0730:21"


async def test_duplicate_and_cap(bot: RunningBot) -> None:
    await remind(bot, "7:30 mon,wed,fri")
    again = last_message(await bot.send("/remind 07:30 fri,mon,wed"))
    assert again.params["text"] == fill(
        TEXTS["reminder_duplicate"], reminder="07:30, Mon, Wed, Fri"
    )
    for hour in range(8, 17):
        await remind(bot, f"{hour}:00")
    assert len(reminders(bot)) == 10
    over = last_message(await bot.send("/remind 18:00"))
    assert over.params["text"] == fill(TEXTS["reminders_too_many"], count=10)
    assert len(reminders(bot)) == 10


async def test_remind_off_removes_all(bot: RunningBot) -> None:
    none = last_message(await bot.send("/remind off"))
    assert "nothing to turn off" in none.params["text"]
    await remind(bot, "7:30")
    await remind(bot, "19:00 weekdays")
    await remind(bot, "7:30", user_id=OTHER)
    reply = last_message(await bot.send("/remind off"))
    assert "removed your 2 reminders" in reply.params["text"]
    assert reminders(bot) == []
    assert len(reminders(bot, OTHER)) == 1  # only this person's


# --- the guided flow ----------------------------------------------------------------------------


async def test_guided_flow_with_buttons(bot: RunningBot) -> None:
    start = last_message(await bot.send("/remind"))
    assert button_labels(start) == ["07:00", "12:30", "18:00", "21:00", "⌨️ Another time"]
    assert reminders(bot) == []
    calls = await bot.press(start, "r:t:1800")
    (days,) = edits(calls)
    assert button_data(days)[0] == "r:a:1800:21"
    assert button_labels(days)[0] == "Mon, Wed, Fri ⭐"
    assert "3-4 times a week" in days.params["text"]
    calls = await bot.press(start, "r:a:1800:21")
    (done,) = edits(calls)
    assert "Reminder set" in done.params["text"]
    assert "18:00, Mon, Wed, Fri" in done.params["text"]
    assert "today at 18:00" in done.params["text"]
    assert reminders(bot) == [(1, "18:00", 21, ts(START.replace(hour=18)), 1)]


async def test_guided_flow_with_a_typed_time(bot: RunningBot) -> None:
    start = last_message(await bot.send("/remind"))
    calls = await bot.press(start, "r:t:type")
    (prompt,) = edits(calls)
    assert "Send me the time" in prompt.params["text"]
    wrong = last_message(await bot.send("7:75"))
    assert "Minutes go from 00 to 59" in wrong.params["text"]  # still waiting for a time
    days = last_message(await bot.send("7:45pm"))
    assert button_data(days)[0] == "r:a:1945:21"
    await bot.press(days, "r:a:1945:31")  # weekdays
    assert reminders(bot) == [(1, "19:45", 31, ts(START.replace(hour=19, minute=45)), 1)]
    # The wait is over: a later time-like text is a question again, not a reminder.
    question = last_message(await bot.send("how do I do pigeon pose"))
    assert "plank" in question.words


async def test_a_question_while_waiting_for_a_time_is_answered(bot: RunningBot) -> None:
    start = last_message(await bot.send("/remind"))
    await bot.press(start, "r:t:type")
    reply = last_message(await bot.send("how do I do pigeon pose"))
    assert "plank" in reply.words
    assert reminders(bot) == []
    after = last_message(await bot.send("7:30"))  # no longer waiting: answered as a question
    assert not button_data(after) or not button_data(after)[0].startswith("r:a:")


async def test_typed_time_with_days_adds_directly(bot: RunningBot) -> None:
    start = last_message(await bot.send("/remind"))
    await bot.press(start, "r:t:type")
    reply = last_message(await bot.send("6:15 tue,thu"))
    assert "Reminder set" in reply.params["text"]
    assert reminders(bot)[0][1:3] == ("06:15", 0b1010)


async def test_deep_link_from_a_group_opens_the_flow(bot: RunningBot) -> None:
    calls = await bot.send("/start remind")
    welcome, flow = sent(calls)
    assert "not medical advice" in welcome.params["text"].lower()
    assert "r:t:0700" in button_data(flow)


# --- /reminders ---------------------------------------------------------------------------------


async def test_list_and_delete_button(bot: RunningBot) -> None:
    empty = last_message(await bot.send("/reminders"))
    assert "no reminders yet" in empty.params["text"]
    await remind(bot, "7:30 mon,wed,fri")
    await remind(bot, "19:00")
    listing = last_message(await bot.send("/reminders"))
    text = listing.params["text"]
    assert "07:30</b>, Mon, Wed, Fri; next: Wed 5 Mar at 07:30" in text
    assert "19:00</b>, every day; next: today at 19:00" in text
    first, second = (row[0] for row in reminders(bot))
    assert button_data(listing) == [f"r:rm:{first}", f"r:rm:{second}", "r:new"]
    calls = await bot.press(listing, f"r:rm:{first}")
    assert answers(calls) == ["🗑 Deleted."]
    (edited,) = edits(calls)
    assert "07:30" not in edited.params["text"] and "19:00" in edited.params["text"]
    assert button_data(edited) == [f"r:rm:{second}", "r:new"]
    assert [row[0] for row in reminders(bot)] == [second]
    again = await bot.press(listing, f"r:rm:{first}")  # the stale button
    assert answers(again) == ["That reminder was already deleted."]
    assert [row[0] for row in reminders(bot)] == [second]


async def test_timezone_change_moves_the_next_delivery(bot: RunningBot) -> None:
    await remind(bot, "7:30")
    assert reminders(bot)[0][3] == ts(datetime(2025, 3, 4, 7, 30, tzinfo=UTC))
    reply = last_message(await bot.send("/timezone Europe/Berlin"))
    assert "next one is tomorrow at 07:30" in reply.params["text"]
    # 07:30 in Berlin (UTC+1 in March) is 06:30 UTC.
    assert reminders(bot)[0][3] == ts(datetime(2025, 3, 4, 6, 30, tzinfo=UTC))
    listing = last_message(await bot.send("/reminders"))
    assert "time zone: Europe/Berlin" in listing.params["text"]
    assert "next: tomorrow at 07:30" in listing.params["text"]
    bot.clock.advance(hours=21, minutes=29)  # 06:29 UTC: not yet
    report, _ = await tick(bot)
    assert report.sent == 0
    bot.clock.advance(minutes=1)
    report, calls = await tick(bot)
    assert report.sent == 1
    assert "It's 07:30" in sent(calls)[0].params["text"]


# --- delivery -------------------------------------------------------------------------------


async def test_due_reminder_is_delivered_exactly_once(bot: RunningBot) -> None:
    await remind(bot, "9:30")
    report, calls = await tick(bot)
    assert report.total == 0 and not sent(calls)  # 09:00: not due yet
    bot.clock.advance(minutes=30)
    mark = bot.fake.mark()
    first, second = await asyncio.gather(dispatch_due(bot.app), dispatch_due(bot.app))
    assert first.sent + second.sent == 1  # concurrent ticks: still once
    (message,) = sent(bot.fake.calls[mark:])
    assert message.params["chat_id"] == USER
    assert message.params["parse_mode"] == "HTML"
    assert button_labels(message) == [
        "✅ Done",
        "⏰ Snooze 30 min",
        "🛑 Stop these reminders",
        "▶️ Start a guided session",
    ]
    rid = reminders(bot)[0][0]
    assert button_data(message) == [
        f"r:d:{rid}:0",
        f"r:s:{rid}:0",
        f"r:x:{rid}",
        f"st:r:{rid}:0",  # a guided session of today's exercise, counted with Done once
    ]
    exercises = bot.app.bot_data.answerer.kb.exercises()
    for step in exercises[0].steps:  # full instructions of the first exercise
        assert step.split("<")[0] in message.params["text"]
    assert_fits(message)
    report, calls = await tick(bot)
    assert report.total == 0 and not sent(calls)
    assert bot.query("SELECT count(*) FROM deliveries") == [(0,)]  # outbox empty
    bot.clock.advance(days=1)
    report, calls = await tick(bot)
    (tomorrow,) = sent(calls)
    assert f"<b>{exercises[1].title}</b>" in tomorrow.params["text"]  # rotation
    assert button_data(tomorrow)[0] == f"r:d:{rid}:1"


async def test_periodic_task_delivers_without_a_manual_tick(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running_bot(fake_telegram, tmp_path, reminder_poll_seconds=0.05) as bot:
        loop = bot.app.bot_data.reminder_loop
        assert loop is not None and loop.running
        await remind(bot, "9:30")
        mark = fake_telegram.mark()
        bot.clock.advance(minutes=30)
        call = await fake_telegram.wait_for_call("sendMessage", is_reminder, after=mark)
        assert call.params["chat_id"] == USER
    assert not loop.running  # cancelled at shutdown
    assert len([c for c in fake_telegram.find_calls("sendMessage") if is_reminder(c)]) == 1


async def deliver(bot: RunningBot, at: str = "9:30") -> ApiCall:
    """Set a daily reminder and deliver its first occurrence; the reminder message."""
    await remind(bot, at)
    bot.clock.advance(minutes=30)
    _, calls = await tick(bot)
    (message,) = sent(calls)
    return message


async def test_done_counts_towards_the_weekly_goal(bot: RunningBot) -> None:
    message = await deliver(bot)
    rid = reminders(bot)[0][0]
    calls = await bot.press(message, f"r:d:{rid}:0")
    assert answers(calls) == ["✅ Nice work! 1 of 3 this week."]
    (markup,) = edits(calls, "editMessageReplyMarkup")
    assert button_data(markup) == [f"r:x:{rid}"]  # Done and Snooze are gone, Stop stays
    again = await bot.press(message, f"r:d:{rid}:0")
    assert answers(again) == ["Already counted. ✅ Nice work! 1 of 3 this week."]
    for seq in (1, 2, 3):
        bot.clock.advance(days=1)
        _, calls = await tick(bot)
        (message,) = sent(calls)
        calls = await bot.press(message, f"r:d:{rid}:{seq}")
        expected = {
            1: "✅ Nice work! 2 of 3 this week.",
            2: "🎉 3 of 3 this week: weekly goal reached!",
            3: "🎉 4 this week, past your goal of 3. Great consistency!",
        }
        assert answers(calls) == [expected[seq]]
    assert bot.query("SELECT count(*) FROM completions WHERE chat_id = ?", (USER,)) == [(4,)]
    for _ in range(4):  # Friday, Saturday, Sunday, then Monday 09:30: a new week
        bot.clock.advance(days=1)
        _, calls = await tick(bot)
    (message,) = sent(calls)
    calls = await bot.press(message, f"r:d:{rid}:7")
    assert answers(calls) == ["✅ Nice work! 1 of 3 this week."]


async def test_weekly_count_starts_monday_in_the_users_zone(bot: RunningBot) -> None:
    await bot.send("/timezone Asia/Tokyo")  # UTC+9: Monday 09:00 UTC is Monday 18:00 there
    message = await deliver(bot, "18:30")
    rid = reminders(bot)[0][0]
    await bot.press(message, f"r:d:{rid}:0")
    # Sunday 14:59 UTC is Sunday 23:59 in Tokyo: same week; a minute later, a new one.
    bot.clock.advance(days=6, hours=5, minutes=29)
    assert bot.clock.now() == datetime(2025, 3, 9, 14, 59, tzinfo=UTC)
    assert answers(await bot.press(message, f"r:d:{rid}:0")) == [
        "Already counted. ✅ Nice work! 1 of 3 this week."
    ]
    bot.clock.advance(minutes=1)
    assert answers(await bot.press(message, f"r:d:{rid}:0")) == [
        "Already counted. ✅ Nice work! 0 of 3 this week."
    ]


async def test_snooze_sends_it_again_in_30_minutes(bot: RunningBot) -> None:
    message = await deliver(bot)
    rid = reminders(bot)[0][0]
    calls = await bot.press(message, f"r:s:{rid}:0")
    assert answers(calls) == ["⏰ Snoozed: I'll remind you again at 10:00."]
    assert bot.query("SELECT snoozed, state, seq FROM deliveries") == [(1, "pending", 0)]
    await bot.press(message, f"r:s:{rid}:0")  # twice: moved, never doubled
    assert bot.query("SELECT count(*) FROM deliveries") == [(1,)]
    bot.clock.advance(minutes=29)
    report, _ = await tick(bot)
    assert report.sent == 0
    bot.clock.advance(minutes=1)
    report, calls = await tick(bot)
    (again,) = sent(calls)
    assert "Snoozed" in again.params["text"]
    assert button_data(again)[0] == f"r:d:{rid}:0"  # the same exercise
    assert message.params["text"].split("\n")[1] == again.params["text"].split("\n")[1]
    report, calls = await tick(bot)
    assert not sent(calls)


async def test_stop_deletes_that_reminder(bot: RunningBot) -> None:
    message = await deliver(bot)
    await remind(bot, "20:00")
    rid = reminders(bot)[0][0]
    calls = await bot.press(message, f"r:x:{rid}")
    assert answers(calls) == ["🛑 Stopped your 09:30, every day reminder. /remind sets a new one."]
    (markup,) = edits(calls, "editMessageReplyMarkup")
    assert button_data(markup) == []
    assert [row[1] for row in reminders(bot)] == ["20:00"]  # only that one
    again = await bot.press(message, f"r:x:{rid}")
    assert answers(again) == ["That reminder was already stopped."]
    bot.clock.advance(days=1)
    _, calls = await tick(bot)
    assert all("20:00" in c.params["text"] for c in sent(calls))


# --- forged and stale buttons -------------------------------------------------------------------


async def test_someone_elses_reminder_ids_are_refused_kindly(bot: RunningBot) -> None:
    await remind(bot, "9:30", user_id=OTHER)
    theirs = reminders(bot, OTHER)[0][0]
    mine = last_message(await bot.send("/reminders"))
    before = bot.query("SELECT * FROM reminders")
    for data, expected in (
        (f"r:rm:{theirs}", "That reminder was already deleted."),
        (f"r:x:{theirs}", "That reminder was already stopped."),
        (f"r:d:{theirs}:0", "That reminder no longer exists, so there's nothing to do."),
        (f"r:s:{theirs}:0", "That reminder no longer exists, so there's nothing to do."),
    ):
        calls = await bot.press(mine, data)
        assert answers(calls) == [expected], data
    assert bot.query("SELECT * FROM reminders") == before
    assert bot.query("SELECT count(*) FROM deliveries") == [(0,)]
    assert bot.query("SELECT count(*) FROM completions") == [(0,)]


@pytest.mark.parametrize(
    "data",
    [
        "r:zzz",
        "r:d:1",
        "r:d:x:y",
        "r:a:0700:0",
        "r:a:2500:21",
        "r:t:9999",
        "r:" + "9" * 62,
        "tz:Nowhere/Land",
        "tz:",
        "p:zzz",
        "p:forget:1",
    ],
)
async def test_junk_data_is_answered_as_out_of_date(bot: RunningBot, data: str) -> None:
    menu = last_message(await bot.send("/reminders"))
    calls = await bot.press(menu, data)
    assert answers(calls) == ["Sorry, that button is out of date."]
    assert not sent(calls) and not edits(calls)
    assert bot.query("SELECT count(*) FROM chats") == [(0,)]


async def test_other_buttons_still_reach_the_question_handler(bot: RunningBot) -> None:
    menu = last_message(await bot.send("/reminders"))
    for data in ("", "zzz"):
        calls = await bot.press(menu, data)
        assert "out of date" in sent(calls)[0].params["text"]
    calls = await bot.press(menu, "exercises")
    assert "There are three exercises" in sent(calls)[0].params["text"]


# --- failures -----------------------------------------------------------------------------------


async def test_blocked_chat_is_paused_while_others_still_get_theirs(bot: RunningBot) -> None:
    await remind(bot, "9:30")
    await remind(bot, "9:30", user_id=OTHER)
    rule = bot.fake.fail("sendMessage", chat_id=USER, error_code=403)
    bot.clock.advance(minutes=30)
    report, calls = await tick(bot)
    assert (report.sent, report.gone) == (1, 1)
    assert [c.params["chat_id"] for c in sent(calls)] == [OTHER]
    assert [row[4] for row in reminders(bot)] == [0]  # paused, kept
    assert bot.query("SELECT count(*) FROM deliveries") == [(0,)]
    bot.clock.advance(days=1)
    report, calls = await tick(bot)
    assert [c.params["chat_id"] for c in sent(calls)] == [OTHER]
    assert rule.hits == 1  # nobody tried the blocked chat again

    bot.fake.clear_failures()  # unblocked; the client sends /start
    calls = await bot.send("/start")
    welcome, back = sent(calls)
    assert "not medical advice" in welcome.params["text"].lower()
    assert "Welcome back" in back.params["text"]
    assert [row[4] for row in reminders(bot)] == [1]
    assert reminders(bot)[0][3] == ts(datetime(2025, 3, 5, 9, 30, tzinfo=UTC))  # nothing missed
    bot.clock.advance(days=1)
    _, calls = await tick(bot)
    assert sorted(c.params["chat_id"] for c in sent(calls)) == [USER, OTHER]
    (plain,) = sent(await bot.send("/start"))  # only paused reminders trigger the note
    assert "Welcome back" not in plain.params["text"]


async def test_block_update_pauses_reminders_at_once(bot: RunningBot) -> None:
    await remind(bot, "9:30")
    await bot.process(
        bot.queue(lambda: bot.fake.chat_member_update(USER, "private", "member", "kicked"))
    )
    assert [row[4] for row in reminders(bot)] == [0]
    bot.clock.advance(minutes=30)
    report, calls = await tick(bot)
    assert report.total == 0 and not calls


async def test_chat_not_found_pauses_that_chat(bot: RunningBot) -> None:
    await remind(bot, "9:30")
    bot.fake.fail(
        "sendMessage", chat_id=USER, error_code=400, description="Bad Request: chat not found"
    )
    bot.clock.advance(minutes=30)
    report, _ = await tick(bot)
    assert report.gone == 1
    assert [row[4] for row in reminders(bot)] == [0]


async def test_rate_limit_is_retried_later_not_lost(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    await remind(bot, "9:30")
    rule = bot.fake.fail("sendMessage", chat_id=USER, error_code=429, retry_after=7, times=1)
    bot.clock.advance(minutes=30)
    report, calls = await tick(bot)
    assert report.retried == 1 and not sent(calls)
    assert rule.hits == 1
    assert bot.query("SELECT state, attempts, not_before FROM deliveries") == [
        ("pending", 1, ts(bot.clock.now() + timedelta(seconds=7)))
    ]
    bot.clock.advance(seconds=6)
    report, _ = await tick(bot)
    assert report.total == 0
    bot.clock.advance(seconds=1)
    report, calls = await tick(bot)
    (message,) = sent(calls)
    assert is_reminder(message)
    _, calls = await tick(bot)
    assert not sent(calls)


@pytest.mark.http
async def test_rate_limiter_retries_429_inside_the_library(
    fake_telegram: FakeTelegramServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with running_bot(fake_telegram, tmp_path, rate_limit=True, **IDLE) as bot:
        await remind(bot, "9:30")
        fake_telegram.fail("sendMessage", chat_id=USER, error_code=429, retry_after=1, times=1)
        bot.clock.advance(minutes=30)
        report, calls = await tick(bot)  # the limiter waits ~1 s and retries by itself
        assert report.sent == 1
        assert [c.error_code for c in calls if c.method == "sendMessage"] == [429, None]


@pytest.mark.http
@pytest.mark.parametrize("code", [500, 502])
async def test_network_error_is_retried_with_backoff(bot: RunningBot, code: int) -> None:
    await remind(bot, "9:30")
    bot.fake.fail("sendMessage", chat_id=USER, error_code=code, times=2)
    bot.clock.advance(minutes=30)
    report, _ = await tick(bot)
    assert report.retried == 1
    bot.clock.advance(seconds=30)  # first backoff: 30 s
    report, _ = await tick(bot)
    assert report.retried == 1
    bot.clock.advance(seconds=59)  # second: 60 s
    report, _ = await tick(bot)
    assert report.total == 0
    bot.clock.advance(seconds=1)
    report, calls = await tick(bot)
    assert report.sent == 1 and len(sent(calls)) == 1
    assert bot.query("SELECT count(*) FROM deliveries") == [(0,)]


@pytest.mark.http
async def test_migrated_group_gets_its_reminder_at_the_new_id(bot: RunningBot) -> None:
    store = bot.app.bot_data.store
    old, new = -4004, -1004004004004
    await store.upsert_chat(old, "group", START)
    await store.add_reminder(old, START.time().replace(minute=30), frozenset(range(7)), START)
    bot.fake.migrate(old, new)
    bot.clock.advance(minutes=30)
    report, calls = await tick(bot)
    assert report.sent == 1
    assert [c.params["chat_id"] for c in calls if c.method == "sendMessage"] == [old, new]
    assert bot.query("SELECT chat_id, kind FROM chats") == [(new, "supergroup")]
    assert bot.query("SELECT chat_id FROM reminders") == [(new,)]


# --- groups -------------------------------------------------------------------------------------


async def test_group_commands_point_to_a_private_chat_without_spam(bot: RunningBot) -> None:
    note = last_message(await bot.send("/remind 7:30", chat_type="supergroup", chat_id=GROUP))
    assert "private chat" in note.params["text"]
    assert note.params["chat_id"] == GROUP
    markup = note.params["reply_markup"]["inline_keyboard"]
    assert markup[0][0]["url"] == "https://t.me/BackCareBot?start=remind"
    for command in ("/reminders", "/timezone Europe/Berlin", "/privacy", "/forget", "/remind"):
        calls = await bot.send(command, chat_type="supergroup", chat_id=GROUP)
        assert not sent(calls), command  # said once; quiet for a while
    bot.clock.advance(minutes=11)
    assert sent(await bot.send("/reminders@BackCareBot", chat_type="supergroup", chat_id=GROUP))
    assert bot.query("SELECT count(*) FROM chats") == [(0,)]
    assert bot.query("SELECT count(*) FROM reminders") == [(0,)]


# --- /privacy and /forget -----------------------------------------------------------------------


async def test_privacy_says_what_is_stored(bot: RunningBot) -> None:
    first = last_message(await bot.send("/privacy"))
    assert "Nothing: you haven't set a reminder or time zone." in first.params["text"]
    await bot.send("/timezone Europe/Berlin")
    await remind(bot, "7:30")
    text = last_message(await bot.send("/privacy")).params["text"]
    for fact in ("chat id", "time zone", "reminder times", "Done", "couldn't answer", "/forget"):
        assert fact.lower() in text.lower(), fact
    assert f"Chat id {USER}, time zone Europe/Berlin, 1 reminder, 0 ✅ Done taps" in text


async def test_forget_leaves_no_row_about_the_user(bot: RunningBot) -> None:
    await bot.send("/timezone Europe/Berlin")
    message = await deliver(bot, "10:30")  # 10:30 Berlin = 09:30 UTC
    rid = reminders(bot)[0][0]
    await bot.press(message, f"r:d:{rid}:0")
    await bot.press(message, f"r:s:{rid}:0")
    await remind(bot, "20:00 weekends")
    await bot.send("what's the capital of France")  # an anonymous unanswered question
    await remind(bot, "10:00", user_id=OTHER)

    confirm = last_message(await bot.send("/forget"))
    assert "2 reminders" in confirm.params["text"]
    assert button_data(confirm) == ["p:forget", "p:keep"]
    kept = await bot.press(confirm, "p:keep")
    assert "nothing was deleted" in edits(kept)[0].params["text"]
    assert len(reminders(bot)) == 2

    calls = await bot.press(confirm, "p:forget")
    assert "deleted everything" in edits(calls)[0].params["text"]
    await bot.write_batches()
    with closing(sqlite3.connect(bot.db_path)) as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        assert {"chats", "reminders", "deliveries", "completions", "unanswered", "stats"} <= set(
            tables
        )
        for table in tables:
            for row in db.execute(f"SELECT * FROM {table}"):
                assert USER not in row and str(USER) not in map(str, row), (table, row)
        assert db.execute("SELECT count(*) FROM unanswered").fetchone() == (1,)  # anonymous
        assert db.execute(
            "SELECT count(*) FROM reminders WHERE chat_id = ?", (OTHER,)
        ).fetchone() == (1,)
    bot.clock.advance(minutes=30)
    _, calls = await tick(bot)
    assert [c.params["chat_id"] for c in sent(calls)] == [OTHER]  # the snooze went too
    after = last_message(await bot.send("/privacy"))
    assert "Nothing: you haven't set a reminder" in after.params["text"]
    stale = await bot.press(message, f"r:d:{rid}:0")
    assert answers(stale) == ["That reminder no longer exists, so there's nothing to do."]
    nothing = last_message(await bot.send("/forget"))
    assert "nothing to delete" in nothing.params["text"] and not button_data(nothing)


# --- restarts -----------------------------------------------------------------------------------


async def test_restart_delivers_the_next_one_once(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    clock = FakeClock()
    async with running_bot(fake_telegram, tmp_path, clock=clock, **IDLE) as bot:
        await remind(bot, "9:30")
        clock.advance(minutes=30)
        report, _ = await tick(bot)
        assert report.sent == 1
    clock.advance(hours=23, minutes=59)  # 09:29 the next day; the bot was down overnight
    mark = fake_telegram.mark()
    async with running_bot(fake_telegram, tmp_path, clock=clock, **IDLE) as bot:
        report, _ = await tick(bot)
        assert report.total == 0  # the first one is not sent again
        clock.advance(minutes=1)
        report, _ = await tick(bot)
        assert report.sent == 1
        report, _ = await tick(bot)
        assert report.total == 0
    delivered = [c for c in fake_telegram.find_calls("sendMessage", after=mark) if is_reminder(c)]
    assert len(delivered) == 1
    assert button_data(delivered[0])[0].endswith(":1")  # seq 1: the next exercise


async def test_a_delivery_interrupted_by_a_crash_is_not_resent(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    clock = FakeClock()
    async with running_bot(fake_telegram, tmp_path, clock=clock, **IDLE) as bot:
        await remind(bot, "9:30")
        clock.advance(minutes=30)
        claimed = await bot.app.bot_data.store.claim_due(clock.now())  # then "the crash"
        assert len(claimed) == 1
    mark = fake_telegram.mark()
    async with running_bot(fake_telegram, tmp_path, clock=clock, **IDLE) as bot:
        assert bot.query("SELECT count(*) FROM deliveries") == [(0,)]  # recover dropped it
        report, _ = await tick(bot)
        assert report.total == 0
        clock.advance(days=1)
        report, _ = await tick(bot)
        assert report.sent == 1
    assert (
        len([c for c in fake_telegram.find_calls("sendMessage", after=mark) if is_reminder(c)]) == 1
    )
