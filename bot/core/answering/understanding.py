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
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from itertools import islice

from bot.core.answering.budget import bounded, story_window
from bot.core.answering.context import Conversation
from bot.core.answering.follow_ups import (
    MAX_SUGGESTIONS,
    MAX_UNFAMILIAR,
    NO_LIST,
    ORDINALS,
    Cue,
    FollowUpReader,
    alternation,
    explicit_reference,
    has_content,
    ordinal,
)
from bot.core.answering.match_result import Band, Candidate, Match
from bot.core.answering.matching import Matcher, only_numbers
from bot.core.answering.reading import Reading, entry_reading, noted
from bot.core.answering.scope import Scope, clauses
from bot.core.answering.sentences import (
    POINTS_AT,
    REFERS,
    lead_ins_apart,
    question_index,
    sentences_of,
)
from bot.core.answering.term_analysis import PLURAL
from bot.core.answering.term_model import QUESTION_WORDS
from bot.core.knowledge import KnowledgeBase

LONG_MESSAGE = 100  # characters: longer messages are read sentence by sentence
STORY_FACTOR = 0.35  # weight of a long message's back-story next to its question
NEAR_STORY_FACTOR = 0.6  # the sentence just before the question
STORY_SENTENCES = 6  # sentences before the question that count as its story
SOLID_UNFAMILIAR = 0.5  # an answer needs its entry's words to outweigh unknown ones
ONE_WORD_UNFAMILIAR = 0.3  # ... and one rare word of its own with a little small talk
FOREIGN_WORDS = 2  # words the topic never uses that make a message about something else
NAMES_TRIED = 2  # what the nearest sentences name, for a pronoun in a long message's question
NAMED_BACK = 2  # sentences before a long message's question that may name its topic
NAMED_UNFAMILIAR = 0.67  # an entry named by its title may come with one unknown word
UNKNOWN_SUBJECT = 0.6  # a question about an unknown subject: beyond two shared words, not a name
SUGGESTION_MARGIN = 12.0  # "Did you mean" offers only entries this close to the best
PHRASED = 0.9  # similarity to a phrasing that makes a question that entry's, word for word
ALWAYS = ("conditions", "treatments")  # not-covered groups that win over an answer

_NEXT = re.compile(r"\b(?:next|after that|after this|the one after)\b")
NEXT_WORDS = "next one after that this exercise stretch pose move then do ok okay come comes"
_FOLLOW_UP_NOTE = "follow-up on "  # (the note of a reading that follows the topic)


