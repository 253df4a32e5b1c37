"""The last line of defence: log any handler error (token-free) and tell the person kindly."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.core.replies import label
from bot.edge.replying import Context, texts

log = logging.getLogger(__name__)


async def report_error(update: object, context: Context) -> None:
    """Log the error; in a private chat, apologise. Never raises: the bot must keep running."""
    error = context.error
    # BadRequest is a NetworkError subclass in python-telegram-bot, but it means our own request
    # was wrong (bad HTML, a deleted message): that is a bug to log loudly, not a network blip.
    if isinstance(error, (NetworkError, TimedOut, RetryAfter)) and not isinstance(
        error, BadRequest
    ):
        log.warning("Telegram network problem: %s", error)
        return
    if isinstance(error, Forbidden):
        log.info("a chat blocked the bot or removed it: %s", error)
        return
    log.error("error while handling an update", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return  # never add noise to a group because of our own bug
    try:
        await context.bot.send_message(
            update.effective_chat.id, label(texts(context), "error_apology")
        )
    except Exception:  # the apology is best effort; the error is already logged above
        log.warning("could not send the apology message", exc_info=True)
