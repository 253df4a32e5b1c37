"""The BackCare bot side by side with a bare echo bot, under a burst of people asking at once.

Both run as their own subprocess (so CPU time and RSS are each process's own), both with
python-telegram-bot's AIORateLimiter and ``concurrent_updates``, each polling its own copy of the
tests' fake Bot API over HTTP on 127.0.0.1 (``tests/fake_telegram.py``; it runs in this process,
so its cost is in neither bot's figures). Rounds alternate (echo, bot, echo, bot, ...) in one run,
so a noisy machine slows both alike: compare the ratios, not the absolute times.

Each round, ``--users`` people who never wrote before (new user ids every round) send one
question each, all at once; a round ends when everyone has had a reply and the bot has been
quiet for a moment. Printed per bot, over the measured rounds (a first warm-up round each is
not counted):

* CPU per reply: the process's CPU time (user + system, all threads) over the round, divided by
  the number of people answered (the bot's trailing bookkeeping is inside the round);
* p50 / p99 time to first reply: from the moment a question was queued at the fake Bot API to
  the first message sent to that person;
* throughput: people answered per second of the round;
* RSS: resident memory once started and idle, and after all rounds.

Run: ``python benchmarks/echo_compare.py [--users 200] [--rounds 3]``. It asserts only that
everyone got a reply, never timing. ``--py-spy FILE`` also samples the BackCare bot with py-spy
(``pip install py-spy``) over the measured rounds and writes the stacks to FILE in collapsed
("folded") form, for flamegraph.pl or speedscope, and the echo bot's to ``FILE.echo``; sampling
slows the bots, so their CPU figures in such a run are not comparable with a run without it.
``--base REV`` adds the BackCare bot as it was at REV (``git archive`` into a temporary folder,
run on this folder's knowledge) as a third contender in the same alternation (echo, base,
backcare), so a change is measured before and after in one run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fake_telegram import ApiCall, FakeTelegramServer  # noqa: E402

TOKEN = "7081234567:AAF-e2e_fake_token_for_tests_0123456789"
SENDS = frozenset({"sendMessage", "sendPhoto"})
QUIET_SECONDS = 1.0  # a round ends this long after the last call once everyone was answered
ROUND_TIMEOUT = 300.0
TICKS = os.sysconf("SC_CLK_TCK")


class TimedFake(FakeTelegramServer):
    """The tests' fake Bot API, noting when each chat got its first message."""

    def __init__(self) -> None:
        super().__init__()
        self.first_reply: dict[int, float] = {}
        self.sent = 0
        self.last_call = time.monotonic()
        self._times = threading.Lock()

    def _record(self, call: ApiCall) -> None:
        now = time.monotonic()
        with self._times:
            self.last_call = now
            if call.method in SENDS and call.ok:
                self.sent += 1
                self.first_reply.setdefault(int(call.params["chat_id"]), now)
        super()._record(call)


@dataclass
class Contender:
    """One bot under test: its process, its fake Bot API and what was measured."""

    name: str
    command: list[str]
    env: dict[str, str]
    cwd: Path = ROOT
    fake: TimedFake = field(default_factory=TimedFake)
    process: subprocess.Popen[bytes] | None = None
    idle_rss: int = 0
    cpu: list[float] = field(default_factory=list)  # seconds per round
    answered: list[int] = field(default_factory=list)
    messages: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)
    round_p99: list[float] = field(default_factory=list)

    def start(self, log: Path) -> None:
        env = dict(self.env, TELEGRAM_API_BASE_URL=self.fake.base_url)
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                self.command, env=env, cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT
            )
        self.fake.wait_for_call_sync("getUpdates", timeout=120)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.fake.stop()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_bytes(pid: int) -> int:
    """Resident set size of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def questions() -> list[str]:
    """Real wordings: every probe of the regression sets (any order, any topic)."""
    texts: list[str] = []
    for path in sorted((ROOT / "benchmarks" / "regression").glob("questions*.yaml")):
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts.extend(str(probe["text"]) for probe in data.get("probes", []))
    return texts


def run_round(
    bot: Contender, users: range, texts: list[str], record: bool, spread: float = 0.0
) -> None:
    """Everyone in ``users`` asks at once (or evenly over ``spread`` seconds); wait until all
    were answered and the bot is quiet."""
    fake = bot.fake
    sent_before = fake.sent
    cpu_before = cpu_seconds(bot.pid)
    queued: dict[int, float] = {}
    if spread <= 0:
        with fake._cond:  # all questions become visible to the bot's next getUpdates together
            for index, user in enumerate(users):
                queued[user] = time.monotonic()
                fake.send_text(texts[(user * 7 + index) % len(texts)], user_id=user)
    else:
        start = time.monotonic()
        for index, user in enumerate(users):
            due = start + spread * index / len(users)
            time.sleep(max(0.0, due - time.monotonic()))
            queued[user] = time.monotonic()
            fake.send_text(texts[(user * 7 + index) % len(texts)], user_id=user)
    deadline = time.monotonic() + ROUND_TIMEOUT
    while True:
        time.sleep(0.05)
        now = time.monotonic()
        done = all(user in fake.first_reply for user in users)
        if done and now - fake.last_call >= QUIET_SECONDS:
            break
        if now > deadline:
            missing = sum(user not in fake.first_reply for user in users)
            raise SystemExit(f"{bot.name}: {missing} of {len(users)} never got a reply")
    cpu = cpu_seconds(bot.pid) - cpu_before
    waits = [fake.first_reply[user] - queued[user] for user in users]
    if not record:
        return
    start = min(queued.values())
    bot.cpu.append(cpu)
    bot.answered.append(len(users))
    bot.messages.append(fake.sent - sent_before)
    bot.latencies.extend(waits)
    bot.durations.append(max(fake.first_reply[user] for user in users) - start)
    bot.round_p99.append(percentile(waits, 99))


def checkout(revision: str, into: Path) -> Path:
    """The bot's code at ``revision``, extracted into ``into/base``."""
    archive = into / "base.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", revision, "bot"], stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "base", filter="data")
    return into / "base"


