"""Rendering: HTML within Telegram's limit, buttons within callback-data limits."""

from __future__ import annotations

import pytest

from bot.core.replies import MESSAGE_LIMIT, Button, split_message, to_plain


def test_short_message_is_one_part() -> None:
    assert split_message("<b>Hi</b>") == ["<b>Hi</b>"]


def test_long_message_splits_between_paragraphs_with_balanced_tags() -> None:
    paragraph = "<b>Step</b> " + "stretch gently " * 40
    html = "\n\n".join([paragraph] * 20)
    parts = split_message(html)
    assert len(parts) > 1
    assert all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert all(part.count("<b>") == part.count("</b>") for part in parts)
    assert to_plain("".join(parts)).count("Step") == 20


def test_single_huge_paragraph_is_cut_safely() -> None:
    html = "a &amp; b " * 1000
    parts = split_message(html)
    assert all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert all(part.count("&amp;") == part.count("&") for part in parts)


def test_button_data_limits() -> None:
    assert Button("ok", data="e:pigeon-pose").data == "e:pigeon-pose"
    with pytest.raises(ValueError, match="64 bytes"):
        Button("too long", data="e:" + "x" * 70)
    with pytest.raises(ValueError, match="exactly one"):
        Button("neither")
