"""Prove the fake Bot API server against the real python-telegram-bot library (no bot code).

Tests that take ``bot`` run twice, once over real HTTP and once through the in-process
transport: both must give python-telegram-bot the same answers, errors included.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    ChatMember,
    ChatMemberAdministrator,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from tests.fake_telegram import (
    DEFAULT_USER_ID,
    HTTP,
    IN_PROCESS,
    IN_PROCESS_BASE_URL,
    MEMBER_STATUSES,
    FakeTelegramServer,
    UploadedFile,
    WaitTimeoutError,
    member_dict,
    parse_request_params,
)

TOKEN = "123456:TEST-token"
CHAT = 5551


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    """A fresh fake per test, via the context manager."""
    with FakeTelegramServer() as srv:
        yield srv


def connection(server: FakeTelegramServer, transport: str) -> dict[str, Any]:
    """Bot / ApplicationBuilder settings that reach ``server`` over ``transport``."""
    if transport == HTTP:
        return {"base_url": server.base_url}
    return {
        "base_url": IN_PROCESS_BASE_URL,
        "request": server.transport(),
        "get_updates_request": server.transport(),
    }


@pytest.fixture(params=[HTTP, IN_PROCESS])
async def bot(server: FakeTelegramServer, request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    """A real Bot pointed at the fake, over each transport in turn."""
    async with Bot(TOKEN, **connection(server, request.param)) as tg_bot:
        yield tg_bot
    assert {c.transport for c in server.calls} <= {request.param}  # nothing took the other way


def tg_raises(exc: type[TelegramError], fragment: str) -> pytest.RaisesExc[TelegramError]:
    """python-telegram-bot strips "Bad Request: " and re-capitalises, so match loosely."""
    return pytest.raises(exc, match=re.compile(re.escape(fragment), re.IGNORECASE))


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    """One row of callback buttons."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


async def test_get_me_and_token(server: FakeTelegramServer, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (1000, "BackCareBot", True)
    assert me.can_join_groups and me.supports_inline_queries
    assert server.token_seen == TOKEN
    assert server.calls[0].method == "getMe"
    assert server.calls[0].token == TOKEN


def test_fixture_helper(fake_telegram: FakeTelegramServer) -> None:
    assert not fake_telegram.serving_http  # no thread or socket until someone needs the address
    assert not fake_telegram.prefer_http  # running_bot's default: in-process
    assert fake_telegram.base_url.startswith("http://127.0.0.1:")
    assert fake_telegram.base_url.endswith("/bot")
    assert fake_telegram.serving_http


@pytest.mark.http
def test_http_marker_makes_the_fixture_prefer_http(
    fake_telegram: FakeTelegramServer,
) -> None:
    assert fake_telegram.prefer_http


async def test_send_message_records_markup_and_numbers_per_chat(
    server: FakeTelegramServer, bot: Bot
) -> None:
    markup = keyboard(("Yes", "ok:1"), ("No", "ok:0"))
    first = await bot.send_message(CHAT, "Stretch now?", reply_markup=markup)
    second = await bot.send_message(CHAT, "42")
    other = await bot.send_message(7777, "hi")
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert first.from_user is not None and first.from_user.id == server.bot_id
    assert first.chat.type == "private"
    assert first.reply_markup == markup
    assert second.text == "42"  # a numeric-looking text must stay a string

    params = server.sent_messages(CHAT)
    assert [p["text"] for p in params] == ["Stretch now?", "42"]
    assert params[0]["chat_id"] == CHAT
    assert params[0]["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Yes", "callback_data": "ok:1"}, {"text": "No", "callback_data": "ok:0"}]
        ]
    }


async def test_get_updates_honours_offset_and_limit(server: FakeTelegramServer, bot: Bot) -> None:
    first = server.send_text("/start")
    server.send_text("hello")
    updates = await bot.get_updates(limit=1)
    assert [u.update_id for u in updates] == [first["update_id"]]
    message = updates[0].message
    assert message is not None
    assert message.text == "/start"
    assert message.from_user is not None and message.from_user.id == DEFAULT_USER_ID
    assert message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)

    again = await bot.get_updates()  # not confirmed yet: redelivered
    assert [u.update_id for u in again] == [first["update_id"], first["update_id"] + 1]
    rest = await bot.get_updates(offset=first["update_id"] + 1)
    assert [u.message.text for u in rest if u.message] == ["hello"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0) == ()
    assert server.pending_updates == []


