"""The knowledge base's own words as the red-flag screen reads them, counted once per base.

The screen's typo tolerance must never take a word the knowledge base uses for a misspelt sign
(``Lexicon.not_typos``), and it indexes each pattern by its rarest step, rarity being how
often a word is in the base's phrasings. Both are read from every phrasing and every entry's
text: at 5,000 entries that is 100,000 phrasings, read once when the screen is built.

Most texts are plain (``tokens._plain``: no "3rd", no "38.5"): their words are the words of
``tokenise`` without its sentences (``plain_words``: one translation and a split); the others
are read by ``tokenise`` itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

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
    return tuple(
        word
        for token in tokens
        for word in (
            (_expand(token, contractions) or (token,))
            if "'" in token or token in contractions
            else (token,)
        )
    )


def knowledge_words(
    phrasings: Iterable[str],
    texts: Iterable[str],
    contractions: Mapping[str, tuple[str, ...]],
) -> tuple[set[str], dict[str, float]]:
    """The words the base uses (its phrasings, read with the contractions written out, and its
    other ``texts`` as they are), and each phrasing word's share of the phrasings it is in."""
    # (Counted phrasing by phrasing: a list of all their words, counted at once, was hardly
    # faster and kept a million strings alive at once, 37 MiB of memory never given back.)
    counts: Counter[str] = Counter()
    known: set[str] = set()
    total = 0
    for text in phrasings:
        words = set(plain_words(text, contractions))
        counts.update(words)
        known |= words
        total += 1
    for text in texts:
        known.update(plain_words(text, {}))
    share = max(total, 1)
    return known, {word: count / share for word, count in counts.items()}
