"""Completions, unanswered questions, counters, guided sessions and pain scores, on either
backend: the statements are written once (``bot.storage.access`` says in which SQL)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Final

from bot.core.records import Unanswered
from bot.core.sessions.records import SessionRecord
from bot.storage.access import Access
from bot.storage.rows import dt, session_of, ts, unanswered_of

__all__ = ["MAX_UNANSWERED_CHARS", "REASONS", "NewUnanswered", "Records", "unanswered_row"]

REASONS: Final = frozenset({"fallback", "not_helpful"})
MAX_UNANSWERED_CHARS: Final = 1000
_INSERT_UNANSWERED: Final = (
    "INSERT INTO unanswered (text, reason, entry_id, created_at) VALUES (?, ?, ?, ?)"
)
# A question to keep: its text, the reason, the entry it came closest to, and when.
NewUnanswered = tuple[str, str, str | None, datetime]


def unanswered_row(
    text: str, reason: str, entry_id: str | None, now: datetime
) -> tuple[str, str, str | None, int]:
    """The row of one unanswered question (text trimmed); an unknown reason is a ValueError."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    return (text.strip()[:MAX_UNANSWERED_CHARS], reason, entry_id, ts(now))


class Records(Access):
    """What the bot counts and keeps besides chats and reminders."""

    async def record_done(self, chat_id: int, now: datetime, occurrence: str | None = None) -> bool:
        """Count a "Done" press; False if the chat is unknown (e.g. forgotten meanwhile), or if
        ``occurrence`` (a reminder delivery, "<reminder id>:<seq>") was counted already, by a
        Done press or by a guided session started from it."""
        try:
            written = await self._write(
                "INSERT INTO completions (chat_id, done_at, occurrence) "
                "SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT) "
                "WHERE CAST(? AS TEXT) IS NULL OR NOT EXISTS (SELECT 1 FROM stretch_sessions "
                "WHERE chat_id = ? AND occurrence = ?) ON CONFLICT DO NOTHING",
                chat_id,
                ts(now),
                occurrence,
                occurrence,
                chat_id,
                occurrence,
            )
        except self._CONFLICT:
            return False
        return written > 0

    async def count_done_since(self, chat_id: int, since: datetime) -> int:
        """How many "Done" presses since ``since`` (e.g. the last seven days)."""
        rows = await self._fetch(
            "SELECT count(*) AS n FROM completions WHERE chat_id = ? AND done_at >= ?",
            chat_id,
            ts(since),
        )
        return int(rows[0]["n"])

    async def count_stretches_since(self, chat_id: int, since: datetime) -> int:
        """Done presses and finished guided sessions since ``since``: the weekly goal's count."""
        rows = await self._fetch(
            "SELECT (SELECT count(*) FROM completions WHERE chat_id = ? AND done_at >= ?) + "
            "(SELECT count(*) FROM stretch_sessions WHERE chat_id = ? AND finished_at >= ?) AS n",
            chat_id,
            ts(since),
            chat_id,
            ts(since),
        )
        return int(rows[0]["n"])

    async def record_unanswered(
        self, text: str, reason: str, entry_id: str | None, now: datetime
    ) -> None:
        """Keep a question we could not answer well (no user, no chat; text trimmed)."""
        await self._write(_INSERT_UNANSWERED, *unanswered_row(text, reason, entry_id, now))

    async def record_unanswered_many(self, questions: Sequence[NewUnanswered]) -> None:
        """Keep several such questions in one transaction (one commit, not one each)."""
        rows = [unanswered_row(*question) for question in questions]
        if rows:
            async with self._transaction() as db:
                for row in rows:
                    await db.execute(_INSERT_UNANSWERED, *row)

    async def unanswered_since(self, since: datetime, limit: int = 1000) -> list[Unanswered]:
        """Unanswered questions recorded at or after ``since``, oldest first."""
        rows = await self._fetch(
            "SELECT id, text, reason, entry_id, created_at FROM unanswered "
            "WHERE created_at >= ? ORDER BY created_at, id LIMIT ?",
            ts(since),
            limit,
        )
        return [unanswered_of(row) for row in rows]

    async def purge_unanswered(self, older_than: datetime) -> int:
        """Delete unanswered questions recorded before ``older_than``; returns how many."""
        return await self._write("DELETE FROM unanswered WHERE created_at < ?", ts(older_than))

    async def increment_stat(self, name: str, by: int = 1) -> None:
        """Add to a named counter (e.g. "answered", "unanswered", "helpful")."""
        await self._write(
            "INSERT INTO stats (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = stats.value + excluded.value",
            name,
            by,
        )

    async def stats(self) -> dict[str, int]:
        """Aggregate figures only: chats by kind, enabled reminders, and every counter."""
        async with self._reading() as db:
            counts = await db.fetch(
                "SELECT "
                "(SELECT count(*) FROM chats WHERE kind = 'private') AS private_chats, "
                "(SELECT count(*) FROM chats WHERE kind IN ('group', 'supergroup')) AS groups, "
                "(SELECT count(*) FROM reminders WHERE enabled = 1) AS enabled_reminders"
            )
            counters = await db.fetch("SELECT name, value FROM stats")
        result = {"answered": 0, "unanswered": 0}
        result.update({str(row["name"]): int(row["value"]) for row in counters})
        for key in ("private_chats", "groups", "enabled_reminders"):
            result[key] = int(counts[0][key])
        return result

    # --- guided stretch sessions and pain scores -----------------------------------------

    async def record_session(
        self,
        chat_id: int,
        exercises: Iterable[str],
        started_at: datetime,
        finished_at: datetime,
        pain_before: int | None,
        occurrence: str | None = None,
    ) -> int | None:
        """Keep a session whose exercises were all done; its id, or None if the chat is unknown.

        A session started from a reminder (``occurrence``, as for :meth:`record_done`) takes the
        place of a Done press on that reminder: the two count once toward the weekly goal.
        """
        try:
            async with self._transaction() as db:
                created = await db.fetch(
                    "INSERT INTO stretch_sessions "
                    "(chat_id, exercises, started_at, finished_at, occurrence) "
                    "VALUES (?, ?, ?, ?, ?) RETURNING id",
                    chat_id,
                    ",".join(exercises),
                    ts(started_at),
                    ts(finished_at),
                    occurrence,
                )
                session_id = int(created[0]["id"])
                if pain_before is not None:
                    await db.execute(
                        "INSERT INTO pain_scores (session_id, chat_id, moment, score, recorded_at)"
                        " VALUES (?, ?, 'before', ?, ?)",
                        session_id,
                        chat_id,
                        pain_before,
                        ts(started_at),
                    )
                if occurrence is not None:
                    await db.execute(
                        "DELETE FROM completions WHERE chat_id = ? AND occurrence = ?",
                        chat_id,
                        occurrence,
                    )
        except self._CONFLICT:
            return None
        return session_id

    async def record_pain_after(
        self, chat_id: int, session_id: int, score: int, now: datetime
    ) -> bool:
        """The pain score after a stored session; False if that session is not this chat's."""
        try:
            changed = await self._write(
                "INSERT INTO pain_scores (session_id, chat_id, moment, score, recorded_at) "
                "SELECT id, chat_id, 'after', CAST(? AS BIGINT), CAST(? AS BIGINT) "
                "FROM stretch_sessions WHERE id = ? AND chat_id = ? "
                "ON CONFLICT (session_id, moment) DO UPDATE SET score = excluded.score, "
                "recorded_at = excluded.recorded_at",
                score,
                ts(now),
                session_id,
                chat_id,
            )
        except self._CONFLICT:
            return False
        return changed > 0

    async def sessions_since(self, chat_id: int, since: datetime) -> list[SessionRecord]:
        """The chat's stored sessions finished at or after ``since``, oldest first."""
        rows = await self._fetch(
            "SELECT s.id, s.chat_id, s.exercises, s.started_at, s.finished_at, "
            "b.score AS pain_before, a.score AS pain_after FROM stretch_sessions AS s "
            "LEFT JOIN pain_scores AS b ON b.session_id = s.id AND b.moment = 'before' "
            "LEFT JOIN pain_scores AS a ON a.session_id = s.id AND a.moment = 'after' "
            "WHERE s.chat_id = ? AND s.finished_at >= ? ORDER BY s.finished_at, s.id",
            chat_id,
            ts(since),
        )
        return [session_of(row) for row in rows]

    async def done_times_since(self, chat_id: int, since: datetime) -> list[datetime]:
        """When the chat pressed ✅ Done under a reminder, at or after ``since`` (for /progress)."""
        rows = await self._fetch(
            "SELECT done_at FROM completions WHERE chat_id = ? AND done_at >= ? ORDER BY done_at",
            chat_id,
            ts(since),
        )
        return [dt(row["done_at"]) for row in rows]

    async def session_counts(self, chat_id: int) -> tuple[int, int, datetime | None]:
        """For /privacy: the chat's stored sessions, its pain scores, and the first session's
        start (None without sessions)."""
        rows = await self._fetch(
            "SELECT (SELECT count(*) FROM stretch_sessions WHERE chat_id = ?) AS sessions, "
            "(SELECT count(*) FROM pain_scores WHERE chat_id = ?) AS scores, "
            "(SELECT min(started_at) FROM stretch_sessions WHERE chat_id = ?) AS first",
            chat_id,
            chat_id,
            chat_id,
        )
        first = rows[0]["first"]
        return (
            int(rows[0]["sessions"]),
            int(rows[0]["scores"]),
            None if first is None else dt(first),
        )

    # --- group stretch breaks: people per week, never who ---------------------------------

    async def add_group_person(self, chat_id: int, week: date) -> int | None:
        """One more person took part in the group's stretch breaks in ``week`` (its Monday);
        the week's new count, or None if the group is unknown."""
        try:
            rows = await self._fetch(
                "INSERT INTO group_weeks (chat_id, week, people) VALUES (?, ?, 1) "
                "ON CONFLICT (chat_id, week) DO UPDATE SET people = group_weeks.people + 1 "
                "RETURNING people",
                chat_id,
                week.isoformat(),
            )
        except self._CONFLICT:
            return None
        return int(rows[0]["people"]) if rows else None

    async def group_weeks_since(self, chat_id: int, first: date) -> dict[date, int]:
        """People per week (by Monday) in the group's stretch breaks, from ``first`` on."""
        rows = await self._fetch(
            "SELECT week, people FROM group_weeks WHERE chat_id = ? AND week >= ?",
            chat_id,
            first.isoformat(),
        )
        return {date.fromisoformat(row["week"]): int(row["people"]) for row in rows}
