"""The knowledge base as the rest of the bot sees it: validated, immutable entries and texts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rapidfuzz import process

from bot.core.knowledge.problems import Problem
from bot.core.normalise import fold

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
        """The exercise whose id, title or keyword best fits a typed name, if any fits well."""
        wanted = fold(name).replace("-", " ")
        if not wanted:
            return None
        choices: dict[str, str] = {}
        for entry in self.exercises():
            for label in (entry.id.replace("-", " "), fold(entry.title), *entry.keywords):
                choices[fold(label)] = entry.id
        found = process.extractOne(wanted, list(choices), score_cutoff=75)
        return self.entries[choices[found[0]]] if found else None
