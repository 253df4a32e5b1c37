"""The hot path's shortcuts give the same results as the plain code they replace."""

from __future__ import annotations

import heapq
import math
import random
import re
import string
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path

import pycld2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.answering import question_reading
from bot.core.answering.answerer import Answerer
from bot.core.answering.context import Conversation
from bot.core.answering.index import EntryPostings, PhraseFinder, PhrasingScorer, SynonymTable
from bot.core.answering.language import ENGLISH, _latin, looks_english
from bot.core.answering.match_result import Match
from bot.core.answering.matching import Matcher
from bot.core.answering.term_analysis import _synonym_regex
from bot.core.knowledge import load_knowledge
from bot.core.normalise import (
    _BARE_NEGATIONS,
    _CONTRACTIONS,
    _QUOTES,
    emoji_as_words,
    expand_contractions,
    fold,
    fold_unicode,
    is_stopword,
    words,
)
from bot.core.safety import Screen
from bot.core.safety.patterns import Document
from bot.core.safety.tokens import (
    _DECIMAL_COMMA,
    _SENTENCES,
    _TOKEN,
    FRAGMENT_WORDS,
    NOT_FRAGMENT,
    Tokens,
    _expand,
    answered_checklist,
    tokenise,
)
from bot.core.safety.tokens import fold as safety_fold
from bot.tools.evaluation import load_probes


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_the_ascii_shortcut_of_fold_folds_as_the_general_path(text: str) -> None:
    assert fold(text) == fold_unicode(text)


def _fold_char_by_char(text: str) -> str:
    """``fold_unicode`` as it was: every character looked at in Python (the emoji read as words
    first, as ``fold_unicode`` does: "🍑" is "bum")."""
    text = unicodedata.normalize("NFKC", emoji_as_words(text)).translate(_QUOTES).lower()
    kept = []
    for char in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(char)
        if category == "Mn":
            continue
        if category[0] in "LN" or char in "'-":
            kept.append(char)
        elif char.isspace() or category[0] in "PSZC":
            kept.append(" ")
    return re.sub(r"\s+", " ", "".join(kept)).strip()


@given(st.text(max_size=80))
def test_fold_looks_at_non_ascii_characters_alone_and_folds_as_before(text: str) -> None:
    assert fold_unicode(text) == _fold_char_by_char(text)
    mixed = f"Ça va • I can’t feel my LEGS 💪 {text} naïve café\u00a0x"
    assert fold_unicode(mixed) == _fold_char_by_char(mixed)


def _looks_english_before(text: str, known: Callable[[str], bool]) -> bool:
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return True
    latin = sum(1 for char in letters if char.isascii() or _latin(char))
    if latin / len(letters) < 0.5:
        return False
    tokens = words(text)
    if 2 * sum(1 for token in tokens if known(token)) >= len(tokens):
        return True
    try:
        reliable, _, found = pycld2.detect(text)
        if reliable:
            return bool(found[0][1] in ENGLISH)
        _, _, guessed = pycld2.detect(text, bestEffort=True)
    except pycld2.error:
        return True
    return guessed[0][1] in ENGLISH or any(is_stopword(t) or known(t) for t in tokens)


@given(st.text(max_size=60))
def test_the_script_check_counts_letters_as_before(text: str) -> None:
    for sample in (text, f"hello {text}", f"привет мир {text}", f"{text} 背中が痛い"):
        assert looks_english(sample) == _looks_english_before(sample, lambda word: False)


@given(st.text(alphabet=string.ascii_lowercase + " '", max_size=40))
def test_contractions_are_expanded_as_before(text: str) -> None:
    # The shortcut skips texts with no apostrophe and no "cannot": nothing to expand there.
    slow = text
    for bare, long in _BARE_NEGATIONS.items():  # "dont" -> "do not", as a whole word
        slow = re.sub(rf"\b{bare}\b", long, slow)
    for short, long in _CONTRACTIONS.items():
        if not short.startswith(("'", "n'")):
            slow = re.sub(rf"\b{re.escape(short)}\b", long, slow)
    for short, long in _CONTRACTIONS.items():  # a suffix only where a word ends with it
        if short.startswith(("'", "n'")):
            slow = re.sub(rf"(?<=[a-z0-9]){re.escape(short)}(?![a-z])", long, slow)
    assert expand_contractions(text) == slow


def test_a_quote_mark_before_a_word_is_no_contraction() -> None:
    """ "'release your hips'" is a quotation: its "'re" is no "are", nor "'s" of "'stretch" an
    "is", nor "'d" of "'do" a "would"."""
    assert expand_contractions("she said 'release' then 'stretch', 'do it'") == (
        "she said 'release' then 'stretch', 'do it'"
    )
    assert (
        expand_contractions("they're sure it's what i'd do") == "they are sure it what i would do"
    )


