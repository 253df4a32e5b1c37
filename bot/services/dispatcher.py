"""The reminder dispatcher: turns due rows in the store into calls of an injected ``send``.

It knows nothing about Telegram. The Telegram side supplies ``send`` (which builds and sends
the message and translates Telegram errors into the exceptions below) and calls
:meth:`Dispatcher.run_once` every few seconds. Keeping the policy here, with the clock and the
sender injected, lets tests cover restarts, crashes, DST and failures without a network or
sleeping.

A graceful stop must lose nothing. Each send runs with an :class:`Attempt` in
:data:`current_attempt`; the sender's transport marks when a request is on the wire and how it
was answered. :meth:`Dispatcher.stop_sending` then interrupts at once every send that has not
reached Telegram (one waiting out a 25 s ``retry_after``, say) and puts it back in the queue,
and lets the ones on the wire finish; whatever is still unfinished when the pass ends is put
back if nothing of it reached Telegram, and otherwise left for start-up recovery to drop (it
may have arrived: at most once).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta

from bot.core.clock import Clock
from bot.core.records import Delivery
from bot.storage.interface import Storage

__all__ = [
    "Attempt",
    "ChatUnavailable",
    "DeliveryError",
    "DispatchLoop",
    "DispatchReport",
    "Dispatcher",
    "RetryAfter",
    "Sender",
    "TemporaryFailure",
    "current_attempt",
]

log = logging.getLogger(__name__)

Sender = Callable[[Delivery], Awaitable[None]]


class DeliveryError(Exception):
    """Base of what a sender raises to tell the dispatcher how a send failed."""


class ChatUnavailable(DeliveryError):  # noqa: N818 (names the situation, not the type)
    """The user blocked the bot or the chat is gone: stop that chat's reminders, carry on."""


