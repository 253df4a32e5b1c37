"""The knowledge base as the rest of the bot sees it: validated, immutable entries and texts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rapidfuzz import process

from bot.core.knowledge.problems import Problem
from bot.core.normalise import fold

__all__ = [
    "CONTEXT_CATEGORIES",
    "ContextTrigger",
    "Entry",
    "EntryKind",
    "KnowledgeBase",
    "PatternStep",
    "Phrasing",
    "RedFlag",
    "RedFlagRules",
    "UrgencyTier",
    "WordPattern",
]

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


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the bot knows, validated and ready for matching and rendering."""

    entries: Mapping[str, Entry]
    texts: Mapping[str, str]
    red_flags: RedFlagRules  # red flags, their words, context triggers and urgent messages
    synonyms: Mapping[str, str]  # variant (folded) -> canonical (folded)
    directory: Path
    off_topic: frozenset[str] = frozenset()  # folded words that signal another subject
    warnings: tuple[Problem, ...] = ()

    @property
    def red_flag_message(self) -> str:
        """The most urgent tier's message (the one a group's private deep link opens)."""
        return self.red_flags.tiers[0].message if self.red_flags.tiers else ""

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


# --- red flags (knowledge/red_flags/): read by bot.core.knowledge.red_flags, run by bot.core.safety

# What a context trigger says about a red-flag mention near it (ConText-style categories).
CONTEXT_CATEGORIES = (
    "negated",  # "no fever", "bladder is fine": rules the mention out
    "historical",  # "ten years ago", "as a kid": long past; rules it out
    "resolved",  # "all better now", "healed fine": over; rules it out (not for nerve signs)
    "someone-else",  # "my uncle had": rules it out, unless a "recent" trigger is also in reach
    "question",  # "what does ... mean", "is it": a question about the sign, not a report of it
    "harmless",  # "after sitting cross legged": a passing, positional sensation; rules it out
    "recent",  # "now", "yesterday": someone else's emergency happening now still alarms
    "report",  # "i have", "i keep": in the same sentence, a question is a report after all
    "unsure",  # "not sure", "i think": unclear, so nothing rules the mention out
    "not-a-trigger",  # "no idea", "not only": looks like a trigger, is not one
)
ContextCategory = Literal[
    "negated",
    "historical",
    "resolved",
    "someone-else",
    "question",
    "harmless",
    "recent",
    "report",
    "unsure",
    "not-a-trigger",
]


@dataclass(frozen=True)
class PatternStep:
    """One step of a word pattern: any of some words, or any phrase of a word list.

    ``gap`` is how many other words may come between the previous step and this one.
    """

    words: tuple[str, ...] = ()  # "numb*" matches every word that starts with "numb"
    concept: str = ""  # the name of a word list, written {name} in YAML
    gap: int = 0


@dataclass(frozen=True)
class WordPattern:
    """A pattern over the words of one sentence, as a maintainer wrote it and where."""

    text: str
    steps: tuple[PatternStep, ...]
    file: str
    line: int | None


@dataclass(frozen=True)
class UrgencyTier:
    """How urgent a red flag is ("emergency": 999 / A&E; "today": GP or 111) and what to say."""

    id: str
    name: str
    message: str  # Telegram HTML, checked


@dataclass(frozen=True)
class RedFlag:
    """A red-flag sign, the words that describe it, and what to say about it."""

    id: str
    name: str
    tier: str
    note: str  # one line after an ordinary answer when context rules a mention out
    explain: str  # a calm explanation for a question about the sign (Telegram HTML)
    patterns: tuple[WordPattern, ...]
    not_patterns: tuple[WordPattern, ...] = ()  # idioms: "fell asleep" is no fall
    needs: tuple[str, ...] = ()  # word lists that must also be in the message (cancer + pain)
    keeps: frozenset[str] = frozenset()  # context categories that do not rule this flag out
    file: str = ""
    line: int | None = None


@dataclass(frozen=True)
class ContextTrigger:
    """Words that change what a nearby red-flag mention means, and how far they reach."""

    category: ContextCategory
    direction: Literal["before", "after"]  # the trigger comes before / after the mention
    pattern: WordPattern
    window: int  # words it reaches, never past a boundary


@dataclass(frozen=True)
class RedFlagRules:
    """Everything the red-flag check needs, validated; compiled by ``bot.core.safety``."""

    tiers: tuple[UrgencyTier, ...] = ()  # most urgent first
    flags: tuple[RedFlag, ...] = ()
    concepts: Mapping[str, tuple[WordPattern, ...]] = field(default_factory=dict)
    contractions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    typos: frozenset[str] = frozenset()  # key words that tolerate a typo (length-aware)
    not_typos: frozenset[str] = frozenset()  # real words never read as a typo of a key word
    triggers: tuple[ContextTrigger, ...] = ()
    boundaries: tuple[WordPattern, ...] = ()
    questions: tuple[WordPattern, ...] = ()  # general questions about red flags
    question_entry: str = ""  # the entry that answers them (its red-flag list)

    def tier(self, tier_id: str) -> UrgencyTier:
        """A tier by id (the loader guarantees every flag's tier exists)."""
        return next(tier for tier in self.tiers if tier.id == tier_id)
