"""The Telegram edge: thin handlers that translate updates into calls on the core and back."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.handlers import errors, questions

PRIVATE_COMMANDS = (
    ("start", "Welcome and how to use the bot"),
    ("topics", "Browse everything I can explain"),
    ("exercises", "The three exercises, step by step"),
    ("exercise", "One exercise, e.g. /exercise pigeon"),
    ("help", "Commands and tips"),
    ("about", "About this bot (not medical advice)"),
)
GROUP_COMMANDS = (
    ("ask", "Ask a question, e.g. /ask how often should I stretch"),
    ("topics", "Browse everything I can explain"),
    ("exercises", "The three exercises, step by step"),
    ("help", "Commands and tips"),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Register every handler, in order. Group 0 holds commands and questions (first match wins)."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", questions.start))
    application.add_handler(CommandHandler("help", questions.show_help))
    application.add_handler(CommandHandler("about", questions.about))
    application.add_handler(CommandHandler("topics", questions.topics))
    application.add_handler(CommandHandler("exercises", questions.exercises))
    application.add_handler(CommandHandler("exercise", questions.exercise))
    application.add_handler(CommandHandler("ask", questions.ask))
    application.add_handler(CallbackQueryHandler(questions.press))
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, questions.question)
    )
    application.add_handler(
        MessageHandler(
            private & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            questions.not_text,
        )
    )
    application.add_error_handler(errors.report_error)


async def set_command_menus(application: Application) -> None:  # type: ignore[type-arg]
    """Publish the command menus: one for private chats, a shorter one for groups."""
    bot = application.bot
    await bot.set_my_commands(
        [BotCommand(n, d) for n, d in PRIVATE_COMMANDS], scope=BotCommandScopeAllPrivateChats()
    )
    await bot.set_my_commands(
        [BotCommand(n, d) for n, d in GROUP_COMMANDS], scope=BotCommandScopeAllGroupChats()
    )
