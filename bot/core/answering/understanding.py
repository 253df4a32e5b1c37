"""Read one message the way a person meant it: in the light of the conversation, and of its own
back-story.

The matcher scores text against entries; this module decides what the message asks for:

- a **follow-up** ("how long do I hold it?", "the second one", "so what do I do about it") is
  read against the conversation's topic, or the back-story of the same message (``follow_ups``);
- a **clear question** of its own switches topic, whatever came before;
- an **unrelated** message (its own words unknown to the knowledge base) is never forced onto the
  previous topic;
- a **long message** is split into sentences: the question counts fully, its back-story less,
  so the story neither hides the question nor drags in a topic of its own;
- a question about a **subject near ours that the article does not cover** (another body part,
  a treatment, pregnancy) gets a reply saying so, not an unrelated answer.

Confidence needs the message's own words: one shared word is enough only when nothing else in
the message is unfamiliar, and words borrowed from context never make a match on their own. What
a question is for or about ("... helps with anxiety") must be something the knowledge base
knows, unless the question names its entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import islice

from bot.core.answering.budget import bounded, story_window
from bot.core.answering.confidence import NAMED_UNFAMILIAR
from bot.core.answering.context import Conversation
from bot.core.answering.follow_ups import Cue, FollowUpReader, without_fillers
from bot.core.answering.match_result import Band
from bot.core.answering.matching import Matcher
from bot.core.answering.question_reading import (
    ALWAYS,
    BODY_PARTS,
    CONDITIONS,
    PHRASED,
    QuestionReader,
    by_default,
)
from bot.core.answering.reading import Reading, entry_reading, noted, with_aside
from bot.core.answering.scope import Scope, clauses
from bot.core.answering.sentences import (
    NAMES_A_THING,
    REFERS,
    adds_a_question,
    lead_ins_apart,
    other_questions,
    question_index,
    run_ons_apart,
    said_something,
    sentences_of,
    tells_apart,
    turns_apart,
    without_closing,
    without_purpose,
)
from bot.core.answering.term_analysis import PLURAL
from bot.core.answering.term_model import QUESTION_WORDS
from bot.core.knowledge import Entry, KnowledgeBase
from bot.core.normalise import STOPWORDS, fold
from bot.core.replies import to_plain

# What a question is for, said with a word pointing back: "which exercises are best for that?"
_FOR_IT = re.compile(
    r"\b(?:for|with|about|help|helps|treat|fix|ease)\s+(?:that|it|this|those|them)\b",
    re.IGNORECASE,
)
LONG_MESSAGE = 100  # characters: longer messages are read sentence by sentence
STORY_FACTOR = 0.35  # weight of a long message's back-story next to its question
NEAR_STORY_FACTOR = 0.6  # the sentence just before the question
STORY_SENTENCES = 6  # sentences before the question that count as its story
NAMES_TRIED = 2  # what the nearest sentences name, for a pronoun in a long message's question
OTHER_QUESTIONS = 2  # a long message's other questions read when its question is not understood
OTHER_QUESTION_SUPPORT = 3  # words of its own for the other of two questions in one breath
_THAT = re.compile(r"\b(?:that|this)\b")  # a word pointing back at what was just told
_ONE_AFTER = re.compile(r"\s+ones?\b")  # "that one": an option or exercise, not a subject
_FOLLOW_UP_NOTE = "follow-up on "  # (the note of a reading that follows the topic)
# An entry named only to be taken back, then another: "sorry not pigeon, i meant the kneeling
# stretch" (the words of the first are left out of the message).
_NOT_THAT = re.compile(
    r"\bnot (?:the )?(\w+(?: \w+){0,2}) ?[,.]? (?=(?:i meant|i mean|meant|the|i was asking)\b)",
    re.IGNORECASE,
)
# ... or after it: "sorry i meant the pigeon, not the bridge"
_NOT_THAT_AFTER = re.compile(
    r"\b(?:i meant|i mean|meant)\b.*?(,? ?(?:and |but )?not (?:the )?(\w+(?: \w+){0,2}))\W*$",
    re.IGNORECASE,
)
# The conversation's first answer pointed back at: "going back to your first answer", "the
# very first thing you told me", "back to my first question".
_FIRST_ANSWER = re.compile(
    r"\b(?:the|my|your|ur|that) (?:very )?(?:first|1st|original) "
    r"(?:answer|question|reply|message|topic|thing (?:you|u) (?:said|told me|mentioned|explained)"
    r"|thing i asked)\b",
    re.IGNORECASE,
)
# An earlier answer pointed back at by its subject: "going back to what you said about sitting",
# "back to the sitting one", "you mentioned sitting" (an answer given, or one the last answer
# offered).
_BACK_TO = re.compile(
    r"\b(?:(?:going|go|so|and|ok|okay) )?(?:back to|about|re) what (?:you|u) "
    r"(?:said|told me|mentioned|wrote|explained) "
    r"(?:about|on|for|re) (\w+(?: \w+){0,3})"
    r"|\b(?:(?:going|go|so|and|ok|okay) )?back to the ((?:\w+ ){1,3})one\b"
    r"|\b(?:you|u) (?:mentioned|talked about|brought up) (\w+(?: \w+){0,2})",
    re.IGNORECASE,
)
# A message that says it changes the subject: "other question, my phone battery drains fast,
# how to fix it?" is not read in the light of the conversation.
_NEW_SUBJECT = re.compile(
    r"\b(?:(?:other|different|diff|unrelated|separate|random|new|side) (?:question|q|topic|thing)"
    r"|(?:random|unrelated|separate) one"
    r"|off topic|change of (?:topic|subject)|chang(?:e|ing) the subject"
    r"|on (?:another|a different|a diff) note|nothing to do with (?:that|this|the above))\b"
)
# A phrase put in quotes: "what does 'noticeable arch' mean?" (not the apostrophe of "what's")
_QUOTED = re.compile(
    r"(?:^|(?<=[\s(]))['\"\u2018\u201c]([A-Za-z][^'\"\u2018\u2019\u201c\u201d\n]{1,60}?[A-Za-z])"
    r"['\"\u2019\u201d](?=[\s,.?!:;)-]|$)"
)
_CURLY_QUOTES = frozenset("\u2018\u2019\u201c\u201d")
# ... or whose meaning it asks, unquoted: "what does shortened position mean here?", "what do you
# mean by tilt"
_MEANING = re.compile(
    r"\bwhat (?:does|do|did) (?!you mean\b)(?:the |a |an |that |this |your )?((?:\w+ ){0,3}?\w+) "
    r"(?:mean|means|stand for)\b"
    r"|\bwhat (?:do|did) you mean by (?:the |a |an |that |this |your )?((?:\w+ ){0,3}?\w+)$"
)
# A question that asks only how what was just told could be: "how could that possibly work?"
_HOW_COULD_IT = re.compile(
    r"(?:is (?:that|this|it) (?:true|right|correct|so) )?"  # ("is that true, and how does it work")
    r"(?:so |but |and |ok |okay )?(?:how|why) (?:could|can|would|does|do|is|did|will) "
    r"(?:that|this|it) (?:possibly |even |actually |really |ever )?(?:work|happen|be|be true|"
    r"be the case|be possible|be right|make sense|cause that|do that)"
)
# A clause that asks about what it names, and nothing else: "what about yoga, my wife goes ..."
_WHAT_ABOUT = re.compile(r"^(?:and |so |ok |okay |but )?(?:what|how) about\b")
# Only a choice that narrows the clause before it ("best sleeping position, side or back?"):
# two short alternatives, no question of their own.
_CHOICE = re.compile(r"\W*(?:\w+\W+){0,2}or\W+\w+(?:\W+\w+)?\W*")
# A question that points at what the clause before it told ("my shoulder clicks, what's a good
# stretch for that", "my eye has a stye, how do i get rid of it"): what it helps, fixes, cures or
# is for.
_FOR_THAT = re.compile(
    r"\b(?:for|with|about|help|helps|fix|fixes|treat|ease|eases|sort|rid of|cure|heal|stop)\s+"
    r"(?:that|this|it|those)\b"
)
# ... or why it happens: "my shoulder clicks when i lift my arm, why is that?"
_WHY_THAT = re.compile(
    r"\b(?:why|how come)\b(?: \w+){0,2} (?:that|this|it)\b"
    r"|\bwhat (?:causes|is causing|would cause) (?:that|this|it)\b"
)

# A question that asks only what a thing is: "what actually IS the psoas?", "so what even are
# hip flexors": it asks the thing's definition, whatever the story before it told of the thing.
_WHAT_IS = re.compile(
    r"^(?:and |so |ok |okay |but )?(?:what|wat|wot) (?:actually |even |exactly |really )?"
    r"(?:is|are) (?:a |an |the |my |this |that |these |those )?\w+(?: \w+)?"
    r"(?: exactly| actually| then| again| anyway)?\W*$",
    re.IGNORECASE,
)


class Interpreter:
    """Reads messages against one knowledge base (build a new one when it changes)."""

    def __init__(self, kb: KnowledgeBase, matcher: Matcher) -> None:
        self.kb = kb
        self.matcher = matcher
        with matcher.remembering():  # titles, keywords and their words come back many times
            self._build(kb, matcher)

    def _build(self, kb: KnowledgeBase, matcher: Matcher) -> None:
        # Not ``self._terms``: a bound method would tie the scope back to this interpreter,
        # a reference cycle that only a full garbage collection frees (see ``_terms_by``).
        self._scope = Scope(
            kb, partial(_terms_by, matcher), matcher.knows, matcher.take_base_terms()
        )
        self._follow_ups = FollowUpReader(kb, matcher, self._scope)
        self._questions = QuestionReader(kb, matcher, self._scope, self._follow_ups)
        self._confidence = self._questions.confidence

    # ------------------------------------------------------------------------------------------
    def read(self, text: str, conversation: Conversation | None = None) -> Reading:
        """What ``text`` asks for, given the conversation so far (None: a fresh start)."""
        with self.matcher.one_message():  # the question alone is matched more than once
            return self._read(text, conversation)

    def _read(self, text: str, conversation: Conversation | None) -> Reading:
        context = conversation if conversation is not None and conversation.current else None
        if context is not None and _NEW_SUBJECT.search(fold(text)):
            context = None  # (what it asks is read alone)
        if context is not None and context.topic is not None:
            quoted = self._quoted_from(text, context.topic)
            if quoted is not None:
                # "'persistent' back pain - persistent meaning how long?": words of the answer
                # just given, quoted back, ask about that answer
                note = f"a phrase of the answer just given, quoted: {quoted!r}"
                return entry_reading(self.kb, context.topic, None, None, note)
        if context is not None and (context.earlier or context.options):
            context, text = self._pointed_back(context, text)
        text = without_closing(text)  # "... form? Best, Anja": the name is no word of it
        taken_back = _NOT_THAT.search(text)
        if taken_back is not None and self.named_in(taken_back.group(1)) is not None:
            text = f"{text[: taken_back.start()]}{text[taken_back.end() :]}"
        taken_back = _NOT_THAT_AFTER.search(text)
        if taken_back is not None and self.named_in(taken_back.group(2)) is not None:
            text = text[: taken_back.start(1)]
        sentences = bounded(turns_apart(sentences_of(text)))
        long = len(text) >= LONG_MESSAGE
        said = said_something(sentences)
        if len(said) < len(sentences):
            text = " ".join(said)  # (read without "right." or "ok then.", but as long as it was)
        if long:
            sentences = lead_ins_apart(run_ons_apart(sentences))
        if len(sentences) >= 2:
            asked = question_index(sentences)
            pointed = self._points_back_beyond(sentences[asked], sentences[:asked])
            if pointed is not None:
                return pointed
            if long:
                return self._read_long(sentences, context)
        reading = self._questions.read(text, context, ())
        purposed = self._purpose_aside(text, context, reading, told=False)
        if purposed is not reading:
            return purposed
        if reading.kind in {"answer", "detail"}:
            if reading.kind == "detail" and len(sentences) >= 2 and context is not None:
                switched = self._switched_to(sentences, context, reading)
                if switched is not None:
                    return switched
            pieces = sentences if len(sentences) >= 2 else clauses(text)
            if len(pieces) >= 2:
                return self._named_question(pieces, context, reading)
            return reading
        sentences = tells_apart(sentences)  # (one with no mark: a question, then a telling)
        if len(sentences) >= 2:
            # A short story, then a question of its own: "My shoulder went numb when I slept
            # on it. How do I do bridge pose?" is about the bridge, not the shoulder; but a
            # subject we do not cover stays the answer unless the question names an entry or
            # leaves the subject to the story ("feet work fine. how often should I stretch?").
            story_read = self._read_long(sentences, context)
            best = story_read.match.best if story_read.match is not None else None
            question = sentences[question_index(sentences)]
            # (a question that points back at a subject we do not cover asks about it: "I
            # have arthritis in both knees. Which exercises are best for that?")
            about_it = reading.kind == "not_covered" and _FOR_IT.search(question) is not None
            if (
                story_read.kind in {"answer", "detail"}
                and not about_it
                and (
                    reading.kind != "not_covered"
                    or (best is not None and best.named)
                    or self._aside(reading, question, text)
                )
            ):
                return story_read
        pieces = clauses(text)
        if len(pieces) < 2:
            return reading
        if reading.kind == "not_covered":
            # "I'm dead on my feet, but my real question is when should I see a physio": the
            # subject is in a clause of its own, the question in another.
            if not self._aside(reading, pieces[question_index(pieces)], text):
                return reading
            clause = self._read_clauses(pieces, context, Reading("none"), refer=False)
            return clause if clause.kind in {"answer", "detail"} else reading
        if reading.kind not in {"none", "unsure"}:
            return reading
        clause = self._read_clauses(pieces, context, reading)
        if (
            clause is not reading
            and context is not None
            and reading.match is not None
            and any(note.startswith(_FOLLOW_UP_NOTE) for note in clause.notes)
            and frozenset(reading.match.off_topic) - self._questions.near_terms
            and self._confidence.elsewhere(reading.match, frozenset(), context.topic)
        ):
            # "my bike brakes squeal, how do i fix that?": the clause would follow the topic,
            # but the message as a whole is about another subject, one the maintainers list.
            return reading
        return clause

    def _quoted_from(self, text: str, topic: str) -> str | None:
        """A phrase the message puts in quotes, or asks the meaning of, that the topic's answer
        says word for word (its text, steps or details), or None; not the topic's name ("lol
        'bridge' reminds me, what is the longest bridge in the world?" is about the word)."""
        entry = self.kb.entries.get(topic)
        if entry is None:
            return None
        quoted = (
            [found.group(1) for found in _QUOTED.finditer(text)]
            if "'" in text or '"' in text or _CURLY_QUOTES.intersection(text)
            else []
        )
        meant = _MEANING.search(" ".join(fold(text).split()))
        if meant is not None:
            quoted.append(next(group for group in meant.groups() if group))
        for phrase in map(fold, quoted):
            if set(phrase.split()) <= set(fold(entry.title).split()) | STOPWORDS:
                continue
            said = (entry.answer, *entry.steps, *(text for _, text in entry.details))
            if phrase and any(f" {phrase} " in f" {fold(to_plain(part))} " for part in said):
                return phrase
        return None

    def _pointed_back(self, context: Conversation, text: str) -> tuple[Conversation, str]:
        """The conversation and message as read when the message points back at an earlier
        answer: its first ("the first answer, is that a minimum?") or one it names ("back to
        what you said about sitting", "you mentioned sitting": an answer given or offered),
        which is then what is asked about; the words that point are read as "that" (no ordinal
        of the last list). Else both as they were."""
        first = _FIRST_ANSWER.search(text) if context.earlier else None
        if first is not None:
            pointed: str | None = context.earlier[0]
            found = first
        else:
            back = _BACK_TO.search(text)
            if back is None:
                return context, text
            pointed = self.named_in(next(group for group in back.groups() if group))
            if pointed is None or pointed == context.topic:
                return context, text
            if pointed not in context.earlier and pointed not in context.options:
                return context, text  # (nothing this conversation said)
            found = back
        moved = Conversation(topic=pointed, options=context.options)
        return moved, f"{text[: found.start()]}that{text[found.end() :]}"

    def _named_question(
        self, sentences: list[str], context: Conversation | None, reading: Reading
    ) -> Reading:
        """The answer to a short story and its question (sentences, or the clauses of one): the
        question's own entry when the question names one ("not numb anywhere, just a tight
        feeling at the front of my hips. what exercises should i try" asks for the exercises,
        whatever the story matches)."""
        question = sentences[question_index(sentences)]
        phrase = self._scope.named_phrase(question)
        if phrase is None or reading.entry_id is None:  # no scoring when nothing is named
            return reading
        terms = self._terms(phrase)
        own = None
        if context is None and _WHAT_IS.search(question.strip()) is not None:
            # what a thing is, asked after a story of it ("chiro says my psoas is tight. what
            # is the psoas?"): the question's own answer (not in a conversation, where "what
            # is the cycle?" may ask about a word of the answer just given)
            own = self._questions.read(question, context, ())
            if own.kind == "answer" and own.entry_id != reading.entry_id:
                return noted(own, f"the question {question!r} asks what a thing is")
        if self._scope.in_keywords(terms, reading.entry_id) or self._scope.shared(terms):
            return reading  # the entry found, or many, have it among their key words
        if own is None:
            own = self._questions.read(question, context, ())
        best = own.match.best if own.match is not None else None
        if own.kind == "answer" and best is not None and best.named:
            return noted(own, f"the question {question!r} names its entry")
        return reading

    def _goes_on(self, chat: Conversation | None, story: list[str]) -> bool:
        """Whether a story goes on with the exercise just talked about: it points back at it
        ("ok tried it but felt it more in my back. am i doing it wrong?") and names no entry
        of its own."""
        if self._exercise_talked_about(chat) is None:
            return False
        return any(REFERS.search(part) for part in story) and not any(
            self._scope.names_an_entry(self._terms(part)) for part in story
        )

    def _points_back_beyond(self, question: str, before: list[str]) -> Reading | None:
        """A question that points back at a subject we do not cover, told in the sentence just
        before it ("is it the same for my shoulders? what helps those?", "and my neck cricks
        every morning. what helps it?"): that subject's reply, whatever the chat was about;
        None otherwise (or when either names a subject of ours)."""
        pointing = _FOR_IT.search(question)
        if not before or pointing is None or _ONE_AFTER.match(question, pointing.end()):
            return None  # (not "what do i do for that one?": an exercise talked about)
        cue = self._follow_ups.cue(self.matcher.canonical(question))
        if cue is not None and (cue.follow_up.default is None or cue.follow_up.names_its_answer):
            # (not a detail of how an exercise is done, "... for this one?", nor a request for
            # ours: "... apart from touching my toes, which exercises would you suggest?")
            return None
        if self._questions.names_subject(question):
            return None
        told = before[-1]
        near = self._questions.not_covered(self.matcher.canonical(told))
        if near is None or self._questions.names_subject(told):
            return None
        if self._questions.near_group(near) not in {BODY_PARTS, CONDITIONS}:
            return None  # (a part of the body or a condition; not "the MRI was clear ... for it")
        return Reading("not_covered", subject=near)

    def _exercise_talked_about(self, chat: Conversation | None) -> Entry | None:
        """The conversation's topic when it is an exercise."""
        topic = self.kb.entries.get(chat.topic or "") if chat is not None else None
        return topic if topic is not None and topic.kind == "exercise" else None

    def _detail_stays(
        self, chat: Conversation | None, told: str, question: str, cue: Cue | None
    ) -> bool:
        """Whether the question (``cue``: the detail it asks) asks a detail of the exercise just
        talked about that the story's own entry does not have ("... sitting at a desk nine
        hours a day. I did 30 bridges last night. How many am I supposed to do?" after the
        bridge: its repetitions, not sitting)."""
        topic = self._exercise_talked_about(chat)
        if topic is None or cue is None or told == topic.id:
            return False
        detail = cue.follow_up.name
        if topic.detail(detail) is None or self.kb.entries[told].detail(detail) is not None:
            return False
        return self.named_in(question) in (None, topic.id)  # (not "... as the kneeling one?")

    def _aside(self, reading: Reading, question: str, text: str) -> bool:
        """Whether the subject we do not cover is only an aside to a question of its own: not
        named by the question, not what hurts ("my knee hurts, what stretch helps?"), not a
        condition or treatment, and the question really asks ("... just a stiff back" does
        not)."""
        subject = reading.subject
        if not subject or self._questions.near_group(subject) in ALWAYS:
            return False
        canonical = self.matcher.canonical(question)
        if re.search(rf"\b{re.escape(subject)}\b", canonical):
            return False
        if self._scope.hurts(subject, self.matcher.canonical(text)):
            return False
        if not self._has_own_words(question):  # "My knee clicks. What do I do?"
            return False
        if self._points_back_at(question, subject):
            return False  # (it asks about the part: "my jaw clicks, who treats that?")
        return "?" in question or not QUESTION_WORDS.isdisjoint(canonical.split())

    def _read_long(self, sentences: list[str], context: Conversation | None) -> Reading:
        """A message of several sentences: the question, with the sentences around it as its
        story (counted less)."""
        chat = context
        asked = question_index(sentences)
        question = sentences[asked]
        note = f"long message: question {question!r}"
        asks: Cue | None = None  # the detail the question asks, in a conversation
        if chat is not None and chat.topic is not None:
            cue = asks = self._follow_ups.cue(self.matcher.canonical(question))
            if cue is not None and cue.follow_up.answers_topic:
                # "... is that what you mean?", "... does that count?": the story is what the
                # writer checks against the answer just given, which answers it (unless the
                # story names another entry by words the topic never uses: "my neighbour swears
                # by yoga for this. is she right?" after the kneeling stretch).
                elsewhere = (
                    None
                    if cue.follow_up.tells
                    else self._follow_ups.named_elsewhere(" ".join(sentences), chat.topic)
                )
                if elsewhere is not None:
                    return noted(entry_reading(self.kb, elsewhere, None, None), note)
                checked = self._questions.read(question, chat, ())
                if checked.kind in {"answer", "detail"}:
                    return noted(checked, note)
        elif asked > 0:
            canonical = without_fillers(self.matcher.canonical(question))
            cue = self._follow_ups.cue(canonical)
            if (
                cue is not None
                and cue.follow_up.answers_topic
                and not (cue.follow_up.yields or cue.follow_up.tells)
                and not any(
                    map(self.matcher.known, self._terms(self._follow_ups.unasked(canonical)))
                )
            ):
                # "My teacher said sitting tightens the hips. Is that true?": with no answer
                # given before, what is checked is the claim in the sentence before it (when
                # the question asks nothing else: "or just a myth?", not "and how?").
                claim = (
                    self._read_long(sentences[:asked], None)
                    if asked >= 2
                    else self._questions.read(sentences[0], None, ())
                )
                if claim.kind in {"answer", "detail"}:
                    return noted(noted(claim, note), "the question checks the sentence before it")
        # The sentences around the question tell its story; a long life story before them
        # says nothing more about what is asked (and would cost time on 4,096 characters).
        around = story_window(sentences, asked, STORY_SENTENCES, 2)
        story = [sentences[i] for i in around if i != asked]
        parts = tuple(
            (sentences[i], NEAR_STORY_FACTOR if i == asked - 1 else STORY_FACTOR)
            for i in around
            if i != asked
        )
        # The back-story is the context of its own question, more recent than the chat's.
        # Its best entry, when of a band above none: entries that cannot get there are not
        # scored.
        told = self.matcher.best_reaching(parts, min(self.matcher.unsure, self.matcher.confident))
        referred = self._referred(question, [sentences[i] for i in around if i < asked])
        if referred is not None:
            context = Conversation(topic=referred)
        elif (
            told is not None
            and not self._goes_on(chat, story)
            and not self._detail_stays(chat, told.entry_id, question, asks)
        ):
            context = Conversation(topic=told.entry_id)
        else:
            # A story too long to place may still name what the question is about in any of
            # its sentences, nearest first ("Someone mentioned the bridge. How do I do it?", "A
            # friend said bridges are good. How exactly? And how many in a row?").
            for before in reversed([sentences[i] for i in around if i < asked]):
                if self._scope.names_an_entry(self._terms(before)):  # no scoring when none is
                    # Only the best is asked: entries that cannot be it are not scored.
                    named = self.matcher.match_parts(((before, 1.0),), limit=1).best
                    if named is not None and named.named:
                        context = Conversation(topic=named.entry_id)
                        break
                    # The entry it names, even when its other words score another higher ("my
                    # yoga teacher rushes through pigeon ...": pigeon pose, not yoga).
                    called = self.named_in(before)
                    if called is not None:
                        context = Conversation(topic=called)
                        break
        # The question alone first (its own words, the story as its context), then the question
        # with the story's words counted at a discount.
        reading = self._questions.read(question, context, (), told=context is not chat)
        alone: list[float] = []  # how unfamiliar the question's own words are, once computed

        def on_its_own() -> bool:
            """Whether the question alone is no more unfamiliar than a named entry allows."""
            if not alone:
                alone.append(self._confidence.unfamiliar_of(self.matcher.terms(question)))
            return alone[0] <= NAMED_UNFAMILIAR

        if reading.kind not in {"answer", "detail", "not_covered"}:
            # The story may help a question short of words, but not answer one that is about
            # something else: more unfamiliar alone than even a named entry would allow
            # ("... what can she do about her bunions?" after a story about stretching).
            helped = self._questions.read(question, context, parts, told=context is not chat)
            if helped.kind not in {"answer", "detail"} or on_its_own():
                reading = helped
        retries = 0  # readings of the question with a name for its pronoun
        if reading.kind not in {"answer", "detail", "not_covered"}:
            # "How can I tell whether they are tight?" after a story about hip flexors: the
            # question points back at something the story named; read it with that name.
            earlier = [sentences[i] for i in around if i < asked]
            for resolved in islice(self._resolved(question, earlier), NAMES_TRIED):
                if not on_its_own():  # not "... her corns, they hurt"
                    break
                retries += 1
                if context is None and not self._may_answer(resolved):
                    continue  # read in full, it would be neither an answer nor a detail
                again = self._questions.read(resolved, context, (), told=context is not chat)
                if again.kind in {"answer", "detail"}:
                    reading = noted(again, f"the question read as {resolved!r}")
                    break
        if reading.kind in {"none", "unsure"} and retries < NAMES_TRIED:
            # "At what point ..., and what kind of person ...?" (not after every name was
            # tried for a pronoun: the readings of one long message are bounded).
            pieces = clauses(question)
            if len(pieces) >= 2:
                reading = self._read_clauses(
                    pieces, context, reading, told=context is not chat, whole=" ".join(sentences)
                )
        reading = self._purpose_aside(question, context, reading, told=context is not chat)
        if reading.kind in {"none", "unsure"} and (
            not self.matcher.match(question).off_topic or adds_a_question(question)
        ):
            # Another of its questions may be the one understood ("... feet where? how high do
            # you lift? any tips on doing the bridge properly"), read in the story's context
            # like the question; not when the question names a subject the maintainers list as
            # another ("should I get a standing desk? which brand is good"), unless it is
            # added as one of its own ("... where are they? Also, should I drink more water?").
            others = other_questions(sentences, asked, around)
            for other in islice(others, OTHER_QUESTIONS):
                again = self._questions.read(
                    sentences[other], context, (), told=context is not chat
                )
                if again.kind in {"answer", "detail"}:
                    reading = noted(again, f"another question of the message: {sentences[other]!r}")
                    break
        if (
            reading.kind in {"none", "unsure"}
            and asked > 0
            and "?" not in sentences[asked - 1]
            and _HOW_COULD_IT.fullmatch(self.matcher.canonical(question)) is not None
        ):
            # "... She says the front of my hips pulls on my spine. How could that possibly
            # work?": understood nowhere else, it asks how the claim just told could be
            claim = (
                self._read_long(sentences[:asked], None)
                if asked >= 2
                else self._questions.read(sentences[0], None, ())
            )
            if claim.kind in {"answer", "detail"}:
                reading = noted(claim, "the question asks how the sentence before it could be")
        near = self._questions.not_covered(" ".join(self.matcher.canonical(s) for s in story))
        if reading.kind in {"none", "unsure"} and near is not None:
            return Reading("not_covered", subject=near, match=reading.match, notes=(note,))
        if (
            near is not None
            and reading.kind in {"answer", "detail"}
            and (chat is None or chat.topic is None)
            and context is chat
            and told is None
            and self._questions.near_group(near) == BODY_PARTS
            and by_default(reading)
            # (not one that points back at what the story described: "... the deep muscles in
            # the fold at the top of my leg. Which muscles are those?")
            and REFERS.search(self.matcher.canonical(question)) is None
            and not any(map(self._questions.names_subject, sentences))
        ):
            # a question that names nothing, after a story about a part of the body we do not
            # cover and nothing we do ("my heel kills first thing in the morning, plantar
            # fasciitis? what helps"): asked of that part
            return Reading("not_covered", subject=near, match=reading.match, notes=(note,))
        if reading.kind in {"answer", "detail"} and asked > 0:
            # "that" points at the sentence just before, when it tells of a part no exercise
            # places and nothing of ours ("... Separate thing: my jaw clicks when I chew. Who
            # treats that?")
            told_of = self._pointed_at(question, sentences[asked - 1])
            if told_of is not None:
                return Reading("not_covered", subject=told_of, match=reading.match, notes=(note,))
        if near is not None and reading.aside is None and self.weighs_on_answers(near):
            # a condition or treatment told in the story ("I have arthritis. How often should
            # I stretch?"): the answer, and a line to ask a professional about it
            reading = with_aside(reading, near)
        return noted(reading, note)

    def _pointed_at(self, question: str, before: str) -> str | None:
        """The part of the body that ``question`` points back at (``_points_back_at``), told of
        (not asked about) in the sentence ``before`` it with nothing of ours; or None."""
        if "?" in before:
            return None  # (a question before it asks, it tells of nothing)
        part = self._questions.not_covered(self.matcher.canonical(before))
        if part is None or not self._points_back_at(question, part):
            return None
        return None if self._questions.names_subject(before) else part

    def _points_back_at(self, question: str, part: str) -> bool:
        """Whether ``question`` points back with "that" or "this" at ``part``, a part of the
        body no exercise places, and names nothing of ours ("who treats that?")."""
        return (
            _THAT.search(self.matcher.canonical(question)) is not None
            and self._questions.unplaced(part)
            and not self._questions.names_subject(question)
        )

    def _purpose_aside(
        self, question: str, context: Conversation | None, reading: Reading, *, told: bool
    ) -> Reading:
        """The question read without what it is for after it ("... step by step so i can
        practise before class?", "the right way to do pigeon so i don't make it worse?"),
        when the reading of the whole is not understood or the question alone names another
        entry; else ``reading``."""
        purposeless = without_purpose(question)
        if purposeless is None:
            return reading
        again = self._questions.read(purposeless, context, (), told=told)
        best = again.match.best if again.match is not None else None
        if again.kind in {"answer", "detail"} and (
            reading.kind in {"none", "unsure"}
            or (best is not None and best.named and again.entry_id != reading.entry_id)
        ):
            return noted(again, f"the question read as {purposeless!r}")
        return reading

    def title_asked(self, entry_id: str, terms: Iterable[str]) -> bool:
        """``Scope.title_asked``: whether terms that hold an entry's title name it."""
        return self._scope.title_asked(entry_id, terms)

    def weighs_on_answers(self, subject: str) -> bool:
        """Whether a subject we do not cover is a condition or a treatment (pregnancy, surgery),
        which bears on any answer about the exercises, not a part of the body beside them."""
        return self._questions.near_group(subject) in ALWAYS

    def _switched_to(
        self, sentences: list[str], context: Conversation, reading: Reading
    ) -> Reading | None:
        """The detail a question asks of another exercise, named in a sentence before it, when
        the question names no other entry and was read as a follow-up of the topic ("ok now the
        kneeling stretch. if im down on my right knee which foot goes forward", after the
        bridge)."""
        if not any(note.startswith(_FOLLOW_UP_NOTE) for note in reading.notes):
            return None
        asked = question_index(sentences)
        question = sentences[asked]
        if asked == 0:
            return None
        named = next(filter(None, map(self.named_in, reversed(sentences[:asked]))), None)
        if named is None or named == context.topic or self.kb.entries[named].kind != "exercise":
            return None
        if self.named_in(question) not in {None, named}:
            return None  # (the question names its own: "... how long is the bridge held?")
        moved = self._questions.read(question, Conversation(topic=named), (), told=True)
        if moved.kind != "detail" or moved.entry_id != named:
            return None
        return noted(moved, f"a detail of {named}, named in the sentence before the question")

    def named_in(self, text: str) -> str | None:
        """The entry a text names by a title or keyword (the longest), or None."""
        phrase = self._scope.named_phrase(text) if text else None
        best = self.matcher.match(phrase).best if phrase is not None else None
        return best.entry_id if best is not None else None

    def _referred(self, question: str, before: list[str]) -> str | None:
        """The entry a question's pronoun points back at: what the nearest sentence before it
        names ("... like the kneeling one? How do I do that?"), not what the story talks
        about most. Only for a question with no word of its own, or only words of how an
        exercise is done ("how am i supposed to set it up correctly?"): "is it safe to keep
        taking it?" is about what "it" is, perhaps nothing the article covers; None otherwise."""
        if REFERS.search(question) is None:
            return None
        if self._has_own_words(question) and not self._confidence.only_placing(
            self._terms(without_fillers(self.matcher.canonical(question)))
        ):
            return None  # (a word of emphasis is no word of placing: "how do i even do it?")
        return next(filter(None, map(self.named_in, reversed(before))), None)

    def _may_answer(self, question: str) -> bool:
        """Whether a question read with no context may be an answer or a detail: only when it
        has words that ask a detail, puts two exercises side by side, names an exercise (a
        body part in it is ours), tells of a condition or treatment before asking (its words
        are then not matched), or an entry reaches the confident band (with none of these, no
        path of ``QuestionReader.read`` gives one), found without scoring the entries that
        cannot."""
        canonical = self.matcher.canonical(question)
        if self._follow_ups.cue(canonical) is not None:
            return True
        if self._questions.side_by_side(canonical, None) is not None:
            return True
        named = self.named_in(question)
        if named is not None and self.kb.entries[named].kind == "exercise":
            return True
        # (any exercise's title, not only the longest name: "his foot drags ... the bridges")
        if self.matcher.names_an_exercise(self.matcher.terms(question)):
            return True
        if self._questions.told_aside(question) is not None:
            return True
        return self.matcher.best_reaching(((question, 1.0),), self.matcher.confident) is not None

    def _has_own_words(self, text: str) -> bool:
        """Whether a text has a word besides question words (as ``has_content`` of its match,
        without scoring it: a long question would be matched for this alone)."""
        return any(t not in QUESTION_WORDS and not t.endswith(PLURAL) for t in self._terms(text))

    def _resolved(self, question: str, before: list[str]) -> Iterator[str]:
        """The question with its first pronoun replaced by a title or keyword named before it:
        in its own words, then in a sentence before it ("whether they are tight" -> "whether
        hip flexors are tight"), nearest sentence first (the nearest may name something the
        pronoun is not: "I was mostly using my back" after "he called it a bridge"); nothing
        when it has no pronoun."""
        pronoun = REFERS.search(question)
        if pronoun is None:
            return
        # ("... about the hip flexors and I nodded along, but what are they": named before the
        # pronoun in its own sentence)
        for sentence in (question[: pronoun.start()], *reversed(before)):
            phrase = self._scope.named_phrase(sentence)
            if phrase is not None:
                yield f"{question[: pronoun.start()]}{phrase}{question[pronoun.end() :]}"

    def _read_clauses(
        self,
        pieces: list[str],
        context: Conversation | None,
        reading: Reading,
        told: bool = False,
        refer: bool = True,
        whole: str = "",
    ) -> Reading:
        """A short message unclear as a whole, read clause by clause: without the clauses that
        only say what is absent ("no numbness, no tingling, just tight hips"), or as its
        question clause after a little story ("my uncle had bowel cancer, unrelated, but what
        are the hip flexors?") when that clause is clear on two words of its own or names its
        entry; one shared word is too little to outweigh a story the bot could not place.
        ``refer``: a pronoun of the question clause may mean what a clause before it names, and
        a clause that is an entry's phrasing word for word is clear (neither in a message about
        a subject we do not cover: "my hamstrings are tight too, how do i stretch those").
        ``whole``: the message the clauses are of, when they are those of its question only."""
        present = [c for c in pieces if not self._scope.absent(c)]
        if present and len(present) < len(pieces):
            kept = self._questions.read(" ".join(present), context, (), told=told)
            if kept.kind in {"answer", "detail"}:
                return noted(kept, "clauses about what is absent left aside")
        asked = question_index(pieces)
        question = pieces[asked]
        # (not when the message is about a subject we do not cover, or one the maintainers
        # list as another: "my knee clicks in the bridge, why is it" is about the knee)
        listed = reading.match is not None and bool(reading.match.off_topic)
        # ("it" or "them" only: "... is that ok?", "... why is that?" ask about the story)
        referred = None
        if refer and not listed and NAMES_A_THING.search(question) is not None:
            named = self._referred(question, pieces[:asked])
            if named is not None and self.kb.entries[named].kind == "exercise":
                referred = named
        if referred is not None:
            # "pigeon looks hard for me, how do i do it": the clause before names what it is
            # about.
            clause = self._questions.read(question, Conversation(topic=referred), (), told=True)
            if clause.kind in {"answer", "detail"}:
                return noted(clause, f"question in the clause {question!r}, about {referred}")
        if (
            asked > 0
            and referred is None
            and (_FOR_THAT.search(question) or _WHY_THAT.search(question)) is not None
        ):
            # what it is for, or why, is what the story told, a subject we do not cover ("my
            # shoulder clicks when i lift my arm, what's a good stretch for that", "... why is
            # that?"), unless it names one of ours
            story = " ".join(pieces[:asked])
            near = self._questions.not_covered(self.matcher.canonical(story))
            if near is not None and self.named_in(story) is None:
                return Reading("not_covered", subject=near, match=reading.match)
        clause = self._questions.read(question, context, (), told=told)
        best = clause.match.best if clause.match is not None else None
        # Named, two words of its own, an entry's phrasing word for word ("whats the iliopsoas,
        # keep seeing that word everywhere"), or words that ask a detail of the topic or the
        # detail's own entry ("what kind of person should I see": no score, the words decide).
        strong = (
            (
                best is not None
                and (
                    best.named
                    or best.support >= 2
                    or (refer and best.similarity >= PHRASED)
                    or (refer and _WHAT_ABOUT.match(question.lower()) is not None)
                )
            )
            or clause.match is None
            or clause.detail is not None
            or self._agreed(clause, reading, context, listed, pieces[:asked] + pieces[asked + 1 :])
        )
        if (
            strong
            and asked > 0
            and _CHOICE.fullmatch(question.lower()) is not None
            and not (best is not None and best.named)
        ):
            strong = False  # ("side or back?" is the clause before it asked more narrowly)
        if clause.kind in {"answer", "detail"} and strong:
            return noted(clause, f"question in the clause {question!r}")
        # Two questions in one breath, the last one unread ("how often should i do the
        # stretches, and do i need a special diet?"): another that names its entry or is clear
        # on three words of its own; not in a message about a subject we do not cover ("... been
        # taking ibuprofen ... is it safe to keep taking both every day for weeks?").
        about = self.matcher.canonical(whole or " ".join(pieces))
        others = [] if self._questions.not_covered(about) else list(range(len(pieces)))
        for index in other_questions(pieces, asked, others):
            other = self._questions.read(pieces[index], context, (), told=told)
            found = other.match.best if other.match is not None else None
            if (
                other.kind in {"answer", "detail"}
                and found is not None
                and (found.named or found.support >= OTHER_QUESTION_SUPPORT)
            ):
                return noted(other, f"question in the clause {pieces[index]!r}, beside another")
        return reading

    def _agreed(
        self,
        clause: Reading,
        reading: Reading,
        context: Conversation | None,
        listed: bool,
        others: list[str],
    ) -> bool:
        """Whether a question clause is confidently about what the whole message was placed
        on, or the topic just talked about, and the other clauses name no subject we do not
        cover: they are an aside or a lead-in, not a story to place ("what angle are my knees
        meant to be at, can't see past the baby carrier lol" after the kneeling stretch; "i sit
        on the floor playing with the baby most of the day, could all that sitting be why?")."""
        best = clause.match.best if clause.match is not None else None
        if best is None or clause.match is None or clause.match.band is not Band.CONFIDENT:
            return False
        if any(note.startswith(_FOLLOW_UP_NOTE) for note in clause.notes):
            return False  # (its own words, not the topic's lent to it: "what to get him")
        whole = reading.match.best if reading.match is not None else None
        placed = (
            whole is not None
            and reading.match is not None
            and reading.match.band is Band.CONFIDENT
            and whole.entry_id == best.entry_id
        )
        return (
            (placed or (context is not None and best.entry_id == context.topic))
            and not listed
            and self._questions.not_covered(self.matcher.canonical(" ".join(others))) is None
        )

    def _terms(self, phrase: str) -> list[str]:
        return _terms_by(self.matcher, phrase)


def _terms_by(matcher: Matcher, phrase: str) -> list[str]:
    """The matcher's terms of a phrase. A module function (bound with ``partial``) keeps the
    answerer free of reference cycles: a replaced one is freed as soon as it is dropped, with no
    full garbage collection over a large base (which blocks the event loop)."""
    return matcher.analyse(phrase)[0]
