"""Shared fixtures: the fake Telegram Bot API (see tests/fake_telegram.py)."""

from collections.abc import Iterator

import pytest

from tests.fake_telegram import FakeTelegramServer


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
