"""Stored guided sessions and pain scores: what /progress reads, and /forget deletes."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.knowledge import load_knowledge
from bot.core.records import Chat
from bot.core.reminders import views
from bot.storage import Store
from bot.storage import schema as storage

SESSIONS_STEP = 2  # the migration step that added stretch_sessions and pain_scores

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
CHAT = 2002
OTHER = 3003


@pytest.fixture
async def store(any_store: Store) -> Store:
    """A store of each backend (tests/conftest.py) with two private chats."""
    await any_store.upsert_chat(CHAT, "private", NOW)
    await any_store.upsert_chat(OTHER, "private", NOW)
    return any_store


async def test_a_session_is_kept_with_its_pain_scores(store: Store) -> None:
    started = NOW - timedelta(minutes=6)
    session_id = await store.record_session(
        CHAT, ("hip-flexor-stretch", "pigeon-pose"), started, NOW, pain_before=4
    )
    assert session_id is not None
    assert await store.record_pain_after(CHAT, session_id, 6, NOW + timedelta(seconds=20))
    [record] = await store.sessions_since(CHAT, NOW - timedelta(days=1))
    assert record.id == session_id and record.chat_id == CHAT
    assert record.exercises == ("hip-flexor-stretch", "pigeon-pose")
    assert (record.started_at, record.finished_at) == (started, NOW)
    assert (record.pain_before, record.pain_after) == (4, 6)
    assert await store.record_pain_after(CHAT, session_id, 5, NOW)  # a second tap corrects it
    assert (await store.sessions_since(CHAT, NOW))[0].pain_after == 5


async def test_skipped_scores_are_not_stored(store: Store) -> None:
    session_id = await store.record_session(CHAT, ("bridge-pose",), NOW, NOW, pain_before=None)
    assert session_id is not None
    [record] = await store.sessions_since(CHAT, NOW)
    assert (record.pain_before, record.pain_after) == (None, None)


async def test_sessions_belong_to_their_chat(store: Store) -> None:
    mine = await store.record_session(CHAT, ("bridge-pose",), NOW, NOW, pain_before=2)
    assert mine is not None
    assert not await store.record_pain_after(OTHER, mine, 9, NOW)  # not OTHER's session
    assert not await store.record_pain_after(CHAT, mine + 100, 9, NOW)  # no such session
    assert await store.sessions_since(OTHER, NOW - timedelta(days=1)) == []
    assert await store.record_session(999, ("bridge-pose",), NOW, NOW, 1) is None  # unknown chat


async def test_scores_outside_0_to_10_are_refused_by_the_schema(store: Store) -> None:
    assert await store.record_session(CHAT, ("bridge-pose",), NOW, NOW, pain_before=11) is None
    assert await store.sessions_since(CHAT, NOW - timedelta(days=1)) == []  # rolled back whole
    session_id = await store.record_session(CHAT, ("bridge-pose",), NOW, NOW, pain_before=0)
    assert session_id is not None
    assert not await store.record_pain_after(CHAT, session_id, -1, NOW)


async def test_sessions_and_done_times_since(store: Store) -> None:
    for days_ago in (0, 3, 9):
        when = NOW - timedelta(days=days_ago)
        await store.record_session(CHAT, ("pigeon-pose",), when - timedelta(minutes=2), when, 1)
        await store.record_done(CHAT, when - timedelta(hours=1))
    since = NOW - timedelta(days=7)
    finished = [r.finished_at for r in await store.sessions_since(CHAT, since)]
    assert finished == [NOW - timedelta(days=3), NOW]
    assert await store.done_times_since(CHAT, since) == [
        NOW - timedelta(days=3, hours=1),
        NOW - timedelta(hours=1),
    ]


async def test_forget_deletes_sessions_and_pain_scores(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    async with Store.open(path) as store:
        for chat in (CHAT, OTHER):
            await store.upsert_chat(chat, "private", NOW)
            session_id = await store.record_session(chat, ("bridge-pose",), NOW, NOW, 3)
            assert session_id is not None
            await store.record_pain_after(chat, session_id, 2, NOW)
        assert await store.forget_chat(CHAT)
        assert await store.sessions_since(CHAT, NOW - timedelta(days=1)) == []
        assert len(await store.sessions_since(OTHER, NOW - timedelta(days=1))) == 1
    with closing(sqlite3.connect(path)) as db:  # nothing left on disk either
        for table in ("stretch_sessions", "pain_scores"):
            chats = {row[0] for row in db.execute(f"SELECT chat_id FROM {table}")}
            assert chats == {OTHER}


async def test_the_migration_adds_the_tables_to_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    async with Store.open(path):
        pass
    with closing(sqlite3.connect(path)) as db:  # as a bot from before sessions left it
        db.execute("DROP TABLE group_weeks")
        db.execute("DROP INDEX completions_occurrence")
        db.execute("ALTER TABLE completions DROP COLUMN occurrence")
        db.execute("DROP TABLE pain_scores")
        db.execute("DROP TABLE stretch_sessions")
        db.execute("ALTER TABLE deliveries DROP COLUMN claimed_by")  # a later step
        db.execute(f"PRAGMA user_version = {SESSIONS_STEP - 1}")
        db.commit()
    async with Store.open(path) as store:
        await store.upsert_chat(CHAT, "private", NOW)
        assert await store.record_session(CHAT, ("bridge-pose",), NOW, NOW, 1) is not None
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(storage.MIGRATIONS),)


def test_privacy_and_forget_texts_name_sessions_and_pain_scores() -> None:
    texts = load_knowledge(Path(__file__).resolve().parent.parent / "knowledge").texts
    chat = Chat(CHAT, "private", "UTC", NOW, {})
    stored = views.Stored(chat, 1, 2)
    privacy = views.privacy(texts, stored, store_unanswered=False, retention_days=90).html
    forget = views.forget_confirm(texts, stored).html
    for text in (privacy, forget):
        assert "stretch session" in text and "pain scores" in text


# --- counting once: Start and Done on one reminder; people per group week (both backends) ---


async def test_a_reminder_delivery_counts_once_whether_done_or_a_session(store: Store) -> None:
    week = NOW - timedelta(days=1)
    assert await store.record_done(CHAT, NOW, "7:1")
    assert not await store.record_done(CHAT, NOW, "7:1")  # a second Done on the same delivery
    assert await store.count_stretches_since(CHAT, week) == 1
    # A session started from that delivery takes the Done's place: still one.
    assert await store.record_session(CHAT, ("bridge-pose",), NOW, NOW, None, "7:1") is not None
    assert await store.count_stretches_since(CHAT, week) == 1
    assert not await store.record_done(CHAT, NOW, "7:1")  # Done after the session: counted
    # Other deliveries and Done presses without one each count.
    assert await store.record_done(CHAT, NOW, "7:2")
    assert await store.record_done(CHAT, NOW)
    assert await store.record_done(CHAT, NOW)
    assert await store.count_stretches_since(CHAT, week) == 4
    assert await store.count_stretches_since(OTHER, week) == 0


async def test_privacy_counts_sessions_and_scores(store: Store) -> None:
    assert await store.session_counts(CHAT) == (0, 0, None)
    first = NOW - timedelta(days=3)
    one = await store.record_session(CHAT, ("bridge-pose",), first, first, pain_before=3)
    assert one is not None
    await store.record_pain_after(CHAT, one, 2, first)
    await store.record_session(CHAT, ("pigeon-pose",), NOW, NOW, pain_before=None)
    assert await store.session_counts(CHAT) == (2, 2, first)
    assert await store.session_counts(OTHER) == (0, 0, None)


async def test_group_weeks_count_people_and_add_up_when_a_group_migrates(
    any_store: Store,
) -> None:
    group, supergroup = -100, -1001
    monday, earlier = datetime(2026, 3, 2).date(), datetime(2026, 2, 23).date()
    assert await any_store.add_group_person(group, monday) is None  # unknown group
    await any_store.upsert_chat(group, "group", NOW)
    await any_store.upsert_chat(supergroup, "supergroup", NOW)
    assert await any_store.add_group_person(group, monday) == 1
    assert await any_store.add_group_person(group, monday) == 2
    assert await any_store.add_group_person(group, earlier) == 1
    assert await any_store.add_group_person(supergroup, monday) == 1
    assert await any_store.group_weeks_since(group, earlier) == {monday: 2, earlier: 1}
    assert await any_store.group_weeks_since(group, monday) == {monday: 2}
    assert await any_store.migrate_chat(group, supergroup)
    assert await any_store.group_weeks_since(supergroup, earlier) == {monday: 3, earlier: 1}
    assert await any_store.group_weeks_since(group, earlier) == {}
