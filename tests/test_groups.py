"""The bot in group chats, end to end: the real Application and store against the fake Bot API.

Joining, leaving and migrating; what is answered (commands, mentions, replies to the bot) and
what is left alone (chatter); the duplicate window and the per-group budget (moved by the
FakeClock, never by sleeping); red flags in public; and group stretch breaks through the real
dispatcher. Settings are changed the way admins do it, through /settings and its buttons.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core import callbacks
from bot.core.replies import MESSAGE_LIMIT
from bot.edge.delivery import dispatch_due
from bot.services.dispatcher import DispatchReport
from tests.e2e import RunningBot, button_data, last_message, running_bot, sent
from tests.e2e import callback_texts as toasts
from tests.fake_telegram import DEFAULT_GROUP_ID, DEFAULT_USER_ID, ApiCall, FakeTelegramServer
from tests.postgres_server import PostgresServer

GROUP = DEFAULT_GROUP_ID
OTHER_GROUP = -1001000000555
ADMIN = 7001
MEMBER = DEFAULT_USER_ID
PIGEON = "how do I do pigeon pose"
RED_FLAG = "I suddenly can't control my bladder and my back hurts"
IDLE: dict[str, Any] = {"reminder_poll_seconds": 300}  # the dispatcher never fires during a test


@pytest.fixture
async def bot(
    fake_telegram: FakeTelegramServer, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> AsyncIterator[RunningBot]:
    """The real bot, on each storage backend: SQLite, and PostgreSQL with the group guards,
    settings and conversation context in the database (as replicas run it)."""
    database: dict[str, Any] = {}
    if backend == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        database["database_url"] = await server.new_database()
    async with running_bot(fake_telegram, tmp_path, **IDLE, **database) as running:
        running.fake.set_member_status(GROUP, ADMIN, "administrator")
        yield running
    if backend == "postgres":
        await server.give_back(database["database_url"])
    assert fake_telegram.errors == []
    assert fake_telegram.unknown_methods == []


def fits(call: ApiCall) -> bool:
    return (
        call.ok
        and 0 < len(call.result["text"]) <= MESSAGE_LIMIT
        and all(callbacks.fits(d) for d in button_data(call))
    )


async def tick(bot: RunningBot) -> tuple[DispatchReport, list[ApiCall]]:
    mark = bot.fake.mark()
    report = await dispatch_due(bot.app)
    return report, [c for c in bot.fake.calls[mark:] if c.method != "getUpdates"]


async def set_up(bot: RunningBot, *data: str, chat_id: int = GROUP) -> None:
    """An admin opens /settings and presses ``data`` in order."""
    panel = last_message(await bot.say("/settings", chat_id=chat_id, user_id=ADMIN))
    for item in data:
        calls = await bot.press(panel, item, user_id=ADMIN)
        assert "Only admins" not in " ".join(toasts(calls)), item


def settings_json(bot: RunningBot, chat_id: int = GROUP) -> str:
    rows = bot.query("SELECT settings FROM chats WHERE chat_id = ?", (chat_id,))
    return str(rows[0][0]) if rows else ""


# --- joining, leaving, migrating ---------------------------------------------------------------


async def test_added_to_a_group_says_hello_once(bot: RunningBot) -> None:
    calls = await bot.member_change(GROUP, "supergroup", "left", "member")
    (hello,) = sent(calls)
    assert hello.params["chat_id"] == GROUP
    assert "/settings" in hello.params["text"] and "/ask" in hello.params["text"]
    assert bot.query("SELECT chat_id, kind FROM chats") == [(GROUP, "supergroup")]
    # Made an admin later, or re-sent the same status: already there, nothing to say.
    assert sent(await bot.member_change(GROUP, "supergroup", "member", "administrator")) == []
    assert sent(await bot.member_change(GROUP, "supergroup", "administrator", "member")) == []
    # A channel is not a group: nothing happens.
    assert await bot.member_change(-1009999, "channel", "left", "administrator") == []
    assert bot.query("SELECT count(*) FROM chats") == [(1,)]


@pytest.mark.parametrize("gone", ["left", "kicked"])
async def test_removed_from_a_group_deletes_its_data(bot: RunningBot, gone: str) -> None:
    for chat in (GROUP, OTHER_GROUP):
        await bot.member_change(chat, "supergroup", "left", "member")
        bot.fake.set_member_status(chat, ADMIN, "administrator")
        await set_up(bot, "gs:mode:questions", "gs:t:0930", "gs:rem:1", chat_id=chat)
    await bot.say("/settings timezone Europe/Berlin", user_id=ADMIN)
    bot.clock.advance(minutes=30)  # 09:30 UTC: OTHER_GROUP's break is due (GROUP's is in Berlin)
    _, calls = await tick(bot)
    await bot.press(sent(calls)[0], button_data(sent(calls)[0])[0], user_id=MEMBER)
    assert bot.query("SELECT chat_id, people FROM group_weeks") == [(OTHER_GROUP, 1)]

    calls = await bot.member_change(OTHER_GROUP, "supergroup", "member", gone)
    assert sent(calls) == []  # nothing to say to a group that removed the bot
    assert bot.query("SELECT chat_id FROM chats") == [(GROUP,)]
    assert bot.query("SELECT DISTINCT chat_id FROM reminders") == [(GROUP,)]
    assert bot.query("SELECT count(*) FROM group_weeks") == [(0,)]
    assert bot.query("SELECT count(*) FROM deliveries WHERE chat_id = ?", (OTHER_GROUP,)) == [(0,)]
    assert len(bot.app.bot_data.participants) == 0  # the week's keyed hashes went too

    # Added again later: a fresh start, with the defaults.
    hello = sent(await bot.member_change(OTHER_GROUP, "supergroup", gone, "member"))
    assert len(hello) == 1
    assert settings_json(bot, OTHER_GROUP) == "{}"
    assert await bot.say(PIGEON, chat_id=OTHER_GROUP) == []  # back to "only when asked"


async def test_migration_to_a_supergroup_keeps_settings_and_reminders(bot: RunningBot) -> None:
    old, new = -4001, -1004001
    await bot.member_change(old, "group", "left", "member")
    bot.fake.set_member_status(old, ADMIN, "creator")
    await set_up(bot, "gs:mode:questions", "gs:t:1100", "gs:d:127", "gs:rem:1", chat_id=old)
    await bot.say("/settings timezone Europe/Berlin", chat_id=old, chat_type="group", user_id=ADMIN)

    await bot.process(bot.queue(lambda: bot.fake.migrate(old, new, with_migrate_from=True)))
    answer = last_message(await bot.say(PIGEON, chat_id=new))  # "questions" mode came along
    assert answer.params["chat_id"] == new and "plank" in answer.params["text"]

    assert bot.query("SELECT chat_id, kind, timezone FROM chats") == [
        (new, "supergroup", "Europe/Berlin")
    ]
    assert '"answer_mode":"questions"' in settings_json(bot, new)
    assert bot.query("SELECT chat_id FROM reminders") == [(new,)]
    bot.clock.advance(minutes=1)
    assert await bot.say(PIGEON, chat_id=new) == []  # the duplicate window moved too
    bot.clock.advance(hours=1)  # 11:01 in Berlin
    report, calls = await tick(bot)
    assert report.sent == 1
    assert [c.params["chat_id"] for c in sent(calls)] == [new]


# --- what is answered and what isn't -------------------------------------------------------------


async def test_mentions_replies_and_commands_are_answered(bot: RunningBot) -> None:
    ask = bot.queue(lambda: bot.fake.send_text(f"@BackCareBot {PIGEON}?", chat_type="supergroup"))
    (answer,) = sent(await bot.process(ask))
    assert "plank" in answer.params["text"]
    assert answer.result["reply_to_message"]["message_id"] == ask["message"]["message_id"]
    assert "f:pigeon-pose:1" in button_data(answer)
    assert fits(answer)

    (howto,) = sent(await bot.say("@BackCareBot"))
    assert "@BackCareBot" in howto.params["text"] and "/ask" in howto.params["text"]

    (follow_up,) = sent(await bot.say("how often should I stretch", reply_to_message=answer))
    assert "How often to stretch" in follow_up.params["text"]

    other = bot.queue(lambda: bot.fake.send_text("nice", chat_type="supergroup", user_id=ADMIN))
    await bot.process(other)
    assert await bot.say("how do I do bridge pose", reply_to_message=other["message"]) == []

    (command,) = sent(await bot.say("/ask@BackCareBot how do I do bridge pose"))
    assert "Bridge" in command.params["text"]
    (exercise,) = sent(await bot.say("/exercise hip flexor stretch"))
    assert "f:hip-flexor-stretch:1" in button_data(exercise)
    (usage,) = sent(await bot.say("/ask"))
    assert "How to ask me in this group" in usage.params["text"]
    assert "/ask" in usage.params["text"] and "/settings" in usage.params["text"]
    assert "/remind" not in usage.params["text"]  # the private help is not for groups
    assert await bot.say("/help") == []  # the same help, just shown: not again
    (hello,) = sent(await bot.say("/start@BackCareBot"))
    assert "/settings" in hello.params["text"]


async def test_other_chatter_is_ignored(bot: RunningBot) -> None:
    for chatter in (
        "lol my back hurts after that party",
        PIGEON,
        "what's the capital of France",
        "email support@BackCareBot.example about it",
        "/unknowncommand",
        "/ask@SomeOtherBot how often",
    ):
        assert await bot.say(chatter) == [], chatter
    # An anonymous admin writes "from" a bot account, as the group: still a person asking.
    (answer,) = sent(await bot.say(f"@BackCareBot {PIGEON}", sender_chat_id=GROUP))
    assert "plank" in answer.params["text"]


async def test_addressed_fallback_is_short_and_unsure_offers_buttons(bot: RunningBot) -> None:
    (fallback,) = sent(await bot.say("@BackCareBot what's the capital of France"))
    assert "only know about hip flexors" in fallback.params["text"]
    assert len(fallback.params["text"]) < 200
    assert button_data(fallback) == []
    await bot.write_batches()
    assert bot.query("SELECT text, reason FROM unanswered") == [
        ("what's the capital of France", "fallback")
    ]
    (unsure,) = sent(await bot.say("/ask stretch"))
    assert unsure.params["text"] != fallback.params["text"]
    assert button_data(unsure)  # "Did you mean ...?" buttons are fine in groups


async def test_questions_mode_answers_confident_plain_questions_only(bot: RunningBot) -> None:
    await set_up(bot, "gs:mode:questions")
    (answer,) = sent(await bot.say(PIGEON))
    assert "plank" in answer.params["text"]
    for chatter in (
        "lol see you all tomorrow",  # close to "when to see a professional", but no question
        "I sit all day at work",
        "what's the capital of France",
        "stretch",
    ):
        assert await bot.say(chatter) == [], chatter
    (question,) = sent(await bot.say("anyone tried yoga for tight hips?"))
    assert "Yoga" in question.params["text"]
    (notice,) = sent(await bot.say(RED_FLAG))  # safety first, even in chatter
    assert "urgent" in notice.params["text"]
    await set_up(bot, "gs:mode:mentions")
    assert await bot.say("how do I do bridge pose") == []


# --- duplicates, budget ------------------------------------------------------------------------


async def test_the_same_question_is_not_answered_twice_in_a_row(bot: RunningBot) -> None:
    assert len(sent(await bot.say(f"/ask {PIGEON}"))) == 1
    assert await bot.say("@BackCareBot How do I do the Pigeon-Pose??") == []
    bot.clock.advance(minutes=1)
    assert await bot.say(f"/ask {PIGEON}", user_id=ADMIN) == []
    assert len(sent(await bot.say(f"/ask {PIGEON}", chat_id=OTHER_GROUP))) == 1  # per group
    assert len(sent(await bot.say("/ask how do I do bridge pose"))) == 1
    bot.clock.advance(minutes=1)  # two minutes after the answer
    assert len(sent(await bot.say(f"/ask {PIGEON}"))) == 1

    topics = last_message(await bot.say("/topics"))
    assert await bot.say("/topics") == []
    first = await bot.press(topics, "e:sitting-and-hip-flexors")
    assert len(sent(first)) == 1
    again = await bot.press(topics, "e:sitting-and-hip-flexors", user_id=ADMIN)
    assert sent(again) == []
    assert toasts(again) == ["☝️ That was just answered above."]


WORDS = (
    "bananas volcanoes guitars penguins satellites tornadoes umbrellas dolphins pyramids glaciers "
    "saxophones kangaroos lighthouses meteorites orchestras submarines trampolines waterfalls "
    "zeppelins xylophones"
).split()


async def test_per_group_budget_goes_silent_then_recovers(bot: RunningBot) -> None:
    replies = 0
    for word in WORDS:
        replies += len(sent(await bot.say(f"/ask {word}")))
        bot.clock.advance(seconds=1)
    assert replies == 18  # 20 a minute, 2 kept for urgent notices; no queue, no flood
    (notice,) = sent(await bot.say(f"/ask {RED_FLAG}"))
    assert "urgent" in notice.params["text"]
    assert len(sent(await bot.say("/ask what are hip flexors", chat_id=OTHER_GROUP))) == 1
    assert await bot.say("/ask how do I do bridge pose") == []
    bot.clock.advance(seconds=60)
    assert len(sent(await bot.say("/ask how do I do bridge pose"))) == 1


# --- red flags -----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["/ask {}", "@BackCareBot {}"])
async def test_red_flag_in_a_group_gets_a_short_notice_and_a_private_link(
    bot: RunningBot, form: str
) -> None:
    (notice,) = sent(await bot.say(form.format(RED_FLAG)))
    text = notice.params["text"]
    assert "urgent" in text.lower() and "group chat" in text
    for symptom in ("bladder", "control", "back hurts"):
        assert symptom not in text.lower()  # never echoed in public
    ((button,),) = notice.params["reply_markup"]["inline_keyboard"]
    assert button["url"] == "https://t.me/BackCareBot?start=urgent"
    assert button_data(notice) == []  # no answer, no feedback buttons
    assert len(sent(await bot.say(form.format(RED_FLAG), user_id=ADMIN))) == 1  # not deduplicated

    (private,) = sent(await bot.send("/start urgent"))
    assert private.params["chat_id"] == MEMBER
    assert "emergency" in private.params["text"].lower()


# --- group stretch breaks ------------------------------------------------------------------------


async def test_group_stretch_break_is_delivered_once_and_done_counts_per_chat(
    bot: RunningBot,
) -> None:
    await set_up(bot, "gs:t:1000", "gs:d:127", "gs:rem:1")
    ((rid, local_time, days),) = bot.query(
        "SELECT id, local_time, days FROM reminders WHERE chat_id = ?", (GROUP,)
    )
    assert (local_time, days) == ("10:00", 127)
    bot.clock.advance(minutes=59)
    report, _ = await tick(bot)
    assert report.total == 0
    bot.clock.advance(minutes=1)
    report, calls = await tick(bot)
    (message,) = sent(calls)
    assert report.sent == 1 and message.params["chat_id"] == GROUP
    assert message.params["text"].startswith("🧘 <b>Stretch break!</b>")
    assert button_data(message) == [f"r:d:{rid}:0", f"st:g:{rid}:0"]
    assert fits(message)
    report, calls = await tick(bot)
    assert report.total == 0 and sent(calls) == []

    assert toasts(await bot.press(message, f"r:d:{rid}:0", user_id=MEMBER)) == [
        "✅ Nice work! 1 person stretched in this group this week."
    ]
    assert toasts(await bot.press(message, f"r:d:{rid}:0", user_id=ADMIN)) == [
        "✅ Nice work! 2 people stretched in this group this week."
    ]
    again = await bot.press(message, f"r:d:{rid}:0", user_id=MEMBER)
    assert toasts(again) == [
        "Already counted. ✅ Nice work! 2 people stretched in this group this week."
    ]
    assert bot.query("SELECT chat_id, people FROM group_weeks") == [(GROUP, 2)]  # no user ids
    assert bot.query("SELECT count(*) FROM completions") == [(0,)]
    # Anyone may press Done, but not stop or snooze the group's reminder with forged data.
    for forged in (f"r:x:{rid}", f"r:s:{rid}:0", f"r:rm:{rid}", "r:new"):
        calls = await bot.press(message, forged, user_id=MEMBER)
        assert toasts(calls) == ["Sorry, that button is out of date."] and not sent(calls)
    assert bot.query("SELECT count(*) FROM reminders WHERE enabled = 1") == [(1,)]

    bot.clock.advance(days=1)
    report, calls = await tick(bot)
    assert report.sent == 1
    assert button_data(sent(calls)[0]) == [f"r:d:{rid}:1", f"st:g:{rid}:1"]  # the next exercise


async def test_turning_breaks_off_removes_the_reminder(bot: RunningBot) -> None:
    await set_up(bot, "gs:rem:1")
    assert bot.query("SELECT local_time, days FROM reminders") == [("12:30", 21)]
    await set_up(bot, "gs:t:1800")
    assert bot.query("SELECT local_time FROM reminders") == [("18:00",)]
    await set_up(bot, "gs:rem:0")
    assert bot.query("SELECT count(*) FROM reminders") == [(0,)]
    bot.clock.advance(days=7)
    report, _ = await tick(bot)
    assert report.total == 0


async def test_personal_reminder_commands_point_admins_to_settings(bot: RunningBot) -> None:
    (note,) = sent(await bot.say("/remind 7:30"))
    assert "private chat" in note.params["text"] and "/settings" in note.params["text"]


@pytest.mark.parametrize("data", ["e:no-such-entry", "zzz", "e:", "f:sitting:7", "topicsX"])
async def test_forged_or_stale_buttons_in_a_group_get_an_alert_never_a_message(
    bot: RunningBot, data: str
) -> None:
    """Issue #11, item 9: anyone can forge callback data; in a group that must not make the
    bot post (two forged presses used to post two 'out of date' messages)."""
    topics = last_message(await bot.say("/topics"))
    for _ in range(2):
        calls = await bot.press(topics, data)
        assert sent(calls) == []
        alerts = [c for c in calls if c.method == "answerCallbackQuery"]
        assert len(alerts) == 1 and alerts[0].params.get("show_alert") in (True, "true")
    # A live button still answers in the group.
    assert len(sent(await bot.press(topics, "e:sitting-and-hip-flexors"))) == 1
