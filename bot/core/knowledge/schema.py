"""The fields of an entry file (``entries/<id>.yaml``), declared once.

The loader reads every entry by this table (type, limits, required or default), and the field
table in ``knowledge/README.md`` is generated from it (a test keeps the two equal), so adding a
field is one entry here: give the model ``Entry`` an attribute of the same name, and paste the
table the test prints into the README. Rules that involve several fields (an exercise needs
steps, the id equals the file name, ...) are small named functions in the loader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

__all__ = [
    "ENTRY_SCHEMA",
    "FIELDS",
    "MAX_ANSWER",
    "FieldKind",
    "FieldSpec",
    "either",
    "markdown_table",
]

MAX_ANSWER = 3500  # answer and steps together: room for title and disclaimer within Telegram's 4096


class FieldKind(Enum):
    """How a field is written, in the words the README uses."""

    TEXT = "text"
    HTML = "text with HTML"
    TEXTS = "list of texts"
    HTML_TEXTS = "list of texts with HTML"
    NUMBER = "whole number"
    CHOICE = "one of"
    HTML_MAP = "names, each with a text with HTML"
    TIMING = "fields of whole seconds (see below)"


@dataclass(frozen=True)
class FieldSpec:
    """One field: how it is written, its limits, whether it is required, and what it means."""

    name: str
    kind: FieldKind
    meaning: str  # one line for maintainers (the README's "what it is" column)
    required: bool = False
    required_when: str = ""  # required only for some entries (a named rule in the loader)
    default: str | int | None = None  # for text and choices "" / the first choice if None
    max_length: int | None = None  # characters, for text
    min_items: int = 0  # for lists
    choices: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None  # for text; with pattern_words and example
    pattern_words: str = ""
    example: str = ""

    def fits(self, value: str) -> bool:
        """Whether a text meets the field's pattern and length."""
        if self.pattern is not None and not self.pattern.match(value):
            return False
        return self.max_length is None or len(value) <= self.max_length

    @cached_property
    def initial(self) -> str | int | tuple[object, ...] | None:
        """The value of a field that is not written (the same each time: worked out once)."""
        if self.kind is FieldKind.TIMING:
            return None
        if self.default is not None:
            return self.default
        if self.kind in {FieldKind.TEXTS, FieldKind.HTML_TEXTS, FieldKind.HTML_MAP}:
            return ()
        if self.kind is FieldKind.CHOICE:
            return self.choices[0]
        return 0 if self.kind is FieldKind.NUMBER else ""


ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TEXT, HTML, TEXTS, HTML_TEXTS = (
    FieldKind.TEXT,
    FieldKind.HTML,
    FieldKind.TEXTS,
    FieldKind.HTML_TEXTS,
)

# One entry per field, in the order the README shows them. Limits: an id of at most 48 characters
# keeps "e:<id>" button data well inside Telegram's 64 bytes; a title is also a button label.
ENTRY_SCHEMA: tuple[FieldSpec, ...] = (
    FieldSpec(
        "id",
        TEXT,
        "the entry's name; the same as the file name",
        required=True,
        max_length=48,
        pattern=ID,
        pattern_words="lower-case letters, digits and hyphens",
        example="pigeon-pose",
    ),
    FieldSpec("title", TEXT, "short heading and button label", required=True, max_length=40),
    FieldSpec(
        "kind",
        FieldKind.CHOICE,
        "exercises appear in /exercises and need `steps`",
        choices=("topic", "exercise"),
    ),
    FieldSpec(
        "order",
        FieldKind.NUMBER,
        "position in the /topics and /exercises menus; smaller comes first",
        default=1000,
    ),
    FieldSpec(
        "summary",
        TEXT,
        "one sentence, shown in lists and inline results",
        required=True,
        max_length=200,
    ),
    FieldSpec(
        "answer",
        HTML,
        f"the reply (for exercises: the introduction); with the steps at most {MAX_ANSWER} "
        "characters",
        required=True,
    ),
    FieldSpec(
        "steps",
        HTML_TEXTS,
        "the instructions, one list item per step; numbered by the bot",
        required_when="for exercises",
    ),
    FieldSpec(
        "questions",
        TEXTS,
        "ways people ask for this entry: short, long, informal, misspelt",
        required=True,
        min_items=3,
    ),
    FieldSpec("keywords", TEXTS, "words or short phrases that strongly signal this entry"),
    FieldSpec("related", TEXTS, "ids of 2-4 other entries, offered as follow-up buttons"),
    FieldSpec("source", TEXT, "the article section the answer comes from"),
    FieldSpec(
        "details",
        FieldKind.HTML_MAP,
        'one detail each in a sentence or two, for follow-ups like "how long do I hold it?"; '
        "names declared under `details` in _vocabulary.yaml (below)",
        max_length=400,
    ),
    FieldSpec(
        "session",
        FieldKind.TIMING,
        "exercises only: how a guided /stretch session times it",
    ),
)
FIELDS = {spec.name: spec for spec in ENTRY_SCHEMA}


def either(words: tuple[str, ...], quote: str = "") -> str:
    """``a, b or c``, each word between ``quote`` marks."""
    quoted = [f"{quote}{word}{quote}" for word in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _required(spec: FieldSpec) -> str:
    if spec.required:
        return "yes"
    if spec.required_when:
        return spec.required_when
    if spec.kind is FieldKind.NUMBER or spec.kind is FieldKind.CHOICE:
        return f"no (default `{spec.initial}`)"
    return "no"


def _written(spec: FieldSpec) -> str:
    if spec.kind is FieldKind.CHOICE:
        return either(spec.choices, "`")
    written = str(spec.kind.value)
    if spec.pattern_words:
        written += f": {spec.pattern_words}"
    if spec.max_length is not None:
        each = " each" if spec.kind is FieldKind.HTML_MAP else ""
        written += f", at most {spec.max_length} characters{each}"
    if spec.min_items:
        written += f", at least {spec.min_items}"
    return written


def markdown_table() -> str:
    """The README's field table, generated from the schema."""
    lines = ["| field | required | written as | what it is |", "| --- | --- | --- | --- |"]
    for spec in ENTRY_SCHEMA:
        lines.append(f"| `{spec.name}` | {_required(spec)} | {_written(spec)} | {spec.meaning} |")
    return "\n".join(lines)
