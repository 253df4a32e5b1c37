"""Hostile or accidental YAML that must become one plain problem, never a crash or a memory hog.

A 20,000-deep nested list made PyYAML's recursive composer raise RecursionError: the hot reload
watcher died and ``kb check`` printed a 3,000-line traceback. A 20 MB file took ~50 s of CPU and
over 500 MB of memory to parse before it was rejected. Both are now reported as one problem
naming the file, like any other mistake.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.core.knowledge.yaml_reader import MAX_FILE_BYTES
from tests.e2e import ROOT
from tests.kb_factory import write_kb

DEEP = "deep: " + "[" * 20_000 + "]" * 20_000 + "\n"


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return [str(problem) for problem in caught.value.problems]


def test_a_deeply_nested_list_is_one_problem_not_a_recursion_error(tmp_path: Path) -> None:
    directory = write_kb(tmp_path / "kb", {"entries/deep.yaml": DEEP})
    problems = problems_of(directory)
    assert len(problems) == 1, problems
    assert "entries/deep.yaml" in problems[0]
    assert "nested too deeply" in problems[0]


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    big = "questions:\n" + '  - "a question about hip flexors"\n' * (MAX_FILE_BYTES // 30)
    assert len(big.encode()) > MAX_FILE_BYTES
    directory = write_kb(tmp_path / "kb", {"entries/big.yaml": big})
    problems = problems_of(directory)
    assert len(problems) == 1, problems
    assert "entries/big.yaml" in problems[0]
    assert "too large" in problems[0]
    assert "split it" in problems[0]


def test_the_real_knowledge_files_are_far_below_the_limit() -> None:
    sizes = [path.stat().st_size for path in (ROOT / "knowledge").rglob("*.yaml")]
    assert max(sizes) * 10 < MAX_FILE_BYTES  # a tenfold margin for maintainers


def test_kb_check_reports_deep_nesting_in_a_few_lines(tmp_path: Path) -> None:
    directory = write_kb(tmp_path / "kb", {"entries/deep.yaml": DEEP})
    result = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", str(directory)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "nested too deeply" in output
    assert len(output.splitlines()) < 20, output
