"""Loading ``red_flags/``: urgent tiers, red-flag signs, the words people use, context triggers.

Four files, each with one job, so a maintainer edits the words without touching the messages:

    red_flags/tiers.yaml     how urgent (999 / A&E now, or a doctor today) and what to say
    red_flags/flags.yaml     the red-flag signs: patterns, notes, explanations
    red_flags/words.yaml     word lists ({pee} = pee, wee, urine, ...), contractions, not-typos
    red_flags/context.yaml   triggers that rule a mention out ("no", "years ago", "my uncle had")

Patterns are word patterns, never regular expressions: they cannot backtrack, and a maintainer
cannot write one that is slow. Every problem is reported with file, line and a fix.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

import yaml
from rapidfuzz import process

from bot.core.knowledge.html_check import html_field
from bot.core.knowledge.model import (
    CONTEXT_CATEGORIES,
    ContextCategory,
    ContextTrigger,
    PatternStep,
    RedFlag,
    RedFlagRules,
    UrgencyTier,
    WordPattern,
)
from bot.core.knowledge.problems import Problem
from bot.core.knowledge.yaml_reader import Fields, Reader, compose

__all__ = ["FOLDER", "load_red_flags", "parse_pattern"]

FOLDER = "red_flags"
FILES = ("tiers.yaml", "flags.yaml", "words.yaml", "context.yaml")
DEFAULT_WINDOW = 8
MAX_WINDOW = 20
DEFAULT_GAP = 3
MAX_GAP = 12
MAX_NOTE = 200
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WORD = re.compile(r"^(?:[a-z]+|[0-9]+(?:\.[0-9]+)?\.?|,)\*?$")
_GAP = re.compile(r"^\.\.\.([0-9]+)?$")
_CONCEPT = re.compile(r"^\{([a-z0-9-]+)\}$")
# Categories that rule a mention out, and so can be switched off per flag with `keeps`.
RULE_OUTS = ("negated", "historical", "resolved", "someone-else", "question", "harmless")


@dataclass
class _Words:
    """words.yaml, read first: the patterns in the other files refer to its lists."""

    names: dict[str, yaml.Node] = field(default_factory=dict)
    contractions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # "{urine}|{poo}|go": alternatives that mix lists and words become a list of their own.
    mixed: dict[str, tuple[WordPattern, ...]] = field(default_factory=dict)


def parse_pattern(
    text: str,
    words: _Words,
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
    return WordPattern(text, tuple(steps), reader.file, _line(node))


def _mixed(
    part: str,
    choices: tuple[str, ...],
    words: _Words,
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


def _line(node: yaml.Node) -> int | None:
    return node.start_mark.line + 1


def _pattern_list(node: yaml.Node, words: _Words, reader: Reader, key: str) -> list[WordPattern]:
    patterns = []
    for value, item in reader.text_list(node, key):
        pattern = parse_pattern(value, words, reader, item, key)
        if pattern is not None:
            patterns.append(pattern)
    return patterns


def _root(path: Path, reader: Reader, what: str) -> Fields | None:
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


def _load_words(
    path: Path, reader: Reader
) -> tuple[_Words, dict[str, tuple[WordPattern, ...]], frozenset[str], frozenset[str]]:
    words = _Words()
    fields = _root(path, reader, "words.yaml")
    if fields is None:
        return words, {}, frozenset(), frozenset()
    reader.unknown_fields(fields, ("words", "contractions", "typos", "not_typos"))
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
        phrases = _pattern_list(node, words, reader, name)
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


def _report_cycles(
    concepts: Mapping[str, tuple[WordPattern, ...]], words: _Words, reader: Reader
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


# --- tiers.yaml -------------------------------------------------------------------------------


def _load_tiers(path: Path, reader: Reader) -> list[UrgencyTier]:
    fields = _root(path, reader, "tiers.yaml")
    if fields is None:
        return []
    reader.unknown_fields(fields, ("tiers",))
    node = fields.get("tiers")
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reader.error(
            node, "'tiers' must be a list of urgency tiers, most urgent first.", key="tiers"
        )
        return []
    tiers: list[UrgencyTier] = []
    for item in node.value:
        tier = reader.mapping(item, "A tier", key="tiers")
        if tier is None:
            continue
        reader.unknown_fields(tier, ("id", "name", "message"))
        for required in ("id", "name", "message"):
            if required not in tier:
                reader.error(item, f"a tier has no '{required}'.", key=required)
        if not all(required in tier for required in ("id", "name", "message")):
            continue
        tier_id = reader.text(tier["id"], "id")
        if not ID.match(tier_id) or any(t.id == tier_id for t in tiers):
            reader.error(tier["id"], f"the tier id '{tier_id}' is invalid or used twice.", key="id")
            continue
        message = html_field(
            reader, tier["message"], "message", reader.text(tier["message"], "message")
        )
        tiers.append(UrgencyTier(tier_id, reader.text(tier["name"], "name"), message))
    return tiers


# --- flags.yaml -------------------------------------------------------------------------------

_FLAG_FIELDS = ("id", "name", "tier", "note", "explain", "patterns", "not", "needs", "keeps")


def _load_flags(
    path: Path,
    reader: Reader,
    words: _Words,
    tiers: Collection[str],
    entry_ids: Collection[str] | None,
) -> tuple[list[RedFlag], list[WordPattern], str]:
    fields = _root(path, reader, "flags.yaml")
    if fields is None:
        return [], [], ""
    reader.unknown_fields(fields, ("flags", "questions"))
    questions: list[WordPattern] = []
    question_entry = ""
    if "questions" in fields:
        block = reader.mapping(fields["questions"], "'questions'", "questions") or Fields()
        reader.unknown_fields(block, ("entry", "patterns"))
        if "entry" in block:
            question_entry = reader.text(block["entry"], "entry")
            if entry_ids is not None and question_entry not in entry_ids:
                reader.error(
                    block["entry"],
                    f"'questions: entry' names '{question_entry}', which is not an entry.",
                    "use the id of the entry that lists the red flags.",
                    "entry",
                )
        if "patterns" in block:
            questions = _pattern_list(block["patterns"], words, reader, "questions")
    node = fields.get("flags")
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reader.error(node, "'flags' must be a non-empty list of red flags.", key="flags")
        return [], questions, question_entry
    flags: list[RedFlag] = []
    for item in node.value:
        flag = _load_flag(item, reader, words, tiers, {f.id for f in flags})
        if flag is not None:
            flags.append(flag)
    return flags, questions, question_entry


def _load_flag(
    item: yaml.Node, reader: Reader, words: _Words, tiers: Collection[str], seen: set[str]
) -> RedFlag | None:
    fields = reader.mapping(item, "A red flag", key="flags")
    if fields is None:
        return None
    reader.unknown_fields(fields, _FLAG_FIELDS)
    flag_id = reader.text(fields["id"], "id") if "id" in fields else ""
    if not flag_id or not ID.match(flag_id):
        reader.error(
            fields.get("id", item),
            f"a red flag has no usable 'id' ('{flag_id}').",
            "use lower-case letters, digits and hyphens.",
            "id",
        )
        return None
    if flag_id in seen:
        reader.error(fields["id"], f"the red flag id '{flag_id}' is used twice.", key="id")
        return None
    reader.entry = flag_id
    try:
        for required in ("name", "tier", "note", "explain", "patterns"):
            if required not in fields:
                reader.error(
                    item,
                    f"the field '{required}' is missing.",
                    "see knowledge/README.md.",
                    required,
                )
        texts = {
            key: reader.text(fields[key], key) for key in ("name", "tier", "note") if key in fields
        }
        tier = texts.get("tier", "")
        if "tier" in fields and tier not in tiers:
            reader.error(
                fields["tier"],
                f"the tier '{tier}' is not in tiers.yaml.",
                f"use one of: {', '.join(tiers)}.",
                "tier",
            )
        note = texts.get("note", "")
        if "\n" in note or len(note) > MAX_NOTE:
            reader.error(
                fields["note"], f"must be one line of at most {MAX_NOTE} characters.", key="note"
            )
        if "note" in fields:
            note = html_field(reader, fields["note"], "note", note)
        explain = ""
        if "explain" in fields:
            explain = html_field(
                reader, fields["explain"], "explain", reader.text(fields["explain"], "explain")
            )
        patterns = (
            _pattern_list(fields["patterns"], words, reader, "patterns")
            if "patterns" in fields
            else []
        )
        if "patterns" in fields and not (
            isinstance(fields["patterns"], yaml.SequenceNode) and fields["patterns"].value
        ):
            reader.error(fields["patterns"], "has no patterns.", "add at least one.", "patterns")
        not_patterns = _pattern_list(fields["not"], words, reader, "not") if "not" in fields else []
        needs = []
        for value, node in reader.text_list(fields["needs"], "needs") if "needs" in fields else []:
            name = value.strip("{}")
            if name not in words.names:
                reader.error(
                    node,
                    f"'needs' names an unknown word list '{value}'.",
                    "use a list from words.yaml.",
                    "needs",
                )
            needs.append(name)
        keeps = []
        for value, node in reader.text_list(fields["keeps"], "keeps") if "keeps" in fields else []:
            if value not in RULE_OUTS:
                reader.error(
                    node,
                    f"'keeps' names '{value}', which is not a context that rules a mention out.",
                    f"use one of: {', '.join(RULE_OUTS)}.",
                    "keeps",
                )
            keeps.append(value)
        return RedFlag(
            id=flag_id,
            name=texts.get("name", flag_id),
            tier=tier,
            note=note,
            explain=explain,
            patterns=tuple(patterns),
            not_patterns=tuple(not_patterns),
            needs=tuple(needs),
            keeps=frozenset(keeps),
            file=reader.file,
            line=_line(item),
        )
    finally:
        reader.entry = None


# --- context.yaml -----------------------------------------------------------------------------

_TRIGGER_CATEGORIES = tuple(c for c in CONTEXT_CATEGORIES if c != "not-a-trigger")


def _load_context(
    path: Path, reader: Reader, words: _Words
) -> tuple[list[ContextTrigger], list[WordPattern], int]:
    fields = _root(path, reader, "context.yaml")
    if fields is None:
        return [], [], DEFAULT_WINDOW
    reader.unknown_fields(fields, ("window", "boundaries", *CONTEXT_CATEGORIES))
    window = DEFAULT_WINDOW
    if "window" in fields:
        window = reader.integer(fields["window"], "window")
        if not 1 <= window <= MAX_WINDOW:
            reader.error(
                fields["window"], f"must be between 1 and {MAX_WINDOW} words.", key="window"
            )
            window = DEFAULT_WINDOW
    boundaries = (
        _pattern_list(fields["boundaries"], words, reader, "boundaries")
        if "boundaries" in fields
        else []
    )
    triggers: list[ContextTrigger] = []
    for category in CONTEXT_CATEGORIES:
        if category not in fields:
            continue
        node = fields[category]
        if category == "not-a-trigger":
            for pattern in _pattern_list(node, words, reader, category):
                triggers.append(ContextTrigger("not-a-trigger", "before", pattern, 0))
            continue
        sides = reader.mapping(node, f"'{category}'", category) or Fields()
        reader.unknown_fields(sides, ("before", "after"))
        for side, items in sides.items():
            if side not in ("before", "after"):
                continue
            direction = cast(Literal["before", "after"], side)
            triggers += _triggers(
                items, cast(ContextCategory, category), direction, window, words, reader
            )
    return triggers, boundaries, window


def _triggers(
    node: yaml.Node,
    category: ContextCategory,
    direction: Literal["before", "after"],
    window: int,
    words: _Words,
    reader: Reader,
) -> list[ContextTrigger]:
    key = f"{category}: {direction}"
    if not isinstance(node, yaml.SequenceNode):
        reader.error(node, "should be a list, one trigger per line starting with '- '.", key=key)
        return []
    found = []
    for item in node.value:
        reach = window
        text_node = item
        if isinstance(item, yaml.MappingNode):
            fields = reader.mapping(item, "A trigger", key) or Fields()
            reader.unknown_fields(fields, ("trigger", "window"))
            if "trigger" not in fields:
                reader.error(
                    item, "a trigger written with 'window:' needs 'trigger:' too.", key=key
                )
                continue
            text_node = fields["trigger"]
            if "window" in fields:
                reach = reader.integer(fields["window"], "window")
                if not 1 <= reach <= MAX_WINDOW:
                    reader.error(
                        fields["window"], f"must be between 1 and {MAX_WINDOW}.", key="window"
                    )
                    reach = window
        text = reader.text(text_node, key)
        if not text:
            continue
        pattern = parse_pattern(text, words, reader, text_node, key)
        if pattern is not None:
            found.append(ContextTrigger(category, direction, pattern, reach))
    return found


# --- the folder -------------------------------------------------------------------------------


def load_red_flags(
    folder: Path, label: str, entry_ids: Collection[str] | None = None
) -> tuple[RedFlagRules, list[Problem], list[Problem]]:
    """Read ``red_flags/``; returns the rules with every problem and warning found."""
    readers = {name: Reader(f"{label}/{name}") for name in FILES}
    if not folder.is_dir():
        problem = Problem(
            label, None, "is missing.", "see the red-flag section of knowledge/README.md."
        )
        return RedFlagRules(), [problem], []
    words, concepts, typos, not_typos = _load_words(folder / "words.yaml", readers["words.yaml"])
    tiers = _load_tiers(folder / "tiers.yaml", readers["tiers.yaml"])
    flags, questions, question_entry = _load_flags(
        folder / "flags.yaml", readers["flags.yaml"], words, [t.id for t in tiers], entry_ids
    )
    triggers, boundaries, _ = _load_context(folder / "context.yaml", readers["context.yaml"], words)
    used = {tier.id for tier in tiers if any(flag.tier == tier.id for flag in flags)}
    for tier in tiers:
        if tier.id not in used and flags:
            readers["tiers.yaml"].warn(None, f"no red flag uses the tier '{tier.id}'.")
    rules = RedFlagRules(
        tiers=tuple(tiers),
        flags=tuple(flags),
        concepts={**concepts, **words.mixed},
        contractions=dict(words.contractions),
        typos=typos,
        not_typos=not_typos,
        triggers=tuple(triggers),
        boundaries=tuple(boundaries),
        questions=tuple(questions),
        question_entry=question_entry,
    )
    problems = [p for reader in readers.values() for p in reader.problems]
    warnings = [w for reader in readers.values() for w in reader.warnings]
    return rules, problems, warnings
