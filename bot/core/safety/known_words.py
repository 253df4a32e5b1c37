"""The knowledge base's own words as the red-flag screen reads them, counted once per base.

The screen's typo tolerance must never take a word the knowledge base uses for a misspelt sign
(``Lexicon.not_typos``), and it indexes each pattern by its rarest step, rarity being how
often a word is in the base's phrasings. Both are read from every phrasing and every entry's
text: at 5,000 entries that is 100,000 phrasings, read once when the screen is built.

Most phrasings are plain: ASCII, no digit, no apostrophe. Their words are the words of
``tokenise`` without its sentence and number handling (``plain_words``: one translation and a
split); every other text is read by ``tokenise`` itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from bot.core.safety.tokens import _DIGIT, _LINES, answered_checklist, tokenise

__all__ = ["knowledge_words", "plain_words"]

# ``tokens._LINES`` as a table of bytes, for ASCII text (``bytes.translate`` is several times
# faster than ``str.translate`` with a dictionary).
_LINES_BYTES = bytes(
    ord(_LINES.get(code, chr(code))) if code < 128 else code for code in range(256)
)


def plain_words(text: str, contractions: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """``tokenise(text, contractions).words``, read faster where the text is plain.

    In a text that is ASCII with no digit and no apostrophe (after ``answered_checklist``),
    ``tokenise`` finds no number and no contraction with an apostrophe: its words are the
    text split where ``_LINES`` leaves spaces or line breaks, a comma a word of its own, and
    the listed contractions written out ("cant" -> "can not")."""
    if not text.isascii():
        return tokenise(text, contractions).words
    folded = answered_checklist(text.lower())
    if "'" in folded or _DIGIT.search(folded) is not None:
        return tokenise(text, contractions).words
    found = folded.encode().translate(_LINES_BYTES).decode()
    tokens = found.replace(",", " , ").split()
    if contractions.keys().isdisjoint(tokens):
        return tuple(tokens)
    return tuple(word for token in tokens for word in contractions.get(token, (token,)))


def knowledge_words(
    phrasings: Iterable[str],
    texts: Iterable[str],
    contractions: Mapping[str, tuple[str, ...]],
) -> tuple[set[str], dict[str, float]]:
    """The words the base uses (its phrasings, read with the contractions written out, and its
    other ``texts`` as they are), and each phrasing word's share of the phrasings it is in."""
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
