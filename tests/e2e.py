"""Harness for end-to-end tests: the real bot, in this test's event loop, against the fake API.

``running_bot`` builds the application exactly as production does (``build_application`` with the
real knowledge base), starts it the way ``run_polling`` would (initialize, post_init, start, long
polling with every update type) and shuts it down the same way (updater, application, post_stop,
shutdown, post_shutdown). Nothing in the bot is replaced: only its Bot API transport is
:class:`~tests.fake_telegram.FakeTelegramServer` and the clock is a :class:`FakeClock`.

Two transports reach the same fake. By default the bot talks to it in-process (python-telegram-bot
encodes, the fake answers, the library maps status and JSON back, with no socket), which is what
keeps hundreds of end-to-end tests fast. ``running_bot(..., http=True)``, or marking the test
``@pytest.mark.http``, sends every call over real HTTP to 127.0.0.1 instead: a few error-path
tests do, so httpx, sockets and the real transport stay covered (subprocess tests always do).

Waiting is event-driven, never a sleep: :meth:`RunningBot.send` (and ``press``, ...) queues an
update on the fake, waits until the bot's next ``getUpdates`` confirms it (so it is in the
application's queue), then joins that queue, which python-telegram-bot marks done only after the
handler (and any error handler) has finished. When ``send`` returns, the calls it returns are all
the update caused, and "the bot sent nothing" is a reliable assertion.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import BotApplication, build_application
from bot.config import Settings, load_settings
from bot.core.answering.answerer import Answerer
from bot.core.knowledge import KnowledgeBase, load_knowledge
from tests.fake_telegram import (
    DEFAULT_GROUP_ID,
    HTTP,
    IN_PROCESS,
    IN_PROCESS_BASE_URL,
    ApiCall,
    FakeTelegramServer,
    JSONDict,
)
from tests.postgres_server import postgres_query

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = ROOT / "knowledge"

# Shaped like a real token (so the bot's validation and redaction treat it as one) but fake.
TOKEN = "7081234567:AAF-e2e_fake_token_for_tests_0123456789"

PRIVATE_SCOPE: JSONDict = {"type": "all_private_chats"}
GROUP_SCOPE: JSONDict = {"type": "all_group_chats"}
ADMIN_SCOPE: JSONDict = {"type": "all_chat_administrators"}


class FakeClock:
    """A controllable clock for ``build_application(clock=...)``: pass ``clock.now``."""

    def __init__(self, start: datetime = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)) -> None:
        self._now = start

    def now(self) -> datetime:
        """The current fake instant (aware, UTC)."""
        return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move time forward by ``delta`` or by ``timedelta(**kwargs)``; returns the new now."""
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now


@functools.cache
def real_knowledge() -> KnowledgeBase:
    """The project's knowledge base, loaded (and validated) once per test session."""
    return load_knowledge(KNOWLEDGE_DIR)


@functools.cache
def real_answerer() -> Answerer:
    """An answerer for the real knowledge base, built once per session: building the matcher
    costs more than a whole conversation, and an answerer holds no per-chat state."""
    return Answerer(real_knowledge())


def e2e_settings(
    fake: FakeTelegramServer, tmp_path: Path, *, http: bool = False, **overrides: Any
) -> Settings:
    """Settings for a bot talking to ``fake`` (over HTTP, or in-process), with its database in
    ``tmp_path``."""
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": fake.base_url if http else IN_PROCESS_BASE_URL,
        "database_path": tmp_path / "bot.sqlite3",
        "knowledge_dir": KNOWLEDGE_DIR,
    }
    values.update(overrides)
    return load_settings(env_file=None, **values)


# Variables the bot reads; subprocess tests clean them from the environment so nothing leaks in.
BOT_VARIABLES = frozenset(
    {
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_API_BASE_URL",
        "DATABASE_PATH",
        "KNOWLEDGE_DIR",
        "ADMIN_USER_IDS",
        "LOG_LEVEL",
        "STORE_UNANSWERED",
        "UNANSWERED_RETENTION_DAYS",
        "REMINDER_POLL_SECONDS",
        "WATCH_KNOWLEDGE",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "PORT",
        "LISTEN_ADDRESS",
        "METRICS_PORT",
    }
)


