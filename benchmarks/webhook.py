"""Webhook vs long polling: updates per second through each, and the bot's idle memory.

Throughput: the same bot (``build_application`` with the real knowledge base, rate limiter off
so Telegram's 30 messages/s cap does not hide the inbound path) answers N questions from N
private chats, once fed by long polling (getUpdates from the tests' fake Bot API over HTTP on
127.0.0.1) and once by its webhook server (N POSTs over HTTP, at most 40 at a time, Telegram's
default ``max_connections``). Replies go to the same fake over HTTP in both. Rounds alternate
so the machine's noise hits both; the figure is the time from the first update offered to the
N-th reply recorded by the fake. Everything runs in this one process (the fake's HTTP server in
threads, the load generator in the bot's loop), so absolute figures are low; compare the ratio.

Memory: ``python -m bot`` as a subprocess in three modes (polling; polling with METRICS_PORT;
webhook), VmRSS once it is ready and idle.

Run as ``python benchmarks/webhook.py [N]`` (default 400). It prints figures and asserts only
correctness (every update answered once), never timing.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

import httpx  # noqa: E402
from telegram import Update  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.edge.web.routes import SECRET_HEADER  # noqa: E402
from bot.edge.web.service import run_webhook, webhook_server  # noqa: E402
from tests.e2e import BOT_VARIABLES, KNOWLEDGE_DIR, TOKEN, e2e_settings, real_answerer  # noqa: E402
from tests.fake_telegram import FakeTelegramServer  # noqa: E402

QUESTION = "how do I do pigeon pose"
SECRET = "benchmark_secret_0123456789"
URL = "https://bot.example.test/telegram"
CONCURRENT_POSTS = 40
ROUNDS = 3


async def through_polling(fake: FakeTelegramServer, tmp: Path, n: int, first_user: int) -> float:
    settings = e2e_settings(fake, tmp, http=True, watch_knowledge=False)
    app = build_application(settings, answerer=real_answerer(), rate_limit=False)
    async with app:
        assert app.post_init is not None and app.updater is not None
        await app.post_init(app)
        await app.start()
        mark = fake.mark()
        await app.updater.start_polling(
            poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        await fake.wait_for_call("getUpdates", after=mark)
        mark = fake.mark()
        started = time.perf_counter()
        for user in range(first_user, first_user + n):
            fake.send_text(QUESTION, user_id=user)
        await fake.wait_for_calls(n, "sendMessage", after=mark, timeout=300)
        elapsed = time.perf_counter() - started
        await app.updater.stop()
        await app.stop()
        assert app.post_stop is not None
        await app.post_stop(app)
    assert app.post_shutdown is not None
    await app.post_shutdown(app)
    return elapsed


async def through_webhook(fake: FakeTelegramServer, tmp: Path, n: int, first_user: int) -> float:
    settings = e2e_settings(
        fake,
        tmp,
        http=True,
        watch_knowledge=False,
        webhook_url=URL,
        webhook_secret=SECRET,
        port=0,
        listen_address="127.0.0.1",
    )
    app = build_application(settings, answerer=real_answerer(), rate_limit=False)
    observer: Any = app.bot_data.observer
    server = webhook_server(app, settings, observer)
    stop = asyncio.Event()
    mark = fake.mark()
    task = asyncio.create_task(run_webhook(app, settings, server, stop))
    await fake.wait_for_call("setWebhook", after=mark)
    updates = [fake.send_text(QUESTION, user_id=u) for u in range(first_user, first_user + n)]
    gate = asyncio.Semaphore(CONCURRENT_POSTS)
    limits = httpx.Limits(max_connections=CONCURRENT_POSTS)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{server.port}", limits=limits, timeout=60
    ) as client:

        async def post(update: dict[str, Any]) -> None:
            async with gate:
                response = await client.post(
                    "/telegram", json=update, headers={SECRET_HEADER: SECRET}
                )
                assert response.status_code == 200

        mark = fake.mark()
        started = time.perf_counter()
        await asyncio.gather(*(post(u) for u in updates))
        await fake.wait_for_calls(n, "sendMessage", after=mark, timeout=300)
        elapsed = time.perf_counter() - started
    stop.set()
    await task
    return elapsed


async def throughput(n: int) -> None:
    print(f"== updates/s, {n} questions from {n} private chats, {ROUNDS} alternating rounds")
    rates: dict[str, list[float]] = {"polling": [], "webhook": []}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(ROUNDS):
            for mode, run in (("polling", through_polling), ("webhook", through_webhook)):
                with FakeTelegramServer() as fake:
                    tmp = Path(folder) / f"{mode}-{round_}"
                    tmp.mkdir()
                    elapsed = await run(fake, tmp, n, 1_000_000)
                    answered = {c.params["chat_id"] for c in fake.find_calls("sendMessage")}
                    assert len(answered) == n, (mode, len(answered))
                    assert len(fake.find_calls("sendMessage")) == n  # none twice
                rates[mode].append(n / elapsed)
                print(f"  round {round_ + 1} {mode:>8}: {n / elapsed:7.1f} updates/s")
    polling, webhook = statistics.median(rates["polling"]), statistics.median(rates["webhook"])
    print(
        f"  median: polling {polling:.1f}/s, webhook {webhook:.1f}/s, "
        f"webhook/polling {webhook / polling:.2f}"
    )


def vm_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def idle_rss(mode: str, extra: dict[str, str], tmp: Path) -> int:
    """Start ``python -m bot``; wait until it is ready and idle; return its VmRSS in KiB."""
    with FakeTelegramServer() as fake:
        env = {k: v for k, v in os.environ.items() if k.upper() not in BOT_VARIABLES}
        env.update(
            PYTHONPATH=str(ROOT),
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=fake.base_url,
            KNOWLEDGE_DIR=str(KNOWLEDGE_DIR),
            DATABASE_PATH=str(tmp / mode / "bot.sqlite3"),
            WATCH_KNOWLEDGE="false",
            **extra,
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            ready = "setWebhook" if "WEBHOOK_URL" in extra else "getUpdates"
            fake.wait_for_call_sync(ready, timeout=60)
            time.sleep(1.0)  # let start-up garbage settle; the bot is idle now
            rss = vm_rss_kib(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
    return rss


def memory() -> None:
    print("\n== idle VmRSS of python -m bot (ready, no traffic)")
    modes = {
        "polling": {},
        "polling + METRICS_PORT": {"METRICS_PORT": "0", "LISTEN_ADDRESS": "127.0.0.1"},
        "webhook": {
            "WEBHOOK_URL": URL,
            "WEBHOOK_SECRET": SECRET,
            "PORT": "0",
            "LISTEN_ADDRESS": "127.0.0.1",
        },
    }
    figures: dict[str, list[int]] = {mode: [] for mode in modes}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(2):
            for mode, extra in modes.items():
                (Path(folder) / f"{mode}-{round_}").mkdir()
                rss = idle_rss(f"{mode}-{round_}", extra, Path(folder))
                figures[mode].append(rss)
    base = min(figures["polling"])
    for mode, values in figures.items():
        best = min(values)
        print(
            f"  {mode:>22}: {best / 1024:6.1f} MiB (runs: "
            f"{', '.join(f'{v / 1024:.1f}' for v in values)}), {(best - base) / 1024:+.1f} MiB"
        )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    asyncio.run(throughput(n))
    memory()


if __name__ == "__main__":
    main()
