"""Find a question's candidate entries and best phrasings fast, with exactly the matcher's results.

The matcher (``matching``) defines the scores; this module only finds them without looking at
what cannot matter:

- **The candidate pool** is the ``size`` entries with the largest weighted overlap with the
  question (ties: the entry reached first, by the question's term order, then by knowledge-base
  order). Up to ``LARGE_BASE`` entries it is accumulated in a dictionary, as plain as it gets;
  above, the postings are numpy arrays (``bincount`` over the question's posting lists, in the
  same order, so each overlap is the same float, bit for bit) and the pool is taken with
  ``argpartition``. numpy is imported only then: it costs ~15 MiB of resident memory, which a
  small base does not need, while at 5,000 entries its arrays hold the postings in a fraction
  of what Python tuples take.
- **The best phrasings of an entry** are found by accumulating the weights of the question's terms
  over that entry's phrasings that contain them (a small per-entry inverted index built on first
  use, kept for the ``PHRASING_CACHE`` most recent entries), instead of intersecting the question
  with every phrasing; only the question's terms that entry uses are walked (one set
  intersection: most words of a long message are not), in the question's order. Sums may
  differ from the matcher's set-order sums in the last bit, as those already do from one
  process to the next (string hashing is randomised).

``benchmarks/answer_equality.py`` checks that answers, scores and bands are the same as before.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress, count, pairwise
from operator import truediv
from typing import Any

__all__ = ["LARGE_BASE", "EntryPostings", "PhrasingScorer"]

_PLAIN = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")  # words joined by single spaces
LARGE_BASE = 1000  # entries from which the pool is computed over numpy arrays
PHRASING_CACHE = 4096  # entries whose phrasing index is kept (the pool of recent questions)
FEW_TERMS = 16  # question terms up to which an entry's phrasings are looked up term by term


class EntryPostings:
    """For each term, the entries it points to and how strongly (salience)."""

    def __init__(
        self,
        salience: Mapping[str, Mapping[str, float]],
        *,
        vectorised: bool | None = None,
    ) -> None:
        """``salience``: entry id -> term -> salience, in knowledge-base order."""
        self.ids = tuple(salience)
        self.vectorised = len(self.ids) >= LARGE_BASE if vectorised is None else vectorised
        self._lists: dict[str, list[tuple[str, float]]] = {}
        self._arrays: dict[str, tuple[Any, Any]] = {}
        if not self.vectorised:
            postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
            for entry_id, weights in salience.items():
                for term, weight in weights.items():
                    postings[term].append((entry_id, weight))
            self._lists = dict(postings)
            return
        import numpy as np  # only for large bases: see the module's docstring

        # Two flat arrays sorted by term (stable: knowledge-base order within a term); each
        # term's postings are slices of them, not arrays of their own.
        # (Gathered entry by entry and numbered in bulk: a loop per posting cost 0.15 s at
        # 5,000 entries.) Terms are numbered in the order they first come.
        terms: list[str] = []
        values: list[float] = []
        sizes: list[int] = []
        for weights in salience.values():
            terms.extend(weights)
            values.extend(weights.values())
            sizes.append(len(weights))
        term_ids = {term: number for number, term in enumerate(dict.fromkeys(terms))}
        of_term = np.fromiter(map(term_ids.__getitem__, terms), dtype=np.int32, count=len(terms))
        entries = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        order = np.lexsort((of_term,))  # a stable sort
        all_entries = entries[order]
        all_values = np.asarray(values, dtype=np.float64)[order]
        ends = np.cumsum(np.bincount(of_term)).tolist()
        self._flat = (all_entries, all_values)
        self._bounds: dict[str, tuple[int, int]] = {}
        start = 0
        for term, end in zip(term_ids, ends, strict=True):
            self._bounds[term] = (start, end)
            start = end
        self._slice()

    def _slice(self) -> None:
        all_entries, all_values = self._flat
        self._arrays = {
            term: (all_entries[start:end], all_values[start:end])
            for term, (start, end) in self._bounds.items()
        }

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (the start-up cache) as the two flat arrays and each term's bounds: pickling
        the slices would copy each into an array of its own (60 MiB more at 5,000 entries)."""
        return {**self.__dict__, "_arrays": {}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if self.vectorised:
            self._slice()

    def __contains__(self, term: str) -> bool:
        return term in self._arrays or term in self._lists

    def pool(
        self, terms: Sequence[str], weights: Mapping[str, float], size: int
    ) -> tuple[list[str], dict[str, float]]:
        """The ``size`` entries with the largest overlap, best first, and their overlaps."""
        if not self.vectorised:
            return self._pool_plain(terms, weights, size)
        return self._pool_arrays(terms, weights, size)

    def _pool_plain(
        self, terms: Sequence[str], weights: Mapping[str, float], size: int
    ) -> tuple[list[str], dict[str, float]]:
        overlap: dict[str, float] = defaultdict(float)
        for term in terms:
            for entry_id, salience in self._lists.get(term, ()):
                overlap[entry_id] += weights[term] * salience
        ranked = sorted(overlap, key=overlap.__getitem__, reverse=True)[:size]
        return ranked, {entry_id: overlap[entry_id] for entry_id in ranked}

    def _pool_arrays(
        self, terms: Sequence[str], weights: Mapping[str, float], size: int
    ) -> tuple[list[str], dict[str, float]]:
        import numpy as np  # imported by __init__ already: a dictionary look-up (and picklable)

        used = [(number, term) for number, term in enumerate(terms) if term in self._arrays]
        if not used:
            return [], {}
        entries = np.concatenate([self._arrays[t][0] for _, t in used])
        # The products are the same floats as weight * salience in Python, and bincount adds
        # them in this order, from 0.0: each overlap equals the dictionary's, bit for bit.
        values = np.concatenate([self._arrays[t][1] * weights[t] for _, t in used])
        overlap = np.bincount(entries, weights=values, minlength=len(self.ids))
        touched = np.flatnonzero(np.bincount(entries, minlength=len(self.ids)))
        if len(touched) > size:
            scores = overlap[touched]
            cut = np.partition(scores, len(scores) - size)[len(scores) - size]
            touched = touched[scores >= cut]  # the pool and every entry tied with its last
        # Ties go to the entry reached first, as in the dictionary: by the question's first
        # term that has it (postings are in knowledge-base order, so a binary search finds it).
        first = np.full(len(touched), len(terms), dtype=np.int64)
        for number, term in reversed(used):
            postings = self._arrays[term][0]
            at = np.minimum(np.searchsorted(postings, touched), len(postings) - 1)
            first[postings[at] == touched] = number
        scores = overlap[touched]
        ranked = touched[np.lexsort((touched, first, -scores))[:size]].tolist()
        values = overlap[ranked].tolist()
        return [self.ids[e] for e in ranked], {
            self.ids[e]: v for e, v in zip(ranked, values, strict=True)
        }


class PhrasingScorer:
    """The phrasings of entries that share most weight with a question (cosine-like)."""

    def __init__(self, phrasings: Mapping[str, Sequence[tuple[frozenset[str], float, str]]]):
        """``phrasings``: entry id -> (terms, weight, text) per phrasing, in order."""
        self._phrasings = phrasings
        self._built: OrderedDict[str, tuple[dict[str, tuple[int, ...]], tuple[float, ...]]] = (
            OrderedDict()
        )

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (the start-up cache) without the recently built indexes: a cache of a cache."""
        return {**self.__dict__, "_built": OrderedDict()}

    def _index(self, entry_id: str) -> tuple[dict[str, tuple[int, ...]], tuple[float, ...]]:
        """The entry's term -> phrasing numbers, and each phrasing's own weight."""
        found = self._built.get(entry_id)
        if found is not None:
            self._built.move_to_end(entry_id)
            return found
        lists: dict[str, list[int]] = defaultdict(list)
        for number, (terms, _, _) in enumerate(self._phrasings[entry_id]):
            for term in terms:
                lists[term].append(number)
        found = (
            {term: tuple(numbers) for term, numbers in lists.items()},
            tuple(own for _, own, _ in self._phrasings[entry_id]),
        )
        self._built[entry_id] = found
        if len(self._built) > PHRASING_CACHE:
            self._built.popitem(last=False)
        return found

    def best(
        self,
        entry_id: str,
        weights: Mapping[str, float],
        total: float,
        limit: int,
        exclude: str | None = None,
        order: Mapping[str, int] | None = None,
    ) -> list[tuple[float, int]]:
        """Up to ``limit`` (cosine, phrasing number) pairs, highest cosine first (ties: the
        earlier phrasing), over the phrasings that share a term with the question.

        ``order``: each term of ``weights`` -> its place there (computed once per question by
        the caller, for the many entries it scores; without it, computed here)."""
        index, owns = self._index(entry_id)
        shared = [0.0] * len(owns)
        # Each sum adds the question's terms that this entry's phrasings use, in the
        # question's order. A few terms are looked up one by one; many (a long message, most
        # of whose words no phrasing uses) by one set intersection, then put in that order.
        if len(weights) <= FEW_TERMS:
            for term, weight in weights.items():
                having = index.get(term)
                if having is not None:
                    for number in having:
                        shared[number] += weight
        else:
            common = index.keys() & weights.keys()
            if len(common) > 1:
                if order is None:
                    order = {term: number for number, term in enumerate(weights)}
                used: Iterable[str] = sorted(common, key=order.__getitem__)
            else:
                used = common
            for term in used:
                weight = weights[term]
                for number in index[term]:
                    shared[number] += weight
        # The phrasings that share weight, in order (one that shares only zero weights is not
        # scored), and their cosines: ``min(1.0, weight / sqrt(total * own))`` each.
        numbers = list(compress(count(), shared))
        sqrt = math.sqrt
        cosines = [
            cosine if cosine < 1.0 else 1.0
            for cosine in [
                weight / sqrt(total * own)
                for weight, own in zip(
                    compress(shared, shared), compress(owns, shared), strict=True
                )
            ]
        ]
        if exclude is not None:
            phrasings = self._phrasings[entry_id]
            kept = [phrasings[number][2] != exclude for number in numbers]
            numbers, cosines = list(compress(numbers, kept)), list(compress(cosines, kept))
        # Highest cosine first; the sort is stable, so ties keep the phrasings' order.
        ranked = sorted(range(len(cosines)), key=cosines.__getitem__, reverse=True)[:limit]
        return [(cosines[place], numbers[place]) for place in ranked]

    def ceiling(
        self,
        entry_id: str,
        weights: Mapping[str, float],
        factors: Mapping[str, float],
        total: float,
    ) -> float:
        """At least the cosine of every phrasing of the entry (for pruning; 0 if none shares a
        term). ``factors``: each term's share of its weight (0 < factor <= 1, the part of the
        message it comes from), so that ``weights[t] / factors[t]`` is at most the term's
        weight in a phrasing. A phrasing sharing terms A has cosine
        sum(A: f * u) / sqrt(total * own) <= f_max * sum(A: u) / sqrt(total * sum(A: u)),
        which is at most f_max * sqrt(sum(u over all shared terms) / total)."""
        index = self._index(entry_id)[0]
        common = index.keys() & weights.keys()
        if not common:
            return 0.0
        # (Looked up by calls that loop in C, over ``common`` in one order each time: the sum
        # adds the same quotients in the same order as a loop over ``common`` would.)
        shares = list(map(factors.__getitem__, common))
        highest = max(shares)
        if highest > 1.0 or min(shares) <= 0.0:
            return 1.0  # (not a weighting this bound holds for)
        units = sum(map(truediv, map(weights.__getitem__, common), shares))
        return highest * math.sqrt(units / total) * (1 + 1e-9)


class SynonymTable:
    """The maintainers' synonyms applied word by word, exactly as the matcher's regular
    expression ``\\b(?:longest|...|shortest)\\b`` applies them to words joined by spaces: at each
    word, the longest variant that starts there wins, and reading goes on after it.

    The regex tries hundreds of variants at every position; this looks up the word. It is used
    only where both must agree: words of letters and digits (no apostrophe, where the regex also
    sees a word boundary) and variants that are such words separated by single spaces.
    """

    def __init__(self, synonyms: Mapping[str, str]) -> None:
        self.usable = _usable(synonyms)
        variants = {tuple(v.split(" ")): synonyms[v] for v in synonyms if _plain(v)}
        self._variants = variants
        self._starts = _starts_of(variants)
        # What a variant needs where it starts: its one word, or its first two words.
        self._singles = frozenset(words[0] for words in variants if len(words) == 1)
        self._pairs = frozenset(words[:2] for words in variants if len(words) > 1)

    def applies_to(self, tokens: Sequence[str]) -> bool:
        """Whether ``apply`` gives the regex's result for these words."""
        if not self.usable or not tokens:
            return self.usable
        joined = " ".join(tokens)  # one word per token, letters and digits only
        return joined.count(" ") == len(tokens) - 1 and _PLAIN.fullmatch(joined) is not None

    def apply_joined(self, joined: str) -> str | None:
        """``apply`` to words already joined by single spaces (as ``applies_to`` joins them),
        or None where only the regex gives the right result."""
        if not self.usable:
            return None
        if not joined:
            return ""
        if _PLAIN.fullmatch(joined) is None:
            return None
        tokens = joined.split(" ")
        if self._starts.keys().isdisjoint(tokens):
            return joined
        # No variant can start at a word that is not one of them, nor at two words that do
        # not begin one ("back pain" begins none, "hip flexers" does): tested in C, as most
        # texts of a knowledge base have a word that begins some variant, and few a variant.
        if self._singles.isdisjoint(tokens) and self._pairs.isdisjoint(pairwise(tokens)):
            return joined
        return self.apply(tokens)

    def apply(self, tokens: Sequence[str]) -> str:
        """The words joined by spaces, each variant replaced by its canonical form."""
        starts = self._starts
        # Only where a variant can start (most words start none), in order, as the regex reads.
        found = [at for at, token in enumerate(tokens) if token in starts]
        if not found:
            return " ".join(tokens)
        out: list[str] = []
        done = 0  # the words up to here are written out
        for at in found:
            if at < done:  # inside a variant just replaced
                continue
            for length in starts[tokens[at]]:
                canonical = self._variants.get(tuple(tokens[at : at + length]))
                if canonical is not None:
                    out.extend(tokens[done:at])
                    out.append(canonical)
                    done = at + length
                    break
        out.extend(tokens[done:])
        return " ".join(out)

    def applied_words(self, tokens: list[str]) -> list[str]:
        """``apply(tokens).split()`` for plain words (as ``apply_joined`` reads them), with its
        shortcuts, and no joining and splitting again: a knowledge base's 100,000 phrasings
        are read so at start-up. Only where ``usable``."""
        starts = self._starts
        if starts.keys().isdisjoint(tokens) or (
            self._singles.isdisjoint(tokens) and self._pairs.isdisjoint(pairwise(tokens))
        ):
            return tokens
        out: list[str] = []
        done = 0
        for at in compress(count(), map(starts.__contains__, tokens)):
            if at < done:  # inside a variant just replaced
                continue
            for length in starts[tokens[at]]:
                canonical = self._variants.get(tuple(tokens[at : at + length]))
                if canonical is not None:
                    out += tokens[done:at]
                    out += canonical.split()
                    done = at + length
                    break
        out += tokens[done:]
        return out


