"""Guided-session benchmarks: the /progress chart, the bot's idle memory, 1,000 timed sessions.

Run as ``python benchmarks/sessions.py``. It prints figures and asserts only correctness, never
timing. Targets: the bot never loads matplotlib (charts are drawn in a worker process that
exits when idle), so its resident memory after charts stays near its idle figure; the first
chart, which starts the worker, in about a second; both ways printed side by side; 1,000
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.core.clock import utc_now  # noqa: E402
from bot.core.sessions.plan import Phase, SessionPlan, Step  # noqa: E402
from bot.services.session_runner import ActiveSession, SessionRunner  # noqa: E402

# Run in a fresh interpreter, so imports and memory are those of a bot that just started.
# ``inprocess``: the chart drawn in the bot's own process (how it was done before: matplotlib
# stays loaded). ``worker``: the bot's ChartDrawer (a spawned worker process that exits after
# its idle time), as the bot draws now.
CHART_PROBE = """
import asyncio, gc, json, sys, time, tracemalloc
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

def rss_kib(pid='self', field='VmRSS:'):
    for line in open(f'/proc/{pid}/status'):
        if line.startswith(field):
            return int(line.split()[1])
    return 0

mode = sys.argv[1]
from bot.app import build_application
from bot.config import load_settings
token = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi'
settings = load_settings(env_file=None, telegram_bot_token=token,
                         database_path='/tmp/unused.sqlite3', knowledge_dir='knowledge')
app = build_application(settings)
from bot.core.sessions.chart import draw_chart
from bot.core.sessions.progress import weekly_progress
texts = dict(app.bot_data.answerer.kb.texts)
gc.collect()
idle = rss_kib()
loaded_at_idle = any(m.startswith('matplotlib') for m in sys.modules)
now = datetime(2026, 3, 4, 9, tzinfo=UTC)
sessions = [now - timedelta(days=d) for d in range(0, 56, 2)]
progress = weekly_progress(sessions, sessions[::3], now, ZoneInfo('Europe/Berlin'))
out = {'mode': mode, 'idle_kib': idle, 'loaded_at_idle': loaded_at_idle}
if mode == 'inprocess':
    start = time.perf_counter()
    png = draw_chart(texts, progress)
    out['first_s'] = time.perf_counter() - start
    times = []
    for _ in range(10):
        start = time.perf_counter()
        draw_chart(texts, progress)
        times.append(time.perf_counter() - start)
    out['times'] = times
    gc.collect()
    out['after_kib'] = rss_kib()
    tracemalloc.start()  # last: tracing slows Python down and holds memory of its own
    draw_chart(texts, progress)
    out['peak'] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
else:
    from bot.services.chart_drawer import ChartDrawer
    async def run():
        drawer = ChartDrawer(idle_seconds=0.5)
        start = time.perf_counter()
        png = await drawer.draw(draw_chart, texts, progress)
        out['first_s'] = time.perf_counter() - start
        times = []
        for _ in range(10):
            start = time.perf_counter()
            await drawer.draw(draw_chart, texts, progress)
            times.append(time.perf_counter() - start)
        out['times'] = times
        pool = drawer._pool
        (worker,) = pool._processes.values()
        out['worker_peak_kib'] = rss_kib(worker.pid, 'VmHWM:')
        gc.collect()
        out['with_worker_kib'] = rss_kib()
        await asyncio.sleep(1.0)  # the idle time passes: the worker exits
        worker.join(5)
        out['worker_gone'] = not worker.is_alive() and not drawer.running
        # a chart after the worker left: a new worker starts again (the "cold" time)
        start = time.perf_counter()
        await drawer.draw(draw_chart, texts, progress)
        out['cold_again_s'] = time.perf_counter() - start
        drawer.close()
        await asyncio.sleep(0.5)
        gc.collect()
        out['after_kib'] = rss_kib()
        return png
    png = asyncio.run(run())
out['png_bytes'] = len(png)
out['matplotlib_in_bot'] = any(m.startswith('matplotlib') for m in sys.modules)
out['pyplot'] = 'matplotlib.pyplot' in sys.modules
print(json.dumps(out))
"""


def section(title: str) -> None:
    print(f"\n== {title}")


def probe(mode: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", CHART_PROBE, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert not figures["loaded_at_idle"], "matplotlib must not load before a chart is drawn"
    assert not figures["pyplot"], "pyplot must never be imported"
    return figures


def chart_and_memory() -> None:
    section("the /progress chart and the bot's idle memory (each mode in a fresh interpreter)")
    before = probe("inprocess")
    now = probe("worker")
    assert not now["matplotlib_in_bot"], "with the worker, matplotlib must stay out of the bot"
    assert now["worker_gone"], "the worker must exit after its idle time"
    mib = 1024
    print("chart drawn in the bot's own process (before):")
    print(
        f"  first chart (imports matplotlib): {before['first_s'] * 1000:.0f} ms; later: median "
        f"{statistics.median(before['times']) * 1000:.0f} ms; Python peak of one chart "
        f"{before['peak'] / 1e6:.1f} MB; PNG {before['png_bytes'] / 1024:.0f} KiB"
    )
    print(
        f"  bot RSS idle (no chart since start): {before['idle_kib'] / mib:.1f} MiB; "
        f"with a chart drawn since start: {before['after_kib'] / mib:.1f} MiB "
        f"(+{(before['after_kib'] - before['idle_kib']) / mib:.1f} MiB, for good)"
    )
    print("chart drawn in the ChartDrawer's worker process (now):")
    print(
        f"  first chart (spawns the worker, which imports matplotlib): "
        f"{now['first_s'] * 1000:.0f} ms; later, while the worker stays: median "
        f"{statistics.median(now['times']) * 1000:.0f} ms; after the worker left: "
        f"{now['cold_again_s'] * 1000:.0f} ms"
    )
    print(
        f"  worker peak RSS (the chart's memory, returned when it exits): "
        f"{now['worker_peak_kib'] / mib:.1f} MiB"
    )
    print(
        f"  bot RSS idle (no chart since start): {now['idle_kib'] / mib:.1f} MiB; "
        f"while the worker is up: {now['with_worker_kib'] / mib:.1f} MiB; "
        f"with charts drawn since start, worker gone: {now['after_kib'] / mib:.1f} MiB "
        f"(+{(now['after_kib'] - now['idle_kib']) / mib:.1f} MiB)"
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
