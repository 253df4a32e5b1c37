"""The composition root: builds the python-telegram-bot Application from Settings.

Everything is wired here and only here: the knowledge base, the store, the clock, the handlers,
the rate limiter and the HTTP transport. Tests pass their own clock and either point
``TELEGRAM_API_BASE_URL`` at a fake Bot API server on 127.0.0.1 or pass that fake's in-process
transport as ``request``/``get_updates_request``; nothing else changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

from bot.config import Settings
from bot.core.answering.answerer import Answerer
from bot.core.clock import utc_now
from bot.core.knowledge import KnowledgeBase
from bot.core.observer import Observer
from bot.core.records import StorageError
from bot.edge import delivery, handlers, stretch_sessions
from bot.edge.observed import ObservedApplication
from bot.edge.polling import PollingBot
from bot.edge.rate_limits import GroupSafeRateLimiter
from bot.edge.state import BotState
from bot.edge.transport import telegram_transport
from bot.edge.web.errors import ListenError, WebhookRefused
from bot.services.answer_cache import build_answerer, default_cache_dir
from bot.services.reloader import KnowledgeReloader
from bot.services.statistics import FLUSH_INTERVAL
from bot.storage import Recovery, Store
from bot.storage.lock import DatabaseInUse, InstanceLock
from bot.storage.open_errors import open_failure

log = logging.getLogger(__name__)

BotApplication = Application[Any, Any, Any, Any, BotState, Any]
HOUSEKEEPING_SECONDS = 12 * 3600


class StartupError(Exception):
    """The bot cannot start; the message is one plain sentence, safe to print."""


class BotStopped(StartupError):  # noqa: N818 (names the situation)
    """The bot ran, then stopped itself (e.g. another poller on the token); the message says
    why. A StartupError so that every caller already prints it as one plain line."""


def build_application(
    settings: Settings,
    *,
    kb: KnowledgeBase | None = None,
    answerer: Answerer | None = None,
    clock: Callable[[], datetime] = utc_now,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limit: bool = True,
    observer: Observer | None = None,
) -> BotApplication:
    """Build (but do not start) the Application. Raises KnowledgeError on an invalid base.

    ``answerer`` (one already built, e.g. shared by tests) skips building the matcher again;
    ``request`` and ``get_updates_request`` replace the HTTP transports (tests; one for calls,
    one for long polling); by default they are the pools ApplicationBuilder itself would make.
    ``observer`` receives the bot's events (metrics); by default nothing does.
    """
    if answerer is None:
        answerer = (
            Answerer(kb)
            if kb is not None
            else build_answerer(settings.knowledge_dir, default_cache_dir())
        )
    tracking = delivery.TrackingRequest(request or telegram_transport(256))
    bot = PollingBot(
        settings.token,
        base_url=settings.telegram_api_base_url,
        request=tracking,
        get_updates_request=get_updates_request or telegram_transport(1),
        # Waits out Telegram's 429 RetryAfter and keeps within ~30 msg/s overall, 20/min per
        # group.
        rate_limiter=GroupSafeRateLimiter(max_retries=2) if rate_limit else None,
    )
    builder = (
        ApplicationBuilder()
        .application_class(ObservedApplication)
        .bot(bot)
        .context_types(ContextTypes(bot_data=BotState))
        .post_init(_open_resources)
        .post_stop(_stop_work)
        .post_shutdown(_close_resources)
        .concurrent_updates(True)
    )
    application: BotApplication = builder.build()
    state = application.bot_data
    state.settings = settings
    state.clock = clock
    state.answerer = answerer
    if observer is None and (settings.webhook_url or settings.metrics_port is not None):
        from bot.edge.web.metrics import PrometheusObserver  # only when metrics are served

        observer = PrometheusObserver()
    if observer is not None:
        state.observer = observer
    tracking.observer = state.observer
    bot.on_conflict(lambda: _stop_for_conflict(application))
    handlers.register(application)
    return application


CONFLICT = (
    "Another process is polling Telegram with this bot token (409 Conflict), so this one "
    "stopped rather than answer people twice. Stop the other one (an overlapping deploy or a "
    "second worker); running several copies needs a webhook, not polling."
)


def _stop_for_conflict(application: BotApplication) -> None:
    """Telegram keeps answering 409: stop polling; ``run`` turns the reason into one line."""
    application.bot_data.stop_reason = CONFLICT
    application.stop_running()


async def _open_resources(application: BotApplication) -> None:
    """post_init: open the database, start the reminders, publish the menus, note @username."""
    state = application.bot_data
    if not state.has_store:
        await _open_store(state)
    recovered = await _recover(state)
    if recovered.unconfirmed:
        log.info(
            "%d reminder(s) were being sent when the bot last stopped and may have arrived; "
            "they are not sent again",
            recovered.unconfirmed,
        )
    if recovered.late:
        log.info(
            "%d queued reminder(s) were more than %s late and were skipped",
            recovered.late,
            state.store.late_grace,
        )
    await _start_metrics_server(application)
    delivery.start(application)
    _start_background(application)
    stretch_sessions.start(application)
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


async def _open_store(state: BotState) -> None:
    """Take the one-bot-per-database lock, open the database and clean up after the last run.

    With ``DATABASE_URL`` the database is PostgreSQL, shared by any number of replicas (no
    lock), and the group guards and conversation context move into it too. Any failure is a
    StartupError naming the likely cause (one plain line, no traceback, never the password).
    """
    url = state.settings.postgres_url
    if url is not None:
        # Imported here: a bot on SQLite never loads the PostgreSQL driver (memory, start-up).
        import asyncpg

        from bot.storage import backends
        from bot.storage.postgres import errors as postgres_errors

        try:
            state.store = await backends.open_postgres(url)
        except (OSError, TimeoutError, asyncpg.PostgresError, StorageError) as error:
            raise StartupError(postgres_errors.open_failure(url, error)) from None
        state.install_shared(backends.shared_state(state.store, lambda: state.clock()))
        return
    path = state.settings.database_path
    lock = InstanceLock(path)
    try:
        lock.acquire()
        store = await Store.open(path)
    except (OSError, sqlite3.Error, StorageError, DatabaseInUse) as error:
        lock.release()
        raise StartupError(open_failure(path, error)) from None
    state.instance_lock = lock
    state.store = store


async def _recover(state: BotState) -> Recovery:
    """Clean up after the last run; damaged pages or a lost server become one plain line."""
    url = state.settings.postgres_url
    if url is not None:
        import asyncpg

        from bot.storage.postgres import errors as postgres_errors

        try:
            return await state.store.recover(state.clock())
        except (OSError, TimeoutError, asyncpg.PostgresError) as error:
            raise StartupError(postgres_errors.open_failure(url, error)) from None
    try:
        return await state.store.recover(state.clock())
    except (OSError, sqlite3.Error) as error:  # damaged pages show up at the first real query
        raise StartupError(open_failure(state.settings.database_path, error)) from None


async def _stop_work(application: BotApplication) -> None:
    """post_stop: stop reminders and background tasks; a pass in flight finishes first."""
    await _stop_metrics_server(application)
    await delivery.stop(application)
    await stretch_sessions.stop(application)
    await _stop_background(application)
    await _write_counters(application)


async def _write_counters(application: BotApplication) -> None:
    """Write the statistics counted since the last batch (a graceful stop loses none)."""
    state = application.bot_data
    if not state.has_store or not (state.counters.pending or state.counters.questions):
        return
    try:
        await state.counters.flush(state.store)
    except Exception:  # figures only: never let them stop a shutdown
        log.exception("could not write the latest statistics counts")


def _start_background(application: BotApplication) -> None:
    """Watch the knowledge folder for edits, and purge expired anonymous questions twice a day."""
    state = application.bot_data
    state.background_stop = stop = asyncio.Event()
    if state.settings.watch_knowledge:
        reloader = KnowledgeReloader(state.settings.knowledge_dir, state.install_answerer)
        state.reloader = reloader
        state.background.append(asyncio.create_task(reloader.watch(stop), name="knowledge-watch"))
    state.background.append(asyncio.create_task(_housekeeping(application, stop), name="purge"))
    state.background.append(
        asyncio.create_task(_write_counters_every(application, stop), name="statistics")
    )


async def _write_counters_every(application: BotApplication, stop: asyncio.Event) -> None:
    """Write pending statistics counts in quiet times too (a busy bot writes them as it counts)."""
    seconds = FLUSH_INTERVAL.total_seconds()
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        await _write_counters(application)


async def _housekeeping(application: BotApplication, stop: asyncio.Event) -> None:
    state = application.bot_data
    keep = timedelta(days=state.settings.unanswered_retention_days)
    while not stop.is_set():
        try:
            purged = await state.store.purge_unanswered(state.clock() - keep)
            if purged:
                log.info("purged %d unanswered questions older than %s", purged, keep)
        except Exception:  # housekeeping must never take the bot down
            log.exception("purging old unanswered questions failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=HOUSEKEEPING_SECONDS)


async def _stop_background(application: BotApplication) -> None:
    state = application.bot_data
    if state.background_stop is not None:
        state.background_stop.set()
    tasks, state.background = state.background, []
    for task in tasks:
        try:
            await asyncio.wait_for(task, timeout=5)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
        except Exception:  # a failed watcher must not block shutdown
            log.exception("background task %s failed", task.get_name())


async def _stop_metrics_server(application: BotApplication) -> None:
    state = application.bot_data
    server, state.web_server = state.web_server, None
    if server is not None:
        await server.stop()


async def _close_resources(application: BotApplication) -> None:
    """post_shutdown: stop background work (if post_stop did not), close the database cleanly."""
    await _stop_metrics_server(application)
    await delivery.stop(application)
    await stretch_sessions.stop(application)
    await _stop_background(application)
    await _write_counters(application)
    state = application.bot_data
    state.charts.close()
    if state.has_store:
        await state.store.close()
        state.store = None
    if state.instance_lock is not None:
        state.instance_lock.release()
        state.instance_lock = None


def run(settings: Settings) -> None:
    """Run the bot until Ctrl+C or SIGTERM: long polling, or a webhook server when WEBHOOK_URL
    is set. The web server's libraries are imported only when something is served, so a bot
    that polls without METRICS_PORT does not carry them."""
    application = build_application(settings)
    try:
        if settings.webhook_url:
            asyncio.run(_serve_webhook(application, settings))
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
        if application.bot_data.stop_reason is not None:
            raise BotStopped(application.bot_data.stop_reason)
    except (ListenError, WebhookRefused) as error:
        raise StartupError(str(error)) from None
    except InvalidToken:
        raise StartupError(
            "Telegram rejected the bot token. Check TELEGRAM_BOT_TOKEN (from @BotFather)."
        ) from None
    except NetworkError as error:  # raised by the first getMe, before anything else runs
        raise StartupError(
            f"Could not reach the Telegram Bot API at {settings.telegram_api_base_url} ({error}). "
            "Check the network and TELEGRAM_API_BASE_URL."
        ) from None


async def _serve_webhook(application: BotApplication, settings: Settings) -> None:
    from bot.edge.web.metrics import PrometheusObserver
    from bot.edge.web.service import run_webhook, stop_on_signals, webhook_server

    observer = application.bot_data.observer
    assert isinstance(observer, PrometheusObserver)  # build_application made it
    stop = asyncio.Event()
    stop_on_signals(stop)
    await run_webhook(application, settings, webhook_server(application, settings, observer), stop)


async def _start_metrics_server(application: BotApplication) -> None:
    """Polling mode with METRICS_PORT: serve /healthz, /readyz and /metrics beside polling."""
    state = application.bot_data
    port = state.settings.metrics_port
    if port is None or state.settings.webhook_url or state.web_server is not None:
        return
    from bot.edge.web.metrics import PrometheusObserver
    from bot.edge.web.routes import build_routes
    from bot.edge.web.server import WebServer

    observer = state.observer
    assert isinstance(observer, PrometheusObserver)  # build_application made it
    server = WebServer(build_routes(application, observer), state.settings.listen_address, port)
    await server.start()
    state.web_server = server
