"""Whether a sentence asks something, read from its first words: shared by the red-flag check
(is there a question besides the one about a sign?) and the reading of a message (which of its
sentences is the question?), so that both tell a question from a statement the same way.
People often leave out the question mark ("how long do I hold it"), and a question mark is
sometimes only a tone of voice ("just muscle fatigue i guess?")."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ASKING",
    "COURTESIES",
    "OPENERS",
    "QUESTION_WORDS",
    "first_word",
    "may_open_a_question",
    "opens_a_question",
]

# Greetings and words of thanks or praise before what is asked ("howzit, how many days a week
# ...", "lovely, which poses?"): they open a question, and say nothing about its subject (the
# matcher's stop words have them too).
COURTESIES = frozenset(
    "hi hey hello hiya heya howdy howzit hullo hallo yo gday please pls plz sorry thanks thx "
    "sweet nice awesome brilliant lovely ta grand fab gotcha righto aye great perfect".split()
)
# Little words that open a new thought before the question itself ("anyway, does cycling ...").
OPENERS = COURTESIES | frozenset(
    "anyway anyways so and but also ok okay well right oh btw then now cheers like".split()
)
QUESTION_WORDS = frozenset("what which when how why who where".split())
# Verbs that ask when they open a sentence ("tell me ...", "share the exercise list pls").
_ASKING_VERBS = frozenset(
    "tell show give explain share send suggest recommend list describe teach walk".split()
)
# A first word that asks: a question word, or a verb that asks ("is it ...", "tell me ...").
ASKING = (
    QUESTION_WORDS
    | _ASKING_VERBS
    | frozenset("is are does do should can could would will any best".split())
)
# First words that ask as often as they start a statement ("when I sit, it aches", "will do")
# or only add to a question before them ("... how does it cause the ache? explain like I'm 5").
_ALSO_STATEMENTS = _ASKING_VERBS | frozenset({"when", "will", "any", "best"})
# The subjects a negative question puts after its verb ("isn't it", "don't you", "can't I").
_SUBJECTS = frozenset("i you it we they he she that this there".split())


def first_word(words: Sequence[str]) -> str:
    """The first word after the openers ("" when there is none)."""
    for word in words:
        if word not in OPENERS:
            return word
    return ""


def opens_a_question(words: Sequence[str]) -> bool:
    """Whether a sentence starts the way only a question does ("how long do I hold it"), with
    or without its question mark; not "when I sit ..." (a statement as often as a question)."""
    word = first_word(words)
    if word not in ASKING or word in _ALSO_STATEMENTS:
        return False
    # "can't", read as "can" and "t", tells ("can't see past the baby carrier"), as "cant" does;
    # it asks only before its subject ("can't I do it lying down").
    at = words.index(word)
    after = words[at + 1 : at + 3]
    return not (after[:1] == ["t"] and after[1:2] != [] and after[1] not in _SUBJECTS)


def may_open_a_question(words: Sequence[str]) -> bool:
    """Whether a sentence starts the way a question can, statements that start the same way
    included ("will yoga help my hips", "any tips", "tell me ..."): for a sentence already
    known to be asking something, or a clause after one that only told of something."""
    return first_word(words) in ASKING
