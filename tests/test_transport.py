"""The bot's transport (``bot/edge/transport.py``) over real HTTP on 127.0.0.1: httpcore's pool
with JSON bodies delivers what python-telegram-bot's own HTTPXRequest delivers, uploads still
work, and failures become the same TelegramErrors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest

from bot.edge.transport import POOL_TIMEOUT, JsonRequest, PooledRequest, telegram_transport
from tests.e2e import TOKEN
from tests.fake_telegram import FakeTelegramServer, UploadedFile

USER = 4242
TEXT = "Привет — <b>hip flexors</b> & “quotes” 100%"
KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("👍", callback_data="f:psoas:1")],
        [InlineKeyboardButton("Article", url="https://example.org/a?b=1&c=2")],
    ]
)


@pytest.fixture
def fake() -> Any:
    server = FakeTelegramServer()
    server.send_text("hello", user_id=USER)  # the chat exists
    yield server
    server.stop()


async def _send_through(request: BaseRequest, fake: FakeTelegramServer) -> dict[str, Any]:
    async with Bot(TOKEN, base_url=fake.base_url, request=request) as bot:
        message = await bot.send_message(
            USER,
            TEXT,
            parse_mode=ParseMode.HTML,
            reply_markup=KEYBOARD,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
    assert message.chat.id == USER and message.text == "Привет — hip flexors & “quotes” 100%"
    call = [c for c in fake.calls if c.method == "sendMessage"][-1]
    assert call.ok
    return call.params


async def test_the_pooled_transport_delivers_what_httpxrequest_delivers(
    fake: FakeTelegramServer,
) -> None:
    pooled = await _send_through(PooledRequest(connection_pool_size=4), fake)
    plain = await _send_through(HTTPXRequest(connection_pool_size=4), fake)
    assert pooled == plain
    assert pooled["text"] == TEXT


async def test_an_upload_goes_through_the_pooled_transport(fake: FakeTelegramServer) -> None:
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    async with Bot(TOKEN, base_url=fake.base_url, request=PooledRequest(4)) as bot:
        message = await bot.send_photo(USER, photo=picture, caption="Kneeling stretch")
    assert message.photo
    call = [c for c in fake.calls if c.method == "sendPhoto"][-1]
    assert isinstance(call.params["photo"], UploadedFile)
    assert call.params["photo"].data == picture
    assert call.params["caption"] == "Kneeling stretch"


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """An HTTP server on 127.0.0.1 that accepts connections and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage"
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def _call(request: PooledRequest, url: str, **timeouts: float) -> object:
    return await request.post(url, None, **timeouts)


async def test_no_answer_in_time_is_a_timeout(silent_server: str) -> None:
    request = PooledRequest(connection_pool_size=1)
    await request.initialize()
    with pytest.raises(TimedOut):
        await _call(request, silent_server, read_timeout=0.2)
    await request.shutdown()


async def test_a_full_pool_is_a_timeout_that_says_so(silent_server: str) -> None:
    request = PooledRequest(connection_pool_size=1)
    await request.initialize()
    first = asyncio.ensure_future(_call(request, silent_server, read_timeout=5))
    await asyncio.sleep(0.1)
    with pytest.raises(TimedOut, match="Pool timeout"):
        await _call(request, silent_server, pool_timeout=0.1)
    assert POOL_TIMEOUT.startswith("Pool timeout")
    first.cancel()
    await request.shutdown()


async def test_nobody_listening_is_a_network_error() -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()  # the port is free again: connecting is refused
    request = PooledRequest(connection_pool_size=1)
    await request.initialize()
    with pytest.raises(NetworkError) as raised:
        await _call(request, f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    assert not isinstance(raised.value, TimedOut)
    assert TOKEN not in str(raised.value)
    await request.shutdown()


def test_a_proxy_in_the_environment_keeps_httpxs_client(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(telegram_transport(8), PooledRequest)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    assert isinstance(telegram_transport(8), JsonRequest)
