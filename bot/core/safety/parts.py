"""A long message read in parts: whole sentences in order, a few at a time.

An early alarm is then found without reading the rest, and a late one without reading a long
part around it; a mention, its context and its idioms never cross a sentence, so nothing is
lost by the cut.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from itertools import chain, repeat

from bot.core.knowledge import RedFlag, WordPattern
from bot.core.safety.patterns import Document, Grammar, Hit
from bot.core.safety.tokens import Tokens

__all__ = ["PART", "Found", "by_sentence", "documents", "windows"]

PART = 8  # sentences of a long message read at a time once its first eight are read

Found = list[tuple[RedFlag, WordPattern, Hit]]  # red-flag mentions: flag, pattern, where


def documents(tokens: Tokens, grammar: Grammar, calm: Callable[[], bool]) -> Iterator[Document]:
    """The message in documents of whole sentences, in order, each read alone: one sentence,
    one, two, four, then eight at a time (an early alarm is found soon; a late one is found
    without reading a long part around it), or all the rest as one document when the first
    eight sentences were ``calm()`` (no red-flag mention: each document costs a little), read
    ``PART`` sentences at a time all the same (``windows``)."""
    of = tokens.sentences
    low = 0
    for number, size in enumerate(chain((1, 1, 2, 4), repeat(PART))):
        if low >= len(of):
            return
        if number == 4 and calm():
            size = len(of)
        high = bisect_left(of, of[low] + size, low)
        yield Document.of_words(tokens, grammar, low, high)
        low = high


def windows(document: Document) -> Iterator[tuple[Document, int]]:
    """A document with the sentences to read in it at a time (bits, as
    ``Document.sentences_of``): all of a short one, ``PART`` at a time of a longer one."""
    of = document.tokens.sentences
    first, last = of[document.low], of[document.high - 1]
    if last - first < PART:
        yield document, -1
        return
    document.windowed = {}
    for start in range(first, last + 1, PART):
        yield document, ((1 << PART) - 1) << start


def by_sentence(document: Document, found: Found, near: int) -> list[tuple[int, Found]]:
    """The mentions (in order) by sentence, each with its sentence as bits; all at once when
    they lie in one sentence. Several: the document finds its triggers and boundaries once,
    then keeps them to each sentence (``Document.windowed``)."""
    if not found or not near & (near - 1):  # none, or one sentence
        return [(near, found)] if found else []
    of = document.tokens.sentences
    groups: dict[int, Found] = {}
    for item in found:
        groups.setdefault(1 << of[item[2].start], []).append(item)
    if document.windowed is None:
        document.windowed = {}
    return list(groups.items())
