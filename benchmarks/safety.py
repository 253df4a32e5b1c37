"""Red-flag check latency: p50/p99 of the check and of the whole answer, old check beside new.

Run: ``python benchmarks/safety.py``. Prints figures, asserts nothing. Times are CPU time of the
answering thread (``time.thread_time``): the machine is noisy (two cores shared by several
processes), and wall-clock time would mostly measure the wait for a core. The old check (the 122
regexes of ``benchmarks/old_red_flags.yaml``, run on two variants of the text as before issue #9)
is timed in the same run on the same messages.

Messages: short ones (the calm probes of the public dev and safety sets and of the held-out sets,
and phrasings of the real knowledge base, slightly perturbed), 4,096-character ones (Telegram's
limit) made of the same sentences (dense in red-flag words: a worst case), and 4,096-character
prose (the article and the answers); half of each long set with a red-flag sentence in the
middle. The old answer path asked for a shorter message above 1,000 characters *before* its
red-flag check (the safety hole issue #9 closed), so for long messages the old "whole answer" is
only that refusal; compare the checks themselves.
Target (issue #9): p99 of the whole answer path under 2 ms on the real knowledge base.
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from matching import percentiles, questions_for, report  # noqa: E402
from matching import time_each as cpu_time_each  # noqa: E402

from bot.core.answering.answerer import MAX_QUESTION, Answerer  # noqa: E402
from bot.core.knowledge import load_knowledge  # noqa: E402
from bot.core.normalise import fold, simplify  # noqa: E402
from bot.core.replies import MESSAGE_LIMIT  # noqa: E402
from bot.core.safety import Screen  # noqa: E402
from bot.tools.evaluation import load_probes  # noqa: E402

SETS = [
    ROOT.parent / "shared" / "eval" / "dev.yaml",
    ROOT.parent / "shared" / "eval" / "safety.yaml",
    ROOT / "benchmarks" / "heldout.yaml",
    ROOT / "benchmarks" / "heldout2.yaml",
    ROOT / "benchmarks" / "heldout3.yaml",
    ROOT / "benchmarks" / "safety_dev.yaml",
]
RED_FLAG_SENTENCES = [
    "Also since yesterday I can't feel the toilet paper when I wipe.",
    "I havnt had a wee all day.",
    "Both my legs have gone weak and wobbly.",
    "I got hit by a van last night.",
    "I've had a temperature of 39 since Sunday.",
]


def time_each(function: Callable[[str], object], texts: list[str], rounds: int) -> list[float]:
    """CPU seconds per call (see ``matching.time_each``)."""
    return cpu_time_each(function, texts, rounds, time.thread_time)


def old_check() -> Callable[[str], object]:
    """The check as it was before issue #9: every regex on two variants of the message."""
    data = yaml.safe_load((ROOT / "benchmarks" / "old_red_flags.yaml").read_text("utf-8"))
    patterns = [re.compile(p, re.IGNORECASE) for flag in data["flags"] for p in flag["patterns"]]

    def check(text: str) -> object:
        variants = (simplify(text), fold(text))
        for pattern in patterns:
            for variant in variants:
                found = pattern.search(variant)
                if found:
                    return found
        return None

    return check


def long_messages(sentences: list[str], count: int, seed: int = 5) -> list[str]:
    """Messages of exactly 4,096 characters; every other one hides a red-flag sentence."""
    rng = random.Random(seed)
    messages = []
    for number in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < MESSAGE_LIMIT + 200:
            parts.append(rng.choice(sentences).rstrip(".?!") + ".")
        if number % 2:
            parts.insert(len(parts) // 2, rng.choice(RED_FLAG_SENTENCES))
        text = " ".join(parts)
        middle = len(text) // 2
        start = max(0, middle - MESSAGE_LIMIT // 2)
        messages.append(text[start : start + MESSAGE_LIMIT])
    return messages


def main() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    start = time.perf_counter()
    screen = Screen.for_knowledge(kb)
    built = time.perf_counter() - start
    rules = kb.red_flags
    print(
        f"Red-flag rules: {len(rules.flags)} flags, "
        f"{sum(len(f.patterns) for f in rules.flags)} patterns, "
        f"{len(rules.concepts)} word lists, {len(rules.triggers)} context triggers; "
        f"screen built in {1000 * built:.0f} ms"
    )
    answerer = Answerer(kb, screen=screen)
    texts = [
        p.text
        for path in SETS
        if path.exists()
        for p in load_probes(path)[0]
        if p.expect != "urgent"
    ]
    short = [t for t in questions_for(kb, texts, 300) if len(t) <= MAX_QUESTION]
    sentences = [t for t in short if len(t) < 200]
    long = long_messages(sentences, 60)
    old = old_check()

    def old_answer(text: str) -> object:
        if len(text) > MAX_QUESTION:
            return answerer.info("too_long")  # the old order: refused before the check
        if old(text) is not None:
            return answerer.urgent()
        return answerer.ordinary(text)

    article = ROOT.parent / "shared" / "source" / "hip-flexors-and-lower-back-pain.txt"
    # Prose without red flags: the answers (but the red-flag list itself) and the article.
    prose_text = " ".join(
        entry.answer for entry in kb.entries.values() if entry.id != rules.question_entry
    )
    if article.exists():
        prose_text += " " + article.read_text(encoding="utf-8")
    prose = long_messages([s for s in re.split(r"(?<=[.!?])\s+", prose_text) if s.strip()], 60)
    alarmed = sum(screen.assess(t).alarm for t in long)
    print(f"\nShort messages (n={len(short)}, up to {MAX_QUESTION} characters)")
    report("old check (122 regexes x 2 variants)", time_each(old, short, 5))
    report("new check (Screen.assess)", time_each(screen.assess, short, 5))
    report("old whole answer", time_each(old_answer, short, 5))
    report("new whole answer (Answerer.answer)", time_each(answerer.answer, short, 5))

    print(f"\n4,096-character messages (n={len(long)}, {alarmed} alarmed by the new check)")
    report("old check (122 regexes x 2 variants)", time_each(old, long, 5))
    report("new check (Screen.assess)", time_each(screen.assess, long, 5))
    report("old whole answer (refused as too long)", time_each(old_answer, long, 5))
    report("new whole answer (Answerer.answer)", time_each(answerer.answer, long, 5))

    alarmed = sum(screen.assess(t).alarm for t in prose)
    print(
        f"\n4,096-character prose (the article and the answers; n={len(prose)}, {alarmed} alarmed)"
    )
    report("old check (122 regexes x 2 variants)", time_each(old, prose, 5))
    report("new check (Screen.assess)", time_each(screen.assess, prose, 5))
    report("new whole answer (Answerer.answer)", time_each(answerer.answer, prose, 5))

    everything = short + long + prose
    _, p99, _ = percentiles(time_each(answerer.answer, everything, 3))
    verdict = "under" if p99 < 2.0 else "OVER"
    print(f"\nWhole answer path, all messages: p99 {p99:.3f} ms ({verdict} the 2 ms target)")


if __name__ == "__main__":
    main()
