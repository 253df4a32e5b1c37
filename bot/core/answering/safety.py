"""Red-flag screening: the first thing every message goes through.

A message that describes a red-flag symptom (loss of bladder control, saddle numbness, fever,
trauma, ...) must get the urgent-care message before anything else, even if it also reads like an
ordinary question. The patterns live in ``knowledge/red_flags.yaml`` so clinicians and maintainers
can extend them without touching Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.knowledge import RedFlag
from bot.core.normalise import fold, simplify


@dataclass(frozen=True)
class RedFlagHit:
    """Which red flag fired and the words that fired it (for logs and ``ask --explain``)."""

    flag_id: str
    name: str
    matched: str


def check_red_flags(text: str, flags: Sequence[RedFlag]) -> RedFlagHit | None:
    """Return the first red flag described by ``text``, or None.

    Each pattern is tried on the message with punctuation kept and with it folded away, so both
    "can't feel my groin" and "cant feel my groin!!!" are caught.
    """
    variants = (simplify(text), fold(text))
    for flag in flags:
        for pattern in flag.patterns:
            for variant in variants:
                found = pattern.search(variant)
                if found:
                    return RedFlagHit(flag.id, flag.name, found.group(0))
    return None
