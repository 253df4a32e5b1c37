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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.core.knowledge import PatternStep, WordPattern
from bot.core.safety.lexicon import FUZZY, Lexicon
from bot.core.safety.tokens import Tokens

__all__ = ["Document", "Grammar", "Hit", "PatternSet"]

RARE = 1e-4  # the cost of a word the knowledge base's questions never use
# ``Document.keys_in``: the words of at most two sentences, a quarter of the document's at most.
FEW_SENTENCES = 2
KEYS_IN_SHARE = 4


Span = tuple[int, int, tuple[int, ...]]  # a Hit being built: start, end, own words


class Hit(NamedTuple):
    """Where a pattern matched: words ``start`` to ``end`` (exclusive); ``own`` are the words
    its steps matched (the gaps in between are not its own)."""

    start: int
    end: int
    own: tuple[int, ...]


def _step_keys(step: PatternStep) -> tuple[str, ...]:
    keys: list[str] = []
    for word in step.words:
        keys.append(word)
        # a typo key, present only if the word tolerates typos; for "fever*" the stem's typos
        # ("feaver") count too
        keys.append(FUZZY + word.removesuffix("*"))
    return tuple(keys)


def _one_word(pattern: WordPattern) -> bool:
    """A pattern of one step that is words, not a word list."""
    return len(pattern.steps) == 1 and not pattern.steps[0].concept


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
        reads_also: Mapping[str, tuple[str, ...]] | None = None,
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
        self.lexicon = Lexicon(exact, typos, prefixes, not_typos, known, reads_also)
        self._anchors: dict[str, frozenset[str]] = {}
        self._needs: dict[frozenset[str], frozenset[str]] = {}  # one object per set of keys
        # Each key -> the numbers (``registered``) of the step key sets that hold it: a long
        # message finds the sentences of every step from its own keys, once (``Document``).
        self.holding: dict[str, list[int]] = {}
        self.registered: dict[frozenset[str], int] = {}  # each such set -> its number
        self.keys_of: dict[int, tuple[str, ...]] = {}
        self._step_keys: dict[tuple[str, ...], tuple[str, ...]] = {}  # one object per tuple
        # Each word list's phrases of one word ("pee", "urin*") are its words: where they are
        # is where their keys are, read from the message's positions (``Document.concept``);
        # its longer phrases are indexed like any pattern set (rarest step first).
        self.phrases: dict[str, PatternSet] = {
            name: PatternSet(self, [p for p in phrases if p.steps and not _one_word(p)])
            for name, phrases in concepts.items()
        }
        self.word_keys: dict[str, frozenset[str]] = {
            name: frozenset(
                key for p in phrases if _one_word(p) for key in self.step_keys(p.steps[0])
            )
            for name, phrases in concepts.items()
        }

    def __getstate__(self) -> dict[str, object]:
        """Pickled (the start-up cache) without ``keys_of``: it is keyed by ``id()`` of steps,
        which a copy does not keep; it fills again as messages are read."""
        return {**self.__dict__, "keys_of": {}}

    def needs(self, pattern: WordPattern) -> tuple[frozenset[str], ...]:
        """For each step, the keys it can start with: a message without one cannot match.

        Equal sets are one object: a document caches the sentences of each set, and many
        patterns share a step ("pee", "{bladder}"); one object is found by identity."""
        interned = self._needs
        found = []
        for keys in map(self.anchors, pattern.steps):
            same = interned.get(keys)
            if same is None:
                same = interned[keys] = keys
                number = self.registered[keys] = len(self.registered)
                for key in keys:
                    self.holding.setdefault(key, []).append(number)
            found.append(same)
        return tuple(found)

    def step_keys(self, step: PatternStep) -> tuple[str, ...]:
        """The keys a one-word step matches (a typo key only for words that tolerate typos).

        Equal tuples are one object, so a document finds the places of many steps with the
        same words ("pee" in many patterns) by identity (``Document.places``)."""
        found = self.keys_of.get(id(step))
        if found is None:
            typos = self.lexicon.fuzzy
            keys = tuple(
                key
                for key in _step_keys(step)
                if not key.startswith(FUZZY) or key.removeprefix(FUZZY) in typos
            )
            found = self.keys_of[id(step)] = self._step_keys.setdefault(keys, keys)
        return found

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
    needs: list[tuple[frozenset[str], ...]] = field(default_factory=list)
    # The same sets without repeats, the rarest first and the indexed step's last (a candidate
    # has a key of that one): a pattern that cannot match is ruled out by its first checks.
    checks: list[tuple[frozenset[str], ...]] = field(default_factory=list)
    check_numbers: list[tuple[int, ...]] = field(default_factory=list)  # the same, by number
    newest: int = -1  # the highest number (``Grammar.registered``) of those sets

    def __post_init__(self) -> None:
        grammar = self.grammar
        self.needs = [grammar.needs(pattern) for pattern in self.patterns]
        index: dict[str, list[int]] = defaultdict(list)
        self.checks = []
        for number, pattern in enumerate(self.patterns):
            needs = self.needs[number]
            if not pattern.steps:
                self.checks.append(needs)
                continue
            costs = [grammar.cost(step) for step in pattern.steps]
            rarest = min(range(len(costs)), key=costs.__getitem__)
            for key in grammar.anchors(pattern.steps[rarest]):
                index[key].append(number)
            order = sorted(range(len(costs)), key=lambda step: (step == rarest, costs[step]))
            self.checks.append(tuple(dict.fromkeys(needs[step] for step in order)))
        self.index = dict(index)
        registered = grammar.registered
        self.check_numbers = [tuple(registered[keys] for keys in ks) for ks in self.checks]
        self.newest = max((registered[keys] for ks in self.needs for keys in ks), default=-1)

    def find(self, document: Document, sentences: int = -1) -> list[tuple[int, Hit]]:
        """Every (pattern number, hit) in the document, or in some of its sentences (bits, as
        ``Document.sentences_of``): the same hits as in ``document.within`` those sentences.

        Each pattern is matched only in the sentences where it may match (``possible``): a
        long message's other sentences never start a partial match nor compute a word list."""
        patterns = self.patterns
        return [
            (number, hit)
            for number, where in self.possible(document, sentences)
            for hit in document.match(patterns[number], where)
        ]

    def possible(self, document: Document, sentences: int = -1) -> list[tuple[int, int]]:
        """The patterns that may match, in order, each with the sentences where it may (as bits
        of an int, see ``Document.sentences_of``; 1 in a one-sentence document): a match lies
        in one sentence, and each of its steps starts there with one of its keys. Only in
        ``sentences`` (bits) when given."""
        windowed = document.windowed
        # A few sentences of a longer document (a mention's, for its context): looked up by
        # their own words' keys, not by every key of the document.
        few = None if sentences == -1 else document.keys_in(sentences)
        if windowed is not None and sentences != -1:
            # Read a few sentences at a time (a long message's rest): its patterns are found
            # once, then kept to the sentences asked for.
            kept = windowed.get(id(self))
            if kept is not None and kept[0] is not self:  # (the set itself is kept: ids are reused)
                kept = None
            if kept is None and few is None:
                kept = windowed[id(self)] = (self, self.possible(document))
            if kept is not None:
                return [
                    (number, where & sentences) for number, where in kept[1] if where & sentences
                ]
        candidates: set[int] = set()
        keys = document.keys if few is None else few
        index = self.index
        # Look up the smaller side: a word list's few keys, or a long message's many words.
        for key in keys.intersection(index) if len(index) < len(keys) else index.keys() & keys:
            candidates.update(index[key])
        found: list[tuple[int, int]] = []
        if document.one_sentence:
            if not sentences & 1:
                return found
            for number in sorted(candidates):
                for starts in self.checks[number]:
                    if starts.isdisjoint(keys):
                        break  # some step cannot match here: skip the pattern
                else:
                    found.append((number, 1))
            return found
        known = document._set_bits  # each step key set's sentences, by its number
        numbers = self.check_numbers
        if self.newest < document.registered:
            # Every set was known to the grammar when the document was read.
            for number in sorted(candidates):
                common = sentences
                for step in numbers[number]:
                    common &= known[step]
                    if not common:
                        break  # no sentence where every step could match: skip the pattern
                else:
                    found.append((number, common))
            return found
        # A set registered since the document was read (a pattern set built later) is looked up.
        before = document.registered
        sentences_of, checks = document.sentences_of, self.checks
        for number in sorted(candidates):
            common = sentences
            for step, starts in zip(numbers[number], checks[number], strict=True):
                common &= known[step] if step < before else sentences_of(starts)
                if not common:
                    break  # no sentence where every step could match: skip the pattern
            else:
                found.append((number, common))
        return found


