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
from itertools import pairwise

from bot.core.asking import QUESTION_WORDS
from bot.core.normalise import EMOJI_RANGES, emoji_as_words

__all__ = ["COMMA", "Tokens", "tokenise"]

COMMA = ","
_QUOTES = re.compile("[\u2018\u2019\u201b\u2032`\u00b4]")  # curly and other quotes -> '

# A word (with inner apostrophes), a number (38.5), or a comma; sentences end at . ! ? ; or a line.
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+(?:\.[0-9]+)?|,")
_SENTENCES = re.compile(r"[.!?;\n]+(?![0-9])")
_DECIMAL_COMMA = re.compile(r"(?<=[0-9]),(?=[0-9])")
_DIGIT = re.compile("[0-9]")
_DIGIT_COMMA = re.compile("[0-9],[0-9]")  # a cheap test before the substitution
_MARKS = ".!?;\n"  # what ends a sentence (unless a digit follows, see ``_SENTENCES``)
_MARK_DIGIT = re.compile("[.!?;\n](?=[0-9])")
_MARK_RUN = re.compile("([.!?;\n]+)")  # the marks that end a sentence, kept by ``split``
# A folded message is ASCII. Characters no token has become spaces (one character for one:
# str.translate's fast path); sentence marks stay (``_SPACED``), or all become line breaks
# (``_LINES``, for a ``_plain`` text, where every mark ends a sentence).
_NOT_IN_TOKENS = [
    chr(code)
    for code in range(128)
    if not ("a" <= chr(code) <= "z" or "0" <= chr(code) <= "9" or chr(code) in "',." + _MARKS)
]
_SPACED = str.maketrans(dict.fromkeys(_NOT_IN_TOKENS, " "))
_LINES = str.maketrans({**dict.fromkeys(_NOT_IN_TOKENS, " "), **dict.fromkeys(_MARKS, "\n")})
# Each character as its class: a letter "a", a digit "0", an apostrophe "'", a comma ",", a
# sentence mark ".", anything else " " (see ``_plain``).
_CLASSES = str.maketrans(
    {
        **{chr(code): " " for code in range(128)},
        **{chr(code): "a" for code in range(ord("a"), ord("z") + 1)},
        **{chr(code): "0" for code in range(ord("0"), ord("9") + 1)},
        "'": "'",
        ",": ",",
        **dict.fromkeys(_MARKS, "."),
    }
)
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
    # The sentences that ended with a question mark: a message told again without some of its
    # words (``wording.without``) still asks where it asked.
    asking: frozenset[int] = frozenset()

    def __len__(self) -> int:
        return len(self.words)

    def text(self, start: int, end: int) -> str:
        """Words ``start`` to ``end`` (exclusive) joined, for explanations."""
        return " ".join(self.words[start:end]).replace(" ,", ",")


# Emoji end a sentence, as in the matcher (``answering.sentences``): "my tap won't turn off 😩
# been wetting myself" is two thoughts, and the "not" of the first is no denial in the second.
_EMOJI = re.compile(f"[{EMOJI_RANGES}][{EMOJI_RANGES}\ufe0f\u200d]*")


# An ellipsis after a word no sentence ends with is a pause, not an end: "number twos just...
# come out on their own" is one thought.
_PAUSE = re.compile(
    r"\b(just|and|but|or|the|my|a|an|to|of|like|so|then|it|they|is|are|was|were|i|kinda|sort)"
    r"[ \t]*(?:\.{2,}|\u2026)[ \t]*(?=[a-z])",
    re.IGNORECASE,
)


# A cross on a checklist: the answer no, before each item when the list starts with one ("✗
# fever ✗ numbness"), after each otherwise ("numb saddle ✗ bladder ✗ both legs weak ✔").
_CROSSES = frozenset("\u2717\u2718\u2716\u274c\u274e")
_CROSS = re.compile(f"[{''.join(sorted(_CROSSES))}]\ufe0f?")


def _crosses_as_answers(text: str) -> str:
    before = text.lstrip()[:1] in _CROSSES
    return _CROSS.sub(" no " if before else " no, ", text)


def fold(text: str) -> str:
    """Lower case, straight quotes, no accents; emoji for a body part, the toilet or a vehicle
    read as their words (``normalise.emoji_as_words``), a checklist's cross as its answer no,
    other emoji end a sentence, and non-Latin letters drop out; an ellipsis after a word no
    sentence ends with is a pause."""
    if ".." in text or "\u2026" in text:
        text = _PAUSE.sub(r"\1 ", text)
    if not text.isascii():
        if not _CROSSES.isdisjoint(text):
            text = _crosses_as_answers(text)
        text = _EMOJI.sub("\n", emoji_as_words(text))
        text = unicodedata.normalize("NFKD", _QUOTES.sub("'", text))
        text = text.encode("ascii", "ignore").decode("ascii")
    return text.lower()


