"""Group stretch breaks: Start runs a guided session in the presser's private chat, and
/progress in a group shows how many people took part each week, never who.

Nothing here writes to the group except the summary, which anyone may ask for but the group sees
at most once every ten minutes and only within its message budget. A Start press is answered
in the pressing person's own chat (or with a link to it), never in the group.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.core.callbacks import parse_reminder_start
from bot.core.groups.guards import Admission
from bot.core.groups.policy import note_due
from bot.core.groups.summary import describe_group
from bot.core.knowledge import fill
from bot.core.reminders.message import routine_entry
from bot.core.replies import Reply, ReplyKind
from bot.core.sessions.chart import draw_group_chart
from bot.core.sessions.plan import plan_for
from bot.core.sessions.views import STRETCH_START
from bot.edge import stretch_sessions
from bot.edge.replying import Context, in_group, now, send_reply, texts, toast
from bot.services import group_breaks

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
_SUMMARY_AT = "group_summary_at"  # chat_data: when the group last saw its summary


async def start_press(update: Update, context: Context) -> None:
    """▶️ Start under a group's stretch break: count the person once this week, and run the
    session in their private chat; if the bot may not write there yet, a link that opens it."""
    query = update.callback_query
    chat = update.effective_chat
    state = context.bot_data
    if query is None:
        return
    found = parse_reminder_start(query.data or "")
    if found is None or not found.group or not in_group(chat) or chat is None:
        await query.answer(toast(context, "stale_button_toast"))
        return
    taken = await group_breaks.take_part(
        state.store,
        state.participants,
        now(context),
        chat.id,
        found.reminder_id,
        query.from_user.id,
    )
    if taken is None:
        await query.answer(toast(context, "reminder_gone"))
        return
    kb = state.answerer.kb
    entry = routine_entry(kb, found.seq)
    exercise_id = entry.id if entry is not None and entry.session is not None else None
    plan = plan_for(kb, exercise_id)
    active = None
    if plan is not None:
        try:
            active = await stretch_sessions.begin(context.bot, state, query.from_user.id, plan)
        except (Forbidden, BadRequest) as error:  # never started the bot, or blocked it
            log.info("could not start a group member's session privately: %s", error)
    if active is not None:
        await query.answer(toast(context, "group_start_sent"))
    elif state.bot_username:
        payload = f"{STRETCH_START}-{exercise_id}" if exercise_id else STRETCH_START
        await query.answer(
            toast(context, "group_start_open"),
            url=f"https://t.me/{state.bot_username}?start={payload}",
        )
    else:
        await query.answer(toast(context, "session_start_private"))


async def summary(update: Update, context: Context) -> None:
    """/progress in a group: people who took part in its stretch breaks per week, as a chart
    with the same facts as its caption. At most once every ten minutes; silent otherwise."""
    chat = update.effective_chat
    message = update.effective_message
    state = context.bot_data
    if not in_group(chat) or chat is None or not state.has_store:
        return
    data: dict[Any, Any] = context.chat_data if context.chat_data is not None else {}
    moment = now(context)
    if not note_due(data.get(_SUMMARY_AT), moment):
        return  # shown recently: it is still just above
    facts = await group_breaks.summary(state.store, chat.id, moment)
    text = describe_group(texts(context), facts)
    fits = len(text) <= CAPTION_LIMIT
    if await state.guards.admit(chat.id, None, moment, 1 if fits else 2) is not Admission.SEND:
        return  # the group's message budget is spent
    data[_SUMMARY_AT] = moment
    png = await state.charts.draw(draw_group_chart, dict(texts(context)), facts)
    reply_to = message.message_id if message is not None else None
    thread = message.message_thread_id if message is not None and message.is_topic_message else None
    if png is not None:
        await context.bot.send_photo(
            chat.id,
            photo=png,
            caption=text if fits else fill(texts(context)["group_chart_title"]),
            parse_mode=ParseMode.HTML,
            reply_to_message_id=reply_to,
            message_thread_id=thread,
        )
        if fits:
            return
    await send_reply(
        context, chat.id, Reply(ReplyKind.INFO, text), reply_to=reply_to, thread_id=thread
    )
