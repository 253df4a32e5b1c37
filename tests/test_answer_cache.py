"""The start-up cache: a hit gives the same answers without loading the YAML; any change to the
knowledge (or a broken cache file) means the YAML is loaded again; a cache problem is never an
error for the user."""

from __future__ import annotations

import gc
import logging
import shutil
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.answering.answerer import Answerer
from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.services import answer_cache
from bot.services.answer_cache import build_answerer, default_cache_dir

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
MESSAGES = [
    "how do I stretch my hip flexors?",
    "how long do i hold the pigeon pose",
    "I can't control my bladder since this morning and my back hurts",
    "I don't have a fever or anything, which exercises help?",
    "what does saddle anaesthesia mean?",
    "can you recommend a podcast",
]


class Counting:
    """The real build, counted: a cache hit must not call it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, folder: Path) -> Answerer:
        self.calls += 1
        return Answerer(load_knowledge(folder))


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return Path(shutil.copytree(KNOWLEDGE, tmp_path / "knowledge"))


def _replies(answerer: Answerer) -> list[tuple[str, str, str]]:
    found = []
    for text in MESSAGES:
        outcome = answerer.answer(text)
        verdict = outcome.safety.verdict.name if outcome.safety else ""
        found.append((outcome.reply.kind.name, outcome.reply.html, verdict))
    return found


def test_a_hit_answers_like_a_fresh_build_without_loading_the_yaml(
    knowledge: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    build = Counting()
    fresh = build_answerer(knowledge, cache, build=build)
    cached = build_answerer(knowledge, cache, build=build)
    assert build.calls == 1
    assert cached is not fresh
    assert _replies(cached) == _replies(fresh) == _replies(Answerer(load_knowledge(knowledge)))
    assert "ALARM" in {verdict for _, _, verdict in _replies(cached)}


def test_the_cache_is_the_bots_own(knowledge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build_answerer(knowledge, cache)
    assert cache.stat().st_mode & 0o777 == 0o700
    (file,) = cache.iterdir()
    assert file.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "edit",
    [
        lambda folder: (folder / "entries" / "bridge-pose.yaml").write_text(
            (folder / "entries" / "bridge-pose.yaml")
            .read_text(encoding="utf-8")
            .replace("Repeat it 10-15 times.", "Repeat it 12 times."),
            encoding="utf-8",
        ),
        lambda folder: (folder / "entries" / "bridge-pose.yaml").rename(
            folder / "entries" / "bridge-pose.yml"
        ),
    ],
    ids=["content", "file name"],
)
def test_any_edit_means_loading_again(
    knowledge: Path, tmp_path: Path, edit: Callable[[Path], object]
) -> None:
    cache = tmp_path / "cache"
    build = Counting()
    build_answerer(knowledge, cache, build=build)
    edit(knowledge)
    after = build_answerer(knowledge, cache, build=build)
    assert build.calls == 2
    assert after.kb.entries["bridge-pose"] == load_knowledge(knowledge).entries["bridge-pose"]
    build_answerer(knowledge, cache, build=build)  # and the new version is cached in turn
    assert build.calls == 2


def test_a_broken_cache_is_rebuilt_and_logged(
    knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    build = Counting()
    build_answerer(knowledge, cache, build=build)
    (file,) = cache.iterdir()
    key = file.read_bytes().split(b"\n", 1)[0]
    file.write_bytes(key + b"\nnot a pickle at all")
    with caplog.at_level(logging.WARNING):
        answerer = build_answerer(knowledge, cache, build=build)
    assert build.calls == 2
    assert _replies(answerer) == _replies(Answerer(load_knowledge(knowledge)))
    assert "unreadable" in caplog.text
    build_answerer(knowledge, cache, build=build)  # rewritten: a hit again
    assert build.calls == 2


def test_a_folder_others_can_write_is_not_used(
    knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o777)  # writable by anyone: the point of the test
    build = Counting()
    with caplog.at_level(logging.WARNING):
        build_answerer(knowledge, cache, build=build)
        build_answerer(knowledge, cache, build=build)
    assert build.calls == 2
    assert list(cache.iterdir()) == []
    assert "writable by nobody else" in caplog.text


def test_an_unwritable_place_still_starts(knowledge: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder", encoding="utf-8")
    answerer = build_answerer(knowledge, blocker / "cache")
    assert answerer.answer(MESSAGES[0]).reply.kind.name == "ANSWER"


def test_an_invalid_base_raises_and_is_not_cached(knowledge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (knowledge / "entries" / "bridge-pose.yaml").write_text("id: [", encoding="utf-8")
    with pytest.raises(KnowledgeError):
        build_answerer(knowledge, cache)
    assert not any(cache.glob("*.pickle"))


def test_where_the_cache_lives() -> None:
    assert default_cache_dir({"BACKCARE_CACHE_DIR": "/srv/c"}) == Path("/srv/c")
    assert default_cache_dir({"BACKCARE_CACHE_DIR": "off"}) is None
    assert default_cache_dir({"BACKCARE_CACHE_DIR": ""}) is None
    assert default_cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/backcare-bot")
    assert default_cache_dir({}) == Path.home() / ".cache" / "backcare-bot"


def test_the_key_covers_the_code(knowledge: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = answer_cache.cache_key(knowledge)
    monkeypatch.setattr(answer_cache, "_code_digest", b"other code")
    assert answer_cache.cache_key(knowledge) != before


class _Cycle:
    """An object in a reference cycle: only the cyclic garbage collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_a_reload_frees_what_the_previous_one_froze(knowledge: Path) -> None:
    """The answerer is frozen out of the collector's sight (a full collection over a large base
    blocks answering); a reload collects the frozen garbage of the base before, never leaks."""
    try:
        gone = _Cycle()
        alive = weakref.ref(gone)
        gc.freeze()
        del gone
        gc.collect()
        assert alive() is not None  # frozen: even a full collection does not see it
        build_answerer(knowledge, None)
        assert gc.get_freeze_count() > 0
        assert alive() is not None
        build_answerer(knowledge, None, reloading=True)
        assert alive() is None
    finally:
        gc.unfreeze()


