"""Memory and CPU of loading an oversized knowledge file, before and after the size limit.

Run as ``python benchmarks/knowledge_memory.py [--mb 20]``. Each case runs in a fresh Python
process and prints its resident memory after the load (what a long-running bot keeps) and its
peak, plus the CPU time. Cases, all in the same run so the figures compare on this machine:

- baseline: the real knowledge base;
- parse only: the same plus ``yaml.compose`` of an N MB entry file, i.e. what the loader did
  before it refused files over ``MAX_FILE_BYTES`` (the 20 MB case reproduces the issue);
- loader: the real loader on a folder holding that N MB file (refused before parsing now);
- at the limit: the loader on a file just under the limit (the worst a maintainer can cause).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import gc, json, sys, time
from pathlib import Path
import yaml
from bot.core.knowledge import KnowledgeError, load_knowledge

def status_mb(field):  # VmHWM (peak) starts afresh at exec, unlike ru_maxrss
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")

case, kb, big = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
started = time.process_time()
outcome = "loaded"
if case == "parse only":
    load_knowledge(kb)
    node = yaml.compose(big.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    del node
    outcome = "parsed, then dropped"
else:
    try:
        load_knowledge(kb)
    except KnowledgeError as error:
        outcome = "rejected: " + str(error.problems[0])[:90]
gc.collect()
print(json.dumps({
    "case": case,
    "outcome": outcome,
    "rss_after_mb": round(status_mb("VmRSS"), 1),
    "peak_mb": round(status_mb("VmHWM"), 1),
    "cpu_s": round(time.process_time() - started, 2),
}))
"""


def entry_file(path: Path, size: int) -> None:
    """An entry whose questions list makes the file ``size`` bytes long."""
    head = "id: big\ntitle: Big\nkind: topic\nsummary: Big.\nanswer: Big.\nquestions:\n"
    with path.open("w", encoding="utf-8") as out:
        total, number = out.write(head), 0
        while total < size:
            total += out.write(f'  - "question number {number} about tight hip flexors"\n')
            number += 1


def run(case: str, kb: Path, big: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, case, str(kb), str(big)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="size of the oversized file")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bot.core.knowledge.yaml_reader import MAX_FILE_BYTES

    with tempfile.TemporaryDirectory() as temp:
        real = Path(temp) / "real"
        shutil.copytree(ROOT / "knowledge", real)
        huge = Path(temp) / "huge"
        shutil.copytree(ROOT / "knowledge", huge)
        entry_file(huge / "entries" / "big.yaml", int(args.mb * 1_000_000))
        limit = Path(temp) / "limit"
        shutil.copytree(ROOT / "knowledge", limit)
        entry_file(limit / "entries" / "big.yaml", MAX_FILE_BYTES - 100)
        big = huge / "entries" / "big.yaml"
        cases = [
            ("baseline", real, big),
            ("parse only", real, big),
            ("loader", huge, big),
            ("at the limit", limit, big),
        ]
        print(f"oversized file: {big.stat().st_size / 1e6:.1f} MB; limit {MAX_FILE_BYTES / 1e6} MB")
        print(f"{'case':<14} {'RSS after':>10} {'peak':>8} {'CPU s':>7}  outcome")
        for case, kb, file in cases:
            figures = run(case, kb, file)
            print(
                f"{case:<14} {figures['rss_after_mb']:>8} MB {figures['peak_mb']:>5} MB "
                f"{figures['cpu_s']:>7}  {figures['outcome']}"
            )


if __name__ == "__main__":
    main()
