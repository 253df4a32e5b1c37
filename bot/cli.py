"""Command-line interface: run the bot, or try and check the knowledge base without Telegram.

``python -m bot`` (or ``backcare-bot``) with no command runs the bot. Every other command works
without a token, so anyone can try the knowledge base on their own machine.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bot.core.answering.answerer import Answerer, Outcome
from bot.core.answering.context import Conversation
from bot.core.knowledge import KnowledgeBase, KnowledgeError, fill, load_knowledge
from bot.core.replies import Reply, ReplyKind
from bot.core.safety.explain import explain_lines

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2
COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@\w+)?(?=\s|$)")  # as Telegram reads a command


def _default_knowledge_dir() -> Path:
    return Path(os.environ.get("KNOWLEDGE_DIR") or "knowledge")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the test that every command is documented)."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="BackCare bot: answers hip-flexor and lower-back-pain questions on Telegram.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run the Telegram bot (the default); needs TELEGRAM_BOT_TOKEN",
        description="Run the bot: long polling, or a webhook server when WEBHOOK_URL is set. "
        "Settings come from the environment and .env.",
    )
    mode = run.add_mutually_exclusive_group()
    mode.add_argument(
        "--webhook",
        action="store_true",
        help="refuse to start unless WEBHOOK_URL is set (the Procfile's web process)",
    )
    mode.add_argument(
        "--polling",
        action="store_true",
        help="refuse to start if WEBHOOK_URL is set (the Procfile's worker process)",
    )

    ask = commands.add_parser(
        "ask",
        help="print the reply the bot would give to a question",
        description="Print the reply the bot would give, without Telegram or a token.",
    )
    ask.add_argument("question", nargs="+", help="the question, e.g. 'how do I do pigeon pose'")
    ask.add_argument(
        "--explain",
        action="store_true",
        help="show red-flag mentions and their context, the conversation, candidates and band",
    )
    ask.add_argument(
        "--after",
        action="append",
        default=[],
        metavar="MESSAGE",
        help="an earlier message of the same conversation (repeat for several, oldest first)",
    )
    _knowledge_option(ask)

    chat = commands.add_parser(
        "chat",
        help="talk to the bot in the terminal",
        description="An interactive conversation with the bot's core. Type /topics, /exercises, "
        "a question, or a number to press a button. Ctrl+D or /quit to leave.",
    )
    _knowledge_option(chat)

    kb = commands.add_parser("kb", help="knowledge-base tools", description="Knowledge-base tools.")
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)
    check = kb_commands.add_parser(
        "check",
        help="validate the knowledge base and report conflicts",
        description="Validate every file, then report phrasings that match another entry better.",
    )
    check.add_argument(
        "directory", nargs="?", type=Path, help="knowledge folder (default: knowledge)"
    )
    check.add_argument("--strict", action="store_true", help="treat warnings as problems")

    from bot.tools import copy_to_postgres, evaluation, report

    evaluation.add_commands(commands, _knowledge_option)
    _knowledge_option(report.add_command(commands))
    copy_to_postgres.add_command(commands)
    return parser


def _knowledge_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--knowledge",
        type=Path,
        default=None,
        metavar="DIR",
        help="knowledge folder (default: $KNOWLEDGE_DIR or knowledge)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run a command; returns the process exit status."""
    try:
        status = _main(argv)
        sys.stdout.flush()  # inside the try: a closed pipe shows up here, not at exit
    except BrokenPipeError:
        # The reader went away (``ask ... | head``): stop quietly, as the recipe in Python's
        # signal docs does; stdout goes to devnull so the final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PROBLEM
    return status


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "run"
    try:
        if command == "run":
            return _run(
                webhook=getattr(args, "webhook", False), polling=getattr(args, "polling", False)
            )
        if command == "ask":
            return _ask(args)
        if command == "chat":
            return _chat(args)
        if command == "kb":
            from bot.tools import kb_check

            return kb_check.kb_check(args.directory or _default_knowledge_dir(), strict=args.strict)
        if command == "copy-to-postgres":
            from bot.tools import copy_to_postgres

            return copy_to_postgres.run(args)
        if command == "report":
            from bot.tools import report

            return report.run(_load(args), args)
        from bot.tools import evaluation

        return evaluation.run_command(command, args, _load(args))
    except KnowledgeError as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return EXIT_OK


def _load(args: argparse.Namespace) -> KnowledgeBase:
    return load_knowledge(getattr(args, "knowledge", None) or _default_knowledge_dir())


