"""Handlers for stretch reminders and time zones: thin translations onto the store and the views.

Commands work in private chats; in a group they answer with one short pointer to a private
chat (at most once every few minutes per group). Buttons carry ``r:`` (reminders) or ``tz:``
(time-zone suggestions) data, which may be forged or stale: every press is checked against
the store for *this* chat before anything changes, and anything else gets a kind note.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ApplicationHandlerStop

from bot.core import callbacks
from bot.core.callbacks import ReminderAction as Action
from bot.core.knowledge import fill
from bot.core.records import DuplicateReminder, TooManyReminders
from bot.core.reminders import message as routine
from bot.core.reminders import views
from bot.core.reminders.schedule import ScheduleError, UnknownTimezone, parse_time, resolve_timezone
from bot.core.replies import Reply, ReplyKind
from bot.edge.replying import (
    Context,
    argument,
    edit,
    in_group,
    in_private,
    now,
    respond,
    set_buttons,
    texts,
    toast,
)
from bot.services import group_breaks

log = logging.getLogger(__name__)


# --- commands --------------------------------------------------------------------------------


async def timezone(update: Update, context: Context) -> None:
    """/timezone [Area/City]: show the zone, or set it (near misses come back as buttons)."""
    if not await in_private(update, context) or update.effective_chat is None:
        return
    chat_id = update.effective_chat.id
    store = context.bot_data.store
    wanted = argument(update)
    if not wanted:
        await respond(
            update,
            context,
            views.timezone_shown(texts(context), await store.get_chat(chat_id), now(context)),
        )
        return
    if len(wanted) > 64:
        await respond(
            update,
            context,
            Reply(ReplyKind.INFO, fill(texts(context)["timezone_too_long"])),
        )
        return
    try:
        zone = resolve_timezone(wanted)
    except UnknownTimezone as error:
        await respond(update, context, views.timezone_unknown(texts(context), error))
        return
    await respond(update, context, await _set_timezone(context, chat_id, zone.key))


async def _set_timezone(context: Context, chat_id: int, zone_name: str) -> Reply:
    store = context.bot_data.store
    await store.upsert_chat(chat_id, ChatType.PRIVATE, now(context))
    chat = await store.set_timezone(chat_id, zone_name, now(context))
    return views.timezone_set(
        texts(context), chat, await store.list_reminders(chat_id), now(context)
    )


async def remind(update: Update, context: Context) -> None:
    """/remind HH:MM [days] sets a reminder; /remind off removes all; /remind alone guides."""
    if not await in_private(update, context) or update.effective_chat is None:
        return
    chat_id = update.effective_chat.id
    store = context.bot_data.store
    wanted = argument(update)
    if not wanted:
        await respond(
            update, context, views.choose_time(texts(context), await store.get_chat(chat_id))
        )
        return
    if wanted.lower() in views.OFF_WORDS:
        await respond(
            update,
            context,
            views.removed_all(texts(context), await store.delete_all_reminders(chat_id)),
        )
        return
    try:
        request = views.parse_remind(wanted)
    except ScheduleError as error:
        await respond(update, context, views.error(texts(context), error, examples=True))
        return
    await respond(update, context, await _add(context, chat_id, request))


async def _add(context: Context, chat_id: int, request: views.RemindRequest) -> Reply:
    store = context.bot_data.store
    chat = await store.upsert_chat(chat_id, ChatType.PRIVATE, now(context))
    try:
        reminder = await store.add_reminder(chat_id, request.local_time, request.days, now(context))
    except DuplicateReminder as error:
        return views.duplicate(texts(context), error.existing)
    except TooManyReminders as error:
        return views.too_many(texts(context), error)
    return views.reminder_added(texts(context), reminder, chat, now(context))


async def list_reminders(update: Update, context: Context) -> None:
    """/reminders: each reminder with its next time, and a delete button for each."""
    if not await in_private(update, context) or update.effective_chat is None:
        return
    await respond(update, context, await _list(context, update.effective_chat.id))


async def _list(context: Context, chat_id: int) -> Reply:
    store = context.bot_data.store
    chat = await store.get_chat(chat_id)
    return views.reminder_list(
        texts(context), await store.list_reminders(chat_id), chat, now(context)
    )


async def resume(update: Update, context: Context) -> None:
    """/start (after the welcome): turn reminders paused by a block back on, and say so.

    ``/start remind`` (the group note's deep link) also opens the guided flow.
    """
    chat = update.effective_chat
    state = context.bot_data
    if chat is None or chat.type != ChatType.PRIVATE or not state.has_store:
        return
    reminders = await state.store.list_reminders(chat.id)
    if any(not reminder.enabled for reminder in reminders):
        count = await state.store.enable_chat_reminders(chat.id, now(context))
        log.info("reminders of a chat resumed after /start")
        await respond(update, context, views.resumed(texts(context), count))
    if context.args == ["remind"]:
        await respond(
            update, context, views.choose_time(texts(context), await state.store.get_chat(chat.id))
        )


async def membership(update: Update, context: Context) -> None:
    """Someone blocked the bot (my_chat_member "kicked"): pause their reminders right away."""
    change = update.my_chat_member
    state = context.bot_data
    if change is None or change.chat.type != ChatType.PRIVATE or not state.has_store:
        return
    gone = change.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
    if gone and await state.store.disable_chat_reminders(change.chat.id):
        log.info("a chat blocked the bot; its reminders are paused")


async def typed_time(update: Update, context: Context) -> None:
    """Text after "⌨️ Another time": read it as the time. Runs before the question handler.

    Anything that doesn't look like an attempt at a time (a question) ends the wait and goes on
    to be answered as usual.
    """
    message = update.effective_message
    chat = update.effective_chat
    if message is None or not message.text or chat is None:
        return
    # Nothing is kept (nor created) for a chat that is not typing a time; the wait expires.
    typing = context.bot_data.typing_time
    if typing.get(chat.id) is None:
        return
    text = message.text.strip()
    try:
        answer = views.choose_days(texts(context), parse_time(text))
    except ScheduleError as error:
        try:
            request = views.parse_remind(text)  # "7:30 mon,wed": time and days at once
        except ScheduleError as other:
            if len(text) > 20 or not any(ch.isdigit() for ch in text):
                typing.pop(chat.id)
                return  # not a time: a question, answered by the next handler
            shown = other if other.code == "remind_two_times" else error
            await respond(update, context, views.error(texts(context), shown))
            raise ApplicationHandlerStop from None
        answer = await _add(context, chat.id, request)
    typing.pop(chat.id)
    await respond(update, context, answer)
    raise ApplicationHandlerStop


# --- buttons ---------------------------------------------------------------------------------


async def press(update: Update, context: Context) -> None:
    """A pressed ``r:`` button: reminder message actions, the list, and the guided flow."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None:
        return
    parsed = callbacks.parse_reminder(query.data or "")
    if (
        parsed is not None
        and in_group(chat)
        and chat is not None
        and parsed.action == Action.DONE
        and parsed.reminder_id is not None
        and parsed.seq is not None
    ):
        await _group_done(context, query, chat.id, parsed.reminder_id, parsed.seq)
        return
    if parsed is None or chat is None or chat.type != ChatType.PRIVATE:
        await query.answer(toast(context, "stale_button_toast"))
        return
    store = context.bot_data.store
    action = parsed.action
    if action == Action.DONE and parsed.reminder_id is not None and parsed.seq is not None:
        await _done(context, query, chat.id, parsed.reminder_id, parsed.seq)
    elif action == Action.SNOOZE and parsed.reminder_id is not None:
        await _snooze(context, query, chat.id, parsed.reminder_id, parsed.seq)
    elif action == Action.STOP and parsed.reminder_id is not None:
        reminder = await store.get_reminder(chat.id, parsed.reminder_id)
        if reminder is None or not await store.delete_reminder(chat.id, reminder.id):
            await query.answer(toast(context, "reminder_already_stopped"))
            return
        await query.answer(
            toast(context, "reminder_stopped", reminder=views.describe(texts(context), reminder))
        )
        await set_buttons(query)
    elif action == Action.DELETE and parsed.reminder_id is not None:
        deleted = await store.delete_reminder(chat.id, parsed.reminder_id)
        key = "reminder_deleted" if deleted else "reminder_already_deleted"
        await query.answer(toast(context, key))
        await edit(update, context, query, await _list(context, chat.id))
    elif action == Action.LIST:
        await query.answer()
        await respond(update, context, await _list(context, chat.id))
    elif action == Action.NEW:
        await query.answer()
        await respond(
            update, context, views.choose_time(texts(context), await store.get_chat(chat.id))
        )
    elif action == Action.TIME and parsed.typed:
        context.bot_data.typing_time.put(chat.id, True)  # for TYPING_WINDOW
        await query.answer()
        await edit(update, context, query, views.type_time(texts(context)))
    elif action == Action.TIME and parsed.local_time is not None:
        await query.answer()
        await edit(update, context, query, views.choose_days(texts(context), parsed.local_time))
    elif action == Action.ADD and parsed.local_time is not None and parsed.days is not None:
        request = views.RemindRequest(parsed.local_time, parsed.days)
        answer = await _add(context, chat.id, request)
        await query.answer()
        await edit(update, context, query, answer)
    else:  # pragma: no cover - parse_press only returns the actions above
        await query.answer(toast(context, "stale_button_toast"))


async def _done(
    context: Context, query: CallbackQuery, chat_id: int, reminder_id: int, seq: int
) -> None:
    store = context.bot_data.store
    chat = await store.get_chat(chat_id)
    reminder = await store.get_reminder(chat_id, reminder_id)
    if chat is None or reminder is None:
        await query.answer(toast(context, "reminder_gone"))
        return
    since = routine.week_start(now(context), chat.zone)
    # The store counts each reminder delivery once (a second Done, or a session from it).
    counted_now = await store.record_done(chat_id, now(context), f"{reminder_id}:{seq}")
    count = await store.count_stretches_since(chat_id, since)
    if not counted_now:  # counted already: an earlier Done, or a session from this reminder
        already = toast(context, "done_already")
        await query.answer(f"{already} {routine.done_text(texts(context), count)}")
        return
    await query.answer(routine.done_text(texts(context), count))
    await set_buttons(query, routine.after_done_buttons(texts(context), reminder_id))


async def _group_done(
    context: Context, query: CallbackQuery, chat_id: int, reminder_id: int, seq: int
) -> None:
    """Done under a group's stretch break: the person counts once a week for the group, which
    keeps only the number (see bot.services.group_breaks)."""
    state = context.bot_data
    taken = await group_breaks.take_part(
        state.store, state.participants, now(context), chat_id, reminder_id, query.from_user.id
    )
    if taken is None:
        await query.answer(toast(context, "reminder_gone"))
        return
    text = routine.group_done_text(texts(context), taken.people)
    await query.answer(text if taken.counted else f"{toast(context, 'done_already')} {text}")


async def _snooze(
    context: Context, query: CallbackQuery, chat_id: int, reminder_id: int, seq: int | None
) -> None:
    store = context.bot_data.store
    chat = await store.get_chat(chat_id)
    until = now(context) + routine.SNOOZE
    if chat is None or not await store.snooze(chat_id, reminder_id, until, seq):
        await query.answer(toast(context, "reminder_gone"))
        return
    await query.answer(toast(context, "reminder_snoozed", time=views.local_clock(chat.zone, until)))


async def timezone_press(update: Update, context: Context) -> None:
    """A suggested time zone was tapped (``tz:<name>``): set it, after checking the name."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None:
        return
    name = callbacks.parse_timezone(query.data or "")
    if name is None or chat is None or chat.type != ChatType.PRIVATE:
        await query.answer(toast(context, "stale_button_toast"))
        return
    try:
        zone = resolve_timezone(name)
    except ScheduleError:
        await query.answer(toast(context, "stale_button_toast"))
        return
    answer = await _set_timezone(context, chat.id, zone.key)
    await query.answer()
    await edit(update, context, query, answer)
