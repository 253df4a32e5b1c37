"""Who may change what: group admins and /settings, and the operators' /stats and /reload.

End to end against the fake Bot API. Admin rights come from the fake's getChatMember (set with
``set_member_status``), asked on every command and every press; callback data is pressed, and
forged, exactly as a client could send it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.knowledge import fill
from bot.edge.handlers import GROUP_ADMIN_COMMANDS, GROUP_COMMANDS, PRIVATE_COMMANDS
from tests.e2e import (
    ADMIN_SCOPE,
    GROUP_SCOPE,
    PRIVATE_SCOPE,
    RunningBot,
    button_data,
    last_message,
    real_knowledge,
    running_bot,
    sent,
)
from tests.fake_telegram import DEFAULT_GROUP_ID, DEFAULT_USER_ID, ApiCall, FakeTelegramServer
from tests.kb_factory import PIGEON, write_kb

GROUP = DEFAULT_GROUP_ID
ADMIN = 7001
CREATOR = 7002
MEMBER = DEFAULT_USER_ID
TEXTS = real_knowledge().texts
OPERATOR = 9001
ADMINS_ONLY = "Only admins of this group can change my settings."
STALE = "Sorry, that button is out of date."


@pytest.fixture
async def bot(fake_telegram: FakeTelegramServer, tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(
        fake_telegram, tmp_path, reminder_poll_seconds=300, admin_user_ids=str(OPERATOR)
    ) as running:
        fake_telegram.set_member_status(GROUP, ADMIN, "administrator")
        fake_telegram.set_member_status(GROUP, CREATOR, "creator")
        yield running
    assert fake_telegram.errors == []
    assert fake_telegram.unknown_methods == []


def acks(calls: list[ApiCall]) -> list[ApiCall]:
    return [c for c in calls if c.method == "answerCallbackQuery"]


def edits(calls: list[ApiCall]) -> list[ApiCall]:
    return [c for c in calls if c.method.startswith("editMessage") and c.ok]


def member_checks(calls: list[ApiCall]) -> list[int]:
    return [int(c.params["user_id"]) for c in calls if c.method == "getChatMember"]


def snapshot(bot: RunningBot) -> list[Any]:
    """Everything the store holds about groups."""
    return [
        bot.query("SELECT * FROM chats ORDER BY chat_id"),
        bot.query("SELECT * FROM reminders ORDER BY id"),
        bot.query("SELECT * FROM deliveries ORDER BY id"),
    ]


async def open_panel(bot: RunningBot, user_id: int = ADMIN) -> ApiCall:
    calls = await bot.say("/settings", user_id=user_id)
    panel = last_message(calls)
    assert all(d.startswith("gs:") for d in button_data(panel)), button_data(panel)
    return panel


def settings_of(bot: RunningBot) -> dict[str, Any]:
    ((raw,),) = bot.query("SELECT settings FROM chats WHERE chat_id = ?", (GROUP,))
    value = json.loads(raw)
    assert isinstance(value, dict)
    return value


# --- menus ---------------------------------------------------------------------------------------


async def test_command_menus_per_audience(bot: RunningBot) -> None:
    private = [c["command"] for c in bot.fake.commands(PRIVATE_SCOPE)]
    group = [c["command"] for c in bot.fake.commands(GROUP_SCOPE)]
    admins = [c["command"] for c in bot.fake.commands(ADMIN_SCOPE)]
    assert private == [name for name, _ in PRIVATE_COMMANDS]
    assert (
        group
        == [name for name, _ in GROUP_COMMANDS]
        == ["ask", "topics", "exercises", "exercise", "help", "progress"]
    )
    assert admins == [name for name, _ in GROUP_ADMIN_COMMANDS] == [*group, "settings"]
    for menu in (private, group, admins):
        assert "stats" not in menu and "reload" not in menu  # operators only, never advertised


# --- /settings: who may open it ------------------------------------------------------------------


@pytest.mark.parametrize("user_id", [ADMIN, CREATOR], ids=["administrator", "creator"])
async def test_admins_and_the_creator_open_the_panel(bot: RunningBot, user_id: int) -> None:
    calls = await bot.say("/settings@BackCareBot", user_id=user_id)
    assert member_checks(calls) == [user_id]
    (panel,) = sent(calls)
    assert panel.params["chat_id"] == GROUP
    text = panel.params["text"]
    assert "only when asked" in text and "Stretch breaks:</b> off" in text and "UTC" in text
    assert "gs:mode:questions" in button_data(panel) and "gs:rem:1" in button_data(panel)
    assert bot.query("SELECT count(*) FROM chats") == [(0,)]  # looking stores nothing


async def test_an_anonymous_admin_opens_the_panel(bot: RunningBot) -> None:
    calls = await bot.say("/settings", sender_chat_id=GROUP)
    assert member_checks(calls) == []  # only admins can post as the group itself
    assert "gs:rem:1" in button_data(last_message(calls))


@pytest.mark.parametrize("status", ["member", "restricted", "left"])
async def test_others_get_one_short_note(bot: RunningBot, status: str) -> None:
    bot.fake.set_member_status(GROUP, MEMBER, status)
    (note,) = sent(await bot.say("/settings"))
    assert note.params["text"] == ADMINS_ONLY
    assert button_data(note) == []
    assert sent(await bot.say("/settings", user_id=5005)) == []  # not again for a while
    assert sent(await bot.say("/settings mode questions")) == []
    bot.clock.advance(minutes=11)
    assert len(sent(await bot.say("/settings"))) == 1
    assert bot.query("SELECT count(*) FROM chats") == [(0,)]


async def test_a_linked_channel_is_not_an_admin(bot: RunningBot) -> None:
    (note,) = sent(await bot.say("/settings", sender_chat_id=-1002999000111))
    assert note.params["text"] == ADMINS_ONLY


async def test_settings_in_a_private_chat_explains_it_is_for_groups(bot: RunningBot) -> None:
    (reply,) = sent(await bot.send("/settings"))
    assert "for groups" in reply.params["text"]
    assert button_data(reply) == []
    calls = await bot.press(reply, "gs:rem:1")  # a forged settings press in a private chat
    assert [a.params.get("text") for a in acks(calls)] == [STALE]
    assert bot.query("SELECT count(*) FROM chats") == [(0,)]


# --- /settings: buttons --------------------------------------------------------------------------

FORGED = [
    "gs:mode:questions",
    "gs:mode:everything",
    "gs:rem:1",
    "gs:t:0300",
    "gs:t:9999",
    "gs:d:127",
    "gs:d:0",
    "gs:z:Asia/Tokyo",
    "gs:z:Mars/Olympus_Mons",
    "gs:x",
    "gs:admin:1",
    "gs:",
]


async def test_non_admins_change_nothing_with_any_button_or_forged_data(bot: RunningBot) -> None:
    await bot.say("/settings timezone Europe/Berlin", user_id=ADMIN)
    panel = await open_panel(bot)
    every = set(button_data(panel))
    for page in ("gs:tp", "gs:dp", "gs:zp"):
        every |= set(button_data(edits(await bot.press(panel, page, user_id=ADMIN))[0]))
        await bot.press(panel, "gs:m", user_id=ADMIN)
    assert len(every) > 40
    before = snapshot(bot)

    presses = sorted(every) + FORGED
    checks: list[int] = []
    for data in presses:
        calls = await bot.press(panel, data, user_id=MEMBER)
        (ack,) = acks(calls)
        assert ack.params["text"] == ADMINS_ONLY and ack.params["show_alert"] is True, data
        assert sent(calls) == [] and edits(calls) == [], data  # an alert, not a group message
        checks += member_checks(calls)
    # Asked of Telegram once; the answer is remembered for a minute, so pressing (or forging)
    # buttons costs the group nothing.
    assert checks == [MEMBER]
    assert snapshot(bot) == before


async def test_an_admin_changes_every_setting(bot: RunningBot) -> None:
    panel = await open_panel(bot)
    message_id = panel.result["message_id"]

    def edited(calls: list[ApiCall]) -> ApiCall:
        (edit,) = edits(calls)
        assert edit.params["message_id"] == message_id  # the panel changes in place
        return edit

    calls = await bot.press(panel, "gs:mode:questions", user_id=ADMIN)
    assert acks(calls)[0].params["text"] == "✅ Saved"
    assert "plain messages" in edited(calls).params["text"]
    assert settings_of(bot)["answer_mode"] == "questions"

    time_page = edited(await bot.press(panel, "gs:tp", user_id=ADMIN))
    assert "gs:t:0700" in button_data(time_page) and "gs:m" in button_data(time_page)
    edited(await bot.press(panel, "gs:t:0800", user_id=ADMIN))
    edited(await bot.press(panel, "gs:dp", user_id=ADMIN))
    edited(await bot.press(panel, "gs:d:31", user_id=ADMIN))
    assert settings_of(bot)["reminder_time"] == "08:00"
    assert settings_of(bot)["reminder_days"] == 31
    assert bot.query("SELECT count(*) FROM reminders") == [(0,)]  # still off

    on = edited(await bot.press(panel, "gs:rem:1", user_id=CREATOR))
    assert "on, 08:00 on weekdays; next: tomorrow at 08:00" in on.params["text"]
    assert bot.query("SELECT local_time, days FROM reminders") == [("08:00", 31)]

    edited(await bot.press(panel, "gs:zp", user_id=ADMIN))
    zone = edited(await bot.press(panel, "gs:z:Asia/Tokyo", user_id=ADMIN))
    assert "Asia/Tokyo" in zone.params["text"]
    assert bot.query("SELECT timezone FROM chats") == [("Asia/Tokyo",)]
    ((next_due,),) = bot.query("SELECT next_due FROM reminders")
    assert next_due == int(bot.clock.now().timestamp()) + 14 * 3600  # 08:00 Tuesday in Tokyo

    done = edited(await bot.press(panel, "gs:x", user_id=ADMIN))
    assert "reply_markup" not in done.params and "/settings" in done.params["text"]


async def test_admin_rights_are_checked_again_after_a_minute(bot: RunningBot) -> None:
    """Telegram's answer is remembered for a minute (so /settings spam costs no calls); a
    demotion takes effect within that minute."""
    panel = await open_panel(bot)
    bot.fake.set_member_status(GROUP, ADMIN, "member")  # demoted while the panel is open
    bot.clock.advance(seconds=61)
    calls = await bot.press(panel, "gs:rem:1", user_id=ADMIN)
    assert acks(calls)[0].params["show_alert"] is True
    assert bot.query("SELECT count(*) FROM reminders") == [(0,)]
    bot.fake.set_member_status(GROUP, ADMIN, "administrator")
    bot.clock.advance(seconds=61)
    await bot.press(panel, "gs:rem:1", user_id=ADMIN)
    assert bot.query("SELECT count(*) FROM reminders") == [(1,)]


@pytest.mark.parametrize("data", ["gs:t:2400", "gs:z:Mars/Olympus_Mons", "gs:d:0", "gs:m:x"])
async def test_invalid_data_from_an_admin_is_stale(bot: RunningBot, data: str) -> None:
    panel = await open_panel(bot)
    before = snapshot(bot)
    calls = await bot.press(panel, data, user_id=ADMIN)
    assert [a.params["text"] for a in acks(calls)] == [STALE]
    assert edits(calls) == [] and sent(calls) == []
    assert snapshot(bot) == before


async def test_settings_by_typing(bot: RunningBot) -> None:
    reply = last_message(await bot.say("/settings timezone europe/berlin", user_id=ADMIN))
    assert "Time zone set to Europe/Berlin" in reply.params["text"]
    reply = last_message(await bot.say("/settings time 7:30 mon-thu", user_id=ADMIN))
    assert "Saved" in reply.params["text"] and "Breaks on" in reply.params["text"]
    assert (settings_of(bot)["reminder_time"], settings_of(bot)["reminder_days"]) == ("07:30", 15)
    await bot.say("/settings days weekends", user_id=ADMIN)
    await bot.say("/settings on", user_id=ADMIN)
    assert bot.query("SELECT local_time, days FROM reminders") == [("07:30", 96)]
    await bot.say("/settings time 18:15", user_id=ADMIN)
    assert bot.query("SELECT local_time, days FROM reminders") == [("18:15", 96)]

    guess = last_message(await bot.say("/settings timezone tokio", user_id=ADMIN))
    assert "gs:z:Asia/Tokyo" in button_data(guess)
    await bot.press(guess, "gs:z:Asia/Tokyo", user_id=ADMIN)
    assert bot.query("SELECT timezone FROM chats") == [("Asia/Tokyo",)]

    examples = fill(TEXTS["settings_typed_examples"])
    for bad, shown in (
        ("/settings time 25:00", fill(TEXTS["time_hours_range"], value="25:00")),
        (
            "/settings days someday",
            fill(TEXTS["day_unknown_suggest"], value="someday", suggestion="mon"),
        ),
        ("/settings volume 11", fill(TEXTS["settings_not_understood"])),
        (
            "/settings time 10:15 to 11",
            fill(TEXTS["settings_two_times"], first="10:15", second="11:00"),
        ),
    ):
        error = last_message(await bot.say(bad, user_id=ADMIN))
        assert error.params["text"] == shown + "\n\n" + examples, bad
    before = snapshot(bot)
    await bot.say("/settings off", user_id=MEMBER)
    assert snapshot(bot) == before


# --- operators -----------------------------------------------------------------------------------


async def test_operator_commands_look_unknown_to_everyone_else(bot: RunningBot) -> None:
    (unknown,) = sent(await bot.send("/nosuchcommand"))
    for command in ("/stats", "/reload"):
        (reply,) = sent(await bot.send(command))
        assert reply.params["text"] == unknown.params["text"]
        assert await bot.say(command, user_id=ADMIN) == []  # a group admin is no operator
        assert await bot.say(command, user_id=OPERATOR) == []  # and nothing leaks in groups


async def test_stats_for_operators(bot: RunningBot) -> None:
    await bot.member_change(GROUP, "supergroup", "left", "member")
    answer = last_message(await bot.send("how do I do pigeon pose"))
    await bot.press(answer, "f:pigeon-pose:1")
    await bot.send("what's the capital of France")
    await bot.send("/remind 7:30")
    (stats,) = sent(await bot.send("/stats", user_id=OPERATOR))
    text = stats.params["text"]
    texts = bot.app.bot_data.answerer.kb.texts
    for key, count in (
        ("stats_private_chats", 1),
        ("stats_groups", 1),
        ("stats_enabled_reminders", 1),
        ("stats_answered", 1),
        ("stats_unanswered", 1),
        ("stats_helpful", 1),
        ("stats_not_helpful", 0),
    ):
        assert fill(texts[key], count=count) in text, key
    assert str(MEMBER) not in text and "France" not in text  # nothing personal


BROKEN = PIGEON.replace("questions:", "questoins:")


async def test_reload_keeps_the_old_knowledge_when_the_new_is_broken(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    knowledge = write_kb(tmp_path / "kb")
    async with running_bot(
        fake_telegram,
        tmp_path,
        knowledge_dir=knowledge,
        admin_user_ids=f"{OPERATOR},123",
        watch_knowledge=False,  # so /reload has to make its own reloader
    ) as bot:
        assert bot.app.bot_data.reloader is None
        pigeon = knowledge / "entries" / "pigeon-pose.yaml"
        pigeon.write_text(BROKEN)
        (report,) = sent(await bot.send("/reload", user_id=OPERATOR))
        text = report.params["text"]
        texts = bot.app.bot_data.answerer.kb.texts  # the knowledge base still in use
        assert text.startswith(fill(texts["reload_failed"], count=2))
        assert "entries/pigeon-pose.yaml:" in text and "questoins" in text  # file:line, problem
        assert "plank" in last_message(await bot.send("how do i do pigeon pose")).params["text"]

        pigeon.write_text(PIGEON.replace("A deep hip stretch", "A deep, reloaded hip stretch"))
        (report,) = sent(await bot.send("/reload", user_id=OPERATOR))
        texts = bot.app.bot_data.answerer.kb.texts
        assert report.params["text"] == fill(texts["reload_done"], count=2)
        answer = last_message(await bot.send("how do i do pigeon pose"))
        assert "A deep, reloaded hip stretch" in answer.params["text"]
        assert bot.app.bot_data.reloader is not None
