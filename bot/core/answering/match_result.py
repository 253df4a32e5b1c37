"""The matcher's verdict on a question: its band and ranked candidates, with their evidence.

Kept apart from ``matching`` (which computes them) so that the readers of a verdict
(understanding, the answerer, inline results, ``kb check``) depend on what a match *is*, not on
how it is scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Band(Enum):
    """How sure the matcher is about its best candidate."""

    CONFIDENT = "confident"
    UNSURE = "unsure"
    NONE = "none"


@dataclass(frozen=True)
class Candidate:
    """One entry the question may be about, with the evidence for it."""

    entry_id: str
    score: float
    phrasing: str
    similarity: float
    coverage: float
    support: int = 0  # the question's own content words that point clearly to this entry
    named: bool = False  # the question names the entry: every word of its title is there


@dataclass(frozen=True)
class Match:
    """The matcher's verdict on one question."""

    band: Band
    candidates: tuple[Candidate, ...]
    terms: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...] = ()
    off_topic: tuple[str, ...] = ()  # words of another subject (they weigh, never veto)

    @property
    def best(self) -> Candidate | None:
        """The top candidate, if any entry shares a term with the question."""
        return self.candidates[0] if self.candidates else None
