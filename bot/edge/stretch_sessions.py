"""The Telegram side of the session runner: edits the session message, keeps finished sessions.

The runner (bot/services) knows nothing of Telegram; this module gives it the ``notify`` that
edits the one session message at each phase change, records a session once its exercises are
done, and at shutdown tells everyone with a session going on that it has ended.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application

from bot.core.knowledge import fill
from bot.core.sessions.machine import Status
from bot.core.sessions.progress import history_start, weekly_progress
from bot.core.sessions.views import session_reply
from bot.edge.handlers.common import NO_PREVIEW, markup
from bot.edge.state import BotState
from bot.services.session_runner import ActiveSession, SessionRunner

__all__ = ["apply_change", "start", "stop"]

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, BotState, Any]
SHUTDOWN_NOTICE_SECONDS = 5.0


async def _edit(bot: Bot, chat_id: int, message_id: int, html: str, buttons: Any) -> None:
    try:
        await bot.edit_message_text(
            html,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(buttons),
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def _week_count(state: BotState, chat_id: int) -> int:
    """This week's stretches (sessions and Done presses), in the person's time zone."""
    now = state.clock()
    chat = await state.store.get_chat(chat_id)
    zone = chat.zone if chat is not None else ZoneInfo("UTC")
    since = history_start(now, zone, 1)
    sessions = [s.finished_at for s in await state.store.sessions_since(chat_id, since)]
    done = await state.store.done_times_since(chat_id, since)
    return weekly_progress(sessions, done, now, zone, weeks=1).this_week.total


async def _record(state: BotState, active: ActiveSession) -> None:
    """Keep the session once its exercises are done, and the score after once given."""
    session = active.session
    if session.exercises_done and active.stored_id is None and session.started_at is not None:
        await state.store.upsert_chat(active.chat_id, "private", state.clock())
        active.stored_id = await state.store.record_session(
            active.chat_id,
            session.plan.exercise_ids,
            session.started_at,
            session.exercises_done_at or state.clock(),
            session.pain_before,
        )
    if active.stored_id is not None and session.pain_after is not None:
        await state.store.record_pain_after(
            active.chat_id, active.stored_id, session.pain_after, state.clock()
        )


async def apply_change(bot: Bot, state: BotState, active: ActiveSession) -> None:
    """After the session changed: store what must be kept, edit its message, reschedule it."""
    async with active.lock:
        await _record(state, active)
        count = 0
        if active.session.status is Status.COMPLETED:
            count = await _week_count(state, active.chat_id)
        reply = session_reply(state.answerer.kb, active.session, active.token, week_count=count)
        if active.message_id is not None:
            await _edit(bot, active.chat_id, active.message_id, reply.html, reply.buttons)
    runner = state.sessions
    if runner is not None:
        runner.schedule(active)


def start(application: AnyApplication) -> SessionRunner:
    """post_init: the runner and its timer task."""
    state = application.bot_data

    async def notify(active: ActiveSession) -> None:
        await apply_change(application.bot, state, active)

    runner = SessionRunner(state.clock, notify)
    state.sessions = runner
    state.sessions_stop = asyncio.Event()
    state.background.append(
        asyncio.create_task(runner.run(state.sessions_stop), name="stretch-sessions")
    )
    return runner


async def stop(application: AnyApplication) -> None:
    """post_stop: end every session and say so in its message (briefly; best effort)."""
    state = application.bot_data
    runner, state.sessions = state.sessions, None
    if state.sessions_stop is not None:
        state.sessions_stop.set()
    if runner is None:
        return
    text = fill(state.answerer.kb.texts["session_restarted"])

    async def notice(active: ActiveSession) -> None:
        if active.message_id is None:
            return
        try:
            await _edit(application.bot, active.chat_id, active.message_id, text, ())
        except TelegramError as error:
            log.info("could not tell a chat its session ended: %s", error)

    ended = runner.end_all()
    if ended:
        try:
            async with asyncio.timeout(SHUTDOWN_NOTICE_SECONDS):
                await asyncio.gather(*(notice(active) for active in ended))
        except TimeoutError:
            log.warning("not every session message could be updated at shutdown")
