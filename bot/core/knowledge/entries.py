"""Reading one entry file (``entries/<id>.yaml``) by the schema, then the rules across fields.

Each field is read and checked by its line in ``schema.py`` (type, limits, required); what spans
several fields (an exercise needs steps, the answer fits one message, ...) is one small named
rule below. Rules across files (the id is the file name and no other file's, links, phrasings
shared by two entries) are in ``loader.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core.knowledge.html_check import html_field
from bot.core.knowledge.model import Entry, Phrasing
from bot.core.knowledge.schema import ENTRY_SCHEMA, FIELDS, MAX_ANSWER, FieldKind, FieldSpec, either
from bot.core.knowledge.session_timing import read_session_timing
from bot.core.knowledge.yaml_reader import Fields, Reader, compose, line_of
from bot.core.normalise import fold

__all__ = ["ENTRY_RULES", "LoadedEntry", "load_entry"]

Item = tuple[str, yaml.Node]  # a list item's text and its node (for its line)


@dataclass(frozen=True)
class LoadedEntry:
    """An entry as read from its file, with what the checks across files need."""

    entry: Entry
    path: Path
    id_line: int | None  # None when the file has no id
    id_valid: bool
    modified: float  # the file's modification time: the newer side of a clash is the edit
    folded: tuple[str, ...] = ()  # the entry's phrasings folded, in order (compared across files)


@dataclass
class _Draft:
    """One entry file as read field by field, before the rules that span several fields."""

    path: Path
    root: yaml.Node
    fields: Fields
    reader: Reader
    values: dict[str, Any] = field(default_factory=dict)
    folded: list[str] = field(default_factory=list)  # the kept phrasings, folded

    def error(self, name: str, message: str, hint: str = "") -> None:
        """A problem at the field's line (or the top of the file if the field is missing)."""
        self.reader.error(self.fields.get(name, self.root), message, hint, name)


def _read_field(reader: Reader, spec: FieldSpec, node: yaml.Node) -> Any:
    """One field's value, checked against its type and limits in the schema."""
    name = spec.name
    if spec.kind is FieldKind.TIMING:
        return read_session_timing(reader, node)
    if spec.kind is FieldKind.TEXTS or spec.kind is FieldKind.HTML_TEXTS:  # (no enum hashes)
        items = reader.text_list(node, name)
        if spec.kind is FieldKind.HTML_TEXTS:
            items = [(html_field(reader, item, name, value), item) for value, item in items]
        return items
    if spec.kind is FieldKind.NUMBER:
        return reader.integer(node, name)
    if spec.kind is FieldKind.HTML_MAP:
        return _read_map(reader, spec, node)
    value = reader.text(node, name, required=spec.required)
    if spec.kind is FieldKind.HTML:
        return html_field(reader, node, name, value)
    if spec.kind is FieldKind.CHOICE and value not in spec.choices:
        reader.error(node, f"'{value}' is not a {name}.", f"write {either(spec.choices)}.", name)
        return spec.initial
    if not value or spec.fits(value):
        return value
    if spec.pattern is not None:
        reader.error(
            node,
            f"'{value}' is not a valid {name}.",
            f"use {spec.pattern_words} (at most {spec.max_length}), e.g. {spec.example}.",
            name,
        )
    else:
        reader.error(
            node,
            f"is {len(value)} characters long.",
            f"shorten it to at most {spec.max_length} characters.",
            name,
        )
    return value


def _read_map(reader: Reader, spec: FieldSpec, node: yaml.Node) -> tuple[tuple[str, str], ...]:
    """``name: text`` pairs (e.g. ``details``), each an HTML text within the field's limit."""
    found = []
    for name, value in (reader.mapping(node, f"'{spec.name}'", spec.name) or {}).items():
        text = html_field(reader, value, spec.name, reader.text(value, spec.name))
        if spec.max_length is not None and len(text) > spec.max_length:
            reader.error(
                value,
                f"the {spec.name.removesuffix('s')} '{name}' is {len(text)} characters long.",
                f"shorten it to at most {spec.max_length}: a sentence or two.",
                spec.name,
            )
        found.append((name, text))
    return tuple(found)


# --- rules that span several fields: each one a small function of the draft ---------------


def _steps_only_for_exercises(draft: _Draft) -> None:
    if "steps" in draft.fields and draft.values["kind"] != "exercise":
        draft.error(
            "steps", "only exercises have steps.", "add 'kind: exercise' or remove the steps."
        )


