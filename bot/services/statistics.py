"""Statistics counters kept in memory and written to the store in batches.

Counting "answered" used to be one durable SQLite commit (``synchronous=FULL``, an fsync) per
question: the most expensive thing the bot did for a figure nobody reads more than daily. Counts
are now added up here and written together: once the injected clock says ``interval`` has passed
since the oldest count not yet written (checked whenever something is counted), by a periodic
task in quiet times, before /stats reads them, and on a graceful stop. What a crash (kill -9,
power loss) can lose is one batch: at most ``interval`` of counts, or ``max_pending`` of them.
Reminders and their outbox never go through here; their writes stay durable one by one.

The questions kept for the maintainers' report (``STORE_UNANSWERED``: the text of a question
that got the fallback or a "Not helpful", never who asked) go the same way: a third of real
questions get the fallback, and each was a durable commit of its own. They wait here with the
counts (at most ``interval``, and count towards ``max_pending``) and are written in one
transaction per batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

__all__ = ["FLUSH_INTERVAL", "MAX_PENDING", "BufferedCounters", "CounterSink", "Question"]

FLUSH_INTERVAL = timedelta(seconds=30)
MAX_PENDING = 1000  # counts; a burst writes sooner than the interval
Question = tuple[str, str, str | None, datetime]  # text, reason, closest entry id, when


class CounterSink(Protocol):
    """Where counts end up (the store)."""

    async def increment_stat(self, name: str, by: int = 1) -> None:
        """Add ``by`` to the counter ``name``."""
        ...

    async def record_unanswered_many(self, questions: Sequence[Question]) -> None:
        """Keep these questions (text, reason, closest entry id, when), in one transaction."""
        ...


class BufferedCounters:
    """Named counters added up in memory; :meth:`flush` writes them, one statement per name."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        interval: timedelta = FLUSH_INTERVAL,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self._clock = clock
        self._interval = interval
        self._max_pending = max_pending
        self._pending: Counter[str] = Counter()
        self._questions: list[Question] = []
        self._since = clock()  # when the oldest pending count was made (or a write last failed)

    @property
    def pending(self) -> Mapping[str, int]:
        """Counts not written yet."""
        return dict(self._pending)

    @property
    def questions(self) -> Sequence[Question]:
        """Unanswered questions not written yet."""
        return tuple(self._questions)

    def add(self, name: str, by: int = 1) -> None:
        """Count ``by`` more of ``name`` (memory only until the next flush)."""
        if not self._pending and not self._questions:
            self._since = self._clock()
        self._pending[name] += by

    def keep(self, text: str, reason: str, entry_id: str | None, at: datetime) -> None:
        """Keep an unanswered question for the report (memory only until the next flush)."""
        if not self._pending and not self._questions:
            self._since = self._clock()
        self._questions.append((text, reason, entry_id, at))

    def due(self) -> bool:
        """Whether the pending counts and questions should be written now."""
        if not self._pending and not self._questions:
            return False
        full = self._pending.total() + len(self._questions) >= self._max_pending
        return full or self._clock() - self._since >= self._interval

    async def flush(self, sink: CounterSink) -> None:
        """Write every pending count, then the pending questions. A failed write keeps its
        count (and those after it, and the questions) pending for the next flush, and raises;
        the next try waits for the next interval."""
        await self._flush_counts(sink)
        questions, self._questions = self._questions, []
        if not questions:
            return
        try:
            await sink.record_unanswered_many(questions)
        except BaseException:
            self._since = self._clock()
            self._questions[:0] = questions
            raise

    async def _flush_counts(self, sink: CounterSink) -> None:
        batch, self._pending = self._pending, Counter()
        names = list(batch)
        for index, name in enumerate(names):
            try:
                await sink.increment_stat(name, batch[name])
            except BaseException:
                self._since = self._clock()
                for unwritten in names[index:]:
                    self._pending[unwritten] += batch[unwritten]
                raise
