"""The CPU of answering one message, and start-up, on the real base and on 5,000 / 20,000 entries.

Run: ``python benchmarks/hot_path.py`` (``--base REV``: the code to compare with, default
489d362, main before the speed work; ``--sizes 5000 20000``; ``--rounds 3``). Prints figures,
asserts nothing. Each figure is measured for our code and for the base revision (checked out with
``git archive`` into a temporary folder) in subprocesses that alternate, on the same messages and
the same synthetic bases (``synthetic.py``), so both see the same machine. Times are this thread's
CPU time (``time.thread_time``): the two cores are shared, and wall time would mostly measure the
wait for one.

Targets (issue #12, #9, #10): on the real base ``match`` p99 < 1 ms and the whole answer path
(safety screen, understanding, matching, reply) p99 < 2 ms for messages up to 4,096 characters;
p99 < 5 ms at 5,000 entries and < 10 ms at 20,000 (answer path < 20 ms at 5,000, issue #10);
start-up (load the YAML, build the matcher, screen and interpreter) < 3 s at 5,000 entries:
measured without a cache, and through the start-up cache as the bot starts (written by the
first start, read by the next ones; ``bot/services/answer_cache.py``). ``--as-bot``: start-up
without a cache through ``build_answerer`` as the bot does it (the collector off while it
builds), for both revisions, instead of calling the loader and ``Answerer`` directly.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("BENCH_CODE", ROOT))
sys.path.insert(0, str(CODE))
sys.path.insert(1, str(ROOT / "benchmarks"))

from matching import time_each as cpu_time_each  # noqa: E402
from synthetic import synthetic_kb, synthetic_questions, write_kb  # noqa: E402

from bot.core.knowledge import KnowledgeBase, load_knowledge  # noqa: E402
from bot.tools.evaluation import load_probes  # noqa: E402

BASE = "489d362"
LIMIT = 4096
SHARED = ROOT.parent / "shared"


def time_each(function: Callable[[str], object], texts: list[str], rounds: int) -> list[float]:
    """CPU seconds per call (see ``matching.time_each``)."""
    return cpu_time_each(function, texts, rounds, time.thread_time)


def figures(samples: list[float]) -> list[float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return [statistics.median(ordered) * 1000, p99 * 1000, ordered[-1] * 1000]


def _long(sentences: list[str], questions: list[str], count: int, seed: int) -> list[str]:
    """Messages of 4,096 characters: a story of the given sentences, then a question."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        question = rng.choice(questions)
        story = ""
        while len(story) + len(question) < LIMIT:
            story += rng.choice(sentences).strip() + " "
        found.append((story[: LIMIT - len(question) - 1] + " " + question)[-LIMIT:])
    return found


