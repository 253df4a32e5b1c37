"""The records the bot keeps (chats, reminders, deliveries, unanswered questions) and the
domain errors of keeping them.

They are plain data, defined in the core so that core views and services can speak about them
without importing the database layer; ``bot.storage`` fills them from rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "Chat",
    "ClaimBatch",
    "Delivery",
    "DuplicateReminder",
    "Reminder",
    "StorageError",
    "TooManyReminders",
    "Unanswered",
    "UnknownChat",
]


class StorageError(Exception):
    """Base class of the store's domain errors: the class says what happened, its attributes
    the details; the views word it for people from ``knowledge/texts.yaml``."""


class UnknownChat(StorageError, LookupError):  # noqa: N818 (a domain name reads better)
    """The chat has no row (never seen, or forgotten); call ``upsert_chat`` first."""

    def __init__(self, chat_id: int) -> None:
        self.chat_id = chat_id
        super().__init__(chat_id)


class TooManyReminders(StorageError):  # noqa: N818 (a domain name reads better)
    """A chat hit its reminder cap; the cap stops one chat from flooding the dispatcher."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        super().__init__(cap)


class DuplicateReminder(StorageError):  # noqa: N818 (a domain name reads better)
    """Same time and days as an existing reminder, which would only send the nudge twice."""

    def __init__(self, existing: Reminder) -> None:
        self.existing = existing
        super().__init__(existing.id)


@dataclass(frozen=True, slots=True)
class Chat:
    """A private chat or group the bot knows, with its time zone and settings."""

    chat_id: int
    kind: str
    timezone: str
    created_at: datetime
    settings: dict[str, Any]

    @property
    def zone(self) -> ZoneInfo:
        """The chat's time zone as a ZoneInfo."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class Reminder:
    """A recurring reminder: a local wall-clock time on some weekdays in the chat's zone."""

    id: int
    chat_id: int
    local_time: time
    days: frozenset[int]
    next_due: datetime
    enabled: bool
    sent_count: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message to send: what the sender needs, without a second look-up.

    ``seq`` counts the reminder's deliveries (0, 1, 2, ...) so messages can rotate through
    exercises; a snooze repeats the ``seq`` of the message it snoozed.
    """

    id: int
    reminder_id: int
    chat_id: int
    due: datetime
    seq: int
    attempts: int
    local_time: time
    snoozed: bool
    chat_kind: str = "private"  # "group"/"supergroup" deliveries get the group message


@dataclass(frozen=True, slots=True)
class Unanswered:
    """A question the knowledge base failed on; there is deliberately no user or chat."""

    id: int
    text: str
    reason: str
    entry_id: str | None
    created_at: datetime


class ClaimBatch(list[Delivery]):
    """What :meth:`Store.claim_due` returns: the deliveries, plus how many were skipped as stale."""

    def __init__(self, deliveries: Iterable[Delivery] = (), skipped: int = 0) -> None:
        super().__init__(deliveries)
        self.skipped = skipped

    @property
    def empty(self) -> bool:
        """Nothing claimed and nothing skipped: the dispatcher can stop looping."""
        return not self and not self.skipped
