"""Two bot processes on one PostgreSQL database: 1,000 reminders due at once go out once each,
also when one process is killed with SIGKILL in the middle of sending (real subprocesses)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from tests.postgres_server import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
DUE = int(datetime(2025, 1, 15, 12, 30, tzinfo=UTC).timestamp())
COUNT = 1000


async def due_reminders(url: str) -> None:
    """COUNT chats with one reminder each, all due at DUE (daily at 12:30 UTC)."""
    conn = await asyncpg.connect(url)
    try:
        chats = [(chat, "private", DUE - 3600) for chat in range(1, COUNT + 1)]
        await conn.executemany(
            "INSERT INTO chats (chat_id, kind, created_at) VALUES ($1, $2, $3)", chats
        )
        await conn.executemany(
            "INSERT INTO reminders (chat_id, local_time, days, next_due, created_at) "
            "VALUES ($1, '12:30', 127, $2, $3)",
            [(chat, DUE, DUE - 3600) for chat, _, _ in chats],
        )
    finally:
        await conn.close()


def worker(
    url: str, out: Path, send_seconds: float, go: Path | None = None
) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.dispatch_worker", url, str(out), str(DUE)]
    command += [str(send_seconds)] + ([str(go)] if go else [])
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)


def together(url: str, out: Path, send_seconds: float, go: Path) -> list[subprocess.Popen[str]]:
    """Two workers that start sending at the same moment (once both are connected)."""
    workers = [worker(url, out, send_seconds, go) for _ in "ab"]
    for started in workers:
        assert started.stdout is not None
        assert started.stdout.readline().startswith("recovered 0")
    go.touch()
    return workers


def wait_for_lines(out: Path, count: int) -> None:
    """Until ``count`` sends were written (or a minute passed): the middle of the run."""
    deadline = time.monotonic() + 60
    while (
        not out.exists() or len(out.read_text().split()) < count
    ) and time.monotonic() < deadline:
        time.sleep(0.005)


def sent(out: Path) -> Counter[int]:
    return Counter(int(line) for line in out.read_text().split())


async def leftovers(url: str) -> tuple[int, int]:
    """(reminders still due at DUE, outbox rows left)."""
    conn = await asyncpg.connect(url)
    try:
        due = await conn.fetchval("SELECT count(*) FROM reminders WHERE next_due <= $1", DUE)
        rows = await conn.fetchval("SELECT count(*) FROM deliveries")
    finally:
        await conn.close()
    return int(due), int(rows)


async def claimed_reminders(url: str) -> set[int]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT reminder_id FROM deliveries WHERE state = 'sending'")
    finally:
        await conn.close()
    return {row["reminder_id"] for row in rows}


async def no_bot_connected(url: str) -> None:
    """Until the server has ended the sessions of the bots (a killed one's end at once, but the
    server may be slow to notice on a loaded machine)."""
    conn = await asyncpg.connect(url)
    try:
        for _ in range(1000):
            if not await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'backcare:%'"
            ):
                return
            await asyncio.sleep(0.01)
    finally:
        await conn.close()
    raise AssertionError("a killed bot's sessions stayed on the server")


@pytest.fixture
async def database(postgres_server: PostgresServer) -> str:
    url = await postgres_server.new_database()
    await due_reminders(url)
    return url


async def test_two_processes_deliver_each_reminder_once(database: str, tmp_path: Path) -> None:
    out = tmp_path / "sent.txt"
    first, second = together(database, out, 0.002, tmp_path / "go")
    outputs = [p.communicate(timeout=60)[0] for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0]
    counts = sent(out)
    assert len(counts) == COUNT and set(counts.values()) == {1}  # every one, none twice
    shares = [int(text.split("sent ")[1]) for text in outputs]
    assert sum(shares) == COUNT and min(shares) > 0  # both took part
    assert await leftovers(database) == (0, 0)


async def test_a_process_killed_mid_send_never_causes_a_second_send(
    database: str, tmp_path: Path
) -> None:
    out = tmp_path / "sent.txt"
    victim, survivor = together(database, out, 0.02, tmp_path / "go")
    await asyncio.to_thread(wait_for_lines, out, 150)
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=10)
    survivor_output = survivor.communicate(timeout=60)[0]
    assert survivor.returncode == 0, survivor_output
    # What the killed bot had claimed and not confirmed (sent, or not yet): left to recovery.
    in_flight = await claimed_reminders(database)
    await no_bot_connected(database)  # the server has noticed the kill
    # The killed bot starts again: its sends of unknown outcome are dropped, never repeated.
    restart = worker(database, out, 0.0)
    restart_output = restart.communicate(timeout=60)[0]
    assert restart.returncode == 0
    assert f"recovered {len(in_flight)}" in restart_output, (restart_output, len(in_flight))
    counts = sent(out)
    assert max(counts.values()) == 1  # none twice
    # Every reminder went out, except some the killed bot had claimed: at most once, as the
    # outbox promises (a claimed send may or may not have reached Telegram before the kill).
    missing = set(range(1, COUNT + 1)) - set(counts)
    assert missing <= in_flight
    # Only what had a free slot was claimed: at most the 20 sends in flight are lost.
    assert len(missing) <= 20, len(missing)
    assert victim.returncode == -signal.SIGKILL
    assert await leftovers(database) == (0, 0)
