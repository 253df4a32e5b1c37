"""How the bot behaves in group chats: when to answer, how often, and what admins can set.

Core code: no Telegram. The handlers say *why* a group message reached the bot (a command, a
mention, a reply to the bot, or plain chatter) and what the answerer made of it; this module
decides what, if anything, goes back to the group. It also holds the in-memory guards that keep
a group from being flooded (a per-group message budget and a duplicate-question window), the
schema of a group's settings (the ``chats.settings`` JSON) and what a /settings button changes
(its callback data is ``bot.core.callbacks``').
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import Enum
from typing import Any, Final

from rapidfuzz import fuzz

from bot.core.callbacks import SettingsAction, SettingsPress
from bot.core.groups.modes import ANSWER_MODES, MENTIONS, QUESTIONS
from bot.core.normalise import fold, is_stopword, stem, words
from bot.core.reminders.schedule import days_to_mask, format_time, mask_to_days
from bot.core.replies import ReplyKind

__all__ = [
    "ANSWER_MODES",
    "BUDGET_PER_MINUTE",
    "DUPLICATE_WINDOW",
    "MENTIONS",
    "QUESTIONS",
    "AdminCache",
    "DuplicateGuard",
    "GroupSettings",
    "Plan",
    "RateBudget",
    "Trigger",
    "apply_press",
    "looks_like_question",
    "note_due",
    "plan_reply",
    "question_key",
    "repeats",
    "should_consider",
    "strip_mention",
]

# --- when to answer --------------------------------------------------------------------------


class Trigger(Enum):
    """Why a group message reached the answering code."""

    COMMAND = "command"  # /ask QUESTION (or /ask@ThisBot)
    MENTION = "mention"  # "@ThisBot how do I ..."
    REPLY = "reply"  # a reply to one of the bot's own messages
    PLAIN = "plain"  # anything else (only seen with privacy mode off)

    @property
    def addressed(self) -> bool:
        """Whether the bot was explicitly spoken to."""
        return self is not Trigger.PLAIN


class Plan(Enum):
    """What to send to the group for one message."""

    IGNORE = "ignore"  # stay silent
    ANSWER = "answer"  # the full answer
    SUGGEST = "suggest"  # "Did you mean ...?" with buttons
    SHORT_FALLBACK = "short_fallback"  # a one-line "I can't help with that"
    URGENT = "urgent"  # the short public red-flag notice with a private deep link
    INFO = "info"  # a fixed text (e.g. "please send a shorter question")


def should_consider(trigger: Trigger, mode: str) -> bool:
    """Whether a message is worth reading at all: plain chatter only in the "questions" mode."""
    return trigger.addressed or mode == QUESTIONS


_QUESTION_WORDS = frozenset(
    """how what why when where which who whose is are am was were can could should would will
    do does did has have any anyone anybody someone tips advice help""".split()
)


def looks_like_question(text: str) -> bool:
    """Whether a plain message reads as a question: a "?" or a question word first.

    The matcher alone is too eager for chatter ("see you tomorrow" is close to "when to see a
    professional"), so plain messages must also be shaped like a question to get an answer.
    """
    if "?" in text:
        return True
    tokens = words(text)
    return bool(tokens) and tokens[0] in _QUESTION_WORDS


def plan_reply(trigger: Trigger, kind: ReplyKind, mode: str, *, question: bool = True) -> Plan:
    """The group reply for a message that reached the bot by ``trigger`` and got a ``kind`` reply.

    Plain messages (answer mode "questions" only) get an answer when the matcher was confident
    and the message reads as a ``question`` (see :func:`looks_like_question`), and the red-flag
    notice when they describe a red-flag symptom; never a suggestion or a fallback, so ordinary
    chatter is left alone. Explicitly addressed messages always get something: the answer, the
    suggestions, a short fallback or the notice.
    """
    if not should_consider(trigger, mode):
        return Plan.IGNORE
    if kind is ReplyKind.URGENT:
        return Plan.URGENT
    if not trigger.addressed:
        return Plan.ANSWER if kind is ReplyKind.ANSWER and question else Plan.IGNORE
    if kind is ReplyKind.ANSWER:
        return Plan.ANSWER
    if kind is ReplyKind.UNSURE:
        return Plan.SUGGEST
    if kind is ReplyKind.FALLBACK:
        return Plan.SHORT_FALLBACK
    return Plan.INFO


def strip_mention(text: str, username: str) -> tuple[bool, str]:
    """Whether ``text`` mentions ``@username``, and the text with every such mention removed."""
    if not username:
        return False, text
    pattern = re.compile(rf"(?<![\w@/.])@{re.escape(username)}(?![\w])[,:;]?", re.IGNORECASE)
    rest, count = pattern.subn(" ", text)
    if not count:
        return False, text
    # "@Bot, how do I ..." -> "how do I ...": drop the punctuation left around the mention.
    rest = re.sub(r"\s+([,:;.!?])(?=\s|$)", r"\1", " ".join(rest.split()))
    return True, rest.strip(" ,:;-—–").strip()


# --- notes to a group --------------------------------------------------------------------------

NOTE_EVERY: Final = timedelta(minutes=10)  # at most one "not here" note per group and kind


def note_due(last: object, now: datetime, every: timedelta = NOTE_EVERY) -> bool:
    """Whether a group may be told again that something is not for it here ("/settings is for
    admins", "use a private chat"): never more than once per ``every``, or the group fills up
    with it. ``last`` is when it was last told (anything else: never)."""
    return not (isinstance(last, datetime) and now - last < every)


# --- duplicate questions ---------------------------------------------------------------------

DUPLICATE_WINDOW: Final = timedelta(minutes=2)
NEAR_IDENTICAL: Final = 90.0  # rapidfuzz ratio of the normalised questions


def question_key(text: str) -> str:
    """A question reduced to what it asks: folded, stop words dropped, stemmed, in order.

    "How do I do the pigeon pose?" and "how do i do pigeon pose" give the same key.
    """
    terms = [stem(word) for word in words(text) if not is_stopword(word)]
    return " ".join(terms) if terms else fold(text)


def repeats(
    key: str,
    seen: Iterable[tuple[str, datetime]],
    now: datetime,
    window: timedelta,
    similarity: float,
) -> bool:
    """Whether ``key`` (or a nearly identical wording) is among ``seen`` within the window
    before ``now`` (shared by the in-memory guard and the database one of replicas)."""
    for earlier, at in seen:
        if now - at >= window or at > now:
            continue
        if earlier == key or fuzz.ratio(earlier, key) >= similarity:
            return True
    return False


class DuplicateGuard:
    """Remembers what each group was recently answered, so the same question isn't answered twice.

    Keys are compared exactly and, for near-identical wording, by rapidfuzz ratio. Memory is
    bounded: a few keys per chat and a capped number of chats (least recently used dropped).
    """

    def __init__(
        self,
        window: timedelta = DUPLICATE_WINDOW,
        *,
        similarity: float = NEAR_IDENTICAL,
        per_chat: int = 10,
        max_chats: int = 10_000,
    ) -> None:
        self.window = window
        self.similarity = similarity
        self.per_chat = per_chat
        self.max_chats = max_chats
        self._recent: OrderedDict[int, deque[tuple[str, datetime]]] = OrderedDict()

    def is_repeat(self, chat_id: int, key: str, now: datetime) -> bool:
        """Whether ``key`` (or something nearly identical) was answered in the chat within the
        window before ``now``."""
        recent = self._recent.get(chat_id)
        return bool(recent) and repeats(key, recent or (), now, self.window, self.similarity)

    def remember(self, chat_id: int, key: str, now: datetime) -> None:
        """Note that ``key`` was answered in the chat at ``now``."""
        recent = self._recent.pop(chat_id, None) or deque(maxlen=self.per_chat)
        while recent and now - recent[0][1] >= self.window:
            recent.popleft()
        recent.append((key, now))
        self._recent[chat_id] = recent
        while len(self._recent) > self.max_chats:
            self._recent.popitem(last=False)

    def migrate(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its memory moves with it."""
        recent = self._recent.pop(old_id, None)
        if recent is not None:
            self._recent[new_id] = recent

    def forget(self, chat_id: int) -> None:
        """The bot left the chat: drop what it remembered."""
        self._recent.pop(chat_id, None)


# --- the per-group message budget --------------------------------------------------------------

BUDGET_PER_MINUTE: Final = 20  # Telegram's limit for messages to one group
URGENT_RESERVE: Final = 2  # kept back for red-flag notices


class RateBudget:
    """A sliding one-minute window of messages sent per group.

    :meth:`allow` says whether ``cost`` more messages fit, and if so counts them. Ordinary
    replies may use ``limit - reserve`` of the window; red-flag notices may use all of it, so a
    busy group never crowds out an urgent notice. When the budget is spent the caller stays
    silent: queueing would only flood the group a minute later.
    """

    def __init__(
        self,
        limit: int = BUDGET_PER_MINUTE,
        window: timedelta = timedelta(minutes=1),
        *,
        reserve: int = URGENT_RESERVE,
        max_chats: int = 10_000,
    ) -> None:
        if limit < 1 or not 0 <= reserve < limit:
            raise ValueError("need limit >= 1 and 0 <= reserve < limit")
        self.limit = limit
        self.window = window
        self.reserve = reserve
        self.max_chats = max_chats
        self._sent: OrderedDict[int, deque[datetime]] = OrderedDict()

    def used(self, chat_id: int, now: datetime) -> int:
        """Messages counted for the chat within the window before ``now``."""
        sent = self._sent.get(chat_id)
        if not sent:
            return 0
        while sent and now - sent[0] >= self.window:
            sent.popleft()
        return len(sent)

    def allow(self, chat_id: int, now: datetime, cost: int = 1, *, urgent: bool = False) -> bool:
        """Count ``cost`` messages to the chat at ``now`` if they fit; False (nothing counted)
        if they don't."""
        cap = self.limit if urgent else self.limit - self.reserve
        if self.used(chat_id, now) + cost > cap:
            return False
        sent = self._sent.pop(chat_id, None) or deque()
        sent.extend([now] * cost)
        self._sent[chat_id] = sent
        while len(self._sent) > self.max_chats:
            self._sent.popitem(last=False)
        return True

    def migrate(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: what it already used still counts."""
        sent = self._sent.pop(old_id, None)
        if sent is not None:
            self._sent[new_id] = sent

    def forget(self, chat_id: int) -> None:
        """The bot left the chat."""
        self._sent.pop(chat_id, None)


# --- a group's settings (the chats.settings JSON) ----------------------------------------------

DEFAULT_TIME: Final = time(12, 30)
DEFAULT_DAYS: Final = frozenset({0, 2, 4})  # Mon, Wed, Fri: the article's 3-4 times a week
_HHMM_JSON = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


@dataclass(frozen=True)
class GroupSettings:
    """What a group's admins chose; every field has a sensible default."""

    answer_mode: str = MENTIONS
    reminders: bool = False
    reminder_time: time = DEFAULT_TIME
    reminder_days: frozenset[int] = DEFAULT_DAYS

    @classmethod
    def from_json(cls, raw: object) -> GroupSettings:
        """Read the stored JSON object; a missing or invalid field falls back to its default, so
        a hand-edited or older row can never break the group."""
        if not isinstance(raw, dict):
            return cls()
        values: dict[str, Any] = {}
        mode = raw.get("answer_mode")
        if mode in ANSWER_MODES:
            values["answer_mode"] = mode
        if isinstance(raw.get("reminders"), bool):
            values["reminders"] = raw["reminders"]
        found = _HHMM_JSON.match(str(raw.get("reminder_time", "")))
        if found:
            values["reminder_time"] = time(int(found[1]), int(found[2]))
        mask = raw.get("reminder_days")
        if isinstance(mask, int) and not isinstance(mask, bool) and 1 <= mask <= 127:
            values["reminder_days"] = mask_to_days(mask)
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        """The JSON object to store (time as "HH:MM", days as a weekday bit mask)."""
        return {
            "answer_mode": self.answer_mode,
            "reminders": self.reminders,
            "reminder_time": format_time(self.reminder_time),
            "reminder_days": days_to_mask(self.reminder_days),
        }

    def merged_into(self, stored: object) -> dict[str, Any]:
        """``to_json`` over the stored object, keeping keys this version doesn't know."""
        base = dict(stored) if isinstance(stored, dict) else {}
        return {**base, **self.to_json()}


def apply_press(settings: GroupSettings, press: SettingsPress) -> GroupSettings:
    """The settings after a press that changes them (others leave them as they are)."""
    if press.action == SettingsAction.MODE and press.mode is not None:
        return replace(settings, answer_mode=press.mode)
    if press.action == SettingsAction.REMIND and press.enabled is not None:
        return replace(settings, reminders=press.enabled)
    if press.action == SettingsAction.TIME and press.local_time is not None:
        return replace(settings, reminder_time=press.local_time)
    if press.action == SettingsAction.DAYS and press.days is not None:
        return replace(settings, reminder_days=press.days)
    return settings


class AdminCache:
    """Who was recently found to be (or not to be) a group admin, for ``ttl``.

    Every /settings command and every settings button asks Telegram (getChatMember); without a
    memory of the answer, one member spamming /settings or forged buttons makes one call each.
    Answers are kept briefly (a promotion or demotion takes effect within ``ttl``), both yes
    and no, in a bounded map so strangers cannot grow memory.
    """

    def __init__(self, ttl: timedelta = timedelta(minutes=1), max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._seen: OrderedDict[tuple[int, int], tuple[bool, datetime]] = OrderedDict()

    def get(self, chat_id: int, user_id: int, now: datetime) -> bool | None:
        """The remembered answer, or None when there is none (or it is older than ``ttl``)."""
        found = self._seen.get((chat_id, user_id))
        if found is None:
            return None
        admin, at = found
        if now - at >= self.ttl:
            del self._seen[(chat_id, user_id)]
            return None
        return admin

    def put(self, chat_id: int, user_id: int, admin: bool, now: datetime) -> None:
        """Remember an answer Telegram gave at ``now``."""
        key = (chat_id, user_id)
        self._seen.pop(key, None)
        self._seen[key] = (admin, now)
        while len(self._seen) > self.max_entries:
            self._seen.popitem(last=False)

    def forget(self, chat_id: int) -> None:
        """Drop everything about a chat (the bot left it, or it migrated)."""
        for key in [key for key in self._seen if key[0] == chat_id]:
            del self._seen[key]