TERMS = [f"t{n}" for n in range(12)]
SALIENCE = st.sampled_from([0.35, 0.5, 0.675, 1.0])  # few values: many ties, the hard case


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # numpy's first import
@given(
    st.lists(st.dictionaries(st.sampled_from(TERMS), SALIENCE, max_size=6), max_size=60),
    st.lists(st.sampled_from(TERMS), max_size=8, unique=True),
    st.sampled_from([0.6, 1.0, 2.5, 0.35]),
    st.integers(min_value=1, max_value=30),
)
def test_the_numpy_pool_is_the_dictionary_pool(
    saliences: list[dict[str, float]], terms: list[str], weight: float, size: int
) -> None:
    # Same entries, same order (ties: the entry reached first), same overlaps to the bit.
    by_entry = {f"e{n}": found for n, found in enumerate(saliences)}
    weights = {term: weight * (1 + number % 3) for number, term in enumerate(terms)}
    plain = EntryPostings(by_entry, vectorised=False).pool(terms, weights, size)
    arrays = EntryPostings(by_entry, vectorised=True).pool(terms, weights, size)
    assert arrays == plain


@given(
    st.lists(st.frozensets(st.sampled_from(TERMS), min_size=1, max_size=5), max_size=30),
    st.lists(st.sampled_from(TERMS), min_size=1, max_size=8, unique=True),
)
def test_the_phrasing_scorer_ranks_as_intersecting_every_phrasing(
    phrasings: list[frozenset[str]], terms: list[str]
) -> None:
    weights = {term: 1.0 + number for number, term in enumerate(terms)}
    total = sum(weights.values())
    rows = [(p, float(len(p)), f"p{n}") for n, p in enumerate(phrasings)]
    scorer = PhrasingScorer({"e": rows})
    expected = []
    for number, (own, weight, _) in enumerate(rows):
        shared = frozenset(terms) & own
        if shared:
            cosine = min(1.0, sum(weights[t] for t in shared) / (total * weight) ** 0.5)
            expected.append((cosine, number))
    expected.sort(key=lambda pair: pair[0], reverse=True)
    found = scorer.best("e", weights, total, 5)
    assert [n for _, n in found] == [n for _, n in expected[:5]]
    assert all(abs(a - b) < 1e-12 for (a, _), (b, _) in zip(found, expected, strict=False))


MANY = [f"m{n}" for n in range(40)]


def _best_walking_every_term(
    rows: list[tuple[frozenset[str], float, str]],
    weights: dict[str, float],
    total: float,
    limit: int,
    exclude: str | None,
) -> list[tuple[float, int]]:
    """``PhrasingScorer.best`` as it was: every term of the message walked, in its order."""
    shared = [0.0] * len(rows)
    for term, weight in weights.items():
        for number, (terms, _, _) in enumerate(rows):
            if term in terms:
                shared[number] += weight
    scored = [
        (-min(1.0, weight / math.sqrt(total * own)), number)
        for number, (weight, (_, own, text)) in enumerate(zip(shared, rows, strict=True))
        if weight and text != exclude
    ]
    return [(-cosine, number) for cosine, number in heapq.nsmallest(limit, scored)]


@given(
    st.lists(st.frozensets(st.sampled_from(MANY[:12]), min_size=1, max_size=6), max_size=40)
    | st.lists(st.frozensets(st.sampled_from(MANY), min_size=1, max_size=6), max_size=40),
    st.lists(st.sampled_from(MANY), min_size=1, max_size=40, unique=True),
    st.lists(
        st.sampled_from([0.0, 0.1, 0.35, 1.0, 2.5, 0.7000000000000001]), min_size=40, max_size=40
    ),
)
def test_long_messages_score_phrasings_exactly_as_walking_every_term(
    phrasings: list[frozenset[str]], terms: list[str], values: list[float]
) -> None:
    """Only the terms an entry's phrasings use are walked (one set intersection), in the
    message's order: the same floats (bit for bit), order and ties as walking every term."""
    weights = {term: values[number] for number, term in enumerate(terms)}
    total = sum(weights.values()) or 1.0
    rows = [(p, float(len(p)), f"p{n}") for n, p in enumerate(phrasings)]
    scorer = PhrasingScorer({"e": rows})
    expected = _best_walking_every_term(rows, weights, total, 7, "p3")
    assert scorer.best("e", weights, total, 7, exclude="p3") == expected
    places = {term: number for number, term in enumerate(weights)}
    assert scorer.best("e", weights, total, 7, "p3", places) == expected
    # Without an exclusion, only the phrasings that can be among the first few get a cosine.
    for limit in (1, 3, 7):
        expected = _best_walking_every_term(rows, weights, total, limit, None)
        assert scorer.best("e", weights, total, limit, None, places) == expected


