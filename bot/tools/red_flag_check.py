"""The maintainers' red-flag tests (``knowledge/tests/red_flags*.yaml``), run by kb check and CI.

Two lists: messages that must get the urgent message (with the tier they must get) and messages that
must not (with, when given, the red flag context must rule out, the red flag a question is about,
or the entry a general question gets). On top of the verdicts, every word pattern and trigger must
earn its place: a flag pattern that catches none of the must-alarm messages, an idiom or general
question pattern that matches none of the must-not-alarm messages, or a context trigger that
matches no test message at all is reported, so nothing untested hides in the YAML. The tests may
be split over several files (``red_flags.yaml`` and any ``red_flags_*.yaml`` beside it, each far
below the size limit of a knowledge file); they are run together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.core.knowledge import KnowledgeBase, Problem, WordPattern
from bot.core.knowledge.question_files import MORE_RED_FLAG_TESTS, RED_FLAG_TESTS
from bot.core.knowledge.yaml_reader import Reader, compose
from bot.core.safety import SafetyDecision, Screen, Status, Verdict

__all__ = [
    "TESTS_FILE",
    "RedFlagTest",
    "check_red_flag_tests",
    "load_red_flag_tests",
    "red_flag_test_files",
]

TESTS_FILE = Path("tests") / RED_FLAG_TESTS
_EXPECTATIONS = ("tier", "ruled_out", "question", "entry")


@dataclass(frozen=True)
class RedFlagTest:
    """One message with what the red-flag check must make of it."""

    text: str
    alarm: bool
    line: int | None
    tier: str = ""  # must_alarm: the tier it must get
    ruled_out: str = ""  # must_not_alarm: this flag is mentioned and context rules it out
    question: str = ""  # must_not_alarm: a question about this flag
    entry: str = ""  # must_not_alarm: a general question answered by this entry


@dataclass
class _Usage:
    flag_patterns: set[int] = field(default_factory=set)
    idioms: set[tuple[str, int]] = field(default_factory=set)
    questions: set[int] = field(default_factory=set)
    triggers: set[int] = field(default_factory=set)


def red_flag_test_files(directory: Path) -> list[Path]:
    """The tests files of a knowledge folder: ``tests/red_flags.yaml`` first, then the others."""
    more = sorted((directory / TESTS_FILE.parent).glob(MORE_RED_FLAG_TESTS))
    return [directory / TESTS_FILE, *more]


def load_red_flag_tests(
    path: Path, label: str, *, both: bool = True
) -> tuple[list[RedFlagTest], list[Problem]]:
    """Read a tests file; problems in it are reported like any other knowledge-base file.
    ``both``: it must have both lists (the main file); another file needs one of them."""
    reader = Reader(label)
    root = compose(path, label, reader)
    fields = reader.mapping(root, path.name) if root is not None else None
    tests: list[RedFlagTest] = []
    if fields is None:
        return tests, reader.problems
    reader.unknown_fields(fields, ("must_alarm", "must_not_alarm"))
    if not both and "must_alarm" not in fields and "must_not_alarm" not in fields:
        reader.error(root, "has neither 'must_alarm' nor 'must_not_alarm'.", key="must_alarm")
    for key, alarm in (("must_alarm", True), ("must_not_alarm", False)):
        node = fields.get(key)
        if not both and node is None:
            continue
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            reader.error(node or root, f"'{key}' must be a list of test messages.", key=key)
            continue
        for item in node.value:
            test = _load_test(item, alarm, reader, key)
            if test is not None:
                tests.append(test)
    return tests, reader.problems


def _load_test(item: yaml.Node, alarm: bool, reader: Reader, key: str) -> RedFlagTest | None:
    fields = reader.mapping(item, "A test", key=key)
    if fields is None:
        return None
    allowed = ("text", "tier") if alarm else ("text", "ruled_out", "question", "entry")
    reader.unknown_fields(fields, allowed)
    if "text" not in fields:
        reader.error(item, "a test has no 'text'.", "write the message after 'text:'.", key)
        return None
    if alarm and "tier" not in fields:
        reader.error(item, "a must-alarm test needs the 'tier' it must get.", key="tier")
    values = {name: reader.text(fields[name], name) for name in _EXPECTATIONS if name in fields}
    return RedFlagTest(
        text=reader.text(fields["text"], "text"),
        alarm=alarm,
        line=item.start_mark.line + 1,
        **{name: values.get(name, "") for name in _EXPECTATIONS},
    )


def _verdict_problem(test: RedFlagTest, decision: SafetyDecision) -> str:
    """What is wrong with a decision for a test, or ""."""
    got = _describe(decision)
    if test.alarm:
        if not decision.alarm:
            return f"must get the urgent message, but got {got}"
        if test.tier and decision.tier is not None and decision.tier.id != test.tier:
            return f"must get the '{test.tier}' tier, but got '{decision.tier.id}'"
        return ""
    if decision.alarm:
        return f"must not get the urgent message, but got {got}"
    if test.ruled_out and test.ruled_out not in {f.id for f in decision.flags(ruled_out=True)}:
        return f"must mention '{test.ruled_out}' and have context rule it out, but got {got}"
    if test.question and (
        decision.verdict is not Verdict.QUESTION
        or test.question not in {f.id for f in decision.flags(Status.QUESTION)}
    ):
        return f"must be a question about '{test.question}', but got {got}"
    if test.entry and decision.question_entry != test.entry:
        return f"must be a question about red flags answered by '{test.entry}', but got {got}"
    return ""


def _describe(decision: SafetyDecision) -> str:
    if decision.alarm:
        first = decision.first_alarm
        flag = f" for '{first.flag.id}'" if first is not None else ""
        tier = decision.tier.id if decision.tier is not None else "?"
        return f"the urgent message ({tier}){flag}"
    parts = [f"{m.flag.id} {m.status.value}" for m in decision.mentions]
    if decision.question_entry:
        parts.append(f"question answered by '{decision.question_entry}'")
    return "no alarm (" + (", ".join(parts) or "no red flag") + ")"


def check_red_flag_tests(kb: KnowledgeBase, screen: Screen | None = None) -> list[Problem]:
    """Run the tests files of a knowledge base; every failure and untested pattern is a problem."""
    label = f"{kb.directory.name}/{TESTS_FILE.as_posix()}"
    if not (kb.directory / TESTS_FILE).exists():
        return [
            Problem(label, None, "is missing.", "see the red-flag section of knowledge/README.md.")
        ]
    files: list[tuple[str, list[RedFlagTest]]] = []
    problems: list[Problem] = []
    for number, path in enumerate(red_flag_test_files(kb.directory)):
        name = f"{kb.directory.name}/{path.relative_to(kb.directory).as_posix()}"
        tests, found = load_red_flag_tests(path, name, both=number == 0)
        files.append((name, tests))
        problems += found
    if problems:
        return problems
    screen = screen or Screen.for_knowledge(kb)
    usage = _Usage()
    for name, tests in files:
        for test in tests:
            wrong = _verdict_problem(test, screen.assess(test.text))
            if wrong:
                problems.append(
                    Problem(
                        name,
                        test.line,
                        f"'{test.text}' {wrong}.",
                        f'see why with: python -m bot ask --explain "{test.text}"',
                    )
                )
            _record(screen, test, usage)
    searched = label if len(files) == 1 else f"{kb.directory.name}/tests/red_flags*.yaml"
    problems += _unused(screen, usage, searched, label)
    return problems


def _record(screen: Screen, test: RedFlagTest, usage: _Usage) -> None:
    document = screen.read(test.text)
    usage.triggers.update(number for number, _ in screen.triggers.find(document))
    if test.alarm:
        usage.flag_patterns.update(number for number, _ in screen.flag_patterns.find(document))
        return
    usage.questions.update(number for number, _ in screen.questions.find(document))
    for flag_id, idioms in screen.idioms.items():
        usage.idioms.update((flag_id, number) for number, _ in idioms.find(document))


def _unused(screen: Screen, usage: _Usage, searched: str, label: str) -> list[Problem]:
    """Every pattern, idiom and trigger no test message uses (``searched``: the files read),
    with the file to add one to (``label``)."""
    rules = screen.rules
    problems = []

    def report(patterns: Iterable[WordPattern], what: str, where: str) -> None:
        for pattern in patterns:
            problems.append(
                Problem(
                    pattern.file,
                    pattern.line,
                    f"the {what} '{pattern.text}' matches none of the {where} in {searched}.",
                    f"add a message it is meant for to {label}, or remove it.",
                )
            )

    flag_patterns = screen.flag_patterns.patterns
    report(
        (p for n, p in enumerate(flag_patterns) if n not in usage.flag_patterns),
        "red-flag pattern",
        "must-alarm messages",
    )
    report(
        (
            p
            for flag in rules.flags
            for n, p in enumerate(flag.not_patterns)
            if (flag.id, n) not in usage.idioms
        ),
        "idiom ('not:') pattern",
        "must-not-alarm messages",
    )
    report(
        (p for n, p in enumerate(rules.questions) if n not in usage.questions),
        "question pattern",
        "must-not-alarm messages",
    )
    report(
        (t.pattern for n, t in enumerate(rules.triggers) if n not in usage.triggers),
        "context trigger",
        "test messages",
    )
    return problems
