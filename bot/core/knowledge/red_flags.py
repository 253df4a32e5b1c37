"""Loading ``red_flags.yaml``: the urgent message and the red-flag patterns."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.core.knowledge.html_check import html_field
from bot.core.knowledge.model import RedFlag
from bot.core.knowledge.yaml_reader import Reader, compose

__all__ = ["load_red_flags"]


def load_red_flags(path: Path, label: str, reader: Reader) -> tuple[str, list[RedFlag]]:
    root = compose(path, label, reader)
    fields = reader.mapping(root, "red_flags.yaml") if root is not None else None
    if fields is None:
        return "", []
    reader.unknown_fields(fields, ("message", "flags"))
    message = ""
    if "message" not in fields:
        reader.error(root, "the urgent 'message' is missing.", key="message")
    else:
        message = html_field(
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