# A checklist answered in the next sentence. A short item with no verb of its own answered no
# ("Chest pain? nope.") reads as "no chest pain"; an ability answered no ("Can you feel the paper
# when you wipe? No.") reads as "i can not feel the paper when you wipe", safety first. Any other
# question stays as it is.
_ANSWERED = re.compile(
    r"(^|[.!?;\n])(\s*)([a-z][a-z ']{0,60}?)\s*\?+\s*(?:no+|nope|nah|none|negative)[ \t]*"
    r"(?=[.!,;:\n-]|$)"
)
_ABILITY = {  # the start of a question about an ability -> the answer "no" in the first person
    ("can", "you"): "i can not",
    ("can", "i"): "i can not",
    ("could", "you"): "i can not",
    ("could", "i"): "i can not",
    ("do", "you"): "i do not",
    ("do", "i"): "i do not",
    ("are", "you"): "i am not",
    ("am", "i"): "i am not",
}
_ASKS_ITSELF = frozenset(
    "i you he she they we can could am is are was were do does did will would have has had "
    "able cannot cant not no".split()
)
CHECKLIST_WORDS = 4  # words at most in one item of such a checklist
FRAGMENT_WORDS = 2  # a "sentence" this short is read with the one before it
# A short sentence that starts with a negation answers a checklist on its own ("no fever."),
# and one that starts with a question word asks on its own ("which exercises?").
NOT_FRAGMENT = frozenset({"no", "not", "never", "nope", "nah", "none"}) | QUESTION_WORDS


def _is_item(words: list[str]) -> bool:
    """Whether a question is a checklist item: a few words and no verb of its own."""
    return len(words) <= CHECKLIST_WORDS and _ASKS_ITSELF.isdisjoint(words)


# An item asked as whether it is well ("wee ok? no", "legs fine? yes"): a no says it is not.
_WELL = frozenset("ok okay fine normal alright good".split())


def _no_instead(found: re.Match[str]) -> str:
    words = found.group(3).split()
    start = found.group(1) + found.group(2)
    ability = _ABILITY.get(tuple(words[:2]))
    if ability is not None and len(words) > 2:
        return f"{start}{ability} {' '.join(words[2:])}."
    if not _is_item(words):
        return found.group(0)
    if len(words) > 1 and words[-1] in _WELL:
        return f"{start}{' '.join(words[:-1])} not {words[-1]}:"  # (what follows tells how)
    return f"{start}no {found.group(3)}."


# The same checklist answered yes ("Numbness? Yes, in my groin since last night."): the item and
# what follows the yes are one sentence, so the sign and its place are read together.
_CONFIRMED = re.compile(
    r"(^|[.!?;\n])(\s*)([a-z][a-z ']{0,60}?)\s*\?+\s*(?:yes|yeah|yep|yup|definitely)\b[ \t,]*"
)


def _item_then(found: re.Match[str]) -> str:
    words = found.group(3).split()
    if not _is_item(words):
        return found.group(0)
    if len(words) > 1 and words[-1] in _WELL:
        return f"{found.group(1)}{found.group(2)}no {' '.join(words[:-1])}."  # ("poo ok? yes")
    return f"{found.group(1)}{found.group(2)}{found.group(3)} "


# What either pattern needs: a question mark, then an answer word. Searched first (a scan for a
# literal), because the substitutions try every sentence mark of a long message.
_MAY_BE_ANSWERED = re.compile(
    r"\?\s*(?:(?:no+|nope|nah|none|negative)[ \t]*(?:[.!,;:\n-]|$)"
    r"|(?:yes|yeah|yep|yup|definitely)\b)"
)
# A checklist answered like a form, with no question mark: each item, then its answer, between
# commas, slashes, dashes or numbers ("fever n, numbness n", "bowels - fine", "1) numbness no
# 2) ..."). An item answered no or fine reads as "no ITEM."; one answered otherwise ("legs -
# weak since sat", "fever yes, 39") stays as it is.
_LISTED_NO = re.compile(
    r"(^|[.!?;:,/\n(]|\d[).])(\s*)([a-z][a-z ']{0,40}?)"
    r"(?:(?:\s+|\s*[-:=]\s*)(?:n|no|nope|nah|none|nil|neg|negative)|\s*[-:=]\s*(?:fine|normal|ok|okay))"
    r"[ \t]*(?=[.!?;,/\n)]|\s+\d[).]|$)"
)
# ... and a row of noes for the items named after it ("n/n/n/n to your bladder, bowel ...
# questions"): "no to all", which reaches them (context.yaml).
_NOES = re.compile(r"\b(?:no|n)(?:\s*/\s*(?:no|n)\b)+")
# What a form's answer needs: an answer word before a separator or the end (a scan first).
_MAY_BE_LISTED = re.compile(
    r"\b(?:n|no|nope|nah|none|nil|neg|negative|fine|normal|ok|okay)[ \t]*"
    r"(?:[.!?;,/\n)]|\s+\d[).]|$)"
)


