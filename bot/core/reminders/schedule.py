"""Reminder time arithmetic: parsing what people type, and wall-clock times across time zones.

Kept free of I/O and of Telegram so the tricky part of reminders (daylight-saving gaps and
folds, half-hour zones, the southern hemisphere) can be tested exhaustively and quickly.
Days are numbered like ``datetime.weekday()``: 0 is Monday, 6 is Sunday.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

__all__ = [
    "ALL_DAYS",
    "WEEKDAYS",
    "WEEKENDS",
    "ScheduleError",
    "UnknownTimezone",
    "days_to_mask",
    "format_time",
    "mask_to_days",
    "next_occurrence",
    "parse_days",
    "parse_time",
    "resolve_timezone",
    "suggest_timezones",
]

ALL_DAYS: frozenset[int] = frozenset(range(7))
WEEKDAYS: frozenset[int] = frozenset(range(5))
WEEKENDS: frozenset[int] = frozenset({5, 6})

_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SHORT = tuple(name[:3] for name in _DAY_NAMES)


class ScheduleError(ValueError):
    """Input we could not understand, as a code and the values that go with it.

    The code is the key of the text in ``knowledge/texts.yaml`` that explains the problem
    kindly, and ``params`` fill its placeholders (``bot.core.reminders.views.problem`` does
    both), so every word shown lives in YAML.
    """

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(code)  # str(error) is the code: what was typed stays out of logs


class UnknownTimezone(ScheduleError):  # noqa: N818 (reads as the situation)
    """Not an IANA zone name; carries near misses so the bot can offer them as buttons."""

    def __init__(self, text: str, suggestions: tuple[str, ...]) -> None:
        self.text = text
        self.suggestions = suggestions
        if not suggestions:
            super().__init__("timezone_unknown_try", zone=text)
        elif len(suggestions) == 1:
            super().__init__("timezone_unknown_one", zone=text, suggestion=suggestions[0])
        else:
            super().__init__(
                "timezone_unknown_many",
                zone=text,
                suggestions=", ".join(suggestions[:-1]),
                last=suggestions[-1],
            )


# --- times -------------------------------------------------------------------------------

_TIME_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
_TIME_RE = re.compile(
    r"(?P<h>\d{1,2})(?:\s*[:.h ]\s*(?P<m>\d{1,2}))?\s*(?P<ap>am|pm)?"  # 7, 7:30, 7.30pm, 7 pm
    r"|(?P<ch>\d{1,2})(?P<cm>\d{2})\s*(?P<cap>am|pm)?"  # 0730, 730, 1900, 730pm
)


def parse_time(text: str) -> time:
    """Read a time of day as people write it: "7:30", "07.30", "19:00", "7pm", "0730", "noon"."""
    shown = text.strip()
    cleaned = " ".join(shown.lower().replace("a.m.", "am").replace("p.m.", "pm").split())
    if not cleaned:
        raise ScheduleError("time_missing")
    if cleaned in _TIME_WORDS:
        return _TIME_WORDS[cleaned]
    match = _TIME_RE.fullmatch(cleaned)
    if match is None:
        raise ScheduleError("time_unreadable", value=shown)
    hour_s = match["h"] or match["ch"]
    minute_s = match["m"] if match["h"] else match["cm"]
    ampm = match["ap"] or match["cap"]
    hour = int(hour_s)
    minute = int(minute_s) if minute_s else 0
    if minute_s is not None and len(minute_s) != 2:
        raise ScheduleError("time_minutes_two_digits", example=f"{hour}:0{minute_s}")
    if minute > 59:
        raise ScheduleError("time_minutes_range", value=shown)
    if ampm is not None:
        if not 1 <= hour <= 12:
            if hour < 24:
                suggestion = f"{hour:02d}:{minute:02d}"
                raise ScheduleError("time_ampm_range_suggest", value=shown, suggestion=suggestion)
            raise ScheduleError("time_ampm_range", value=shown)
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif hour > 23:
        raise ScheduleError("time_hours_range", value=shown)
    return time(hour, minute)


def format_time(value: time) -> str:
    """24-hour "HH:MM": unambiguous everywhere, and the form the store keeps."""
    return f"{value.hour:02d}:{value.minute:02d}"


# --- days --------------------------------------------------------------------------------

_DAY_WORDS: dict[str, int] = {}
for _i, _name in enumerate(_DAY_NAMES):
    _DAY_WORDS[_name] = _i
    _DAY_WORDS[_name + "s"] = _i
    _DAY_WORDS[_name[:3]] = _i
for _word, _i in {"tues": 1, "weds": 2, "thur": 3, "thurs": 3, "thu": 3}.items():
    _DAY_WORDS[_word] = _i

_GROUP_WORDS: dict[str, frozenset[int]] = {
    "daily": ALL_DAYS,
    "everyday": ALL_DAYS,
    "all": ALL_DAYS,
    "weekdays": WEEKDAYS,
    "weekday": WEEKDAYS,
    "workdays": WEEKDAYS,
    "weekends": WEEKENDS,
    "weekend": WEEKENDS,
}
_FILLER = frozenset({"every", "each", "on", "and", "days", "day"})
_RANGE_RE = re.compile(r"\s*(?:[-–—]|\b(?:to|through|thru|till|until)\b)\s*")
_SPLIT_RE = re.compile(r"[\s,;/&+]+")


def _suggest_day_word(word: str) -> str | None:
    vocabulary = [*_DAY_WORDS, *_GROUP_WORDS]
    found = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=60)
    if found is None:
        return None
    best = found[0]
    return _SHORT[_DAY_WORDS[best]] if best in _DAY_WORDS else best


def _day(word: str) -> int:
    if word in _DAY_WORDS:
        return _DAY_WORDS[word]
    suggestion = _suggest_day_word(word)
    if suggestion is not None:
        raise ScheduleError("day_unknown_suggest", value=word, suggestion=suggestion)
    raise ScheduleError("day_unknown", value=word)


def parse_days(text: str) -> frozenset[int]:
    """Read which days: "daily", "weekdays", "weekends", "mon,wed,fri", "Monday Thursday"..."""
    cleaned = text.strip().lower()
    cleaned = re.sub(r"\bevery\s*day\b", "daily", cleaned)
    cleaned = _RANGE_RE.sub("-", cleaned)
    days: set[int] = set()
    for raw in _SPLIT_RE.split(cleaned):
        token = raw.strip(".")
        if not token or token in _FILLER:
            continue
        if token in _GROUP_WORDS:
            days |= _GROUP_WORDS[token]
        elif "-" in token:
            start_s, _, end_s = token.partition("-")
            if not start_s or not end_s or "-" in end_s:
                raise ScheduleError("days_range_unreadable", value=raw)
            start, end = _day(start_s.strip(".")), _day(end_s.strip("."))
            span = (end - start) % 7  # "fri-mon" wraps over the weekend
            days.update((start + step) % 7 for step in range(span + 1))
        else:
            days.add(_day(token))
    if not days:
        raise ScheduleError("days_missing")
    return frozenset(days)


def days_to_mask(days: frozenset[int]) -> int:
    """Bit ``d`` set for weekday ``d``; a compact form for the database."""
    _check_days(days)
    return sum(1 << day for day in days)


def _check_days(days: frozenset[int]) -> None:
    if not days or not days <= ALL_DAYS:
        raise ValueError(f"days must be a non-empty set of 0 (Monday) to 6 (Sunday): {days}")


@cache
def mask_to_days(mask: int) -> frozenset[int]:
    """The inverse of :func:`days_to_mask`."""
    return frozenset(day for day in range(7) if mask & (1 << day))


# --- time zones --------------------------------------------------------------------------

_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
_REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


@cache
def _zone_names() -> dict[str, str]:
    """Lower-cased name -> canonical IANA name, read once (the scan touches the disk)."""
    return {name.lower(): name for name in zoneinfo.available_timezones() if name not in _NOT_ZONES}


@cache
def _zone_keys() -> tuple[list[str], list[str]]:
    """Fuzzy-match keys: each zone's full name and its city part, both with spaces for "_"."""
    keys: list[str] = []
    owners: list[str] = []
    for name in _zone_names().values():
        full = name.lower().replace("_", " ")
        keys.append(full)
        owners.append(name)
        city = full.rsplit("/", 1)[-1]
        if city != full:
            keys.append(city)
            owners.append(name)
    return keys, owners


