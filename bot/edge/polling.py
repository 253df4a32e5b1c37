"""Long polling that neither one unreadable update nor a second poller can wedge.

python-telegram-bot parses a getUpdates batch as a whole. One update it cannot parse (a poll
without a field PTB 22 requires, as an older self-hosted Bot API server sends) fails the whole
batch; the Updater asks again at the same offset, forever, and PTB logs the raw batch (names,
message texts) at CRITICAL each time: nobody is answered again, even after a restart.
:class:`PollingBot` parses each update on its own, skips the ones it cannot read, moves the
offset past them so Telegram forgets them, and logs each skipped update once (its id, its kind
and the error type: never its content), at most ``REPORTS_PER_WINDOW`` lines a minute.

Telegram allows one poller per token and answers a second one 409 Conflict; both would retry
forever, answering people twice in between. Repeated conflicts call the handler set with
:meth:`PollingBot.on_conflict`, so the composition root can stop the bot with one plain line.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.error import Conflict
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.request import BaseRequest

log = logging.getLogger(__name__)

REPORTS_PER_WINDOW = 5  # skipped-update lines per window; the rest are counted in one line
REPORT_WINDOW_SECONDS = 60.0
CONFLICTS_TO_STOP = 3  # 409s within the window that mean another poller, not a blip
CONFLICT_WINDOW_SECONDS = 60.0
CONFLICT_PAUSE_SECONDS = 1.0  # between conflicting polls, so a conflict never spins


class SkipReporter:
    """Logs skipped updates without their content, a few lines per window, then a count."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._window_start = clock()
        self._reported = 0
        self._unreported = 0

    def skipped(self, raw: JSONDict, error: Exception) -> None:
        """One update could not be parsed and was skipped."""
        self.flush()
        if self._reported >= REPORTS_PER_WINDOW:
            self._unreported += 1
            return
        self._reported += 1
        kinds = ", ".join(sorted(key for key in raw if key != "update_id")) or "empty"
        log.warning(
            "skipped update %s (%s): python-telegram-bot could not read it (%s); the other "
            "updates are handled as usual",
            raw.get("update_id"),
            kinds,
            type(error).__name__,
        )

    def flush(self) -> None:
        """Close the window once it is over, logging how many skips it did not show."""
        now = self._clock()
        if now - self._window_start < REPORT_WINDOW_SECONDS:
            return
        if self._unreported:
            log.warning(
                "skipped %d more unreadable updates in the last %.0f s (not listed)",
                self._unreported,
                now - self._window_start,
            )
        self._window_start, self._reported, self._unreported = now, 0, 0


class PollingBot(ExtBot[Any]):
    """ExtBot whose getUpdates skips unreadable updates and reports repeated 409 Conflicts."""

    __slots__ = ("_conflict_handler", "_conflicts", "_reporter", "_skip_below", "_stopping")

    def __init__(
        self,
        token: str,
        *,
        base_url: str,
        request: BaseRequest | None = None,
        get_updates_request: BaseRequest | None = None,
        rate_limiter: BaseRateLimiter[Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            token=token,
            base_url=base_url,
            request=request,
            get_updates_request=get_updates_request,
            rate_limiter=rate_limiter,
        )
        self._skip_below = 0  # the offset that confirms every update skipped so far
        self._reporter = SkipReporter(clock)
        self._conflicts: deque[float] = deque()
        self._conflict_handler: Callable[[], None] | None = None
        self._stopping = False

    def on_conflict(self, handler: Callable[[], None]) -> None:
        """Call ``handler`` once when Telegram keeps answering 409 Conflict (another poller)."""
        self._conflict_handler = handler

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,  # noqa: ASYNC109 (Bot.get_updates' signature)
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        """Bot.get_updates (PTB 22), but each update is parsed on its own; see the module."""
        if offset is None or 0 <= offset < self._skip_below:
            offset = self._skip_below or offset
        data: JSONDict = {
            "timeout": timeout,
            "offset": offset,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        # The long poll may take ``timeout`` on top of the usual read timeout (as in Bot).
        base = (
            self._request[0].read_timeout
            if isinstance(read_timeout, DefaultValue)
            else read_timeout
        ) or 0
        extra = timeout.total_seconds() if isinstance(timeout, dtm.timedelta) else timeout or 0
        self._reporter.flush()
        try:
            result: list[JSONDict] = await self._post(
                "getUpdates",
                data,
                read_timeout=base + extra,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
                api_kwargs=api_kwargs,
            )
        except Conflict:
            await self._conflict()
            return ()
        updates = []
        for raw in result:
            try:
                update = Update.de_json(raw, self)
            except Exception as error:  # whatever the library trips on, skip just this one
                raw_dict = raw if isinstance(raw, dict) else {}
                self._reporter.skipped(raw_dict, error)
                update_id = raw_dict.get("update_id")
                if isinstance(update_id, int):
                    self._skip_below = max(self._skip_below, update_id + 1)
                continue
            self.insert_callback_data(update)
            updates.append(update)
        return tuple(updates)

    async def _conflict(self) -> None:
        now = time.monotonic()
        self._conflicts.append(now)
        while now - self._conflicts[0] > CONFLICT_WINDOW_SECONDS:
            self._conflicts.popleft()
        if self._stopping:
            return
        if len(self._conflicts) >= CONFLICTS_TO_STOP and self._conflict_handler is not None:
            self._stopping = True
            self._conflict_handler()
            return
        log.warning(
            "Telegram answered 409 Conflict: another process is polling with this bot token"
        )
        await asyncio.sleep(CONFLICT_PAUSE_SECONDS)
