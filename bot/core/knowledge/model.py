"""The knowledge base as the rest of the bot sees it: validated, immutable entries and texts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rapidfuzz import process

from bot.core.knowledge.problems import Problem
from bot.core.normalise import fold

__all__ = ["Entry", "EntryKind", "KnowledgeBase", "Phrasing", "RedFlag", "SessionTiming"]

EntryKind = Literal["topic", "exercise"]


@dataclass(frozen=True)
class Phrasing:
    """One way a person might ask for an entry, with where it is written."""

    text: str
    line: int | None


@dataclass(frozen=True)
class SessionTiming:
    """How a guided /stretch session paces one exercise (seconds; from the entry's YAML)."""

    position: int  # to get into position, on each side
    hold: int  # one hold; with repetitions, the pause at the top of each one
    sides: int = 1  # 2: the hold is done on one side, then the other
    repetitions: int = 0  # 0: one hold per side; n: n repetitions of move + hold
    move: int = 0  # with repetitions: seconds to lift and lower once
    rest: int = 0  # in the routine: rest after this exercise before the next


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
    session: SessionTiming | None = None  # exercises only: pacing of a guided session


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
