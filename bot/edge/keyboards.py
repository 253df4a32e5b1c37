"""Inline keyboards built, and turned into JSON, once per layout.

Nearly every reply carries buttons, and the same answers and menus carry the same buttons every
time. python-telegram-bot turns a keyboard into a dict for each request by walking every button's
attributes in Python (``TelegramObject.to_dict``): for a typical answer's four or five buttons
that cost more than everything else the edge does for a message. Its objects are immutable, so a
keyboard is built once per layout (``markup`` keeps the most recent ones) and keeps its own JSON:
each request gets a fresh dict decoded from that JSON (in C), equal to what ``to_dict`` gives.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram._utils.types import JSONDict

from bot.core.replies import Button

__all__ = ["PrebuiltKeyboard", "markup"]

Buttons = tuple[tuple[Button, ...], ...]


class PrebuiltKeyboard(InlineKeyboardMarkup):
    """An InlineKeyboardMarkup that computes its ``to_dict`` once, at creation."""

    __slots__ = ("_json",)

    def __init__(
        self,
        inline_keyboard: Sequence[Sequence[InlineKeyboardButton]],
        *,
        api_kwargs: JSONDict | None = None,
    ) -> None:
        super().__init__(inline_keyboard, api_kwargs=api_kwargs)
        with self._unfrozen():
            self._json = json.dumps(super().to_dict())

    def to_dict(self, recursive: bool = True) -> JSONDict:
        """As InlineKeyboardMarkup's, from the JSON made once (a new dict on every call, so a
        caller that changes it changes nothing here)."""
        if not recursive:
            return super().to_dict(recursive=False)
        result: JSONDict = json.loads(self._json)
        return result


def markup(buttons: Buttons) -> InlineKeyboardMarkup | None:
    """Core buttons as an inline keyboard (None when there are none)."""
    if not buttons:
        return None
    return _keyboard(buttons)


@lru_cache(maxsize=512)
def _keyboard(buttons: Buttons) -> PrebuiltKeyboard:
    """Built once per layout: one keyboard (and its JSON) serves every send of it."""
    return PrebuiltKeyboard(
        [
            [
                InlineKeyboardButton(b.label, callback_data=b.data)
                if b.data is not None
                else InlineKeyboardButton(b.label, url=b.url)
                for b in row
            ]
            for row in buttons
            if row
        ]
    )
