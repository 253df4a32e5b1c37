"""Translation between core replies and Telegram API calls, shared by every handler module.

Handlers never import each other; what more than one of them needs to talk to Telegram (send,
edit, answer in groups within the guards, read a command's argument, keep personal commands
in private chats) lives here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import CallbackContext, ExtBot

from bot.core.groups.guards import Admission
from bot.core.groups.policy import note_due
from bot.core.reminders import views as reminder_views
from bot.core.replies import Button, Reply, label
from bot.edge.keyboards import markup
from bot.edge.state import BotState

Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotState]

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
CAPTION_LIMIT = 1024  # Telegram's limit for a photo caption, in characters once tags are read
GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
_PRIVATE_NOTE_AT = "reminders_group_note_at"  # chat_data: when a group was last pointed to private


def now(context: Context) -> datetime:
    """The injected clock."""
    return context.bot_data.clock()


def texts(context: Context) -> Mapping[str, str]:
    """The fixed texts of the knowledge base loaded now (``knowledge/texts.yaml``)."""
    return context.bot_data.answerer.kb.texts


def toast(context: Context, key: str, **values: object) -> str:
    """A short pop-up answer to a button press, from ``texts.yaml``, as plain text."""
    return label(texts(context), key, **values)


def in_group(chat: Chat | None) -> bool:
    """Whether ``chat`` is a group or supergroup."""
    return chat is not None and chat.type in GROUP_TYPES


async def send_reply(
    context: Context,
    chat_id: int,
    reply: Reply,
    *,
    reply_to: int | None = None,
    thread_id: int | None = None,
    photo: str | bytes | None = None,
) -> Message | None:
    """Send a reply, split to Telegram's limit, with its buttons under the last part.

    With ``photo`` (a file id, or the bytes to upload) and a reply that fits a photo caption,
    it is one message: the picture with the reply as its caption and the buttons under it. If
    Telegram refuses that photo, the words are sent alone (they matter more than the picture).
    """
    if photo is not None and len(reply.plain()) <= CAPTION_LIMIT:
        send_photo = partial(
            context.bot.send_photo,
            chat_id=chat_id,
            photo=photo,
            caption=reply.html,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(reply.buttons),
            reply_to_message_id=reply_to,
            message_thread_id=thread_id,
        )
        try:
            return await _with_retries(context, send_photo)
        except BadRequest as error:
            log.warning("could not send a reply with its picture, sending the words: %s", error)
    parts = reply.parts
    sent: Message | None = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        send = partial(
            context.bot.send_message,
            chat_id=chat_id,
            text=part,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(reply.buttons) if last else None,
            link_preview_options=NO_PREVIEW,
            reply_to_message_id=reply_to if index == 0 else None,
            message_thread_id=thread_id,
        )
        sent = await _with_retries(context, send)
    return sent


def retryable(error: Exception) -> bool:
    """A send that surely did not arrive and may work a moment later: a network error or a
    5xx from Telegram. Never a 4xx (our message is wrong, or the chat is gone), and never a
    timeout, after which the message may have arrived (a retry could send it twice)."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest | TimedOut)


async def _with_retries(context: Context, send: Callable[[], Awaitable[Message]]) -> Message:
    """``send()``, retried after ``state.send_retry_delays`` seconds while it fails in a
    retryable way; the last failure propagates (to the error handler)."""
    delays = context.bot_data.send_retry_delays
    for delay in delays:
        try:
            return await send()
        except NetworkError as error:
            if not retryable(error):
                raise
            log.warning("sending a reply failed (%s); retrying in %.1f s", error, delay)
            await asyncio.sleep(delay)
    return await send()


async def repeated(update: Update, context: Context, key: str) -> bool:
    """In a group: whether ``key`` was answered there within the duplicate window."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return False
    state = context.bot_data
    return await state.guards.is_repeat(chat.id, key, state.clock())


async def respond(
    update: Update,
    context: Context,
    reply: Reply,
    *,
    key: str | None = None,
    urgent: bool = False,
    photo: str | bytes | None = None,
) -> Message | None:
    """Send ``reply`` to the chat of ``update``; in groups, threaded and within the guards.
    ``photo``: see ``send_reply``.

    In a group the reply is dropped (None) when ``key`` (a question or command) was answered
    there within the duplicate window, or when the group's message budget is spent; ``urgent``
    replies may use the budget's reserve. Private chats are never limited here.
    """
    chat = update.effective_chat
    if chat is None:
        return None
    message = update.effective_message
    group = chat.type != ChatType.PRIVATE
    if group:
        state = context.bot_data
        admission = await state.guards.admit(
            chat.id, key, state.clock(), len(reply.parts), urgent=urgent
        )
        if admission is Admission.REPEAT:
            log.debug("a repeated question in a group was not answered again")
            return None
        if admission is Admission.BUSY:
            log.info("a group's message budget is spent; staying silent")
            return None
    return await send_reply(
        context,
        chat.id,
        reply,
        reply_to=message.message_id if message is not None and group else None,
        thread_id=message.message_thread_id
        if message is not None and message.is_topic_message
        else None,
        photo=photo,
    )


def command_argument(text: str | None) -> str:
    """Everything after the command word ("/exercise@Bot pigeon pose" -> "pigeon pose")."""
    if not text:
        return ""
    _, _, rest = text.strip().partition(" ")
    return rest.strip()


def argument(update: Update) -> str:
    """The text after the command of ``update``'s message, or "" (also without text)."""
    message = update.effective_message
    return command_argument(message.text if message is not None else "")


async def edit(update: Update, context: Context, query: CallbackQuery, answer: Reply) -> None:
    """Replace the pressed message with ``answer``; send it anew if that message can't be edited."""
    if query.message is not None and query.message.is_accessible and len(answer.parts) == 1:
        try:
            await query.edit_message_text(
                answer.html,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(answer.buttons),
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as error:
            if "not modified" in error.message.lower():
                return
            log.info("could not edit a message, sending a new one: %s", error)
        else:
            return
    await respond(update, context, answer)


async def set_buttons(query: CallbackQuery, buttons: tuple[tuple[Button, ...], ...] = ()) -> None:
    """Change (or, with none, remove) the buttons under the pressed message; best effort."""
    if query.message is None or not query.message.is_accessible:
        return
    try:
        await query.edit_message_reply_markup(markup(buttons))
    except BadRequest as error:  # too old to edit, or already like that: the answer was given
        log.info("could not change the buttons of a message: %s", error)


async def in_private(update: Update, context: Context) -> bool:
    """True in a private chat; in a group, point to a private chat (rarely) and return False.

    For the personal commands (/remind, /reminders, /timezone, /privacy, /forget).
    """
    chat = update.effective_chat
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    data: dict[Any, Any] = context.chat_data if context.chat_data is not None else {}
    if not note_due(data.get(_PRIVATE_NOTE_AT), now(context)):
        return False  # said it recently: stay quiet rather than spam the group
    data[_PRIVATE_NOTE_AT] = now(context)
    reply = reminder_views.private_only(texts(context), context.bot_data.bot_username)
    await respond(update, context, reply)
    return False