WORDS = ["hip", "flexor", "flexors", "tight", "stretch", "a", "b", "ab", "how", "often"]
VARIANT_WORDS = [*WORDS, "push-up", "a-b"]  # hyphens: never in words, so never found


@given(
    st.dictionaries(
        st.lists(st.sampled_from(VARIANT_WORDS), min_size=1, max_size=3).map(" ".join),
        st.lists(st.sampled_from(WORDS), max_size=2).map(" ".join),
        max_size=8,
    ),
    st.lists(st.sampled_from(WORDS), max_size=12),
)
def test_the_synonym_table_replaces_as_the_regex(
    synonyms: dict[str, str], tokens: list[str]
) -> None:
    pattern = _synonym_regex(synonyms)
    joined = " ".join(tokens)
    expected = pattern.sub(lambda m: synonyms[m.group(0)], joined) if pattern else joined
    table = SynonymTable(synonyms)
    assert table.applies_to(tokens)
    assert table.apply(tokens) == expected


FEW_WORDS = ["hip", "flexor", "tight", "a"]  # few: phrases often start at the same word


@given(
    st.lists(
        st.lists(st.sampled_from([*FEW_WORDS, "push-up"]), min_size=1, max_size=3).map(" ".join),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.sampled_from([*FEW_WORDS, "don't", "x,"]), max_size=12).map(" ".join),
)
def test_the_phrase_finder_finds_as_the_regex(phrases: list[str], text: str) -> None:
    """Word lookups where the text is plain words, the regex elsewhere ("don't", "x,"): the
    same phrases, at the same places, either way."""
    finder = PhraseFinder(phrases)
    pattern = finder.pattern
    every, start = [], 0
    while (found := pattern.search(text, start)) is not None:
        every.append(found.span())
        start = found.start() + 1
    assert finder.every_start(text) == every
    assert finder.separate(text) == [found.span() for found in pattern.finditer(text)]
    assert finder.replaced(text, " ") == pattern.sub(" ", text)


def test_the_phrase_finder_takes_the_longest_phrase_at_a_word() -> None:
    finder = PhraseFinder(["hip", "hip flexor", "flexor"])
    assert finder.every_start("tight hip flexor") == [(6, 16), (10, 16)]
    assert finder.separate("tight hip flexor") == [(6, 16)]
    assert finder.replaced("tight hip flexor now", " ") == "tight   now"


def test_the_synonym_table_leaves_apostrophes_to_the_regex() -> None:
    assert not SynonymTable({"hip": "hips"}).applies_to(["don't", "hip"])
    assert not SynonymTable({" hip": "hip flexor"}).applies_to(["hip"])


def _tokenise_by_patterns(text: str, contractions: Mapping[str, tuple[str, ...]]) -> Tokens:
    """``tokenise`` as it was: ``_SENTENCES`` splits, ``_TOKEN`` finds every token (after the
    same rewrite of a checklist answered no); a fragment of a word or two, unless it or the
    sentence before it starts with a negation, is part of the sentence before it; a sentence
    whose marks hold a question mark asks."""
    words: list[str] = []
    sentences: list[int] = []
    asking: set[int] = set()
    number = 0
    opening = ""
    folded = _DECIMAL_COMMA.sub(".", answered_checklist(safety_fold(text)))
    ends = _SENTENCES.findall(folded)
    for index, part in enumerate(_SENTENCES.split(folded)):
        raw = _TOKEN.findall(part)
        found = [w for t in raw for w in (_expand(t, contractions) or (t,))]
        if found:
            short = len([t for t in raw if t != ","]) <= FRAGMENT_WORDS
            first = next((t for t in raw if t != ","), "")
            if number > 0 and short and NOT_FRAGMENT.isdisjoint((first, opening)):
                number -= 1
            opening = first
            words.extend(found)
            sentences.extend([number] * len(found))
            if index < len(ends) and "?" in ends[index]:
                asking.add(number)
            number += 1
    return Tokens(tuple(words), tuple(sentences), frozenset(asking))


