"""Shared fixtures and settings: the fake Telegram Bot API (see tests/fake_telegram.py), and how
many pytest-xdist workers a run gets."""

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.storage import Store
from bot.storage.postgres import PostgresStore
from tests.fake_telegram import FakeTelegramServer
from tests.postgres_server import PostgresServer, require
from tests.postgres_server import start as postgres_start

TESTS_DIR = Path(__file__).resolve().parent
# No start-up cache in the user's ~/.cache from tests (tests/test_answer_cache.py names its own).
os.environ.setdefault("BACKCARE_CACHE_DIR", "off")
MAX_WORKERS = 4


@pytest.fixture
def fake_telegram(request: pytest.FixtureRequest) -> Iterator[FakeTelegramServer]:
    """A fake Bot API for one test; its HTTP server (if it was started) is stopped afterwards.

    The HTTP server starts only if the test asks for ``base_url`` (a subprocess, or a bot over
    HTTP). ``prefer_http`` tells ``tests.e2e.running_bot`` which transport to use when not told:
    in-process, unless the test is marked ``@pytest.mark.http``.
    """
    with FakeTelegramServer() as server:
        server.prefer_http = request.node.get_closest_marker("http") is not None
        yield server


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (pyproject's addopts): one worker per core (at most 4) for the whole suite,
    none for a focused run. A worker costs about a second of imports, which a whole-suite run
    wins back many times over and a run of one file does not. ``-n 0`` always runs serially."""
    whole_suite = config.args_source == pytest.Config.ArgsSource.TESTPATHS or all(
        Path(arg).resolve() in (TESTS_DIR, TESTS_DIR.parent) for arg in config.args
    )
    return min(os.cpu_count() or 1, MAX_WORKERS) if whole_suite else 0


# --- a real PostgreSQL server (tests/postgres_server.py) -------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server per pytest process. Where none can be started the test is skipped
    with the reason, except under CI (the CI variable set), where it fails: CI must test it."""
    started = require(postgres_start())
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
async def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh database for one test (a copy of the migrated template). Not dropped (a DROP
    waits for a checkpoint): the whole server goes at the end of the session."""
    return await postgres_server.new_database()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """Run the test against both storage backends."""
    return str(request.param)


@pytest.fixture
async def any_store(
    backend: str, request: pytest.FixtureRequest
) -> AsyncIterator[Store | PostgresStore]:
    """An empty, migrated store of the test's backend (SQLite in memory, or PostgreSQL)."""
    if backend == "sqlite":
        async with Store.open(":memory:") as opened:
            yield opened
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = await server.new_database()
    store = await PostgresStore.open(url, pool_size=4)
    try:
        yield store
    finally:
        await store.close()
        await server.give_back(url)
