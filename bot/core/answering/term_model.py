"""What the knowledge base's terms are worth, entry by entry: the model the matcher scores with.

Built once per knowledge base from the entries' phrasings, titles and keywords:

- **Salience**: how strongly a term points to an entry. Keywords and title words fully; words of
  the phrasings in proportion to how many phrasings use them, so a word that appears once in
  passing ("plain stretching") is weak evidence. A word of a multi-word keyword points to its
  entry weakly alone ("sleep" is not "sleeping pigeon"); the matcher raises it when the question
  has more of the keyword.
- **Weight**: rare terms across entries (``psoas``) say more than common ones (``hip``); a term
  the knowledge base has never seen weighs in as evidence that the question is about something
  else (a word the maintainers listed as another subject, four times as much).
- **Profiles**: per entry, its phrasings (terms, weight, sorted terms for rapidfuzz), its
  multi-word key phrases and the plurals its keywords use.

Kept apart from ``matching``, which scores one question against this model.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from typing import NamedTuple

from bot.core.answering.index import EntryPostings, PhrasingScorer
from bot.core.answering.term_analysis import PLURAL, TermAnalyser, joined_words
from bot.core.knowledge import Entry, KnowledgeBase
from bot.core.normalise import stem

UNKNOWN_FACTOR = 0.5  # weight of a never-seen term relative to the rarest known term
OFF_TOPIC_FACTOR = 2.0  # a word the maintainers listed as another subject ("salary", "recipe")
QUESTION_WORDS = frozenset({"what", "how", "whi", "when", "who", "where", "not", "no"})  # stemmed
QUESTION_WORD_WEIGHT = 0.6  # they tell intents apart, but never make a match on their own
NUMBER_WEIGHT = 0.4  # "100km", "3": weak evidence either way
SALIENCE_FLOOR = 0.35  # a word used in only one phrasing of an entry
SALIENT_SHARE = 0.15  # a word in this share of an entry's phrasings counts fully


class Phrasing(NamedTuple):
    """One question an entry answers, as terms: also the row ``PhrasingScorer`` reads, so the
    phrasings are held once."""

    terms: frozenset[str]
    weight: float
    text: str

    @property
    def joined_length(self) -> int:
        """``len`` of the terms sorted and joined by spaces (``EntryProfile.joined``)."""
        return sum(map(len, self.terms)) + len(self.terms) - 1 if self.terms else 0


@dataclass(frozen=True, slots=True)
class KeyPhrase:
    """A multi-word title or keyword; found only with the same number ("hip flexor stretch"
    is not found in "hip flexor stretches")."""

    terms: frozenset[str]

    def found_in(self, query: frozenset[str]) -> bool:
        if not self.terms <= query:
            return False
        return not any(
            term + PLURAL in query and term + PLURAL not in self.terms for term in self.terms
        )


@dataclass
class EntryProfile:
    """One entry's terms and what they are worth for it."""

    entry: Entry
    salience: dict[str, float]  # term -> how strongly it points here
    title: frozenset[str]  # the title's terms: all of them found names the entry
    plurals: frozenset[str]  # plurals its keywords use ("bridges")
    phrasings: list[Phrasing] = field(default_factory=list)
    key_phrases: list[KeyPhrase] = field(default_factory=list)
    keywords: list[frozenset[str]] = field(default_factory=list)  # multi-word keywords' terms
    keyword_terms: frozenset[str] = frozenset()  # every term of those keywords
    strong: frozenset[str] | None = None  # terms that point here clearly (filled on first use)
    longest: int | None = None  # the longest phrasing's sorted terms, joined (on first use)
    sorted_terms: list[str | None] | None = None  # ``joined`` per phrasing, once asked

    def joined(self, number: int) -> str:
        """A phrasing's terms sorted and joined, for rapidfuzz's word-order comparison (made
        when first asked: few phrasings of a large base ever are)."""
        if self.sorted_terms is None:
            self.sorted_terms = [None] * len(self.phrasings)
        found = self.sorted_terms[number]
        if found is None:
            found = self.sorted_terms[number] = " ".join(sorted(self.phrasings[number].terms))
        return found


