"""Word patterns over a message: found in one left-to-right pass per pattern, never backtracking.

A pattern is a list of steps (a word, a prefix such as ``numb*``, or a word list such as
``{saddle-area}``), each allowed a few words of gap before it; all of it within one sentence. For
each step the positions where it matches are known (word lists are matched once per message and
remembered), so a pattern is matched by walking those positions in order, keeping for each end the
shortest match so far: time grows with the number of matches, not with the message's length.

Most messages contain none of a pattern's rarest words, so each pattern is indexed by the words its
rarest step can start with (a literal prefilter): a message only tries the patterns it could match.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.knowledge import PatternStep, WordPattern
from bot.core.safety.lexicon import FUZZY, Lexicon
from bot.core.safety.tokens import Tokens

__all__ = ["Document", "Grammar", "Hit", "PatternSet"]

RARE = 1e-4  # the cost of a word the knowledge base's questions never use


@dataclass(frozen=True)
class Hit:
    """Where a pattern matched: words ``start`` to ``end`` (exclusive); ``own`` are the words
    its steps matched (the gaps in between are not its own)."""

    start: int
    end: int
    own: tuple[int, ...]


def _step_keys(step: PatternStep) -> tuple[str, ...]:
    keys: list[str] = []
    for word in step.words:
        keys.append(word)
        if not word.endswith("*"):
            keys.append(FUZZY + word)  # present only if the word tolerates typos
    return tuple(keys)


class Grammar:
    """The word lists, compiled once per knowledge base, with the lexicon that reads words."""

    def __init__(
        self,
        concepts: Mapping[str, tuple[WordPattern, ...]],
        extra: Iterable[WordPattern],
        typos: Iterable[str],
        not_typos: Iterable[str],
        known: Iterable[str] = (),
        frequency: Mapping[str, float] | None = None,
    ) -> None:
        self.concepts = concepts
        self.frequency = frequency or {}
        exact: set[str] = set()
        prefixes: set[str] = set()
        for pattern in [*(p for ps in concepts.values() for p in ps), *extra]:
            for step in pattern.steps:
                for word in step.words:
                    if word.endswith("*"):
                        prefixes.add(word[:-1])
                    else:
                        exact.add(word)
        self.lexicon = Lexicon(exact, typos, prefixes, not_typos, known)
        self._anchors: dict[str, frozenset[str]] = {}
        # Each word list's phrases with the keys they can start with, to skip the hopeless ones.
        self.phrases: dict[str, tuple[tuple[WordPattern, frozenset[str]], ...]] = {
            name: tuple((p, self.anchors(p.steps[0])) for p in phrases if p.steps)
            for name, phrases in concepts.items()
        }

    def anchors(self, step: PatternStep, trail: tuple[str, ...] = ()) -> frozenset[str]:
        """Keys a match of this step can start with."""
        if not step.concept:
            return frozenset(_step_keys(step))
        name = step.concept
        if name in self._anchors:
            return self._anchors[name]
        if name in trail:  # the loader refuses cycles; be safe anyway
            return frozenset()
        found: set[str] = set()
        for phrase in self.concepts.get(name, ()):
            if phrase.steps:
                found |= self.anchors(phrase.steps[0], (*trail, name))
        self._anchors[name] = frozenset(found)
        return self._anchors[name]

    def cost(self, step: PatternStep) -> float:
        """How often a step's starting words appear in ordinary questions (lower is rarer)."""
        total = 0.0
        for key in self.anchors(step):
            word = key.removeprefix(FUZZY).removesuffix("*")
            total += RARE if key.startswith(FUZZY) else self.frequency.get(word, 0.0) + RARE
        return total


@dataclass
class PatternSet:
    """Patterns indexed by the starting words of their rarest step."""

    grammar: Grammar
    patterns: Sequence[WordPattern]
    index: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        index: dict[str, list[int]] = defaultdict(list)
        for number, pattern in enumerate(self.patterns):
            if not pattern.steps:
                continue
            rarest = min(pattern.steps, key=self.grammar.cost)
            for key in self.grammar.anchors(rarest):
                index[key].append(number)
        self.index = dict(index)

    def find(self, document: Document) -> list[tuple[int, Hit]]:
        """Every (pattern number, hit) in the document."""
        candidates: set[int] = set()
        for key in document.keys:
            found = self.index.get(key)
            if found:
                candidates.update(found)
        hits: list[tuple[int, Hit]] = []
        for number in sorted(candidates):
            hits.extend((number, hit) for hit in document.match(self.patterns[number]))
        return hits


class Document:
    """One message being read: which keys occur where, and the word lists found so far."""

    def __init__(self, tokens: Tokens, grammar: Grammar) -> None:
        self.tokens = tokens
        self.grammar = grammar
        positions: dict[str, list[int]] = defaultdict(list)
        keys_of: Callable[[str], tuple[str, ...]] = grammar.lexicon.keys
        for position, word in enumerate(tokens.words):
            for key in keys_of(word):
                positions[key].append(position)
        self.positions = dict(positions)
        self.keys = frozenset(self.positions)
        self._steps: dict[PatternStep, list[Hit]] = {}
        self._concepts: dict[str, list[Hit]] = {}

    def concept(self, name: str) -> list[Hit]:
        """Where any phrase of a word list occurs, in order of start."""
        found = self._concepts.get(name)
        if found is None:
            self._concepts[name] = []  # a guard against cycles while computing
            hits = {
                hit
                for phrase, starts in self.grammar.phrases.get(name, ())
                if not starts.isdisjoint(self.keys)
                for hit in self.match(phrase)
            }
            found = sorted(hits, key=lambda hit: (hit.start, hit.end))
            self._concepts[name] = found
        return found

    def step(self, step: PatternStep) -> list[Hit]:
        """Where one step matches."""
        found = self._steps.get(step)
        if found is None:
            if step.concept:
                found = self.concept(step.concept)
            else:
                places: set[int] = set()
                for key in _step_keys(step):
                    places.update(self.positions.get(key, ()))
                found = [Hit(p, p + 1, (p,)) for p in sorted(places)]
            self._steps[step] = found
        return found

    def match(self, pattern: WordPattern) -> list[Hit]:
        """All shortest matches of a pattern, each within one sentence."""
        steps = pattern.steps
        options = [self.step(s) for s in steps]
        if not all(options):
            return []
        sentences = self.tokens.sentences
        frontier = sorted(options[0], key=lambda hit: hit.end)
        for step, choices in zip(steps[1:], options[1:], strict=True):
            ends = [hit.end for hit in frontier]
            grown: list[Hit] = []
            for choice in choices:
                low = bisect_left(ends, choice.start - step.gap)
                high = bisect_right(ends, choice.start)
                best: Hit | None = None
                for previous in frontier[low:high]:
                    if sentences[previous.start] != sentences[choice.end - 1]:
                        continue
                    if best is None or previous.start > best.start:
                        best = previous
                if best is not None:
                    grown.append(Hit(best.start, choice.end, best.own + choice.own))
            if not grown:
                return []
            frontier = sorted(grown, key=lambda hit: hit.end)
        return frontier
