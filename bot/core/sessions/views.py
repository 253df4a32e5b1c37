"""What a guided session looks like in the chat: one message, its text and buttons per state.

The message is rebuilt from the session's state only when the state machine reports a change,
so the chat sees an edit at each phase change and never a ticking counter.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.core import callbacks
from bot.core.knowledge import KnowledgeBase, fill
from bot.core.replies import Button, Reply, ReplyKind, label
from bot.core.sessions.machine import MAX_PAIN, Session, Status
from bot.core.sessions.plan import Phase, SessionPlan, Step

__all__ = [
    "SESSION_PREFIX",
    "STRETCH_START",
    "Press",
    "current_exercise",
    "parse_press",
    "parse_start",
    "session_reply",
    "start_button",
]

SESSION_PREFIX = callbacks.SESSION
# The deep link of Start under a group's stretch break: t.me/<bot>?start=stretch-<exercise id>
STRETCH_START = "stretch"
Press = callbacks.SessionPress
Action = callbacks.SessionAction
parse_press = callbacks.parse_session
parse_start = callbacks.parse_session_start

Texts = Mapping[str, str]


def start_button(texts: Texts, exercise_id: str) -> Button:
    """A "Start" button under an exercise's answer or reminder: a guided session of it."""
    return Button(label(texts, "button_session_start"), data=callbacks.session_start(exercise_id))


def _button(texts: Texts, key: str, token: str, action: callbacks.SessionAction) -> Button:
    return Button(label(texts, key), data=callbacks.session(token, action))


def _score_buttons(texts: Texts, token: str) -> tuple[tuple[Button, ...], ...]:
    scores = [
        Button(str(n), data=callbacks.session(token, Action.SCORE, n)) for n in range(MAX_PAIN + 1)
    ]
    return (
        tuple(scores[:6]),
        tuple(scores[6:]),
        (_button(texts, "button_session_no_score", token, Action.NO_SCORE),),
    )


def _title(kb: KnowledgeBase, plan: SessionPlan) -> str:
    minutes = max(1, round(plan.total_seconds / 60))
    names = [kb.entries[i].title if i in kb.entries else i for i in plan.exercise_ids]
    if plan.routine:
        return fill(kb.texts["session_title_routine"], exercises=", ".join(names), minutes=minutes)
    return fill(kb.texts["session_title_one"], exercise=names[0], minutes=minutes)


def _phase_line(kb: KnowledgeBase, step: Step, seconds: int) -> str:
    texts = kb.texts
    timing = kb.entries[step.exercise_id].session if step.exercise_id in kb.entries else None
    if step.phase is Phase.POSITION:
        return fill(texts["session_position"], seconds=seconds)
    if step.phase is Phase.SWITCH:
        return fill(texts["session_switch"], seconds=seconds)
    if step.phase is Phase.REST:
        following = kb.entries.get(step.next_exercise_id)
        name = following.title if following else step.next_exercise_id
        return fill(texts["session_rest"], seconds=seconds, next=name)
    if step.phase is Phase.HOLD:
        if step.repetitions:
            hold = timing.hold if timing else 0
            return fill(texts["session_reps"], count=step.repetitions, hold=hold, seconds=seconds)
        if step.side:
            return fill(texts["session_hold_side"], side=step.side, seconds=seconds)
        return fill(texts["session_hold"], seconds=seconds)
    if step.repetitions:
        return fill(texts["session_halfway_reps"], count=step.repetitions, seconds=seconds)
    return fill(texts["session_halfway"], seconds=seconds)


def _exercise_block(kb: KnowledgeBase, plan: SessionPlan, step: Step) -> list[str]:
    entry = kb.entries.get(step.exercise_id)
    if entry is None:
        return []
    number = plan.exercise_ids.index(step.exercise_id) + 1
    lines = [
        fill(
            kb.texts["session_exercise"],
            exercise=entry.title,
            number=number,
            total=len(plan.exercise_ids),
        )
    ]
    lines += [f"{n}. {text}" for n, text in enumerate(entry.steps, start=1)]
    return lines


def current_exercise(session: Session) -> str:
    """The exercise the session shows now (the next one while resting, the first before)."""
    step = session.step
    if step is None:
        return session.plan.steps[session.index].exercise_id
    return step.next_exercise_id if step.phase is Phase.REST else step.exercise_id


def session_reply(
    kb: KnowledgeBase,
    session: Session,
    token: str,
    *,
    week_count: int = 0,
    target: int = 3,
    with_steps: bool = True,
) -> Reply:
    """The session message for the session's state now (``week_count``: after completing).

    ``with_steps=False`` leaves out the exercise's numbered steps (for a photo caption that
    would not fit Telegram's 1024 characters; the picture shows the positions).
    """
    texts = kb.texts
    lines = [_title(kb, session.plan), ""]
    buttons: tuple[tuple[Button, ...], ...] = ()
    status = session.status
    if status is Status.PAIN_BEFORE:
        lines.append(fill(texts["session_pain_before"]))
        buttons = (
            *_score_buttons(texts, token),
            (_button(texts, "button_session_stop", token, Action.STOP),),
        )
    elif status in (Status.RUNNING, Status.PAUSED):
        step = session.plan.steps[session.index]
        lines += _exercise_block(kb, session.plan, step)[: None if with_steps else 1]
        lines += ["", _phase_line(kb, step, session.seconds_left() or step.seconds)]
        if status is Status.PAUSED:
            lines.append(fill(texts["session_paused"]))
            first = _button(texts, "button_session_resume", token, Action.RESUME)
        else:
            first = _button(texts, "button_session_pause", token, Action.PAUSE)
        lines += ["", fill(texts["session_safety"])]
        buttons = (
            (first, _button(texts, "button_session_skip", token, Action.SKIP)),
            (
                _button(texts, "button_session_stop", token, Action.STOP),
                _button(texts, "button_session_hurts", token, Action.HURT),
            ),
        )
    elif status is Status.PAIN_AFTER:
        lines.append(fill(texts["session_pain_after"]))
        buttons = _score_buttons(texts, token)
    elif status is Status.COMPLETED:
        lines.append(fill(texts["session_completed"], count=week_count, target=target))
        if session.expired:
            lines.append(fill(texts["session_no_score_after"]))
    elif status is Status.PAIN_HIGHER:
        lines.append(
            fill(texts["session_pain_higher"], before=session.pain_before, after=session.pain_after)
        )
    elif status is Status.HURT:
        lines.append(fill(texts["session_hurt"]))
    elif session.expired:
        lines.append(fill(texts["session_not_started"]))
    elif session.pause_expired:
        lines.append(fill(texts["session_pause_expired"]))
    else:
        lines.append(fill(texts["session_stopped"]))
    return Reply(ReplyKind.INFO, "\n".join(lines), buttons)
