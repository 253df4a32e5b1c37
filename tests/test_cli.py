"""The maintainer's command line: every command, on good and deliberately broken knowledge bases."""

from __future__ import annotations

import argparse
import ast
import asyncio
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import _chat_reply, _Talk, build_parser, main
from bot.core.answering.answerer import Answerer
from bot.core.knowledge import fill, load_knowledge
from bot.core.records import Unanswered
from bot.core.replies import to_plain
from bot.storage import Store
from bot.storage.postgres import PostgresStore
from bot.tools.report import build_report, group_questions
from tests.kb_factory import SITTING, edited_last, write_kb
from tests.postgres_server import PostgresServer

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


def _readme_block(after: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split(after, 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]


@pytest.mark.skipif(
    not (ROOT / ".venv" / "bin" / "activate").exists(),
    reason="needs the project's .venv, as the README's install command makes it",
)
def test_the_readme_try_it_commands_work_in_a_new_terminal(tmp_path: Path) -> None:
    """A new terminal: nothing activated, only the system's PATH."""
    lines = _readme_block("Try it without Telegram or a token").splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("python -m bot ask"))
    result = subprocess.run(  # the lines up to the first command (one process is enough)
        ["bash", "-e", "-c", "\n".join(lines[: first + 1])],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Start in a plank position" in result.stdout


def _tests_that_skip_without_shared() -> set[str]:
    names = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                skips = [
                    call
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call)
                    and ast.unparse(call.func) == "pytest.skip"
                    and "../shared" in ast.unparse(call)
                ]
                if skips:
                    names.add(node.name)
    return names


def test_the_readme_names_the_tests_that_need_shared() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = next(part for part in readme.split("\n\n") if "../shared/eval" in part)
    named = set(re.findall(r"`(test_\w+)`", paragraph))
    assert named == _tests_that_skip_without_shared()
    assert "minute" in paragraph  # and how long the suite takes


