"""Storage backends side by side, in the same run: reminder dispatch per second and claim
latency (p50/p99) on SQLite and on PostgreSQL, one and two replicas; and the hot-path cost of
the state replicas share (group guard check, conversation context, group settings read).

Run as ``python benchmarks/storage_backends.py [REMINDERS]`` (default 5,000). It starts its own
PostgreSQL server like the tests do (Debian's ``postgresql`` binaries; durable commits on, as in
production), prints figures, and asserts only correctness (every reminder sent once), never
timing. The machine is shared and noisy: compare the backends within one run, as ratios.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time as clock
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from bot.core.answering.context import Conversation, MemoryContextStore  # noqa: E402
from bot.core.groups.guards import GroupGuards, MemoryGroupGuards  # noqa: E402
from bot.core.groups.policy import DuplicateGuard, RateBudget  # noqa: E402
from bot.core.records import ClaimBatch, Delivery  # noqa: E402
from bot.services.dispatcher import Dispatcher  # noqa: E402
from bot.storage import Store  # noqa: E402
from bot.storage.interface import Storage  # noqa: E402
from bot.storage.postgres import PostgresStore  # noqa: E402
from bot.storage.postgres.shared import PgContextStore, PgGroupGuards  # noqa: E402
from tests import postgres_server  # noqa: E402

DUE = datetime(2025, 1, 15, 12, 30, tzinfo=UTC)
DUE_S = int(DUE.timestamp())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def timed_claims(store: Storage) -> list[float]:
    """Times each of the store's claim_due calls (the list fills as the store is used)."""
    claims: list[float] = []
    original = store.claim_due

    async def claim_due(now: datetime, limit: int = 100) -> ClaimBatch:
        started = clock.perf_counter()
        batch = await original(now, limit)
        claims.append(clock.perf_counter() - started)
        return batch

    store.claim_due = claim_due  # type: ignore[method-assign]
    return claims


async def fill_sqlite(store: Store, count: int) -> None:
    db = store._db
    await db.execute("BEGIN")
    await db.executemany(
        "INSERT INTO chats (chat_id, kind, created_at) VALUES (?, 'private', ?)",
        [(chat, DUE_S - 3600) for chat in range(1, count + 1)],
    )
    await db.executemany(
        "INSERT INTO reminders (chat_id, local_time, days, next_due, created_at) "
        "VALUES (?, '12:30', 127, ?, ?)",
        [(chat, DUE_S, DUE_S - 3600) for chat in range(1, count + 1)],
    )
    await db.execute("COMMIT")


async def fill_postgres(url: str, count: int) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.copy_records_to_table(
            "chats",
            records=[(chat, "private", DUE_S - 3600) for chat in range(1, count + 1)],
            columns=["chat_id", "kind", "created_at"],
        )
        await conn.copy_records_to_table(
            "reminders",
            records=[(chat, "12:30", 127, DUE_S, DUE_S - 3600) for chat in range(1, count + 1)],
            columns=["chat_id", "local_time", "days", "next_due", "created_at"],
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def dispatch(stores: list[Storage], count: int) -> tuple[float, list[float]]:
    """Every store dispatches at once until nothing is due; (seconds, claim latencies)."""
    sent: Counter[int] = Counter()

    async def send(delivery: Delivery) -> None:
        sent[delivery.reminder_id] += 1

    claims = [timed_claims(store) for store in stores]
    dispatchers = [Dispatcher(store, send, lambda: DUE) for store in stores]
    started = clock.perf_counter()
    await asyncio.gather(*(dispatcher.run_once() for dispatcher in dispatchers))
    took = clock.perf_counter() - started
    assert len(sent) == count and set(sent.values()) == {1}, "a reminder lost or sent twice"
    return took, [latency for each in claims for latency in each]


def report(name: str, count: int, took: float, claims: list[float], baseline: float) -> None:
    rate = count / took
    print(
        f"{name:<34} {rate:>8,.0f} reminders/s  claim p50 {ms(percentile(claims, 0.5))}, "
        f"p99 {ms(percentile(claims, 0.99))}  ({rate / baseline:.2f}x SQLite)"
    )


async def latency(step: Callable[[int], Awaitable[object]], rounds: int) -> tuple[float, float]:
    times = []
    for n in range(rounds):
        started = clock.perf_counter()
        await step(n)
        times.append(clock.perf_counter() - started)
    return statistics.median(times), percentile(times, 0.99)


async def hot_path(url: str) -> None:
    print("\n== hot path: the state replicas share (per call, p50 / p99)")
    now = DUE
    async with await PostgresStore.open(url) as store:
        await store.upsert_chat(-100, "supergroup", now)
        memory_guards: GroupGuards = MemoryGroupGuards(DuplicateGuard(), RateBudget())
        pg_guards: GroupGuards = PgGroupGuards(store.pool)
        for name, guards in (("memory", memory_guards), ("postgres", pg_guards)):

            async def admit(n: int, guards: GroupGuards = guards) -> object:
                at = now + timedelta(seconds=4 * n)  # ~15 a minute: always within the budget
                return await guards.admit(-100 - n % 50, f"question {n % 7}", at, 1)

            p50, p99 = await latency(admit, 2000)
            print(f"group guard check, {name:<9} {ms(p50)} / {ms(p99)}")
        memory_context = MemoryContextStore(lambda: now)
        pg_context = PgContextStore(store.pool, lambda: now)
        talk = Conversation("pigeon-pose", ("a", "b", "c"), "hold", 1)
        for name, contexts in (("memory", memory_context), ("postgres", pg_context)):

            async def get_put(n: int, contexts: object = contexts) -> object:
                await contexts.put(f"{n % 500}:", talk)  # type: ignore[attr-defined]
                return await contexts.get(f"{(n * 7) % 500}:")  # type: ignore[attr-defined]

            p50, p99 = await latency(get_put, 2000)
            print(f"context put + get, {name:<9} {ms(p50)} / {ms(p99)}")
        p50, p99 = await latency(lambda n: store.get_chat(-100), 2000)
        print(f"group settings read (no cache)    {ms(p50)} / {ms(p99)} on postgres")


async def main(count: int) -> None:
    started = postgres_server.start(durable=True)
    if isinstance(started, str):
        sys.exit(f"no PostgreSQL server: {started}")
    server = started
    try:
        print(f"== dispatching {count:,} reminders due at once (a no-op sender)")
        with tempfile.TemporaryDirectory() as folder:
            async with Store.open(Path(folder) / "bench.sqlite3") as lite:
                await fill_sqlite(lite, count)
                took, claims = await dispatch([lite], count)
        baseline = count / took
        report("SQLite (one process)", count, took, claims, baseline)
        url = await server.new_database()
        await fill_postgres(url, count)
        async with await PostgresStore.open(url) as pg:
            took, claims = await dispatch([pg], count)
        report("PostgreSQL, 1 replica", count, took, claims, baseline)
        url = await server.new_database()
        await fill_postgres(url, count)
        one, two = [await PostgresStore.open(url) for _ in "ab"]
        took, claims = await dispatch([one, two], count)
        await one.close()
        await two.close()
        report("PostgreSQL, 2 replicas (1 process)", count, took, claims, baseline)
        await hot_path(await server.new_database())
    finally:
        server.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
