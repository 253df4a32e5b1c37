"""Hot reload: a valid edit is swapped in, an invalid one keeps the last good knowledge base."""

from __future__ import annotations

import asyncio
from pathlib import Path

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
