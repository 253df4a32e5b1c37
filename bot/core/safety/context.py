"""ConText-style context: is a red-flag mention negated, past, someone else's, or a question?

After NegEx (Chapman et al. 2001) and ConText (Harkema et al. 2009): trigger phrases from
``red_flags/context.yaml`` reach forward ("before" triggers: "no fever") or backward ("after"
triggers: "... ten years ago") over a window of words that ends at a clause boundary ("but",
"however", a full stop), so "no fever but can't pee" still alarms. The rules, in order:

- Overlapping triggers of different categories: the longest wins, so "not sure" is no negation
  and "no idea" no trigger.
- A trigger made only of the mention's own words does not apply to it ("can not" in "can not
  pee"); one that shares a word with it does ("my dog fell").
- A mention that carries its own negation ("can not pee", "no feeling") cannot be negated.
- "someone-else" is cancelled by a "recent" trigger in reach (someone's emergency now), or by
  the message saying that the person is with the writer or hurting now, unless a "resolved" one
  reaches it too (it is over now), or the flag needs word lists for that
  (``others_need``: a child's fever alarms only with the child's pain); "fiction-or-animal" (a
  film, a book, a game, a pet) and "in-care" (a patient in the writer's care) never are.
- "question" is cancelled by a "report" or "recent" trigger in reach ("i have numbness there, is
  that a red flag?"), or when another sentence tells the sign as the writer's own ("... go
  weak? mine are weak now": ``told_as_mine``). "taught" (a sign a class taught or talked
  about) makes it a question that only a "report" cancels: a time of now in reach is the
  class's ("we had a toolbox talk on cauda equina today").
- "historical" is cancelled by a "recent" trigger nearer the mention on the same side of it, when
  the historical one tells a time (the word list ``long-past``): "(knee replacement last year)
  just fell off a ladder"; "my usual panic" tells no time and keeps its say.
- "harmless" and "exertion" are cancelled by a "worsening" trigger in reach ("both legs weak after
  the gym and getting worse").
- "conditional": an "if" before the mention and what the person would then do after it, both in
  reach, make it a question ("if i could not pee i would be at A&E"); either alone does nothing
  ("if i stand up my legs give way" is a report).
- "unsure" in reach cancels every rule-out: an unclear context alarms.
- A mention inside a longer one that no trigger reached takes the longer one's time or person
  ("accident" in "car accident last summer"), never its negation (``nested``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from bot.core.knowledge import ContextTrigger
from bot.core.safety.patterns import Hit
from bot.core.safety.tokens import Tokens

__all__ = ["Status", "TriggerHit", "decide", "nested"]


class Status(Enum):
    """What context made of one mention."""

    PRESENT = "present"  # the person has it now: alarm
    NEGATED = "negated"
    HISTORICAL = "historical"
    RESOLVED = "resolved"
    SOMEONE_ELSE = "someone-else"
    FICTION_OR_ANIMAL = "fiction-or-animal"
    IN_CARE = "in-care"
    HARMLESS = "harmless"
    EXERTION = "exertion"
    QUESTION = "question"

    @property
    def ruled_out(self) -> bool:
        return self in _RULED_OUT


# When several rule-outs reach one mention, the first in this order names it.
_ORDER = (
    Status.NEGATED,
    Status.HISTORICAL,
    Status.RESOLVED,
    Status.SOMEONE_ELSE,
    Status.FICTION_OR_ANIMAL,
    Status.IN_CARE,
    Status.HARMLESS,
    Status.EXERTION,
    Status.QUESTION,
)
# Every status but PRESENT and QUESTION rules a mention out (a question gets an explanation).
_RULED_OUT = frozenset(_ORDER) - {Status.QUESTION}
_RULE_OUT_CATEGORIES = frozenset(status.value for status in _ORDER)
# Triggers that make a mention hypothetical only together: one before it, one after it.
_CONDITIONAL = "conditional"
# Triggers that do not apply to a mention made of their words ("would not hold me" is a mention).
_OWN_WORDS_SKIPPED = _RULE_OUT_CATEGORIES | {_CONDITIONAL}
# A longer trigger hides the shorter ones it overlaps; on a tie, these win first ("a patient who
# had" is in the writer's care before it is someone else's).
_TIE = {"unsure": 0, "not-a-trigger": 1, "report": 2, "recent": 3, "in-care": 4}


@dataclass(frozen=True)
class TriggerHit:
    """A context trigger found in the message."""

    trigger: ContextTrigger
    hit: Hit

    @property
    def category(self) -> str:
        return self.trigger.category


def resolve_overlaps(found: Iterable[TriggerHit]) -> list[TriggerHit]:
    """Of overlapping triggers of different categories keep the longest ("not sure" over "not").
    A conditional trigger decides nothing alone, so it neither hides nor is hidden ("asked if i
    had" still says the question is someone else's), except a report inside an "if" ("if i
    could not pee" is no report of it)."""
    found = list(found)
    conditional = [t for t in found if t.category == _CONDITIONAL]
    ordered = sorted(
        (t for t in found if t.category != _CONDITIONAL),
        key=lambda t: (-(t.hit.end - t.hit.start), _TIE.get(t.category, 9), t.hit.start),
    )
    taken: dict[int, str] = {}  # word -> the category of the trigger that took it
    kept: list[TriggerHit] = []
    for candidate in ordered:
        span = range(candidate.hit.start, candidate.hit.end)
        category = candidate.category  # triggers of one category never hide each other
        if any(taken.get(position, category) != category for position in span):
            continue
        taken.update(dict.fromkeys(span, category))
        kept.append(candidate)
    # "if i could not ..." reports nothing: a report inside an "if" is part of the hypothetical.
    ifs = [range(t.hit.start, t.hit.end) for t in conditional if t.trigger.direction == "before"]
    return [
        t
        for t in kept
        if t.category != "not-a-trigger"
        and not (t.category == "report" and any(t.hit.start in span for span in ifs))
    ] + conditional


def _a_time(found: TriggerHit, tokens: Tokens, dates: Callable[[Hit], bool]) -> bool:
    """Whether a trigger tells when: a recent one but a bare "just" (as often "only": "was just
    an infection"), or a historical one that ``dates`` (not "my usual panic")."""
    if found.category == "recent":
        return tokens.words[found.hit.start : found.hit.end] != ("just",)
    return found.category == Status.HISTORICAL.value and dates(found.hit)


class Scopes:
    """Where a trigger's reach ends: its window, a boundary, or the end of the sentence."""

    def __init__(self, tokens: Tokens, boundaries: Sequence[Hit]) -> None:
        self.tokens = tokens
        self.starts = sorted(b.start for b in boundaries)
        self.ends = sorted(b.end for b in boundaries)
        self._reach: dict[int, range] = {}
        self._covered: dict[int, frozenset[int]] = {}

    def cached_reach(self, trigger: TriggerHit) -> range:
        found = self._reach.get(id(trigger))
        if found is None:
            found = self._reach[id(trigger)] = self.reach(trigger)
        return found

    def covered(self, trigger: TriggerHit) -> frozenset[int]:
        """The words a trigger applies to: its reach and its own words (computed once, then one
        set test per mention)."""
        found = self._covered.get(id(trigger))
        if found is None:
            hit = trigger.hit
            found = frozenset(self.cached_reach(trigger)).union(range(hit.start, hit.end))
            self._covered[id(trigger)] = found
        return found

    def clause(self, hit: Hit) -> range:
        """The clause around a hit: from the boundary (or sentence start) before it to the next."""
        sentences = self.tokens.sentences
        before = bisect_right(self.ends, hit.start) - 1
        start = self.ends[before] if before >= 0 else 0
        if start < hit.start and sentences[start] != sentences[hit.start]:
            # not before its sentence's first word (found by bisection: a long message)
            start = min(hit.start, bisect_left(sentences, sentences[hit.start], start))
        after = bisect_left(self.starts, hit.end)
        end = self.starts[after] if after < len(self.starts) else len(sentences)
        if end > hit.end and sentences[end - 1] != sentences[hit.end - 1]:
            end = max(hit.end, bisect_right(sentences, sentences[hit.end - 1], 0, end))
        return range(start, end)

    def reach(self, trigger: TriggerHit) -> range:
        hit, window = trigger.hit, trigger.trigger.window
        sentences = self.tokens.sentences
        if trigger.trigger.direction == "before":
            stop = min(hit.end + window, len(sentences))
            after = bisect_left(self.starts, hit.end)
            if after < len(self.starts):
                stop = min(stop, self.starts[after])
            end = hit.end
            while end < stop and sentences[end] == sentences[hit.end - 1]:
                end += 1
            return range(hit.end, end)
        start = max(hit.start - window, 0)
        before = bisect_right(self.ends, hit.start) - 1
        if before >= 0:
            start = max(start, self.ends[before])
        first = hit.start
        while first > start and sentences[first - 1] == sentences[hit.start]:
            first -= 1
        return range(first, hit.start)


@dataclass(frozen=True)
class Verdict:
    """A mention's status and the trigger that decided it (None when nothing reached it)."""

    status: Status
    trigger: TriggerHit | None = None
    overruled: TriggerHit | None = None  # an unsure, recent, report or worsening trigger that won


def decide(
    own: tuple[int, ...],
    keeps: frozenset[str],
    triggers: Sequence[TriggerHit],
    negations: Sequence[Hit],
    scopes: Scopes,
    others_now: Callable[[], bool] = lambda: True,
    others_here: Callable[[], bool] = lambda: False,
    told_as_mine: Callable[[], bool] = lambda: False,
    others_hurting: Callable[[], bool] = lambda: False,
    others_cared_for: Callable[[], bool] = lambda: False,
    mine_too: Callable[[], bool] = lambda: False,
    done_to_writer: bool = False,
    dates: Callable[[Hit], bool] = lambda _: False,
) -> Verdict:
    """The status of one mention whose own words are at ``own``, of a flag that ``keeps``
    those contexts, and whose sign in someone else happening now alarms (``others_now()``,
    asked only then: it may read the rest of the message). ``others_here()``: whether the
    message says, in any sentence, that the person is with the writer now (their sign is
    then happening now, as with a word of now in reach, even a client's). ``told_as_mine()``:
    whether the message says, in any sentence, that what it asks about happened to the writer
    ("is it normal to wet yourself without feeling it? happened twice today").
    ``others_hurting()``: whether the message says, in any sentence, that another person is
    hurting as it is written ("her back hurts badly"): their sign is then happening now, unless
    ``others_cared_for()``: the message says they are already in someone's care ("she is under
    the oncology team"). ``mine_too()``: whether the message says, in
    any sentence, that someone else's sign now happens to the writer too ("... but today it
    was me"). ``done_to_writer``: the mention's own words name the writer as the one it
    happened to ("someone went into the back of me"): the someone else only did it.
    ``dates(hit)``: whether a trigger's words tell a long-past time ("last year", "in 2019"):
    of such a time and a recent one told on one side of the mention, the nearer decides."""
    mine = set(own)
    immune = any(mine.issuperset(range(n.start, n.end)) for n in negations)
    reaching: dict[str, TriggerHit] = {}
    conditional: dict[str, TriggerHit] = {}  # by direction: an "if" before, a "would" after
    latest: dict[str, int] = {}  # where each category's last trigger in reach starts
    # words between each category's nearest time told before it and it, and after it
    nearest: tuple[dict[str, int], dict[str, int]] = ({}, {})
    first, last = min(own), max(own)
    for found in triggers:
        if found.category in _OWN_WORDS_SKIPPED and mine.issuperset(
            range(found.hit.start, found.hit.end)
        ):
            continue  # the mention's own words: "can not" in "can not pee"
        if not scopes.covered(found).isdisjoint(own):  # its reach or its own words
            if found.category == _CONDITIONAL:
                conditional.setdefault(found.trigger.direction, found)
            else:
                reaching.setdefault(found.category, found)
                start = found.hit.start
                latest[found.category] = max(start, latest.get(found.category, start))
                after = start > last
                if (after or start < first) and _a_time(found, scopes.tokens, dates):
                    # (not one inside it: "could not pee for a few hours" says how long)
                    apart = start - last - 1 if after else max(first - found.hit.end, 0)
                    side = nearest[after]
                    side[found.category] = min(apart, side.get(found.category, apart))
    if len(conditional) == 2:  # "if i could not pee i would be at A&E": hypothetical
        reaching.setdefault(Status.QUESTION.value, conditional["after"])
    if "unsure" in reaching:
        return Verdict(Status.PRESENT, overruled=reaching["unsure"])
    if immune:
        reaching.pop("negated", None)
    if done_to_writer:
        reaching.pop("someone-else", None)
    overruled: TriggerHit | None = None
    # A sign back again, told after a long-past time or an "all better": "fell off a ladder
    # years ago and fell again today", "all fine since, but this morning it happened again".
    if "recurring" in reaching:
        for past in (Status.HISTORICAL.value, Status.RESOLVED.value):
            if past in reaching and latest["recurring"] > latest[past]:
                overruled = reaching.pop(past) and reaching["recurring"]
    # Of two times told on one side of it, the nearer decides: "(78, knee replacement last year)
    # just fell off a ladder", "fell off a ladder this morning, knee replaced last year" (the
    # year is the knee's).
    historical = Status.HISTORICAL.value
    for side in nearest:
        recent, older = side.get("recent", -1), side.get(historical, -1)
        if historical in reaching and 0 <= recent < older:
            overruled = reaching.pop(historical) and reaching["recent"]
    # Someone else's sign happening now alarms; one that is over now ("my colleague went by
    # ambulance yesterday with chest pain, he is ok now") stays theirs, even for a flag that
    # keeps 'resolved' for the writer's own signs.
    over = "resolved" in reaching
    if "someone-else" in reaching and "recent" in reaching and not over and others_now():
        overruled = reaching.pop("someone-else") and reaching["recent"]
    # Said anywhere in the message to be with the writer now ("... she is here with me now"),
    # someone else, or a client ("client on my table rn says she can not feel ..."), has the
    # sign now, in front of someone who can send them for care (no trigger in reach keeps it).
    elif (
        not over
        and ("someone-else" in reaching or "in-care" in reaching)
        and others_here()
        and others_now()
    ):
        reaching.pop("someone-else", None)
        reaching.pop("in-care", None)
    # Someone else hurting as the message is written ("my wife's legs keep giving out, she has
    # bad back pain"): their sign is happening now, not a family history (never a client's: the
    # writer's care is already there).
    # Or told of someone else, then as the writer's own in another sentence: "my mum wets herself
    # a lot. but today it was me, twice".
    elif (
        not over
        and "someone-else" in reaching
        and ((others_hurting() and not others_cared_for() and others_now()) or mine_too())
    ):
        reaching.pop("someone-else")
    # A sign that is growing is no passing sensation: "both legs weak after the gym and getting
    # worse" alarms.
    for passing in (Status.HARMLESS.value, Status.EXERTION.value):
        if passing in reaching and "worsening" in reaching:
            overruled = reaching.pop(passing) and reaching["worsening"]
    if "question" in reaching and ("report" in reaching or "recent" in reaching):
        overruled = reaching.pop("question") and reaching.get("report", reaching.get("recent"))
    # A sign taught or talked about in a class is asked about, whatever time of now is in reach
    # (the class's: "we had a toolbox talk on cauda equina today"); a report still wins.
    if "taught" in reaching and "report" not in reaching:
        reaching.setdefault(Status.QUESTION.value, reaching["taught"])
    elif "question" in reaching and told_as_mine():
        # asked as a question, told as the writer's own in another sentence
        overruled = reaching.pop("question")
    for status in _ORDER:
        decider = reaching.get(status.value)
        if decider is not None and status.value not in keeps:
            return Verdict(status, decider)
    return Verdict(Status.PRESENT, overruled=overruled)


# What a longer mention passes to one inside it: when and whose, never "no" or a question.
_INHERITED = frozenset(
    {
        Status.HISTORICAL,
        Status.RESOLVED,
        Status.SOMEONE_ELSE,
        Status.FICTION_OR_ANIMAL,
        Status.IN_CARE,
    }
)


def nested(
    hits: Sequence[Hit], keeps: Sequence[frozenset[str]], verdicts: Sequence[Verdict]
) -> list[Verdict]:
    """The verdicts of mentions (their hits, their flags' ``keeps``), where a mention inside a
    longer one ("infection" in "kidney infection", "accident" in "car accident") that no
    trigger reached takes the longer one's time or person (``_INHERITED``), unless its flag
    keeps that context: the words are one mention, and a trigger that reaches the first of them
    speaks of all of them. Never a negation: "not my skin, like dead numb" holds a sign whose
    first words only look negated."""
    found = list(verdicts)
    for inner, (hit, verdict) in enumerate(zip(hits, verdicts, strict=True)):
        if verdict.status is not Status.PRESENT or verdict.trigger or verdict.overruled:
            continue
        for outer, (around, other) in enumerate(zip(hits, verdicts, strict=True)):
            if (
                outer != inner
                and around.start <= hit.start
                and hit.end <= around.end
                and around.end - around.start > hit.end - hit.start
                and other.status in _INHERITED
                and other.status.value not in keeps[inner]
            ):
                found[inner] = other
                break
    return found
