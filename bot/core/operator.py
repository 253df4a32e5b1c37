"""Replies for the bot's operators (``/stats``, ``/reload``): counts only, never a person."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape as _escape

from bot.core.replies import Reply, ReplyKind

__all__ = ["format_stats", "reload_report"]


def escape(text: str) -> str:
    """Escape for Telegram HTML text."""
    return _escape(text, quote=False)


_STAT_LINES = (
    ("private_chats", "People with a reminder or time zone"),
    ("groups", "Groups"),
    ("enabled_reminders", "Active reminders"),
    ("answered", "Questions answered"),
    ("unanswered", "Questions not answered"),
    ("helpful", "👍 Helpful"),
    ("not_helpful", "👎 Not helpful"),
)


def format_stats(stats: Mapping[str, int]) -> Reply:
    """``/stats``: aggregate counts only, never anything about a person."""
    lines = ["📊 <b>Statistics</b>", ""]
    for key, name in _STAT_LINES:
        lines.append(f"{name}: <b>{stats.get(key, 0)}</b>")
    asked = stats.get("answered", 0) + stats.get("unanswered", 0)
    if asked:
        share = round(100 * stats.get("answered", 0) / asked)
        lines.append(f"Answer rate: <b>{share}%</b> of {asked} questions")
    rated = stats.get("helpful", 0) + stats.get("not_helpful", 0)
    if rated:
        lines.append(f"Rated helpful: <b>{round(100 * stats.get('helpful', 0) / rated)}%</b>")
    known = {key for key, _ in _STAT_LINES}
    others = sorted((key, value) for key, value in stats.items() if key not in known)
    if others:
        lines += ["", "Other counters:"]
        lines += [f"{escape(key)}: {value}" for key, value in others]
    return Reply(ReplyKind.INFO, "\n".join(lines))


def reload_report(ok: bool, summary: str) -> Reply:
    """``/reload``: the reloader's summary (problems quote files, so it is escaped)."""
    return Reply(ReplyKind.INFO, f"{'✅' if ok else '⚠️'} {escape(summary)}")
