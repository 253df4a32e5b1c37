"""Load and validate the YAML knowledge base that maintainers edit by hand.

Maintainers are not programmers, so every problem is collected (not just the first), located by
file and line, and explained in plain words with a way to fix it. The bot refuses to start on an
invalid knowledge base rather than answer people from half of one.

Layout of the knowledge directory (documented for maintainers in ``knowledge/README.md``)::

    entries/<id>.yaml   one question topic or exercise per file
    texts.yaml          the bot's fixed texts (welcome, help, disclaimer, fallback, ...)
    red_flags.yaml      red-flag symptom patterns and the urgent message
    _vocabulary.yaml    synonyms and common misspellings, applied before matching

YAML 1.1 traps (``no`` read as false, ``1:30`` read as 90) cannot bite here: text fields take the
characters exactly as written, and the checker warns where another YAML reader would differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import yaml
from rapidfuzz import process

from bot.core.knowledge.catalogue import TEXT_KEYS, TEXT_LIMITS
from bot.core.knowledge.model import Entry, EntryKind, KnowledgeBase, Phrasing, RedFlag
from bot.core.knowledge.problems import KnowledgeError, Problem
from bot.core.normalise import fold

ENTRY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID = 48  # keeps "e:<id>" button data well inside Telegram's 64 bytes
MAX_TITLE = 40
MAX_SUMMARY = 200
MAX_ANSWER = 3500  # leaves room for the title, steps and disclaimer within Telegram's 4096
MIN_QUESTIONS = 3
ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote"}
)
_TRAP_TAGS = {
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:null": "an empty value",
}
_SEXAGESIMAL = re.compile(r"^[0-9]+(?::[0-5]?[0-9])+$")

# --------------------------------------------------------------------------------------------
# YAML reading that keeps line numbers and the text exactly as written


@dataclass
class _Reader:
    """Collects problems for one file while walking its YAML node tree."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    entry: str | None = None

    def error(
        self, node: yaml.Node | None, message: str, hint: str = "", key: str | None = None
    ) -> None:
        self.problems.append(Problem(self.file, _line(node), message, hint, self.entry, key))

    def warn(
        self, node: yaml.Node | None, message: str, hint: str = "", key: str | None = None
    ) -> None:
        self.warnings.append(Problem(self.file, _line(node), message, hint, self.entry, key))

    def mapping(
        self, node: yaml.Node, what: str, key: str | None = None
    ) -> dict[str, yaml.Node] | None:
        """A mapping's fields by name; duplicate names are reported (YAML would keep the last)."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} should be a set of 'name: value' fields.", key=key)
            return None
        fields: dict[str, yaml.Node] = {}
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
        return fields

    def text(self, node: yaml.Node, key: str, *, required: bool = True) -> str:
        """A text field exactly as written; traps and empties are reported."""
        if isinstance(node, yaml.ScalarNode):
            value = str(node.value)
            if node.style is None and node.tag in _TRAP_TAGS and value.strip():
                self._trap(node, key, value)
            if required and not value.strip():
                self.error(node, "is empty.", "write the text after the colon.", key=key)
            return value.strip()
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
            value = self.text(item, f"{key}[{index}]", required=False)
            if not value:
                self.error(item, f"item {index} is empty.", "remove the empty '- ' line.", key=key)
                continue
            items.append((value, item))
        return items

    def integer(self, node: yaml.Node, key: str) -> int:
        """A whole number field."""
        if isinstance(node, yaml.ScalarNode) and re.fullmatch(r"-?\d+", str(node.value)):
            return int(node.value)
        self.error(
            node, f"should be a whole number, not '{_show(node)}'.", "write e.g. 10.", key=key
        )
        return 0

    def unknown_fields(self, fields: Mapping[str, yaml.Node], known: tuple[str, ...]) -> None:
        """Report misspelled or unexpected field names, suggesting the closest known one."""
        for name, node in fields.items():
            if name in known:
                continue
            guess = process.extractOne(name, known, score_cutoff=60)
            hint = f"did you mean '{guess[0]}'?" if guess else f"known fields: {', '.join(known)}."
            self.error(_key_node(node, name), f"unknown field '{name}'.", hint, key=name)

    def _trap(self, node: yaml.ScalarNode, key: str, value: str) -> None:
        kind = _TRAP_TAGS[node.tag]
        if _SEXAGESIMAL.match(value):
            kind = "a number of minutes (YAML 1.1 reads 1:30 as 90)"
        self.warn(
            node,
            f"'{value}' is not in quotes; many YAML readers take it as {kind}. "
            "The bot reads it as the text you wrote.",
            f'write it in quotes: "{value}".',
            key=key,
        )


def _line(node: yaml.Node | None) -> int | None:
    return None if node is None else node.start_mark.line + 1


def _show(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "a list or mapping"


def _key_node(value_node: yaml.Node, name: str) -> yaml.Node:
    # A value's own line is close enough to its key's line for a maintainer to find it.
    return value_node


def _compose(path: Path, label: str, reader: _Reader) -> yaml.Node | None:
    """Parse one YAML file into a node tree, reporting syntax errors in plain words."""
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        reader.problems.append(
            Problem(label, None, "is not UTF-8 text.", "save the file as UTF-8 in your editor.")
        )
        return None
    except OSError as error:
        reader.problems.append(Problem(label, None, f"cannot be read ({error.strerror})."))
        return None
    if "\t" in content.split("#", 1)[0] or any(
        line.startswith("\t") for line in content.splitlines()
    ):
        line_no = next(i for i, line in enumerate(content.splitlines(), 1) if "\t" in line)
        reader.problems.append(
            Problem(
                label, line_no, "contains a tab character.", "YAML needs spaces for indentation."
            )
        )
        return None
    try:
        node = yaml.compose(content, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
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
    if node is None:
        reader.problems.append(Problem(label, None, "is empty.", "see knowledge/README.md."))
    return node


# --------------------------------------------------------------------------------------------
# Telegram HTML


class _HtmlChecker(HTMLParser):
    """Re-serialises Telegram's HTML subset, escaping stray characters and noting bad tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            advice = " (use a new line instead)" if tag in {"br", "p", "div"} else ""
            self.errors.append(f"the tag <{tag}> is not supported by Telegram{advice}")
            return
        if tag == "a":
            href = dict(attrs).get("href")
            if not href:
                self.errors.append('a link <a> needs href="https://..."')
                return
            self.out.append(f'<a href="{escape(href, quote=True)}">')
        else:
            self.out.append(f"<{tag}>")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        advice = " (use a new line instead)" if tag in {"br", "p"} else ""
        self.errors.append(f"the tag <{tag}/> is not supported by Telegram{advice}")

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"the closing tag </{tag}> is not supported by Telegram")
            return
        if not self.stack or self.stack[-1] != tag:
            opened = f"<{self.stack[-1]}> is still open" if self.stack else "nothing is open"
            self.errors.append(f"the closing tag </{tag}> does not match ({opened})")
            return
        self.stack.pop()
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))


