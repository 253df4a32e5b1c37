"""The catalogue of everything the bot says: every key of ``knowledge/texts.yaml``, the
placeholders each one must contain, the length limits of labels and pop-ups, and ``fill``.

Declared once here so the loader can check ``texts.yaml`` against it and code can only ask for
texts that exist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

__all__ = ["MAX_LABEL", "MAX_TOAST", "TEXT_KEYS", "TEXT_LIMITS", "fill"]

TEXT_KEYS: Mapping[str, tuple[str, ...]] = {
    "welcome": (),
    "help": (),
    "about": (),
    "disclaimer": (),
    "fallback": (),
    "unsure": (),
    "topics_intro": (),
    "exercises_intro": (),
    "unknown_exercise": ("{name}",),
    "exercise_usage": (),
    "stale_button": (),
    "not_text": (),
    "too_long": (),
    "unknown_command": (),
    "greeting": (),
    "thanks": (),
    "group_welcome": (),
    "group_red_flag": (),
    "group_help": (),
    "group_howto": ("{bot}",),
    "group_fallback": (),
    "settings_private": (),
    "settings_admins_only": (),
    # --- the stretch reminder message and its buttons (bot/core/reminders/message.py) ---
    "reminder_heading": (),
    "reminder_heading_at": ("{time}",),
    "reminder_heading_snoozed": (),
    "reminder_exercise": ("{exercise}", "{number}", "{total}"),
    "reminder_exercise_next": ("{exercise}", "{number}", "{total}", "{next_exercise}"),
    "reminder_more_steps": ("{name}",),
    "reminder_no_exercises": (),
    "reminder_footer": ("{target}",),
    "group_break_heading": (),
    "group_break_footer": (),
    "button_done": (),
    "button_snooze": (),
    "button_stop": (),
    "done_progress": ("{count}", "{target}"),
    "done_goal_reached": ("{count}", "{target}"),
    "done_past_goal": ("{count}", "{target}"),
    "done_already": (),
    "group_done_one": (),
    "group_done_many": ("{count}",),
    "reminder_stopped": ("{reminder}",),
    "reminder_already_stopped": (),
    "reminder_deleted": (),
    "reminder_already_deleted": (),
    "reminder_snoozed": ("{time}",),
    "reminder_gone": (),
    "stale_button_toast": (),
    # --- /remind, /reminders, /timezone (bot/core/reminders/views.py) ---
    "remind_examples": (),
    "remind_too_long": (),
    "remind_choose_time": ("{zone}",),
    "remind_type_time": (),
    "remind_choose_days": ("{time}",),
    "reminder_added": ("{reminder}", "{next}", "{zone}"),
    "reminder_utc_note": (),
    "reminder_duplicate": ("{reminder}",),
    "reminders_none_to_remove": (),
    "reminders_removed_one": (),
    "reminders_removed_many": ("{count}",),
    "reminders_list_empty": (),
    "reminders_list_title": ("{zone}",),
    "reminders_list_next": ("{next}",),
    "reminders_list_paused": (),
    "reminders_list_footer": (),
    "reminders_resumed_one": (),
    "reminders_resumed_many": ("{count}",),
    "reminders_private_only": (),
    "button_my_reminders": (),
    "button_add_reminder": (),
    "button_set_up_reminder": (),
    "button_another_time": (),
    "button_delete_reminder": ("{reminder}",),
    "button_private_chat": (),
    "timezone_current": ("{zone}", "{time}"),
    "timezone_default": ("{zone}", "{time}"),
    "timezone_set": ("{zone}", "{time}"),
    "timezone_set_next": ("{next}",),
    "timezone_offset": ("{zone}",),
    "timezone_unknown": ("{zone}",),
    "timezone_suggestions": (),
    "timezone_too_long": (),
    # --- /privacy and /forget ---
    "privacy_stored": (),
    "privacy_unanswered": ("{count}",),
    "privacy_not_stored": (),
    "privacy_you_none": (),
    "privacy_you": ("{chat_id}", "{zone}", "{reminders}", "{done_taps}"),
    "privacy_delete": (),
    "forget_nothing": (),
    "forget_confirm": ("{reminders}", "{done_taps}"),
    "button_forget_yes": (),
    "button_forget_cancel": (),
    "forget_done": (),
    "forget_nothing_deleted": (),
    "forget_kept": (),
    "forget_deleted_toast": (),
    # --- the group /settings panel and group red flags (bot/core/groups/views.py) ---
    "settings_title": (),
    "settings_answers_mentions": (),
    "settings_answers_questions": (),
    "settings_breaks_off": (),
    "settings_breaks_on": ("{time}", "{days}"),
    "settings_breaks_on_next": ("{time}", "{days}", "{next}"),
    "settings_breaks_paused": ("{time}", "{days}"),
    "settings_zone": ("{zone}", "{time}"),
    "settings_admins_note": (),
    "settings_closed_note": (),
    "settings_time_page": ("{zone}",),
    "settings_days_page": (),
    "settings_zone_page": ("{zone}",),
    "settings_typed_examples": (),
    "settings_not_understood": (),
    "settings_saved": (),
    "settings_saved_toast": (),
    "settings_saved_breaks_off": (),
    "settings_zone_saved": ("{zone}",),
    "button_answer_mentions": (),
    "button_answer_questions": (),
    "button_breaks_on": (),
    "button_breaks_off": (),
    "button_settings_done": (),
    "button_back": (),
    "button_continue_privately": (),
    # --- python -m bot chat (the terminal) ---
    "chat_telegram_only": ("{command}",),
    # --- /progress: the weekly count, streak and chart (bot/core/sessions/progress.py, chart.py)
    "progress_title": (),
    "progress_this_week": ("{count}", "{target}"),
    "progress_this_week_met": ("{count}", "{target}"),
    "progress_breakdown": ("{sessions}", "{done}"),
    "progress_streak": ("{weeks}",),
    "progress_streak_none": (),
    "progress_weeks_title": ("{weeks}",),
    "progress_week_line": ("{week}", "{count}"),
    "progress_week_met": (),
    "progress_week_label": ("{day}", "{month}"),
    "month_names": (),
    "chart_title": (),
    "chart_sessions": (),
    "chart_done": (),
    "chart_goal": ("{target}",),
    # --- guided /stretch sessions (bot/core/sessions/views.py) ---
    "session_title_one": ("{exercise}", "{minutes}"),
    "session_title_routine": ("{exercises}", "{minutes}"),
    "session_pain_before": (),
    "session_pain_after": (),
    "session_exercise": ("{exercise}", "{number}", "{total}"),
    "session_position": ("{seconds}",),
    "session_hold": ("{seconds}",),
    "session_hold_side": ("{side}", "{seconds}"),
    "session_reps": ("{count}", "{hold}", "{seconds}"),
    "session_halfway": ("{seconds}",),
    "session_halfway_reps": ("{count}", "{seconds}"),
    "session_switch": ("{seconds}",),
    "session_rest": ("{seconds}", "{next}"),
    "session_paused": (),
    "session_safety": (),
    "session_completed": ("{count}", "{target}"),
    "session_pain_higher": ("{before}", "{after}"),
    "session_hurt": (),
    "session_stopped": (),
    "session_restarted": (),
    "session_ended_toast": (),
    "session_unknown_exercise": ("{name}",),
    "session_no_exercises": (),
    "session_private_only": (),
    "button_session_pause": (),
    "button_session_resume": (),
    "button_session_skip": (),
    "button_session_stop": (),
    "button_session_hurts": (),
    "button_session_no_score": (),
    "button_session_start": (),
    "session_start_private": (),
}
# Texts shown as a button label (one line, plain text) or as a small pop-up ("toast", at most
# 200 characters for Telegram): their longest allowed length, placeholders included. Other
# texts are limited only by the message they are part of.
MAX_LABEL = 40
MAX_TOAST = 150
TEXT_LIMITS: Mapping[str, int] = {
    **{key: MAX_LABEL for key in TEXT_KEYS if key.startswith("button_")},
    **dict.fromkeys(
        (
            "done_progress",
            "done_goal_reached",
            "done_past_goal",
            "done_already",
            "group_done_one",
            "group_done_many",
            "reminder_stopped",
            "reminder_already_stopped",
            "reminder_deleted",
            "reminder_already_deleted",
            "reminder_snoozed",
            "reminder_gone",
            "stale_button_toast",
            "settings_saved_toast",
            "forget_deleted_toast",
            "settings_admins_only",
            "session_ended_toast",
            "session_start_private",
        ),
        MAX_TOAST,
    ),
}


def fill(template: str, **values: object) -> str:
    """A text from ``texts.yaml`` with its ``{placeholders}`` filled in, HTML-escaped.

    One pass over the template, so a value that itself contains "{zone}" is never filled again;
    braces that are not one of ``values`` stay as written (never ``str.format``).
    """

    def value(found: re.Match[str]) -> str:
        name = found[1]
        return escape(str(values[name]), quote=False) if name in values else found[0]

    return re.sub(r"\{(\w+)\}", value, template.strip())