async def test_long_poll_returns_promptly_on_push_from_another_thread(
    server: FakeTelegramServer, bot: Bot
) -> None:
    mark = server.mark()

    def push_when_polling() -> None:
        server.wait_for_call_sync("getUpdates", after=mark, timeout=5)
        server.send_text("ping")

    pusher = threading.Thread(target=push_when_polling)
    pusher.start()
    started = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    elapsed = time.monotonic() - started
    await asyncio.to_thread(pusher.join, 5)
    assert [u.message.text for u in updates if u.message] == ["ping"]
    assert elapsed < 2


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=dt.timedelta(seconds=0.2)) == ()
    assert 0.15 < time.monotonic() - started < 2


def test_stop_wakes_a_blocked_long_poll() -> None:
    server = FakeTelegramServer().start()
    url = f"{server.base_url}{TOKEN}/getUpdates?timeout=30"
    result: list[object] = []

    def poll() -> None:
        with urllib.request.urlopen(url, timeout=10) as response:
            result.append(json.loads(response.read()))

    poller = threading.Thread(target=poll)
    poller.start()
    server.wait_for_call_sync("getUpdates")
    started = time.monotonic()
    server.stop()
    poller.join(5)
    assert not poller.is_alive()
    assert result == [{"ok": True, "result": []}]
    assert time.monotonic() - started < 2


async def test_stop_wakes_an_in_process_long_poll() -> None:
    server = FakeTelegramServer()  # never started: no HTTP at all
    async with Bot(TOKEN, **connection(server, IN_PROCESS)) as tg_bot:
        poll = asyncio.create_task(tg_bot.get_updates(timeout=30))
        await server.wait_for_call("getUpdates")
        started = time.monotonic()
        server.stop()
        assert await asyncio.wait_for(poll, 5) == ()
    assert time.monotonic() - started < 2
    assert not server.serving_http


async def test_in_process_long_poll_wakes_on_a_push_from_the_same_loop() -> None:
    """The e2e harness queues updates from the loop the bot runs in: no thread, no latency."""
    server = FakeTelegramServer()
    async with Bot(TOKEN, **connection(server, IN_PROCESS)) as tg_bot:
        mark = server.mark()
        poll = asyncio.create_task(tg_bot.get_updates(timeout=30))
        await server.wait_for_call("getUpdates", after=mark)
        started = time.monotonic()
        pushed = server.send_text("ping")
        updates = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 2
    assert [u.update_id for u in updates] == [pushed["update_id"]]
    assert [c.transport for c in server.calls] == [IN_PROCESS, IN_PROCESS]  # getMe, getUpdates


