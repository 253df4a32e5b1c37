"""Text normalisation shared by the matcher, the safety check and the knowledge validator.

People type with emoji, curly quotes, shouting and typos; every comparison in the bot goes through
these few functions so that "Hip-Flexor STRETCH?? 🙏" and "hip flexor stretch" look the same.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from bot.core.asking import COURTESIES

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
# For ASCII text, fold() is one translate: letters and digits stay, ' and - stay, the rest
# (punctuation, symbols, controls, whitespace) becomes a space, as the general path does.
_ASCII_FOLD = {
    code: " " for code in range(128) if not chr(code).isalnum() and chr(code) not in "'-"
}
# The same for ASCII text as bytes (a table of 256 bytes, upper case lowered too): one
# ``bytes.translate`` is ~5x faster than ``str.translate`` with a dictionary, and folding is a
# fifth of building a large knowledge base (every phrasing is folded by the loader, the matcher
# and the safety screen).
_ASCII_FOLD_BYTES = bytes(
    32 if code in _ASCII_FOLD else ord(chr(code).lower()) if code < 128 else code
    for code in range(256)
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# A number run into its unit ("10hrs", "30secs", "20mins"), not an ordinal ("3rd", "2nd") nor
# a count of times ("3x a week", read whole as a frequency).
_UNIT = re.compile(r"\b(\d+)(?!(?:st|nd|rd|th|x)\b)([a-z]+)\b")
_DIGIT_LETTER = re.compile(r"\d[a-z]")
_SPACES = re.compile(r"\s+")

# Contractions are expanded before tokenising so "can't" keeps its negation and "what's" its verb.
_CONTRACTIONS = {
    "can't": "can not",
    "cannot": "can not",
    "won't": "will not",
    "n't": " not",
    "'re": " are",
    "'s": "",
    "'m": " am",
    "'ll": " will",
    "'ve": " have",
    "'d": " would",
}

# Function words carry no topic; removing them lets the matcher weigh the words that do.
STOPWORDS = (
    frozenset(
        """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his i if in into is it its itself
    just me more most my myself nor of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were which while whom will with would you
    your yours yourself yourselves im ive id youre theyre theyve hey hi hello
    pls plz please thanks thank thx ok okay really actually like just also get gets got getting
    gonna wanna gotta kinda sorta u ur r ya yes yeah yep bit lot lots thing things stuff someone
    somebody anyone anything something tell know want need would could might may must shall let
    one ones much many honestly basically literally seriously quick question questions guys anyway
    lets us maybe probably um uh hmm lol tbh idk imo btw pretty quite bot think guess mine yours
    tho though else ngl reckon wondering wonder wondered curious supposed meant gimme specifically
    unrelated separate separately totally anyways kno knw aint merely whatsoever ought upon
    meanwhile wish wishes wished perform performs performed performing typical typically usual
    smth sth somethin entirely em till til b4 thats theres heres actual understood noted
    sensible reasonable wise worthwhile forgotten earlier already silly total overall altogether
    wait yay sorry nah ugh omg haha hahaha lmao lmfao oh ooh wow alright abt thru dumb oops
    whoops yikes jeez gosh hehe roughly approximately approx forgot forget ask
    kindly perhaps rather indeed certainly definitely def defo deffo appropriate sufficient
    couple several option options
    acceptable obliged tend tends tended tending
    sup instead mainly mostly primarily chiefly largely realistically genuinely eh man itd without
    general generally particular particularly specific sure full
    yaar bhai ji ko ka ki ke bhi yaani yani
    fr frfr lowkey highkey istg deadass bruh bro rn fam innit bruv smh imho
    lunch lunchtime workday workdays weekday weekdays nuisance shift shifts
    lah leh lor sia hor liao po naman ba kasi talaga sige eish ja ah na ang ng mga sa yung yun mag
    pwede puwede
    trainer trainers instructor instructors coach coaches teacher teachers
    lad lads mates dude dudes pal fella fellas buddy hun hon chief
    dear darling sweetheart sweetie luv
    suppose supposing guessing cool remind suffice suffices
    bogus rubbish nonsense scam legit bs hogwash woo overrated pointless hippie hippy useful useless
    mum mom mam dad father mother wife husband hubby son daughter partner boyfriend girlfriend
    grandma grandad grandpa granny nan mate carer grandson granddaughter old
    wants wanted wanting knows knowing knew needs needed needing tells telling thinks thinking
    """.split()
    )
    | COURTESIES
)
# Question words are kept on purpose: "what are", "how often", "why does" and "who should I see"
# are what tells a definition from a mechanism, a frequency or a referral.

_stemmer = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower-case, straighten quotes and dashes, drop accents, emoji and symbols; collapse spaces.

    The result keeps sentence punctuation as spaces so regexes in the knowledge base can rely on
    single spaces between words.
    """
    if text.isascii():  # only spaces are left between words: ``split`` collapses them
        return " ".join(text.encode().translate(_ASCII_FOLD_BYTES).decode().split())
    return fold_unicode(text)


