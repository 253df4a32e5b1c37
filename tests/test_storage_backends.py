"""The two backends behind ``bot.storage.interface.Storage``: the same methods, the same schema,
and on PostgreSQL what only several processes can break (claims, caps, snoozes, recovery)."""

from __future__ import annotations

import asyncio
import inspect
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta

import asyncpg
import pytest

from bot.core.records import TooManyReminders
from bot.core.reminders.schedule import ALL_DAYS
from bot.storage import Recovery, Store
from bot.storage.interface import Storage
from bot.storage.postgres import PostgresStore, redact_url
from bot.storage.postgres.schema import migrate, schema_version
from bot.storage.schema import MIGRATIONS, DatabaseTooNew
from tests.postgres_server import PostgresServer, require

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
DUE = NOW + timedelta(minutes=30)  # reminders at 12:30 every day


def public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize("backend_class", [Store, PostgresStore])
def test_each_backend_has_the_interface_and_nothing_else(backend_class: type) -> None:
    wanted = public_methods(Storage)
    found = public_methods(backend_class)
    for name, signature in wanted.items():
        assert name in found, f"{backend_class.__name__} lacks {name}"
        assert list(found[name].parameters) == list(signature.parameters), name
    # A method added to one backend only would be one the other cannot serve.
    extra = {name for name in found if inspect.iscoroutinefunction(getattr(backend_class, name))}
    assert extra - set(wanted) == set()


async def columns_sqlite(store: Store) -> dict[str, list[str]]:
    tables = await store._db.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    result = {}
    for (table,) in tables:
        rows = await store._db.execute_fetchall(f"PRAGMA table_info({table})")
        result[table] = [row[1] for row in rows]
    return result


async def test_postgres_has_the_sqlite_schema(postgres_url: str) -> None:
    async with Store.open(":memory:") as lite, await PostgresStore.open(postgres_url) as pg:
        rows = await pg.pool.fetch(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name NOT LIKE 'shared_%' "
            "AND table_name <> 'schema_version' ORDER BY table_name, ordinal_position"
        )
        on_postgres: dict[str, list[str]] = {}
        for row in rows:
            on_postgres.setdefault(row["table_name"], []).append(row["column_name"])
        assert on_postgres == await columns_sqlite(lite)
        async with pg.pool.acquire() as conn:
            assert await schema_version(conn) == len(MIGRATIONS)


async def test_replicas_starting_together_migrate_an_empty_database_once(
    postgres_server: PostgresServer,
) -> None:
    url = await postgres_server.new_database(empty=True)
    stores = await asyncio.gather(*(PostgresStore.open(url, pool_size=1) for _ in range(4)))
    async with stores[0].pool.acquire() as conn:
        assert await schema_version(conn) == len(MIGRATIONS)
        assert await conn.fetchval("SELECT count(*) FROM schema_version") == 1
    for store in stores:
        await store.close()


async def test_a_database_from_a_newer_bot_is_refused(postgres_url: str) -> None:
    conn = await asyncpg.connect(postgres_url)
    try:
        await conn.execute("UPDATE schema_version SET version = $1", len(MIGRATIONS) + 1)
        with pytest.raises(DatabaseTooNew):
            await migrate(conn, MIGRATIONS)
    finally:
        await conn.close()


def test_the_password_is_never_shown() -> None:
    assert redact_url("postgresql://bot:s3cret@db:5432/backcare") == (
        "postgresql://bot:***@db:5432/backcare"
    )
    assert redact_url("postgresql://db/backcare") == "postgresql://db/backcare"


async def due_chats(store: Storage, count: int) -> None:
    for chat in range(1, count + 1):
        await store.upsert_chat(chat, "private", NOW)
        await store.add_reminder(chat, time(12, 30), ALL_DAYS, NOW)


async def test_replicas_claiming_at_once_claim_each_reminder_once(postgres_url: str) -> None:
    replicas = [await PostgresStore.open(postgres_url, pool_size=2) for _ in range(3)]
    try:
        await due_chats(replicas[0], 120)

        async def drain(store: PostgresStore) -> list[int]:
            claimed: list[int] = []
            while batch := await store.claim_due(DUE, limit=7):
                claimed += [delivery.reminder_id for delivery in batch]
            return claimed

        results = await asyncio.gather(*(drain(store) for store in replicas for _ in range(3)))
        everything = [reminder for claimed in results for reminder in claimed]
        assert len(everything) == 120 and len(set(everything)) == 120
        assert sum(1 for claimed in results if claimed) > 1  # they really ran side by side
    finally:
        for store in replicas:
            await store.close()


async def test_the_cap_holds_when_replicas_add_at_once(postgres_url: str) -> None:
    one, two = [await PostgresStore.open(postgres_url, max_reminders_per_chat=5) for _ in "ab"]
    try:
        await one.upsert_chat(1, "private", NOW)
        adds = [
            (one if n % 2 else two).add_reminder(1, time(6 + n, 0), ALL_DAYS, NOW)
            for n in range(12)
        ]
        results = await asyncio.gather(*adds, return_exceptions=True)
        assert sum(not isinstance(result, Exception) for result in results) == 5
        assert all(isinstance(r, TooManyReminders) for r in results if isinstance(r, Exception))
        assert len(await one.list_reminders(1)) == 5
    finally:
        await one.close()
        await two.close()


async def test_snoozes_pressed_on_two_replicas_at_once_never_double(postgres_url: str) -> None:
    one, two = await PostgresStore.open(postgres_url), await PostgresStore.open(postgres_url)
    try:
        await one.upsert_chat(1, "private", NOW)
        reminder = await one.add_reminder(1, time(12, 30), ALL_DAYS, NOW)
        later = NOW + timedelta(minutes=10)
        presses = [store.snooze(1, reminder.id, later) for store in (one, two) * 5]
        assert all(await asyncio.gather(*presses))
        assert len(await one.claim_due(later)) == 1
    finally:
        await one.close()
        await two.close()


async def gone_from_server(store: PostgresStore, replica: str) -> None:
    """Until the server has ended the closed replica's sessions (it does so at once)."""
    for _ in range(500):
        if not await store.pool.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", replica
        ):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the server kept the closed replica's sessions")


async def test_recovery_leaves_a_live_replica_alone_and_drops_a_dead_ones_sends(
    postgres_url: str,
) -> None:
    sender = await PostgresStore.open(postgres_url)
    await due_chats(sender, 3)
    claimed = await sender.claim_due(DUE)
    assert len(claimed) == 3
    starting = await PostgresStore.open(postgres_url)
    try:
        # Another replica starts while the first is sending: its sends are its own.
        assert await starting.recover(DUE) == Recovery()
        await sender.mark_sent(claimed[0].id)
        await sender.close()  # the first one dies with two sends of unknown outcome
        await gone_from_server(starting, sender.replica)
        assert await starting.recover(DUE) == Recovery(unconfirmed=2)
        assert await starting.claim_due(DUE) == []  # never resent
    finally:
        await starting.close()


def test_no_server_skips_with_the_reason_but_fails_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no PostgreSQL server binaries"):
        require("no PostgreSQL server binaries (initdb) on this machine")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI needs PostgreSQL: no PostgreSQL"):
        require("no PostgreSQL server binaries (initdb) on this machine")


def test_a_bot_on_sqlite_never_loads_the_postgres_driver() -> None:
    """asyncpg costs start-up time and memory; only DATABASE_URL (or copy-to-postgres) needs it."""
    code = (
        "import sys, bot.app, bot.cli, bot.edge.handlers; bot.cli.build_parser(); "
        "print('asyncpg' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
