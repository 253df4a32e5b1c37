"""libyaml (CSafeLoader) reads knowledge files into the same node trees as PyYAML's own parser
(a plain scalar's style aside: "" there, None here; ``trap_kind`` reads both as plain)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

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
    if isinstance(node, yaml.ScalarNode):  # (a plain scalar's style: "" from libyaml)
        if node.value == "" and node.tag.endswith(":null"):
            # An empty value has no text to point at: libyaml marks "[y: ]"'s one column later
            # than PyYAML, and an error message points at its key anyway.
            where = (node.start_mark.line, -1)
        return ("scalar", node.tag, node.value, node.style or None, where)
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


# Plain scalars that start as a YAML 1.1 type does (bool, null, numbers, dates) and often are
# only text ("nothing", "10 minutes", "on my back").
TYPED_PIECES = [*"yYnNoOtTfF0189+-._~:eEx ", "yes", "No", "true", "FALSE", "null", "Null", "on"]
TYPED_PIECES += ["OFF", "inf", ".nan", ".Inf", "0x1F", "0o17", "0b101", "1_000", "2024-01-01"]
TYPED_PIECES += ["12:30:00", "<<", "=", "thing", "minutes"]


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML built without libyaml")
@given(st.lists(st.sampled_from(TYPED_PIECES), min_size=1, max_size=4).map("".join))
def test_a_scalar_that_starts_as_a_type_gets_pyyamls_tag(value: str) -> None:
    content = f"- {value}\n- [{value}]\n"
    try:
        expected = _tree(yaml.compose(content, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return  # not YAML (PyYAML explains it, as ever)
    found = fast_compose(content)
    assert found is None or _tree(found) == expected  # (None: left to PyYAML, as above)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_a_file_is_read_as_read_text_reads_it(tmp_path: Path, ending: str) -> None:
    from bot.core.knowledge.yaml_reader import Reader, compose

    text = ending.join(["\ufeffid: a", "answer: |", "  two", "  lines", "list:", "  - x", ""])
    path = tmp_path / "a.yaml"
    path.write_bytes(text.encode("utf-8"))
    reader = Reader("a.yaml")
    expected = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    assert _tree(compose(path, "a.yaml", reader)) == _tree(expected)
    assert not reader.problems
    # A mistake is explained as in a file with plain line ends (the tab is in the indentation).
    path.write_bytes(ending.join(["id: a", "list:", "\t- x", ""]).encode("utf-8"))
    assert compose(path, "a.yaml", reader) is None
    assert [(p.line, p.message) for p in reader.problems] == [(3, "contains a tab character.")]


def test_a_file_that_cannot_be_read_is_one_plain_problem(tmp_path: Path) -> None:
    from bot.core.knowledge.yaml_reader import Reader, compose

    reader = Reader("x")
    for path in (tmp_path / "missing.yaml", tmp_path):  # no such file; a folder
        assert compose(path, "x", reader) is None
    messages = [problem.message for problem in reader.problems]
    assert messages == [
        "cannot be read (No such file or directory).",
        "cannot be read (Is a directory).",
    ]
