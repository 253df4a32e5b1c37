"""``ask --explain`` for the safety check: each mention, its context decision and the trigger.

Maintainers tune patterns and triggers by reading this, so each line says which pattern found the
mention (file and line) and which trigger decided what it means.
"""

from __future__ import annotations

from bot.core.knowledge import WordPattern
from bot.core.safety.context import Status
from bot.core.safety.decision import SafetyDecision, Verdict

__all__ = ["explain_lines"]

_VERDICTS = {
    Verdict.ALARM: "ALARM: the urgent message, before anything else",
    Verdict.QUESTION: "a question about a red flag: a calm explanation, no alarm",
    Verdict.RULED_OUT: "red flag mentioned but ruled out by context: the answer plus a note",
    Verdict.CLEAR: "no red flag",
}


def _where(pattern: WordPattern | None) -> str:
    if pattern is None:
        return ""
    line = f":{pattern.line}" if pattern.line else ""
    return f" [{pattern.file}{line}: '{pattern.text}']"


def explain_lines(decision: SafetyDecision) -> list[str]:
    """Human-readable lines describing a safety decision."""
    lines = [f"safety: {_VERDICTS[decision.verdict]}"]
    if decision.tier is not None:
        lines.append(f"tier: {decision.tier.id} ({decision.tier.name})")
    for mention in decision.mentions:
        lines.append(f"  mention: {mention.flag.id} '{mention.words}'{_where(mention.pattern)}")
        if mention.status is Status.PRESENT:
            why = (
                f"kept by '{mention.overruled_by}'"
                if mention.overruled_by
                else "no trigger rules it out"
            )
            lines.append(f"    -> present: {why}")
        else:
            lines.append(
                f"    -> {mention.status.value}: trigger '{mention.trigger}' "
                f"({mention.category}){_where(mention.trigger_pattern)}"
            )
    if decision.question_entry:
        lines.append(f"a question about red flags: answered by '{decision.question_entry}'")
    return lines
