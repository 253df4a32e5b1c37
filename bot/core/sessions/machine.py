"""One guided session as a state machine moved by button presses and by its own clock.

The clock is injected (the bot's, or a test's fake), and step boundaries are computed from the
plan, never from when a timer happened to fire: a late timer catches up over every step that
has ended, so a thousand sessions on one scheduler keep time. Every method answers whether the
session message must change, so the edge edits it only at phase changes, never every second.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.clock import Clock
from bot.core.sessions.plan import Phase, SessionPlan, Step

__all__ = ["MAX_PAIN", "PAUSE_WAIT", "SCORE_WAIT", "Session", "Status"]

MAX_PAIN = 10  # the usual 0-10 pain scale
# How long a session waits for a pain score before it closes itself. Before: it was never
# started, so it simply ends. After: the exercises were done (and already count), so it ends as
# completed without a score after; a score given much later would measure something else.
SCORE_WAIT = timedelta(minutes=30)
# How long a paused session waits to be resumed before it closes itself (stopped, not counted):
# a session forgotten on pause must not hold its timer and its message open for ever.
PAUSE_WAIT = timedelta(minutes=30)


class Status(StrEnum):
    """Where a session is; the last four are final."""

    PAIN_BEFORE = "pain_before"  # waiting for the pain score before starting
    RUNNING = "running"
    PAUSED = "paused"
    PAIN_AFTER = "pain_after"  # every step done, waiting for the pain score after
    COMPLETED = "completed"
    PAIN_HIGHER = "pain_higher"  # completed, but the pain is higher than before: advice
    HURT = "hurt"  # "this hurts" pressed: stopped, with advice
    STOPPED = "stopped"  # stopped by the person (or ended by a restart)


FINAL = frozenset({Status.COMPLETED, Status.PAIN_HIGHER, Status.HURT, Status.STOPPED})


def _check_score(score: int | None) -> None:
    if score is not None and not 0 <= score <= MAX_PAIN:
        raise ValueError(f"a pain score is 0-{MAX_PAIN}, not {score}")


class Session:
    """A session's progress through its plan. Methods return True when the message must change."""

    def __init__(self, plan: SessionPlan, clock: Clock) -> None:
        if not plan.steps:
            raise ValueError("a session needs at least one step")
        self.plan = plan
        self._clock = clock
        self.status = Status.PAIN_BEFORE
        self.index = 0
        self.ends_at: datetime | None = None  # end of the current step while running
        self.remaining: timedelta | None = None  # left of the current step while paused
        self.paused_at: datetime | None = None
        self.pain_before: int | None = None
        self.pain_after: int | None = None
        self.started_at: datetime | None = None
        self.exercises_done_at: datetime | None = None
        self.created_at = clock()
        self.expired = False  # closed by itself after waiting SCORE_WAIT for a pain score
        self.pause_expired = False  # closed by itself after PAUSE_WAIT paused

    # --- reading ---------------------------------------------------------------------------

    @property
    def step(self) -> Step | None:
        """The current step while the session is running or paused."""
        if self.status in (Status.RUNNING, Status.PAUSED):
            return self.plan.steps[self.index]
        return None

    @property
    def finished(self) -> bool:
        """True once nothing more can happen."""
        return self.status in FINAL

    @property
    def exercises_done(self) -> bool:
        """Every step was gone through: the session counts toward the weekly goal."""
        return self.exercises_done_at is not None

    @property
    def pain_increased(self) -> bool:
        """Both scores given and the one after is higher."""
        return (
            self.pain_before is not None
            and self.pain_after is not None
            and self.pain_after > self.pain_before
        )

    def next_wakeup(self) -> datetime | None:
        """When the timer must call :meth:`advance` next (None: no timer needed).

        While a pain score is awaited, or the session is paused, that is when the wait runs out
        (see ``SCORE_WAIT`` and ``PAUSE_WAIT``).
        """
        if self.status is Status.RUNNING:
            return self.ends_at
        if self.status is Status.PAUSED and self.paused_at is not None:
            return self.paused_at + PAUSE_WAIT
        if self.status is Status.PAIN_BEFORE:
            return self.created_at + SCORE_WAIT
        if self.status is Status.PAIN_AFTER and self.exercises_done_at is not None:
            return self.exercises_done_at + SCORE_WAIT
        return None

    def seconds_left(self) -> int:
        """Whole seconds left in the current step (0 when not running or paused)."""
        if self.status is Status.PAUSED and self.remaining is not None:
            return max(0, round(self.remaining.total_seconds()))
        if self.status is Status.RUNNING and self.ends_at is not None:
            return max(0, round((self.ends_at - self._clock()).total_seconds()))
        return 0

    # --- moving ----------------------------------------------------------------------------

    def begin(self, pain_before: int | None) -> bool:
        """Start with the pain score before (None: the person skipped it)."""
        if self.status is not Status.PAIN_BEFORE:
            return False
        _check_score(pain_before)
        now = self._clock()
        self.pain_before = pain_before
        self.started_at = now
        self.status = Status.RUNNING
        self.index = 0
        self.ends_at = now + timedelta(seconds=self.plan.steps[0].seconds)
        return True

    def advance(self) -> bool:
        """Move past every step that has ended by now; True if the step changed.

        A session that has waited ``SCORE_WAIT`` for a pain score closes itself: before, it
        ends unstarted; after, it is completed without the score after (never a hanging one).
        """
        if self.status in (Status.PAIN_BEFORE, Status.PAIN_AFTER):
            deadline = self.next_wakeup()
            if deadline is None or self._clock() < deadline:
                return False
            self.status = Status.COMPLETED if self.status is Status.PAIN_AFTER else Status.STOPPED
            self.expired = True
            return True
        if self.status is Status.PAUSED:
            deadline = self.next_wakeup()
            if deadline is None or self._clock() < deadline:
                return False
            self.status = Status.STOPPED
            self.pause_expired = True
            return True
        if self.status is not Status.RUNNING or self.ends_at is None:
            return False
        now = self._clock()
        changed = False
        while self.status is Status.RUNNING and now >= self.ends_at:
            self._next_step(self.ends_at)
            changed = True
        return changed

    def pause(self) -> bool:
        """Stop the clock; the current step keeps what was left of it."""
        if not self.advance() and self.status is not Status.RUNNING:
            return False
        if self.status is not Status.RUNNING or self.ends_at is None:
            return True  # the session ended while the button was on its way
        self.remaining = self.ends_at - self._clock()
        self.paused_at = self._clock()
        self.ends_at = None
        self.status = Status.PAUSED
        return True

    def resume(self) -> bool:
        """Start the clock again where it was paused."""
        if self.status is not Status.PAUSED or self.remaining is None:
            return False
        self.ends_at = self._clock() + self.remaining
        self.remaining = None
        self.paused_at = None
        self.status = Status.RUNNING
        return True

    def skip(self) -> bool:
        """Go on to the next part now: a whole hold (both halves), a position or a rest."""
        if self.status is Status.RUNNING:
            self.advance()
        if self.status not in (Status.RUNNING, Status.PAUSED):
            return False
        current = self.plan.steps[self.index]
        now = self._clock()
        self._next_step(now)
        following = self.step
        if (
            current.phase is Phase.HOLD
            and following is not None
            and following.phase is Phase.HALFWAY
        ):
            self._next_step(now)
        return True

    def stop(self) -> bool:
        """The person stopped the session (or a restart ended it)."""
        if self.finished:
            return False
        if self.status is Status.PAIN_AFTER:
            self.status = Status.COMPLETED  # the exercises were done; only the score is missing
        else:
            self.status = Status.STOPPED
        self._halt()
        return True

    def hurts(self) -> bool:
        """ "This hurts": stop at once, whatever the step, with the advice not to push on."""
        if self.status not in (Status.RUNNING, Status.PAUSED, Status.PAIN_BEFORE):
            return False
        self.status = Status.HURT
        self._halt()
        return True

    def finish(self, pain_after: int | None) -> bool:
        """The pain score after (None: skipped); a higher score than before ends with advice."""
        if self.status is not Status.PAIN_AFTER:
            return False
        _check_score(pain_after)
        self.pain_after = pain_after
        self.status = Status.PAIN_HIGHER if self.pain_increased else Status.COMPLETED
        return True

    # --- inside ----------------------------------------------------------------------------

    def _next_step(self, started: datetime) -> None:
        self.index += 1
        if self.index >= len(self.plan.steps):
            self.index = len(self.plan.steps) - 1
            self.status = Status.PAIN_AFTER
            self.exercises_done_at = started
            self._halt()
            return
        if self.status is Status.PAUSED:
            self.remaining = timedelta(seconds=self.plan.steps[self.index].seconds)
        else:
            self.ends_at = started + timedelta(seconds=self.plan.steps[self.index].seconds)

    def _halt(self) -> None:
        self.ends_at = None
        self.remaining = None
