"""Turn a text into the knowledge base's terms, the unit the matcher scores with.

The text is folded (case, accents, emoji, punctuation), contractions are expanded, misspelt words
are corrected against the knowledge base's own vocabulary with rapidfuzz, the maintainers'
synonyms are applied, function words are dropped and the rest is stemmed. A plural
("stretches") keeps a trace of its number (``PLURAL``), which the matcher uses to tell a
question about stretches from one about a single stretch.

Kept apart from ``matching``: this is what a text *says* in the base's words, the same for
questions and for the base's own phrasings; the matcher decides what those terms are worth.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import chain

from rapidfuzz import fuzz, process

from bot.core.answering.index import SynonymTable
from bot.core.knowledge import KnowledgeBase, Phrasing
from bot.core.normalise import (
    _ASCII_FOLD_BYTES,
    expand_contractions,
    is_stopword,
    split_units,
    stem,
    words,
)

PLURAL = "+pl"  # suffix of the term that keeps a plural's number ("stretches" -> "stretch+pl")
MIN_CORRECTABLE = 5  # shorter words are too easily "corrected" into another real word
ANALYSED = 1024  # texts whose analysis is kept (the sentences of the last few messages)
CORRECTIONS = 65536  # typos whose correction is kept: strangers' typos must not grow memory


class TermAnalyser:
    """Reads texts in one knowledge base's vocabulary; build a new one when the base changes."""

    def __init__(
        self,
        kb: KnowledgeBase,
        words_of: Callable[[str], str] | None = None,
        phrasings: dict[str, list[list[str] | None]] | None = None,
    ) -> None:
        """``words_of``: a text's ``normalise.words`` joined by single spaces (``joined_words``),
        or a memo of it shared with whoever reads the same texts next (the matcher's model
        reads the titles and keywords again: folded once is enough).

        ``phrasings``: filled, if given, with each entry's phrasings' ``scored_joined`` terms,
        read in the same pass as the vocabulary (the matcher's model would read them again);
        None for a phrasing only ``scored_joined`` reads (an apostrophe, or synonyms only the
        regex applies)."""
        words_of = words_of or joined_words
        self._synonym_pattern = _synonym_regex(kb.synonyms)
        self._synonyms = dict(kb.synonyms)
        self._synonym_table = SynonymTable(self._synonyms)

        surface: set[str] = set()
        for variant, canonical in kb.synonyms.items():
            surface.update(variant.split())
            surface.update(canonical.split())
        scored: dict[str, tuple[str, ...]] = {}  # each word's terms, while the phrasings are read
        for entry in kb.entries.values():
            texts: Iterable[str] = (entry.title, *entry.keywords)
            if phrasings is None:
                texts = chain((p.text for p in entry.questions), texts)
            else:
                phrasings[entry.id] = self._read_phrasings(entry.questions, surface, scored)
            surface.update(chain.from_iterable(map(str.split, map(words_of, texts))))
        self._surface = tuple(
            sorted(w for w in surface if len(w) >= MIN_CORRECTABLE and w.isalpha())
        )
        self._surface_set = frozenset(surface | kb.off_topic)
        self._not_typos = kb.not_typos
        self._corrections: dict[str, str] = {}
        self._analysed: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {}
        self._keep = ANALYSED  # analyses kept before the cache starts again (see ``remembering``)
        self._word_terms: dict[str, tuple[str, ...]] | None = None  # while remembering
        self._word_scored: dict[str, tuple[str, ...]] | None = None  # the same, no traces

    def analyse(self, text: str) -> tuple[list[str], list[tuple[str, str]]]:
        """Terms of a question after correction, synonyms, stop-word removal and stemming."""
        found = self._analysed.get(text)
        if found is None:
            tokens, corrections = self._tokens(text)
            found = (tuple(self.finish(tokens)), tuple(corrections))
            if len(self._analysed) >= self._keep:  # bounded: a message is read a few times, once
                self._analysed.clear()
            self._analysed[text] = found
        return list(found[0]), list(found[1])

    def canonical(self, text: str) -> str:
        """The message as words after spelling fixes and synonyms, stop words kept
        ("how frequently do i stretch" -> "how often do i stretch"), for phrase lookups."""
        return self._synonymise(self._tokens(text)[0])

    def knows(self, word: str) -> bool:
        """Whether a folded word is one the knowledge base uses (or lists as another subject)."""
        return word in self._surface_set

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """While a knowledge base is analysed (the matcher's model, the interpreter's scope),
        every analysis and every word's terms are kept: the same titles, keywords and words
        come back thousands of times in a large base. Afterwards only the usual few are kept,
        so idle memory is what it was."""
        if self._word_terms is not None:  # already remembering: the outer one ends it
            yield
            return
        self._keep, self._word_terms, self._word_scored = 1 << 62, {}, {}
        try:
            yield
        finally:
            self._keep, self._word_terms, self._word_scored = ANALYSED, None, None
            self._analysed.clear()

    def finish(self, tokens: list[str]) -> list[str]:
        """The terms of words already folded (and corrected): synonyms applied, stop words
        dropped, the rest stemmed, each once, with a plural's trace after its term."""
        return self._terms_of_said(self._synonymise(tokens))

    def finish_joined(self, joined: str) -> list[str]:
        """``finish`` of words given joined by single spaces (``joined_words``): the same
        terms, without splitting and joining the words again where synonyms are looked up."""
        said = self._synonym_table.apply_joined(joined)
        if said is None:
            return self.finish(joined.split())
        return self._terms_of_said(said)

    def scored_joined(self, joined: str) -> list[str]:
        """``finish_joined`` without the plurals' traces: the terms the matcher scores, of a
        knowledge base's text. While remembering, each word's are looked up and the whole kept
        once each, in order, by calls that loop in C (100,000 phrasings at 5,000 entries).

        (``joined_words`` gives letters and digits between single spaces, unless a word keeps
        an apostrophe: what ``apply_joined`` checks with a regex, known without it.)"""
        scored = self._word_scored
        table = self._synonym_table
        if scored is None or self._word_terms is None:
            return [t for t in self.finish_joined(joined) if not t.endswith(PLURAL)]
        if table.usable and "'" not in joined:  # ``joined_words`` gave plain words (no regex)
            words = table.applied_words(joined.split(" ")) if joined else []
        else:
            said = table.apply_joined(joined)
            if said is None:
                return [t for t in self.finish_joined(joined) if not t.endswith(PLURAL)]
            words = said.split()
        try:
            found = list(map(scored.__getitem__, words))
        except KeyError:  # a word met for the first time
            known = self._word_terms
            for word in words:
                if word not in scored:
                    terms = known.get(word)
                    if terms is None:
                        terms = known[word] = self._terms_of_word(word)
                    scored[word] = tuple(t for t in terms if not t.endswith(PLURAL))
            found = list(map(scored.__getitem__, words))
        return list(dict.fromkeys(chain.from_iterable(found)))

    def _terms_of_said(self, said: str) -> list[str]:
        terms: list[str] = []
        known = self._word_terms
        for word in said.split():
            found = known.get(word) if known is not None else None
            if found is None:
                found = self._terms_of_word(word)
                if known is not None:
                    known[word] = found
            for term in found:
                if term not in terms:
                    terms.append(term)
        return terms

    def _terms_of_word(self, word: str) -> tuple[str, ...]:
        """One word's terms: none for a stop word, its stem, and a plural's trace after it."""
        scored = _scored_terms_of_word(word)
        if not scored:
            return ()
        term = scored[0]
        return (term, term + PLURAL) if self._plural(word) else (term,)

    def _read_phrasings(
        self,
        phrasings: Iterable[Phrasing],
        surface: set[str],
        scored: dict[str, tuple[str, ...]],
    ) -> list[list[str] | None]:
        """The words of an entry's phrasings added to ``surface``, and their ``scored_joined``
        terms (see ``__init__``), by the steps ``scored_joined`` takes for plain words: a
        word's scored terms need no vocabulary (only a plural's trace does)."""
        table = self._synonym_table
        applied = table.applied_words if table.usable else None
        terms_of = scored.__getitem__
        found: list[list[str] | None] = []
        for phrasing in phrasings:
            joined = joined_words(phrasing.text)
            if applied is None or "'" in joined or not joined:
                surface.update(joined.split())
                found.append(None if joined else [])
                continue
            words = joined.split(" ")
            surface.update(words)
            words = applied(words)
            try:
                found.append(list(dict.fromkeys(chain.from_iterable(map(terms_of, words)))))
            except KeyError:  # a word met for the first time
                for word in words:
                    if word not in scored:
                        scored[word] = _scored_terms_of_word(word)
                found.append(list(dict.fromkeys(chain.from_iterable(map(terms_of, words)))))
        return found

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
            or word in self._not_typos
            or is_stopword(word)
            or not word.isalpha()
        ):
            return word
        fixed = self._corrections.get(word)
        if fixed is None:
            fixed = _closest(word, self._surface)
            if self._loses_number(word, fixed):
                fixed = word
            if len(self._corrections) < CORRECTIONS:
                self._corrections[word] = fixed
        return fixed

    def _loses_number(self, word: str, fixed: str) -> bool:
        """Whether a correction would lose a plural that is no typo: "stretchings", the plural
        of the base's "stretching", asks for stretches; "others" is still the stop word "other"
        and "brigdes" the listed misspelling "brigde" (the bridge)."""
        singular = word[:-1]
        return (
            fixed == singular
            and self._plural(word)
            and not is_stopword(singular)
            and singular not in self._synonyms  # (a misspelling the base lists: "brigde")
        )


def _scored_terms_of_word(word: str) -> tuple[str, ...]:
    """A word's terms without a plural's trace: none for a stop word, else its stem."""
    if is_stopword(word) or (len(word) < 2 and not word.isdigit()):
        return ()
    return (stem(word),)


def joined_words(text: str) -> str:
    """``normalise.words`` of a text joined by single spaces (a word has no space, so
    ``split()`` gives the words back): one string per text where many are kept at once.

    Made for every text of a knowledge base once, as ``words`` reads plain ASCII text
    (without its cache and copies, a tenth of a second at 5,000 entries): ASCII text is folded
    with its hyphens as spaces by one translation, and its spaces collapsed once, at the end
    (contractions are written out the same either way: they hold no space or hyphen)."""
    if text.isascii():
        folded = split_units(expand_contractions(text.encode().translate(_JOINED_BYTES).decode()))
        if "'" not in folded:
            return " ".join(folded.split())
    return " ".join(words(text))


# ``normalise.fold``'s table for ASCII text, with a hyphen as a space (``words`` splits there).
_JOINED_BYTES = _ASCII_FOLD_BYTES.replace(b"-", b" ")


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
