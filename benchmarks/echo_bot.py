"""The baseline of ``benchmarks/echo_compare.py``: the least a python-telegram-bot bot can do.

It echoes every private text back, with the same library, the same AIORateLimiter, the same
concurrency (``concurrent_updates(True)``) and the same connection pool as the BackCare bot, so
whatever the BackCare bot costs beyond this is the price of what it does. Reads
``TELEGRAM_BOT_TOKEN`` and ``TELEGRAM_API_BASE_URL`` like the bot itself.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say the same text back."""
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def main() -> None:
    """Poll the fake Bot API until SIGTERM."""
    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .request(HTTPXRequest(connection_pool_size=256))
        .get_updates_request(HTTPXRequest(connection_pool_size=1))
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(True)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