class Interpreter:
    """Reads messages against one knowledge base (build a new one when it changes)."""

    def __init__(self, kb: KnowledgeBase, matcher: Matcher) -> None:
        self.kb = kb
        self.matcher = matcher
        with matcher.remembering():  # titles, keywords and their words come back many times
            self._build(kb, matcher)

    def _build(self, kb: KnowledgeBase, matcher: Matcher) -> None:
        near: dict[str, str] = {}
        for group, phrases in kb.not_covered.items():
            for phrase in phrases:
                near.setdefault(matcher.canonical(phrase), group)
        self._near = near
        self._near_terms = frozenset(t for phrase in near for t in matcher.analyse(phrase)[0])
        self._near_pattern = alternation(near)
        # Every word each entry uses (phrasings, keywords, answer, steps, details), stemmed:
        # only asked when a message names a subject we do not cover, so made on first use.
        self._entry_words: dict[str, frozenset[str]] = {}
        # Not ``self._terms``: a bound method would tie the scope back to this interpreter,
        # a reference cycle that only a full garbage collection frees (see ``_terms_by``).
        self._scope = Scope(
            kb, partial(_terms_by, matcher), matcher.knows, matcher.take_base_terms()
        )
        self._follow_ups = FollowUpReader(kb, matcher, self._scope)
        self._next_terms = frozenset(matcher.analyse(NEXT_WORDS)[0])

    # ------------------------------------------------------------------------------------------
    def read(self, text: str, conversation: Conversation | None = None) -> Reading:
        """What ``text`` asks for, given the conversation so far (None: a fresh start)."""
        with self.matcher.one_message():  # the question alone is matched more than once
            return self._read(text, conversation)

    def _read(self, text: str, conversation: Conversation | None) -> Reading:
        context = conversation if conversation is not None and conversation.current else None
        sentences = bounded(sentences_of(text))
        if len(text) >= LONG_MESSAGE:
            sentences = lead_ins_apart(sentences)
            if len(sentences) >= 2:
                return self._read_long(sentences, context)
        reading = self._read_question(text, context, ())
        if reading.kind in {"answer", "detail"}:
            pieces = sentences if len(sentences) >= 2 else clauses(text)
            if len(pieces) >= 2:
                return self._named_question(pieces, context, reading)
            return reading
        if len(sentences) >= 2:
            # A short story, then a question of its own: "My shoulder went numb when I slept
            # on it. How do I do bridge pose?" is about the bridge, not the shoulder; but a
            # subject we do not cover stays the answer unless the question names an entry or
            # leaves the subject to the story ("feet work fine. how often should I stretch?").
            story_read = self._read_long(sentences, context)
            best = story_read.match.best if story_read.match is not None else None
            if story_read.kind in {"answer", "detail"} and (
                reading.kind != "not_covered"
                or (best is not None and best.named)
                or self._aside(reading, sentences[question_index(sentences)], text)
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
            clause = self._read_clauses(pieces, context, Reading("none"))
            return clause if clause.kind in {"answer", "detail"} else reading
        if reading.kind not in {"none", "unsure"}:
            return reading
        clause = self._read_clauses(pieces, context, reading)
        if (
            clause is not reading
            and context is not None
            and reading.match is not None
            and any(note.startswith(_FOLLOW_UP_NOTE) for note in clause.notes)
            and frozenset(reading.match.off_topic) - self._near_terms
            and self._elsewhere(reading.match, frozenset(), context.topic)
        ):
            # "my bike brakes squeal, how do i fix that?": the clause would follow the topic,
            # but the message as a whole is about another subject, one the maintainers list.
            return reading
        return clause

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
        if self._scope.in_keywords(terms, reading.entry_id) or self._scope.shared(terms):
            return reading  # the entry found, or many, have it among their key words
        own = self._read_question(question, context, ())
        best = own.match.best if own.match is not None else None
        if own.kind == "answer" and best is not None and best.named:
            return noted(own, f"the question {question!r} names its entry")
        return reading

    def _aside(self, reading: Reading, question: str, text: str) -> bool:
        """Whether the subject we do not cover is only an aside to a question of its own: not
        named by the question, not what hurts ("my knee hurts, what stretch helps?"), not a
        condition or treatment, and the question really asks ("... just a stiff back" does
        not)."""
        subject = reading.subject
        if not subject or self._near_group(subject) in ALWAYS:
            return False
        canonical = self.matcher.canonical(question)
        if re.search(rf"\b{re.escape(subject)}\b", canonical):
            return False
        if self._scope.hurts(subject, self.matcher.canonical(text)):
            return False
        if not self._has_own_words(question):  # "My knee clicks. What do I do?"
            return False
        return "?" in question or not QUESTION_WORDS.isdisjoint(canonical.split())

    def _read_long(self, sentences: list[str], context: Conversation | None) -> Reading:
        """A message of several sentences: the question, with the sentences around it as its
        story (counted less)."""
        chat = context
        asked = question_index(sentences)
        question = sentences[asked]
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
        elif told is not None:
            context = Conversation(topic=told.entry_id)
        else:
            # A story too long to place may still name what the question is about, nearest
            # sentence first ("Someone mentioned the bridge. How do I do it?", "A friend said
            # bridges are good. How exactly? And how many in a row?").
            for before in reversed(
                [sentences[i] for i in around if asked - NAMED_BACK <= i < asked]
            ):
                if self._scope.names_an_entry(self._terms(before)):  # no scoring when none is
                    # Only the best is asked: entries that cannot be it are not scored.
                    named = self.matcher.match_parts(((before, 1.0),), limit=1).best
                    if named is not None and named.named:
                        context = Conversation(topic=named.entry_id)
                        break
        # The question alone first (its own words, the story as its context), then the question
        # with the story's words counted at a discount.
        reading = self._read_question(question, context, (), told=context is not chat)
        alone: list[float] = []  # how unfamiliar the question's own words are, once computed

        def on_its_own() -> bool:
            """Whether the question alone is no more unfamiliar than a named entry allows."""
            if not alone:
                alone.append(self._unfamiliar_of(self.matcher.terms(question)))
            return alone[0] <= NAMED_UNFAMILIAR

        if reading.kind not in {"answer", "detail", "not_covered"}:
            # The story may help a question short of words, but not answer one that is about
            # something else: more unfamiliar alone than even a named entry would allow
            # ("... what can she do about her bunions?" after a story about stretching).
            helped = self._read_question(question, context, parts, told=context is not chat)
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
                again = self._read_question(resolved, context, (), told=context is not chat)
                if again.kind in {"answer", "detail"}:
                    reading = noted(again, f"the question read as {resolved!r}")
                    break
        note = f"long message: question {question!r}"
        if reading.kind in {"none", "unsure"} and retries < NAMES_TRIED:
            # "At what point ..., and what kind of person ...?" (not after every name was
            # tried for a pronoun: the readings of one long message are bounded).
            pieces = clauses(question)
            if len(pieces) >= 2:
                reading = self._read_clauses(pieces, context, reading, told=context is not chat)
        if reading.kind in {"none", "unsure"}:
            near = self._not_covered(" ".join(self.matcher.canonical(s) for s in story))
            if near is not None:
                return Reading("not_covered", subject=near, match=reading.match, notes=(note,))
        return noted(reading, note)

    def named_in(self, text: str) -> str | None:
        """The entry a text names by a title or keyword (the longest), or None."""
        phrase = self._scope.named_phrase(text) if text else None
        best = self.matcher.match(phrase).best if phrase is not None else None
        return best.entry_id if best is not None else None

    def _referred(self, question: str, before: list[str]) -> str | None:
        """The entry a question's pronoun points back at: what the nearest sentence before it
        names ("... like the kneeling one? How do I do that?"), not what the story talks
        about most. Only for a question with no word of its own ("is it safe to keep taking
        it?" is about what "it" is, perhaps nothing the article covers); None otherwise."""
        if REFERS.search(question) is None or self._has_own_words(question):
            return None
        return next(filter(None, map(self.named_in, reversed(before))), None)

    def _may_answer(self, question: str) -> bool:
        """Whether a question read with no context may be an answer or a detail: only when it
        has words that ask a detail, or an entry reaches the confident band (``_read_question``:
        with neither, no path there gives one), found without scoring the entries that
        cannot."""
        if self._follow_ups.cue(self.matcher.canonical(question)) is not None:
            return True
        return self.matcher.best_reaching(((question, 1.0),), self.matcher.confident) is not None

    def _has_own_words(self, text: str) -> bool:
        """Whether a text has a word besides question words (as ``has_content`` of its match,
        without scoring it: a long question would be matched for this alone)."""
        return any(t not in QUESTION_WORDS and not t.endswith(PLURAL) for t in self._terms(text))

    def _resolved(self, question: str, before: list[str]) -> Iterator[str]:
        """The question with its first pronoun replaced by a title or keyword a sentence before
        it names ("whether they are tight" -> "whether hip flexors are tight"), nearest
        sentence first (the nearest may name something the pronoun is not: "I was mostly
        using my back" after "he called it a bridge"); nothing when it has no pronoun."""
        pronoun = REFERS.search(question)
        if pronoun is None:
            return
        for sentence in reversed(before):
            phrase = self._scope.named_phrase(sentence)
            if phrase is not None:
                yield f"{question[: pronoun.start()]}{phrase}{question[pronoun.end() :]}"

    def _read_clauses(
        self,
        pieces: list[str],
        context: Conversation | None,
        reading: Reading,
        told: bool = False,
    ) -> Reading:
        """A short message unclear as a whole, read clause by clause: without the clauses that
        only say what is absent ("no numbness, no tingling, just tight hips"), or as its
        question clause after a little story ("my uncle had bowel cancer, unrelated, but what
        are the hip flexors?") when that clause is clear on two words of its own or names its
        entry; one shared word is too little to outweigh a story the bot could not place."""
        present = [c for c in pieces if not self._scope.absent(c)]
        if present and len(present) < len(pieces):
            kept = self._read_question(" ".join(present), context, (), told=told)
            if kept.kind in {"answer", "detail"}:
                return noted(kept, "clauses about what is absent left aside")
        question = pieces[question_index(pieces)]
        clause = self._read_question(question, context, (), told=told)
        best = clause.match.best if clause.match is not None else None
        # Named, two words of its own, or words that ask a detail of the topic or the detail's
        # own entry ("what kind of person should I see": no score, the words decide).
        strong = (
            (best is not None and (best.named or best.support >= 2))
            or clause.match is None
            or clause.detail is not None
        )
        if clause.kind in {"answer", "detail"} and strong:
            return noted(clause, f"question in the clause {question!r}")
        return reading

    # ------------------------------------------------------------------------------------------
    def _read_question(
        self,
        text: str,
        context: Conversation | None,
        story: tuple[tuple[str, float], ...],
        told: bool = False,
    ) -> Reading:
        """What one question asks. ``told``: the context is the message's own back-story, which
        the question may add to freely, not a topic of the chat that an unrelated message must
        not be forced onto."""
        canonical = self.matcher.canonical(text)
        cue = self._follow_ups.cue(canonical)
        asked = frozenset(t for p in (cue.phrases if cue else ()) for t in self._terms(p))

        # "the second one", "number 3": the last list shown (no list: nothing to guess from).
        options = context.options if context is not None else ()
        unasked = self._follow_ups.unasked(canonical)
        picked = ordinal(unasked, options or NO_LIST)  # "which side first" is no ordinal
        refers = picked is not None and (
            explicit_reference(unasked) or self._only_refers(text, asked)
        )
        if refers and not options and cue is None:
            return Reading("none", notes=("an ordinal, and no list shown",))
        if picked is not None and refers and options:
            detail = cue.follow_up.name if cue else None
            return self._entry(picked, detail, None, f"option from the last list: {picked}")
        # "and the next exercise?", "what's the one after that": the exercise after the topic.
        after = self._next_exercise(canonical, context)
        if after is not None:
            detail = cue.follow_up.name if cue else None
            return self._entry(
                after, detail, None, f"the exercise after {context and context.topic}"
            )

        parts = ((text, 1.0), *story)
        # The match with the words that ask a detail, made when first needed (most readings
        # decide on ``own`` alone).
        whole = _Lazy(
            partial(self.matcher.match_parts, parts), partial(self.matcher.match_parts, parts, 1)
        )
        own = self.matcher.match_parts(parts, drop=asked) if asked else whole()
        unfamiliar = self._unfamiliar(own)
        subject = self._scope.subject(canonical)
        if (subject and not any(self.matcher.known(t) for t in subject)) or not all(
            self.matcher.known(t) for t in self._scope.praised(canonical)
        ):
            # What the question is for or about, or asks to be recommended, is a subject the
            # knowledge base never names ("what yoga pose helps with anxiety", "a good stretching
            # app"): only an entry named by its title may answer.
            unfamiliar = max(unfamiliar, UNKNOWN_SUBJECT)
        near = self._not_covered(canonical)
        if near is not None and self._near_group(near) in ALWAYS:
            return Reading("not_covered", subject=near, match=whole())
        following = context is not None and context.topic is not None
        if near is not None and following and self._in_topic(near, canonical, context):
            near = None  # "which knee goes on the floor?" after the kneeling stretch
        if context is None and cue is not None:
            clarify = self._follow_ups.clarify(canonical, cue, own, whole, unfamiliar)
            if clarify is not None:
                return clarify
        # In a conversation, a question about a detail the topic has is about the topic unless
        # it names another entry ("where do I put my right knee?" after pigeon pose).
        topic = self.kb.entries.get(context.topic or "") if context is not None else None
        strict = (
            topic is not None
            and cue is not None
            and (topic.detail(cue.follow_up.name) is not None or cue.follow_up.default is not None)
        )

        # A question another entry has almost word for word is that entry's, whatever came
        # before ("how often should I stretch?" after pigeon pose asks the general question).
        first = whole.first() if strict else None
        phrased = first.best if first is not None else None
        if (
            first is not None
            and phrased is not None
            and phrased.similarity >= PHRASED
            and self._solid(first, unfamiliar, False, cue)  # (its best, band and terms)
            and (context is None or phrased.entry_id != context.topic)
        ):
            return self._entry(phrased.entry_id, None, whole())

        # A clear question of its own: answer it (its detail, if that is all it asks).
        if self._solid(own, unfamiliar, strict):
            best = own.best
            assert best is not None
            detail = self._follow_ups.detail_asked(cue, best.entry_id, own, context)
            first = None if following else whole.first()
            rival = first.best if first is not None else None
            if (
                first is not None
                and rival is not None
                and rival.entry_id != best.entry_id
                and rival.score >= best.score
                and self._solid(first, unfamiliar, False, cue)
            ):
                # The words that ask a detail belong to this question ("how often do I need
                # to stretch?" asks for the frequency entry, not the stretch's frequency).
                best, detail = rival, None
            if near is not None and not self._about(best, near, canonical):
                return Reading("not_covered", subject=near, match=own)
            return self._entry(best.entry_id, detail, own)

        # A follow-up: read it against the topic just talked about.
        if (
            following
            # (not "haha": no word of its own, and no question either; "anything else?" asks;
            # nor a sum, "what's 15% of 240", whose only words of its own are numbers)
            and (cue is not None or bool(own.terms) or "?" in text)
            and (cue is not None or not only_numbers(own.terms))
            and (unfamiliar <= MAX_UNFAMILIAR or (strict and POINTS_AT.search(text) is not None))
            and (told or not self._elsewhere(own, asked, context.topic if context else None))
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
            and (told or not self._elsewhere(own, asked, context.topic))
            and self._on_the_exercise(own, asked, context.topic)
        ):
            return self._entry(context.topic, None, own, "about doing the exercise")
        if near is not None:
            return Reading("not_covered", subject=near, match=own)
        if (
            cue is not None
            and context is None
            and has_content(own)
            and self._solid(whole(), unfamiliar, False, cue)
        ):
            # The words that ask a detail are part of its own question ("daily stretching?").
            best = whole().best
            assert best is not None
            return self._entry(best.entry_id, None, whole())
        if cue is not None and not has_content(own):
            # A detail with no topic anywhere ("how often?", "how long do I hold it?").
            if cue.follow_up.default is not None and not following:
                return self._entry(cue.follow_up.default, None, whole(), "detail's own entry")
            having = self._follow_ups.having(whole(), cue.follow_up.name, MAX_SUGGESTIONS)
            if having:
                return Reading("unsure", options=tuple(having[:MAX_SUGGESTIONS]), match=whole())
        return self._by_band(own, unfamiliar)

    # ------------------------------------------------------------------------------------------
    def _entry(
        self, entry_id: str, detail: str | None, match: Match | None, note: str = ""
    ) -> Reading:
        return entry_reading(self.kb, entry_id, detail, match, note)

    def _solid(
        self, match: Match, unfamiliar: float, strict: bool = False, cue: Cue | None = None
    ) -> bool:
        """Confident on the message's own words: the entry's name ("teach me pigeon"), or
        (unless ``strict``: only the name will do) two words that point to the entry, or one
        with nothing unfamiliar beside it. The words of one key phrase count as one. Words that
        ask a detail (``cue``: "how long", "how often") frame the question without saying what
        it is about, so they do not count among those words, except for the entry that answers
        that detail for every topic."""
        best = match.best
        if match.band is not Band.CONFIDENT or best is None:
            return False
        if best.named and unfamiliar <= NAMED_UNFAMILIAR:
            return True
        if strict:
            return False
        support = best.support
        if support:  # the words of one key phrase point to the entry once ("long flights")
            support = max(1, support - self._scope.repeated_in_keywords(match.terms, best.entry_id))
        if cue is not None and best.entry_id != cue.follow_up.default:
            framing = frozenset(match.terms) & cue.terms
            framed = sum(1 for t in framing if self.matcher.points_to(best.entry_id, t))
            support = max(1, support - framed) if support else 0
        if support >= 2:
            return unfamiliar <= SOLID_UNFAMILIAR
        if support != 1:
            return False
        # One word: only one of the entry's own key words (its title or a keyword, whole)
        # will do; a word of its phrasings ("help", "tips") or of a longer keyword ("push" of
        # "push hips forward") is shared by too much else.
        if best is None or not self._scope.keyword_found(match.terms, best.entry_id):
            return False
        # One word: enough alone, or beside a little small talk when only this entry uses it.
        return unfamiliar == 0.0 or (unfamiliar <= ONE_WORD_UNFAMILIAR and self._rare(match))

    def _elsewhere(self, own: Match, asked: frozenset[str], topic: str | None) -> bool:
        """Whether most of what a message says (two words or more) is what the topic's entry never
        talks about: then it is about something else, however familiar its words ("how many
        steps should I walk a day?" after the bridge), not a follow-up on the topic."""
        if topic is None:
            return False
        words = self._words_of_entry(topic)
        content = [
            t
            for t in own.terms
            if t not in QUESTION_WORDS and not t.endswith(PLURAL) and t not in asked
        ]
        # A word the maintainers list as another subject counts twice, as in the matcher (a
        # body part we do not cover is not one: "lying on her stomach or her back?").
        other = frozenset(own.off_topic) - self._near_terms
        foreign = sum(2 if t in other else 1 for t in content if t not in words and not t.isdigit())
        return foreign >= FOREIGN_WORDS and 2 * foreign > len(content)

    def _on_the_exercise(self, own: Match, asked: frozenset[str], topic: str) -> bool:
        """Whether a message in a conversation about an exercise talks about doing it: two or
        more of its words are the exercise's own (its steps, answer and phrasings), and more
        of them than words it never uses ("and my feet, flat or on tiptoes?" after the bridge;
        not "what's a good chair for gaming")."""
        entry = self.kb.entries.get(topic)
        if entry is None or entry.kind != "exercise":
            return False
        words = self._words_of_entry(topic)
        content = [
            t
            for t in own.terms
            if t not in QUESTION_WORDS and not t.endswith(PLURAL) and t not in asked
        ]
        inside = sum(1 for t in content if t in words)
        return inside >= 2 and inside > len(content) - inside

    def _next_exercise(self, canonical: str, context: Conversation | None) -> str | None:
        """The exercise after the topic in the menu's order, for a message that asks for the
        next one and says nothing else ("ok and the next exercise?"); None otherwise."""
        if context is None or context.topic is None or not _NEXT.search(canonical):
            return None
        exercises = [entry.id for entry in self.kb.exercises()]
        if context.topic not in exercises:
            return None
        said = [t for t in self._terms(canonical) if t not in QUESTION_WORDS]
        if any(t not in self._next_terms for t in said):
            return None
        index = exercises.index(context.topic) + 1
        return exercises[index] if index < len(exercises) else None

    def _only_refers(self, text: str, asked: frozenset[str]) -> bool:
        """Whether a message with an ordinal says nothing else of its own ("explain the second
        one", not "what's the first step to a pain-free back")."""
        ordinals = frozenset(self._terms(" ".join(ORDINALS)))
        rest = self.matcher.match_parts(((text, 1.0),), drop=asked | ordinals)
        unfamiliar = self._unfamiliar(rest)
        return unfamiliar <= MAX_UNFAMILIAR and not self._solid(rest, unfamiliar, True)

    def _in_topic(self, subject: str, canonical: str, context: Conversation | None) -> bool:
        """Whether a body part the article does not cover is part of the topic just talked
        about (the knee of the kneeling stretch), and not what hurts ("my knee hurts")."""
        topic = context.topic if context is not None else None
        if topic is None or self._near_group(subject) in ALWAYS:
            return False
        if self._scope.hurts(subject, canonical):
            return False
        words = self._words_of_entry(topic)
        return all(t in words for t in self._terms(subject))

    def _about(self, best: Candidate, subject: str, canonical: str) -> bool:
        """Whether a body part the article does not cover is part of the entry the question
        names or talks about (the knee in pigeon pose): then the question is ours. Where it
        is what hurts ("knee pain", "my sore neck"), only an exercise the question names can
        make it ours ("pigeon pose hurts my knee"): a list or a topic never treats a knee."""
        entry = self.kb.entries[best.entry_id]
        if self._scope.hurts(subject, canonical) and not (best.named and entry.kind == "exercise"):
            return False
        if best.named:
            return True
        words = self._words_of_entry(best.entry_id)
        return all(t in words for t in self._terms(subject))

    def _by_band(self, match: Match, unfamiliar: float) -> Reading:
        best = match.best
        if best is None or match.band is Band.NONE or best.support == 0:
            return Reading("none", match=match)
        if unfamiliar > SOLID_UNFAMILIAR:
            return Reading("none", match=match)  # unfamiliar words outweigh the shared ones
        floor = max(self.matcher.unsure, best.score - SUGGESTION_MARGIN)
        options = tuple(c.entry_id for c in match.candidates if c.score >= floor and c.support)
        return Reading("unsure", options=options[:MAX_SUGGESTIONS], match=match)

    def _unfamiliar(self, match: Match) -> float:
        """Share of the message's own words, by weight, that the knowledge base never uses
        (an unknown word weighs as much as the rarest known one: it may be the subject)."""
        return self._unfamiliar_of(match.terms)

    def _unfamiliar_of(self, terms: Sequence[str]) -> float:
        """``_unfamiliar`` of a match's terms (no match need be made for them)."""
        content = [t for t in terms if t not in QUESTION_WORDS and not t.endswith(PLURAL)]
        known = sum(self.matcher.weight_of(t) for t in content if self.matcher.known(t))
        unknown = sum(
            max(self.matcher.weight_of(t), self.matcher.rarest)
            for t in content
            if not self.matcher.known(t) and not t.isdigit()
        ) * self.matcher.dilution(len(terms))
        return unknown / (known + unknown) if known + unknown else 0.0

    def _words_of_entry(self, entry_id: str) -> frozenset[str]:
        """Every word the entry uses, stemmed (its vocabulary, answer, steps and details)."""
        found = self._entry_words.get(entry_id)
        entry = self.kb.entries.get(entry_id)
        if found is None and entry is not None:
            text = " ".join((entry.answer, *entry.steps, *(t for _, t in entry.details)))
            found = self._entry_words[entry_id] = frozenset(
                self.matcher.vocabulary(entry_id) | frozenset(self._terms(text))
            )
        return found if found is not None else frozenset()

    def _rare(self, match: Match) -> bool:
        """Whether the best entry's one supporting word is one only it uses ("iliopsoas")."""
        best = match.best
        return best is not None and any(
            self.matcher.points_to(best.entry_id, t)
            and self.matcher.weight_of(t) >= self.matcher.rarest
            for t in match.terms
        )

    def _terms(self, phrase: str) -> list[str]:
        return _terms_by(self.matcher, phrase)

    def _not_covered(self, canonical: str) -> str | None:
        """The first subject we do not cover that the text mentions."""
        if self._near_pattern is None:
            return None
        found = self._near_pattern.search(canonical)
        return found.group(0) if found else None

    def _near_group(self, subject: str) -> str:
        return self._near.get(subject, "")


def _terms_by(matcher: Matcher, phrase: str) -> list[str]:
    """The matcher's terms of a phrase. A module function (bound with ``partial``) keeps the
    answerer free of reference cycles: a replaced one is freed as soon as it is dropped, with no
    full garbage collection over a large base (which blocks the event loop)."""
    return matcher.analyse(phrase)[0]


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
