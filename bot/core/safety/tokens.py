"""A message as the red-flag check reads it: words, numbers and commas, sentence by sentence.

The message is folded once (case, curly quotes, accents) and split by one regular expression that
cannot backtrack; contractions are written out ("cant" -> "can not", "haven't" -> "have not") so
that patterns and context triggers see one spelling of a negation, with or without apostrophes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["COMMA", "Tokens", "tokenise"]

COMMA = ","
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'"}
)
# A word (with inner apostrophes), a number (38.5, 38,5), a comma, or a sentence end.
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+(?:[.,][0-9]+)?|[.!?;\n]|,")
_SENTENCE_END = frozenset(".!?;\n")
_SUFFIXES = (
    ("n't", ("not",)),
    ("'m", ("am",)),
    ("'re", ("are",)),
    ("'ve", ("have",)),
    ("'ll", ("will",)),
    ("'d", ("would",)),
    ("'s", ("is",)),
)


@dataclass(frozen=True)
class Tokens:
    """The words of a message and, for each, the number of its sentence."""

    words: tuple[str, ...]
    sentences: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.words)

    def text(self, start: int, end: int) -> str:
        """Words ``start`` to ``end`` (exclusive) joined, for explanations."""
        return " ".join(self.words[start:end]).replace(" ,", ",")


def fold(text: str) -> str:
    """Lower case, straight quotes, no accents; non-Latin letters and emoji drop out."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
        text = text.encode("ascii", "ignore").decode("ascii")
    return text.lower()


def _expand(token: str, contractions: Mapping[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    known = contractions.get(token)
    if known is not None:
        return known
    if "'" not in token:
        return None
    for suffix, rest in _SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix):
            return (token[: -len(suffix)].replace("'", ""), *rest)
    return (token.replace("'", ""),)


def tokenise(text: str, contractions: Mapping[str, tuple[str, ...]]) -> Tokens:
    """Split a message into words and sentences, contractions written out."""
    words: list[str] = []
    sentences: list[int] = []
    sentence = 0
    for token in _TOKEN.findall(fold(text)):
        if token in _SENTENCE_END:
            if sentences and sentences[-1] == sentence:
                sentence += 1
            continue
        if token[0].isdigit():
            words.append(token.replace(",", "."))
            sentences.append(sentence)
            continue
        expanded = _expand(token, contractions)
        if expanded is None:
            words.append(token)
            sentences.append(sentence)
        else:
            words.extend(expanded)
            sentences.extend([sentence] * len(expanded))
    return Tokens(tuple(words), tuple(sentences))
