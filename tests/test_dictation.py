"""Punctuation said aloud: dictated messages read as typed ones."""

from __future__ import annotations

from pathlib import Path

from bot.core.answering.answerer import Answerer
from bot.core.answering.dictation import SpokenMarks
from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.core.replies import ReplyKind
from tests.e2e import real_knowledge
from tests.kb_factory import write_kb

MARKS = {"full stop": ".", "question mark": "?", "comma": ","}


def test_the_words_that_say_a_mark_become_the_mark() -> None:
    spoken = SpokenMarks(MARKS)
    assert spoken("it hurts full stop how do i stop it question mark") == (
        "it hurts. how do i stop it?"
    )
    assert spoken("Hello Comma is it Full  Stop") == "Hello, is it."


def test_the_words_naming_a_mark_stay_words() -> None:
    spoken = SpokenMarks(MARKS)
    # "bent like a question mark": the shape, not the end of a question
    assert spoken("I'm bent like a question mark for a bit") == (
        "I'm bent like a question mark for a bit"
    )
    assert spoken("a full stop on my plans") == "a full stop on my plans"
    assert spoken("no marks at all") == "no marks at all"
    assert SpokenMarks({})("full stop") == "full stop"


def test_a_dictated_question_after_its_story_is_answered() -> None:
    answerer = Answerer(real_knowledge())
    dictated = (
        "does sitting for hours make your hip flexors tight question mark i drive a lot to "
        "see the grandchildren four hours each way on the motorway and when i climb out at "
        "the services i am bent double full stop 70 next birthday"
    )
    reply = answerer.answer(dictated).reply
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == "sitting-and-hip-flexors"


def test_spoken_punctuation_is_read_from_the_vocabulary(tmp_path: Path) -> None:
    vocabulary = 'spoken_punctuation:\n  ".": [full stop, Fullstop]\n  "?": [question mark]\n'
    kb = load_knowledge(write_kb(tmp_path / "kb", {"_vocabulary.yaml": vocabulary}))
    assert kb.spoken_marks == {"full stop": ".", "fullstop": ".", "question mark": "?"}


def test_a_spoken_mark_that_is_no_mark_is_a_clear_problem(tmp_path: Path) -> None:
    vocabulary = "spoken_punctuation:\n  stop: [full stop]\n"
    try:
        load_knowledge(write_kb(tmp_path / "kb", {"_vocabulary.yaml": vocabulary}))
    except KnowledgeError as error:
        text = str(error)
    else:
        raise AssertionError("a mark that is a word was accepted")
    assert "'stop' under 'spoken_punctuation' is not a punctuation mark" in text
