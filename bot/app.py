"""The composition root: builds the python-telegram-bot Application from Settings.

Everything is wired here and only here: the knowledge base, the store, the clock, the handlers,
the rate limiter and the HTTP transport. Tests pass their own clock and point
``TELEGRAM_API_BASE_URL`` at a fake Bot API server on 127.0.0.1; nothing else changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

from bot import handlers
from bot.answering import Answerer
from bot.config import Settings
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.state import BotState, utc_now
from bot.storage import Store

log = logging.getLogger(__name__)

BotApplication = Application[Any, Any, Any, Any, BotState, Any]


class StartupError(Exception):
    """The bot cannot start; the message is one plain sentence, safe to print."""


def build_application(
    settings: Settings,
    *,
    kb: KnowledgeBase | None = None,
    clock: Callable[[], datetime] = utc_now,
    request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> BotApplication:
    """Build (but do not start) the Application. Raises KnowledgeError on an invalid base."""
    kb = kb or load_knowledge(settings.knowledge_dir)
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.telegram_api_base_url)
        .context_types(ContextTypes(bot_data=BotState))
        .post_init(_open_resources)
        .post_shutdown(_close_resources)
        .concurrent_updates(True)
    )
    if rate_limit:
        # Waits out Telegram's 429 RetryAfter and keeps within ~30 msg/s overall, 20/min per group.
        # (typed for a builder without a limiter; PTB's own examples call it the same way)
        builder = builder.rate_limiter(AIORateLimiter(max_retries=2))  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request)
    application: BotApplication = builder.build()
    state = application.bot_data
    state.settings = settings
    state.clock = clock
    state.answerer = Answerer(kb)
    handlers.register(application)
    return application


async def _open_resources(application: BotApplication) -> None:
    """post_init: open the database, publish the command menus, note our @username."""
    state = application.bot_data
    if not state.has_store:
        state.store = await Store.open(state.settings.database_path)
    state.bot_username = application.bot.username or ""
    try:
        await handlers.set_command_menus(application)
    except NetworkError as error:  # a menu is nice to have; answering people is not optional
        log.warning("could not set the command menus: %s", error)
    log.info(
        "bot @%s started with %d knowledge entries",
        state.bot_username,
        len(state.answerer.kb.entries),
    )


async def _close_resources(application: BotApplication) -> None:
    """post_shutdown: close the database cleanly."""
    state = application.bot_data
    if state.has_store:
        await state.store.close()
        state.store = None


def run(settings: Settings) -> None:
    """Run the bot with long polling until Ctrl+C or SIGTERM."""
    application = build_application(settings)
    try:
        application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    except InvalidToken:
        raise StartupError(
            "Telegram rejected the bot token. Check TELEGRAM_BOT_TOKEN (from @BotFather)."
        ) from None
