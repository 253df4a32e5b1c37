"""Read a message against what came before it: the detail it asks ("how long do I hold it?"),
the option it picks from the last list ("the second one"), the topic it follows.

``understanding`` decides what a message asks for; this module answers the questions it puts
about what came before: which detail a message asks, which option it names, whether it reads
as a follow-up on the topic just talked about, and which topics to offer when a follow-up has
nothing to follow. A detail ("hold", "reps", ...) is answered from the entry's ``details``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain, islice

from bot.core.answering.context import Conversation
from bot.core.answering.index import PhraseFinder
from bot.core.answering.match_result import Band, Match
from bot.core.answering.matching import Matcher
from bot.core.answering.reading import Reading, entry_reading
from bot.core.answering.scope import Scope
from bot.core.answering.sentences import REFERS
from bot.core.answering.term_analysis import PLURAL
from bot.core.answering.term_model import QUESTION_WORDS
from bot.core.knowledge import Entry, FollowUp, KnowledgeBase
from bot.core.replies import to_plain

NAMED = " named"  # (a note for ``ask --explain``)
_THE_OTHER = frozenset("the other one".split())  # words that ask for another, not what of
REFERENT_FACTOR = 0.5  # weight of the previous topic's words added to a follow-up
# An exercise described by what is done in it, in place of its name ("the one where you lie
# down and lift your hips up, how many do i do?"): a topic of its own, nothing to ask back.
DESCRIBED = re.compile(
    r"\b(?:the|that|this) (?:one|stretch|exercise|pose|move) (?:where|when|that|with) "
)
MAX_UNFAMILIAR = 0.34  # share of a follow-up's own words that may be unknown
MAX_SUGGESTIONS = 3
FOLLOW_UP_WORDS = 3  # content words of a follow-up besides the detail it asks ("which knee first")
DESCRIBING_WORDS = 2  # content words that may describe an exercise in place of its name

MIDDLE = 99  # "the middle one": the option in the middle of a list of odd length
ORDINALS = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    "last": -1,
    "final": -1,
    "middle": MIDDLE,
}
_NUMBERED = re.compile(
    r"\b(?:number|no|num|option|#)\s*([1-9])\b|^\s*([1-9])\s*$|"
    # a bare number asked about ("explain #2", its mark read away): the option of that number
    r"^\s*(?:(?:and|ok|okay|so|now)\s+)?(?:explain|describe|show me|tell me about|what about|"
    r"how about)\s+([1-9])\s*$"
)
_NUMBER_WORDS = {"one": 0, "two": 1, "three": 2, "four": 3, "five": 4}
# "number two" (never "no one": "no" before a digit only, "no. 2")
_NUMBERED_WORD = re.compile(r"\b(?:number|num|option) (" + "|".join(_NUMBER_WORDS) + r")\b")
# An ordinal with "one", "of those" or "on the list", or a number, always points at an option
# ("wait, what was the second one again?", "explain the first of those"), whatever else the
# message says; a bare ordinal may be part of another question
# ("what's the first step to a pain-free back").
_OF_THE_LIST = r"(?:of|on|in) (?:those|them|these|(?:the|your|that) list)"
_EXPLICIT = re.compile(
    rf"\b(?:{'|'.join(ORDINALS)}) (?:one|{_OF_THE_LIST})\b|"
    + _NUMBERED.pattern
    + "|"
    + _NUMBERED_WORD.pattern
)
NO_LIST = ("",) * 9  # stands for "a list" when checking whether a message is only a reference
# Words that point back at one thing said before ("how often do I do it?"): with nothing said
# before, the message has to be asked back. A plural ("how often do I do them?") means the
# exercises as a whole, which a detail's own entry answers.
POINTS_BACK = re.compile(r"\b(?:it|this|that|this one|that one)\b")
_PLACE = "(?:first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)"  # in a list
# Ordinals in phrases that point at no option.
_NO_ORDINAL = re.compile(
    r"\b(?:in the first place|in first place|at first|first thing|first of all|for the first time|"
    r"the first time|first time|at last|at long last|last night|last week|last month|"
    r"last year|last time|last weekend|last but not least|"
    # "i should have asked this first": when something was done, not an option
    r"(?:asked|ask|said|mentioned|done|did|read|tried) (?:this |that |it )?first|"
    # "pay for a third one", "hold it for a second", "a second opinion": any one, not an option
    r"a (?:first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|final|middle)|"
    # "i have the second and the fourth one": signs of the answer the person has, not options
    rf"(?:have|got|get|had) the {_PLACE}(?:(?: one)?(?: ,| and| &) the {_PLACE})*|"
    # "third day now", "my second week of it": a count of days or goes, not an option
    rf"{_PLACE} (?:day|days|week|weeks|night|nights|session|sessions|go|attempt|try|round|month)"
    r"(?= now| so far| today| of| in\b| and| ,|$)|"
    # "how many second i keep it?": a unit of time missing its plural, not an option
    r"(?:many|few|couple|\d+) second|"
    # "how long will it last": the verb
    r"(?:will|would|does|do|did|it|they|to|can|should|usually|normally) last|"
    # "that last stretch": the one just described, the topic (not the last option shown)
    r"(?:that|this) last (?:stretch|exercise|pose|move)|"
    # "last thing, should i ...": a question announced as the last one, not the last option
    r"(?<!the )(?:last|final) (?:thing|question|q)(?! you)|"
    # "first" as "before anything else": "wait, first explain me why ...", "but first, tell me"
    r"(?:but|wait|ok|okay|so) first|first (?:explain|tell|show|let|can|could|please|pls)|"
    # "first" as "before the other": "which knee comes forward first", "what goes down first"
    r"(?:forward|forwards|down|up|out|over|front|goes|go|comes|come|bends|bend|moves|move|do) "
    r"first|"
    # "which poses should i try first": where to start, not the first option shown
    r"(?:try|start|begin|learn|practise|practice) (?:with )?first|"
    # "the second thing you said": a part of the answer, not an option shown after it
    r"(?:first|second|third|last|1st|2nd|3rd) (?:thing|point|bit|part|sign) you "
    r"(?:said|mentioned|wrote|listed|described)|"
    # "go over the middle part again": a part of the answer; "my first message": the writer's
    r"(?:first|second|third|middle|last|1st|2nd|3rd|final) (?:part|bit|paragraph|section)|"
    r"(?:my|the) (?:first|1st|last|previous|earlier) (?:message|msg|question|post|text)|"
    # "going back to my first worry": the writer's own, not an option shown
    r"my (?:first|1st|last|earlier) (?:worry|worries|concern|point|query|problem|issue|thought)"
    r")\b"
)
_ORDINAL = re.compile(r"\b(" + "|".join(ORDINALS) + r")\b")
# Words that only add emphasis: they may stand inside a phrase that asks a detail ("what do I
# actually do about it?", "how long do I really hold it?").
_FILLER_WORD = re.compile(r"\b(?:actually|really|even|exactly|honestly|basically|properly)\b")
# Someone else asked about, in the words of a question for oneself: "does he" -> "do i".
_THIRD_PERSON = re.compile(r"\b(?:he|she|his|her)\b")
# What points back at something said before, without "they" (``REFERS`` has it): "they" names
# people as often as things ("they hurt in her work shoes" is her own subject, not ours).
_POINTS_BACK_ANY = re.compile(r"\b(?:it|this|that|them|those|these)\b")
_AS_MINE = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"\b(?:does|did) (?:he|she)\b", "do i"),
        (r"\b(?:is|was) (?:he|she)\b", "am i"),
        (r"\b(?:has|had) (?:he|she)\b", "have i"),
        (r"\b(?:he|she) (?:is|was)\b", "i am"),
        (r"\b(?:he|she) (?:has|had)\b", "i have"),
        (r"\b(?:he|she) (?:does|did)\b", "i do"),
        (r"\b(?:he|she)\b", "i"),
        (r"\b(?:his|her)\b", "my"),
    )
)
# Words that take back what came before them: "the 2nd. no sorry, the 1st".
_CORRECTION = re.compile(r"\b(?:sorry|no wait|wait|actually|i mean|i meant|scratch that)\b")


@dataclass(frozen=True)
class Cue:
    """The detail a message asks about, and the words that ask it."""

    follow_up: FollowUp
    phrases: tuple[str, ...]  # every detail phrase found in the message
    terms: frozenset[str] = frozenset()  # their content terms ("long" of "how long")
    fillers: tuple[str, ...] = ()  # words of emphasis left aside ("exactly" of "where exactly")


class FollowUpReader:
    """Reads messages against what came before, for one knowledge base."""

    def __init__(self, kb: KnowledgeBase, matcher: Matcher, scope: Scope) -> None:
        self.kb = kb
        self.matcher = matcher
        self._scope = scope
        self._follow_ups = {follow_up.name: follow_up for follow_up in kb.follow_ups}
        with_detail: dict[str, list[str]] = {}  # detail name -> its entries, in menu order
        for entry in kb.ordered():  # (one walk over the entries, not one per detail name)
            for name in {name for name, _ in entry.details}:
                if entry.detail(name):
                    with_detail.setdefault(name, []).append(entry.id)
        self._with_detail = {name: tuple(ids) for name, ids in with_detail.items()}
        asks: dict[str, str] = {}
        for follow_up in kb.follow_ups:
            for phrase in follow_up.asks:
                asks.setdefault(without_fillers(matcher.canonical(phrase)), follow_up.name)
        self._asks = asks
        self._asks_finder = alternation(asks)
        self._exercises = frozenset(entry.id for entry in kb.exercises())

    def cue(self, canonical: str) -> Cue | None:
        """The detail a message asks about (the longest phrase that asks one wins); asked for
        someone else in the words one asks for oneself ("what should he be doing about it?")
        when the message asks none for the writer."""
        if self._asks_finder is None:
            return None
        found = self._cue(canonical)
        # (of something said before: "what should she be doing about it?"; not "what she can
        # do about her corns", a subject of her own)
        if (
            found is None
            and _THIRD_PERSON.search(canonical) is not None
            and _POINTS_BACK_ANY.search(canonical) is not None
        ):
            as_mine = canonical
            for pattern, words in _AS_MINE:
                as_mine = pattern.sub(words, as_mine)
            found = self._cue(as_mine)
        return found

    def _cue(self, canonical: str) -> Cue | None:
        assert self._asks_finder is not None
        fillers = tuple(_FILLER_WORD.findall(canonical))
        canonical = without_fillers(canonical) if fillers else canonical
        # Phrases may overlap: "the other" (of "the others") and "other leg" in "now the other
        # leg?"; each start is searched. The longest wins; of two as long, the first, unless
        # the later one overlaps it and so says one word more.
        spans = self._asks_finder.every_start(canonical)
        if not spans:
            return None
        # A detail taken back is not asked: "meant how long do i hold it, not how often".
        asked = [span for span in spans if not canonical[: span[0]].endswith(_TAKEN_BACK)]
        spans = asked or spans
        # A detail asked beside a wish for the whole answer again ("too long, how many reps?"):
        # the detail is what is wanted.
        specific = [
            span
            for span in spans
            if not self._follow_ups[self._asks[canonical[span[0] : span[1]]]].yields
        ]
        spans = specific or spans
        best = spans[0]
        for span in spans[1:]:
            longer = span[1] - span[0] - (best[1] - best[0])
            if longer > 0 or (longer == 0 and span[0] < best[1]):
                best = span
        # The words that ask are those of the phrases found one after the other, and the one
        # that wins (not every overlapping phrase: "each leg go" is not three words that ask).
        found = [canonical[start:end] for start, end in self._asks_finder.separate(canonical)]
        longest = canonical[best[0] : best[1]]
        if longest not in found:
            found.append(longest)
        terms = frozenset(t for p in found for t in self._terms(p)) - QUESTION_WORDS
        return Cue(self._follow_ups[self._asks[longest]], tuple(found), terms, fillers)

    def unasked(self, canonical: str) -> str:
        """The message without the phrases that ask a detail ("which side first" is no
        ordinal). Its words of emphasis stay: "actually" also takes back an ordinal ("the
        second one. actually the first")."""
        return self._asks_finder.replaced(canonical, " ") if self._asks_finder else canonical

    def clarify(
        self, canonical: str, cue: Cue, own: Match, whole: Callable[[], Match], unfamiliar: float
    ) -> Reading | None:
        """A follow-up with nothing to follow ("how long do I hold it?" as a first message, or
        after the conversation expired): ask back which topic is meant, offering the entries
        that have the detail asked, rather than pick one. Not when the message names its
        topic itself (one of an entry's key words, or what it looks like: "the one where you
        lie down and lift your hips"), says more than a follow-up does ("what's the
        best position to sleep in with back pain?"), brings words of another subject, or asks a
        detail with an entry of its own without pointing back at one thing ("how often?", "how
        often do I do them?"). ``whole``: the match with the words that ask the detail, made
        only when needed."""
        content = [t for t in own.terms if t not in QUESTION_WORDS]
        if (
            unfamiliar > MAX_UNFAMILIAR
            or len(content) > FOLLOW_UP_WORDS
            or self._scope.any_keyword_found(own.terms)
            or DESCRIBED.search(canonical) is not None
            or self._exercise_described(own, content)
        ):
            return None
        follow_up = cue.follow_up
        if follow_up.default is not None and not POINTS_BACK.search(canonical):
            return None
        found = whole()
        having = self.having(found, follow_up.name, MAX_SUGGESTIONS + 1)  # one may be the default
        if follow_up.default is not None and follow_up.default in self.kb.entries:
            having = [follow_up.default, *(e for e in having if e != follow_up.default)]
        if not having:
            return None
        note = f"a follow-up on {follow_up.name} with nothing to follow"
        default = follow_up.default
        if default is not None and (having == [default] or follow_up.alone_default):
            # one entry, or the default said to answer alone: its answer, not a question
            return entry_reading(self.kb, default, follow_up.name, found, note)
        return Reading(
            "clarify", options=tuple(having[:MAX_SUGGESTIONS]), match=found, notes=(note,)
        )

    def _exercise_described(self, own: Match, content: list[str]) -> bool:
        """Whether the words besides the detail describe one exercise the matcher is sure of
        ("lying on my back lifting my hips up, how many times?"): its topic, nothing to ask."""
        best = own.best
        return (
            best is not None
            and own.band is Band.CONFIDENT
            and len(content) >= DESCRIBING_WORDS
            and self.kb.entries[best.entry_id].kind == "exercise"
        )

    def follow(
        self,
        text: str,
        cue: Cue | None,
        topic: str,
        story: tuple[tuple[str, float], ...],
    ) -> Reading | None:
        """The message read as a follow-up on ``topic``: the topic's detail it asks, or the
        entry it reaches with the topic's title added to its words."""
        entry = self.kb.entries.get(topic)
        if entry is None:
            return None
        note = f"follow-up on {topic}"
        if cue is not None:
            if cue.follow_up.answers_topic:  # "say that again in simpler words": the topic itself
                # (unless it names another entry by words the topic never uses: "my neighbour
                # swears by yoga. is she right?" after the kneeling stretch)
                named = None if cue.follow_up.tells else self.named_elsewhere(text, topic)
                if named is not None:
                    return entry_reading(self.kb, named, None, None, f"{note}, {named}{NAMED}")
                return entry_reading(self.kb, topic, None, None, note)
            if entry.detail(cue.follow_up.name) is not None:
                return entry_reading(self.kb, topic, cue.follow_up.name, None, note)
            # (not "are they near the groin?": a word pointing back asks about what was named,
            # unless the message names a body part placed in the exercise: "my knee is nowhere
            # near my wrist, what should it look like?")
            instead = cue.follow_up.in_exercises
            if (
                entry.kind == "exercise"
                and instead
                and entry.detail(instead) is not None
                and (
                    REFERS.search(text) is None or self._placed_in(text, topic, instead, cue.terms)
                )
            ):
                return entry_reading(self.kb, topic, instead, None, note)
            if (
                cue.follow_up.default is not None
                and all(_THE_OTHER.issuperset(phrase.split()) for phrase in cue.phrases)
                and entry.kind != "exercise"
                and self._exercises.isdisjoint(entry.related)
            ):
                # "the other one?", "the other muscle?" say no more than "other": after a topic
                # that tells of no exercise, the other of what it tells of (the psoas's pair)
                return entry_reading(self.kb, topic, None, None, note)
            if cue.follow_up.default is not None:
                default = self.kb.entries[cue.follow_up.default]
                if entry.kind != "exercise" and self._names_title(text, entry, default):
                    # "what are the other signs apart from that one" after the signs: the
                    # topic, named again, answers it (its whole entry), not the default
                    return entry_reading(self.kb, topic, None, None, note)
                return entry_reading(self.kb, cue.follow_up.default, None, None, note)
        referent = ((entry.title, REFERENT_FACTOR), *story)
        again = self.matcher.match_parts(((text, 1.0), *referent))
        if again.band is Band.CONFIDENT and again.best is not None and has_content(again):
            return entry_reading(self.kb, again.best.entry_id, None, again, note)
        return None

    def _names_title(self, text: str, entry: Entry, other: Entry) -> bool:
        """Whether the words of a message, besides those that ask a detail, are words of an
        entry's title (and there are some), and not all of another's."""
        said = self._terms(self.unasked(self.matcher.canonical(text)))
        rest = {t for t in said if t not in QUESTION_WORDS and not t.endswith(PLURAL)}
        return (
            bool(rest)
            and rest <= set(self._terms(entry.title))
            and not rest <= set(self._terms(other.title))
        )

    def _placed_in(self, text: str, topic: str, detail: str, asking: frozenset[str]) -> bool:
        """Whether ``text`` names a word that the ``detail`` of ``topic`` places ("knee" and
        "wrist" in Pigeon Pose's position), besides the words that ask (``asking``: "near")."""
        said = self.kb.entries[topic].detail(detail) or ""
        placed = set(self._terms(to_plain(said))) - QUESTION_WORDS - asking
        return not placed.isdisjoint(self._terms(text))

    def detail_asked(
        self, cue: Cue | None, entry_id: str, own: Match, context: Conversation | None
    ) -> str | None:
        """The detail a question with its own topic asks, if that is all it asks
        ("how long do I hold pigeon?", or "and pigeon?" after a hold time)."""
        entry = self.kb.entries[entry_id]
        if cue is not None:
            vocabulary = self.matcher.vocabulary(entry_id)
            rest = [t for t in own.terms if t not in QUESTION_WORDS and not t.endswith(PLURAL)]
            if all(t in vocabulary for t in rest) and len(rest) <= 3:
                return cue.follow_up.name if entry.detail(cue.follow_up.name) else None
            return None
        if context is not None and context.detail and len(own.terms) <= 3:
            return context.detail if entry.detail(context.detail) else None
        return None

    def having(self, match: Match, detail: str, count: int) -> list[str]:
        """The first ``count`` entries that have ``detail``: the match's candidates first, then
        the rest in menu order (from a list made once: a large base is not scanned or sorted
        for every question)."""
        ranked = [c.entry_id for c in match.candidates]
        with_detail = self._with_detail.get(detail, ())
        found = (e for e in ranked if self.kb.entries[e].detail(detail))
        rest = (e for e in with_detail if e not in ranked)
        return list(islice(chain(found, rest), count))

    def named_elsewhere(self, text: str, topic: str) -> str | None:
        """The entry a follow-up names by a title or keyword, besides the words that ask a
        detail ("every day" asks how often, it names nothing), when that entry is not the
        topic and the topic never uses those words; None otherwise."""
        phrase = self._scope.named_phrase(self.unasked(self.matcher.canonical(text)))
        if phrase is None:
            return None
        terms = self._terms(phrase)
        if not terms or set(terms) <= self.matcher.vocabulary(topic):
            return None
        best = self.matcher.match(phrase).best
        return best.entry_id if best is not None and best.entry_id != topic else None

    def _terms(self, phrase: str) -> list[str]:
        return self.matcher.analyse(phrase)[0]


# The words before a detail that take it back.
_TAKEN_BACK = ("not ", "rather than ", "instead of ")


def has_content(match: Match) -> bool:
    """Whether the match has a content term (not only question words)."""
    return any(t not in QUESTION_WORDS and not t.endswith(PLURAL) for t in match.terms)


def ordinal(canonical: str, options: tuple[str, ...]) -> str | None:
    """The option "the second one" / "number 2" / "the last" refers to, if any (not "in the
    first place" or "last night"). After a correction ("the 2nd. no sorry, the 1st"), what
    follows it is meant."""
    canonical = _NO_ORDINAL.sub(" ", canonical)
    corrected = _CORRECTION.search(canonical)
    if corrected is not None and _ORDINAL.search(canonical, corrected.end()):
        canonical = canonical[corrected.end() :]
    numbered = _NUMBERED.search(canonical)
    worded = _NUMBERED_WORD.search(canonical)
    if numbered:
        index = int(next(number for number in numbered.groups() if number)) - 1
    elif worded:
        index = _NUMBER_WORDS[worded.group(1)]
    else:
        found = _ORDINAL.search(canonical)
        if found is None:
            return None
        index = ORDINALS[found.group(1)]
        if index == MIDDLE:
            if len(options) % 2 == 0:  # two in the middle: which one is not said
                return None
            index = len(options) // 2
    if -len(options) <= index < len(options):
        return options[index]
    return None


def explicit_reference(canonical: str) -> bool:
    """Whether the message points at an option in so many words ("the second one", "number 2")."""
    return _EXPLICIT.search(canonical) is not None


def alternation(phrases: dict[str, str]) -> PhraseFinder | None:
    """What finds the whole phrases in a text, the longest first (None: no phrase)."""
    return PhraseFinder(phrases) if any(phrases) else None


def without_fillers(canonical: str) -> str:
    """A text without the words that only add emphasis, as the details' phrases are kept (one
    search when it has none, as most messages)."""
    if _FILLER_WORD.search(canonical) is None:
        return canonical
    return " ".join(_FILLER_WORD.sub(" ", canonical).split())
