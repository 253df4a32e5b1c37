"""The one storage interface the services, the edge and the tools use, whatever the backend.

``bot.storage.sqlite.Store`` (aiosqlite, one process, the default) and
``bot.storage.postgres.PostgresStore`` (asyncpg, any number of replicas) both implement it;
``bot.storage.backends.open_store`` picks one from the settings. Code outside ``bot/storage``
names :class:`Storage`, never a backend, so a backend cannot grow a method the other lacks
without the type checker and ``tests/test_storage_backends.py`` noticing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from bot.core.records import Chat, ClaimBatch, Reminder, Unanswered
from bot.core.sessions.records import SessionRecord
from bot.storage.outbox import Recovery

__all__ = ["Storage"]


class Storage(Protocol):
    """Chats, reminders and their delivery outbox, counters and guided sessions."""

    max_reminders_per_chat: int
    late_grace: timedelta
    max_attempts: int

    async def close(self) -> None:
        """Release the connection(s); the store cannot be used afterwards."""
        ...

    # --- chats -------------------------------------------------------------------------------

    async def upsert_chat(self, chat_id: int, kind: str, now: datetime | None = None) -> Chat:
        """Remember a chat (or update its kind); time zone and settings are kept."""
        ...

    async def get_chat(self, chat_id: int) -> Chat | None:
        """The chat's row, or None if unknown."""
        ...

    async def set_timezone(self, chat_id: int, zone_name: str, now: datetime) -> Chat:
        """Change the chat's zone and move its reminders to the new local times, atomically."""
        ...

    async def set_settings(self, chat_id: int, settings: Mapping[str, Any]) -> bool:
        """Replace the chat's settings (a JSON object); False if the chat is unknown."""
        ...

    async def forget_chat(self, chat_id: int) -> bool:
        """Delete every row about this chat or user, everywhere; False if unknown."""
        ...

    async def migrate_chat(self, old_id: int, new_id: int) -> bool:
        """Move everything from ``old_id`` to ``new_id`` (a group upgraded to a supergroup)."""
        ...

    # --- reminders -----------------------------------------------------------------------------

    async def add_reminder(
        self, chat_id: int, local_time: time, days: frozenset[int], now: datetime
    ) -> Reminder:
        """Add a reminder due next at the first matching instant after ``now``."""
        ...

    async def list_reminders(self, chat_id: int) -> list[Reminder]:
        """The chat's reminders, earliest time of day first."""
        ...

    async def get_reminder(self, chat_id: int, reminder_id: int) -> Reminder | None:
        """One of the chat's reminders, or None."""
        ...

    async def delete_reminder(self, chat_id: int, reminder_id: int) -> bool:
        """Delete one reminder, only if it belongs to this chat."""
        ...

    async def delete_all_reminders(self, chat_id: int) -> int:
        """Delete all the chat's reminders; returns how many."""
        ...

    async def disable_chat_reminders(self, chat_id: int) -> int:
        """Pause the chat's reminders and drop its queued messages."""
        ...

    async def mark_gone(self, chat_id: int) -> None:
        """The chat blocked the bot or no longer exists: stop its reminders."""
        ...

    async def enable_chat_reminders(self, chat_id: int, now: datetime) -> int:
        """Resume the chat's paused reminders from ``now`` on."""
        ...

    # --- the delivery outbox ---------------------------------------------------------------

    async def claim_due(self, now: datetime, limit: int = 100) -> ClaimBatch:
        """Claim what is due at ``now`` (claim, advance and outbox rows in one transaction)."""
        ...

    async def next_wakeup(self) -> datetime | None:
        """The earliest instant anything becomes due."""
        ...

    async def mark_sent(self, delivery_id: int) -> None:
        """The message went out: drop its outbox row."""
        ...

    async def mark_sent_many(self, delivery_ids: Iterable[int]) -> None:
        """:meth:`mark_sent` for many in one transaction."""
        ...

    async def mark_retry(self, delivery_id: int, not_before: datetime) -> bool:
        """Sending failed: queue it again from ``not_before`` (False: given up or gone)."""
        ...

    async def requeue(self, delivery_ids: Iterable[int], not_before: datetime) -> int:
        """Put claimed deliveries back in the queue, unsent, with no attempt counted."""
        ...

    async def recover(self, now: datetime) -> Recovery:
        """Start-up clean-up: drop sends of unknown outcome and queued rows too late."""
        ...

    async def snooze(
        self, chat_id: int, reminder_id: int, until: datetime, seq: int | None = None
    ) -> bool:
        """Send this reminder again at ``until`` (moves an earlier snooze, never doubles)."""
        ...

    # --- records -----------------------------------------------------------------------------

    async def record_done(self, chat_id: int, now: datetime, occurrence: str | None = None) -> bool:
        """Count a "Done" press; False if the chat is unknown or ``occurrence`` (a reminder
        delivery) was counted already, by a Done press or a session started from it."""
        ...

    async def count_stretches_since(self, chat_id: int, since: datetime) -> int:
        """Done presses and finished guided sessions since ``since``: the weekly goal's count."""
        ...

    async def count_done_since(self, chat_id: int, since: datetime) -> int:
        """How many "Done" presses since ``since``."""
        ...

    async def record_unanswered(
        self, text: str, reason: str, entry_id: str | None, now: datetime
    ) -> None:
        """Keep a question we could not answer well (no user, no chat)."""
        ...

    async def record_unanswered_many(
        self, questions: Sequence[tuple[str, str, str | None, datetime]]
    ) -> None:
        """Keep several such questions (text, reason, entry id, when) in one transaction."""
        ...

    async def unanswered_since(self, since: datetime, limit: int = 1000) -> list[Unanswered]:
        """Unanswered questions recorded at or after ``since``, oldest first."""
        ...

    async def purge_unanswered(self, older_than: datetime) -> int:
        """Delete unanswered questions recorded before ``older_than``."""
        ...

    async def increment_stat(self, name: str, by: int = 1) -> None:
        """Add to a named counter."""
        ...

    async def stats(self) -> dict[str, int]:
        """Aggregate figures only."""
        ...

    async def record_session(
        self,
        chat_id: int,
        exercises: Iterable[str],
        started_at: datetime,
        finished_at: datetime,
        pain_before: int | None,
        occurrence: str | None = None,
    ) -> int | None:
        """Keep a finished guided session; its id, or None if the chat is unknown. One started
        from a reminder (``occurrence``) replaces a Done press on that reminder."""
        ...

    async def session_counts(self, chat_id: int) -> tuple[int, int, datetime | None]:
        """For /privacy: stored sessions, pain scores, and the first session's start."""
        ...

    async def add_group_person(self, chat_id: int, week: date) -> int | None:
        """One more person in the group's stretch breaks in ``week``; the new count, or None."""
        ...

    async def group_weeks_since(self, chat_id: int, first: date) -> dict[date, int]:
        """People per week (by Monday) in the group's stretch breaks, from ``first`` on."""
        ...

    async def record_pain_after(
        self, chat_id: int, session_id: int, score: int, now: datetime
    ) -> bool:
        """The pain score after a stored session; False if that session is not this chat's."""
        ...

    async def sessions_since(self, chat_id: int, since: datetime) -> list[SessionRecord]:
        """The chat's stored sessions finished at or after ``since``, oldest first."""
        ...

    async def done_times_since(self, chat_id: int, since: datetime) -> list[datetime]:
        """When the chat pressed Done, at or after ``since``."""
        ...
