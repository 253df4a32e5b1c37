"""One bot per database: an exclusive lock on a file next to it, held while the bot runs.

Two bots on one database (an overlapping deploy, a duplicated worker) answer people twice and
race each other's reminder claims. SQLite's own locks only serialise single transactions, so
the bot takes ``flock(LOCK_EX)`` on ``<database>.lock`` at start-up and keeps it until it
exits. The kernel releases it when the process ends, however it ends (crash or kill -9
included), so a stale lock file never blocks a restart. The holder writes its process id, host
and start time into the file, so the one refused can say who has it.

Maintainer tools (``report``) open the database without the lock: reading while the bot runs
is safe in WAL mode. ``flock`` is per open file, so two bots in one process exclude each other
too. Where ``fcntl`` is missing (Windows) the lock is skipped.
"""

from __future__ import annotations

import contextlib
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Self

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; the bot runs unlocked
    fcntl = None  # type: ignore[assignment]

__all__ = ["DatabaseInUse", "InstanceLock", "lock_path"]


class DatabaseInUse(Exception):  # noqa: N818 (names the situation)
    """Another process holds the lock; ``holder`` describes it as it described itself."""

    def __init__(self, path: Path, holder: str) -> None:
        self.path = path
        self.holder = holder
        super().__init__(f"{path} is in use by {holder}")


def lock_path(database: Path) -> Path:
    """The lock file for a database file."""
    return database.with_name(database.name + ".lock")


class InstanceLock:
    """``acquire()`` or ``with InstanceLock(path):``; raises DatabaseInUse when held."""

    def __init__(self, database: Path) -> None:
        self.path = lock_path(database)
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock (without waiting) and record who holds it."""
        if fcntl is None or self._file is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise DatabaseInUse(self.path, holder) from None
        except BaseException:
            handle.close()
            raise
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()} on {socket.gethostname()}, started {started}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        """Give the lock up (closing the file releases it); idempotent."""
        handle, self._file = self._file, None
        if handle is not None:
            with contextlib.suppress(OSError):
                handle.close()

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
