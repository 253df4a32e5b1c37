"""Checking the maintainers' question files in ``knowledge/tests/`` before eval and CI read them.

A question file is a list of ``- question: ...`` items with ``expect:`` an entry id, ``fallback``
or ``urgent``; a misspelt id there would make a test that can never pass, or silently test
nothing. Other files in that folder (red-flag lists, conversations, ...) have shapes this module
does not know: each is reported once as not checked, never as an error, and never crashes it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

import yaml
from rapidfuzz import process

from bot.core.knowledge.problems import Problem
from bot.core.knowledge.yaml_reader import Reader, compose, trap_kind

__all__ = ["EXPECT_WORDS", "QuestionFiles", "check_question_files"]

EXPECT_WORDS = ("fallback", "urgent")
ITEM_FIELDS = ("question", "expect")


@dataclass
class QuestionFiles:
    """What the check of ``tests/`` found."""

    problems: list[Problem] = field(default_factory=list)
    not_checked: list[Problem] = field(default_factory=list)  # files of an unknown shape
    questions: int = 0


# The red-flag tests (checked and run by bot.tools.red_flag_check): this file, and any more of
# them beside it, run together with it.
RED_FLAG_TESTS = "red_flags.yaml"
MORE_RED_FLAG_TESTS = "red_flags_*.yaml"


def check_question_files(directory: Path, ids: Collection[str]) -> QuestionFiles:
    """Check every ``tests/*.yaml`` of a knowledge folder against the entry ids ``ids``."""
    found = QuestionFiles()
    folder = directory / "tests"
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    for path in paths:
        if path.name == RED_FLAG_TESTS or fnmatch(path.name, MORE_RED_FLAG_TESTS):
            continue  # must-alarm / must-not-alarm tests: run by the red-flag check
        reader = Reader(_label(path, directory))
        root = compose(path, reader.file, reader)
        if isinstance(root, yaml.SequenceNode) and _is_question_list(root):
            found.questions += _check_questions(root, reader, ids)
        elif root is not None:
            found.not_checked.append(
                Problem(
                    reader.file,
                    None,
                    "not checked: kb check knows question files (a list of '- question: ...' "
                    "with 'expect: ...'), and this file has another shape.",
                )
            )
        found.problems += reader.problems
    return found


def _label(path: Path, directory: Path) -> str:
    try:
        return str(path.relative_to(directory.parent))
    except ValueError:
        return str(path)


def _is_question_list(root: yaml.SequenceNode) -> bool:
    """A list in which some item has a ``question`` field: the shape eval reads."""
    return any(
        isinstance(item, yaml.MappingNode)
        and any(getattr(key, "value", None) == "question" for key, _ in item.value)
        for item in root.value
    )


def _check_questions(root: yaml.SequenceNode, reader: Reader, ids: Collection[str]) -> int:
    """Report every item that eval could not run as written; return how many items there are."""
    for number, item in enumerate(root.value, start=1):
        fields = (
            reader.mapping(item, f"item {number}") if _is_mapping(item, number, reader) else None
        )
        if fields is None:
            continue
        before = len(reader.problems)
        reader.unknown_fields(fields, ITEM_FIELDS)
        misspelt = len(reader.problems) > before  # 'expcet:' is one problem, not two
        for name in ITEM_FIELDS:
            node = fields.get(name)
            if node is None:
                if not misspelt:
                    reader.error(
                        item,
                        f"item {number} has no '{name}'.",
                        "write '- question: ...' and, under it, 'expect: <entry id>', "
                        "fallback or urgent.",
                        name,
                    )
                continue
            value = _text(node, name, reader)
            if name == "expect" and value and value not in ids and value not in EXPECT_WORDS:
                guess = process.extractOne(value, [*ids, *EXPECT_WORDS], score_cutoff=60)
                reader.error(
                    node,
                    f"'{value}' is not an entry id, fallback or urgent.",
                    f"did you mean '{guess[0]}'?"
                    if guess
                    else "write the id of an entry (its file name in entries/), fallback or "
                    "urgent.",
                    name,
                )
    return len(root.value)


def _is_mapping(item: yaml.Node, number: int, reader: Reader) -> bool:
    if isinstance(item, yaml.MappingNode):
        return True
    reader.error(
        item,
        f"item {number} is not a question with its 'expect'.",
        "write '- question: ...' and, under it, 'expect: <entry id>', fallback or urgent.",
    )
    return False


def _text(node: yaml.Node, name: str, reader: Reader) -> str:
    """A field as eval will read it: eval follows YAML 1.1, so an unquoted no is not text."""
    kind = trap_kind(node)
    if kind is not None:
        value = str(node.value)
        reader.error(
            node,
            f"'{value}' is not in quotes, so eval reads it as {kind}, not as this text.",
            f'write it in quotes: "{value}".',
            name,
        )
        return value
    return reader.text(node, name)
