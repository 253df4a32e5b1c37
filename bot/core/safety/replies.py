"""What the safety decision adds to a reply: notes for ruled-out mentions, explanations.

The urgent message itself is the tier's text (``red_flags/tiers.yaml``); the calm texts here are the
flags' own ``note`` and ``explain`` fields, so every word stays in the knowledge base.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.replies import Reply
from bot.core.safety.context import Status
from bot.core.safety.decision import SafetyDecision

__all__ = ["MAX_NOTES", "explanation_html", "note_lines", "with_explanation", "with_notes"]

MAX_NOTES = 2  # "one short line" per ruled-out sign, and never a wall of warnings
NOTE_MARK = "ℹ️"


def note_lines(decision: SafetyDecision) -> list[str]:
    """One line per distinct ruled-out red flag (at most ``MAX_NOTES``)."""
    return [
        f"{NOTE_MARK} {flag.note}"
        for flag in decision.flags(ruled_out=True)[:MAX_NOTES]
        if flag.note
    ]


def with_notes(reply: Reply, decision: SafetyDecision) -> Reply:
    """The ordinary reply with the ruled-out notes under it (unchanged when there are none)."""
    lines = note_lines(decision)
    if not lines:
        return reply
    return replace(reply, html=reply.html.rstrip() + "\n\n" + "\n".join(lines))


def explanation_html(decision: SafetyDecision) -> str:
    """The calm explanations of the red flags a question was about."""
    flags = decision.flags(Status.QUESTION)
    return "\n\n".join(flag.explain.strip() for flag in flags if flag.explain)


def with_explanation(reply: Reply, decision: SafetyDecision) -> Reply:
    """The answer to the rest of a message with the calm explanation of the sign it also asked
    about under it ("could it be cancer? ... how do hip flexors cause back pain?")."""
    html = explanation_html(decision)
    if not html:
        return with_notes(reply, decision)
    lines = [reply.html.rstrip(), html, *note_lines(decision)]
    return replace(reply, html="\n\n".join(lines))
