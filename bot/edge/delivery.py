"""The Telegram side of reminder delivery: the sender, and the periodic dispatcher's wiring.

:class:`TelegramSender` builds the reminder message (``bot.core.reminders.message``) and sends
it, translating Telegram's errors into the dispatcher's vocabulary (``bot.services.dispatcher``).
:func:`start` creates the ``DispatchLoop`` (one asyncio task calling ``Dispatcher.run_once``
every ``REMINDER_POLL_SECONDS``) in post_init, :func:`stop` cancels it at shutdown, and
:func:`dispatch_due` runs one pass now, which is how tests deliver without sleeping.
:class:`TrackingRequest` wraps the bot's HTTP transport so the dispatcher knows, at a graceful
stop, which reminder sends are on their way to Telegram and which are only waiting (on the rate
limiter, or out a 429 ``retry_after``) and can be put back in the queue.
"""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from telegram import Bot
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    TimedOut,
)
from telegram.error import RetryAfter as TelegramRetryAfter
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData
from telegram.warnings import PTBDeprecationWarning

from bot.core.observer import Observer
from bot.core.records import Delivery
from bot.core.reminders import message as routine
from bot.core.replies import Reply
from bot.edge.keyboards import markup
from bot.edge.replying import NO_PREVIEW
from bot.edge.state import BotState
from bot.services.dispatcher import (
    ChatUnavailable,
    Dispatcher,
    DispatchLoop,
    DispatchReport,
    RetryAfter,
    TemporaryFailure,
    current_attempt,
)

if TYPE_CHECKING:
    from bot.storage.interface import Storage

log = logging.getLogger(__name__)

# BadRequest descriptions that mean the chat is gone for good, not that our message was wrong.
GONE_DESCRIPTIONS = ("chat not found", "peer_id_invalid", "user not found", "chat_id is empty")

GROUP_KINDS = frozenset({"group", "supergroup"})

AnyApplication = Application[Any, Any, Any, Any, BotState, Any]


def retry_seconds(error: TelegramRetryAfter) -> float:
    """Seconds to wait, whether PTB reports an int or (opted in) a timedelta."""
    with warnings.catch_warnings():  # the int form is deprecated in PTB 22.2+
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """Sends one reminder; raises the dispatcher's exceptions for every failure it understands.

    Forbidden (blocked, deactivated) and BadRequest "chat not found" -> ChatUnavailable;
    RetryAfter -> RetryAfter(seconds) (with the rate limiter on, only after its own retries);
    TimedOut and other network errors -> TemporaryFailure; ChatMigrated -> the chat moves to
    its new id in the store and the message is sent there. Any other BadRequest means our
    message is wrong: it propagates, is logged and retried with backoff, then given up.
    """

    def __init__(self, bot: Bot, state: BotState) -> None:
        self._bot = bot
        self._state = state

    def message(self, delivery: Delivery) -> Reply:
        """The reminder message for a delivery, from the knowledge base loaded now."""
        return routine.reminder_message(
            self._state.answerer.kb,
            delivery.reminder_id,
            delivery.seq,
            local_time=delivery.local_time,
            snoozed=delivery.snoozed,
            group=delivery.chat_kind in GROUP_KINDS,
        )

    async def __call__(self, delivery: Delivery) -> None:
        reply = self.message(delivery)
        target = delivery.chat_id
        try:
            try:
                await self._send(target, reply)
            except ChatMigrated as moved:
                target = moved.new_chat_id
                log.info("a group moved to a new chat id; moving its reminders")
                await self._store.migrate_chat(delivery.chat_id, target)
                await self._send(target, reply)
            late = (self._state.clock() - delivery.due).total_seconds()
            self._state.observer.reminder_sent(max(0.0, late))
        except Forbidden as error:
            if target != delivery.chat_id:  # the dispatcher only knows the old id
                await self._store.mark_gone(target)
            raise ChatUnavailable(str(error)) from error
        except TelegramRetryAfter as error:
            raise RetryAfter(retry_seconds(error)) from error
        except BadRequest as error:  # before NetworkError: BadRequest is a subclass of it
            if any(text in error.message.lower() for text in GONE_DESCRIPTIONS):
                if target != delivery.chat_id:
                    await self._store.mark_gone(target)
                raise ChatUnavailable(str(error)) from error
            raise
        except (TimedOut, NetworkError) as error:
            raise TemporaryFailure(str(error)) from error

    @property
    def _store(self) -> Storage:
        return self._state.store

    async def _send(self, chat_id: int, reply: Reply) -> None:
        parts = reply.parts  # routine keeps it to one; split defensively all the same
        for index, part in enumerate(parts):
            await self._bot.send_message(
                chat_id=chat_id,
                text=part,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(reply.buttons) if index == len(parts) - 1 else None,
                link_preview_options=NO_PREVIEW,
            )


class TrackingRequest(BaseRequest):
    """The bot's HTTP transport, telling a reminder send's Attempt when it is on the wire.

    Requests made outside a reminder send (no ``current_attempt``) pass straight through.
    Every error answer (HTTP status 400 and up) and every network failure is reported to
    ``observer`` (the metrics' Telegram errors by code).
    """

    __slots__ = ("_inner", "observer")

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner
        self.observer = Observer()

    @property
    def read_timeout(self) -> float | None:
        """The wrapped transport's default read timeout."""
        return self._inner.read_timeout

    async def initialize(self) -> None:
        """Initialise the wrapped transport."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shut the wrapped transport down."""
        await self._inner.shutdown()

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
        """One request through the wrapped transport; an exception leaves it "on the wire"
        (it may have arrived), an answer records whether it succeeded."""
        attempt = current_attempt.get()
        if attempt is not None:
            attempt.request_started()
        try:
            code, payload = await self._inner.do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except TimedOut:
            self.observer.telegram_error("timeout")
            raise
        except NetworkError:
            self.observer.telegram_error("network")
            raise
        if code >= HTTPStatus.BAD_REQUEST:
            self.observer.telegram_error(str(code))
        if attempt is not None:
            attempt.request_answered(ok=200 <= code < 300)
        return code, payload


def start(application: AnyApplication) -> DispatchLoop:
    """post_init: create the dispatcher and start its periodic task (sends once running)."""
    state = application.bot_data
    dispatcher = Dispatcher(state.store, TelegramSender(application.bot, state), state.clock)
    loop = DispatchLoop(
        dispatcher, state.settings.reminder_poll_seconds, ready=lambda: application.running
    )
    state.reminder_loop = loop
    loop.start()
    return loop


async def stop(application: AnyApplication) -> None:
    """post_stop / post_shutdown: cancel the periodic task (idempotent)."""
    loop = application.bot_data.reminder_loop
    if loop is not None:
        await loop.stop()


async def dispatch_due(application: AnyApplication) -> DispatchReport:
    """Send everything due now (by the injected clock), once; for tests and tools."""
    loop = application.bot_data.reminder_loop
    if loop is None:
        raise RuntimeError("the reminder dispatcher is not started (post_init has not run)")
    return await loop.tick()
