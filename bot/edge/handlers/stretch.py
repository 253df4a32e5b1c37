"""/stretch (a guided session), its buttons, and /progress (the weekly chart and its text)."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.constants import ChatType

from bot.core.callbacks import SessionAction, SessionPress
from bot.core.knowledge import fill
from bot.core.replies import Reply, ReplyKind
from bot.core.sessions.chart import draw_chart
from bot.core.sessions.machine import Session, Status
from bot.core.sessions.plan import plan_for
from bot.core.sessions.progress import describe, history_start, weekly_progress
from bot.core.sessions.views import parse_press, parse_start
from bot.edge import stretch_sessions
from bot.edge.replying import Context, command_argument, respond, texts, toast

log = logging.getLogger(__name__)


def _private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def _only_private(update: Update, context: Context, command: str) -> bool:
    if _private(update):
        return True
    note = Reply(ReplyKind.INFO, fill(texts(context)["session_private_only"]))
    await respond(update, context, note, key=f"/{command}")
    return False


async def stretch(update: Update, context: Context) -> None:
    """/stretch [exercise]: start a guided session (the routine when no exercise is named)."""
    chat = update.effective_chat
    if chat is None or not await _only_private(update, context, "stretch"):
        return
    kb = context.bot_data.answerer.kb
    message = update.effective_message
    name = command_argument(message.text if message is not None else "")
    exercise_id: str | None = None
    if name:
        entry = kb.find_exercise(name[:100])
        if entry is None:
            unknown = fill(kb.texts["session_unknown_exercise"], name=name[:60])
            await respond(update, context, Reply(ReplyKind.INFO, unknown))
            return
        exercise_id = entry.id
    await _begin(update, context, chat.id, exercise_id)


async def _begin(update: Update, context: Context, chat_id: int, exercise_id: str | None) -> None:
    """Start a session in this private chat (replacing one going on) and show its message."""
    kb = context.bot_data.answerer.kb
    runner = context.bot_data.sessions
    plan = plan_for(kb, exercise_id)
    if plan is None or runner is None:
        note = fill(kb.texts["session_no_exercises"])
        await respond(update, context, Reply(ReplyKind.INFO, note))
        return
    active, replaced = runner.start(chat_id, plan)
    if replaced is not None:
        await stretch_sessions.apply_change(context.bot, context.bot_data, replaced)
    active.photo = stretch_sessions.photo_mode(kb, plan)
    await stretch_sessions.show(context.bot, context.bot_data, active)


async def press(update: Update, context: Context) -> None:
    """A session button: pain score, pause, resume, skip, stop, "this hurts"."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None:
        return
    if chat is None:  # a button under an inline-mode message: no chat to run a session in
        await query.answer(toast(context, "session_start_private"))
        return
    exercise_id = parse_start(query.data or "")
    if exercise_id is not None:  # "Start" under an exercise's answer or a reminder
        if not _private(update):
            await query.answer(toast(context, "session_start_private"))
            return
        await query.answer()
        await _begin(update, context, chat.id, exercise_id)
        return
    found = parse_press(query.data or "")
    runner = context.bot_data.sessions
    active = runner.find(chat.id, found.token) if found is not None and runner else None
    if found is None or active is None:
        # An old message, a replaced session, or one a restart ended: say so, drop its buttons.
        await query.answer(toast(context, "session_ended_toast"))
        restarted = fill(texts(context)["session_restarted"])
        message = query.message
        if isinstance(message, Message):
            await stretch_sessions.say_ended(
                context.bot, chat.id, message.message_id, restarted, photo=bool(message.photo)
            )
        return
    await query.answer()
    if query.message is not None and active.message_id is None:
        active.message_id = query.message.message_id
    session: Session = active.session
    changed = _apply(session, found)
    if changed:
        await stretch_sessions.apply_change(context.bot, context.bot_data, active)


def _apply(session: Session, press: SessionPress) -> bool:
    if press.action in (SessionAction.SCORE, SessionAction.NO_SCORE):
        if session.status is Status.PAIN_BEFORE:
            return session.begin(press.score)
        return session.finish(press.score)
    actions = {
        SessionAction.PAUSE: session.pause,
        SessionAction.RESUME: session.resume,
        SessionAction.SKIP: session.skip,
        SessionAction.STOP: session.stop,
        SessionAction.HURT: session.hurts,
    }
    return actions[press.action]()


async def progress(update: Update, context: Context) -> None:
    """/progress: this week, the streak, the chart of the last 8 weeks, and the same in words."""
    chat = update.effective_chat
    if chat is None or not await _only_private(update, context, "progress"):
        return
    state = context.bot_data
    now = state.clock()
    stored = await state.store.get_chat(chat.id)
    zone = stored.zone if stored is not None else ZoneInfo("UTC")
    since = history_start(now, zone)
    sessions = [s.finished_at for s in await state.store.sessions_since(chat.id, since)]
    done = await state.store.done_times_since(chat.id, since)
    facts = weekly_progress(sessions, done, now, zone)
    kb = state.answerer.kb
    png = await asyncio.to_thread(draw_chart, kb.texts, facts)
    await context.bot.send_photo(chat.id, photo=png, caption=fill(kb.texts["chart_title"]))
    await respond(update, context, Reply(ReplyKind.INFO, describe(kb.texts, facts)))
