"""What a message says about the knowledge base's scope, in small reusable judgements.

``understanding`` decides what a message asks for; these are the facts it weighs:

- an entry's **key words** (its title and keywords, whole): one of them found in a question is
  what lets a single shared word carry an answer ("pilates?"); a word of its phrasings ("tips")
  or one word of a longer keyword ("push" of "push hips forward") does not; the words of one
  key phrase ("long flights") are one piece of evidence, not two;
- a **complaint**: a body part with a word of pain beside it ("knee pain", "my sore neck") is
  what hurts, which the article does not treat;
- a clause that only says something is **absent** ("no numbness, no tingling") in words the
  knowledge base does not use: no evidence of another subject;
- the **clauses** of a short message, to find its question after a little story;
- the **subject** of a question: what it is for or about ("... helps with anxiety").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from bot.core.answering.term_analysis import PLURAL
from bot.core.answering.term_model import QUESTION_WORDS
from bot.core.asking import opens_a_question
from bot.core.knowledge import KnowledgeBase
from bot.core.normalise import is_stopword, stem, words

ABSENT = frozenset({"no", "not", "without", "never", "nor"})  # a clause opening with one
NEGATIONS = frozenset({"not", "no"})  # question words of the matcher that a keyword may need
_FRAMING = QUESTION_WORDS - NEGATIONS  # question words a keyword never needs
SHARED_BY = 3  # a name more than a third of the entries have in their key words: the subject
PAIN_REACH = 2  # words between a body part and a word of pain ("my knee really hurts")

_SUBJECT = re.compile(r"\b(?:for|about|with|against)\b")  # what a question is for or about
_PRAISED = re.compile(r"\b(?:good|best|better|decent)\b")  # "a good X": X is what is asked for
# "does X cause back pain?", "could vaping give me ...", "does X make it worse": X is what the
# question is about.
_AGENT = re.compile(
    r"\b(?:(?:does|do|did|can|could|will|would|might|may)\s+((?:\w+\s+){1,3}?)"
    r"(?:cause|causes|give|gives|trigger|triggers|help|helps|make|makes)|"
    r"(?:is|are)\s+((?:\w+\s+){1,3}?)(?:causing|giving|triggering|helping))\b"
)
_PRONOUN = re.compile(r"\s*(?:it|this|that|these|those|them|me|you|him|her|us)\b")

# A short message's clauses: "i'm a paramedic on long shifts, what stretches help?"
_CLAUSE = re.compile(r"(?:[^.!?;:,\n\u2013\u2014-]|\b-\b)+[.!?;:,\n\u2013\u2014-]*")
_BUT = re.compile(r"\s+(?=but\b)", re.IGNORECASE)
# In a message typed without any punctuation, a question word after the first words starts the
# question ("no numbness just tight hips what r hip flexors"); not "when", as often a conjunction.
# "who" and "can you" start one only as they ask ("... who else could i go to", "... can you
# talk me through it"), not as "my friend who is a physio".
_ASKS_HERE = re.compile(
    r"(?<=\w)\s+(?=(?:what|whats|wat|wats|wot|how|which|why|where|wen)\b|"
    r"who (?:else|could|can|should|would|do)\b|(?:can|could|would) (?:you|u) \w)",
    re.IGNORECASE,
)
_PUNCTUATED = re.compile(r"[.!?;:,\n\u2013\u2014]")


def _remembered(
    terms_of: Callable[[str], list[str]], known: Mapping[str, list[str]]
) -> Callable[[str], list[str]]:
    """``terms_of`` with each phrase's terms kept, while a knowledge base is read (a title or
    keyword is read three times, a common word of them thousands of times; the terms are
    only read, never changed), starting from those ``known`` already."""
    kept: dict[str, list[str]] = dict(known)

    def remembered(phrase: str) -> list[str]:
        found = kept.get(phrase)
        if found is None:
            found = kept[phrase] = terms_of(phrase)
        return found

    return remembered


class Scope:
    """Key words, complaints and absent clauses for one knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        terms_of: Callable[[str], list[str]],
        knows: Callable[[str], bool],
        known: Mapping[str, list[str]] | None = None,
    ) -> None:
        """``terms_of`` gives the matcher's terms of a phrase; ``knows`` whether a folded word
        is one the knowledge base uses; ``known``: ``terms_of`` of some phrases, made already
        (``Matcher.take_base_terms``: the titles and keywords)."""
        self._knows = knows
        self._terms_of = terms_of
        # The same titles, keywords and words come back often.
        terms_of = _remembered(terms_of, known or {})
        # Each entry's title and keywords as sets of terms (question words aside).
        key_sets: dict[str, frozenset[str]] = {}  # each phrase's, once (keywords recur)

        def key_of(phrase: str) -> frozenset[str]:
            found = key_sets.get(phrase)
            if found is None:
                found = key_sets[phrase] = frozenset(
                    t for t in terms_of(phrase) if t not in _FRAMING and not t.endswith(PLURAL)
                )
            return found

        self._titles = {entry.id: entry.title for entry in kb.entries.values()}
        self._keywords = {
            entry.id: tuple(key for key in map(key_of, (entry.title, *entry.keywords)) if key)
            for entry in kb.entries.values()
        }
        # The words of pain the red-flag vocabulary lists ({pain} in red_flags/words.yaml).
        pain = sorted(
            {
                word.rstrip("*")
                for pattern in kb.red_flags.concepts.get("pain", ())
                for step in pattern.steps
                for word in step.words
            },
            key=len,
            reverse=True,
        )
        # The entries by each word of their titles and keywords.
        by_key_term: dict[str, set[str]] = {}
        for entry_id, keys in self._keywords.items():
            for term in {t for key in keys for t in key}:
                by_key_term.setdefault(term, set()).add(entry_id)
        self._by_key_term = {term: frozenset(ids) for term, ids in by_key_term.items()}
        # Each entry's title (the first of its key words) by its rarest term (a title can only
        # be found whole where that term is: a large base is not walked title by title), and
        # the plurals its keywords use: a title found whole, in its own number, names the entry.
        titles = {
            entry.id: frozenset(
                t
                for t in terms_of(entry.title)
                if t not in QUESTION_WORDS and not t.endswith(PLURAL)
            )
            for entry in kb.entries.values()
        }
        in_titles = Counter(t for title in titles.values() for t in title)
        self._titles_by_term: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for entry_id, title in titles.items():
            if title:
                rarest = min(title, key=lambda t: (in_titles[t], t))
                self._titles_by_term.setdefault(rarest, []).append((entry_id, title))
        self._plurals: dict[str, frozenset[str]] = {
            entry.id: frozenset(
                t for phrase in entry.keywords for t in terms_of(phrase) if t.endswith(PLURAL)
            )
            for entry in kb.entries.values()
        }
        # Every title and keyword by its content terms, longest first: what a pronoun can
        # stand for, written without its question words ("what are hip flexors" names "hip
        # flexors"). A phrase left with one common word ("not working": "work") names nothing.
        phrases: dict[str, frozenset[str]] = {}
        read: set[str] = set()  # (a phrase read again would be set again as it is)
        for entry in kb.entries.values():
            for phrase in (entry.title, *entry.keywords):
                if phrase in read:
                    continue
                read.add(phrase)
                said = [(w, terms_of(w)) for w in phrase.lower().rstrip("?").split()]
                kept = [(w, terms) for w, terms in said if _content(terms)]
                words = [w for w, _ in kept]
                key = frozenset(t for _, terms in kept for t in terms if not t.endswith(PLURAL))
                if key and (len(key) > 1 or len(phrase.split()) == 1):
                    phrases.setdefault(" ".join(words), key)
        # Indexed by their rarest term, so that a sentence looks only at the phrases it could
        # name, not at every title of a large knowledge base.
        in_phrases = Counter(t for key in phrases.values() for t in key)
        self._phrases: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for text, key in phrases.items():
            rarest = min(key, key=lambda t: (in_phrases[t], t))
            self._phrases.setdefault(rarest, []).append((text, key))
        by_term: dict[str, list[frozenset[str]]] = {}
        for keys in self._keywords.values():
            for key in keys:  # never empty: indexed by its first term in sorted order
                by_term.setdefault(min(key), []).append(key)
        self._keywords_by_term = by_term
        alternatives = "|".join(re.escape(word) for word in pain if word)
        self._pain = rf"\b(?:{alternatives})\b" if alternatives else None

    def keyword_found(self, terms: Iterable[str], entry_id: str) -> bool:
        """Whether the terms hold one of the entry's key words whole."""
        found = frozenset(terms)
        return any(key <= found for key in self._keywords.get(entry_id, ()))

    def in_keywords(self, terms: Iterable[str], entry_id: str) -> bool:
        """Whether every one of the terms is a word of the entry's title or keywords."""
        return all(entry_id in self._by_key_term.get(term, ()) for term in terms)

    def shared(self, terms: Iterable[str]) -> bool:
        """Whether more than a third of the entries have all of the terms among the words of
        their titles and keywords: a name for the whole subject ("hip flexors"), not for one
        entry ("exercises": the list and its three exercises)."""
        having: set[str] | None = None
        for term in terms:
            entries = self._by_key_term.get(term, frozenset())
            having = set(entries) if having is None else having & entries
        return having is not None and len(having) * SHARED_BY > len(self._keywords)

    def title_asked(self, entry_id: str, terms: Iterable[str]) -> bool:
        """Whether terms that hold an entry's title name it: any title does, but one that is
        only the name of the whole subject ("What are hip flexors?") only with its question
        word ("can tight hip flexors cause ...?" names the hip flexors, not that entry)."""
        keys = self._keywords.get(entry_id, ())
        if not keys or not keys[0] or not self.shared(keys[0]):
            return True
        return frozenset(self._terms_of(self._titles[entry_id])) <= frozenset(terms)

    def repeated_in_keywords(self, terms: Iterable[str], entry_id: str) -> int:
        """How many of the terms only repeat the evidence of another: the words of a key
        phrase of the entry found whole ("long flights") are one word pointing to it, not two,
        unless one of them is a key word of the entry by itself ("kneeling stretch")."""
        found = frozenset(terms)
        keys = self._keywords.get(entry_id, ())
        alone = frozenset(term for key in keys if len(key) == 1 for term in key)
        phrases: list[frozenset[str]] = []  # key phrases found, merged where they share a word
        for key in keys:
            if len(key) >= 2 and key <= found and not key & alone:
                touching = [p for p in phrases if p & key]
                phrases = [p for p in phrases if not p & key]
                phrases.append(key.union(*touching))
        return sum(len(phrase) - 1 for phrase in phrases)

    def names_an_entry(self, terms: Iterable[str]) -> bool:
        """Whether the terms hold an entry's title whole, in its number ("the bridge"; not
        "hip flexor stretches" for "Hip flexor stretch"): the matcher's test of a named entry,
        without scoring anything."""
        found = frozenset(terms)
        return any(
            title <= found
            and not any(
                t + PLURAL in found and t + PLURAL not in self._plurals[entry_id] for t in title
            )
            for term in found
            for entry_id, title in self._titles_by_term.get(term, ())
        )

    def named_phrase(self, sentence: str) -> str | None:
        """The longest title or keyword a sentence names (all its terms are there; of equal
        ones, the one written as such), or None when it names none."""
        found = frozenset(self._terms_of(sentence))
        named = sorted(
            (
                (text, key)
                for term in found
                for text, key in self._phrases.get(term, ())
                if key <= found
            ),
            key=lambda item: (-len(item[1]), item[0]),
        )
        if not named:
            return None
        longest = [text for text, key in named if len(key) == len(named[0][1])]
        written = sentence.lower()
        return next((text for text in longest if text in written), longest[0])

    def any_keyword_found(self, terms: Iterable[str]) -> bool:
        """Whether the terms hold a key word of any entry (the message names its topic)."""
        found = frozenset(terms)
        by_term = self._keywords_by_term  # only key words with one of these terms can be held
        return any(key <= found for term in found for key in by_term.get(term, ()))

    def hurts(self, subject: str, canonical: str) -> bool:
        """Whether the message says ``subject`` hurts: a word of pain within a few words."""
        if self._pain is None:
            return False
        part = rf"\b{re.escape(subject)}\b"
        gap = rf"(?:\W+\w+){{0,{PAIN_REACH}}}?\W+"
        return re.search(f"{part}{gap}{self._pain}|{self._pain}{gap}{part}", canonical) is not None

    def subject(self, canonical: str) -> list[str]:
        """The content terms after the message's last "for", "about", "with" or "against" (what
        it is for or about); none when a pronoun follows ("make up for it somehow"), which
        refers back to something already said."""
        found = [m.end() for m in _SUBJECT.finditer(canonical)]
        if not found or _PRONOUN.match(canonical[found[-1] :]):
            return []
        return [
            t
            for t in self._terms_of(canonical[found[-1] :])
            if t not in QUESTION_WORDS and not any(c.isdigit() for c in t)
        ]

    def agent(self, canonical: str) -> list[str]:
        """The content terms of what a question asks to cause or help something ("does
        metformin cause back pain?" -> metformin); none for a pronoun ("can it help?")."""
        terms: list[str] = []
        for found in _AGENT.finditer(canonical):
            words = found.group(1) or found.group(2)
            terms += [t for t in self._terms_of(words) if not any(c.isdigit() for c in t)]
        return terms

    def praised(self, canonical: str) -> list[str]:
        """The head terms of the phrases after "good", "best", "better" or "decent" ("a good
        stretching app" -> app): the thing a question asks to be recommended."""
        heads = []
        for found in _PRAISED.finditer(canonical):
            phrase = []
            for word in canonical[found.end() :].split():
                if is_stopword(word) or stem(word) in QUESTION_WORDS:
                    break
                phrase.append(word)
            terms = [
                t
                for t in self._terms_of(" ".join(phrase))
                if not t.endswith(PLURAL) and not any(c.isdigit() for c in t)
            ]
            if terms:
                heads.append(terms[-1])
        return heads

    def absent(self, clause: str) -> bool:
        """Whether a clause only says something is absent, in words the knowledge base does
        not use ("no numbness", "without any fever")."""
        found = words(clause)
        if not found or found[0] not in ABSENT:
            return False
        rest = [word for word in found[1:] if not is_stopword(word)]
        return bool(rest) and not any(self._knows(word) for word in rest)


def _content(terms: list[str]) -> bool:
    """Whether a word's terms say something beyond a question word ("what", "are": no)."""
    return any(t not in QUESTION_WORDS for t in terms)


def clauses(text: str, at_question_words: bool = False) -> list[str]:
    """The clauses of a short message: its sentences, split again at commas, colons, dashes
    and a "but"; also before a question word after other words, in a message with no
    punctuation at all that opens with a story, or wherever ``at_question_words`` ("with my
    hypermobility how often should i ...?")."""
    if at_question_words or (
        _PUNCTUATED.search(text) is None and not opens_a_question(words(text))
    ):
        text = _ASKS_HERE.sub(",", text)  # (a story first: not "how do ... and how much ...")
    return [
        piece.strip() for piece in _CLAUSE.findall(_BUT.sub(",", text)) if re.search(r"\w", piece)
    ]
