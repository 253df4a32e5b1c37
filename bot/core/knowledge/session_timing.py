"""The optional ``session`` field of an exercise entry: how a guided /stretch session paces it.

The numbers (hold times, repetitions) come from the article and belong to maintainers, so they
live in the entry's YAML next to the instructions they must agree with, not in Python.
"""

from __future__ import annotations

import yaml

from bot.core.knowledge.model import SessionTiming
from bot.core.knowledge.yaml_reader import Reader

__all__ = ["SESSION_FIELDS", "read_session_timing"]

# field -> (smallest, largest, default or None when required); seconds unless said otherwise
SESSION_FIELDS: dict[str, tuple[int, int, int | None]] = {
    "position": (0, 120, None),
    "hold": (1, 300, None),
    "sides": (1, 2, 1),
    "repetitions": (0, 50, 0),
    "move": (0, 30, 0),
    "rest": (0, 300, 0),
}


def read_session_timing(reader: Reader, node: yaml.Node) -> SessionTiming | None:
    """The ``session`` mapping of an exercise, checked field by field; None if it is unusable."""
    key = "session"
    fields = reader.mapping(node, "The session", key)
    if fields is None:
        return None
    reader.unknown_fields(fields, tuple(SESSION_FIELDS))
    values: dict[str, int] = {}
    for name, (low, high, default) in SESSION_FIELDS.items():
        if name not in fields:
            if default is None:
                reader.error(
                    node,
                    f"the session needs '{name}' (seconds).",
                    "see the session fields in knowledge/README.md.",
                    key,
                )
                return None
            values[name] = default
            continue
        before = len(reader.problems)
        value = reader.integer(fields[name], f"session.{name}")
        if len(reader.problems) > before:
            return None
        if not low <= value <= high:
            reader.error(
                fields[name],
                f"session.{name} is {value}.",
                f"use a whole number from {low} to {high}.",
                key,
            )
            return None
        values[name] = value
    if values["move"] and not values["repetitions"]:
        reader.error(
            fields["move"],
            "session.move is only used with repetitions.",
            "add 'repetitions' or remove 'move'.",
            key,
        )
        return None
    return SessionTiming(**values)
