"""Why the database cannot be opened, in one plain sentence.

Start-up failures become one sentence naming the likely cause and what to do (a folder where
the file should be, a damaged file, a file from a newer bot, a read-only file or folder, a full
disk, another bot holding it), instead of a traceback. SQLite's error codes say which it is;
the messages never guess beyond what the code and the path show.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage.lock import DatabaseInUse
from bot.storage.schema import DatabaseTooNew

__all__ = ["open_failure"]

# Primary SQLite result codes (the low byte of an extended code).
_READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 8, 10, 11, 13, 14, 26
_BUSY, _LOCKED, _PERM = 5, 6, 3


def open_failure(path: Path, error: BaseException) -> str:
    """Why the database at ``path`` could not be opened, in one sentence with the fix."""
    if isinstance(error, DatabaseInUse):
        return (
            f"Another bot is already running on the database {path} ({error.holder}). "
            "Stop it first; two bots on one database would answer people twice."
        )
    if isinstance(error, DatabaseTooNew):
        return (
            f"The database {path} was written by a newer version of this bot ({error}). "
            "Run that version, or point DATABASE_PATH at a backup made by this one."
        )
    if path.is_dir():
        return (
            f"DATABASE_PATH points to a folder ({path}); it must name a file in a writable "
            "folder, e.g. data/backcare.sqlite3."
        )
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    detail = str(error) or type(error).__name__
    if primary in (_CORRUPT, _NOTADB):
        return (
            f"The database {path} is damaged or is not a SQLite database ({detail}). Restore it "
            "from a backup, or move it away to start with an empty one (the reminders and "
            "settings in it are then lost)."
        )
    if primary in (_READONLY, _PERM) or isinstance(error, PermissionError):
        return (
            f"The database {path} cannot be written ({detail}). The bot needs write access to "
            "the file and to its folder (SQLite keeps -wal and -shm files next to it)."
        )
    if primary == _FULL:
        return f"The disk that holds the database {path} is full ({detail}). Free some space."
    if primary in (_BUSY, _LOCKED):
        return (
            f"The database {path} is locked by another program ({detail}). Close it (a database "
            "browser, a backup tool) and start the bot again."
        )
    if primary == _IOERR:
        return (
            f"Reading or writing the database {path} failed ({detail}). Check the disk and the "
            "file system it is on."
        )
    if primary == _CANTOPEN or isinstance(error, (OSError, sqlite3.Error)):
        return (
            f"Cannot open the database at {path} ({detail}). Check DATABASE_PATH: its folder "
            "must exist or be creatable, and be writable."
        )
    return f"Cannot open the database at {path} ({type(error).__name__}: {detail})."
