"""Draw charts in a separate process, so matplotlib never stays in the bot's memory.

Importing matplotlib and drawing one chart adds about 75 MiB to a process, for good (modules are
never unloaded). The bot draws few charts, so it hands each one to a worker process (spawned,
not forked: the bot has threads and an event loop that a fork would copy) and keeps only the
PNG bytes. The worker stays for ``idle_seconds`` after the last chart, so a few charts in a row
pay the start-up once, then exits and gives its memory back. A chart that fails or takes longer
than ``timeout`` gives None, and the caller shows the same facts in text.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

__all__ = ["ChartDrawer"]

log = logging.getLogger(__name__)


class ChartDrawer:
    """Runs picklable ``function(*args) -> bytes`` in a short-lived worker process."""

    def __init__(self, *, idle_seconds: float = 120.0, timeout: float = 30.0) -> None:
        self.idle_seconds = idle_seconds
        self.timeout = timeout
        self._pool: ProcessPoolExecutor | None = None
        self._idle: asyncio.TimerHandle | None = None
        self._lock = asyncio.Lock()

    @property
    def running(self) -> bool:
        """Whether a worker pool is up now (it goes after ``idle_seconds``)."""
        return self._pool is not None

    async def draw(self, function: Callable[..., bytes], *args: Any) -> bytes | None:
        """The chart's bytes, or None if drawing failed or took too long (logged)."""
        async with self._lock:  # one chart at a time: one worker, no queue of pools
            if self._idle is not None:
                self._idle.cancel()
                self._idle = None
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn")
                )
            loop = asyncio.get_running_loop()
            try:
                future = loop.run_in_executor(self._pool, function, *args)
                return await asyncio.wait_for(future, self.timeout)
            except TimeoutError:
                log.warning("a chart took longer than %.0f s; showing text only", self.timeout)
                self._stop(kill=True)
                return None
            except Exception:
                log.exception("could not draw a chart; showing text only")
                self._stop(kill=True)
                return None
            finally:
                if self._pool is not None:
                    self._idle = loop.call_later(self.idle_seconds, self._stop)

    def _stop(self, kill: bool = False) -> None:
        pool, self._pool = self._pool, None
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        if pool is None:
            return
        if kill:  # a worker stuck in a chart would otherwise live on
            processes = getattr(pool, "_processes", None) or {}
            for process in list(processes.values()):
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the worker now (at shutdown)."""
        self._stop()