def test_kb_check_good(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_kb(tmp_path / "kb")
    code, out = run(capsys, "kb", "check", str(tmp_path / "kb"))
    assert code == 0
    assert out.strip() == (
        f"{tmp_path / 'kb'}: OK, 2 entries, 8 phrasings, 0 test questions, 0 warning(s)."
    )


def test_kb_check_real_knowledge_base(capsys: pytest.CaptureFixture[str]) -> None:
    """The counts come from the knowledge base itself: adding a valid entry keeps this green."""
    kb = load_knowledge(ROOT / "knowledge")
    phrasings = sum(len(entry.questions) for entry in kb.entries.values())
    code, out = run(capsys, "kb", "check", str(ROOT / "knowledge"))
    assert code == 0, out
    assert f": OK, {len(kb.entries)} entries, {phrasings} phrasings, " in out
    assert len(kb.entries) == len(list((ROOT / "knowledge" / "entries").glob("*.yaml")))


def test_kb_check_counts_follow_a_new_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stairs = (
        "id: stairs\ntitle: Stairs\nsummary: Climbing stairs works the hip flexors.\n"
        "answer: Stairs work the hip flexors.\n"
        "questions:\n  - are stairs bad for hip flexors\n  - climbing stairs\n  - steps at home\n"
    )
    write_kb(tmp_path / "kb", {"entries/stairs.yaml": stairs})
    code, out = run(capsys, "kb", "check", str(tmp_path / "kb"))
    assert (code, out.strip()) == (
        0,
        f"{tmp_path / 'kb'}: OK, 3 entries, 11 phrasings, 0 test questions, 0 warning(s).",
    )


LOAD_SUMMARY = (
    "kb: 1 error: the bot will not start with this knowledge base, and a running bot keeps "
    "answering from its last good version. Conflicts between phrasings are looked for once the "
    "errors are fixed."
)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("title: Sitting all day", "title: [Sitting all day"),
            "ERROR    kb/entries/sitting.yaml:4: the YAML is not valid here (expected ',' or ']', "
            "but got ':'). Fix: check the indentation, and put text that contains ': ' or starts "
            "with a special character (* & ! % @ ` [ {) in quotes.",
        ),
        (
            ("summary: Prolonged sitting shortens the hip flexors.\n", ""),
            "ERROR    kb/entries/sitting.yaml:2: entry 'sitting', field 'summary': the required "
            "field 'summary' is missing. Fix: add 'summary:', one sentence, shown in lists and "
            "inline results (see knowledge/README.md).",
        ),
        (
            ("keywords:", "keywrds:"),
            "ERROR    kb/entries/sitting.yaml:13: entry 'sitting', field 'keywrds': unknown field "
            "'keywrds'. Fix: did you mean 'keywords'?",
        ),
        (
            ("  - pigeon-pose\n", "  - pigeon-pos\n"),
            "ERROR    kb/entries/sitting.yaml:17: entry 'sitting', field 'related': links to "
            "'pigeon-pos', which does not exist. Fix: did you mean 'pigeon-pose'?",
        ),
    ],
)
def test_kb_check_load_errors_say_the_bot_will_not_start(
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
    assert out.splitlines() == [expected, "", LOAD_SUMMARY]


CONFLICT_SUMMARY = (
    "kb: 1 conflict: the bot starts and answers, but people who ask as in these phrasings get "
    "another entry's answer (or an unsure reply)."
)


@pytest.mark.parametrize(
    ("edited", "expected"),
    [
        (
            "sitting",  # the maintainer added the phrasing to sitting
            "CONFLICT kb/entries/sitting.yaml:12: entry 'sitting', field 'questions': the phrasing "
            "'where does my knee go in pigeon pose' matches 'pigeon-pose' (score 94, via 'where "
            "does my knee go in pigeon' at kb/entries/pigeon-pose.yaml:17) better than its own "
            "entry (score 45), so people asking it get the wrong answer. Fix: reword it with words "
            "specific to 'sitting', or move it to 'pigeon-pose' if it belongs there.",
        ),
        (
            "pigeon-pose",  # pigeon-pose was edited last: its phrasing is the likely cause
            "CONFLICT kb/entries/pigeon-pose.yaml:17: entry 'pigeon-pose', field 'questions': the "
            "phrasing 'where does my knee go in pigeon' takes 'where does my knee go in pigeon "
            "pose' (kb/entries/sitting.yaml:12) away from its entry 'sitting': asked that way, "
            "people get this entry (score 94) instead of 'sitting' (score 45). Fix: reword 'where "
            "does my knee go in pigeon' with words specific to 'pigeon-pose', or move 'where does "
            "my knee go in pigeon pose' here if it belongs here.",
        ),
    ],
)
def test_kb_check_reports_a_conflict_once_at_the_edited_file_naming_both_phrasings(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    edited: str,
    expected: str,
) -> None:
    change = ("  - sitting for hours and hip flexors", "  - where does my knee go in pigeon pose")
    write_kb(tmp_path / "kb", {"entries/sitting.yaml": SITTING.replace(*change)})
    edited_last(tmp_path / "kb", f"entries/{edited}.yaml")
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "kb", "check", "kb")
    assert code == 1
    assert out.splitlines() == [expected, "", CONFLICT_SUMMARY]


def test_kb_check_duplicate_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_kb(tmp_path / "kb", {"entries/sitting.yml": SITTING})
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "kb", "check", "kb")
    assert code == 1
    assert out.splitlines() == [
        "ERROR    kb/entries/sitting.yml:2: entry 'sitting', field 'id': the id 'sitting' is "
        "already used by kb/entries/sitting.yaml. Fix: keep one of the two files (both are named "
        "sitting).",
        "",
        LOAD_SUMMARY,
    ]


def test_kb_check_yaml_traps_warn_and_strict_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    trap = SITTING.replace("  - sitting for hours and hip flexors", "  - no\n  - 1:30")
    write_kb(tmp_path / "kb", {"entries/sitting.yaml": trap})
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "kb", "check", "kb")
    assert code == 0
    assert out.splitlines()[0] == (
        "WARNING  kb/entries/sitting.yaml:12: entry 'sitting', field 'questions[4]': 'no' is not "
        "in quotes; many YAML readers take it as a yes/no value. The bot reads it as the text you "
        'wrote. Fix: write it in quotes: "no".'
    )
    assert out.splitlines()[-1] == "kb: OK, 2 entries, 9 phrasings, 0 test questions, 2 warning(s)."
    code, out = run(capsys, "kb", "check", "kb", "--strict")
    assert code == 1
    assert out.splitlines()[-1] == (
        "kb: 2 warnings: the bot reads these as written; other YAML tools may not. They fail the "
        "check only with --strict."
    )


