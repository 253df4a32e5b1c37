"""Guided-session benchmarks: the /progress chart, the bot's idle memory, 1,000 timed sessions.

Run as ``python benchmarks/sessions.py``. It prints figures and asserts only correctness, never
timing. Targets: one chart well under a second; the idle bot does not load matplotlib, so its
resident memory grows only once a chart is drawn (both figures printed, with the growth); 1,000
concurrent sessions on the bot's one scheduler, each phase change seen less than a second after
its planned instant (the machine is shared and noisy: compare runs, not single figures).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.core.clock import utc_now  # noqa: E402
from bot.core.sessions.plan import Phase, SessionPlan, Step  # noqa: E402
from bot.services.session_runner import ActiveSession, SessionRunner  # noqa: E402

# Run in a fresh interpreter, so imports and memory are those of a bot that just started.
CHART_PROBE = """
import json, sys, time, tracemalloc
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

def rss_kib():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1])
    return 0

from bot.app import build_application
from bot.config import load_settings
token = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi'
settings = load_settings(env_file=None, telegram_bot_token=token,
                         database_path='/tmp/unused.sqlite3', knowledge_dir='knowledge')
app = build_application(settings)
from bot.core.sessions.chart import draw_chart
from bot.core.sessions.progress import weekly_progress
texts = app.bot_data.answerer.kb.texts
idle = rss_kib()
loaded_at_idle = any(m.startswith('matplotlib') for m in sys.modules)
now = datetime(2026, 3, 4, 9, tzinfo=UTC)
sessions = [now - timedelta(days=d) for d in range(0, 56, 2)]
progress = weekly_progress(sessions, sessions[::3], now, ZoneInfo('Europe/Berlin'))
start = time.perf_counter()
png = draw_chart(texts, progress)
first = time.perf_counter() - start
times = []
for _ in range(20):
    start = time.perf_counter()
    draw_chart(texts, progress)
    times.append(time.perf_counter() - start)
import gc; gc.collect()
after = rss_kib()
tracemalloc.start()  # last: tracing slows Python down and holds memory of its own
draw_chart(texts, progress)
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
first_peak = peak
print(json.dumps({'idle_kib': idle, 'after_kib': after, 'loaded_at_idle': loaded_at_idle,
                  'first_s': first, 'first_peak': first_peak, 'times': times, 'peak': peak,
                  'png_bytes': len(png), 'pyplot': 'matplotlib.pyplot' in sys.modules}))
"""


def section(title: str) -> None:
    print(f"\n== {title}")


def chart_and_memory() -> None:
    section("the /progress chart, and the bot's idle memory (fresh interpreter)")
    result = subprocess.run(
        [sys.executable, "-c", CHART_PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert not figures["loaded_at_idle"], "matplotlib must not load before a chart is drawn"
    assert not figures["pyplot"], "pyplot must never be imported"
    times = figures["times"]
    print(f"first chart (imports matplotlib): {figures['first_s'] * 1000:.0f} ms")
    print(
        f"later charts: median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms, Python peak of one {figures['peak'] / 1e6:.1f} MB, "
        f"PNG {figures['png_bytes'] / 1024:.0f} KiB"
    )
    idle, after = figures["idle_kib"], figures["after_kib"]
    print(
        f"bot RSS idle (application built, no chart): {idle / 1024:.1f} MiB; "
        f"after charts: {after / 1024:.1f} MiB (+{(after - idle) / 1024:.1f} MiB)"
    )


async def thousand_sessions(count: int = 1000) -> None:
    section(f"{count} concurrent sessions on one scheduler (real clock)")
    plan = SessionPlan(
        ("a",),
        (
            Step("a", Phase.POSITION, 2, 1),
            Step("a", Phase.HOLD, 2, 1),
            Step("a", Phase.HALFWAY, 2, 1),
            Step("a", Phase.SWITCH, 2, 2),
            Step("a", Phase.HOLD, 1, 2),
        ),
    )
    late: list[float] = []
    planned: dict[int, datetime] = {}

    async def notify(active: ActiveSession) -> None:
        # the instant this phase should have begun, by the plan: the session's clock never drifts
        due = planned[active.chat_id]
        late.append((utc_now() - due).total_seconds())
        wakeup = active.session.next_wakeup()
        if wakeup is not None:
            planned[active.chat_id] = wakeup

    runner = SessionRunner(utc_now, notify)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop, interval=1.0))
    started = time.perf_counter()
    for chat in range(count):
        active, _ = runner.start(chat, plan)
        active.session.begin(0)
        runner.schedule(active)
        wakeup = active.session.next_wakeup()
        assert wakeup is not None
        planned[chat] = wakeup
        if chat % 50 == 0:
            await asyncio.sleep(0.01)  # people start at different moments
    while len(late) < count * len(plan.steps) and time.perf_counter() - started < 60:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    stop.set()
    await task
    assert len(late) == count * len(plan.steps), f"{len(late)} phase changes seen"
    late.sort()
    print(
        f"phase changes: {len(late)}; lateness after the planned instant: "
        f"median {statistics.median(late) * 1000:.0f} ms, "
        f"p99 {late[int(len(late) * 0.99)] * 1000:.0f} ms, max {late[-1] * 1000:.0f} ms"
    )
    print(f"over a second late: {sum(1 for x in late if x > 1.0)}")


def main() -> None:
    chart_and_memory()
    asyncio.run(thousand_sessions())


if __name__ == "__main__":
    main()
