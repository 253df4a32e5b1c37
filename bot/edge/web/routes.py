"""What the web server answers: Telegram's webhook, ``/healthz``, ``/readyz`` and ``/metrics``.

The webhook checks Telegram's ``X-Telegram-Bot-Api-Secret-Token`` header on every request with
a constant-time comparison before it reads the body: without it 401, wrong 403, and nothing is
processed. A body that is not JSON, or not an update, gets 400 and one log line (never its
content). An update python-telegram-bot cannot read is skipped as in long polling (200, so that
Telegram does not send it again and again) and logged by its id and kind. A good update is put
on the Application's update queue and answered 200 at once, as python-telegram-bot's own
webhook does: the handlers run as they do for polled updates, and a stop drains the queue.
Before the Application runs (start-up) the webhook answers 503, so nothing is accepted that a
failed start would lose: Telegram sends it again, to this replica or another.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application, ExtBot

from bot.edge.polling import SkipReporter
from bot.edge.state import BotState
from bot.edge.web.metrics import CONTENT_TYPE, PrometheusObserver

__all__ = ["SECRET_HEADER", "Webhook", "build_routes", "readiness"]

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, BotState, Any]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_BODY_BYTES = 1 << 20  # a Telegram update is a few kB; anything this big is not one
READY_TIMEOUT_SECONDS = 2.0  # a database that takes longer to answer one read is not ready
LINES_PER_MINUTE = 5  # refused-request lines per minute; the rest are counted in one line
RECENT_UPDATE_IDS = 10_000  # about 100 kB; minutes of traffic for a busy bot


class Throttle:
    """At most ``LINES_PER_MINUTE`` warnings a minute for one reason, then a count: a scanner
    hammering the webhook must not flood the logs."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._start = clock()
        self._shown = 0
        self._hidden = 0

    def warn(self, message: str, *args: object) -> None:
        """Log ``message`` unless this minute's lines are used up (then count it)."""
        now = self._clock()
        if now - self._start >= 60.0:
            if self._hidden:
                log.warning("%d more refused webhook requests in the last minute", self._hidden)
            self._start, self._shown, self._hidden = now, 0, 0
        if self._shown >= LINES_PER_MINUTE:
            self._hidden += 1
            return
        self._shown += 1
        log.warning(message, *args)


class RecentIds:
    """The last ``size`` update ids this server accepted, to answer a repeat 200 unhandled.

    Telegram sends an update again when it did not get our answer (a timeout, a dropped
    connection). A repeat that reaches the same replica is caught here; one that reaches another
    replica is not (that needs state shared between replicas).
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._order: deque[int] = deque()
        self._seen: set[int] = set()

    def add(self, update_id: int) -> bool:
        """Remember ``update_id``; False when it was already there."""
        if update_id in self._seen:
            return False
        self._order.append(update_id)
        self._seen.add(update_id)
        if len(self._order) > self._size:
            self._seen.discard(self._order.popleft())
        return True


@dataclass
class Webhook:
    """The webhook endpoint: where Telegram posts updates, and the secret it must send."""

    path: str
    secret: str
    throttle: Throttle = field(default_factory=Throttle)
    skipped: SkipReporter = field(default_factory=SkipReporter)
    recent: RecentIds = field(default_factory=lambda: RecentIds(RECENT_UPDATE_IDS))

    def authorised(self, request: Request) -> Response | None:
        """None when the request carries the secret; otherwise the refusal to send."""
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            self.throttle.warn("refused a webhook request without the secret header (401)")
            return PlainTextResponse("unauthorised", HTTPStatus.UNAUTHORIZED)
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.throttle.warn("refused a webhook request with a wrong secret (403)")
            return PlainTextResponse("forbidden", HTTPStatus.FORBIDDEN)
        return None

    async def handle(self, request: Request, application: AnyApplication) -> Response:
        """One POST from Telegram; see the module for what each answer means."""
        refused = self.authorised(request)
        if refused is not None:
            return refused
        if not application.running:  # starting or stopping: Telegram retries, maybe elsewhere
            return PlainTextResponse("not ready", HTTPStatus.SERVICE_UNAVAILABLE)
        body = await _read_body(request)
        if body is None:
            self.throttle.warn("refused a webhook request over %d bytes (413)", MAX_BODY_BYTES)
            return PlainTextResponse("too large", HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            data = json.loads(body)
        except ValueError:  # UnicodeDecodeError included
            self.throttle.warn("refused a webhook request whose body is not JSON (400)")
            return PlainTextResponse("not JSON", HTTPStatus.BAD_REQUEST)
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            self.throttle.warn("refused a webhook request that is not an update (400)")
            return PlainTextResponse("not an update", HTTPStatus.BAD_REQUEST)
        if not self.recent.add(update_id):  # Telegram sent it again (our 200 was lost)
            log.info("update %d arrived again and was not handled twice", update_id)
            return PlainTextResponse("ok")
        bot = application.bot
        try:
            update = Update.de_json(data, bot)
        except Exception as error:  # whatever the library trips on, skip just this one
            self.skipped.skipped(data, error)
            return PlainTextResponse("skipped")
        if isinstance(bot, ExtBot):
            bot.insert_callback_data(update)
        await application.update_queue.put(update)
        return PlainTextResponse("ok")


async def _read_body(request: Request) -> bytes | None:
    """The body, or None as soon as it is longer than ``MAX_BODY_BYTES``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def readiness(application: AnyApplication) -> str:
    """'' when the bot can take updates, else why not: the Application is running, the
    knowledge base is loaded and the database answers a read within a couple of seconds."""
    state = application.bot_data
    if not application.running:
        return "the bot is not running (starting or stopping)"
    try:
        state.answerer  # noqa: B018 (raises until the knowledge base is loaded)
    except RuntimeError:
        return "the knowledge base is not loaded"
    if not state.has_store:
        return "the database is not open"
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            await state.store.get_chat(0)
    except Exception as error:  # any failure of the database means: not ready
        return f"the database does not answer ({type(error).__name__})"
    return ""


def build_routes(
    application: AnyApplication, observer: PrometheusObserver, webhook: Webhook | None = None
) -> Starlette:
    """The ASGI app: health, readiness and metrics, plus the webhook when one is given."""

    async def healthz(_request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(_request: Request) -> Response:
        why = await readiness(application)
        if why:
            return PlainTextResponse(f"not ready: {why}", HTTPStatus.SERVICE_UNAVAILABLE)
        return PlainTextResponse("ready")

    async def metrics(_request: Request) -> Response:
        return Response(observer.render(), media_type=CONTENT_TYPE)

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    if webhook is not None:

        async def telegram(request: Request) -> Response:
            return await webhook.handle(request, application)

        routes.append(Route(webhook.path, telegram, methods=["POST"]))
    return Starlette(routes=routes)
