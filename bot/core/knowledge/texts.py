"""Loading ``texts.yaml`` against the catalogue: every key present, placeholders, lengths."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.knowledge.catalogue import TEXT_KEYS, TEXT_LIMITS
from bot.core.knowledge.html_check import html_field
from bot.core.knowledge.yaml_reader import Reader, compose

__all__ = ["load_texts"]


def load_texts(path: Path, label: str, reader: Reader) -> dict[str, str]:
    root = compose(path, label, reader)
    fields = reader.mapping(root, "texts.yaml") if root is not None else None
    if fields is None:
        return {}
    reader.unknown_fields(fields, tuple(TEXT_KEYS))
    texts: dict[str, str] = {}
    for key, placeholders in TEXT_KEYS.items():
        if key not in fields:
            reader.error(root, f"the text '{key}' is missing.", "see knowledge/README.md.", key)
            continue
        value = html_field(reader, fields[key], key, reader.text(fields[key], key))
        for placeholder in placeholders:
            if value.count(placeholder) != 1:
                reader.error(
                    fields[key],
                    f"must contain {placeholder} exactly once.",
                    "the bot fills it in.",
                    key,
                )
        for unknown in dict.fromkeys(re.findall(r"\{\w*\}", value)):
            if unknown not in placeholders:
                allowed = (
                    f"the only ones it fills in here are {', '.join(placeholders)}"
                    if placeholders
                    else "it fills in none in this text"
                )
                reader.error(
                    fields[key],
                    f"contains {unknown}, which the bot does not fill in; {allowed}.",
                    "remove the braces, or write one of those.",
                    key,
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
