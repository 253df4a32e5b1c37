"""The bot's long-lived state, shared by all handlers through ``context.bot_data``.

It holds the current knowledge base (swapped atomically on reload), the store and the clock.
Handlers read it; only the composition root and the reloader replace what is in it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.answering.answerer import Answerer
from bot.core.answering.context import ContextStore, MemoryContextStore
from bot.core.clock import utc_now
from bot.core.expiring import ExpiringMap
from bot.core.groups.guards import GroupGuards, MemoryGroupGuards
from bot.core.groups.participation import WeeklyParticipants
from bot.core.groups.policy import AdminCache, DuplicateGuard, RateBudget
from bot.core.observer import Observer
from bot.services.chart_drawer import ChartDrawer
from bot.services.statistics import BufferedCounters

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.edge.web.server import WebServer
    from bot.services.dispatcher import DispatchLoop
    from bot.services.reloader import KnowledgeReloader
    from bot.services.session_runner import SessionRunner
    from bot.storage.backends import SharedState
    from bot.storage.interface import Storage
    from bot.storage.lock import InstanceLock

TYPING_WINDOW = timedelta(minutes=10)  # how long "⌨️ Another time" waits for a typed time
# Which question each answer was for, so "Not helpful" and "None of these" can keep it: for an
# hour, at most this many answers over all chats, each text at most MAX_UNANSWERED_CHARS.
ASKED_LIFETIME = timedelta(hours=1)
ASKED_CAPACITY = 5000
TYPING_CAPACITY = 10_000


class BotState:
    """Typed ``bot_data``: python-telegram-bot creates it empty, the app fills it before start."""

    def __init__(self) -> None:
        self._answerer: Answerer | None = None
        self._store: Storage | None = None
        # One bot per database: held from opening the store until it is closed.
        self.instance_lock: InstanceLock | None = None
        self._settings: Settings | None = None
        self.clock: Callable[[], datetime] = utc_now
        self.bot_username: str = ""
        # The periodic reminder dispatcher; started in post_init, stopped at shutdown.
        self.reminder_loop: DispatchLoop | None = None
        # Knowledge hot reload and housekeeping tasks, stopped at shutdown.
        self.reloader: KnowledgeReloader | None = None
        self.background: list[asyncio.Task[None]] = []
        self.background_stop: asyncio.Event | None = None
        # Group flood guards: a per-group message budget, and the questions each group was
        # answered recently so the same one is not answered twice in a row. In memory here;
        # in the database with PostgreSQL (install_shared), so that replicas agree.
        self.group_budget = RateBudget()
        # Recent answers of getChatMember (admin or not), so /settings spam costs no calls.
        self.admins = AdminCache()
        # Pauses before each retry of a reply that met a network error or a 5xx (answers are
        # retried a few times, never after a 4xx or a timeout; see edge/replying.py).
        self.send_retry_delays: tuple[float, ...] = (0.5, 2.0)
        self.recent_questions = DuplicateGuard()
        self.guards: GroupGuards = MemoryGroupGuards(self.recent_questions, self.group_budget)
        # Whether other processes share the store (PostgreSQL replicas): then a group's
        # settings are read from the store each time, never cached in this process.
        self.shared_store = False
        # What each private chat was just talking about, and the topic of the bot's recent
        # answers in groups (for replies to them): in memory, bounded, expiring by the clock.
        self.conversations: ContextStore = MemoryContextStore(lambda: self.clock())
        # Why the bot stopped itself (e.g. another poller on the token), for one plain line.
        self.stop_reason: str | None = None
        # Guided /stretch sessions going on now (memory only) and the stop of their timer task.
        self.sessions: SessionRunner | None = None
        self.sessions_stop: asyncio.Event | None = None
        # Telegram file ids of exercise pictures already uploaded (path, mtime and size -> id),
        # so each picture is uploaded once and then sent by id.
        self.image_file_ids: dict[str, str] = {}
        # Charts are drawn in a short-lived worker process (matplotlib never enters the bot).
        self.charts = ChartDrawer()
        # Who took part in each group's stretch breaks this week, as keyed hashes in memory
        # only, so a person counts once a week; the store gets the number, never who.
        self.participants = WeeklyParticipants()
        # Where the bot reports its work (updates, replies, red flags, reminders, Telegram
        # errors): a no-op unless metrics are served (bot/edge/web/metrics.py).
        self.observer: Observer = Observer()
        # Polling mode with METRICS_PORT: the server of /healthz, /readyz and /metrics.
        self.web_server: WebServer | None = None
        # Statistics counters (answered, helpful...), written to the store in batches.
        self.counters = BufferedCounters(lambda: self.clock())
        # Per-chat memory that expires (never python-telegram-bot's chat_data, which keeps an
        # entry for every chat that ever wrote): the question behind each recent answer, keyed
        # (chat id, answer's message id), and the private chats typing a reminder time now.
        self.asked: ExpiringMap[tuple[int, int], str] = ExpiringMap(
            lambda: self.clock(), ASKED_LIFETIME, ASKED_CAPACITY
        )
        self.typing_time: ExpiringMap[int, bool] = ExpiringMap(
            lambda: self.clock(), TYPING_WINDOW, TYPING_CAPACITY
        )

    def install_shared(self, shared: SharedState) -> None:
        """Use the group guards and conversation context that go with the store."""
        self.guards = shared.guards
        self.conversations = shared.conversations
        self.shared_store = shared.shared

    def install_answerer(self, answerer: Answerer) -> None:
        """Swap in an answerer for a newly loaded knowledge base (one atomic assignment)."""
        self._answerer = answerer

    @property
    def answerer(self) -> Answerer:
        """The answerer for the knowledge base currently loaded."""
        if self._answerer is None:
            raise RuntimeError("the knowledge base is not loaded yet")
        return self._answerer

    @answerer.setter
    def answerer(self, value: Answerer) -> None:
        self._answerer = value

    @property
    def store(self) -> Storage:
        """The database; opened in post_init."""
        if self._store is None:
            raise RuntimeError("the store is not open yet")
        return self._store

    @store.setter
    def store(self, value: Storage | None) -> None:
        self._store = value

    @property
    def has_store(self) -> bool:
        """Whether the database is open (False in the CLI and before start-up)."""
        return self._store is not None

    @property
    def settings(self) -> Settings:
        """The validated settings."""
        if self._settings is None:
            raise RuntimeError("settings are not set")
        return self._settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self._settings = value