def test_the_base_is_built_with_the_automatic_collector_off(knowledge: Path) -> None:
    """Its full collections on the way find nothing (every new object stays alive); in a reload
    thread each one held the event loop. The collector is back on afterwards, also on failure."""
    seen: list[bool] = []

    def build(folder: Path) -> Answerer:
        seen.append(gc.isenabled())
        return Answerer(load_knowledge(folder))

    def broken(folder: Path) -> Answerer:
        seen.append(gc.isenabled())
        raise KnowledgeError([])

    try:
        assert gc.isenabled()
        build_answerer(knowledge, None, build=build)
        assert seen == [False]
        assert gc.isenabled()
        with pytest.raises(KnowledgeError):
            build_answerer(knowledge, None, build=broken, reloading=True)
        assert seen == [False, False]
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_replaced_answerer_is_freed_without_the_cyclic_collector(knowledge: Path) -> None:
    """No reference cycle ties the answerer's matcher and interpreter (the bulk of a large base)
    together: dropped, they are freed at once, so a reload needs no full collection for them."""
    answerer = Answerer(load_knowledge(knowledge))
    answerer.answer(MESSAGES[0])
    matcher = weakref.ref(answerer.matcher)
    interpreter = weakref.ref(answerer.interpreter)
    gc.disable()
    try:
        del answerer
        assert matcher() is None
        assert interpreter() is None
    finally:
        gc.enable()


def test_a_cache_of_the_format_before_is_rebuilt(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    build = Counting()
    with monkeypatch.context() as before:  # a cache written by the code of the format before
        before.setattr(answer_cache, "FORMAT", b"backcare-answerer-cache 2")
        before.setattr(answer_cache, "_code_digest", None)
        build_answerer(knowledge, cache, build=build)
    monkeypatch.setattr(answer_cache, "_code_digest", None)
    rebuilt = build_answerer(knowledge, cache, build=build)
    assert build.calls == 2  # not read: built again, and written in this format
    assert build_answerer(knowledge, cache, build=build) is not rebuilt
    assert build.calls == 2
    assert _replies(rebuilt) == _replies(Answerer(load_knowledge(knowledge)))


def test_a_cached_answerer_holds_nothing_left_from_its_build(
    knowledge: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    build_answerer(knowledge, cache)
    cached = build_answerer(knowledge, cache)
    assert cached.matcher.take_base_terms() == {}  # handed to the interpreter, then dropped
