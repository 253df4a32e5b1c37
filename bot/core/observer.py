"""What the bot tells an operator about its work, as plain calls: updates handled, replies,
red flags, reminders and their lateness, Telegram errors.

The core and the edge call an :class:`Observer`; where the figures go is the composition root's
choice (Prometheus, in ``bot/edge/web/metrics.py``, when metrics are served). The default
observer does nothing, so the core stays plain Python and a bot without metrics pays nothing.
"""

from __future__ import annotations

from bot.core.answering.answerer import Outcome

__all__ = ["Observer", "observe_outcome"]


class Observer:
    """Receives the bot's events; every method is a no-op here (the default, no metrics).

    Labels are short names from closed sets (reply kinds, bands, tier ids, HTTP codes), never
    anything a person wrote or who they are.
    """

    def update_handled(self, kind: str) -> None:
        """An update of ``kind`` (message, callback_query, ...) went through the handlers."""

    def replied(self, kind: str, band: str) -> None:
        """A question got a reply of ``kind`` (answer, unsure, ...) at matcher ``band``."""

    def red_flag(self, tier: str) -> None:
        """A message raised a red flag of urgency ``tier`` (its id in red_flags.yaml)."""

    def reminder_sent(self, lateness_seconds: float) -> None:
        """A reminder went out ``lateness_seconds`` after it was due."""

    def telegram_error(self, code: str) -> None:
        """The Bot API answered with HTTP status ``code`` (e.g. "429"), or "network"."""


def observe_outcome(observer: Observer, outcome: Outcome) -> None:
    """Report one answered question: its reply kind and band, and its red flag if any."""
    band = outcome.match.band.value if outcome.match is not None else "none"
    observer.replied(outcome.reply.kind.value, band)
    decision = outcome.safety
    if decision is not None and decision.alarm:
        observer.red_flag(decision.tier.id if decision.tier is not None else "unknown")
