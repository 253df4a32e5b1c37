"""python-telegram-bot's Application, without bookkeeping for a persistence the bot does not use.

After every update PTB notes the chat id and the user id in two sets, so that a persistence can
save their data later; only a persistence's save ever empties them. The bot has no PTB
persistence (what must survive is in its own store), so with PTB 22 those sets grew by every
person who ever wrote, for as long as the bot ran (two sets of 10,000 ids after 10,000 people).
Here the ids are noted only when there is a persistence to save them.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, Job

__all__ = ["LeanApplication"]


class LeanApplication(Application[Any, Any, Any, Any, Any, Any]):
    """Application that keeps no per-person state when it has no persistence."""

    __slots__ = ()

    def _mark_for_persistence_update(
        self, *, update: object | None = None, job: Job[Any] | None = None
    ) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)
