"""The knowledge base as the rest of the bot sees it: validated, immutable entries and texts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz

from bot.core.knowledge.problems import Problem
from bot.core.normalise import is_stopword, words

__all__ = [
    "CONTEXT_CATEGORIES",
    "MODIFYING_CATEGORIES",
    "ContextTrigger",
    "Entry",
    "EntryKind",
    "FollowUp",
    "KnowledgeBase",
    "PatternStep",
    "Phrasing",
    "RedFlag",
    "RedFlagRules",
    "SessionTiming",
    "UrgencyTier",
    "WordPattern",
]

EntryKind = Literal["topic", "exercise"]


@dataclass(frozen=True, slots=True)
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
    # One detail in a sentence or two ("hold": "Hold for 30 seconds on each side."), for a
    # follow-up that asks only that; names are declared under `details` in _vocabulary.yaml.
    details: tuple[tuple[str, str], ...] = ()

    def detail(self, name: str) -> str | None:
        """This entry's short answer to one detail, if it has one."""
        return next((text for key, text in self.details if key == name), None)

    session: SessionTiming | None = None  # exercises only: pacing of a guided session


@dataclass(frozen=True)
class FollowUp:
    """A detail a short follow-up can ask about the topic just answered ("how long?").

    ``asks`` are the folded phrases that ask it; ``default`` is the entry that answers it when
    the topic has no such detail of its own (how often -> the frequency entry), if any;
    ``answers_topic``: the topic's whole entry answers it ("say that again in simpler words");
    ``yields``: a wish for the whole answer again, which another detail asked in the same
    message overrides ("too long, how many reps?" asks the repetitions);
    ``over_subject``: ``default`` answers it asked of any subject without that detail of its own,
    not only after a topic ("how do I fix tight hip flexors" -> the exercises);
    ``alone_default``: ``default`` answers it asked with nothing to follow, though other entries
    have it too ("how does that even work?" -> how hip flexors cause back pain, not a question
    back on which exercise's reason is meant);
    ``in_exercises``: the detail it asks after an exercise, when that exercise has it ("should
    my feet be close to my bum?" after the bridge asks where the feet go, not where the hip
    flexors are);
    ``tells``: the message adds to the question just asked ("for context i only have weekends"):
    the topic's whole entry answers it, whatever the message names;
    ``of_exercises``: it asks how an exercise is done (where the body goes, which side, what
    it feels), so after one a follow-up that asks it takes a word more of its own before it
    reads as about something else ("do my feet stay on the floor or up on the bed?").
    """

    name: str
    asks: tuple[str, ...]
    default: str | None = None
    answers_topic: bool = False
    yields: bool = False
    over_subject: bool = False
    alone_default: bool = False
    in_exercises: str | None = None
    of_exercises: bool = False
    tells: bool = False

    @property
    def names_its_answer(self) -> bool:
        """A request that names its own answer ("any stretches i could do tonight?"): the
        default answers it whatever it is for, and with nothing to follow (``answer: default``
        with ``alone: default``)."""
        return self.over_subject and self.alone_default


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
    follow_ups: tuple[FollowUp, ...] = ()  # the details a follow-up can ask (_vocabulary.yaml)
    # Subjects near ours that the article does not cover: group -> folded words or phrases.
    not_covered: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # How the replies name such a subject when its word is not a noun: folded word -> name
    # ("pregnant" -> "pregnancy"); a word not named here is named as written.
    not_covered_names: Mapping[str, str] = field(default_factory=dict)
    # Punctuation said aloud, as dictation types it: folded words -> the mark ("full stop": ".").
    spoken_marks: Mapping[str, str] = field(default_factory=dict)
    # How a body is placed and moved in an exercise: "body" -> its parts ("knee"), "placing" ->
    # where and how they go ("arch", "tuck"); in a conversation about an exercise, a question in
    # these words is about doing it.
    exercise_form: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Real words close to one of the knowledge base's words ("shooting" to "shouting"): a
    # question's word among them is read as written, never as a typo (folded).
    not_typos: frozenset[str] = frozenset()

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


# --- red flags (knowledge/red_flags/): read by bot.core.knowledge.red_flags, run by bot.core.safety

