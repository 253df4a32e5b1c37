"""Where the BackCare bot's idle memory goes, megabyte by megabyte, against a bare echo bot.

Issue #12 asks for idle RSS within 1.3x of a bare python-telegram-bot echo bot, or an account
of what the difference buys. ``benchmarks/echo_compare.py`` measures both bots idle; this
script accounts for the difference: a fresh interpreter takes the bot's start-up steps one at a
time, in the order the bot takes them, and prints its resident memory (``VmRSS``, after a
garbage collection) after each, with what the step buys. The first two steps are what the echo
bot itself holds (the interpreter, python-telegram-bot with its rate limiter).

Run: ``python benchmarks/memory_account.py [--rounds 3]`` (each round in a fresh interpreter;
the median of each step is printed). Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (what is loaded, what it buys, the code that loads it), in the order the bot loads them.
STEPS: list[tuple[str, str, str]] = [
    ("interpreter", "Python itself (the echo bot has it too)", "pass"),
    (
        "python-telegram-bot",
        "the Bot API client, Application, AIORateLimiter (the echo bot has them too)",
        "import telegram, telegram.ext; from telegram.ext import AIORateLimiter",
    ),
    (
        "pydantic-settings",
        "typed, validated settings from the environment and .env, with clear errors",
        "import pydantic_settings",
    ),
    (
        "YAML, SQLite",
        "the knowledge files' parser, the database",
        "import yaml, sqlite3, aiosqlite",
    ),
    (
        "rapidfuzz",
        "typo-tolerant word lookup (numpy, for the posting arrays of a base of thousands of "
        "entries, is not imported for ours)",
        "import rapidfuzz.process, rapidfuzz.distance",
    ),
    (
        "stemmer, language check, watcher",
        "English stems of the words people write; telling another language from English; "
        "reloading the knowledge when a file changes",
        "import Stemmer, snowballstemmer, pycld2, watchfiles",
    ),
    (
        "the bot's code",
        "handlers, answering, safety, reminders, sessions, storage, the web endpoints' code",
        "import bot.app",
    ),
    (
        "knowledge base and answerer",
        "13 entries, their phrasings, the red-flag rules and texts; the index of every "
        "phrasing, the screen's word lists, the question reader (from the start-up cache, "
        "as the bot starts)",
        "from bot.services.answer_cache import build_answerer; "
        "answerer = build_answerer(KNOWLEDGE, CACHE)",
    ),
    (
        "one answer of each kind",
        "caches warmed by a question, a follow-up, a long message and a red flag",
        "[answerer.answer(t) for t in SAMPLES]",
    ),
]

SAMPLES = [
    "how long do i hold the kneeling stretch?",
    "what are hip flexors",
    "i sit at a desk all day and my lower back aches by the evening, it has been like this "
    "for months and i am 45 with two kids. what exercises should i actually be doing?",
    "cant pee since this morning and my back is agony",
]


def child() -> None:
    """Run the steps in this interpreter; print each step's RSS in KiB as JSON."""
    import gc

    scope: dict[str, object] = {
        "KNOWLEDGE": ROOT / "knowledge",
        "SAMPLES": SAMPLES,
        "CACHE": Path(sys.argv[-1]),
    }
    sys.path.insert(0, str(ROOT))
    found = []
    for _, _, code in STEPS:
        exec(code, scope)  # our own fixed steps
        gc.collect()
        found.append(_rss_kib())
    print(json.dumps(found))


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("cache", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    rounds = []
    with tempfile.TemporaryDirectory() as cache:
        # a first start writes the start-up cache; the measured ones read it, as restarts do
        for number in range(args.rounds + 1):
            done = subprocess.run(
                [sys.executable, __file__, "--child", cache],
                capture_output=True,
                text=True,
                check=True,
            )
            if number:
                rounds.append(json.loads(done.stdout.strip().splitlines()[-1]))
    medians = [statistics.median(r[i] for r in rounds) / 1024 for i in range(len(STEPS))]
    print(f"Idle memory, step by step (median of {args.rounds} fresh interpreters, MiB)")
    print(f"{'step':<30}{'RSS':>8}{'+MiB':>8}  what it buys")
    before = 0.0
    for (name, buys, _), rss in zip(STEPS, medians, strict=True):
        print(f"{name:<30}{rss:>8.1f}{rss - before:>8.1f}  {buys}")
        before = rss
    echo = medians[1]
    print(
        f"\nthe echo bot's share (interpreter + python-telegram-bot): {echo:.1f} MiB; "
        f"everything after it: {medians[-1] - echo:.1f} MiB. The running bot holds a little "
        "more (its database connection, the event loop, statistics and context stores): "
        "see echo_compare.py for both bots idle."
    )


if __name__ == "__main__":
    main()
