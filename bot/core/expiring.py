"""A bounded map whose entries expire: per-chat memory that follows the people active now.

Per-chat state kept in a plain dict (or python-telegram-bot's ``chat_data``) grows with everyone
who ever wrote, and is never freed. What the bot must remember about a chat for a while (which
question an answer was for; that someone is about to type a time) goes here instead: every entry
lives ``lifetime`` by the injected clock, and beyond ``capacity`` the oldest goes first. All
entries share one lifetime and every write re-inserts its key, so a dict's insertion order is
also expiry order: each write drops the expired entries from the front (each entry is dropped
once, so the work is constant per write on average).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

__all__ = ["ExpiringMap"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ExpiringMap(Generic[K, V]):
    """Keys to values for ``lifetime``, at most ``capacity`` of them (the oldest go first)."""

    def __init__(self, clock: Callable[[], datetime], lifetime: timedelta, capacity: int) -> None:
        if capacity < 1 or lifetime <= timedelta(0):
            raise ValueError("capacity and lifetime must be positive")
        self._clock = clock
        self._lifetime = lifetime.total_seconds()
        self._capacity = capacity
        self._items: dict[K, tuple[float, V]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` under ``key`` for a lifetime from now."""
        self._items.pop(key, None)
        now = self._now()
        self.sweep(now)
        while len(self._items) >= self._capacity:
            del self._items[next(iter(self._items))]
        self._items[key] = (now + self._lifetime, value)

    def get(self, key: K) -> V | None:
        """The value under ``key``, or None when there is none or it has expired."""
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] <= self._now():
            del self._items[key]
            return None
        return item[1]

    def pop(self, key: K) -> V | None:
        """Remove ``key``; its value if it was there and alive."""
        item = self._items.pop(key, None)
        return item[1] if item is not None and item[0] > self._now() else None

    def drop(self, matches: Callable[[K], bool]) -> None:
        """Remove every key for which ``matches`` is true (e.g. all of one chat's, on /forget)."""
        for key in [key for key in self._items if matches(key)]:
            del self._items[key]

    def sweep(self, now: float | None = None) -> None:
        """Drop the expired entries (they are all at the front)."""
        now = self._now() if now is None else now
        items = self._items
        while items:
            first = next(iter(items))
            if items[first][0] > now:
                return
            del items[first]

    def _now(self) -> float:
        return self._clock().timestamp()
