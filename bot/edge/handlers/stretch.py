"""/stretch (a guided session), its buttons, and /progress (the weekly chart and its text)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.constants import ChatType

from bot.core.callbacks import ReminderStart, SessionAction, SessionPress, parse_reminder_start
from bot.core.knowledge import fill
from bot.core.reminders.message import routine_entry
from bot.core.replies import Reply, ReplyKind
from bot.core.sessions.chart import draw_chart
from bot.core.sessions.machine import Session, Status
from bot.core.sessions.plan import plan_for
from bot.core.sessions.progress import describe, history_start, weekly_progress
from bot.core.sessions.views import STRETCH_START, parse_press, parse_start
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


async def _begin(
    update: Update,
    context: Context,
    chat_id: int,
    exercise_id: str | None,
    occurrence: str | None = None,
) -> None:
    """Start a session in this private chat (replacing one going on) and show its message."""
    kb = context.bot_data.answerer.kb
    plan = plan_for(kb, exercise_id)
    active = None
    if plan is not None:
        active = await stretch_sessions.begin(
            context.bot, context.bot_data, chat_id, plan, occurrence
        )
    if active is None:
        note = fill(kb.texts["session_no_exercises"])
        await respond(update, context, Reply(ReplyKind.INFO, note))


async def start_link(update: Update, context: Context) -> None:
    """``/start stretch`` or ``/start stretch-<exercise>``: the deep link of Start under a
    group's stretch break, for someone the bot could not write to first. Runs before /start."""
    chat = update.effective_chat
    if chat is None or not _private(update):
        return
    payload = context.args[0] if context.args else ""
    exercise_id = payload.removeprefix(STRETCH_START).removeprefix("-") or None
    kb = context.bot_data.answerer.kb
    if exercise_id is not None and kb.find_exercise(exercise_id) is None:
        exercise_id = None  # an exercise renamed since the link was made: the routine
    await _begin(update, context, chat.id, exercise_id)


async def _reminder_start(update: Update, context: Context, found: ReminderStart) -> None:
    """Start under one's own reminder: the exercise that delivery shows, counted once with
    a Done press on the same reminder (the delivery is the session's occurrence)."""
    chat = update.effective_chat
    query = update.callback_query
    if chat is None or query is None:
        return
    state = context.bot_data
    reminder = await state.store.get_reminder(chat.id, found.reminder_id)
    if not _private(update) or found.group or reminder is None:
        await query.answer(
            toast(context, "reminder_gone" if _private(update) else "stale_button_toast")
        )
        return
    await query.answer()
    entry = routine_entry(state.answerer.kb, found.seq)
    occurrence = f"{found.reminder_id}:{found.seq}"
    await _begin(update, context, chat.id, entry.id if entry else None, occurrence)


async def press(update: Update, context: Context) -> None:
    """A session button: pain score, pause, resume, skip, stop, "this hurts"."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None:
        return
    if chat is None:  # a button under an inline-mode message: no chat to run a session in
        await query.answer(toast(context, "session_start_private"))
        return
    from_reminder = parse_reminder_start(query.data or "")
    if from_reminder is not None:
        await _reminder_start(update, context, from_reminder)
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
    png = await state.charts.draw(draw_chart, dict(kb.texts), facts)
    if png is not None:
        await context.bot.send_photo(chat.id, photo=png, caption=fill(kb.texts["chart_title"]))
    text = describe(kb.texts, facts)
    if png is None:  # the drawer failed: the same facts, in words only
        text = f"{text}\n\n{fill(kb.texts['chart_unavailable'])}"
    await respond(update, context, Reply(ReplyKind.INFO, text))
