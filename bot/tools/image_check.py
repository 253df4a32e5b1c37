"""``kb check`` on the exercise pictures: a missing one is a warning, an unusable one an error.

Each exercise may have ``images/<id>.png`` (sent with its answer and shown in guided sessions).
Without one the bot still works, in words only (a knowledge folder with no ``images`` folder at
all is not warned about); one Telegram refuses (over 10 MB, or not a
PNG) would fail every send, so it is an error.
"""

from __future__ import annotations

from pathlib import Path

from bot.core.knowledge import KnowledgeBase, Problem

__all__ = ["MAX_BYTES", "SLOW_BYTES", "image_problems"]

MAX_BYTES = 10 * 1024 * 1024  # Telegram's limit for a photo sent by upload
SLOW_BYTES = 1024 * 1024  # larger is slow to send on a phone's connection
_PNG = b"\x89PNG\r\n\x1a\n"


def image_problems(kb: KnowledgeBase) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) about the pictures of the exercises."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    if not (kb.directory / "images").is_dir():
        return errors, warnings  # a knowledge base without pictures: words only, by choice
    for entry in kb.exercises():
        path = kb.directory / "images" / f"{entry.id}.png"
        label = str(path.relative_to(kb.directory.parent))
        if not path.is_file():
            warnings.append(
                Problem(
                    label,
                    None,
                    f"the exercise '{entry.id}' has no picture; it is sent in words only.",
                    "draw one with python scripts/draw_exercise_images.py, or add your own PNG.",
                    entry.id,
                )
            )
            continue
        size = path.stat().st_size
        if size > MAX_BYTES or not _is_png(path):
            why = "is over 10 MB" if size > MAX_BYTES else "is not a PNG picture"
            errors.append(
                Problem(label, None, f"{why}; Telegram would refuse it.", _HINT, entry.id)
            )
        elif size > SLOW_BYTES:
            warnings.append(
                Problem(
                    label,
                    None,
                    f"is {size / 1024 / 1024:.1f} MB, slow to send on a phone.",
                    _HINT,
                    entry.id,
                )
            )
    return errors, warnings


_HINT = "save it as a PNG about 1080 px wide and under 150 KB."


def _is_png(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(_PNG)) == _PNG
