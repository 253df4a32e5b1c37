"""Turn what a person sent into the reply the bot gives, with no Telegram in sight.

Order matters and is the product's safety promise: red-flag symptoms are checked first and always
win; only then is the question matched, and the score band decides between an answer, a
"Did you mean ...?" and a kind fallback. The same object serves Telegram handlers, the CLI
``ask``/``chat`` commands and the evaluation tool, so all three see identical replies.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.core.answering.matching import Band, Match, Matcher
from bot.core.answering.safety import RedFlagHit, check_red_flags
from bot.core.answering.smalltalk import classify
from bot.core.knowledge import Entry, KnowledgeBase
from bot.core.replies import Button, Reply, ReplyKind, render_entry, rows
from bot.core.sessions.views import start_button

MAX_QUESTION = 1000  # characters; longer messages are asked to be shorter
MAX_RELATED = 3
MAX_SUGGESTIONS = 3

# Callback data: short, versionless prefixes; anything else is answered as a stale button.
ENTRY = "e:"
FEEDBACK = "f:"
TOPICS = "topics"
EXERCISES = "exercises"


@dataclass(frozen=True)
class Outcome:
    """A reply together with how it was reached (for ``ask --explain``, logs and statistics)."""

    reply: Reply
    match: Match | None = None
    red_flag: RedFlagHit | None = None


class Answerer:
    """Answers questions and button presses from one knowledge base."""

    def __init__(self, kb: KnowledgeBase, matcher: Matcher | None = None) -> None:
        self.kb = kb
        self.matcher = matcher or Matcher(kb)

    # -- free text ------------------------------------------------------------------------
    def answer(self, text: str) -> Outcome:
        """The reply to a free-text message: urgent care first, then the best-matching answer."""
        if len(text) > MAX_QUESTION:
            return Outcome(self.info("too_long"))
        hit = check_red_flags(text, self.kb.red_flags)
        if hit is not None:
            return Outcome(self.urgent(), red_flag=hit)
        small_talk = classify(text)
        if small_talk is not None:
            key = "about" if small_talk == "about_bot" else small_talk
            return Outcome(self.info(key, self.fallback().buttons))
        match = self.matcher.match(text)
        best = match.best
        if match.band is Band.CONFIDENT and best is not None:
            return Outcome(self.entry(best.entry_id), match)
        if match.band is Band.UNSURE:
            suggestions = [self.kb.entries[c.entry_id] for c in match.candidates[:MAX_SUGGESTIONS]]
            buttons = [_entry_button(entry) for entry in suggestions]
            buttons.append(Button("📚 All topics", data=TOPICS))
            reply = Reply(ReplyKind.UNSURE, self.kb.texts["unsure"], tuple((b,) for b in buttons))
            return Outcome(reply, match)
        return Outcome(self.fallback(), match)

    def urgent(self) -> Reply:
        """The urgent-care message for red-flag symptoms."""
        return Reply(ReplyKind.URGENT, self.kb.red_flag_message)

    def fallback(self) -> Reply:
        """A kind 'I can't answer that' with a way forward."""
        buttons = (Button("📚 Topics", data=TOPICS), Button("🏃 Exercises", data=EXERCISES))
        return Reply(ReplyKind.FALLBACK, self.kb.texts["fallback"], (buttons,))

    # -- entries and menus ----------------------------------------------------------------
    def entry(self, entry_id: str) -> Reply:
        """The full answer for one entry, with follow-up buttons to related entries."""
        entry = self.kb.entries[entry_id]
        related = [self.kb.entries[r] for r in entry.related if r in self.kb.entries]
        buttons = [_entry_button(other) for other in related[:MAX_RELATED]]
        html = render_entry(entry, self.kb.texts["disclaimer"])
        feedback = (
            Button("👍 Helpful", data=f"{FEEDBACK}{entry.id}:1"),
            Button("👎 Not helpful", data=f"{FEEDBACK}{entry.id}:0"),
        )
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
            html = self.kb.texts["unknown_exercise"].replace("{name}", escape(name.strip()[:60]))
            return Reply(ReplyKind.INFO, html, self.exercises().buttons)
        return self.entry(entry.id)

    def info(self, key: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
        """One of the fixed texts (welcome, help, about, ...)."""
        text = self.kb.texts[key]
        if key == "welcome":
            text = f"{text}\n\n<i>{self.kb.texts['disclaimer']}</i>"
        return Reply(ReplyKind.INFO, text, buttons)

    # -- buttons ----------------------------------------------------------------------------
    def press(self, data: str) -> Reply | None:
        """The reply to a pressed button, or None for data this module does not own.

        Callback data comes from the client and can be forged or stale (after a knowledge-base
        edit), so unknown entries get the ``stale_button`` text, never an exception.
        """
        if data == TOPICS:
            return self.topics()
        if data == EXERCISES:
            return self.exercises()
        if data.startswith(ENTRY):
            entry_id = data.removeprefix(ENTRY)
            if entry_id in self.kb.entries:
                return self.entry(entry_id)
            return self.info("stale_button", ((Button("📚 Topics", data=TOPICS),),))
        return None

    def feedback(self, data: str) -> tuple[Entry, bool] | None:
        """Parse a Helpful / Not helpful press: the entry and whether it helped, or None."""
        if not data.startswith(FEEDBACK):
            return None
        entry_id, _, verdict = data.removeprefix(FEEDBACK).rpartition(":")
        entry = self.kb.entries.get(entry_id)
        if entry is None or verdict not in {"0", "1"}:
            return None
        return entry, verdict == "1"


def _entry_button(entry: Entry) -> Button:
    return Button(entry.title, data=f"{ENTRY}{entry.id}")