# What a context trigger says about a red-flag mention near it (ConText-style categories).
CONTEXT_CATEGORIES = (
    "negated",  # "no fever", "bladder is fine": rules the mention out
    "historical",  # "ten years ago", "as a kid": long past; rules it out
    "resolved",  # "all better now", "healed fine": over; rules it out (not for nerve signs)
    "someone-else",  # "my uncle had": rules it out, unless a "recent" trigger is also in reach
    "fiction-or-animal",  # "in the film", "my dog is": not a person's body; always rules it out
    # "a patient who had", "a cauda equina patient": someone in the writer's professional care;
    # always rules it out (a patient admitted "last night" is in care already)
    "in-care",
    "question",  # "what does ... mean", "is it": a question about the sign, not a report of it
    # "we covered cauda equina today", "a toolbox talk on it this morning": a sign taught or
    # talked about in a class; a question, and a time of now in reach is the class's
    "taught",
    # "if i could not pee i would be at A&E": an "if" before the mention and what the person
    # would then do after it, both in reach, make it hypothetical (a question); one alone does not
    "conditional",
    "harmless",  # "after sitting cross legged": a passing, positional sensation; rules it out
    # "after the gym", "after a run": tired or tingly legs from exercise; rules it out, but a flag
    # may keep it (a numb saddle area is no tiredness)
    "exertion",
    "recent",  # "now", "yesterday": someone else's emergency happening now still alarms
    # "again today", "it happened again": a sign back now; told after a long-past time or an
    # "all better", it cancels them ("fell off a ladder years ago and fell again today")
    "recurring",
    "worsening",  # "getting worse", "spreading": a sign growing is no passing sensation
    "report",  # "i have", "i keep": in the same sentence, a question is a report after all
    "unsure",  # "not sure", "i think": unclear, so nothing rules the mention out
    "not-a-trigger",  # "no idea", "not only": looks like a trigger, is not one
)
# Categories that change what the others do ("recent" cancels "someone-else", "taught" makes a
# question) rather than rule a mention out: a flag's ``keeps`` cannot name them.
MODIFYING_CATEGORIES = frozenset(
    {
        "recent",
        "recurring",
        "worsening",
        "report",
        "unsure",
        "not-a-trigger",
        "conditional",
        "taught",
    }
)
ContextCategory = Literal[
    "negated",
    "historical",
    "resolved",
    "someone-else",
    "fiction-or-animal",
    "in-care",
    "question",
    "taught",
    "conditional",
    "harmless",
    "exertion",
    "recent",
    "recurring",
    "worsening",
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
    # The sign said in two places ("Down 9 kg since January. Not dieting."): these patterns count
    # only when the message also has each of ``apart_needs``, in any sentence.
    apart: tuple[WordPattern, ...] = ()
    apart_needs: tuple[str, ...] = ()
    keeps: frozenset[str] = frozenset()  # context categories that do not rule this flag out
    # Word lists the message must also have for another person's sign happening now to alarm
    # (none: it always does, "my husband fell off a ladder today"): another person's fever
    # alarms with their pain ("he has a fever and his back hurts"), not alone.
    others_need: tuple[str, ...] = ()
    # Word lists that, said anywhere in the message, show it is not this sign (cancer history
    # with back pain a doctor already checked and called unchanged), unless one of
    # ``unless_not`` is said too ("... but now it is worse").
    unless: tuple[str, ...] = ()
    unless_not: tuple[str, ...] = ()
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
    reads_also: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # "me" -> "my"
    typos: frozenset[str] = frozenset()  # key words that tolerate a typo (length-aware)
    not_typos: frozenset[str] = frozenset()  # real words never read as a typo of a key word
    triggers: tuple[ContextTrigger, ...] = ()
    boundaries: tuple[WordPattern, ...] = ()
    questions: tuple[WordPattern, ...] = ()  # general questions about red flags
    question_entry: str = ""  # the entry that answers them (its red-flag list)

    def tier(self, tier_id: str) -> UrgencyTier:
        """A tier by id (the loader guarantees every flag's tier exists)."""
        return next(tier for tier in self.tiers if tier.id == tier_id)
