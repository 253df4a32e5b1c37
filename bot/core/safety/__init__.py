"""Red-flag screening: recall first, ConText-style context, one decision for every reply path."""

from bot.core.safety.context import Status
from bot.core.safety.decision import Mention, SafetyDecision, Screen, Verdict
from bot.core.safety.replies import explanation_html, note_lines, with_explanation, with_notes

__all__ = [
    "Mention",
    "SafetyDecision",
    "Screen",
    "Status",
    "Verdict",
    "explanation_html",
    "note_lines",
    "with_explanation",
    "with_notes",
]