class PhraseFinder:
    """Whole phrases in a text, found exactly as ``\\b(?:longest|...|shortest)\\b`` finds them:
    at each word, the longest phrase that starts there.

    The regex tries every phrase at every position of the text (thousands of phrases for the
    words that ask a detail); in a text of plain words this looks up the word where each phrase
    could start, then the few phrases that start with it. A text or a phrase of other characters
    is left to the regex."""

    def __init__(self, phrases: Iterable[str]) -> None:
        ordered = sorted(dict.fromkeys(p for p in phrases if p), key=len, reverse=True)
        self.pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, ordered)) + r")\b")
        self.usable = _usable(ordered)
        self._phrases = frozenset(tuple(p.split(" ")) for p in ordered if _plain(p))
        self._starts = _starts_of(self._phrases)

    def every_start(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of the longest phrase at each position where one starts, in order
        (phrases may overlap): as searching again just after each one found."""
        spans = self._at_words(text)
        if spans is not None:
            return spans
        spans, start, search = [], 0, self.pattern.search
        while (found := search(text, start)) is not None:
            spans.append(found.span())
            start = found.start() + 1
        return spans

    def separate(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of the phrases one after the other, as ``finditer`` finds them."""
        spans = self._at_words(text)
        if spans is None:
            return [found.span() for found in self.pattern.finditer(text)]
        kept: list[tuple[int, int]] = []
        for start, end in spans:
            if not kept or start >= kept[-1][1]:
                kept.append((start, end))
        return kept

    def replaced(self, text: str, by: str) -> str:
        """The text with each phrase of ``separate`` replaced ``by`` (as ``sub``)."""
        pieces, done = [], 0
        for start, end in self.separate(text):
            pieces.append(text[done:start])
            pieces.append(by)
            done = end
        return "".join(pieces) + text[done:] if pieces else text

    def _at_words(self, text: str) -> list[tuple[int, int]] | None:
        """``every_start`` by word lookups, or None where only the regex gives it."""
        if not self.usable or (text and _PLAIN.fullmatch(text) is None):
            return None
        tokens = text.split(" ")
        starts = self._starts
        if starts.keys().isdisjoint(tokens):
            return []
        phrases = self._phrases
        spans = []
        offset = 0
        for at, token in enumerate(tokens):
            numbers = starts.get(token)
            if numbers is not None:
                for number in numbers:
                    words = tuple(tokens[at : at + number])
                    if len(words) == number and words in phrases:
                        spans.append((offset, offset + len(" ".join(words))))
                        break
            offset += len(token) + 1
        return spans


def _usable(phrases: Iterable[str]) -> bool:
    """Whether word lookups find what the regex of these phrases finds in plain words: a phrase
    with a character no plain word has ("push-up position") is never found there, and any other
    phrase that is not plain words leaves it to the regex."""
    return all(_plain(p) or not _possible(p) for p in phrases)


def _starts_of(phrases: Iterable[tuple[str, ...]]) -> dict[str, list[int]]:
    """Per word a phrase starts with, the numbers of words of its phrases, most first: the
    longest phrase found at a word is the regex's (two found there differ only by the longer
    one's last words, so the longer has more characters)."""
    lengths: dict[str, set[int]] = defaultdict(set)
    for words in phrases:
        lengths[words[0]].add(len(words))
    return {word: sorted(numbers, reverse=True) for word, numbers in lengths.items()}


def _plain(text: str) -> bool:
    """Letters and digits in words separated by single spaces (what ``\\b`` sees as words)."""
    return bool(text) and all(word.isalnum() and word.isascii() for word in text.split(" "))


def _possible(text: str) -> bool:
    """Whether ``text`` could occur in plain words joined by spaces (only such characters)."""
    return all(char == " " or (char.isascii() and char.isalnum()) for char in text)
