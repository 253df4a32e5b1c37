"""The group flood guards behind one async interface, so replicas can share them.

Before the bot speaks in a group it asks :meth:`GroupGuards.admit`: not when the same question
was answered there within the duplicate window, not when the group's one-minute message budget
is spent (urgent notices may use the reserve), otherwise yes, and the send and the question are
counted in the same step. :class:`MemoryGroupGuards` keeps this in one process (the default, with
SQLite); the PostgreSQL backend keeps it in the database so every replica sees every send.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Protocol

from bot.core.groups.policy import DuplicateGuard, RateBudget, repeats

__all__ = ["Admission", "GroupGuards", "MemoryGroupGuards", "repeats"]


class Admission(Enum):
    """Whether a reply may go to a group now."""

    SEND = "send"
    REPEAT = "repeat"  # the same question was answered there within the window
    BUSY = "busy"  # the group's message budget is spent


class GroupGuards(Protocol):
    """The duplicate-question window and the message budget of every group."""

    async def is_repeat(self, chat_id: int, key: str, now: datetime) -> bool:
        """Whether ``key`` was answered in the group within the window (nothing counted)."""
        ...

    async def admit(
        self, chat_id: int, key: str | None, now: datetime, cost: int, *, urgent: bool = False
    ) -> Admission:
        """May ``cost`` messages (answering ``key``, if any) go to the group now? SEND counts
        them (and remembers ``key``) in the same step; REPEAT and BUSY count nothing."""
        ...

    async def migrate(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: what it used and was answered moves with it."""
        ...

    async def forget(self, chat_id: int) -> None:
        """The bot left the group: drop what was counted."""
        ...


class MemoryGroupGuards:
    """:class:`GroupGuards` in this process's memory (bounded; see the two guards)."""

    def __init__(self, duplicates: DuplicateGuard, budget: RateBudget) -> None:
        self.duplicates = duplicates
        self.budget = budget

    async def is_repeat(self, chat_id: int, key: str, now: datetime) -> bool:
        """Whether ``key`` was answered in the group within the window."""
        return self.duplicates.is_repeat(chat_id, key, now)

    async def admit(
        self, chat_id: int, key: str | None, now: datetime, cost: int, *, urgent: bool = False
    ) -> Admission:
        """See :meth:`GroupGuards.admit`."""
        if key is not None and self.duplicates.is_repeat(chat_id, key, now):
            return Admission.REPEAT
        if not self.budget.allow(chat_id, now, cost, urgent=urgent):
            return Admission.BUSY
        if key is not None:
            self.duplicates.remember(chat_id, key, now)
        return Admission.SEND

    async def migrate(self, old_id: int, new_id: int) -> None:
        """Move the group's counts to its new id."""
        self.duplicates.migrate(old_id, new_id)
        self.budget.migrate(old_id, new_id)

    async def forget(self, chat_id: int) -> None:
        """Drop the group's counts."""
        self.duplicates.forget(chat_id)
        self.budget.forget(chat_id)
