"""The per-message reading budget keeps the question and bounds the rest."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.answering.budget import MAX_SENTENCE_WORDS, STORY_WORDS, bounded, story_window
from bot.core.answering.matching import Matcher
from bot.core.answering.understanding import Interpreter
from bot.core.knowledge import load_knowledge
from tests.test_knowledge import KNOWLEDGE


def test_a_sentence_of_ordinary_length_is_kept_as_it_is() -> None:
    sentences = ["I sit all day.", "What stretches help my hip flexors?"]
    assert bounded(sentences) == sentences


def test_a_run_of_words_is_cut_from_its_end_so_the_last_piece_ends_the_message() -> None:
    words = [f"w{n}" for n in range(2 * MAX_SENTENCE_WORDS + 5)] + ["pigeon", "pose?"]
    pieces = bounded([" ".join(words)])
    assert [len(p.split()) for p in pieces] == [7, MAX_SENTENCE_WORDS, MAX_SENTENCE_WORDS]
    assert pieces[-1].endswith("pigeon pose?")
    assert " ".join(pieces) == " ".join(words)


def test_the_story_is_read_nearest_first_within_its_word_budget() -> None:
    long = " ".join(["word"] * (STORY_WORDS // 3))
    sentences = [long, long, long, "the question?", "short after."]
    # Nearest first: the one just before, the one just after, then the second before; the
    # third before no longer fits.
    assert story_window(sentences, 3, 6, 2) == [1, 2, 3, 4]
    short = ["a b.", "c d.", "question?", "e."]
    assert story_window(short, 2, 6, 2) == [0, 1, 2, 3]


def test_a_message_with_no_full_stop_is_read_by_its_last_words() -> None:
    kb = load_knowledge(KNOWLEDGE)
    reader = Interpreter(kb, Matcher(kb))
    story = "i have been sitting at a desk for years and my back is sore most evenings " * 30
    reading = reader.read(story + "how do i do pigeon pose")
    assert reading.kind == "answer" and reading.entry_id == "pigeon-pose"
    assert any("how do i do pigeon pose" in note for note in reading.notes)


def _bounded_by_splitting(sentences: list[str]) -> list[str]:
    """``bounded`` as it was written first: every sentence split into its words."""
    found: list[str] = []
    for sentence in sentences:
        words = sentence.split()
        if len(words) <= MAX_SENTENCE_WORDS:
            found.append(sentence)
            continue
        head = len(words) % MAX_SENTENCE_WORDS
        if head:
            found.append(" ".join(words[:head]))
        found.extend(
            " ".join(words[start : start + MAX_SENTENCE_WORDS])
            for start in range(head, len(words), MAX_SENTENCE_WORDS)
        )
    return found


_WORDS = st.lists(st.sampled_from(["a", "hip", "x", " ", "  ", "\t", "flexors"]), max_size=400)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS.map(" ".join), max_size=4))
def test_short_sentences_are_kept_without_splitting_as_splitting_them_would(
    sentences: list[str],
) -> None:
    """A sentence too short to hold more than the limit's words is kept unsplit: the same
    pieces as splitting every sentence gives, around the limit too."""
    assert bounded(sentences) == _bounded_by_splitting(sentences)
