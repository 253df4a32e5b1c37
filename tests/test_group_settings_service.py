"""bot.services.group_settings: a group's settings and its stretch-break reminder kept in step."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.core.groups.policy import GroupSettings
from bot.core.reminders.schedule import WEEKDAYS
from bot.services import group_settings as service
from bot.storage import Store

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday
GROUP = -1001
ON = GroupSettings(reminders=True)


@pytest.fixture
async def store(any_store: Store) -> Store:
    """A store of each backend (tests/conftest.py)."""
    return any_store


async def test_a_group_never_configured_has_the_defaults(store: Store) -> None:
    state = await service.current(store, GROUP)
    assert state == service.GroupState(GroupSettings(), ZoneInfo("UTC"), None)
    assert await store.get_chat(GROUP) is None  # reading stores nothing


async def test_turning_breaks_on_adds_one_reminder_at_the_chosen_time(store: Store) -> None:
    await service.save(store, GROUP, "supergroup", ON, NOW)
    state = await service.current(store, GROUP)
    assert state.settings == ON
    assert state.reminder is not None and state.reminder.enabled
    assert (state.reminder.local_time, state.reminder.days) == (ON.reminder_time, ON.reminder_days)
    stored = await store.get_chat(GROUP)
    assert stored is not None and stored.kind == "supergroup"


async def test_saving_the_same_settings_keeps_the_reminder(store: Store) -> None:
    await service.save(store, GROUP, "group", ON, NOW)
    first = (await service.current(store, GROUP)).reminder
    await service.save(store, GROUP, "group", ON, NOW)
    reminders = await store.list_reminders(GROUP)
    assert [r.id for r in reminders] == [first.id if first else None]


async def test_a_new_time_replaces_the_reminder(store: Store) -> None:
    await service.save(store, GROUP, "group", ON, NOW)
    moved = replace(ON, reminder_time=time(8, 15), reminder_days=WEEKDAYS)
    await service.save(store, GROUP, "group", moved, NOW)
    reminders = await store.list_reminders(GROUP)
    assert [(r.local_time, r.days) for r in reminders] == [(time(8, 15), WEEKDAYS)]


async def test_turning_breaks_off_deletes_every_reminder(store: Store) -> None:
    await service.save(store, GROUP, "group", ON, NOW)
    await store.add_reminder(GROUP, time(6, 0), WEEKDAYS, NOW)  # e.g. left by an older version
    await service.save(store, GROUP, "group", replace(ON, reminders=False), NOW)
    assert await store.list_reminders(GROUP) == []
    assert (await service.current(store, GROUP)).settings.reminders is False


async def test_extra_reminders_go_and_the_matching_one_stays(store: Store) -> None:
    await store.upsert_chat(GROUP, "group", NOW)
    other = await store.add_reminder(GROUP, time(6, 0), WEEKDAYS, NOW)
    match = await store.add_reminder(GROUP, ON.reminder_time, ON.reminder_days, NOW)
    await service.save(store, GROUP, "group", ON, NOW)
    assert [r.id for r in await store.list_reminders(GROUP)] == [match.id]
    assert other.id != match.id


async def test_a_paused_reminder_is_resumed_when_breaks_are_saved_on(store: Store) -> None:
    await service.save(store, GROUP, "group", ON, NOW)
    await store.disable_chat_reminders(GROUP)  # e.g. the bot could not post there
    await service.save(store, GROUP, "group", ON, NOW)
    state = await service.current(store, GROUP)
    assert state.reminder is not None and state.reminder.enabled


async def test_keys_of_other_versions_are_kept(store: Store) -> None:
    await store.upsert_chat(GROUP, "group", NOW)
    await store.set_settings(GROUP, {"future": 1})
    await service.save(store, GROUP, "group", ON, NOW)
    stored = await store.get_chat(GROUP)
    assert stored is not None and stored.settings["future"] == 1


async def test_set_zone_moves_the_reminder_with_the_group(store: Store) -> None:
    await service.save(store, GROUP, "group", ON, NOW)
    before = (await service.current(store, GROUP)).reminder
    await service.set_zone(store, GROUP, "group", "Asia/Tokyo", NOW)
    state = await service.current(store, GROUP)
    assert state.zone == ZoneInfo("Asia/Tokyo")
    assert state.reminder is not None and before is not None
    assert state.reminder.local_time == before.local_time
    assert state.reminder.next_due != before.next_due  # 12:30 in Tokyo is another instant


async def test_set_zone_creates_a_group_never_seen(store: Store) -> None:
    await service.set_zone(store, GROUP, "group", "Europe/Berlin", NOW)
    assert (await service.current(store, GROUP)).zone == ZoneInfo("Europe/Berlin")
