"""Settings: clear one-line errors, and the token never shown, even when it is wrong."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import DEFAULT_API_BASE_URL, ConfigError, load_settings
from bot.logs import REDACTED, RedactingFormatter, redact

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
VARS = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "DATABASE_PATH",
    "KNOWLEDGE_DIR",
    "ADMIN_USER_IDS",
    "LOG_LEVEL",
    "DATABASE_URL",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARS:
        monkeypatch.delenv(name, raising=False)


def test_defaults_with_only_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = load_settings(env_file=None)
    assert settings.token == TOKEN
    assert settings.telegram_api_base_url == DEFAULT_API_BASE_URL
    assert settings.database_path == Path("data/backcare.sqlite3")
    assert settings.knowledge_dir == Path("knowledge")
    assert settings.admin_user_ids == frozenset()
    assert settings.log_level == "INFO"


def test_env_file_is_read_and_real_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / ".env"
    env.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nLOG_LEVEL=debug\nADMIN_USER_IDS=1, 2,3\n")
    monkeypatch.setenv("LOG_LEVEL", "warning")
    settings = load_settings(env_file=env)
    assert settings.token == TOKEN
    assert settings.log_level == "WARNING"
    assert settings.admin_user_ids == frozenset({1, 2, 3})


def test_missing_token_is_one_clear_line() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=None)
    assert str(caught.value) == (
        "TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather and put it in .env."
    )


def test_malformed_token_is_explained_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "12345:short-but-secret"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", secret)
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=None)
    assert "does not look like a bot token" in str(caught.value)
    assert secret not in str(caught.value)
    assert "short-but-secret" not in str(caught.value)


def test_several_bad_settings_reported_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ADMIN_USER_IDS", "12,alice")
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "127.0.0.1:8081/bot")
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=None)
    message = str(caught.value)
    assert "ADMIN_USER_IDS must be Telegram user ids" in message
    assert "LOG_LEVEL" in message
    assert "TELEGRAM_API_BASE_URL must start with http://" in message
    assert TOKEN not in message


def test_redaction_covers_urls_tracebacks_and_token_shapes() -> None:
    url = f"https://api.telegram.org/bot{TOKEN}/getMe"
    assert redact(url, (TOKEN,)) == f"https://api.telegram.org/bot{REDACTED}/getMe"
    other = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9"
    assert other not in redact(f"leaked {other}")

    formatter = RedactingFormatter("%(message)s", (TOKEN,))
    try:
        raise RuntimeError(f"connection failed for {url}")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom %s", (url,), None)
        import sys

        record.exc_info = sys.exc_info()
    text = formatter.format(record)
    assert TOKEN not in text
    assert text.count(REDACTED) == 2


def test_database_url_picks_postgres_and_hides_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert load_settings(env_file=None).postgres_url is None  # SQLite by default
    monkeypatch.setenv("DATABASE_URL", "  ")
    assert load_settings(env_file=None).postgres_url is None  # empty: unset
    url = "postgresql://bot:s3cret@db.internal:5432/backcare"
    monkeypatch.setenv("DATABASE_URL", url)
    settings = load_settings(env_file=None)
    assert settings.postgres_url == url
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://bot:s3cret@db/backcare", "must be a PostgreSQL URL"),
        ("db.internal/backcare", "must be a PostgreSQL URL"),
        ("postgresql://bot:s3cret@db:99999/backcare", "has a port that is not a number"),
    ],
)
def test_a_bad_database_url_is_one_line_without_the_password(
    monkeypatch: pytest.MonkeyPatch, url: str, problem: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError) as raised:
        load_settings(env_file=None)
    assert str(raised.value).startswith(f"DATABASE_URL {problem}")
    assert "s3cret" not in str(raised.value)
