"""Hot reload of the knowledge base: validate first, swap atomically, keep the last good one.

Maintainers edit YAML while the bot runs. A change is picked up within seconds; an invalid edit
is logged with every problem and the bot keeps answering from the previous knowledge base, so a
typo in one file never takes the bot down or leaves it half-loaded.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchfiles import awatch

from bot.core.answering.answerer import Answerer
from bot.core.knowledge import KnowledgeError, Problem, load_knowledge

log = logging.getLogger(__name__)

DEBOUNCE_MS = 800  # editors write files in several steps; wait for them to settle


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


class KnowledgeReloader:
    """Loads ``directory`` into a new Answerer and hands it to ``install`` when valid."""

    def __init__(self, directory: Path, install: Callable[[Answerer], None]) -> None:
        self.directory = directory
        self._install = install
        self._lock = asyncio.Lock()

    async def reload(self) -> ReloadResult:
        """Validate and build off the event loop, then swap in one assignment."""
        async with self._lock:
            try:
                answerer = await asyncio.to_thread(_build, self.directory)
            except KnowledgeError as error:
                result = ReloadResult(False, problems=tuple(error.problems))
                log.error("%s", result.summary())
                return result
            self._install(answerer)
            result = ReloadResult(True, entries=len(answerer.kb.entries))
            log.info("%s", result.summary())
            return result

    async def watch(self, stop: asyncio.Event | None = None) -> None:
        """Reload whenever a YAML file in the directory changes, until ``stop`` is set."""
        async for changes in awatch(
            self.directory, debounce=DEBOUNCE_MS, stop_event=stop, recursive=True
        ):
            if any(path.endswith((".yaml", ".yml")) for _, path in changes):
                await self.reload()


def _build(directory: Path) -> Answerer:
    return Answerer(load_knowledge(directory))