def _run(*, webhook: bool = False, polling: bool = False) -> int:
    # Opt in to python-telegram-bot's timedelta durations now, instead of a deprecation warning
    # from its rate limiter later.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    from bot.app import BotStopped, StartupError, run
    from bot.config import ConfigError, load_settings
    from bot.logs import setup_logging

    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration problem: {error}", file=sys.stderr)
        return EXIT_USAGE
    if webhook and not settings.webhook_url:
        print(
            "Configuration problem: this process serves Telegram's webhook (run --webhook), but "
            "WEBHOOK_URL is not set. Set WEBHOOK_URL and WEBHOOK_SECRET, or run the polling "
            "worker instead.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if polling and settings.webhook_url:
        print(
            "Configuration problem: this process polls Telegram (run --polling), but WEBHOOK_URL "
            "is set, and Telegram sends updates to a webhook or to a poller, never both. Run the "
            "web process instead, or unset WEBHOOK_URL.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    setup_logging(settings.log_level, (settings.token, settings.secret))
    try:
        run(settings)
    except KnowledgeError as error:
        print(f"The bot did not start. {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except BotStopped as error:  # it ran, then stopped itself (e.g. another poller)
        print(f"The bot stopped. {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except StartupError as error:
        print(f"The bot did not start. {error}", file=sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK


def print_reply(reply: Reply, *, numbered: bool = False) -> list[str]:
    """Print a reply as a person would read it; returns the callback data of its buttons."""
    print(reply.plain())
    data: list[str] = []
    for row in reply.buttons:
        for button in row:
            if button.data is not None:
                data.append(button.data)
                label = f"[{len(data)}] {button.label}" if numbered else f"[{button.label}]"
            else:
                label = f"[{button.label} -> {button.url}]"
            print(f"  {label}")
    return data


def explain(outcome: Outcome, kb: KnowledgeBase, context: Conversation | None = None) -> None:
    """Print why the answerer replied as it did (``context``: what it was read against)."""
    print("\n--- explain ---")
    if outcome.safety is not None:
        print("\n".join(explain_lines(outcome.safety)))
        if outcome.safety.alarm:
            print("red flags are decided first, for messages of any length, and an alarm wins.")
            return
    reading = outcome.reading
    if context is not None:
        print(
            f"context: topic {context.topic or '-'}, last list "
            f"{', '.join(context.options) or '-'}, detail {context.detail or '-'}, "
            f"{context.turns} message(s) ago"
        )
    else:
        print("context: none")
    if reading is not None:
        what = reading.entry_id or reading.subject or ", ".join(reading.options) or "-"
        detail = f" (detail: {reading.detail})" if reading.detail else ""
        print(f"reading: {reading.kind} {what}{detail}")
        for note in reading.notes:
            print(f"  {note}")
    match = outcome.match
    if match is None:
        print(f"reply kind: {outcome.reply.kind.value}")
        return
    print(f"terms: {' '.join(match.terms) or '(none)'}")
    if match.corrections:
        print("spelling fixed: " + ", ".join(f"{a} -> {b}" for a, b in match.corrections))
    print(f"band: {match.band.value}")
    for rank, candidate in enumerate(match.candidates, start=1):
        entry = kb.entries[candidate.entry_id]
        print(
            f"{rank}. {candidate.entry_id} ({entry.file}) score {candidate.score:.1f}  "
            f"[phrasing {candidate.similarity:.2f}, coverage {candidate.coverage:.2f}]"
        )
        if candidate.phrasing:
            print(f"   closest phrasing: {candidate.phrasing!r}")


def _ask(args: argparse.Namespace) -> int:
    kb = _load(args)
    answerer = Answerer(kb)
    context: Conversation | None = None
    for earlier in args.after:
        context = answerer.answer(earlier, context).conversation
    question = " ".join(args.question)
    outcome = answerer.answer(question, context)
    print_reply(outcome.reply)
    if args.explain:
        # The answer stops reading a long message at a certain alarm: show every mention.
        if outcome.safety is not None and not outcome.safety.complete:
            outcome = replace(outcome, safety=answerer.assess(question))
        explain(outcome, kb, context)
    return EXIT_OK


def _chat(args: argparse.Namespace) -> int:
    kb = _load(args)
    answerer = Answerer(kb)
    print("Type a question, /topics, /exercises, a button number, or /quit.\n")
    print_reply(answerer.info("welcome"))
    buttons: list[str] = []
    talk = _Talk()
    while True:
        try:
            line = input("\nyou> ").strip()
        except EOFError:
            print()
            return EXIT_OK
        if not line:
            continue
        if line in {"/quit", "/exit"}:
            return EXIT_OK
        print()
        reply = _chat_reply(answerer, line, buttons, talk)
        buttons = print_reply(reply, numbered=True)


class _Talk:
    """The terminal conversation's context (one person, in memory)."""

    def __init__(self) -> None:
        self.context: Conversation | None = None

    def saw(self, reply: Reply) -> Reply:
        self.context = (self.context or Conversation()).after(reply)
        return reply


def _chat_reply(answerer: Answerer, line: str, buttons: list[str], talk: _Talk) -> Reply:
    if line.isdigit() and 1 <= int(line) <= len(buttons):
        data = buttons[int(line) - 1]
        pressed = answerer.press(data)
        if pressed is not None:
            return talk.saw(pressed)
        if answerer.feedback(data) is not None:
            return answerer.info("help")  # nothing to record in the terminal; show what is next
        return answerer.info("stale_button")
    found = COMMAND.match(line)
    if found is None:
        return _ask_in_chat(answerer, line, talk)
    command, rest = found[1].lower(), line[found.end() :].strip()
    simple = {"start": "welcome", "help": "help", "about": "about"}
    if command in simple:
        return answerer.info(simple[command])
    if command == "topics":
        return talk.saw(answerer.topics())
    if command == "exercises":
        return talk.saw(answerer.exercises())
    if command == "exercise":
        return talk.saw(answerer.exercise(rest))
    if command == "ask":
        return _ask_in_chat(answerer, rest, talk)
    if command in _telegram_commands():
        return Reply(
            ReplyKind.INFO, fill(answerer.kb.texts["chat_telegram_only"], command=f"/{command}")
        )
    return answerer.info("unknown_command")


def _ask_in_chat(answerer: Answerer, question: str, talk: _Talk) -> Reply:
    """A question in the terminal chat, read in the light of the conversation so far."""
    outcome = answerer.answer(question, talk.context)
    talk.context = outcome.conversation
    return outcome.reply


def _telegram_commands() -> set[str]:
    """Commands of the Telegram bot's menus (reminders, /privacy, /settings, ...)."""
    from bot.edge.handlers import GROUP_ADMIN_COMMANDS, PRIVATE_COMMANDS

    return {name for name, _ in (*PRIVATE_COMMANDS, *GROUP_ADMIN_COMMANDS)}