def messages(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Short questions (public dev set, regression and held-out sets, perturbed phrasings),
    4,096-character stories (from the long-message set) and 4,096-character prose (the article
    and the answers), each ending with a question."""
    sets = [
        SHARED / "eval" / "dev.yaml",
        *sorted((ROOT / "benchmarks" / "regression").glob("*.yaml")),
    ]
    texts = [p.text for path in sets if path.exists() for p in load_probes(path)[0]]
    rng = random.Random(3)
    phrasings = [p.text for e in kb.entries.values() for p in e.questions]
    for text in rng.sample(phrasings, 150):
        words = text.split()
        if len(words) > 2:
            words.pop(rng.randrange(len(words)))
        texts.append(" ".join(words) + rng.choice(["", "?", " pls", " 🙏"]))
    short = [t for t in texts if len(t) < 200]
    stories = [t for t in texts if len(t) >= 100]
    sentences = [s for t in stories for s in re.split(r"(?<=[.!?])\s+", t) if len(s) > 20]
    article = SHARED / "source" / "hip-flexors-and-lower-back-pain.txt"
    prose = " ".join(e.answer for e in kb.entries.values() if "red" not in e.id)
    if article.exists():
        prose += " " + article.read_text(encoding="utf-8")
    prose_sentences = [s for s in re.split(r"(?<=[.!?])\s+", prose) if len(s) > 20]
    questions = [t for t in short if t.rstrip().endswith("?")][:60] or short[:60]
    return {
        "short": short,
        "stories 4,096": _long(sentences, questions, 40, 5),
        "prose 4,096": _long(prose_sentences, questions, 40, 6),
    }


def worker(job: dict[str, Any]) -> dict[str, Any]:
    from bot.core.answering.answerer import Answerer

    rounds = job["rounds"]
    real = load_knowledge(CODE / "knowledge")
    answerer = Answerer(real)
    sets = messages(real)
    out: dict[str, Any] = {}
    out["real: match, short"] = figures(time_each(answerer.matcher.match, sets["short"], rounds))
    for name, texts in sets.items():
        out[f"real: answer, {name}"] = figures(time_each(answerer.answer, texts, rounds))
    everything = [t for texts in sets.values() for t in texts]
    out["real: answer, all messages"] = figures(time_each(answerer.answer, everything, rounds))
    for size in job["sizes"]:
        big = Answerer(synthetic_kb(real, size))
        questions = synthetic_questions(big.kb, 300) + sets["short"][:100]
        long = sets["stories 4,096"][:20] + sets["prose 4,096"][:20]
        out[f"{size:,}: match"] = figures(time_each(big.matcher.match, questions, 1))
        out[f"{size:,}: answer, all messages"] = figures(time_each(big.answer, questions + long, 1))
        del big
        gc.collect()
    return out


def startup(directory: Path, cache: str | None = None) -> dict[str, Any]:
    """CPU seconds to load a knowledge folder and build the answerer, and the memory after.

    ``cache``: as the bot starts, through the start-up cache in that folder (``load s`` is then
    the whole start: hashing the files, and unpickling or loading, building and writing)."""
    from bot.core.answering.answerer import Answerer

    started = time.process_time()
    if cache:
        from bot.services.answer_cache import build_answerer

        answerer = build_answerer(directory, Path(cache))
        loaded = built = time.process_time()
    elif os.environ.get("BENCH_AS_BOT"):  # no cache, as the bot builds it (build_answerer)
        from bot.services.answer_cache import build_answerer

        answerer = build_answerer(directory, None)
        loaded = built = time.process_time()
    else:
        kb = load_knowledge(directory)
        loaded = time.process_time()
        answerer = Answerer(kb)
        built = time.process_time()
    gc.collect()
    status = Path("/proc/self/status").read_text(encoding="ascii").splitlines()
    rss = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))
    assert answerer.kb.entries
    return {"load s": loaded - started, "build s": built - loaded, "rss MiB": rss}


def run(code: Path, mode: str, *arguments: str, as_bot: bool = False) -> dict[str, Any]:
    env = {**os.environ, "BENCH_CODE": str(code), "PYTHONPATH": str(code)}
    if as_bot:
        env["BENCH_AS_BOT"] = "1"
    done = subprocess.run(
        [sys.executable, __file__, mode, *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def checkout(revision: str, into: Path) -> Path:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default=BASE)
    parser.add_argument("--sizes", type=int, nargs="*", default=[5000, 20000])
    parser.add_argument("--startup", type=int, nargs="*", default=[0, 5000])  # 0: the real base
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--as-bot",
        action="store_true",
        help="start-up without a cache through build_answerer, as the bot does it",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--start", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(Path(args.worker).read_text(encoding="utf-8")))))
        return
    if args.start:
        print(json.dumps(startup(Path(args.start), args.cache)))
        return
    real = load_knowledge(ROOT / "knowledge")
    with tempfile.TemporaryDirectory() as folder:
        base = checkout(args.base, Path(folder))
        print(f"ours ({ROOT.name}) vs base {args.base}; CPU ms per message, p50 / p99 / max")
        for size in args.startup:
            # Each side reads the knowledge folder its own code was written for (red-flag rules
            # and texts may have new fields), with the same entries.
            folders = {}
            for side, code in (("base", base), ("ours", ROOT)):
                source = code / "knowledge"
                target = Path(folder) / f"{side}-{size}"
                folders[code] = (
                    Path(shutil.copytree(source, target))
                    if size == 0  # the real base
                    else write_kb(source, synthetic_kb(real, size), target)
                )
            cache = str(Path(folder) / f"cache-{size}")
            for who, code, more in (
                ("base", base, ()),
                ("ours", ROOT, ()),
                ("ours, cache written", ROOT, ("--cache", cache)),
                ("base", base, ()),
                ("ours", ROOT, ()),
                ("ours, cache read", ROOT, ("--cache", cache)),
                ("ours, cache read", ROOT, ("--cache", cache)),
            ):
                if args.as_bot and not more:
                    who += ", as the bot"
                got = run(code, "--start", str(folders[code]), *more, as_bot=args.as_bot)
                print(
                    f"  start-up, {size or len(real.entries):,} entries  {who:19}  "
                    f"load {got['load s']:6.2f} s  "
                    f"build {got['build s']:6.2f} s  total "
                    f"{got['load s'] + got['build s']:6.2f} s  RSS {got['rss MiB']:6.1f} MiB"
                )
        runs: dict[str, list[dict[str, Any]]] = {"ours": [], "base": []}
        for sizes in (args.sizes, [s for s in args.sizes if s <= 5000]):  # alternating runs
            spec = Path(folder) / "job.json"
            spec.write_text(json.dumps({"rounds": args.rounds, "sizes": sizes}), "utf-8")
            runs["base"].append(run(base, "--worker", str(spec)))
            runs["ours"].append(run(ROOT, "--worker", str(spec)))
    for name in runs["ours"][0]:
        for who in ("base", "ours"):
            best = min((r[name] for r in runs[who] if name in r), key=lambda f: f[1])
            p50, p99, worst = best
            print(f"  {name:34} {who:4}  p50 {p50:7.3f}  p99 {p99:7.3f}  max {worst:7.3f}")


if __name__ == "__main__":
    main()
