"""The bot's HTTP transport: python-telegram-bot's HTTPXRequest, posting JSON bodies.

HTTPXRequest sends every call as an HTML form: each parameter JSON-encoded on its own, then the
whole form percent-encoded by ``urllib.parse.urlencode`` in Python, a few bytes at a time. The
bot's replies are long HTML texts with a keyboard (650 characters on average, every ``<``, ``>``,
space, quote and non-ASCII letter escaped, a third of them tripled), so encoding the form cost
more CPU per reply than the rest of the edge did. The Bot API takes ``application/json`` bodies
for every method that uploads no file; :class:`JsonRequest` sends those as one ``json.dumps`` (in
C, UTF-8 as it is), and leaves calls with files (a picture's first upload) to HTTPXRequest's
multipart form. Timeouts, errors and answers are HTTPXRequest's own.
"""

from __future__ import annotations

import json

import httpx
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

__all__ = ["JsonRequest", "json_body"]

JSON_HEADERS = {"User-Agent": HTTPXRequest.USER_AGENT, "Content-Type": "application/json"}
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
