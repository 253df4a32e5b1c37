"""``python -m bot`` in webhook mode as a separate process, against the fake Bot API over HTTP.

What only a real process shows: the settings read from the environment switch it to a webhook
server, the port it listens on, SIGTERM draining the updates received and stopping cleanly
(exit 0, no deleteWebhook), and neither the token nor the secret in any output.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from bot.edge.web.routes import SECRET_HEADER
from tests.e2e import KNOWLEDGE_DIR, TOKEN
from tests.fake_telegram import FakeTelegramServer
from tests.test_e2e_process import BotProcess, bot_env, run_bot_once, start_bot
from tests.webhook_harness import SECRET, WEBHOOK_URL

__all__ = ["start_bot"]  # the fixture, imported for this module's tests

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGTERM")

LISTENING = re.compile(r"web server listening on 127\.0\.0\.1:(\d+)")


def webhook_env(fake: FakeTelegramServer, tmp_path: Path, **values: str) -> dict[str, str]:
    settings = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "KNOWLEDGE_DIR": str(KNOWLEDGE_DIR),
        "WEBHOOK_URL": WEBHOOK_URL,
        "WEBHOOK_SECRET": SECRET,
        "PORT": "0",
        "LISTEN_ADDRESS": "127.0.0.1",
    }
    return bot_env(tmp_path, **{**settings, **values})


def port_of(bot: BotProcess) -> int:
    found = LISTENING.search(bot.output())
    assert found is not None, bot.output()
    return int(found[1])


def test_webhook_process_answers_refuses_reports_and_drains_on_sigterm(
    fake_telegram: FakeTelegramServer,
    tmp_path: Path,
    start_bot: Callable[[dict[str, str]], BotProcess],
) -> None:
    fake = fake_telegram
    bot = start_bot(webhook_env(fake, tmp_path, LOG_LEVEL="DEBUG"))
    hook = bot.wait_for(fake, "setWebhook")
    assert hook.params["secret_token"] == SECRET
    assert hook.params["url"] == WEBHOOK_URL
    base = f"http://127.0.0.1:{port_of(bot)}"
    with httpx.Client(base_url=base, timeout=10) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").text == "ready"

        def post(update: dict[str, object], secret: str | None = SECRET) -> int:
            headers = {SECRET_HEADER: secret} if secret is not None else {}
            return client.post("/telegram", json=update, headers=headers).status_code

        mark = fake.mark()
        assert post(fake.send_text("/start", user_id=9001), secret=None) == 401
        assert post(fake.send_text("/start", user_id=9002), secret="nope") == 403
        assert post(fake.send_text("how do I do pigeon pose")) == 200
        # An exercise's answer: its picture with the words as caption.
        answer = bot.wait_for(fake, "sendPhoto", lambda c: c.ok, after=mark)
        assert "plank" in answer.words
        # The reply reaches Telegram a moment before the update is counted as handled.
        counted = 'backcare_updates_handled_total{kind="message"} 1.0'
        deadline = time.monotonic() + 10
        while counted not in (metrics := client.get("/metrics").text):
            assert time.monotonic() < deadline, metrics
            time.sleep(0.02)

        # A burst whose replies Telegram is slow to take, then SIGTERM: the bot waits for
        # every reply in flight and answers every update it accepted before it exits.
        gate = fake.hold("sendMessage")
        users = list(range(800_000, 800_020))
        assert all(post(fake.send_text("/start", user_id=u)) == 200 for u in users)
        gate.wait_until_waiting(len(users))
    bot.process.send_signal(signal.SIGTERM)
    with pytest.raises(subprocess.TimeoutExpired):  # still draining: the replies are held
        bot.process.wait(0.3)
    gate.open()
    assert bot.process.wait(15) == 0  # by itself: one SIGTERM is all a deploy sends
    answered = {c.params["chat_id"] for c in fake.find_calls("sendMessage", lambda c: c.ok)}
    assert answered >= set(users)
    assert not answered & {9001, 9002}  # the refused requests were never processed
    assert fake.find_calls("deleteWebhook") == []
    assert fake.find_calls("getUpdates") == []
    output = bot.output()
    assert "Traceback" not in output
    assert " DEBUG " in output
    assert TOKEN not in output and TOKEN.split(":", 1)[1] not in output
    assert SECRET not in output
    assert "stopping: no new requests" in output
    assert fake.errors == []


def test_a_webhook_url_that_is_not_https_is_one_clear_line(tmp_path: Path) -> None:
    with FakeTelegramServer() as fake:
        env = webhook_env(fake, tmp_path, WEBHOOK_URL="http://bot.example.test/telegram")
        result = run_bot_once(env, cwd=tmp_path)
        assert fake.calls == []
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration problem: WEBHOOK_URL must be a public https://")
    assert SECRET not in result.stderr and TOKEN not in result.stderr


def test_a_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken, FakeTelegramServer() as fake:
        port = taken.getsockname()[1]
        env = webhook_env(fake, tmp_path, PORT=str(port))
        started = time.monotonic()
        result = run_bot_once(env, cwd=tmp_path)
        assert time.monotonic() - started < 15
        assert fake.find_calls("setWebhook") == []
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"The bot did not start. Cannot listen on 127.0.0.1:{port}")
    assert TOKEN not in output


def test_a_webhook_telegram_refuses_is_one_clear_line(tmp_path: Path) -> None:
    with FakeTelegramServer() as fake:
        fake.fail("setWebhook", error_code=400, description="Bad Request: bad webhook: nope")
        result = run_bot_once(webhook_env(fake, tmp_path), cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("The bot did not start. Telegram refused the webhook address")
    assert TOKEN not in output and SECRET not in output