class TermModel:
    """The salience, weights and entry profiles of one knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        analyser: TermAnalyser,
        words_of: Callable[[str], str] = joined_words,
        phrased: dict[str, list[list[str] | None]] | None = None,
    ) -> None:
        """``words_of``: ``term_analysis.joined_words``, or a memo of it (the analyser read the
        same texts for its vocabulary); ``phrased``: the terms of the entries' phrasings the
        analyser read already (``TermAnalyser``'s ``phrasings``; taken out as they are used),
        None where it left one to ``scored_joined``."""
        # Each text of the base is analysed once, not twice: titles and keywords with the
        # traces of their plurals (``terms_of``), phrasings only without (``scored_terms_of``:
        # a plural's trace is never a scored term), so a phrasing's terms are kept once.
        known: dict[str, list[str]] = {}
        scored: dict[str, list[str]] = {}

        def terms_of(text: str) -> list[str]:
            found = known.get(text)
            if found is None:
                found = known[text] = analyser.finish_joined(words_of(text))
            return found

        def scored_terms_of(text: str) -> list[str]:
            found = scored.get(text)
            if found is None:
                terms = known.get(text)
                found = scored[text] = (
                    analyser.scored_joined(words_of(text))
                    if terms is None
                    else [t for t in terms if not t.endswith(PLURAL)]
                )
            return found

        scored_joined = analyser.scored_joined
        tables: dict[int, list[float]] = {}
        salience: dict[str, dict[str, float]] = {}
        said: dict[str, list[list[str]]] = {}  # each entry's phrasings' terms, for its profile
        for entry in kb.entries.values():
            # (Phrasings are not kept in ``scored``: each is read once here.)
            read = phrased.pop(entry.id, None) if phrased else None
            said[entry.id] = terms_of_phrasings = (
                [scored_joined(words_of(p.text)) for p in entry.questions]
                if read is None
                else [
                    scored_joined(words_of(p.text)) if terms is None else terms
                    for p, terms in zip(entry.questions, read, strict=True)
                ]
            )
            # (in the order the terms first come)
            counts: Counter[str] = Counter(chain.from_iterable(terms_of_phrasings))
            # (each count's salience from a table per number of phrasings, made once)
            table = tables.get(len(entry.questions))
            if table is None:
                table = tables[len(entry.questions)] = _salience_table(len(entry.questions))
            weights = dict(zip(counts, map(table.__getitem__, counts.values()), strict=True))
            # A word of a multi-word keyword alone is not that keyword ("sleep" is not
            # "sleeping pigeon"): it points here as weakly as a word of one phrasing, and fully
            # only when the whole keyword is found (see ``Matcher._whole_keywords``).
            for text in (entry.title, *entry.keywords):
                terms = scored_terms_of(text)
                share = 1.0 if len(terms) == 1 else SALIENCE_FLOOR
                for term in terms:
                    weights[term] = max(weights.get(term, 0.0), share)
            salience[entry.id] = weights

        document_frequency = Counter(chain.from_iterable(salience.values()))
        total = max(len(kb.entries), 1)
        self.idf = {t: math.log(1 + total / df) for t, df in document_frequency.items()}
        self.rarest = math.log(1 + total)  # the weight of a term only one entry uses
        self._unknown = self.rarest * UNKNOWN_FACTOR
        self._off_topic = math.log(1 + total) * OFF_TOPIC_FACTOR
        self.off_topic_terms = frozenset(stem(word) for word in kb.off_topic) - frozenset(self.idf)

        # The weight of every term of a phrasing (``weight_of``: each is in ``idf``).
        term_weights = dict(self.idf)
        term_weights.update(dict.fromkeys(QUESTION_WORDS, QUESTION_WORD_WEIGHT))
        weight_of = term_weights.__getitem__
        new_phrasing = tuple.__new__

        self.profiles: dict[str, EntryProfile] = {}
        for entry in kb.entries.values():
            title = frozenset(
                t
                for t in terms_of(entry.title)
                if t not in QUESTION_WORDS and not t.endswith(PLURAL)
            )
            plurals = frozenset(
                t for k in entry.keywords for t in terms_of(k) if t.endswith(PLURAL)
            )
            item = EntryProfile(entry, salience[entry.id], title, plurals)
            for text in (entry.title, *entry.keywords):
                content = scored_terms_of(text)
                if len(content) >= 2:
                    item.key_phrases.append(KeyPhrase(frozenset(terms_of(text))))
                    item.keywords.append(frozenset(content))
            for phrasing, terms in zip(entry.questions, said.pop(entry.id), strict=True):
                if terms:
                    item.phrasings.append(
                        new_phrasing(  # ``Phrasing(...)`` without its Python ``__new__``
                            Phrasing,
                            (
                                frozenset(terms),
                                sum(map(weight_of, terms)),  # as ``weight_of``, in order
                                phrasing.text,
                            ),
                        )
                    )
            item.keyword_terms = frozenset().union(*item.keywords)
            self.profiles[entry.id] = item
        # The terms of the titles and keywords, until the interpreter takes them (it reads the
        # same texts): see ``take_base_terms``.
        self._base_terms: dict[str, list[str]] = known
        # How candidates and phrasings are found fast (same results): see ``index``.
        self.postings = EntryPostings(salience)
        self.phrasing_scorer = PhrasingScorer(
            {entry_id: item.phrasings for entry_id, item in self.profiles.items()}
        )

    def take_base_terms(self) -> dict[str, list[str]]:
        """The terms of the base's titles and keywords made for this model, handed over once
        (then dropped: they are not kept with the model). They are what
        ``TermAnalyser.analyse`` finds in the same texts: every word of them is one of the
        base's, which no spelling fix changes."""
        found, self._base_terms = self._base_terms, {}
        return found

    def weight_of(self, term: str) -> float:
        """How much one term says: rare knowledge-base terms most, unknown ones as much."""
        if term in QUESTION_WORDS:
            return QUESTION_WORD_WEIGHT
        known = self.idf.get(term)
        if known is not None:
            return known
        if term in self.off_topic_terms:
            return self._off_topic
        return NUMBER_WEIGHT if any(c.isdigit() for c in term) else self._unknown


def _salience_table(phrasings: int) -> list[float]:
    """A word's salience for an entry of this many phrasings, by the number it is in."""
    full = max(1.0, SALIENT_SHARE * phrasings)
    return [
        SALIENCE_FLOOR + (1 - SALIENCE_FLOOR) * min(1.0, count / full)
        for count in range(phrasings + 1)
    ]
