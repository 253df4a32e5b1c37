"""Guided sessions without Telegram: the plan from the YAML, the state machine on a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.core.knowledge.model import SessionTiming
from bot.core.sessions.machine import PAUSE_WAIT, SCORE_WAIT, Session, Status
from bot.core.sessions.plan import Phase, SessionPlan, Step, build_plan, plan_for
from tests.kb_factory import PIGEON, SITTING, write_kb

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def shape(plan: SessionPlan) -> list[tuple[str, str, int, int, int]]:
    return [(s.exercise_id, s.phase.value, s.seconds, s.side, s.repetitions) for s in plan.steps]


# --- the plan, from the real knowledge base -------------------------------------------------


def test_each_exercise_follows_the_article() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    hip = plan_for(kb, "hip-flexor-stretch")
    pigeon = plan_for(kb, "pigeon-pose")
    bridge = plan_for(kb, "bridge-pose")
    assert hip is not None and pigeon is not None and bridge is not None
    # Hip Flexor Stretch: 20-30 s on each side; Pigeon: 30 s on each side.
    for plan, low, high in ((hip, 20, 30), (pigeon, 30, 30)):
        holds: dict[int, int] = {}
        for step in plan.steps:
            if step.phase in (Phase.HOLD, Phase.HALFWAY):
                holds[step.side] = holds.get(step.side, 0) + step.seconds
        assert set(holds) == {1, 2}
        assert all(low <= seconds <= high for seconds in holds.values())
        assert [s.phase for s in plan.steps] == [
            Phase.POSITION,
            Phase.HOLD,
            Phase.HALFWAY,
            Phase.SWITCH,
            Phase.HOLD,
            Phase.HALFWAY,
        ]
    # Bridge: 10-15 repetitions, each held a few seconds, no sides.
    reps = [s.repetitions for s in bridge.steps if s.phase in (Phase.HOLD, Phase.HALFWAY)]
    assert 10 <= sum(reps) <= 15
    assert all(step.side == 0 for step in bridge.steps)
    timing = kb.entries["bridge-pose"].session
    assert timing is not None and 2 <= timing.hold <= 5


def test_the_routine_is_all_three_with_rests_between() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    plan = plan_for(kb)
    assert plan is not None and plan.routine
    assert plan.exercise_ids == ("hip-flexor-stretch", "pigeon-pose", "bridge-pose")
    rests = [s for s in plan.steps if s.phase is Phase.REST]
    assert [(r.exercise_id, r.next_exercise_id) for r in rests] == [
        ("hip-flexor-stretch", "pigeon-pose"),
        ("pigeon-pose", "bridge-pose"),
    ]
    assert plan.steps[-1].phase is not Phase.REST
    singles = [plan_for(kb, e) for e in plan.exercise_ids]
    single = sum(p.total_seconds for p in singles if p is not None)
    assert len([p for p in singles if p is not None]) == 3
    assert plan.total_seconds == single + sum(r.seconds for r in rests)


def test_topics_and_unknown_ids_have_no_plan() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    assert plan_for(kb, "sitting-and-hip-flexors") is None
    assert plan_for(kb, "no-such-exercise") is None


def test_the_plan_is_built_from_the_numbers_in_the_yaml() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    entry = kb.entries["bridge-pose"]
    timing = SessionTiming(position=5, hold=4, repetitions=5, move=1)
    plan = build_plan([entry.__class__(**{**entry.__dict__, "session": timing})])
    assert shape(plan) == [
        ("bridge-pose", "position", 5, 0, 0),
        ("bridge-pose", "hold", 10, 0, 2),
        ("bridge-pose", "halfway", 15, 0, 3),
    ]
    odd = SessionTiming(position=0, hold=25, sides=2)
    plan = build_plan([entry.__class__(**{**entry.__dict__, "session": odd})])
    assert shape(plan) == [
        ("bridge-pose", "hold", 13, 1, 0),
        ("bridge-pose", "halfway", 12, 1, 0),
        ("bridge-pose", "hold", 13, 2, 0),
        ("bridge-pose", "halfway", 12, 2, 0),
    ]


def test_exercises_without_a_session_are_left_out(tmp_path: Path) -> None:
    kb = load_knowledge(write_kb(tmp_path / "kb"))  # the factory's pigeon has no session
    assert plan_for(kb) is None
    assert plan_for(kb, "pigeon-pose") is None


# --- the session field in the YAML -----------------------------------------------------------

SESSION = "session:\n  position: 10\n  hold: 30\n  sides: 2\n  rest: 15\n"


def test_a_session_field_is_read(tmp_path: Path) -> None:
    kb = load_knowledge(write_kb(tmp_path / "kb", {"entries/pigeon-pose.yaml": PIGEON + SESSION}))
    assert kb.entries["pigeon-pose"].session == SessionTiming(10, 30, sides=2, rest=15)


@pytest.mark.parametrize(
    ("file", "text", "expected"),
    [
        ("pigeon-pose", PIGEON + SESSION.replace("30", "900"), "session.hold is 900"),
        ("pigeon-pose", PIGEON + SESSION.replace("sides: 2", "sides: 3"), "session.sides is 3"),
        ("pigeon-pose", PIGEON + SESSION.replace("hold: 30", "hold: half"), "whole number"),
        ("pigeon-pose", PIGEON + SESSION.replace("hold: 30", "hould: 30"), "did you mean 'hold'"),
        ("pigeon-pose", PIGEON + SESSION.replace("  position: 10\n", ""), "needs 'position'"),
        ("pigeon-pose", PIGEON + "session: 30\n", "'name: value' fields"),
        ("pigeon-pose", PIGEON + SESSION + "  move: 2\n", "only used with repetitions"),
        ("sitting", SITTING + SESSION, "only exercises have a session"),
    ],
)
def test_a_wrong_session_field_is_explained(
    tmp_path: Path, file: str, text: str, expected: str
) -> None:
    write_kb(tmp_path / "kb", {f"entries/{file}.yaml": text})
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path / "kb")
    found = [str(problem) for problem in caught.value.problems]
    assert any(expected in line for line in found), found
    assert all(line.startswith(f"kb/entries/{file}.yaml:") for line in found), found
    assert len(found) <= 2, found  # a misspelt name is also a missing one


# --- the state machine -----------------------------------------------------------------------

PLAN = SessionPlan(
    ("a", "b"),
    (
        Step("a", Phase.POSITION, 10, 1),
        Step("a", Phase.HOLD, 15, 1),
        Step("a", Phase.HALFWAY, 15, 1),
        Step("a", Phase.SWITCH, 10, 2),
        Step("a", Phase.HOLD, 15, 2),
        Step("a", Phase.HALFWAY, 15, 2),
        Step("a", Phase.REST, 20, next_exercise_id="b"),
        Step("b", Phase.POSITION, 10),
        Step("b", Phase.HOLD, 30, repetitions=6),
        Step("b", Phase.HALFWAY, 30, repetitions=6),
    ),
)


def started(clock: Clock, pain: int | None = 3) -> Session:
    session = Session(PLAN, clock)
    assert session.status is Status.PAIN_BEFORE and session.step is None
    assert session.next_wakeup() == clock.now + SCORE_WAIT  # the wait for the first score
    assert session.begin(pain)
    return session


def test_a_whole_session_changes_the_message_only_at_phase_ends() -> None:
    clock = Clock()
    session = started(clock)
    assert session.step == PLAN.steps[0]
    changes = []
    for _ in range(PLAN.total_seconds):  # a timer that fires every second
        clock.tick(1)
        if session.advance():
            changes.append((session.status, session.index))
    # one change per step boundary, then the pain question: never every second
    assert changes == [(Status.RUNNING, i) for i in range(1, len(PLAN.steps))] + [
        (Status.PAIN_AFTER, len(PLAN.steps) - 1)
    ]
    assert session.exercises_done_at == START + timedelta(seconds=PLAN.total_seconds)
    assert session.next_wakeup() == session.exercises_done_at + SCORE_WAIT
    assert not session.advance()
    assert session.finish(2)
    assert session.status is Status.COMPLETED and not session.pain_increased
    assert session.finished and session.exercises_done


def test_the_wakeup_is_the_end_of_the_step() -> None:
    clock = Clock()
    session = started(clock)
    assert session.next_wakeup() == START + timedelta(seconds=10)
    clock.tick(4)
    assert session.seconds_left() == 6
    assert not session.advance()
    clock.tick(6)
    assert session.advance()
    assert session.step == PLAN.steps[1]
    assert session.next_wakeup() == START + timedelta(seconds=25)


def test_a_late_timer_catches_up_without_drift() -> None:
    clock = Clock()
    session = started(clock)
    clock.tick(10 + 15 + 15 + 3.5)  # three steps over, 3.5 s into the switch
    assert session.advance()
    assert session.step == PLAN.steps[3]
    # the switch ends 10 s after it began by the plan, not 10 s after the late timer
    assert session.next_wakeup() == START + timedelta(seconds=50)
    clock.tick(10_000)
    assert session.advance()
    assert session.status is Status.PAIN_AFTER
    assert session.exercises_done_at == START + timedelta(seconds=PLAN.total_seconds)


def test_pause_keeps_what_was_left_and_resume_goes_on() -> None:
    clock = Clock()
    session = started(clock)
    clock.tick(12)  # 2 s into the first hold
    assert session.pause()
    assert session.status is Status.PAUSED and session.step == PLAN.steps[1]
    assert session.seconds_left() == 13
    assert session.next_wakeup() == clock.now + PAUSE_WAIT  # only the end of the pause's wait
    clock.tick(600)
    assert not session.advance()
    assert not session.pause()
    assert session.resume()
    assert session.next_wakeup() == clock.now + timedelta(seconds=13)
    assert not session.resume()
    clock.tick(13)
    assert session.advance() and session.step == PLAN.steps[2]


def test_skip_goes_past_a_whole_hold_and_keeps_a_pause() -> None:
    clock = Clock()
    session = started(clock)
    assert session.skip()  # skip getting into position
    assert session.step == PLAN.steps[1] and session.next_wakeup() == START + timedelta(seconds=15)
    assert session.skip()  # skip the hold: both halves
    assert session.step == PLAN.steps[3]
    assert session.pause()
    assert session.skip()
    assert session.status is Status.PAUSED and session.step == PLAN.steps[4]
    assert session.seconds_left() == 15
    assert session.resume()
    for _ in range(3):  # the hold on side 2, the rest, b's position
        assert session.skip()
    assert session.step == PLAN.steps[8]
    assert session.skip()
    assert session.exercises_done and session.step is None
    assert str(session.status) == "pain_after"  # (a string: mypy kept the narrowing above)
    assert not session.skip()


def test_stop_ends_without_counting() -> None:
    clock = Clock()
    session = started(clock)
    clock.tick(30)
    assert session.stop()
    assert session.status is Status.STOPPED and session.finished
    assert not session.exercises_done and session.next_wakeup() is None
    assert not session.stop() and not session.advance() and not session.resume()
    assert not session.finish(1)


def test_stop_before_starting_and_at_the_pain_question() -> None:
    clock = Clock()
    session = Session(PLAN, clock)
    assert session.stop() and session.status is Status.STOPPED
    assert not session.begin(2)
    session = started(clock)
    clock.tick(PLAN.total_seconds)
    session.advance()
    assert session.stop()  # only the last score is missing: the exercises count
    assert session.status is Status.COMPLETED and session.exercises_done


def test_this_hurts_stops_at_once() -> None:
    clock = Clock()
    session = started(clock)
    clock.tick(20)
    assert session.hurts()
    assert session.status is Status.HURT and session.finished and not session.exercises_done
    assert session.next_wakeup() is None
    assert not session.hurts() and not session.skip()
    paused = started(clock)
    paused.pause()
    assert paused.hurts() and paused.status is Status.HURT


@pytest.mark.parametrize(
    ("before", "after", "status"),
    [
        (3, 5, Status.PAIN_HIGHER),
        (3, 3, Status.COMPLETED),
        (5, 1, Status.COMPLETED),
        (None, 9, Status.COMPLETED),
        (4, None, Status.COMPLETED),
    ],
)
def test_pain_higher_after_is_told_apart(
    before: int | None, after: int | None, status: Status
) -> None:
    clock = Clock()
    session = started(clock, before)
    clock.tick(PLAN.total_seconds)
    session.advance()
    assert session.finish(after)
    assert session.status is status
    assert session.pain_increased is (status is Status.PAIN_HIGHER)


def test_pain_scores_outside_0_to_10_are_refused() -> None:
    clock = Clock()
    session = Session(PLAN, clock)
    with pytest.raises(ValueError, match="0-10"):
        session.begin(11)
    with pytest.raises(ValueError, match="0-10"):
        session.begin(-1)
    assert session.status is Status.PAIN_BEFORE
    assert session.begin(10)


def test_a_plan_without_steps_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one step"):
        Session(SessionPlan((), ()), Clock())


def test_a_session_waiting_for_the_score_after_completes_without_it() -> None:
    clock = Clock()
    session = started(clock)
    clock.tick(PLAN.total_seconds)
    assert session.advance() and session.status is Status.PAIN_AFTER
    clock.tick(SCORE_WAIT.total_seconds() - 1)
    assert not session.advance() and session.status is Status.PAIN_AFTER
    clock.tick(1)
    assert session.advance()
    assert Status(session.status) is Status.COMPLETED and session.expired and session.finished
    assert session.exercises_done and session.pain_after is None and session.pain_before == 3
    assert session.next_wakeup() is None
    assert not session.finish(0)  # a score far too late changes nothing


def test_a_session_never_started_closes_itself() -> None:
    clock = Clock()
    session = Session(PLAN, clock)
    clock.tick(SCORE_WAIT.total_seconds())
    assert session.advance()
    assert session.status is Status.STOPPED and session.expired and not session.exercises_done
    assert not session.begin(2)


def test_a_session_left_paused_closes_itself_and_does_not_count() -> None:
    clock = Clock()
    session = started(clock)
    clock.tick(12)
    assert session.pause()
    clock.tick(PAUSE_WAIT.total_seconds() - 1)
    assert not session.advance() and session.status is Status.PAUSED
    clock.tick(1)
    assert session.advance()
    assert (
        Status(session.status) is Status.STOPPED and session.pause_expired and not session.expired
    )
    assert not session.exercises_done and session.next_wakeup() is None
    assert not session.resume()  # a late Resume finds it closed


def test_a_resumed_session_gets_a_fresh_pause_wait() -> None:
    clock = Clock()
    session = started(clock)
    assert session.pause()
    clock.tick(PAUSE_WAIT.total_seconds() - 5)
    assert session.resume()
    clock.tick(1)
    assert session.pause()
    assert session.next_wakeup() == clock.now + PAUSE_WAIT
    clock.tick(PAUSE_WAIT.total_seconds() - 1)
    assert not session.advance() and session.status is Status.PAUSED
