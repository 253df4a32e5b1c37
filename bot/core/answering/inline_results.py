"""Inline mode ("@BotName hip flexor stretch" in any chat): the results to offer, without Telegram.

The same safety order as a question: a red-flag query gets only the urgent-care message. An
empty query offers the first topics; otherwise the matcher's best candidates above a floor, each
with its title, its summary as the description and the full answer (with the disclaimer) as the
message that is sent when it is picked.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.answering.answerer import Answerer
from bot.core.answering.safety import check_red_flags
from bot.core.knowledge import Entry
from bot.core.replies import MESSAGE_LIMIT, render_entry, split_message, to_plain

__all__ = ["MAX_QUERY", "MAX_RESULTS", "TOPIC_RESULTS", "InlineItem", "inline_items"]

MAX_RESULTS = 5
TOPIC_RESULTS = 8  # offered for an empty query
MAX_QUERY = 256  # Telegram's own limit for inline queries
DESCRIPTION_LIMIT = 120
URGENT_ID = "urgent"


@dataclass(frozen=True)
class InlineItem:
    """One inline result: an article whose message is Telegram HTML within the 4096 limit."""

    id: str
    title: str
    description: str
    html: str


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def fit(html: str, disclaimer: str, limit: int = MESSAGE_LIMIT) -> str:
    """``html`` in one message: if too long, its first part, an ellipsis and the disclaimer."""
    if len(html) <= limit:
        return html
    tail = f"\n\n…\n\n<i>{disclaimer.strip()}</i>"
    return split_message(html, limit - len(tail))[0] + tail


def _item(entry: Entry, disclaimer: str) -> InlineItem:
    return InlineItem(
        id=entry.id,
        title=entry.title,
        description=_shorten(entry.summary, DESCRIPTION_LIMIT),
        html=fit(render_entry(entry, disclaimer), disclaimer),
    )


def inline_items(answerer: Answerer, query: str) -> list[InlineItem]:
    """The results for an inline query (maybe none, when nothing is close enough)."""
    kb = answerer.kb
    disclaimer = kb.texts["disclaimer"]
    text = query.strip()[:MAX_QUERY]
    if not text:
        return [_item(entry, disclaimer) for entry in kb.ordered()[:TOPIC_RESULTS]]
    if check_red_flags(text, kb.red_flags) is not None:
        plain = to_plain(kb.red_flag_message).strip()
        first, _, rest = plain.partition("\n")
        title = _shorten(first.strip() or plain, 64)
        return [
            InlineItem(
                URGENT_ID,
                title,
                _shorten(rest or plain, DESCRIPTION_LIMIT),
                fit(kb.red_flag_message, disclaimer),
            )
        ]
    match = answerer.matcher.match(text, limit=MAX_RESULTS)
    floor = answerer.matcher.unsure
    return [
        _item(kb.entries[candidate.entry_id], disclaimer)
        for candidate in match.candidates[:MAX_RESULTS]
        if candidate.score >= floor and candidate.entry_id in kb.entries
    ]
