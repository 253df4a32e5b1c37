"""The observer that turns the bot's events into Prometheus metrics, served at ``GET /metrics``.

Each observer has its own registry (not prometheus-client's global one), so several bots in one
process, as in the tests, never share or clash over counters. The process collector adds the
usual ``process_*`` figures (resident memory, CPU seconds, open files).
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)

from bot.core.observer import Observer

__all__ = ["CONTENT_TYPE", "LATENESS_BUCKETS", "PrometheusObserver"]

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Reminder lateness in seconds: on time is a few seconds (REMINDER_POLL_SECONDS is 15), a
# backlog or a restart shows up in minutes, the 6-hour grace period at the top.
LATENESS_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0, 21600.0)


class PrometheusObserver(Observer):
    """Counts the bot's events; :meth:`render` is the body of ``GET /metrics``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.updates = Counter(
            "backcare_updates_handled",
            "Updates that went through the handlers, by update kind.",
            ["kind"],
            registry=self.registry,
        )
        self.replies = Counter(
            "backcare_replies",
            "Replies to questions, by reply kind and matcher band.",
            ["kind", "band"],
            registry=self.registry,
        )
        self.red_flags = Counter(
            "backcare_red_flags",
            "Messages that raised a red flag, by urgency tier.",
            ["tier"],
            registry=self.registry,
        )
        self.reminders = Counter(
            "backcare_reminders_sent", "Reminders delivered.", registry=self.registry
        )
        self.lateness = Histogram(
            "backcare_reminder_lateness_seconds",
            "How long after its due time each reminder was delivered.",
            buckets=LATENESS_BUCKETS,
            registry=self.registry,
        )
        self.telegram_errors = Counter(
            "backcare_telegram_errors",
            "Bot API calls answered with an error, by HTTP status (or network, timeout).",
            ["code"],
            registry=self.registry,
        )

    def update_handled(self, kind: str) -> None:
        self.updates.labels(kind=kind).inc()

    def replied(self, kind: str, band: str) -> None:
        self.replies.labels(kind=kind, band=band).inc()

    def red_flag(self, tier: str) -> None:
        self.red_flags.labels(tier=tier).inc()

    def reminder_sent(self, lateness_seconds: float) -> None:
        self.reminders.inc()
        self.lateness.observe(lateness_seconds)

    def telegram_error(self, code: str) -> None:
        self.telegram_errors.labels(code=code).inc()

    def render(self) -> bytes:
        """Every metric in Prometheus' text format."""
        return generate_latest(self.registry)
