"""Conversation context: what was just talked about, so "how long do I hold it?" can be read.

A :class:`Conversation` is a small immutable value (the last topic, the last list of options
shown, the detail last asked, and how many messages ago the topic was set). The answerer reads
one and returns the next; it never stores anything. Keeping them is the job of a
:class:`ContextStore`, a small async interface so that a store shared by several replicas (in a
database) can stand in for :class:`MemoryContextStore`, the bounded in-memory one used by a single
process. Nothing here is written to disk; ``forget`` drops a conversation at once (/forget).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.expiring import ExpiringMap
from bot.core.replies import Reply, ReplyKind

MAX_TURNS = 3  # messages after the topic was set that can still refer to it
MAX_OPTIONS = 8  # entries of the last list kept for "the second one"
MAX_EARLIER = 3  # topics answered before the last one, kept for "back to your first answer"
LIFETIME = timedelta(minutes=10)
MAX_CONVERSATIONS = 100_000  # the in-memory store forgets the oldest beyond this
ENTRY_DATA = "e:"  # callback data of an entry button (the answerer's prefix)


@dataclass(frozen=True, slots=True)
class Conversation:
    """What a person and the bot were just talking about."""

    topic: str | None = None  # entry id of the last answer
    options: tuple[str, ...] = ()  # entry ids of the last list shown, in order
    detail: str | None = None  # the detail the last answer was about ("hold"), if any
    turns: int = 0  # messages since the topic was set
    # the topics answered before ``topic`` in this conversation, oldest first (at most
    # ``MAX_EARLIER``): "going back to your first answer" points at the first of them
    earlier: tuple[str, ...] = ()

    @property
    def current(self) -> bool:
        """Whether the topic is recent enough for a follow-up to refer to it."""
        return self.turns <= MAX_TURNS and (self.topic is not None or bool(self.options))

    def after(
        self,
        reply: Reply,
        detail: str | None = None,
        options: tuple[str, ...] | None = None,
        named: str | None = None,
    ) -> Conversation | None:
        """The conversation once ``reply`` was sent (None: nothing worth remembering).

        ``options`` is the list the reply stands for, when its buttons do not show it (a
        detail's reply has one button, its full answer, which would list the entry's related).
        ``named``: the entry a message that asked nothing named ("Doing the bridge right now,
        it's rather nice."): its topic for the next message ("How long do I stay up?").
        """
        options = _entry_options(reply) if options is None else options
        if reply.kind is ReplyKind.URGENT:
            return None
        if reply.kind is ReplyKind.ANSWER and reply.entry_id is not None:
            earlier = self._earlier_than(reply.entry_id)
            return Conversation(reply.entry_id, options or self.options, detail, 0, earlier)
        if reply.kind is ReplyKind.FALLBACK and named is not None:
            return Conversation(named, self.options, None, 0, self._earlier_than(named))
        if options:  # "Did you mean ...?" or a menu: the topic stays, the list is new
            if named is not None:  # unless the message named one ("Doing the bridge, ...")
                return Conversation(named, options, None, 0, self._earlier_than(named))
            return Conversation(self.topic, options, self.detail, self.turns + 1, self.earlier)
        kept = Conversation(self.topic, self.options, self.detail, self.turns + 1, self.earlier)
        return kept if kept.current else None

    def _earlier_than(self, topic: str) -> tuple[str, ...]:
        """The topics before ``topic`` once it is answered: the last topic joins them when it
        is another (the same topic asked again adds nothing)."""
        if self.topic is None or self.topic == topic:
            return self.earlier
        return (*self.earlier, self.topic)[-MAX_EARLIER:]


def _entry_options(reply: Reply) -> tuple[str, ...]:
    found = [
        button.data.removeprefix(ENTRY_DATA)
        for row in reply.buttons
        for button in row
        if button.data is not None and button.data.startswith(ENTRY_DATA)
    ]
    return tuple(dict.fromkeys(found))[:MAX_OPTIONS]


class ContextStore(Protocol):
    """Where conversations are kept between messages (by chat, or by a bot message in groups)."""

    async def get(self, key: str) -> Conversation | None:
        """The conversation under ``key``, or None when there is none or it has expired."""
        ...

    async def put(self, key: str, conversation: Conversation | None) -> None:
        """Keep ``conversation`` under ``key`` for a while (None: forget it)."""
        ...

    async def forget(self, prefix: str) -> None:
        """Drop every conversation whose key starts with ``prefix`` (/forget, a group removed)."""
        ...


def chat_key(chat_id: int) -> str:
    """The key of a private chat's conversation."""
    return f"{chat_id}:"


def message_key(chat_id: int, message_id: int) -> str:
    """The key of the topic of one bot message in a group (for replies to it)."""
    return f"{chat_id}:{message_id}"


class MemoryContextStore:
    """A bounded, expiring in-memory :class:`ContextStore` for one process: an
    :class:`~bot.core.expiring.ExpiringMap` behind the store's async interface (entries live for
    ``lifetime`` by the injected clock; beyond ``capacity`` the least recently written goes)."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        lifetime: timedelta = LIFETIME,
        capacity: int = MAX_CONVERSATIONS,
    ) -> None:
        self._items: ExpiringMap[str, Conversation] = ExpiringMap(clock, lifetime, capacity)

    def __len__(self) -> int:
        return len(self._items)

    async def get(self, key: str) -> Conversation | None:
        """The conversation under ``key`` if it has not expired."""
        return self._items.get(key)

    async def put(self, key: str, conversation: Conversation | None) -> None:
        """Keep (or, with None, drop) a conversation; expired and excess entries go first."""
        if conversation is None:
            self._items.pop(key)
            self._items.sweep()
        else:
            self._items.put(key, conversation)

    async def forget(self, prefix: str) -> None:
        """Drop every conversation under keys starting with ``prefix``."""
        self._items.drop(lambda key: key.startswith(prefix))
