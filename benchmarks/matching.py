"""Matching latency: per-question p50/p99 on the real knowledge base and on 5,000 synthetic entries.

Run: ``python benchmarks/matching.py``. Prints figures, asserts nothing: this machine is noisy,
so each run also times a baseline in the same process (rapidfuzz ``extractOne`` over every
phrasing, the simplest matcher one could write) to compare against.
Targets (issue #2): p99 under 1 ms for the real knowledge base, under 20 ms at 5,000 entries.
"""

from __future__ import annotations

import gc
import itertools
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.answering.answerer import Answerer  # noqa: E402
from bot.core.answering.matching import Matcher  # noqa: E402
from bot.core.knowledge import Entry, KnowledgeBase, Phrasing, load_knowledge  # noqa: E402
from bot.tools.evaluation import load_probes  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p99 and max in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000, ordered[-1] * 1000


def time_each(function: Callable[[str], object], questions: list[str], rounds: int) -> list[float]:
    """Seconds per call, each question timed alone (after one warm-up pass)."""
    for question in questions:
        function(question)
    samples = []
    gc.disable()
    try:
        for _ in range(rounds):
            for question in questions:
                start = time.perf_counter()
                function(question)
                samples.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return samples


def synthetic_kb(real: KnowledgeBase, size: int, seed: int = 7) -> KnowledgeBase:
    """``size`` entries whose phrasings mix real knowledge-base words with invented ones.

    Word frequencies follow a Zipf-like curve, as in real text, so some terms are shared by
    thousands of entries (the worst case for an inverted index) and most are rare.
    """
    rng = random.Random(seed)
    real_words = sorted(
        {w for e in real.entries.values() for p in e.questions for w in p.text.split()}
    )
    invented = [f"{rng.choice('bcdfghklmnprstvw')}{rng.choice('aeiou')}{i:x}" for i in range(20000)]
    vocabulary = real_words + invented
    cumulative = list(
        itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(vocabulary)))
    )
    template = next(iter(real.entries.values()))
    entries: dict[str, Entry] = {}
    for number in range(size):
        phrasings = tuple(
            Phrasing(
                " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(3, 9))), None
            )
            for _ in range(12)
        )
        entry_id = f"synthetic-{number}"
        entries[entry_id] = Entry(
            id=entry_id,
            title=f"Synthetic {number}",
            kind="topic",
            order=number,
            summary="A synthetic entry for benchmarking.",
            answer="Synthetic answer.",
            steps=(),
            questions=phrasings,
            keywords=tuple(rng.choices(vocabulary, cum_weights=cumulative, k=3)),
            related=(),
            source="",
            file=template.file,
        )
    return KnowledgeBase(
        entries=entries,
        texts=real.texts,
        red_flags=real.red_flags,
        synonyms=real.synonyms,
        directory=real.directory,
        off_topic=real.off_topic,
    )


def questions_for(kb: KnowledgeBase, extra: list[str], count: int, seed: int = 11) -> list[str]:
    """Real user-like questions plus perturbed phrasings of the knowledge base itself."""
    rng = random.Random(seed)
    phrasings = [p.text for e in kb.entries.values() for p in e.questions]
    picked = []
    for text in rng.sample(phrasings, min(count, len(phrasings))):
        words = text.split()
        if len(words) > 2:
            words.pop(rng.randrange(len(words)))  # a dropped word, as people write
        picked.append(" ".join(words) + rng.choice(["", "?", " pls", " 🙏"]))
    return extra + picked


def baseline(kb: KnowledgeBase) -> Callable[[str], object]:
    """The naive matcher: rapidfuzz WRatio against every phrasing."""
    choices = [p.text for e in kb.entries.values() for p in e.questions]

    def match(question: str) -> object:
        return process.extractOne(
            question, choices, scorer=fuzz.WRatio, processor=utils.default_process
        )

    return match


def report(name: str, samples: list[float]) -> None:
    p50, p99, worst = percentiles(samples)
    figures = f"p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   max {worst:7.3f} ms"
    print(f"  {name:44} {figures}   (n={len(samples)})")


def main() -> None:
    real = load_knowledge(ROOT / "knowledge")
    dev = ROOT.parent / "shared" / "eval" / "dev.yaml"
    user_questions = [p.text for p in load_probes(dev)[0]] if dev.exists() else []
    held_out = [p.text for p in load_probes(ROOT / "benchmarks" / "heldout.yaml")[0]]

    print(
        f"Real knowledge base: {len(real.entries)} entries, "
        f"{sum(len(e.questions) for e in real.entries.values())} phrasings"
    )
    start = time.perf_counter()
    matcher = Matcher(real)
    print(f"  index built in {1000 * (time.perf_counter() - start):.1f} ms")
    questions = questions_for(real, user_questions + held_out, 300)
    report("Matcher.match (ours)", time_each(matcher.match, questions, rounds=5))
    answerer = Answerer(real, matcher)
    report("Answerer.answer (red flags + match + render)", time_each(answerer.answer, questions, 5))
    report("baseline: rapidfuzz extractOne, all phrasings", time_each(baseline(real), questions, 5))

    size = 5000
    print(f"\nSynthetic knowledge base: {size} entries, {size * 12} phrasings")
    start = time.perf_counter()
    big = synthetic_kb(real, size)
    built = time.perf_counter()
    big_matcher = Matcher(big)
    print(
        f"  generated in {built - start:.1f} s, index built in {time.perf_counter() - built:.1f} s"
    )
    big_questions = questions_for(big, user_questions[:60], 240)
    report("Matcher.match (ours)", time_each(big_matcher.match, big_questions, rounds=2))
    report(
        "baseline: rapidfuzz extractOne, all phrasings",
        time_each(baseline(big), big_questions[:80], 1),
    )


if __name__ == "__main__":
    main()
