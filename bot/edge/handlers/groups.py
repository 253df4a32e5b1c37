"""Group chats: joining and leaving, supergroup migration, answering, and the admins' /settings.

What to say and when is decided by the core (``bot.core.groups``); these
handlers find out why a message reached the bot (a command, a mention, a reply to the bot or
plain chatter), who may change settings (asked of Telegram with getChatMember on every command
and every button press, never read from callback data), and send the result.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Chat, ChatMember, ChatMemberRestricted, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden

from bot.core.groups import policy, views
from bot.core.groups.policy import GroupSettings, Plan, Trigger
from bot.core.knowledge import fill
from bot.core.records import Chat as StoredChat
from bot.core.records import Reminder
from bot.core.reminders.schedule import (
    ScheduleError,
    UnknownTimezone,
    parse_days,
    parse_time,
    resolve_timezone,
)
from bot.core.reminders.views import parse_remind
from bot.core.replies import Button, Reply, ReplyKind
from bot.edge.handlers import questions, reminders
from bot.edge.handlers.common import Context, command_argument, in_group, respond, toast
from bot.edge.handlers.reminders import edit

log = logging.getLogger(__name__)

_SETTINGS = "group_settings"  # chat_data: the group's GroupSettings, cached
_LOCK = "group_settings_lock"  # chat_data: serialises read-modify-write of the settings
_NOTE_AT = "group_admins_note_at"  # chat_data: when non-admins were last told /settings is theirs
_PRESENT = frozenset(
    {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
)
_ADMINS = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
_UTC = ZoneInfo("UTC")


def _texts(context: Context) -> Mapping[str, str]:
    return context.bot_data.answerer.kb.texts


# --- joining, leaving, migrating ---------------------------------------------------------------


def _present(member: ChatMember) -> bool:
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in _PRESENT


async def membership(update: Update, context: Context) -> None:
    """The bot's own membership changed (my_chat_member): added, removed, or blocked in private.

    Added to a group: remember the group and say hello once. Removed (left or kicked): delete
    everything stored about the group, its reminders included. Private chats: see
    ``reminders.membership`` (a block pauses that person's reminders).
    """
    change = update.my_chat_member
    if change is None:
        return
    if change.chat.type == ChatType.PRIVATE:
        await reminders.membership(update, context)
        return
    if not in_group(change.chat):
        return
    was, now_in = _present(change.old_chat_member), _present(change.new_chat_member)
    state = context.bot_data
    if now_in and not was:
        if state.has_store:
            await state.store.upsert_chat(change.chat.id, change.chat.type, state.clock())
        log.info("added to a group")
        await respond(update, context, Reply(ReplyKind.INFO, _texts(context)["group_welcome"]))
    elif was and not now_in:
        forgotten = state.has_store and await state.store.forget_chat(change.chat.id)
        state.group_budget.forget(change.chat.id)
        state.recent_questions.forget(change.chat.id)
        if context.chat_data is not None:
            context.chat_data.clear()
        log.info("removed from a group%s", "; its data is deleted" if forgotten else "")


async def migrated(update: Update, context: Context) -> None:
    """A group became a supergroup (migrate_to / migrate_from service messages): move its data.

    Both messages may arrive, in either order; moving is idempotent.
    """
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    state = context.bot_data
    if state.has_store:
        if await state.store.migrate_chat(old, new):
            log.info("a group became a supergroup; its settings and reminders moved")
        else:
            await state.store.upsert_chat(new, ChatType.SUPERGROUP, state.clock())
    state.group_budget.migrate(old, new)
    state.recent_questions.migrate(old, new)
    application = context.application
    if old in application.chat_data:
        if application.chat_data.get(new):
            application.drop_chat_data(old)
        else:
            application.migrate_chat_data(old_chat_id=old, new_chat_id=new)


# --- answering ---------------------------------------------------------------------------------


async def group_settings(context: Context, chat_id: int) -> GroupSettings:
    """The group's settings (cached in chat_data; the store is read once per group)."""
    data = context.chat_data
    cached = data.get(_SETTINGS) if data is not None else None
    if isinstance(cached, GroupSettings):
        return cached
    state = context.bot_data
    stored = await state.store.get_chat(chat_id) if state.has_store else None
    settings = GroupSettings.from_json(stored.settings if stored is not None else {})
    if data is not None:
        data[_SETTINGS] = settings
    return settings


async def answer(update: Update, context: Context, text: str, trigger: Trigger) -> None:
    """Answer ``text`` in a group as the policy says (maybe not at all), and count it."""
    chat = update.effective_chat
    if chat is None:
        return
    settings = await group_settings(context, chat.id)
    if not policy.should_consider(trigger, settings.answer_mode):
        return
    state = context.bot_data
    outcome = state.answerer.answer(text)
    plan = policy.plan_reply(
        trigger,
        outcome.reply.kind,
        settings.answer_mode,
        question=policy.looks_like_question(text),
    )
    if plan is Plan.IGNORE:
        return
    texts = _texts(context)
    if plan is Plan.URGENT:
        # Never repeat the symptoms in public: a short notice and a private deep link.
        decision = outcome.safety
        tiers = state.answerer.kb.red_flags.tiers
        tier = decision.tier if decision is not None and decision.tier is not None else None
        reply = views.red_flag_notice(
            texts, state.bot_username, tier.id if tier and tiers and tier != tiers[0] else ""
        )
        sent = await respond(update, context, reply, urgent=True)
    else:
        reply = outcome.reply
        if plan is Plan.SHORT_FALLBACK:
            reply = Reply(ReplyKind.FALLBACK, texts["group_fallback"])
        sent = await respond(update, context, reply, key=policy.question_key(text))
    if sent is not None:
        await questions.record(context, text, outcome, sent)


def _replies_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != bot_id:
        return False
    # In a forum topic every message "replies" to the topic's first message; that's no reply.
    return not (message.is_topic_message and replied.message_id == message.message_thread_id)


async def message(update: Update, context: Context) -> None:
    """A text message in a group: a mention or a reply to the bot is a question; the rest is
    chatter, answered only in the "questions" mode when it is clearly a back-pain question."""
    msg = update.effective_message
    if msg is None or not msg.text:
        return
    if msg.sender_chat is None and msg.from_user is not None and msg.from_user.is_bot:
        return  # another bot (a message sent on behalf of a chat also comes "from" a bot)
    mentioned, rest = policy.strip_mention(msg.text, context.bot.username or "")
    if mentioned and not rest:
        howto = _texts(context)["group_howto"].replace("{bot}", f"@{context.bot.username}")
        await respond(update, context, Reply(ReplyKind.INFO, howto), key="@how-to")
    elif mentioned:
        await answer(update, context, rest, Trigger.MENTION)
    elif _replies_to_bot(msg, context.bot.id):
        await answer(update, context, msg.text, Trigger.REPLY)
    else:
        await answer(update, context, msg.text, Trigger.PLAIN)


async def ask(update: Update, context: Context) -> None:
    """/ask QUESTION in a group; alone, how to ask here."""
    msg = update.effective_message
    question = command_argument(msg.text if msg is not None else "")
    if not question:
        await show_help(update, context)
        return
    await answer(update, context, question, Trigger.COMMAND)


async def start(update: Update, context: Context) -> None:
    """/start in a group: the group welcome (how to use the bot here)."""
    await respond(
        update, context, Reply(ReplyKind.INFO, _texts(context)["group_welcome"]), key="/start"
    )


async def show_help(update: Update, context: Context) -> None:
    """/help in a group: how to ask here, and the group commands."""
    await respond(
        update, context, Reply(ReplyKind.INFO, _texts(context)["group_help"]), key="/help"
    )


# --- who is an admin ---------------------------------------------------------------------------


async def is_admin(context: Context, chat_id: int, user_id: int) -> bool:
    """Whether the user is the group's creator or an administrator, asked of Telegram now."""
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except (BadRequest, Forbidden) as error:
        log.info("could not check a member's status: %s", error)
        return False
    return member.status in _ADMINS


async def _sent_by_admin(context: Context, chat: Chat, msg: Message) -> bool:
    if msg.sender_chat is not None:
        # An anonymous admin posts as the group itself; anything else (a linked channel) isn't.
        return msg.sender_chat.id == chat.id
    return msg.from_user is not None and await is_admin(context, chat.id, msg.from_user.id)


# --- /settings ---------------------------------------------------------------------------------


def _lock(context: Context) -> asyncio.Lock:
    data: dict[Any, Any] = context.chat_data if context.chat_data is not None else {}
    lock = data.get(_LOCK)
    if not isinstance(lock, asyncio.Lock):
        lock = data[_LOCK] = asyncio.Lock()
    return lock


async def _load(context: Context, chat_id: int) -> tuple[StoredChat | None, GroupSettings]:
    stored = await context.bot_data.store.get_chat(chat_id)
    return stored, GroupSettings.from_json(stored.settings if stored is not None else {})


async def _panel(context: Context, chat_id: int, note: str = "") -> Reply:
    store = context.bot_data.store
    stored, settings = await _load(context, chat_id)
    zone = stored.zone if stored is not None else _UTC
    reminder = next(iter(await store.list_reminders(chat_id)), None)
    return views.settings_panel(
        _texts(context), settings, zone, reminder, context.bot_data.clock(), note=note
    )


async def _save(context: Context, chat: Chat, settings: GroupSettings) -> None:
    """Store the settings and make the group's reminder match them."""
    state = context.bot_data
    store, now = state.store, state.clock()
    stored = await store.upsert_chat(chat.id, chat.type, now)
    await store.set_settings(chat.id, settings.merged_into(stored.settings))
    if context.chat_data is not None:
        context.chat_data[_SETTINGS] = settings
    keep: Reminder | None = None
    for reminder in await store.list_reminders(chat.id):
        matches = (reminder.local_time, reminder.days) == (
            settings.reminder_time,
            settings.reminder_days,
        )
        if settings.reminders and keep is None and matches:
            keep = reminder
        else:
            await store.delete_reminder(chat.id, reminder.id)
    if settings.reminders and keep is None:
        await store.add_reminder(chat.id, settings.reminder_time, settings.reminder_days, now)
        log.info("group stretch breaks set")
    elif keep is not None and not keep.enabled:
        await store.enable_chat_reminders(chat.id, now)


async def _set_zone(context: Context, chat: Chat, name: str) -> None:
    state = context.bot_data
    await state.store.upsert_chat(chat.id, chat.type, state.clock())
    await state.store.set_timezone(chat.id, name, state.clock())


async def settings_command(update: Update, context: Context) -> None:
    """/settings: the admins' panel in a group; in a private chat, what it is for.

    ``/settings time 10:15 [days]``, ``/settings days mon-thu``, ``/settings timezone
    Europe/Madrid`` and ``/settings on|off`` change one thing by typing.
    """
    chat, msg = update.effective_chat, update.effective_message
    if chat is None or msg is None:
        return
    if chat.type == ChatType.PRIVATE:
        await respond(update, context, Reply(ReplyKind.INFO, _texts(context)["settings_private"]))
        return
    if not in_group(chat) or not context.bot_data.has_store:
        return
    if not await _sent_by_admin(context, chat, msg):
        await _admins_only_note(update, context)
        return
    typed = command_argument(msg.text)
    if not typed:
        await respond(update, context, await _panel(context, chat.id))
        return
    async with _lock(context):
        result = await _typed(context, chat, typed)
    await respond(update, context, result)


async def _admins_only_note(update: Update, context: Context) -> None:
    """Tell a non-admin once in a while (never every time: the group would fill with it)."""
    data: dict[Any, Any] = context.chat_data if context.chat_data is not None else {}
    now = context.bot_data.clock()
    last = data.get(_NOTE_AT)
    if last is not None and now - last < reminders.GROUP_NOTE_EVERY:
        return
    data[_NOTE_AT] = now
    await respond(update, context, Reply(ReplyKind.INFO, _texts(context)["settings_admins_only"]))


async def _typed(context: Context, chat: Chat, typed: str) -> Reply:
    """Apply ``/settings WHAT VALUE``; the panel with a note, or a kind error."""
    what, _, value = typed.partition(" ")
    what, value = what.lower(), value.strip()[: reminders.MAX_ARGUMENT]
    _, settings = await _load(context, chat.id)
    try:
        if what == "time" and value:
            try:
                settings = replace(settings, reminder_time=parse_time(value))
            except ScheduleError:
                request = parse_remind(value)  # "10:15 weekdays": the days too
                settings = replace(
                    settings, reminder_time=request.local_time, reminder_days=request.days
                )
        elif what == "days" and value:
            settings = replace(settings, reminder_days=parse_days(value))
        elif what in ("on", "off") and not value:
            settings = replace(settings, reminders=what == "on")
        elif what in ("timezone", "tz", "zone") and value:
            zone = resolve_timezone(value)
            await _set_zone(context, chat, zone.key)
            note = fill(_texts(context)["settings_zone_saved"], zone=zone.key)
            return await _panel(context, chat.id, note=note)
        else:
            return views.typed_error(
                _texts(context), _texts(context)["settings_not_understood"].strip()
            )
    except UnknownTimezone as error:
        buttons = tuple(
            (Button(name, data=policy.settings_data(policy.ZONE, name)),)
            for name in error.suggestions
            if len(policy.settings_data(policy.ZONE, name).encode()) <= 64
        )
        return Reply(ReplyKind.INFO, views.typed_error(_texts(context), str(error)).html, buttons)
    except ScheduleError as error:
        return views.typed_error(_texts(context), str(error))
    await _save(context, chat, settings)
    note = fill(_texts(context)["settings_saved"])
    if not settings.reminders and what in ("time", "days"):
        note += " " + fill(_texts(context)["settings_saved_breaks_off"])
    return await _panel(context, chat.id, note=note)


async def settings_press(update: Update, context: Context) -> None:
    """A ``gs:`` button under the panel. Whoever pressed it is checked with getChatMember first:
    anyone can press a button or forge its data, so non-admins change nothing and get an alert.
    """
    query = update.callback_query
    chat = update.effective_chat
    if query is None:
        return
    if not in_group(chat) or chat is None or not context.bot_data.has_store:
        await query.answer(toast(context, "stale_button_toast"))
        return
    if not await is_admin(context, chat.id, query.from_user.id):
        await query.answer(_texts(context)["settings_admins_only"], show_alert=True)
        return
    press = policy.parse_settings_press(query.data or "")
    if press is None:
        await query.answer(toast(context, "stale_button_toast"), show_alert=True)
        return
    async with _lock(context):
        reply, message = await _apply(context, chat, press)
    if reply is None:
        await query.answer(
            message or toast(context, "stale_button_toast"), show_alert=message is None
        )
        return
    await query.answer(message)
    await edit(update, context, query, reply)


async def _apply(
    context: Context, chat: Chat, press: policy.SettingsPress
) -> tuple[Reply | None, str | None]:
    """What a valid press does: the reply to show in place of the panel, and a toast."""
    stored, settings = await _load(context, chat.id)
    zone = stored.zone if stored is not None else _UTC
    if press.changes_settings:
        await _save(context, chat, policy.apply_press(settings, press))
        return await _panel(context, chat.id), toast(context, "settings_saved_toast")
    if press.action == policy.ZONE and press.zone is not None:
        try:
            found = resolve_timezone(press.zone)
        except ScheduleError:
            return None, None
        await _set_zone(context, chat, found.key)
        return await _panel(context, chat.id), f"🌍 {found.key}"
    if press.action == policy.TIME_PAGE:
        return views.time_page(_texts(context), settings, zone), None
    if press.action == policy.DAYS_PAGE:
        return views.days_page(_texts(context), settings), None
    if press.action == policy.ZONE_PAGE:
        return views.zone_page(_texts(context), zone), None
    if press.action == policy.CLOSE:
        reminder = next(iter(await context.bot_data.store.list_reminders(chat.id)), None)
        return views.closed(
            _texts(context), settings, zone, reminder, context.bot_data.clock()
        ), None
    return await _panel(context, chat.id), None
