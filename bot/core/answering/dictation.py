"""Punctuation said aloud: a dictated message arrives with "full stop" and "question mark" typed
as words, and so with no sentences at all.

Read as the marks they name (``_vocabulary.yaml``, ``spoken_punctuation``), a long dictated
message has its sentences again: the red-flag check's clause boundaries and the reader's search
for the question then work on it as on a typed one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# After these the words name the mark, they do not say it: "bent like a question mark".
_NAMING = frozenset({"a", "an", "the", "this", "that", "my", "his", "her", "its"})


class SpokenMarks:
    """Replaces the words that say a mark by the mark: "sore full stop how" -> "sore. how"."""

    def __init__(self, marks: Mapping[str, str]) -> None:
        self._marks = dict(marks)
        phrases = sorted(marks, key=len, reverse=True)  # "full stop" before "stop" (if listed)
        alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
        self._pattern = (
            re.compile(rf"(?:\b([a-z]+)\b)?\s*\b({alternatives})\b", re.IGNORECASE)
            if marks
            else None
        )
        # The spoken mark alone, in the lowered text: searched first (most messages have none),
        # because the pattern above tries to read a word at every word of a long message.
        self._probe = re.compile(rf"\b(?:{alternatives.lower()})\b")

    def __call__(self, text: str) -> str:
        if self._pattern is None or self._probe.search(text.lower()) is None:
            return text
        return self._pattern.sub(self._mark, text)

    def _mark(self, found: re.Match[str]) -> str:
        before = found.group(1) or ""
        if before.lower() in _NAMING:
            return found.group()
        return before + self._marks[" ".join(found.group(2).lower().split())]