def check_html(text: str) -> tuple[str, list[str]]:
    """Return ``text`` as safe Telegram HTML and a list of plain-words problems with its tags.

    Stray ``<``, ``>`` and ``&`` are escaped for the author; only real tag mistakes are problems.
    """
    checker = _HtmlChecker()
    checker.feed(text)
    checker.close()
    rest = checker.rawdata if hasattr(checker, "rawdata") else ""
    if rest:
        checker.out.append(escape(rest, quote=False))
    for tag in reversed(checker.stack):
        checker.errors.append(f"the tag <{tag}> is never closed (add </{tag}>)")
        checker.out.append(f"</{tag}>")
    return "".join(checker.out), checker.errors


# --------------------------------------------------------------------------------------------
# Files

ENTRY_FIELDS = (
    "id",
    "title",
    "kind",
    "order",
    "summary",
    "answer",
    "steps",
    "questions",
    "keywords",
    "related",
    "source",
)
_REQUIRED_ENTRY = ("id", "title", "summary", "answer", "questions")


def _html_field(reader: _Reader, node: yaml.Node, key: str, value: str) -> str:
    html, errors = check_html(value)
    for error in errors:
        reader.error(
            node, f"{error}.", "only <b>, <i>, <u>, <s>, <a href>, <code> are allowed.", key
        )
    return html


