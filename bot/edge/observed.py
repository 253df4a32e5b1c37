"""The Application that reports each update it handled to the bot's observer (metrics).

Subclassing ``process_update`` counts every update once, however it arrived (long polling or
the webhook) and whatever became of it (answered, ignored, or failed into the error handler).
"""

from __future__ import annotations

from telegram import Update

from bot.edge.application import LeanApplication
from bot.edge.state import BotState

UPDATE_KINDS = tuple(Update.ALL_TYPES)


def update_kind(update: object) -> str:
    """The kind of an update (``message``, ``callback_query``, ...), or ``other``."""
    if not isinstance(update, Update):
        return "other"
    return next((kind for kind in UPDATE_KINDS if getattr(update, kind, None) is not None), "other")


class ObservedApplication(LeanApplication):
    """The bot's Application (no per-person bookkeeping), plus one observer call per handled
    update."""

    bot_data: BotState

    async def process_update(self, update: object) -> None:
        """Handle ``update`` as usual, then count it (also when a handler failed)."""
        try:
            await super().process_update(update)
        finally:
            self.bot_data.observer.update_handled(update_kind(update))
