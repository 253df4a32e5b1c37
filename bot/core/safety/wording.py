"""What the words of a message's sentences say around its red-flag mentions.

Whether a sentence asks something, or asks only what a sign means; whether a word list a flag
needs is said rather than negated; and what is left of the message for the matcher once the
words of the mentions ruled out or asked about are dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import pairwise

from bot.core.asking import ASKING, OPENERS, QUESTION_WORDS, first_word
from bot.core.safety.patterns import Document, Hit
from bot.core.safety.tokens import Tokens

_COMMAS = re.compile(r"(?: ,)+")  # the commas left where dropped words were, as one

__all__ = [
    "NEGATIONS",
    "about_the_word",
    "affirmed",
    "asked_from",
    "asks",
    "joined",
    "kept",
    "question_of",
    "sentence_of",
    "without",
]

# A question about what a sign just named means or comes from: a word pointing back, and one
# about meaning or cause.
_BACK = frozenset("that this it those these".split())
_MEANING = frozenset("mean means meaning meant term word phrase called cause causes caused".split())
# Words that say a thing is absent: "no red flags" says there are none.
NEGATIONS = frozenset({"no", "not", "never", "without", "zero", "none"})
# Words that turn a sentence to something else: what comes after them is not the question about
# the sign ("if i ever lost feeling in my legs i'd go to hospital, but for normal tightness ...").
_TURNS = frozenset("but however although though except whereas anyway so also plus btw".split())
# A sentence that opens with a wish asks for something ("just want the best stretches").
_REQUESTS = frozenset("want need wanted needed looking".split())
_BEFORE_A_REQUEST = frozenset("i just really only would am also".split())


def affirmed(document: Document, name: str) -> bool:
    """Whether a word list a flag needs occurs other than just after a negation (one word
    between at most): "cancer survivor, no pain", "all clear, no back pain" have no pain for
    the cancer history to go with. The same holds for each part of it after a gap: "my son has
    a fever, no back pain" tells of no pain of his."""
    words, sentences = document.tokens.words, document.tokens.sentences

    def negated(at: int) -> bool:
        return not NEGATIONS.isdisjoint(
            words[i]
            for i in range(max(0, at - 2), at)
            if sentences[i] == sentences[at]  # ("could not go. belly is bloated")
        )

    return any(
        not negated(hit.start)
        # (each part that starts after a gap: its own words are in order)
        and not any(negated(i) for before, i in pairwise(hit.own) if i > before + 1)
        for hit in document.concept(name)
    )


# Words after a "which" inside a sentence that tell more of what came before it ("on placement
# in A&E, which is full on"): no question, unless a judgement follows ("... which is better").
_TOLD_AFTER_WHICH = frozenset("is was has had means meant makes made".split())
_JUDGED = frozenset(
    "best better worse worst right wrong safe safer safest easy easier easiest hard harder "
    "good bad ok okay more most less least normal".split()
)


def asks(words: Sequence[str]) -> bool:
    """Whether a sentence's words ask something: a question word anywhere ("so how often
    ...?"), a first word that asks ("is it ...", "tell me ...", "best stretches?"), after the
    little words that open a new thought ("anyway, does cycling ...?"), or a request ("just
    want the best stretches", "i really need some tips")."""
    if first_word(words) in ASKING:
        return True
    if any(word in QUESTION_WORDS and not _tells_more(words, i) for i, word in enumerate(words)):
        return True
    return next((w for w in words if w not in OPENERS and w not in _BEFORE_A_REQUEST), "") in (
        _REQUESTS
    )


def _tells_more(words: Sequence[str], index: int) -> bool:
    """Whether the "which" at ``index``, inside a sentence, tells more of what came before it
    ("which is full on"), not asks ("which is better")."""
    after = words[index + 1 : index + 3]
    return (
        words[index] == "which"
        and index > 0
        and len(after) == 2
        and after[0] in _TOLD_AFTER_WHICH
        and after[1] not in _JUDGED
    )


