"""Replies as Telegram-ready HTML strings and button layouts, independent of the Telegram library.

The core describes a reply (text, buttons); the Telegram edge turns it into API calls. Keeping the
shape here lets the CLI print exactly what the bot would send, and keeps every message within
Telegram's 4096-character limit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from html import escape, unescape

from bot.core import callbacks
from bot.core.knowledge import Entry, fill

MESSAGE_LIMIT = 4096
_TAG = re.compile(r"<[^>]+>")


class ReplyKind(Enum):
    """What sort of reply this is; drives logging, statistics and group behaviour."""

    ANSWER = "answer"
    UNSURE = "unsure"
    FALLBACK = "fallback"
    URGENT = "urgent"
    INFO = "info"


@dataclass(frozen=True)
class Button:
    """An inline button: either callback data for the bot, or a URL to open."""

    label: str
    data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("a button needs exactly one of data or url")
        if self.data is not None and not callbacks.fits(self.data):
            raise ValueError(f"callback data over {callbacks.LIMIT} bytes: {self.data!r}")


@dataclass(frozen=True)
class Reply:
    """One reply from the core: HTML text plus rows of buttons."""

    kind: ReplyKind
    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    entry_id: str | None = None

    @property
    def parts(self) -> list[str]:
        """The text split into messages that each fit Telegram's limit."""
        return split_message(self.html)

    def plain(self) -> str:
        """The text without tags, for terminals and logs."""
        return to_plain(self.html)


def to_plain(html: str) -> str:
    """Strip tags and unescape entities: what a person would read."""
    return unescape(_TAG.sub("", html))


def label(texts: Mapping[str, str], key: str, **values: object) -> str:
    """A button label or pop-up from ``texts.yaml``, placeholders filled in, as plain text."""
    return to_plain(fill(texts[key], **values))


def render_entry(entry: Entry, disclaimer: str) -> str:
    """An entry as a full answer: title, answer, numbered steps, and the disclaimer."""
    lines = [f"<b>{escape(entry.title)}</b>", "", entry.answer.strip()]
    if entry.steps:
        lines.append("")
        lines.extend(f"{number}. {step}" for number, step in enumerate(entry.steps, start=1))
    lines += ["", f"<i>{disclaimer.strip()}</i>"]
    return "\n".join(lines)


def rows(buttons: list[Button], per_row: int = 2) -> tuple[tuple[Button, ...], ...]:
    """Lay buttons out in rows of ``per_row``."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def split_message(html: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split HTML at blank lines (then lines) so each part fits ``limit`` characters.

    Answers are written as balanced paragraphs, so splitting between paragraphs keeps the tags
    balanced; a single paragraph longer than the limit is sent as plain text in slices.
    """
    if len(html) <= limit:
        return [html]
    parts: list[str] = []
    current = ""
    for paragraph in re.split(r"(\n\n)", html):
        if len(current) + len(paragraph) <= limit:
            current += paragraph
            continue
        if current.strip():
            parts.append(current.strip("\n"))
        current = paragraph if paragraph != "\n\n" else ""
        while len(current) > limit:
            plain = escape(to_plain(current), quote=False)
            cut = plain.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            while (
                "&" in plain[max(0, cut - 8) : cut]
                and ";" not in plain[plain.rfind("&", 0, cut) : cut]
            ):
                cut -= 1  # never cut an entity such as &amp; in half
            parts.append(plain[:cut].strip())
            current = plain[cut:]
    if current.strip():
        parts.append(current.strip("\n"))
    return parts
