"""Loading ``_vocabulary.yaml``: synonyms and misspellings, and words of other subjects."""

from __future__ import annotations

from pathlib import Path

from bot.core.knowledge.yaml_reader import Reader, compose
from bot.core.normalise import fold

__all__ = ["load_vocabulary"]


def load_vocabulary(path: Path, label: str, reader: Reader) -> tuple[dict[str, str], set[str]]:
    if not path.exists():
        return {}, set()
    root = compose(path, label, reader)
    fields = reader.mapping(root, "_vocabulary.yaml") if root is not None else None
    if fields is None:
        return {}, set()
    reader.unknown_fields(fields, ("synonyms", "off_topic"))
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
    off_topic: set[str] = set()
    if "off_topic" in fields:
        for value, _ in reader.text_list(fields["off_topic"], "off_topic"):
            off_topic.update(fold(value).split())
    return synonyms, off_topic
