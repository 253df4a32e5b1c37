"""How long a knowledge-base reload holds the event loop, at 5,000 entries (issue #12).

The reloader builds the new base in a worker thread, but Python runs one thread at a time: a
garbage collection or any other long step that keeps the interpreter lock stops the event loop
(every person's answer) for its whole length. Here a bot-like process holds one answerer, and a
ticker on the event loop wakes every 5 ms while ``KnowledgeReloader.reload`` runs twice: once
through the start-up cache (nothing changed), once after an edit (the YAML loaded, validated and
analysed again, and the cache rewritten). Printed: the longest and the 99th-percentile gap
between two ticks, and how many exceeded 100 ms.

Run: ``python benchmarks/reload_stall.py [--size 5000] [--base REV]``; our code and the base
revision (``git archive``) run in alternating subprocesses on the same synthetic base. Asserts
nothing; wall time on a shared machine, so compare the two in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("BENCH_CODE", ROOT))
sys.path.insert(0, str(CODE))
sys.path.insert(1, str(ROOT / "benchmarks"))

from hot_path import checkout  # noqa: E402


def gaps_during(reload: Any) -> dict[str, float]:
    """Run ``reload()`` beside a 5 ms ticker; the ticker's gaps in milliseconds."""

    async def main() -> dict[str, float]:
        gaps: list[float] = []
        done = asyncio.Event()

        async def tick() -> None:
            last = time.perf_counter()
            while not done.is_set():
                await asyncio.sleep(0.005)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        ticker = asyncio.create_task(tick())
        started = time.perf_counter()
        result = await reload()
        took = time.perf_counter() - started
        done.set()
        await ticker
        assert result.ok, result.summary()
        ordered = sorted(gaps)
        return {
            "max ms": 1000 * ordered[-1],
            "p99 ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))],
            "over 100 ms": float(sum(gap > 0.1 for gap in gaps)),
            "reload s": took,
        }

    return asyncio.run(main())


def measure(folder: Path) -> dict[str, dict[str, float]]:
    """In this process: start like the bot (through the cache), then reload twice."""
    from bot.services.answer_cache import build_answerer
    from bot.services.reloader import KnowledgeReloader

    cache = folder / "cache"
    os.environ["BACKCARE_CACHE_DIR"] = str(cache)
    knowledge = folder / "kb"
    state = {"answerer": build_answerer(knowledge, cache)}
    reloader = KnowledgeReloader(knowledge, lambda answerer: state.update(answerer=answerer))
    found = {"cache hit": gaps_during(reloader.reload)}
    edited = next((knowledge / "entries").glob("*.yaml"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    found["after an edit"] = gaps_during(reloader.reload)
    return found


def run(code: Path, kb: Path, folder: Path) -> dict[str, dict[str, float]]:
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(kb, folder / "kb")
    env = {**os.environ, "BENCH_CODE": str(code), "PYTHONPATH": str(code)}
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, dict[str, float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--base", default="main")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure))))
        return
    from synthetic import synthetic_kb, write_kb

    from bot.core.knowledge import load_knowledge

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        base = checkout(args.base, folder)
        real = load_knowledge(ROOT / "knowledge")
        kb = write_kb(ROOT / "knowledge", synthetic_kb(real, args.size), folder / "synthetic")
        print(f"reload at {args.size:,} entries; event-loop gaps (ticker every 5 ms)")
        for _ in range(args.rounds):
            for who, code in (("base", base), ("ours", ROOT)):
                for case, got in run(code, kb, folder / "run").items():
                    print(
                        f"  {who} {args.base if who == 'base' else ROOT.name:10} {case:14} "
                        f"max {got['max ms']:7.0f} ms  p99 {got['p99 ms']:5.0f} ms  "
                        f"gaps > 100 ms {got['over 100 ms']:3.0f}  reload {got['reload s']:5.1f} s"
                    )


if __name__ == "__main__":
    main()