def sent(calls: list[ApiCall], chat_id: int | None = None) -> list[ApiCall]:
    """The successful sendMessage calls among ``calls`` (optionally only to ``chat_id``), and
    sendPhoto: an exercise's answer is its picture with the words as caption."""
    return [
        c
        for c in calls
        if c.method in ("sendMessage", "sendPhoto")
        and c.ok
        and (chat_id is None or c.params["chat_id"] == chat_id)
    ]


def callback_texts(calls: list[ApiCall]) -> list[str]:
    """The texts of the callback answers (the small toasts and alerts)."""
    return [str(c.params.get("text", "")) for c in calls if c.method == "answerCallbackQuery"]


def button_data(call: ApiCall) -> list[str]:
    """Callback data of every inline button the bot attached to a sent message."""
    markup = call.params.get("reply_markup") or {}
    return [
        button["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for button in row
        if "callback_data" in button
    ]


def button_labels(call: ApiCall) -> list[str]:
    """Labels of every inline button the bot attached to a sent message."""
    markup = call.params.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


@dataclass
class RunningBot:
    """A started bot plus the fake it talks to; drive it with ``send``/``press``/``process``."""

    app: BotApplication
    fake: FakeTelegramServer
    clock: FakeClock
    settings: Settings
    _marks: dict[int, int] = field(default_factory=dict, init=False, repr=False)

    @property
    def db_path(self) -> Path:
        """The SQLite file the bot writes."""
        return self.settings.database_path

    async def process(self, update: JSONDict, *, timeout: float = 10.0) -> list[ApiCall]:  # noqa: ASYNC109
        """Wait until an update queued with ``queue`` is fully handled; returns the calls it
        caused (those recorded after it was queued, minus long polls)."""
        update_id = int(update["update_id"])
        if update_id not in self._marks:
            raise ValueError("queue the update with RunningBot.queue() so its calls can be seen")
        mark = self._marks.pop(update_id)
        await self.fake.wait_for_call(
            "getUpdates",
            lambda c: int(c.params.get("offset") or 0) > update_id,
            after=mark,
            timeout=timeout,
        )
        await self.app.update_queue.join()
        return [c for c in self.fake.calls[mark:] if c.method != "getUpdates"]

    def queue(self, push: Callable[[], JSONDict]) -> JSONDict:
        """Queue an update with ``push`` (e.g. ``lambda: fake.send_text(...)``), remembering the
        position in the call log so ``process`` sees every call the update causes."""
        mark = self.fake.mark()
        update = push()
        self._marks[int(update["update_id"])] = mark
        return update

    async def send(self, text: str, **kwargs: Any) -> list[ApiCall]:
        """A user sends ``text`` (private chat unless ``chat_type=``); returns the bot's calls."""
        return await self.process(self.queue(lambda: self.fake.send_text(text, **kwargs)))

    async def say(
        self,
        text: str,
        *,
        chat_id: int = DEFAULT_GROUP_ID,
        chat_type: str = "supergroup",
        **kwargs: Any,
    ) -> list[ApiCall]:
        """Someone writes ``text`` in a group (the default test supergroup unless told)."""
        return await self.send(text, chat_id=chat_id, chat_type=chat_type, **kwargs)

    async def member_change(
        self, chat_id: int, chat_type: str, old: str, new: str, **kwargs: Any
    ) -> list[ApiCall]:
        """The bot's own status in a chat changes (added to or removed from a group...)."""
        return await self.process(
            self.queue(lambda: self.fake.chat_member_update(chat_id, chat_type, old, new, **kwargs))
        )

    async def send_content(self, content: JSONDict, **kwargs: Any) -> list[ApiCall]:
        """A user sends a non-text message (sticker, photo...); returns the bot's calls."""
        return await self.process(self.queue(lambda: self.fake.send_content(content, **kwargs)))

    async def press(
        self, message: ApiCall | JSONDict | int, data: str, **kwargs: Any
    ) -> list[ApiCall]:
        """A user presses a button with ``data`` under ``message``; returns the bot's calls."""
        return await self.process(
            self.queue(lambda: self.fake.press_button(message, data, **kwargs))
        )

    async def write_batches(self) -> None:
        """Write what the bot keeps for its next batch (statistics counts, unanswered questions;
        ``bot/services/statistics.py``) now, as its periodic task or a graceful stop would."""
        state = self.app.bot_data
        await state.counters.flush(state.store)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the bot's database through a separate connection (WAL allows it while open);
        on PostgreSQL (``database_url`` set) through a connection of its own."""
        url = self.settings.postgres_url
        if url is not None:
            return postgres_query(url, sql, params)
        with closing(sqlite3.connect(self.db_path)) as db:
            return list(db.execute(sql, params))


def last_message(calls: list[ApiCall]) -> ApiCall:
    """The last successful sendMessage among ``calls`` (the one carrying the buttons), or
    sendPhoto: an exercise's answer is its picture with the words as caption."""
    sent = [c for c in calls if c.method in ("sendMessage", "sendPhoto") and c.ok]
    assert sent, f"the bot sent no message; calls: {[c.method for c in calls]}"
    return sent[-1]


@asynccontextmanager
async def running_bot(
    fake: FakeTelegramServer,
    tmp_path: Path,
    *,
    http: bool | None = None,
    rate_limit: bool = False,
    clock: FakeClock | None = None,
    **overrides: Any,
) -> AsyncIterator[RunningBot]:
    """Build and start the real bot against ``fake``; stop it like ``run_polling`` does.

    ``http`` picks the transport: real HTTP to 127.0.0.1, or in-process; when not given, the
    test's ``@pytest.mark.http`` marker decides (``fake.prefer_http``).
    The knowledge watcher is off unless a test passes ``watch_knowledge=True``: it watches the
    project's own knowledge folder, which must not reload mid-test, and stopping it waits out
    its 50 ms poll. The process tests run the bot with it on, as in production.
    """
    over_http = fake.prefer_http if http is None else http
    overrides.setdefault("watch_knowledge", False)
    settings = e2e_settings(fake, tmp_path, http=over_http, **overrides)
    clock = clock or FakeClock()
    # The real knowledge base and its answerer, built once (build_application's own loading is
    # exercised by the process tests) unless a test points knowledge_dir somewhere else.
    answerer = real_answerer() if settings.knowledge_dir == KNOWLEDGE_DIR else None
    app = build_application(
        settings,
        answerer=answerer,
        clock=clock.now,
        rate_limit=rate_limit,
        request=None if over_http else fake.transport(),
        get_updates_request=None if over_http else fake.transport(),
    )
    mark = fake.mark()
    try:
        async with app:  # initialize() ... shutdown()
            if app.post_init is not None:  # run_polling calls it; so must we
                await app.post_init(app)
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(
                poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
            )
            try:
                await fake.wait_for_call("getUpdates", after=mark)
                yield RunningBot(app, fake, clock, settings)
            finally:  # the order of run_polling's own shutdown
                if app.updater.running:
                    await app.updater.stop()
                if app.running:
                    await app.stop()
                    if app.post_stop is not None:  # only after a stop(), as run_polling does
                        await app.post_stop(app)
    finally:
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
    transport = HTTP if over_http else IN_PROCESS
    strays = [c.method for c in fake.calls[mark:] if c.transport != transport]
    assert not strays, f"calls that did not come over the {transport} transport: {strays}"


__all__ = [
    "ADMIN_SCOPE",
    "GROUP_SCOPE",
    "KNOWLEDGE_DIR",
    "PRIVATE_SCOPE",
    "ROOT",
    "TOKEN",
    "FakeClock",
    "RunningBot",
    "button_data",
    "button_labels",
    "e2e_settings",
    "last_message",
    "real_answerer",
    "real_knowledge",
    "running_bot",
]