def _load_entry(path: Path, label: str, reader: _Reader) -> Entry | None:
    root = _compose(path, label, reader)
    if root is None:
        return None
    reader.entry = path.stem
    fields = reader.mapping(root, "An entry file")
    if fields is None:
        return None
    id_node = fields.get("id")
    raw_id = str(id_node.value).strip() if isinstance(id_node, yaml.ScalarNode) else ""
    reader.entry = raw_id or path.stem
    reader.unknown_fields(fields, ENTRY_FIELDS)
    for name in _REQUIRED_ENTRY:
        if name not in fields:
            reader.error(
                root, f"the required field '{name}' is missing.", "see knowledge/README.md.", name
            )

    entry_id = reader.text(id_node, "id") if id_node is not None else path.stem
    if id_node is not None and entry_id:
        if not ENTRY_ID.match(entry_id) or len(entry_id) > MAX_ID:
            reader.error(
                id_node,
                f"'{entry_id}' is not a valid id.",
                f"use lower-case letters, digits and hyphens (at most {MAX_ID}), e.g. pigeon-pose.",
                "id",
            )
        elif entry_id != path.stem:
            reader.error(
                id_node,
                f"the id '{entry_id}' differs from the file name '{path.name}'.",
                f"rename the file to {entry_id}.yaml or change the id to {path.stem}.",
                "id",
            )

    title = reader.text(fields["title"], "title") if "title" in fields else ""
    if len(title) > MAX_TITLE:
        reader.error(
            fields["title"],
            f"is {len(title)} characters long.",
            f"keep it under {MAX_TITLE}.",
            "title",
        )
    summary = reader.text(fields["summary"], "summary") if "summary" in fields else ""
    if len(summary) > MAX_SUMMARY:
        reader.error(
            fields["summary"],
            f"is {len(summary)} characters long.",
            f"keep it under {MAX_SUMMARY}.",
            "summary",
        )

    kind: EntryKind = "topic"
    if "kind" in fields:
        raw_kind = reader.text(fields["kind"], "kind")
        if raw_kind == "exercise":
            kind = "exercise"
        elif raw_kind != "topic":
            reader.error(
                fields["kind"], f"'{raw_kind}' is not a kind.", "write topic or exercise.", "kind"
            )
    order = reader.integer(fields["order"], "order") if "order" in fields else 1000

    answer = ""
    if "answer" in fields:
        answer = _html_field(
            reader, fields["answer"], "answer", reader.text(fields["answer"], "answer")
        )
    steps: list[str] = []
    if "steps" in fields:
        if kind != "exercise":
            reader.error(
                fields["steps"],
                "only exercises have steps.",
                "add 'kind: exercise' or remove the steps.",
                "steps",
            )
        steps = [
            _html_field(reader, node, "steps", value)
            for value, node in reader.text_list(fields["steps"], "steps")
        ]
    elif kind == "exercise":
        reader.error(root, "an exercise needs 'steps', the instructions one per line.", key="steps")
    size = len(answer) + sum(len(step) + 6 for step in steps)
    if size > MAX_ANSWER:
        reader.error(
            fields.get("answer", root),
            f"the answer and steps are {size} characters; Telegram allows 4096 per message "
            "including the title and disclaimer.",
            f"shorten them to under {MAX_ANSWER} characters, or split the entry in two.",
            "answer",
        )

    questions: list[Phrasing] = []
    if "questions" in fields:
        seen: dict[str, int | None] = {}
        for value, node in reader.text_list(fields["questions"], "questions"):
            key = fold(value)
            if key in seen:
                reader.warn(
                    node,
                    f"the phrasing '{value}' is listed twice (also on line {seen[key]}).",
                    "remove one of them.",
                    "questions",
                )
                continue
            seen[key] = _line(node)
            questions.append(Phrasing(value, _line(node)))
        if len(questions) < MIN_QUESTIONS:
            reader.error(
                fields["questions"],
                f"has {len(questions)} phrasing(s); at least {MIN_QUESTIONS} are needed "
                "to match questions.",
                "add more ways people would ask this.",
                "questions",
            )
    keywords = (
        [value for value, _ in reader.text_list(fields["keywords"], "keywords")]
        if "keywords" in fields
        else []
    )
    related_items = reader.text_list(fields["related"], "related") if "related" in fields else []
    source = reader.text(fields["source"], "source", required=False) if "source" in fields else ""
    reader.entry = None
    return Entry(
        id=entry_id or path.stem,
        title=title,
        kind=kind,
        order=order,
        summary=summary,
        answer=answer,
        steps=tuple(steps),
        questions=tuple(questions),
        keywords=tuple(fold(keyword) for keyword in keywords),
        related=tuple(value for value, _ in related_items),
        source=source,
        file=label,
        related_lines=tuple(_line(node) for _, node in related_items),
    )