_TRICKY = [
    *"ab1 ,.!?;\n\t'’-",
    *("can't", "cant", " 38,5 ", "1,2,3", "..5", "5.5.", "3rd", "'hip'"),
    *("fever? no", "? nope.", "? yes, "),
]
_CONTRACTIONS_USED = {"cant": ("can", "not"), "can't": ("can", "not"), "im": ("i", "am")}


@settings(max_examples=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_TRICKY), max_size=40).map("".join) | st.text(max_size=60))
def test_the_tokeniser_splits_as_its_patterns(text: str) -> None:
    """Words split by ``str.split`` after one ``translate``, marks as line breaks, quotes and
    marks before digits made spaces: the same words and sentences as the patterns give."""
    assert tokenise(text, _CONTRACTIONS_USED) == _tokenise_by_patterns(text, _CONTRACTIONS_USED)


def test_the_tokeniser_reads_quotes_lists_and_decimals_as_its_patterns() -> None:
    for text in [
        "my physio said 'hip flexors' again. the list:\n1. hold it\n2. stop",
        "temp 38,5 and 38.5! 100km, 3rd time; can't pee",
        "''a'b'' c'",
    ]:
        assert tokenise(text, _CONTRACTIONS_USED) == _tokenise_by_patterns(text, _CONTRACTIONS_USED)


ROOT = Path(__file__).resolve().parent.parent
_SCREEN: list[Screen] = []  # built once (the real red-flag rules): hypothesis calls often


def _screen() -> Screen:
    if not _SCREEN:
        _SCREEN.append(Screen.for_knowledge(load_knowledge(ROOT / "knowledge")))
    return _SCREEN[0]


def _positions_filtered(document: Document, wanted: set[int]) -> dict[str, list[int]]:
    """``Document.within`` as it was: every key's positions filtered by sentence."""
    of = document.tokens.sentences
    kept = {k: [p for p in where if of[p] in wanted] for k, where in document.positions.items()}
    return {k: p for k, p in kept.items() if p}


_STORY = [
    "i cant pee since yesterday",
    "my dad had numbness in his saddle area",
    "no fever",
    "hip flexors feel tight",
    "I fell off a ladder",
    "numbness, tingling and weakness in both legs",
    "bladder control is fine",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_STORY), min_size=1, max_size=8),
    st.sets(st.integers(0, 8)),
    st.sets(st.integers(0, 8)),
)
def test_a_part_of_a_message_has_the_positions_filtering_gives(
    sentences: list[str], first: set[int], then: set[int]
) -> None:
    """A message seen in some sentences is built from those sentences' words; seen again in
    fewer, from its own positions: both as filtering every key's positions gives."""
    document = _screen().read(". ".join(sentences))
    part = document.within(first)
    assert part.positions == _positions_filtered(document, first)
    assert part.within(then).positions == _positions_filtered(document, first & then)


def test_the_best_alone_is_the_best_of_the_top_five() -> None:
    """Asked only for the best, the matcher skips entries that cannot reach it (their most
    possible score below it): the same best candidate and band as when it scores them all."""
    kb = load_knowledge(ROOT / "knowledge")
    matcher = Matcher(kb)
    texts = [p.text for entry in kb.entries.values() for p in entry.questions]
    texts += [entry.answer for entry in kb.entries.values()]
    rng = random.Random(7)
    several = 0
    for _ in range(300):
        parts = tuple(
            (rng.choice(texts), rng.choice((0.35, 0.6, 1.0))) for _ in range(rng.randrange(1, 6))
        )
        alone = matcher.match_parts(parts, limit=1)
        all_five = matcher.match_parts(parts, limit=5)
        assert alone.candidates[:1] == all_five.candidates[:1]
        assert alone.band == all_five.band
        assert alone.terms == all_five.terms  # (what ``Confidence.solid`` reads of a match besides)
        several += len(all_five.candidates) > 1
    assert several > 200  # the comparison saw pools of several entries


def test_matches_are_remembered_within_one_message_only() -> None:
    """While one message is read, asking again for the same match (or canonical form) gives
    the one already made, equal to a fresh one; afterwards nothing is kept."""
    kb = load_knowledge(ROOT / "knowledge")
    matcher = Matcher(kb)
    parts = (("how long should i hold the pigeon pose", 1.0), ("i sit all day", 0.35))
    fresh = matcher.match_parts(parts)
    assert matcher.match_parts(parts) is not fresh  # outside a message: computed again
    with matcher.one_message():
        first = matcher.match_parts(iter(parts))
        assert first == fresh
        assert matcher.match_parts(parts) is first
        assert matcher.match_parts(parts, limit=1) is not first  # another question
        assert matcher.canonical("how frequently") is matcher.canonical("how frequently")
        with matcher.one_message():  # nested: the outer message's memory
            assert matcher.match_parts(parts) is first
        assert matcher.match_parts(parts) is first
    assert matcher.match_parts(parts) is not first


