"""``check_html`` skips the HTML parser for texts with no tag and no character reference, and for
plain, well-nested tags; what it returns for them is exactly what the parser gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.knowledge import load_knowledge
from bot.core.knowledge.html_check import check_html, parse_html

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


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
        assert check_html(text) == parse_html(text), text


_HTML_PIECES = ["a", " ", "\n", "<", ">", "&", "&amp;", "<b>", "</b>", "<i>", "</i>", "<pre>"]
_HTML_PIECES += ["</pre>", "<a>", "</a>", "<br>", "<B>", "</ b>", "<span>", "</span>", "<b/>"]


@given(st.lists(st.sampled_from(_HTML_PIECES), max_size=12).map("".join))
def test_html_with_plain_tags_is_checked_as_the_parser_checks_it(text: str) -> None:
    assert check_html(text) == parse_html(text)