def _load_texts(path: Path, label: str, reader: _Reader) -> dict[str, str]:
    root = _compose(path, label, reader)
    fields = reader.mapping(root, "texts.yaml") if root is not None else None
    if fields is None:
        return {}
    reader.unknown_fields(fields, tuple(TEXT_KEYS))
    texts: dict[str, str] = {}
    for key, placeholders in TEXT_KEYS.items():
        if key not in fields:
            reader.error(root, f"the text '{key}' is missing.", "see knowledge/README.md.", key)
            continue
        value = _html_field(reader, fields[key], key, reader.text(fields[key], key))
        for placeholder in placeholders:
            if value.count(placeholder) != 1:
                reader.error(
                    fields[key],
                    f"must contain {placeholder} exactly once.",
                    "the bot fills it in.",
                    key,
                )
        if any(p not in placeholders for p in re.findall(r"\{\w*\}", value)):
            reader.error(
                fields[key], "contains an unknown {placeholder}.", "remove the braces.", key
            )
        limit = TEXT_LIMITS.get(key)
        if limit is not None and len(value.strip()) > limit:
            reader.error(
                fields[key],
                f"is {len(value.strip())} characters long; at most {limit} fit here.",
                "shorten it.",
                key,
            )
        if key.startswith("button_") and "\n" in value.strip():
            reader.error(fields[key], "a button label must be one line.", "join the lines.", key)
        texts[key] = value
    return texts


def _load_red_flags(path: Path, label: str, reader: _Reader) -> tuple[str, list[RedFlag]]:
    root = _compose(path, label, reader)
    fields = reader.mapping(root, "red_flags.yaml") if root is not None else None
    if fields is None:
        return "", []
    reader.unknown_fields(fields, ("message", "flags"))
    message = ""
    if "message" not in fields:
        reader.error(root, "the urgent 'message' is missing.", key="message")
    else:
        message = _html_field(
            reader, fields["message"], "message", reader.text(fields["message"], "message")
        )
    flags: list[RedFlag] = []
    flag_nodes = fields.get("flags")
    if flag_nodes is None or not isinstance(flag_nodes, yaml.SequenceNode) or not flag_nodes.value:
        reader.error(
            flag_nodes or root, "'flags' must be a non-empty list of red flags.", key="flags"
        )
        return message, flags
    seen: set[str] = set()
    for item in flag_nodes.value:
        flag = reader.mapping(item, "A red flag", key="flags")
        if flag is None:
            continue
        reader.unknown_fields(flag, ("id", "name", "patterns"))
        flag_id = reader.text(flag["id"], "id") if "id" in flag else ""
        if not flag_id:
            reader.error(item, "a red flag has no 'id'.", key="id")
        elif flag_id in seen:
            reader.error(flag["id"], f"the red flag id '{flag_id}' is used twice.", key="id")
        seen.add(flag_id)
        name = reader.text(flag["name"], "name") if "name" in flag else flag_id
        patterns: list[re.Pattern[str]] = []
        raw_patterns = reader.text_list(flag["patterns"], "patterns") if "patterns" in flag else []
        if not raw_patterns:
            reader.error(item, f"the red flag '{flag_id}' has no patterns.", key="patterns")
        for value, node in raw_patterns:
            try:
                pattern = re.compile(value, re.IGNORECASE)
            except re.error as error:
                reader.error(
                    node,
                    f"the pattern '{value}' is not a valid regular expression ({error}).",
                    "check brackets ( ) [ ] and escape special characters with \\.",
                    "patterns",
                )
                continue
            if pattern.search(""):
                reader.error(node, f"the pattern '{value}' matches every message.", key="patterns")
                continue
            patterns.append(pattern)
        flags.append(RedFlag(flag_id, name, tuple(patterns)))
    return message, flags


def _load_vocabulary(path: Path, label: str, reader: _Reader) -> tuple[dict[str, str], set[str]]:
    if not path.exists():
        return {}, set()
    root = _compose(path, label, reader)
    fields = reader.mapping(root, "_vocabulary.yaml") if root is not None else None
    if fields is None:
        return {}, set()
    reader.unknown_fields(fields, ("synonyms", "off_topic"))
    synonyms: dict[str, str] = {}
    groups = (
        reader.mapping(fields["synonyms"], "'synonyms'", "synonyms") if "synonyms" in fields else {}
    )
    for canonical, node in (groups or {}).items():
        target = fold(canonical)
        for value, item in reader.text_list(node, canonical):
            variant = fold(value)
            if variant == target:
                reader.warn(
                    item, f"'{value}' is the same as '{canonical}'.", "remove it.", canonical
                )
            elif variant in synonyms and synonyms[variant] != target:
                reader.error(
                    item,
                    f"'{value}' is listed under both '{synonyms[variant]}' and '{canonical}'.",
                    "keep it under one word only.",
                    canonical,
                )
            else:
                synonyms[variant] = target
    off_topic: set[str] = set()
    if "off_topic" in fields:
        for value, _ in reader.text_list(fields["off_topic"], "off_topic"):
            off_topic.update(fold(value).split())
    return synonyms, off_topic


