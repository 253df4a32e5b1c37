"""Group guards and conversation context: the in-memory ones of one process and the PostgreSQL
ones of replicas behave alike, and replicas sharing a database see each other's sends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.answering.context import Conversation, MemoryContextStore, chat_key, message_key
from bot.core.groups.guards import Admission, GroupGuards, MemoryGroupGuards
from bot.core.groups.policy import DuplicateGuard, RateBudget
from bot.storage.postgres import PostgresStore
from bot.storage.postgres.shared import PgContextStore, PgGroupGuards
from tests.postgres_server import PostgresServer

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
GROUP = -100123


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def pg_store(postgres_server: PostgresServer) -> AsyncIterator[PostgresStore]:
    async with await PostgresStore.open(await postgres_server.new_database()) as store:
        yield store


@pytest.fixture(params=["memory", "postgres"])
async def guards(request: pytest.FixtureRequest) -> AsyncIterator[GroupGuards]:
    if request.param == "memory":
        yield MemoryGroupGuards(DuplicateGuard(), RateBudget())
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = await server.new_database()
    async with await PostgresStore.open(url) as store:
        yield PgGroupGuards(store.pool)
    await server.give_back(url)


@pytest.fixture(params=["memory", "postgres"])
async def contexts(request: pytest.FixtureRequest) -> AsyncIterator[tuple[object, Clock]]:
    clock = Clock()
    if request.param == "memory":
        yield MemoryContextStore(clock), clock
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = await server.new_database()
    async with await PostgresStore.open(url) as store:
        yield PgContextStore(store.pool, clock), clock
    await server.give_back(url)


async def test_the_same_question_is_not_answered_twice_within_the_window(
    guards: GroupGuards,
) -> None:
    assert await guards.admit(GROUP, "pigeon pose", NOW, 1) is Admission.SEND
    assert await guards.is_repeat(GROUP, "pigeon pose", NOW + timedelta(seconds=30))
    assert await guards.admit(GROUP, "pigeon pos", NOW, 1) is Admission.REPEAT  # near
    assert await guards.admit(GROUP, "hold how long", NOW, 1) is Admission.SEND
    assert await guards.admit(-1, "pigeon pose", NOW, 1) is Admission.SEND  # another group
    later = NOW + timedelta(minutes=2)
    assert not await guards.is_repeat(GROUP, "pigeon pose", later)
    assert await guards.admit(GROUP, "pigeon pose", later, 1) is Admission.SEND


async def test_the_budget_keeps_two_messages_for_urgent_notices(guards: GroupGuards) -> None:
    for n in range(18):
        assert await guards.admit(GROUP, None, NOW + timedelta(seconds=n), 1) is Admission.SEND
    at = NOW + timedelta(seconds=30)
    assert await guards.admit(GROUP, None, at, 1) is Admission.BUSY
    assert await guards.admit(GROUP, "new question", at, 1) is Admission.BUSY
    assert not await guards.is_repeat(GROUP, "new question", at)  # BUSY counted nothing
    assert await guards.admit(GROUP, None, at, 2, urgent=True) is Admission.SEND
    assert await guards.admit(GROUP, None, at, 1, urgent=True) is Admission.BUSY
    # A minute after the first sends, only the later ones count.
    assert await guards.admit(GROUP, None, NOW + timedelta(seconds=61), 1) is Admission.BUSY
    assert await guards.admit(GROUP, None, NOW + timedelta(seconds=91), 16) is Admission.SEND


async def test_a_migrated_group_keeps_its_counts_and_a_forgotten_one_loses_them(
    guards: GroupGuards,
) -> None:
    for _ in range(18):
        await guards.admit(GROUP, None, NOW, 1)
    await guards.admit(GROUP, "pigeon pose", NOW, 1, urgent=True)
    await guards.migrate(GROUP, -100999)
    assert await guards.admit(-100999, None, NOW, 1) is Admission.BUSY
    assert await guards.is_repeat(-100999, "pigeon pose", NOW)
    assert await guards.admit(GROUP, None, NOW, 1) is Admission.SEND
    await guards.forget(-100999)
    assert not await guards.is_repeat(-100999, "pigeon pose", NOW)
    assert await guards.admit(-100999, None, NOW, 1) is Admission.SEND


async def test_replicas_share_one_budget_and_one_duplicate_window(
    postgres_server: PostgresServer,
) -> None:
    url = await postgres_server.new_database()
    one, two = [await PostgresStore.open(url) for _ in "ab"]
    try:
        replicas = [PgGroupGuards(one.pool), PgGroupGuards(two.pool)]
        asks = [replicas[n % 2].admit(GROUP, None, NOW, 1) for n in range(30)]
        verdicts = await asyncio.gather(*asks)
        assert verdicts.count(Admission.SEND) == 18  # not 18 per replica
        same = [replica.admit(-5, "pigeon pose", NOW, 1) for replica in replicas * 3]
        assert (await asyncio.gather(*same)).count(Admission.SEND) == 1
    finally:
        await one.close()
        await two.close()


async def test_conversations_expire_and_are_forgotten(contexts: tuple[object, Clock]) -> None:
    store, clock = contexts
    talk = Conversation("pigeon-pose", ("a", "b"), "hold", 1, ("bridge-pose", "exercises"))
    await store.put(chat_key(1), talk)  # type: ignore[attr-defined]
    await store.put(message_key(GROUP, 77), Conversation("bridge"))  # type: ignore[attr-defined]
    await store.put(message_key(GROUP, 78), Conversation("plank"))  # type: ignore[attr-defined]
    assert await store.get(chat_key(1)) == talk  # type: ignore[attr-defined]
    await store.forget(f"{GROUP}:")  # type: ignore[attr-defined]
    assert await store.get(message_key(GROUP, 77)) is None  # type: ignore[attr-defined]
    assert await store.get(chat_key(1)) == talk  # type: ignore[attr-defined]
    await store.put(chat_key(1), None)  # type: ignore[attr-defined]
    assert await store.get(chat_key(1)) is None  # type: ignore[attr-defined]
    await store.put(chat_key(2), talk)  # type: ignore[attr-defined]
    clock.now = NOW + timedelta(minutes=10)
    assert await store.get(chat_key(2)) is None  # type: ignore[attr-defined]


async def test_forgetting_a_chat_on_postgres_drops_its_shared_state(
    pg_store: PostgresStore,
) -> None:
    clock = Clock()
    contexts, guards = PgContextStore(pg_store.pool, clock), PgGroupGuards(pg_store.pool)
    await pg_store.upsert_chat(GROUP, "supergroup", NOW)
    await contexts.put(message_key(GROUP, 5), Conversation("bridge"))
    await guards.admit(GROUP, "pigeon pose", NOW, 1)
    assert await pg_store.forget_chat(GROUP)
    assert await contexts.get(message_key(GROUP, 5)) is None
    assert not await guards.is_repeat(GROUP, "pigeon pose", NOW)
