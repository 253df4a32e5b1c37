"""Match a free-text question to a knowledge-base entry, and say how sure the match is.

How a question is scored:

1. The text is folded (case, accents, emoji, punctuation), contractions are expanded, misspelt
   words are corrected against the knowledge base's own vocabulary with rapidfuzz, the
   maintainers' synonyms are applied, function words are dropped and the rest is stemmed.
2. Each remaining term has a weight: rare terms across entries (``psoas``) say more than common
   ones (``hip``); a term the knowledge base has never seen weighs in as evidence that the
   question is about something else.
3. An entry's score mixes how well the question matches its single best phrasing (weighted
   overlap of terms, plus rapidfuzz's token-sort ratio for word order and near-misses) with how
   much of the question the entry's whole vocabulary explains.
4. Calibrated bands decide: ``confident`` answers, ``unsure`` asks "Did you mean ...?", ``none``
   falls back kindly. The thresholds are measured with ``python -m bot eval``.

An inverted index keeps scoring proportional to the entries that share a term with the question,
so a knowledge base of thousands of entries still answers in milliseconds.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from rapidfuzz import fuzz, process

from bot.core.knowledge import Entry, KnowledgeBase
from bot.core.normalise import is_stopword, stem, words

# Score bands, calibrated with `python -m bot eval` on the dev set, knowledge/tests and the
# regression sets (benchmarks/regression/): below UNSURE nothing is close enough to offer.
CONFIDENT = 50.0
UNSURE = 40.0
CANDIDATE_POOL = 24
LONG_MESSAGE_TERMS = 8  # beyond this many terms, unfamiliar words weigh proportionally less
UNKNOWN_FACTOR = 0.5  # weight of a never-seen term relative to the rarest known term
OFF_TOPIC_FACTOR = 2.0  # a word the maintainers listed as another subject ("shoulder", "keto")
QUESTION_WORDS = frozenset({"what", "how", "whi", "when", "who", "where", "not", "no"})  # stemmed
QUESTION_WORD_WEIGHT = 0.6  # they tell intents apart, but never make a match on their own
ORDER_SHARE = 0.2  # share of phrasing similarity from rapidfuzz's ratio of the sorted terms
ORDER_CHECKS = 5  # phrasings per entry (best by overlap) that get the rapidfuzz comparison
KEY_PHRASE_BONUS = 6.0  # per multi-word keyword or title found whole in the question (max 2)
NUMBER_WEIGHT = 0.4  # "100km", "3": weak evidence either way
SALIENCE_FLOOR = 0.35  # a word used in only one phrasing of an entry
SALIENT_SHARE = 0.15  # a word in this share of an entry's phrasings counts fully
MIN_CORRECTABLE = 5  # shorter words are too easily "corrected" into another real word


class Band(Enum):
    """How sure the matcher is about its best candidate."""

    CONFIDENT = "confident"
    UNSURE = "unsure"
    NONE = "none"


@dataclass(frozen=True)
class Candidate:
    """One entry the question may be about, with the evidence for it."""

    entry_id: str
    score: float
    phrasing: str
    similarity: float
    coverage: float


@dataclass(frozen=True)
class Match:
    """The matcher's verdict on one question."""

    band: Band
    candidates: tuple[Candidate, ...]
    terms: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...] = ()
    off_topic: tuple[str, ...] = ()  # words the maintainers listed as another subject

    @property
    def best(self) -> Candidate | None:
        """The top candidate, if any entry shares a term with the question."""
        return self.candidates[0] if self.candidates else None


@dataclass
class _Phrasing:
    text: str
    terms: frozenset[str]
    weight: float
    joined: str


@dataclass
class _EntryIndex:
    entry: Entry
    vocabulary: frozenset[str]
    phrasings: list[_Phrasing] = field(default_factory=list)
    key_phrases: list[frozenset[str]] = field(default_factory=list)