def _entry_files(directory: Path) -> Iterator[Path]:
    yield from sorted((directory / "entries").glob("*.yaml"))
    yield from sorted((directory / "entries").glob("*.yml"))


def load_knowledge(directory: Path | str) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise KnowledgeError listing every problem."""
    directory = Path(directory)
    problems: list[Problem] = []
    warnings: list[Problem] = []

    def label(path: Path) -> str:
        try:
            return str(path.relative_to(directory.parent))
        except ValueError:
            return str(path)

    if not directory.is_dir():
        raise KnowledgeError(
            [Problem(str(directory), None, "is not a folder.", "set KNOWLEDGE_DIR.")]
        )

    def run_reader(path: Path) -> _Reader:
        return _Reader(label(path))

    entries: dict[str, Entry] = {}
    unreadable: set[str] = set()
    files = list(_entry_files(directory))
    if not files:
        problems.append(
            Problem(label(directory / "entries"), None, "holds no entry files (*.yaml).")
        )
    for path in files:
        reader = run_reader(path)
        entry = _load_entry(path, reader.file, reader)
        problems += reader.problems
        warnings += reader.warnings
        if entry is None:
            unreadable.add(path.stem)
            continue
        if entry.id in entries:
            problems.append(
                Problem(
                    entry.file,
                    None,
                    f"the id '{entry.id}' is already used by {entries[entry.id].file}.",
                    "give each entry its own id.",
                    entry.id,
                    "id",
                )
            )
            continue
        entries[entry.id] = entry

    for entry in entries.values():
        for target, line in zip(entry.related, entry.related_lines, strict=True):
            if target == entry.id:
                problems.append(
                    Problem(entry.file, line, "links to itself.", "remove it.", entry.id, "related")
                )
            elif target in unreadable:
                continue  # that file's own problem is reported; a second message would mislead
            elif target not in entries:
                guess = process.extractOne(target, list(entries), score_cutoff=60)
                hint = (
                    f"did you mean '{guess[0]}'?" if guess else "use the id of an existing entry."
                )
                problems.append(
                    Problem(
                        entry.file,
                        line,
                        f"links to '{target}', which does not exist.",
                        hint,
                        entry.id,
                        "related",
                    )
                )
    owners: dict[str, Entry] = {}
    for entry in entries.values():
        for phrasing in entry.questions:
            key = fold(phrasing.text)
            other = owners.setdefault(key, entry)
            if other.id != entry.id:
                problems.append(
                    Problem(
                        entry.file,
                        phrasing.line,
                        f"the phrasing '{phrasing.text}' is also a phrasing of '{other.id}' "
                        f"({other.file}).",
                        "keep it in the one entry it belongs to.",
                        entry.id,
                        "questions",
                    )
                )

    texts_reader = run_reader(directory / "texts.yaml")
    texts = (
        _load_texts(directory / "texts.yaml", texts_reader.file, texts_reader)
        if (directory / "texts.yaml").exists()
        else {}
    )
    if not (directory / "texts.yaml").exists():
        texts_reader.problems.append(
            Problem(texts_reader.file, None, "is missing.", "see knowledge/README.md.")
        )
    flags_reader = run_reader(directory / "red_flags.yaml")
    if (directory / "red_flags.yaml").exists():
        message, flags = _load_red_flags(
            directory / "red_flags.yaml", flags_reader.file, flags_reader
        )
    else:
        message, flags = "", []
        flags_reader.problems.append(
            Problem(flags_reader.file, None, "is missing.", "see knowledge/README.md.")
        )
    vocabulary_reader = run_reader(directory / "_vocabulary.yaml")
    synonyms, off_topic = _load_vocabulary(
        directory / "_vocabulary.yaml", vocabulary_reader.file, vocabulary_reader
    )
    for reader in (texts_reader, flags_reader, vocabulary_reader):
        problems += reader.problems
        warnings += reader.warnings

    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(
        entries=entries,
        texts=texts,
        red_flag_message=message,
        red_flags=tuple(flags),
        synonyms=synonyms,
        directory=directory,
        off_topic=frozenset(off_topic),
        warnings=tuple(warnings),
    )