class RetryAfter(DeliveryError):  # noqa: N818 (names the situation, not the type)
    """Rate limited: try this delivery again after ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"retry after {seconds} s")


class TemporaryFailure(DeliveryError):  # noqa: N818 (names the situation, not the type)
    """A network hiccup or server error: retry later with backoff, never lose the reminder."""


class Attempt:
    """One delivery's send, as its transport sees it: whether anything may have reached the chat.

    The transport calls :meth:`request_started` before a request goes out and
    :meth:`request_answered` when its answer comes back. A send is *interruptible* while no
    request is on the wire and none was answered with success: stopping it then loses nothing.
    """

    def __init__(self) -> None:
        self.task: asyncio.Task[None] | None = None
        self._on_wire = False
        self._delivered_some = False  # a request of this send was answered with success
        self._stopping = False

    @property
    def interruptible(self) -> bool:
        """Nothing of this send can have reached the chat."""
        return not self._on_wire and not self._delivered_some

    def request_started(self) -> None:
        """A request of this send is going out."""
        self._on_wire = True

    def request_answered(self, *, ok: bool) -> None:
        """Its answer came back: ``ok`` for success, False for an error (nothing delivered)."""
        self._on_wire = False
        self._delivered_some |= ok
        if self._stopping:
            self._interrupt_if_safe()

    def stop(self) -> None:
        """The bot is stopping: interrupt the send now if that loses nothing, else when it can."""
        self._stopping = True
        self._interrupt_if_safe()

    def _interrupt_if_safe(self) -> None:
        if self.interruptible and self.task is not None and not self.task.done():
            self.task.cancel()


current_attempt: ContextVar[Attempt | None] = ContextVar("current_attempt", default=None)


@dataclass(slots=True)
class DispatchReport:
    """What one :meth:`Dispatcher.run_once` did, for logs and tests."""

    sent: int = 0
    retried: int = 0  # queued again after a failure
    gone: int = 0  # deliveries to chats that blocked the bot or vanished
    skipped: int = 0  # found more than the grace period late (bot was down)
    dropped: int = 0  # gave up after the store's max_attempts
    requeued: int = 0  # interrupted by a stop before reaching Telegram: sent after the restart
    unconfirmed: int = 0  # interrupted on the wire: may have arrived, never sent again

    @property
    def total(self) -> int:
        """Everything handled, whatever the outcome."""
        return (
            self.sent
            + self.retried
            + self.gone
            + self.skipped
            + self.dropped
            + self.requeued
            + self.unconfirmed
        )


@dataclass(slots=True)
class _Pass:
    """One run_once in progress: what is claimed and not yet settled, and what was sent."""

    open: dict[int, Attempt] = field(default_factory=dict)  # delivery id -> its send
    sent: list[int] = field(default_factory=list)  # sent, not yet marked in the store
    stopping: bool = False

    def halted(self) -> bool:
        """Whether a stop was asked for (a method: it changes while the pass awaits)."""
        return self.stopping


class Dispatcher:
    """Claims due deliveries and sends them concurrently, so no chat waits for another.

    At most ``concurrency`` sends are in flight, and only as many deliveries are claimed as
    there are free slots, so one slow chat holds one slot, not the queue, and a killed process
    leaves at most its sends in flight unconfirmed. The sender's exceptions are mapped to
    store outcomes; nothing it raises escapes :meth:`run_once`.
    """

    def __init__(
        self,
        store: Storage,
        send: Sender,
        clock: Clock,
        *,
        batch_size: int = 100,
        concurrency: int = 20,
        backoff_base: timedelta = timedelta(seconds=30),
        backoff_max: timedelta = timedelta(minutes=30),
    ) -> None:
        if batch_size < 1 or concurrency < 1:
            raise ValueError("batch_size and concurrency must be at least 1")
        self._store = store
        self._send = send
        self._clock = clock
        self._batch_size = batch_size
        self._concurrency = concurrency
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._pass: _Pass | None = None

    def backoff(self, attempts: int) -> timedelta:
        """Delay before retry number ``attempts + 1`` of a temporary failure: doubling, capped."""
        return min(self._backoff_max, self._backoff_base * (1 << min(attempts, 30)))

    def stop_sending(self) -> None:
        """The bot is stopping: the pass in progress claims nothing more, and every send that
        has not reached Telegram is interrupted now (and queued again when the pass ends)."""
        current = self._pass
        if current is None:
            return
        current.stopping = True
        for attempt in list(current.open.values()):
            attempt.stop()

    async def run_once(self) -> DispatchReport:
        """Send everything due now; loops over batches until nothing is due (or a stop)."""
        report = DispatchReport()
        slots = asyncio.Semaphore(self._concurrency)
        run = self._pass = _Pass()

        async def deliver(delivery: Delivery, attempt: Attempt) -> None:
            current_attempt.set(attempt)  # this task's own context: the transport reads it
            try:
                await self._deliver(delivery, report, run)
            finally:
                slots.release()

        try:
            async with asyncio.TaskGroup() as group:
                while not run.halted():
                    await self._flush(run.sent)
                    # Claim only what can be sent now: a crash then loses at most the sends in
                    # flight (outcome unknown), never rows claimed and still waiting for a slot.
                    await slots.acquire()
                    slots.release()
                    room = max(1, self._concurrency - len(run.open))
                    batch = await self._store.claim_due(self._clock(), min(self._batch_size, room))
                    report.skipped += batch.skipped
                    if batch.empty:
                        break
                    attempts = [(delivery, Attempt()) for delivery in batch]
                    run.open.update((delivery.id, attempt) for delivery, attempt in attempts)
                    for delivery, attempt in attempts:
                        await slots.acquire()
                        if run.halted():
                            slots.release()
                            break
                        attempt.task = group.create_task(deliver(delivery, attempt))
        finally:
            self._pass = None
            await asyncio.shield(self._settle(run, report))
        if report.total:
            log.info("reminders: %s", report)
        return report

    async def _settle(self, run: _Pass, report: DispatchReport) -> None:
        """Record what the pass sent, and what a stop interrupted (see the module)."""
        try:
            await self._flush(run.sent)
            back = [key for key, attempt in run.open.items() if attempt.interruptible]
            report.requeued += await self._store.requeue(back, self._clock())
            report.unconfirmed += len(run.open) - len(back)
        except Exception:  # the store failed; start-up recovery drops what is left claimed
            log.exception("could not record the end of a reminder pass")
            return
        if run.open:
            log.info(
                "reminders interrupted by a stop: %d put back to send after the restart, %d "
                "were being sent and may have arrived (not sent again)",
                report.requeued,
                report.unconfirmed,
            )

    async def _flush(self, sent: list[int]) -> None:
        # Sent rows are deleted in batches; one left behind by a crash is dropped by recover().
        if sent:
            ids = sent.copy()
            sent.clear()
            await self._store.mark_sent_many(ids)

    async def _deliver(self, delivery: Delivery, report: DispatchReport, run: _Pass) -> None:
        """Send one delivery and record the outcome; never raises (bar cancellation)."""
        try:
            try:
                await self._send(delivery)
            except ChatUnavailable:
                log.info("a chat is unavailable; pausing its reminders (delivery %s)", delivery.id)
                await self._store.mark_gone(delivery.chat_id)
                report.gone += 1
            except RetryAfter as exc:
                await self._retry(delivery, timedelta(seconds=max(exc.seconds, 1.0)), report)
            except TemporaryFailure as exc:
                log.warning("delivery %s failed, will retry: %s", delivery.id, exc)
                await self._retry(delivery, self.backoff(delivery.attempts), report)
            except Exception:
                log.exception("unexpected error sending delivery %s; will retry", delivery.id)
                await self._retry(delivery, self.backoff(delivery.attempts), report)
            else:
                run.sent.append(delivery.id)
                report.sent += 1
        except Exception:  # the store failed while recording an outcome
            log.exception("could not record the outcome of delivery %s", delivery.id)
        # Settled (or left to start-up recovery after a store failure): not the stop's business.
        run.open.pop(delivery.id, None)

    async def _retry(self, delivery: Delivery, delay: timedelta, report: DispatchReport) -> None:
        # At least a second later, so a retry can never be claimed again in the same instant.
        if await self._store.mark_retry(
            delivery.id, self._clock() + max(delay, timedelta(seconds=1))
        ):
            report.retried += 1
        else:
            log.warning(
                "gave up on delivery %s after %s attempts", delivery.id, delivery.attempts + 1
            )
            report.dropped += 1


class DispatchLoop:
    """Runs :meth:`Dispatcher.run_once` every ``interval`` seconds as one asyncio task.

    ``ready`` gates each tick (the Telegram side passes "the application is running", so nothing
    is sent before start-up finished or after shutdown began). :meth:`tick` runs one pass now,
    serialised with the periodic ones, which is how tests dispatch deterministically.
    """

    def __init__(
        self, dispatcher: Dispatcher, interval: float, ready: Callable[[], bool] = lambda: True
    ) -> None:
        if interval <= 0:
            raise ValueError("interval must be positive")
        self.dispatcher = dispatcher
        self.interval = interval
        self._ready = ready
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Whether the periodic task is alive."""
        return self._task is not None and not self._task.done()

    async def tick(self) -> DispatchReport:
        """One dispatch pass now; waits for a periodic pass in progress to finish first."""
        async with self._lock:
            return await self.dispatcher.run_once()

    def start(self) -> None:
        """Start the periodic task (idempotent)."""
        if not self.running:
            self._task = asyncio.create_task(self._run(), name="reminder-dispatcher")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop the periodic task (idempotent).

        Sends that have not reached Telegram are interrupted at once and queued again; a send
        on the wire may finish (up to ``grace`` seconds), since interrupting it would leave a
        message that may have arrived, which start-up recovery then drops rather than repeat.
        """
        task, self._task = self._task, None
        if task is None or task.done():
            return
        self.dispatcher.stop_sending()
        idle = False
        try:
            async with asyncio.timeout(grace):
                await self._lock.acquire()  # no pass can run while we hold it
                idle = True
        except TimeoutError:
            log.warning("a reminder dispatch pass took over %s s at shutdown; cancelling", grace)
        try:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise  # we are being cancelled ourselves, not just the loop
        finally:
            if idle:
                self._lock.release()

    async def _run(self) -> None:
        failing = ""  # the failure already logged, so a lasting one is not logged every tick
        while True:
            if self._ready():
                try:
                    await self.tick()
                except Exception as error:  # the store failed; try again next time
                    now = f"{type(error).__name__}: {error}"
                    if now != failing:
                        log.exception("reminder dispatch failed; will try again")
                    failing = now
                else:
                    if failing:
                        log.info("reminder dispatch works again")
                    failing = ""
            await asyncio.sleep(self.interval)
