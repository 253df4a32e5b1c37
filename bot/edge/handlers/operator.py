"""Commands for the bot's operators (ADMIN_USER_IDS), in a private chat: /stats and /reload.

To anyone else they look exactly like an unknown command, so nobody learns that they exist.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType

from bot.core import operator as operator_views
from bot.edge.replying import Context, respond, texts
from bot.services.reloader import KnowledgeReloader

log = logging.getLogger(__name__)


def _is_operator(update: Update, context: Context) -> bool:
    user, chat = update.effective_user, update.effective_chat
    return (
        user is not None
        and chat is not None
        and chat.type == ChatType.PRIVATE
        and user.id in context.bot_data.settings.admin_user_ids
    )


async def _unknown(update: Update, context: Context) -> None:
    """The reply to an unknown command: a note in private chats, silence in groups."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        await respond(update, context, context.bot_data.answerer.info("unknown_command"))


async def stats(update: Update, context: Context) -> None:
    """/stats: aggregate counts only (chats, reminders, questions, feedback); no personal data."""
    state = context.bot_data
    if not _is_operator(update, context) or not state.has_store:
        await _unknown(update, context)
        return
    try:
        await state.counters.flush(state.store)  # the figures include the batch not yet written
    except Exception:  # show what is stored; the counts stay pending for the next batch
        log.exception("could not write the latest statistics counts")
    reply = operator_views.format_stats(texts(context), await state.store.stats())
    await respond(update, context, reply)


async def reload(update: Update, context: Context) -> None:
    """/reload: load the knowledge base again; an invalid one is reported and the old one kept."""
    state = context.bot_data
    if not _is_operator(update, context):
        await _unknown(update, context)
        return
    if state.reloader is None:  # WATCH_KNOWLEDGE is off: make one for this and later reloads
        state.reloader = KnowledgeReloader(state.settings.knowledge_dir, state.install_answerer)
    log.info("an operator asked for a knowledge reload")
    result = await state.reloader.reload()
    reply = operator_views.reload_report(texts(context), result.ok, result.entries, result.problems)
    await respond(update, context, reply)
