"""The safety decision for one message: alarm, a question about a red flag, ruled out, or clear.

Every place that answers a message (private chats, groups, inline mode, ``ask``, ``chat``, eval)
asks one ``Screen`` and gets one ``SafetyDecision``, so they cannot disagree. Recall comes first:
a mention that no trigger reaches, or whose context is unclear, alarms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from functools import partial

from bot.core.knowledge import KnowledgeBase, RedFlag, RedFlagRules, UrgencyTier, WordPattern
from bot.core.safety import parts, wording
from bot.core.safety.context import (
    Scopes,
    Status,
    TriggerHit,
    decide,
    nested,
    resolve_overlaps,
)
from bot.core.safety.known_words import knowledge_words
from bot.core.safety.parts import Found
from bot.core.safety.patterns import Document, Grammar, Hit, PatternSet
from bot.core.safety.tokens import Tokens, tokenise

__all__ = ["Mention", "SafetyDecision", "Screen", "Verdict"]


class Verdict(Enum):
    """What the answerer does with a message."""

    ALARM = "alarm"  # the urgent message of the tier, before anything else
    QUESTION = "question"  # a question about a red flag: a calm explanation
    RULED_OUT = "ruled-out"  # the ordinary answer plus one line per ruled-out red flag
    CLEAR = "clear"  # no red flag: the ordinary answer


@dataclass(frozen=True)
class Mention:
    """One red flag found in the message, with what its context made of it."""

    flag: RedFlag
    pattern: WordPattern
    words: str  # the message's words that matched (folded)
    status: Status
    trigger: str = ""  # the words of the trigger that decided, if any
    trigger_pattern: WordPattern | None = None
    category: str = ""  # that trigger's category
    overruled_by: str = ""  # an unsure/recent trigger that kept the alarm, if any


@dataclass(frozen=True)
class SafetyDecision:
    """The one decision every reply path follows."""

    verdict: Verdict
    mentions: tuple[Mention, ...] = ()
    tier: UrgencyTier | None = None
    question_entry: str = ""  # a general question about red flags: this entry answers it
    # The message without the clauses context ruled out ("my uncle had bowel cancer, ...") or
    # the sentences that ask about a sign ("could it be cancer?"), for the matcher: empty when
    # there are none, when nothing else is left, or (after a question about a sign) when what
    # is left asks nothing. Those words would only blur the question.
    rest: str = ""
    # The words left out of ``rest``, for what they name: after a question about a sign ("If I
    # lost bladder control in the middle of a bridge ...? How high do I lift my hips?") or a
    # clause ruled out ("my legs go tingly in pigeon, fine as soon as i come out. how long
    # do i hold it").
    aside: str = ""
    # False when reading stopped at a certain alarm (``Screen.assess(complete=False)``): the
    # mentions after it were not looked for.
    complete: bool = True

    @property
    def alarm(self) -> bool:
        return self.verdict is Verdict.ALARM

    def flags(self, status: Status | None = None, *, ruled_out: bool = False) -> list[RedFlag]:
        """The distinct flags of the mentions with a status (or any rule-out), in order."""
        seen: dict[str, RedFlag] = {}
        for mention in self.mentions:
            wanted = mention.status.ruled_out if ruled_out else mention.status is status
            if wanted:
                seen.setdefault(mention.flag.id, mention.flag)
        return list(seen.values())

    @property
    def first_alarm(self) -> Mention | None:
        return next((m for m in self.mentions if m.status is Status.PRESENT), None)


CLEAR = SafetyDecision(Verdict.CLEAR)
UNLESS = "unless"  # the category shown for a mention its flag's 'unless' rules out
# The word list (words.yaml) that says, anywhere in a message, that the person it tells of is
# with the writer now: their sign is happening now.
WITH_ME_NOW = "with-me-now"
# The word list that says, anywhere in a message, that what it asks about happened to the writer
# ("... happened twice today", "mine is numb right now"): a question about a sign is then a report.
TOLD_AS_MINE = "told-as-mine"
# The word list that says, anywhere in a message, that another person is hurting as it is written
# ("her back hurts badly"): their sign is happening now, as with a person beside the writer.
OTHERS_HURTING_NOW = "others-hurting-now"
# The word list that says, anywhere in a message, that another person is already in someone's
# care ("she is under the oncology team"): their hurting is then no sign happening unattended.
OTHERS_CARED_FOR = "others-cared-for"
# The word list that says, in a sentence of its own, that someone else's sign now happens to the
# writer too ("... but today it was me, twice").
MINE_TOO = "mine-too"
# The word list of the writer as the one something is done to ("into the back of me", "knocked
# me over"): a mention with one of them among its own words is the writer's, whoever did it.
DONE_TO_WRITER = "done-to-writer"
# The word list of long-past times ("2019", "last year", "years ago"): of a long-past time and a
# recent one told on one side of a sign, the nearer dates it.
LONG_PAST = "long-past"
# A ruled-out mention is left out with its clause, unless the clause opens with a question and
# more than RUN_ON words of it come before the mention (or the trigger before it): said with no
# punctuation ("is yoga any good for tight hip flexors i used to get dead legs ... but nothing
# like that now"); then only LEAD_WORDS before it go with it ("i used to get").
RUN_ON = 6
LEAD_WORDS = 3


class Screen:
    """The red-flag rules compiled for fast checking; build once per knowledge base."""

    def __init__(
        self,
        rules: RedFlagRules,
        known: Iterable[str] = (),
        frequency: Mapping[str, float] | None = None,
    ) -> None:
        self.rules = rules
        extra: list[WordPattern] = [p for flag in rules.flags for p in _mentioning(flag)]
        extra += [p for flag in rules.flags for p in flag.not_patterns]
        extra += [t.pattern for t in rules.triggers] + list(rules.boundaries)
        extra += list(rules.questions)
        self.grammar = Grammar(
            rules.concepts, extra, rules.typos, rules.not_typos, known, frequency, rules.reads_also
        )
        self._mention_owner: list[tuple[RedFlag, WordPattern]] = [
            (flag, pattern) for flag in rules.flags for pattern in _mentioning(flag)
        ]
        self.flag_patterns = PatternSet(self.grammar, [p for _, p in self._mention_owner])
        self._tier_rank = {tier.id: rank for rank, tier in enumerate(rules.tiers)}
        # For each tier after the first: the patterns of the flags of the tiers before it (a
        # long message alarmed at that tier is then read on for those flags only).
        self._outranking: dict[int, tuple[PatternSet, list[tuple[RedFlag, WordPattern]]]] = {}
        for rank in range(1, len(rules.tiers)):
            owner = [(f, p) for f, p in self._mention_owner if self._rank(f) < rank]
            self._outranking[rank] = (PatternSet(self.grammar, [p for _, p in owner]), owner)
        self.idioms = {
            flag.id: PatternSet(self.grammar, flag.not_patterns)
            for flag in rules.flags
            if flag.not_patterns
        }
        # The same idioms as one set, each with its flag: a message is looked up once.
        self._idiom_owner = [flag.id for flag in rules.flags for _ in flag.not_patterns]
        self._all_idioms = PatternSet(
            self.grammar, [p for flag in rules.flags for p in flag.not_patterns]
        )
        self.triggers = PatternSet(self.grammar, [t.pattern for t in rules.triggers])
        self.boundaries = PatternSet(self.grammar, rules.boundaries)
        self.questions = PatternSet(self.grammar, rules.questions)

    @classmethod
    def for_knowledge(cls, kb: KnowledgeBase) -> Screen:
        """A screen whose typo tolerance and prefilter know the knowledge base's own words."""
        rules = kb.red_flags
        known, frequency = knowledge_words(
            (p.text for entry in kb.entries.values() for p in entry.questions),
            (f"{entry.title} {entry.summary} {entry.answer}" for entry in kb.entries.values()),
            rules.contractions,
        )
        return cls(rules, known, frequency)

    # -- the decision -----------------------------------------------------------------------
    def read(self, text: str) -> Document:
        """The message, tokenised and indexed (shared by the decision and the explanation)."""
        return Document(tokenise(text, self.rules.contractions), self.grammar)

    def assess(self, text: str, *, complete: bool = True) -> SafetyDecision:
        """Alarm, question, ruled out or clear, with every mention and why.

        ``complete=False`` (the answerer's hot path): a long message is read a few sentences
        at a time, in order (one, one, two, four, ...), and reading stops once the alarm is
        certain and of the first tier; the verdict, tier and first alarm are the complete
        decision's (a mention, its context and a general question about red flags each lie
        within one sentence), ``mentions`` end there and ``complete`` is False. ``ask
        --explain`` and the tools read the whole message."""
        tokens = tokenise(text, self.rules.contractions)
        if not complete and tokens.sentences and tokens.sentences[-1] != 0:
            return self._read_in_parts(tokens, asked=_ends_asking(text))
        document = Document(tokens, self.grammar)
        affirmed = partial(wording.affirmed, document)
        raw, near = self._mentions(document, affirmed)
        if not raw:
            return self._clear([document])
        dropped: set[int] = set()
        mentions = self._decided(document, raw, near, dropped, affirmed)
        return self._concluded(tokens, [document], mentions, dropped, asked=_ends_asking(text))

    def _read_in_parts(self, tokens: Tokens, *, asked: bool) -> SafetyDecision:
        """The decision over a long message read part by part (``parts``): once an alarm is
        found, read on only for flags of a tier before its own, and stop at an alarm of the
        first tier (its verdict, tier and first alarm are the complete decision's; ``complete``
        is False)."""
        mentions: list[Mention] = []
        alarmed: int | None = None  # the first tier alarmed so far, by rank
        dropped: set[int] = set()
        documents = parts.documents(tokens, self.grammar, lambda: not mentions)
        made: list[Document] = []  # the documents made so far, in order

        def affirmed(name: str) -> bool:
            """Whether the word list occurs, not after a negation, anywhere in the message: in
            the documents made so far, else in the next ones (each lies in its sentence)."""
            if any(wording.affirmed(document, name) for document in made):
                return True
            for document in documents:
                made.append(document)
                if wording.affirmed(document, name):
                    return True
            return False

        def in_windows() -> Iterator[tuple[Document, int]]:
            """Each document in order (made now, or already by ``affirmed``), in windows."""
            done = 0
            while True:
                if done == len(made):
                    following = next(documents, None)
                    if following is None:
                        return
                    made.append(following)
                done += 1
                yield from parts.windows(made[done - 1])

        read: list[Document] = []
        for document, sentences in in_windows():
            if not read or read[-1] is not document:
                read.append(document)
            if alarmed is None:
                raw, near = self._mentions(document, affirmed, sentences=sentences)
            else:
                outranking = self._outranking[alarmed]
                raw, near = self._mentions(document, affirmed, *outranking, sentences=sentences)
            # Sentence by sentence (context never crosses one): the reading stops at the
            # sentence of a first-tier alarm, not after deciding the whole part.
            for sentence, mine in parts.by_sentence(document, raw, near):
                found = self._decided(document, mine, sentence, dropped, affirmed)
                mentions += found
                ranks = [self._rank(m.flag) for m in found if m.status is Status.PRESENT]
                if ranks:
                    alarmed = min(ranks) if alarmed is None else min(alarmed, *ranks)
                    if alarmed == 0:
                        break
            if alarmed == 0:
                break
        if alarmed is not None:  # (read on for some flags only)
            return replace(self._verdict(read, tuple(mentions)), complete=False)
        if not mentions:
            return self._clear(read)
        return self._concluded(tokens, read, mentions, dropped, asked=asked)

    def _concluded(
        self,
        tokens: Tokens,
        read: Sequence[Document],
        mentions: list[Mention],
        dropped: set[int],
        *,
        asked: bool,
    ) -> SafetyDecision:
        """The decision on the mentions of the whole message (``read``: it, or all its parts),
        with the rest of the message for the matcher (``dropped``: the words left out; ``asked``:
        the message ends with a question mark, which the rest keeps when its last words are
        kept: "my nan had a fall (she's ok). meanwhile me: tight hips. stretches?" still asks)."""
        decision = self._verdict(read, tuple(mentions))
        if not dropped:
            return decision
        # the aside is the dropped words: those ``kept`` leaves when the rest's are left out
        in_rest = set(range(len(tokens.words))) - dropped
        if decision.verdict is Verdict.RULED_OUT:
            kept = wording.without(tokens, dropped)
            if kept and asked and not kept.endswith("?") and len(tokens.words) - 1 not in dropped:
                kept += "?"
            aside = wording.joined(wording.kept(tokens, in_rest))
            return replace(decision, rest=kept, aside=aside)
        if decision.verdict is Verdict.QUESTION:
            # Kept only when what is left asks something of its own ("... also how do I do
            # the bridge?"), not for a remark ("whats foot drop? my physio mentioned it").
            # (a sentence asks with its words or its question mark: "Term check: is the
            # iliopsoas part of the hip flexors?")
            rest = wording.kept(tokens, dropped)
            if any(
                (number in tokens.asking or wording.asks(w)) and not wording.about_the_word(w)
                for number, w in rest.items()
            ):
                aside = wording.joined(wording.kept(tokens, in_rest))
                return replace(decision, rest=wording.without(tokens, dropped), aside=aside)
        return decision

    def _rank(self, flag: RedFlag) -> int:
        """The rank of a flag's tier (0: the first, most urgent)."""
        return self._tier_rank.get(flag.tier, 0)

    def _decided(
        self,
        document: Document,
        raw: Found,
        near: int,
        dropped: set[int],
        affirmed: Callable[[str], bool],
    ) -> list[Mention]:
        """Each mention with its context decision; the words of those ruled out, or asked
        about, are added to ``dropped``. ``affirmed``: whether a word list occurs in the whole
        message (a flag's ``others_need``)."""
        triggers, negations, scopes = self._context(document, near)
        # A trigger reaches only within its sentence: each mention weighs those of its own.
        of = document.tokens.sentences
        by_sentence: dict[int, list[TriggerHit]] = {}
        for found in triggers:
            by_sentence.setdefault(of[found.hit.start], []).append(found)
        # A negation made of a mention's own words ("can not pee") lies in its sentence too.
        negations_in: dict[int, list[Hit]] = {}
        for negation in negations:
            negations_in.setdefault(of[negation.start], []).append(negation)
        mentions = []
        writer = document.concept(DONE_TO_WRITER)
        verdicts = [
            decide(
                hit.own,
                flag.keeps,
                by_sentence.get(of[hit.start], []),
                negations_in.get(of[hit.start], []),
                scopes,
                partial(_all_affirmed, affirmed, flag.others_need),
                partial(affirmed, WITH_ME_NOW),
                partial(affirmed, TOLD_AS_MINE),
                partial(affirmed, OTHERS_HURTING_NOW),
                partial(affirmed, OTHERS_CARED_FOR),
                partial(affirmed, MINE_TOO),
                any(_overlaps(hit.own, word) for word in writer),
                partial(_dates, document),
            )
            for flag, _, hit in raw
        ]
        verdicts = nested([hit for _, _, hit in raw], [flag.keeps for flag, _, _ in raw], verdicts)
        for (flag, pattern, hit), verdict in zip(raw, verdicts, strict=True):
            status, category, decided = verdict.status, "", verdict.trigger
            said = ""
            if status is Status.PRESENT and _not_the_sign(flag, affirmed):
                # "past cancer ... my oncologist already checked this ache": long-standing pain,
                # not the new pain the flag is for (the answer, with the flag's note)
                status, category, decided = Status.HISTORICAL, UNLESS, None
                said = " ".join(f"{{{name}}}" for name in flag.unless)
            if status.ruled_out:
                clause = scopes.clause(hit)
                first = min(hit.start, decided.hit.start) if decided else hit.start
                # (with the question word that ends the clause before: "what exercises for
                # hip flexors i do not have any fever ...")
                start = wording.asked_from(document.tokens, clause.start)
                opening = document.tokens.words[start : first - LEAD_WORDS]
                if first - start > RUN_ON and wording.asks(opening):
                    clause = range(first - LEAD_WORDS, clause.stop)
                dropped.update(clause)
            elif status is Status.QUESTION:  # the question is its sentence, up to a "but"
                dropped.update(wording.question_of(document.tokens, hit, scopes.clause(hit)))
            mentions.append(
                Mention(
                    flag=flag,
                    pattern=pattern,
                    words=document.tokens.text(hit.start, hit.end),
                    status=status,
                    trigger=_words(document.tokens, decided.hit) if decided else said,
                    trigger_pattern=decided.trigger.pattern if decided else None,
                    category=category or (decided.category if decided else ""),
                    overruled_by=(
                        f"{_words(document.tokens, verdict.overruled.hit)} "
                        f"({verdict.overruled.category})"
                        if verdict.overruled
                        else ""
                    ),
                )
            )
        return mentions

    def _mentions(
        self,
        document: Document,
        affirmed: Callable[[str], bool],
        flag_set: PatternSet | None = None,
        flag_owner: Sequence[tuple[RedFlag, WordPattern]] = (),
        sentences: int = -1,
    ) -> tuple[Found, int]:
        """The red-flag mentions, and their sentences as bits (context and idioms never cross a
        sentence, so a long message is read around its mentions only). ``affirmed``: whether
        a word list occurs in the whole message, not after a negation (``wording.affirmed``).
        ``flag_set``: only its patterns, ``flag_owner`` naming each one's flag (None: all);
        ``sentences``: only in those (bits, as ``Document.sentences_of``)."""
        if flag_set is None:
            flag_set, flag_owner = self.flag_patterns, self._mention_owner
        found: Found = []
        seen: set[tuple[str, int, int]] = set()
        for number, hit in flag_set.find(document, sentences):
            flag, pattern = flag_owner[number]
            key = (flag.id, hit.start, hit.end)
            if key in seen:
                continue
            seen.add(key)
            needs = _needs(flag, pattern)
            if needs and not all(affirmed(name) for name in needs):
                continue
            found.append((flag, pattern, hit))
        if not found:
            return found, 0
        of = document.tokens.sentences
        near = sum({1 << of[hit.start] for _, _, hit in found})
        flagged = {flag.id for flag, _, _ in found}
        idioms: dict[str, list[Hit]] = {}
        owner, patterns = self._idiom_owner, self._all_idioms.patterns
        for number, where in self._all_idioms.possible(document, near):
            if owner[number] in flagged:
                hits = document.match(patterns[number], where)
                idioms.setdefault(owner[number], []).extend(hits)
        found = [
            (flag, pattern, hit)
            for flag, pattern, hit in found
            if not any(_overlaps(hit.own, idiom) for idiom in idioms.get(flag.id, ()))
        ]
        found.sort(key=lambda item: (item[2].start, item[2].end))
        return found, near

    def _context(
        self, document: Document, sentences: int
    ) -> tuple[list[TriggerHit], list[Hit], Scopes]:
        """The triggers and boundaries in ``sentences`` (bits) of the document."""
        all_triggers = [
            TriggerHit(self.rules.triggers[number], hit)
            for number, hit in self.triggers.find(document, sentences)
        ]
        negations = [t.hit for t in all_triggers if t.category == "negated"]
        boundaries = [hit for _, hit in self.boundaries.find(document, sentences)]
        return resolve_overlaps(all_triggers), negations, Scopes(document.tokens, boundaries)

    def _verdict(
        self, documents: Sequence[Document], mentions: tuple[Mention, ...]
    ) -> SafetyDecision:
        present = [m for m in mentions if m.status is Status.PRESENT]
        if present:
            rank = min(self._tier_rank.get(m.flag.tier, 0) for m in present)
            return SafetyDecision(Verdict.ALARM, mentions, self.rules.tiers[rank])
        if any(m.status is Status.QUESTION for m in mentions):
            return SafetyDecision(Verdict.QUESTION, mentions)
        entry = self._question(documents)
        return SafetyDecision(Verdict.RULED_OUT, mentions, question_entry=entry)

    def _clear(self, documents: Sequence[Document]) -> SafetyDecision:
        entry = self._question(documents)
        return SafetyDecision(Verdict.CLEAR, question_entry=entry) if entry else CLEAR

    def _question(self, documents: Sequence[Document]) -> str:
        """The red-flag list's entry when the message (the whole, or all its parts) asks about
        red flags in general: not when it says it has none ("no red flags", "none of my dancers
        have any red flags") or only mentions them in a remark before its real question ("read
        that night pain is a red flag. what are the signs of ...?"), nor in a remark its
        sentence turns from to ask something else ("learned the red flags in a lecture, anyway
        can sitting tighten my hips")."""
        if not self.rules.question_entry or not documents:
            return ""
        tokens = documents[0].tokens
        several = len(tokens) > 0 and tokens.sentences[-1] != tokens.sentences[0]
        for document in documents:
            for _, hit in self.questions.find(document):
                sentence = wording.sentence_of(tokens, hit)
                if wording.denied(tokens, hit, sentence):
                    continue
                if several and not wording.asks(tokens.words[sentence.start : sentence.stop]):
                    continue
                if wording.turns_to_ask(tokens, hit, sentence):
                    continue
                return self.rules.question_entry
        return ""


