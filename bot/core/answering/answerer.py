"""Turn what a person sent into the reply the bot gives, with no Telegram in sight.

Order matters and is the product's safety promise: the red-flag decision (``bot.core.safety``)
comes first, for messages of any length, and an alarm always wins; only then is the question
read (in the light of the conversation, see ``understanding``), and the reading decides between
an answer, one detail of an answer, a "Did you mean ...?", a note that the subject is not covered
or that only English is understood, and a kind fallback.
The same object serves Telegram handlers, the CLI ``ask``/``chat`` commands and the evaluation
tool, so all three see identical replies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html import escape

from bot.core import callbacks
from bot.core.answering.context import Conversation
from bot.core.answering.dictation import SpokenMarks
from bot.core.answering.language import looks_english
from bot.core.answering.match_result import Match
from bot.core.answering.matching import Matcher
from bot.core.answering.reading import Reading
from bot.core.answering.sentences import REFERS
from bot.core.answering.smalltalk import classify
from bot.core.answering.understanding import Interpreter
from bot.core.collector import paused
from bot.core.knowledge import Entry, KnowledgeBase, UrgencyTier, fill
from bot.core.replies import Button, Reply, ReplyKind, label, render_entry, rows
from bot.core.safety import (
    Mention,
    SafetyDecision,
    Screen,
    Verdict,
    explanation_html,
    with_explanation,
    with_notes,
)
from bot.core.sessions.views import start_button

_HOW = re.compile(r"\bhow\b")  # a question how something is done

MAX_QUESTION = 4096  # characters (Telegram's own limit); longer ones are asked to be shorter
MAX_RELATED = 3
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Outcome:
    """A reply together with how it was reached (for ``ask --explain``, logs and statistics)."""

    reply: Reply
    match: Match | None = None
    safety: SafetyDecision | None = None
    reading: Reading | None = None
    # The conversation after this reply, to keep for the next message (None: nothing to keep).
    conversation: Conversation | None = None

    @property
    def red_flag(self) -> Mention | None:
        """The red-flag mention that raised the alarm, if one did."""
        return self.safety.first_alarm if self.safety is not None else None


class Answerer:
    """Answers questions and button presses from one knowledge base."""

    def __init__(
        self, kb: KnowledgeBase, matcher: Matcher | None = None, screen: Screen | None = None
    ) -> None:
        self.kb = kb
        with paused():  # (see ``bot.core.collector``)
            self.matcher = matcher or Matcher(kb)
            self.screen = screen or Screen.for_knowledge(kb)
            self.interpreter = Interpreter(kb, self.matcher)
        self.spoken = SpokenMarks(kb.spoken_marks)

    # -- free text ------------------------------------------------------------------------
    def answer(self, text: str, conversation: Conversation | None = None) -> Outcome:
        """The reply to a free-text message: the safety decision first, for messages of any
        length; then the answer, read in the light of ``conversation`` (what was just talked
        about; None: nothing), with a note for each red flag that context ruled out. The
        outcome carries the conversation to keep for the next message.

        The safety check stops reading a long message at a certain alarm (the reply is the
        same; ``ask --explain`` asks the screen for the complete decision to show).
        """
        # One memory of matches for the whole message: a message is often read more than once
        # (its rest after a sign, again in the light of an exercise it names).
        with self.matcher.one_message():
            return self._answer(text, conversation)

    def _answer(self, text: str, conversation: Conversation | None) -> Outcome:
        text = self.spoken(text)  # "... full stop how do i ..." is read as two sentences
        decision = self.screen.assess(text, complete=False)  # (``assess``, the text read once)
        if decision.alarm:
            return Outcome(self.urgent(decision.tier), safety=decision)
        if decision.verdict is Verdict.QUESTION:
            answered = self._also_asked(text, decision, conversation)
            if answered is not None:  # the answer, the sign explained under it
                reply = with_explanation(answered.reply, decision)
                return replace(answered, reply=reply, safety=decision)
            outcome = Outcome(self.explanation(decision), safety=decision)
            return self._then(conversation, outcome)
        if decision.question_entry in self.kb.entries:
            reply = with_notes(self.entry(decision.question_entry), decision)
            return self._then(conversation, Outcome(reply, safety=decision))
        if decision.rest and len(text) <= MAX_QUESTION:
            outcome = self._named_aside(decision, conversation, exercises_only=True)
        else:
            outcome = self.ordinary(text, conversation)
        return replace(outcome, reply=with_notes(outcome.reply, decision), safety=decision)

    def _named_aside(
        self,
        decision: SafetyDecision,
        conversation: Conversation | None,
        *,
        exercises_only: bool = False,
    ) -> Outcome:
        """The answer to the rest of a message, read after the entry its left-out words name
        when it is no answer on its own ("How high do I lift my hips?" after a question that
        named the bridge). ``exercises_only``: only a detail of an exercise named ("how long
        do i hold it" after a clause ruled out about pigeon; not "hurt his back ... what
        should he do?", nor "my sheepdog's back legs are wobbly, what could that be")."""
        outcome = self.ordinary(decision.rest, conversation)
        if outcome.reply.kind is not ReplyKind.ANSWER:
            named = self.interpreter.named_in(decision.aside)
            if named is not None and exercises_only:
                named = named if self.kb.entries[named].kind == "exercise" else None
            if named is not None:
                again = self.ordinary(decision.rest, Conversation(topic=named))
                detail = again.reading is not None and again.reading.kind == "detail"
                # (or how the exercise itself is done, pointed back at: "... after the bridges,
                # normal burn? how should they be done")
                itself = (
                    again.reply.entry_id == named
                    and REFERS.search(decision.rest) is not None
                    and _HOW.search(decision.rest) is not None
                )
                if again.reply.kind is ReplyKind.ANSWER and (
                    detail or itself or not exercises_only
                ):
                    return again
        return outcome

    def _also_asked(
        self, text: str, decision: SafetyDecision, conversation: Conversation | None
    ) -> Outcome | None:
        """The answer to what a message asks besides its question about a sign, or None: its
        other sentences ("... also how do I do the bridge?"), or, in one sentence, an entry it
        names ("I know all about bladder red flags, but how is pigeon pose done?") or the entry
        that lists the red flags ("apart from red flags like incontinence, when does back pain
        warrant seeing a physio?")."""
        if len(text) > MAX_QUESTION:
            return None
        if decision.rest:
            outcome = self._named_aside(decision, conversation)
            return outcome if outcome.reply.kind is ReplyKind.ANSWER else None
        outcome = self.ordinary(text, conversation)
        best = outcome.match.best if outcome.match is not None else None
        # (naming the hip flexors, the whole subject, names no entry beside a sign asked about:
        # "can tight hip flexors cause numbness in the groin?")
        named_it = (
            best is not None
            and best.named
            and outcome.match is not None
            and self.interpreter.title_asked(best.entry_id, outcome.match.terms)
        )
        listing = best is not None and best.entry_id == self.kb.red_flags.question_entry
        answered = outcome.reply.kind is ReplyKind.ANSWER
        return outcome if answered and (named_it or listing) else None

    def ordinary(self, text: str, conversation: Conversation | None = None) -> Outcome:
        """The answer to a message the safety check let through: small talk, the reading of
        the question, or a fallback."""
        if len(text) > MAX_QUESTION:
            return self._then(conversation, Outcome(self.info("too_long")))
        small_talk = classify(text)
        if small_talk is not None:
            key = "about" if small_talk == "about_bot" else small_talk
            return self._then(conversation, Outcome(self.info(key, self.fallback().buttons)))
        reading = self.interpreter.read(text, conversation)
        reply = self.reply_for(reading, text)
        return self._then(conversation, Outcome(reply, reading.match, reading=reading), text)

    def reply_for(self, reading: Reading, text: str = "") -> Reply:
        """The reply a reading calls for."""
        if reading.kind == "answer" and reading.entry_id is not None:
            return self._aside(self.entry(reading.entry_id), reading.aside)
        if reading.kind == "detail" and reading.entry_id and reading.detail:
            return self._aside(self.detail(reading.entry_id, reading.detail), reading.aside)
        if reading.kind in {"none", "unsure"} and not looks_english(text, self.matcher.knows):
            return Reply(ReplyKind.FALLBACK, self.kb.texts["english_only"], self.fallback().buttons)
        if reading.kind == "not_covered" and reading.subject:
            html = fill(self.kb.texts["not_covered"], subject=self._name_of(reading.subject))
            return Reply(ReplyKind.FALLBACK, html, self.fallback().buttons)
        if reading.kind in {"unsure", "clarify"} and reading.options:
            buttons = [_entry_button(self.kb.entries[e]) for e in reading.options]
            closest = reading.options[0]
            buttons.append(
                Button(self._label("button_none_of_these"), data=callbacks.none_of_these(closest))
            )
            html = self.kb.texts[reading.kind]  # "Did you mean ...?" / "Which one do you mean?"
            return Reply(ReplyKind.UNSURE, html, tuple((b,) for b in buttons))
        return self.fallback()

    def _aside(self, reply: Reply, subject: str | None) -> Reply:
        """The answer with one line on a condition or treatment told beside the question: we
        do not cover it, so a professional should say how it changes the advice."""
        if subject is None:
            return reply
        line = fill(self.kb.texts["told_aside"], subject=self._name_of(subject))
        return replace(reply, html=f"{reply.html.rstrip()}\n\n{line}")

    def _name_of(self, subject: str) -> str:
        """How a reply names a subject we do not cover ("pregnant" -> "pregnancy")."""
        return self.kb.not_covered_names.get(subject, subject)

    def _then(self, conversation: Conversation | None, outcome: Outcome, text: str = "") -> Outcome:
        """The outcome with the conversation it leaves behind (``text``: the message, whose key
        word may name the entry a message that asked nothing is about)."""
        reading = outcome.reading
        detail = reading.detail if reading is not None else None
        options = None
        if reading is not None and reading.kind == "detail" and reading.entry_id:
            options = self._related_ids(reading.entry_id)  # what its full answer would list
        elif reading is not None and reading.kind == "answer" and reading.options:
            options = reading.options  # two exercises set side by side, as named
        # A message that asked nothing we could read, or nothing clearly (not one on a subject
        # we do not cover), may still name the entry the next message follows up on.
        unclear = reading is not None and reading.kind in {"none", "unsure"}
        match = reading.match if reading is not None and unclear else None
        best = match.best if match is not None else None
        named = best.entry_id if best is not None and best.named else None
        fresh = conversation is None or not conversation.current or conversation.topic is None
        if (
            named is None
            and fresh
            and text
            and reading is not None
            and reading.kind in {"none", "not_covered"}
        ):
            # "I go to work by bicycle, 15 km each way", first thing: a key word names the
            # subject that "is this a problem for my hips?" then asks about (not an aside in a
            # conversation already about something: "i did yoga years ago" after pigeon pose);
            # so does an exercise named beside a part we do not cover ("been doing the kneeling
            # stretch, my knees are a bit sore" before "write out its steps for my daughter")
            named = self.interpreter.named_in(text)
            if reading.kind == "not_covered" and named is not None:
                # (only an exercise, and not beside a condition that bears on it: after "is
                # pigeon ok when pregnant?", a hold time would step past the advice to ask a
                # professional)
                beside = reading.subject and self.interpreter.weighs_on_answers(reading.subject)
                exercise = self.kb.entries[named].kind == "exercise"
                named = named if exercise and not beside else None
        after = (conversation or Conversation()).after(outcome.reply, detail, options, named)
        return replace(outcome, conversation=after)

    def assess(self, text: str) -> SafetyDecision:
        """The complete red-flag decision on a message as ``answer`` reads it (punctuation
        said aloud made marks), for every other way in: inline queries, ``ask --explain``."""
        return self.screen.assess(self.spoken(text))

    def urgent(self, tier: UrgencyTier | None = None) -> Reply:
        """The urgent message of a tier (the most urgent one when none is given)."""
        return Reply(ReplyKind.URGENT, tier.message if tier else self.kb.red_flag_message)

    def explanation(self, decision: SafetyDecision) -> Reply:
        """A calm explanation for a question about a red flag, with the red-flag list a tap away."""
        entry = self.kb.entries.get(self.kb.red_flags.question_entry)
        buttons = ((_entry_button(entry),),) if entry is not None else ()
        html = explanation_html(decision) or self.kb.texts["fallback"]
        html = f"{html}\n\n<i>{self.kb.texts['disclaimer'].strip()}</i>"
        return Reply(ReplyKind.INFO, html, buttons)

    def fallback(self) -> Reply:
        """A kind 'I can't answer that' with a way forward."""
        buttons = (
            Button(self._label("button_topics"), data=callbacks.TOPICS),
            Button(self._label("button_exercises"), data=callbacks.EXERCISES),
        )
        return Reply(ReplyKind.FALLBACK, self.kb.texts["fallback"], (buttons,))

    # -- entries and menus ----------------------------------------------------------------
    def detail(self, entry_id: str, name: str) -> Reply:
        """One detail of an entry in a sentence or two, the full answer one button away."""
        entry = self.kb.entries[entry_id]
        text = entry.detail(name) or entry.summary
        html = "\n".join(
            [f"<b>{escape(entry.title)}</b>", "", text.strip(), "", _disclaimer(self.kb)]
        )
        full = Button(self._label("button_full_answer"), data=callbacks.entry(entry.id))
        return Reply(ReplyKind.ANSWER, html, ((full,), self._feedback(entry)), entry_id=entry.id)

    def _related_ids(self, entry_id: str) -> tuple[str, ...]:
        entry = self.kb.entries[entry_id]
        return tuple(r for r in entry.related if r in self.kb.entries)[:MAX_RELATED]

    def _feedback(self, entry: Entry) -> tuple[Button, ...]:
        return (
            Button(self._label("button_helpful"), data=callbacks.feedback(entry.id, helpful=True)),
            Button(
                self._label("button_not_helpful"), data=callbacks.feedback(entry.id, helpful=False)
            ),
        )

    def entry(self, entry_id: str) -> Reply:
        """The full answer for one entry, with follow-up buttons to related entries."""
        entry = self.kb.entries[entry_id]
        related = [self.kb.entries[r] for r in entry.related if r in self.kb.entries]
        buttons = [_entry_button(other) for other in related[:MAX_RELATED]]
        html = render_entry(entry, self.kb.texts["disclaimer"])
        feedback = self._feedback(entry)
        start = (start_button(self.kb.texts, entry.id),) if entry.session is not None else ()
        layout = (*rows(buttons), start, feedback) if start else (*rows(buttons), feedback)
        return Reply(ReplyKind.ANSWER, html, layout, entry_id=entry.id)

    def topics(self) -> Reply:
        """All entries as buttons."""
        buttons = [_entry_button(entry) for entry in self.kb.ordered()]
        return Reply(ReplyKind.INFO, self.kb.texts["topics_intro"], rows(buttons, 1))

    def exercises(self) -> Reply:
        """The exercises as buttons."""
        buttons = [_entry_button(entry) for entry in self.kb.exercises()]
        return Reply(ReplyKind.INFO, self.kb.texts["exercises_intro"], rows(buttons, 1))

    def exercise(self, name: str) -> Reply:
        """``/exercise NAME``: the exercise's full instructions, or a kind pointer to the list."""
        if not name.strip():
            return self.info("exercise_usage", self.exercises().buttons)
        entry = self.kb.find_exercise(name)
        if entry is None:
            html = fill(self.kb.texts["unknown_exercise"], name=name.strip()[:60])
            return Reply(ReplyKind.INFO, html, self.exercises().buttons)
        return self.entry(entry.id)

    def info(self, key: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
        """One of the fixed texts (welcome, help, about, ...)."""
        text = self.kb.texts[key]
        if key == "welcome":
            text = f"{text}\n\n<i>{self.kb.texts['disclaimer']}</i>"
        return Reply(ReplyKind.INFO, text, buttons)

    def _label(self, key: str) -> str:
        """A button label from ``texts.yaml``."""
        return label(self.kb.texts, key)

    # -- buttons ----------------------------------------------------------------------------
    def press(self, data: str) -> Reply | None:
        """The reply to a pressed button, or None for data this module does not own.

        Callback data comes from the client and can be forged or stale (after a knowledge-base
        edit), so unknown entries get the ``stale_button`` text, never an exception.
        """
        if data == callbacks.TOPICS:
            return self.topics()
        if data == callbacks.EXERCISES:
            return self.exercises()
        if data.startswith(callbacks.ENTRY):
            entry_id = callbacks.parse_entry(data)
            if entry_id is not None and entry_id in self.kb.entries:
                return self.entry(entry_id)
            topics = Button(self._label("button_topics"), data=callbacks.TOPICS)
            return self.info("stale_button", ((topics,),))
        if data.startswith(callbacks.NONE_OF_THESE):
            return self.info("none_of_these", self.fallback().buttons)
        return None

    def is_live(self, data: str) -> bool:
        """Whether ``press(data)`` would give a real reply: a menu, an entry that exists, or
        "None of these". Forged and stale data is not live (groups answer it on the button
        only, never with a message in the chat)."""
        if callbacks.parse_menu(data) is not None:
            return True
        if callbacks.parse_none_of_these(data) is not None:
            return True
        entry_id = callbacks.parse_entry(data)
        return entry_id is not None and entry_id in self.kb.entries

    def feedback(self, data: str) -> tuple[Entry, bool] | None:
        """Parse a Helpful / Not helpful press: the entry and whether it helped, or None."""
        parsed = callbacks.parse_feedback(data)
        entry = self.kb.entries.get(parsed[0]) if parsed is not None else None
        if parsed is None or entry is None:
            return None
        return entry, parsed[1]


def _disclaimer(kb: KnowledgeBase) -> str:
    return f"<i>{kb.texts['disclaimer'].strip()}</i>"


def _entry_button(entry: Entry) -> Button:
    return Button(entry.title, data=callbacks.entry(entry.id))
