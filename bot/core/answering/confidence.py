"""How sure a match is, on the message's own words.

The matcher scores text against entries; this module decides whether a score is enough. One
shared word is enough only when nothing else in the message is unfamiliar; words the knowledge
base never uses lower confidence in proportion to their weight; a message whose words are mostly
ones the topic never uses is about something else, however familiar those words are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.core.answering.follow_ups import MAX_SUGGESTIONS, Cue
from bot.core.answering.match_result import Band, Candidate, Match
from bot.core.answering.matching import Matcher
from bot.core.answering.reading import Reading
from bot.core.answering.scope import Scope
from bot.core.answering.term_analysis import PLURAL
from bot.core.answering.term_model import QUESTION_WORDS
from bot.core.knowledge import KnowledgeBase

SOLID_UNFAMILIAR = 0.5  # an answer needs its entry's words to outweigh unknown ones
ONE_WORD_UNFAMILIAR = 0.3  # ... and one rare word of its own with a little small talk
FOREIGN_WORDS = 2  # words the topic never uses that make a message about something else
NAMED_UNFAMILIAR = 0.67  # an entry named by its title may come with one unknown word
SUGGESTION_MARGIN = 12.0  # "Did you mean" offers only entries this close to the best


class Confidence:
    """Judges matches against one knowledge base (built with the interpreter that asks)."""

    def __init__(
        self, kb: KnowledgeBase, matcher: Matcher, scope: Scope, near_terms: frozenset[str]
    ) -> None:
        self.kb = kb
        self.matcher = matcher
        self._scope = scope
        self._near_terms = near_terms  # the words of the subjects we do not cover
        # Every word each entry uses (phrasings, keywords, answer, steps, details), stemmed:
        # only asked when a message names a subject we do not cover, so made on first use.
        self._entry_words: dict[str, frozenset[str]] = {}
        self._form: tuple[frozenset[str], frozenset[str]] | None = None

    def solid(
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
        return unfamiliar == 0.0 or (unfamiliar <= ONE_WORD_UNFAMILIAR and self.rare(match))

    def elsewhere(
        self, own: Match, asked: frozenset[str], topic: str | None, held: bool = False
    ) -> bool:
        """Whether most of what a message says (two words or more) is what the topic's entry never
        talks about: then it is about something else, however familiar its words ("how many
        steps should I walk a day?" after the bridge), not a follow-up on the topic. ``held``:
        the message asks how the topic's exercise is done; then it takes one word more ("do
        my feet stay on the floor or up on the bed?" after the bridge still asks its position)."""
        if topic is None:
            return False
        words = self.words_of_entry(topic)
        content = [
            t
            for t in own.terms
            if t not in QUESTION_WORDS and not t.endswith(PLURAL) and t not in asked
        ]
        # A word the maintainers list as another subject counts twice, as in the matcher (a
        # body part we do not cover is not one: "lying on her stomach or her back?").
        other = frozenset(own.off_topic) - self._near_terms
        foreign = sum(2 if t in other else 1 for t in content if t not in words and not t.isdigit())
        return foreign >= FOREIGN_WORDS + held and 2 * foreign > len(content)

    def on_the_exercise(self, own: Match, asked: frozenset[str], topic: str) -> bool:
        """Whether a message in a conversation about an exercise talks about doing it: two or
        more of its words are the exercise's own (its steps, answer and phrasings), and more
        of them than words it never uses ("and my feet, flat or on tiptoes?" after the bridge;
        not "what's a good chair for gaming")."""
        entry = self.kb.entries.get(topic)
        if entry is None or entry.kind != "exercise":
            return False
        words = self.words_of_entry(topic)
        content = [
            t
            for t in own.terms
            if t not in QUESTION_WORDS and not t.endswith(PLURAL) and t not in asked
        ]
        inside = sum(1 for t in content if t in words)
        return inside >= 2 and inside > len(content) - inside

    def on_its_form(self, whole: Match, topic: str, near: str | None = None) -> bool:
        """Whether a message in a conversation about an exercise asks how the body is placed in
        it, in the words any exercise is taught in (``exercise_form``) beside the exercise's own
        and those that ask a detail: "is my front knee meant to go past my toes?", "do i pause
        at the top or pump?". It takes a word of placing, or a part of the body the exercise
        places; two known words or more; and at most one unknown word ("stacked", "wonky") for
        two known. Not a part of the body the exercise never places ("how do i stretch my
        calves?" after pigeon), nor one we do not cover (``near``) unless two words place it,
        nor a word the maintainers list as another subject ("my shoulder clicks in push ups")."""
        entry = self.kb.entries.get(topic)
        if entry is None or entry.kind != "exercise":
            return False
        body, placing = self._form_words()
        words = self.words_of_entry(topic)
        content = [t for t in whole.terms if t not in QUESTION_WORDS and not t.endswith(PLURAL)]
        placing_words = sum(1 for t in content if t in placing)
        placed = placing_words + sum(1 for t in content if t in body and t in words)
        known = sum(1 for t in content if t in placing or t in body or t in words)
        other = frozenset(whole.off_topic) - self._near_terms - body - placing
        if placed == 0 or any(t in other for t in content):
            return False
        # A part of the body we do not cover, and the exercise does not place: the question is
        # about that part ("neck feels crunchy, normal?" in the bridge), unless it places it
        # ("do i push my hips forward or sit back onto my heel?").
        if (
            near is not None
            and placing_words < 2
            and not all(t in words for t in self._terms(near))
        ):
            return False
        return known >= 2 and 2 * (len(content) - known) <= known

    def only_placing(self, terms: Iterable[str]) -> bool:
        """Whether a question's words, besides question words, are all words of placing in an
        exercise ("how am i supposed to set it up correctly?"): they ask how a thing named
        before is done, and name nothing themselves (not even a part of the body: "could it
        be her hip?")."""
        placing = self._form_words()[1]
        content = [t for t in terms if t not in QUESTION_WORDS and not t.endswith(PLURAL)]
        return bool(content) and all(t in placing for t in content)

    def _form_words(self) -> tuple[frozenset[str], frozenset[str]]:
        """The words of exercise form, stemmed: the parts of the body, and of placing them."""
        if self._form is None:
            form = self.kb.exercise_form
            self._form = (
                frozenset(t for word in form.get("body", ()) for t in self._terms(word)),
                frozenset(t for word in form.get("placing", ()) for t in self._terms(word)),
            )
        return self._form

    def about(self, best: Candidate, subject: str, canonical: str) -> bool:
        """Whether a body part the article does not cover is part of the entry the question
        names or talks about (the knee in pigeon pose): then the question is ours. Where it
        is what hurts ("knee pain", "my sore neck"), only an exercise the question names can
        make it ours ("pigeon pose hurts my knee"): a list or a topic never treats a knee."""
        entry = self.kb.entries[best.entry_id]
        if self._scope.hurts(subject, canonical) and not (best.named and entry.kind == "exercise"):
            return False
        if best.named:
            return True
        words = self.words_of_entry(best.entry_id)
        return all(t in words for t in self._terms(subject))

    def by_band(self, match: Match, unfamiliar: float) -> Reading:
        best = match.best
        if best is None or match.band is Band.NONE or best.support == 0:
            return Reading("none", match=match)
        if unfamiliar > SOLID_UNFAMILIAR:
            return Reading("none", match=match)  # unfamiliar words outweigh the shared ones
        floor = max(self.matcher.unsure, best.score - SUGGESTION_MARGIN)
        options = tuple(c.entry_id for c in match.candidates if c.score >= floor and c.support)
        return Reading("unsure", options=options[:MAX_SUGGESTIONS], match=match)

    def unfamiliar(self, match: Match) -> float:
        """Share of the message's own words, by weight, that the knowledge base never uses
        (an unknown word weighs as much as the rarest known one: it may be the subject)."""
        return self.unfamiliar_of(match.terms)

    def unfamiliar_of(self, terms: Sequence[str]) -> float:
        """``unfamiliar`` of a match's terms (no match need be made for them)."""
        content = [t for t in terms if t not in QUESTION_WORDS and not t.endswith(PLURAL)]
        known = sum(self.matcher.weight_of(t) for t in content if self.matcher.known(t))
        unknown = sum(
            max(self.matcher.weight_of(t), self.matcher.rarest)
            for t in content
            if not self.matcher.known(t) and not t.isdigit()
        ) * self.matcher.dilution(len(terms))
        return unknown / (known + unknown) if known + unknown else 0.0

    def words_of_entry(self, entry_id: str) -> frozenset[str]:
        """Every word the entry uses, stemmed (its vocabulary, answer, steps and details)."""
        found = self._entry_words.get(entry_id)
        entry = self.kb.entries.get(entry_id)
        if found is None and entry is not None:
            text = " ".join((entry.answer, *entry.steps, *(t for _, t in entry.details)))
            found = self._entry_words[entry_id] = frozenset(
                self.matcher.vocabulary(entry_id) | frozenset(self._terms(text))
            )
        return found if found is not None else frozenset()

    def rare(self, match: Match) -> bool:
        """Whether the best entry's one supporting word is one only it uses ("iliopsoas")."""
        best = match.best
        return best is not None and any(
            self.matcher.points_to(best.entry_id, t)
            and self.matcher.weight_of(t) >= self.matcher.rarest
            for t in match.terms
        )

    def _terms(self, phrase: str) -> list[str]:
        return self.matcher.analyse(phrase)[0]
