"""Storage: one interface (``interface.Storage``), the SQLite ``Store`` (the default: one
connection, migrations, outbox) and, in ``postgres``, the PostgreSQL store for replicas."""

from bot.storage.outbox import Recovery
from bot.storage.sqlite import CHAT_KINDS, MIGRATIONS, REASONS, DatabaseTooNew, Store

__all__ = ["CHAT_KINDS", "MIGRATIONS", "REASONS", "DatabaseTooNew", "Recovery", "Store"]
