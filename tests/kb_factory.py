"""Build small knowledge folders on disk for tests, valid by default, broken on request."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping
from pathlib import Path

from bot.core.knowledge import TEXT_KEYS as REQUIRED_TEXTS

# Every fixed text, with the placeholders it must contain (from the loader, so a new text key
# needs no change here); the two below get hand-written texts that tests look for.
SPECIAL_TEXTS = {
    "unknown_exercise": "I do not know {name}.",
    "group_howto": "Ask {bot} a question.",
}
TEXT_KEYS = tuple(key for key in REQUIRED_TEXTS if key not in SPECIAL_TEXTS)


def texts_yaml() -> str:
    """A valid ``texts.yaml``: each text names its key and holds its required placeholders
    (button labels just the key: they must stay short)."""
    lines = [
        f"{key}: {'' if key.startswith('button_') else 'Text for '}{key}"
        f"{''.join(' ' + p for p in REQUIRED_TEXTS[key])}.\n"
        for key in TEXT_KEYS
    ]
    return "".join(lines) + "".join(f"{key}: {text}\n" for key, text in SPECIAL_TEXTS.items())


PIGEON = """\
# Pigeon pose.
id: pigeon-pose
title: Pigeon
kind: exercise
order: 20
summary: A yoga hip stretch.
answer: |
  A deep hip stretch from a plank.
steps:
  - Start in a plank position.
  - Bring your right knee near your right wrist.
  - Hold for 30 seconds and switch sides.
questions:
  - how do i do pigeon pose
  - pigeon pose steps
  - how long to hold pigeon
  - where does my knee go in pigeon
keywords:
  - pigeon
related:
  - sitting
source: Exercises
"""

SITTING = """\
# Sitting and hip flexors.
id: sitting
title: Sitting all day
order: 10
summary: Prolonged sitting shortens the hip flexors.
answer: |
  Yes: sitting keeps the hip flexors in a shortened position.
questions:
  - can sitting all day cause tight hip flexors
  - does sitting at a desk tighten my hips
  - is my office chair making my hips tight
  - sitting for hours and hip flexors
keywords:
  - sitting
  - desk
related:
  - pigeon-pose
"""

# A small red_flags/ folder: two tiers, two flags, a few words and context triggers.
RED_FLAG_TIERS = """\
tiers:
  - id: emergency
    name: Call 999 now
    message: |
      <b>Please get urgent medical help.</b> Call emergency services.
  - id: today
    name: A doctor today
    message: |
      <b>Please see a doctor today</b> for an urgent appointment.
"""
RED_FLAG_FLAGS = """\
questions:
  entry: sitting
  patterns:
    - red flags
flags:
  - id: bladder
    name: Loss of bladder control
    tier: emergency
    note: "Loss of bladder control with back pain needs medical help now."
    explain: "<b>Loss of bladder control</b> means leaking urine without meaning to."
    patterns:
      - "{lose} control of my {bladder}"
  - id: fever
    name: Fever
    tier: today
    note: "Back pain with a fever needs a doctor today."
    explain: "<b>Fever</b> means a high temperature."
    patterns:
      - "fever*"
"""
RED_FLAG_WORDS = """\
contractions:
  can't: can not
typos: [bladder]
not_typos: [ladder]
words:
  lose: [lost, losing, "no"]
  bladder: [bladder]
"""
RED_FLAG_CONTEXT = """\
window: 6
boundaries: [but]
negated:
  before: ["no", not]
historical:
  after: [years ago]
question:
  before: [what is]
"""
RED_FLAG_TESTS = """\
must_alarm:
  - text: "i lost control of my bladder"
    tier: emergency
  - text: "back pain and a fever"
    tier: today
must_not_alarm:
  - text: "no fever, not even a temperature, but how do i do pigeon pose"
    ruled_out: fever
  - text: "my fever was years ago"
    ruled_out: fever
  - text: "what is a fever"
    question: fever
  - text: "what are the red flags"
    entry: sitting
"""
RED_FLAG_FILES = {
    "tests/red_flags.yaml": RED_FLAG_TESTS,
    "red_flags/tiers.yaml": RED_FLAG_TIERS,
    "red_flags/flags.yaml": RED_FLAG_FLAGS,
    "red_flags/words.yaml": RED_FLAG_WORDS,
    "red_flags/context.yaml": RED_FLAG_CONTEXT,
}

VOCABULARY = """\
synonyms:
  sitting: [sat, seated]
  pigeon: [pidgeon]
"""


def write_kb(root: Path, overrides: Mapping[str, str | None] | None = None) -> Path:
    """Write a valid two-entry knowledge folder; ``overrides`` replace (or, with None, omit) files.

    Keys are paths relative to the folder, e.g. ``"entries/pigeon-pose.yaml"``.
    """
    files: dict[str, str | None] = {
        "entries/pigeon-pose.yaml": PIGEON,
        "entries/sitting.yaml": SITTING,
        "texts.yaml": texts_yaml(),
        **RED_FLAG_FILES,
        "_vocabulary.yaml": VOCABULARY,
    }
    files.update(overrides or {})
    for name, content in files.items():
        if content is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def edited_last(root: Path, name: str) -> None:
    """Make ``name`` (e.g. ``"entries/sitting.yaml"``) the file changed most recently, the others
    all older and equally old: what a maintainer's edit looks like to ``kb check``."""
    for path in (root / "entries").iterdir():
        os.utime(path, (1_000_000_000, 1_000_000_000))
    os.utime(root / name, (1_000_100_000, 1_000_100_000))
