"""Hot reload: a valid edit is swapped in, an invalid one keeps the last good knowledge base."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.answering.answerer import Answerer
from bot.core.knowledge import load_knowledge
from bot.core.replies import ReplyKind
from bot.services.reloader import KnowledgeReloader
from tests.kb_factory import SITTING, write_kb


class Holder:
    """Stands in for BotState: the reloader installs the new answerer here."""

    def __init__(self, answerer: Answerer) -> None:
        self.answerer = answerer
        self.installed = asyncio.Event()

    def install(self, answerer: Answerer) -> None:
        self.answerer = answerer
        self.installed.set()


async def test_reload_swaps_valid_edits_and_keeps_old_on_invalid(tmp_path: Path) -> None:
    directory = write_kb(tmp_path / "kb")
    holder = Holder(Answerer(load_knowledge(directory)))
    reloader = KnowledgeReloader(directory, holder.install)
    answers: list[str] = []
    stop = asyncio.Event()

    async def keep_asking() -> None:
        # People keep asking while maintainers edit: every question must still get an answer.
        # (Bounded, so the loop never starves the reload thread of the GIL for long.)
        while not stop.is_set() and len(answers) < 400:
            reply = holder.answerer.answer("does sitting at a desk tighten my hips").reply
            assert reply.kind is ReplyKind.ANSWER
            answers.append(reply.html)
            await asyncio.sleep(0)

    asker = asyncio.create_task(keep_asking())
    sitting = directory / "entries" / "sitting.yaml"
    sitting.write_text(SITTING.replace("Yes: sitting keeps", "Indeed, sitting keeps"))
    result = await reloader.reload()
    assert result.ok and result.entries == 2
    assert "Indeed, sitting keeps" in holder.answerer.answer("sitting at a desk").reply.html

    before = holder.answerer
    sitting.write_text(SITTING.replace("questions:", "questoins:"))
    result = await reloader.reload()
    assert not result.ok
    assert holder.answerer is before
    assert "unknown field 'questoins'" in result.summary()
    assert "The previous version is still in use." in result.summary()

    stop.set()
    await asker
    assert answers, "questions were answered throughout"
    assert any("Yes: sitting keeps" in html for html in answers[:1])


async def test_watch_picks_up_an_edit(tmp_path: Path) -> None:
    directory = write_kb(tmp_path / "kb")
    holder = Holder(Answerer(load_knowledge(directory)))
    reloader = KnowledgeReloader(directory, holder.install)
    stop = asyncio.Event()
    watcher = asyncio.create_task(reloader.watch(stop))
    sitting = directory / "entries" / "sitting.yaml"
    try:
        # The OS watcher may start a moment after the task; edit again until it reports.
        # (A change is reported within about 50 ms once it runs; 40 tries bound it at 10 s.)
        for _ in range(40):
            sitting.write_text(SITTING.replace("Yes: sitting keeps", "Watched: sitting keeps"))
            try:
                await asyncio.wait_for(holder.installed.wait(), timeout=0.25)
                break
            except TimeoutError:
                continue
        assert holder.installed.is_set()
        assert "Watched: sitting keeps" in holder.answerer.entry("sitting").html
    finally:
        stop.set()
        await asyncio.wait_for(watcher, timeout=10)


class Failing:
    """A knowledge builder that fails the way a bug or an exhausted resource would, then heals."""

    def __init__(self, error: BaseException) -> None:
        self.error: BaseException | None = error
        self.calls = 0

    def __call__(self, directory: Path) -> Answerer:
        self.calls += 1
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        return Answerer(load_knowledge(directory))


async def wait_for_install(holder: Holder, edit: Callable[[], object], tries: int = 30) -> None:
    """Edit until the watcher installs a new answerer (the OS watcher starts asynchronously)."""
    holder.installed.clear()
    for _ in range(tries):
        edit()
        try:
            await asyncio.wait_for(holder.installed.wait(), timeout=1)
            return
        except TimeoutError:
            continue
    raise AssertionError("the watcher never installed the edit")


async def test_an_unexpected_error_is_a_failed_reload_not_an_exception(tmp_path: Path) -> None:
    directory = write_kb(tmp_path / "kb")
    holder = Holder(Answerer(load_knowledge(directory)))
    before = holder.answerer
    reloader = KnowledgeReloader(
        directory, holder.install, build=Failing(RecursionError("maximum recursion depth"))
    )
    result = await reloader.reload()
    assert not result.ok
    assert holder.answerer is before
    assert "RecursionError" in result.summary()
    assert "The previous version is still in use." in result.summary()
    assert (await reloader.reload()).ok  # the next reload works again


async def test_the_watcher_survives_an_unexpected_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    directory = write_kb(tmp_path / "kb")
    holder = Holder(Answerer(load_knowledge(directory)))
    failing = Failing(MemoryError())
    reloader = KnowledgeReloader(directory, holder.install, build=failing, check_seconds=0.2)
    stop = asyncio.Event()
    watcher = asyncio.create_task(reloader.watch(stop))
    sitting = directory / "entries" / "sitting.yaml"
    try:
        await wait_for_install(
            holder, lambda: sitting.write_text(SITTING.replace("Yes: sitting", "Again: sitting"))
        )
        assert failing.calls >= 2  # the first reload failed, the watcher carried on
        assert not watcher.done()
        assert "MemoryError" in caplog.text
        assert "Again: sitting keeps" in holder.answerer.entry("sitting").html
    finally:
        stop.set()
        await asyncio.wait_for(watcher, timeout=10)


async def test_the_watcher_follows_a_replaced_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    directory = write_kb(tmp_path / "kb")
    backup = tmp_path / "backup"
    shutil.copytree(directory, backup)
    holder = Holder(Answerer(load_knowledge(directory)))
    reloader = KnowledgeReloader(directory, holder.install, check_seconds=0.2)
    stop = asyncio.Event()
    watcher = asyncio.create_task(reloader.watch(stop))
    sitting = directory / "entries" / "sitting.yaml"
    try:
        await wait_for_install(
            holder, lambda: sitting.write_text(SITTING.replace("Yes: sitting", "First: sitting"))
        )
        shutil.rmtree(directory)  # a deploy: remove the folder and copy a new one in its place
        for _ in range(100):
            if "is gone" in caplog.text:
                break
            await asyncio.sleep(0.05)
        assert "is gone" in caplog.text
        shutil.copytree(backup, directory)
        await wait_for_install(
            holder, lambda: sitting.write_text(SITTING.replace("Yes: sitting", "Later: sitting"))
        )
        assert "Later: sitting keeps" in holder.answerer.entry("sitting").html
        assert "was replaced" in caplog.text
    finally:
        stop.set()
        await asyncio.wait_for(watcher, timeout=10)


async def test_the_watcher_follows_a_folder_replaced_between_two_checks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Removed and copied back at once, the folder may even get its old inode number back: the
    # deletion event of the folder itself must be enough (the periodic check is far away).
    directory = write_kb(tmp_path / "kb")
    backup = tmp_path / "backup"
    shutil.copytree(directory, backup)
    holder = Holder(Answerer(load_knowledge(directory)))
    reloader = KnowledgeReloader(directory, holder.install, check_seconds=30)
    stop = asyncio.Event()
    watcher = asyncio.create_task(reloader.watch(stop))
    sitting = directory / "entries" / "sitting.yaml"
    try:
        await wait_for_install(
            holder, lambda: sitting.write_text(SITTING.replace("Yes: sitting", "First: sitting"))
        )
        shutil.rmtree(directory)
        shutil.copytree(backup, directory)
        await wait_for_install(
            holder, lambda: sitting.write_text(SITTING.replace("Yes: sitting", "Later: sitting"))
        )
        assert "Later: sitting keeps" in holder.answerer.entry("sitting").html
        assert "was replaced" in caplog.text
    finally:
        stop.set()
        await asyncio.wait_for(watcher, timeout=10)