class Document:
    """One message being read: which keys occur where, and the word lists found so far."""

    def __init__(
        self,
        tokens: Tokens,
        grammar: Grammar,
        positions: dict[str, list[int]] | None = None,
        word_keys: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        """``positions``: given for a part of the message (``within``, with ``word_keys``, each
        word's keys); computed for the whole of it when None."""
        self.tokens = tokens
        self.grammar = grammar
        self.part = positions is not None
        self.low, self.high = 0, len(tokens.words)  # the words it was made of (``of_words``)
        # Every word from ``low`` to ``high`` has its keys in ``_word_keys`` (``keys_in``).
        self._whole_words = positions is None
        if positions is None:
            words = tokens.words
            word_keys = grammar.lexicon.keys_of_words(dict.fromkeys(words))
            positions = _positions(words, 0, word_keys)
        self._word_keys: Mapping[str, tuple[str, ...]] = word_keys or {}
        self.positions = positions
        self.keys = frozenset(positions)
        self._places: dict[int, list[int]] = {}  # by id of a step's keys (``Grammar.step_keys``)
        self._concepts: dict[str, list[Hit]] = {}
        # For each word list computed so far, the sentences it was computed in (as bits, -1:
        # all): a pattern asks for its own sentences only (see ``PatternSet.find``).
        self._concept_sentences: dict[str, int] = {}
        self._concept_possible: dict[str, list[tuple[int, int]]] = {}  # its phrases' ``possible``
        self._start_lists: dict[int, tuple[list[Hit], list[int]]] = {}
        # Read a few sentences at a time (``PatternSet.possible``): each pattern set's possible
        # patterns everywhere, by its id (the screen keeps its sets); None: read at once.
        self.windowed: dict[int, tuple[PatternSet, list[tuple[int, int]]]] | None = None
        # One sentence (most questions): "a key of every step somewhere" is the whole test.
        self.one_sentence = not tokens.sentences or tokens.sentences[-1] == 0
        # The sentences (as bits) of each step key set the grammar knew (by its number: a list
        # is the hot loop's fastest lookup); of those registered later (``sentences_of``).
        self.registered = len(grammar.registered)
        self._set_bits: list[int] = []
        self._sentence_sets: dict[frozenset[str], int] = {}
        self._key_bits: dict[str, int] = {}  # one key -> its sentences, as bits
        if not self.one_sentence:
            self._sentences_of_steps()

    @classmethod
    def of_words(cls, tokens: Tokens, grammar: Grammar, low: int, high: int) -> Document:
        """The message seen only in its words ``low`` to ``high`` (whole sentences), built from
        those words alone: a part of a long message read on its own."""
        words = tokens.words[low:high]
        word_keys = grammar.lexicon.keys_of_words(dict.fromkeys(words))
        document = cls(tokens, grammar, _positions(words, low, word_keys), word_keys)
        document.low, document.high = low, high
        document._whole_words = True
        return document

    def keys_in(self, sentences: int) -> set[str] | None:
        """The keys of the words of a few of the document's sentences (bits, as
        ``sentences_of``), or None when they are not few (the document's keys are known
        already) or its words' keys are not all at hand (a document made by ``within``)."""
        if not self._whole_words or self.one_sentence or self.high <= self.low:
            return None
        of = self.tokens.sentences
        first, last = of[self.low], of[self.high - 1]
        wanted = (sentences >> first) & ((1 << (last - first + 1)) - 1)
        count = wanted.bit_count()
        if count > FEW_SENTENCES or count * KEYS_IN_SHARE > last - first + 1:
            return None
        words, word_keys = self.tokens.words, self._word_keys
        found: set[str] = set()
        while wanted:
            sentence = first + (wanted & -wanted).bit_length() - 1
            wanted &= wanted - 1
            start = bisect_left(of, sentence, self.low, self.high)
            for word in words[start : bisect_right(of, sentence, start, self.high)]:
                keys = word_keys.get(word)
                if keys:
                    found.update(keys)
        return found

    def _sentences_of_steps(self) -> None:
        """The sentences of every step key set (``Grammar.needs``) that holds a key of this
        message, from the message's own keys: one pass, where looking each set up would
        intersect it with the message's keys."""
        of = self.tokens.sentences
        bit = [1 << sentence for sentence in range(of[-1] + 1)]
        holding = self.grammar.holding
        found = self._set_bits = [0] * self.registered
        key_bits = self._key_bits
        for key, where in self.positions.items():
            if len(where) == 1:
                bits = bit[of[where[0]]]
            else:
                bits = 0
                for place in where:
                    bits |= bit[of[place]]
            key_bits[key] = bits
            for number in holding.get(key, ()):
                found[number] |= bits

    def sentences_of(self, keys: frozenset[str]) -> int:
        """The sentences in which one of ``keys`` occurs, as bits of an int (bit n: sentence
        n); 0 if none does."""
        number = self.grammar.registered.get(keys, self.registered)
        if number < self.registered and self._set_bits:
            return self._set_bits[number]
        found = self._sentence_sets.get(keys)
        if found is None:
            found = 0
            bits = self._key_bits
            for key in keys & self.keys:
                known = bits.get(key)
                if known is None:
                    of = self.tokens.sentences
                    known = bits[key] = sum({1 << of[place] for place in self.positions[key]})
                found |= known
            self._sentence_sets[keys] = found
        return found

    def within(self, sentences: Iterable[int]) -> Document:
        """The same message seen only in some sentences (context never crosses a sentence).

        Built from the words of those sentences (a sentence's words are consecutive), not by
        filtering every key's positions: they are a few sentences of a long message."""
        of = self.tokens.sentences
        if self.part:  # filtered: this document may lack some of the words' positions
            wanted = set(sentences)
            kept = {k: [p for p in where if of[p] in wanted] for k, where in self.positions.items()}
            return Document(self.tokens, self.grammar, {k: p for k, p in kept.items() if p}, {})
        words = self.tokens.words
        word_keys = self._word_keys
        positions: dict[str, list[int]] = defaultdict(list)
        for sentence in sorted(set(sentences)):
            start = bisect_left(of, sentence)
            for position in range(start, bisect_right(of, sentence, start)):
                for key in word_keys.get(words[position], ()):
                    positions[key].append(position)
        return Document(self.tokens, self.grammar, dict(positions), word_keys)

    def concept(self, name: str, sentences: int = -1) -> list[Hit]:
        """Where any phrase of a word list occurs, in order of start: everywhere, or at least in
        ``sentences`` (bits, as ``sentences_of``; the list may hold hits in others too)."""
        found = self._concepts.get(name)
        if self.one_sentence:
            sentences = -1
        done = self._concept_sentences.get(name, 0) if found is not None else 0
        missing = sentences & ~done
        if found is not None and not missing:
            return found
        self._concepts[name] = found or []  # a guard against cycles while computing
        self._concept_sentences[name] = done | missing
        phrases = self.grammar.phrases.get(name)
        if phrases is not None:
            new: set[Hit] = set()
            words = self.grammar.word_keys[name]
            if words:  # its one-word phrases: a hit wherever one of their keys is
                of = self.tokens.sentences
                positions = self.positions
                for key in words & self.keys:  # two sets: the smaller is walked
                    new.update(
                        Hit(place, place + 1, (place,))
                        for place in positions[key]
                        if missing >> of[place] & 1
                    )
            possible = self._concept_possible.get(name)
            if possible is None:
                possible = self._concept_possible[name] = phrases.possible(self)
            new.update(
                hit
                for number, where in possible
                if where & missing
                for hit in self.match(phrases.patterns[number], where & missing)
            )
            if new:
                found = sorted(new.union(found)) if found else sorted(new)
        found = found or []
        self._concepts[name] = found
        return found

    def places(self, step: PatternStep) -> list[int]:
        """Where a one-word step matches (positions only: no object per occurrence)."""
        keys = self.grammar.step_keys(step)
        found = self._places.get(id(keys))  # the grammar keeps each tuple: ids are not reused
        if found is None:
            lists = [p for key in keys if (p := self.positions.get(key))]
            if len(lists) == 1:
                found = lists[0]
            else:
                found = sorted({place for where in lists for place in where})
            self._places[id(keys)] = found
        return found

    def _starts(self, hits: list[Hit]) -> list[int]:
        known = self._start_lists.get(id(hits))
        if known is not None and known[0] is hits:  # the list itself is kept: ids are reused
            return known[1]
        found = [hit.start for hit in hits]
        self._start_lists[id(hits)] = (hits, found)
        return found

    def match(self, pattern: WordPattern, sentences: int = -1) -> list[Hit]:
        """All shortest matches of a pattern (one per end), each within one sentence; only in
        ``sentences`` (bits, as ``sentences_of``; -1: all) when the caller knows it cannot match
        elsewhere.

        From each partial match so far, the next step's matches that start within its gap are
        found by bisection, so a common word later in the pattern costs nothing extra; one-word
        steps are positions, turned into a match only when a partial match reaches them.
        """
        steps = pattern.steps
        hits_of: list[list[Hit]] = []  # per step: its matches (empty for one-word steps)
        places_of: list[list[int]] = []  # per step: its positions (empty for word lists)
        if self.one_sentence:
            sentences = -1
        for step in steps:  # cheap checks first: any step with no match ends it
            hits = self.concept(step.concept, sentences) if step.concept else []
            places = [] if step.concept else self.places(step)
            if not hits and not places:
                return []
            hits_of.append(hits)
            places_of.append(places)
        frontier: list[Span]
        if sentences == -1:
            frontier = list(hits_of[0]) or [(p, p + 1, (p,)) for p in places_of[0]]
        else:  # a match lies in one sentence: start only in those it may lie in
            of = self.tokens.sentences
            frontier = [hit for hit in hits_of[0] if sentences >> of[hit.start] & 1] or [
                (p, p + 1, (p,)) for p in places_of[0] if sentences >> of[p] & 1
            ]
            if not frontier:
                return []
        for number in range(1, len(steps)):
            gap = steps[number].gap
            if hits_of[number]:
                frontier = self._grow_by_hits(frontier, hits_of[number], gap)
            else:
                frontier = self._grow_by_words(frontier, places_of[number], gap)
            if not frontier:
                return []
        return [Hit(*span) for span in frontier]

    def _grow_by_words(self, frontier: list[Span], places: list[int], gap: int) -> list[Span]:
        sentences = self.tokens.sentences
        best: dict[int, Span] = {}  # word -> the latest-starting partial match before it
        for previous in frontier:  # in order of start, so a later start wins (shortest)
            end = previous[1]
            low = bisect_left(places, end)
            for index in range(low, bisect_right(places, end + gap, low)):
                if sentences[places[index]] == sentences[previous[0]]:
                    best[places[index]] = previous
        return sorted((start, place + 1, (*own, place)) for place, (start, _, own) in best.items())

    def _grow_by_hits(self, frontier: list[Span], hits: list[Hit], gap: int) -> list[Span]:
        sentences = self.tokens.sentences
        starts = self._starts(hits)
        best: dict[int, Span] = {}
        for previous in frontier:
            end = previous[1]
            low = bisect_left(starts, end)
            for index in range(low, bisect_right(starts, end + gap, low)):
                if sentences[hits[index].end - 1] == sentences[previous[0]]:
                    best[index] = previous
        return sorted(
            (start, hits[index].end, own + hits[index].own)
            for index, (start, _, own) in best.items()
        )


def _positions(
    words: Sequence[str], low: int, word_keys: Mapping[str, tuple[str, ...]]
) -> dict[str, list[int]]:
    """Each key's positions (``words`` start at position ``low``), only of the words that have
    keys (a long message's words mostly do not); a word's keys share its list."""
    places: dict[str, list[int]] = {word: [] for word in word_keys}
    for position, word in enumerate(words, low):
        if word in places:
            places[word].append(position)
    positions: dict[str, list[int]] = {}
    for word, keys in word_keys.items():
        where = places[word]
        for key in keys:
            if key in positions:  # a second word for one key (a typo, a prefix)
                positions[key] = sorted(positions[key] + where)
            else:
                positions[key] = where
    return positions
