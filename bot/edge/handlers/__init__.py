"""The Telegram edge: thin handlers that translate updates into calls on the core and back."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.core import callbacks
from bot.core.replies import label
from bot.core.sessions.views import STRETCH_START
from bot.edge.handlers import (
    errors,
    group_breaks,
    groups,
    inline,
    operator,
    privacy,
    questions,
    reminders,
    stretch,
)
from bot.edge.replying import Context

Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]

# The command menus: each command with the text key of its description (knowledge/texts.yaml).
PRIVATE_COMMANDS = (
    ("start", "command_start"),
    ("topics", "command_topics"),
    ("exercises", "command_exercises"),
    ("exercise", "command_exercise"),
    ("help", "command_help"),
    ("about", "command_about"),
    ("remind", "command_remind"),
    ("reminders", "command_reminders"),
    ("timezone", "command_timezone"),
    ("privacy", "command_privacy"),
    ("forget", "command_forget"),
    ("stretch", "command_stretch"),
    ("progress", "command_progress"),
)
GROUP_COMMANDS = (
    ("ask", "command_ask"),
    ("topics", "command_topics"),
    ("exercises", "command_exercises"),
    ("exercise", "command_exercise"),
    ("help", "command_help_group"),
    ("progress", "command_progress_group"),
)
# Group admins see the group menu plus /settings. Operator commands (/stats, /reload) are in no
# menu: only the operators know them.
GROUP_ADMIN_COMMANDS = (
    *GROUP_COMMANDS,
    ("settings", "command_settings"),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Register every handler, in order. Group 0 holds commands and questions (first match wins).

    Group -1 catches a time typed after "⌨️ Another time" (and stops there only then); group 1
    runs after /start to resume reminders paused by a block; group 2 notices the bot's own
    membership changes (added to or removed from a group, blocked in a private chat).
    """
    private = filters.ChatType.PRIVATE
    in_groups = filters.ChatType.GROUPS
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, reminders.typed_time), group=-1
    )
    # Most updates are a question in a private chat: checked first, so they skip the thirty
    # handlers below, none of which can match a private text that is not a command.
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, questions.question)
    )
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, groups.migrated))
    # In groups these three behave differently (group texts, the group answer policy).
    application.add_handler(CommandHandler("start", groups.start, filters=in_groups))
    application.add_handler(CommandHandler("help", groups.show_help, filters=in_groups))
    application.add_handler(CommandHandler("ask", groups.ask, filters=in_groups))
    application.add_handler(
        CommandHandler(
            "start",
            stretch.start_link,
            filters=private & filters.Regex(rf"^/start(@\w+)?\s+{STRETCH_START}(-[a-z0-9-]+)?\s*$"),
        )
    )
    application.add_handler(CommandHandler("start", questions.start))
    application.add_handler(CommandHandler("help", questions.show_help))
    application.add_handler(CommandHandler("about", questions.about))
    application.add_handler(CommandHandler("topics", questions.topics))
    application.add_handler(CommandHandler("exercises", questions.exercises))
    application.add_handler(CommandHandler("exercise", questions.exercise))
    application.add_handler(CommandHandler("ask", questions.ask))
    application.add_handler(CommandHandler("remind", reminders.remind))
    application.add_handler(CommandHandler("reminders", reminders.list_reminders))
    application.add_handler(CommandHandler("timezone", reminders.timezone))
    application.add_handler(CommandHandler("privacy", privacy.privacy))
    application.add_handler(CommandHandler("forget", privacy.forget))
    application.add_handler(CommandHandler("settings", groups.settings_command))
    application.add_handler(CommandHandler("stretch", stretch.stretch))
    application.add_handler(CommandHandler("progress", group_breaks.summary, filters=in_groups))
    application.add_handler(CommandHandler("progress", stretch.progress))
    application.add_handler(CommandHandler("stats", operator.stats))
    application.add_handler(CommandHandler("reload", operator.reload))
    # Our button prefixes first: questions.press answers every other button. (PTB lets a
    # pattern handler match empty data, so ``_only`` hands that on to questions.press.)
    for prefix, callback in (
        (callbacks.REMINDER, reminders.press),
        (callbacks.TIMEZONE, reminders.timezone_press),
        (callbacks.PRIVACY, privacy.press),
        (callbacks.SETTINGS, groups.settings_press),
        (callbacks.GROUP_START, group_breaks.start_press),
        (callbacks.SESSION, stretch.press),
    ):
        application.add_handler(
            CallbackQueryHandler(_only(prefix, callback), pattern=f"^{re.escape(prefix)}")
        )
    application.add_handler(CallbackQueryHandler(questions.press))
    application.add_handler(InlineQueryHandler(inline.answer))
    application.add_handler(
        MessageHandler(
            in_groups & filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE,
            groups.message,
        )
    )
    application.add_handler(
        MessageHandler(
            private & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            questions.not_text,
        )
    )
    application.add_handler(MessageHandler(private & filters.COMMAND, questions.unknown_command))
    application.add_handler(CommandHandler("start", reminders.resume), group=1)
    application.add_handler(
        ChatMemberHandler(_membership, ChatMemberHandler.MY_CHAT_MEMBER), group=2
    )
    application.add_error_handler(errors.report_error)


async def _membership(update: Update, context: Context) -> None:
    """The bot's own membership changed: a private chat (blocked?) or a group (added, removed)."""
    change = update.my_chat_member
    if change is not None and change.chat.type == ChatType.PRIVATE:
        await reminders.membership(update, context)
    else:
        await groups.membership(update, context)


def _only(prefix: str, callback: Callback) -> Callback:
    """``callback`` for buttons whose data starts with ``prefix``; questions.press for the rest."""

    async def handle(update: Update, context: Context) -> None:
        query = update.callback_query
        if query is not None and (query.data or "").startswith(prefix):
            await callback(update, context)
        else:
            await questions.press(update, context)

    return handle


async def set_command_menus(application: Application) -> None:  # type: ignore[type-arg]
    """Publish the command menus: private chats, groups, and group admins (with /settings)."""
    bot = application.bot
    texts = application.bot_data.answerer.kb.texts

    def menu(commands: tuple[tuple[str, str], ...]) -> list[BotCommand]:
        return [BotCommand(name, label(texts, key)) for name, key in commands]

    await bot.set_my_commands(menu(PRIVATE_COMMANDS), scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(menu(GROUP_COMMANDS), scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands(
        menu(GROUP_ADMIN_COMMANDS), scope=BotCommandScopeAllChatAdministrators()
    )
