"""The PostgreSQL outbox: due reminders claimed with ``FOR UPDATE SKIP LOCKED``.

Claiming, moving each reminder to its next occurrence and writing its outbox row happen in one
transaction, as in the SQLite store (the statements and the decisions of a claim are shared:
``bot.storage.outbox``). Rows another replica is claiming are locked and skipped; rows it has
just claimed are no longer due when re-read after its commit. So any number of replicas deliver
each occurrence at most once, and none waits for another. Each claim records the replica
(``claimed_by``, its ``application_name``): start-up recovery drops only the sends of bots no
longer connected, never those another replica is making now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from bot.core.records import Delivery
from bot.storage.access import Session
from bot.storage.outbox import DUE, LATE_QUEUED, PENDING, Outbox, Plan, Recovery
from bot.storage.postgres.base import REPLICA_PREFIX, PgBase
from bot.storage.rows import ts

__all__ = ["PgOutbox"]

_DEAD_CLAIMS = (
    "state = 'sending' AND (claimed_by IS NULL OR claimed_by NOT IN ("
    "SELECT application_name FROM pg_stat_activity WHERE application_name LIKE ?))"
)


class PgOutbox(PgBase, Outbox):
    """The outbox half of :class:`bot.storage.postgres.PostgresStore`."""

    _PENDING: ClassVar[str] = PENDING + " FOR UPDATE OF d SKIP LOCKED"
    _DUE: ClassVar[str] = DUE + " FOR UPDATE OF r SKIP LOCKED"

    async def _take_queued(self, db: Session, claimed: list[int], stale: list[int]) -> None:
        """The claims carry this replica's name: recovery tells them from a dead bot's."""
        if stale:
            await db.execute("DELETE FROM deliveries WHERE id = ANY(?::bigint[])", stale)
        if claimed:
            await db.execute(
                "UPDATE deliveries SET state = 'sending', claimed_by = ? "
                "WHERE id = ANY(?::bigint[])",
                self.replica,
                claimed,
            )

    async def _insert_claims(
        self, db: Session, claims: list[Delivery], now_s: int
    ) -> list[Delivery]:
        """One INSERT from arrays, RETURNING the ids (a claim holds one delivery per reminder)."""
        created = await db.fetch(
            "INSERT INTO deliveries "
            "(reminder_id, chat_id, due, seq, state, not_before, claimed_by) "
            "SELECT u.reminder_id, u.chat_id, u.due, u.seq, 'sending', ?, ? FROM unnest("
            "?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]"
            ") AS u (reminder_id, chat_id, due, seq) RETURNING id, reminder_id",
            now_s,
            self.replica,
            [claim.reminder_id for claim in claims],
            [claim.chat_id for claim in claims],
            [ts(claim.due) for claim in claims],
            [claim.seq for claim in claims],
        )
        by_reminder = {claim.reminder_id: claim for claim in claims}
        return [replace(by_reminder[new["reminder_id"]], id=new["id"]) for new in created]

    async def _advance(self, db: Session, plans: list[Plan]) -> None:
        await db.execute(
            "UPDATE reminders AS r SET next_due = u.next_due, "
            "sent_count = r.sent_count + u.counted FROM unnest("
            "?::bigint[], ?::bigint[], ?::bigint[]) AS u (id, next_due, counted) "
            "WHERE r.id = u.id",
            [row_id for row_id, _, _ in plans],
            [next_due for _, next_due, _ in plans],
            [int(claim is not None) for _, _, claim in plans],
        )

    async def mark_sent_many(self, delivery_ids: Iterable[int]) -> None:
        """``mark_sent`` for many in one statement."""
        ids = list(delivery_ids)
        if ids:
            await self._write("DELETE FROM deliveries WHERE id = ANY(?::bigint[])", ids)

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
            late = await db.execute(LATE_QUEUED, ts(now - self.late_grace))
        return Recovery(unconfirmed=unconfirmed, late=late)
