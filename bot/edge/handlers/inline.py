"""Inline mode: "@BotName question" in any chat offers answers to pick.

The choice of answers is the core's (``bot.core.answering.inline_results``).
"""

from __future__ import annotations

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode

from bot.core.answering.inline_results import inline_items
from bot.core.replies import Button, label
from bot.edge.keyboards import markup
from bot.edge.replying import NO_PREVIEW, Context, texts

CACHE_SECONDS = 30  # short: a knowledge-base edit shows up soon
START_PARAMETER = "inline"


async def answer(update: Update, context: Context) -> None:
    """Answer an inline query with articles; always offer a private chat as well."""
    query = update.inline_query
    if query is None:
        return
    username = context.bot.username
    ask_more = Button(label(texts(context), "button_ask_more"), url=f"https://t.me/{username}")
    more = markup(((ask_more,),)) if username else None
    results = [
        InlineQueryResultArticle(
            id=item.id,
            title=item.title,
            description=item.description,
            input_message_content=InputTextMessageContent(
                item.html, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
            ),
            reply_markup=more,
        )
        for item in inline_items(context.bot_data.answerer, query.query)
    ]
    await query.answer(
        results,
        cache_time=CACHE_SECONDS,
        is_personal=False,
        button=InlineQueryResultsButton(
            label(texts(context), "button_ask_privately"), start_parameter=START_PARAMETER
        ),
    )
