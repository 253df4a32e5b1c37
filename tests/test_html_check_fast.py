"""``check_html`` skips the HTML parser for texts with no tag and no character reference; what it
returns for them is exactly what the parser gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.core.knowledge import load_knowledge
from bot.core.knowledge.html_check import _HtmlChecker, check_html

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


def _parsed(text: str) -> tuple[str, list[str]]:
    """The parser's way (what ``check_html`` did for every text)."""
    checker = _HtmlChecker()
    checker.feed(text)
    checker.close()
    for tag in reversed(checker.stack):
        checker.errors.append(f"the tag <{tag}> is never closed (add </{tag}>)")
        checker.out.append(f"</{tag}>")
    return "".join(checker.out), checker.errors


def _texts() -> list[str]:
    kb = load_knowledge(KNOWLEDGE)
    found = [text for entry in kb.entries.values() for text in (entry.answer, *entry.steps)]
    found += list(kb.texts.values())
    rng = random.Random(12)
    alphabet = "ab >\"'\n\r\t;=/!?-é😀\x00x"
    found += ["".join(rng.choices(alphabet, k=rng.randint(0, 40))) for _ in range(2000)]
    return found


@pytest.mark.parametrize("with_markup", [False, True])
def test_the_shortcut_gives_what_the_parser_gives(with_markup: bool) -> None:
    texts = _texts()
    plain = [t for t in texts if "<" not in t and "&" not in t]
    assert len(plain) > 1000
    chosen = [t for t in texts if t not in plain] if with_markup else plain
    for text in chosen:
        assert check_html(text) == _parsed(text), text
