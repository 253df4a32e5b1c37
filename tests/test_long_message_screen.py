"""The red-flag screen's shortcuts for long messages find exactly what the plain code finds."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.knowledge import PatternStep, WordPattern, load_knowledge
from bot.core.safety import Screen
from bot.core.safety.patterns import Document, Grammar, Hit, PatternSet
from bot.core.safety.tokens import (
    _ANSWERED,
    _CONFIRMED,
    _LISTED_NO,
    _NOES,
    _item_then,
    _listed_no,
    _no_instead,
    answered_checklist,
    fold,
    tokenise,
)
from bot.tools.evaluation import load_probes

ROOT = Path(__file__).resolve().parent.parent
_SCREEN: list[Screen] = []  # built once (the real red-flag rules): hypothesis calls often
_SENTENCES: list[str] = []


def _screen() -> Screen:
    if not _SCREEN:
        _SCREEN.append(Screen.for_knowledge(load_knowledge(ROOT / "knowledge")))
    return _SCREEN[0]


def _sentences() -> list[str]:
    """Messages of the safety regression sets: red flags, their contexts and calm questions."""
    if not _SENTENCES:
        for path in sorted((ROOT / "benchmarks" / "regression").glob("safety*.yaml")):
            _SENTENCES.extend(probe.text for probe in load_probes(path)[0])
    return _SENTENCES


def _checklist_as_substituted(folded: str) -> str:
    """``answered_checklist`` without its prefilters: every substitution over the whole text."""
    folded = _CONFIRMED.sub(_item_then, _ANSWERED.sub(_no_instead, folded))
    return _LISTED_NO.sub(_listed_no, _NOES.sub("no to all", folded))


_ITEMS = ["fever", "chest pain", "numbness down there", "can you feel it", "do i", "lol", "x"]
_ITEMS += ["bladder n", "bowels - fine", "legs: ok", "1) fever no", "n/n/n", "ticked no"]
_ANSWERS = ["no", "nooo", "nope", "nah", "none", "negative", "not", "now", "noted"]
_ANSWERS += ["yes", "yeah", "yep", "yup", "definitely", "yesterday", "yess"]
_AFTER = ["", ".", "!", ",", ";", "\n", " ", " \t.", " and", " in my groin", "?"]
_CHECKLIST_ITEM = st.tuples(
    st.sampled_from(["", ". ", "\n", "! ", "; ", "? ", "hi "]),
    st.sampled_from(_ITEMS),
    st.sampled_from(["?", "??", " ?", "?  ", "?\n", "? "]),
    st.sampled_from(_ANSWERS),
    st.sampled_from(_AFTER),
).map("".join)


@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_CHECKLIST_ITEM | st.text(max_size=8), max_size=6).map("".join))
def test_a_checklist_is_rewritten_as_by_both_substitutions(text: str) -> None:
    """The literal prefilter ("?" then an answer word) only skips texts neither pattern changes."""
    folded = fold(text)
    assert answered_checklist(folded) == _checklist_as_substituted(folded)


_PHRASES: dict[str, PatternSet] = {}


def _all_phrases(grammar: Grammar, name: str) -> PatternSet:
    """Every phrase of a word list as one pattern set (one-word phrases too)."""
    if name not in _PHRASES:
        phrases = [p for p in grammar.concepts.get(name, ()) if p.steps]
        _PHRASES[name] = PatternSet(grammar, phrases)
    return _PHRASES[name]


class _Everywhere(Document):
    """``Document`` as it was: each word list read once over the whole message, and every
    pattern matched over the whole message."""

    def concept(self, name: str, sentences: int = -1) -> list[Hit]:
        found = self._concepts.get(name)
        if found is None:
            self._concepts[name] = []  # a guard against cycles while computing
            phrases = _all_phrases(self.grammar, name)
            found = sorted({hit for _, hit in _found_everywhere(phrases, self)})
            self._concepts[name] = found
        return found

    def match(self, pattern: WordPattern, sentences: int = -1) -> list[Hit]:
        return super().match(pattern)


def _found_everywhere(patterns: PatternSet, document: Document) -> list[tuple[int, Hit]]:
    """``PatternSet.find`` as it was: each possible pattern matched over the whole message."""
    numbers = [number for number, _ in patterns.possible(document)]
    return [
        (number, hit) for number in numbers for hit in document.match(patterns.patterns[number])
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=40))
def test_patterns_matched_in_their_sentences_find_what_matching_everywhere_finds(
    picks: list[int],
) -> None:
    """A long message of red-flag and calm sentences: every pattern set of the screen (flags,
    idioms, triggers, boundaries, questions) finds the same hits when each pattern is matched
    only in its possible sentences (in the whole message, and in some of its sentences as in
    the message seen only in those), and every word list then read everywhere is complete."""
    screen = _screen()
    pool = _sentences()
    text = " ".join(pool[pick % len(pool)] for pick in picks)
    document = screen.read(text)
    sets = [screen.flag_patterns, screen.triggers, screen.boundaries, screen.questions]
    sets += list(screen.idioms.values())
    plain = _Everywhere(document.tokens, document.grammar)
    for patterns in sets:
        assert patterns.find(document) == _found_everywhere(patterns, plain)
    of = document.tokens.sentences
    some = {of[position] for position in range(0, len(of), 3)}  # a third of the words' sentences
    part = _Everywhere(document.tokens, document.grammar).within(some)
    bits = sum(1 << sentence for sentence in some)
    for patterns in sets:
        assert patterns.find(document, bits) == _found_everywhere(patterns, part)
    fresh = _Everywhere(document.tokens, document.grammar)
    for name in list(document._concepts):
        assert document.concept(name) == fresh.concept(name)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=40), st.integers(1, 9))
def test_a_document_read_a_few_sentences_at_a_time_finds_what_reading_them_alone_finds(
    picks: list[int], size: int
) -> None:
    """A long message's rest is one document read a few sentences at a time (its possible
    patterns found once, then kept to those sentences): every pattern set finds in each window
    exactly what a fresh document finds in the same sentences."""
    screen = _screen()
    pool = _sentences()
    text = " ".join(pool[pick % len(pool)] for pick in picks)
    windowed = screen.read(text)
    windowed.windowed = {}
    sets = [screen.flag_patterns, screen.triggers, screen.boundaries, screen.questions]
    sets += [screen._all_idioms, *(patterns for patterns, _ in screen._outranking.values())]
    last = windowed.tokens.sentences[-1] if windowed.tokens.sentences else 0
    for start in range(0, last + 1, size):
        bits = ((1 << size) - 1) << start
        for patterns in sets:
            assert patterns.find(windowed, bits) == patterns.find(screen.read(text), bits)


def test_the_screen_decides_long_stories_as_sentence_by_sentence_reading_allows() -> None:
    """Sanity on real text: a story of many sentences alarms when one of them does."""
    screen = _screen()
    pool = _sentences()
    alarming = next(text for text in pool if screen.assess(text).alarm)
    calm = [text for text in pool if not screen.assess(text).mentions][:40]
    assert screen.assess(" ".join([*calm, alarming])).alarm


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=40))
def test_reading_until_a_certain_alarm_decides_as_reading_everything(picks: list[int]) -> None:
    """The answerer's screen reads a long message part by part; once alarmed it reads on only
    for flags of a more urgent tier, and stops at an alarm of the first tier: the verdict,
    tier, first alarm and everything else the answer uses are those of the complete decision;
    when it read everything, the decision is the complete one."""
    screen = _screen()
    pool = _sentences()
    text = " ".join(pool[pick % len(pool)] for pick in picks)
    whole = screen.assess(text)
    fast = screen.assess(text, complete=False)
    assert (fast.verdict, fast.tier, fast.first_alarm) == (
        whole.verdict,
        whole.tier,
        whole.first_alarm,
    )
    if fast.complete:
        assert fast == whole
    else:
        assert fast.alarm
        remaining = iter(whole.mentions)  # each a mention of the complete decision, in order
        assert all(mention in remaining for mention in fast.mentions)


def test_an_early_alarm_in_a_long_story_ends_the_reading() -> None:
    """The shortcut is taken: a story whose first sentence is an emergency is not read on."""
    screen = _screen()
    pool = _sentences()
    alarming = next(
        text
        for text in pool
        if screen.assess(text).tier == screen.rules.tiers[0] and "." not in text
    )
    flagged = [text for text in pool if screen.assess(text).mentions][:30]
    text = ". ".join([alarming, *flagged])
    fast = screen.assess(text, complete=False)
    assert fast.alarm and not fast.complete
    assert len(fast.mentions) < len(screen.assess(text).mentions)
    assert screen.assess(text).complete


def test_once_alarmed_a_long_story_is_read_on_for_more_urgent_flags_only() -> None:
    """After an alarm of a later tier, a story is read on for the flags of the tiers before it:
    a later emergency still decides the tier, a second later-tier sign is not looked at."""
    screen = _screen()
    pool = [text for text in _sentences() if "." not in text and "?" not in text]
    today = next(
        text
        for text in pool
        if (d := screen.assess(text)).alarm and d.tier != screen.rules.tiers[0]
    )
    emergency = next(text for text in pool if screen.assess(text).tier == screen.rules.tiers[0])
    text = ". ".join([today, today, today, today, emergency])
    whole, fast = screen.assess(text), screen.assess(text, complete=False)
    assert (fast.tier, fast.first_alarm) == (whole.tier, whole.first_alarm)
    assert fast.tier == screen.rules.tiers[0] and not fast.complete
    assert len(fast.mentions) < len(whole.mentions)


def _red_flag_test_messages() -> list[str]:
    """Every message of ``knowledge/tests/red_flags*.yaml`` and of every safety set."""
    found = []
    for tests in sorted((ROOT / "knowledge" / "tests").glob("red_flags*.yaml")):
        data = yaml.safe_load(tests.read_text("utf-8"))
        found += [item["text"] for group in data.values() for item in group or ()]
    paths = [
        *sorted((ROOT / "benchmarks" / "regression").glob("safety*.yaml")),
        *sorted((ROOT / "benchmarks").glob("safety_*.yaml")),
        ROOT.parent / "shared" / "eval" / "safety.yaml",
    ]
    for path in paths:
        if path.exists():
            found += [probe.text for probe in load_probes(path)[0]]
    return list(dict.fromkeys(found))


class _Unfiltered(Document):
    """``Document`` with no prefilter at all: every phrase of a word list matched (its
    one-word phrases too), every pattern matched over the whole message."""

    def concept(self, name: str, sentences: int = -1) -> list[Hit]:
        found = self._concepts.get(name)
        if found is None:
            self._concepts[name] = []  # a guard against cycles while computing
            phrases = [p for p in self.grammar.concepts.get(name, ()) if _present(self, p)]
            found = sorted({hit for phrase in phrases for hit in self.match(phrase)})
            self._concepts[name] = found
        return found

    def match(self, pattern: WordPattern, sentences: int = -1) -> list[Hit]:
        return super().match(pattern)


_WORD_STEPS: dict[int, tuple[WordPattern, tuple[tuple[str, ...], ...]]] = {}


def _present(document: Document, pattern: WordPattern) -> bool:
    """Whether a pattern has steps and each of its word steps matches a word somewhere in the
    message (else it has no match, by definition)."""
    known = _WORD_STEPS.get(id(pattern))
    if known is None or known[0] is not pattern:
        step_keys = document.grammar.step_keys
        words = tuple(step_keys(step) for step in pattern.steps if not step.concept)
        known = _WORD_STEPS[id(pattern)] = (pattern, words)
    keys = document.keys
    return bool(pattern.steps) and not any(map(keys.isdisjoint, known[1]))


def _unfiltered(patterns: PatternSet, plain: _Unfiltered) -> list[tuple[int, Hit]]:
    """Every pattern's hits, matched one by one (only a pattern with a word step that is
    nowhere in the message is passed over: it has no match by definition)."""
    return [
        (number, hit)
        for number, pattern in enumerate(patterns.patterns)
        if _present(plain, pattern)
        for hit in plain.match(pattern)
    ]


def test_the_prefilters_never_drop_a_match_on_the_red_flag_tests_and_safety_sets() -> None:
    """The screen's prefilters (each pattern indexed by its rarest step, its steps' keys
    checked rarest first, sentence by sentence in a long message, a window of a long
    message's rest) find every match that matching each pattern with no prefilter finds: on
    every red-flag test message and every safety set message alone, and on all of them read
    as long messages of twenty, whole and a few sentences at a time."""
    screen = _screen()
    sets = [screen.flag_patterns, screen.triggers, screen.boundaries, screen.questions]
    sets += [screen._all_idioms]
    messages = _red_flag_test_messages()
    assert len(messages) > 1000
    for text in messages:
        document = screen.read(text)
        plain = _Unfiltered(document.tokens, document.grammar)
        for patterns in sets:
            assert patterns.find(document) == _unfiltered(patterns, plain), text
    for start in range(0, len(messages), 20):
        text = " ".join(messages[start : start + 20])
        document, windowed = screen.read(text), screen.read(text)
        windowed.windowed = {}
        last = document.tokens.sentences[-1]
        plain = _Unfiltered(document.tokens, document.grammar)
        for patterns in sets:
            everything = _unfiltered(patterns, plain)
            assert patterns.find(document) == everything
            for first in range(0, last + 1, 8):
                bits = 0xFF << first
                of = document.tokens.sentences
                inside = [(n, hit) for n, hit in everything if bits >> of[hit.start] & 1]
                assert patterns.find(windowed, bits) == inside


def test_a_pattern_set_built_after_a_message_was_read_finds_its_sentences() -> None:
    """The document keeps the sentences of the step key sets the grammar knew when it was read
    (a list by number); a set registered later ("back" or "pain" as one step) is looked up
    from the message's own keys instead of being taken for absent."""
    steps = {word: PatternStep(words=(word,)) for word in ("back", "pain")}
    known = [WordPattern(word, (step,), "test", None) for word, step in steps.items()]
    grammar = Grammar({}, known, typos=(), not_typos=())
    document = Document(tokenise("my back hurts. it is fine. the pain is sharp.", {}), grammar)
    either = PatternSet(
        grammar, [WordPattern("back or pain", (PatternStep(words=("back", "pain")),), "test", None)]
    )
    assert document.registered < len(grammar.registered)  # the set is newer than the document
    assert either.possible(document) == [(0, 0b101)]
    assert either.possible(document, 0b100) == [(0, 0b100)]
    assert [hit.start for _, hit in either.find(document)] == [1, 7]
