"""End-to-end tests of ``python -m bot`` as a separate process against the fake Bot API.

These prove what only a real process can: the entry point, reading settings from the environment,
logging set-up, signal handling (SIGTERM stops the bot cleanly) and the exit codes and messages
people see when the configuration is wrong. The token must never appear in any output.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e import BOT_VARIABLES, KNOWLEDGE_DIR, ROOT, TOKEN, button_data
from tests.fake_telegram import DEFAULT_USER_ID, ApiCall, FakeTelegramServer

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGTERM")

START_TIMEOUT = 20.0  # failure guards only: a healthy bot starts in about a second
EXIT_TIMEOUT = 15.0


def bot_env(tmp_path: Path, **values: str) -> dict[str, str]:
    """The parent environment minus the bot's variables, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in BOT_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env["DATABASE_PATH"] = str(tmp_path / "data" / "bot.sqlite3")
    env.update(values)
    return env


@dataclass
class BotProcess:
    """A running ``python -m bot`` with its output going to files (no pipe can fill up)."""

    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path

    def output(self) -> str:
        """Everything the process wrote so far, stdout then stderr."""
        return self.stdout_path.read_text(errors="replace") + self.stderr_path.read_text(
            errors="replace"
        )

    def wait_for(
        self,
        fake: FakeTelegramServer,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        after: int = 0,
        timeout: float = START_TIMEOUT,
    ) -> ApiCall:
        """Wait for a call, failing at once (with the output) if the bot process died."""
        deadline = time.monotonic() + timeout
        while True:
            found = fake.find_calls(method, predicate, after=after)
            if found:
                return found[0]
            if self.process.poll() is not None:
                pytest.fail(
                    f"the bot exited with {self.process.returncode} while waiting for {method}:\n"
                    f"{self.output()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"no {method} call within {timeout}s; output:\n{self.output()}")
            # Event-driven: wakes as soon as the call arrives; the slice only checks liveness.
            try:
                return fake.wait_for_call_sync(method, predicate, after=after, timeout=0.25)
            except AssertionError:
                continue

    def stop(self) -> int:
        """SIGTERM, as a process manager would; kill only if it does not stop in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(EXIT_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(EXIT_TIMEOUT)
                pytest.fail(f"the bot ignored SIGTERM; output:\n{self.output()}")
        return self.process.returncode


@pytest.fixture
def start_bot(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], BotProcess]]:
    """Start ``python -m bot`` from the project root; every process is stopped afterwards."""
    started: list[BotProcess] = []

    def start(env: dict[str, str]) -> BotProcess:
        index = len(started)
        out, err = tmp_path / f"stdout-{index}.txt", tmp_path / f"stderr-{index}.txt"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
            )
        bot = BotProcess(process, out, err)
        started.append(bot)
        return bot

    yield start
    for bot in started:
        if bot.process.poll() is None:
            bot.process.kill()
            bot.process.wait(EXIT_TIMEOUT)


def run_bot_once(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot`` expecting it to exit by itself (a start-up failure)."""
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=EXIT_TIMEOUT,
        check=False,
    )


def test_bot_process_serves_a_conversation_and_stops_on_sigterm(
    fake_telegram: FakeTelegramServer,
    tmp_path: Path,
    start_bot: Callable[[dict[str, str]], BotProcess],
) -> None:
    fake = fake_telegram
    env = bot_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        LOG_LEVEL="DEBUG",
    )
    bot = start_bot(env)
    bot.wait_for(fake, "getUpdates")
    assert len(fake.find_calls("setMyCommands")) == 3  # private chats, groups, group admins

    def reply_to(text: str, method: str = "sendMessage") -> ApiCall:
        mark = fake.mark()
        fake.send_text(text)
        return bot.wait_for(fake, method, lambda c: c.ok, after=mark)

    welcome = reply_to("/start")
    assert welcome.params["chat_id"] == DEFAULT_USER_ID
    assert "not medical advice" in welcome.params["text"].lower()

    answer = reply_to("how do I do pigeon pose", "sendPhoto")  # its picture, words as caption
    assert "plank" in answer.words
    related = next(d for d in button_data(answer) if d.startswith("e:"))

    mark = fake.mark()
    fake.press_button(answer, related)
    bot.wait_for(fake, "answerCallbackQuery", after=mark)
    # The first related entry of pigeon pose is an exercise too: a picture with a caption.
    pressed = bot.wait_for(fake, "sendPhoto", lambda c: c.ok, after=mark)
    assert f"f:{related.removeprefix('e:')}:1" in button_data(pressed)

    urgent = reply_to("I suddenly can't control my bladder and my back hurts")
    assert "urgent" in urgent.params["text"].lower()
    assert "plank" not in urgent.params["text"]

    assert bot.stop() == 0
    output = bot.output()
    assert "Traceback" not in output
    assert " DEBUG " in output  # LOG_LEVEL was honoured, so there was plenty to leak...
    assert TOKEN not in output  # ...and still no token
    assert TOKEN.split(":", 1)[1] not in output
    assert (tmp_path / "data" / "bot.sqlite3").exists()
    assert fake.errors == []


