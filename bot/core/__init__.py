"""The pure core: knowledge, answering, reminders' time arithmetic and messages, group policy.

Nothing here imports Telegram, a database driver or any other layer of the bot; every module is
plain Python that can be tested alone.
"""
