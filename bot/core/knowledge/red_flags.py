"""Loading ``red_flags/``: urgent tiers, red-flag signs, the words people use, context triggers.

Four kinds of file, each with one job, so a maintainer edits the words without touching the
messages:

    red_flags/tiers.yaml     how urgent (999 / A&E now, or a doctor today) and what to say
    red_flags/flags.yaml     the red-flag signs: patterns, notes, explanations (more of them in
                             red_flags/flags_*.yaml, read after it in name order, so that no
                             file grows too long to edit)
    red_flags/words.yaml     word lists ({pee} = pee, wee, urine, ...), contractions, not-typos
    red_flags/context.yaml   triggers that rule a mention out ("no", "years ago", "my uncle had")

Patterns are word patterns, never regular expressions: they cannot backtrack, and a maintainer
cannot write one that is slow. Every problem is reported with file, line and a fix.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Literal, cast

import yaml

from bot.core.knowledge.html_check import html_field
from bot.core.knowledge.model import (
    CONTEXT_CATEGORIES,
    MODIFYING_CATEGORIES,
    ContextCategory,
    ContextTrigger,
    RedFlag,
    RedFlagRules,
    UrgencyTier,
    WordPattern,
)
from bot.core.knowledge.problems import Problem
from bot.core.knowledge.red_flag_words import (
    ID,
    Words,
    line,
    load_words,
    parse_pattern,
    pattern_list,
    root,
)
from bot.core.knowledge.yaml_reader import Fields, Reader

__all__ = ["FOLDER", "load_red_flags", "parse_pattern"]

FOLDER = "red_flags"
FILES = ("tiers.yaml", "flags.yaml", "words.yaml", "context.yaml")
MORE_FLAGS = "flags_*.yaml"  # more red flags, after flags.yaml: the same fields, no 'questions'
DEFAULT_WINDOW = 8
MAX_WINDOW = 20
MAX_NOTE = 200
# Categories that rule a mention out, and so can be switched off per flag with `keeps`.
RULE_OUTS = tuple(c for c in CONTEXT_CATEGORIES if c not in MODIFYING_CATEGORIES)


# --- tiers.yaml -------------------------------------------------------------------------------


def _load_tiers(path: Path, reader: Reader) -> list[UrgencyTier]:
    fields = root(path, reader, "tiers.yaml")
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

_FLAG_FIELDS = (
    "id",
    "name",
    "tier",
    "note",
    "explain",
    "patterns",
    "not",
    "needs",
    "apart",
    "keeps",
    "others_need",
    "unless",
)


def _load_flags(
    path: Path,
    reader: Reader,
    words: Words,
    tiers: Collection[str],
    entry_ids: Collection[str] | None,
) -> tuple[list[RedFlag], list[WordPattern], str]:
    fields = root(path, reader, "flags.yaml")
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
            questions = pattern_list(block["patterns"], words, reader, "questions")
    return _flag_list(fields, reader, words, tiers, set()), questions, question_entry


def _load_more_flags(
    path: Path, reader: Reader, words: Words, tiers: Collection[str], seen: set[str]
) -> list[RedFlag]:
    """A ``flags_*.yaml`` file: more red flags, with ids unused in the files before it."""
    fields = root(path, reader, path.name)
    if fields is None:
        return []
    reader.unknown_fields(fields, ("flags",))
    return _flag_list(fields, reader, words, tiers, seen)


def _flag_list(
    fields: Fields, reader: Reader, words: Words, tiers: Collection[str], seen: set[str]
) -> list[RedFlag]:
    """The file's 'flags' list; ``seen``: the ids already used (the new ones are added)."""
    node = fields.get("flags")
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reader.error(node, "'flags' must be a non-empty list of red flags.", key="flags")
        return []
    flags: list[RedFlag] = []
    for item in node.value:
        flag = _load_flag(item, reader, words, tiers, seen)
        if flag is not None:
            flags.append(flag)
            seen.add(flag.id)
    return flags