def _normalise_zone(text: str) -> str:
    return "_".join(re.sub(r"\s*/\s*", "/", text.strip()).split())


def suggest_timezones(text: str, limit: int = 3) -> tuple[str, ...]:
    """Up to ``limit`` zone names close to ``text`` ("berlin" -> Europe/Berlin), best first."""
    query = _normalise_zone(text).lower().replace("_", " ")
    if not query:
        return ()
    keys, owners = _zone_keys()
    best: dict[str, float] = {}
    for _key, score, index in process.extract(
        query, keys, scorer=fuzz.ratio, limit=limit * 10, score_cutoff=70
    ):
        owner = owners[index]
        best[owner] = max(score, best.get(owner, 0.0))
    # Prefer current region/city names over legacy aliases such as "US/Eastern" or "Japan".
    ranked = sorted(best, key=lambda name: (-best[name], name.split("/")[0] not in _REGIONS, name))
    return tuple(ranked[:limit])


def resolve_timezone(text: str) -> ZoneInfo:
    """Accept an IANA zone name in any letter case ("europe/berlin"); else suggest near misses."""
    name = _zone_names().get(_normalise_zone(text).lower())
    if name is None:
        raise UnknownTimezone(text.strip(), suggest_timezones(text))
    return ZoneInfo(name)


