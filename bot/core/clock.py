"""Where "now" comes from: one real clock, injected everywhere so tests can move time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "utc_now"]


class Clock(Protocol):
    """Where "now" comes from; injected so tests can move time without sleeping."""

    def __call__(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        ...


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)
