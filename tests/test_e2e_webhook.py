"""Webhook mode end to end: the real bot, its real web server on 127.0.0.1, the fake Bot API.

Updates are POSTed to the webhook as Telegram posts them; the bot's answers reach the fake Bot
API. Only a request with the right secret header is processed; bad bodies are refused with 400
and a log line; /healthz, /readyz and /metrics answer over HTTP. Stopping (SIGTERM sets the same
stop event in ``python -m bot``) drains what was received; the process test is in
tests/test_e2e_webhook_process.py.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx
import pytest

from bot.core.observer import Observer
from bot.edge import delivery
from bot.edge.web.metrics import PrometheusObserver
from bot.edge.web.routes import SECRET_HEADER, RecentIds, Webhook, build_routes
from bot.edge.web.server import WebServer
from tests.e2e import TOKEN, e2e_settings, real_answerer, running_bot
from tests.fake_telegram import DEFAULT_USER_ID, FakeTelegramServer
from tests.webhook_harness import SECRET, WEBHOOK_URL, WebhookBot, sample, webhook_bot

OTHER_USER = 515151


SENDS = ("sendMessage", "sendPhoto")  # an exercise's answer is its picture with a caption


def replies_to(bot: WebhookBot, chat_id: int) -> list[str]:
    return [
        c.words
        for c in bot.fake.find_calls(None, lambda c: c.ok and c.method in SENDS)
        if c.params["chat_id"] == chat_id
    ]


async def test_setwebhook_is_called_with_the_secret_and_every_update_type(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    async with webhook_bot(fake_telegram, tmp_path):
        (call,) = fake_telegram.find_calls("setWebhook")
        assert call.params["url"] == WEBHOOK_URL
        assert call.params["secret_token"] == SECRET
        assert {"message", "callback_query", "my_chat_member"} <= set(
            call.params["allowed_updates"]
        )
        assert not call.params.get("drop_pending_updates")
        assert TOKEN not in call.params["url"]
    assert fake_telegram.find_calls("getUpdates") == []  # it never polled
    # A stop (SIGTERM) does not delete the webhook: the other replicas still serve it.
    assert fake_telegram.find_calls("deleteWebhook") == []


async def test_an_update_with_the_secret_is_answered(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    async with webhook_bot(fake_telegram, tmp_path) as bot:
        await bot.deliver(fake_telegram.send_text("/start"))
        await bot.deliver(fake_telegram.send_text("how do I do pigeon pose"))
        welcome, answer = replies_to(bot, DEFAULT_USER_ID)
        assert "not medical advice" in welcome.lower()
        assert "plank" in answer


async def test_requests_without_or_with_a_wrong_secret_are_refused_and_not_processed(
    fake_telegram: FakeTelegramServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with webhook_bot(fake_telegram, tmp_path) as bot:
        intruder = fake_telegram.send_text("/start", user_id=OTHER_USER)
        missing = await bot.post(intruder, secret=None)
        wrong = await bot.post(intruder, secret=SECRET[:-1] + "X")
        shorter = await bot.post(intruder, secret=SECRET[:5])
        empty = await bot.post(intruder, secret="")
        assert [r.status_code for r in (missing, wrong, shorter, empty)] == [401, 403, 403, 403]
        # A real update afterwards is answered; the refused ones never were.
        await bot.deliver(fake_telegram.send_text("/start"))
        assert len(replies_to(bot, DEFAULT_USER_ID)) == 1
        assert replies_to(bot, OTHER_USER) == []
        assert await bot.metric("backcare_updates_handled_total", kind="message") == 1
    logged = caplog.text
    assert "without the secret header (401)" in logged
    assert "wrong secret (403)" in logged
    assert SECRET not in logged


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"this is not json", "not JSON"),
        (b"\xff\xfe\x00", "not JSON"),
        (b"[1, 2, 3]", "not an update"),
        (b'{"message": {"text": "hi"}}', "not an update"),
        (b'{"update_id": "7"}', "not an update"),
        (b'{"update_id": true}', "not an update"),
    ],
)
async def test_a_bad_body_gets_400_and_a_log_line(
    fake_telegram: FakeTelegramServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    why: str,
) -> None:
    async with webhook_bot(fake_telegram, tmp_path) as bot:
        caplog.set_level(logging.WARNING)
        response = await bot.post(body)
        assert response.status_code == 400
        assert why in response.text
        assert f"{why} (400)" in caplog.text
        await bot.deliver(fake_telegram.send_text("/start"))  # and the bot carries on
        assert len(replies_to(bot, DEFAULT_USER_ID)) == 1
        assert "Traceback" not in caplog.text


async def test_an_update_telegram_sends_again_is_handled_once(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    async with webhook_bot(fake_telegram, tmp_path) as bot:
        update = fake_telegram.send_text("/start")
        await bot.deliver(update)
        await bot.deliver(update)  # our first 200 did not reach Telegram: it sends it again
        assert len(replies_to(bot, DEFAULT_USER_ID)) == 1
        await bot.deliver(fake_telegram.send_text("/help"))
        assert len(replies_to(bot, DEFAULT_USER_ID)) == 2


def test_recent_ids_forget_the_oldest() -> None:
    recent = RecentIds(3)
    assert [recent.add(i) for i in (1, 2, 3, 1)] == [True, True, True, False]
    assert recent.add(4)  # 1 is forgotten now
    assert recent.add(1)
    assert not recent.add(4)


async def test_an_oversized_body_is_refused(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    async with webhook_bot(fake_telegram, tmp_path) as bot:
        response = await bot.post(b'{"update_id": 1, "x": "' + b"a" * (2 << 20) + b'"}')
        assert response.status_code == 413


async def test_an_update_the_library_cannot_read_is_skipped_like_in_polling(
    fake_telegram: FakeTelegramServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with webhook_bot(fake_telegram, tmp_path) as bot:
        unreadable = fake_telegram.send_unparsable("Which stretch, Alice?")
        response = await bot.post(unreadable)
        assert response.status_code == 200  # Telegram must not send it again and again
        assert f"skipped update {unreadable['update_id']} (message)" in caplog.text
        assert "Alice" not in caplog.text
        await bot.deliver(fake_telegram.send_text("/start"))
        assert len(replies_to(bot, DEFAULT_USER_ID)) == 1


async def test_health_readiness_and_metrics(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    async with webhook_bot(fake_telegram, tmp_path) as bot:
        health = await bot.client.get("/healthz")
        ready = await bot.client.get("/readyz")
        assert (health.status_code, health.text) == (200, "ok")
        assert (ready.status_code, ready.text) == (200, "ready")
        before = await bot.client.get("/metrics")
        assert before.headers["content-type"].startswith("text/plain")
        assert "# TYPE backcare_updates_handled_total counter" in before.text
        assert await bot.metric("backcare_updates_handled_total", kind="message") == 0

        await bot.deliver(fake_telegram.send_text("how do I do pigeon pose"))
        await bot.deliver(fake_telegram.send_text("qwzx blorp"))
        await bot.deliver(fake_telegram.send_text("I suddenly can't control my bladder"))
        (pigeon,) = fake_telegram.find_calls("sendPhoto", lambda c: "plank" in c.words)
        await bot.deliver(fake_telegram.press_button(pigeon, "topics"))

        assert await bot.metric("backcare_updates_handled_total", kind="message") == 3
        assert await bot.metric("backcare_updates_handled_total", kind="callback_query") == 1
        assert await bot.metric("backcare_replies_total", kind="answer", band="confident") == 1
        assert await bot.metric("backcare_replies_total", kind="fallback", band="none") == 1
        assert await bot.metric("backcare_red_flags_total", tier="emergency") == 1
        assert await bot.metric("process_resident_memory_bytes") > 0


async def test_reminders_and_their_lateness_are_counted(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    async with webhook_bot(fake_telegram, tmp_path) as bot:
        await bot.deliver(fake_telegram.send_text("/timezone Europe/London"))
        await bot.deliver(fake_telegram.send_text("/remind 9:05"))
        bot.clock.advance(minutes=5, seconds=20)  # due at 9:05, delivered 20 s late
        report = await delivery.dispatch_due(bot.app)
        assert report.sent == 1
        assert await bot.metric("backcare_reminders_sent_total") == 1
        lateness = "backcare_reminder_lateness_seconds_bucket"
        assert await bot.metric(lateness, le="15.0") == 0
        assert await bot.metric(lateness, le="30.0") == 1
        assert await bot.metric("backcare_reminder_lateness_seconds_sum") == 20


async def test_telegram_errors_are_counted_by_code(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    async with webhook_bot(fake_telegram, tmp_path) as bot:
        fake_telegram.fail("sendMessage", chat_id=DEFAULT_USER_ID, error_code=403, times=1)
        await bot.deliver(fake_telegram.send_text("/start"))
        fake_telegram.fail("sendMessage", chat_id=DEFAULT_USER_ID, error_code=400, times=1)
        await bot.deliver(fake_telegram.send_text("/help"))
        assert await bot.metric("backcare_telegram_errors_total", code="403") == 1
        assert await bot.metric("backcare_telegram_errors_total", code="400") == 1


async def test_readiness_is_503_until_started_and_when_the_database_fails(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    # The same routes, for an Application that has not started yet: not ready.
    settings = e2e_settings(fake_telegram, tmp_path, watch_knowledge=False)
    from bot.app import build_application

    idle = build_application(
        settings, answerer=real_answerer(), request=fake_telegram.transport(), rate_limit=False
    )
    hook = Webhook("/telegram", SECRET)
    server = WebServer(build_routes(idle, PrometheusObserver(), hook), "127.0.0.1", 0)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            early = await client.get("/readyz")
            alive = await client.get("/healthz")
            update = fake_telegram.send_text("/start")
            posted = await client.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})
    finally:
        await server.stop()
    assert early.status_code == 503
    assert "not running" in early.text
    assert alive.status_code == 200  # alive, though not ready
    assert posted.status_code == 503  # not accepted: a failed start would lose it
    assert idle.update_queue.empty()

    async with webhook_bot(fake_telegram, tmp_path / "running") as bot:
        assert (await bot.client.get("/readyz")).status_code == 200
        await bot.app.bot_data.store.close()  # the database connection is gone
        gone = await bot.client.get("/readyz")
        assert gone.status_code == 503
        assert "the database does not answer" in gone.text
        assert (await bot.client.get("/healthz")).status_code == 200


async def test_stopping_waits_for_replies_in_flight_and_drains_what_was_received(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    count = 12
    async with webhook_bot(fake_telegram, tmp_path) as bot:
        users = [700_000 + n for n in range(count)]
        gate = fake_telegram.hold("sendMessage")  # Telegram is slow to answer right now
        responses = await asyncio.gather(
            *(bot.post(fake_telegram.send_text("/start", user_id=u)) for u in users)
        )
        assert all(r.status_code == 200 for r in responses)
        await asyncio.to_thread(gate.wait_until_waiting, count)  # every reply is in flight
        bot.stop.set()  # SIGTERM
        for _ in range(20):  # give a stop that would not wait every chance to finish
            await asyncio.sleep(0.01)
        assert not bot.task.done(), "the bot stopped with replies still in flight"
        gate.open()
        await asyncio.wait_for(bot.task, timeout=20)
        answered = {c.params["chat_id"] for c in fake_telegram.find_calls("sendMessage")}
        assert answered == set(users)
    assert fake_telegram.errors == []


async def test_polling_with_metrics_port_serves_health_and_metrics(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running_bot(fake_telegram, tmp_path, metrics_port=0) as bot:
        server = bot.app.bot_data.web_server
        assert server is not None
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).text == "ready"
            fake_telegram.fail("sendMessage", error_code=403, times=1)
            await bot.send("/start")
            await bot.send("how do I do pigeon pose")
            text = (await client.get("/metrics")).text
            assert (await client.post("/telegram", json={})).status_code == 404  # no webhook
        assert sample(text, "backcare_updates_handled_total", kind="message") == 2
        assert sample(text, "backcare_replies_total", kind="answer", band="confident") == 1
        assert sample(text, "backcare_telegram_errors_total", code="403") == 1
    assert bot.app.bot_data.web_server is None  # stopped with the bot


async def test_polling_without_metrics_port_serves_nothing(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running_bot(fake_telegram, tmp_path) as bot:
        assert bot.app.bot_data.web_server is None
        assert type(bot.app.bot_data.observer) is Observer  # the no-op: nothing is counted