# --- occurrences -------------------------------------------------------------------------


def _offset_at(instant: int, zone: ZoneInfo) -> timedelta | None:
    return datetime.fromtimestamp(instant, UTC).astimezone(zone).utcoffset()


def _local_to_utc(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time, choosing sensibly when the wall clock jumps.

    In a fold (clocks go back) the earlier instant wins, so the reminder fires once. In a gap
    (clocks go forward) the time does not exist; we return the first instant after the gap.
    """
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.timestamp() <= second.timestamp():  # normal, or a fold: take the earlier
        return first.astimezone(UTC)
    # A gap: fold=1 uses the offset after the change, landing just before the transition;
    # fold=0 uses the one before, landing at or after it. Bisect for the transition itself.
    low, high = int(second.timestamp()), int(first.timestamp())
    after = _offset_at(high, zone)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_at(middle, zone) == after:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def next_occurrence(
    local_time: time, days: frozenset[int], zone: ZoneInfo, after: datetime
) -> datetime:
    """The first UTC instant strictly after ``after`` when the reminder is due.

    That is ``local_time`` in ``zone`` on one of ``days``, with DST gaps and folds resolved
    as described in :func:`_local_to_utc`.
    """
    if after.tzinfo is None or after.utcoffset() is None:
        raise ValueError("'after' must be an aware datetime")
    _check_days(days)
    after_utc = after.astimezone(UTC)
    wall = local_time.replace(tzinfo=None, fold=0)
    # Start a day early: the local date of ``after`` can differ from the date an occurrence
    # near midnight belongs to. Ten days always include the next matching weekday.
    start = after_utc.astimezone(zone).date() - timedelta(days=1)
    for step in range(10):
        day = start + timedelta(days=step)
        if day.weekday() in days:
            instant = _local_to_utc(day, wall, zone)
            if instant > after_utc:
                return instant
    raise AssertionError("unreachable: a week always contains one of the days")  # pragma: no cover
