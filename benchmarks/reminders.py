"""Reminder benchmarks: dispatch throughput, claim-query scaling, start-up cost, and the
Telegram side (the real Application sending through the tests' fake Bot API, in-process and
over HTTP: the same fake, two transports).

Run as ``python benchmarks/reminders.py`` (``--telegram`` for only the Telegram part). It prints
figures and asserts only correctness (nothing lost or doubled), never timing, so it is safe on a
slow CI machine. Targets to compare against: >= 1,000 reminders/s dispatched by the core; start-up
under 2 s and resident memory within 20 MB of an empty database with 100,000 reminders stored;
the Telegram side well above Telegram's own ~30 messages/s cap.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time as clock
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.core.records import Delivery  # noqa: E402
from bot.services.dispatcher import Dispatcher  # noqa: E402
from bot.storage import Store  # noqa: E402

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
WEEK = 7 * 24 * 3600
CLAIM_SQL = (
    "SELECT r.id, r.chat_id, r.local_time, r.days, r.next_due, r.sent_count, c.timezone "
    "FROM reminders r JOIN chats c ON c.chat_id = r.chat_id "
    "WHERE r.enabled = 1 AND r.next_due <= ? ORDER BY r.next_due LIMIT ?"
)
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]


def section(title: str) -> None:
    print(f"\n== {title}")


async def create_schema(path: Path) -> None:
    async with Store.open(path):
        pass


def bulk_load(path: Path, reminders: int, *, per_chat: int, spread: int, start: int) -> float:
    """Fill a fresh database fast: executemany in one transaction, bypassing the Store.

    Reminder ``i`` is due at ``start + (i * spread) // reminders``, so due times are spread
    evenly over ``spread`` seconds. Returns the seconds taken.
    """
    began = clock.perf_counter()
    chats = (reminders + per_chat - 1) // per_chat
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = OFF")  # a throwaway benchmark database
        with db:
            db.executemany(
                "INSERT INTO chats (chat_id, kind, timezone, created_at) VALUES (?, ?, ?, ?)",
                ((c, "private", ZONES[c % len(ZONES)], start) for c in range(1, chats + 1)),
            )
            db.executemany(
                "INSERT INTO reminders (chat_id, local_time, days, next_due, created_at) "
                "VALUES (?, ?, 127, ?, ?)",
                (
                    (
                        1 + i // per_chat,
                        f"{(i // 60) % 24:02d}:{i % 60:02d}",
                        start + (i * spread) // reminders,
                        start,
                    )
                    for i in range(reminders)
                ),
            )
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return clock.perf_counter() - began


# --- (1) dispatch throughput -------------------------------------------------------------


async def dispatch(path: Path, count: int, latency: float, concurrency: int) -> None:
    sent: list[Delivery] = []

    async def send(delivery: Delivery) -> None:
        await asyncio.sleep(latency)
        sent.append(delivery)

    def at() -> datetime:
        return NOW

    async with Store.open(path) as store:
        dispatcher = Dispatcher(store, send, at, batch_size=100, concurrency=concurrency)
        began = clock.perf_counter()
        report = await dispatcher.run_once()
        elapsed = clock.perf_counter() - began
        again = await dispatcher.run_once()
        left = await store._db.execute_fetchall("SELECT count(*) FROM deliveries")
        advanced = await store._db.execute_fetchall(
            "SELECT count(*) FROM reminders WHERE next_due > ? AND sent_count = 1",
            (int(NOW.timestamp()),),
        )
    ids = [d.reminder_id for d in sent]
    assert report.sent == count == len(ids) == len(set(ids)), (report, len(ids))
    assert again.total == 0, again
    assert next(iter(left))[0] == 0
    assert next(iter(advanced))[0] == count
    print(
        f"  sender latency {latency * 1000:>4.0f} ms, concurrency {concurrency:>3}: "
        f"{count:,} sent in {elapsed:.2f} s = {count / elapsed:,.0f} reminders/s "
        f"(none lost, none doubled, outbox empty)"
    )


async def bench_dispatch(tmp: Path) -> None:
    section("(1) dispatch 10,000 due reminders through the Dispatcher")
    count = 10_000
    for latency, concurrency in ((0.0, 20), (0.005, 20), (0.005, 100)):
        path = tmp / f"dispatch-{latency}-{concurrency}.db"
        await create_schema(path)
        start = int(NOW.timestamp()) - 60  # all due within the last minute
        bulk_load(path, count, per_chat=1, spread=60, start=start)
        await dispatch(path, count, latency, concurrency)


# --- (2) the claim query at scale --------------------------------------------------------


def time_query(db: sqlite3.Connection, now: int, repeat: int = 200) -> tuple[float, int]:
    samples = []
    rows = 0
    for _ in range(repeat):
        began = clock.perf_counter()
        rows = len(db.execute(CLAIM_SQL, (now, 100)).fetchall())
        samples.append(clock.perf_counter() - began)
    return statistics.median(samples), rows


async def bench_claim(tmp: Path) -> None:
    section("(2) claim query: 1,000 vs 1,000,000 stored reminders (spread over a week)")
    start = int(NOW.timestamp())
    for count in (1_000, 1_000_000):
        path = tmp / f"claim-{count}.db"
        await create_schema(path)
        built = bulk_load(path, count, per_chat=10, spread=WEEK, start=start)
        size = path.stat().st_size / 2**20
        with closing(sqlite3.connect(path)) as db:
            # "now" such that 150 reminders are due: the query returns a full batch of 100.
            (now,) = db.execute(
                "SELECT next_due FROM reminders ORDER BY next_due LIMIT 1 OFFSET 149"
            ).fetchone()
            if count == 1_000_000:
                plan = db.execute("EXPLAIN QUERY PLAN " + CLAIM_SQL, (now, 100)).fetchall()
                print("  EXPLAIN QUERY PLAN:")
                for row in plan:
                    print(f"    {row[3]}")
            median, rows = time_query(db, now)
        # A long grace so both sizes do the same work: 100 deliveries, no skips.
        async with Store.open(path, late_grace=timedelta(days=30)) as store:
            began = clock.perf_counter()
            batch = await store.claim_due(datetime.fromtimestamp(now, UTC), 100)
            claim = clock.perf_counter() - began
        assert rows == len(batch) == 100
        print(
            f"  {count:>9,} reminders (built in {built:5.2f} s, {size:6.1f} MiB): "
            f"claim SELECT median {median * 1e3:.3f} ms; full Store.claim_due of 100 "
            f"(select, schedule, insert, update, commit) {claim * 1e3:.1f} ms"
        )
        path.unlink()


# --- (3) start-up time and memory --------------------------------------------------------


def rss_kib() -> tuple[int, int]:
    """(current VmRSS, peak ru_maxrss) in KiB."""
    current = 0
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1])
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def child(path: str) -> None:
    """Run in a fresh interpreter: open the store and claim once, report time and memory."""
    before = rss_kib()
    began = clock.perf_counter()
    store = await Store.open(path)
    opened = clock.perf_counter()
    await store.recover(NOW)
    batch = await store.claim_due(NOW + timedelta(minutes=2), 100)
    claimed = clock.perf_counter()
    after = rss_kib()

    async def send(delivery: Delivery) -> None:
        await asyncio.sleep(0)

    # Then the bot "was down for a day": everything missed is skipped to its next occurrence.
    down = Dispatcher(store, send, lambda: NOW + timedelta(days=1))
    caught_up = clock.perf_counter()
    report = await down.run_once()
    caught_up = clock.perf_counter() - caught_up
    await store.close()
    result = {
        "open_s": opened - began,
        "claim_s": claimed - opened,
        "claimed": len(batch),
        "catch_up_s": caught_up,
        "catch_up_skipped": report.skipped,
        "catch_up_sent": report.sent,
        "rss_before_kib": before[0],
        "rss_kib": after[0],
        "maxrss_kib": after[1],
    }
    print(json.dumps(result))


async def app_child(path: str) -> None:
    """Run in a fresh interpreter: start the whole bot (imports, knowledge base, store, menus)."""
    began = clock.perf_counter()
    from bot.app import build_application
    from bot.config import load_settings
    from tests.e2e import TOKEN
    from tests.fake_telegram import FakeTelegramServer

    settings = load_settings(
        env_file=None,
        telegram_bot_token=TOKEN,
        database_path=Path(path),
        knowledge_dir=ROOT / "knowledge",
        reminder_poll_seconds=300,
        watch_knowledge=False,
    )
    # Calls go in-process; long polling keeps its own HTTP client, as in production (not used).
    fake = FakeTelegramServer()
    app = build_application(settings, rate_limit=False, request=fake.transport())
    async with app:
        assert app.post_init is not None and app.post_shutdown is not None
        await app.post_init(app)
        ready = clock.perf_counter()
        current, peak = rss_kib()
        await app.post_shutdown(app)
    print(json.dumps({"startup_s": ready - began, "rss_kib": current, "maxrss_kib": peak}))


def run_child(path: Path, mode: str = "--child") -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, mode, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


async def bench_startup(tmp: Path) -> None:
    section("(3) start-up: Store.open + recover + first claim, in a fresh process")
    empty = tmp / "empty.db"
    full = tmp / "full.db"
    await create_schema(empty)
    await create_schema(full)
    bulk_load(full, 100_000, per_chat=10, spread=WEEK, start=int(NOW.timestamp()))
    figures: dict[str, dict[str, float]] = {}
    for name, pristine in (("empty", empty), ("100,000 reminders", full)):
        runs = []
        for _ in range(3):  # each run claims, so each starts from a pristine copy
            path = tmp / "run.db"
            shutil.copyfile(pristine, path)
            runs.append(run_child(path))
            path.unlink()
        best = min(runs, key=lambda r: r["open_s"] + r["claim_s"])
        figures[name] = best
        print(
            f"  {name:>17}: open {best['open_s'] * 1e3:6.1f} ms, first claim "
            f"({int(best['claimed'])} due) {best['claim_s'] * 1e3:6.1f} ms; "
            f"VmRSS {best['rss_kib'] / 1024:5.1f} MiB (was {best['rss_before_kib'] / 1024:.1f} "
            f"after imports), ru_maxrss {best['maxrss_kib'] / 1024:5.1f} MiB"
        )
    best = figures["100,000 reminders"]
    print(
        f"  after a day down: run_once skipped {int(best['catch_up_skipped']):,} missed and sent "
        f"{int(best['catch_up_sent'])} recent in {best['catch_up_s']:.2f} s"
    )
    delta = (figures["100,000 reminders"]["rss_kib"] - figures["empty"]["rss_kib"]) / 1024
    print(f"  memory difference: {delta:+.1f} MiB (target: within 20 MB)")

    print("  whole bot (imports, knowledge base, store, recover, menus; in-process fake API):")
    whole: dict[str, dict[str, float]] = {}
    for name, pristine in (("empty", empty), ("100,000 reminders", full)):
        runs = []
        for _ in range(3):
            path = tmp / "run.db"
            shutil.copyfile(pristine, path)
            runs.append(run_child(path, "--app-child"))
            path.unlink()
        whole[name] = best = min(runs, key=lambda r: r["startup_s"])
        print(
            f"  {name:>17}: ready in {best['startup_s']:.2f} s, VmRSS "
            f"{best['rss_kib'] / 1024:5.1f} MiB (target: start-up under 2 s)"
        )
    delta = (whole["100,000 reminders"]["rss_kib"] - whole["empty"]["rss_kib"]) / 1024
    print(f"  memory difference: {delta:+.1f} MiB (target: within 20 MB)")


# --- (4) the Telegram side ----------------------------------------------------------------


async def telegram_dispatch(path: Path, count: int, concurrency: int, *, http: bool) -> None:
    """Dispatch every due reminder through the real Application to the fake Bot API."""
    from bot.app import build_application
    from bot.config import load_settings
    from bot.edge.delivery import TelegramSender, dispatch_due
    from bot.services.dispatcher import Dispatcher
    from tests.e2e import TOKEN, real_answerer
    from tests.fake_telegram import IN_PROCESS_BASE_URL, FakeTelegramServer

    with FakeTelegramServer() as fake:
        settings = load_settings(
            env_file=None,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=fake.base_url if http else IN_PROCESS_BASE_URL,
            database_path=path,
            knowledge_dir=ROOT / "knowledge",
            reminder_poll_seconds=300,  # the periodic task stays idle: we tick by hand
            watch_knowledge=False,
        )
        app = build_application(
            settings,
            answerer=real_answerer(),
            clock=lambda: NOW,
            rate_limit=False,
            request=None if http else fake.transport(),
        )
        async with app:
            assert app.post_init is not None and app.post_shutdown is not None
            await app.post_init(app)
            loop = app.bot_data.reminder_loop
            assert loop is not None
            sender = TelegramSender(app.bot, app.bot_data)
            loop.dispatcher = Dispatcher(
                app.bot_data.store, sender, app.bot_data.clock, concurrency=concurrency
            )
            began = clock.perf_counter()
            report = await dispatch_due(app)
            elapsed = clock.perf_counter() - began
            again = await dispatch_due(app)
            await app.post_shutdown(app)
        calls = fake.find_calls("sendMessage")
        assert fake.errors == []
    chats = [c.params["chat_id"] for c in calls if c.ok]
    assert report.sent == count == len(chats) == len(set(chats)), (report, len(chats))
    assert len(calls) == count  # no failed attempt either
    assert again.total == 0, again
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT count(*) FROM deliveries").fetchone() == (0,)
    size = sum(len(c.params["text"]) for c in calls) / len(calls)
    print(
        f"  concurrency {concurrency:>3}: {count:,} sent in {elapsed:.2f} s = "
        f"{count / elapsed:,.0f} messages/s (avg {size:,.0f} chars; none lost, none doubled, "
        "outbox empty)"
    )


async def bench_telegram(tmp: Path) -> None:
    section("(4) Telegram side: 10,000 due reminders through a fake Bot API, limiter off")
    count = 10_000
    print(
        "  a) the fake Bot API in-process (real Application, TelegramSender, PTB serialisation "
        "and the fake's checks; no HTTP)"
    )
    for concurrency in (20, 100):
        path = tmp / f"in-process-{concurrency}.db"
        await create_schema(path)
        bulk_load(path, count, per_chat=1, spread=60, start=int(NOW.timestamp()) - 60)
        await telegram_dispatch(path, count, concurrency, http=False)
        path.unlink()
    print("  b) the same fake over HTTP on 127.0.0.1 (same process, so it shares the GIL)")
    for concurrency in (20, 100):
        path = tmp / f"telegram-{concurrency}.db"
        await create_schema(path)
        bulk_load(path, count, per_chat=1, spread=60, start=int(NOW.timestamp()) - 60)
        await telegram_dispatch(path, count, concurrency, http=True)
        path.unlink()
    print(
        "  with the AIORateLimiter on (production), Telegram's ~30 messages/s overall cap "
        f"bounds this: {count:,} reminders take about {count / 30 / 60:.1f} minutes"
    )


async def main(steps: tuple[str, ...] = ()) -> None:
    began = clock.perf_counter()
    print(
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs"
    )
    chosen = {
        "dispatch": bench_dispatch,
        "claim": bench_claim,
        "startup": bench_startup,
        "telegram": bench_telegram,
    }
    with tempfile.TemporaryDirectory(prefix="reminder-bench-") as tmp:
        for name, step in chosen.items():
            if not steps or name in steps:
                await step(Path(tmp))
    print(f"\ntotal {clock.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        asyncio.run(child(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--app-child":
        asyncio.run(app_child(sys.argv[2]))
    else:
        asyncio.run(main(tuple(arg.removeprefix("--") for arg in sys.argv[1:])))
