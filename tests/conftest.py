"""Shared fixtures and settings: the fake Telegram Bot API (see tests/fake_telegram.py), and how
many pytest-xdist workers a run gets."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_telegram import FakeTelegramServer

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
