"""Counting people in a group's stretch breaks: once a week, remembered only as keyed hashes in
memory, and stored as one number per group and week (never who)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.core.groups.participation import WeeklyParticipants
from bot.core.groups.summary import describe_group, group_weeks, local_monday
from bot.core.knowledge import load_knowledge
from bot.storage import Store

TEXTS = load_knowledge(Path(__file__).resolve().parent.parent / "knowledge").texts
GROUP, OTHER = -100123, -100456
WEEK, NEXT = date(2026, 3, 2), date(2026, 3, 9)
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def test_a_person_counts_once_a_week_per_group() -> None:
    seen = WeeklyParticipants()
    assert seen.first_time(GROUP, WEEK, 7)
    assert not seen.first_time(GROUP, WEEK, 7)
    assert seen.first_time(GROUP, WEEK, 8)
    assert seen.first_time(OTHER, WEEK, 7)  # another group counts on its own
    assert seen.first_time(GROUP, NEXT, 7)  # a new week: counted again...
    assert len(seen) == 2  # ...and the old week's hashes of GROUP are gone


def test_only_keyed_hashes_are_held_and_each_week_has_its_own_key() -> None:
    seen = WeeklyParticipants()
    seen.first_time(GROUP, WEEK, 123456789)
    entry = seen._groups[GROUP]
    first_key, (hashed,) = entry.key, entry.seen
    assert hashed != 123456789 and len(first_key) == 16
    seen.first_time(GROUP, NEXT, 123456789)
    again = seen._groups[GROUP]
    assert again.key != first_key and again.seen != {hashed}


def test_memory_is_bounded_by_dropping_the_quietest_group() -> None:
    seen = WeeklyParticipants(max_hashes=3)
    for user in (1, 2):
        seen.first_time(GROUP, WEEK, user)
    seen.first_time(OTHER, WEEK, 1)
    seen.first_time(OTHER, WEEK, 2)  # 4 > 3: GROUP, the one quiet the longest, goes
    assert len(seen) == 2
    assert seen.first_time(GROUP, WEEK, 1)  # forgotten: it may count again (documented)


def test_forget_and_migrate() -> None:
    seen = WeeklyParticipants()
    seen.first_time(GROUP, WEEK, 1)
    seen.migrate(GROUP, OTHER)
    assert not seen.first_time(OTHER, WEEK, 1)  # the supergroup keeps the group's week
    seen.forget(OTHER)
    assert len(seen) == 0 and seen.first_time(OTHER, WEEK, 1)


def test_weeks_follow_the_groups_time_zone_and_the_text_says_every_fact() -> None:
    from zoneinfo import ZoneInfo

    sunday_night = datetime.combine(date(2026, 3, 8), time(23, 30), tzinfo=UTC)
    assert local_monday(sunday_night, ZoneInfo("UTC")) == WEEK
    assert local_monday(sunday_night, ZoneInfo("Europe/Berlin")) == NEXT  # already Monday there
    summary = group_weeks({WEEK: 3, date(2026, 2, 23): 1}, NOW, ZoneInfo("UTC"))
    assert len(summary.weeks) == 8 and summary.this_week == 3
    text = describe_group(TEXTS, summary)
    assert "This week: 3 people took part." in text
    assert "23 Feb: 1" in text and "2 Mar: 3" in text and "16 Feb: 0" in text


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "bot.db") as opened:
        yield opened


async def test_the_store_keeps_a_number_per_group_and_week(store: Store, tmp_path: Path) -> None:
    assert await store.add_group_person(GROUP, WEEK) is None  # an unknown group
    await store.upsert_chat(GROUP, "supergroup", NOW)
    assert await store.add_group_person(GROUP, WEEK) == 1
    assert await store.add_group_person(GROUP, WEEK) == 2
    assert await store.add_group_person(GROUP, NEXT) == 1
    assert await store.group_weeks_since(GROUP, NEXT) == {NEXT: 1}
    with closing(sqlite3.connect(tmp_path / "bot.db")) as db:
        assert list(db.execute("SELECT * FROM group_weeks ORDER BY week")) == [
            (GROUP, "2026-03-02", 2),
            (GROUP, "2026-03-09", 1),
        ]


async def test_a_supergroup_adds_up_its_weeks_and_leaving_deletes_them(store: Store) -> None:
    new = -1009999
    await store.upsert_chat(GROUP, "group", NOW)
    await store.upsert_chat(new, "supergroup", NOW)
    await store.add_group_person(GROUP, WEEK)
    await store.add_group_person(GROUP, WEEK)
    await store.add_group_person(new, WEEK)
    assert await store.migrate_chat(GROUP, new)
    assert await store.group_weeks_since(new, WEEK) == {WEEK: 3}
    assert await store.group_weeks_since(GROUP, WEEK) == {}
    assert await store.forget_chat(new)
    assert await store.group_weeks_since(new, WEEK) == {}


async def test_the_migration_turns_old_group_done_rows_into_weekly_counts(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    async with Store.open(path):
        pass
    monday = int(datetime(2026, 3, 2, 12, tzinfo=UTC).timestamp())
    sunday = int(datetime(2026, 3, 8, 23, tzinfo=UTC).timestamp())
    with closing(sqlite3.connect(path)) as db:  # as version 2 left it
        db.execute("DROP TABLE group_weeks")
        db.execute("DROP INDEX completions_occurrence")
        db.execute("DROP INDEX stretch_sessions_occurrence")
        db.execute("ALTER TABLE completions DROP COLUMN occurrence")
        db.execute("ALTER TABLE stretch_sessions DROP COLUMN occurrence")
        db.execute("ALTER TABLE deliveries DROP COLUMN claimed_by")  # a later step
        db.execute("INSERT INTO chats VALUES (?, 'supergroup', 'UTC', 0, '{}')", (GROUP,))
        db.execute("INSERT INTO chats VALUES (5, 'private', 'UTC', 0, '{}')")
        db.executemany(
            "INSERT INTO completions VALUES (?, ?)",
            [(GROUP, monday), (GROUP, sunday), (5, monday)],
        )
        db.execute("PRAGMA user_version = 2")
        db.commit()
    async with Store.open(path) as store:
        assert await store.group_weeks_since(GROUP, WEEK) == {WEEK: 2}
        assert await store.count_done_since(5, datetime(2026, 3, 1, tzinfo=UTC)) == 1
        assert await store.count_done_since(GROUP, datetime(2026, 3, 1, tzinfo=UTC)) == 0
