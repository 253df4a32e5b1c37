"""Start-up from a cached, already analysed knowledge base, so a large base starts in seconds.

Loading and validating the YAML and analysing it (matcher index, red-flag screen, interpreter)
costs about 0.55 ms of CPU per entry: 2.7-3.1 s at 5,000 entries, 11-12 s at 20,000 (reading
it from here: 0.6-0.8 s and 2.3-2.6 s). The finished ``Answerer`` is pure data, so it is pickled
once into the bot's own cache folder and loaded from there while nothing has changed.

- **Never stale.** The file starts with a key: the SHA-256 of the bytes of every file in the
  knowledge folder (and their names), of every source file of ``bot/core`` (the classes that are
  pickled and the code that analysed them), of the Python version and of the folder's path. The
  key is recomputed on every start and every hot reload (reading the files costs far less than
  parsing them); a different key means the YAML is loaded and validated again, as without a
  cache, and the cache is rewritten.
- **Never an error for the user.** A cache that cannot be read, written or unpickled is logged
  and ignored; the knowledge base is built from the YAML instead. Only a valid knowledge base is
  ever cached (an invalid one raises before), so a hit is a base that passed validation.
- **Whose pickle.** Unpickling runs code named in the file, so only the bot's own files are read:
  the folder is created with mode 0700 and is used only if it belongs to this user and nobody else
  can write to it; the file is written under a temporary name with mode 0600 and renamed into
  place. Anyone who can write there can already change the bot's code.

The folder is ``$BACKCARE_CACHE_DIR`` if set (empty or ``off``: no cache), else
``$XDG_CACHE_HOME/backcare-bot``, else ``~/.cache/backcare-bot``.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from bot.core.answering.answerer import Answerer
from bot.core.knowledge import load_knowledge

log = logging.getLogger(__name__)

FORMAT = b"backcare-answerer-cache 3"  # change when the file's layout changes (3: TermModel)
ENV = "BACKCARE_CACHE_DIR"
_CORE = Path(__file__).resolve().parent.parent / "core"
_code_digest: bytes | None = None


def default_cache_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """Where the cache lives (None: switched off)."""
    if ENV in environ:
        chosen = environ[ENV].strip()
        return None if chosen.lower() in {"", "off", "0", "none"} else Path(chosen)
    base = environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "backcare-bot"


def _code() -> bytes:
    """The digest of the code whose objects are pickled (computed once per process)."""
    global _code_digest
    if _code_digest is None:
        digest = hashlib.sha256(FORMAT)
        digest.update(sys.version.encode())
        for path in sorted(_CORE.rglob("*.py")):
            digest.update(str(path.relative_to(_CORE)).encode() + b"\0")
            digest.update(path.read_bytes())
        _code_digest = digest.digest()
    return _code_digest


def cache_key(directory: Path) -> str:
    """SHA-256 of the knowledge folder's files (names and bytes), its path and the code."""
    digest = hashlib.sha256(_code())
    root = directory.resolve()
    digest.update(str(root).encode() + b"\0")
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _file_for(cache_dir: Path, directory: Path) -> Path:
    """One file per knowledge folder, overwritten when the folder changes (no pile of old ones)."""
    name = hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:16]
    return cache_dir / f"answerer-{name}.pickle"


def _own_folder(cache_dir: Path) -> bool:
    """Create the folder (0700) and check that it is ours alone; False (logged) otherwise."""
    cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    found = cache_dir.stat()
    if found.st_uid != os.getuid() or found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        log.warning(
            "not using the knowledge cache in %s: it must belong to this user and be writable "
            "by nobody else (chmod 700 it, or set %s)",
            cache_dir,
            ENV,
        )
        return False
    return True


def _read(file: Path, key: str) -> Answerer | None:
    with file.open("rb") as stream:
        if stream.readline().rstrip(b"\n") != key.encode():
            return None  # the knowledge or the code changed since: build again
        collecting = gc.isenabled()
        gc.disable()  # a million new objects, none of them garbage: 3-4x faster without the GC
        try:
            answerer = pickle.load(stream)  # noqa: S301 (the bot's own file, see the docstring)
        finally:
            if collecting:
                gc.enable()
    if not isinstance(answerer, Answerer):
        raise TypeError(f"holds a {type(answerer).__name__}")
    return answerer


def _write(file: Path, key: str, answerer: Answerer) -> None:
    handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=".answerer-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:  # mkstemp: mode 0600
            stream.write(key.encode() + b"\n")
            pickle.dump(answerer, stream, protocol=pickle.HIGHEST_PROTOCOL)
        Path(temporary).replace(file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build_answerer(
    directory: Path | str,
    cache_dir: Path | None = None,
    *,
    build: Callable[[Path], Answerer] = lambda folder: Answerer(load_knowledge(folder)),
    reloading: bool = False,
) -> Answerer:
    """The answerer for a knowledge folder, from the cache when it is current.

    Raises ``KnowledgeError`` for an invalid knowledge base, exactly as loading it would; any
    problem with the cache itself is logged and the folder is loaded as if there were none.

    The answerer's objects are then moved out of the garbage collector's sight
    (``gc.freeze``): they live until the next reload, and at 20,000 entries one full collection
    over them blocked answering for over a second. ``reloading``: first let the collector see
    the older frozen objects again and collect them (garbage frozen with the base before; the
    answerer in use now has no reference cycles, so it is freed as soon as it is replaced),
    so a reload never leaks. That collection runs before the new base exists, so it does not
    scan it too.

    The automatic collector is off while the base is built: the hundreds of thousands of
    objects it creates all stay alive, so its full collections on the way found nothing and
    cost a fifth of a cold start; on a reload (in a worker thread) each held the event loop
    for a third of a second at 5,000 entries.
    """
    if reloading:
        gc.unfreeze()
        gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        answerer = _answerer(Path(directory), cache_dir, build)
    finally:
        if collecting:
            gc.enable()
    gc.freeze()
    return answerer


def _answerer(
    directory: Path, cache_dir: Path | None, build: Callable[[Path], Answerer]
) -> Answerer:
    if cache_dir is None:
        return build(directory)
    file = _file_for(cache_dir, directory)
    try:
        key = cache_key(directory)
        usable = _own_folder(cache_dir)
    except OSError as error:
        log.warning("knowledge cache not used (%s); loading the YAML", error)
        return build(directory)
    if usable and file.exists():
        try:
            cached = _read(file, key)
        except Exception as error:  # corrupt, truncated, other code: rebuild
            log.warning("knowledge cache %s unreadable (%s); rebuilding it", file, error)
        else:
            if cached is not None:
                return cached
    answerer = build(directory)  # KnowledgeError for an invalid base: nothing is cached
    if usable:
        try:
            if cache_key(directory) == key:  # not edited while it was loading
                _write(file, key, answerer)
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as error:
            log.warning("could not write the knowledge cache %s (%s)", file, error)
    return answerer
