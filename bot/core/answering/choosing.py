"""A question that chooses among the exercises talked about in a conversation.

Once two or more exercises were talked about (or the list of all of them shown), "which of the
three is easiest for a beginner?", "which one do i hold longer?", "easiest one?" and "is the
kneeling stretch gentler than both of those?" weigh them: the entry that lists them side by side
answers. "which of the two uses the glutes?" weighs nothing: it picks out the one whose own
words it says. This module only reads the words that choose; the question reader decides.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Words that rank the exercises against each other (not "worse": "which activities make it
# worse" asks about something else; nor "first" alone: "the first one" counts).
_RANK = (
    r"(?:easiest|easier|hardest|harder|gentlest|gentler|kindest|kinder|softest|softer|"
    r"safest|safer|simplest|simpler|best|better|quickest|quicker|toughest|tougher|longest|"
    r"longer|shortest|shorter|most|least|start with|begin with|start on|begin on|do first|"
    r"try first|go first|recommend|pick|choose|prefer|favourite|favorite|go for)"
)
_RANKING = re.compile(rf"\b{_RANK}\b")
# "which of the three", "which of those", "which one", "which ones": among the ones talked about
_AMONG = re.compile(
    r"\bwhich (?:one|ones|of (?:the|those|these|them|both|all|you)"
    r"(?: two| three| 2| 3| exercises| stretches| poses| moves| ones)?)\b"
)
# "which is easiest", "which do i hold longer", "which should i start with"
_WHICH_RANKS = re.compile(
    rf"\bwhich (?:is|s|would be|will be|(?:do|should|would|could|can) (?:i|you|we))"
    rf"(?: the)?(?: \w+)? {_RANK}\b"
)
# "easiest one?", "the gentlest of them", "is the bridge harder than both of those?"
_RANKED_ONE = re.compile(rf"\b{_RANK} (?:one|ones|of (?:them|those|these|the (?:two|three)))\b")
_THAN_ALL = re.compile(
    r"\bthan (?:both|all|them|those|these|the others|the rest|the other (?:two|ones?))\b"
)
_OR = re.compile(r"\bor\b")  # "which is better, sitting or standing?" chooses between others


class Choice(NamedTuple):
    """What a question that chooses asks."""

    ranks: bool  # it weighs them ("easiest", "held longer", "start with")
    rest: str  # the words after those that point among them ("uses the glutes"), if any


def choice(canonical: str) -> Choice | None:
    """The choice a (canonical) question makes among the exercises talked about, or None when
    it makes none."""
    among = _AMONG.search(canonical)
    if among is not None:
        ranks = _RANKING.search(canonical) is not None or _THAN_ALL.search(canonical) is not None
        return Choice(ranks, canonical[among.end() :].strip())
    if _OR.search(canonical) is not None:
        return None
    if (
        _WHICH_RANKS.search(canonical) is not None
        or _RANKED_ONE.search(canonical) is not None
        or _THAN_ALL.search(canonical) is not None
    ):
        return Choice(True, "")
    return None
