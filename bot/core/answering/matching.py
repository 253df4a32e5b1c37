"""Match a free-text question to a knowledge-base entry, and say how sure the match is.

How a question is scored:

1. The text is read into the knowledge base's terms (``term_analysis``: folding, spelling
   fixes against the base's own vocabulary, synonyms, stop words, stems).
2. Each remaining term has a weight (``term_model``): rare terms across entries (``psoas``)
   say more than common ones (``hip``); a term the knowledge base has never seen weighs in as
   evidence that the question is about something else (a word the maintainers listed as another
   subject, four times as much). Unfamiliar words so lower confidence in proportion; none of
   them forbids an answer on its own (``understanding`` asks for more than one shared word
   besides). A plural ("stretches") keeps a trace of its number: a single exercise whose title
   says it in the singular ("Hip flexor stretch") is not what a question about stretches asks
   for. A word of a multi-word keyword points to its entry weakly alone ("sleep" is not
   "sleeping pigeon"), more the more of the keyword the question has, fully when it has all of
   it.
3. An entry's score mixes how well the question matches its single best phrasing (weighted
   overlap of terms, plus rapidfuzz's token-sort ratio for word order and near-misses) with how
   much of the question the entry's whole vocabulary explains.
4. Calibrated bands decide: ``confident`` answers, ``unsure`` asks "Did you mean ...?", ``none``
   falls back kindly (``match_result``). The thresholds are measured with ``python -m bot eval``.

An inverted index keeps scoring proportional to the entries that share a term with the question,
so a knowledge base of thousands of entries still answers in milliseconds.
"""

from __future__ import annotations

import math
from bisect import insort
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from types import TracebackType

from rapidfuzz import fuzz

from bot.core.answering.match_result import Band, Candidate, Match
from bot.core.answering.term_analysis import PLURAL, TermAnalyser, joined_words
from bot.core.answering.term_model import (
    QUESTION_WORD_WEIGHT,
    QUESTION_WORDS,
    SALIENCE_FLOOR,
    EntryProfile,
    TermModel,
)
from bot.core.knowledge import KnowledgeBase

# Score bands, calibrated with `python -m bot eval` on the dev set, knowledge/tests and the
# regression sets (benchmarks/regression/): below UNSURE nothing is close enough to offer.
CONFIDENT = 50.0
UNSURE = 40.0
CANDIDATE_POOL = 24
LONG_MESSAGE_TERMS = 8  # beyond this many terms, unfamiliar words weigh proportionally less
KEY_PHRASE_BONUS = 6.0  # per multi-word keyword or title found whole in the question (max 2)
_EXERCISE = "exercise"  # the kind of entry an exercise is
NUMBER_PENALTY = 15.0  # an exercise asked for in the plural of its kind ("stretches")
# ... and the entry whose keywords say that plural (the list of exercises) is what is asked for:
# as much as naming two key phrases ("which stretches are good for tight hip flexors" is not
# yoga; "what stretches help, i have no numbness, just tight hips" is not the signs); half of it
# in a question that says "not" ("what if the stretches do not help" asks what then).
LIST_BONUS = 2 * KEY_PHRASE_BONUS
ORDER_SHARE = 0.2  # share of phrasing similarity from rapidfuzz's ratio of the sorted terms
ORDER_CHECKS = 5  # phrasings per entry (best by overlap) that get the rapidfuzz comparison
# A phrasing that asks about something NOT happening ("what if the stretches don't help") is
# another question than the same words without the "not" ("what stretches help").
NEGATED_PHRASING = 0.8  # its similarity, when the question has no "not" of its own
NOT = "not"
SUPPORT_SALIENCE = 0.5  # a word points clearly to an entry from this salience on
# An entry whose ceiling is this far below the best score (rounded to 0.1) cannot reach it.
CEILING_SLACK = 0.06
FEW_OWN_WORDS = 8  # a question's own words, up to which support is counted word by word
# Above any rounding of a similarity computed under its bound (a few units in the last place):
# a phrasing whose bound is this far below the best cannot reach it.
BOUND_SLACK = 1e-9
ANALYSED = "analysed"  # the memo's key for a text's analysis, beside its matches


def only_numbers(terms: Iterable[str]) -> bool:
    """Whether a question's words, question words aside, are numbers and nothing else ("what's
    15% of 240"): no entry is about them."""
    content = [t for t in terms if t not in QUESTION_WORDS and not t.endswith(PLURAL)]
    return bool(content) and all(any(c.isdigit() for c in t) for t in content)


