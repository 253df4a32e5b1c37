"""The answer modes a group's admins can choose: stored in the group's settings and carried by
the /settings buttons, so both ``policy`` and ``bot.core.callbacks`` read them from here."""

from __future__ import annotations

from typing import Final

__all__ = ["ANSWER_MODES", "MENTIONS", "QUESTIONS"]

MENTIONS: Final = "mentions"  # answer commands, mentions and replies to the bot (the default)
QUESTIONS: Final = "questions"  # ... and plain messages the matcher is confident about
ANSWER_MODES: Final = (MENTIONS, QUESTIONS)
