"""The delivery outbox: claiming due reminders, recording each send's outcome, snoozes.

Delivery is *at most once*: claiming a due reminder (recording the delivery and moving the
reminder to its next occurrence) commits before anything is sent; :meth:`recover` drops rows
left 'sending' by a crash rather than resending them. A graceful stop does better: sends that had
not reached Telegram yet go back to the queue (:meth:`requeue`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.core.records import ClaimBatch, Delivery
from bot.core.reminders.schedule import mask_to_days, next_occurrence
from bot.storage.base import StoreBase
from bot.storage.rows import dt, parse_hhmm, ts

__all__ = ["Outbox", "Recovery"]


@dataclass(frozen=True, slots=True)
class Recovery:
    """What :meth:`Outbox.recover` dropped: sends of unknown outcome, and queued ones too late."""

    unconfirmed: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        """Every row dropped."""
        return self.unconfirmed + self.late


class Outbox(StoreBase):
    """The outbox half of the store (see :class:`bot.storage.sqlite.Store`)."""

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
            pending = await db.execute_fetchall(
                "SELECT d.id, d.reminder_id, d.chat_id, d.due, d.seq, d.attempts, "
                "r.local_time, d.snoozed, d.not_before, c.kind "
                "FROM deliveries d JOIN reminders r ON r.id = d.reminder_id "
                "JOIN chats c ON c.chat_id = d.chat_id "
                "WHERE d.state = 'pending' AND d.not_before <= ? ORDER BY d.not_before LIMIT ?",
                (now_s, limit),
            )
            claimed: list[tuple[int]] = []
            stale: list[tuple[int]] = []
            for row in pending:
                if now_s - row["not_before"] > grace:
                    stale.append((row["id"],))
                    continue
                claimed.append((row["id"],))
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
            await db.executemany("DELETE FROM deliveries WHERE id = ?", stale)
            await db.executemany("UPDATE deliveries SET state = 'sending' WHERE id = ?", claimed)
            batch.skipped += len(stale)

            remaining = limit - len(claimed) - len(stale)
            if remaining <= 0:
                return batch
            due_rows = list(
                await db.execute_fetchall(
                    "SELECT r.id, r.chat_id, r.local_time, r.days, r.next_due, r.sent_count, "
                    "c.timezone, c.kind FROM reminders r JOIN chats c ON c.chat_id = r.chat_id "
                    "WHERE r.enabled = 1 AND r.next_due <= ? ORDER BY r.next_due LIMIT ?",
                    (now_s, remaining),
                )
            )
            if not due_rows:
                return batch
            inserts: list[tuple[int, int, int, int, int]] = []
            advances: list[tuple[int, int, int]] = []
            claimed_rows: dict[int, tuple[sqlite3.Row, time]] = {}
            for row in due_rows:
                local_time = parse_hhmm(row["local_time"])
                days, zone = mask_to_days(row["days"]), ZoneInfo(row["timezone"])
                due_s = row["next_due"]
                if now_s - due_s > grace:
                    upcoming = next_occurrence(local_time, days, zone, now)
                    advances.append((ts(upcoming), 0, row["id"]))
                    batch.skipped += 1
                    continue
                upcoming = next_occurrence(local_time, days, zone, max(now, dt(due_s)))
                advances.append((ts(upcoming), 1, row["id"]))
                inserts.append((row["id"], row["chat_id"], due_s, row["sent_count"], now_s))
                claimed_rows[row["id"]] = (row, local_time)
            if inserts:
                # One multi-row INSERT ... RETURNING: the database assigns the ids (one round
                # trip for the whole batch); a claim holds at most one delivery per reminder,
                # so reminder_id maps each new id back to its reminder.
                values = ", ".join(["(?, ?, ?, ?, 'sending', ?)"] * len(inserts))
                created = await db.execute_fetchall(
                    "INSERT INTO deliveries (reminder_id, chat_id, due, seq, state, not_before) "  # noqa: S608 (placeholders only)
                    f"VALUES {values} RETURNING id, reminder_id",
                    [value for insert in inserts for value in insert],
                )
                for new in created:
                    row, local_time = claimed_rows[new["reminder_id"]]
                    batch.append(
                        Delivery(
                            id=new["id"],
                            reminder_id=row["id"],
                            chat_id=row["chat_id"],
                            due=dt(row["next_due"]),
                            seq=row["sent_count"],
                            attempts=0,
                            local_time=local_time,
                            snoozed=False,
                            chat_kind=row["kind"],
                        )
                    )
            await db.executemany(
                "UPDATE reminders SET next_due = ?, sent_count = sent_count + ? WHERE id = ?",
                advances,
            )
        return batch

    async def next_wakeup(self) -> datetime | None:
        """The earliest instant anything becomes due (both indexes answer it at once)."""
        rows = await self._fetchall(
            "SELECT min(t) AS t FROM ("
            "SELECT min(next_due) AS t FROM reminders WHERE enabled = 1 UNION ALL "
            "SELECT min(not_before) FROM deliveries WHERE state = 'pending')"
        )
        value = rows[0]["t"]
        return None if value is None else dt(int(value))

    async def mark_sent(self, delivery_id: int) -> None:
        """The message went out: drop its outbox row."""
        await self._write("DELETE FROM deliveries WHERE id = ?", (delivery_id,))

    async def mark_sent_many(self, delivery_ids: Iterable[int]) -> None:
        """:meth:`mark_sent` for many in one transaction (the dispatcher batches these)."""
        ids = [(delivery_id,) for delivery_id in delivery_ids]
        if ids:
            async with self._transaction() as db:
                await db.executemany("DELETE FROM deliveries WHERE id = ?", ids)

    async def mark_retry(self, delivery_id: int, not_before: datetime) -> bool:
        """Sending failed: queue the delivery again from ``not_before``.

        Returns False when it was given up instead (``max_attempts`` reached) or is gone.
        """
        async with self._transaction() as db:
            requeued = await db.execute(
                "UPDATE deliveries SET state = 'pending', attempts = attempts + 1, "
                "not_before = ? WHERE id = ? AND attempts + 1 < ?",
                (ts(not_before), delivery_id, self.max_attempts),
            )
            if requeued.rowcount:
                return True
            await db.execute("DELETE FROM deliveries WHERE id = ?", (delivery_id,))
            return False

    async def requeue(self, delivery_ids: Iterable[int], not_before: datetime) -> int:
        """Put claimed deliveries back in the queue, unsent and with no attempt counted.

        For sends that were interrupted before anything reached Telegram (a graceful stop):
        the next start sends them. Returns how many were still claimed and went back.
        """
        rows = [(ts(not_before), delivery_id) for delivery_id in delivery_ids]
        if not rows:
            return 0
        async with self._transaction() as db:
            before = db.total_changes
            await db.executemany(
                "UPDATE deliveries SET state = 'pending', not_before = ? "
                "WHERE id = ? AND state = 'sending'",
                rows,
            )
            return db.total_changes - before

    async def recover(self, now: datetime) -> Recovery:
        """Start-up clean-up after the last run; says what it dropped and why.

        Outbox rows still 'sending' were claimed and then maybe, or maybe not, delivered (a
        crash, or a send on the wire when the bot stopped): they are dropped, never resent (at
        most once). Queued rows more than ``late_grace`` past their time are dropped too, like
        reminders missed while the bot was down.
        """
        async with self._transaction() as db:
            unconfirmed = await db.execute("DELETE FROM deliveries WHERE state = 'sending'")
            late = await db.execute(
                "DELETE FROM deliveries WHERE state = 'pending' AND not_before < ?",
                (ts(now - self.late_grace),),
            )
        return Recovery(unconfirmed=unconfirmed.rowcount, late=late.rowcount)

    async def snooze(
        self, chat_id: int, reminder_id: int, until: datetime, seq: int | None = None
    ) -> bool:
        """Send this reminder again at ``until``; pressing snooze twice moves it, never doubles.

        ``seq`` is the rotation index to repeat (default: the latest one sent). False if the
        reminder is not this chat's.
        """
        async with self._transaction() as db:
            found = list(
                await db.execute_fetchall(
                    "SELECT sent_count FROM reminders WHERE id = ? AND chat_id = ?",
                    (reminder_id, chat_id),
                )
            )
            if not found:
                return False
            until_s = ts(until)
            moved = await db.execute(
                "UPDATE deliveries SET not_before = ?, due = ? "
                "WHERE reminder_id = ? AND snoozed = 1 AND state = 'pending'",
                (until_s, until_s, reminder_id),
            )
            if moved.rowcount == 0:
                await db.execute(
                    "INSERT INTO deliveries "
                    "(reminder_id, chat_id, due, seq, snoozed, state, not_before) "
                    "VALUES (?, ?, ?, ?, 1, 'pending', ?)",
                    (
                        reminder_id,
                        chat_id,
                        until_s,
                        max(found[0]["sent_count"] - 1, 0) if seq is None else seq,
                        until_s,
                    ),
                )
        return True