def start_py_spy(pid: int, out: str) -> subprocess.Popen[bytes]:
    """py-spy sampling ``pid`` (busy threads only: waits in epoll or on a queue may still show)."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    command = [py_spy, "record", "--rate", "250", "--format", "raw", "-o", out, "-p", str(pid)]
    spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # attached before the round starts
    return spy


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(bot: Contender) -> dict[str, float]:
    answered = sum(bot.answered)
    return {
        "cpu_ms": 1000 * sum(bot.cpu) / answered,
        "p50_s": statistics.median(bot.latencies),
        "p99_s": percentile(bot.latencies, 99),
        "max_s": max(bot.latencies),
        "per_s": answered / sum(bot.durations),
        "msgs": sum(bot.messages) / answered,
        "idle_mib": bot.idle_rss / 2**20,
        "after_mib": rss_bytes(bot.pid) / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200, help="people asking at once per round")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds per bot")
    parser.add_argument(
        "--spread",
        type=float,
        default=0.0,
        help="seconds over which each round's questions arrive, evenly (0: all at once)",
    )
    parser.add_argument(
        "--py-spy",
        metavar="FILE",
        help="sample the bots with py-spy over the measured rounds; stacks to FILE (and .echo)",
    )
    parser.add_argument(
        "--base", metavar="REV", help="also run the BackCare bot as it was at this revision"
    )
    args = parser.parse_args()
    texts = questions()
    workdir = Path(tempfile.mkdtemp(prefix="echo-compare-"))
    base_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_", "KNOWLEDGE_", "LOG_LEVEL"))
    }
    base_env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    echo = Contender(
        "echo", [sys.executable, str(ROOT / "benchmarks" / "echo_bot.py")], dict(base_env)
    )
    ours = Contender(
        "backcare",
        [sys.executable, "-m", "bot", "run"],
        dict(
            base_env,
            DATABASE_PATH=str(workdir / "bot.sqlite3"),
            KNOWLEDGE_DIR=str(ROOT / "knowledge"),
        ),
    )
    bots: tuple[Contender, ...] = (echo, ours)
    if args.base:
        code = checkout(args.base, workdir)
        before = Contender(
            "base",
            [sys.executable, "-m", "bot", "run"],
            dict(
                base_env,
                PYTHONPATH=os.pathsep.join([str(code), base_env["PYTHONPATH"]]),
                DATABASE_PATH=str(workdir / "base.sqlite3"),
                KNOWLEDGE_DIR=str(ROOT / "knowledge"),
            ),
            cwd=code,
        )
        bots = (echo, before, ours)
    try:
        for bot in bots:
            bot.start(workdir / f"{bot.name}.log")
        time.sleep(2.0)  # both settle: start-up work done, long polls waiting
        for bot in bots:
            bot.idle_rss = rss_bytes(bot.pid)
        next_user = 10_000_000
        spies: list[subprocess.Popen[bytes]] = []
        for round_no in range(args.rounds + 1):
            if round_no == 1 and args.py_spy:
                spies.append(start_py_spy(ours.pid, args.py_spy))
                spies.append(start_py_spy(echo.pid, args.py_spy + ".echo"))
            for bot in bots:
                users = range(next_user, next_user + args.users)
                next_user += args.users
                run_round(bot, users, texts, record=round_no > 0, spread=args.spread)
                label = "warm-up" if round_no == 0 else f"round {round_no}"
                print(f"{label:>8} {bot.name:<9} done", file=sys.stderr, flush=True)
        results = {bot.name: summary(bot) for bot in bots}
        for spy in spies:
            spy.send_signal(signal.SIGINT)  # py-spy writes its file and exits
            spy.wait(timeout=60)
    finally:
        for bot in bots:
            bot.stop()
    print(
        f"\n{args.users} people asking "
        + (f"within {args.spread:g} s" if args.spread > 0 else "at once")
        + f", {args.rounds} measured rounds each (alternating), both with AIORateLimiter"
    )
    columns = [
        ("cpu_ms", "CPU ms/reply"),
        ("p50_s", "p50 first s"),
        ("p99_s", "p99 first s"),
        ("max_s", "max first s"),
        ("per_s", "answered/s"),
        ("msgs", "msgs/person"),
        ("idle_mib", "idle RSS MiB"),
        ("after_mib", "RSS after MiB"),
    ]
    print(f"{'':<14}" + "".join(f"{title:>15}" for _, title in columns))
    for name, row in results.items():
        print(f"{name:<14}" + "".join(f"{row[key]:>15.3f}" for key, _ in columns))
    for name in results:
        if name == "echo":
            continue
        ratio = {key: results[name][key] / results["echo"][key] for key, _ in columns}
        label = "ratio" if len(results) == 2 else f"{name}/echo"
        print(f"{label:<14}" + "".join(f"{ratio[key]:>15.2f}" for key, _ in columns))
    print(
        "per-round p99 (s): "
        + "; ".join(
            f"{bot.name} " + ", ".join(f"{value:.2f}" for value in bot.round_p99) for bot in bots
        )
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
