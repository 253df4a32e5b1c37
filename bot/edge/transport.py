"""The bot's HTTP transport: Bot API calls as JSON bodies, straight over httpcore's pool.

python-telegram-bot's HTTPXRequest sends every call as an HTML form: each parameter JSON-encoded
on its own, then the whole form percent-encoded by ``urllib.parse.urlencode`` in Python, a few
bytes at a time (the bot's replies are 650-character HTML texts with a keyboard). The Bot API
takes ``application/json`` for every method that uploads no file: one ``json.dumps``, in C.

Under the form, httpx's client adds per request what the Bot API never uses: cookie jars, auth
and redirect flows, event hooks, URL and header merging. Measured on 127.0.0.1 (a new connection
per request, as the benchmark's fake Bot API closes each), a call through httpx's client took
about 1.5 ms of CPU and the same call through httpcore's connection pool (the pool httpx itself
sends through) 0.9 ms: more than answering the question costs. :class:`PooledRequest` sends JSON
calls through such a pool, with the same timeouts, certificates (certifi, as httpx) and errors as
HTTPXRequest; uploads (a picture's first send) go through :class:`JsonRequest`, which is
HTTPXRequest posting JSON when there is no file. With a proxy configured in the environment
(which httpx honours), :func:`telegram_transport` uses JsonRequest for everything.
"""

from __future__ import annotations

import json
import urllib.request

import httpcore
import httpx
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

__all__ = ["JsonRequest", "PooledRequest", "json_body", "telegram_transport"]

JSON_HEADERS = {"User-Agent": HTTPXRequest.USER_AGENT, "Content-Type": "application/json"}
RAW_HEADERS = [(key.encode("ascii"), value.encode("ascii")) for key, value in JSON_HEADERS.items()]
KEEPALIVE_SECONDS = 5.0  # httpx's default: idle connections are closed after this long
NETWORK_ERRORS = (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol)
# HTTPXRequest's own words for a full connection pool (a log line, never shown to a person).
POOL_TIMEOUT = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* sent "
    "to Telegram. Consider adjusting the connection pool size or the pool timeout."
)


def json_body(request_data: RequestData) -> bytes:
    """The parameters of a call without files as one JSON object (what Telegram reads from a
    form: the same names, each value as its JSON)."""
    return json.dumps(request_data.parameters, ensure_ascii=False).encode("utf-8")


class JsonRequest(HTTPXRequest):
    """HTTPXRequest that posts ``application/json`` unless the call uploads a file."""

    __slots__ = ()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """As HTTPXRequest's, with the parameters as a JSON body when there are no files."""
        if request_data is None or request_data.contains_files or self._client.is_closed:
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        default = self._client.timeout
        timeout = httpx.Timeout(
            connect=_given(connect_timeout, default.connect),
            read=_given(read_timeout, default.read),
            write=_given(write_timeout, default.write),
            pool=_given(pool_timeout, default.pool),
        )
        try:
            response = await self._client.request(
                method=method,
                url=url,
                headers=JSON_HEADERS,
                timeout=timeout,
                content=json_body(request_data),
            )
        except httpx.TimeoutException as error:  # mapped as HTTPXRequest maps them
            if isinstance(error, httpx.PoolTimeout):
                raise TimedOut(message=POOL_TIMEOUT) from error
            raise TimedOut from error
        except httpx.HTTPError as error:
            raise NetworkError(f"httpx.{error.__class__.__name__}: {error}") from error
        return response.status_code, response.content


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout the caller gave, or the transport's default one."""
    return default if isinstance(value, DefaultValue) else value


class PooledRequest(BaseRequest):
    """Bot API calls as JSON bodies over an httpcore connection pool; uploads via JsonRequest.

    The defaults are HTTPXRequest's (5 s to connect, read and write, 1 s to get a connection
    from the pool, 20 s to write an upload).
    """

    __slots__ = ("_pool", "_pool_size", "_timeouts", "_uploads")

    def __init__(
        self,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = {
            "connect": connect_timeout,
            "read": read_timeout,
            "write": write_timeout,
            "pool": pool_timeout,
        }
        self._pool: httpcore.AsyncConnectionPool | None = None
        self._uploads: JsonRequest | None = None  # made at the first upload

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (long polling adds its own wait to it)."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Open the connection pool (connections themselves open on demand)."""
        if self._pool is None:
            self._pool = httpcore.AsyncConnectionPool(
                ssl_context=httpx.create_ssl_context(),
                max_connections=self._pool_size,
                max_keepalive_connections=self._pool_size,
                keepalive_expiry=KEEPALIVE_SECONDS,
            )

    async def shutdown(self) -> None:
        """Close the pool's connections and the upload transport, if one was made."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.aclose()
        uploads, self._uploads = self._uploads, None
        if uploads is not None:
            await uploads.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One call: its status code and body. Timeouts raise TimedOut, other network and
        protocol failures NetworkError (as HTTPXRequest)."""
        if request_data is not None and request_data.contains_files:
            if self._uploads is None:
                # As many connections as calls may have (a burst asking for one exercise
                # uploads its picture many times at once); httpx opens them only on demand.
                self._uploads = JsonRequest(connection_pool_size=self._pool_size)
                await self._uploads.initialize()
            return await self._uploads.do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        if self._pool is None:
            raise RuntimeError("This PooledRequest is not initialized!")
        default = self._timeouts
        timeout = {
            "connect": _given(connect_timeout, default["connect"]),
            "read": _given(read_timeout, default["read"]),
            "write": _given(write_timeout, default["write"]),
            "pool": _given(pool_timeout, default["pool"]),
        }
        try:
            response = await self._pool.request(
                method,
                url,
                headers=RAW_HEADERS,
                content=json_body(request_data) if request_data is not None else b"{}",
                extensions={"timeout": timeout},
            )
        except httpcore.PoolTimeout as error:
            raise TimedOut(message=POOL_TIMEOUT) from error
        except httpcore.TimeoutException as error:
            raise TimedOut from error
        except NETWORK_ERRORS as error:
            raise NetworkError(f"httpcore.{error.__class__.__name__}: {error}") from error
        return response.status, response.content


def telegram_transport(connection_pool_size: int) -> BaseRequest:
    """The transport for Bot API calls: PooledRequest, or JsonRequest (httpx's client) when the
    environment names a proxy (HTTPS_PROXY, ALL_PROXY...), which httpx honours."""
    if urllib.request.getproxies():
        return JsonRequest(connection_pool_size=connection_pool_size)
    return PooledRequest(connection_pool_size=connection_pool_size)
