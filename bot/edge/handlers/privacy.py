"""/privacy (what is stored and why) and /forget (delete it all, after a confirmation button)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import Update
from telegram.constants import ChatType

from bot.core import callbacks
from bot.core.answering.context import chat_key
from bot.core.reminders import views
from bot.edge.replying import Context, edit, in_private, respond, texts, toast

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def _stored(context: Context, chat_id: int) -> views.Stored:
    store = context.bot_data.store
    chat = await store.get_chat(chat_id)
    if chat is None:
        return views.Stored(None, 0, 0)
    reminders = await store.list_reminders(chat_id)
    sessions, scores, first = await store.session_counts(chat_id)
    return views.Stored(
        chat,
        len(reminders),
        await store.count_done_since(chat_id, _EPOCH),
        sessions=sessions,
        pain_scores=scores,
        first_session=first,
    )


async def privacy(update: Update, context: Context) -> None:
    """/privacy: what is stored about you and why, and how to delete it."""
    if not await in_private(update, context) or update.effective_chat is None:
        return
    settings = context.bot_data.settings
    answer = views.privacy(
        texts(context),
        await _stored(context, update.effective_chat.id),
        store_unanswered=settings.store_unanswered,
        retention_days=settings.unanswered_retention_days,
    )
    await respond(update, context, answer)


async def forget(update: Update, context: Context) -> None:
    """/forget: ask for confirmation before deleting everything about this person."""
    if not await in_private(update, context) or update.effective_chat is None:
        return
    await respond(
        update,
        context,
        views.forget_confirm(texts(context), await _stored(context, update.effective_chat.id)),
    )


async def press(update: Update, context: Context) -> None:
    """The /forget confirmation buttons (``p:forget`` / ``p:keep``)."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None:
        return
    forget = callbacks.parse_privacy(query.data or "")
    if chat is None or chat.type != ChatType.PRIVATE or forget is None:
        await query.answer(toast(context, "stale_button_toast"))
        return
    if not forget:
        await query.answer()
        await edit(update, context, query, views.kept(texts(context)))
        return
    deleted = await context.bot_data.store.forget_chat(chat.id)
    # What the bot holds in memory about this chat and person goes too.
    state = context.bot_data
    if state.sessions is not None:
        state.sessions.end(chat.id)  # a session going on ends too
    await state.conversations.forget(chat_key(chat.id))
    state.asked.drop(lambda key: key[0] == chat.id)
    state.typing_time.pop(chat.id)
    context.application.drop_chat_data(chat.id)
    if update.effective_user is not None:
        context.application.drop_user_data(update.effective_user.id)
    if deleted:
        log.info("a person deleted their data with /forget")
    await query.answer(toast(context, "forget_deleted_toast") if deleted else None)
    await edit(update, context, query, views.forgotten(texts(context), deleted))
