"""Handlers for questions, menus and their buttons: thin translations onto ``Answerer``."""

from __future__ import annotations

import logging
from pathlib import Path

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.core import callbacks
from bot.core.answering.answerer import Outcome
from bot.core.answering.context import Conversation, chat_key
from bot.core.groups.views import URGENT_START
from bot.core.replies import Reply, ReplyKind
from bot.edge import stretch_sessions
from bot.edge.question_log import count, keep_unanswered, question_for, record
from bot.edge.replying import (
    CAPTION_LIMIT,
    Context,
    command_argument,
    in_group,
    repeated,
    respond,
    toast,
)

log = logging.getLogger(__name__)


def _key(reply: Reply, other: str | None) -> str | None:
    """The reply's name for a group's duplicate window: a menu or entry sent there a moment ago
    is not sent again, whether asked for by command or by button (so both use its button data).
    """
    return callbacks.entry(reply.entry_id) if reply.entry_id else other


async def _send(
    update: Update, context: Context, reply: Reply, key: str | None = None
) -> Message | None:
    """Send a reply; in groups ``key`` names it for the duplicate window (see ``respond``).

    In a private chat an exercise's answer comes with its picture: as one message (the picture,
    the answer as its caption, the buttons under it) when the answer fits a caption, else the
    picture first and the words after it.
    """
    path = _exercise_picture(update, context, reply)
    if path is None:
        return await respond(update, context, reply, key=key)
    state = context.bot_data
    if len(reply.plain()) <= CAPTION_LIMIT:
        sent = await respond(
            update, context, reply, key=key, photo=stretch_sessions.media(state, path)
        )
        if sent is not None and sent.photo:
            stretch_sessions.remember(state, path, sent)
        return sent
    chat_id = update.effective_chat.id if update.effective_chat is not None else 0
    try:
        await stretch_sessions.send_picture(context.bot, state, chat_id, reply.entry_id or "")
    except TelegramError as error:  # the words matter more than the picture
        log.warning("could not send an exercise picture: %s", error)
    return await respond(update, context, reply, key=key)


def _exercise_picture(update: Update, context: Context, reply: Reply) -> Path | None:
    """The picture that goes with ``reply``: an exercise's answer in a private chat."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE or reply.kind is not ReplyKind.ANSWER:
        return None
    kb = context.bot_data.answerer.kb
    entry = kb.entries.get(reply.entry_id or "")
    if entry is None or entry.kind != "exercise":
        return None
    return stretch_sessions.picture(kb, entry.id)


async def start(update: Update, context: Context) -> None:
    """/start: welcome, disclaimer and the main menus.

    ``/start urgent`` (the deep link under a red-flag notice in a group) gives the urgent
    message in full, privately; ``/start urgent-TIER`` that of a tier ("urgent-today").
    """
    answerer = context.bot_data.answerer
    if context.args and len(context.args) == 1 and context.args[0].startswith(URGENT_START):
        tier_id = context.args[0].removeprefix(URGENT_START).removeprefix("-")
        tiers = {tier.id: tier for tier in answerer.kb.red_flags.tiers}
        await _send(update, context, answerer.urgent(tiers.get(tier_id)))
        return
    await _send(update, context, answerer.info("welcome", answerer.fallback().buttons))


async def show_help(update: Update, context: Context) -> None:
    """/help: the commands and how to ask."""
    await _send(update, context, context.bot_data.answerer.info("help"))


async def about(update: Update, context: Context) -> None:
    """/about: what this bot is and where its knowledge comes from."""
    await _send(update, context, context.bot_data.answerer.info("about"))


async def topics(update: Update, context: Context) -> None:
    """/topics: every topic as a button."""
    reply = context.bot_data.answerer.topics()
    await _send(update, context, reply, key=callbacks.TOPICS)
    await shown(update, context, reply)


async def exercises(update: Update, context: Context) -> None:
    """/exercises: the exercises as buttons."""
    reply = context.bot_data.answerer.exercises()
    await _send(update, context, reply, key=callbacks.EXERCISES)
    await shown(update, context, reply)


async def exercise(update: Update, context: Context) -> None:
    """/exercise NAME: one exercise's full instructions."""
    name = command_argument(update.effective_message.text if update.effective_message else "")
    reply = context.bot_data.answerer.exercise(name)
    await _send(update, context, reply, key=_key(reply, f"/exercise {name.lower()}"))
    await shown(update, context, reply)


