"""The PostgreSQL backend (asyncpg): the same schema and store interface, for several replicas."""

from bot.storage.postgres.store import PostgresStore, redact_url

__all__ = ["PostgresStore", "redact_url"]
