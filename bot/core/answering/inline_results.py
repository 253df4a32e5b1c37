"""Inline mode ("@BotName hip flexor stretch" in any chat): the results to offer, without Telegram.

The same safety decision as a question (``Answerer.screen``): a red-flag query gets only the
urgent message of its tier, and a question about a red flag gets its calm explanation first. An
empty query offers the first topics; otherwise the matcher's best candidates above a floor, each
with its title, its summary as the description and the full answer (with the disclaimer) as the
message that is sent when it is picked.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.answering.answerer import Answerer
from bot.core.knowledge import Entry
from bot.core.replies import MESSAGE_LIMIT, render_entry, split_message, to_plain
from bot.core.safety import Verdict

__all__ = ["MAX_QUERY", "MAX_RESULTS", "TOPIC_RESULTS", "InlineItem", "inline_items"]

MAX_RESULTS = 5
TOPIC_RESULTS = 8  # offered for an empty query
MAX_QUERY = 256  # Telegram's own limit for inline queries
DESCRIPTION_LIMIT = 120
URGENT_ID = "urgent"
EXPLAIN_ID = "red-flag-explained"


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


def _text_item(item_id: str, html: str, disclaimer: str) -> InlineItem:
    """A result whose title and description are the first line and the rest of a fixed text."""
    plain = to_plain(html).strip()
    first, _, rest = plain.partition("\n")
    title = _shorten(first.strip() or plain, 64)
    return InlineItem(
        item_id, title, _shorten(rest or plain, DESCRIPTION_LIMIT), fit(html, disclaimer)
    )


def inline_items(answerer: Answerer, query: str) -> list[InlineItem]:
    """The results for an inline query (maybe none, when nothing is close enough)."""
    kb = answerer.kb
    disclaimer = kb.texts["disclaimer"]
    text = query.strip()[:MAX_QUERY]
    if not text:
        return [_item(entry, disclaimer) for entry in kb.ordered()[:TOPIC_RESULTS]]
    decision = answerer.assess(text)
    if decision.alarm:
        return [_text_item(URGENT_ID, answerer.urgent(decision.tier).html, disclaimer)]
    items: list[InlineItem] = []
    if decision.verdict is Verdict.QUESTION:
        items.append(_text_item(EXPLAIN_ID, answerer.explanation(decision).html, disclaimer))
    match = answerer.matcher.match(text, limit=MAX_RESULTS)
    floor = answerer.matcher.unsure
    items += [
        _item(kb.entries[candidate.entry_id], disclaimer)
        for candidate in match.candidates[:MAX_RESULTS]
        if candidate.score >= floor and candidate.entry_id in kb.entries
    ]
    return items[:MAX_RESULTS]
