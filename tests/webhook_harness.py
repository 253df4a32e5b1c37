"""Harness for webhook-mode tests: the real bot served by its real web server on 127.0.0.1.

``webhook_bot`` builds the Application as production does (``build_application`` with a
Prometheus observer), starts the web server on a free port and runs ``run_webhook`` (the same
coroutine ``python -m bot`` runs in webhook mode) in this test's event loop, talking to the fake
Bot API in-process. Tests POST updates to the webhook as Telegram (or the load balancer in front
of the bot) would, and read /healthz, /readyz and /metrics over real HTTP.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.app import BotApplication, build_application
from bot.config import Settings
from bot.edge.web.metrics import PrometheusObserver
from bot.edge.web.routes import SECRET_HEADER
from bot.edge.web.server import WebServer
from bot.edge.web.service import run_webhook, webhook_server
from tests.e2e import FakeClock, e2e_settings, real_answerer
from tests.fake_telegram import FakeTelegramServer, JSONDict

WEBHOOK_URL = "https://bot.example.test/telegram"
SECRET = "s3cret_Webhook-token_0123456789"


@dataclass
class WebhookBot:
    """A bot in webhook mode, its web server, and an HTTP client pointed at it."""

    app: BotApplication
    fake: FakeTelegramServer
    clock: FakeClock
    settings: Settings
    server: WebServer
    client: httpx.AsyncClient
    observer: PrometheusObserver
    stop: asyncio.Event  # set: what SIGTERM does in ``python -m bot``
    task: asyncio.Task[None]  # run_webhook; done once the bot has stopped

    async def post(
        self, body: JSONDict | bytes, *, secret: str | None = SECRET, path: str = "/telegram"
    ) -> httpx.Response:
        """POST ``body`` (an update, or raw bytes) as Telegram would, with ``secret``."""
        headers = {} if secret is None else {SECRET_HEADER: secret}
        if isinstance(body, bytes):
            headers["Content-Type"] = "application/json"
            return await self.client.post(path, content=body, headers=headers)
        return await self.client.post(path, json=body, headers=headers)

    async def deliver(self, update: JSONDict) -> None:
        """POST ``update`` with the right secret and wait until the bot has handled it."""
        response = await self.post(update)
        assert response.status_code == 200, response.text
        await self.app.update_queue.join()

    async def metric(self, name: str, **labels: str) -> float:
        """One sample of ``GET /metrics`` (0 when absent), e.g. ``metric("x_total", kind="a")``."""
        text = (await self.client.get("/metrics")).text
        return sample(text, name, **labels)


def sample(text: str, name: str, **labels: str) -> float:
    """The value of metric ``name`` with exactly ``labels`` in Prometheus' text format."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        found = re.fullmatch(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)", line)
        if found is None or found[1] != name:
            continue
        have = ",".join(sorted(part for part in (found[2] or "").split(",") if part))
        if have == wanted:
            return float(found[3])
    return 0.0


@asynccontextmanager
async def webhook_bot(
    fake: FakeTelegramServer, tmp_path: Path, **overrides: Any
) -> AsyncIterator[WebhookBot]:
    """Start the real bot in webhook mode; stop it as SIGTERM would (the stop event)."""
    overrides.setdefault("watch_knowledge", False)
    settings = e2e_settings(
        fake,
        tmp_path,
        webhook_url=WEBHOOK_URL,
        webhook_secret=SECRET,
        port=0,
        listen_address="127.0.0.1",
        **overrides,
    )
    clock = FakeClock()
    observer = PrometheusObserver()
    app = build_application(
        settings,
        answerer=real_answerer(),
        clock=clock.now,
        rate_limit=False,
        request=fake.transport(),
        get_updates_request=fake.transport(),
        observer=observer,
    )
    server = webhook_server(app, settings, observer)
    stop = asyncio.Event()
    mark = fake.mark()
    task = asyncio.create_task(run_webhook(app, settings, server, stop))
    try:
        await fake.wait_for_call("setWebhook", after=mark)
        base = f"http://127.0.0.1:{server.port}"
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            yield WebhookBot(app, fake, clock, settings, server, client, observer, stop, task)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=20)
