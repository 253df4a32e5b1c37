"""Which pattern words a message word can stand for: exactly, by its start, or as a typo.

People misspell exactly the words that matter ("bladdr", "controll", "bowles"), so the words of
the word lists (``red_flags/words.yaml``) tolerate typos, with a length-aware limit: words under
five letters must be exact ("wee" is not "see"), five to eight letters allow one edit ("bowles"
is "bowels", "blade" is not "bladder"), longer words two. A typo must keep the first letter, and
real words that sit close to a key word ("ladder", "fewer") are listed in ``not_typos``. A word
that drops its final g ("peein", "leakin") stands for the word with it.

Lookups use a deletion index (as SymSpell does): a key word's variants with letters deleted are
stored once, and a message word looks up its own deletions (one letter, two for long words); only
the few candidates found are checked with rapidfuzz's optimal-string-alignment distance. Answers
are cached per word, because people reuse the same words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from rapidfuzz.distance import OSA

__all__ = ["FUZZY", "Lexicon", "allowed_edits"]

FUZZY = "~"  # key prefix: this message word is a typo of the key word
MIN_TYPO_LENGTH = 5
LONG_WORD = 9
CACHE_LIMIT = 10_000  # words; about 1 MB, then the cache starts again (memory must not grow)


def allowed_edits(length: int) -> int:
    """How many edits a word of this length may have and still count as a typo."""
    if length < MIN_TYPO_LENGTH:
        return 0
    return 1 if length < LONG_WORD else 2


def _deletions(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


class Lexicon:
    """Maps a message word to the keys of the pattern words it can match."""

    def __init__(
        self,
        exact: Iterable[str],
        fuzzy: Iterable[str],
        prefixes: Iterable[str],
        not_typos: Iterable[str] = (),
        known: Iterable[str] = (),
        reads_also: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.exact = frozenset(exact)
        # A word that also matches other key words ("me chest" is "my chest"): only those the
        # patterns use.
        self.reads_also = {
            word: kept
            for word, others in (reads_also or {}).items()
            if (kept := tuple(other for other in others if other in self.exact))
        }
        self.fuzzy = frozenset(w for w in fuzzy if allowed_edits(len(w)) and w.isalpha())
        self.prefixes: dict[str, tuple[str, ...]] = {}
        grouped: dict[str, list[str]] = defaultdict(list)
        for prefix in prefixes:
            grouped[prefix[:2]].append(prefix)
        self.prefixes = {start: tuple(group) for start, group in grouped.items()}
        # Words that are surely not typos of a key word: the key words themselves, the listed
        # real words, and whatever else the caller knows (the knowledge base's vocabulary).
        self.not_typos = frozenset(not_typos) | self.exact | frozenset(known)
        self._deleted: dict[str, set[str]] = defaultdict(set)
        for word in self.fuzzy:
            for variant in _deletions(word, allowed_edits(len(word))):
                self._deleted[variant].add(word)
        self._cache: dict[str, tuple[str, ...]] = {}

    def keys(self, word: str) -> tuple[str, ...]:
        """Keys this word matches: itself, "prefix*" keys, and "~word" for a typo of a key word."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        found: list[str] = []
        if word in self.exact:
            found.append(word)
        elif word.endswith("in") and word + "g" in self.exact:
            found.append(word + "g")  # the g people drop when typing fast: "peein", "leakin"
        found.extend(self.reads_also.get(word, ()))
        for prefix in self.prefixes.get(word[:2], ()):
            if word.startswith(prefix):
                found.append(prefix + "*")
        if word not in self.not_typos:
            found.extend(FUZZY + typo for typo in self.typos(word))
        keys = tuple(found)
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = keys
        return keys

    def keys_of_words(self, words: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """``keys`` of each word that has any (the cache looked up here: a message's words)."""
        cache = self._cache
        found: dict[str, tuple[str, ...]] = {}
        for word in words:
            keys = cache.get(word)
            if keys is None:
                keys = self.keys(word)
            if keys:
                found[word] = keys
        return found

    def typos(self, word: str) -> list[str]:
        """Key words that ``word`` is a plausible misspelling of (never itself)."""
        if len(word) < MIN_TYPO_LENGTH or not word.isalpha():
            return []
        candidates: set[str] = set()
        for variant in _deletions(word, allowed_edits(len(word))):
            candidates |= self._deleted.get(variant, set())
        found = []
        for candidate in candidates:
            if candidate == word or candidate[0] != word[0]:
                continue
            limit = allowed_edits(min(len(word), len(candidate)))
            if limit and OSA.distance(word, candidate, score_cutoff=limit) <= limit:
                found.append(candidate)
        return sorted(found)
