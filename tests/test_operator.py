"""The operators' /stats and /reload replies (bot.core.operator), in the words of texts.yaml."""

from __future__ import annotations

from bot.core import operator as operator_views
from bot.core.knowledge import Problem, fill
from tests.e2e import real_knowledge

TEXTS = real_knowledge().texts
STATS = {
    "private_chats": 12,
    "groups": 3,
    "enabled_reminders": 7,
    "answered": 90,
    "unanswered": 10,
    "helpful": 8,
    "not_helpful": 2,
    "<odd>": 1,
}


def test_stats_are_aggregate_counts_in_order() -> None:
    lines = operator_views.format_stats(TEXTS, STATS).html.split("\n")
    assert lines == [
        fill(TEXTS["stats_title"]),
        "",
        fill(TEXTS["stats_private_chats"], count=12),
        fill(TEXTS["stats_groups"], count=3),
        fill(TEXTS["stats_enabled_reminders"], count=7),
        fill(TEXTS["stats_answered"], count=90),
        fill(TEXTS["stats_unanswered"], count=10),
        fill(TEXTS["stats_helpful"], count=8),
        fill(TEXTS["stats_not_helpful"], count=2),
        fill(TEXTS["stats_answer_rate"], share=90, count=100),
        fill(TEXTS["stats_rated_helpful"], share=80),
        "",
        fill(TEXTS["stats_other"]),
        "&lt;odd&gt;: 1",  # a counter the texts don't name: its key, escaped
    ]


def test_no_rates_without_questions_or_ratings() -> None:
    html = operator_views.format_stats(TEXTS, {}).html
    assert fill(TEXTS["stats_answered"], count=0) in html
    assert "%" not in html


def test_reload_report_lists_problems_escaped_and_counts_the_rest() -> None:
    problems = [Problem(f"entries/x{n}.yaml", n, f"bad <tag> {n}") for n in range(23)]
    lines = operator_views.reload_report(TEXTS, False, 0, problems).html.split("\n")
    assert lines[0] == fill(TEXTS["reload_failed"], count=23)
    assert len(lines) == 1 + operator_views.MAX_PROBLEMS + 1
    assert all("&lt;tag&gt;" in line and "<tag>" not in line for line in lines[1:-1])
    assert lines[-1] == fill(TEXTS["reload_more"], count=3)
    done = operator_views.reload_report(TEXTS, True, 13, [])
    assert done.html == fill(TEXTS["reload_done"], count=13)
