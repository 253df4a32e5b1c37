"""What one question asks, in the light of a conversation's topic (or its own back-story).

The interpreter splits a message into its question and story; this module reads that question:
an option picked from the last list ("the second one"), the next exercise, a question another
entry has almost word for word, a clear question of its own, a follow-up on the topic ("how long
do I hold it?"), a subject near ours that the article does not cover, or a detail with no topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import NamedTuple

from bot.core.answering.choosing import choice
from bot.core.answering.confidence import SOLID_UNFAMILIAR, Confidence
from bot.core.answering.context import Conversation
from bot.core.answering.follow_ups import (
    DESCRIBED,
    MAX_SUGGESTIONS,
    MAX_UNFAMILIAR,
    NO_LIST,
    ORDINALS,
    POINTS_BACK,
    Cue,
    FollowUpReader,
    alternation,
    explicit_reference,
    has_content,
    ordinal,
    without_fillers,
)
from bot.core.answering.match_result import Band, Match
from bot.core.answering.matching import Matcher, only_numbers
from bot.core.answering.reading import Reading, entry_reading, noted, with_aside
from bot.core.answering.scope import Scope, clauses
from bot.core.answering.sentences import NAMES_A_THING, POINTS_AT, sentences_of
from bot.core.answering.term_model import QUESTION_WORDS
from bot.core.asking import first_word, may_open_a_question, opens_a_question
from bot.core.knowledge import KnowledgeBase
from bot.core.normalise import words

UNKNOWN_SUBJECT = 0.6  # a question about an unknown subject: beyond two shared words, not a name
UNKNOWN_AGENT = 1.0  # an unknown thing asked to cause or help: nothing shared is enough
OVER_SUBJECT_WORDS = 3  # a subject asked a detail of ("fix tight hip flexors"): words at most
TIE = 0.95  # a topic this close to the best entry's score keeps the conversation on it
PHRASED = 0.9  # similarity to a phrasing that makes a question that entry's, word for word
# not-covered groups that win over an answer
ALWAYS = ("conditions", "treatments", "pregnancy", "equipment")
CONDITIONS = ALWAYS[0]  # the group of conditions (one long past and over is no subject)
TREATMENTS = ALWAYS[1]  # the group of treatments (one tried and failed is no subject)
EQUIPMENT = ALWAYS[3]  # what the body rests on: a prop when an exercise is adapted with it
# ... unless only told of before a question about something else; not pregnancy, which bears on
# any exercise ("I'm 24 weeks pregnant. is it safe to lie on my back?")
TOLD_ASIDE = (*ALWAYS[:2], EQUIPMENT)
BODY_PARTS = "body_parts"  # the group of the parts of the body we do not cover

_WHICH = re.compile(r"\bwhich\b")
_OF_ONESELF = frozenset("i im ive id my".split())  # first words of what one tells of oneself
_WITHOUT = re.compile(r"\bwithout ((?:\w+ ?){1,4})")  # a condition: "without quitting my job"
# ... or when or where it will be done, told in a clause of its own before the question
_CIRCUMSTANCE = frozenset("after before during at in on while whilst when between".split())
# ... or when it will be done: "how long per side if im doing it on my lunch break at work"
_WHEN_I = re.compile(r"\bif (?:i|im|i am|i m|ive|i have)\b((?: \w+){1,12})")
# ("no neck pain or anything, just a stiff back" still names the neck: a statement, nothing asked)
_DENIALS = frozenset({"not", "nothing", "never", "without", "nor", "none"})
_ONE_OPTION = "the one option, in a conversation"  # (a note for ``ask --explain``)
_REQUESTED = "a request for what the detail's entry gives"  # (a note for ``ask --explain``)
_DEFAULT = "detail's own entry"  # (the start of the notes of a detail's entry given for it)
_FORM_ASKED = "how the body is placed in the exercise"  # (a note for ``ask --explain``)
_NO_TO = _DENIALS | frozenset(("no",))  # ... and "no" before a treatment or condition ("no pills")
# ... looked for among the last words before the subject, these aside ("never had a back injury")
_DENIED_BETWEEN = frozenset("had a an the my been ever really back".split())
# ... or named as a landmark ("is the psoas near the belly?": where something else is)
_LANDMARK = frozenset("near beside by next towards close above below".split())
# ... or standing, not the feet: "i'm mostly on my feet at work", "back on my feet", "on my feet
# all day"
_ON_WHOSE = re.compile(r"\bon (?:my|your|his|her|our|their) $")
_ON_ONES_FEET = re.compile(
    r"\b(?:am|is|are|was|were|be|being|been|stay|stays|stayed|staying|back|spend|spends|spent|"
    r"spending|mostly|always|constantly|keep|kept|all day|all night)(?: \w+)? on "
    r"(?:my|your|his|her|our|their) $"
)
_ON_FEET_FOR = re.compile(
    r" (?:all|most of the|the whole) (?:day|days|night|nights|shift|shifts|time)\b"
    r"| (?:at|for) work\b| for hours\b| for a living\b| non stop\b"
)
# ... or said to be fine just after it ("chest is fine lol just my hips feel locked")
_FINE_AFTER = re.compile(r" (?:is|are|feels?|seems?) (?:fine|ok|okay|good|alright|normal)\b")
# ... or a condition long past and over ("had a slipped disc years ago but its been fine for
# ages"): what they once had, not what is asked about
_OVER_AFTER = re.compile(
    r" (?:\w+ ){0,3}(?:years|yrs|ages|decades) ago\b(?: \w+){0,6}? (?:fine|healed|better|"
    r"sorted|recovered|gone|no problems?|no issues?|no trouble)\b"
)
# ... or a treatment said to have been tried and failed ("massage did not help, who do i see?"):
# what was done, not what is asked about
_TRIED_AFTER = re.compile(
    r" (?:did not|does not|has not|have not|never|was no|is no) (?:help|helped|work|worked|"
    r"do anything|did anything|good|use)\b"
)
# ... or chosen between in the question ("ibuprofen or naproxen, which is better?", "heat or ice,
# what is best?", said with an "or" in the clause that tells of them)
_CHOOSING = frozenset("which either both better best prefer".split())
# ... or what is asked is when life goes on after it ("after a hip replacement how long until i
# can drive?": the recovery from it)
_RECOVERY = re.compile(
    r"\b(?:how long (?:until|till|til|before)|how soon|when can i|when will i)\b"
)
# ... or pointed back at as something taken ("im on ibuprofen, can i take it before pigeon?")
_TAKING_IT = re.compile(
    r"\b(?:take|taking|use|using|mix|mixing|combine|combining|while on|still on|stop|stopping) "
    r"(?:it|them|this|that|these|those)\b"
)
_NEXT = re.compile(r"\b(?:next|after that|after this|the one after)\b")
_POINTERS = frozenset(("that", "this", "it"))  # a word after "before"/"after" pointing back
# what was just finished, told before asking for the next ("done both sides", "did all my reps")
_DONE_WITH = re.compile(
    r"\b(?:done|finished|did|completed)(?: \w+){0,3}? "
    r"(?:sides?|reps?|sets?|rounds?|them|it|that|both)\b"
)
_PREVIOUS = re.compile(r"\b(?:previous|before that|before this|the one before)\b")
# "the one you mentioned just before the bridge": an exercise placed by its neighbour's name.
_ONE = re.compile(r"\bone\b")
# A named entry set aside: "the other ones besides pigeon" asks for the others, not for pigeon.
_SET_ASIDE = re.compile(r"\b(?:besides|apart from|other than|except|aside from)\b")
# "the kneeling one", "the one where you kneel", "the one from plank", "the one lying on your
# back": an exercise called by a word of its own (at most a few words, so nothing backtracks).
_CALLED = re.compile(
    r"\b(?:the|that|this) (?!the |a |one\b)(\w+(?: (?!the\b|one\b)\w+){0,3}) (?:one|thing)\b"
    # (where the body lies keeps its "on": "the one on your back", "the one where you're on your
    # back" is done lying on it)
    r"|\bthe one (?:where (?:you are|i am|you|i) )?"
    r"(on (?:my|your|the) (?:back|front|side|stomach|tummy|belly))\b"
    r"|\bthe one (?:where|with|that|from|you|on|in)\b((?: \w+){1,5})"
    r"|\bthe one (\w+ing(?: \w+){0,4})"
    # one asked for instead, by what is done in it: "is there one i can do lying on my back?"
    r"|\b(?:one|an exercise|a stretch) (?:i|you) (?:can|could) do (\w+ing(?: \w+){0,4})"
    # ... or by where the body is: "something on my back maybe?"
    r"|\b(?:something|anything|one|an exercise|a stretch|a pose) (?:(?:i|you) (?:can|could) do )?"
    r"((?:lying |laying )?on (?:my|your|the) (?:back|front|side|stomach|tummy|belly))\b"
    # ... or by a line of the list just shown: "the bit about lowering your torso"
    r"|\bthe (?:bit|part|line|step) (?:about|where|with) ((?:\w+ ){0,2}\w+)"
)
# "not the kneeling one, the one from a plank": an exercise called only to be taken back
_TAKEN_BACK_CALL = re.compile(r"\b(?:not|no|never mind|nvm|forget)$")
# Words that judge or count, not say what is done in an exercise: "the right one to consult",
# "the best one for me", "the same one" call no exercise by its own words.
_NO_NAME = frozenset(
    "right wrong best better good correct proper ideal perfect same other only main usual "
    "easiest easier hardest harder simplest simpler gentlest gentler new old latest whole".split()
)
# Words that count: "the first thing", "the one in the middle of that list" are ordinals.
_COUNTING = frozenset(
    "first second third fourth 1st 2nd 3rd 4th last middle next previous final".split()
)
# Words that name another exercise only to compare it with the one talked about.
_COMPARED = re.compile(
    r"\b(?:as long as|as well|same as|like with|like for|compared to|compared with|than|"
    r"versus|vs)\b"
)
# asking how an exercise is done ("how do i do it", "how is that one done")
_DOING = re.compile(r"\bhow (?:do (?:i|you|we) do|to do|is (?:it|that|this)(?: one)? done)\b")
# "how do i do it without wrecking my back": the exercise just talked about, asked how it is
# done in its first words, whatever the words after it name
_DOING_IT = re.compile(
    r"(?:\w+ ){0,3}?how (?:do|should|can|would|could) (?:i|you|we|one) (?:do|perform) "
    r"(?:it|that|this|that one|this one)\b"
)
# "does this one involve kneeling?", "will it need a mat": what the exercise talked about asks
_INVOLVES_IT = re.compile(
    r"\b(?:does|do|will|would) (?:this|that|it)(?: one| exercise| stretch| pose)? "
    r"(?:involve|need|require|include|use|put weight on)\b"
)
# "can i do it on a bed?", "could i do this one at my desk": where or when the exercise just
# talked about may be done, whatever the place is called
_DOING_IT_THERE = re.compile(
    r"(?:\w+ ){0,3}?(?:can|could|should|may) (?:i|you|we|one) (?:do|try|perform) "
    r"(?:it|that|this|them|these|those)(?: one| ones)? (?:on|in|at|while|during|before|after) "
)
# "on carpet ok?", "in bed fine?": whether the exercise just talked about may be done there,
# asked in a few words
_THERE_OK = re.compile(
    r"^(?:\w+ ){0,2}?(?:on|in|at) (?:a |the |my )?\w+(?: \w+)? (?:ok|okay|fine|alright|good|safe)$"
)
# "my back arches when i do it, is that bad?": what happens while doing the exercise just
# talked about, whatever else the words name (an arched back is also a sign of tight hips)
_WHILE_DOING_IT = re.compile(
    r"\b(?:when|while|whenever) (?:i|you) (?:do|am doing|are doing|try|hold) "
    r"(?:it|this|that|them|this one|that one)\b|\bduring (?:it|this one|that one)\b"
    # told as it went: "i am doing it but feel nothing in front", "i tried it and ..."
    r"|\bi (?:am doing|was doing|did|tried|do) (?:it|this|that|them|this one|that one) "
    r"(?:but|and)\b"
)
# "same hold time as the kneeling one": the detail compared is asked of the topic
_SAME_AS = re.compile(r"\bsame ((?:\w+ ){1,3})as\b")
# Two exercises set side by side: "the pigeon or the kneeling one", "bridge vs pigeon", "is
# pigeon better than the bridge"; with "and", "from" or "to", only when the question weighs them
# ("the difference between bridge and pigeon", "how is that different from pigeon", not "i do
# pigeon and bridges, should i see someone").
_SIDE_BY_SIDE = re.compile(r"\b(?:or|and|vs|versus|than|from|to)\b")
_ONLY_WEIGHED = frozenset({"and", "from", "to"})
_JOINED = frozenset({"or", "and", "vs", "versus"})  # the other joints follow a word that weighs
_WEIGHED = re.compile(r"\b(?:differ|difference|differences|different|between|compare|compared)\b")
# ... "is that better than pigeon", "how is this one different from pigeon": what is talked
# about, then the word that weighs it
_THIS_WEIGHED = re.compile(r"\b(?:this|that|it)(?: one)?(?: \w+)?(?: \w+)$")
SIDE_WORDS = 4  # words on each side of "or" that must name an exercise
_THIS_BEFORE = re.compile(r"\b(?:this|that|it)(?: one)?$")  # "... this or pigeon"
_THIS_AFTER = re.compile(r"^(?:the )?(?:this|that|it)\b")  # "... pigeon or this one"
_BESIDE = re.compile(r"\b(before|after) ")  # then the name (two searches: no backtracking)
NEXT_WORDS = (
    "next previous one after before that this exercise stretch pose move then do ok okay come "
    "comes done finished ready show give"
    # (what was just finished: "done both sides, what next?", "did all my reps, next one?")
    " both side sides all rep reps set sets round rounds"
)


class _Aside(NamedTuple):
    """A condition or treatment told of before a question (``QuestionReader.told_aside``)."""

    subject: str  # as the not-covered list names it ("asthma")
    clause: str  # the clause that tells of it ("asthma means no running for me,")


class QuestionReader:
    """Reads one question against one knowledge base (built with the interpreter that asks)."""

    def __init__(
        self, kb: KnowledgeBase, matcher: Matcher, scope: Scope, follow_ups: FollowUpReader
    ) -> None:
        self.kb = kb
        self.matcher = matcher
        self._scope = scope
        self._follow_ups = follow_ups
        near: dict[str, str] = {}
        for group, phrases in kb.not_covered.items():
            for phrase in phrases:
                near.setdefault(matcher.canonical(phrase), group)
        self._near = near
        self.near_terms = frozenset(t for phrase in near for t in matcher.analyse(phrase)[0])
        self._near_finder = alternation(near)
        self._next_terms = frozenset(matcher.analyse(NEXT_WORDS)[0])
        # The words people use to ask a detail ("stay", "swap", "lean"): in a follow-up that asks
        # a detail of its topic, they are not words of another subject, whether or not an entry
        # uses them ("do i lean forward or stay sitting up?" after pigeon pose).
        self._detail_words = frozenset(
            t for follow_up in kb.follow_ups for p in follow_up.asks for t in self._terms(p)
        )
        # The exercises in menu order, for "the next one" (sorted once: every question asks).
        self._exercises = [entry.id for entry in kb.exercises()]
        # The words of the entries' titles that ask nothing by themselves ("hip", "pigeon",
        # not "often" or "stretch"): a question with one names a subject of ours.
        self._subject_terms = frozenset(
            t
            for entry in kb.entries.values()
            for t in self._terms(entry.title)
            if t not in QUESTION_WORDS and t not in self._detail_words
        )
        # The words of the other topics' titles ("hip", "flexor", "stretch"): a word of these
        # picks out no one exercise ("which ones stretch the hip flexors?" names no title).
        self._shared_terms = frozenset(
            t
            for entry in kb.entries.values()
            if entry.kind != "exercise"
            for t in self._terms(entry.title)
        )
        self.confidence = Confidence(kb, matcher, scope, self.near_terms)

    def read(
        self,
        text: str,
        context: Conversation | None,
        story: tuple[tuple[str, float], ...],
        told: bool = False,
    ) -> Reading:
        """What one question asks. ``told``: the context is the message's own back-story, which
        the question may add to freely, not a topic of the chat that an unrelated message must
        not be forced onto."""
        aside = self._aside(text, context is not None and context.topic is not None)
        reading = self._read(text, context, story, told, aside)
        return with_aside(reading, aside.subject) if aside is not None else reading

    def told_aside(self, text: str, following: bool = False) -> str | None:
        """A condition or treatment the text tells of before a question about something else
        ("i have arthritis, how often should i stretch?"), or None. ``following``: in a
        conversation, where a detail asked is the topic's."""
        aside = self._aside(text, following)
        return aside.subject if aside is not None else None

    def _aside(self, text: str, following: bool) -> _Aside | None:
        """``told_aside`` with the clause that tells of it."""
        near = self.not_covered(self.matcher.canonical(text))
        if near is None or self.near_group(near) not in TOLD_ASIDE:
            return None
        clause = self._told(text, near, following)
        return _Aside(near, clause) if clause is not None else None

    def _read(
        self,
        text: str,
        context: Conversation | None,
        story: tuple[tuple[str, float], ...],
        told: bool,
        aside: _Aside | None,
    ) -> Reading:
        canonical = self.matcher.canonical(text)
        compared = self._compared(canonical, context, story, told)
        if compared is not None:
            return compared
        overview = self.side_by_side(canonical, context)
        if overview is not None:
            return overview
        chosen = self._chosen(canonical, context)
        if chosen is not None:
            return chosen
        cue = self._follow_ups.cue(self._asking(text, canonical, context is not None))
        if cue is not None and cue.follow_up.answers_topic and (told or context is None):
            cue = None  # "explain it in simpler words" asks again only after an answer
        asked = frozenset(
            t for p in (cue.phrases + cue.fillers if cue else ()) for t in self._terms(p)
        )
        if cue is not None and cue.follow_up.names_its_answer:
            # a request that names its own answer ("give me some stretches before bed"): the
            # default entry's key words stay the message's own, as it is what is asked for
            wanted = cue.follow_up.default or ""
            asked = frozenset(t for t in asked if not self._scope.in_keywords((t,), wanted))
        if cue is not None and context is not None:
            # what the person wants to do without is a condition, not what a follow-up asks
            # about ("how do i fix it without quitting my desk job")
            without = _WITHOUT.search(canonical)
            if without is not None:
                asked |= frozenset(self._terms(without.group(1)))
            when = _WHEN_I.search(canonical)
            if when is not None:
                asked |= frozenset(self._terms(when.group(1)))
            head, comma, tail = text.rpartition(",")
            if (
                comma
                and first_word(words(head)) in _CIRCUMSTANCE
                and may_open_a_question(words(tail))
            ):
                # ... and so is when or where it is done, told first ("after my swim at the
                # leisure centre, do i lower my chest or stay upright?")
                asked |= frozenset(self._terms(head))

        if aside is not None:
            # what they live with or take, told in a clause before the question, is not what
            # it asks about ("asthma means no running for me, what exercises help my hip
            # flexors?": not what "means" means)
            asked |= frozenset(self._terms(aside.clause))

        # "the second one", "number 3": the last list shown (no list: nothing to guess from).
        options = context.options if context is not None else ()
        unasked = self._follow_ups.unasked(canonical)
        # ("which side first" is no ordinal; nor is a number left alone once the words that
        # ask a detail are read away, unless the whole says so: "other leg 2?" is "too")
        picked = ordinal(canonical if unasked.strip().isdigit() else unasked, options or NO_LIST)
        refers = picked is not None and (
            explicit_reference(unasked) or self._only_refers(text, asked)
        )
        if refers and not options and cue is None:
            return Reading("none", notes=("an ordinal, and no list shown",))
        if picked is not None and refers and options:
            called = self.called_exercise(canonical, context, text)
            if called is not None and called != picked:
                # the exercise called by its own words beside the count ("last one, the
                # kneeling thing"): the words say which, where a count can be out by one
                detail = cue.follow_up.name if cue else None
                return self._entry(called, detail, None, f"the exercise called: {called}")
            walking = context is not None and context.topic in self._exercises
            if walking or (picked not in self._exercises and _DOING.search(canonical) is not None):
                # "the 2nd one, how do i do it" after a reply whose list is of topics (the
                # exercises were listed before it), or "number 2", "last one" while going
                # through the exercises: the exercise of that number, not a button of the
                # exercise's answer
                picked = ordinal(unasked, tuple(self._exercises)) or picked
            detail = cue.follow_up.name if cue else None
            return self._entry(picked, detail, None, f"option from the last list: {picked}")
        # "back to the kneeling one": another exercise called by a word of its own, with the
        # detail asked or the one just talked about ("same for the kneeling one?").
        other = self.called_exercise(canonical, context, text)
        if other is not None and context is not None:
            detail = cue.follow_up.name if cue else context.detail
            return self._entry(other, detail, None, f"the exercise called: {other}")
        # "and the next exercise?", "what's the one after that": the exercise after the topic
        # (or before it, or beside one the message names).
        beside = self.next_exercise(canonical, context)
        if beside is not None:
            # (a detail named in what was just done is not asked of the next one: "done both
            # sides, what next?")
            cue = self._follow_ups.cue(_DONE_WITH.sub(" ", canonical)) if cue else None
            detail = cue.follow_up.name if cue else None
            return self._entry(
                beside, detail, None, f"the exercise beside {context and context.topic}"
            )

        parts = ((text, 1.0), *story)
        # The match with the words that ask a detail, made when first needed (most readings
        # decide on ``own`` alone).
        whole = _Lazy(
            partial(self.matcher.match_parts, parts), partial(self.matcher.match_parts, parts, 1)
        )
        own = self.matcher.match_parts(parts, drop=asked) if asked else whole()
        unfamiliar = self.confidence.unfamiliar(own)
        subject = self._scope.subject(canonical)
        agent = self._scope.agent(canonical)
        if agent and not any(self.matcher.known(t) for t in agent):
            # Whether it causes or helps is asked of a thing the knowledge base never names
            # ("does metformin cause back pain?"): no entry answers, not even one whose title
            # is the words around it ("how they cause back pain").
            unfamiliar = UNKNOWN_AGENT
        elif (subject and not any(self.matcher.known(t) for t in subject)) or not all(
            self.matcher.known(t) for t in self._scope.praised(canonical)
        ):
            # What the question is for or about, or asks to be recommended, is a subject the
            # knowledge base never names ("what yoga pose helps with anxiety", "a good stretching
            # app"): only an entry named by its title may answer.
            unfamiliar = max(unfamiliar, UNKNOWN_SUBJECT)
        near = self.not_covered(canonical)
        if near is not None and aside is not None and near == aside.subject:
            near = None  # what they take, told before a question about something else
        if near is not None and context is None and self._in_described(near, canonical, own):
            near = None  # "the one where you lie down knees bent ...": the knees of the bridge
        if (
            near is not None
            and self.near_group(near) in ALWAYS
            and not (context is not None and self._prop(context.topic, near, cue))
        ):
            return Reading("not_covered", subject=near, match=whole())
        if (
            cue is not None
            and cue.follow_up.names_its_answer
            and near is None
            # (not, out of a conversation, of a thing we never name: "what order should i watch
            # the star wars films in" orders no exercises)
            and not (context is None and unfamiliar >= UNKNOWN_SUBJECT)
            and (
                own.best is None
                or own.best.entry_id == cue.follow_up.default
                or (self.kb.entries[own.best.entry_id].kind == "exercise" and not own.best.named)
                # (the rest names nothing and points nowhere clearly: "i work in a call centre
                # with a headset on, which stretches should i be doing")
                or (not own.best.named and own.band is Band.NONE)
                # (in a conversation, not sure of another is no better: "any exercises i can
                # try for that right now?")
                or (not own.best.named and context is not None and own.band is Band.UNSURE)
            )
        ):
            # a request that names its answer, whatever it is for ("any stretches i could do in
            # my lunch break?"): that answer, unless the message names something else we cover
            # (one exercise unnamed is no better: "stretch" is also a word of the kneeling one's)
            wanted = cue.follow_up.default or ""
            return self._entry(wanted, None, own, _REQUESTED)
        if (
            cue is None
            and context is not None
            and context.topic in self._exercises
            and _INVOLVES_IT.search(canonical) is not None
        ):
            # "does this one involve kneeling at all?": what the exercise talked about asks of
            # the body, whatever another exercise's word it names
            return self._entry(context.topic, None, own, "what the exercise talked about involves")
        if (
            cue is None
            and context is not None
            and context.topic in self._exercises
            # (not when the message names another: "now the bridge? how do i do that one")
            and not (own.best is not None and own.best.named and own.best.entry_id != context.topic)
        ):
            # how or where the exercise just talked about is done, or what happens doing it
            if _DOING_IT.match(canonical) is not None:
                note = "how the exercise talked about is done"
                return self._entry(context.topic, None, own, note)
            # "how am i supposed to set it up correctly?": the exercise pointed at, asked of in
            # the words of how any exercise is done and no others
            if NAMES_A_THING.search(canonical) and self.confidence.only_placing(own.terms):
                return self._entry(context.topic, None, own, _FORM_ASKED)
            if _DOING_IT_THERE.match(canonical) is not None or _THERE_OK.match(canonical):
                note = "where the exercise talked about is done"
                return self._entry(context.topic, None, own, note)
            if _WHILE_DOING_IT.search(canonical) is not None and unfamiliar <= MAX_UNFAMILIAR:
                note = "what happens while doing the exercise talked about"
                return self._entry(context.topic, None, own, note)
        following = context is not None and context.topic is not None
        placed = False  # a body part whose place in the exercise is asked ("my arms?")
        if near is not None and following and self._in_topic(near, canonical, context, cue):
            near, placed = None, True  # "which knee goes on the floor?" after the stretch
        if context is None and cue is not None and not (near is not None and self.unplaced(near)):
            # (not of a part no exercise places: "my jaw clicks when i chew, who treats that?")
            clarify = self._follow_ups.clarify(canonical, cue, own, whole, unfamiliar)
            if clarify is not None:
                return clarify
        # In a conversation, a question about a detail the topic has is about the topic unless
        # it names another entry ("where do I put my right knee?" after pigeon pose).
        topic = self.kb.entries.get(context.topic or "") if context is not None else None
        strict = (
            topic is not None
            and cue is not None
            and (
                topic.detail(cue.follow_up.name) is not None
                or cue.follow_up.default is not None
                or cue.follow_up.answers_topic
            )
        )

        # A question another entry has almost word for word is that entry's, whatever came
        # before ("how often should I stretch?" after pigeon pose asks the general question),
        # unless it points back at the topic after the words that ask ("how many days a week
        # for that?"; not "nvm that. how often should i stretch?").
        plain = without_fillers(canonical) if cue is not None else canonical
        points_back = cue is not None and any(
            POINTS_BACK.search(plain, max(plain.find(p), 0)) for p in cue.phrases[:1]
        )
        first = whole.first() if strict and not points_back else None
        phrased = first.best if first is not None else None
        if (
            first is not None
            and phrased is not None
            and phrased.similarity >= PHRASED
            and self.confidence.solid(first, unfamiliar, False, cue)  # (its best, band and terms)
            and (context is None or phrased.entry_id != context.topic)
        ):
            return self._entry(phrased.entry_id, None, whole())

        # A clear question of its own: answer it (its detail, if that is all it asks).
        if self.confidence.solid(own, unfamiliar, strict):
            best = own.best
            assert best is not None
            # ("which stretches tho?" after a frequency asks for the list, not the detail again)
            before = None if _WHICH.search(canonical) else context
            detail = self._follow_ups.detail_asked(cue, best.entry_id, own, before)
            first = None if following else whole.first()
            rival = first.best if first is not None else None
            if (
                first is not None
                and rival is not None
                and rival.entry_id != best.entry_id
                and (
                    rival.score >= best.score
                    # the detail asked has an entry of its own, and the best has no such detail
                    # ("what's the right number of times a week to do hip flexor stretches")
                    or (
                        cue is not None
                        and detail is None
                        and rival.entry_id == cue.follow_up.default
                    )
                )
                and self.confidence.solid(first, unfamiliar, False, cue)
            ):
                # The words that ask a detail belong to this question ("how often do I need
                # to stretch?" asks for the frequency entry, not the stretch's frequency).
                best, detail = rival, None
            if (
                near is not None
                and not self.confidence.about(best, near, canonical)
                and not self._placed(best.entry_id, near, canonical, cue)
            ):
                if following and self._asks_its_form(text, canonical, whole, context, near):
                    # ("do i push my hips forward or sit back onto my heel?" in the stretch)
                    assert context is not None and context.topic is not None
                    return self._entry(context.topic, None, own, _FORM_ASKED)
                return Reading("not_covered", subject=near, match=own)
            default = cue.follow_up.default if cue is not None else None
            if (
                cue is not None
                and default is not None
                and best.named
                and best.entry_id != default
                and _SET_ASIDE.search(canonical) is not None
                and self.kb.entries[best.entry_id].detail(cue.follow_up.name) is None
            ):
                # "what were the others besides pigeon": the entry named is set aside, and the
                # detail's own entry answers (the exercises).
                return self._entry(default, None, own, f"{_DEFAULT}, the named set aside")
            if (
                cue is not None
                and default is not None
                and cue.follow_up.over_subject  # (set only with a default)
                and not best.named
                and len([t for t in own.terms if t not in QUESTION_WORDS]) <= OVER_SUBJECT_WORDS
                and unfamiliar == 0
                and self.kb.entries[best.entry_id].detail(cue.follow_up.name) is None
            ):
                # "how do i fix tight hip flexors": what the detail asks of a subject that has
                # no answer of its own to it is the detail's own entry (the exercises); a few
                # known words only, not a story with a question of its own.
                return self._entry(default, None, own, _DEFAULT)
            kept = self._topic_in_a_tie(own, context)
            if kept is not None:
                detail = self._follow_ups.detail_asked(cue, kept, own, context)
                return self._entry(kept, detail, own, "the topic, in a tie")
            return self._entry(best.entry_id, detail, own)

        named = own.best
        if (
            following
            and cue is not None
            and context is not None
            and context.detail == cue.follow_up.name
            and unfamiliar <= SOLID_UNFAMILIAR
            and named is not None
            and named.entry_id != context.topic
            and own.band is not Band.NONE
            and named.entry_id in self._exercises
            and self.kb.entries[named.entry_id].detail(cue.follow_up.name) is not None
            and self._named_exercise(text) == named.entry_id  # (a match: the last check)
        ):
            # the detail just answered, asked of another exercise named by a title or keyword
            # ("does the kneeling stretch get a different hold time?" after pigeon's hold)
            return self._entry(named.entry_id, cue.follow_up.name, own, "a detail of the named")

        # A follow-up: read it against the topic just talked about.
        if (
            following
            # (not "haha": no word of its own, and no question either; "anything else?" asks,
            # and so does "do i need all of them", a question with no mark that points back;
            # nor a sum, "what's 15% of 240", whose only words of its own are numbers)
            and (
                cue is not None
                or bool(own.terms)
                or "?" in text
                or (POINTS_AT.search(text) is not None and opens_a_question(words(text)))
            )
            and (cue is not None or not only_numbers(own.terms))
            and (
                unfamiliar <= MAX_UNFAMILIAR
                or (strict and POINTS_AT.search(text) is not None)
                or (strict and self._familiar_in_detail(own))
                or placed
            )
            and (
                told
                or not self.confidence.elsewhere(
                    own, asked, context.topic if context else None, self._holds(cue, context)
                )
            )
        ):
            assert context is not None and context.topic is not None
            reading = self._follow_ups.follow(text, cue, context.topic, story)
            if reading is not None:
                return reading
        if (
            following
            and context is not None
            and context.topic is not None
            and unfamiliar <= SOLID_UNFAMILIAR
            and (told or not self.confidence.elsewhere(own, asked, context.topic))
            and self.confidence.on_the_exercise(own, asked, context.topic)
        ):
            return self._entry(context.topic, None, own, "about doing the exercise")
        if following and self._asks_its_form(text, canonical, whole, context, near):
            assert context is not None and context.topic is not None
            return self._entry(context.topic, None, own, _FORM_ASKED)
        if near is not None:
            best = own.best
            if (
                best is not None
                and best.named
                and own.band is not Band.NONE
                and set(own.off_topic) <= set(self._terms(near))  # (not "... help sciatica")
                and self.kb.entries[best.entry_id].kind == "exercise"
                and not self._scope.hurts(near, canonical)
            ):
                # a body part in the exercise the question names ("in pigeon do I lower my
                # chest right down?"), not a pain of it
                return self._entry(best.entry_id, None, own, "a body part in the exercise named")
            return Reading("not_covered", subject=near, match=own)
        if (
            cue is not None
            and context is None
            and has_content(own)
            and self.confidence.solid(whole(), unfamiliar, False, cue)
        ):
            # The words that ask a detail are part of its own question ("daily stretching?").
            best = whole().best
            assert best is not None
            return self._entry(best.entry_id, None, whole())
        if cue is not None and not has_content(own):
            # A detail with no topic anywhere ("how often?", "how long do I hold it?").
            if cue.follow_up.default is not None and not following:
                return self._entry(cue.follow_up.default, None, whole(), _DEFAULT)
            having = self._follow_ups.having(whole(), cue.follow_up.name, MAX_SUGGESTIONS)
            if having:
                return Reading("unsure", options=tuple(having[:MAX_SUGGESTIONS]), match=whole())
        best = own.best
        if (
            cue is not None
            and cue.follow_up.default is not None
            and best is not None
            and best.entry_id == cue.follow_up.default
            and (own.band is not Band.NONE or whole().band is Band.CONFIDENT)
        ):
            # "is a chiropractor or a physio better for this?": the words that ask a detail
            # and the rest of the question both point at the detail's own entry.
            return self._entry(best.entry_id, None, own, _DEFAULT)
        reading = self.confidence.by_band(own, unfamiliar)
        if (
            following
            and not told
            and unfamiliar == 0
            and reading.kind == "unsure"
            and len(reading.options) == 1
            and context is not None
            and reading.options[0] != context.topic
            and own.best is not None
            and (own.best.named or own.best.support >= 2)
            # (not when it asks how the topic's exercise is done: "i have a standing desk so
            # im hardly sitting. do my feet go flat?" after the bridge)
            and not (self._holds(cue, context) and not own.best.named)
        ):
            # In a conversation, a question whose words are all the knowledge base's and that
            # points at one entry other than the topic, on two words of its own or by its name
            # ("would yoga do the same job, and which poses?" after the exercises), is about
            # that entry: a "did you mean" with one option would only ask it back.
            return self._entry(reading.options[0], None, own, _ONE_OPTION)
        if following and not told and cue is None and reading.kind == "unsure" and context:
            # one of the exercises just listed, named, with words of the writer's own ("pigeon
            # sounds the most chill of those, walk me through it"): that exercise
            listed = [
                c.entry_id
                for c in own.candidates
                if c.named and c.entry_id in context.options and c.entry_id in self._exercises
            ]
            if len(listed) == 1:
                return self._entry(listed[0], None, own, "an exercise just listed, named")
        return reading

    def _entry(
        self, entry_id: str, detail: str | None, match: Match | None, note: str = ""
    ) -> Reading:
        return entry_reading(self.kb, entry_id, detail, match, note)

    def next_exercise(self, canonical: str, context: Conversation | None) -> str | None:
        """The exercise after the topic in the menu's order (or before it: "the previous one"),
        for a message that asks for it and says nothing else ("ok and the next exercise?"); the
        one before or after an exercise the message names ("could we go back to the one you
        mentioned just before the bridge?"); None otherwise."""
        exercises = self._exercises
        one = _ONE.search(canonical)
        beside = _BESIDE.search(canonical, one.end()) if one is not None else None
        if beside is not None:
            # the name just after it, in the fewest words ("the one after pigeon on your list");
            # not after a word pointing back ("the next one after that, the pigeon?" names the
            # one it asks for)
            after = canonical[beside.end() :].split()[:SIDE_WORDS]
            if after and after[0] in _POINTERS:
                after = []
            for count in range(1, len(after) + 1):
                named = self._named_exercise(" ".join(after[:count]))
                if named is not None:
                    return _beside(exercises, named, -1 if beside.group(1) == "before" else 1)
        if context is None or context.topic not in exercises:
            return None
        step = 1 if _NEXT.search(canonical) else -1 if _PREVIOUS.search(canonical) else 0
        said = [t for t in self._terms(canonical) if t not in QUESTION_WORDS]
        if not step or any(t not in self._next_terms for t in said):
            return None
        return _beside(exercises, context.topic, step)

    def called_exercise(
        self, canonical: str, context: Conversation | None, text: str = ""
    ) -> str | None:
        """In a talk about an exercise, another one called by a word of its own ("back to the
        kneeling one, which foot goes forward?", "the one where you kneel, how long?"), or one
        of the exercises just listed, by its name or by what is done in it ("the lying down
        one"), or None. ``text``: the message as written, whose sentences tell which pain is
        told beside the call."""
        if context is None:
            return None
        # (the first that calls it by a name, not by a count: "the last one, the kneeling thing")
        phrases = (
            next(group for group in called.groups() if group)
            for called in _CALLED.finditer(canonical)
            if _TAKEN_BACK_CALL.search(canonical, 0, max(called.start() - 1, 0)) is None
        )
        phrase = next(
            (
                p
                for p in phrases
                if not _NO_NAME.issuperset(p.split()) and _COUNTING.isdisjoint(p.split())
            ),
            None,
        )
        if phrase is None:
            return None
        called_as = phrase
        if phrase.startswith("on "):
            phrase = f"lying {phrase}"  # "something on my back": done lying on it
        if context.topic in self._exercises:
            named = self._named_exercise(phrase)
            if named is None and phrase.split()[0].endswith("ing"):
                # by what is done in it, of the others: "and the one lying down?"
                others = [e for e in self._exercises if e != context.topic]
                named = self._only_one_doing(phrase, others)
            return named if named is not None and named != context.topic else None
        shown = [option for option in context.options if option in self._exercises]
        if not shown:
            return None
        # (a pain told in a sentence of its own is why another is called: "my knee hurts on
        # the floor. the one lying on my back, how?")
        said = next(
            (c for s in sentences_of(text) if called_as in (c := self.matcher.canonical(s))),
            canonical,
        )
        near = self.not_covered(said)
        if near is not None and self._scope.hurts(near, said):
            return None  # (nor "the kneeling one hurt my knee": a pain of a part we don't cover)
        # Just after the list of exercises, one called by what is done in it ("the lying
        # down one, talk me through it"): the one shown whose words are all of the phrase's.
        named = self._named_exercise(phrase)
        if named in shown:
            return named
        return self._only_one_doing(phrase, shown)

    def unplaced(self, subject: str) -> bool:
        """Whether a subject we do not cover is a part of the body that no exercise places
        (the jaw, the wrist; not the knee)."""
        terms = self._terms(subject)
        return self.near_group(subject) == BODY_PARTS and not any(
            t in self.confidence.words_of_entry(e) for e in self._exercises for t in terms
        )

    def _only_one_doing(self, phrase: str, exercises: list[str]) -> str | None:
        """The one of ``exercises`` whose words hold all of the phrase's words that any of
        them has, or None when none or several do (the words of none are the rest of the
        message: "talk me through it")."""
        vocabularies = [self.confidence.words_of_entry(e) for e in exercises]
        terms = {t for t in self._terms(phrase) if any(t in v for v in vocabularies)}
        having = [e for e, v in zip(exercises, vocabularies, strict=True) if terms and terms <= v]
        return having[0] if len(having) == 1 else None

    def _compared(
        self,
        canonical: str,
        context: Conversation | None,
        story: tuple[tuple[str, float], ...],
        told: bool,
    ) -> Reading | None:
        """In a talk about an exercise, a question about it that names another only to compare
        ("is this one held as long as the pigeon?", "do I swap legs on this one as well, same
        as the kneeling stretch?"): the question before the comparison, about the topic; None
        when there is no such comparison or that question alone is not about the topic."""
        if context is None or context.topic not in self._exercises:
            return None
        same = _SAME_AS.search(canonical)
        compared = same or _COMPARED.search(canonical)
        if compared is None or (compared.start() == 0 and same is None):
            return None
        before = canonical[: compared.start()]
        other = self._named_exercise(canonical[compared.start() :])
        if other is None or other == context.topic or self._named_exercise(before) is not None:
            return None
        # ("is it the same hold time as ...": the words between "same" and "as" ask)
        head = f"{before} {same.group(1)}".strip() if same is not None else before
        reading = self.read(head, context, story, told)
        if reading.kind in {"answer", "detail"} and reading.entry_id == context.topic:
            return noted(reading, f"compared with {other}")
        return None

    def side_by_side(self, canonical: str, context: Conversation | None) -> Reading | None:
        """A question that puts two exercises side by side ("which one is held longer, the
        pigeon or the kneeling one?", "difference between bridge and pigeon", "this or pigeon"
        in a talk about the bridge): the entry that lists both (the one that lists the most
        exercises), where they stand together; None when no "or" / "vs" (or "and", in a
        question that weighs) has a different exercise named right before and after it."""
        weighed = _WEIGHED.search(canonical) is not None
        topic = context.topic if context is not None else None
        this = topic if topic in self._exercises else None
        options = context.options if context is not None else ()
        for joint in _SIDE_BY_SIDE.finditer(canonical):
            if joint.group() in _ONLY_WEIGHED and not weighed:
                continue
            before = " ".join(canonical[: joint.start()].split()[-SIDE_WORDS:])
            after = " ".join(canonical[joint.end() :].split()[:SIDE_WORDS])
            pointing = _THIS_BEFORE if joint.group() in _JOINED else _THIS_WEIGHED
            first = self._side(before, this, pointing, options) if before else None
            second = (
                self._side(after, this, _THIS_AFTER, options)
                if first is not None and after
                else None
            )
            if first is None or second is None or first == second:
                continue
            listing = self._listing((first, second))
            if listing is not None:
                compared = self._entry(listing, None, None, f"side by side: {first}, {second}")
                return replace(compared, options=(first, second))
        return None

    def _listing(self, exercises: tuple[str, ...]) -> str | None:
        """The entry that lists all of ``exercises`` side by side (of several, the one that
        lists the most exercises), or None."""
        lists = [
            entry
            for entry in self.kb.ordered()
            if entry.kind != "exercise" and set(exercises) <= set(entry.related)
        ]
        if not lists:
            return None
        return max(lists, key=lambda e: sum(r in self._exercises for r in e.related)).id

    def _chosen(self, canonical: str, context: Conversation | None) -> Reading | None:
        """A question that chooses among the exercises talked about ("which of the three is
        easiest?", "which of the two uses the glutes?"): the entry that lists them when it
        weighs them, the one it picks out by its own words otherwise; None when it chooses
        nothing, fewer than two were talked about, the last answer was of something else (a
        choice after whom to see is between those), or it names a subject we do not cover."""
        if context is None or context.topic is None:
            return None
        if context.topic not in self._exercises and not self._lists_all(context.topic):
            return None
        chosen = choice(canonical)
        if chosen is None:
            return None
        talked = self._talked_about(context)
        if len(talked) < 2 or self.not_covered(canonical) is not None:
            return None
        if not chosen.ranks:
            # (by a name of its own, not by words the other topics' titles share)
            phrase = self._scope.named_phrase(chosen.rest) if chosen.rest else None
            if phrase is None or not self._shared_terms.isdisjoint(self._terms(phrase)):
                return None
            named = self._named_exercise(phrase)
            if named not in talked:
                return None
            assert named is not None
            return self._entry(named, None, None, f"picked out of {len(talked)}: {named}")
        listing = self._listing(talked)
        if listing is None:
            return None
        weighed = self._entry(listing, None, None, f"weighed: {', '.join(talked)}")
        return replace(weighed, options=talked)

    def _talked_about(self, context: Conversation) -> tuple[str, ...]:
        """The exercises a conversation talked about: those answered, or all of them once the
        entry that lists them all was."""
        said = (*context.earlier, *([context.topic] if context.topic else []))
        if any(self._lists_all(entry_id) for entry_id in said):
            return tuple(self._exercises)
        return tuple(dict.fromkeys(e for e in said if e in self._exercises))

    def _lists_all(self, entry_id: str) -> bool:
        entry = self.kb.entries.get(entry_id)
        return (
            entry is not None
            and entry.kind != "exercise"
            and set(self._exercises) <= set(entry.related)
        )

    def _side(
        self, words: str, this: str | None, pointing: re.Pattern[str], options: tuple[str, ...]
    ) -> str | None:
        """The exercise one side of "or" names, the one talked about when it points at it
        ("this", "this one", "it"), or the exercise of the last list it numbers ("the first
        and the last one")."""
        if this is not None and pointing.search(words):
            return this
        numbered = ordinal(words, options) if options else None
        if numbered in self._exercises:
            return numbered
        return self._named_exercise(words)

    def _named_exercise(self, text: str) -> str | None:
        """The exercise a phrase names by a title or keyword (the best match for it), or None."""
        phrase = self._scope.named_phrase(text)
        best = self.matcher.match(phrase).best if phrase is not None else None
        if best is None or self.kb.entries[best.entry_id].kind != "exercise":
            return None
        return best.entry_id

    def _only_refers(self, text: str, asked: frozenset[str]) -> bool:
        """Whether a message with an ordinal says nothing else of its own ("explain the second
        one", not "what's the first step to a pain-free back")."""
        ordinals = frozenset(self._terms(" ".join(ORDINALS)))
        rest = self.matcher.match_parts(((text, 1.0),), drop=asked | ordinals)
        unfamiliar = self.confidence.unfamiliar(rest)
        return unfamiliar <= MAX_UNFAMILIAR and not self.confidence.solid(rest, unfamiliar, True)

    def _topic_in_a_tie(self, own: Match, context: Conversation | None) -> str | None:
        """The conversation's topic when it scores as well as the best entry, all but a hair,
        and the question names neither: "which of my legs goes out behind me?" after pigeon
        pose is still about pigeon pose, though the kneeling stretch has those words too."""
        best = own.best
        topic = context.topic if context is not None else None
        if best is None or topic is None or best.entry_id == topic or best.named:
            return None
        for candidate in own.candidates:
            if candidate.entry_id == topic:
                return topic if candidate.score >= TIE * best.score else None
        return None

    def _asking(self, text: str, canonical: str, following: bool = False) -> str:
        """Where a message can ask a detail: its questions, when it has a statement besides
        ("is spin class bad for my hips? i do 3 a week" asks no frequency); in a conversation
        (``following``), even what the writer tells of themselves in the same sentence before a
        comma ("i cycle every day, does that make it worse?")."""
        if "?" not in text:
            # (with no mark, what the writer tells of themselves before a comma still asks
            # nothing: "i cycle to work every day, what else would make them worse")
            asked = _asked_part(text) if following else text
            return canonical if asked == text else self.matcher.canonical(asked)
        parts = sentences_of(text)
        asking = [_asked_part(part) if following else part for part in parts if "?" in part]
        if asking == parts:
            return canonical
        return self.matcher.canonical(" ".join(asking))

    def _holds(self, cue: Cue | None, context: Conversation | None) -> bool:
        """Whether the detail a message asks is how an exercise is done, and the conversation's
        topic answers it (its detail, or the whole exercise when it is asked to adapt it)."""
        if (
            cue is None
            or not cue.follow_up.of_exercises
            or context is None
            or context.topic is None
        ):
            return False
        entry = self.kb.entries.get(context.topic)
        return entry is not None and (
            entry.detail(cue.follow_up.name) is not None
            or (cue.follow_up.tells and entry.kind == "exercise")
        )

    def _familiar_in_detail(self, own: Match) -> bool:
        """Whether a follow-up's own words are familiar once the words that ask details are
        (``_detail_words``)."""
        rest = [t for t in own.terms if t not in self._detail_words]
        return self.confidence.unfamiliar_of(rest) <= MAX_UNFAMILIAR

    def _asks_its_form(
        self,
        text: str,
        canonical: str,
        whole: Callable[[], Match],
        context: Conversation | None,
        near: str | None,
    ) -> bool:
        """Whether a question in a conversation about an exercise asks how the body is placed
        in it (``Confidence.on_its_form``), and not about a pain in a part of the body we do
        not cover ("my knee hurts when i kneel")."""
        return (
            context is not None
            and context.topic is not None
            and ("?" in text or any(opens_a_question(words(s)) for s in sentences_of(text)))
            and (near is None or not self._scope.hurts(near, canonical))
            and self.confidence.on_its_form(whole(), context.topic, near)
        )

    def _placed(self, entry_id: str, subject: str, canonical: str, cue: Cue | None) -> bool:
        """Whether a body part or a thing the article does not cover is placed in the exercise
        a question asks a detail of ("where do my arms go?" after the bridge, "kneeling stretch:
        do i lean my chest forward?") or asks to adapt ("a pillow under my head?"), and is not
        what hurts ("my knee hurts")."""
        entry = self.kb.entries.get(entry_id)
        return (
            entry is not None
            and cue is not None
            and entry.kind == "exercise"
            and (entry.detail(cue.follow_up.name) is not None or cue.follow_up.of_exercises)
            and (self.near_group(subject) not in ALWAYS or self._prop(entry_id, subject, cue))
            and not self._scope.hurts(subject, canonical)
        )

    def _prop(self, entry_id: str | None, subject: str, cue: Cue | None) -> bool:
        """Whether a thing the article gives no advice on is a prop in the exercise a question
        asks to adapt ("a pillow under my head?" after the bridge), not what is asked about
        ("a firm mattress or a soft one?")."""
        entry = self.kb.entries.get(entry_id or "")
        return (
            entry is not None
            and entry.kind == "exercise"
            and cue is not None
            and cue.follow_up.tells
            and cue.follow_up.of_exercises
            and self.near_group(subject) == EQUIPMENT
        )

    def _in_topic(
        self, subject: str, canonical: str, context: Conversation | None, cue: Cue | None
    ) -> bool:
        """Whether a body part the article does not cover is part of the topic just talked
        about: placed in it (``_placed``), or a word of its entry (the knee of the kneeling
        stretch), and not what hurts."""
        topic = context.topic if context is not None else None
        if topic is None:
            return False
        if self._placed(topic, subject, canonical, cue):
            return True
        if self.near_group(subject) in ALWAYS or self._scope.hurts(subject, canonical):
            return False
        words = self.confidence.words_of_entry(topic)
        return all(t in words for t in self._terms(subject))

    def _in_described(self, subject: str, canonical: str, own: Match) -> bool:
        """Whether a body part the article does not cover is placed in an exercise the message
        describes in place of its name ("the one where you lie down knees bent and push your
        bum up"), the best match, and is not what hurts."""
        best = own.best
        return (
            best is not None
            and DESCRIBED.search(canonical) is not None
            and self.kb.entries[best.entry_id].kind == "exercise"
            and self.confidence.about(best, subject, canonical)
        )

    def not_covered(self, canonical: str) -> str | None:
        """The first subject we do not cover that the text mentions, and does not deny ("i
        was in an accident but nothing was injured", "not pregnant", "chest is fine"), nor
        names as a landmark ("near the belly")."""
        if self._near_finder is None:
            return None
        for start, end in self._near_finder.separate(canonical):
            found = canonical[start:end]
            before = [w for w in canonical[:start].split() if w not in _DENIED_BETWEEN]
            # ("no pills", "no injury": a treatment or condition said no to; a body part with
            # "no" is still what a message that asks nothing is about: "no neck pain, just ...")
            denials = _DENIALS if self.near_group(found) not in ALWAYS else _NO_TO
            if (
                denials.isdisjoint(before[-2:])
                and _LANDMARK.isdisjoint(before[-2:])
                and not _FINE_AFTER.match(canonical, end)
                and not (self.near_group(found) == CONDITIONS and _OVER_AFTER.match(canonical, end))
                and not (
                    found == "feet"
                    and _ON_WHOSE.search(canonical, 0, start) is not None
                    and (
                        _ON_ONES_FEET.search(canonical, 0, start) is not None
                        or _ON_FEET_FOR.match(canonical, end) is not None
                    )
                )
                and not (
                    self.near_group(found) in (TREATMENTS, EQUIPMENT)
                    and _TRIED_AFTER.match(canonical, end)
                )
            ):
                return found
        return None

    def _told(self, text: str, subject: str, following: bool = False) -> str | None:
        """The clause that only tells of a treatment or condition, before a question that does
        not name it ("take naproxen for the ache, could sitting be what makes my hip flexors
        tight?"): what the writer does, not what is asked ("im on naproxen, can i do the
        stretches?" asks it, and "ibuprofen or naproxen, which is better?" chooses between
        them); None when it is asked about. ``following``: a detail asked in a conversation is
        the topic's ("i have carpal tunnel, where does my knee go?" after pigeon pose)."""
        # (a question word starts a clause: "with my hypermobility how often should i ...")
        pieces = clauses(text, at_question_words=True)
        told = [i for i, c in enumerate(pieces) if self.not_covered(self.matcher.canonical(c))]
        if not told or opens_a_question(words(pieces[told[0]])):
            return None  # (asked in its own clause: "what's recovery like after a hip op")
        after = pieces[told[0] + 1 :]
        asking = [
            i for i, c in enumerate(after) if c.endswith("?") or may_open_a_question(words(c))
        ]
        if not asking:
            return None
        # (from the clause that asks, or the one before it where that names an exercise:
        # "doing pigeon tonight, how long per side?")
        start = asking[0]
        if start > 0 and self.names_subject(after[start - 1]):
            start -= 1
        question = " ".join(after[start:])
        asked = f" {self.matcher.canonical(question)} "
        choice = " or " in f" {self.matcher.canonical(pieces[told[0]])} "
        if (
            f" {subject} " in asked
            or (choice and not _CHOOSING.isdisjoint(asked.split()))
            or _TAKING_IT.search(asked) is not None
            or _RECOVERY.search(asked) is not None
        ):
            return None
        cue = self._follow_ups.cue(asked.strip())
        if cue is not None and (
            # whom to see suits whatever was told ("ive got osteoporosis, what kind of
            # professional should i check with?"), as does a detail of the topic just talked
            # about in a conversation
            cue.follow_up.default == self.kb.red_flags.question_entry
            or (following and cue.follow_up.default is None)
        ):
            return pieces[told[0]]
        # (and the question names its own subject, one of ours: "what remedy would you
        # suggest?" or "what stretches help?" after "i have sciatica" ask about the condition)
        if self.matcher.match(question).band is Band.NONE or not self.names_subject(question):
            return None
        return pieces[told[0]]

    def names_subject(self, text: str) -> bool:
        """Whether a text names a subject of ours: an exercise, or a word of a title that asks
        nothing by itself ("hip", "pigeon"; not "often" or "stretch")."""
        own = self.matcher.match(text)
        return not self._subject_terms.isdisjoint(own.terms) or (
            self._named_exercise(text) is not None
        )

    def near_group(self, subject: str) -> str:
        return self._near.get(subject, "")

    def _terms(self, phrase: str) -> list[str]:
        return self.matcher.analyse(phrase)[0]


