"""Is a message in English? The bot understands English only (for now), and says so.

Google's Compact Language Detector 2 (``pycld2``: a small C library, about 1.5 MiB in memory,
microseconds per message) names the language. It is asked only about messages the knowledge
base could not read, and a message half made of the knowledge base's own words ("setu
bandhasana") is English whatever CLD2 says. A short message CLD2 is unsure about counts as
another language only when its best guess is not English and it has none of the common English
words and none of the knowledge base's words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pycld2

from bot.core.normalise import is_stopword, words

ENGLISH = frozenset({"en", "un"})  # "un": unknown, never a reason to refuse
MOSTLY_OTHER_SCRIPT = 0.5  # share of letters outside the Latin script
_NOT_LETTERS = bytes(code for code in range(128) if not chr(code).isalpha())
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def looks_english(text: str, known: Callable[[str], bool] = lambda word: False) -> bool:
    """False only when ``text`` is clearly written in another language (``known``: whether
    a folded word is one of the knowledge base's own)."""
    # ASCII letters counted in C; only the other characters one by one (a long message).
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _NOT_LETTERS))
    others = [char for char in _NON_ASCII.findall(text) if char.isalpha()]
    letters = ascii_letters + len(others)
    if not letters:
        return True
    latin = ascii_letters + sum(1 for char in others if _latin(char))
    if latin / letters < MOSTLY_OTHER_SCRIPT:
        return False  # Cyrillic, Greek, Arabic, CJK, ...
    tokens = words(text)
    if 2 * sum(1 for token in tokens if known(token)) >= len(tokens):
        return True  # half its words are the knowledge base's own ("setu bandhasana")
    try:
        reliable, _, found = pycld2.detect(text)
        if reliable:
            return found[0][1] in ENGLISH
        _, _, guessed = pycld2.detect(text, bestEffort=True)
    except pycld2.error:  # invalid UTF-8 (lone surrogates): not ours to judge
        return True
    return guessed[0][1] in ENGLISH or any(is_stopword(t) or known(t) for t in tokens)


def _latin(char: str) -> bool:
    return char.isascii() or unicodedata.name(char, "").startswith("LATIN")
