"""Match a free-text question to a knowledge-base entry, and say how sure the match is.

How a question is scored:

1. The text is folded (case, accents, emoji, punctuation), contractions are expanded, misspelt
   words are corrected against the knowledge base's own vocabulary with rapidfuzz, the
   maintainers' synonyms are applied, function words are dropped and the rest is stemmed.
2. Each remaining term has a weight: rare terms across entries (``psoas``) say more than common
   ones (``hip``); a term the knowledge base has never seen weighs in as evidence that the
   question is about something else (a word the maintainers listed as another subject, four
   times as much). Unfamiliar words so lower confidence in proportion; none of them forbids
   an answer on its own (``understanding`` asks for more than one shared word besides).
   A plural ("stretches") keeps a trace of its number: a single exercise whose title says it
   in the singular ("Hip flexor stretch") is not what a question about stretches asks for.
   A word of a multi-word keyword points to its entry weakly alone ("sleep" is not "sleeping
   pigeon"), more the more of the keyword the question has, fully when it has all of it.
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

from bot.core.answering.index import EntryPostings, PhrasingScorer, SynonymTable
from bot.core.knowledge import Entry, KnowledgeBase
from bot.core.normalise import is_stopword, stem, words

# Score bands, calibrated with `python -m bot eval` on the dev set, knowledge/tests and the
# regression sets (benchmarks/regression/): below UNSURE nothing is close enough to offer.
CONFIDENT = 50.0
UNSURE = 40.0
CANDIDATE_POOL = 24
LONG_MESSAGE_TERMS = 8  # beyond this many terms, unfamiliar words weigh proportionally less
UNKNOWN_FACTOR = 0.5  # weight of a never-seen term relative to the rarest known term
OFF_TOPIC_FACTOR = 2.0  # a word the maintainers listed as another subject ("salary", "recipe")
PLURAL = "+pl"  # suffix of the term that keeps a plural's number ("stretches" -> "stretch+pl")
NUMBER_PENALTY = 15.0  # an exercise asked for in the plural of its kind ("stretches")
QUESTION_WORDS = frozenset({"what", "how", "whi", "when", "who", "where", "not", "no"})  # stemmed
QUESTION_WORD_WEIGHT = 0.6  # they tell intents apart, but never make a match on their own
ORDER_SHARE = 0.2  # share of phrasing similarity from rapidfuzz's ratio of the sorted terms
ORDER_CHECKS = 5  # phrasings per entry (best by overlap) that get the rapidfuzz comparison
KEY_PHRASE_BONUS = 6.0  # per multi-word keyword or title found whole in the question (max 2)
NUMBER_WEIGHT = 0.4  # "100km", "3": weak evidence either way
SALIENCE_FLOOR = 0.35  # a word used in only one phrasing of an entry
SALIENT_SHARE = 0.15  # a word in this share of an entry's phrasings counts fully
SUPPORT_SALIENCE = 0.5  # a word points clearly to an entry from this salience on
MIN_CORRECTABLE = 5  # shorter words are too easily "corrected" into another real word
ANALYSED = 1024  # texts whose analysis is kept (the sentences of the last few messages)
# An entry whose ceiling is this far below the best score (rounded to 0.1) cannot reach it.
CEILING_SLACK = 0.06
FEW_OWN_WORDS = 8  # a question's own words, up to which support is counted word by word


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
    support: int = 0  # the question's own content words that point clearly to this entry
    named: bool = False  # the question names the entry: every word of its title is there


@dataclass(frozen=True)
class Match:
    """The matcher's verdict on one question."""

    band: Band
    candidates: tuple[Candidate, ...]
    terms: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...] = ()
    off_topic: tuple[str, ...] = ()  # words of another subject (they weigh, never veto)

    @property
    def best(self) -> Candidate | None:
        """The top candidate, if any entry shares a term with the question."""
        return self.candidates[0] if self.candidates else None


@dataclass(slots=True)
class _Phrasing:
    text: str
    terms: frozenset[str]
    weight: float
    joined: str


@dataclass(frozen=True, slots=True)
class _KeyPhrase:
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
class _EntryIndex:
    entry: Entry
    salience: dict[str, float]  # term -> how strongly it points here
    title: frozenset[str]  # the title's terms: all of them found names the entry
    plurals: frozenset[str]  # plurals its keywords use ("bridges")
    phrasings: list[_Phrasing] = field(default_factory=list)
    key_phrases: list[_KeyPhrase] = field(default_factory=list)
    keywords: list[frozenset[str]] = field(default_factory=list)  # multi-word keywords' terms
    keyword_terms: frozenset[str] = frozenset()  # every term of those keywords
    strong: frozenset[str] | None = None  # terms that point here clearly (filled on first use)
    longest: int | None = None  # the longest phrasing's sorted terms, joined (on first use)


