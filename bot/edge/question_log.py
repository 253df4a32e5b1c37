"""After a question was answered, in a private chat or a group: remember it briefly so a later
"Not helpful" can say which question it was about, and count the outcome.

Shared by the private and group handlers (which never import each other). Nothing stored here
names who asked: the question text is kept in memory for an hour at most (``BotState.asked``,
bounded over all chats, so memory does not grow with the number of people), and in the store
only when it went unanswered (``STORE_UNANSWERED``), without any user or chat id.
"""

from __future__ import annotations

import logging

from telegram import MaybeInaccessibleMessage, Message

from bot.core.answering.answerer import Outcome
from bot.core.observer import observe_outcome
from bot.core.replies import ReplyKind
from bot.edge.replying import Context
from bot.storage.records import MAX_UNANSWERED_CHARS

log = logging.getLogger(__name__)


async def record(context: Context, text: str, outcome: Outcome, sent: Message | None) -> None:
    """After a question was answered: remember it for "Not helpful" and "None of these", and
    count the outcome."""
    state = context.bot_data
    observe_outcome(state.observer, outcome)
    if sent is not None and outcome.reply.kind in {ReplyKind.ANSWER, ReplyKind.UNSURE}:
        # Only what the store would keep of it (the unanswered log trims to this length).
        state.asked.put((sent.chat.id, sent.message_id), text.strip()[:MAX_UNANSWERED_CHARS])
    if outcome.red_flag is not None:
        log.info("red flag %s answered with the urgent message", outcome.red_flag.flag.id)
    if not state.has_store:
        return
    try:
        if outcome.reply.kind is ReplyKind.FALLBACK:
            best = outcome.match.best if outcome.match else None
            await keep_unanswered(context, text, "fallback", best.entry_id if best else None)
        answered = outcome.reply.kind is ReplyKind.ANSWER
        await count(context, "answered" if answered else "unanswered")
    except Exception:  # bookkeeping after the reply went out: log it, never apologise for it
        log.exception("could not count an answered question (the person got their answer)")


async def count(context: Context, name: str) -> None:
    """Count one more ``name`` (in memory); write the counts when a batch is due (see
    ``bot/services/statistics.py``). A failed write raises; the counts are kept for the next."""
    state = context.bot_data
    state.counters.add(name)
    await _write_if_due(context)


async def keep_unanswered(context: Context, text: str, reason: str, entry_id: str | None) -> None:
    """Keep a question for the maintainers' report, if ``STORE_UNANSWERED`` allows: its text
    only, in memory until the batch is written with the counts (one commit per batch)."""
    state = context.bot_data
    if not state.settings.store_unanswered:
        return
    state.counters.keep(text.strip()[:MAX_UNANSWERED_CHARS], reason, entry_id, state.clock())
    await _write_if_due(context)


async def _write_if_due(context: Context) -> None:
    state = context.bot_data
    if state.counters.due() and state.has_store:
        await state.counters.flush(state.store)


def question_for(context: Context, message: MaybeInaccessibleMessage | None) -> str:
    """The question an answer (and so its feedback button) was given for, if still remembered."""
    if message is None:
        return ""
    return context.bot_data.asked.get((message.chat.id, message.message_id)) or ""
