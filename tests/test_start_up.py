"""Start-up builds the same matcher and interpreter as the plain code, only faster (issue #12).

Each shortcut taken while a knowledge base is analysed (texts folded once and shared, every
analysis and word kept while building, ``joined`` and the entries' whole vocabularies made on
first use) is checked here against the plain computation it replaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.answering.index import SynonymTable
from bot.core.answering.matching import Matcher
from bot.core.answering.term_analysis import TermAnalyser, _synonym_regex, joined_words
from bot.core.answering.term_model import EntryProfile, Phrasing, TermModel
from bot.core.answering.understanding import Interpreter
from bot.core.knowledge import KnowledgeBase, load_knowledge
from bot.core.knowledge import Phrasing as KbPhrasing
from bot.core.normalise import (
    _ASCII_FOLD,
    _WORD,
    expand_contractions,
    fold,
    split_units,
    words,
)
from bot.core.safety.known_words import knowledge_words, plain_words
from bot.core.safety.tokens import tokenise

ROOT = Path(__file__).resolve().parent.parent
KB = load_knowledge(ROOT / "knowledge")


def _texts(kb: KnowledgeBase) -> list[str]:
    texts = [p.text for e in kb.entries.values() for p in e.questions]
    texts += [t for e in kb.entries.values() for t in (e.title, *e.keywords, e.answer)]
    return [*texts, "how long do i hold the pigeon streches", "", "Hip-flexors!!", "psoas"]


def test_remembering_reads_every_text_as_without_it() -> None:
    plain, remembering = TermAnalyser(KB), TermAnalyser(KB)
    texts = _texts(KB)
    expected = [(plain.analyse(t), plain.canonical(t)) for t in texts]
    with remembering.remembering(), remembering.remembering():  # nested: the outer one ends it
        assert [(remembering.analyse(t), remembering.canonical(t)) for t in texts] == expected
        assert [(remembering.analyse(t), remembering.canonical(t)) for t in texts] == expected
    assert [(remembering.analyse(t), remembering.canonical(t)) for t in texts] == expected


def test_words_given_joined_get_the_terms_of_the_words() -> None:
    kbs = [KB, replace(KB, synonyms={**KB.synonyms, "hip  flexor": "hips"})]  # the regex only
    texts = [*_texts(KB), "don't stretch the hip flexers", "it's the psoas' fault", "Ó"]
    for kb in kbs:
        analyser = TermAnalyser(kb)
        for text in texts:
            assert analyser.finish_joined(joined_words(text)) == analyser.finish(words(text))


def _with_odd_phrasings(kb: KnowledgeBase) -> KnowledgeBase:
    """``kb`` with phrasings the analyser leaves to ``scored_joined`` (an apostrophe) or that
    have no words at all, in its first entry."""
    first = next(iter(kb.entries.values()))
    odd = ("don't the stretches help", "🙏", "it's the psoas' fault", "Hip-Flexors?!")
    questions = (*first.questions, *(KbPhrasing(text, None) for text in odd))
    return replace(kb, entries={**kb.entries, first.id: replace(first, questions=questions)})


@pytest.mark.parametrize(
    "kb",
    [
        KB,
        _with_odd_phrasings(KB),
        replace(_with_odd_phrasings(KB), synonyms={**KB.synonyms, "hip  flexor": "hips"}),
    ],
    ids=["real", "odd phrasings", "synonyms only the regex applies"],
)
def test_the_matcher_builds_the_model_the_plain_words_build(kb: KnowledgeBase) -> None:
    built = Matcher(kb)._model
    plain = TermModel(kb, TermAnalyser(kb))  # each text's words afresh, nothing kept
    assert built.idf == plain.idf and list(built.idf) == list(plain.idf)
    assert built.off_topic_terms == plain.off_topic_terms
    for entry_id, profile in plain.profiles.items():
        other = built.profiles[entry_id]
        assert list(other.salience.items()) == list(profile.salience.items())
        assert (other.title, other.plurals, other.keywords) == (
            profile.title,
            profile.plurals,
            profile.keywords,
        )
        assert other.key_phrases == profile.key_phrases
        assert other.phrasings == profile.phrasings
        numbers = range(len(profile.phrasings))
        assert [other.joined(n) for n in numbers] == [profile.joined(n) for n in numbers]


@given(st.frozensets(st.text(alphabet="abcxyz+", min_size=1, max_size=6), max_size=8))
def test_a_phrasing_knows_the_length_of_its_joined_terms(terms: frozenset[str]) -> None:
    phrasing = Phrasing(terms, 1.0, "text")
    assert phrasing.joined_length == len(" ".join(sorted(terms)))
    profile = EntryProfile(KB.entries["pigeon-pose"], {}, frozenset(), frozenset(), [phrasing])
    assert profile.joined(0) == " ".join(sorted(terms))


def test_an_entrys_words_made_on_first_use_are_those_made_at_start() -> None:
    matcher = Matcher(KB)
    interpreter = Interpreter(KB, matcher)
    for entry in KB.entries.values():
        text = " ".join((entry.answer, *entry.steps, *(t for _, t in entry.details)))
        expected = matcher.vocabulary(entry.id) | frozenset(matcher.analyse(text)[0])
        assert interpreter._confidence.words_of_entry(entry.id) == expected
    assert interpreter._confidence.words_of_entry("no-such-entry") == frozenset()


# Mostly what phrasings are made of, with every other ASCII character now and then.
ASCII_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from("abcdnotsAENT '-,.?!09"), st.characters(max_codepoint=127)),
    max_size=60,
)


@given(ASCII_TEXT)
def test_fold_of_ascii_text_by_bytes_is_the_fold_by_a_regex(text: str) -> None:
    # ``fold``'s ASCII path as it was: a dictionary translation, then runs of spaces collapsed.
    assert fold(text) == re.sub(r"\s+", " ", text.lower().translate(_ASCII_FOLD)).strip()


def test_every_ascii_character_is_folded_as_by_the_regex() -> None:
    for code in range(128):
        text = f"{chr(code)}A{chr(code)}b {chr(code) * 2}"
        assert fold(text) == re.sub(r"\s+", " ", text.lower().translate(_ASCII_FOLD)).strip()


@given(st.one_of(ASCII_TEXT, st.text(max_size=40)))
def test_words_split_without_the_regex_where_it_would_find_the_same(text: str) -> None:
    expected = _WORD.findall(split_units(expand_contractions(fold(text)).replace("-", " ")))
    assert words(text) == expected


CONTRACTIONS = {**KB.red_flags.contractions, "cant": ("can", "not"), "fevr": ("fever",)}


@given(
    st.one_of(
        ASCII_TEXT,
        st.text(alphabet=st.sampled_from("ab cant fevr,.?!;\n'0 no yes"), max_size=50),
        st.text(max_size=30),
    )
)
def test_the_screen_reads_plain_words_as_tokenise_does(text: str) -> None:
    assert plain_words(text, CONTRACTIONS) == tokenise(text, CONTRACTIONS).words
    assert plain_words(text, {}) == tokenise(text, {}).words


def test_the_screen_counts_the_knowledge_bases_words_as_tokenise_reads_them() -> None:
    rules = KB.red_flags
    phrasings = [p.text for entry in KB.entries.values() for p in entry.questions]
    phrasings += ["Chest pain? No.", "can you feel it? no", "it's 38.5", "I cant pee"]
    texts = [f"{e.title} {e.summary} {e.answer}" for e in KB.entries.values()]
    known, frequency = knowledge_words(phrasings, texts, rules.contractions)
    sets = [set(tokenise(text, rules.contractions).words) for text in phrasings]
    expected = set().union(*sets, *(tokenise(text, {}).words for text in texts))
    assert known == expected
    assert frequency == {
        word: sum(word in words for words in sets) / len(sets) for word in set().union(*sets)
    }


SYNONYM_WORDS = ["hip", "flexor", "flexors", "tight", "stretch", "a", "b", "ab", "how", "often"]


@given(
    st.dictionaries(
        st.lists(st.sampled_from([*SYNONYM_WORDS, "a-b"]), min_size=1, max_size=4).map(" ".join),
        st.lists(st.sampled_from(SYNONYM_WORDS), max_size=2).map(" ".join),
        max_size=8,
    ),
    st.lists(st.sampled_from(SYNONYM_WORDS), max_size=12),
)
def test_synonyms_applied_to_joined_words_as_by_the_regex(
    synonyms: dict[str, str], tokens: list[str]
) -> None:
    # (``apply_joined`` skips texts where no variant can begin: no single-word variant, no
    # pair of words that begins a longer one.)
    pattern = _synonym_regex(synonyms)
    joined = " ".join(tokens)
    expected = pattern.sub(lambda m: synonyms[m.group(0)], joined) if pattern else joined
    assert SynonymTable(synonyms).apply_joined(joined) == expected


@given(
    st.dictionaries(
        st.lists(st.sampled_from([*SYNONYM_WORDS, "a-b"]), min_size=1, max_size=4).map(" ".join),
        st.lists(st.sampled_from([*SYNONYM_WORDS, "", " ", "a  b"]), max_size=2).map(" ".join),
        max_size=8,
    ),
    st.lists(st.sampled_from(SYNONYM_WORDS), max_size=12),
)
def test_synonyms_applied_to_plain_words_give_the_words_of_the_regex(
    synonyms: dict[str, str], tokens: list[str]
) -> None:
    table = SynonymTable(synonyms)
    if not table.usable:  # (the regex only: ``scored_joined`` does not ask then)
        return
    pattern = _synonym_regex(synonyms)
    joined = " ".join(tokens)
    expected = pattern.sub(lambda m: synonyms[m.group(0)], joined) if pattern else joined
    assert table.applied_words(tokens) == expected.split()


def test_the_real_synonyms_are_applied_to_every_phrasing_as_by_the_regex() -> None:
    analyser = TermAnalyser(KB)
    pattern = _synonym_regex(KB.synonyms)
    assert pattern is not None
    for text in _texts(KB):
        joined = joined_words(text)
        expected = pattern.sub(lambda m: KB.synonyms[m.group(0)], joined)
        assert analyser._synonym_table.apply_joined(joined) in (expected, None)


@given(st.one_of(ASCII_TEXT, st.text(max_size=40)))
def test_joined_words_are_the_words_joined(text: str) -> None:
    assert joined_words(text) == " ".join(words(text))


def test_scored_terms_are_the_terms_without_the_plurals_traces() -> None:
    kbs = [KB, replace(KB, synonyms={**KB.synonyms, "hip  flexor": "hips"})]  # the regex only
    texts = [*_texts(KB), "stretches for the hip flexors", "don't stretch", "psoas' fault"]
    for kb in kbs:
        analyser = TermAnalyser(kb)
        expected = [
            [t for t in analyser.finish_joined(joined_words(text)) if not t.endswith("+pl")]
            for text in texts
        ]
        assert [analyser.scored_joined(joined_words(text)) for text in texts] == expected
        with analyser.remembering():
            for _ in range(2):  # words met for the first time, then known
                got = [analyser.scored_joined(joined_words(text)) for text in texts]
                assert got == expected


def _word_sets_one_by_one(
    texts: list[str], contractions: dict[str, tuple[str, ...]]
) -> list[set[str]]:
    return [set(plain_words(text, contractions)) for text in texts]


# Phrasings of every kind a batch must tell apart: plain ones, and those read alone (not ASCII,
# an apostrophe, a digit, a question mark, a NUL), with commas, marks, capitals and contractions.
PIECES = ["ab", "cant", "fevr", "Dont", "hip", ",", ".", ";", "?", "'s", "0", "\x00", "é", "İ", "-"]
PHRASING = st.one_of(
    ASCII_TEXT,
    st.lists(st.sampled_from([*PIECES, "no", "\n", "\t"]), max_size=8).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
)


@given(st.lists(PHRASING, max_size=12), st.integers(min_value=1, max_value=5))
def test_phrasings_read_in_batches_have_the_words_read_one_by_one(
    texts: list[str], size: int
) -> None:
    import bot.core.safety.known_words as known_words

    contractions = {**CONTRACTIONS, "dont": ("do", "not"), "ab": ()}  # () keeps the word
    batch = known_words._BATCH
    known_words._BATCH = size  # batches of every size, the last one short
    try:
        known, frequency = knowledge_words(texts, [], contractions)
    finally:
        known_words._BATCH = batch
    sets = _word_sets_one_by_one(texts, contractions)
    assert known_words._word_sets(texts, contractions) == sets
    assert known == set().union(*sets)
    assert frequency == {
        word: sum(word in words for words in sets) / len(sets) for word in set().union(*sets)
    }


def test_the_collector_is_paused_while_a_base_is_loaded_and_analysed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from bot.core.answering.answerer import Answerer
    from bot.core.knowledge.entries import load_entry

    seen: list[tuple[str, bool]] = []

    def watching(name: str, build: Callable[..., object]) -> Callable[..., object]:
        def watched(*args: object, **kwargs: object) -> object:
            seen.append((name, gc.isenabled()))
            return build(*args, **kwargs)

        return watched

    monkeypatch.setattr("bot.core.knowledge.loader.load_entry", watching("entry", load_entry))
    monkeypatch.setattr("bot.core.answering.answerer.Matcher", watching("matcher", Matcher))
    monkeypatch.setattr(
        "bot.core.answering.answerer.Interpreter", watching("interpreter", Interpreter)
    )
    was = gc.isenabled()
    try:
        for collecting in (True, False):  # and as it was afterwards, on or off
            (gc.enable if collecting else gc.disable)()
            Answerer(load_knowledge(ROOT / "knowledge"))
            assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()
    assert {name for name, _ in seen} == {"entry", "matcher", "interpreter"}
    assert not any(enabled for _, enabled in seen)


def test_what_was_built_goes_to_the_collectors_oldest_generation() -> None:
    import gc

    from bot.core.answering.answerer import Answerer

    was = gc.isenabled()
    gc.enable()
    gc.unfreeze()  # (what a test of the start-up cache froze: then nothing would be moved)
    try:
        answerer = Answerer(KB)
        oldest = gc.get_objects(generation=2)
        assert any(found is answerer.matcher for found in oldest)
        assert any(found is answerer.interpreter for found in oldest)
        assert gc.get_freeze_count() == 0
    finally:
        (gc.enable if was else gc.disable)()


def test_objects_frozen_before_a_build_stay_frozen() -> None:
    import gc

    from bot.core.answering.answerer import Answerer

    was = gc.isenabled()
    gc.enable()
    gc.freeze()  # as ``build_answerer`` leaves the bot's base
    try:
        frozen = gc.get_freeze_count()
        Answerer(KB)
        assert 0 < gc.get_freeze_count() <= frozen  # (some frozen then were freed since)
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()


def _scope_state(interpreter: Interpreter) -> dict[str, object]:
    scope = vars(interpreter._scope)
    return {name: value for name, value in scope.items() if not callable(value)}


def test_the_titles_and_keywords_terms_handed_to_the_interpreter_are_their_analyses() -> None:
    kbs = [KB, replace(KB, synonyms={**KB.synonyms, "hip  flexor": "hips"})]  # the regex only
    for kb in kbs:
        matcher = Matcher(kb)
        known = matcher.take_base_terms()
        assert set(known) == {t for e in kb.entries.values() for t in (e.title, *e.keywords)}
        assert known == {text: matcher.analyse(text)[0] for text in known}
        assert matcher.take_base_terms() == {}  # handed over once, then dropped
        seeded = Interpreter(kb, Matcher(kb))
        plain = Interpreter(kb, matcher)  # nothing left to hand over: every phrase analysed
        assert _scope_state(seeded) == _scope_state(plain)
        for name, value in _scope_state(seeded).items():
            if isinstance(value, dict):  # in the same order too
                assert list(value.items()) == list(_scope_state(plain)[name].items())  # type: ignore[attr-defined]
