"""Guided sessions and /progress end to end: the real bot, the fake Bot API, a fake clock.

Time moves only when a test moves the FakeClock; ``tick`` then runs the bot's own session
scheduler once (the same pass its timer task runs), so nothing sleeps.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from bot.core.knowledge import load_knowledge
from bot.core.sessions.plan import plan_for
from tests.e2e import FakeClock, RunningBot, last_message, running_bot
from tests.fake_telegram import DEFAULT_USER_ID, ApiCall, FakeTelegramServer

KB = load_knowledge(Path(__file__).resolve().parent.parent / "knowledge")
USER = DEFAULT_USER_ID


@pytest.fixture
async def bot(fake_telegram: FakeTelegramServer, tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_telegram, tmp_path) as running:
        yield running


async def tick(bot: RunningBot) -> None:
    runner = bot.app.bot_data.sessions
    assert runner is not None
    await runner.tick()


def text_of(bot: RunningBot, message_id: int) -> str:
    stored = bot.fake.message(USER, message_id)
    assert stored is not None
    return str(stored.get("text") or stored.get("caption") or "")


def buttons_of(bot: RunningBot, message_id: int) -> list[str]:
    stored = bot.fake.message(USER, message_id) or {}
    rows = (stored.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


def action(message: ApiCall | int, bot: RunningBot, name: str) -> str:
    message_id = message if isinstance(message, int) else message.result["message_id"]
    [data] = [d for d in buttons_of(bot, message_id) if d.endswith(f":{name}")]
    return data


async def start(bot: RunningBot, command: str) -> int:
    calls = await bot.send(command)
    [message] = [c for c in calls if c.method in ("sendPhoto", "sendMessage") and c.ok]
    shown = message.params.get("caption") or message.params.get("text")
    assert "how much does your back hurt" in str(shown).lower()
    return int(message.result["message_id"])


def edits(calls: list[ApiCall]) -> int:
    methods = ("editMessageText", "editMessageCaption", "editMessageMedia")
    return sum(1 for c in calls if c.method in methods and c.ok)


async def press(bot: RunningBot, message_id: int, data: str) -> list[ApiCall]:
    return await bot.press(message_id, data, chat_id=USER)


async def run_to_end(bot: RunningBot, message_id: int, seconds: int) -> int:
    """Let the clock run second by second through the session; returns the edits it caused."""
    mark = bot.fake.mark()
    for _ in range(seconds):
        bot.clock.advance(seconds=1)
        await tick(bot)
    return edits(bot.fake.calls[mark:])


@pytest.mark.parametrize("exercise", ["hip-flexor-stretch", "pigeon-pose", "bridge-pose", None])
async def test_a_whole_session_edits_its_message_only_at_phase_changes(
    bot: RunningBot, exercise: str | None
) -> None:
    plan = plan_for(KB, exercise)
    assert plan is not None
    name = {None: "", "hip-flexor-stretch": " hip flexor stretch"}.get(
        exercise, f" {str(exercise).split('-')[0]}"
    )
    message_id = await start(bot, f"/stretch{name}")
    calls = await press(bot, message_id, action(message_id, bot, "3"))
    assert "Get into position" in text_of(bot, message_id)
    assert edits(calls) == 1
    changes = await run_to_end(bot, message_id, plan.total_seconds)
    assert changes == len(plan.steps)  # every later step, then the pain question: no more
    assert "How much does your back hurt now" in text_of(bot, message_id)
    await press(bot, message_id, action(message_id, bot, "2"))
    assert "Session done!" in text_of(bot, message_id)
    assert "1 of 3 this week" in text_of(bot, message_id)
    assert buttons_of(bot, message_id) == []
    rows = bot.query("SELECT chat_id, exercises FROM stretch_sessions")
    assert rows == [(USER, ",".join(plan.exercise_ids))]
    scores = bot.query("SELECT moment, score FROM pain_scores ORDER BY moment")
    assert scores == [("after", 2), ("before", 3)]


async def test_pause_skip_and_stop(bot: RunningBot) -> None:
    message_id = await start(bot, "/stretch pigeon")
    await press(bot, message_id, action(message_id, bot, "none"))  # skip the score
    await press(bot, message_id, action(message_id, bot, "skip"))  # skip getting into position
    assert "Side 1: hold" in text_of(bot, message_id)
    bot.clock.advance(seconds=5)
    await press(bot, message_id, action(message_id, bot, "pause"))
    assert "Paused" in text_of(bot, message_id)
    bot.clock.advance(minutes=10)
    await tick(bot)
    assert "Paused" in text_of(bot, message_id)  # no timer runs while paused
    await press(bot, message_id, action(message_id, bot, "resume"))
    bot.clock.advance(seconds=10)
    await tick(bot)
    assert "Halfway" in text_of(bot, message_id)
    await press(bot, message_id, action(message_id, bot, "stop"))
    assert "Session stopped" in text_of(bot, message_id)
    assert bot.query("SELECT count(*) FROM stretch_sessions") == [(0,)]


async def test_pain_higher_after_stops_with_advice(bot: RunningBot) -> None:
    message_id = await start(bot, "/stretch bridge")
    await press(bot, message_id, action(message_id, bot, "2"))
    plan = plan_for(KB, "bridge-pose")
    assert plan is not None
    bot.clock.advance(seconds=plan.total_seconds)
    await tick(bot)
    await press(bot, message_id, action(message_id, bot, "6"))
    text = text_of(bot, message_id)
    assert "Your pain is higher than before (2 → 6)" in text
    assert "Don't push through pain" in text and "physical therapist" in text
    assert bot.query("SELECT moment, score FROM pain_scores ORDER BY moment") == [
        ("after", 6),
        ("before", 2),
    ]


async def test_this_hurts_stops_at_once(bot: RunningBot) -> None:
    message_id = await start(bot, "/stretch")
    await press(bot, message_id, action(message_id, bot, "4"))
    bot.clock.advance(seconds=20)
    await tick(bot)
    await press(bot, message_id, action(message_id, bot, "hurt"))
    assert "Session stopped." in text_of(bot, message_id)
    assert "Don't push through pain" in text_of(bot, message_id)
    bot.clock.advance(minutes=5)
    mark = bot.fake.mark()
    await tick(bot)
    assert edits(bot.fake.calls[mark:]) == 0  # its timer is gone


async def test_a_red_flag_mid_session_gets_the_urgent_notice_first(bot: RunningBot) -> None:
    message_id = await start(bot, "/stretch pigeon")
    await press(bot, message_id, action(message_id, bot, "3"))
    calls = await bot.send("I suddenly can't control my bladder")
    first = next(c for c in calls if c.method == "sendMessage")
    assert "urgent" in first.words.lower()


async def test_a_restart_mid_session_ends_it_kindly(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    clock = FakeClock()
    async with running_bot(fake_telegram, tmp_path, clock=clock) as bot:
        message_id = await start(bot, "/stretch pigeon")
        await press(bot, message_id, action(message_id, bot, "3"))
        pause = action(message_id, bot, "pause")
    # the shutdown said so in the session message, and left no buttons to press
    assert "ended because I restarted" in text_of(bot, message_id)
    assert buttons_of(bot, message_id) == []
    async with running_bot(fake_telegram, tmp_path, clock=clock) as again:
        clock.advance(minutes=1)
        await tick(again)  # nothing left to fire
        calls = await press(again, message_id, pause)  # an old button from before the restart
        toast = [c for c in calls if c.method == "answerCallbackQuery"]
        assert toast and toast[0].params.get("text") == "This session has ended."


async def test_a_new_session_stops_the_old_one(bot: RunningBot) -> None:
    first = await start(bot, "/stretch pigeon")
    second = await start(bot, "/stretch bridge")
    assert "Session stopped" in text_of(bot, first) and buttons_of(bot, first) == []
    calls = await press(bot, second, action(second, bot, "1"))
    assert edits(calls) == 1


async def test_unknown_exercise_and_groups(bot: RunningBot) -> None:
    calls = await bot.send("/stretch handstand")
    assert "I don't know an exercise called" in last_message(calls).words
    calls = await bot.say("/stretch")
    assert "private chat" in last_message(calls).words
    # /progress in a group is the group's summary (tests/test_group_breaks.py)


async def test_progress_sends_a_chart_and_the_same_facts_in_words(bot: RunningBot) -> None:
    message_id = await start(bot, "/stretch bridge")
    await press(bot, message_id, action(message_id, bot, "1"))
    bot.clock.advance(minutes=2)
    await tick(bot)
    await press(bot, message_id, action(message_id, bot, "1"))
    assert await bot.app.bot_data.store.record_done(USER, bot.clock.now())
    calls = await bot.send("/progress")
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    assert photo.ok and photo.params["chat_id"] == USER
    upload = photo.params["photo"]
    image = Image.open(io.BytesIO(upload.data))
    assert image.format == "PNG" and image.width >= 600
    words = last_message(calls).words
    assert "This week: 2 of 3" in words
    assert "(1 guided sessions, 1 ✅ Done on reminders)" in words
    assert "No streak yet" in words


async def test_buttons_with_bad_data_are_answered_kindly(bot: RunningBot) -> None:
    message_id = await start(bot, "/stretch pigeon")
    for data in ("st:zz:pause", "st:0123abcd:99", "st:"):
        calls = await press(bot, message_id, data)
        assert any(c.method == "answerCallbackQuery" for c in calls)
    assert not bot.fake.errors


def picture_of(bot: RunningBot, message_id: int) -> bytes:
    stored = bot.fake.message(USER, message_id) or {}
    return bot.fake.files[stored["photo"][-1]["file_id"]].data


async def test_the_session_shows_each_exercise_picture_uploaded_once(bot: RunningBot) -> None:
    images = KB.directory / "images"
    message_id = await start(bot, "/stretch")
    assert picture_of(bot, message_id) == (images / "hip-flexor-stretch.png").read_bytes()
    await press(bot, message_id, action(message_id, bot, "2"))
    plan = plan_for(KB, None)
    assert plan is not None
    mark = bot.fake.mark()
    await run_to_end(bot, message_id, plan.total_seconds)
    swaps = [c for c in bot.fake.calls[mark:] if c.method == "editMessageMedia" and c.ok]
    assert len(swaps) == 2  # to the pigeon (at the rest before it), then to the bridge
    assert picture_of(bot, message_id) == (images / "bridge-pose.png").read_bytes()
    assert len(bot.fake.files) == 3  # one upload per picture
    await press(bot, message_id, action(message_id, bot, "2"))
    # a second session sends the pictures by their file ids: nothing is uploaded again
    again = await start(bot, "/stretch")
    await press(bot, again, action(again, bot, "2"))
    await run_to_end(bot, again, plan.total_seconds)
    assert len(bot.fake.files) == 3
    assert picture_of(bot, again) == (images / "bridge-pose.png").read_bytes()


async def test_an_exercise_without_a_picture_gets_a_text_session(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KB.directory, knowledge)
    (knowledge / "images" / "pigeon-pose.png").unlink()
    async with running_bot(fake_telegram, tmp_path, knowledge_dir=knowledge) as bot:
        calls = await bot.send("/stretch pigeon")
        assert [c.method for c in calls if c.ok and c.method.startswith("send")] == ["sendMessage"]
        message_id = last_message(calls).result["message_id"]
        await press(bot, message_id, action(message_id, bot, "1"))
        assert "Get into position" in text_of(bot, message_id)


async def test_the_start_button_under_an_exercise_answer_starts_a_session(bot: RunningBot) -> None:
    calls = await bot.send("how do I do pigeon pose")
    answer = last_message(calls)
    assert "st:go:pigeon-pose" in (
        data := [
            b["callback_data"]
            for row in answer.params["reply_markup"]["inline_keyboard"]
            for b in row
            if "callback_data" in b
        ]
    ), data
    calls = await press(bot, answer.result["message_id"], "st:go:pigeon-pose")
    [photo] = [c for c in calls if c.method == "sendPhoto" and c.ok]
    assert "Pigeon" in photo.params["caption"]
    message_id = int(photo.result["message_id"])
    await press(bot, message_id, action(message_id, bot, "0"))
    assert "Get into position" in text_of(bot, message_id)


async def test_the_start_button_in_a_group_points_to_a_private_chat(bot: RunningBot) -> None:
    calls = await bot.say("/exercise pigeon")
    answer = last_message(calls)
    calls = await bot.press(
        answer.result["message_id"], "st:go:pigeon-pose", chat_id=answer.params["chat_id"]
    )
    toast = [c for c in calls if c.method == "answerCallbackQuery"]
    assert toast and "private chat" in str(toast[0].params.get("text"))
    assert not [c for c in calls if c.method in ("sendPhoto", "sendMessage")]


async def test_an_exercise_answer_comes_with_its_picture_uploaded_once(bot: RunningBot) -> None:
    calls = await bot.send("/exercise bridge")
    methods = [c.method for c in calls if c.ok and c.method.startswith("send")]
    assert methods == ["sendPhoto"]  # one message: the picture, the words as caption, buttons
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    bridge = (KB.directory / "images" / "bridge-pose.png").read_bytes()
    assert photo.params["photo"].data == bridge
    assert "Bridge" in photo.params["caption"] and "not medical advice" in photo.words.lower()
    assert photo.params["parse_mode"] == "HTML"
    assert "f:" in str(photo.params["reply_markup"])  # the feedback buttons under it
    again = await bot.send("how do I do the bridge")
    [second] = [c for c in again if c.method == "sendPhoto"]
    assert second.params["photo"] == photo.result["photo"][-1]["file_id"]  # sent by id
    assert len(bot.fake.files) == 1
    topic = await bot.send("can sitting all day cause tight hip flexors")
    assert not [c for c in topic if c.method == "sendPhoto"]
    group = await bot.say("/exercise bridge")
    assert not [c for c in group if c.method == "sendPhoto"]  # groups get the words only


async def test_a_refused_picture_still_leaves_the_words(bot: RunningBot) -> None:
    bot.fake.fail("sendPhoto", chat_id=USER, error_code=400, times=1)
    calls = await bot.send("/exercise bridge")
    assert [c.method for c in calls if c.method.startswith("send")] == ["sendPhoto", "sendMessage"]
    words = last_message(calls)
    assert words.method == "sendMessage" and "Bridge" in words.words
    assert "f:" in str(words.params["reply_markup"])


async def test_an_exercise_answer_too_long_for_a_caption_comes_after_its_picture(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KB.directory, knowledge)
    entry = knowledge / "entries" / "bridge-pose.yaml"
    long = "Keep breathing slowly and steadily while you hold the position. " * 20
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("answer: |\n", f"answer: |\n  {long}\n", 1))
    async with running_bot(fake_telegram, tmp_path, knowledge_dir=knowledge) as bot:
        calls = await bot.send("/exercise bridge")
        methods = [c.method for c in calls if c.ok and c.method.startswith("send")]
        assert methods == ["sendPhoto", "sendMessage"]  # the picture, then the words
        [photo] = [c for c in calls if c.method == "sendPhoto"]
        assert photo.params["caption"] == "Bridge"
        assert long.strip() in last_message(calls).words
