"""``/exercise NAME``: real names, partial names and typos find the exercise; anything else
says there is no such exercise (issue #11: "/exercise foo" opened the Hip flexor stretch)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.answering.answerer import Answerer
from bot.core.knowledge import KnowledgeBase, fill, load_knowledge
from bot.core.replies import ReplyKind

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


@pytest.mark.parametrize(
    ("name", "entry_id"),
    [
        ("pigeon", "pigeon-pose"),
        ("Pigeon Pose", "pigeon-pose"),
        ("the pigeon", "pigeon-pose"),
        ("pige", "pigeon-pose"),  # a clear start of the word
        ("bridge", "bridge-pose"),
        ("brige", "bridge-pose"),  # a typo
        ("birdge", "bridge-pose"),
        ("glute bridge", "bridge-pose"),  # a keyword that names the exercise
        ("bridge pose please", "bridge-pose"),
        ("hip flexor", "hip-flexor-stretch"),
        ("hip-flexor-stretch", "hip-flexor-stretch"),
        ("kneeling", "hip-flexor-stretch"),
        ("lunge", "hip-flexor-stretch"),
    ],
)
def test_names_partial_names_and_typos_find_the_exercise(
    kb: KnowledgeBase, name: str, entry_id: str
) -> None:
    found = kb.find_exercise(name)
    assert found is not None and found.id == entry_id


@pytest.mark.parametrize(
    "name",
    [
        "foo",
        "squat",
        "plank",  # a keyword of pigeon pose (it starts from a plank), not its name
        "wrist",
        "handstand",
        "push up",
        "x",
        "!!!",
        "pose",  # both pigeon pose and bridge pose: names neither
        "stretch",
    ],
)
def test_other_names_find_nothing(kb: KnowledgeBase, name: str) -> None:
    assert kb.find_exercise(name) is None


def test_an_unknown_name_says_so_with_the_exercises_as_buttons(kb: KnowledgeBase) -> None:
    answerer = Answerer(kb)
    reply = answerer.exercise("foo")
    assert reply.kind is ReplyKind.INFO and reply.entry_id is None
    assert reply.html == fill(kb.texts["unknown_exercise"], name="foo")
    assert reply.buttons == answerer.exercises().buttons
