"""The maintainer's command line: every command, on good and deliberately broken knowledge bases."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.core.knowledge import load_knowledge
from bot.core.records import Unanswered
from bot.storage import Store
from bot.tools.report import build_report, group_questions
from tests.kb_factory import SITTING, write_kb

ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_every_command_has_help_and_is_documented(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    subcommands = next(
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    ).choices
    docs = (ROOT / "README.md").read_text() + (ROOT / "knowledge" / "README.md").read_text()
    assert set(subcommands) >= {"run", "ask", "chat", "kb", "eval", "report"}
    for name, sub in subcommands.items():
        assert sub.description, name
        with pytest.raises(SystemExit) as exited:
            main([name, "--help"])
        assert exited.value.code == 0
        assert "usage:" in capsys.readouterr().out
        assert f"python -m bot {name}" in docs, f"{name} is not documented"
    with pytest.raises(SystemExit):
        main(["kb", "check", "--help"])
    assert "usage:" in capsys.readouterr().out


def test_kb_check_good(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_kb(tmp_path / "kb")
    code, out = run(capsys, "kb", "check", str(tmp_path / "kb"))
    assert code == 0
    assert out.strip() == f"{tmp_path / 'kb'}: OK, 2 entries, 8 phrasings, 0 warning(s)."


def test_kb_check_real_knowledge_base(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "kb", "check", str(ROOT / "knowledge"))
    assert code == 0, out
    assert "OK, 13 entries" in out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("title: Sitting all day", "title: [Sitting all day"),
            "ERROR   kb/entries/sitting.yaml:4: the YAML is not valid here (expected ',' or ']', "
            "but got ':'). Fix: check the indentation, and put text that contains ': ' or starts "
            "with a special character (* & ! % @ ` [ {) in quotes.",
        ),
        (
            ("summary: Prolonged sitting shortens the hip flexors.\n", ""),
            "ERROR   kb/entries/sitting.yaml:2: entry 'sitting', field 'summary': the required "
            "field 'summary' is missing. Fix: see knowledge/README.md.",
        ),
        (
            ("keywords:", "keywrds:"),
            "ERROR   kb/entries/sitting.yaml:14: entry 'sitting', field 'keywrds': unknown field "
            "'keywrds'. Fix: did you mean 'keywords'?",
        ),
        (
            ("  - pigeon-pose\n", "  - pigeon-pos\n"),
            "ERROR   kb/entries/sitting.yaml:17: entry 'sitting', field 'related': links to "
            "'pigeon-pos', which does not exist. Fix: did you mean 'pigeon-pose'?",
        ),
        (
            ("  - sitting for hours and hip flexors", "  - where does my knee go in pigeon pose"),
            "ERROR   kb/entries/sitting.yaml:12: entry 'sitting', field 'questions': the phrasing "
            "'where does my knee go in pigeon pose' matches 'pigeon-pose' (score 94, via 'where "
            "does my knee go in pigeon') better than its own entry (score 45), so people asking it "
            "get the wrong answer. Fix: reword it with words specific to 'sitting', or move it to "
            "'pigeon-pose' if it belongs there.",
        ),
    ],
)
def test_kb_check_broken(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: tuple[str, str],
    expected: str,
) -> None:
    write_kb(tmp_path / "kb", {"entries/sitting.yaml": SITTING.replace(*change)})
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "kb", "check", "kb")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == expected
    assert lines[-1].startswith("kb: ") and "to fix; the bot will not start." in lines[-1]


def test_kb_check_duplicate_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_kb(tmp_path / "kb", {"entries/sitting.yml": SITTING})
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "kb", "check", "kb")
    assert code == 1
    assert out.splitlines()[0] == (
        "ERROR   kb/entries/sitting.yml: entry 'sitting', field 'id': the id 'sitting' is already "
        "used by kb/entries/sitting.yaml. Fix: give each entry its own id."
    )


def test_kb_check_yaml_traps_warn_and_strict_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    trap = SITTING.replace("  - sitting for hours and hip flexors", "  - no\n  - 1:30")
    write_kb(tmp_path / "kb", {"entries/sitting.yaml": trap})
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "kb", "check", "kb")
    assert code == 0
    assert out.splitlines()[0] == (
        "WARNING kb/entries/sitting.yaml:12: entry 'sitting', field 'questions[4]': 'no' is not "
        "in quotes; many YAML readers take it as a yes/no value. The bot reads it as the text you "
        'wrote. Fix: write it in quotes: "no".'
    )
    assert run(capsys, "kb", "check", "kb", "--strict")[0] == 1


def test_ask_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "ask", "--explain", "how", "long", "do", "I", "hold", "pigeon", "pose")
    assert code == 0
    assert "Start in a plank position" in out
    assert "safety: no red flag" in out
    assert "band: confident" in out
    assert "1. pigeon-pose (knowledge/entries/pigeon-pose.yaml) score" in out
    assert "closest phrasing:" in out
    code, out = run(capsys, "ask", "--explain", "I can't control my bladder and my back hurts")
    assert "safety: ALARM" in out
    assert "mention: bladder-bowel 'can not control my bladder'" in out
    assert "knowledge/red_flags/flags.yaml:" in out
    assert "-> present: no trigger rules it out" in out
    assert "urgent" in out.lower()
    code, out = run(capsys, "ask", "--explain", "no fever but i can't pee")
    assert "mention: fever-infection 'fever'" in out
    assert "-> negated: trigger 'no' (negated) [knowledge/red_flags/context.yaml:" in out
    assert "mention: bladder-bowel 'can not pee'" in out


def test_ask_works_without_a_token_as_a_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "what are hip flexors"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "iliopsoas" in result.stdout.lower()


def test_chat_session(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("/exercises\n2\nhaha\n/quit\n"))
    code, out = run(capsys, "chat")
    assert code == 0
    assert "[1] Hip flexor stretch" in out
    assert "Start in a plank position" in out  # button 2 is Pigeon
    assert "not sure" in out.lower()


def test_eval_simple_file_with_history_and_threshold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "mine.yaml"
    questions.write_text(
        "- question: how do i do pigeon pose\n  expect: pigeon-pose\n"
        "- question: what's the capital of france\n  expect: fallback\n"
        "- question: i cannot control my bladder\n  expect: urgent\n"
        "- question: how do i do pigeon pose please\n  expect: bridge-pose\n"
    )
    code, out = run(capsys, "eval", str(questions))
    assert code == 0
    assert "pigeon-pose" in out and "1/1 (100%)" in out
    assert "expected bridge-pose, got answer pigeon-pose: 'how do i do pigeon pose please'" in out
    assert "Overall: 75.0% of 4 questions." in out
    history = json.loads((tmp_path / "mine.last.json").read_text())
    assert history["how do i do pigeon pose"] is True

    questions.write_text(
        questions.read_text().replace("expect: bridge-pose", "expect: pigeon-pose")
    )
    code, out = run(capsys, "eval", str(questions), "--min-accuracy", "90")
    assert code == 0
    assert "Compared with the previous run: 3 -> 4 passed." in out
    assert "now passes: 'how do i do pigeon pose please'" in out
    questions.write_text(questions.read_text().replace("expect: fallback", "expect: pigeon-pose"))
    code, out = run(capsys, "eval", str(questions), "--min-accuracy", "90")
    assert code == 1
    assert 'NOW FAILS:  "what\'s the capital of france"' in out


def test_eval_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- question: only a question\n")
    code, out = run(capsys, "eval", str(bad))
    assert code == 1
    assert "item 1 needs 'question' and 'expect'" in out


def test_report_groups_questions_and_suggests_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "bot.sqlite3"
    now = datetime.now(UTC)

    async def seed() -> None:
        async with Store.open(database) as store:
            for text in (
                "can I do pigeon when pregnant",
                "can i do pigeon pose when pregnant?",
                "pigeon while pregnant ok?",
                "best mattress for back pain",
            ):
                await store.record_unanswered(text, "fallback", None, now)
            await store.record_unanswered(
                "old question", "fallback", None, now - timedelta(days=200)
            )
            await store.record_unanswered("how do i do pigeon", "not_helpful", "pigeon-pose", now)

    asyncio.run(seed())
    monkeypatch.setenv("DATABASE_PATH", str(database))
    code, out = run(capsys, "report")
    assert code == 0
    assert "Questions the bot could not answer in the last 90 days: 4 (2 groups" in out
    assert "1. asked 3x:" in out
    assert "closest entry: pigeon-pose" in out
    assert '  - "can I do pigeon when pregnant"' in out
    assert "old question" not in out
    assert "pigeon-pose (knowledge/entries/pigeon-pose.yaml): 1x" in out

    async def remaining() -> list[Unanswered]:
        async with Store.open(database) as store:
            return await store.unanswered_since(now - timedelta(days=365))

    assert all(row.text != "old question" for row in asyncio.run(remaining()))


def test_grouping_keeps_different_questions_apart() -> None:
    now = datetime.now(UTC)
    rows = [
        Unanswered(1, "is swimming good for back pain", "fallback", None, now),
        Unanswered(2, "swimming good for my back?", "fallback", None, now),
        Unanswered(3, "what mattress should i buy", "fallback", None, now),
    ]
    groups = group_questions(rows)
    assert [g.size for g in groups] == [2, 1]
    kb = load_knowledge(ROOT / "knowledge")
    text = build_report(kb, rows, 30)
    assert "2 groups" in text