async def test_failure_injection_maps_to_ptb_errors(
    server: FakeTelegramServer, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after without deprecation
    server.fail("sendMessage", chat_id=CHAT, error_code=403)
    with tg_raises(Forbidden, "bot was blocked by the user"):
        await bot.send_message(CHAT, "hi")
    await bot.send_message(CHAT + 1, "other chats still work")

    server.clear_failures()
    rule = server.fail("sendMessage", error_code=429, retry_after=7, times=1)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(CHAT, "hi")
    assert info.value.retry_after == dt.timedelta(seconds=7)
    assert rule.hits == 1
    await bot.send_message(CHAT, "recovered")  # times=1 is used up

    server.fail("sendMessage", error_code=400, description="Bad Request: chat not found", times=1)
    with tg_raises(BadRequest, "Chat not found"):
        await bot.send_message(CHAT, "x")
    server.fail("getMe", error_code=502, times=1)
    with pytest.raises(NetworkError):
        await bot.get_me()

    failed = server.find_calls("sendMessage", lambda c: not c.ok)
    assert [c.error_code for c in failed] == [403, 429, 400]
    assert [p["text"] for p in server.sent_messages()] == ["other chats still work", "recovered"]


async def test_texts_are_validated_like_telegram(server: FakeTelegramServer, bot: Bot) -> None:
    with tg_raises(BadRequest, "unsupported start tag"):
        await bot.send_message(CHAT, "<foo>x</foo>", parse_mode="HTML")
    with tg_raises(BadRequest, "character '.' is reserved"):
        await bot.send_message(CHAT, "Hello.", parse_mode="MarkdownV2")
    with tg_raises(BadRequest, "message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    with tg_raises(BadRequest, "BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "x", reply_markup=keyboard(("a", "d" * 65)))
    html = await bot.send_message(CHAT, "<b>Bold</b> &amp; <i>it</i>", parse_mode="HTML")
    assert html.text == "Bold & it"
    md = await bot.send_message(CHAT, r"*Hi* \- [x](http://e.x/a-b)\.", parse_mode="MarkdownV2")
    assert md.text == "Hi - x."


async def test_buttons_edits_and_deletes(server: FakeTelegramServer, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Pick", reply_markup=keyboard(("A", "a")))
    call = await server.wait_for_call("sendMessage", chat_id=CHAT)
    pushed = server.press_button(call, "a")
    (update,) = await bot.get_updates()
    assert update.update_id == pushed["update_id"]
    query = update.callback_query
    assert query is not None and query.data == "a"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.from_user.id == CHAT
    assert await bot.answer_callback_query(query.id, text="Done")

    edited = await bot.edit_message_text("Picked A", chat_id=CHAT, message_id=sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "Picked A" and edited.reply_markup is None  # keyboard removed
    with tg_raises(BadRequest, "message is not modified"):
        await bot.edit_message_text("Picked A", chat_id=CHAT, message_id=sent.message_id)
    markup = keyboard(("B", "b"))
    edited = await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=markup)
    assert not isinstance(edited, bool) and edited.reply_markup == markup
    stored = server.message(CHAT, sent.message_id)
    assert stored is not None and stored["reply_markup"] == markup.to_dict()

    user_msg = server.send_text("mine", chat_id=CHAT, user_id=CHAT)
    with tg_raises(BadRequest, "can't be edited"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=user_msg["message"]["message_id"])
    assert await bot.delete_message(CHAT, sent.message_id)
    with tg_raises(BadRequest, "message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)

    reply = await bot.send_message(
        CHAT, "re", reply_to_message_id=user_msg["message"]["message_id"]
    )
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "mine"


async def test_entities_commands_and_mentions(server: FakeTelegramServer, bot: Bot) -> None:
    server.send_text("/help@BackCareBot 💪 ask @BackCareBot", chat_id=-100123, chat_type="group")
    server.send_text("hey 💪 /tips now")
    first, second = await bot.get_updates()
    assert first.message is not None and first.message.chat.type == "group"
    commands = first.message.parse_entities([MessageEntity.BOT_COMMAND])
    mentions = first.message.parse_entities([MessageEntity.MENTION])
    assert list(commands.values()) == ["/help@BackCareBot"]
    assert list(mentions.values()) == ["@BackCareBot"]
    assert second.message is not None
    assert list(second.message.parse_entities().values()) == ["/tips"]
    assert second.message.entities[0].offset == 7  # the emoji is two UTF-16 code units


async def test_inline_member_and_migration(server: FakeTelegramServer, bot: Bot) -> None:
    server.inline_query("hip flexor")
    server.chat_member_update(-100, "group", "left", "member")
    server.migrate(-100, -1009999)
    inline, joined, migrated = await bot.get_updates()
    assert inline.inline_query is not None and inline.inline_query.query == "hip flexor"
    assert await bot.answer_inline_query(inline.inline_query.id, results=[])
    assert joined.my_chat_member is not None
    assert joined.my_chat_member.new_chat_member.status == ChatMember.MEMBER
    assert joined.my_chat_member.new_chat_member.user.id == server.bot_id
    assert migrated.message is not None and migrated.message.migrate_to_chat_id == -1009999
    with pytest.raises(ChatMigrated) as info:
        await bot.send_message(-100, "still there?")
    assert info.value.new_chat_id == -1009999

    server.chat_member_update(CHAT, "private", "member", "kicked")
    with tg_raises(Forbidden, "blocked by the user"):
        await bot.send_message(CHAT, "hello?")


async def test_members_chat_info_and_commands(server: FakeTelegramServer, bot: Bot) -> None:
    group = -1005
    server.set_member_status(group, 1, "creator")
    server.set_member_status(group, 2, "administrator")
    server.set_member_status(group, 3, "left")
    member = await bot.get_chat_member(group, 2)
    assert isinstance(member, ChatMemberAdministrator) and member.user.id == 2
    assert (await bot.get_chat_member(group, 99)).status == ChatMember.MEMBER
    assert (await bot.get_chat_member(group, 3)).status == ChatMember.LEFT
    admins = await bot.get_chat_administrators(group)
    assert [(a.user.id, a.status) for a in admins] == [(1, "creator"), (2, "administrator")]
    chat = await bot.get_chat(group)
    assert chat.type == "group" and chat.title
    for status in MEMBER_STATUSES:  # every status parses with the library's strict classes
        assert (
            ChatMember.de_json(
                member_dict({"id": 9, "is_bot": False, "first_name": "Z"}, status), bot
            ).status
            == status
        )
    assert await bot.leave_chat(group)
    with tg_raises(Forbidden, "not a member"):
        await bot.send_message(group, "hi")

    scope = BotCommandScopeAllGroupChats()
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands([BotCommand("help", "Help")], scope=scope, language_code="de")
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert [c.command for c in await bot.get_my_commands(scope, "de")] == ["help"]
    assert server.commands({"type": "all_group_chats"}, "de") == [
        {"command": "help", "description": "Help"}
    ]
    await bot.delete_my_commands(scope, "de")
    assert await bot.get_my_commands(scope, "de") == ()
    with tg_raises(BadRequest, "BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "uppercase is rejected")])
    assert await bot.send_chat_action(CHAT, "typing")


async def test_multipart_and_unknown_methods(server: FakeTelegramServer, bot: Bot) -> None:
    assert await bot.set_chat_photo(-1007, photo=b"\x89PNG fake bytes")
    call = await server.wait_for_call("setChatPhoto")
    assert call.params["chat_id"] == -1007
    photo = call.params["photo"]
    assert isinstance(photo, UploadedFile) and photo.data == b"\x89PNG fake bytes"
    assert server.unknown_methods == ["setChatPhoto"]


def test_parse_request_params_variants() -> None:
    form = "chat_id=-100&text=true&reply_markup=%7B%22inline_keyboard%22%3A%5B%5D%7D&action=typing"
    assert parse_request_params("", "application/x-www-form-urlencoded", form.encode()) == {
        "chat_id": -100,
        "text": "true",  # a string field is never JSON-decoded
        "reply_markup": {"inline_keyboard": []},
        "action": "typing",
    }
    body = json.dumps({"chat_id": 1, "text": "[x]", "reply_markup": '{"inline_keyboard": []}'})
    assert parse_request_params("limit=5", "application/json; charset=utf-8", body.encode()) == {
        "limit": 5,
        "chat_id": 1,
        "text": "[x]",
        "reply_markup": {"inline_keyboard": []},
    }


async def test_waiting_helpers(server: FakeTelegramServer, bot: Bot) -> None:
    mark = server.mark()
    await bot.send_message(CHAT, "old")
    with pytest.raises(WaitTimeoutError, match='calls since then: \\["sendMessage chat_id=5551'):
        await server.wait_for_call(
            "sendMessage", lambda c: c.params["text"] == "new", after=mark, timeout=0.05
        )
    mark = server.mark()
    task = asyncio.create_task(
        server.wait_for_calls(2, "sendMessage", lambda c: c.params["text"] != "x", after=mark)
    )
    for text in ("one", "x", "two"):
        await bot.send_message(CHAT, text)
    calls = await task
    assert [c.params["text"] for c in calls] == ["one", "two"]
    assert [c.result["message_id"] for c in calls] == [2, 4]


def test_subprocess_client_and_sync_wait(server: FakeTelegramServer) -> None:
    """Another process (like ``python -m bot``) reaches the fake over 127.0.0.1."""
    script = (
        "import sys, urllib.parse, urllib.request\n"
        "data = urllib.parse.urlencode({'chat_id': 9, 'text': 'from child'}).encode()\n"
        "urllib.request.urlopen(sys.argv[1] + '/sendMessage', data, timeout=10).read()\n"
    )
    mark = server.mark()
    child = subprocess.Popen([sys.executable, "-c", script, f"{server.base_url}CHILD:token"])
    try:
        call = server.wait_for_call_sync("sendMessage", after=mark, timeout=10)
    finally:
        assert child.wait(timeout=10) == 0
    assert call.params == {"chat_id": 9, "text": "from child"}
    assert call.token == "CHILD:token"


@pytest.mark.parametrize("transport", [HTTP, IN_PROCESS])
async def test_application_replies_to_start_and_stops_quickly(
    server: FakeTelegramServer, transport: str
) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Welcome!")

    builder = ApplicationBuilder().token(TOKEN)
    settings = connection(server, transport)
    builder = builder.base_url(settings["base_url"])
    if transport == IN_PROCESS:
        builder = builder.request(settings["request"])
        builder = builder.get_updates_request(settings["get_updates_request"])
    app = builder.build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        mark = server.mark()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await server.wait_for_call("getUpdates", after=mark)
        server.send_text("/start", user_id=CHAT)
        reply = await server.wait_for_call("sendMessage", after=mark, chat_id=CHAT)
        assert reply.params["text"] == "Welcome!"
        started = time.monotonic()
        await app.updater.stop()
        await app.stop()
    assert time.monotonic() - started < 2
    assert server.pending_updates == []  # the updater confirmed what it processed
    assert server.token_seen == TOKEN
    assert {c.transport for c in server.calls} == {transport}
