"""Webhook mode: the bot behind a load balancer, Telegram posting updates to ``WEBHOOK_URL``.

The order matters. The server starts first, so ``/healthz`` answers (and ``/readyz`` says "not
ready") while the bot loads; then the Application starts as ``run_polling`` would start it
(initialize, post_init, start); then ``setWebhook`` tells Telegram where to post, with the
secret, every update type and no dropping of pending updates (as polling does today). Every
replica calls it with the same address: it is idempotent.

On SIGTERM the server stops first (no new requests; those in flight finish), then the
Application stops, which handles every update already queued and waits for running handlers,
then the database closes. ``deleteWebhook`` is deliberately not called: in a rolling deploy the
other replicas and the new version serve the same address, and deleting the webhook would stop
Telegram from delivering to all of them. Telegram keeps undelivered updates (up to 24 hours)
and retries; switching back to polling deletes the webhook by itself (python-telegram-bot does
that when polling starts).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application

from bot.config import Settings
from bot.edge.state import BotState
from bot.edge.web.errors import WebhookRefused
from bot.edge.web.metrics import PrometheusObserver
from bot.edge.web.routes import Webhook, build_routes
from bot.edge.web.server import WebServer

__all__ = ["run_webhook", "stop_on_signals", "webhook_server"]

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, BotState, Any]


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGTERM (a process manager, a rolling deploy) and SIGINT (Ctrl+C) set ``stop``."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


def webhook_server(
    application: AnyApplication, settings: Settings, observer: PrometheusObserver
) -> WebServer:
    """The web server of webhook mode: the webhook at WEBHOOK_URL's path, health and metrics."""
    webhook = Webhook(settings.webhook_path, settings.secret)
    routes = build_routes(application, observer, webhook)
    return WebServer(routes, settings.listen_address, settings.port)


async def run_webhook(
    application: AnyApplication, settings: Settings, server: WebServer, stop: asyncio.Event
) -> None:
    """Serve the webhook, health and metrics until ``stop`` is set; then drain and close."""
    await server.start()
    try:
        async with application:  # initialize() ... shutdown()
            try:
                if application.post_init is not None:
                    await application.post_init(application)
                await application.start()
                await _set_webhook(application, settings)
                log.info("webhook set; Telegram posts updates to %s", settings.webhook_path)
                await stop.wait()
                log.info("stopping: no new requests; updates already received are handled first")
            finally:
                await server.stop()
                if application.running:
                    await application.stop()  # handles what is queued, waits for handlers
                    if application.post_stop is not None:
                        await application.post_stop(application)
    finally:
        await server.stop()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
    log.info("stopped")


async def _set_webhook(application: AnyApplication, settings: Settings) -> None:
    try:
        await application.bot.set_webhook(
            url=settings.webhook_url or "",
            secret_token=settings.secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
    except BadRequest as error:
        raise WebhookRefused(
            f"Telegram refused the webhook address ({error.message}). WEBHOOK_URL must be a "
            "public https address with a valid certificate, on port 443, 80, 88 or 8443."
        ) from None
