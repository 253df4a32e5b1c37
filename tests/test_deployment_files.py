"""The container files stay true to the code: there is no Docker engine in CI (nor on the
development machine), so these checks read the Dockerfile, docker-compose.yml, the Procfile and
.env.example for what matters and fail when one of them drifts from the bot's settings."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from bot.cli import build_parser
from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {name.upper() for name in Settings.model_fields}
# Environment of the image that is not a bot setting: Python's, matplotlib's, PTB's.
IMAGE_ONLY = {
    "PATH",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "PTB_TIMEDELTA",
    "MPLCONFIGDIR",
}


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions (keyword, arguments), continuation lines joined, by stage."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        stages[-1].append((keyword.upper(), rest.strip()))
    return stages


def final_stage() -> list[tuple[str, str]]:
    return dockerfile_stages()[-1]


def args_of(keyword: str) -> list[str]:
    return [rest for key, rest in final_stage() if key == keyword]


def env_names(stage: list[tuple[str, str]]) -> set[str]:
    names: set[str] = set()
    for key, rest in stage:
        if key == "ENV":
            names.update(part.split("=", 1)[0] for part in shlex.split(rest) if "=" in part)
    return names


def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_image_is_python_311_slim_and_runs_the_bot_as_an_unprivileged_user() -> None:
    stages = dockerfile_stages()
    assert all(stage[0][1].split()[0] == "python:3.11-slim" for stage in stages)
    users = args_of("USER")
    assert users, "the final stage must switch to an unprivileged USER"
    assert users[-1] not in {"root", "0", "0:0"}
    user_index = max(i for i, (key, _) in enumerate(final_stage()) if key == "USER")
    cmd_index = max(i for i, (key, _) in enumerate(final_stage()) if key == "CMD")
    assert user_index < cmd_index
    assert args_of("CMD")[-1] == '["python", "-m", "bot"]'


def test_no_build_tools_reach_the_final_image() -> None:
    final = " ".join(rest for _, rest in final_stage())
    assert "build-essential" not in final and "gcc" not in final
    assert "apt-get install" not in final
    copies = args_of("COPY")
    assert any(c.startswith("--from=") and "/opt/venv" in c for c in copies)
    assert any(c.split()[-2:] == ["knowledge", "./knowledge"] for c in copies)


def test_the_healthcheck_asks_healthz_on_the_served_port() -> None:
    (check,) = args_of("HEALTHCHECK")
    assert "/healthz" in check
    assert "PORT" in check and "METRICS_PORT" in check
    assert args_of("EXPOSE") == [str(Settings.model_fields["port"].default)]
    assert args_of("STOPSIGNAL") == ["SIGTERM"]


def test_the_image_sets_only_real_settings() -> None:
    names = env_names(final_stage())
    unknown = names - SETTINGS - IMAGE_ONLY
    assert not unknown, f"the Dockerfile sets variables the bot does not read: {unknown}"


def test_compose_runs_two_bot_replicas_and_a_healthy_postgres() -> None:
    services = compose()["services"]
    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    bot = services["bot"]
    assert bot["build"] == "."
    assert bot["deploy"]["replicas"] == 2
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    env = bot["environment"]
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert {"TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET"} <= set(env)
    assert "ports" not in bot  # only the proxy is published; replicas share one address


def test_compose_sets_only_real_settings_and_one_port() -> None:
    services = compose()["services"]
    env = services["bot"]["environment"]
    unknown = set(env) - SETTINGS
    assert not unknown, f"docker-compose.yml sets variables the bot does not read: {unknown}"
    port = str(env["PORT"])
    assert services["bot"]["expose"] == [port]
    assert f"--to bot:{port}" in services["proxy"]["command"]


def test_the_procfile_has_a_web_and_a_worker_process_the_cli_accepts() -> None:
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    entries = dict(line.split(":", 1) for line in lines if line.strip())
    assert set(entries) == {"web", "worker"}
    parser = build_parser()
    for name, command in entries.items():
        argv = shlex.split(command)
        assert argv[:3] == ["python", "-m", "bot"], name
        args = parser.parse_args(argv[3:])
        assert args.command == "run"
    assert parser.parse_args(shlex.split(entries["web"])[3:]).webhook
    assert parser.parse_args(shlex.split(entries["worker"])[3:]).polling


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?([A-Z_]+)=", text, flags=re.MULTILINE))
    assert documented >= SETTINGS, f"missing from .env.example: {SETTINGS - documented}"