QUESTIONS = """\
# My tests.
- question: how do i do pigeon pose
  expect: pigeon-pose
- question: what is the capital of france
  expect: fallback
- question: can sitting all day hurt my hips
  expect: siting
- question: i cannot control my bladder
  expect: urgnet
- question: no
  expect: sitting
- question: how long do I hold pigeon
  expcet: pigeon-pose
- question: is my desk bad for me
- pigeon pose
"""


def test_kb_check_flags_misspelt_expect_ids_in_the_question_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_kb(tmp_path / "kb", {"tests/mine.yaml": QUESTIONS})
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "kb", "check", "kb")
    assert code == 1
    assert out.splitlines() == [
        "TESTS    kb/tests/mine.yaml:7: field 'expect': 'siting' is not an entry id, fallback or "
        "urgent. Fix: did you mean 'sitting'?",
        "TESTS    kb/tests/mine.yaml:9: field 'expect': 'urgnet' is not an entry id, fallback or "
        "urgent. Fix: did you mean 'urgent'?",
        "TESTS    kb/tests/mine.yaml:10: field 'question': 'no' is not in quotes, so eval reads "
        'it as a yes/no value, not as this text. Fix: write it in quotes: "no".',
        "TESTS    kb/tests/mine.yaml:13: field 'expcet': unknown field 'expcet'. Fix: did you "
        "mean 'expect'?",
        "TESTS    kb/tests/mine.yaml:14: field 'expect': item 7 has no 'expect'. Fix: write "
        "'- question: ...' and, under it, 'expect: <entry id>', fallback or urgent.",
        "TESTS    kb/tests/mine.yaml:15: item 8 is not a question with its 'expect'. Fix: write "
        "'- question: ...' and, under it, 'expect: <entry id>', fallback or urgent.",
        "",
        "kb: 6 problems in the question files of tests/: the bot is not affected, but eval and "
        "the automated tests cannot run those questions as written.",
    ]


