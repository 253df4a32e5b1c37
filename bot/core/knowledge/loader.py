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
from collections.abc import Iterator
from pathlib import Path

import yaml
from rapidfuzz import process

from bot.core.knowledge.html_check import html_field
from bot.core.knowledge.model import Entry, EntryKind, KnowledgeBase, Phrasing
from bot.core.knowledge.problems import KnowledgeError, Problem
from bot.core.knowledge.red_flags import load_red_flags
from bot.core.knowledge.session_timing import read_session_timing
from bot.core.knowledge.texts import load_texts
from bot.core.knowledge.vocabulary import load_vocabulary
from bot.core.knowledge.yaml_reader import Reader, compose, line_of
from bot.core.normalise import fold

ENTRY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID = 48  # keeps "e:<id>" button data well inside Telegram's 64 bytes
MAX_TITLE = 40
MAX_SUMMARY = 200
MAX_ANSWER = 3500  # leaves room for the title, steps and disclaimer within Telegram's 4096
MIN_QUESTIONS = 3
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
    "session",
)
_REQUIRED_ENTRY = ("id", "title", "summary", "answer", "questions")


def _load_entry(path: Path, label: str, reader: Reader) -> Entry | None:
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
        answer = html_field(
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
            html_field(reader, node, "steps", value)
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
            seen[key] = line_of(node)
            questions.append(Phrasing(value, line_of(node)))
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
    session = read_session_timing(reader, fields["session"], kind) if "session" in fields else None
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
        related_lines=tuple(line_of(node) for _, node in related_items),
        session=session,
    )


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

    def run_reader(path: Path) -> Reader:
        return Reader(label(path))

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
        load_texts(directory / "texts.yaml", texts_reader.file, texts_reader)
        if (directory / "texts.yaml").exists()
        else {}
    )
    if not (directory / "texts.yaml").exists():
        texts_reader.problems.append(
            Problem(texts_reader.file, None, "is missing.", "see knowledge/README.md.")
        )
    flags_reader = run_reader(directory / "red_flags.yaml")
    if (directory / "red_flags.yaml").exists():
        message, flags = load_red_flags(
            directory / "red_flags.yaml", flags_reader.file, flags_reader
        )
    else:
        message, flags = "", []
        flags_reader.problems.append(
            Problem(flags_reader.file, None, "is missing.", "see knowledge/README.md.")
        )
    vocabulary_reader = run_reader(directory / "_vocabulary.yaml")
    synonyms, off_topic = load_vocabulary(
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
