"""Replies for the bot's operators (``/stats``, ``/reload``): counts only, never a person."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape as _escape

from bot.core.knowledge import Problem, fill
from bot.core.replies import Reply, ReplyKind

__all__ = ["format_stats", "reload_report"]

MAX_PROBLEMS = 20  # problems listed in a /reload reply; the rest are counted


def escape(text: str) -> str:
    """Escape for Telegram HTML text."""
    return _escape(text, quote=False)


# The store's counters in the order shown, each with the text that names it.
_STAT_LINES = {
    "private_chats": "stats_private_chats",
    "groups": "stats_groups",
    "enabled_reminders": "stats_enabled_reminders",
    "answered": "stats_answered",
    "unanswered": "stats_unanswered",
    "helpful": "stats_helpful",
    "not_helpful": "stats_not_helpful",
}


def format_stats(texts: Mapping[str, str], stats: Mapping[str, int]) -> Reply:
    """``/stats``: aggregate counts only, never anything about a person."""
    lines = [fill(texts["stats_title"]), ""]
    for counter, key in _STAT_LINES.items():
        lines.append(fill(texts[key], count=stats.get(counter, 0)))
    asked = stats.get("answered", 0) + stats.get("unanswered", 0)
    if asked:
        share = round(100 * stats.get("answered", 0) / asked)
        lines.append(fill(texts["stats_answer_rate"], share=share, count=asked))
    rated = stats.get("helpful", 0) + stats.get("not_helpful", 0)
    if rated:
        share = round(100 * stats.get("helpful", 0) / rated)
        lines.append(fill(texts["stats_rated_helpful"], share=share))
    others = sorted((key, value) for key, value in stats.items() if key not in _STAT_LINES)
    if others:
        lines += ["", fill(texts["stats_other"])]
        lines += [f"{escape(key)}: {value}" for key, value in others]
    return Reply(ReplyKind.INFO, "\n".join(lines))


def reload_report(
    texts: Mapping[str, str], ok: bool, entries: int, problems: Sequence[Problem]
) -> Reply:
    """``/reload``: how many entries were loaded, or the problems (maintainer diagnostics from
    the loader, quoting files, so escaped) and that the previous version is still in use."""
    if ok:
        return Reply(ReplyKind.INFO, fill(texts["reload_done"], count=entries))
    lines = [fill(texts["reload_failed"], count=len(problems))]
    lines += [f"- {escape(str(problem))}" for problem in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        lines.append(fill(texts["reload_more"], count=len(problems) - MAX_PROBLEMS))
    return Reply(ReplyKind.INFO, "\n".join(lines))