def fold_unicode(text: str) -> str:
    """``fold`` for any text (``fold`` takes a shortcut for ASCII): the emoji of ``EMOJI_WORDS``
    written as their words, then after the normal forms each non-ASCII character is looked at
    alone (``_fold_char``); ASCII ones as in ``fold``."""
    text = unicodedata.normalize("NFKC", emoji_as_words(text)).translate(_QUOTES).lower()
    decomposed = unicodedata.normalize("NFKD", text)
    folded = _NON_ASCII.sub(_fold_match, decomposed).translate(_ASCII_FOLD)
    return _SPACES.sub(" ", folded).strip()


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Emoji people type in place of a word for the body, the toilet or a vehicle ("numb 🍑 since
# yesterday", "came off my 🚲"): read as that word, so the safety check and the matcher see it.
EMOJI_WORDS = {
    "\U0001f351": " bum ",  # peach
    "\U0001f346": " penis ",  # aubergine
    "\U0001f4a9": " poo ",  # pile of poo
    "\U0001f6bd": " toilet ",  # toilet
    "\U0001f9b5": " leg ",  # leg
    "\U0001f9b6": " foot ",  # foot
    "\U0001f9fb": " toilet paper ",  # roll of paper
    "\U0001f4a6": " wee ",  # sweat droplets, the coy word for a wee ("i 💦 myself")
    "\U0001f6b2": " bike ",  # bicycle
    "\U0001f697": " car ",  # car
    "\U0001f3cd": " motorbike ",  # motorcycle
}
_EMOJI_TABLE = str.maketrans(EMOJI_WORDS)
# The emoji (as character ranges for a regex class) that end a sentence of a chat message, for
# the matcher and the safety check alike: "... while i was flailing 😂 could you explain ...".
EMOJI_RANGES = "\U0001f300-\U0001faff\u2600-\u27bf"


def emoji_as_words(text: str) -> str:
    """``text`` with each emoji of ``EMOJI_WORDS`` written as its word."""
    # (searched first: ``translate`` with a table of longer strings looks up every character)
    if not any(emoji in text for emoji in EMOJI_WORDS):
        return text
    return text.translate(_EMOJI_TABLE)


def _fold_match(match: re.Match[str]) -> str:
    return _fold_char(match.group())


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One non-ASCII character folded: accents dropped ("é" -> "e" after NFKD), letters and
    digits kept, spaces, punctuation, symbols and controls turned into a space, the rest
    dropped."""
    category = unicodedata.category(char)
    if category == "Mn":  # combining accents
        return ""
    if category[0] in "LN":
        return char
    if char.isspace() or category[0] in "PSZC":
        return " "
    return ""


# Negations typed without their apostrophe ("dont", "cant"): the "not" changes the question
# ("what if the stretches dont help" is not "what stretches help").
_BARE_NEGATIONS = {
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "cant": "can not",
    "wont": "will not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "shouldnt": "should not",
    "couldnt": "could not",
    "wouldnt": "would not",
}
_BARE_NEGATION = re.compile(rf"\b(?:{'|'.join(_BARE_NEGATIONS)})\b")


def _bare_negation(found: re.Match[str]) -> str:
    return _BARE_NEGATIONS[found.group()]


def expand_contractions(folded: str) -> str:
    """Expand English contractions ("can't", "cant" -> "can not") in already folded text."""
    if "nt" in folded:
        folded = _BARE_NEGATION.sub(_bare_negation, folded)
    if "'" not in folded and "cannot" not in folded:
        return folded  # every other contraction has an apostrophe
    for short, long in _WHOLE_CONTRACTIONS:
        folded = short.sub(long, folded)
    return _SUFFIX.sub(_suffix, folded)


def _suffix(found: re.Match[str]) -> str:
    return _CONTRACTIONS[found.group()]


# The steps of expand_contractions: whole words first ("can't", "won't": only as words), then
# the suffixes in one pass, each only at the end of a word ("they're", not the quote mark that
# opens "'release your hips'"). Compiled once, not looked up in re's cache for every text.
_WHOLE_CONTRACTIONS = [
    (re.compile(rf"\b{re.escape(short)}\b"), long)
    for short, long in _CONTRACTIONS.items()
    if not short.startswith(("'", "n'"))
]
_SUFFIX = re.compile(
    r"(?<=[a-z0-9])(?:"
    + "|".join(re.escape(s) for s in _CONTRACTIONS if s.startswith(("'", "n'")))
    + r")(?![a-z])"
)


def split_units(folded: str) -> str:
    """A folded text with each number run into its unit apart: "10hrs a day" is "10 hrs a day"
    (a known word beside a number, not an unfamiliar one)."""
    if _DIGIT_LETTER.search(folded) is None:  # (most messages: one scan, no rewrite)
        return folded
    return _UNIT.sub(r"\1 \2", folded)


def words(text: str) -> list[str]:
    """Split text into lower-case word tokens (after folding and contraction expansion)."""
    return list(_words(text))


@lru_cache(maxsize=64)
def _words(text: str) -> tuple[str, ...]:
    # Cached: one message is split by small talk, the matcher, the language check and the
    # interpreter; folding it once is enough (64 texts: a few messages with their sentences).
    folded = expand_contractions(fold(text)).replace("-", " ")
    folded = split_units(folded)
    if "'" not in folded and text.isascii():  # only [a-z0-9] words between spaces are left
        return tuple(folded.split())
    return tuple(_WORD.findall(folded))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Reduce a word to its stem so "stretches", "stretching" and "stretched" compare equal."""
    return str(_stemmer.stemWord(word))


def is_stopword(word: str) -> bool:
    """True for function words that say nothing about the topic of a question."""
    return word in STOPWORDS


def simplify(text: str) -> str:
    """Lower-case and straighten quotes and dashes, keeping punctuation (for safety regexes)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return _SPACES.sub(" ", text).strip()
