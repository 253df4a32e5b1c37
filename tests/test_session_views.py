"""The session message in each state, and the session buttons' data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core import callbacks
from bot.core.callbacks import LIMIT as CALLBACK_LIMIT
from bot.core.callbacks import SessionAction
from bot.core.knowledge import load_knowledge
from bot.core.sessions.machine import Session
from bot.core.sessions.plan import plan_for
from bot.core.sessions.views import Press, parse_press, session_reply

KB = load_knowledge(Path(__file__).resolve().parent.parent / "knowledge")
TOKEN = "0123abcd"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def data(reply: object) -> list[str]:
    return [b.data or "" for row in reply.buttons for b in row]  # type: ignore[attr-defined]


def session(exercise: str | None = "pigeon-pose") -> tuple[Session, Clock]:
    plan = plan_for(KB, exercise)
    assert plan is not None
    clock = Clock()
    return Session(plan, clock), clock


def test_before_the_start_a_pain_score_is_asked() -> None:
    s, _ = session()
    reply = session_reply(KB, s, TOKEN)
    assert "Pigeon" in reply.html and "0 (no pain) to 10" in reply.html
    assert data(reply) == [f"st:{TOKEN}:{n}" for n in range(11)] + [
        f"st:{TOKEN}:none",
        f"st:{TOKEN}:stop",
    ]


def test_each_phase_has_its_own_line_and_the_instructions() -> None:
    s, clock = session()
    s.begin(2)
    seen = []
    while s.step is not None:
        reply = session_reply(KB, s, TOKEN)
        seen.append(reply.plain().split("\n\n")[2].splitlines()[0])
        assert "Start in a plank position" in reply.plain()  # the exercise's steps
        assert data(reply) == [f"st:{TOKEN}:{a}" for a in ("pause", "skip", "stop", "hurt")]
        clock.now = s.ends_at or clock.now
        s.advance()
    assert seen == [
        "➡️ Get into position (20 s).",
        "⏱ Side 1: hold for 15 s. Breathe calmly.",
        "⏳ Halfway! 15 s to go.",
        "🔄 Switch sides: get into position on the other side (20 s).",
        "⏱ Side 2: hold for 15 s. Breathe calmly.",
        "⏳ Halfway! 15 s to go.",
    ]
    assert "How much does your back hurt now" in session_reply(KB, s, TOKEN).html


def test_the_routine_names_the_next_exercise_while_resting() -> None:
    s, clock = session(None)
    s.begin(None)
    assert "The routine" in session_reply(KB, s, TOKEN).html
    while s.step is not None and s.step.phase.value != "rest":
        clock.now = s.ends_at or clock.now
        s.advance()
    assert "Rest for 20 s. Next: Pigeon." in session_reply(KB, s, TOKEN).plain()
    assert "(1 of 3)" in session_reply(KB, s, TOKEN).plain()


def test_bridge_counts_repetitions() -> None:
    s, clock = session("bridge-pose")
    s.begin(0)
    clock.now += timedelta(seconds=10)
    s.advance()
    assert (
        "6 repetitions, holding 3 s at the top of each (30 s)"
        in session_reply(KB, s, TOKEN).plain()
    )


def test_pause_offers_resume() -> None:
    s, clock = session()
    s.begin(1)
    clock.now += timedelta(seconds=25)
    s.pause()
    reply = session_reply(KB, s, TOKEN)
    assert "Paused" in reply.html and "Side 1: hold for 10 s" in reply.plain()  # what is left
    assert data(reply)[0] == f"st:{TOKEN}:resume"


def test_endings() -> None:
    s, clock = session()
    s.begin(2)
    clock.now += timedelta(hours=1)
    s.advance()
    s.finish(5)
    higher = session_reply(KB, s, TOKEN)
    assert "pain is higher than before</b> (2 → 5)" in higher.html
    assert "physical therapist" in higher.html and higher.buttons == ()
    done, clock = session()
    done.begin(2)
    clock.now += timedelta(hours=1)
    done.advance()
    done.finish(2)
    assert "2 of 3 this week" in session_reply(KB, done, TOKEN, week_count=2).html
    hurt, _ = session()
    hurt.begin(3)
    hurt.hurts()
    assert "Don't push through pain" in session_reply(KB, hurt, TOKEN).html
    stopped, _ = session()
    stopped.stop()
    assert "Session stopped" in session_reply(KB, stopped, TOKEN).html


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("st:0123abcd:pause", Press(TOKEN, SessionAction.PAUSE)),
        ("st:0123abcd:10", Press(TOKEN, SessionAction.SCORE, 10)),
        ("st:0123abcd:0", Press(TOKEN, SessionAction.SCORE, 0)),
        ("st:0123abcd:score", None),
        ("st:0123abcd:11", None),
        ("st:0123abcd:jump", None),
        ("st:XYZ:pause", None),
        ("st:0123abcd", None),
        ("r:done:1", None),
    ],
)
def test_button_data_is_read_strictly(raw: str, expected: Press | None) -> None:
    assert parse_press(raw) == expected


def test_button_data_fits_telegram() -> None:
    longest = f"st:{'f' * 16}:resume"
    assert len(longest.encode()) <= CALLBACK_LIMIT


def test_session_buttons_round_trip() -> None:
    for action in SessionAction:
        if action is SessionAction.SCORE:
            data = callbacks.session("ffffffffffffffff", action, 10)
            assert parse_press(data) == Press("ffffffffffffffff", action, 10)
        else:
            data = callbacks.session("ffffffffffffffff", action)
            assert parse_press(data) == Press("ffffffffffffffff", action)
        assert len(data.encode()) <= CALLBACK_LIMIT
    with pytest.raises(ValueError, match="0 to 10"):
        callbacks.session("ab", SessionAction.SCORE, 11)
    start = callbacks.session_start("x" * 48)
    assert callbacks.parse_session_start(start) == "x" * 48
    assert len(start.encode()) <= CALLBACK_LIMIT
