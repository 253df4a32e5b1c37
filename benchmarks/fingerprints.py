"""What the two equality benchmarks share: the sets they read and their record/compare commands.

``answer_equality.py`` fingerprints every answer, ``safety_equality.py`` every red-flag decision;
both record a baseline with the code before a change and compare with the code after, so that a
change meant to keep behaviour is shown to keep it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def evaluation_sets() -> list[Path]:
    """The regression, held-out and safety sets of ``benchmarks/`` and the public ones."""
    return [
        *sorted((ROOT / "benchmarks" / "regression").glob("*.yaml")),
        *sorted((ROOT / "benchmarks" / "heldout").glob("*.yaml")),
        *sorted((ROOT.parent / "shared" / "eval").glob("*.yaml")),
        ROOT / "benchmarks" / "safety_dev.yaml",
        ROOT / "benchmarks" / "safety_heldout.yaml",
    ]


def digest(text: str, length: int = 12) -> str:
    """A short, stable fingerprint of a text (a lone surrogate, which a generated message may
    hold, is hashed as its code point rather than failing to encode)."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def record_or_compare(
    argv: list[str],
    usage: str,
    fingerprints: Callable[[], dict[str, Any]],
    summary: Callable[[dict[str, Any]], str],
    *,
    same_keys: bool = False,
) -> int:
    """``record FILE`` writes the fingerprints (one a line, sorted); ``compare FILE`` prints the
    ones that differ and returns 1 if any does (or, with ``same_keys``, if the keys differ)."""
    if len(argv) != 3 or argv[1] not in {"record", "compare"}:
        print(usage)
        return 2
    path = Path(argv[2])
    now = json.loads(json.dumps(fingerprints()))  # tuples -> lists, as stored
    if argv[1] == "record":
        lines = (f"{json.dumps(key)}: {json.dumps(now[key])}" for key in sorted(now))
        path.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
        print(f"recorded {len(now)} fingerprints into {path}")
        return 0
    before = json.loads(path.read_text(encoding="utf-8"))
    differ = [key for key in before if before[key] != now.get(key)]
    missing = [key for key in now if key not in before]
    print(summary(before))
    for key in differ[:20]:
        print(f"  DIFFERENT {key}\n    before {before[key]}\n    after  {now.get(key)}")
    if missing:
        print(f"  {len(missing)} new keys not in the baseline (sets changed?)")
    print("all equal" if not differ else f"{len(differ)} differ")
    return 1 if differ or (same_keys and missing) else 0