class Matcher:
    """Scores questions against one knowledge base; build a new one when the base changes."""

    def __init__(self, kb: KnowledgeBase, confident: float = CONFIDENT, unsure: float = UNSURE):
        self.kb = kb
        self.confident = confident
        self.unsure = unsure
        # Each title and keyword is folded once, not twice (the analyser reads it for its
        # vocabulary, the model for its terms), kept as one string until then.
        folded: dict[str, str] = {}

        def words_of(text: str) -> str:
            found = folded.get(text)
            if found is None:
                found = folded[text] = joined_words(text)
            return found

        # The phrasings are read once: their terms in the same pass as the vocabulary.
        phrased: dict[str, list[list[str] | None]] = {}
        self._analyser = TermAnalyser(kb, words_of, phrased)
        with self._analyser.remembering():
            self._model = model = TermModel(kb, self._analyser, words_of, phrased)
        self.rarest = model.rarest  # the weight of a term only one entry uses
        self._idf = model.idf
        self._off_topic_terms = model.off_topic_terms
        self._index = model.profiles
        self._postings = model.postings
        self._phrasing_scorer = model.phrasing_scorer
        # The plural of the kind itself ("exercises"): it names a list of them, whatever it
        # asks them for ("which exercises are good to stretch the hip flexors?").
        self._kind_plurals = frozenset(
            term for term in self._analyser.analyse(f"{_EXERCISE}s")[0] if term.endswith(PLURAL)
        )
        # The plurals of the exercises' kinds ("stretches", "poses"): each names a list.
        self._kinds_of_exercise = frozenset(
            term + PLURAL
            for item in self._index.values()
            if item.entry.kind == _EXERCISE
            for term in item.title
        )
        # The exercises' titles, as terms (``names_an_exercise``: no scan of the base per call).
        self._exercise_titles = tuple(
            item.title
            for item in self._index.values()
            if item.entry.kind == _EXERCISE and item.title
        )
        # While one message is read (``one_message``): its matches and canonical forms.
        self._memo: dict[object, Match | str | tuple[list[str], list[tuple[str, str]]]] | None = (
            None
        )

    # ----------------------------------------------------------------------------------------
    def analyse(self, text: str) -> tuple[list[str], list[tuple[str, str]]]:
        """Terms of a question after correction, synonyms, stop-word removal and stemming."""
        memo = self._memo
        if memo is None:
            return self._analyser.analyse(text)
        key = (ANALYSED, text)
        found = memo.get(key)
        if found is None:
            found = memo[key] = self._analyser.analyse(text)
        assert isinstance(found, tuple)
        terms, fixed = found
        return list(terms), list(fixed)  # (copies: a caller may change its lists)

    def canonical(self, text: str) -> str:
        """The message as words after spelling fixes and synonyms, stop words kept
        ("how frequently do i stretch" -> "how often do i stretch"), for phrase lookups."""
        memo = self._memo
        if memo is None:
            return self._analyser.canonical(text)
        found = memo.get(text)
        if found is None:
            found = memo[text] = self._analyser.canonical(text)
        assert isinstance(found, str)
        return found

    def one_message(self) -> AbstractContextManager[None]:
        """While one message is read, a match or canonical form asked for again is the one
        already made (a long message's question is matched alone more than once); all of it
        is forgotten afterwards, so nothing is kept from one message to the next."""
        return _OneMessage(self)

    def _asked_as_list(
        self, item: EntryProfile, listed: frozenset[str], kinds_asked: frozenset[str]
    ) -> bool:
        """Whether a plural in the question ("stretches") names more than this one exercise:
        its title says it in the singular, and another entry's keywords use that plural; or the
        question's own words name the kind itself in the plural ("which exercises ...")."""
        return any(
            plural not in item.plurals
            and (plural.removesuffix(PLURAL) in item.title or plural in kinds_asked)
            for plural in listed
        )

    def remembering(self) -> AbstractContextManager[None]:
        """Keep every analysis while a knowledge base is analysed (``TermAnalyser``)."""
        return self._analyser.remembering()

    def knows(self, word: str) -> bool:
        """Whether a folded word is one the knowledge base uses (or lists as another subject)."""
        return self._analyser.knows(word)

    def dilution(self, count: int) -> float:
        """How much an unfamiliar word counts in a message of ``count`` terms."""
        return min(1.0, LONG_MESSAGE_TERMS / count) if count else 1.0

    def points_to(self, entry_id: str, term: str) -> bool:
        """Whether ``term`` points clearly to the entry (one of its own words)."""
        return self._index[entry_id].salience.get(term, 0.0) >= SUPPORT_SALIENCE

    def weight_of(self, term: str) -> float:
        """How much one term says: rare knowledge-base terms most, unknown ones as much."""
        return self._model.weight_of(term)

    def known(self, term: str) -> bool:
        """Whether the knowledge base uses this term (a question word counts as known)."""
        return term in self._idf or term in QUESTION_WORDS

    def take_base_terms(self) -> dict[str, list[str]]:
        """``analyse``'s terms of the base's titles and keywords, made when the matcher was
        built; handed over once (``TermModel.take_base_terms``)."""
        return self._model.take_base_terms()

    def names_an_exercise(self, terms: Iterable[str]) -> bool:
        """Whether the terms hold every word of an exercise's title (a match of them may find
        that exercise ``named``), without scoring anything."""
        found = frozenset(terms)
        return any(title <= found for title in self._exercise_titles)

    def vocabulary(self, entry_id: str) -> frozenset[str]:
        """The terms that point to one entry (its phrasings, title and keywords)."""
        return frozenset(self._index[entry_id].salience)

    def terms(self, text: str) -> tuple[str, ...]:
        """The terms of a match of the text alone (``Match.terms``), without making it."""
        return tuple(t for t in dict.fromkeys(self.analyse(text)[0]) if not t.endswith(PLURAL))

    # ----------------------------------------------------------------------------------------
    def match(self, text: str, limit: int = 5, exclude: str | None = None) -> Match:
        """Rank entries for a question and decide the band.

        ``exclude`` leaves one phrasing out, so ``kb check`` can ask "without this exact
        phrasing, which entry would this question reach?".
        """
        return self.match_parts(((text, 1.0),), limit, exclude)

    def match_parts(
        self,
        parts: Iterable[tuple[str, float]],
        limit: int = 5,
        exclude: str | None = None,
        drop: frozenset[str] = frozenset(),
    ) -> Match:
        """Rank entries for a message given in weighted parts: the question of a long message
        counts fully and its back-story less; a follow-up can borrow its topic's words.
        ``drop`` leaves out terms that are already accounted for (the words that ask a detail).
        """
        memo = self._memo
        if memo is None:
            return self._ranked(parts, limit, exclude, drop)
        key = (tuple(parts), limit, exclude, drop)
        found = memo.get(key)
        if found is None:
            found = memo[key] = self._ranked(key[0], limit, exclude, drop)
        assert isinstance(found, Match)
        return found

    def best_reaching(self, parts: Iterable[tuple[str, float]], floor: float) -> Candidate | None:
        """The best entry for a message in weighted parts (as ``match_parts(parts, limit=1)``)
        if it scores ``floor`` or more, else None: entries whose most possible score is below
        it are not scored (a long message's back-story rarely places its question)."""
        memo = self._memo
        key = (tuple(parts), floor)
        found = memo.get(key) if memo is not None else None
        if found is None:
            found = self._ranked(key[0], 1, None, frozenset(), floor)
            if memo is not None:
                memo[key] = found
        assert isinstance(found, Match)
        best = found.best
        return best if best is not None and best.score >= floor else None

    def _ranked(
        self,
        parts: Iterable[tuple[str, float]],
        limit: int,
        exclude: str | None,
        drop: frozenset[str],
        floor: float = -math.inf,
    ) -> Match:
        """``match_parts``; with ``limit`` 1, entries that cannot reach ``floor`` are not
        scored (the match may then have no candidate, band none)."""
        factors: dict[str, float] = {}
        corrections: list[tuple[str, str]] = []
        for text, factor in parts:
            terms, fixed = self.analyse(text)
            corrections += fixed
            for term in terms:
                if term not in drop:
                    factors[term] = max(factor, factors.get(term, 0.0))
        plurals = frozenset(t for t in factors if t.endswith(PLURAL))
        # (the kind's plural counts in the message's own words, not in a topic's title: "which
        # one do i do lying down?" after the "Exercises" asks for one)
        kinds_asked = frozenset(t for t in plurals & self._kind_plurals if factors[t] >= 1.0)
        for term in plurals:
            del factors[term]  # a plural's trace is no term: it only checks number (below)
        terms = list(factors)
        content = [t for t in terms if t not in QUESTION_WORDS and not t.endswith(PLURAL)]
        if not content or only_numbers(content):
            return Match(Band.NONE, (), tuple(terms), tuple(corrections))
        # Long messages carry more small talk ("long story short, since I started working from
        # home..."): unfamiliar words count less the more words there are.
        dilution = self.dilution(len(terms))
        idf = self._idf
        weights = {}
        for term in terms:  # ``weight_of``, with a known term's weight looked up here
            if term in QUESTION_WORDS:
                weights[term] = QUESTION_WORD_WEIGHT * factors[term]
            elif term in idf:
                weights[term] = idf[term] * factors[term]
            else:
                weights[term] = self._model.weight_of(term) * factors[term] * dilution
        total = sum(weights.values())

        pool, overlap = self._postings.pool(terms, weights, CANDIDATE_POOL)
        if not pool:
            return Match(Band.NONE, (), tuple(terms), tuple(corrections))

        query_terms = frozenset(terms)
        numbered = query_terms | plurals
        listed = frozenset().union(*(self._index[e].plurals for e in pool)) & plurals
        query_joined = " ".join(sorted(terms))
        places = {term: number for number, term in enumerate(weights)}
        own = [t for t in content if factors[t] >= 1.0]  # the message's own words
        own_set = frozenset(own)
        rows = []  # per entry of the pool: (entry, its index, whole keywords, coverage, bonus)
        profiles = self._index
        for entry_id in pool:
            item = profiles[entry_id]
            # (the common case, no keyword to complete, known without a call)
            if len(item.keyword_terms & query_terms) < 2:
                whole: dict[str, float] = {}
            else:
                whole = self._whole_keywords(item, query_terms)
                for term, full in whole.items():
                    overlap[entry_id] += weights[term] * (full - item.salience[term])
            coverage = overlap[entry_id] / total
            phrases = (
                len([p for p in item.key_phrases if p.terms <= numbered and p.found_in(numbered)])
                if item.key_phrases
                else 0
            )
            bonus = KEY_PHRASE_BONUS * min(phrases, 2)
            exercise = item.entry.kind == _EXERCISE
            if exercise and listed and self._asked_as_list(item, listed, kinds_asked):
                bonus -= NUMBER_PENALTY
            elif not exercise and listed & item.plurals & self._kinds_of_exercise:
                # (half when the question says "not": "what if the stretches do not help")
                bonus += LIST_BONUS / 2 if NOT in query_terms else LIST_BONUS
            rows.append((entry_id, item, whole, coverage, bonus))
        visit: list[int] = list(range(len(rows)))
        ceilings: list[float] = []
        if len(rows) > limit:
            # Only the best ``limit`` are asked for: entries are scored in order of the most
            # they could score, until none left can reach the ``limit``-th best so far
            # (``_ceiling``), so none left could enter the top or tie with its last.
            ceilings = [
                self._ceiling(row, weights, factors, total, len(query_joined)) for row in rows
            ]
            visit.sort(key=ceilings.__getitem__, reverse=True)
        # Each entry visited: its rounded score, best phrasing and similarity. The evidence of
        # a candidate (support, named) is only worked out for the ``limit`` kept.
        scored: dict[int, tuple[float, str, float]] = {}
        highest = floor  # the ``limit``-th best score so far (``floor`` until there are as many)
        kept: list[float] = []  # the best ``limit`` scores so far, ascending
        length = len(query_joined)
        negated = NOT in query_terms
        phrasings_of = self._phrasing_scorer.best
        for number in visit:
            if ceilings and ceilings[number] < highest - CEILING_SLACK:
                break
            entry_id, item, _, coverage, bonus = rows[number]
            phrasings = item.phrasings
            best_similarity, best_text = 0.0, ""
            for cosine, phrased in phrasings_of(
                entry_id, weights, total, ORDER_CHECKS, exclude, places
            ):
                # Word order can add at most ORDER_SHARE, so weaker phrasings cannot win.
                if cosine + ORDER_SHARE < best_similarity:
                    break
                joined = item.joined(phrased)
                other = len(joined)
                # The most ``fuzz.ratio`` / 100 can be for strings of these lengths: 1 - Indel
                # distance / both lengths, and that distance is at least the difference of the
                # lengths (a long message's sorted terms against a short phrasing's).
                ratio = 2 * min(length, other) / (length + other) if length and other else 1.0
                bound = (1 - ORDER_SHARE) * cosine + ORDER_SHARE * ratio
                if bound + BOUND_SLACK <= best_similarity:
                    continue  # cannot beat it, whatever its word order (no ratio computed)
                order = fuzz.ratio(query_joined, joined) / 100
                similarity = (1 - ORDER_SHARE) * cosine + ORDER_SHARE * order
                phrasing = phrasings[phrased]
                if not negated and NOT in phrasing.terms:
                    similarity *= NEGATED_PHRASING
                if similarity > best_similarity:
                    best_similarity, best_text = similarity, phrasing.text
            score = round(min(100.0, 100 * (0.55 * best_similarity + 0.45 * coverage) + bonus), 1)
            scored[number] = (score, best_text, best_similarity)
            if len(kept) < limit:
                insort(kept, score)
            elif score > kept[0]:
                kept[0] = score
                kept.sort()
            if len(kept) == limit and kept[0] > highest:
                highest = kept[0]
        # In pool order, so that ties keep the order they always had.
        ranked = sorted(scored)
        ranked.sort(key=lambda number: scored[number][0], reverse=True)
        top = tuple(
            self._candidate(rows[number], *scored[number], own, own_set, plurals)
            for number in ranked[:limit]
        )
        foreign = tuple(t for t in terms if t in self._off_topic_terms)
        band = self._band(top) if top else Band.NONE  # (none can reach ``floor``)
        return Match(band, top, tuple(terms), tuple(corrections), foreign)

    def _candidate(
        self,
        row: tuple[str, EntryProfile, dict[str, float], float, float],
        score: float,
        phrasing: str,
        similarity: float,
        own: list[str],
        own_set: frozenset[str],
        plurals: frozenset[str],
    ) -> Candidate:
        """One entry kept, with its evidence: the question's own words that point here clearly
        (by salience, or by completing a keyword: ``whole`` only ever raises a salience), and
        whether the question names it."""
        entry_id, item, whole, coverage, _ = row
        strong = item.strong
        if strong is None and len(own) > FEW_OWN_WORDS:  # (many own words: worth a set)
            strong = item.strong = frozenset(
                t for t, value in item.salience.items() if value >= SUPPORT_SALIENCE
            )
        if strong is None:
            salience = item.salience
            support = sum(1 for t in own if whole.get(t, salience.get(t, 0.0)) >= SUPPORT_SALIENCE)
        else:
            support = len(own_set & strong) + sum(
                1
                for t, value in whole.items()
                if value >= SUPPORT_SALIENCE and t in own_set and t not in strong
            )
        named = (
            bool(item.title)
            and item.title <= own_set
            and not any(t + PLURAL in plurals - item.plurals for t in item.title)
        )
        return Candidate(entry_id, score, phrasing, similarity, coverage, support, named)

    def _whole_keywords(self, item: EntryProfile, query: frozenset[str]) -> dict[str, float]:
        """The salience of the question's words that complete more of a multi-word keyword
        than one word: in proportion to the share found, fully when it is found whole."""
        found: dict[str, float] = {}
        if len(item.keyword_terms & query) < 2:  # the common case: no keyword to complete
            return found
        for keyword in item.keywords:
            shared = keyword & query
            if len(shared) < 2:
                continue
            share = SALIENCE_FLOOR + (1 - SALIENCE_FLOOR) * (len(shared) - 1) / (len(keyword) - 1)
            for term in shared:
                if share > max(found.get(term, 0.0), item.salience[term]):
                    found[term] = share
        return found

    def _ceiling(
        self,
        row: tuple[str, EntryProfile, dict[str, float], float, float],
        weights: Mapping[str, float],
        factors: Mapping[str, float],
        total: float,
        length: int,
    ) -> float:
        """The most an entry can score: its coverage and bonus, and at most the similarity of
        any of its phrasings. The cosine is at most ``PhrasingScorer.ceiling``; rapidfuzz's
        ratio is 1 - (Indel distance) / (both lengths), and that distance is at least the
        difference of the lengths, so a long message's ratio to a short phrasing is small."""
        entry_id, item, _, coverage, bonus = row
        cosine = self._phrasing_scorer.ceiling(entry_id, weights, factors, total)
        longest = item.longest
        if longest is None:
            longest = item.longest = max((p.joined_length for p in item.phrasings), default=0)
        order = 1.0 if longest >= length else 2 * longest / (length + longest)
        similarity = (1 - ORDER_SHARE) * min(1.0, cosine) + ORDER_SHARE * order
        return min(100.0, 100 * (0.55 * similarity + 0.45 * coverage) + bonus)

    def _band(self, top: tuple[Candidate, ...]) -> Band:
        best = top[0]
        if best.score >= self.confident:
            return Band.CONFIDENT
        if best.score >= self.unsure:
            return Band.UNSURE
        return Band.NONE


class _OneMessage(AbstractContextManager[None]):
    """``Matcher.one_message``: the memory of one message, made on entry and dropped on exit
    (a nested one leaves it to the outer one). A plain class: it is entered for every
    message."""

    def __init__(self, matcher: Matcher) -> None:
        self._matcher = matcher
        self._owner = False

    def __enter__(self) -> None:
        if self._matcher._memo is None:
            self._matcher._memo = {}
            self._owner = True

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._owner:
            self._matcher._memo = None
            self._owner = False
