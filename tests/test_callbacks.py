"""Callback data (``bot.core.callbacks``): every codec round-trips, every encoded form fits in
Telegram's 64 bytes at its largest fields, and forged or malformed data decodes to None."""

from __future__ import annotations

import zoneinfo
from datetime import time
from itertools import combinations
from pathlib import Path

import pytest

from bot.core import callbacks
from bot.core.callbacks import (
    ReminderAction,
    ReminderPress,
    SettingsAction,
    SettingsPress,
)
from bot.core.groups.modes import ANSWER_MODES
from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.core.reminders.schedule import ALL_DAYS
from tests.kb_factory import PIGEON, SITTING, write_kb

BIGGEST_ID = 10**18 - 1  # the largest id the codec accepts: 18 digits, within SQLite's 64 bits
TIMES = [time(0, 0), time(7, 5), time(12, 30), time(23, 59)]
DAY_SETS = [frozenset(c) for size in (1, 3, 7) for c in combinations(sorted(ALL_DAYS), size)]
ZONES = sorted(zoneinfo.available_timezones())
LONGEST_ENTRY_ID = "a" * callbacks.MAX_ENTRY_ID
LONGEST_ZONE = max(ZONES, key=len)


def reminder_presses() -> list[ReminderPress]:
    ids = [0, 7, BIGGEST_ID]
    return [
        *(ReminderPress(ReminderAction.LIST), ReminderPress(ReminderAction.NEW)),
        *(
            ReminderPress(action, reminder_id=rid, seq=seq)
            for action in (ReminderAction.DONE, ReminderAction.SNOOZE)
            for rid in ids
            for seq in ids
        ),
        *(
            ReminderPress(action, reminder_id=rid)
            for action in (ReminderAction.STOP, ReminderAction.DELETE)
            for rid in ids
        ),
        ReminderPress(ReminderAction.TIME, typed=True),
        *(ReminderPress(ReminderAction.TIME, local_time=t) for t in TIMES),
        *(
            ReminderPress(ReminderAction.ADD, local_time=t, days=days)
            for t in TIMES
            for days in DAY_SETS
        ),
    ]


def settings_presses() -> list[SettingsPress]:
    pages = [
        SettingsAction.MAIN,
        SettingsAction.TIME_PAGE,
        SettingsAction.DAYS_PAGE,
        SettingsAction.ZONE_PAGE,
        SettingsAction.CLOSE,
    ]
    return [
        *(SettingsPress(action) for action in pages),
        *(SettingsPress(SettingsAction.MODE, mode=mode) for mode in ANSWER_MODES),
        *(SettingsPress(SettingsAction.REMIND, enabled=on) for on in (True, False)),
        *(SettingsPress(SettingsAction.TIME, local_time=t) for t in TIMES),
        *(SettingsPress(SettingsAction.DAYS, days=days) for days in DAY_SETS),
        *(SettingsPress(SettingsAction.ZONE, zone=zone) for zone in ZONES),
    ]


# --- round trips -------------------------------------------------------------------------------


def test_reminder_presses_round_trip_and_fit() -> None:
    presses = reminder_presses()
    assert {press.action for press in presses} == set(ReminderAction)
    for press in presses:
        assert callbacks.fits(press.data), press.data
        assert callbacks.parse_reminder(press.data) == press


def test_settings_presses_round_trip_and_fit() -> None:
    presses = settings_presses()
    assert {press.action for press in presses} == set(SettingsAction)
    for press in presses:
        assert callbacks.fits(press.data), press.data
        assert callbacks.parse_settings(press.data) == press


def test_entry_and_feedback_round_trip_and_fit_at_the_longest_id() -> None:
    for entry_id in ("pigeon-pose", "a", "a-1", LONGEST_ENTRY_ID):
        assert callbacks.parse_entry(callbacks.entry(entry_id)) == entry_id
        assert callbacks.fits(callbacks.entry(entry_id))
        for helpful in (True, False):
            data = callbacks.feedback(entry_id, helpful)
            assert callbacks.fits(data), data
            assert callbacks.parse_feedback(data) == (entry_id, helpful)


def test_the_longest_entry_id_is_the_loaders_own_limit(tmp_path: Path) -> None:
    """MAX_ENTRY_ID is what the knowledge loader accepts: an id one longer is rejected."""
    for length, loads in ((callbacks.MAX_ENTRY_ID, True), (callbacks.MAX_ENTRY_ID + 1, False)):
        entry_id = "a" * length
        root = write_kb(
            tmp_path / str(length),
            {
                "entries/pigeon-pose.yaml": None,
                f"entries/{entry_id}.yaml": PIGEON.replace("id: pigeon-pose", f"id: {entry_id}"),
                "entries/sitting.yaml": SITTING.replace("related:\n  - pigeon-pose\n", ""),
            },
        )
        if loads:
            assert entry_id in load_knowledge(root).entries
        else:
            with pytest.raises(KnowledgeError) as caught:
                load_knowledge(root)
            assert all("'id'" in str(problem) for problem in caught.value.problems)


def test_every_time_zone_round_trips_and_fits() -> None:
    assert len(LONGEST_ZONE) > 25  # the scan really saw long names (America/Argentina/...)
    for zone in ZONES:
        data = callbacks.timezone(zone)
        assert callbacks.fits(data), data
        assert callbacks.parse_timezone(data) == zone


def test_menus_and_privacy() -> None:
    assert callbacks.parse_menu(callbacks.TOPICS) == callbacks.TOPICS
    assert callbacks.parse_menu(callbacks.EXERCISES) == callbacks.EXERCISES
    assert callbacks.parse_privacy(callbacks.FORGET) is True
    assert callbacks.parse_privacy(callbacks.KEEP) is False


