"""Settings from environment variables (and a ``.env`` file), validated once at start-up.

pydantic-settings does the parsing; this module turns its errors into one plain line per problem
and makes sure the bot token never appears in any message, even when it is the invalid value.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
TOKEN_SHAPE = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{30,64}$")
# Telegram's rule for setWebhook's secret_token, sent back in X-Telegram-Bot-Api-Secret-Token.
SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Paths the bot's own web server answers besides the webhook (bot/edge/web/routes.py).
SERVICE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class ConfigError(Exception):
    """The environment is missing or has a bad setting; the message is safe to print."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment; see ``.env.example``."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    database_path: Path = Path("data/backcare.sqlite3")
    # Set: PostgreSQL instead of SQLite (several replicas). A secret: it may hold a password.
    database_url: SecretStr | None = None
    knowledge_dir: Path = Path("knowledge")
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    store_unanswered: bool = True
    unanswered_retention_days: int = Field(default=90, ge=1, le=3650)
    reminder_poll_seconds: float = Field(default=15.0, gt=0, le=300)
    watch_knowledge: bool = True
    # Webhook mode (several replicas behind a load balancer); unset: long polling.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    port: int = Field(default=8080, ge=0, le=65535)
    listen_address: str = "0.0.0.0"  # noqa: S104 (a container must listen beyond itself)
    # Polling mode only: serve /healthz, /readyz and /metrics on this port (unset: no server).
    metrics_port: int | None = Field(default=None, ge=0, le=65535)

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        if not token:
            raise ValueError("is empty")
        if not TOKEN_SHAPE.match(token):
            raise ValueError("does not look like a bot token (digits, a colon, then 35 letters)")
        return SecretStr(token)

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value.strip()):
            raise ValueError("must start with http:// or https://, e.g. http://127.0.0.1:8081/bot")
        return value.strip()

    @field_validator("database_url", mode="before")
    @classmethod
    def _empty_url_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        url = value.get_secret_value().strip()
        scheme, _, rest = url.partition("://")
        if scheme.lower() not in ("postgresql", "postgres") or not rest:
            raise ValueError(
                "must be a PostgreSQL URL such as postgresql://user:password@host:5432/backcare "
                "(leave it unset to use the SQLite file at DATABASE_PATH)"
            )
        try:
            port = urlsplit(url).port
        except ValueError:
            port = -1
        if port == -1:
            raise ValueError("has a port that is not a number between 1 and 65535")
        return SecretStr(url)

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_url(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        url = value.strip()
        if not url:
            return None  # WEBHOOK_URL= (empty) means polling, like an unset variable
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname or re.search(r"\s", url):
            raise ValueError(
                "must be a public https:// address Telegram can reach, e.g. "
                "https://bot.example.com/telegram (Telegram sends webhooks over HTTPS only)"
            )
        if parts.path.rstrip("/") in SERVICE_PATHS:
            raise ValueError(f"must not end in {parts.path}: the bot serves that path itself")
        return url

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not SECRET_SHAPE.match(value):
                raise ValueError(
                    "must be 1 to 256 characters, only letters A-Z a-z, digits, _ and - "
                    "(Telegram's rule); e.g. the output of: python -c \"import secrets; "
                    'print(secrets.token_urlsafe(32))"'
                )
        return value

    @model_validator(mode="after")
    def _webhook_mode(self) -> Self:
        if self.webhook_url is None:
            if self.webhook_secret is not None:
                raise ValueError(
                    "WEBHOOK_SECRET is set but WEBHOOK_URL is not: set both for webhook mode, "
                    "or neither for long polling."
                )
            return self
        if self.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_SECRET is required with WEBHOOK_URL: Telegram sends it with every "
                "update, and requests without it are refused."
            )
        token = self.token
        if token in self.webhook_url or token.split(":", 1)[1] in self.webhook_url:
            raise ValueError(
                "WEBHOOK_URL must not contain the bot token (anyone who sees the address in a "
                "log or a load balancer could act as the bot); use a plain path such as /telegram."
            )
        if self.metrics_port is not None:
            raise ValueError(
                "METRICS_PORT is for long polling only: in webhook mode /healthz, /readyz and "
                "/metrics are served on PORT beside the webhook. Unset METRICS_PORT."
            )
        return self

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
            bad = [part for part in parts if not re.fullmatch(r"-?\d+", part)]
            if bad:
                raise ValueError("must be Telegram user ids (numbers) separated by commas")
            return frozenset(int(part) for part in parts)
        return value

    @property
    def postgres_url(self) -> str | None:
        """The PostgreSQL URL, or None for SQLite; only the store should ask for it."""
        return None if self.database_url is None else self.database_url.get_secret_value()

    @property
    def token(self) -> str:
        """The bot token; only the Telegram client should ever ask for it."""
        return self.telegram_bot_token.get_secret_value()

    @property
    def secret(self) -> str:
        """The webhook secret ('' in polling mode); only the web server should ask for it."""
        return self.webhook_secret.get_secret_value() if self.webhook_secret is not None else ""

    @property
    def webhook_path(self) -> str:
        """The path of WEBHOOK_URL, where the web server takes Telegram's updates."""
        return urlsplit(self.webhook_url or "").path or "/"


def load_settings(env_file: Path | None = Path(".env"), **overrides: object) -> Settings:
    """Read settings, raising ConfigError with one readable line per problem (never the values)."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg, arg-type]
    except ValidationError as error:
        lines = []
        for problem in error.errors(include_input=False, include_url=False):
            name = str(problem["loc"][0]).upper() if problem["loc"] else ""
            if not name:  # a rule across settings: its message names them itself
                lines.append(problem["msg"].removeprefix("Value error, "))
                continue
            if problem["type"] == "missing":
                if name == "TELEGRAM_BOT_TOKEN":
                    message = "is not set. Get a token from @BotFather and put it in .env"
                else:
                    message = "is required"
            else:
                message = problem["msg"].removeprefix("Value error, ")
            lines.append(f"{name} {message}.")
        raise ConfigError(" ".join(lines)) from None
