"""Webhook vs long polling: updates per second through each, and the bot's idle memory.

Throughput: the same bot (``build_application`` as ``python -m bot`` builds it, but with the rate
limiter off so that Telegram's 30 messages/s cap does not hide the inbound path) runs alone in
a subprocess and answers N questions from N private chats, fed once by long polling (getUpdates
from the tests' fake Bot API over HTTP on 127.0.0.1) and once through its webhook server (N
POSTs, at most 40 at a time as Telegram's default ``max_connections``, from a third process).
Replies go to the same fake over HTTP in both. Rounds alternate so the machine's noise hits
both. Two figures: the rate, from the first update offered to the N-th reply recorded by the
fake (it includes the Telegram side, and on a shared machine it is noisy), and the bot
process's own CPU time per update (user + system, from /proc), the steadier of the two.

Memory: ``python -m bot`` as a subprocess in three modes (polling; polling with METRICS_PORT;
webhook), VmRSS once it is ready and idle.

Run as ``python benchmarks/webhook.py [N]`` (default 400). It prints figures and asserts only
correctness (every update answered exactly once), never timing.
"""

from __future__ import annotations

import asyncio
import os
import re
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
from bot.edge.web.service import run_webhook, stop_on_signals, webhook_server  # noqa: E402
from tests.e2e import BOT_VARIABLES, KNOWLEDGE_DIR, TOKEN  # noqa: E402
from tests.fake_telegram import FakeTelegramServer  # noqa: E402

QUESTION = "how do I do pigeon pose"
SECRET = "benchmark_secret_0123456789"
URL = "https://bot.example.test/telegram"
CONCURRENT_POSTS = 40
ROUNDS = 3


def serve_bot() -> None:
    """``--bot``: the bot, as ``python -m bot`` runs it but without the rate limiter (so that
    Telegram's 30 messages/s cap does not hide the inbound path), settings from the env."""
    from bot.config import load_settings
    from bot.logs import setup_logging

    settings = load_settings(env_file=None)
    setup_logging(settings.log_level, (settings.token, settings.secret))
    app = build_application(settings, rate_limit=False)
    if not settings.webhook_url:
        app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
        return

    async def serve() -> None:
        stop = asyncio.Event()
        stop_on_signals(stop)
        observer: Any = app.bot_data.observer
        await run_webhook(app, settings, webhook_server(app, settings, observer), stop)

    asyncio.run(serve())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bot_env(fake: FakeTelegramServer, tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in BOT_VARIABLES}
    env.update(
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        KNOWLEDGE_DIR=str(KNOWLEDGE_DIR),
        DATABASE_PATH=str(tmp / "bot.sqlite3"),
        WATCH_KNOWLEDGE="false",
        **extra,
    )
    return env


WEBHOOK_ENV = {
    "WEBHOOK_URL": URL,
    "WEBHOOK_SECRET": SECRET,
    "PORT": "0",
    "LISTEN_ADDRESS": "127.0.0.1",
}


def question(update_id: int, user: int) -> dict[str, Any]:
    """A private-chat question as Telegram sends it (by getUpdates or to the webhook)."""
    person = {"id": user, "is_bot": False, "first_name": "Reader"}
    chat = {"id": user, "type": "private", "first_name": "Reader"}
    message = {"message_id": 1, "from": person, "chat": chat, "date": int(time.time())}
    return {"update_id": update_id, "message": {**message, "text": QUESTION}}


async def post_all(port: int, first: int, n: int) -> None:
    """POST questions ``first`` .. ``first + n - 1`` to the webhook, 40 at a time."""
    gate = asyncio.Semaphore(CONCURRENT_POSTS)
    limits = httpx.Limits(max_connections=CONCURRENT_POSTS)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60
    ) as client:

        async def post(update: dict[str, Any]) -> None:
            async with gate:
                headers = {SECRET_HEADER: SECRET}
                response = await client.post("/telegram", json=update, headers=headers)
                assert response.status_code == 200

        updates = [question(i, 1_000_000 + i) for i in range(first, first + n)]
        await asyncio.gather(*(post(u) for u in updates))