def _load_flag(
    item: yaml.Node, reader: Reader, words: Words, tiers: Collection[str], seen: set[str]
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
            pattern_list(fields["patterns"], words, reader, "patterns")
            if "patterns" in fields
            else []
        )
        if "patterns" in fields and not (
            isinstance(fields["patterns"], yaml.SequenceNode) and fields["patterns"].value
        ):
            reader.error(fields["patterns"], "has no patterns.", "add at least one.", "patterns")
        not_patterns = pattern_list(fields["not"], words, reader, "not") if "not" in fields else []
        needs = _needs(fields, reader, words)
        apart: list[WordPattern] = []
        apart_needs: list[str] = []
        if "apart" in fields:
            block = reader.mapping(fields["apart"], "'apart'", "apart") or Fields()
            reader.unknown_fields(block, ("needs", "patterns"))
            if "needs" not in block or "patterns" not in block:
                reader.error(
                    fields["apart"],
                    "'apart' needs both 'needs' (word lists) and 'patterns'.",
                    "see knowledge/README.md.",
                    "apart",
                )
            apart_needs = _needs(block, reader, words)
            if "patterns" in block:
                apart = pattern_list(block["patterns"], words, reader, "apart")
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
        others_need = _needs(fields, reader, words, "others_need")
        unless: list[str] = []
        unless_not: list[str] = []
        if "unless" in fields:
            block = reader.mapping(fields["unless"], "'unless'", "unless") or Fields()
            reader.unknown_fields(block, ("said", "but_not"))
            if "said" not in block:
                reader.error(
                    fields["unless"],
                    "'unless' needs 'said' (word lists).",
                    "see knowledge/README.md.",
                    "unless",
                )
            unless = _needs(block, reader, words, "said")
            unless_not = _needs(block, reader, words, "but_not")
        return RedFlag(
            id=flag_id,
            name=texts.get("name", flag_id),
            tier=tier,
            note=note,
            explain=explain,
            patterns=tuple(patterns),
            not_patterns=tuple(not_patterns),
            needs=tuple(needs),
            apart=tuple(apart),
            apart_needs=tuple(apart_needs),
            keeps=frozenset(keeps),
            others_need=tuple(others_need),
            unless=tuple(unless),
            unless_not=tuple(unless_not),
            file=reader.file,
            line=line(item),
        )
    finally:
        reader.entry = None


def _needs(fields: Fields, reader: Reader, words: Words, key: str = "needs") -> list[str]:
    """The word lists named by a 'needs' field, or another such as 'others_need' (without
    braces), each checked to exist."""
    needs = []
    for value, node in reader.text_list(fields[key], key) if key in fields else []:
        name = value.strip("{}")
        if name not in words.names:
            reader.error(
                node,
                f"'{key}' names an unknown word list '{value}'.",
                "use a list from words.yaml.",
                key,
            )
        needs.append(name)
    return needs


# --- context.yaml -----------------------------------------------------------------------------

_TRIGGER_CATEGORIES = tuple(c for c in CONTEXT_CATEGORIES if c != "not-a-trigger")


def _load_context(
    path: Path, reader: Reader, words: Words
) -> tuple[list[ContextTrigger], list[WordPattern], int]:
    fields = root(path, reader, "context.yaml")
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
        pattern_list(fields["boundaries"], words, reader, "boundaries")
        if "boundaries" in fields
        else []
    )
    triggers: list[ContextTrigger] = []
    for category in CONTEXT_CATEGORIES:
        if category not in fields:
            continue
        node = fields[category]
        if category == "not-a-trigger":
            for pattern in pattern_list(node, words, reader, category):
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
    words: Words,
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
                # 0 reaches no word: a negation kept only so that a mention made with it
                # carries its own negation ("nothing touches it at all")
                lowest = 0 if category == "negated" and direction == "before" else 1
                if not lowest <= reach <= MAX_WINDOW:
                    reader.error(
                        fields["window"],
                        f"must be between {lowest} and {MAX_WINDOW}.",
                        key="window",
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
    more = sorted(folder.glob(MORE_FLAGS)) if folder.is_dir() else []
    readers = {name: Reader(f"{label}/{name}") for name in (*FILES, *(p.name for p in more))}
    if not folder.is_dir():
        problem = Problem(
            label, None, "is missing.", "see the red-flag section of knowledge/README.md."
        )
        return RedFlagRules(), [problem], []
    words, concepts, typos, not_typos = load_words(folder / "words.yaml", readers["words.yaml"])
    tiers = _load_tiers(folder / "tiers.yaml", readers["tiers.yaml"])
    flags, questions, question_entry = _load_flags(
        folder / "flags.yaml", readers["flags.yaml"], words, [t.id for t in tiers], entry_ids
    )
    seen = {flag.id for flag in flags}
    for path in more:
        flags += _load_more_flags(path, readers[path.name], words, [t.id for t in tiers], seen)
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
        reads_also=dict(words.reads_also),
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
