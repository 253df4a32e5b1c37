"""Handlers for questions, menus and their buttons: thin translations onto ``Answerer``."""

from __future__ import annotations

import logging

from telegram import MaybeInaccessibleMessage, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.core.answering.answerer import EXERCISES, TOPICS, Outcome
from bot.core.replies import Reply, ReplyKind
from bot.edge import stretch_sessions
from bot.edge.handlers.common import Context, command_argument, repeated, respond

log = logging.getLogger(__name__)


RECENT_QUESTIONS = 20  # per chat, in memory only: lets "Not helpful" log the question asked
# Names of replies for a group's duplicate window: a menu or entry sent there a moment ago is
# not sent again, whether asked for by command or by button.
MENU_KEYS = {TOPICS: "/topics", EXERCISES: "/exercises"}


def _key(reply: Reply, other: str | None) -> str | None:
    return f"entry {reply.entry_id}" if reply.entry_id else other


async def _send(
    update: Update, context: Context, reply: Reply, key: str | None = None
) -> Message | None:
    """Send a reply; in groups ``key`` names it for the duplicate window (see ``respond``)."""
    await _exercise_picture(update, context, reply)
    return await respond(update, context, reply, key=key)


async def _exercise_picture(update: Update, context: Context, reply: Reply) -> None:
    """In a private chat, an exercise's answer comes after its picture (best effort)."""
    chat = update.effective_chat
    entry = context.bot_data.answerer.kb.entries.get(reply.entry_id or "")
    if chat is None or chat.type != ChatType.PRIVATE or reply.kind is not ReplyKind.ANSWER:
        return
    if entry is None or entry.kind != "exercise":
        return
    try:
        await stretch_sessions.send_picture(context.bot, context.bot_data, chat.id, entry.id)
    except TelegramError as error:  # the words matter more than the picture
        log.warning("could not send an exercise picture: %s", error)


async def start(update: Update, context: Context) -> None:
    """/start: welcome, disclaimer and the main menus.

    ``/start urgent`` (the deep link under a red-flag notice in a group) gives the urgent-care
    message in full, privately.
    """
    answerer = context.bot_data.answerer
    if context.args == ["urgent"]:
        await _send(update, context, answerer.urgent())
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
    await _send(update, context, context.bot_data.answerer.topics(), key=MENU_KEYS[TOPICS])


async def exercises(update: Update, context: Context) -> None:
    """/exercises: the exercises as buttons."""
    await _send(update, context, context.bot_data.answerer.exercises(), key=MENU_KEYS[EXERCISES])


async def exercise(update: Update, context: Context) -> None:
    """/exercise NAME: one exercise's full instructions."""
    name = command_argument(update.effective_message.text if update.effective_message else "")
    reply = context.bot_data.answerer.exercise(name)
    await _send(update, context, reply, key=_key(reply, f"/exercise {name.lower()}"))


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
    """Answer one question and record the outcome (no user id is ever stored with the text)."""
    outcome = context.bot_data.answerer.answer(text)
    sent = await _send(update, context, outcome.reply)
    await record(context, text, outcome, sent)
    return outcome


async def record(context: Context, text: str, outcome: Outcome, sent: Message | None) -> None:
    """After a question was answered: remember it for "Not helpful", and count the outcome."""
    state = context.bot_data
    if (
        sent is not None
        and outcome.reply.kind is ReplyKind.ANSWER
        and context.chat_data is not None
    ):
        recent = context.chat_data.setdefault("asked", {})
        recent[sent.message_id] = text
        while len(recent) > RECENT_QUESTIONS:
            recent.pop(next(iter(recent)))
    if outcome.red_flag is not None:
        log.info("red flag %s answered with the urgent message", outcome.red_flag.flag_id)
    if state.has_store:
        answered = outcome.reply.kind is ReplyKind.ANSWER
        await state.store.increment_stat("answered" if answered else "unanswered")
        if outcome.reply.kind is ReplyKind.FALLBACK and state.settings.store_unanswered:
            best = outcome.match.best if outcome.match else None
            await state.store.record_unanswered(
                text, "fallback", best.entry_id if best else None, state.clock()
            )


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
        await query.answer("Thanks for the feedback! 🙏")
        state = context.bot_data
        if state.has_store:
            await state.store.increment_stat("helpful" if helpful else "not_helpful")
            asked = _question_for(context, query.message)
            if not helpful and asked and state.settings.store_unanswered:
                await state.store.record_unanswered(asked, "not_helpful", entry.id, state.clock())
        return
    reply = answerer.press(data)
    if reply is None:
        reply = answerer.info("stale_button")
    key = _key(reply, MENU_KEYS.get(data))
    if key is not None and repeated(update, context, key):
        await query.answer("☝️ That was just answered above.")
        return
    await query.answer()
    await _send(update, context, reply, key=key)


def _question_for(context: Context, message: MaybeInaccessibleMessage | None) -> str:
    """The question an answer (and so its feedback button) was given for, if still remembered."""
    if message is None or context.chat_data is None:
        return ""
    text = context.chat_data.get("asked", {}).get(message.message_id, "")
    return text if isinstance(text, str) else ""