def test_the_best_reaching_a_floor_is_the_best_alone_when_it_does() -> None:
    """Asked only for a best that reaches a score, the matcher skips entries that cannot: it
    gives the best alone when that reaches the floor, and nothing when it does not."""
    kb = load_knowledge(ROOT / "knowledge")
    matcher = Matcher(kb)
    texts = [p.text for entry in kb.entries.values() for p in entry.questions]
    texts += [entry.answer for entry in kb.entries.values()]
    rng = random.Random(11)
    reached = missed = 0
    for _ in range(300):
        parts = tuple(
            (rng.choice(texts), rng.choice((0.35, 0.6, 1.0))) for _ in range(rng.randrange(1, 7))
        )
        floor = rng.choice((matcher.unsure, matcher.confident, 65.0, 80.0))
        alone = matcher.match_parts(parts, limit=1).best
        found = matcher.best_reaching(parts, floor)
        if alone is not None and alone.score >= floor:
            assert found == alone
            reached += 1
        else:
            assert found is None
            missed += 1
    assert reached > 30 and missed > 30  # both sides were seen


def test_the_best_asked_alone_is_the_best_of_the_whole_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the interpreter asks only for the best of a question's match (a question in a
    conversation that another entry may have almost word for word), it gets the best, band
    and terms of the whole match (all ``Confidence.solid`` reads), and so the same readings: each
    question and long message of the regression sets, read fresh and after entries as the
    topic. (A matcher that pruned one entry too many fails it.)"""
    kb = load_knowledge(ROOT / "knowledge")
    texts = [
        p.text
        for path in sorted((ROOT / "benchmarks" / "regression").glob("*.yaml"))
        for p in load_probes(path)[0]
    ]
    rng = random.Random(5)
    texts = rng.sample(texts, 200)
    stories = [t for t in texts if len(t) >= 60]
    texts += [" ".join(rng.sample(stories, 3)) for _ in range(40)]
    topics = [None, *kb.entries]
    asked = [(text, rng.choice(topics)) for text in texts for _ in range(4)]
    compared = []
    original = question_reading._Lazy.first

    def checked(self: question_reading._Lazy) -> Match:
        first = original(self)
        whole = self._make()
        assert (first.best, first.band, first.terms) == (whole.best, whole.band, whole.terms)
        compared.append(
            first.best is not None and first.best.similarity >= question_reading.PHRASED
        )
        return first

    monkeypatch.setattr(question_reading._Lazy, "first", checked)
    interpreter = Answerer(kb).interpreter
    for text, topic in asked:
        interpreter.read(text, Conversation(topic=topic) if topic else None)
    assert len(compared) > 50 and sum(compared) > 10  # often asked, and often phrased alike


def test_the_terms_of_a_text_are_those_of_its_match() -> None:
    """``Matcher.terms`` gives what a match of the text alone has as its terms, without the
    match: for every phrasing and answer of the knowledge base and the regression questions."""
    kb = load_knowledge(ROOT / "knowledge")
    matcher = Matcher(kb)
    texts = [p.text for entry in kb.entries.values() for p in entry.questions]
    texts += [entry.answer for entry in kb.entries.values()]
    texts += [
        p.text
        for path in sorted((ROOT / "benchmarks" / "regression").glob("*.yaml"))
        for p in load_probes(path)[0]
    ]
    texts += ["", "42", "stretches stretches stretch", "hip flexers?? 🙏"]
    for text in texts:
        assert matcher.terms(text) == matcher.match(text).terms, text


def test_a_question_the_matcher_cannot_place_confidently_is_no_answer_without_context() -> None:
    """``_may_answer`` (a long message's question read again with a name for its pronoun is
    not read in full when it says no): every question of the regression sets it says no to,
    read with no context, is neither an answer nor a detail; and it says both."""
    kb = load_knowledge(ROOT / "knowledge")
    interpreter = Answerer(kb).interpreter
    texts = [
        p.text
        for path in sorted((ROOT / "benchmarks" / "regression").glob("*.yaml"))
        for p in load_probes(path)[0]
    ]
    said = {True: 0, False: 0}
    for text in texts:
        with interpreter.matcher.one_message():
            may = interpreter._may_answer(text)
            reading = interpreter._questions.read(text, None, ())
        said[may] += 1
        if not may:
            assert reading.kind not in {"answer", "detail"}, text
    assert said[True] > 100 and said[False] > 100