# Words that tell of answering, not an item answered: "... on my screening form, ticked no."
_ANSWERING = frozenset("ticked ticking clicked circled selected answered put wrote marked".split())


def _listed_no(found: re.Match[str]) -> str:
    words = found.group(3).split()
    if not _is_item(words) or not _ANSWERING.isdisjoint(words):
        return found.group(0)
    return f"{found.group(1)}{found.group(2)}no {found.group(3)}."


def answered_checklist(folded: str) -> str:
    """A folded message with each checklist item answered no written as "no ITEM.", and each
    item answered yes joined to what follows the yes; the same for a checklist answered like a
    form, without question marks."""
    if "?" in folded and _MAY_BE_ANSWERED.search(folded):
        folded = _CONFIRMED.sub(_item_then, _ANSWERED.sub(_no_instead, folded))
    if _MAY_BE_LISTED.search(folded):
        folded = _LISTED_NO.sub(_listed_no, _NOES.sub("no to all", folded))
    return folded


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


def _plain(folded: str) -> str | None:
    """The text rewritten so that ``_TOKEN`` and ``_SENTENCES`` find nothing more in it than
    words between spaces and commas, and sentences between marks; None when only they can
    tell (a letter touching a digit, "3rd"; a decimal point or comma, "38.5").

    Decided by a few substring searches over the characters' classes. An apostrophe that is not
    between two letters is part of no token ("'hip flexors'"): it becomes a space. A mark
    followed by a digit ends no sentence ("\n1. ..."): it becomes a space too."""
    classes = folded.translate(_CLASSES)
    if "a0" in classes or "0a" in classes or "0.0" in classes or "0,0" in classes:
        return None
    apostrophes = classes.count("'")
    if apostrophes and not apostrophes == classes.count("a'") == classes.count("'a"):
        pieces = folded.split("'")
        kept = [pieces[0]]
        for before, after in pairwise(pieces):
            kept.append("'" if before[-1:].isalpha() and after[:1].isalpha() else " ")
            kept.append(after)
        folded = "".join(kept)
    if ".0" in classes:
        folded = _MARK_DIGIT.sub(" ", folded)
    return folded


def tokenise(text: str, contractions: Mapping[str, tuple[str, ...]]) -> Tokens:
    """Split a message into words and sentences, contractions written out.

    What a token is, is ``_TOKEN`` within a sentence of ``_SENTENCES``; this gets the same
    tokens faster: one ``translate`` turns every character that no token has into a space (and
    a comma gets spaces around it), so that words are split by ``str.split``. In a ``_plain``
    text (most messages) every sentence mark ends a sentence, so the marks become line breaks,
    for ``splitlines``. Otherwise the sentences are split by ``_SENTENCES``, and a sentence with
    an apostrophe or a digit, where the pattern decides more ("38.5", "3rd"), by ``_TOKEN``.
    """
    words: list[str] = []
    sentences: list[int] = []
    folded = answered_checklist(fold(text))
    plain = _plain(folded)
    digits = plain is None and _DIGIT.search(folded) is not None
    ends: list[str] = []  # each part's closing marks, when the message asks anything
    if plain is not None and "?" not in plain:
        parts = plain.translate(_LINES).replace(",", " , ").splitlines()
    elif plain is not None:
        # (the marks kept: which sentences asked; no mark in a plain text comes before a digit)
        pieces = _MARK_RUN.split(plain.translate(_SPACED).replace(",", " , "))
        parts, ends = pieces[0::2], pieces[1::2]
    else:
        if digits and _DIGIT_COMMA.search(folded):
            folded = _DECIMAL_COMMA.sub(".", folded)
        spaced = folded.translate(_SPACED).replace(",", " , ")
        parts = _SENTENCES.split(spaced)
        if "?" in folded:
            ends = _SENTENCES.findall(spaced)
    asking: set[int] = set()
    number = 0
    opening = ""  # the first word of the sentence before
    known = contractions.keys()
    for index, part in enumerate(parts):
        apostrophe = "'" in part
        if plain is None and (apostrophe or (digits and _DIGIT.search(part))):
            found = _TOKEN.findall(part)
        else:
            found = part.split()
        if not found:
            continue
        # A fragment of a word or two ("Nothing.", "Still can't.", "Gone now.") belongs to the
        # sentence before it: people who write in fragments tell one thing across them; not to
        # a checklist's answer no ("no bowels. bladder leaking": another item).
        first = next((word for word in found if word != ","), "")
        fragment = (
            number > 0
            and len(found) - found.count(",") <= FRAGMENT_WORDS
            and first not in NOT_FRAGMENT
            and opening not in NOT_FRAGMENT
        )
        opening = first
        if fragment:
            number -= 1
        if apostrophe or not known.isdisjoint(found):
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
        if index < len(ends) and "?" in ends[index]:
            asking.add(number)
        number += 1
    return Tokens(tuple(words), tuple(sentences), frozenset(asking))
