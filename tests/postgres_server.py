"""A real PostgreSQL server for the tests: started once per pytest process (each xdist worker
has its own), in a temporary folder, on 127.0.0.1 and a free port; a fresh database per test.

Debian's ``postgresql`` package provides the binaries (``.ci/run`` installs it on a clean
machine). PostgreSQL refuses to run as root, so as root the server runs as the ``postgres``
user. Durability is switched off (fsync, synchronous_commit): a test server loses nothing of
value in a crash, and the tests run much faster.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import queue
import shutil
import socket
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

TEMPLATE = "backcare_template"
_names = itertools.count(1)


def _binaries() -> Path | None:
    """The folder of initdb and pg_ctl: Debian's newest version, else whatever is on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running test server; ``url(name)`` is a database on it."""

    folder: Path
    port: int
    bin: Path
    prefix: list[str] = field(default_factory=list)
    _spare: queue.Queue[str | BaseException] | None = None
    _stopped: bool = False
    _emptied: list[str] = field(default_factory=list)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    async def new_database(self, *, empty: bool = False) -> str:
        """A fresh database: the migrated template's copy, or an empty one (``empty``).

        Copies are made ahead, two at a time, on a thread of their own, so a test seldom waits
        for one (a CREATE DATABASE takes a good part of a second on a busy machine); a database
        given back with :meth:`give_back` is emptied and used again, which is faster still.
        """
        if empty:
            return self.url(await self._create("template0"))
        if self._emptied:
            return self.url(self._emptied.pop())
        if self._spare is None:
            self._spare = queue.Queue(maxsize=2)
            threading.Thread(target=self._make_spares, daemon=True).start()
        made = await asyncio.to_thread(self._spare.get)
        if isinstance(made, BaseException):
            raise made
        return self.url(made)

    def _make_spares(self) -> None:
        assert self._spare is not None
        while not self._stopped:
            try:
                self._spare.put(asyncio.run(self._create(TEMPLATE)))
            except BaseException as error:  # the waiting test reports it
                self._spare.put(error)
                return

    async def _create(self, template: str) -> str:
        name = f"test_{os.getpid()}_{next(_names)}"
        conn = await asyncpg.connect(self.url())
        try:
            # WAL_LOG: no checkpoint (FILE_COPY waits for one, twice as slow here).
            await conn.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY WAL_LOG")
        finally:
            await conn.close()
        return name

    async def give_back(self, url: str) -> None:
        """A test is done with the database: empty every table (ids restart at 1), so that the
        next test gets it as a fresh copy of the template would be."""
        conn = await asyncpg.connect(url)
        try:
            tables = await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'schema_version'"
            )
            names = ", ".join(row["tablename"] for row in tables)
            await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        finally:
            await conn.close()
        self._emptied.append(url.rsplit("/", 1)[1])

    async def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        conn = await asyncpg.connect(self.url())
        try:
            await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await conn.close()

    def stop(self) -> None:
        self._stopped = True
        if self._spare is not None:  # let a thread blocked on a full queue see the stop
            with contextlib.suppress(queue.Empty):
                self._spare.get_nowait()
        subprocess.run(
            [
                *self.prefix,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start(*, durable: bool = False) -> PostgresServer | str:
    """Start a server; or say in one sentence why none can be started here.

    ``durable``: commits wait for the disk, as in production (benchmarks); tests do not.
    """
    binaries = _binaries()
    if binaries is None:
        return "no PostgreSQL server binaries (initdb) on this machine; apt-get install postgresql"
    folder = Path(tempfile.mkdtemp(prefix="backcare-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses root: run it as the postgres user
        if shutil.which("runuser") is None:
            return "running as root and there is no runuser to start PostgreSQL as postgres"
        shutil.chown(folder, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    steps = [
        [
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        ],
        [
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "-t",
            "30",
            "start",
        ],
    ]
    for step in steps:
        done = subprocess.run([*prefix, *step], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            return f"could not start PostgreSQL ({Path(step[0]).name}: {done.stderr.strip()})"
    server = PostgresServer(folder, port, binaries, prefix)
    # Its own thread and event loop: the caller may be inside a running loop (an async fixture).
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, _make_template(server)).result()
    return server


async def _make_template(server: PostgresServer) -> None:
    """The template every test database copies: the bot's schema, migrated once."""
    from bot.storage.postgres import PostgresStore

    conn = await asyncpg.connect(server.url())
    try:
        await conn.execute(f"CREATE DATABASE {TEMPLATE}")
    finally:
        await conn.close()
    store = await PostgresStore.open(server.url(TEMPLATE))
    await store.close()


async def query(store: object, sql: str, *params: object) -> list[Any]:
    """Rows of ``sql`` (``?`` placeholders) read straight from either backend's database."""
    from bot.storage.postgres import PostgresStore
    from bot.storage.postgres.dialect import numbered

    if isinstance(store, PostgresStore):
        return list(await store.pool.fetch(numbered(sql), *params))
    return list(await store._db.execute_fetchall(sql, params))  # type: ignore[attr-defined]


async def crashed(store: object) -> None:
    """As if the bot that claimed the outbox rows being sent had died (PostgreSQL only: its
    recovery leaves the claims of a live bot alone; SQLite has one bot, so nothing to do)."""
    from bot.storage.postgres import PostgresStore

    if isinstance(store, PostgresStore):
        await store.pool.execute("UPDATE deliveries SET claimed_by = 'backcare:gone'")


def postgres_query(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (``?`` placeholders) as tuples, from synchronous code (even code called
    inside a running event loop: the query runs on a thread with its own loop)."""
    from bot.storage.postgres.dialect import numbered

    async def run() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(url)
        try:
            return [tuple(row) for row in await conn.fetch(numbered(sql), *params)]
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, run()).result()


def require(started: PostgresServer | str) -> PostgresServer:
    """The server; where none could be started, skip the test with the reason, except under CI
    (the CI variable set), where that is a failure: CI must test PostgreSQL."""
    import pytest

    if isinstance(started, str):
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL: {started}")
        pytest.skip(started)
    return started
