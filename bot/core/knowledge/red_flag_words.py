"""Word patterns of the red-flag files, and ``red_flags/words.yaml`` (the word lists).

A pattern is a sequence of words, ``{lists}``, ``a|b`` alternatives and ``...`` gaps, never a
regular expression: it cannot backtrack and a maintainer cannot write a slow one. The lists of
``words.yaml`` are read first, because the patterns of the other files refer to them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import process

from bot.core.knowledge.model import PatternStep, WordPattern
from bot.core.knowledge.problems import Problem
from bot.core.knowledge.yaml_reader import Fields, Reader, compose

__all__ = [
    "DEFAULT_GAP",
    "ID",
    "MAX_GAP",
    "Words",
    "line",
    "load_words",
    "parse_pattern",
    "pattern_list",
    "root",
]

DEFAULT_GAP = 3  # words a bare '...' may skip
MAX_GAP = 12
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WORD = re.compile(r"^(?:[a-z]+|[0-9]+(?:\.[0-9]+)?\.?|,)\*?$")
_GAP = re.compile(r"^\.\.\.([0-9]+)?$")
_CONCEPT = re.compile(r"^\{([a-z0-9-]+)\}$")


@dataclass
class Words:
    """words.yaml, read first: the patterns in the other files refer to its lists."""

    names: dict[str, yaml.Node] = field(default_factory=dict)
    contractions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # "me" also read as "my" where a pattern says "my" ("me chest", "me back"): see words.yaml.
    reads_also: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # "{urine}|{poo}|go": alternatives that mix lists and words become a list of their own.
    mixed: dict[str, tuple[WordPattern, ...]] = field(default_factory=dict)


def parse_pattern(
    text: str,
    words: Words,
    reader: Reader,
    node: yaml.Node,
    key: str,
) -> WordPattern | None:
    """Read one pattern ("{cannot} pass {urine}", "numb* ...4 {saddle-area}"); None if invalid."""
    steps: list[PatternStep] = []
    gap: int | None = None
    parts = text.lower().split()
    if not parts:
        reader.error(node, "the pattern is empty.", "write some words, or remove the line.", key)
        return None
    for part in parts:
        gap_match = _GAP.match(part)
        if gap_match:
            size = int(gap_match.group(1)) if gap_match.group(1) else DEFAULT_GAP
            if not steps or gap is not None or not 1 <= size <= MAX_GAP:
                reader.error(
                    node,
                    f"the pattern '{text}' has '{part}' in a place it cannot be.",
                    f"'...' (up to {DEFAULT_GAP} words) or '...N' (N from 1 to {MAX_GAP}) goes "
                    "between two words, never at the start or twice in a row.",
                    key,
                )
                return None
            gap = size
            continue
        concept = _CONCEPT.match(part)
        if concept:
            name = concept.group(1)
            if name not in words.names:
                guess = process.extractOne(name, list(words.names), score_cutoff=75)
                hint = (
                    f"did you mean {{{guess[0]}}}?"
                    if guess
                    else "add the list under 'words:' in red_flags/words.yaml."
                )
                reader.error(
                    node, f"the pattern '{text}' uses an unknown list {{{name}}}.", hint, key
                )
                return None
            steps.append(PatternStep(concept=name, gap=gap or 0))
            gap = None
            continue
        choices = tuple(part.split("|"))
        if len(choices) > 1 and any(_CONCEPT.match(choice) for choice in choices):
            name = _mixed(part, choices, words, reader, node, key)
            if name is None:
                return None
            steps.append(PatternStep(concept=name, gap=gap or 0))
            gap = None
            continue
        for choice in choices:
            if "'" in choice or "’" in choice or choice in words.contractions:
                expanded = " ".join(words.contractions.get(choice.replace("’", "'"), ()))
                reader.error(
                    node,
                    f"the pattern '{text}' contains '{choice}'; messages are read with "
                    "contractions written out (can't -> can not, dont -> do not).",
                    f"write '{expanded}' instead." if expanded else "write the words out.",
                    key,
                )
                return None
            if not _WORD.match(choice) or (choice.endswith("*") and len(choice) < 4):
                reader.error(
                    node,
                    f"the pattern '{text}' has a word '{choice}' that cannot be matched.",
                    "use lower-case letters or numbers; {name} for a word list; 'a|b' for "
                    "either word; 'numb*' (at least 3 letters, then *) for words that start "
                    "with numb; '...' for a few words in between.",
                    key,
                )
                return None
        steps.append(PatternStep(words=choices, gap=gap or 0))
        gap = None
    if gap is not None:
        reader.error(
            node,
            f"the pattern '{text}' ends with '...'.",
            "'...' goes between two words; remove it.",
            key,
        )
        return None
    return WordPattern(text, tuple(steps), reader.file, line(node))


def _mixed(
    part: str,
    choices: tuple[str, ...],
    words: Words,
    reader: Reader,
    node: yaml.Node,
    key: str,
) -> str | None:
    """A step such as ``{urine}|{poo}|go`` as a list of its own, named after what was written."""
    if part not in words.mixed:
        alternatives = []
        for choice in choices:
            alternative = parse_pattern(choice, words, reader, node, key)
            if alternative is None:
                return None
            alternatives.append(alternative)
        words.mixed[part] = tuple(alternatives)
    return part


def line(node: yaml.Node) -> int | None:
    return node.start_mark.line + 1


def pattern_list(node: yaml.Node, words: Words, reader: Reader, key: str) -> list[WordPattern]:
    patterns = []
    for value, item in reader.text_list(node, key):
        pattern = parse_pattern(value, words, reader, item, key)
        if pattern is not None:
            patterns.append(pattern)
    return patterns


def root(path: Path, reader: Reader, what: str) -> Fields | None:
    if not path.exists():
        reader.problems.append(
            Problem(
                reader.file, None, "is missing.", "see the red-flag section of knowledge/README.md."
            )
        )
        return None
    root = compose(path, reader.file, reader)
    return reader.mapping(root, what) if root is not None else None


# --- words.yaml ------------------------------------------------------------------------------


def _plain_words(fields: Mapping[str, yaml.Node], key: str, reader: Reader) -> frozenset[str]:
    found = set()
    for value, node in reader.text_list(fields[key], key) if key in fields else []:
        if not re.fullmatch(r"[a-z]+", value):
            reader.error(node, f"'{value}' is not one plain lower-case word.", key=key)
        found.add(value)
    return frozenset(found)


def load_words(
    path: Path, reader: Reader
) -> tuple[Words, dict[str, tuple[WordPattern, ...]], frozenset[str], frozenset[str]]:
    words = Words()
    fields = root(path, reader, "words.yaml")
    if fields is None:
        return words, {}, frozenset(), frozenset()
    reader.unknown_fields(fields, ("words", "contractions", "reads_also", "typos", "not_typos"))
    contractions = fields.get("contractions")
    if contractions is not None:
        for name, node in (
            reader.mapping(contractions, "'contractions'", "contractions") or Fields()
        ).items():
            value = reader.text(node, f"contractions: {name}")
            if not value:
                continue
            if not re.fullmatch(r"[a-z']+", name) or not re.fullmatch(r"[a-z ]+", value):
                reader.error(
                    node,
                    f"the contraction '{name}: {value}' cannot be used.",
                    "write the short form in lower-case letters (an apostrophe is allowed) and "
                    "the long form as plain words, e.g. 'cant: can not'.",
                    "contractions",
                )
                continue
            words.contractions[name] = tuple(value.split())
    _load_reads_also(fields, words, reader)
    lists = fields.get("words")
    raw = reader.mapping(lists, "'words'", "words") if lists is not None else None
    if not raw:
        reader.error(
            lists or None, "'words' must list the word lists the patterns use.", key="words"
        )
        return words, {}, frozenset(), frozenset()
    for name, node in raw.items():
        if not ID.match(name):
            reader.error(
                node,
                f"the list name '{name}' cannot be used.",
                "use lower-case letters, digits and hyphens, e.g. 'saddle-area'.",
                "words",
            )
            continue
        words.names[name] = node
    concepts: dict[str, tuple[WordPattern, ...]] = {}
    for name, node in words.names.items():
        phrases = pattern_list(node, words, reader, name)
        if not phrases:
            reader.error(
                node, f"the word list '{name}' is empty.", "add words, or remove it.", name
            )
        concepts[name] = tuple(phrases)
    _report_cycles(concepts, words, reader)
    return (
        words,
        concepts,
        _plain_words(fields, "typos", reader),
        _plain_words(fields, "not_typos", reader),
    )


def _load_reads_also(fields: Mapping[str, yaml.Node], words: Words, reader: Reader) -> None:
    """``reads_also``: a word of a message that also matches other words of the patterns."""
    node = fields.get("reads_also")
    if node is None:
        return
    for name, value in (reader.mapping(node, "'reads_also'", "reads_also") or Fields()).items():
        others = [text for text, _ in reader.text_list(value, f"reads_also: {name}")]
        if (
            not re.fullmatch(r"[a-z]+", name)
            or not others
            or not all(re.fullmatch(r"[a-z]+", other) for other in others)
        ):
            reader.error(
                value,
                f"'reads_also: {name}' cannot be used.",
                "write one lower-case word and the list of words it also reads as, "
                "e.g. 'me: [my]'.",
                "reads_also",
            )
            continue
        words.reads_also[name] = tuple(others)


def _report_cycles(
    concepts: Mapping[str, tuple[WordPattern, ...]], words: Words, reader: Reader
) -> None:
    """A word list may use other lists, but never itself (directly or through others)."""
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            loop = " -> ".join([*trail[trail.index(name) :], name])
            reader.error(
                words.names[name],
                f"the word lists use each other in a circle ({loop}).",
                "one of them must list plain words instead.",
                name,
            )
            return
        state[name] = 1
        for phrase in concepts.get(name, ()):
            for step in phrase.steps:
                if step.concept:
                    visit(step.concept, [*trail, name])
        state[name] = 2

    for name in concepts:
        visit(name, [])