def poster(port: int, n: int) -> None:
    """``--post PORT N``: Telegram's side of the webhook, in a process of its own so that its
    HTTP client does not share a core with the fake Bot API; it posts when told "go"."""
    sys.stdin.readline()
    asyncio.run(post_all(port, 1, n))


async def one_round(mode: str, n: int, tmp: Path) -> tuple[float, float]:
    """(updates per second, bot CPU milliseconds per update) for one mode."""
    with FakeTelegramServer() as fake:
        extra = WEBHOOK_ENV if mode == "webhook" else {}
        log = tmp / "stderr.txt"
        with log.open("wb") as stderr:
            process = subprocess.Popen(  # noqa: ASYNC220 (started once, before timing)
                [sys.executable, __file__, "--bot"],
                cwd=ROOT,
                env=bot_env(fake, tmp, LOG_LEVEL="INFO", **extra),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        try:
            ready = "setWebhook" if extra else "getUpdates"
            await fake.wait_for_call(ready, timeout=60)
            port = 0
            if extra:
                found = re.search(r"listening on 127\.0\.0\.1:(\d+)", log.read_text())
                assert found is not None, log.read_text()
                port = int(found[1])
            post = None
            if port:
                post = subprocess.Popen(  # noqa: ASYNC220 (started before timing)
                    [sys.executable, __file__, "--post", str(port), str(n)],
                    cwd=ROOT,
                    stdin=subprocess.PIPE,
                )
                await asyncio.sleep(2.0)  # its imports, before the clock starts
            mark = fake.mark()
            cpu = cpu_seconds(process.pid)
            started = time.perf_counter()
            if post is not None and post.stdin is not None:
                post.stdin.write(b"go\n")
                post.stdin.close()
            else:
                for index in range(1, n + 1):
                    fake.push_update(question(index, 1_000_000 + index))
            await fake.wait_for_calls(n, "sendMessage", after=mark, timeout=300)
            elapsed = time.perf_counter() - started
            cpu = cpu_seconds(process.pid) - cpu
            if post is not None:
                assert post.wait(60) == 0
            sent = fake.find_calls("sendMessage")
            assert len(sent) == n and len({c.params["chat_id"] for c in sent}) == n
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(60) == 0, log.read_text()
    return n / elapsed, 1000 * cpu / n


async def throughput(n: int) -> None:
    print(f"== {n} questions from {n} private chats; the bot (rate limiter off), the fake Bot")
    print("   API (+ getUpdates) and the webhook's poster each in a process; rounds alternate")
    rates: dict[str, list[float]] = {"polling": [], "webhook": []}
    costs: dict[str, list[float]] = {"polling": [], "webhook": []}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(ROUNDS):
            for mode in ("polling", "webhook"):
                tmp = Path(folder) / f"{mode}-{round_}"
                tmp.mkdir()
                rate, cost = await one_round(mode, n, tmp)
                rates[mode].append(rate)
                costs[mode].append(cost)
                print(
                    f"  round {round_ + 1} {mode:>8}: {rate:7.1f} updates/s, "
                    f"bot CPU {cost:5.2f} ms/update"
                )
    polling, webhook = statistics.median(rates["polling"]), statistics.median(rates["webhook"])
    cpu_p, cpu_w = statistics.median(costs["polling"]), statistics.median(costs["webhook"])
    print(
        f"  median: polling {polling:.1f}/s ({cpu_p:.2f} ms CPU), webhook {webhook:.1f}/s "
        f"({cpu_w:.2f} ms CPU); webhook/polling: rate {webhook / polling:.2f}, "
        f"CPU {cpu_w / cpu_p:.2f}"
    )


def vm_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def idle_rss(mode: str, extra: dict[str, str], tmp: Path) -> int:
    """Start ``python -m bot``; wait until it is ready and idle; return its VmRSS in KiB."""
    with FakeTelegramServer() as fake:
        env = bot_env(fake, tmp / mode, **extra)
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
        "webhook": WEBHOOK_ENV,
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
    if sys.argv[1:] == ["--bot"]:
        serve_bot()
        return
    if sys.argv[1:2] == ["--post"]:
        poster(int(sys.argv[2]), int(sys.argv[3]))
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    asyncio.run(throughput(n))
    memory()


if __name__ == "__main__":
    main()
