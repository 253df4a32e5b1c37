"""Translation between core replies and Telegram API calls, shared by every handler module."""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
)
from telegram.constants import ParseMode
from telegram.ext import CallbackContext, ExtBot

from bot.render import Button, Reply
from bot.state import BotState

Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotState]

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def markup(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Core buttons as an inline keyboard (None when there are none)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, callback_data=b.data)
                if b.data is not None
                else InlineKeyboardButton(b.label, url=b.url)
                for b in row
            ]
            for row in buttons
            if row
        ]
    )


async def send_reply(
    context: Context,
    chat_id: int,
    reply: Reply,
    *,
    reply_to: int | None = None,
    thread_id: int | None = None,
) -> Message | None:
    """Send a reply, split to Telegram's limit, with its buttons under the last part."""
    parts = reply.parts
    sent: Message | None = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent = await context.bot.send_message(
            chat_id=chat_id,
            text=part,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(reply.buttons) if last else None,
            link_preview_options=NO_PREVIEW,
            reply_to_message_id=reply_to if index == 0 else None,
            message_thread_id=thread_id,
        )
    return sent


def command_argument(text: str | None) -> str:
    """Everything after the command word ("/exercise@Bot pigeon pose" -> "pigeon pose")."""
    if not text:
        return ""
    _, _, rest = text.strip().partition(" ")
    return rest.strip()
