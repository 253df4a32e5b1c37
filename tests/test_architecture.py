"""Imports point inward: the core never imports Telegram, handlers, or the composition root."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "bot"
# The Telegram edge: everything else in bot/ is core and must stay free of `telegram`.
EDGE = {"app.py", "delivery.py", "cli.py", "__main__.py"}
OUTER = ("bot.handlers", "bot.app", "bot.delivery", "bot.cli")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def core_modules() -> list[Path]:
    return [path for path in sorted(PACKAGE.glob("*.py")) if path.name not in EDGE]


def test_core_modules_do_not_import_telegram() -> None:
    assert len(core_modules()) >= 10
    for path in core_modules():
        offending = {m for m in imported_modules(path) if m.split(".")[0] == "telegram"}
        assert not offending, f"{path.name} imports {offending}"


def test_core_modules_do_not_import_the_edge() -> None:
    for path in core_modules():
        offending = {m for m in imported_modules(path) if m.startswith(OUTER)}
        assert not offending, f"{path.name} imports {offending}"


def test_handlers_do_not_import_the_composition_root() -> None:
    for path in sorted((PACKAGE / "handlers").glob("*.py")):
        offending = {m for m in imported_modules(path) if m.startswith(("bot.app", "bot.cli"))}
        assert not offending, f"handlers/{path.name} imports {offending}"
