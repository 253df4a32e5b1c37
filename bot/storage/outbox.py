"""The delivery outbox, on either backend: what is due, each send's outcome, snoozes.

Delivery is *at most once*: claiming a due reminder (recording the delivery and moving the
reminder to its next occurrence) commits before anything is sent; ``recover`` drops rows left
'sending' by a crash rather than resending them. A graceful stop does better: sends that had
not reached Telegram yet go back to the queue (``requeue``).

The statements and the decisions of a claim (which queued rows are stale, which due reminders
are skipped and where each moves next) are here, once. How a claim locks and writes its batch
is each backend's own: one writer and ``executemany`` on SQLite (``bot.storage.sqlite``),
``FOR UPDATE SKIP LOCKED`` and arrays on PostgreSQL (``bot.storage.postgres.outbox``).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar, Final
from zoneinfo import ZoneInfo

from bot.core.records import ClaimBatch, Delivery
from bot.core.reminders.schedule import mask_to_days, next_occurrence
from bot.storage.access import Access, Session
from bot.storage.rows import Row, delivery_of, dt, parse_hhmm, ts

__all__ = ["DUE", "LATE_QUEUED", "PENDING", "Outbox", "Plan", "Recovery"]

# Retries and snoozes whose time has come, oldest first.
PENDING: Final = (
    "SELECT d.id, d.reminder_id, d.chat_id, d.due, d.seq, d.attempts, r.local_time, d.snoozed, "
    "d.not_before, c.kind FROM deliveries d JOIN reminders r ON r.id = d.reminder_id "
    "JOIN chats c ON c.chat_id = d.chat_id "
    "WHERE d.state = 'pending' AND d.not_before <= ? ORDER BY d.not_before LIMIT ?"
)
# Enabled reminders due (the partial index answers it), oldest first.
DUE: Final = (
    "SELECT r.id, r.chat_id, r.local_time, r.days, r.next_due, r.sent_count, c.timezone, c.kind "
    "FROM reminders r JOIN chats c ON c.chat_id = r.chat_id "
    "WHERE r.enabled = 1 AND r.next_due <= ? ORDER BY r.next_due LIMIT ?"
)
LATE_QUEUED: Final = "DELETE FROM deliveries WHERE state = 'pending' AND not_before < ?"


@dataclass(frozen=True, slots=True)
class Recovery:
    """What ``recover`` dropped: sends of unknown outcome, and queued ones too late."""

    unconfirmed: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        """Every row dropped."""
        return self.unconfirmed + self.late


def pending_claims(rows: Sequence[Row], now_s: int, grace: int) -> tuple[list[Delivery], list[int]]:
    """Queued rows (:data:`PENDING`) to send now, and the ids of those too late to send."""
    claimed: list[Delivery] = []
    stale: list[int] = []
    for row in rows:
        if now_s - row["not_before"] > grace:
            stale.append(row["id"])
        else:
            claimed.append(delivery_of(row))
    return claimed, stale


# A due reminder's id, its next due time (unix seconds), and the delivery to send now (its id
# still 0), or None when it is too late and skipped.
Plan = tuple[int, int, Delivery | None]


def due_claims(rows: Sequence[Row], now: datetime, grace: int) -> list[Plan]:
    """The :data:`Plan` of each due reminder (:data:`DUE`)."""
    now_s = ts(now)
    plans: list[Plan] = []
    for row in rows:
        local_time = parse_hhmm(row["local_time"])
        days, zone = mask_to_days(row["days"]), ZoneInfo(row["timezone"])
        due_s = row["next_due"]
        if now_s - due_s > grace:
            plans.append((row["id"], ts(next_occurrence(local_time, days, zone, now)), None))
            continue
        upcoming = next_occurrence(local_time, days, zone, max(now, dt(due_s)))
        claim = Delivery(
            id=0,
            reminder_id=row["id"],
            chat_id=row["chat_id"],
            due=dt(due_s),
            seq=row["sent_count"],
            attempts=0,
            local_time=local_time,
            snoozed=False,
            chat_kind=row["kind"],
        )
        plans.append((row["id"], ts(upcoming), claim))
    return plans


class Outbox(Access):
    """The outbox, on hooks for what each backend does its own way."""

    max_attempts: int
    late_grace: timedelta
    # The claim's reads: a backend may lock the rows it reads (and skip those locked).
    _PENDING: ClassVar[str] = PENDING
    _DUE: ClassVar[str] = DUE

    @abstractmethod
    async def _take_queued(self, db: Session, claimed: list[int], stale: list[int]) -> None:
        """In the claim's transaction: the ``claimed`` queued deliveries are being sent now;
        the ``stale`` ones are dropped."""

    @abstractmethod
    async def _insert_claims(
        self, db: Session, claims: list[Delivery], now_s: int
    ) -> list[Delivery]:
        """In the claim's transaction: an outbox row, 'sending', for each claim; the claims
        with the ids the database gave them."""

    @abstractmethod
    async def _advance(self, db: Session, plans: list[Plan]) -> None:
        """In the claim's transaction: each reminder to its next due time, its count of sends
        up by one if it was claimed."""

    async def claim_due(self, now: datetime, limit: int = 100) -> ClaimBatch:
        """Claim what is due at ``now``, in one transaction, before anything is sent.

        Retries and snoozes whose ``not_before`` has come go first; then enabled reminders
        with ``next_due <= now`` (via the partial index), oldest first. A reminder due within
        ``late_grace`` gets an outbox row in state 'sending' and moves to its next occurrence;
        one later than that (the bot was down) is skipped to its next occurrence after
        ``now``. Stale queued retries and snoozes are dropped the same way.
        """
        now_s = ts(now)
        grace = int(self.late_grace.total_seconds())
        batch = ClaimBatch()
        async with self._transaction() as db:
            claimed, stale = pending_claims(
                await db.fetch(self._PENDING, now_s, limit), now_s, grace
            )
            batch.extend(claimed)
            batch.skipped += len(stale)
            await self._take_queued(db, [claim.id for claim in claimed], stale)
            remaining = limit - len(claimed) - len(stale)
            if remaining <= 0:
                return batch
            plans = due_claims(await db.fetch(self._DUE, now_s, remaining), now, grace)
            if not plans:
                return batch
            claims = [claim for _, _, claim in plans if claim is not None]
            batch.skipped += len(plans) - len(claims)
            if claims:
                batch.extend(await self._insert_claims(db, claims, now_s))
            await self._advance(db, plans)
        return batch

    async def next_wakeup(self) -> datetime | None:
        """The earliest instant anything becomes due (both indexes answer it at once)."""
        rows = await self._fetch(
            "SELECT min(t) AS t FROM ("
            "SELECT min(next_due) AS t FROM reminders WHERE enabled = 1 UNION ALL "
            "SELECT min(not_before) FROM deliveries WHERE state = 'pending') AS due"
        )
        value = rows[0]["t"]
        return None if value is None else dt(int(value))

    async def mark_sent(self, delivery_id: int) -> None:
        """The message went out: drop its outbox row."""
        await self._write("DELETE FROM deliveries WHERE id = ?", delivery_id)

    async def mark_retry(self, delivery_id: int, not_before: datetime) -> bool:
        """Sending failed: queue the delivery again from ``not_before``.

        Returns False when it was given up instead (``max_attempts`` reached) or is gone.
        """
        async with self._transaction() as db:
            if await db.execute(
                "UPDATE deliveries SET state = 'pending', attempts = attempts + 1, "
                "not_before = ?, claimed_by = NULL WHERE id = ? AND attempts + 1 < ?",
                ts(not_before),
                delivery_id,
                self.max_attempts,
            ):
                return True
            await db.execute("DELETE FROM deliveries WHERE id = ?", delivery_id)
            return False

    async def snooze(
        self, chat_id: int, reminder_id: int, until: datetime, seq: int | None = None
    ) -> bool:
        """Send this reminder again at ``until``; pressing snooze twice (on two replicas too)
        moves it, never doubles.

        ``seq`` is the rotation index to repeat (default: the latest one sent). False if the
        reminder is not this chat's.
        """
        async with self._transaction() as db:
            # Locking the reminder serialises snoozes of it across replicas.
            found = await db.fetch(
                "SELECT sent_count FROM reminders WHERE id = ? AND chat_id = ?"  # noqa: S608 (fixed text)
                + self._FOR_UPDATE,
                reminder_id,
                chat_id,
            )
            if not found:
                return False
            until_s = ts(until)
            moved = await db.execute(
                "UPDATE deliveries SET not_before = ?, due = ? "
                "WHERE reminder_id = ? AND snoozed = 1 AND state = 'pending'",
                until_s,
                until_s,
                reminder_id,
            )
            if moved == 0:
                await db.execute(
                    "INSERT INTO deliveries "
                    "(reminder_id, chat_id, due, seq, snoozed, state, not_before) "
                    "VALUES (?, ?, ?, ?, 1, 'pending', ?)",
                    reminder_id,
                    chat_id,
                    until_s,
                    max(found[0]["sent_count"] - 1, 0) if seq is None else seq,
                    until_s,
                )
        return True
