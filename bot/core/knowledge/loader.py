"""Load and validate the YAML knowledge base that maintainers edit by hand.

Maintainers are not programmers, so every problem is collected (not just the first), located by
file and line, and explained in plain words with a way to fix it. The bot refuses to start on an
invalid knowledge base rather than answer people from half of one.

Layout of the knowledge directory (documented for maintainers in ``knowledge/README.md``)::

    entries/<id>.yaml   one question topic or exercise per file
    texts.yaml          the bot's fixed texts (welcome, help, disclaimer, fallback, ...)
    red_flags/          red flags: urgent tiers, signs, their words, context triggers
    _vocabulary.yaml    synonyms and common misspellings, applied before matching

YAML 1.1 traps (``no`` read as false, ``1:30`` read as 90) cannot bite here: text fields take the
characters exactly as written, and the checker warns where another YAML reader would differ.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from rapidfuzz import process

from bot.core.collector import paused
from bot.core.knowledge.entries import LoadedEntry, load_entry
from bot.core.knowledge.model import Entry, FollowUp, KnowledgeBase, Phrasing
from bot.core.knowledge.problems import KnowledgeError, Problem
from bot.core.knowledge.red_flags import FOLDER, load_red_flags
from bot.core.knowledge.texts import load_texts
from bot.core.knowledge.vocabulary import load_vocabulary
from bot.core.knowledge.yaml_reader import Reader
from bot.core.normalise import fold


def _entry_files(directory: Path) -> Iterator[Path]:
    # By name: the order of the paths (one folder), without comparing paths part by part.
    yield from sorted((directory / "entries").glob("*.yaml"), key=_name)
    yield from sorted((directory / "entries").glob("*.yml"), key=_name)


def _name(path: Path) -> str:
    return path.name


def _one_file_per_id(loaded: list[LoadedEntry]) -> tuple[dict[str, Entry], list[Problem]]:
    """Entries by id; an id must be its file's name, and only one file's.

    A copied file that kept its id gets one problem, at its id line, naming the file that owns
    the id (the one named after it), never a hint to rename it onto that file.
    """
    groups: dict[str, list[LoadedEntry]] = defaultdict(list)
    for found in loaded:
        groups[found.entry.id].append(found)
    entries: dict[str, Entry] = {}
    problems: list[Problem] = []
    for entry_id, group in groups.items():
        owner = next((found for found in group if found.path.stem == entry_id), group[0])
        entries[entry_id] = owner.entry
        for found in group:
            stem, file = found.path.stem, found.entry.file
            if found is not owner:
                hint = (
                    f"keep one of the two files (both are named {stem})."
                    if stem == owner.path.stem
                    else f"give this entry its own id: the name of its file, {stem}."
                )
                message = f"the id '{entry_id}' is already used by {owner.entry.file}."
            elif found.id_valid and stem != entry_id:
                message = f"the id '{entry_id}' differs from the file name '{found.path.name}'."
                hint = f"rename the file to {entry_id}.yaml or change the id to {stem}."
            else:
                continue
            problems.append(Problem(file, found.id_line, message, hint, entry_id, "id"))
    return entries, problems


def _links_lead_to_entries(entries: Mapping[str, Entry], unreadable: set[str]) -> list[Problem]:
    """Every ``related`` id names another entry; a misspelt one gets the closest other id."""
    problems = []
    for entry in entries.values():
        for target, line in zip(entry.related, entry.related_lines, strict=True):
            if target == entry.id:
                problems.append(
                    Problem(entry.file, line, "links to itself.", "remove it.", entry.id, "related")
                )
            elif target in unreadable:
                continue  # that file's own problem is reported; a second message would mislead
            elif target not in entries:
                others = [entry_id for entry_id in entries if entry_id != entry.id]
                guess = process.extractOne(target, others, score_cutoff=60)
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
    return problems


def _phrasings_belong_to_one_entry(
    entries: Mapping[str, Entry],
    modified: Mapping[str, float],
    folded: Mapping[str, Sequence[str]] | None = None,
) -> list[Problem]:
    """The same phrasing (after folding) in two entries: the bot could only answer one.

    Reported once, at the copy in the file changed last (the maintainer's edit, most likely),
    naming the other copy's file and line. ``folded``: each entry's phrasings already folded
    (when its file was read), so that a large base is not folded twice.
    """
    problems = []
    owners: dict[str, tuple[Entry, Phrasing]] = {}
    for entry in entries.values():
        keys = folded.get(entry.id, ()) if folded is not None else ()
        if len(keys) != len(entry.questions):
            keys = [fold(phrasing.text) for phrasing in entry.questions]
        for phrasing, key in zip(entry.questions, keys, strict=True):
            other, other_phrasing = owners.setdefault(key, (entry, phrasing))
            if other.id == entry.id:
                continue
            here, there = (entry, phrasing), (other, other_phrasing)
            if modified.get(other.id, 0.0) > modified.get(entry.id, 0.0):
                here, there = there, here
            line = there[1].line
            problems.append(
                Problem(
                    here[0].file,
                    here[1].line,
                    f"the phrasing '{here[1].text}' is also a phrasing of '{there[0].id}' "
                    f"({there[0].file}{'' if line is None else f':{line}'}).",
                    "keep it in the one entry it belongs to.",
                    here[0].id,
                    "questions",
                )
            )
    return problems


def load_knowledge(directory: Path | str) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise KnowledgeError listing every problem.

    (The garbage collector is paused meanwhile: see ``bot.core.collector``.)"""
    with paused():
        return _load_knowledge(Path(directory))


def _load_knowledge(directory: Path) -> KnowledgeBase:
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

    loaded: list[LoadedEntry] = []
    unreadable: set[str] = set()  # file names whose own problems are reported
    files = list(_entry_files(directory))
    folder = label(directory / "entries")  # (the files are directly in it)
    if not files:
        problems.append(
            Problem(label(directory / "entries"), None, "holds no entry files (*.yaml).")
        )
    for path in files:
        reader = Reader(f"{folder}/{path.name}")  # ``label(path)``, not computed 5,000 times
        found = load_entry(path, reader.file, reader)
        problems += reader.problems
        warnings += reader.warnings
        if found is None:
            unreadable.add(path.stem)
        else:
            loaded.append(found)
    entries, id_problems = _one_file_per_id(loaded)
    problems += id_problems
    unreadable |= {found.path.stem for found in loaded if found.path.stem != found.entry.id}
    problems += _links_lead_to_entries(entries, unreadable)
    kept = [e for e in loaded if entries.get(e.entry.id) is e.entry]
    modified = {e.entry.id: e.modified for e in kept}
    problems += _phrasings_belong_to_one_entry(
        entries, modified, {e.entry.id: e.folded for e in kept}
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
    red_flags, flag_problems, flag_warnings = load_red_flags(
        directory / FOLDER, label(directory / FOLDER), entries.keys() | unreadable
    )
    problems += flag_problems
    warnings += flag_warnings
    vocabulary_reader = run_reader(directory / "_vocabulary.yaml")
    vocabulary = load_vocabulary(
        directory / "_vocabulary.yaml", vocabulary_reader.file, vocabulary_reader
    )
    problems += _check_details(entries, vocabulary.follow_ups, vocabulary_reader.file)
    for reader in (texts_reader, vocabulary_reader):
        problems += reader.problems
        warnings += reader.warnings

    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(
        entries=entries,
        texts=texts,
        red_flags=red_flags,
        synonyms=vocabulary.synonyms,
        directory=directory,
        off_topic=frozenset(vocabulary.off_topic),
        warnings=tuple(warnings),
        follow_ups=tuple(vocabulary.follow_ups),
        not_covered=vocabulary.not_covered,
        not_covered_names=vocabulary.not_covered_names,
        spoken_marks=vocabulary.spoken_marks,
        exercise_form=vocabulary.exercise_form,
        not_typos=vocabulary.not_typos,
    )


def _check_details(
    entries: dict[str, Entry], follow_ups: list[FollowUp], vocabulary_file: str
) -> list[Problem]:
    """Every entry detail is one the vocabulary declares; every default is an entry."""
    declared = {follow_up.name for follow_up in follow_ups}
    problems = []
    for entry in entries.values():
        for name, _ in entry.details:
            if name not in declared:
                problems.append(
                    Problem(
                        entry.file,
                        None,
                        f"the detail '{name}' is not declared under 'details' in _vocabulary.yaml.",
                        f"declare it there (with the words that ask it), or use one of: "
                        f"{', '.join(sorted(declared)) or 'none yet'}.",
                        entry.id,
                        "details",
                    )
                )
    for follow_up in follow_ups:
        if follow_up.default is not None and follow_up.default not in entries:
            problems.append(
                Problem(
                    vocabulary_file,
                    None,
                    f"the detail '{follow_up.name}' answers with '{follow_up.default}', "
                    "which is not an entry.",
                    "use the id of an existing entry.",
                    field="details",
                )
            )
    return problems