def _session_only_for_exercises(draft: _Draft) -> None:
    if "session" in draft.fields and draft.values["kind"] != "exercise":
        draft.error(
            "session", "only exercises have a session.", "add 'kind: exercise' or remove it."
        )
        draft.values["session"] = None


def _exercise_needs_steps(draft: _Draft) -> None:
    if "steps" not in draft.fields and draft.values["kind"] == "exercise":
        draft.error("steps", "an exercise needs 'steps', the instructions one per line.")


def _fits_one_message(draft: _Draft) -> None:
    size = len(draft.values["answer"]) + sum(len(step) + 6 for step, _ in draft.values["steps"])
    if size > MAX_ANSWER:
        draft.error(
            "answer",
            f"the answer and steps are {size} characters; Telegram allows 4096 per message "
            "including the title and disclaimer.",
            f"shorten them to under {MAX_ANSWER} characters, or split the entry in two.",
        )


def _distinct_phrasings(draft: _Draft) -> None:
    """A phrasing written twice (after folding case and accents) is a warning; one is kept."""
    items: list[Item] = draft.values["questions"]
    keys = [fold(value) for value, _ in items]
    if len(set(keys)) == len(keys):  # (most files: none twice, nothing to warn about)
        draft.folded = keys
        return
    seen: dict[str, int | None] = {}
    kept: list[Item] = []
    for (value, node), key in zip(items, keys, strict=True):
        if key in seen:
            draft.reader.warn(
                node,
                f"the phrasing '{value}' is listed twice (also on line {seen[key]}).",
                "remove one of them.",
                "questions",
            )
            continue
        seen[key] = line_of(node)
        kept.append((value, node))
    draft.values["questions"] = kept
    draft.folded = list(seen)  # (folded once: the check across files compares the same keys)


def _enough_phrasings(draft: _Draft) -> None:
    count, needed = len(draft.values["questions"]), FIELDS["questions"].min_items
    if "questions" in draft.fields and count < needed:
        draft.error(
            "questions",
            f"has {count} phrasing(s); at least {needed} are needed to match questions.",
            "add more ways people would ask this.",
        )


ENTRY_RULES: tuple[Callable[[_Draft], None], ...] = (
    _steps_only_for_exercises,
    _exercise_needs_steps,
    _fits_one_message,
    _distinct_phrasings,
    _enough_phrasings,
    _session_only_for_exercises,
)


def load_entry(path: Path, label: str, reader: Reader) -> LoadedEntry | None:
    """Read one entry file by the schema, then apply the rules; None if it cannot be read."""
    root = compose(path, label, reader)
    if root is None:
        return None
    reader.entry = path.stem
    fields = reader.mapping(root, "An entry file")
    if fields is None:
        return None
    id_node = fields.get("id")
    raw_id = str(id_node.value).strip() if isinstance(id_node, yaml.ScalarNode) else ""
    reader.entry = raw_id or path.stem
    reader.unknown_fields(fields, tuple(FIELDS))
    for spec in ENTRY_SCHEMA:
        if spec.required and spec.name not in fields:
            reader.error(
                root,
                f"the required field '{spec.name}' is missing.",
                f"add '{spec.name}:', {spec.meaning} (see knowledge/README.md).",
                spec.name,
            )
    draft = _Draft(path, root, fields, reader)
    for spec in ENTRY_SCHEMA:
        node = fields.get(spec.name)
        draft.values[spec.name] = spec.initial if node is None else _read_field(reader, spec, node)
    for rule in ENTRY_RULES:
        rule(draft)
    reader.entry = None
    entry = _entry(draft, label)
    id_valid = "id" in fields and FIELDS["id"].fits(entry.id)
    return LoadedEntry(
        entry,
        path,
        line_of(id_node),
        id_valid,
        _modified(path) if reader.modified is None else reader.modified,
        tuple(draft.folded),
    )


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed since it was read: any order will do
        return 0.0


def _entry(draft: _Draft, label: str) -> Entry:
    """The model's entry: lists become tuples; phrasings keep their lines, keywords are folded."""
    values: dict[str, Any] = {
        name: tuple(text for text, _ in value) if isinstance(value, list) else value
        for name, value in draft.values.items()
        if name != "questions"
    }
    values["id"] = values["id"] or draft.path.stem
    values["questions"] = tuple(  # (``line_of`` of a node that is there)
        [Phrasing(text, node.start_mark.line + 1) for text, node in draft.values["questions"]]
    )
    values["keywords"] = tuple(fold(keyword) for keyword in values["keywords"])
    related_lines = tuple(line_of(node) for _, node in draft.values["related"])
    return Entry(**values, file=label, related_lines=related_lines)
