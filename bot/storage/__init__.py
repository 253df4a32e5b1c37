"""Storage: the SQLite database behind one ``Store`` (one connection, migrations, outbox)."""

from bot.storage.outbox import Recovery
from bot.storage.sqlite import CHAT_KINDS, MIGRATIONS, REASONS, DatabaseTooNew, Store

__all__ = ["CHAT_KINDS", "MIGRATIONS", "REASONS", "DatabaseTooNew", "Recovery", "Store"]
