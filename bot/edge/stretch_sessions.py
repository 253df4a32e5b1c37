"""The Telegram side of the session runner: shows the session message, keeps finished sessions.

The runner (bot/services) knows nothing of Telegram; this module gives it the ``notify`` that
updates the one session message at each phase change (a picture of the exercise with the step
as its caption, or plain text when an exercise has no picture), records a session once its
exercises are done, and at shutdown tells everyone with a session going on that it has ended.
Each picture is uploaded once; later sends reuse Telegram's file id.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot, InputMediaPhoto, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application

from bot.core.knowledge import KnowledgeBase, fill
from bot.core.replies import Reply
from bot.core.sessions.machine import Status
from bot.core.sessions.plan import SessionPlan
from bot.core.sessions.progress import history_start, weekly_progress
from bot.core.sessions.views import current_exercise, session_reply
from bot.edge.keyboards import markup
from bot.edge.replying import CAPTION_LIMIT, NO_PREVIEW
from bot.edge.state import BotState
from bot.services.session_runner import ActiveSession, SessionRunner

__all__ = [
    "apply_change",
    "begin",
    "media",
    "photo_mode",
    "picture",
    "remember",
    "send_picture",
    "show",
    "start",
    "stop",
]

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, BotState, Any]
SHUTDOWN_NOTICE_SECONDS = 5.0


def picture(kb: KnowledgeBase, exercise_id: str) -> Path | None:
    """The exercise's picture (``knowledge/images/<id>.png``), if there is one."""
    path = kb.directory / "images" / f"{exercise_id}.png"
    return path if path.is_file() else None


def photo_mode(kb: KnowledgeBase, plan: SessionPlan) -> bool:
    """A session is shown as a picture when every exercise in it has one."""
    return all(picture(kb, exercise_id) is not None for exercise_id in plan.exercise_ids)


def _image_key(path: Path) -> str:
    status = path.stat()
    return f"{_resolved(path)}:{status.st_mtime_ns}:{status.st_size}"


@lru_cache(maxsize=256)
def _resolved(path: Path) -> Path:
    """The picture's real path, looked up once (a dozen system calls; an exercise's answer
    needed it twice per message). An edited picture still gets a new key: its time and size."""
    return path.resolve()


def media(state: BotState, path: Path) -> str | bytes:
    """The picture's file id if it was uploaded already, else its bytes (to upload)."""
    return state.image_file_ids.get(_image_key(path)) or path.read_bytes()


def remember(state: BotState, path: Path, message: Message | bool | None) -> None:
    """Keep the file id Telegram gave an uploaded picture, so later sends reuse it."""
    if isinstance(message, Message) and message.photo:
        state.image_file_ids[_image_key(path)] = message.photo[-1].file_id


async def send_picture(bot: Bot, state: BotState, chat_id: int, exercise_id: str) -> bool:
    """Send an exercise's picture (uploaded once, then by file id); False if it has none."""
    path = picture(state.answerer.kb, exercise_id)
    if path is None:
        return False
    entry = state.answerer.kb.entries.get(exercise_id)
    sent = await bot.send_photo(
        chat_id, photo=media(state, path), caption=entry.title if entry else None
    )
    remember(state, path, sent)
    return True


def _not_modified(error: BadRequest) -> bool:
    return "not modified" in error.message.lower()


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
            active.occurrence,
        )
    if active.stored_id is not None and session.pain_after is not None:
        await state.store.record_pain_after(
            active.chat_id, active.stored_id, session.pain_after, state.clock()
        )


def _reply(state: BotState, active: ActiveSession, count: int) -> Reply:
    kb = state.answerer.kb
    reply = session_reply(kb, active.session, active.token, week_count=count)
    if active.photo and len(reply.plain()) > CAPTION_LIMIT:
        reply = session_reply(kb, active.session, active.token, week_count=count, with_steps=False)
    return reply


