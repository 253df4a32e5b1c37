"""The guided sessions going on now, and the one scheduler that moves them on time.

Sessions live in memory only: a restart ends them (the edge tells the person so on their next
press), and no timer can fire into the void afterwards. Wake-ups sit in one heap ordered by
time, so a thousand sessions cost one sleeping task, and each session computes its step ends
from its plan, so a late wake-up catches up instead of drifting.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.clock import Clock
from bot.core.sessions.machine import Session
from bot.core.sessions.plan import SessionPlan

__all__ = ["ActiveSession", "Notify", "SessionRunner"]

log = logging.getLogger(__name__)


@dataclass(eq=False)
class ActiveSession:
    """A running session and where it is shown: the chat and the one message edited."""

    token: str
    chat_id: int
    session: Session
    message_id: int | None = None
    stored_id: int | None = None  # the store's id once its exercises were all done
    photo: bool = False  # the message is a picture with a caption (else plain text)
    shown: str = ""  # the exercise whose picture the message shows now
    occurrence: str | None = None  # the reminder delivery it was started from, "<id>:<seq>"
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one change of the message at a time


Notify = Callable[[ActiveSession], Awaitable[None]]


class SessionRunner:
    """One session per chat; :meth:`tick` moves every session whose step has ended."""

    def __init__(self, clock: Clock, notify: Notify, *, concurrency: int = 20) -> None:
        self._clock = clock
        self._notify = notify
        self._concurrency = concurrency
        self._by_chat: dict[int, ActiveSession] = {}
        self._heap: list[tuple[datetime, int, ActiveSession]] = []
        self._order = itertools.count()
        self._tick_lock = asyncio.Lock()
        self._wake = asyncio.Event()

    def __len__(self) -> int:
        return len(self._by_chat)

    def start(self, chat_id: int, plan: SessionPlan) -> tuple[ActiveSession, ActiveSession | None]:
        """A new session for the chat, and the one it replaces (stopped), if any."""
        old = self._by_chat.pop(chat_id, None)
        if old is not None:
            old.session.stop()
        active = ActiveSession(secrets.token_hex(4), chat_id, Session(plan, self._clock))
        self._by_chat[chat_id] = active
        return active, old

    def find(self, chat_id: int, token: str) -> ActiveSession | None:
        """The chat's session if ``token`` is still the current one (else its button is stale)."""
        active = self._by_chat.get(chat_id)
        return active if active is not None and active.token == token else None

    def schedule(self, active: ActiveSession) -> None:
        """After any change: queue the session's next wake-up, or forget it once finished."""
        if active.session.finished:
            self.discard(active)
            return
        wakeup = active.session.next_wakeup()
        if wakeup is not None:
            heapq.heappush(self._heap, (wakeup, next(self._order), active))
            self._wake.set()

    def discard(self, active: ActiveSession) -> None:
        """Forget a session (its queued wake-ups are skipped when they come up)."""
        if self._by_chat.get(active.chat_id) is active:
            del self._by_chat[active.chat_id]

    def end(self, chat_id: int) -> ActiveSession | None:
        """Stop the chat's session now (e.g. /forget); its later wake-ups are skipped."""
        active = self._by_chat.pop(chat_id, None)
        if active is not None:
            active.session.stop()
        return active

    def end_all(self) -> list[ActiveSession]:
        """Stop every session (at shutdown); returns them so the edge can say so."""
        ended = list(self._by_chat.values())
        for active in ended:
            active.session.stop()
        self._by_chat.clear()
        self._heap.clear()
        return ended

    def next_wakeup(self) -> datetime | None:
        """The earliest queued wake-up (possibly of a session that changed since)."""
        return self._heap[0][0] if self._heap else None

    async def tick(self) -> int:
        """Advance every session whose step has ended; notify each changed one. How many."""
        async with self._tick_lock:
            now = self._clock()
            changed: list[ActiveSession] = []
            while self._heap and self._heap[0][0] <= now:
                wakeup, _, active = heapq.heappop(self._heap)
                if self._by_chat.get(active.chat_id) is not active:
                    continue  # stopped, replaced or finished meanwhile
                if active.session.next_wakeup() != wakeup:
                    continue  # paused, resumed or skipped: another entry is queued
                if active.session.advance():
                    changed.append(active)
                wakeup_next = active.session.next_wakeup()
                if wakeup_next is not None:
                    heapq.heappush(self._heap, (wakeup_next, next(self._order), active))
            if changed:
                await self._notify_all(changed)
            return len(changed)

    async def _notify_all(self, changed: list[ActiveSession]) -> None:
        slots = asyncio.Semaphore(self._concurrency)

        async def one(active: ActiveSession) -> None:
            async with slots:
                try:
                    await self._notify(active)
                except Exception:  # one chat's failure must not stop the others' timers
                    log.exception("could not update a guided session message")
            if active.session.finished:
                self.discard(active)

        async with asyncio.TaskGroup() as group:
            for active in changed:
                group.create_task(one(active))

    async def run(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        """Tick until ``stop``: at the next wake-up, and at least every ``interval`` seconds
        while a session is queued; with none, it sleeps until one is scheduled (an idle bot
        spends no CPU here)."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("guided session timer failed; will try again")
            delay: float | None = None
            wakeup = self.next_wakeup()
            if wakeup is not None:
                delay = min(interval, max(0.0, (wakeup - self._clock()).total_seconds()))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await _first(stop.wait(), self._wake.wait())


async def _first(*waits: Awaitable[bool]) -> None:
    """Return when the first of ``waits`` finishes; cancel the rest."""
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
