"""The reminder message, its buttons and the weekly count, and the reminder command views.

Core code only: no Telegram, no store, no clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core import callbacks
from bot.core.knowledge import Entry, KnowledgeBase, RedFlagRules, fill, load_knowledge
from bot.core.records import Chat, Reminder
from bot.core.reminders import message as routine
from bot.core.reminders import views
from bot.core.reminders.schedule import (
    ALL_DAYS,
    WEEKDAYS,
    ScheduleError,
    UnknownTimezone,
    resolve_timezone,
)
from bot.core.replies import MESSAGE_LIMIT, Reply, label, to_plain
from tests.e2e import real_knowledge

ROOT = Path(__file__).resolve().parent.parent
TEXTS = real_knowledge().texts


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


def make_entry(entry_id: str, order: int, answer: str, steps: tuple[str, ...]) -> Entry:
    return Entry(
        id=entry_id,
        title=entry_id.replace("-", " ").title(),
        kind="exercise",
        order=order,
        summary="A stretch.",
        answer=answer,
        steps=steps,
        questions=(),
        keywords=(),
        related=(),
        source="test",
        file=f"entries/{entry_id}.yaml",
    )


def make_kb(*entries: Entry) -> KnowledgeBase:
    return KnowledgeBase(
        entries={entry.id: entry for entry in entries},
        texts={**TEXTS, "disclaimer": "Not medical advice."},
        red_flags=RedFlagRules(),
        synonyms={},
        directory=ROOT,
    )


def data(reply: Reply) -> list[str]:
    return [button.data or "" for row in reply.buttons for button in row]


# --- the reminder message ------------------------------------------------------------------


def test_rotates_through_every_exercise_by_seq(kb: KnowledgeBase) -> None:
    exercises = kb.exercises()
    assert len(exercises) >= 2
    seen = [routine.routine_entry(kb, seq) for seq in range(2 * len(exercises))]
    assert seen == exercises + exercises  # menu order, round and round
    for seq, entry in enumerate(seen):
        message = routine.reminder_message(kb, 7, seq)
        assert message.entry_id == entry.id
        assert f"<b>{entry.title}</b>" in message.html
        assert f"exercise {seq % len(exercises) + 1} of {len(exercises)}" in message.html


def test_message_has_the_full_instructions_and_fits_one_message(kb: KnowledgeBase) -> None:
    for seq, entry in enumerate(kb.exercises()):
        message = routine.reminder_message(kb, 123456789, seq, local_time=time(7, 30))
        assert entry.steps, entry.id
        for number, step in enumerate(entry.steps, start=1):
            assert f"{number}. {step}" in message.html
        assert entry.answer.strip() in message.html
        assert "It's 07:30: time for your stretch!" in message.html
        assert kb.texts["disclaimer"].strip() in message.html
        assert len(message.html) <= MESSAGE_LIMIT
        assert message.parts == [message.html]  # one message, so the buttons sit under it


def test_buttons_done_snooze_stop(kb: KnowledgeBase) -> None:
    message = routine.reminder_message(kb, 42, 5)
    labels = [button.label for row in message.buttons for button in row]
    assert labels == [
        "✅ Done",
        "⏰ Snooze 30 min",
        "🛑 Stop these reminders",
        "▶️ Start a guided session",
    ]
    entry = routine.routine_entry(kb, 5)
    assert entry is not None
    assert data(message) == ["r:d:42:5", "r:s:42:5", "r:x:42", "st:r:42:5"]  # entry 5's session
    huge = routine.reminder_message(kb, 2**62, 2**40)
    assert all(callbacks.fits(d) for d in data(huge))


def test_snoozed_message_says_so_and_repeats_the_exercise(kb: KnowledgeBase) -> None:
    first = routine.reminder_message(kb, 1, 4)
    snoozed = routine.reminder_message(kb, 1, 4, snoozed=True)
    assert snoozed.entry_id == first.entry_id
    assert "Snoozed" in snoozed.html and "Snoozed" not in first.html


def test_a_very_long_exercise_is_trimmed_to_one_message() -> None:
    steps = tuple(f"Step text number {n} " + "word " * 60 for n in range(40))
    long_one = make_entry("long-stretch", 1, "Intro. " * 400, steps)
    kb = make_kb(long_one)
    message = routine.reminder_message(kb, 1, 0)
    assert len(message.html) <= MESSAGE_LIMIT
    assert "1. Step text number 0" in message.html
    assert "/exercise long stretch" in message.html  # a pointer to the rest
    assert data(message)[0] == "r:d:1:0"


def test_a_knowledge_base_without_exercises_still_gives_a_message() -> None:
    message = routine.reminder_message(make_kb(), 1, 3)
    assert "/exercises" in message.html
    assert message.entry_id is None
    assert len(data(message)) == 3


def test_single_exercise_has_no_next_time(kb: KnowledgeBase) -> None:
    only = make_entry("bridge", 1, "Lift your hips.", ("Lie down.", "Lift."))
    message = routine.reminder_message(make_kb(only), 1, 9)
    assert "Next time" not in message.html
    assert "exercise 1 of 1" in message.html


# --- the weekly count ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 of 3 this week"),
        (2, "2 of 3 this week"),
        (3, "3 of 3 this week: weekly goal reached"),
        (5, "5 this week, past your goal of 3"),
    ],
)
def test_done_text(count: int, expected: str) -> None:
    text = routine.done_text(TEXTS, count)
    assert expected in text
    assert len(text) <= 200  # a callback answer's limit


def test_week_starts_monday_midnight_in_the_users_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Sunday 23:30 UTC is already Monday 00:30 in Berlin (winter, UTC+1).
    sunday_night = datetime(2025, 3, 2, 23, 30, tzinfo=UTC)
    assert routine.week_start(sunday_night, berlin) == datetime(2025, 3, 2, 23, 0, tzinfo=UTC)
    assert routine.week_start(sunday_night, ZoneInfo("UTC")) == datetime(2025, 2, 24, tzinfo=UTC)
    # Across the spring change: Monday 00:00 is still UTC+1 there.
    after_dst = datetime(2025, 4, 2, 12, 0, tzinfo=UTC)
    assert routine.week_start(after_dst, berlin) == datetime(2025, 3, 30, 22, 0, tzinfo=UTC)


# --- /remind arguments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "at", "days"),
    [
        ("7:30", time(7, 30), ALL_DAYS),
        ("7.30", time(7, 30), ALL_DAYS),
        ("7pm", time(19, 0), ALL_DAYS),
        ("7 pm", time(19, 0), ALL_DAYS),
        ("19:00", time(19, 0), ALL_DAYS),
        ("19:00 mon,wed,fri", time(19, 0), frozenset({0, 2, 4})),
        ("7 pm weekdays", time(19, 0), WEEKDAYS),
        ("7:30 weekends", time(7, 30), frozenset({5, 6})),
        ("weekdays 7:30", time(7, 30), WEEKDAYS),
        ("7 mon", time(7, 0), frozenset({0})),
    ],
)
def test_parse_remind(text: str, at: time, days: frozenset[int]) -> None:
    assert views.parse_remind(text) == views.RemindRequest(at, days)


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("25:00", "time_hours_range", {"value": "25:00"}),
        ("7:75", "time_minutes_range", {"value": "7:75"}),
        ("13pm", "time_ampm_range_suggest", {"value": "13pm", "suggestion": "13:00"}),
        ("soon", "time_unreadable", {"value": "soon"}),
        ("", "time_missing", {}),
        ("7:30 funday", "day_unknown_suggest", {"value": "funday", "suggestion": "sun"}),
        ("7:30 mon,blah", "day_unknown", {"value": "blah"}),
        ("7:30 " + "mon " * 60, "remind_too_long", {}),
    ],
)
def test_parse_remind_errors_say_what_was_wrong(
    text: str, code: str, params: dict[str, str]
) -> None:
    with pytest.raises(ScheduleError) as caught:
        views.parse_remind(text)
    assert (caught.value.code, caught.value.params) == (code, params)


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("7:30 to 8:30", "07:30", "08:30"),  # issue #11: was "I couldn't read the range '-8:30'"
        ("7:30-8:30", "07:30", "08:30"),
        ("7:30 – 8:30", "07:30", "08:30"),
        ("7 to 8", "07:00", "08:00"),
        ("7:30 until 9 pm", "07:30", "21:00"),
        ("7:30 and 19:00", "07:30", "19:00"),
        ("7:30 to 8:30 weekdays", "07:30", "08:30"),
        ("weekdays 7:30 to 8:30", "07:30", "08:30"),
        ("mon 7:30-8:30", "07:30", "08:30"),
        ("7pm 8pm", "19:00", "20:00"),
    ],
)
def test_two_times_are_one_time_too_many(text: str, first: str, second: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        views.parse_remind(text)
    assert (caught.value.code, caught.value.params) == (
        "remind_two_times",
        {"first": first, "second": second},
    )


@pytest.mark.parametrize(
    ("text", "at", "days"),
    [
        ("7:30 mon to fri", time(7, 30), WEEKDAYS),  # a day range is still a day range
        ("7:30 mon-fri", time(7, 30), WEEKDAYS),
        ("mon-fri 7:30", time(7, 30), WEEKDAYS),
        ("7 pm mon and wed", time(19, 0), frozenset({0, 2})),
    ],
)
def test_day_ranges_next_to_a_time_still_work(text: str, at: time, days: frozenset[int]) -> None:
    assert views.parse_remind(text) == views.RemindRequest(at, days)


def test_an_error_is_shown_in_the_words_of_texts_yaml_with_input_escaped() -> None:
    with pytest.raises(ScheduleError) as caught:
        views.parse_remind("7:30 <b>")
    reply = views.error(TEXTS, caught.value, examples=True)
    expected = fill(TEXTS["day_unknown"], value="<b>")
    assert reply.html == expected + "\n\n" + fill(TEXTS["remind_examples"])
    assert "&lt;b&gt;" in reply.html and "<b>'" not in reply.html


# --- views -----------------------------------------------------------------------------------

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # Monday


def chat(zone: str = "UTC") -> Chat:
    return Chat(1, "private", zone, NOW, {})


def reminder(rid: int, at: time, days: frozenset[int], due: datetime) -> Reminder:
    return Reminder(rid, 1, at, days, due, True, 0, NOW)


def test_describe_next_in_local_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")

    def shown(instant: datetime) -> str:
        return views.describe_next(TEXTS, instant, berlin, NOW)

    assert shown(datetime(2025, 3, 3, 17, 0, tzinfo=UTC)) == label(
        TEXTS, "next_today", time="18:00"
    )
    assert shown(datetime(2025, 3, 4, 6, 30, tzinfo=UTC)) == label(
        TEXTS, "next_tomorrow", time="07:30"
    )
    assert shown(datetime(2025, 3, 7, 6, 30, tzinfo=UTC)) == label(
        TEXTS,
        "next_date",
        weekday=TEXTS["day_fri"],
        day=7,
        month=TEXTS["month_mar"],
        time="07:30",
    )
    # and what that reads like with today's texts, so a wrong key would be seen here too
    assert shown(datetime(2025, 3, 7, 6, 30, tzinfo=UTC)) == "Fri 7 Mar at 07:30"


@pytest.mark.parametrize(
    ("days", "keys"),
    [
        (ALL_DAYS, ["days_every_day"]),
        (WEEKDAYS, ["days_weekdays"]),
        (frozenset({5, 6}), ["days_weekends"]),
        (frozenset({4, 0, 2}), ["day_mon", "day_wed", "day_fri"]),
        (frozenset({6}), ["day_sun"]),
    ],
)
def test_days_label(days: frozenset[int], keys: list[str]) -> None:
    assert views.days_label(TEXTS, days) == ", ".join(TEXTS[key] for key in keys)


def test_list_has_a_delete_button_per_reminder() -> None:
    rows = [
        reminder(3, time(7, 30), frozenset({0, 2, 4}), datetime(2025, 3, 5, 7, 30, tzinfo=UTC)),
        reminder(9, time(19, 0), ALL_DAYS, datetime(2025, 3, 3, 19, 0, tzinfo=UTC)),
    ]
    reply = views.reminder_list(TEXTS, rows, chat(), NOW)
    assert "07:30</b>, Mon, Wed, Fri; next: Wed 5 Mar at 07:30" in reply.html
    assert "19:00</b>, every day; next: today at 19:00" in reply.html
    assert data(reply) == ["r:rm:3", "r:rm:9", "r:new"]
    empty = views.reminder_list(TEXTS, [], chat(), NOW)
    assert "no reminders" in empty.html and data(empty) == ["r:new"]


def test_guided_flow_buttons_default_to_three_days_a_week() -> None:
    first = views.choose_time(TEXTS, None)
    assert data(first) == ["r:t:0700", "r:t:1230", "r:t:1800", "r:t:2100", "r:t:type"]
    days = views.choose_days(TEXTS, time(18, 0))
    assert data(days)[0] == "r:a:1800:21"  # Mon, Wed, Fri first
    assert "Mon, Wed, Fri" in days.buttons[0][0].label
    assert "3-4 times a week" in days.html
    for raw in data(first) + data(days):
        assert callbacks.parse_reminder(raw) is not None


def test_unknown_timezone_offers_buttons_and_escapes_input() -> None:
    with pytest.raises(UnknownTimezone) as caught:
        resolve_timezone("berlin")
    reply = views.timezone_unknown(TEXTS, caught.value)
    assert "tz:Europe/Berlin" in data(reply)
    with pytest.raises(UnknownTimezone) as caught:
        resolve_timezone("<b>nowhere</b>")
    reply = views.timezone_unknown(TEXTS, caught.value)
    assert "<b>nowhere" not in reply.html and "&lt;b&gt;nowhere" in reply.html
    assert "Europe/Berlin" in to_plain(reply.html)


@pytest.mark.parametrize("offset", ["UTC+2", "GMT-5", "+3", "utc +05:30"])
def test_offsets_are_explained_not_guessed(offset: str) -> None:
    with pytest.raises(UnknownTimezone) as caught:
        resolve_timezone(offset)
    reply = views.timezone_unknown(TEXTS, caught.value)
    assert "daylight saving" in reply.html
    assert reply.buttons == ()


def test_privacy_lists_exactly_what_is_stored() -> None:
    reply = views.privacy(TEXTS, views.Stored(None, 0, 0), store_unanswered=True, retention_days=90)
    plain = to_plain(reply.html)
    for fact in ("chat id", "time zone", "reminder times", "Done", "couldn't answer", "/forget"):
        assert fact.lower() in plain.lower(), fact
    assert "without your id" in plain
    assert "Nothing: you haven't set a reminder" in plain
    mine = views.privacy(
        TEXTS, views.Stored(chat("Asia/Tokyo"), 2, 1), store_unanswered=False, retention_days=90
    )
    plain = to_plain(mine.html)
    assert "time zone Asia/Tokyo, 2 reminders, 1 ✅ Done tap recorded" in plain
    assert "couldn't answer" not in plain


def test_forget_asks_for_confirmation() -> None:
    reply = views.forget_confirm(TEXTS, views.Stored(chat(), 3, 4))
    assert data(reply) == ["p:forget", "p:keep"]
    assert "3 reminders" in reply.html
    nothing = views.forget_confirm(TEXTS, views.Stored(None, 0, 0))
    assert nothing.buttons == ()