def test_missing_token_is_one_clear_line(tmp_path: Path) -> None:
    # Run from an empty folder so a developer's own .env cannot supply a token.
    env = bot_env(tmp_path, KNOWLEDGE_DIR=str(KNOWLEDGE_DIR))
    started = time.monotonic()
    result = run_bot_once(env, cwd=tmp_path)
    assert time.monotonic() - started < EXIT_TIMEOUT
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration problem: TELEGRAM_BOT_TOKEN is not set")
    assert "@BotFather" in lines[0]
    assert "Traceback" not in result.stdout + result.stderr


def test_broken_knowledge_base_names_file_and_line(
    fake_telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, knowledge)
    entry = knowledge / "entries" / "pigeon-pose.yaml"
    lines = entry.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("title:"))
    lines[number - 1] = "title: [Pigeon\n"  # an unclosed flow sequence: invalid YAML
    entry.write_text("".join(lines), encoding="utf-8")

    env = bot_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake_telegram.base_url,
        KNOWLEDGE_DIR=str(knowledge),
        LOG_LEVEL="DEBUG",
    )
    result = run_bot_once(env, cwd=ROOT)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "The bot did not start" in result.stderr
    assert "pigeon-pose.yaml:" in result.stderr
    assert any(f"pigeon-pose.yaml:{n}" in result.stderr for n in (number, number + 1)), output
    assert "Traceback" not in output
    assert TOKEN not in output
    assert fake_telegram.calls == []  # it stopped before talking to Telegram


def run_with_rejected_token(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Start the bot against a fake that accepts only some other token."""
    with FakeTelegramServer(accepted_tokens={"1234567:some-other-token-entirely-000000"}) as fake:
        env = bot_env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=fake.base_url,
            LOG_LEVEL="DEBUG",
        )
        result = run_bot_once(env, cwd=ROOT)
        assert [c.method for c in fake.calls] == ["getMe"]
        assert [c.error_code for c in fake.calls] == [401]
    return result


def test_rejected_token_exits_with_a_clear_message(tmp_path: Path) -> None:
    result = run_with_rejected_token(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("The bot did not start. Telegram rejected the bot token.")
    assert "TELEGRAM_BOT_TOKEN" in last
    assert TOKEN not in output
    assert TOKEN.split(":", 1)[1] not in output


def test_rejected_token_prints_no_traceback(tmp_path: Path) -> None:
    result = run_with_rejected_token(tmp_path)
    assert "Traceback" not in result.stdout + result.stderr


def test_unwritable_database_is_one_clear_line(tmp_path: Path) -> None:
    with FakeTelegramServer() as fake:
        env = bot_env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=fake.base_url,
            KNOWLEDGE_DIR=str(KNOWLEDGE_DIR),
            DATABASE_PATH="/proc/no-such-folder/bot.sqlite3",
        )
        result = run_bot_once(env, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    assert (
        output.strip()
        .splitlines()[-1]
        .startswith(
            "The bot did not start. Cannot open the database at /proc/no-such-folder/bot.sqlite3"
        )
    )
    assert TOKEN not in output


def test_unreachable_api_is_one_clear_line(tmp_path: Path) -> None:
    with FakeTelegramServer() as fake:
        port = fake.port
    # The server is stopped: nothing listens on that port any more.
    env = bot_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot",
        KNOWLEDGE_DIR=str(KNOWLEDGE_DIR),
    )
    result = run_bot_once(env, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    assert "The bot did not start. Could not reach the Telegram Bot API" in output
    assert TOKEN not in output and TOKEN.split(":", 1)[1] not in output


def test_the_bot_process_draws_a_chart_in_a_worker_that_runs_no_second_bot(
    fake_telegram: FakeTelegramServer,
    tmp_path: Path,
    start_bot: Callable[[dict[str, str]], BotProcess],
) -> None:
    """The production path: under ``python -m bot`` the chart is drawn in a spawned worker
    (multiprocessing does not re-run a package's ``__main__`` there), and arrives as a photo."""
    fake = fake_telegram
    env = bot_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url)
    bot = start_bot(env)
    bot.wait_for(fake, "getUpdates")
    mark = fake.mark()
    fake.send_text("/progress")
    photo = bot.wait_for(fake, "sendPhoto", lambda c: c.ok, after=mark, timeout=60)
    assert photo.params["chat_id"] == DEFAULT_USER_ID
    text = bot.wait_for(fake, "sendMessage", lambda c: c.ok, after=mark)
    assert "This week: 0 of 3" in text.params["text"]
    assert "couldn't draw the chart" not in text.params["text"]
    assert len(fake.find_calls("getMe")) == 1  # one bot started, not two
    assert bot.stop() == 0
    assert "Traceback" not in bot.output()
