"""What the logs hold: at LOG_LEVEL=DEBUG, no message text, name, username or token.

Before: at DEBUG python-telegram-bot logged every update and every API call whole, and aiosqlite
every SQL statement with its values, so one conversation put the person's name, username and
words into the log, against what /privacy promises.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import NOT_LOGGED, setup_logging
from tests.e2e import TOKEN, running_bot, sent
from tests.fake_telegram import FakeTelegramServer

NAME, USERNAME = "Bartholomew", "bart_the_stretcher"
QUESTION = "does my tight psoas cause the ache when I sit in the gondola"


@pytest.fixture
def debug_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """The bot's own logging set-up at DEBUG, writing to a buffer; restored afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_levels = {name: logging.getLogger(name).level for name in ("httpx", "aiosqlite")}
    buffer = io.StringIO()
    monkeypatch.setattr("sys.stderr", buffer)
    setup_logging("DEBUG", (TOKEN,))
    try:
        yield buffer
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)


async def test_debug_logs_hold_no_texts_names_or_token(
    fake_telegram: FakeTelegramServer, tmp_path: Path, debug_log: io.StringIO
) -> None:
    async with running_bot(fake_telegram, tmp_path) as bot:
        calls = await bot.send(QUESTION, first_name=NAME, username=USERNAME)
        assert sent(calls)  # it was answered
        await bot.send("/remind 7:30", first_name=NAME, username=USERNAME)
    text = debug_log.getvalue()
    assert " DEBUG telegram" in text  # DEBUG was on, the library said plenty...
    assert "Calling Bot API endpoint `sendMessage` with parameters" in text
    for secret in (NAME, USERNAME, "psoas", "gondola", TOKEN, TOKEN.split(":")[1]):
        assert secret not in text, secret  # ...but nothing anyone wrote or is called
    assert NOT_LOGGED in text
    answer = sent(calls)[-1].params["text"]
    assert answer[:40] not in text  # nor what the bot answered them
