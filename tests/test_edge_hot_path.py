"""The edge's shortcuts on the way to Telegram send what python-telegram-bot's plain path sends.

Prebuilt keyboards serialise to what ``InlineKeyboardMarkup.to_dict`` gives; the JSON transport
posts the parameters the form transport would (each form value is that parameter's JSON), leaves
uploads to the multipart form and maps failures to the same errors; the question handler, checked
first, takes only what no other handler of its group could take.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import NetworkError, TimedOut
from telegram.ext import ApplicationBuilder
from telegram.request import HTTPXRequest

from bot.core.replies import Button
from bot.edge import handlers
from bot.edge.handlers import questions
from bot.edge.keyboards import PrebuiltKeyboard, markup
from bot.edge.transport import JsonRequest

TOKEN = "7081234567:AAF-e2e_fake_token_for_tests_0123456789"
ME = {"id": 7081234567, "is_bot": True, "first_name": "BackCare", "username": "backcare_bot"}

BUTTONS = (
    (Button("Was this helpful? 👍", data="f:psoas:1"), Button("👎", data="f:psoas:0")),
    (Button("Hip flexor stretch — kneeling", data="e:kneeling-stretch"),),
    (),
    (Button("The article", url="https://example.org/hip-flexors?a=1&b=2"),),
)


def _plain(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, callback_data=b.data)
                if b.data is not None
                else InlineKeyboardButton(b.label, url=b.url)
                for b in row
            ]
            for row in buttons
            if row
        ]
    )


def test_a_prebuilt_keyboard_serialises_as_python_telegram_bot_does() -> None:
    keyboard = markup(BUTTONS)
    assert isinstance(keyboard, PrebuiltKeyboard)
    assert keyboard.to_dict() == _plain(BUTTONS).to_dict()
    assert keyboard == _plain(BUTTONS)
    assert keyboard.to_dict(recursive=False) == _plain(BUTTONS).to_dict(recursive=False)


def test_each_request_gets_its_own_copy_of_the_keyboard() -> None:
    keyboard = markup(BUTTONS)
    assert keyboard is not None
    first = keyboard.to_dict()
    first["inline_keyboard"][0][0]["text"] = "changed"
    first["inline_keyboard"].clear()
    assert keyboard.to_dict() == _plain(BUTTONS).to_dict()


def test_a_layout_is_built_once_and_no_buttons_is_no_keyboard() -> None:
    assert markup(BUTTONS) is markup(BUTTONS)
    assert markup(()) is None


Handler = Callable[[httpx.Request], httpx.Response]


def _recording(requests: list[httpx.Request]) -> Handler:
    """A Bot API that answers getMe and every send, and keeps each request."""

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path.endswith("/getMe"):
            return httpx.Response(200, json={"ok": True, "result": ME})
        message = {"message_id": 9, "date": 0, "chat": {"id": 5, "type": "private"}}
        return httpx.Response(200, json={"ok": True, "result": message})

    return handle


def _form_values(request: httpx.Request) -> dict[str, Any]:
    """A form request's parameters: PTB sends a string as it is and anything else as its JSON
    (here: objects, whole numbers and booleans)."""
    values: dict[str, Any] = {}
    for key, value in parse_qsl(request.content.decode("utf-8"), keep_blank_values=True):
        encoded = value[:1] in ("{", "[") or value.isdigit() or value in ("true", "false")
        values[key] = json.loads(value) if encoded else value
    return values


async def _send(request: HTTPXRequest) -> None:
    async with Bot(TOKEN, request=request) as bot:
        await bot.send_message(
            5,
            "Привет — <b>hip flexors</b> & “quotes” 100%",
            parse_mode=ParseMode.HTML,
            reply_markup=markup(BUTTONS),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            disable_notification=True,
        )


async def test_the_json_transport_posts_what_the_form_transport_posts() -> None:
    as_json: list[httpx.Request] = []
    as_form: list[httpx.Request] = []
    await _send(JsonRequest(httpx_kwargs={"transport": httpx.MockTransport(_recording(as_json))}))
    await _send(HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(_recording(as_form))}))
    sent_json, sent_form = as_json[-1], as_form[-1]
    assert sent_json.url == sent_form.url
    assert sent_json.headers["content-type"] == "application/json"
    assert sent_form.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent_json.headers["user-agent"] == sent_form.headers["user-agent"]
    body = json.loads(sent_json.content.decode("utf-8"))
    assert body == _form_values(sent_form)
    assert body["text"] == "Привет — <b>hip flexors</b> & “quotes” 100%"
    assert body["reply_markup"] == _plain(BUTTONS).to_dict()
    assert len(sent_json.content) < len(sent_form.content)


async def test_an_upload_still_goes_as_a_multipart_form() -> None:
    requests: list[httpx.Request] = []
    transport = httpx.MockTransport(_recording(requests))
    async with Bot(TOKEN, request=JsonRequest(httpx_kwargs={"transport": transport})) as bot:
        await bot.send_photo(5, photo=b"\x89PNG\r\n\x1a\n" + b"0" * 64, caption="Kneeling")
    assert requests[-1].headers["content-type"].startswith("multipart/form-data")
    assert b"Kneeling" in requests[-1].content


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (httpx.ConnectError("refused"), NetworkError),
        (httpx.ReadTimeout("slow"), TimedOut),
        (httpx.PoolTimeout("busy"), TimedOut),
    ],
)
async def test_failures_map_to_the_errors_httpxrequest_raises(
    failure: httpx.HTTPError, expected: type[Exception]
) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/getMe"):
            return httpx.Response(200, json={"ok": True, "result": ME})
        raise failure

    transport = httpx.MockTransport(handle)
    async with Bot(TOKEN, request=JsonRequest(httpx_kwargs={"transport": transport})) as bot:
        with pytest.raises(expected):
            await bot.send_message(5, "hello")


PRIVATE_TEXTS = [
    {"text": "how do I stretch my hip flexors?"},
    {"text": "see https://example.org", "entities": [{"type": "url", "offset": 4, "length": 19}]},
    {"text": "hi @BackCareBot", "entities": [{"type": "mention", "offset": 3, "length": 12}]},
    {
        "text": "what does /start do?",
        "entities": [{"type": "bot_command", "offset": 10, "length": 6}],
    },
    {"text": "07:30"},
]


def _private_update(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    message = {
        "message_id": 3,
        "date": 0,
        "chat": {"id": 77, "type": "private", "first_name": "A"},
        "from": {"id": 77, "is_bot": False, "first_name": "A"},
        **fields,
    }
    return {"update_id": 1, kind: message}


@pytest.mark.parametrize("kind", ["message", "edited_message"])
@pytest.mark.parametrize("fields", PRIVATE_TEXTS)
def test_no_other_handler_of_its_group_takes_a_private_question(
    kind: str, fields: dict[str, Any]
) -> None:
    """The question handler is checked first in its group (most updates are questions), which
    changes nothing only while no other handler there can match a private non-command text."""
    application = ApplicationBuilder().token(TOKEN).build()
    handlers.register(application)
    update = Update.de_json(_private_update(kind, fields), application.bot)
    group = application.handlers[0]
    first = group[0]
    assert getattr(first, "callback", None) is questions.question
    assert first.check_update(update) not in (None, False)
    takers = [h for h in group[1:] if h.check_update(update) not in (None, False)]
    assert takers == []