def _private_key(update: Update) -> str | None:
    """The conversation key of a private chat (groups keep context per bot message instead)."""
    chat = update.effective_chat
    return chat_key(chat.id) if chat is not None and chat.type == ChatType.PRIVATE else None


async def shown(update: Update, context: Context, reply: Reply) -> None:
    """A menu or answer shown in a private chat becomes what "the second one" refers to."""
    key = _private_key(update)
    if key is None:
        return
    store = context.bot_data.conversations
    previous = await store.get(key)
    await store.put(key, (previous or Conversation()).after(reply))


async def ask(update: Update, context: Context) -> None:
    """/ask QUESTION (the way to ask in a group); alone, it explains how."""
    message = update.effective_message
    question = command_argument(message.text if message else "")
    if not question:
        await _send(update, context, context.bot_data.answerer.info("help"))
        return
    await answer_text(update, context, question)


async def question(update: Update, context: Context) -> None:
    """Any text in a private chat is a question."""
    message = update.effective_message
    if message is None or not message.text:
        return
    await answer_text(update, context, message.text)


async def answer_text(update: Update, context: Context, text: str) -> Outcome:
    """Answer one question in the light of the conversation, and record the outcome (no user
    id is ever stored with the text; the conversation lives in memory only)."""
    key = _private_key(update)
    store = context.bot_data.conversations
    earlier = await store.get(key) if key is not None else None
    outcome = context.bot_data.answerer.answer(text, earlier)
    if key is not None:
        await store.put(key, outcome.conversation)
    sent = await _send(update, context, outcome.reply)
    await record(context, text, outcome, sent)
    return outcome


async def unknown_command(update: Update, context: Context) -> None:
    """A mistyped or unknown /command in a private chat: say so instead of staying silent."""
    await _send(update, context, context.bot_data.answerer.info("unknown_command"))


async def not_text(update: Update, context: Context) -> None:
    """Photos, stickers, voice notes in a private chat: say kindly that only text works."""
    await _send(update, context, context.bot_data.answerer.info("not_text"))


async def press(update: Update, context: Context) -> None:
    """A pressed button from a question reply or menu; stale or forged data gets a kind note."""
    query = update.callback_query
    if query is None:
        return
    answerer = context.bot_data.answerer
    data = query.data or ""
    feedback = answerer.feedback(data)
    if feedback is not None:
        entry, helpful = feedback
        await query.answer(toast(context, "feedback_thanks"))
        state = context.bot_data
        if state.has_store:
            await count(context, "helpful" if helpful else "not_helpful")
            asked = question_for(context, query.message)
            if not helpful and asked:
                await keep_unanswered(context, asked, "not_helpful", entry.id)
        return
    if not answerer.is_live(data) and in_group(update.effective_chat):
        # Forged or out-of-date data in a group: an alert on the button, never a chat message
        # (anyone with a client library could otherwise make the bot post into the group).
        await query.answer(toast(context, "stale_button_toast"), show_alert=True)
        return
    closest = callbacks.parse_none_of_these(data)
    if closest is not None:
        await _none_of_these(update, context, closest)
    reply = answerer.press(data)
    if reply is None:
        reply = answerer.info("stale_button")
    key = _key(reply, callbacks.parse_menu(data))
    if key is not None and await repeated(update, context, key):
        await query.answer(toast(context, "answered_above"))
        return
    await query.answer()
    await _send(update, context, reply, key=key)
    await shown(update, context, reply)


async def _none_of_these(update: Update, context: Context, closest: str) -> None:
    """ "None of these" under "Did you mean ...?": keep the question for the maintainers'
    report (its text only, never who asked), like a question that got the fallback."""
    state = context.bot_data
    query = update.callback_query
    asked = question_for(context, query.message if query is not None else None)
    entry = closest if closest in state.answerer.kb.entries else None
    if asked and state.has_store:
        await keep_unanswered(context, asked, "fallback", entry)
    key = _private_key(update)
    if key is not None:  # the options offered were not it: "the second one" means nothing now
        await state.conversations.put(key, None)
