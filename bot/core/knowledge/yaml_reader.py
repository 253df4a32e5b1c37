"""Reading YAML for maintainers: node trees with line numbers, text exactly as written.

PyYAML speaks YAML 1.1, where ``no`` is false and ``1:30`` is 90. The reader takes every scalar
as the characters the maintainer typed, and warns where another YAML reader would differ.
Problems are collected (never raised) so a maintainer sees all of them at once.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import process

from bot.core.knowledge.problems import Problem

__all__ = ["Fields", "Reader", "compose", "fast_compose", "line_of", "show", "trap_kind"]

_TRAP_TAGS = {
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:null": "an empty value",
}
_SEXAGESIMAL = re.compile(r"^[0-9]+(?::[0-5]?[0-9])+$")
# Parsing costs ~25x a file's size in memory and ~2.5 s of CPU per MB (a rejected 20 MB file
# left the bot 360 MB bigger); the largest real file is ~20 KB, so 1 MB is a wide margin.
MAX_FILE_BYTES = 1_000_000


class Fields(dict[str, yaml.Node]):
    """A mapping's value nodes by field name, and its key nodes (problems about a field's name,
    such as a misspelling, point at the line of the name, not of the value below it)."""

    def __init__(self) -> None:
        super().__init__()
        self.key_nodes: dict[str, yaml.Node] = {}


@dataclass
class Reader:
    """Collects problems for one file while walking its YAML node tree."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    entry: str | None = None
    modified: float | None = None  # the file's modification time, once ``compose`` read it

    def error(
        self, node: yaml.Node | None, message: str, hint: str = "", key: str | None = None
    ) -> None:
        self.problems.append(Problem(self.file, line_of(node), message, hint, self.entry, key))

    def warn(
        self, node: yaml.Node | None, message: str, hint: str = "", key: str | None = None
    ) -> None:
        self.warnings.append(Problem(self.file, line_of(node), message, hint, self.entry, key))

    def mapping(self, node: yaml.Node, what: str, key: str | None = None) -> Fields | None:
        """A mapping's fields by name; duplicate names are reported (YAML would keep the last)."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} should be a set of 'name: value' fields.", key=key)
            return None
        fields = Fields()
        for key_node, value_node in node.value:
            name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            if not name:
                self.error(key_node, "a field name is missing or not plain text.", key=key)
                continue
            if name in fields:
                self.error(
                    key_node,
                    f"the field '{name}' appears twice; only one would be used.",
                    "keep one of them.",
                    key=name,
                )
                continue
            fields[name] = value_node
            fields.key_nodes[name] = key_node
        return fields

    def text(self, node: yaml.Node, key: str, *, required: bool = True) -> str:
        """A text field exactly as written; traps and empties are reported."""
        if isinstance(node, yaml.ScalarNode):
            value = str(node.value)
            kind = trap_kind(node)
            if kind is not None:
                self.warn(
                    node,
                    f"'{value}' is not in quotes; many YAML readers take it as {kind}. "
                    "The bot reads it as the text you wrote.",
                    f'write it in quotes: "{value}".',
                    key=key,
                )
            if required and not value.strip():
                self.error(node, "is empty.", "write the text after the colon.", key=key)
            return value.strip()
        colon = _colon_text(node)
        if colon is not None:
            self.error(
                node,
                f"'{colon}' reads as a 'name: value' pair because of the ': ' in it.",
                f'put the text in quotes: "{colon}".',
                key=key,
            )
            return ""
        self.error(
            node,
            "should be text, but it is a list or a set of fields.",
            "write plain text (use 'key: |' and indented lines for several lines).",
            key=key,
        )
        return ""

    def text_list(self, node: yaml.Node, key: str) -> list[tuple[str, yaml.Node]]:
        """A list of text items with their nodes (for line numbers)."""
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(
                node,
                "should be a list, one item per line starting with '- '.",
                f"write '{key}:' and then lines like '  - some text'.",
                key=key,
            )
            return []
        items = []
        for index, item in enumerate(node.value, start=1):
            if type(item) is yaml.ScalarNode and item.tag == _STR_TAG:  # no trap: ``text``
                value = str(item.value).strip()
            else:
                value = self.text(item, f"{key}[{index}]", required=False)
            if not value and isinstance(item, yaml.ScalarNode):  # other items: reported above
                self.error(item, f"item {index} is empty.", "remove the empty '- ' line.", key=key)
                continue
            items.append((value, item))
        return items

    def integer(self, node: yaml.Node, key: str) -> int:
        """A whole number field."""
        if isinstance(node, yaml.ScalarNode) and re.fullmatch(r"-?\d+", str(node.value)):
            return int(node.value)
        self.error(
            node, f"should be a whole number, not '{show(node)}'.", "write e.g. 10.", key=key
        )
        return 0

    def unknown_fields(self, fields: Fields, known: tuple[str, ...]) -> None:
        """Report misspelled or unexpected field names, suggesting the closest known one."""
        for name in fields:
            if name in known:
                continue
            guess = process.extractOne(name, known, score_cutoff=60)
            hint = f"did you mean '{guess[0]}'?" if guess else f"known fields: {', '.join(known)}."
            self.error(fields.key_nodes[name], f"unknown field '{name}'.", hint, key=name)


def trap_kind(node: yaml.Node) -> str | None:
    """What YAML 1.1 readers take an unquoted scalar for, when it is not text (else None)."""
    if not isinstance(node, yaml.ScalarNode) or node.style:  # (plain: None, or "" from libyaml)
        return None
    if node.tag not in _TRAP_TAGS or not str(node.value).strip():
        return None
    if _SEXAGESIMAL.match(str(node.value)):
        return "a number of minutes (YAML 1.1 reads 1:30 as 90)"
    return _TRAP_TAGS[node.tag]


def _colon_text(node: yaml.Node) -> str | None:
    """The text a maintainer meant when an unquoted ': ' made YAML read it as a mapping."""
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
        name, value = node.value[0]
        if isinstance(name, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode):
            return f"{name.value}: {value.value}".rstrip()
    return None


def line_of(node: yaml.Node | None) -> int | None:
    return None if node is None else node.start_mark.line + 1


def show(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "a list or mapping"


def compose(path: Path, label: str, reader: Reader) -> yaml.Node | None:
    """Parse one YAML file into a node tree, reporting syntax errors in plain words."""
    try:
        # (Opened once, its size read from the open file, its bytes decoded as ``read_text``
        # would, line ends included: 5,000 files at 5,000 entries.)
        with path.open("rb") as stream:
            found = os.fstat(stream.fileno())
            size, reader.modified = found.st_size, found.st_mtime
            if size > MAX_FILE_BYTES:
                reader.problems.append(
                    Problem(
                        label,
                        None,
                        f"is too large ({size / 1e6:.1f} MB; at most {MAX_FILE_BYTES / 1e6:g} MB).",
                        "split it into several files, or check that it is the file you meant.",
                    )
                )
                return None
            content = stream.read().decode("utf-8")
        if "\r" in content:  # universal newlines, as ``read_text``
            content = content.replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        reader.problems.append(
            Problem(label, None, "is not UTF-8 text.", "save the file as UTF-8 in your editor.")
        )
        return None
    except OSError as error:
        reader.problems.append(Problem(label, None, f"cannot be read ({error.strerror})."))
        return None
    node = fast_compose(content)
    if node is not None:
        return node
    try:  # empty, invalid, or no libyaml: PyYAML's own reader, whose errors we explain
        node = yaml.compose(content, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        tab = _tab_problem(error.problem_mark)
        if tab is not None:
            reader.problems.append(Problem(label, line, *tab))
            return None
        what = (error.problem or "the YAML is not valid").rstrip(".")
        reader.problems.append(
            Problem(
                label,
                line,
                f"the YAML is not valid here ({what}).",
                "check the indentation, and put text that contains ': ' or starts with a "
                "special character (* & ! % @ ` [ {) in quotes.",
            )
        )
        return None
    except yaml.YAMLError as error:
        reader.problems.append(Problem(label, None, f"the YAML is not valid ({error})."))
        return None
    except RecursionError:  # PyYAML composes nested lists and mappings recursively
        reader.problems.append(
            Problem(label, None, "is nested too deeply to read.", "use fewer nested levels.")
        )
        return None
    if node is None:
        reader.problems.append(Problem(label, None, "is empty.", "see knowledge/README.md."))
    return node


_C_LOADER = getattr(yaml, "CSafeLoader", None)  # libyaml's parser, when PyYAML was built with it
_STR_TAG = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
# The characters an implicitly typed plain scalar can start with ("n" of "no", "1" of "1:30").
_TYPED_STARTS = frozenset(key for key in yaml.SafeLoader.yaml_implicit_resolvers if key)


# Per such character, its types' patterns as one (a plain scalar none of them matches is a
# string: "tight hips" starts as "true" does, "30 seconds" as a number).
_MAY_BE_TYPED = {
    start: re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in found), re.X)
    for start, found in yaml.SafeLoader.yaml_implicit_resolvers.items()
    if start
}


if _C_LOADER is not None:

    class _CLoader(_C_LOADER):  # type: ignore[misc,valid-type]
        """libyaml's loader, with the tags PyYAML gives in fewer steps: a quoted scalar, or a
        plain one that starts with no implicit type's character (most text) or that none of
        its types' patterns matches, is a string (``BaseResolver.resolve``: it is called
        240,000 times at 5,000 entries, a fifth of them for text that starts as a type)."""

        def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
            if kind is yaml.ScalarNode and (
                not implicit[0]
                or (
                    value
                    and (
                        value[0] not in _TYPED_STARTS
                        or _MAY_BE_TYPED[value[0]].match(value) is None
                    )
                )
            ):
                return _STR_TAG
            tag: str = super().resolve(kind, value, implicit)
            return tag

    # (Only where nothing else decides: no tag by path, none for every first character.)
    if not _C_LOADER.yaml_path_resolvers and None not in _C_LOADER.yaml_implicit_resolvers:
        _C_LOADER = _CLoader


def fast_compose(content: str) -> yaml.Node | None:
    """The node tree of valid YAML, parsed by libyaml (~10x faster than PyYAML's own parser);
    None if libyaml is missing, the text is empty or has a tab, or libyaml finds any problem
    (then PyYAML reads it again, to accept or explain it as it always has). The trees are
    equal, but for the style of a plain scalar: "" from libyaml, None from PyYAML (``trap_kind``
    takes both for plain; walking 220,000 nodes at 5,000 entries to make them the same cost
    more than parsing a tenth of the files)."""
    if _C_LOADER is None or "\t" in content:  # libyaml reads tabs PyYAML refuses: let it decide
        return None
    try:
        node: yaml.Node | None = yaml.compose(content, Loader=_C_LOADER)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    return node


def _tab_problem(mark: yaml.Mark | None) -> tuple[str, str] | None:
    """Plain words for YAML's "found character '\\t' that cannot start any token".

    Tabs YAML can read (inside quotes, or in the text of a ``|`` block) are the maintainer's text
    and are left alone. A tab YAML rejects is explained: in the indentation, where YAML needs
    spaces, or elsewhere outside quotes, which PyYAML cannot read.
    """
    buffer = mark.buffer if mark is not None else None
    if mark is None or not buffer or buffer[mark.pointer : mark.pointer + 1] != "\t":
        return None
    before = buffer[buffer.rfind("\n", 0, mark.pointer) + 1 : mark.pointer]
    if not before.strip(" \t-"):
        return "contains a tab character.", "YAML needs spaces for indentation."
    return (
        "contains a tab character here, which YAML cannot read outside quotes.",
        'use spaces instead, or put the whole text in quotes: "...".',
    )