def test_prefixes_do_not_collide() -> None:
    names = [*callbacks.PREFIXES, callbacks.TOPICS, callbacks.EXERCISES]
    for one in names:
        for other in names:
            assert one == other or not other.startswith(one), (one, other)


def test_a_press_without_its_arguments_cannot_be_encoded() -> None:
    for press in (
        ReminderPress(ReminderAction.DONE, reminder_id=1),
        ReminderPress(ReminderAction.TIME),
        ReminderPress(ReminderAction.ADD, local_time=time(7, 0)),
        SettingsPress(SettingsAction.ZONE),
        SettingsPress(SettingsAction.DAYS, days=frozenset()),
    ):
        with pytest.raises(ValueError, match="needs"):
            _ = press.data


def test_the_known_forms_are_unchanged() -> None:
    """Buttons already sent keep working after an upgrade: the encoded forms are stable."""
    assert ReminderPress(ReminderAction.DONE, reminder_id=12, seq=3).data == "r:d:12:3"
    assert ReminderPress(ReminderAction.TIME, typed=True).data == "r:t:type"
    assert (
        ReminderPress(ReminderAction.ADD, local_time=time(19, 0), days=frozenset({0, 2, 4})).data
        == "r:a:1900:21"
    )
    assert SettingsPress(SettingsAction.MAIN).data == "gs:m"
    assert SettingsPress(SettingsAction.REMIND, enabled=True).data == "gs:rem:1"
    assert SettingsPress(SettingsAction.TIME, local_time=time(7, 30)).data == "gs:t:0730"
    assert callbacks.entry("pigeon-pose") == "e:pigeon-pose"
    assert callbacks.feedback("pigeon-pose", helpful=False) == "f:pigeon-pose:0"
    assert callbacks.timezone("Europe/Berlin") == "tz:Europe/Berlin"
    assert (callbacks.FORGET, callbacks.KEEP) == ("p:forget", "p:keep")


# --- forged and malformed data -------------------------------------------------------------------

TOO_LONG = "9" * 70

FORGED_REMINDER = [
    "",
    "r:",
    "r:zzz",
    "r:d:12",
    "r:d:-1:0",
    "r:d:abc:1",
    "r:d:1:2:3",
    "r:x:01",
    "r:x:99999999999999999999999",
    "r:x:" + TOO_LONG,
    "r:t:2400",
    "r:t:0760",
    "r:t:7:30",
    "r:t:typed",
    "r:a:0700:0",
    "r:a:0700:128",
    "r:a:0700",
    "r:ls:1",
    "r:new:",
    "R:ls",
    "e:pigeon-pose",
]
FORGED_SETTINGS = [
    "",
    "gs:",
    "gs:m:1",
    "gs:x:",
    "gs:mode:all",
    "gs:mode:",
    "gs:mode:questions:1",
    "gs:rem:2",
    "gs:rem:true",
    "gs:t:2400",
    "gs:t:730",
    "gs:t:07:30",
    "gs:d:0",
    "gs:d:128",
    "gs:d:-1",
    "gs:d:007",
    "gs:z:",
    "gs:z:../../etc/passwd",
    "gs:z:Europe/Berlin;DROP",
    "gs:z:Europe/Berlin:x",
    "gs:z:" + "A" * 60,
    "gs:zz",
    "gs:admin:1",
    "r:d:1:1",
    "gs:t:" + "1" * 70,
]
FORGED_ENTRY = ["e:", "e:Pigeon", "e:pigeon_pose", "e:-pigeon", "e:a:b", "e:" + "a" * 49, "f:x:1"]
FORGED_FEEDBACK = [
    "f:",
    "f:pigeon-pose",
    "f:pigeon-pose:",
    "f:pigeon-pose:2",
    "f:pigeon-pose:1:1",
    "f::1",
    "f:Pigeon:1",
    "f:" + "a" * 49 + ":1",
    "e:pigeon-pose",
]
FORGED_TIMEZONE = ["tz:", "tz:../x", "tz:Europe/Berlin:1", "tz:Europe Berlin", "tz:" + "A" * 62]
FORGED_PRIVACY = ["p:", "p:forget:1", "p:FORGET", "p:keep ", "forget"]


@pytest.mark.parametrize(
    ("parse", "data"),
    [
        *((callbacks.parse_reminder, data) for data in FORGED_REMINDER),
        *((callbacks.parse_settings, data) for data in FORGED_SETTINGS),
        *((callbacks.parse_entry, data) for data in FORGED_ENTRY),
        *((callbacks.parse_feedback, data) for data in FORGED_FEEDBACK),
        *((callbacks.parse_timezone, data) for data in FORGED_TIMEZONE),
        *((callbacks.parse_privacy, data) for data in FORGED_PRIVACY),
        *((callbacks.parse_menu, data) for data in ("", "topic", "Topics", "topics:1")),
    ],
)
def test_forged_data_decodes_to_none(parse: object, data: str) -> None:
    assert callable(parse)
    assert parse(data) is None


def test_nothing_over_the_limit_decodes() -> None:
    """Data that would otherwise read well is refused once it is past 64 bytes."""
    at_limit = "tz:" + "A" * (callbacks.LIMIT - len("tz:"))
    assert callbacks.parse_timezone(at_limit) == "A" * (callbacks.LIMIT - len("tz:"))
    assert callbacks.parse_timezone(at_limit + "A") is None
    assert not callbacks.fits("é" * 33)  # 66 bytes in 33 characters: bytes are what count
