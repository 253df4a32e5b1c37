"""Why the PostgreSQL database cannot be opened, in one plain sentence that never shows the
password of ``DATABASE_URL`` (only its host, port and database name)."""

from __future__ import annotations

from urllib.parse import urlsplit

import asyncpg

from bot.storage.schema import DatabaseTooNew

__all__ = ["describe", "open_failure"]


def describe(url: str) -> str:
    """``database NAME on HOST:PORT``, from the URL, without user or password."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        port = parts.port or 5432
    except ValueError:
        return "the database in DATABASE_URL"
    name = parts.path.lstrip("/") or "(default)"
    return f"the PostgreSQL database {name} on {host}:{port}"


def open_failure(url: str, error: BaseException) -> str:
    """Why the database at ``url`` could not be opened, in one sentence with the fix."""
    where = describe(url)
    if isinstance(error, DatabaseTooNew):
        return (
            f"{where[0].upper()}{where[1:]} was written by a newer version of this bot ({error}). "
            "Run that version, or point DATABASE_URL at a database made by this one."
        )
    if isinstance(
        error, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError
    ):
        return f"PostgreSQL refused the user name or password in DATABASE_URL for {where}."
    if isinstance(error, asyncpg.InvalidCatalogNameError):
        return f"There is no {where[4:]}; create it (createdb) or fix DATABASE_URL."
    if isinstance(error, asyncpg.InsufficientPrivilegeError):
        return (
            f"The user in DATABASE_URL may not create or change tables in {where}; "
            "grant it those rights or use the database's owner."
        )
    if isinstance(error, TimeoutError):
        return f"Could not reach {where} in time. Check that the server runs and DATABASE_URL."
    if isinstance(error, OSError):
        reason = error.strerror or type(error).__name__
        return (
            f"Could not connect to {where} ({reason}). Check that the server runs and DATABASE_URL."
        )
    if isinstance(error, asyncpg.PostgresError):
        return (
            f"PostgreSQL could not open {where} (error {error.sqlstate}, {type(error).__name__})."
        )
    return f"Could not open {where} ({type(error).__name__})."