def asked_from(tokens: Tokens, start: int) -> int:
    """Where a clause starting at ``start`` begins with the question word just before it in
    its sentence (a question word ends a trigger's reach, so it opens a clause of its own)."""
    before = start - 1
    if (
        before >= 0
        and tokens.words[before] in QUESTION_WORDS
        and tokens.sentences[before] == tokens.sentences[start]
    ):
        return before
    return start


def about_the_word(words: Sequence[str]) -> bool:
    """Whether a sentence asks only what the sign just named means or comes from ("what does
    that term actually mean?", "what causes it?"): a pronoun and a word about meaning or cause."""
    return not _BACK.isdisjoint(words) and not _MEANING.isdisjoint(words)


# How many words before an "any" a negation still denies what follows it ("none of my dancers
# have any red flags").
_DENIED_REACH = 5  # (six words in all: the one just before the "any" and five more)


def denied(tokens: Tokens, hit: Hit, sentence: range) -> bool:
    """Whether a hit is said not to be there: a negation just before it ("no red flags"), or
    before the "any" before it, with no question word between ("none of my dancers have any
    red flags"; not "if it does not ease, what red flags ...")."""
    words = tokens.words
    if hit.start > sentence.start and words[hit.start - 1] in NEGATIONS:
        return True
    if hit.start <= sentence.start or words[hit.start - 1] != "any":
        return False
    before_any = hit.start - 2
    for position in range(before_any, max(sentence.start, before_any - _DENIED_REACH) - 1, -1):
        if words[position] in QUESTION_WORDS:
            return False
        if words[position] in NEGATIONS:
            return True
    return False


def turns_to_ask(tokens: Tokens, hit: Hit, sentence: range) -> bool:
    """Whether the sentence of a hit turns, after it, to a question of its own ("we learned the
    red flags in a lecture, anyway can sitting tighten my hips?"), the words before the turn
    asking nothing: the hit is then a remark, not what is asked."""
    words = tokens.words
    for turn in range(hit.end, sentence.stop):
        if words[turn] in _TURNS:
            before, after = words[sentence.start : turn], words[turn + 1 : sentence.stop]
            return asks(after) and not asks(before)
    return False


def sentence_of(tokens: Tokens, hit: Hit) -> range:
    """The positions of the sentence a hit is in."""
    number = tokens.sentences[hit.start]
    start = bisect_left(tokens.sentences, number)
    return range(start, bisect_right(tokens.sentences, number))


def question_of(tokens: Tokens, hit: Hit, clause: range) -> range:
    """The positions of the question a hit is asked in: its sentence, up to where the
    sentence turns to something else just after the hit's clause."""
    sentence = sentence_of(tokens, hit)
    stop = clause.stop
    words = tokens.words
    while stop < sentence.stop and words[stop] == ",":
        stop += 1
    if stop < sentence.stop and words[stop] in _TURNS:
        return range(sentence.start, clause.stop)
    return sentence


def kept(tokens: Tokens, dropped: set[int], commas: bool = False) -> dict[int, list[str]]:
    """The words not dropped (commas aside, unless ``commas``), by sentence."""
    sentences: dict[int, list[str]] = {}
    for position, word in enumerate(tokens.words):
        if position not in dropped and (commas or word != ","):
            sentences.setdefault(tokens.sentences[position], []).append(word)
    return sentences


def joined(sentences: dict[int, list[str]]) -> str:
    """Sentences of words as one text, a full stop between them."""
    return ". ".join(" ".join(words) for words in sentences.values() if words)


def without(tokens: Tokens, dropped: set[int]) -> str:
    """The words not dropped, sentence by sentence, with their commas ("while i was mopping i
    wondered, how often ...": the reader finds the question in its clause) and the question
    marks that ended them (the reader finds the question there); "" when nothing would be
    left."""
    pieces = []
    for number, words in kept(tokens, dropped, commas=True).items():
        text = _COMMAS.sub(",", " ".join(words)).strip(" ,")
        if text:
            pieces.append(text + ("?" if number in tokens.asking else "."))
    return " ".join(pieces).removesuffix(".")