class Matcher:
    """Scores questions against one knowledge base; build a new one when the base changes."""

    def __init__(self, kb: KnowledgeBase, confident: float = CONFIDENT, unsure: float = UNSURE):
        self.kb = kb
        self.confident = confident
        self.unsure = unsure
        self._synonym_pattern = _synonym_regex(kb.synonyms)
        self._synonyms = dict(kb.synonyms)

        surface: set[str] = set()
        for variant, canonical in kb.synonyms.items():
            surface.update(variant.split())
            surface.update(canonical.split())
        for entry in kb.entries.values():
            for text in [p.text for p in entry.questions] + [entry.title, *entry.keywords]:
                surface.update(words(text))
        self._surface = tuple(
            sorted(w for w in surface if len(w) >= MIN_CORRECTABLE and w.isalpha())
        )
        self._surface_set = frozenset(surface | kb.off_topic)
        self._corrections: dict[str, str] = {}

        # How strongly each term points to each entry: keywords and title words fully; words of
        # the phrasings in proportion to how many phrasings use them, so a word that appears once
        # in passing ("plain stretching") is weak evidence.
        salience: dict[str, dict[str, float]] = {}
        for entry in kb.entries.values():
            counts: dict[str, int] = defaultdict(int)
            for phrasing in entry.questions:
                for term in self._finish(words(phrasing.text)):
                    counts[term] += 1
            full = max(1.0, SALIENT_SHARE * len(entry.questions))
            weights = {
                t: SALIENCE_FLOOR + (1 - SALIENCE_FLOOR) * min(1.0, c / full)
                for t, c in counts.items()
            }
            for text in (entry.title, *entry.keywords):
                for term in self._finish(words(text)):
                    weights[term] = 1.0
            salience[entry.id] = weights

        document_frequency: dict[str, int] = defaultdict(int)
        for weights in salience.values():
            for term in weights:
                document_frequency[term] += 1
        total = max(len(kb.entries), 1)
        self._idf = {t: math.log(1 + total / df) for t, df in document_frequency.items()}
        self._unknown = math.log(1 + total) * UNKNOWN_FACTOR
        self._off_topic = math.log(1 + total) * OFF_TOPIC_FACTOR
        self._off_topic_terms = frozenset(stem(word) for word in kb.off_topic) - frozenset(
            self._idf
        )

        self._index: dict[str, _EntryIndex] = {}
        self._postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for entry in kb.entries.values():
            item = _EntryIndex(entry, frozenset(salience[entry.id]))
            for text in (entry.title, *entry.keywords):
                terms = self._finish(words(text))
                if len(terms) >= 2:
                    item.key_phrases.append(frozenset(terms))
            for phrasing in entry.questions:
                terms = self._finish(words(phrasing.text))
                if terms:
                    item.phrasings.append(
                        _Phrasing(
                            phrasing.text,
                            frozenset(terms),
                            self._weight(terms),
                            " ".join(sorted(terms)),
                        )
                    )
            self._index[entry.id] = item
            for term, weight in salience[entry.id].items():
                self._postings[term].append((entry.id, weight))

    # ----------------------------------------------------------------------------------------
    def analyse(self, text: str) -> tuple[list[str], list[tuple[str, str]]]:
        """Terms of a question after correction, synonyms, stop-word removal and stemming."""
        corrections: list[tuple[str, str]] = []
        tokens = []
        for word in words(text):
            fixed = self._correct(word)
            if fixed != word:
                corrections.append((word, fixed))
            tokens.append(fixed)
        return self._finish(tokens), corrections

    def _finish(self, tokens: list[str]) -> list[str]:
        joined = " ".join(tokens)
        if self._synonym_pattern is not None:
            joined = self._synonym_pattern.sub(lambda m: self._synonyms[m.group(0)], joined)
        terms: list[str] = []
        for word in joined.split():
            if is_stopword(word) or (len(word) < 2 and not word.isdigit()):
                continue
            term = stem(word)
            if term not in terms:
                terms.append(term)
        return terms

    def _correct(self, word: str) -> str:
        if (
            len(word) < MIN_CORRECTABLE
            or word in self._surface_set
            or is_stopword(word)
            or not word.isalpha()
        ):
            return word
        fixed = self._corrections.get(word)
        if fixed is None:
            fixed = _closest(word, self._surface)
            if len(self._corrections) < 65536:  # bounded: strangers' typos must not grow memory
                self._corrections[word] = fixed
        return fixed

    def _weight_of(self, term: str) -> float:
        if term in QUESTION_WORDS:
            return QUESTION_WORD_WEIGHT
        known = self._idf.get(term)
        if known is not None:
            return known
        if term in self._off_topic_terms:
            return self._off_topic
        return NUMBER_WEIGHT if any(c.isdigit() for c in term) else self._unknown

    def _weight(self, terms: Iterable[str]) -> float:
        return sum(self._weight_of(t) for t in terms)

    # ----------------------------------------------------------------------------------------
    def match(self, text: str, limit: int = 5, exclude: str | None = None) -> Match:
        """Rank entries for a question and decide the band.

        ``exclude`` leaves one phrasing out, so ``kb check`` can ask "without this exact
        phrasing, which entry would this question reach?".
        """
        terms, corrections = self.analyse(text)
        if all(term in QUESTION_WORDS or any(c.isdigit() for c in term) for term in terms):
            return Match(Band.NONE, (), tuple(terms), tuple(corrections))
        weights = {t: self._weight_of(t) for t in terms}
        # Long messages carry more small talk ("long story short, since I started working from
        # home..."): unfamiliar words count less the more words there are.
        dilution = min(1.0, LONG_MESSAGE_TERMS / len(terms))
        for term, weight in weights.items():
            if weight == self._unknown:
                weights[term] = weight * dilution
        total = sum(weights.values())

        overlap: dict[str, float] = defaultdict(float)
        for term in terms:
            for entry_id, salience in self._postings.get(term, ()):
                overlap[entry_id] += weights[term] * salience
        if not overlap:
            return Match(Band.NONE, (), tuple(terms), tuple(corrections))
        pool = sorted(overlap, key=overlap.__getitem__, reverse=True)[:CANDIDATE_POOL]

        query_terms = frozenset(terms)
        query_joined = " ".join(sorted(terms))
        candidates = []
        for entry_id in pool:
            item = self._index[entry_id]
            coverage = overlap[entry_id] / total
            scored = []
            for phrasing in item.phrasings:
                if phrasing.text == exclude:
                    continue
                shared = query_terms & phrasing.terms
                if shared:
                    weight = sum(weights[t] for t in shared)
                    scored.append((weight / math.sqrt(total * phrasing.weight), phrasing))
            scored.sort(key=lambda pair: pair[0], reverse=True)
            best_similarity, best_text = 0.0, ""
            for cosine, phrasing in scored[:ORDER_CHECKS]:
                # Word order can add at most ORDER_SHARE, so weaker phrasings cannot win.
                if cosine + ORDER_SHARE < best_similarity:
                    break
                order = fuzz.ratio(query_joined, phrasing.joined) / 100
                similarity = (1 - ORDER_SHARE) * cosine + ORDER_SHARE * order
                if similarity > best_similarity:
                    best_similarity, best_text = similarity, phrasing.text
            phrases = sum(1 for phrase in item.key_phrases if phrase <= query_terms)
            bonus = KEY_PHRASE_BONUS * min(phrases, 2)
            score = min(100.0, 100 * (0.55 * best_similarity + 0.45 * coverage) + bonus)
            candidates.append(
                Candidate(entry_id, round(score, 1), best_text, best_similarity, coverage)
            )
        candidates.sort(key=lambda c: c.score, reverse=True)
        top = tuple(candidates[:limit])
        foreign = tuple(t for t in terms if t in self._off_topic_terms)
        return Match(self._band(top, foreign), top, tuple(terms), tuple(corrections), foreign)

    def _band(self, top: tuple[Candidate, ...], foreign: tuple[str, ...]) -> Band:
        best = top[0]
        if best.score >= self.confident:
            # A question that names another subject ("physio salary", "tennis elbow") is never
            # answered outright: at most the bot asks whether an entry is what was meant.
            return Band.UNSURE if foreign else Band.CONFIDENT
        if best.score >= self.unsure:
            return Band.UNSURE
        return Band.NONE


def _synonym_regex(synonyms: Mapping[str, str]) -> re.Pattern[str] | None:
    variants = sorted(synonyms, key=len, reverse=True)
    if not variants:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(v) for v in variants) + r")\b")


def _closest(word: str, choices: tuple[str, ...]) -> str:
    """The knowledge-base word a typo most likely meant (same first letter, close spelling)."""
    cutoff = 84 if len(word) >= 7 else 90
    found = process.extractOne(
        word,
        choices,
        scorer=fuzz.ratio,
        score_cutoff=cutoff,
        processor=None,
    )
    if found and found[0][0] == word[0]:
        return str(found[0])
    return word
