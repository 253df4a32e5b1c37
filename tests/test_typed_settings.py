"""``/settings WHAT VALUE`` read by the core alone (bot.core.groups.typed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest

from bot.core.groups.policy import GroupSettings
from bot.core.groups.typed import SettingsChange, parse_typed_settings
from bot.core.knowledge import TEXT_KEYS
from bot.core.reminders.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS, ScheduleError, UnknownTimezone

START = GroupSettings()  # breaks off, 12:30 on Mon, Wed, Fri
ON = replace(START, reminders=True)


@pytest.mark.parametrize(
    ("typed", "settings", "expected"),
    [
        ("time 10:15", START, SettingsChange("time", replace(START, reminder_time=time(10, 15)))),
        ("TIME 7pm", ON, SettingsChange("time", replace(ON, reminder_time=time(19, 0)))),
        (
            "time 7:30 mon-thu",
            START,
            SettingsChange(
                "time",
                replace(START, reminder_time=time(7, 30), reminder_days=frozenset({0, 1, 2, 3})),
            ),
        ),
        (
            "time weekdays 8:00",
            START,
            SettingsChange("time", replace(START, reminder_time=time(8), reminder_days=WEEKDAYS)),
        ),
        ("days weekends", ON, SettingsChange("days", replace(ON, reminder_days=WEEKENDS))),
        ("days every day", START, SettingsChange("days", replace(START, reminder_days=ALL_DAYS))),
        ("on", START, SettingsChange("on", ON)),
        ("off", ON, SettingsChange("off", START)),
        ("timezone europe/berlin", ON, SettingsChange("timezone", ON, zone="Europe/Berlin")),
        ("tz  Asia/Tokyo ", START, SettingsChange("timezone", START, zone="Asia/Tokyo")),
        ("zone UTC", START, SettingsChange("timezone", START, zone="UTC")),
    ],
)
def test_each_setting_is_read(
    typed: str, settings: GroupSettings, expected: SettingsChange
) -> None:
    assert parse_typed_settings(typed, settings) == expected


@pytest.mark.parametrize(
    "typed", ["volume 11", "mode questions", "time", "days", "on now", "", "tz"]
)
def test_anything_else_is_not_a_setting(typed: str) -> None:
    assert parse_typed_settings(typed, START) is None


@pytest.mark.parametrize("typed", ["time 25:00", "time soon", "days someday", "days mon-"])
def test_unreadable_values_raise_a_schedule_error(typed: str) -> None:
    with pytest.raises(ScheduleError):
        parse_typed_settings(typed, START)


def test_an_unknown_zone_carries_near_misses() -> None:
    with pytest.raises(UnknownTimezone) as caught:
        parse_typed_settings("timezone tokio", START)
    assert "Asia/Tokyo" in caught.value.suggestions


@pytest.mark.parametrize(
    ("typed", "settings", "hint"),
    [
        ("time 9:00", START, True),
        ("days weekdays", START, True),
        ("time 9:00", ON, False),
        ("days weekdays", ON, False),
        ("on", START, False),
        ("off", ON, False),
        ("timezone UTC", START, False),
    ],
)
def test_the_breaks_off_hint_only_for_time_or_days_while_breaks_are_off(
    typed: str, settings: GroupSettings, hint: bool
) -> None:
    change = parse_typed_settings(typed, settings)
    assert change is not None and change.breaks_off_hint is hint


def test_a_very_long_value_is_cut_before_it_is_read() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_typed_settings("days " + "x" * 10_000, START)
    assert len(str(caught.value)) < 1_000


def test_two_times_for_a_stretch_break_get_their_own_text() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_typed_settings("time 10:15 to 11", START)
    assert (caught.value.code, caught.value.params) == (
        "settings_two_times",
        {"first": "10:15", "second": "11:00"},
    )
    assert TEXT_KEYS["settings_two_times"] == TEXT_KEYS["remind_two_times"]  # same values
