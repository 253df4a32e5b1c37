"""Logging set-up that can never print the bot token.

httpx logs every request URL, and Telegram's URLs contain the token (``/bot<token>/getMe``);
exceptions raised by the network stack can carry the same URL. Rather than trusting every logger,
the one formatter redacts the token, and anything shaped like a token, from the final text.
"""

from __future__ import annotations

import logging
import re
import sys

_TOKEN_LIKE = re.compile(r"\d{3,15}:[A-Za-z0-9_-]{30,64}")
REDACTED = "[REDACTED-TOKEN]"


class RedactingFormatter(logging.Formatter):
    """Formats records as usual, then removes secrets from the whole text, tracebacks included."""

    def __init__(self, fmt: str, secrets: tuple[str, ...] = ()) -> None:
        super().__init__(fmt)
        self._secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._secrets)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove the given secrets and any token-shaped string from ``text``."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return _TOKEN_LIKE.sub(REDACTED, text)


def _without_startup_traceback(record: logging.LogRecord) -> bool:
    """Keep the library's start-up failure line but not its traceback: the CLI explains it."""
    if record.name.startswith("telegram.ext") and "Bootstrap" in record.getMessage():
        record.exc_info = None
        record.exc_text = None
    return True


def setup_logging(level: str, secrets: tuple[str, ...] = ()) -> None:
    """Send logs to stderr through the redacting formatter; quieten chatty HTTP loggers."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_without_startup_traceback)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs each request line at INFO with the token in the URL; the formatter would redact
    # it, but these lines are noise anyway (one per long poll).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # At DEBUG python-telegram-bot logs every update and every API call whole: user ids, names,
    # usernames and message texts, which /privacy promises are not kept. Its DEBUG lines are
    # never wanted; LOG_LEVEL=DEBUG means the bot's own debugging lines (which name no one).
    logging.getLogger("telegram").setLevel(max(logging.getLevelName(level), logging.INFO))
