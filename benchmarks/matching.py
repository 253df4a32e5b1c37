"""Matching and answering latency, and the memory of the conversation context.

Run: ``python benchmarks/matching.py`` (``--base REV`` picks the code to compare with; default
the commit this branch started from). Prints figures, asserts nothing: this machine is noisy, so
every figure has a baseline from the same run: rapidfuzz ``extractOne`` over every phrasing (the
simplest matcher one could write), and the answer path of the code at ``REV``, checked out from
git into a temporary folder and timed in a subprocess on the same messages, alternating with ours.
Targets (issue #10): answer-path p99 under 2 ms on the real knowledge base and under 20 ms at
5,000 entries, for messages up to 4,096 characters; the memory of the context store at 100,000
conversations (and of the language identifier).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("BENCH_CODE", ROOT))  # whose bot package to import (ours or a base)
sys.path.insert(0, str(CODE))

from bot.core.answering.matching import Matcher  # noqa: E402
from bot.core.knowledge import Entry, KnowledgeBase, Phrasing, load_knowledge  # noqa: E402
from bot.tools.evaluation import load_probes  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p99 and max in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000, ordered[-1] * 1000


def time_each(
    function: Callable[[str], object],
    questions: list[str],
    rounds: int,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Seconds per call by ``clock``, each question timed alone (after one warm-up pass), with
    the garbage collector off. ``clock=time.thread_time`` gives this thread's CPU time, so time
    spent waiting for one of the two shared cores is not counted."""
    for question in questions:
        function(question)
    samples = []
    gc.disable()
    try:
        for _ in range(rounds):
            for question in questions:
                start = clock()
                function(question)
                samples.append(clock() - start)
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


def long_messages(count: int, length: int, seed: int = 5) -> list[str]:
    """Back-story sentences (from the long-message set) up to ``length`` characters, then a
    question: the longest messages Telegram delivers are 4,096 characters."""
    rng = random.Random(seed)
    probes = load_probes(ROOT / "benchmarks" / "regression" / "long.yaml")[0]
    sentences = [s.strip() + "." for p in probes for s in p.text.split(".") if len(s) > 20]
    questions = [p.text for p in load_probes(ROOT.parent / "shared" / "eval" / "dev.yaml")[0]]
    messages = []
    for _ in range(count):
        question = rng.choice(questions) if questions else "how long do i hold pigeon pose?"
        story = ""
        while len(story) + len(question) < length - 120:
            story += rng.choice(sentences) + " "
        messages.append((story + question)[:length])
    return messages