def _asked_part(sentence: str) -> str:
    """A sentence without what the writer tells of themselves before its last comma, when what
    follows the comma opens a question ("i cycle to work every day, does that make my hip
    flexors worse?")."""
    head, comma, tail = sentence.rpartition(",")
    told = words(head)[:1]
    if comma and told and told[0] in _OF_ONESELF and opens_a_question(words(tail)):
        return tail.strip()
    return sentence


def _beside(exercises: list[str], exercise: str, step: int) -> str | None:
    """The exercise ``step`` places after (or before) ``exercise`` in the menu, or None."""
    index = exercises.index(exercise) + step
    return exercises[index] if 0 <= index < len(exercises) else None


class _Lazy:
    """A match made on first use, then kept; ``first``: the same match with only its best
    candidate (band, best and terms are the whole match's), cheaper when the whole match is
    not made (the matcher scores only the entries that can be the best)."""

    def __init__(self, make: Callable[[], Match], make_first: Callable[[], Match]) -> None:
        self._make = make
        self._make_first = make_first
        self._made: Match | None = None

    def __call__(self) -> Match:
        if self._made is None:
            self._made = self._make()
        return self._made

    def first(self) -> Match:
        return self._made if self._made is not None else self._make_first()


def by_default(reading: Reading) -> bool:
    """Whether a reading is the entry a detail or a request gives by default ("what helps",
    "any stretches for it?"), not one its words were matched to."""
    return any(note.startswith((_DEFAULT, _REQUESTED)) for note in reading.notes)