async def show(bot: Bot, state: BotState, active: ActiveSession, count: int = 0) -> None:
    """Send the session message (the first time) or update it to the session's state."""
    reply = _reply(state, active, count)
    buttons = markup(reply.buttons)
    exercise = current_exercise(active.session)
    path = picture(state.answerer.kb, exercise) if active.photo else None
    if active.message_id is None:
        if path is not None:
            sent = await bot.send_photo(
                active.chat_id,
                photo=media(state, path),
                caption=reply.html,
                parse_mode=ParseMode.HTML,
                reply_markup=buttons,
            )
            remember(state, path, sent)
            active.shown = exercise
        else:
            active.photo = False
            sent = await bot.send_message(
                active.chat_id,
                reply.html,
                parse_mode=ParseMode.HTML,
                reply_markup=buttons,
                link_preview_options=NO_PREVIEW,
            )
        active.message_id = sent.message_id
        return
    try:
        if active.photo and path is not None and active.shown != exercise:
            photo = InputMediaPhoto(
                media(state, path), caption=reply.html, parse_mode=ParseMode.HTML
            )
            edited = await bot.edit_message_media(
                photo, chat_id=active.chat_id, message_id=active.message_id, reply_markup=buttons
            )
            remember(state, path, edited)
            active.shown = exercise
        elif active.photo:
            await bot.edit_message_caption(
                chat_id=active.chat_id,
                message_id=active.message_id,
                caption=reply.html,
                parse_mode=ParseMode.HTML,
                reply_markup=buttons,
            )
        else:
            await bot.edit_message_text(
                reply.html,
                chat_id=active.chat_id,
                message_id=active.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=buttons,
                link_preview_options=NO_PREVIEW,
            )
    except BadRequest as error:
        if not _not_modified(error):
            raise


async def apply_change(bot: Bot, state: BotState, active: ActiveSession) -> None:
    """After the session changed: store what must be kept, update its message, reschedule it."""
    async with active.lock:
        await _record(state, active)
        count = 0
        if active.session.status is Status.COMPLETED:
            count = await _week_count(state, active.chat_id)
        await show(bot, state, active, count)
    runner = state.sessions
    if runner is not None:
        runner.schedule(active)


async def begin(
    bot: Bot, state: BotState, chat_id: int, plan: SessionPlan, occurrence: str | None = None
) -> ActiveSession | None:
    """Start a session in a private chat (replacing one going on) and send its message.

    None when sessions are not running (shutting down). A failed send (the person never
    started the bot, or blocked it) forgets the new session and raises, for the caller to say so.
    """
    runner = state.sessions
    if runner is None:
        return None
    active, replaced = runner.start(chat_id, plan)
    active.occurrence = occurrence
    if replaced is not None:
        await apply_change(bot, state, replaced)
    active.photo = photo_mode(state.answerer.kb, plan)
    try:
        await show(bot, state, active)
    except TelegramError:
        runner.discard(active)
        raise
    runner.schedule(active)  # a session waiting for its first score closes itself in time
    return active


async def say_ended(bot: Bot, chat_id: int, message_id: int, text: str, *, photo: bool) -> None:
    """Replace a session message with ``text`` and no buttons (it ended; a restart, say)."""
    try:
        if photo:
            await bot.edit_message_caption(
                chat_id=chat_id, message_id=message_id, caption=text, parse_mode=ParseMode.HTML
            )
        else:
            await bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML
            )
    except TelegramError as error:
        log.info("could not mark a session message as ended: %s", error)


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
    ended = [a for a in runner.end_all() if a.message_id is not None]
    if not ended:
        return
    try:
        async with asyncio.timeout(SHUTDOWN_NOTICE_SECONDS):
            await asyncio.gather(
                *(
                    say_ended(application.bot, a.chat_id, a.message_id or 0, text, photo=a.photo)
                    for a in ended
                )
            )
    except TimeoutError:
        log.warning("not every session message could be updated at shutdown")
