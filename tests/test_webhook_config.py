"""Webhook settings: checked at start with one kind line each, never echoing the secret."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
SECRET = "good_Secret-123"
URL = "https://bot.example.com/telegram"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WEBHOOK_URL", "WEBHOOK_SECRET", "PORT", "LISTEN_ADDRESS", "METRICS_PORT"):
        monkeypatch.delenv(name, raising=False)


def settings(**values: object):
    return load_settings(env_file=None, telegram_bot_token=TOKEN, **values)


def problem(**values: object) -> str:
    with pytest.raises(ConfigError) as caught:
        settings(**values)
    return str(caught.value)


def test_polling_is_the_default() -> None:
    plain = settings()
    assert plain.webhook_url is None
    assert plain.secret == ""
    assert plain.metrics_port is None
    assert plain.port == 8080


def test_a_complete_webhook_setting() -> None:
    hook = settings(webhook_url=URL, webhook_secret=SECRET, port="8443")
    assert hook.webhook_url == URL
    assert hook.secret == SECRET
    assert hook.webhook_path == "/telegram"
    assert hook.port == 8443
    assert SECRET not in repr(hook)
    bare = settings(webhook_url="https://bot.example.com", webhook_secret=SECRET)
    assert bare.webhook_path == "/"


@pytest.mark.parametrize(
    "url",
    ["http://bot.example.com/telegram", "bot.example.com/telegram", "https:///telegram", "ftp://x"],
)
def test_the_webhook_url_must_be_https(url: str) -> None:
    message = problem(webhook_url=url, webhook_secret=SECRET)
    assert message.startswith("WEBHOOK_URL must be a public https:// address")


@pytest.mark.parametrize(
    "secret", ["has space", "dots.are.not.allowed", "x" * 257, "ünïcode", "semi;colon"]
)
def test_the_secret_follows_telegrams_rule_and_is_never_echoed(secret: str) -> None:
    message = problem(webhook_url=URL, webhook_secret=secret)
    assert message.startswith("WEBHOOK_SECRET must be 1 to 256 characters")
    assert secret not in message


def test_the_longest_allowed_secret_is_accepted() -> None:
    assert settings(webhook_url=URL, webhook_secret="a" * 256).secret == "a" * 256


def test_a_webhook_needs_a_secret_and_a_secret_needs_a_webhook() -> None:
    assert problem(webhook_url=URL).startswith("WEBHOOK_SECRET is required with WEBHOOK_URL")
    assert problem(webhook_secret=SECRET).startswith("WEBHOOK_SECRET is set but WEBHOOK_URL")


def test_the_token_must_not_be_in_the_webhook_url() -> None:
    for url in (f"https://bot.example.com/{TOKEN}", f"https://x.example/{TOKEN.split(':')[1]}"):
        message = problem(webhook_url=url, webhook_secret=SECRET)
        assert message.startswith("WEBHOOK_URL must not contain the bot token")
        assert TOKEN.split(":")[1] not in message


def test_the_webhook_cannot_take_a_path_the_server_answers_itself() -> None:
    message = problem(webhook_url="https://bot.example.com/healthz", webhook_secret=SECRET)
    assert "the bot serves that path itself" in message


def test_metrics_port_is_for_polling_only() -> None:
    assert settings(metrics_port="9100").metrics_port == 9100
    message = problem(webhook_url=URL, webhook_secret=SECRET, metrics_port="9100")
    assert message.startswith("METRICS_PORT is for long polling only")


def test_ports_are_checked() -> None:
    assert problem(port="70000").startswith("PORT ")
    assert problem(metrics_port="-1").startswith("METRICS_PORT ")


def test_the_web_process_refuses_to_poll_and_the_worker_to_serve_a_webhook(
    monkeypatch: pytest.MonkeyPatch, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)  # no developer .env
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert main(["run", "--webhook"]) == 2
    assert "WEBHOOK_URL is not set" in capsys.readouterr().err
    monkeypatch.setenv("WEBHOOK_URL", URL)
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    assert main(["run", "--polling"]) == 2
    err = capsys.readouterr().err
    assert "WEBHOOK_URL is set" in err
    assert SECRET not in err and TOKEN not in err


WEB_PACKAGES = ("uvicorn", "starlette", "prometheus_client")
LOADED = """
import sys
from bot.app import build_application
from bot.config import load_settings
settings = load_settings(env_file=None, telegram_bot_token={token!r}, **{values!r})
build_application(settings)
print(sorted({{m.split(".")[0] for m in sys.modules}} & {packages!r}))
"""


def loaded_after_build(**values: str) -> str:
    import subprocess
    import sys

    from tests.e2e import ROOT

    code = LOADED.format(token=TOKEN, values=values, packages=set(WEB_PACKAGES))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_polling_loads_no_web_server_and_the_other_modes_do() -> None:
    assert loaded_after_build() == "[]"  # idle memory of the default mode does not grow
    assert loaded_after_build(metrics_port="9100") == "['prometheus_client']"
    assert loaded_after_build(webhook_url=URL, webhook_secret=SECRET) == "['prometheus_client']"
