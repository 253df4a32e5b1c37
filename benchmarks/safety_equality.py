"""Proof that a faster safety screen decides the same: every decision's fingerprint, compared.

Run: ``python benchmarks/safety_equality.py record FILE`` with the code before a change, then
``python benchmarks/safety_equality.py compare FILE`` with the code after (exit status 1 and the
differing texts if any decision changed). ``BENCH_CODE=DIR`` reads the code (``bot``, and
``knowledge``) from another folder, e.g. a ``git archive`` of the base revision, so the record
can be made without checking it out.

The texts: every message (and ``before`` message) of the regression, held-out and safety sets
in ``benchmarks/``, of ``../shared/eval``, and of ``knowledge/tests/red_flags.yaml``; then long
messages made by joining them (seeded; 2 to 60 of them, cut at 4,096 characters), and the long
messages of ``hot_path.py``. Each text's decision is taken twice, read in full
(``complete=True``) and as the answerer reads it (``complete=False``): verdict, tier, question
entry, rest, aside, whether complete, and every mention (flag, pattern, words, status, trigger,
category, overruled by).
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("BENCH_CODE", ROOT))
sys.path.insert(0, str(CODE))
sys.path.insert(1, str(ROOT / "benchmarks"))

import yaml  # noqa: E402
from fingerprints import digest, evaluation_sets, record_or_compare  # noqa: E402
from hot_path import messages as hot_path_messages  # noqa: E402

from bot.core.knowledge import load_knowledge  # noqa: E402
from bot.core.safety import Screen  # noqa: E402
from bot.tools.evaluation import load_probes  # noqa: E402

JOINED = 600  # long messages made by joining the texts
LIMIT = 4096


def texts() -> list[str]:
    """Every text, then the joined long messages (the same list for any code)."""
    found: list[str] = []
    for path in evaluation_sets():
        if path.exists():
            for probe in load_probes(path)[0]:
                found += [*probe.before, probe.text]
    tests = ROOT / "knowledge" / "tests" / "red_flags.yaml"
    if tests.exists():
        data = yaml.safe_load(tests.read_text(encoding="utf-8"))
        found += _strings(data)
    found = list(dict.fromkeys(found))
    rng = random.Random(12)
    for number in range(JOINED):
        count = rng.randint(2, 60)
        joined = " ".join(rng.choice(found).strip() for _ in range(count))
        found.append(joined[-LIMIT:] if number % 2 else joined[:LIMIT])
    return found


def _strings(data: Any) -> list[str]:
    """Every string that looks like a message in a YAML tree (the red-flag test file)."""
    if isinstance(data, str):
        return [data] if " " in data.strip() else []
    if isinstance(data, list):
        return [s for item in data for s in _strings(item)]
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    return []


def _decision(screen: Screen, text: str, complete: bool) -> list[Any]:
    decision = screen.assess(text, complete=complete)
    return [
        decision.verdict.value,
        decision.tier.id if decision.tier else None,
        decision.question_entry,
        decision.rest,
        decision.aside,
        decision.complete,
        [
            [
                m.flag.id,
                m.pattern.text,
                m.words,
                m.status.name,
                m.trigger,
                m.category,
                m.overruled_by,
            ]
            for m in decision.mentions
        ],
    ]


def fingerprints() -> dict[str, Any]:
    kb = load_knowledge(CODE / "knowledge")
    screen = Screen.for_knowledge(kb)
    every = texts()
    for name, long in hot_path_messages(kb).items():
        if "4,096" in name:
            every += long
    found: dict[str, Any] = {}
    for text in every:
        key = digest(text, 16)
        found[key] = [_decision(screen, text, True), _decision(screen, text, False)]
    return found


def _summary(before: dict[str, Any]) -> str:
    alarms = sum(1 for value in before.values() if value[0][0] == "alarm")
    return f"compared {len(before)} texts ({alarms} alarms), each read whole and in parts"


def main() -> int:
    return record_or_compare(sys.argv, __doc__ or "", fingerprints, _summary, same_keys=True)


if __name__ == "__main__":
    sys.exit(main())
