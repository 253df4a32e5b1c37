"""Parsing what people type, and wall-clock reminders across DST in both hemispheres."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.reminders.schedule import (
    ALL_DAYS,
    WEEKDAYS,
    WEEKENDS,
    ScheduleError,
    UnknownTimezone,
    days_to_mask,
    format_time,
    mask_to_days,
    next_occurrence,
    parse_days,
    parse_time,
    resolve_timezone,
    suggest_timezones,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- parse_time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("7.30", time(7, 30)),
        ("19:00", time(19, 0)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("7pm", time(19, 0)),
        ("7 pm", time(19, 0)),
        ("7:30pm", time(19, 30)),
        ("7:30 PM", time(19, 30)),
        ("7:30 p.m.", time(19, 30)),
        ("7am", time(7, 0)),
        ("12am", time(0, 0)),
        ("12:15am", time(0, 15)),
        ("12pm", time(12, 0)),
        ("12:45 pm", time(12, 45)),
        ("0730", time(7, 30)),
        ("730", time(7, 30)),
        ("1900", time(19, 0)),
        ("730pm", time(19, 30)),
        ("7", time(7, 0)),
        ("7h30", time(7, 30)),
        ("  7 : 30  ", time(7, 30)),
        ("noon", time(12, 0)),
        ("Midnight", time(0, 0)),
    ],
)
def test_parse_time_accepts(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("25:00", "time_hours_range", {"value": "25:00"}),
        ("24:00", "time_hours_range", {"value": "24:00"}),
        ("7:61", "time_minutes_range", {"value": "7:61"}),
        ("7:60", "time_minutes_range", {"value": "7:60"}),
        ("13pm", "time_ampm_range_suggest", {"value": "13pm", "suggestion": "13:00"}),
        ("0am", "time_ampm_range_suggest", {"value": "0am", "suggestion": "00:00"}),
        ("30pm", "time_ampm_range", {"value": "30pm"}),
        ("abc", "time_unreadable", {"value": "abc"}),
        (" abc ", "time_unreadable", {"value": "abc"}),
        ("", "time_missing", {}),
        ("7:5", "time_minutes_two_digits", {"example": "7:05"}),
        ("1:2:3", "time_unreadable", {"value": "1:2:3"}),
        ("-1", "time_unreadable", {"value": "-1"}),
        ("7:30xm", "time_unreadable", {"value": "7:30xm"}),
        ("99999", "time_unreadable", {"value": "99999"}),
    ],
)
def test_parse_time_rejects_with_a_code_and_what_was_typed(
    text: str, code: str, params: dict[str, str]
) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_time(text)
    assert (caught.value.code, caught.value.params) == (code, params)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == code  # what was typed stays out of logs


def test_format_time() -> None:
    assert format_time(time(7, 5)) == "07:05"
    assert format_time(parse_time("7:30pm")) == "19:30"


# --- parse_days / format_days ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("daily", ALL_DAYS),
        ("every day", ALL_DAYS),
        ("Everyday", ALL_DAYS),
        ("weekdays", WEEKDAYS),
        ("weekends", WEEKENDS),
        ("weekend", WEEKENDS),
        ("mon,wed,fri", {0, 2, 4}),
        ("Mon Wed Fri", {0, 2, 4}),
        ("monday, thursday", {0, 3}),
        ("Tuesdays and Thursdays", {1, 3}),
        ("every sunday", {6}),
        ("sat;sun", WEEKENDS),
        ("mon-fri", WEEKDAYS),
        ("Mon - Wed", {0, 1, 2}),
        ("monday to friday", WEEKDAYS),
        ("fri-mon", {4, 5, 6, 0}),
        ("weekends, wed", {2, 5, 6}),
        ("tue thu sat", {1, 3, 5}),
        ("thurs", {3}),
        ("mon.", {0}),
    ],
)
def test_parse_days_accepts(text: str, expected: set[int]) -> None:
    assert parse_days(text) == frozenset(expected)


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("fryday", "day_unknown_suggest", {"value": "fryday", "suggestion": "fri"}),
        ("mon, wendsday", "day_unknown_suggest", {"value": "wendsday", "suggestion": "wed"}),
        ("weekdayz", "day_unknown_suggest", {"value": "weekdayz", "suggestion": "weekday"}),
        ("xyz", "day_unknown", {"value": "xyz"}),
        ("", "days_missing", {}),
        ("and", "days_missing", {}),
        ("mon-", "days_range_unreadable", {"value": "mon-"}),
    ],
)
def test_parse_days_rejects_with_a_suggestion(text: str, code: str, params: dict[str, str]) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_days(text)
    assert (caught.value.code, caught.value.params) == (code, params)


def test_day_masks_round_trip() -> None:
    for mask in range(1, 128):
        assert days_to_mask(mask_to_days(mask)) == mask
    assert days_to_mask(frozenset({0})) == 1
    assert days_to_mask(frozenset({6})) == 64
    for bad in (frozenset(), frozenset({7}), frozenset({-1})):  # a bug, not what someone typed
        with pytest.raises(ValueError, match="non-empty set") as caught:
            days_to_mask(bad)
        assert not isinstance(caught.value, ScheduleError)


# --- time zones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  EUROPE/BERLIN ", "Europe/Berlin"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("america/new york", "America/New_York"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("asia/kolkata", "Asia/Kolkata"),
    ],
)
def test_resolve_timezone(text: str, expected: str) -> None:
    assert resolve_timezone(text).key == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("tokio", "Asia/Tokyo"),
        ("Europe/Berln", "Europe/Berlin"),
        ("sydney", "Australia/Sydney"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
    ],
)
def test_unknown_timezone_suggests_near_misses(text: str, expected: str) -> None:
    with pytest.raises(UnknownTimezone) as caught:
        resolve_timezone(text)
    error = caught.value
    assert error.suggestions[0] == expected
    assert len(error.suggestions) <= 3
    assert isinstance(error, ScheduleError)
    if len(error.suggestions) == 1:
        assert error.code == "timezone_unknown_one"
        assert error.params == {"zone": text, "suggestion": expected}
    else:
        assert error.code == "timezone_unknown_many"
        listed = [*str(error.params["suggestions"]).split(", "), error.params["last"]]
        assert listed == list(error.suggestions)


def test_unknown_timezone_without_near_miss() -> None:
    with pytest.raises(UnknownTimezone) as caught:
        resolve_timezone("qqqqqqq")
    assert caught.value.suggestions == ()
    assert (caught.value.code, caught.value.params) == ("timezone_unknown_try", {"zone": "qqqqqqq"})
    assert suggest_timezones("") == ()


def test_local_pseudo_zones_are_not_offered() -> None:
    with pytest.raises(UnknownTimezone):
        resolve_timezone("localtime")


# --- next_occurrence ---------------------------------------------------------------------


def test_next_occurrence_is_strictly_after() -> None:
    seven_thirty = time(7, 30)
    at = utc(2025, 1, 15, 6, 30)  # 07:30 in Berlin (winter, UTC+1)
    assert next_occurrence(seven_thirty, ALL_DAYS, BERLIN, at) == utc(2025, 1, 16, 6, 30)
    assert next_occurrence(seven_thirty, ALL_DAYS, BERLIN, at - timedelta(microseconds=1)) == at
    assert next_occurrence(seven_thirty, ALL_DAYS, ZoneInfo("UTC"), at) == utc(2025, 1, 15, 7, 30)


def test_next_occurrence_respects_days_of_week() -> None:
    # 2025-01-15 is a Wednesday.
    wednesday_noon = utc(2025, 1, 15, 12)
    mon_fri = frozenset({0, 4})
    first = next_occurrence(time(9, 0), mon_fri, ZoneInfo("UTC"), wednesday_noon)
    assert first == utc(2025, 1, 17, 9)  # Friday
    second = next_occurrence(time(9, 0), mon_fri, ZoneInfo("UTC"), first)
    assert second == utc(2025, 1, 20, 9)  # Monday
    only_wednesday = next_occurrence(time(9, 0), frozenset({2}), ZoneInfo("UTC"), wednesday_noon)
    assert only_wednesday == utc(2025, 1, 22, 9)  # a whole week later


def test_next_occurrence_uses_the_local_day_not_the_utc_day() -> None:
    # 08:00 Monday in Tokyo is 23:00 Sunday UTC.
    tokyo = ZoneInfo("Asia/Tokyo")
    got = next_occurrence(time(8, 0), frozenset({0}), tokyo, utc(2025, 1, 12, 12))
    assert got == utc(2025, 1, 12, 23)
    assert got.astimezone(tokyo).weekday() == 0
    # 18:00 Sunday in Los Angeles is 02:00 Monday UTC.
    la = ZoneInfo("America/Los_Angeles")
    got = next_occurrence(time(18, 0), frozenset({6}), la, utc(2025, 1, 12, 12))
    assert got == utc(2025, 1, 13, 2)


def _week(local: time, zone: ZoneInfo, start: datetime, count: int = 8) -> list[datetime]:
    found, after = [], start
    for _ in range(count):
        after = next_occurrence(local, ALL_DAYS, zone, after)
        found.append(after)
    return found


@pytest.mark.parametrize(
    ("zone", "start", "before", "after"),
    [
        # Europe: clocks go forward 2025-03-30 and back 2025-10-26.
        (BERLIN, utc(2025, 3, 26), 6, 5),
        (BERLIN, utc(2025, 10, 22), 5, 6),
        # US: forward 2025-03-09, back 2025-11-02 (UTC-5 / UTC-4).
        (NEW_YORK, utc(2025, 3, 5), 12, 11),
        (NEW_YORK, utc(2025, 10, 29), 11, 12),
    ],
)
def test_seven_thirty_stays_at_seven_thirty_local_across_dst(
    zone: ZoneInfo, start: datetime, before: int, after: int
) -> None:
    instants = _week(time(7, 30), zone, start)
    assert all(i.astimezone(zone).time() == time(7, 30) for i in instants)
    dates = [i.astimezone(zone).date() for i in instants]
    assert dates == [dates[0] + timedelta(days=n) for n in range(8)]  # once per day
    assert instants[0].hour == before
    assert instants[-1].hour == after
    assert instants[0].minute == instants[-1].minute == 30


def test_sydney_southern_hemisphere_dst() -> None:
    # Sydney: DST ends 2025-04-06 (UTC+11 -> +10), starts 2025-10-05 (+10 -> +11).
    autumn = _week(time(7, 30), SYDNEY, utc(2025, 4, 3))
    assert autumn[0] == utc(2025, 4, 3, 20, 30)  # 07:30 AEDT on Apr 4
    assert autumn[-1] == utc(2025, 4, 10, 21, 30)  # 07:30 AEST on Apr 11
    spring = _week(time(7, 30), SYDNEY, utc(2025, 10, 2))
    assert spring[0] == utc(2025, 10, 2, 21, 30)
    assert spring[-1] == utc(2025, 10, 9, 20, 30)
    assert all(i.astimezone(SYDNEY).time() == time(7, 30) for i in autumn + spring)


@pytest.mark.parametrize(
    ("zone", "local", "after", "expected"),
    [
        # Spring-forward gaps: the first instant after the gap on that day.
        (BERLIN, time(2, 30), utc(2025, 3, 29, 12), utc(2025, 3, 30, 1)),  # 03:00 CEST
        (BERLIN, time(2, 0), utc(2025, 3, 29, 12), utc(2025, 3, 30, 1)),
        (NEW_YORK, time(2, 30), utc(2025, 3, 8, 12), utc(2025, 3, 9, 7)),  # 03:00 EDT
        (SYDNEY, time(2, 30), utc(2025, 10, 4, 0), utc(2025, 10, 4, 16)),  # 03:00 AEDT
        # Lord Howe moves its clocks by half an hour: 02:00 -> 02:30.
        (ZoneInfo("Australia/Lord_Howe"), time(2, 15), utc(2025, 10, 4), utc(2025, 10, 4, 15, 30)),
        # Just before and after a gap, nothing shifts.
        (BERLIN, time(1, 59), utc(2025, 3, 29, 12), utc(2025, 3, 30, 0, 59)),
        (BERLIN, time(3, 0), utc(2025, 3, 29, 12), utc(2025, 3, 30, 1)),
        # Fall-back folds: the first (daylight-time) occurrence.
        (BERLIN, time(2, 30), utc(2025, 10, 25, 12), utc(2025, 10, 26, 0, 30)),
        (NEW_YORK, time(1, 30), utc(2025, 11, 1, 12), utc(2025, 11, 2, 5, 30)),
        (SYDNEY, time(2, 30), utc(2025, 4, 5), utc(2025, 4, 5, 15, 30)),
        # Half-hour and 45-minute zones.
        (ZoneInfo("Asia/Kolkata"), time(7, 30), utc(2025, 1, 1), utc(2025, 1, 1, 2)),
        (ZoneInfo("Asia/Kathmandu"), time(7, 30), utc(2025, 1, 1), utc(2025, 1, 1, 1, 45)),
        (ZoneInfo("Australia/Adelaide"), time(7, 30), utc(2025, 1, 1), utc(2025, 1, 1, 21)),
    ],
)
def test_gaps_folds_and_odd_offsets(
    zone: ZoneInfo, local: time, after: datetime, expected: datetime
) -> None:
    assert next_occurrence(local, ALL_DAYS, zone, after) == expected


@pytest.mark.parametrize(
    ("zone", "local", "first", "second"),
    [
        (BERLIN, time(2, 30), utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 1, 30)),
        (NEW_YORK, time(1, 30), utc(2025, 11, 2, 5, 30), utc(2025, 11, 2, 6, 30)),
        (SYDNEY, time(2, 30), utc(2025, 4, 5, 15, 30), utc(2025, 4, 5, 16, 30)),
    ],
)
def test_ambiguous_time_fires_once(
    zone: ZoneInfo, local: time, first: datetime, second: datetime
) -> None:
    # Asking right after the first occurrence must not land on the repeated wall time.
    following = next_occurrence(local, ALL_DAYS, zone, first)
    assert following > second
    assert following - first > timedelta(hours=23)
    assert next_occurrence(local, ALL_DAYS, zone, first + timedelta(minutes=30)) == following


def test_whole_skipped_day_still_fires() -> None:
    # Samoa skipped Friday 2011-12-30 entirely; the reminder comes at the first instant after.
    apia = ZoneInfo("Pacific/Apia")
    got = next_occurrence(time(7, 30), frozenset({4}), apia, utc(2011, 12, 28))
    assert got.astimezone(apia) == datetime(2011, 12, 31, 0, 0, tzinfo=apia)


def test_next_occurrence_needs_an_aware_instant_and_some_days() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_occurrence(time(7), ALL_DAYS, BERLIN, datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="non-empty"):
        next_occurrence(time(7), frozenset(), BERLIN, utc(2025, 1, 1))


def test_accepts_non_utc_after_and_returns_utc() -> None:
    after = datetime(2025, 1, 15, 7, 0, tzinfo=BERLIN)
    got = next_occurrence(time(7, 30), ALL_DAYS, BERLIN, after)
    assert got == utc(2025, 1, 15, 6, 30)
    assert got.tzinfo is UTC


ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/St_Johns",
    "Pacific/Chatham",
    "America/Santiago",
    "Africa/Casablanca",
    "UTC",
]


def test_randomised_properties() -> None:
    """Due on a chosen day, at the wall time when it exists, and nothing earlier qualifies."""
    rng = random.Random(20250330)
    for _ in range(1500):
        zone = ZoneInfo(rng.choice(ZONES))
        local = time(rng.randrange(24), rng.choice((0, 15, 30, 45)))
        days = frozenset(d for d in range(7) if rng.random() < 0.5) or frozenset({rng.randrange(7)})
        after = utc(2024, 1, 1) + timedelta(seconds=rng.randrange(2 * 366 * 86400))
        got = next_occurrence(local, days, zone, after)
        assert got > after
        assert got - after <= timedelta(days=8)
        wall = got.astimezone(zone)
        assert wall.weekday() in days
        exists = (
            datetime.combine(wall.date(), local, zone).astimezone(UTC).astimezone(zone).time()
            == local
        )
        if exists:
            assert wall.time() == local
        else:
            assert wall.time() > local  # shifted forward past the gap, never back
        # Nothing qualifying between: the occurrence before this one is not after ``after``.
        previous = next_occurrence(local, days, zone, after - timedelta(days=8))
        while previous < got:
            assert previous <= after
            previous = next_occurrence(local, days, zone, previous)
        assert previous == got
