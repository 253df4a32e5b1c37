"""The PostgreSQL outbox: due reminders claimed with ``FOR UPDATE SKIP LOCKED``.

Claiming, moving each reminder to its next occurrence and writing its outbox row happen in one
transaction, as in the SQLite outbox. Rows another replica is claiming are locked and skipped;
rows it has just claimed are no longer due when re-read after its commit. So any number of
replicas deliver each occurrence at most once, and none waits for another. Each claim records
the replica (``claimed_by``, its ``application_name``): start-up recovery drops only the sends
of bots no longer connected, never those another replica is making now.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.records import ClaimBatch, Delivery
from bot.core.reminders.schedule import mask_to_days, next_occurrence
from bot.storage.outbox import Recovery
from bot.storage.postgres.base import REPLICA_PREFIX, PgBase
from bot.storage.rows import dt, parse_hhmm, ts

__all__ = ["PgOutbox"]

_PENDING = (
    "SELECT d.id, d.reminder_id, d.chat_id, d.due, d.seq, d.attempts, r.local_time, d.snoozed, "
    "d.not_before, c.kind FROM deliveries d JOIN reminders r ON r.id = d.reminder_id "
    "JOIN chats c ON c.chat_id = d.chat_id "
    "WHERE d.state = 'pending' AND d.not_before <= ? ORDER BY d.not_before LIMIT ? "
    "FOR UPDATE OF d SKIP LOCKED"
)
_DUE = (
    "SELECT r.id, r.chat_id, r.local_time, r.days, r.next_due, r.sent_count, c.timezone, c.kind "
    "FROM reminders r JOIN chats c ON c.chat_id = r.chat_id "
    "WHERE r.enabled = 1 AND r.next_due <= ? ORDER BY r.next_due LIMIT ? "
    "FOR UPDATE OF r SKIP LOCKED"
)
_DEAD_CLAIMS = (
    "state = 'sending' AND (claimed_by IS NULL OR claimed_by NOT IN ("
    "SELECT application_name FROM pg_stat_activity WHERE application_name LIKE ?))"
)


class PgOutbox(PgBase):
    """The outbox half of :class:`bot.storage.postgres.PostgresStore`."""

    async def claim_due(self, now: datetime, limit: int = 100) -> ClaimBatch:
        """As ``bot.storage.outbox.Outbox.claim_due``, safe with many replicas claiming at once."""
        now_s = ts(now)
        grace = int(self.late_grace.total_seconds())
        batch = ClaimBatch()
        async with self._transaction() as db:
            claimed: list[int] = []
            stale: list[int] = []
            for row in await db.fetch(_PENDING, now_s, limit):
                if now_s - row["not_before"] > grace:
                    stale.append(row["id"])
                    continue
                claimed.append(row["id"])
                batch.append(
                    Delivery(
                        id=row["id"],
                        reminder_id=row["reminder_id"],
                        chat_id=row["chat_id"],
                        due=dt(row["due"]),
                        seq=row["seq"],
                        attempts=row["attempts"],
                        local_time=parse_hhmm(row["local_time"]),
                        snoozed=bool(row["snoozed"]),
                        chat_kind=row["kind"],
                    )
                )
            if stale:
                await db.execute("DELETE FROM deliveries WHERE id = ANY(?::bigint[])", stale)
            if claimed:
                await db.execute(
                    "UPDATE deliveries SET state = 'sending', claimed_by = ? "
                    "WHERE id = ANY(?::bigint[])",
                    self.replica,
                    claimed,
                )
            batch.skipped += len(stale)
            remaining = limit - len(claimed) - len(stale)
            if remaining <= 0:
                return batch
            due_rows = await db.fetch(_DUE, now_s, remaining)
            if not due_rows:
                return batch
            ids: list[int] = []
            next_dues: list[int] = []
            counted: list[int] = []
            claims: dict[int, Delivery] = {}
            for row in due_rows:
                local_time = parse_hhmm(row["local_time"])
                days, zone = mask_to_days(row["days"]), ZoneInfo(row["timezone"])
                due_s = row["next_due"]
                ids.append(row["id"])
                if now_s - due_s > grace:
                    next_dues.append(ts(next_occurrence(local_time, days, zone, now)))
                    counted.append(0)
                    batch.skipped += 1
                    continue
                upcoming = next_occurrence(local_time, days, zone, max(now, dt(due_s)))
                next_dues.append(ts(upcoming))
                counted.append(1)
                claims[row["id"]] = Delivery(
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
            if claims:
                created = await db.fetch(
                    "INSERT INTO deliveries "
                    "(reminder_id, chat_id, due, seq, state, not_before, claimed_by) "
                    "SELECT u.reminder_id, u.chat_id, u.due, u.seq, 'sending', ?, ? FROM unnest("
                    "?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]"
                    ") AS u (reminder_id, chat_id, due, seq) RETURNING id, reminder_id",
                    now_s,
                    self.replica,
                    [claim.reminder_id for claim in claims.values()],
                    [claim.chat_id for claim in claims.values()],
                    [ts(claim.due) for claim in claims.values()],
                    [claim.seq for claim in claims.values()],
                )
                for new in created:
                    claim = claims[new["reminder_id"]]
                    batch.append(
                        Delivery(
                            id=new["id"],
                            reminder_id=claim.reminder_id,
                            chat_id=claim.chat_id,
                            due=claim.due,
                            seq=claim.seq,
                            attempts=0,
                            local_time=claim.local_time,
                            snoozed=False,
                            chat_kind=claim.chat_kind,
                        )
                    )
            await db.execute(
                "UPDATE reminders AS r SET next_due = u.next_due, "
                "sent_count = r.sent_count + u.counted FROM unnest("
                "?::bigint[], ?::bigint[], ?::bigint[]) AS u (id, next_due, counted) "
                "WHERE r.id = u.id",
                ids,
                next_dues,
                counted,
            )
        return batch

    async def next_wakeup(self) -> datetime | None:
        """The earliest instant anything becomes due."""
        value = (
            await self._fetch(
                "SELECT least((SELECT min(next_due) FROM reminders WHERE enabled = 1), "
                "(SELECT min(not_before) FROM deliveries WHERE state = 'pending')) AS t"
            )
        )[0]["t"]
        return None if value is None else dt(int(value))

    async def mark_sent(self, delivery_id: int) -> None:
        """The message went out: drop its outbox row."""
        await self._write("DELETE FROM deliveries WHERE id = ?", delivery_id)

    async def mark_sent_many(self, delivery_ids: Iterable[int]) -> None:
        """:meth:`mark_sent` for many in one statement."""
        ids = list(delivery_ids)
        if ids:
            await self._write("DELETE FROM deliveries WHERE id = ANY(?::bigint[])", ids)

    async def mark_retry(self, delivery_id: int, not_before: datetime) -> bool:
        """Sending failed: queue it again from ``not_before``; False when given up or gone."""
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

    async def requeue(self, delivery_ids: Iterable[int], not_before: datetime) -> int:
        """Put claimed deliveries back in the queue, unsent and with no attempt counted."""
        ids = list(delivery_ids)
        if not ids:
            return 0
        return await self._write(
            "UPDATE deliveries SET state = 'pending', not_before = ?, claimed_by = NULL "
            "WHERE id = ANY(?::bigint[]) AND state = 'sending'",
            ts(not_before),
            ids,
        )

    async def recover(self, now: datetime) -> Recovery:
        """Drop the sends of bots no longer connected (never resent) and queued rows too late.

        A replica's claims carry its ``application_name``; while it is connected its sends are
        its own business. One that crashed or was killed has no connection left, so what it
        had claimed is dropped: it may have reached the chat (at most once).
        """
        async with self._transaction() as db:
            unconfirmed = await db.execute(
                f"DELETE FROM deliveries WHERE {_DEAD_CLAIMS}",  # noqa: S608 (fixed text)
                REPLICA_PREFIX + "%",
            )
            late = await db.execute(
                "DELETE FROM deliveries WHERE state = 'pending' AND not_before < ?",
                ts(now - self.late_grace),
            )
        return Recovery(unconfirmed=unconfirmed, late=late)

    async def snooze(
        self, chat_id: int, reminder_id: int, until: datetime, seq: int | None = None
    ) -> bool:
        """Send this reminder again at ``until``; two presses (on two replicas) never double."""
        async with self._transaction() as db:
            # Locking the reminder serialises snoozes of it across replicas.
            found = await db.fetch(
                "SELECT sent_count FROM reminders WHERE id = ? AND chat_id = ? FOR UPDATE",
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
