"""The group policy core alone: when to answer, the flood guards, settings and their views."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core import callbacks
from bot.core.groups import policy, views
from bot.core.groups.policy import (
    DuplicateGuard,
    GroupSettings,
    Plan,
    RateBudget,
    Trigger,
    plan_reply,
    question_key,
    strip_mention,
)
from bot.core.records import Reminder
from bot.core.reminders import message as routine
from bot.core.reminders.schedule import WEEKDAYS
from bot.core.replies import MESSAGE_LIMIT, ReplyKind
from tests.e2e import real_knowledge

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday
GROUP, OTHER = -1001, -2002
TEXTS = real_knowledge().texts

# --- when to answer ----------------------------------------------------------------------------

ADDRESSED = (Trigger.COMMAND, Trigger.MENTION, Trigger.REPLY)


@pytest.mark.parametrize("mode", policy.ANSWER_MODES)
@pytest.mark.parametrize("trigger", ADDRESSED)
@pytest.mark.parametrize(
    ("kind", "plan"),
    [
        (ReplyKind.ANSWER, Plan.ANSWER),
        (ReplyKind.UNSURE, Plan.SUGGEST),
        (ReplyKind.FALLBACK, Plan.SHORT_FALLBACK),
        (ReplyKind.URGENT, Plan.URGENT),
        (ReplyKind.INFO, Plan.INFO),
    ],
)
def test_addressed_messages_always_get_a_reply(
    trigger: Trigger, mode: str, kind: ReplyKind, plan: Plan
) -> None:
    assert plan_reply(trigger, kind, mode) is plan


@pytest.mark.parametrize("kind", list(ReplyKind))
def test_plain_chatter_is_ignored_in_mentions_mode(kind: ReplyKind) -> None:
    assert not policy.should_consider(Trigger.PLAIN, policy.MENTIONS)
    assert plan_reply(Trigger.PLAIN, kind, policy.MENTIONS) is Plan.IGNORE


@pytest.mark.parametrize(
    ("kind", "plan"),
    [
        (ReplyKind.ANSWER, Plan.ANSWER),  # the matcher was confident
        (ReplyKind.URGENT, Plan.URGENT),  # safety first, even in chatter
        (ReplyKind.UNSURE, Plan.IGNORE),  # never "Did you mean" to chatter
        (ReplyKind.FALLBACK, Plan.IGNORE),  # never a fallback for chatter
        (ReplyKind.INFO, Plan.IGNORE),
    ],
)
def test_plain_messages_in_questions_mode(kind: ReplyKind, plan: Plan) -> None:
    assert policy.should_consider(Trigger.PLAIN, policy.QUESTIONS)
    assert plan_reply(Trigger.PLAIN, kind, policy.QUESTIONS) is plan


def test_plain_statements_are_not_answered_even_when_confident() -> None:
    assert (
        plan_reply(Trigger.PLAIN, ReplyKind.ANSWER, policy.QUESTIONS, question=False) is Plan.IGNORE
    )
    assert (
        plan_reply(Trigger.PLAIN, ReplyKind.URGENT, policy.QUESTIONS, question=False) is Plan.URGENT
    )
    assert (
        plan_reply(Trigger.MENTION, ReplyKind.ANSWER, policy.QUESTIONS, question=False)
        is Plan.ANSWER
    )


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("how do I do pigeon pose", True),
        ("Anyone tried yoga", True),
        ("pigeon pose?", True),
        ("Is sitting bad for the hips", True),
        ("lol see you all tomorrow", False),
        ("I sit all day at work", False),
        ("", False),
    ],
)
def test_looks_like_question(text: str, question: bool) -> None:
    assert policy.looks_like_question(text) is question


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@BackCareBot how do I do pigeon pose", (True, "how do I do pigeon pose")),
        ("@backcarebot, how do I do pigeon pose?", (True, "how do I do pigeon pose?")),
        ("how do I do pigeon pose @BackCareBot", (True, "how do I do pigeon pose")),
        ("hey @BackCareBot: stretches for sitting?", (True, "hey stretches for sitting?")),
        ("@BackCareBot", (True, "")),
        ("  @BackCareBot  !? ", (True, "!?")),
        ("@BackCareBotFan says hi", (False, "@BackCareBotFan says hi")),
        ("mail me at x@BackCareBot.com", (False, "mail me at x@BackCareBot.com")),
        ("no mention here", (False, "no mention here")),
    ],
)
def test_strip_mention(text: str, expected: tuple[bool, str]) -> None:
    assert strip_mention(text, "BackCareBot") == expected


def test_strip_mention_without_a_username_finds_nothing() -> None:
    assert strip_mention("@BackCareBot hi", "") == (False, "@BackCareBot hi")


# --- duplicate questions -----------------------------------------------------------------------


def test_question_key_ignores_case_punctuation_and_filler() -> None:
    assert question_key("How do I do the Pigeon Pose??") == question_key("how do i do pigeon pose")
    assert question_key("stretches") == question_key("stretch")
    assert question_key("pigeon pose") != question_key("bridge pose")
    assert question_key("???") == ""  # nothing left: the folded text


def test_duplicate_within_the_window_then_answered_again() -> None:
    guard = DuplicateGuard()
    key = question_key("how do I do pigeon pose")
    assert not guard.is_repeat(GROUP, key, NOW)
    guard.remember(GROUP, key, NOW)
    assert guard.is_repeat(GROUP, key, NOW + timedelta(seconds=119))
    assert guard.is_repeat(GROUP, question_key("How do I do pigeon-pose?"), NOW)
    assert not guard.is_repeat(OTHER, key, NOW)  # another group asked nothing yet
    assert not guard.is_repeat(GROUP, question_key("how do I do bridge pose"), NOW)
    assert not guard.is_repeat(GROUP, key, NOW + policy.DUPLICATE_WINDOW)


def test_near_identical_questions_are_duplicates() -> None:
    guard = DuplicateGuard()
    guard.remember(GROUP, question_key("what are the hip flexors"), NOW)
    assert guard.is_repeat(GROUP, question_key("what are the hip flexers"), NOW)
    assert not guard.is_repeat(GROUP, question_key("why are my hip flexors tight"), NOW)


def test_duplicate_guard_memory_is_bounded_and_follows_migration() -> None:
    guard = DuplicateGuard(per_chat=2, max_chats=2)
    for index, word in enumerate(("alpha", "bravo", "charlie")):
        guard.remember(GROUP, word, NOW + timedelta(seconds=index))
    assert not guard.is_repeat(GROUP, "alpha", NOW)  # pushed out by newer ones
    assert guard.is_repeat(GROUP, "charlie", NOW + timedelta(seconds=3))
    guard.migrate(GROUP, OTHER)
    assert guard.is_repeat(OTHER, "charlie", NOW + timedelta(seconds=3))
    assert not guard.is_repeat(GROUP, "charlie", NOW + timedelta(seconds=3))
    guard.remember(1, "x", NOW)
    guard.remember(2, "y", NOW)  # a third chat: the least recently used one goes
    assert not guard.is_repeat(OTHER, "charlie", NOW)
    guard.forget(2)
    assert not guard.is_repeat(2, "y", NOW)


# --- the per-group budget ----------------------------------------------------------------------


def test_budget_keeps_a_reserve_for_urgent_notices() -> None:
    budget = RateBudget()
    allowed = [budget.allow(GROUP, NOW + timedelta(seconds=i)) for i in range(25)]
    assert allowed.count(True) == policy.BUDGET_PER_MINUTE - policy.URGENT_RESERVE
    assert allowed[:18] == [True] * 18
    later = NOW + timedelta(seconds=30)
    assert budget.allow(GROUP, later, urgent=True)
    assert budget.allow(GROUP, later, urgent=True)
    assert not budget.allow(GROUP, later, urgent=True)  # 20 per minute is the hard limit
    assert budget.used(GROUP, later) == 20
    assert budget.allow(OTHER, later)  # every group has its own budget


def test_budget_window_slides_and_counts_every_part() -> None:
    budget = RateBudget(limit=5, reserve=1)
    assert budget.allow(GROUP, NOW, cost=3)
    assert not budget.allow(GROUP, NOW, cost=2)  # 5 > 4: nothing is counted
    assert budget.allow(GROUP, NOW + timedelta(seconds=10))
    assert budget.used(GROUP, NOW + timedelta(seconds=59)) == 4
    assert budget.used(GROUP, NOW + timedelta(seconds=60)) == 1
    assert budget.allow(GROUP, NOW + timedelta(seconds=60), cost=3)


def test_budget_follows_migration_and_forgets() -> None:
    budget = RateBudget(limit=2, reserve=0, max_chats=2)
    assert budget.allow(GROUP, NOW, cost=2)
    budget.migrate(GROUP, OTHER)
    assert not budget.allow(OTHER, NOW)
    assert budget.allow(GROUP, NOW)
    budget.forget(OTHER)
    assert budget.used(OTHER, NOW) == 0
    for chat in (1, 2, 3):
        budget.allow(chat, NOW)
    assert budget.used(GROUP, NOW) == 0  # least recently used, dropped


@pytest.mark.parametrize(("limit", "reserve"), [(0, 0), (5, 5), (5, -1)])
def test_budget_rejects_nonsense(limit: int, reserve: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        RateBudget(limit, reserve=reserve)


# --- settings ----------------------------------------------------------------------------------


def test_settings_defaults_and_round_trip() -> None:
    default = GroupSettings()
    assert default.answer_mode == policy.MENTIONS
    assert not default.reminders
    assert GroupSettings.from_json({}) == default
    changed = GroupSettings(policy.QUESTIONS, True, time(7, 5), WEEKDAYS)
    assert changed.to_json() == {
        "answer_mode": "questions",
        "reminders": True,
        "reminder_time": "07:05",
        "reminder_days": 31,
    }
    assert GroupSettings.from_json(changed.to_json()) == changed


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        "questions",
        {"answer_mode": "everything", "reminders": "yes", "reminder_time": "25:00"},
        {"reminders": 1, "reminder_time": "7:30", "reminder_days": 0},
        {"reminder_days": 128, "reminder_time": 730},
        {"reminder_days": True, "answer_mode": None},
    ],
)
def test_invalid_stored_settings_fall_back_to_defaults(raw: object) -> None:
    assert GroupSettings.from_json(raw) == GroupSettings()


def test_merging_keeps_keys_from_other_versions() -> None:
    merged = GroupSettings(reminders=True).merged_into({"future": 1, "reminders": False})
    assert merged["future"] == 1
    assert merged["reminders"] is True


def test_apply_press_changes_one_thing() -> None:
    start = GroupSettings()
    for data, field, value in [
        ("gs:mode:questions", "answer_mode", "questions"),
        ("gs:rem:1", "reminders", True),
        ("gs:t:1800", "reminder_time", time(18, 0)),
        ("gs:d:31", "reminder_days", WEEKDAYS),
    ]:
        press = callbacks.parse_settings(data)
        assert press is not None and press.changes_settings
        changed = policy.apply_press(start, press)
        assert getattr(changed, field) == value
        assert {k: v for k, v in changed.__dict__.items() if k != field} == {
            k: v for k, v in start.__dict__.items() if k != field
        }
    for data in ("gs:m", "gs:tp", "gs:z:UTC"):
        press = callbacks.parse_settings(data)
        assert press is not None and not press.changes_settings
        assert policy.apply_press(start, press) == start


# --- views -------------------------------------------------------------------------------------


def _all_data(reply: object) -> list[str]:
    buttons = getattr(reply, "buttons", ())
    return [button.data for row in buttons for button in row if button.data is not None]


def test_every_panel_button_parses_and_fits() -> None:
    zone = ZoneInfo("Europe/Berlin")
    settings = GroupSettings(policy.QUESTIONS, True, time(12, 30), WEEKDAYS)
    reminder = Reminder(1, GROUP, time(12, 30), WEEKDAYS, NOW + timedelta(hours=2), True, 0, NOW)
    panel = views.settings_panel(TEXTS, settings, zone, reminder, NOW, note="✅ Saved.")
    pages = [
        panel,
        views.time_page(TEXTS, settings, zone),
        views.days_page(TEXTS, settings),
        views.zone_page(TEXTS, zone),
    ]
    for page in pages:
        assert len(page.html) <= MESSAGE_LIMIT
        for data in _all_data(page):
            assert callbacks.fits(data)
            assert callbacks.parse_settings(data) is not None, data
    text = panel.html
    assert "✅ Saved." in text
    assert "plain messages" in text and "12:30 on weekdays" in text
    assert "next: today at 12:00" in text  # next_due, 11:00 UTC, shown in Berlin time
    assert "Europe/Berlin" in text and "10:00 there now" in text
    labels = [button.label for row in panel.buttons for button in row]
    assert "✓ 🔎 + plain questions" in labels and "✓ 🔔 Breaks on" in labels
    assert "✓ 12:30" in [
        b.label for row in views.time_page(TEXTS, settings, zone).buttons for b in row
    ]
    assert views.closed(TEXTS, settings, zone, reminder, NOW).buttons == ()


def test_panel_says_when_breaks_are_off_or_paused() -> None:
    zone = ZoneInfo("UTC")
    off = views.settings_panel(TEXTS, GroupSettings(), zone, None, NOW)
    assert "<b>Stretch breaks:</b> off" in off.html
    assert "only when asked" in off.html
    paused = Reminder(1, GROUP, time(12, 30), WEEKDAYS, NOW, False, 0, NOW)
    on = views.settings_panel(TEXTS, GroupSettings(reminders=True), zone, paused, NOW)
    assert "paused" in on.html


def test_red_flag_notice_links_to_a_private_chat() -> None:
    notice = views.red_flag_notice({**TEXTS, "group_red_flag": "⚠️ Seek care."}, "BackCareBot")
    assert notice.kind is ReplyKind.URGENT
    ((button,),) = notice.buttons
    assert button.url == "https://t.me/BackCareBot?start=urgent"
    assert views.red_flag_notice({**TEXTS, "group_red_flag": "⚠️ Seek care."}, "").buttons == ()


def test_group_reminder_message_is_short_with_done_and_a_private_start() -> None:
    kb = real_knowledge()
    group = routine.reminder_message(kb, 5, 1, local_time=time(12, 30), group=True)
    personal = routine.reminder_message(kb, 5, 1, local_time=time(12, 30))
    assert group.html.startswith("🧘 <b>Stretch break!</b>")
    assert "Tap ✅ Done if you joined in" in group.html
    assert len(group.html) < len(personal.html)
    assert [[b.data for b in row] for row in group.buttons] == [["r:d:5:1"], ["st:g:5:1"]]
    assert (
        routine.group_done_text(TEXTS, 1)
        == "✅ Nice work! 1 person stretched in this group this week."
    )
    assert "4 people" in routine.group_done_text(TEXTS, 4)


def test_admin_answers_are_remembered_briefly_and_bounded() -> None:
    cache = policy.AdminCache(ttl=timedelta(minutes=1), max_entries=2)
    now = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    assert cache.get(-1, 7, now) is None
    cache.put(-1, 7, False, now)
    assert cache.get(-1, 7, now + timedelta(seconds=59)) is False  # "no" is remembered too
    assert cache.get(-1, 7, now + timedelta(seconds=60)) is None  # and expires
    cache.put(-1, 1, True, now)
    cache.put(-1, 2, True, now)
    cache.put(-2, 3, True, now)
    assert cache.get(-1, 1, now) is None  # the oldest went: never more than max_entries
    cache.forget(-2)
    assert cache.get(-2, 3, now) is None and cache.get(-1, 2, now) is True
