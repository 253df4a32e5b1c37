"""A uvicorn server run inside the bot's own event loop, started and stopped by the bot.

The bot binds the socket itself, so a port in use is one clear error (uvicorn would exit the
process). uvicorn's own signal capture is switched off: on SIGTERM it stops the server and then
re-raises the signal, which would kill the process before the bot drained its update queue.
The bot handles SIGTERM itself and calls :meth:`WebServer.stop`, which stops accepting, lets
requests in flight finish, and returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

from bot.edge.web.errors import ListenError

__all__ = ["ListenError", "WebServer"]

log = logging.getLogger(__name__)

GRACEFUL_SECONDS = 10  # requests in flight at a stop get this long to finish
START_TIMEOUT_SECONDS = 10.0


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """The bot owns SIGTERM and SIGINT (see the module)."""
        yield


class WebServer:
    """One ASGI app served on ``host:port`` (port 0: any free port, see :attr:`port`)."""

    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        self._app = app
        self._host = host
        self._requested_port = port
        self.port = port
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Bind and start serving; raises ListenError when the address cannot be used."""
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        try:
            sock = socket.create_server((self._host, self._requested_port), family=family)
        except OSError as error:
            raise ListenError(
                f"Cannot listen on {self._host}:{self._requested_port} "
                f"({error.strerror or error}). Is another process using that port? "
                "Check PORT, METRICS_PORT and LISTEN_ADDRESS."
            ) from None
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app,
            log_config=None,  # the bot's logging set-up (redaction included) applies
            access_log=False,  # one line per request is noise; refusals are logged by the app
            lifespan="off",
            server_header=False,
            timeout_graceful_shutdown=GRACEFUL_SECONDS,
        )
        server = _Server(config)
        self._server = server
        self._task = asyncio.create_task(server.serve(sockets=[sock]), name="web-server")
        async with asyncio.timeout(START_TIMEOUT_SECONDS):
            while not server.started:
                if self._task.done():
                    self._task.result()  # raises what stopped it
                    raise ListenError(f"The web server on {self._host}:{self.port} did not start.")
                await asyncio.sleep(0.01)
        log.info("web server listening on %s:%d", self._host, self.port)

    async def stop(self) -> None:
        """Stop accepting, let requests in flight finish (up to a grace period), and return."""
        server, task = self._server, self._task
        self._server = self._task = None
        if server is None or task is None:
            return
        server.should_exit = True
        try:
            await task
        except (Exception, SystemExit):  # a server that failed must not block the shutdown
            log.exception("the web server failed while stopping")
