"""The knowledge base as the rest of the bot sees it: validated, immutable entries and texts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz

from bot.core.knowledge.problems import Problem
from bot.core.normalise import is_stopword, words

__all__ = ["Entry", "EntryKind", "FollowUp", "KnowledgeBase", "Phrasing", "RedFlag"]

EntryKind = Literal["topic", "exercise"]


@dataclass(frozen=True)
class Phrasing:
    """One way a person might ask for an entry, with where it is written."""

    text: str
    line: int | None


@dataclass(frozen=True)
class Entry:
    """A topic or exercise the bot can answer about."""

    id: str
    title: str
    kind: EntryKind
    order: int
    summary: str
    answer: str  # Telegram HTML, already checked and normalised
    steps: tuple[str, ...]
    questions: tuple[Phrasing, ...]
    keywords: tuple[str, ...]
    related: tuple[str, ...]
    source: str
    file: str
    related_lines: tuple[int | None, ...] = ()
    # One detail in a sentence or two ("hold": "Hold for 30 seconds on each side."), for a
    # follow-up that asks only that; names are declared under `details` in _vocabulary.yaml.
    details: tuple[tuple[str, str], ...] = ()

    def detail(self, name: str) -> str | None:
        """This entry's short answer to one detail, if it has one."""
        return next((text for key, text in self.details if key == name), None)


@dataclass(frozen=True)
class FollowUp:
    """A detail a short follow-up can ask about the topic just answered ("how long?").

    ``asks`` are the folded phrases that ask it; ``default`` is the entry that answers it when
    the topic has no such detail of its own (how often -> the frequency entry), if any.
    """

    name: str
    asks: tuple[str, ...]
    default: str | None = None


@dataclass(frozen=True)
class RedFlag:
    """A red-flag symptom: any pattern matching the folded message means urgent care first."""

    id: str
    name: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the bot knows, validated and ready for matching and rendering."""

    entries: Mapping[str, Entry]
    texts: Mapping[str, str]
    red_flag_message: str
    red_flags: tuple[RedFlag, ...]
    synonyms: Mapping[str, str]  # variant (folded) -> canonical (folded)
    directory: Path
    off_topic: frozenset[str] = frozenset()  # folded words that signal another subject
    warnings: tuple[Problem, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()  # the details a follow-up can ask (_vocabulary.yaml)
    # Subjects near ours that the article does not cover: group -> folded words or phrases.
    not_covered: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def exercises(self) -> list[Entry]:
        """Exercise entries in menu order."""
        return [entry for entry in self.ordered() if entry.kind == "exercise"]

    def ordered(self) -> list[Entry]:
        """All entries in menu order (``order``, then title)."""
        return sorted(self.entries.values(), key=lambda entry: (entry.order, entry.title))

    def find_exercise(self, name: str) -> Entry | None:
        """The exercise a typed name means ("pigeon", "hip flexor", "brige"), if exactly one fits.

        Compared word by word with the exercise's names: its id, its title, and those keywords
        that contain a word of the id or title ("glute bridge", "kneeling stretch"). Other
        keywords ("plank", "hip raise") are hints for the matcher about what a question mentions,
        not names of the exercise. At least half of the typed words must be words of one name,
        typos allowed (see :func:`_same_word`); a whole-string fuzzy score would instead let any
        short name ("foo") match part of a long label. Names that fit several exercises equally
        ("pose", "stretch") name none of them.
        """
        wanted = [word for word in words(name) if not is_stopword(word)]
        if not wanted:
            return None
        scores: dict[str, float] = {}
        for entry in self.exercises():
            scores[entry.id] = max(_name_score(wanted, name) for name in _names(entry))
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        if not ranked or ranked[0][1] < NAME_MATCH:
            return None
        if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
            return None
        return self.entries[ranked[0][0]]


NAME_MATCH = 0.5  # at least half of the typed words must be the exercise's own words
TYPO = 80  # rapidfuzz ratio from which two words count as the same word mistyped
PREFIX = 4  # letters from which a word's start counts as the word ("pige" -> "pigeon")


def _same_word(typed: str, known: str) -> bool:
    """Whether a typed word is a known word, a typo of it, or a clear start of it."""
    if typed == known:
        return True
    if min(len(typed), len(known)) < PREFIX:  # short words must be exact: "hip", "leg"
        return False
    return known.startswith(typed) or fuzz.ratio(typed, known) >= TYPO


def _names(entry: Entry) -> list[list[str]]:
    """The words of each name of an exercise: id, title, and keywords that share a word with
    them."""
    own = [words(entry.id), words(entry.title)]
    head = {word for name in own for word in name}
    keywords = [words(keyword) for keyword in entry.keywords]
    return own + [keyword for keyword in keywords if head.intersection(keyword)]


def _name_score(wanted: list[str], label: list[str]) -> float:
    """The share of typed words that match a word of the label."""
    found = sum(any(_same_word(word, known) for known in label) for word in wanted)
    return found / len(wanted)
