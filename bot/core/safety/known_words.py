"""The knowledge base's own words as the red-flag screen reads them, counted once per base.

The screen's typo tolerance must never take a word the knowledge base uses for a misspelt sign
(``Lexicon.not_typos``), and it indexes each pattern by its rarest step, rarity being how
often a word is in the base's phrasings. Both are read from every phrasing and every entry's
text: at 5,000 entries that is 100,000 phrasings, read once when the screen is built.

Most texts are plain (``tokens._plain``: no "3rd", no "38.5"): their words are the words of
``tokenise`` without its sentences (``plain_words``: one translation and a split); the others
are read by ``tokenise`` itself. Most phrasings are simpler still (ASCII, no apostrophe, digit or
question mark): they are read a few hundred at a time, as one text (``_word_sets``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import accumulate, chain, compress, count
from operator import add, not_

from bot.core.safety.tokens import (
    _DIGIT,
    _LINES,
    _expand,
    _plain,
    answered_checklist,
    fold,
    tokenise,
)

__all__ = ["knowledge_words", "plain_words"]

# ``tokens._LINES`` as a table of bytes, for ASCII text (``bytes.translate`` is several times
# faster than ``str.translate`` with a dictionary).
_LINES_BYTES = bytes(
    ord(_LINES.get(code, chr(code))) if code < 128 else code for code in range(256)
)


def plain_words(text: str, contractions: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """``tokenise(text, contractions).words``, read faster where the text is plain.

    In a ``_plain`` text ``tokenise`` splits every sentence where ``_LINES`` leaves spaces or
    line breaks, a comma a word of its own, and writes out each word with an apostrophe or in
    ``contractions`` ("cant" -> "can not"): so are its words read here, without the sentences.
    A text with no digit and no apostrophe (most phrasings) is such a text as it is."""
    folded = answered_checklist(text.lower() if text.isascii() else fold(text))
    if "'" in folded or _DIGIT.search(folded) is not None:
        plain = _plain(folded)
        if plain is None:  # only ``_TOKEN`` and ``_SENTENCES`` can tell ("3rd", "38.5")
            return tokenise(text, contractions).words
        folded = plain
    found = folded.encode().translate(_LINES_BYTES).decode()
    tokens = found.replace(",", " , ").split()
    if "'" not in found and contractions.keys().isdisjoint(tokens):
        return tuple(tokens)
    words: list[str] = []  # (a loop, not a generator: an entry's answer has 100 words)
    for token in tokens:
        if "'" in token or token in contractions:
            words += _expand(token, contractions) or (token,)
        else:
            words.append(token)
    return tuple(words)


def knowledge_words(
    phrasings: Iterable[str],
    texts: Iterable[str],
    contractions: Mapping[str, tuple[str, ...]],
) -> tuple[set[str], dict[str, float]]:
    """The words the base uses (its phrasings, read with the contractions written out, and its
    other ``texts`` as they are), and each phrasing word's share of the phrasings it is in."""
    counts: Counter[str] = Counter()
    total = 0
    batch: list[str] = []
    for text in phrasings:
        batch.append(text)
        if len(batch) == _BATCH:
            counts.update(chain.from_iterable(_word_sets(batch, contractions)))
            total += len(batch)
            batch.clear()
    counts.update(chain.from_iterable(_word_sets(batch, contractions)))
    total += len(batch)
    known = set(counts)
    for text in texts:
        known.update(plain_words(text, {}))
    share = max(total, 1)
    return known, {word: count / share for word, count in counts.items()}


# Phrasings are read a batch at a time (``_word_sets``); a phrasing with any of these
# characters is read by ``plain_words`` alone: not ASCII, an apostrophe, a digit, a question
# mark (a checklist answered no), a NUL (the separator).
_ALONE = re.compile("['0-9?\x80-\U0010ffff]")
_SEPARATOR = "\x00"
_BATCH_BYTES = _SEPARATOR.encode() + _LINES_BYTES[1:]  # ``_LINES_BYTES``, the NUL kept
_BATCH = 256  # phrasings read at once (of 64 to 4,096, the fastest at 5,000 entries)


def _word_sets(batch: list[str], contractions: Mapping[str, tuple[str, ...]]) -> list[set[str]]:
    """Each phrasing's set of ``plain_words``.

    Read as one text: joined by NULs, lowered, translated and split (each step once per batch,
    not once per phrasing: 100,000 phrasings at 5,000 entries), then split into the phrasings'
    words. A phrasing with a character of ``_ALONE`` is read again alone, and one with a
    contraction among its words ("cant") has it written out ("can", "not")."""
    joined = _SEPARATOR.join(batch)
    if joined.count(_SEPARATOR) != len(batch) - 1:  # a phrasing with a NUL: each alone
        return [set(plain_words(text, contractions)) for text in batch]
    starts = list(map(add, accumulate(map(len, batch), initial=0), count()))  # + separators
    read = joined.lower().encode().translate(_BATCH_BYTES).decode().replace(",", " , ")
    sets = list(map(set, map(str.split, read.split(_SEPARATOR))))
    keys = contractions.keys()
    for number in compress(count(), map(not_, map(keys.isdisjoint, sets))):
        sets[number] = {w for token in sets[number] for w in (contractions.get(token) or (token,))}
    for number in {bisect_right(starts, found.start()) - 1 for found in _ALONE.finditer(joined)}:
        sets[number] = set(plain_words(batch[number], contractions))  # (written out there)
    return sets