def _all_affirmed(affirmed: Callable[[str], bool], names: Sequence[str]) -> bool:
    """Whether every word list named occurs in the message (``affirmed``)."""
    return all(affirmed(name) for name in names)


def _mentioning(flag: RedFlag) -> tuple[WordPattern, ...]:
    """The patterns whose match is a mention of the flag: its own, then those of 'apart'."""
    return flag.patterns + flag.apart


def _not_the_sign(flag: RedFlag, affirmed: Callable[[str], bool]) -> bool:
    """Whether the message says what shows it is not the flag's sign (its ``unless`` word
    lists) and none of what would make it the sign again (``unless_not``)."""
    return (
        bool(flag.unless)
        and any(affirmed(name) for name in flag.unless)
        and not any(affirmed(name) for name in flag.unless_not)
    )


def _needs(flag: RedFlag, pattern: WordPattern) -> tuple[str, ...]:
    """The word lists a mention needs elsewhere in the message: its flag's 'needs', and for a
    pattern of 'apart', that block's too (found only for a match: most messages have none)."""
    return flag.needs + flag.apart_needs if pattern in flag.apart else flag.needs


def _dates(document: Document, trigger: Hit) -> bool:
    """Whether a trigger's words tell a long-past time (not "my usual panic"); the word list is
    looked for only when a long-past trigger reaches a mention (then once per message)."""
    words = range(trigger.start, trigger.end)
    return any(_overlaps(words, time) for time in document.concept(LONG_PAST))


def _overlaps(own: Sequence[int], hit: Hit) -> bool:
    return any(hit.start <= position < hit.end for position in own)


def _words(tokens: Tokens, hit: Hit) -> str:
    return tokens.text(hit.start, hit.end)


def _ends_asking(text: str) -> bool:
    """Whether a message ends with a question mark (emoji and spaces after it aside)."""
    end = text.rstrip()
    while end and not end[-1].isascii():
        end = end[:-1].rstrip()
    return end.endswith("?")
