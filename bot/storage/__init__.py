"""Storage: the SQLite database behind one ``Store`` (one connection, migrations, outbox)."""

from bot.storage.sqlite import CHAT_KINDS, MIGRATIONS, REASONS, DatabaseTooNew, Recovery, Store

__all__ = ["CHAT_KINDS", "MIGRATIONS", "REASONS", "DatabaseTooNew", "Recovery", "Store"]
