"""What a message was read as: the answer to give, a detail, options to offer, or none.

Kept apart from ``understanding`` (which decides the reading) and ``follow_ups`` (which reads a
message against what came before) so that both produce, and the answerer consumes, one type.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from bot.core.answering.match_result import Match
from bot.core.knowledge import KnowledgeBase

ReadingKind = Literal["answer", "detail", "unsure", "clarify", "not_covered", "none"]


@dataclass(frozen=True)
class Reading:
    """What a message asks for, and how that was decided (for replies and ``--explain``)."""

    kind: ReadingKind
    entry_id: str | None = None
    detail: str | None = None  # the detail answered ("hold"), for kind "detail"
    # entry ids to offer, for kinds "unsure" and "clarify"; for an answer that sets two
    # exercises side by side, those two as named (what "the second one" then means)
    options: tuple[str, ...] = ()
    subject: str | None = None  # the subject not covered ("knee"), for kind "not_covered"
    match: Match | None = None
    notes: tuple[str, ...] = field(default=())  # how context and sentences were used
    # a condition or treatment we do not cover, told of beside the question answered ("i have
    # arthritis. how often should i stretch?"): the answer says to ask a professional about it
    aside: str | None = None


def entry_reading(
    kb: KnowledgeBase, entry_id: str, detail: str | None, match: Match | None, note: str = ""
) -> Reading:
    """An entry's answer, or its ``detail`` when the entry has that detail."""
    entry = kb.entries[entry_id]
    notes = (note,) if note else ()
    if detail is not None and entry.detail(detail) is not None:
        return Reading("detail", entry_id, detail, match=match, notes=notes)
    return Reading("answer", entry_id, match=match, notes=notes)


def noted(reading: Reading, note: str) -> Reading:
    """The same reading with one more note on how it was decided."""
    return replace(reading, notes=(*reading.notes, note))


def with_aside(reading: Reading, subject: str | None) -> Reading:
    """An answer with the subject told beside it that a professional should advise on."""
    if subject is None or reading.kind not in {"answer", "detail"}:
        return reading
    return replace(reading, aside=subject, notes=(*reading.notes, f"told beside it: {subject}"))
