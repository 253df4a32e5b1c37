"""Group chats: joining and leaving, supergroup migration, answering, and the admins' /settings.

What to say and when is decided by the core (``bot.core.groups``); these
handlers find out why a message reached the bot (a command, a mention, a reply to the bot or
plain chatter), who may change settings (asked of Telegram with getChatMember on every command
and every button press, never read from callback data), and send the result.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Chat, ChatMember, ChatMemberRestricted, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden

from bot.core import callbacks
from bot.core.answering.context import chat_key, message_key
from bot.core.callbacks import SettingsAction as Action
from bot.core.callbacks import SettingsPress
from bot.core.groups import policy, views
from bot.core.groups.policy import GroupSettings, Plan, Trigger
from bot.core.groups.typed import parse_typed_settings
from bot.core.knowledge import fill
from bot.core.reminders.schedule import ScheduleError, resolve_timezone
from bot.core.replies import Reply, ReplyKind
from bot.edge.question_log import record
from bot.edge.replying import (
    Context,
    command_argument,
    edit,
    in_group,
    now,
    respond,
    texts,
    toast,
)
from bot.services import group_settings as group_settings_service

log = logging.getLogger(__name__)

_SETTINGS = "group_settings"  # chat_data: the group's GroupSettings, cached
_LOCK = "group_settings_lock"  # chat_data: serialises read-modify-write of the settings
_NOTE_AT = "group_admins_note_at"  # chat_data: when non-admins were last told /settings is theirs
_PRESENT = frozenset(
    {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
)
_ADMINS = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})


# --- joining, leaving, migrating ---------------------------------------------------------------


def _present(member: ChatMember) -> bool:
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in _PRESENT


async def membership(update: Update, context: Context) -> None:
    """The bot's own membership of a group changed (my_chat_member): added or removed.

    Added: remember the group and say hello once. Removed (left or kicked): delete everything
    stored about the group, its reminders included.
    """
    change = update.my_chat_member
    if change is None:
        return
    if not in_group(change.chat):
        return
    was, now_in = _present(change.old_chat_member), _present(change.new_chat_member)
    state = context.bot_data
    if now_in and not was:
        if state.has_store:
            await state.store.upsert_chat(change.chat.id, change.chat.type, state.clock())
        log.info("added to a group")
        await respond(update, context, Reply(ReplyKind.INFO, fill(texts(context)["group_welcome"])))
    elif was and not now_in:
        forgotten = state.has_store and await state.store.forget_chat(change.chat.id)
        await state.guards.forget(change.chat.id)
        state.admins.forget(change.chat.id)
        state.participants.forget(change.chat.id)
        await state.conversations.forget(chat_key(change.chat.id))
        state.asked.drop(lambda key: key[0] == change.chat.id)
        context.application.drop_chat_data(change.chat.id)
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
    await state.guards.migrate(old, new)
    state.participants.migrate(old, new)
    application = context.application
    if old in application.chat_data:
        if application.chat_data.get(new):
            application.drop_chat_data(old)
        else:
            application.migrate_chat_data(old_chat_id=old, new_chat_id=new)


# --- answering ---------------------------------------------------------------------------------


async def group_settings(context: Context, chat_id: int) -> GroupSettings:
    """The group's settings (cached in chat_data; the store is read once per group).

    With replicas (a shared store) another process may change them, so they are read from the
    store every time (one primary-key lookup) and never cached.
    """
    data = None if context.bot_data.shared_store else context.chat_data
    cached = data.get(_SETTINGS) if data is not None else None
    if isinstance(cached, GroupSettings):
        return cached
    state = context.bot_data
    if state.has_store:
        settings = (await group_settings_service.current(state.store, chat_id)).settings
    else:
        settings = GroupSettings()
    if data is not None:
        data[_SETTINGS] = settings
    return settings


async def answer(
    update: Update, context: Context, text: str, trigger: Trigger, replied_to: int | None = None
) -> None:
    """Answer ``text`` in a group as the policy says (maybe not at all), and count it.

    A reply to one of the bot's answers (``replied_to``: that message's id) is read in the light
    of that answer's topic, so "how long do I hold it?" under Pigeon Pose is about Pigeon Pose.
    """
    chat = update.effective_chat
    if chat is None:
        return
    settings = await group_settings(context, chat.id)
    if not policy.should_consider(trigger, settings.answer_mode):
        return
    state = context.bot_data
    earlier = None
    if replied_to is not None:
        earlier = await state.conversations.get(message_key(chat.id, replied_to))
    outcome = state.answerer.answer(text, earlier)
    plan = policy.plan_reply(
        trigger,
        outcome.reply.kind,
        settings.answer_mode,
        question=policy.looks_like_question(text),
    )
    if plan is Plan.IGNORE:
        return
    if plan is Plan.URGENT:
        # Never repeat the symptoms in public: a short notice and a private deep link.
        decision = outcome.safety
        tiers = state.answerer.kb.red_flags.tiers
        tier = decision.tier if decision is not None and decision.tier is not None else None
        reply = views.red_flag_notice(
            texts(context),
            state.bot_username,
            tier.id if tier and tiers and tier != tiers[0] else "",
        )
        sent = await respond(update, context, reply, urgent=True)
    else:
        reply = outcome.reply
        if plan is Plan.SHORT_FALLBACK:
            reply = Reply(ReplyKind.FALLBACK, fill(texts(context)["group_fallback"]))
        sent = await respond(update, context, reply, key=policy.question_key(text))
        if sent is not None and reply is outcome.reply and outcome.conversation is not None:
            # Replies to this answer will carry its topic (bounded, expiring, memory only).
            key = message_key(chat.id, sent.message_id)
            await state.conversations.put(key, outcome.conversation)
    if sent is not None:
        await record(context, text, outcome, sent)


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
        howto = fill(texts(context)["group_howto"], bot=f"@{context.bot.username}")
        await respond(update, context, Reply(ReplyKind.INFO, howto), key="@how-to")
    elif mentioned:
        await answer(update, context, rest, Trigger.MENTION)
    elif _replies_to_bot(msg, context.bot.id):
        replied = msg.reply_to_message
        replied_to = replied.message_id if replied is not None else None
        await answer(update, context, msg.text, Trigger.REPLY, replied_to)
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
        update, context, Reply(ReplyKind.INFO, fill(texts(context)["group_welcome"])), key="/start"
    )


async def show_help(update: Update, context: Context) -> None:
    """/help in a group: how to ask here, and the group commands."""
    await respond(
        update, context, Reply(ReplyKind.INFO, fill(texts(context)["group_help"])), key="/help"
    )


# --- who is an admin ---------------------------------------------------------------------------


async def is_admin(context: Context, chat_id: int, user_id: int) -> bool:
    """Whether the user is the group's creator or an administrator: asked of Telegram, with
    the answer remembered for a minute (so spamming /settings or buttons costs no calls)."""
    state = context.bot_data
    known = state.admins.get(chat_id, user_id, state.clock())
    if known is not None:
        return known
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except (BadRequest, Forbidden) as error:
        log.info("could not check a member's status: %s", error)
        return False
    admin = member.status in _ADMINS
    state.admins.put(chat_id, user_id, admin, state.clock())
    return admin


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


async def _panel(context: Context, chat_id: int, note: str = "") -> Reply:
    group = await group_settings_service.current(context.bot_data.store, chat_id)
    return views.settings_panel(
        texts(context), group.settings, group.zone, group.reminder, now(context), note=note
    )


async def _save(context: Context, chat: Chat, settings: GroupSettings) -> None:
    """Store the settings (the service keeps the group's reminder in step) and cache them."""
    store = context.bot_data.store
    await group_settings_service.save(store, chat.id, chat.type, settings, now(context))
    if context.chat_data is not None and not context.bot_data.shared_store:
        context.chat_data[_SETTINGS] = settings


async def settings_command(update: Update, context: Context) -> None:
    """/settings: the admins' panel in a group; in a private chat, what it is for.

    ``/settings time 10:15 [days]``, ``/settings days mon-thu``, ``/settings timezone
    Europe/Madrid`` and ``/settings on|off`` change one thing by typing.
    """
    chat, msg = update.effective_chat, update.effective_message
    if chat is None or msg is None:
        return
    if chat.type == ChatType.PRIVATE:
        await respond(
            update, context, Reply(ReplyKind.INFO, fill(texts(context)["settings_private"]))
        )
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
    if not policy.note_due(data.get(_NOTE_AT), now(context)):
        return
    data[_NOTE_AT] = now(context)
    note = Reply(ReplyKind.INFO, fill(texts(context)["settings_admins_only"]))
    await respond(update, context, note)


async def _typed(context: Context, chat: Chat, typed: str) -> Reply:
    """Apply ``/settings WHAT VALUE``; the panel with a note, or a kind error."""
    store = context.bot_data.store
    current = await group_settings_service.current(store, chat.id)
    try:
        change = parse_typed_settings(typed, current.settings)
    except ScheduleError as error:
        return views.typed_error(texts(context), error)
    if change is None:
        return views.typed_error(texts(context), None)
    if change.zone is not None:
        await group_settings_service.set_zone(store, chat.id, chat.type, change.zone, now(context))
    else:
        await _save(context, chat, change.settings)
    return await _panel(context, chat.id, note=views.saved_note(texts(context), change))


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
        await query.answer(toast(context, "settings_admins_only"), show_alert=True)
        return
    press = callbacks.parse_settings(query.data or "")
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
    context: Context, chat: Chat, press: SettingsPress
) -> tuple[Reply | None, str | None]:
    """What a valid press does: the reply to show in place of the panel, and a toast."""
    store = context.bot_data.store
    group = await group_settings_service.current(store, chat.id)
    if press.changes_settings:
        await _save(context, chat, policy.apply_press(group.settings, press))
        return await _panel(context, chat.id), toast(context, "settings_saved_toast")
    if press.action == Action.ZONE and press.zone is not None:
        try:
            found = resolve_timezone(press.zone)
        except ScheduleError:
            return None, None
        await group_settings_service.set_zone(store, chat.id, chat.type, found.key, now(context))
        return await _panel(context, chat.id), f"🌍 {found.key}"
    if press.action == Action.TIME_PAGE:
        return views.time_page(texts(context), group.settings, group.zone), None
    if press.action == Action.DAYS_PAGE:
        return views.days_page(texts(context), group.settings), None
    if press.action == Action.ZONE_PAGE:
        return views.zone_page(texts(context), group.zone), None
    if press.action == Action.CLOSE:
        closed = views.closed(
            texts(context), group.settings, group.zone, group.reminder, now(context)
        )
        return closed, None
    return await _panel(context, chat.id), None
