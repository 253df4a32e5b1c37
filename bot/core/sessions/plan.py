"""A guided session as a list of timed steps, built from the exercises' ``session`` fields.

The plan is computed once when a session starts, so the timer only ever moves along a fixed
list: every step boundary is known in advance and nothing drifts however late a timer fires.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.knowledge.model import Entry, KnowledgeBase, SessionTiming

__all__ = ["Phase", "SessionPlan", "Step", "build_plan", "plan_for"]


class Phase(StrEnum):
    """What the person is doing during a step; the session message changes with it."""

    POSITION = "position"  # get into position (first side)
    HOLD = "hold"  # the first half of a hold (or of the repetitions)
    HALFWAY = "halfway"  # the second half
    SWITCH = "switch"  # switch sides: get into position on the other side
    REST = "rest"  # between two exercises of the routine


@dataclass(frozen=True)
class Step:
    """One timed step of a session."""

    exercise_id: str
    phase: Phase
    seconds: int
    side: int = 0  # 0: the exercise has no sides; 1 or 2
    repetitions: int = 0  # repetitions to do in this step (0: a plain hold)
    next_exercise_id: str = ""  # during REST: what comes next


@dataclass(frozen=True)
class SessionPlan:
    """The steps of one session, in order, and the exercises it covers."""

    exercise_ids: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def total_seconds(self) -> int:
        """How long the session lasts without pauses."""
        return sum(step.seconds for step in self.steps)

    @property
    def routine(self) -> bool:
        """True when the plan covers more than one exercise."""
        return len(self.exercise_ids) > 1


def _hold_steps(entry_id: str, timing: SessionTiming, side: int) -> list[Step]:
    """A hold split in two at its middle (the "halfway" message); repetitions split whole."""
    if timing.repetitions:
        first_reps = timing.repetitions // 2
        second_reps = timing.repetitions - first_reps
        per_rep = timing.hold + timing.move
        halves = [(first_reps * per_rep, first_reps), (second_reps * per_rep, second_reps)]
    else:
        first = (timing.hold + 1) // 2
        halves = [(first, 0), (timing.hold - first, 0)]
    steps = []
    for phase, (seconds, reps) in zip((Phase.HOLD, Phase.HALFWAY), halves, strict=True):
        if seconds > 0:
            steps.append(Step(entry_id, phase, seconds, side, reps))
    return steps


def _exercise_steps(entry: Entry, timing: SessionTiming) -> list[Step]:
    sides = (1, 2) if timing.sides == 2 else (0,)
    steps: list[Step] = []
    for side in sides:
        phase = Phase.POSITION if side <= 1 else Phase.SWITCH
        if timing.position > 0:
            steps.append(Step(entry.id, phase, timing.position, side))
        steps.extend(_hold_steps(entry.id, timing, side))
    return steps


def build_plan(entries: Sequence[Entry]) -> SessionPlan:
    """The plan for these exercises in this order, with the rests between them.

    Entries without a ``session`` field cannot be timed and are left out.
    """
    timed = [(entry, entry.session) for entry in entries if entry.session is not None]
    steps: list[Step] = []
    for index, (entry, timing) in enumerate(timed):
        steps.extend(_exercise_steps(entry, timing))
        if index + 1 < len(timed) and timing.rest > 0:
            following = timed[index + 1][0].id
            steps.append(Step(entry.id, Phase.REST, timing.rest, next_exercise_id=following))
    return SessionPlan(tuple(entry.id for entry, _ in timed), tuple(steps))


def plan_for(kb: KnowledgeBase, exercise_id: str | None = None) -> SessionPlan | None:
    """One exercise's plan, or the routine of every timed exercise (``None``); None if untimed."""
    if exercise_id is None:
        entries = kb.exercises()
    else:
        entry = kb.entries.get(exercise_id)
        if entry is None or entry.kind != "exercise":
            return None
        entries = [entry]
    plan = build_plan(entries)
    return plan if plan.steps else None
