"""A finished guided session as the store keeps it: when, which exercises, the pain scores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["SessionRecord"]


@dataclass(frozen=True)
class SessionRecord:
    """A guided session whose exercises were all done; scores are 0-10, None when skipped."""

    id: int
    chat_id: int
    exercises: tuple[str, ...]
    started_at: datetime
    finished_at: datetime
    pain_before: int | None
    pain_after: int | None
