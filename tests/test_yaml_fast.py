"""libyaml (CSafeLoader) reads knowledge files into the same node trees as PyYAML's own parser."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core.knowledge.yaml_reader import fast_compose

ROOT = Path(__file__).resolve().parent.parent
TRICKY = [
    "a: no\nb: 'yes'\nc: 1:30\nd: |\n  kept\n  text\ne: >\n  folded\nf: [1, two, 'x']\n",
    "- &one {a: 1}\n- *one\n- ~\n- 2024-01-01\n- !!str 3\n",
    "text: \"caf\\u00e9 \\t tab\"\nempty:\nlist:\n  -\n  - ''\n",
    "# only a comment\n",
    # Every kind of first character, plain and quoted (the loader's shortcut for tags).
    "".join(
        f"- {start}{rest}\n- '{start}{rest}'\n"
        for start in "abnNoOtTyYfF0189+-.~=<!&*_ "
        for rest in ("", "o", "es", "ff", "rue", "ull", ".5", ":30", "1-01-01")
        if ((start + rest).strip() and start not in "!&*") or rest == "es"
    ),
]


def _tree(node: yaml.Node | None) -> object:
    if node is None:
        return None
    where = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.style, where)
    if isinstance(node, yaml.SequenceNode):
        return ("seq", node.tag, node.flow_style, where, [_tree(n) for n in node.value])
    assert isinstance(node, yaml.MappingNode)
    pairs = [(_tree(k), _tree(v)) for k, v in node.value]
    return ("map", node.tag, node.flow_style, where, pairs)


def _sources() -> list[str]:
    files = sorted((ROOT / "knowledge").rglob("*.yaml"))
    return [path.read_text(encoding="utf-8") for path in files] + TRICKY


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML built without libyaml")
@pytest.mark.parametrize("content", _sources())
def test_libyaml_gives_the_same_tree_as_pyyaml(content: str) -> None:
    assert _tree(fast_compose(content)) == _tree(yaml.compose(content, Loader=yaml.SafeLoader))


@pytest.mark.parametrize("content", ["a: [1, 2\n", "a:\n\t- b\n", "[" * 5000 + "]" * 5000])
def test_invalid_yaml_is_left_to_pyyaml_to_explain(content: str) -> None:
    assert fast_compose(content) is None


def test_an_anchor_inside_itself_does_not_loop() -> None:
    node = fast_compose("&a [*a]\n") if hasattr(yaml, "CSafeLoader") else None
    assert node is None or isinstance(node, yaml.SequenceNode)
