"""Loading ``_vocabulary.yaml``: synonyms and misspellings, who is only quoted, words of other
subjects, the details a follow-up can ask, the subjects near ours that the article does not cover,
the words of how a body is placed in an exercise, punctuation said aloud, and the real words that
are never read as a typo of another."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import yaml

from bot.core.knowledge.model import FollowUp
from bot.core.knowledge.yaml_reader import Fields, Reader, compose
from bot.core.normalise import fold

__all__ = ["load_vocabulary"]

# The marks a dictated word may stand for: those that end or divide a sentence.
MARKS = (".", "?", "!", ",", ";", ":")
# What a person who is only quoted is read as ("my physio said ..." -> "someone ..."): a stop
# word, so the question is about what they said, not about them.
QUOTED = "someone"


class Vocabulary(NamedTuple):
    """What ``_vocabulary.yaml`` declares, folded."""

    synonyms: dict[str, str]  # variant -> canonical
    off_topic: set[str]
    follow_ups: list[FollowUp]
    not_covered: dict[str, tuple[str, ...]]  # group -> words or phrases
    # how the replies name a subject whose word is not a noun: "pregnant" -> "pregnancy"
    not_covered_names: dict[str, str]
    spoken_marks: dict[str, str]  # "full stop" -> "."
    # how a body is placed in an exercise: "body" -> its parts, "placing" -> where and how
    exercise_form: dict[str, frozenset[str]]
    # real words close to one of the knowledge base's ("shooting", "message"): never "corrected"
    not_typos: frozenset[str]


def load_vocabulary(path: Path, label: str, reader: Reader) -> Vocabulary:
    """Synonyms (variant -> canonical), off-topic words, follow-up details, not-covered words
    and their names, exercise-form words, punctuation said aloud, words never read as a typo."""
    if not path.exists():
        return Vocabulary({}, set(), [], {}, {}, {}, {}, frozenset())
    root = compose(path, label, reader)
    fields = reader.mapping(root, "_vocabulary.yaml") if root is not None else None
    if fields is None:
        return Vocabulary({}, set(), [], {}, {}, {}, {}, frozenset())
    reader.unknown_fields(
        fields,
        (
            "synonyms",
            "sources",
            "off_topic",
            "details",
            "not_covered",
            "not_covered_names",
            "exercise_form",
            "spoken_punctuation",
            "not_typos",
        ),
    )
    synonyms: dict[str, str] = {}
    groups = (
        reader.mapping(fields["synonyms"], "'synonyms'", "synonyms")
        if "synonyms" in fields
        else None
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
    if "sources" in fields:
        for variant in _sources(reader, fields["sources"]):
            synonyms.setdefault(variant, QUOTED)  # (a synonym listed on purpose wins)
    off_topic: set[str] = set()
    if "off_topic" in fields:
        for value, _ in reader.text_list(fields["off_topic"], "off_topic"):
            off_topic.update(fold(value).split())
    follow_ups = _follow_ups(reader, fields["details"]) if "details" in fields else []
    not_covered: dict[str, tuple[str, ...]] = {}
    if "not_covered" in fields:
        covered = reader.mapping(fields["not_covered"], "'not_covered'", "not_covered") or Fields()
        for group, node in covered.items():
            words = [fold(value) for value, _ in reader.text_list(node, group)]
            not_covered[group] = tuple(word for word in words if word)
            off_topic.update(word for phrase in words for word in phrase.split())
    names = (
        _not_covered_names(reader, fields["not_covered_names"], not_covered)
        if "not_covered_names" in fields
        else {}
    )
    exercise_form = (
        _exercise_form(reader, fields["exercise_form"]) if "exercise_form" in fields else {}
    )
    spoken = (
        _spoken_marks(reader, fields["spoken_punctuation"])
        if "spoken_punctuation" in fields
        else {}
    )
    not_typos = frozenset(  # each line: words separated by spaces
        word
        for value, _ in (
            reader.text_list(fields["not_typos"], "not_typos") if "not_typos" in fields else ()
        )
        for word in fold(value).split()
    )
    return Vocabulary(
        synonyms, off_topic, follow_ups, not_covered, names, spoken, exercise_form, not_typos
    )


def _sources(reader: Reader, node: yaml.Node) -> list[str]:
    """``sources:``: {who: [people], says: [words that quote them]}: every "who says" phrase
    ("physio said", "gp reckons"), folded."""
    fields = reader.mapping(node, "'sources'", "sources") or Fields()
    reader.unknown_fields(fields, ("who", "says"))
    lists = {}
    for name in ("who", "says"):
        if name not in fields:
            reader.error(node, f"'sources' needs '{name}'.", f"add '{name}:' with its list.", name)
            return []
        lists[name] = [fold(value) for value, _ in reader.text_list(fields[name], name)]
    return [f"{who} {says}" for who in lists["who"] if who for says in lists["says"] if says]


def _not_covered_names(
    reader: Reader, node: yaml.Node, not_covered: dict[str, tuple[str, ...]]
) -> dict[str, str]:
    """``not_covered_names:``: a word listed under ``not_covered`` -> how the replies name it
    ("I can't help with pregnancy", not "with pregnant"), folded word -> name as written."""
    listed = {word for words in not_covered.values() for word in words}
    names: dict[str, str] = {}
    fields = reader.mapping(node, "'not_covered_names'", "not_covered_names") or Fields()
    for word, item in fields.items():
        name = reader.text(item, word)
        if fold(word) not in listed:
            reader.error(
                fields.key_nodes[word],
                f"'{word}' under 'not_covered_names' is not listed under 'not_covered'.",
                "name only a word or phrase that 'not_covered' lists, written the same way.",
                word,
            )
        elif name:
            names[fold(word)] = name
    return names


def _exercise_form(reader: Reader, node: yaml.Node) -> dict[str, frozenset[str]]:
    """``exercise_form:``: {body: [parts of the body], placing: [where and how they go]}, each
    line a few words, folded."""
    fields = reader.mapping(node, "'exercise_form'", "exercise_form") or Fields()
    reader.unknown_fields(fields, ("body", "placing"))
    return {
        name: frozenset(
            word
            for value, _ in reader.text_list(fields[name], name)
            for word in fold(value).split()
        )
        for name in ("body", "placing")
        if name in fields
    }


def _spoken_marks(reader: Reader, node: yaml.Node) -> dict[str, str]:
    """``spoken_punctuation:``: mark -> [the words that say it], as dictation types them."""
    spoken: dict[str, str] = {}
    marks = reader.mapping(node, "'spoken_punctuation'", "spoken_punctuation") or Fields()
    for mark, item in marks.items():
        if mark not in MARKS:
            reader.error(
                item,
                f"'{mark}' under 'spoken_punctuation' is not a punctuation mark.",
                f"use one of {' '.join(MARKS)} (in quotes) with the words that say it.",
                mark,
            )
            continue
        for value, _ in reader.text_list(item, mark):
            if words := fold(value):
                spoken[words] = mark
    return spoken


def _follow_ups(reader: Reader, node: yaml.Node) -> list[FollowUp]:
    """``details:``: name -> {asks: [phrases], default: entry-id (optional), answer: topic, again
    or default (optional: the topic's whole entry answers it, the same when no other detail is
    asked beside it, or the default entry does, whatever the question is about), in_exercises:
    another detail's name (optional: what it asks after an exercise that has that detail),
    asked_of: exercises (optional: it asks how an exercise is done)}."""
    found = []
    pointing: list[tuple[str, yaml.Node]] = []  # details naming another in 'in_exercises'
    for name, item in (reader.mapping(node, "'details'", "details") or {}).items():
        fields = reader.mapping(item, f"the detail '{name}'", name) or Fields()
        reader.unknown_fields(
            fields, ("asks", "default", "answer", "alone", "in_exercises", "asked_of")
        )
        if "asks" not in fields:
            reader.error(
                item, f"the detail '{name}' needs 'asks': the words that ask it.", key=name
            )
            continue
        asks = tuple(fold(value) for value, _ in reader.text_list(fields["asks"], name))
        default = reader.text(fields["default"], name) if "default" in fields else None
        answer = reader.text(fields["answer"], name) if "answer" in fields else None
        if answer not in (None, "topic", "again", "told", "default") or (
            answer == "default" and not default
        ):
            reader.error(
                fields["answer"],
                f"the detail '{name}' has 'answer: {answer}'.",
                "write 'answer: topic' (the topic's whole entry answers it), 'answer: again' "
                "(the same, unless another detail is asked beside it), 'answer: told' (the "
                "same, for a message that adds to the question just asked), 'answer: default' "
                "(its default entry answers it, whatever the question is about; needs "
                "'default') or leave it out.",
                name,
            )
        alone = reader.text(fields["alone"], name) if "alone" in fields else None
        if alone not in (None, "default") or (alone == "default" and not default):
            reader.error(
                fields["alone"],
                f"the detail '{name}' has 'alone: {alone}'.",
                "write 'alone: default' (its default entry answers it asked with nothing to "
                "follow, though other entries have it too; needs 'default') or leave it out.",
                name,
            )
        asked_of = reader.text(fields["asked_of"], name) if "asked_of" in fields else None
        if asked_of not in (None, "exercises"):
            reader.error(
                fields["asked_of"],
                f"the detail '{name}' has 'asked_of: {asked_of}'.",
                "write 'asked_of: exercises' (it asks how an exercise is done) or leave it out.",
                name,
            )
        in_exercises = (
            reader.text(fields["in_exercises"], name) if "in_exercises" in fields else None
        )
        if in_exercises:
            pointing.append((in_exercises, fields["in_exercises"]))
        found.append(
            FollowUp(
                name,
                tuple(a for a in asks if a),
                default or None,
                answers_topic=answer in ("topic", "again", "told"),
                yields=answer == "again",
                over_subject=answer == "default" and bool(default),
                alone_default=alone == "default" and bool(default),
                in_exercises=in_exercises or None,
                of_exercises=asked_of == "exercises",
                tells=answer == "told",
            )
        )
    names = {follow_up.name for follow_up in found}
    for other, value in pointing:
        if other not in names:
            reader.error(
                value,
                f"'in_exercises: {other}' names no detail.",
                f"write the name of a detail of this file ({', '.join(sorted(names))}).",
                "in_exercises",
            )
    return found