def worker(spec: str) -> None:
    """Time the answer path of whichever ``bot`` package is on the path; print JSON figures."""
    from bot.core.answering.answerer import Answerer
    from bot.core.knowledge import load_knowledge as load

    job = json.loads(Path(spec).read_text(encoding="utf-8"))
    real = load(CODE / "knowledge")
    figures: dict[str, list[float]] = {}
    answerer = Answerer(real)
    for name, messages in job["real"].items():
        figures[name] = list(percentiles(time_each(answerer.answer, messages, job["rounds"])))
    big = Answerer(synthetic_kb(real, job["size"]))
    figures["synthetic"] = list(
        percentiles(time_each(big.answer, job["synthetic"], max(1, job["rounds"] // 2)))
    )
    print(json.dumps(figures))


def checkout(revision: str, into: Path) -> Path:
    """The ``bot`` package and ``knowledge`` folder at ``revision``, extracted into ``into``."""
    archive = into / "base.tar"
    with archive.open("wb") as out:
        subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision, "bot", "knowledge"],
            stdout=out,
            check=True,
        )
    with tarfile.open(archive) as tar:
        tar.extractall(into / "base", filter="data")
    return into / "base"


def run_worker(code: Path, spec: Path) -> dict[str, list[float]]:
    env = {**os.environ, "BENCH_CODE": str(code), "PYTHONPATH": str(code)}
    result = subprocess.run(
        [sys.executable, __file__, "--worker", str(spec)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, list[float]] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def compare(base: str, real: KnowledgeBase, user_questions: list[str], rounds: int) -> None:
    """Ours and the base revision, alternating, on the same messages."""
    job: dict[str, Any] = {
        "rounds": rounds,
        "size": 5000,
        "real": {
            "questions (<200 chars)": questions_for(real, user_questions, 300),
            "long, 140-300 chars": [
                p.text for p in load_probes(ROOT / "benchmarks" / "regression" / "long.yaml")[0]
            ],
            "1,000 chars": long_messages(40, 1000),
            "4,096 chars": long_messages(40, 4096),
        },
        "synthetic": questions_for(real, user_questions[:60], 200),
    }
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "job.json"
        spec.write_text(json.dumps(job), encoding="utf-8")
        base_code = checkout(base, Path(folder))
        runs: dict[str, list[dict[str, list[float]]]] = {"ours": [], "base": []}
        for _ in range(2):  # alternate, so both see the same machine load
            runs["ours"].append(run_worker(ROOT, spec))
            runs["base"].append(run_worker(base_code, spec))
    print(f"\nAnswer path (Answerer.answer, p50 / p99 / max ms), ours vs {base[:10]}:")
    print("  (the base asks messages over 1,000 characters to be shorter, without reading them)")
    for name in [*job["real"], "synthetic"]:
        label = "5,000 synthetic entries" if name == "synthetic" else f"real base, {name}"
        for who in ("ours", "base"):
            best = min((r[name] for r in runs[who]), key=lambda f: f[1])
            print(
                f"  {label:34} {who:5} p50 {best[0]:7.3f}   p99 {best[1]:7.3f}   max {best[2]:7.3f}"
            )


def split_of_the_answer_path(real: KnowledgeBase) -> None:
    """Where the time of a 4,096-character message goes: the red-flag check (the safety
    layer's, run first on every message) and reading it (understanding, this issue's)."""
    from bot.core.answering.understanding import Interpreter
    from bot.core.safety import Screen

    messages = long_messages(40, 4096)
    reader = Interpreter(real, Matcher(real))
    report(
        "4,096 chars: red-flag check",
        time_each(Screen.for_knowledge(real).assess, messages, 3),
    )
    report("4,096 chars: reading (understanding)", time_each(reader.read, messages, 3))


def context_memory(count: int = 100_000) -> None:
    """Bytes held by the in-memory context store with ``count`` live conversations."""
    import asyncio
    from datetime import UTC, datetime

    from bot.core.answering.context import (
        Conversation,
        MemoryContextStore,
        chat_key,
    )

    topics = ["pigeon-pose", "bridge-pose", "hip-flexor-stretch", "exercises"]
    now = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    rng = random.Random(3)

    async def fill() -> MemoryContextStore:
        store = MemoryContextStore(lambda: now, capacity=count)
        for number in range(count):
            topic = topics[number % len(topics)]
            options = tuple(rng.sample(topics, 3))  # a fresh tuple, as each answer makes one
            chat = 100_000_000 + rng.randrange(9_000_000_000)
            await store.put(chat_key(chat), Conversation(topic, options, "hold", 0))
        return store

    gc.collect()
    tracemalloc.start()
    store = asyncio.run(fill())
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"\nContext store: {len(store):,} conversations hold {current / 2**20:.1f} MiB "
        f"({current / len(store):.0f} bytes each; nothing is kept for people not in one)"
    )


def language_cost() -> None:
    """Start-up time and resident memory added by the language identifier (pycld2)."""
    code = (
        "import time\n"
        "def rss():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmRSS'): return int(line.split()[1]) / 1024\n"
        "r0 = rss(); t0 = time.perf_counter()\n"
        "import pycld2\n"
        "pycld2.detect('me duele la espalda desde hace una semana')\n"
        "t1 = time.perf_counter()\n"
        "for text in ['mein Rücken tut weh', 'у меня болит спина', 'j ai mal au dos'] * 100:\n"
        "    pycld2.detect(text)\n"
        "print(f'{(t1 - t0) * 1000:.1f} ms, +{rss() - r0:.1f} MiB resident')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    print(f"Language identifier (pycld2): import and first detect {result.stdout.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="61ac91b95f5c22afec7eb5a03ef607b6d654d5a1")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    real = load_knowledge(ROOT / "knowledge")
    dev = ROOT.parent / "shared" / "eval" / "dev.yaml"
    user_questions = [p.text for p in load_probes(dev)[0]] if dev.exists() else []
    regression = [
        p.text for p in load_probes(ROOT / "benchmarks" / "regression" / "questions1.yaml")[0]
    ]

    print(
        f"Real knowledge base: {len(real.entries)} entries, "
        f"{sum(len(e.questions) for e in real.entries.values())} phrasings"
    )
    start = time.perf_counter()
    matcher = Matcher(real)
    print(f"  index built in {1000 * (time.perf_counter() - start):.1f} ms")
    questions = questions_for(real, user_questions + regression, 300)
    report("Matcher.match (ours)", time_each(matcher.match, questions, rounds=5))
    report("baseline: rapidfuzz extractOne, all phrasings", time_each(baseline(real), questions, 5))
    compare(args.base, real, user_questions + regression, args.rounds)
    print()
    split_of_the_answer_path(real)
    context_memory()
    language_cost()


if __name__ == "__main__":
    main()