class Matcher:
    """Scores questions against one knowledge base; build a new one when the base changes."""

    def __init__(self, kb: KnowledgeBase, confident: float = CONFIDENT, unsure: float = UNSURE):
        self.kb = kb
        self.confident = confident
        self.unsure = unsure
        self._synonym_pattern = _synonym_regex(kb.synonyms)
        self._synonyms = dict(kb.synonyms)
        self._synonym_table = SynonymTable(self._synonyms)

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
        self._analysed: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {}
        known: dict[str, list[str]] = {}  # each text of the base is analysed once, not thrice

        def terms_of(text: str) -> list[str]:
            found = known.get(text)
            if found is None:
                found = known[text] = self._finish(words(text))
            return found

        # How strongly each term points to each entry: keywords and title words fully; words of
        # the phrasings in proportion to how many phrasings use them, so a word that appears once
        # in passing ("plain stretching") is weak evidence.
        salience: dict[str, dict[str, float]] = {}
        for entry in kb.entries.values():
            counts: dict[str, int] = defaultdict(int)
            for phrasing in entry.questions:
                for term in terms_of(phrasing.text):
                    if not term.endswith(PLURAL):  # a plural's trace is never a scored term
                        counts[term] += 1
            full = max(1.0, SALIENT_SHARE * len(entry.questions))
            weights = {
                t: SALIENCE_FLOOR + (1 - SALIENCE_FLOOR) * min(1.0, c / full)
                for t, c in counts.items()
            }
            # A word of a multi-word keyword alone is not that keyword ("sleep" is not
            # "sleeping pigeon"): it points here as weakly as a word of one phrasing, and fully
            # only when the whole keyword is found (see ``_whole_keywords``).
            for text in (entry.title, *entry.keywords):
                terms = [t for t in terms_of(text) if not t.endswith(PLURAL)]
                share = 1.0 if len(terms) == 1 else SALIENCE_FLOOR
                for term in terms:
                    weights[term] = max(weights.get(term, 0.0), share)
            salience[entry.id] = weights

        document_frequency: dict[str, int] = defaultdict(int)
        for weights in salience.values():
            for term in weights:
                document_frequency[term] += 1
        total = max(len(kb.entries), 1)
        self._idf = {t: math.log(1 + total / df) for t, df in document_frequency.items()}
        self.rarest = math.log(1 + total)  # the weight of a term only one entry uses
        self._unknown = self.rarest * UNKNOWN_FACTOR
        self._off_topic = math.log(1 + total) * OFF_TOPIC_FACTOR
        self._off_topic_terms = frozenset(stem(word) for word in kb.off_topic) - frozenset(
            self._idf
        )

        term_weights: dict[str, float] = {}  # each term's weight, looked up once

        def weight(terms: list[str]) -> float:  # as ``_weight``: the same sum, the same order
            return sum(
                term_weights[t]
                if t in term_weights
                else term_weights.setdefault(t, self._weight_of(t))
                for t in terms
            )

        self._index: dict[str, _EntryIndex] = {}
        for entry in kb.entries.values():
            title = frozenset(
                t
                for t in terms_of(entry.title)
                if t not in QUESTION_WORDS and not t.endswith(PLURAL)
            )
            plurals = frozenset(
                t for k in entry.keywords for t in terms_of(k) if t.endswith(PLURAL)
            )
            item = _EntryIndex(entry, salience[entry.id], title, plurals)
            for text in (entry.title, *entry.keywords):
                terms = terms_of(text)
                if len([t for t in terms if not t.endswith(PLURAL)]) >= 2:
                    item.key_phrases.append(_KeyPhrase(frozenset(terms)))
                    item.keywords.append(frozenset(t for t in terms if not t.endswith(PLURAL)))
            for phrasing in entry.questions:
                terms = [t for t in terms_of(phrasing.text) if not t.endswith(PLURAL)]
                if terms:
                    item.phrasings.append(
                        _Phrasing(
                            phrasing.text,
                            frozenset(terms),
                            weight(terms),
                            " ".join(sorted(terms)),
                        )
                    )
            item.keyword_terms = frozenset().union(*item.keywords)
            self._index[entry.id] = item
        # How candidates and phrasings are found fast (same results): see ``index``.
        self._postings = EntryPostings(salience)
        self._phrasing_scorer = PhrasingScorer(
            {
                entry_id: [(p.terms, p.weight, p.text) for p in item.phrasings]
                for entry_id, item in self._index.items()
            }
        )

    # ----------------------------------------------------------------------------------------
    def analyse(self, text: str) -> tuple[list[str], list[tuple[str, str]]]:
        """Terms of a question after correction, synonyms, stop-word removal and stemming."""
        found = self._analysed.get(text)
        if found is None:
            tokens, corrections = self._tokens(text)
            found = (tuple(self._finish(tokens)), tuple(corrections))
            if len(self._analysed) >= ANALYSED:  # bounded: a message is read a few times, once
                self._analysed.clear()
            self._analysed[text] = found
        return list(found[0]), list(found[1])

    def canonical(self, text: str) -> str:
        """The message as words after spelling fixes and synonyms, stop words kept
        ("how frequently do i stretch" -> "how often do i stretch"), for phrase lookups."""
        return self._synonymise(self._tokens(text)[0])

    def _tokens(self, text: str) -> tuple[list[str], list[tuple[str, str]]]:
        corrections: list[tuple[str, str]] = []
        tokens = []
        for word in words(text):
            fixed = self._correct(word)
            if fixed != word:
                corrections.append((word, fixed))
            tokens.append(fixed)
        return tokens, corrections

    def _synonymise(self, tokens: list[str]) -> str:
        if self._synonym_table.applies_to(tokens):  # the same result, by word lookups
            return self._synonym_table.apply(tokens)
        joined = " ".join(tokens)
        if self._synonym_pattern is not None:
            joined = self._synonym_pattern.sub(lambda m: self._synonyms[m.group(0)], joined)
        return joined

    def _finish(self, tokens: list[str]) -> list[str]:
        terms: list[str] = []
        for word in self._synonymise(tokens).split():
            if is_stopword(word) or (len(word) < 2 and not word.isdigit()):
                continue
            term = stem(word)
            if term not in terms:
                terms.append(term)
            if self._plural(word) and term + PLURAL not in terms:
                terms.append(term + PLURAL)
        return terms

    def _asked_as_list(self, item: _EntryIndex, listed: frozenset[str]) -> bool:
        """Whether a plural in the question ("stretches") names more than this one exercise:
        its title says it in the singular, and another entry's keywords use that plural."""
        return any(
            plural not in item.plurals and plural.removesuffix(PLURAL) in item.title
            for plural in listed
        )

    def _plural(self, word: str) -> bool:
        """Whether ``word`` is the plural of a word the knowledge base uses ("stretches" of
        "stretch"; not "psoas", whose "psoa" is no word)."""
        if len(word) <= 3 or not word.endswith("s") or word.endswith("ss"):
            return False
        return word[:-1] in self._surface_set or (
            word.endswith("es") and word[:-2] in self._surface_set
        )

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

    def knows(self, word: str) -> bool:
        """Whether a folded word is one the knowledge base uses (or lists as another subject)."""
        return word in self._surface_set

    def dilution(self, count: int) -> float:
        """How much an unfamiliar word counts in a message of ``count`` terms."""
        return min(1.0, LONG_MESSAGE_TERMS / count) if count else 1.0

    def points_to(self, entry_id: str, term: str) -> bool:
        """Whether ``term`` points clearly to the entry (one of its own words)."""
        return self._index[entry_id].salience.get(term, 0.0) >= SUPPORT_SALIENCE

    def weight_of(self, term: str) -> float:
        """How much one term says: rare knowledge-base terms most, unknown ones as much."""
        return self._weight_of(term)

    def known(self, term: str) -> bool:
        """Whether the knowledge base uses this term (a question word counts as known)."""
        return term in self._idf or term in QUESTION_WORDS

    def vocabulary(self, entry_id: str) -> frozenset[str]:
        """The terms that point to one entry (its phrasings, title and keywords)."""
        return frozenset(self._index[entry_id].salience)

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
        factors: dict[str, float] = {}
        corrections: list[tuple[str, str]] = []
        for text, factor in parts:
            terms, fixed = self.analyse(text)
            corrections += fixed
            for term in terms:
                if term not in drop:
                    factors[term] = max(factor, factors.get(term, 0.0))
        plurals = frozenset(t for t in factors if t.endswith(PLURAL))
        for term in plurals:
            del factors[term]  # a plural's trace is no term: it only checks number (below)
        terms = list(factors)
        content = [t for t in terms if t not in QUESTION_WORDS and not t.endswith(PLURAL)]
        if all(any(c.isdigit() for c in term) for term in content):
            return Match(Band.NONE, (), tuple(terms), tuple(corrections))
        # Long messages carry more small talk ("long story short, since I started working from
        # home..."): unfamiliar words count less the more words there are.
        dilution = self.dilution(len(terms))
        idf = self._idf
        weights = {}
        for term in terms:  # ``_weight_of``, with a known term's weight looked up here
            if term in QUESTION_WORDS:
                weights[term] = QUESTION_WORD_WEIGHT * factors[term]
            elif term in idf:
                weights[term] = idf[term] * factors[term]
            else:
                weights[term] = self._weight_of(term) * factors[term] * dilution
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
        for entry_id in pool:
            item = self._index[entry_id]
            whole = self._whole_keywords(item, query_terms)
            for term, full in whole.items():
                overlap[entry_id] += weights[term] * (full - item.salience[term])
            coverage = overlap[entry_id] / total
            phrases = sum(
                1
                for phrase in item.key_phrases
                if phrase.terms <= numbered and phrase.found_in(numbered)
            )
            bonus = KEY_PHRASE_BONUS * min(phrases, 2)
            if item.entry.kind == "exercise" and self._asked_as_list(item, listed):
                bonus -= NUMBER_PENALTY
            rows.append((entry_id, item, whole, coverage, bonus))
        visit: list[int] = list(range(len(rows)))
        ceilings: list[float] = []
        if limit == 1 and len(rows) > 1:
            # Only the best is asked for: entries are scored in order of the most they could
            # score, until none left can reach the best so far (``_ceiling``).
            ceilings = [
                self._ceiling(row, weights, factors, total, len(query_joined)) for row in rows
            ]
            visit.sort(key=ceilings.__getitem__, reverse=True)
        kept: dict[int, Candidate] = {}
        highest = -math.inf
        for number in visit:
            if ceilings and ceilings[number] < highest - CEILING_SLACK:
                break
            entry_id, item, whole, coverage, bonus = rows[number]
            best = self._phrasing_scorer.best(
                entry_id, weights, total, ORDER_CHECKS, exclude, places
            )
            best_similarity, best_text = 0.0, ""
            for cosine, phrasing in ((c, item.phrasings[n]) for c, n in best):
                # Word order can add at most ORDER_SHARE, so weaker phrasings cannot win.
                if cosine + ORDER_SHARE < best_similarity:
                    break
                order = fuzz.ratio(query_joined, phrasing.joined) / 100
                similarity = (1 - ORDER_SHARE) * cosine + ORDER_SHARE * order
                if similarity > best_similarity:
                    best_similarity, best_text = similarity, phrasing.text
            score = min(100.0, 100 * (0.55 * best_similarity + 0.45 * coverage) + bonus)
            # The own words that point here clearly: by salience, or by completing a keyword
            # (``whole`` only ever raises a salience).
            strong = item.strong
            if strong is None and len(own) > FEW_OWN_WORDS:  # (many own words: worth a set)
                strong = item.strong = frozenset(
                    t for t, value in item.salience.items() if value >= SUPPORT_SALIENCE
                )
            if strong is None:
                salience = item.salience
                support = sum(
                    1 for t in own if whole.get(t, salience.get(t, 0.0)) >= SUPPORT_SALIENCE
                )
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
            kept[number] = Candidate(
                entry_id,
                round(score, 1),
                best_text,
                best_similarity,
                coverage,
                support,
                named,
            )
            highest = max(highest, kept[number].score)
        # In pool order, so that ties keep the order they always had.
        candidates = [kept[number] for number in sorted(kept)]
        candidates.sort(key=lambda c: c.score, reverse=True)
        top = tuple(candidates[:limit])
        foreign = tuple(t for t in terms if t in self._off_topic_terms)
        return Match(self._band(top), top, tuple(terms), tuple(corrections), foreign)

    def _whole_keywords(self, item: _EntryIndex, query: frozenset[str]) -> dict[str, float]:
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
        row: tuple[str, _EntryIndex, dict[str, float], float, float],
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
            longest = item.longest = max((len(p.joined) for p in item.phrasings), default=0)
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
