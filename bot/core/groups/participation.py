"""Who already counted in a group's stretch breaks this week, without keeping who.

A group sees "N people stretched this week". To count a person once per week (a Done press and
a Start press, or two breaks, are one person) the bot must recognise a second press, but must
not keep an identity. So each group's week gets a fresh random key, made when the week's first
press comes; a press is remembered only as a 64-bit keyed hash (BLAKE2b) of the user id under
that key. Key and hashes live in memory only, are never written anywhere, and are dropped
together when the group's week changes, the group leaves, the bot restarts, or memory is
needed for other groups. The database keeps only the number per group and week.

The cost of forgetting: after a restart (or an eviction) someone who already counted this week
may count again, so the figure can be a little high; it is never linked to a person.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

__all__ = ["WeeklyParticipants"]


@dataclass
class _GroupWeek:
    week: date
    key: bytes = field(default_factory=lambda: secrets.token_bytes(16), repr=False)
    seen: set[int] = field(default_factory=set, repr=False)


class WeeklyParticipants:
    """Per group, the keyed hashes of this week's participants; bounded in total."""

    def __init__(self, max_hashes: int = 100_000) -> None:
        self._max_hashes = max_hashes
        self._groups: OrderedDict[int, _GroupWeek] = OrderedDict()
        self._size = 0

    def __len__(self) -> int:
        """Hashes held now (for tests and memory checks)."""
        return self._size

    def first_time(self, chat_id: int, week: date, user_id: int) -> bool:
        """Whether this person counts in this group's ``week`` (True once, then False)."""
        entry = self._groups.get(chat_id)
        if entry is None or entry.week != week:
            if entry is not None:
                self._size -= len(entry.seen)  # a new week: the old key and hashes go
            entry = self._groups[chat_id] = _GroupWeek(week)
        self._groups.move_to_end(chat_id)
        digest = hashlib.blake2b(
            user_id.to_bytes(8, "big", signed=True), key=entry.key, digest_size=8
        ).digest()
        hashed = int.from_bytes(digest)
        if hashed in entry.seen:
            return False
        entry.seen.add(hashed)
        self._size += 1
        while self._size > self._max_hashes and len(self._groups) > 1:
            _, oldest = self._groups.popitem(last=False)  # the group quiet the longest
            self._size -= len(oldest.seen)
        return True

    def forget(self, chat_id: int) -> None:
        """The bot left the group: drop its key and hashes."""
        entry = self._groups.pop(chat_id, None)
        if entry is not None:
            self._size -= len(entry.seen)

    def migrate(self, old: int, new: int) -> None:
        """A group became a supergroup: its week goes on under the new id."""
        entry = self._groups.pop(old, None)
        if entry is not None and new not in self._groups:
            self._groups[new] = entry
        elif entry is not None:
            self._size -= len(entry.seen)
