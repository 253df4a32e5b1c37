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
_QUOTES = re.compile("[\u2018\u2019\u201b\u2032`\u00b4]")  # curly and other quotes -> '

# A word (with inner apostrophes), a number (38.5), or a comma; sentences end at . ! ? ; or a line.
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+(?:\.[0-9]+)?|,")
_SENTENCES = re.compile(r"[.!?;\n]+(?![0-9])")
_DECIMAL_COMMA = re.compile(r"(?<=[0-9]),(?=[0-9])")
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
        text = unicodedata.normalize("NFKD", _QUOTES.sub("'", text))
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
    """Split a message into words and sentences, contractions written out.

    Each sentence is split by one ``findall`` (no Python loop over characters); only the words
    that are contractions are looked at one by one.
    """
    words: list[str] = []
    sentences: list[int] = []
    folded = _DECIMAL_COMMA.sub(".", fold(text))
    number = 0
    known = contractions.keys()
    for part in _SENTENCES.split(folded):
        found = _TOKEN.findall(part)
        if not found:
            continue
        if "'" in part or not known.isdisjoint(found):
            # Only a token with an apostrophe or a listed contraction can change.
            found = [
                word
                for token in found
                for word in (
                    (_expand(token, contractions) or (token,))
                    if "'" in token or token in known
                    else (token,)
                )
            ]
        words.extend(found)
        sentences.extend([number] * len(found))
        number += 1
    return Tokens(tuple(words), tuple(sentences))
