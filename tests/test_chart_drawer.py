"""The chart drawer: work runs in a spawned worker process, never in the bot's own; a failure
or a timeout gives None (the caller shows text), and the worker can be stopped at once."""

from __future__ import annotations

import multiprocessing.connection
import subprocess
import sys
from pathlib import Path

from bot.services.chart_drawer import ChartDrawer


async def test_the_work_runs_in_another_process_and_failures_give_none() -> None:
    drawer = ChartDrawer(idle_seconds=60)
    try:
        assert await drawer.draw(bytes, 3) == b"\x00\x00\x00"
        assert drawer.running
        assert drawer._pool is not None
        (worker,) = drawer._pool._processes.values()
        assert worker.pid is not None and worker.is_alive()
        assert await drawer.draw(bytes.fromhex, "not hex") is None  # raised in the worker
        assert not drawer.running  # a failed worker is not reused
        # The sentinel closes when the worker process ends, whoever reaps it: the pool's own
        # manager thread joins the terminated worker too, and is_alive() can race with it (a
        # waitpid that the other thread won gives "still running"). Up to 30 s on a loaded machine.
        assert multiprocessing.connection.wait([worker.sentinel], timeout=30), "worker still up"
        assert await drawer.draw(bytes, 1) == b"\x00"  # a new worker for the next chart
    finally:
        drawer.close()
    assert not drawer.running


async def test_a_chart_that_takes_too_long_gives_none() -> None:
    drawer = ChartDrawer(timeout=0.0)
    try:
        assert await drawer.draw(bytes, 1) is None
        assert not drawer.running
    finally:
        drawer.close()


PROBE = """
import asyncio, sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo
from bot.core.knowledge import load_knowledge
from bot.core.sessions.chart import draw_chart
from bot.core.sessions.progress import weekly_progress
from bot.services.chart_drawer import ChartDrawer
texts = dict(load_knowledge('knowledge').texts)
now = datetime(2026, 3, 4, 9, tzinfo=UTC)
progress = weekly_progress([now], [], now, ZoneInfo('UTC'))
async def main():
    drawer = ChartDrawer()
    png = await drawer.draw(draw_chart, texts, progress)
    drawer.close()
    return png
png = asyncio.run(main())
assert png is not None and png.startswith(b'\\x89PNG'), png
assert not any(m.startswith('matplotlib') for m in sys.modules), 'matplotlib in the bot'
print('ok')
"""


def test_a_chart_drawn_by_the_drawer_leaves_matplotlib_out_of_the_bot() -> None:
    """In a fresh interpreter, as a bot that just started (this test process may hold it)."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
