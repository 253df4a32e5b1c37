"""Imports point inward, layer by layer, and the folders show the layers.

    core  <-  storage  <-  services  <-  edge  <-  app, cli
    core  <-  storage  <-  tools

``bot/core`` imports nothing from Telegram, no database driver and no other layer; ``storage``
and ``services`` know nothing of Telegram; handlers never import the composition root. Relative
imports are rejected outright, so no import can slip across a layer unnoticed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot"

# What each layer may import from the bot's own package (besides itself).
ALLOWED: dict[str, tuple[str, ...]] = {
    "core": ("bot.core",),
    "storage": ("bot.core", "bot.storage"),
    "services": ("bot.core", "bot.storage", "bot.services"),
    "tools": ("bot.core", "bot.storage", "bot.tools"),
    "edge": ("bot.core", "bot.storage", "bot.services", "bot.edge", "bot.config"),
}
# Third-party packages a layer must not touch.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "core": (
        "telegram",
        "aiosqlite",
        "sqlite3",
        "asyncpg",
        "httpx",
        "pydantic_settings",
        "watchfiles",
    ),
    "storage": ("telegram", "httpx"),
    "services": ("telegram", "httpx"),
    "tools": ("telegram", "httpx"),
}


def imports(path: Path) -> tuple[set[str], list[int]]:
    """Every module a file imports at any depth, and the lines of its relative imports."""
    names: set[str] = set()
    relative: list[int] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                relative.append(node.lineno)
            elif node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names, relative


def layer_files(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def test_every_module_belongs_to_a_layer_or_the_top() -> None:
    top = {p.name for p in PACKAGE.glob("*.py")}
    assert top <= {"__init__.py", "__main__.py", "app.py", "cli.py", "config.py", "logs.py"}
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == set(ALLOWED)


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_point_inward(layer: str) -> None:
    files = layer_files(layer)
    assert files, f"bot/{layer} is empty"
    for path in files:
        names, relative = imports(path)
        where = path.relative_to(ROOT)
        assert not relative, f"{where}: relative import on line(s) {relative}; import bot.… instead"
        own = {n for n in names if n == "bot" or n.startswith("bot.")}
        bad = {n for n in own if not n.startswith(ALLOWED[layer])}
        assert not bad, f"{where} ({layer}) imports {sorted(bad)}"
        third = {n for n in names if n.split(".")[0] in FORBIDDEN.get(layer, ())}
        assert not third, f"{where} ({layer}) imports {sorted(third)}"


HANDLERS = PACKAGE / "edge" / "handlers"


def test_handlers_do_not_import_the_root() -> None:
    for path in sorted(HANDLERS.glob("*.py")):
        names, _ = imports(path)
        root = {n for n in names if n.startswith(("bot.app", "bot.cli"))}
        assert not root, f"handlers/{path.name} imports {root}"


def is_handler_import(name: str) -> bool:
    """``bot.edge.handlers`` itself (it imports them all) or any module in it."""
    return name == "bot.edge.handlers" or name.startswith("bot.edge.handlers.")


def test_no_handler_module_imports_another() -> None:
    """Handlers share Telegram helpers through bot/edge (e.g. replying.py) and logic through
    the core or a service, never by importing each other; only the package's ``__init__``
    (the registry) imports them, and nothing else in the edge does."""
    modules = sorted(HANDLERS.glob("*.py"))
    assert len(modules) > 2
    for path in modules:
        if path.name == "__init__.py":
            continue
        names, _ = imports(path)
        found = sorted(n for n in names if is_handler_import(n))
        assert not found, f"handlers/{path.name} imports {found}"
    for path in sorted((PACKAGE / "edge").glob("*.py")):
        names, _ = imports(path)
        found = sorted(n for n in names if is_handler_import(n))
        assert not found, f"edge/{path.name} imports the handlers: {found}"


def test_the_handler_import_check_sees_every_form(tmp_path: Path) -> None:
    """The check above would catch each way of writing such an import."""
    for line in (
        "from bot.edge.handlers import questions",
        "from bot.edge.handlers.reminders import edit",
        "import bot.edge.handlers.groups",
        "def f():\n    from bot.edge.handlers import privacy",
    ):
        path = tmp_path / "module.py"
        path.write_text(line + "\n", encoding="utf-8")
        names, _ = imports(path)
        assert any(is_handler_import(n) for n in names), line


def test_readme_describes_every_package() -> None:
    """README's layout tree names exactly the packages that exist (so it cannot drift)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- layout -->", 2)
    assert len(block) == 3, "README.md needs a layout block between two <!-- layout --> marks"
    listed = set(re.findall(r"(bot(?:/[a-z_]+)*)/\s", block[1]))
    actual = {
        str(p.relative_to(ROOT))
        for p in [PACKAGE, *PACKAGE.rglob("*")]
        if (p / "__init__.py").exists()
    }
    assert listed == actual
