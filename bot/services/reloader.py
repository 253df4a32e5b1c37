"""Hot reload of the knowledge base: validate first, swap atomically, keep the last good one.

Maintainers edit YAML while the bot runs. A change is picked up within seconds; an invalid edit
is logged with every problem and the bot keeps answering from the previous knowledge base, so a
typo in one file never takes the bot down or leaves it half-loaded.

The watcher must outlive anything a maintainer or a deploy does to the folder: an error while
loading is reported like a validation problem, a failing file watcher is restarted, and a folder
that is removed or replaced (``rm -rf knowledge && cp -r new knowledge``) is noticed by its
identity (device and inode) and watched again once it is back. Each of these is logged, so
nobody has to guess why an edit was not picked up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, awatch

from bot.core.answering.answerer import Answerer
from bot.core.knowledge import KnowledgeError, Problem
from bot.services.answer_cache import build_answerer, default_cache_dir

log = logging.getLogger(__name__)

DEBOUNCE_MS = 800  # editors write files in several steps; wait for them to settle
# How often watchfiles' thread wakes (taking the GIL) to look for a stop; its default of 50 ms
# cost an idle bot about 1.3 ms of CPU a second. An edit still reloads within ~DEBOUNCE_MS.
STEP_MS = 250
CHECK_SECONDS = 2.0  # how often the watcher checks that the folder is still the same folder
RETRY_MAX_SECONDS = 60.0  # the longest wait before trying again to watch a failing folder


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: whether it swapped, and the problems if it did not."""

    ok: bool
    entries: int = 0
    problems: tuple[Problem, ...] = ()

    def summary(self) -> str:
        """One line for logs and for the operator's /reload reply."""
        if self.ok:
            return f"Knowledge base reloaded: {self.entries} entries."
        listed = "\n".join(f"- {problem}" for problem in self.problems[:20])
        more = f"\n(and {len(self.problems) - 20} more)" if len(self.problems) > 20 else ""
        return (
            f"The knowledge base was NOT reloaded: {len(self.problems)} problem(s). "
            f"The previous version is still in use.\n{listed}{more}"
        )


def _build(directory: Path) -> Answerer:
    # The cache key is recomputed, so an edit is never missed.
    return build_answerer(directory, default_cache_dir(), reloading=True)


def _identity(directory: Path) -> tuple[int, int] | None:
    """(device, inode) of the folder, None if it is missing: a replaced folder has a new one."""
    try:
        found = directory.stat()
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def _replaced(directory: Path, identity: tuple[int, int], changes: set[tuple[Change, str]]) -> bool:
    """Whether the watched folder went away: a new identity, or a deletion event for the folder
    itself (removed and created again between two checks, it may get its inode number back)."""
    if _identity(directory) != identity:
        return True
    root = directory.absolute()
    return any(kind == Change.deleted and Path(path).absolute() == root for kind, path in changes)


class KnowledgeReloader:
    """Loads ``directory`` into a new Answerer and hands it to ``install`` when valid."""

    def __init__(
        self,
        directory: Path,
        install: Callable[[Answerer], None],
        *,
        build: Callable[[Path], Answerer] = _build,
        check_seconds: float = CHECK_SECONDS,
    ) -> None:
        self.directory = directory
        self._install = install
        self._build = build
        self._check_seconds = check_seconds
        self._lock = asyncio.Lock()

    async def reload(self) -> ReloadResult:
        """Validate and build off the event loop, then swap in one assignment. Never raises:
        whatever goes wrong is a result with problems, and the old knowledge base stays."""
        async with self._lock:
            try:
                answerer = await asyncio.to_thread(self._build, self.directory)
            except KnowledgeError as error:
                result = ReloadResult(False, problems=tuple(error.problems))
                log.error("%s", result.summary())
                return result
            except Exception as error:  # a bug or an exhausted resource, not a maintainer's typo
                problem = Problem(
                    str(self.directory),
                    None,
                    f"could not be loaded ({type(error).__name__}: {error}).",
                    "run 'python -m bot kb check' on this folder; if it passes, report a bug.",
                )
                result = ReloadResult(False, problems=(problem,))
                log.error("%s", result.summary())
                return result
            self._install(answerer)
            result = ReloadResult(True, entries=len(answerer.kb.entries))
            log.info("%s", result.summary())
            return result

    async def watch(self, stop: asyncio.Event | None = None) -> None:
        """Reload whenever a YAML file in the directory changes, until ``stop`` is set.

        Never ends by itself: a missing folder is waited for, a replaced one watched afresh,
        and a failing watcher retried with a growing pause, each with a log line saying so.
        """
        stop = stop or asyncio.Event()
        watched = _identity(self.directory)
        changed = False  # the folder was removed or replaced since it was last watched
        missing_reported = False
        failures = 0
        while not stop.is_set():
            current = _identity(self.directory)
            if current is None:
                if not missing_reported:
                    log.warning(
                        "the knowledge folder %s is gone; the loaded knowledge base stays in "
                        "use, and edits are picked up again once the folder is back",
                        self.directory,
                    )
                    missing_reported = True
                changed = True
                await self._pause(stop, self._check_seconds)
                continue
            if changed or current != watched:
                log.warning(
                    "the knowledge folder %s was replaced; watching it again", self.directory
                )
                changed = True
            missing_reported = False
            watched = current
            try:
                # Returns when the folder is removed or replaced (or on stop).
                await self._watch_folder(stop, current, reload_first=changed)
                changed = True
                failures = 0
            except Exception as error:  # e.g. the OS limit on watched files was reached
                failures += 1
                pause = min(RETRY_MAX_SECONDS, self._check_seconds * 2**failures)
                log.warning(
                    "cannot watch the knowledge folder %s (%s: %s); edits are not picked up "
                    "until this works (next try in %.0f s; /reload still works)",
                    self.directory,
                    type(error).__name__,
                    error,
                    pause,
                )
                await self._pause(stop, pause)

    async def _watch_folder(
        self, stop: asyncio.Event, identity: tuple[int, int], *, reload_first: bool
    ) -> None:
        """Watch one incarnation of the folder until it is removed or replaced, or ``stop``."""
        async for changes in awatch(
            self.directory,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop,
            recursive=True,
            yield_on_timeout=True,
            rust_timeout=max(1, int(self._check_seconds * 1000)),
        ):
            if _replaced(self.directory, identity, changes):
                return
            # The first yield proves the watcher is running, so a reload now cannot miss an
            # edit made while a replaced folder was still being copied in.
            if reload_first or any(path.endswith((".yaml", ".yml")) for _, path in changes):
                reload_first = False
                await self.reload()

    @staticmethod
    async def _pause(stop: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)
