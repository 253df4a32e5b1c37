"""Logging set-up that can never print the bot token, nor what people wrote or who they are.

httpx logs every request URL, and Telegram's URLs contain the token (``/bot<token>/getMe``);
exceptions raised by the network stack can carry the same URL. Rather than trusting every logger,
the one formatter redacts the token, and anything shaped like a token, from the final text.

At DEBUG, libraries log content: python-telegram-bot every update and every API call with its
parameters and result (message texts, names, usernames, ids), aiosqlite every statement with
its values, httpx and httpcore every request. /privacy promises none of that is kept, so
aiosqlite, httpx, httpcore and watchfiles are held at INFO or WARNING whatever ``LOG_LEVEL``
says, and python-telegram-bot's DEBUG lines keep their wording (which method, which step) with
every payload replaced by ``[content not logged]``. README.md says what each level contains.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping

_TOKEN_LIKE = re.compile(r"\d{3,15}:[A-Za-z0-9_-]{30,64}")
REDACTED = "[REDACTED-TOKEN]"
NOT_LOGGED = "[content not logged]"

# Libraries whose lower levels carry content or noise, and the least level they log at.
LIBRARY_FLOORS = {
    "httpx": logging.WARNING,  # one INFO line per request, with the token in the URL
    "httpcore": logging.WARNING,  # DEBUG: headers and connection steps
    "aiosqlite": logging.INFO,  # DEBUG: every statement with its values (texts, ids)
    "watchfiles": logging.WARNING,  # INFO: "1 change detected"; the reloader says what matters
    "uvicorn": logging.WARNING,  # INFO: server start/stop steps; the bot logs what matters
}
_PLAIN_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")  # e.g. an API method name


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


def _plain(value: object) -> bool:
    return (
        value is None
        or isinstance(value, bool)
        or (isinstance(value, str) and _PLAIN_WORD.match(value) is not None)
    )


def without_content(record: logging.LogRecord) -> bool:
    """python-telegram-bot's DEBUG lines keep their words; their arguments (updates, API
    parameters and results, chat keys) become NOT_LOGGED unless they are a plain name."""
    if record.levelno < logging.INFO and record.name.startswith("telegram") and record.args:
        if isinstance(record.args, Mapping):
            record.args = dict.fromkeys(record.args, NOT_LOGGED)
        else:
            record.args = tuple(arg if _plain(arg) else NOT_LOGGED for arg in record.args)
    return True


def setup_logging(level: str, secrets: tuple[str, ...] = ()) -> None:
    """Send logs to stderr through the redacting formatter; keep library content out."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_without_startup_traceback)
    handler.addFilter(without_content)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