def test_kb_check_reports_a_question_file_of_another_shape_without_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_kb(
        tmp_path / "kb",
        {
            "tests/conversations.yaml": "- say: hi\n  then: [greeting]\n",
            "tests/empty.yaml": "# nothing yet\n",
            "tests/phrasings.yaml": "- question: how do i do pigeon pose\n  expect: pigeon-pose\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "kb", "check", "kb")
    shape = (
        "not checked: kb check knows question files (a list of '- question: ...' with "
        "'expect: ...'), and this file has another shape."
    )
    assert out.splitlines() == [
        "TESTS    kb/tests/empty.yaml: is empty. Fix: see knowledge/README.md.",
        f"NOTE     kb/tests/conversations.yaml: {shape}",
        "",
        "kb: 1 problem in the question files of tests/: the bot is not affected, but eval and "
        "the automated tests cannot run those questions as written.",
    ]
    assert code == 1
    (tmp_path / "kb" / "tests" / "empty.yaml").unlink()
    code, out = run(capsys, "kb", "check", "kb")
    assert code == 0
    assert out.splitlines()[-1] == (
        "kb: OK, 2 entries, 8 phrasings, 1 test questions, 0 warning(s)."
    )


def test_ask_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "ask", "--explain", "how do I do pigeon pose")
    assert code == 0
    assert "Start in a plank position" in out
    assert "safety: no red flag" in out
    assert "context: none" in out and "reading: answer pigeon-pose" in out
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


def test_explain_shows_every_mention_of_a_long_message(capsys: pytest.CaptureFixture[str]) -> None:
    """The answer path stops reading a long message at a certain alarm; ``ask --explain``
    still reads all of it and shows the mentions after the alarm."""
    text = "I can't control my bladder. " + "My back is stiff after work. " * 4 + "No fever."
    assert not Answerer(load_knowledge(ROOT / "knowledge")).answer(text).safety.complete
    code, out = run(capsys, "ask", "--explain", text)
    assert code == 0 and "safety: ALARM" in out
    assert "mention: bladder-bowel" in out
    assert "mention: fever-infection 'fever'" in out  # after the alarm: read all the same


def test_ask_after_earlier_messages_shows_the_context(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys, "ask", "--explain", "--after", "glute bridge please", "how many should i do"
    )
    assert code == 0
    assert "10-15 times" in out and "[📖 The full answer]" in out
    assert "context: topic bridge-pose" in out
    assert "reading: detail bridge-pose (detail: reps)" in out
    assert "follow-up on bridge-pose" in out


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
    first, second = load_knowledge(ROOT / "knowledge").exercises()[:2]
    monkeypatch.setattr(
        sys, "stdin", io.StringIO("/exercises\n2\nhaha\nhow long do i hold it\n/quit\n")
    )
    code, out = run(capsys, "chat")
    assert code == 0
    assert f"[1] {first.title}" in out
    assert f"1. {second.steps[0][:20]}" in out  # button 2 opened the second exercise
    assert "not sure" in out.lower()
    hold = second.detail("hold")
    assert hold is not None and to_plain(hold) in out  # read in the light of the exercise shown


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


def test_eval_grades_conversations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """conversations.yaml: probes without `kind` are answer probes; `before` is sent first."""
    conversations = tmp_path / "talk.yaml"
    conversations.write_text(
        "topics:\n  pigeon: ['plank']\n"
        "probes:\n"
        "  - before: ['hi there']\n    text: how do i do pigeon pose\n    topic: pigeon\n"
        "  - before: ['pigeon pose']\n    text: how long do i cook rice for\n"
        "    kind: fallback\n"
        "answer_markers: ['plank']\n"
    )
    code, out = run(capsys, "eval", str(conversations))
    assert code == 0
    assert "Overall: 100.0% of 2 questions." in out
    assert "ALL answer                               1/1" in out


def test_eval_sends_earlier_messages_first(tmp_path: Path) -> None:
    from bot.core.answering.answerer import Answerer, Outcome
    from bot.core.answering.context import Conversation
    from bot.tools.evaluation import evaluate, load_probes

    heard: list[str] = []

    class Listening(Answerer):
        def answer(self, text: str, conversation: Conversation | None = None) -> Outcome:
            heard.append(text)
            return super().answer(text, conversation)

    conversations = tmp_path / "talk.yaml"
    conversations.write_text(
        "topics:\n  pigeon: ['plank']\n"
        "probes:\n  - before: ['one', 'two']\n    text: three\n    topic: pigeon\n"
    )
    probes, markers = load_probes(conversations)
    evaluate(Listening(load_knowledge(ROOT / "knowledge")), probes, markers)
    assert heard == ["one", "two", "three"]


def test_eval_grades_clarify_probes_by_the_choice_they_offer(tmp_path: Path) -> None:
    """`kind: clarify`: a reply that asks back with entry buttons and no knowledge content
    passes; a guessed answer, or a fallback with only menu buttons, fails."""
    from bot.core.answering.answerer import Answerer, Outcome
    from bot.core.answering.context import Conversation
    from bot.core.replies import Button, Reply, ReplyKind
    from bot.tools.evaluation import evaluate, load_probes

    kb = load_knowledge(ROOT / "knowledge")
    ask_back = Reply(ReplyKind.UNSURE, "Which one?", ((Button("Bridge", data="e:bridge-pose"),),))
    replies = {
        "asks back": ask_back,
        "guesses": Answerer(kb).entry("pigeon-pose"),
        "gives up": Answerer(kb).fallback(),
        "asks back with content": replace(ask_back, html="Hold it from a plank"),
    }

    class Fixed(Answerer):
        def answer(self, text: str, conversation: Conversation | None = None) -> Outcome:
            return Outcome(replies[text])

    conversations = tmp_path / "talk.yaml"
    conversations.write_text(
        "probes:\n"
        + "".join(f"  - text: {text}\n    kind: clarify\n" for text in replies)
        + "answer_markers: ['plank']\n"
    )
    probes, markers = load_probes(conversations)
    rows = evaluate(Fixed(kb), probes, markers).rows
    assert [row["passed"] for row in rows] == [True, False, False, False]
    assert {row["kind"] for row in rows} == {"clarify"}


def test_eval_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- question: only a question\n")
    code, out = run(capsys, "eval", str(bad))
    assert code == 1
    assert "item 1 needs 'question' and 'expect'" in out


def test_kb_check_warns_about_a_fallback_that_reads_like_an_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_kb(tmp_path / "kb")
    texts = tmp_path / "kb" / "texts.yaml"
    texts.write_text(
        texts.read_text().replace("fallback: Text for fallback.", "fallback: Try the psoas.")
    )
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "kb", "check", "kb")
    assert code == 0
    assert out.splitlines()[0] == (
        "WARNING  kb/texts.yaml: field 'fallback': the 'fallback' text mentions 'psoas', which "
        "reads like an answer. Fix: keep it general: say what the bot can help with, not the "
        "facts."
    )


