"""Noticing that the database file was removed or replaced under the running bot.

SQLite keeps writing to the file it opened, even after it was deleted (``rm -rf data/``) or
replaced (a backup moved over it): every later write is confirmed to people and lost when the
bot stops. So before each operation the store compares the file at ``DATABASE_PATH`` with the
one it opened (device and inode, one ``stat``), and when they differ:

- removed: what the open connection holds is copied to a new file (``VACUUM INTO``), the old
  connection is closed and the copy moved into place. Nothing is lost; one ERROR says so.
- replaced: the new file is someone's deliberate act (restoring a backup), so the bot uses it;
  what the bot held is copied beside it (``<name>.saved-<time>``) first, so nothing is lost
  either way. One ERROR names both files.
- neither possible (the folder cannot be created, the disk is full): the operation fails with
  :class:`DatabaseFileLost`, so nobody is told "saved" for a write that would vanish; people get
  the usual apology, and every later operation tries again.

The old connection's ``-wal`` and ``-shm`` files still sit at ``<name>-wal`` and ``<name>-shm``
(SQLite keeps them when its file was moved) and would be replayed into the new file, so they are
removed once the copy is made and the old connection closed. (A replacement that brings its own
``-wal`` file therefore loses it: back up with ``VACUUM INTO`` or ``.backup``, one file each.
And a file overwritten in place, same inode, cannot be noticed at all: stop the bot first.)
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.core.records import StorageError

__all__ = ["DatabaseFile", "DatabaseFileLost"]

log = logging.getLogger(__name__)


class DatabaseFileLost(StorageError):  # noqa: N818 (names the situation)
    """The database file went away and could not be written back; the operation was refused."""


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


class DatabaseFile:
    """The file behind the store's connection; :meth:`current` swaps the connection if needed."""

    def __init__(self, path: Path, connect: Callable[[], Awaitable[aiosqlite.Connection]]) -> None:
        self.path = path
        self._connect = connect
        self._identity = _identity(path)
        self._detached = False  # the old connection is closed; the new one is not open yet
        self._saved: Path | None = None  # the copy of what the old connection held
        self._removed = False
        self._failure_reported = False

    async def current(self, db: aiosqlite.Connection) -> aiosqlite.Connection:
        """The connection to use now: ``db``, or a new one if the file changed (see module).

        Call it under the store's lock, outside any transaction.
        """
        if not self._detached and _identity(self.path) == self._identity:
            return db
        try:
            if not self._detached:
                self._removed = _identity(self.path) is None
                self._saved = await self._save_and_close(db)
            return await self._attach()
        except (OSError, sqlite3.Error) as error:
            if not self._failure_reported:
                self._failure_reported = True
                log.error(
                    "the database %s was %s while the bot was running and could not be written "
                    "back (%s); every change is refused until it can be (people are told "
                    "something went wrong). Check the folder and the disk.",
                    self.path,
                    "removed" if self._removed else "replaced",
                    error,
                )
            raise DatabaseFileLost(f"the database {self.path} is gone ({error})") from error

    async def _save_and_close(self, db: aiosqlite.Connection) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        kind = "restoring" if self._removed else "saved"
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        copy = self.path.with_name(f"{self.path.name}.{kind}-{stamp}")
        number = 1
        while copy.exists():
            number += 1
            copy = self.path.with_name(f"{self.path.name}.{kind}-{stamp}-{number}")
        await db.execute("VACUUM INTO ?", (str(copy),))
        await db.close()
        self._detached = True
        # SQLite leaves the old -wal and -shm files when its database was moved or deleted;
        # next to a new file they would be replayed into it. The copy above holds their data.
        for leftover in ("-wal", "-shm"):
            self.path.with_name(self.path.name + leftover).unlink(missing_ok=True)
        return copy

    async def _attach(self) -> aiosqlite.Connection:
        restored = _identity(self.path) is None
        if restored:
            assert self._saved is not None  # set whenever _detached is
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._saved.replace(self.path)
        db = await self._connect()
        self._identity = _identity(self.path)
        self._detached = False
        self._failure_reported = False
        if restored:
            log.error(
                "the database %s was removed while the bot was running; it was written back "
                "from the bot's open copy, so nothing was lost. Stop the bot before moving or "
                "deleting its database.",
                self.path,
            )
        else:
            log.error(
                "the database %s was replaced while the bot was running; the bot now uses the "
                "new file, and what it held until then is kept in %s. Stop the bot before "
                "replacing its database.",
                self.path,
                self._saved,
            )
        return db
