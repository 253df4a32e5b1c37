"""Telegram's HTML subset: check what maintainers write, escape stray characters for them."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import yaml

from bot.core.knowledge.yaml_reader import Reader

__all__ = ["ALLOWED_TAGS", "check_html", "html_field", "parse_html"]

ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote"}
)


class _HtmlChecker(HTMLParser):
    """Re-serialises Telegram's HTML subset, escaping stray characters and noting bad tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            advice = " (use a new line instead)" if tag in {"br", "p", "div"} else ""
            self.errors.append(f"the tag <{tag}> is not supported by Telegram{advice}")
            return
        if tag == "a":
            href = dict(attrs).get("href")
            if not href:
                self.errors.append('a link <a> needs href="https://..."')
                return
            self.out.append(f'<a href="{escape(href, quote=True)}">')
        else:
            self.out.append(f"<{tag}>")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        advice = " (use a new line instead)" if tag in {"br", "p"} else ""
        self.errors.append(f"the tag <{tag}/> is not supported by Telegram{advice}")

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"the closing tag </{tag}> is not supported by Telegram")
            return
        if not self.stack or self.stack[-1] != tag:
            opened = f"<{self.stack[-1]}> is still open" if self.stack else "nothing is open"
            self.errors.append(f"the closing tag </{tag}> does not match ({opened})")
            return
        self.stack.pop()
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))


# Text with only plain tags: no ``&``, no stray ``<`` or ``>``, tags written ``<b>`` / ``</b>``.
_PLAIN_TAGS = re.compile(r"[^<>&]*(?:</?[a-z]+>[^<>&]*)*")
_TAG = re.compile(r"<(/?)([a-z]+)>")
_PLAIN_ALLOWED = ALLOWED_TAGS - {"a"}  # a link needs its href checked: the parser does that


def check_html(text: str) -> tuple[str, list[str]]:
    """Return ``text`` as safe Telegram HTML and a list of plain-words problems with its tags.

    Stray ``<``, ``>`` and ``&`` are escaped for the author; only real tag mistakes are problems.
    """
    if "<" not in text and "&" not in text:
        # No tag and no character reference: the parser would hand the whole text to
        # ``handle_data`` (most texts of a large base; the parser costs ~50 us a text).
        return text.replace(">", "&gt;"), []
    if _well_formed(text):
        # Allowed tags, each closed in order, and text that needs no escaping: the parser
        # would write it back as it is (most answers: "<b>...</b>").
        return text, []
    return parse_html(text)


def parse_html(text: str) -> tuple[str, list[str]]:
    """``check_html`` through the parser, for any text (its shortcuts are tested against it)."""
    checker = _HtmlChecker()
    checker.feed(text)
    checker.close()  # hands any unfinished "<..." at the end to handle_data, so nothing is lost
    for tag in reversed(checker.stack):
        checker.errors.append(f"the tag <{tag}> is never closed (add </{tag}>)")
        checker.out.append(f"</{tag}>")
    return "".join(checker.out), checker.errors


def _well_formed(text: str) -> bool:
    """Whether ``text`` is plain text and allowed tags without attributes, properly nested."""
    if _PLAIN_TAGS.fullmatch(text) is None:
        return False
    stack: list[str] = []
    for closing, tag in _TAG.findall(text):
        if tag not in _PLAIN_ALLOWED:
            return False
        if not closing:
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            return False
    return not stack


def html_field(reader: Reader, node: yaml.Node, key: str, value: str) -> str:
    html, errors = check_html(value)
    for error in errors:
        reader.error(
            node, f"{error}.", "only <b>, <i>, <u>, <s>, <a href>, <code> are allowed.", key
        )
    return html
