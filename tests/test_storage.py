"""The store: schema migrations, chats, reminders, the outbox and the privacy guarantees."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.core.records import DuplicateReminder, TooManyReminders, UnknownChat
from bot.core.reminders.schedule import ALL_DAYS, WEEKDAYS, UnknownTimezone
from bot.storage import DatabaseTooNew, Recovery, Store
from bot.storage import records as storage_records
from bot.storage import schema as storage
from bot.storage.postgres import PostgresStore
from tests.postgres_server import query

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)  # a Wednesday
CHAT = 1001


@pytest.fixture
async def store(any_store: Store) -> Store:
    """A store of each backend (tests/conftest.py) with one private chat."""
    await any_store.upsert_chat(CHAT, "private", NOW)
    return any_store


@pytest.fixture
async def sqlite_store() -> AsyncIterator[Store]:
    async with Store.open(":memory:") as opened:
        await opened.upsert_chat(CHAT, "private", NOW)
        yield opened


def tables(path: Path) -> dict[str, list[str]]:
    with closing(sqlite3.connect(path)) as db:
        names = [
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {name: [c[1] for c in db.execute(f"PRAGMA table_info({name})")] for name in names}


# --- lifecycle and migrations ------------------------------------------------------------


async def test_open_creates_parent_directory_and_sets_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "bot.db"
    store = await Store.open(path)
    try:
        db = store._db
        assert tuple(await (await db.execute("PRAGMA journal_mode")).fetchone() or ()) == ("wal",)
        assert tuple(await (await db.execute("PRAGMA foreign_keys")).fetchone() or ()) == (1,)
        assert tuple(await (await db.execute("PRAGMA busy_timeout")).fetchone() or ()) == (5000,)
    finally:
        await store.close()
    assert path.exists()


async def test_store_is_an_async_context_manager(tmp_path: Path) -> None:
    async with await Store.open(tmp_path / "a.db") as store:
        await store.upsert_chat(1, "group", NOW)
    async with Store.open(tmp_path / "a.db") as store:
        chat = await store.get_chat(1)
        assert chat is not None
        assert chat.kind == "group"


async def test_v0_database_is_migrated_and_reopening_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path)) as db:  # an existing version-0 database
        db.execute("CREATE TABLE unrelated (x)")
        db.commit()
        assert db.execute("PRAGMA user_version").fetchone() == (0,)
    async with Store.open(path) as store:
        await store.upsert_chat(5, "private", NOW)
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(storage.MIGRATIONS),)
    assert set(tables(path)) >= {
        "chats",
        "reminders",
        "deliveries",
        "completions",
        "unanswered",
        "stats",
    }
    with closing(sqlite3.connect(path)) as db:
        schema_before = db.execute("PRAGMA schema_version").fetchone()
    async with Store.open(path) as store:  # nothing to apply, data intact
        assert await store.get_chat(5) is not None
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(storage.MIGRATIONS),)
        assert db.execute("PRAGMA schema_version").fetchone() == schema_before  # no DDL ran


async def test_a_new_migration_is_applied_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.db"
    async with Store.open(path) as store:
        await store.upsert_chat(5, "private", NOW)
    extra = "ALTER TABLE chats ADD COLUMN language TEXT NOT NULL DEFAULT 'en';"
    monkeypatch.setattr(storage, "MIGRATIONS", [*storage.MIGRATIONS, extra])
    async with Store.open(path) as store:
        assert await store.get_chat(5) is not None
    async with Store.open(path):  # would fail with "duplicate column" if re-applied
        pass
    assert "language" in tables(path)["chats"]
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(storage.MIGRATIONS),)


async def test_a_failing_migration_rolls_back_entirely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.db"
    async with Store.open(path):
        pass
    version = len(storage.MIGRATIONS)
    broken = "CREATE TABLE half_done (x INTEGER); SELECT no_such_function();"
    monkeypatch.setattr(storage, "MIGRATIONS", [*storage.MIGRATIONS, broken])
    with pytest.raises(sqlite3.OperationalError):
        await Store.open(path)
    assert "half_done" not in tables(path)
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (version,)


async def test_a_database_from_a_newer_bot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version = 999")
        db.commit()
    with pytest.raises(DatabaseTooNew):
        await Store.open(path)


# --- chats -------------------------------------------------------------------------------


async def test_upsert_and_get_chat(store: Store) -> None:
    chat = await store.get_chat(CHAT)
    assert chat is not None
    assert (chat.kind, chat.timezone, chat.settings) == ("private", "UTC", {})
    assert chat.created_at == NOW
    again = await store.upsert_chat(CHAT, "private", NOW + timedelta(days=3))
    assert again.created_at == NOW  # kept
    assert await store.get_chat(42) is None
    with pytest.raises(ValueError, match="kind"):
        await store.upsert_chat(7, "forum", NOW)


async def test_settings_are_json(store: Store) -> None:
    assert await store.set_settings(CHAT, {"reminders": False, "lang": "en"})
    chat = await store.get_chat(CHAT)
    assert chat is not None
    assert chat.settings == {"reminders": False, "lang": "en"}
    assert not await store.set_settings(999, {})


async def test_set_timezone_resolves_and_moves_reminders(store: Store) -> None:
    reminder = await store.add_reminder(CHAT, time(7, 30), ALL_DAYS, NOW)
    assert reminder.next_due == datetime(2025, 1, 16, 7, 30, tzinfo=UTC)
    chat = await store.set_timezone(CHAT, "europe/berlin", NOW)
    assert chat.timezone == "Europe/Berlin"
    assert chat.zone.key == "Europe/Berlin"
    (moved,) = await store.list_reminders(CHAT)
    assert moved.next_due == datetime(2025, 1, 16, 6, 30, tzinfo=UTC)
    with pytest.raises(UnknownTimezone) as caught:
        await store.set_timezone(CHAT, "berlin", NOW)
    assert caught.value.suggestions[0] == "Europe/Berlin"
    with pytest.raises(UnknownChat):
        await store.set_timezone(999, "UTC", NOW)


async def test_migrate_chat_moves_everything(store: Store) -> None:
    await store.upsert_chat(-100, "group", NOW)
    await store.set_timezone(-100, "Asia/Tokyo", NOW)
    reminder = await store.add_reminder(-100, time(9, 0), WEEKDAYS, NOW)
    await store.record_done(-100, NOW)
    await store.snooze(-100, reminder.id, NOW + timedelta(minutes=10))
    assert await store.migrate_chat(-100, -1009)
    assert await store.get_chat(-100) is None
    new = await store.get_chat(-1009)
    assert new is not None
    assert (new.kind, new.timezone) == ("supergroup", "Asia/Tokyo")
    assert [r.id for r in await store.list_reminders(-1009)] == [reminder.id]
    assert await store.count_done_since(-1009, NOW) == 1
    batch = await store.claim_due(NOW + timedelta(minutes=10))
    assert [d.chat_id for d in batch] == [-1009]
    assert not await store.migrate_chat(-100, -1009)  # nothing left to move


async def test_migrate_chat_when_the_new_chat_already_exists(store: Store) -> None:
    await store.upsert_chat(-100, "group", NOW)
    await store.set_timezone(-100, "Europe/Paris", NOW)
    await store.add_reminder(-100, time(9, 0), WEEKDAYS, NOW)
    await store.upsert_chat(-1009, "supergroup", NOW)
    assert await store.migrate_chat(-100, -1009)
    new = await store.get_chat(-1009)
    assert new is not None
    assert new.timezone == "Europe/Paris"
    assert len(await store.list_reminders(-1009)) == 1


async def test_telegram_64_bit_ids_pass_through_the_shared_statements(store: Store) -> None:
    """Supergroup ids (-100...) need 64 bits: every statement written once for both backends
    that types a bare parameter must give it a 64-bit type on PostgreSQL too."""
    old, new = -987654321, -1001234567890
    await store.upsert_chat(old, "group", NOW)
    assert await store.record_done(old, NOW, "1:0")
    assert await store.add_group_person(old, NOW.date()) == 1
    assert await store.migrate_chat(old, new)
    assert await store.count_done_since(new, NOW) == 1
    assert await store.group_weeks_since(new, NOW.date()) == {NOW.date(): 1}
    session_id = await store.record_session(new, ["pigeon-pose"], NOW, NOW, 4, "1:1")
    assert session_id is not None
    big_score_time = NOW + timedelta(days=365 * 100)  # past 2038: beyond 32-bit seconds
    assert await store.record_pain_after(new, session_id, 3, big_score_time)
    sessions = await store.sessions_since(new, NOW)
    assert [(s.pain_before, s.pain_after) for s in sessions] == [(4, 3)]


# --- reminders ---------------------------------------------------------------------------


async def test_add_and_list_reminders(store: Store) -> None:
    late = await store.add_reminder(CHAT, time(19, 0), frozenset({0, 2, 4}), NOW)
    early = await store.add_reminder(CHAT, time(7, 30), WEEKDAYS, NOW)
    assert late.next_due == datetime(2025, 1, 15, 19, 0, tzinfo=UTC)  # today, Wednesday
    assert early.next_due == datetime(2025, 1, 16, 7, 30, tzinfo=UTC)
    assert (late.days, late.enabled, late.sent_count) == (frozenset({0, 2, 4}), True, 0)
    listed = await store.list_reminders(CHAT)
    assert [r.id for r in listed] == [early.id, late.id]  # by time of day
    assert await store.get_reminder(CHAT, early.id) == early
    assert await store.get_reminder(CHAT + 1, early.id) is None


async def test_add_reminder_needs_a_known_chat(store: Store) -> None:
    with pytest.raises(UnknownChat):
        await store.add_reminder(999, time(7, 30), ALL_DAYS, NOW)


async def test_duplicate_reminder_is_refused(store: Store) -> None:
    first = await store.add_reminder(CHAT, time(7, 30), WEEKDAYS, NOW)
    with pytest.raises(DuplicateReminder) as caught:
        await store.add_reminder(CHAT, time(7, 30), WEEKDAYS, NOW)
    assert caught.value.existing == first
    await store.add_reminder(CHAT, time(7, 30), ALL_DAYS, NOW)  # different days: fine


async def test_reminder_cap_per_chat(store: Store) -> None:
    for minute in range(10):
        await store.add_reminder(CHAT, time(8, minute), ALL_DAYS, NOW)
    with pytest.raises(TooManyReminders) as caught:
        await store.add_reminder(CHAT, time(9, 0), ALL_DAYS, NOW)
    assert caught.value.cap == 10
    await store.upsert_chat(2, "private", NOW)
    await store.add_reminder(2, time(9, 0), ALL_DAYS, NOW)  # the cap is per chat


async def test_delete_only_touches_that_chat(store: Store) -> None:
    await store.upsert_chat(2, "private", NOW)
    mine = await store.add_reminder(CHAT, time(7, 30), ALL_DAYS, NOW)
    theirs = await store.add_reminder(2, time(7, 30), ALL_DAYS, NOW)
    assert not await store.delete_reminder(CHAT, theirs.id)
    assert await store.delete_reminder(CHAT, mine.id)
    assert not await store.delete_reminder(CHAT, mine.id)
    await store.add_reminder(CHAT, time(8, 0), ALL_DAYS, NOW)
    await store.add_reminder(CHAT, time(9, 0), ALL_DAYS, NOW)
    assert await store.delete_all_reminders(CHAT) == 2
    assert await store.list_reminders(CHAT) == []
    assert len(await store.list_reminders(2)) == 1


async def test_reminder_ids_are_never_reused(store: Store) -> None:
    first = await store.add_reminder(CHAT, time(7, 30), ALL_DAYS, NOW)
    await store.delete_reminder(CHAT, first.id)
    second = await store.add_reminder(CHAT, time(7, 30), ALL_DAYS, NOW)
    assert second.id > first.id  # an old "snooze" button can't hit a new reminder


async def test_disable_and_enable(store: Store) -> None:
    reminder = await store.add_reminder(CHAT, time(12, 30), ALL_DAYS, NOW)
    await store.snooze(CHAT, reminder.id, NOW + timedelta(minutes=5))
    assert await store.disable_chat_reminders(CHAT) == 1
    assert not (await store.list_reminders(CHAT))[0].enabled
    assert await store.claim_due(NOW + timedelta(days=3)) == []  # nothing, not even the snooze
    later = NOW + timedelta(days=3)
    assert await store.enable_chat_reminders(CHAT, later) == 1
    (again,) = await store.list_reminders(CHAT)
    assert again.enabled
    assert again.next_due == later + timedelta(minutes=30)  # nothing missed is sent


# --- the outbox --------------------------------------------------------------------------


async def test_claim_advances_and_counts(store: Store) -> None:
    reminder = await store.add_reminder(CHAT, time(12, 30), ALL_DAYS, NOW)
    due = reminder.next_due
    assert await store.claim_due(due - timedelta(seconds=1)) == []
    batch = await store.claim_due(due)
    assert [(d.reminder_id, d.chat_id, d.due, d.seq, d.attempts) for d in batch] == [
        (reminder.id, CHAT, due, 0, 0)
    ]
    assert batch[0].local_time == time(12, 30)
    assert not batch[0].snoozed
    assert await store.claim_due(due) == []  # claimed once only
    (after,) = await store.list_reminders(CHAT)
    assert after.next_due == due + timedelta(days=1)
    assert after.sent_count == 1
    await store.mark_sent(batch[0].id)
    second = await store.claim_due(due + timedelta(days=1))
    assert second[0].seq == 1  # rotation index moves on
    assert second[0].id > batch[0].id


async def test_claim_respects_the_limit(store: Store) -> None:
    for chat in range(2, 30):
        await store.upsert_chat(chat, "private", NOW)
        await store.add_reminder(chat, time(12, 30), ALL_DAYS, NOW)
    at = NOW + timedelta(minutes=30)
    seen: list[int] = []
    while batch := await store.claim_due(at, limit=5):
        assert len(batch) <= 5
        seen += [d.chat_id for d in batch]
    assert sorted(seen) == list(range(2, 30))


async def test_claim_query_uses_the_partial_index(sqlite_store: Store) -> None:
    rows = await sqlite_store._db.execute_fetchall(
        "EXPLAIN QUERY PLAN SELECT r.id FROM reminders r JOIN chats c ON c.chat_id = r.chat_id "
        "WHERE r.enabled = 1 AND r.next_due <= ? ORDER BY r.next_due LIMIT ?",
        (0, 10),
    )
    plan = " ".join(str(row[3]) for row in rows)
    assert "reminders_due" in plan


async def test_retry_then_give_up(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "bot.db", max_attempts=3) as store:
        await store.upsert_chat(CHAT, "private", NOW)
        await store.add_reminder(CHAT, time(12, 30), ALL_DAYS, NOW)
        at = NOW + timedelta(minutes=30)
        (delivery,) = await store.claim_due(at)
        assert await store.mark_retry(delivery.id, at + timedelta(minutes=1))
        assert await store.claim_due(at) == []  # not before its time
        (again,) = await store.claim_due(at + timedelta(minutes=1))
        assert (again.id, again.attempts, again.seq) == (delivery.id, 1, 0)
        assert await store.mark_retry(again.id, at + timedelta(minutes=2))
        (third,) = await store.claim_due(at + timedelta(minutes=2))
        assert not await store.mark_retry(third.id, at + timedelta(minutes=3))  # 3rd failure
        assert await store.claim_due(at + timedelta(minutes=10)) == []
        assert not await store.mark_retry(third.id, at)  # unknown id: nothing to do


async def test_mark_gone_disables_only_that_chat(store: Store) -> None:
    await store.upsert_chat(2, "private", NOW)
    await store.add_reminder(CHAT, time(12, 30), ALL_DAYS, NOW)
    await store.add_reminder(2, time(12, 30), ALL_DAYS, NOW)
    batch = await store.claim_due(NOW + timedelta(minutes=30))
    await store.mark_gone(CHAT)
    assert not (await store.list_reminders(CHAT))[0].enabled
    assert (await store.list_reminders(2))[0].enabled
    rows = await query(store, "SELECT chat_id FROM deliveries")
    assert [row[0] for row in rows] == [2]
    assert {d.chat_id for d in batch} == {CHAT, 2}


async def test_recover_drops_sending_rows_and_keeps_pending(store: Store) -> None:
    reminder = await store.add_reminder(CHAT, time(12, 30), ALL_DAYS, NOW)
    at = NOW + timedelta(minutes=30)
    (claimed,) = await store.claim_due(at)
    await store.snooze(CHAT, reminder.id, at + timedelta(minutes=10))
    if isinstance(store, PostgresStore):
        # Replicas: a live bot's sends are its own (test_storage_backends.py); this one's
        # claim is made a dead bot's, as after a crash.
        assert await store.recover(at) == Recovery()
        await query(store, "UPDATE deliveries SET claimed_by = 'backcare:gone'")
    assert await store.recover(at) == Recovery(unconfirmed=1)
    assert await store.claim_due(at) == []
    (snoozed,) = await store.claim_due(at + timedelta(minutes=10))
    assert snoozed.snoozed
    assert snoozed.id != claimed.id


async def test_recover_drops_stale_queued_rows(store: Store) -> None:
    reminder = await store.add_reminder(CHAT, time(12, 30), ALL_DAYS, NOW)
    await store.snooze(CHAT, reminder.id, NOW + timedelta(minutes=10))
    assert await store.recover(NOW + timedelta(hours=3)) == Recovery(late=1)


async def test_snooze_belongs_to_the_chat_and_does_not_stack(store: Store) -> None:
    reminder = await store.add_reminder(CHAT, time(12, 30), ALL_DAYS, NOW)
    await store.upsert_chat(2, "private", NOW)
    assert not await store.snooze(2, reminder.id, NOW)
    assert await store.snooze(CHAT, reminder.id, NOW + timedelta(minutes=10))
    assert await store.snooze(CHAT, reminder.id, NOW + timedelta(minutes=15))  # moved
    assert await store.claim_due(NOW + timedelta(minutes=10)) == []
    (delivery,) = await store.claim_due(NOW + timedelta(minutes=15))
    assert delivery.snoozed
    assert delivery.due == NOW + timedelta(minutes=15)
    assert await store.snooze(CHAT, reminder.id, NOW + timedelta(minutes=20), seq=7)
    (delivery,) = await store.claim_due(NOW + timedelta(minutes=20))
    assert delivery.seq == 7


# --- completions, unanswered, stats ------------------------------------------------------


async def test_done_counts(store: Store) -> None:
    for days_ago in (0, 1, 6, 8):
        assert await store.record_done(CHAT, NOW - timedelta(days=days_ago))
    assert await store.count_done_since(CHAT, NOW - timedelta(days=7)) == 3
    assert not await store.record_done(999, NOW)  # unknown chat: ignored, not an error


async def test_unanswered_rows_have_no_person(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    async with Store.open(path) as store:
        await store.record_unanswered("  can I run with sciatica? ", "fallback", None, NOW)
        await store.record_unanswered("x" * 5000, "not_helpful", "hip-flexor-stretch", NOW)
        rows = await store.unanswered_since(NOW - timedelta(days=1))
        assert [(r.text[:10], r.reason, r.entry_id) for r in rows] == [
            ("can I run ", "fallback", None),
            ("x" * 10, "not_helpful", "hip-flexor-stretch"),
        ]
        assert len(rows[1].text) == storage_records.MAX_UNANSWERED_CHARS
        with pytest.raises(ValueError, match="reason"):
            await store.record_unanswered("q", "angry", None, NOW)
    columns = tables(path)["unanswered"]
    assert columns == ["id", "text", "reason", "entry_id", "created_at"]
    assert not any("user" in c or "chat" in c for c in columns)


async def test_unanswered_questions_kept_several_at_once(store: Store) -> None:
    """One transaction for a batch; a batch with an unknown reason writes none of it."""
    await store.record_unanswered_many(
        [("  can I run? ", "fallback", None, NOW), ("y" * 5000, "not_helpful", "plank", NOW)]
    )
    await store.record_unanswered_many([])
    with pytest.raises(ValueError, match="reason"):
        await store.record_unanswered_many(
            [("q", "fallback", None, NOW), ("r", "angry", None, NOW)]
        )
    rows = await store.unanswered_since(NOW - timedelta(days=1))
    assert [(r.text[:7], r.reason, r.entry_id, r.created_at) for r in rows] == [
        ("can I r", "fallback", None, NOW),
        ("yyyyyyy", "not_helpful", "plank", NOW),
    ]
    assert len(rows[1].text) == storage_records.MAX_UNANSWERED_CHARS


async def test_unanswered_purged_by_age(store: Store) -> None:
    for days_ago in (40, 31, 29, 1):
        await store.record_unanswered(f"q{days_ago}", "fallback", None, NOW - timedelta(days_ago))
    assert await store.purge_unanswered(NOW - timedelta(days=30)) == 2
    rows = await store.unanswered_since(NOW - timedelta(days=365))
    assert [r.text for r in rows] == ["q29", "q1"]


async def test_stats(store: Store) -> None:
    await store.upsert_chat(-1, "group", NOW)
    await store.upsert_chat(-2, "supergroup", NOW)
    await store.upsert_chat(-3, "channel", NOW)
    await store.add_reminder(CHAT, time(7, 0), ALL_DAYS, NOW)
    await store.add_reminder(-1, time(7, 0), ALL_DAYS, NOW)
    await store.mark_gone(-1)
    await store.increment_stat("answered")
    await store.increment_stat("answered")
    await store.increment_stat("helpful", by=3)
    assert await store.stats() == {
        "private_chats": 1,
        "groups": 2,
        "enabled_reminders": 1,
        "answered": 2,
        "unanswered": 0,
        "helpful": 3,
    }


async def test_forget_chat_removes_every_trace(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    gone, kept = 987_654_321, 555
    async with Store.open(path) as store:
        for chat in (gone, kept):
            await store.upsert_chat(chat, "private", NOW)
            await store.set_timezone(chat, "Europe/Berlin", NOW)
            await store.set_settings(chat, {"x": 1})
            first = await store.add_reminder(chat, time(12, 30), ALL_DAYS, NOW)
            await store.add_reminder(chat, time(18, 0), WEEKDAYS, NOW)
            await store.record_done(chat, NOW)
            await store.snooze(chat, first.id, NOW + timedelta(minutes=5))
        await store.claim_due(NOW + timedelta(hours=1))  # outbox rows in state 'sending'
        await store.record_unanswered("why does my back hurt", "fallback", None, NOW)
        await store.increment_stat("answered")
        assert await store.forget_chat(gone)
        assert not await store.forget_chat(gone)
    with closing(sqlite3.connect(path)) as db:
        found: list[str] = []
        for table, columns in tables(path).items():
            for column in columns:
                hits = db.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}" = ? OR "{column}" = ?',
                    (gone, str(gone)),
                ).fetchone()[0]
                if hits:
                    found.append(f"{table}.{column}")
        assert found == []
        assert db.execute(
            "SELECT count(*) FROM reminders WHERE chat_id = ?", (kept,)
        ).fetchone() == (2,)
        assert db.execute("SELECT count(*) FROM completions").fetchone() == (1,)


async def test_claimed_delivery_ids_are_the_rows_the_database_assigned(store: Store) -> None:
    """Ids come back from the INSERT itself (RETURNING), whatever else wrote to the table."""
    for chat in (2, 3, 4):
        await store.upsert_chat(chat, "private", NOW)
    reminders = [await store.add_reminder(c, time(12, 30), ALL_DAYS, NOW) for c in (2, 3, 4)]
    # A snooze writes a delivery row outside claim_due, taking the next id.
    await store.snooze(2, reminders[0].id, NOW + timedelta(hours=5), seq=0)
    batch = await store.claim_due(NOW + timedelta(minutes=30))
    rows = await query(store, "SELECT id, reminder_id FROM deliveries WHERE state = 'sending'")
    in_table = {row["reminder_id"]: row["id"] for row in rows}
    assert {d.reminder_id: d.id for d in batch} == in_table
    assert len(set(in_table.values())) == 3