def test_kb_without_a_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["kb"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m bot kb")
    assert "the following arguments are required: KB_COMMAND" in err


def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``python -m bot ask ... | head``: the reader is gone before the answer is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "ask", "what are hip flexors"],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == 1


def test_chat_says_which_commands_work_only_in_telegram(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    kb = load_knowledge(ROOT / "knowledge")
    monkeypatch.setattr(sys, "stdin", io.StringIO("/privacy\n/remind 7:30 mon\n/frobnicate\n"))
    code, out = run(capsys, "chat")
    assert code == 0
    for command in ("/privacy", "/remind"):
        assert fill(kb.texts["chat_telegram_only"], command=command) in out
    assert kb.texts["unknown_command"] in out
    assert "not sure" not in out.lower()


def test_every_command_the_chat_offers_works_in_the_chat() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    answerer = Answerer(kb)
    offered = re.findall(r"/(\w+)", kb.texts["chat_telegram_only"])
    assert offered
    refusals = {kb.texts["unknown_command"], kb.texts["chat_telegram_only"].split("{")[0]}
    for name in offered:
        if name in {"quit", "exit"}:
            continue  # ends the loop before any reply
        reply = _chat_reply(answerer, f"/{name} pigeon", [], _Talk())
        assert not any(reply.html.startswith(refusal) for refusal in refusals if refusal), name


@pytest.mark.parametrize("days", ["-5", "0", "3651", "ten"])
def test_report_refuses_days_that_would_delete_everything_or_mislead(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    days: str,
) -> None:
    database = tmp_path / "bot.sqlite3"
    now = datetime.now(UTC)

    async def seed() -> None:
        async with Store.open(database) as store:
            await store.record_unanswered("is swimming good", "fallback", None, now)

    async def stored() -> list[Unanswered]:
        async with Store.open(database) as store:
            return await store.unanswered_since(now - timedelta(days=365))

    asyncio.run(seed())
    with pytest.raises(SystemExit) as exited:
        main(["report", "--database", str(database), "--days", days])
    assert exited.value.code == 2
    assert f"argument --days: must be a whole number from 1 to 3650, not '{days}'" in (
        capsys.readouterr().err
    )
    monkeypatch.setenv("UNANSWERED_RETENTION_DAYS", days)
    code, out = run(capsys, "report", "--database", str(database))
    assert code == 2
    assert out == (
        f"UNANSWERED_RETENTION_DAYS must be a whole number from 1 to 3650, not '{days}'; "
        "pass --days N.\n"
    )
    assert [row.text for row in asyncio.run(stored())] == ["is swimming good"]


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


def test_report_reads_postgres_when_database_url_is_set(
    postgres_server: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = asyncio.run(postgres_server.new_database())
    now = datetime.now(UTC)

    async def seed() -> None:
        async with await PostgresStore.open(url) as store:
            for text in ("can I do pigeon when pregnant", "pigeon while pregnant ok?"):
                await store.record_unanswered(text, "fallback", None, now)

    asyncio.run(seed())
    monkeypatch.setenv("DATABASE_URL", url)
    code, out = run(capsys, "report")
    assert code == 0
    assert "Questions the bot could not answer in the last 90 days: 2" in out
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:s3cret@127.0.0.1:1/backcare")
    code, error = run(capsys, "report")
    assert code == 1 and "Could not connect" in error and "s3cret" not in error
