"""``eval``: measure answers on a file of test questions.

It runs a set of questions through the real answering core and compares with the previous run,
so a maintainer sees at once whether an edit made things better or worse.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core import callbacks
from bot.core.answering.answerer import Answerer
from bot.core.knowledge import KnowledgeBase
from bot.core.replies import Reply, ReplyKind

EXIT_OK = 0
EXIT_PROBLEM = 1


@dataclass(frozen=True)
class Probe:
    """One question with what a correct reply must be."""

    text: str
    expect: str  # an entry id / topic id, "fallback", "urgent" or "clarify"
    patterns: tuple[re.Pattern[str], ...] = ()  # for topic probes: any must match the reply
    before: tuple[str, ...] = ()  # sent first by the same person; only the reply to text counts
    calm: bool = False  # mentions red-flag words that are no emergency: must not be alarmed


@dataclass
class EvalResult:
    """Per-probe verdicts and the totals a maintainer reads."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def by_group(self) -> dict[str, tuple[int, int]]:
        """expected -> (passed, total)."""
        groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in self.rows:
            group = groups[row["expect"]]
            group[0] += int(row["passed"])
            group[1] += 1
        return {key: (value[0], value[1]) for key, value in sorted(groups.items())}

    def accuracy(self, kinds: Iterable[str] | None = None) -> float:
        """Share of probes passed, optionally only those of some kinds (answer/fallback/urgent)."""
        wanted = set(kinds) if kinds is not None else None
        rows = [r for r in self.rows if wanted is None or r["kind"] in wanted]
        return sum(r["passed"] for r in rows) / len(rows) if rows else 1.0


def load_probes(path: Path) -> tuple[list[Probe], dict[str, Any]]:
    """Read a dev-set file (topics + probes + markers) or a simple question/expect list."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "probes" in data:
        topics = {
            name: tuple(re.compile(p, re.IGNORECASE) for p in patterns)
            for name, patterns in (data.get("topics") or {}).items()
        }
        probes = []
        for item in data["probes"]:
            # A probe with a topic and no kind is an answer probe (conversations.yaml, and the
            # safety set, whose calm probes add `calm: true`).
            kind = item.get("kind") or ("answer" if "topic" in item else None)
            before = tuple(str(message) for message in item.get("before") or ())
            calm = bool(item.get("calm"))
            if kind == "answer":
                probes.append(
                    Probe(item["text"], item["topic"], topics[item["topic"]], before, calm)
                )
            elif kind in {"fallback", "urgent", "clarify"}:
                probes.append(Probe(item["text"], kind, before=before, calm=calm))
        markers = {
            "answer": [re.compile(p, re.IGNORECASE) for p in data.get("answer_markers") or []],
            "urgent": re.compile(data.get("urgent_markers") or "urgent", re.IGNORECASE),
        }
        return probes, markers
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of '- question: ...' / 'expect: ...' items")
    probes = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or "question" not in item or "expect" not in item:
            raise ValueError(f"{path}: item {number} needs 'question' and 'expect'")
        probes.append(Probe(str(item["question"]), str(item["expect"])))
    return probes, {}


def evaluate(answerer: Answerer, probes: list[Probe], markers: dict[str, Any]) -> EvalResult:
    """Run every probe through the answering core."""
    result = EvalResult()
    for probe in probes:
        conversation = None
        for earlier in probe.before:  # the same person's earlier messages, in order
            conversation = answerer.answer(earlier, conversation).conversation
        outcome = answerer.answer(probe.text, conversation)
        reply = outcome.reply
        got = _describe(
            outcome.reply,
            outcome.match.best.entry_id if outcome.match and outcome.match.best else None,
        )
        if probe.expect == "urgent":
            kind = "urgent"
            passed = reply.kind is ReplyKind.URGENT and (
                "urgent" not in markers or bool(markers["urgent"].search(reply.plain()))
            )
        elif probe.expect == "fallback":
            kind = "fallback"
            seen = _visible(reply)
            passed = reply.kind not in {ReplyKind.ANSWER, ReplyKind.URGENT} and not any(
                pattern.search(seen) for pattern in markers.get("answer", [])
            )
        elif probe.expect == "clarify":
            kind = "clarify"
            passed = _asks_back(reply, markers)
        else:
            kind = "answer"
            if probe.patterns:
                passed = reply.kind is ReplyKind.ANSWER and any(
                    p.search(reply.plain()) for p in probe.patterns
                )
            else:
                passed = reply.kind is ReplyKind.ANSWER and reply.entry_id == probe.expect
        alarmed = reply.kind is ReplyKind.URGENT or (
            "urgent" in markers and bool(markers["urgent"].search(reply.plain()))
        )
        if probe.calm and alarmed:
            passed, got = False, f"{got} (the urgent notice for a calm message)"
        text = " -> ".join((*probe.before, probe.text))  # a conversation reads as its messages
        result.rows.append(
            {
                "text": text,
                "expect": probe.expect,
                "kind": kind,
                "passed": passed,
                "got": got,
                "calm": probe.calm,
                "alarmed": alarmed,
            }
        )
    return result


def _asks_back(reply: Reply, markers: dict[str, Any]) -> bool:
    """A follow-up with nothing to follow asks which topic is meant: entry buttons to choose
    from, and no knowledge content in its own text (no guess at one topic)."""
    choices = [b for row in reply.buttons for b in row if callbacks.parse_entry(b.data or "")]
    return (
        reply.kind not in {ReplyKind.ANSWER, ReplyKind.URGENT}
        and bool(choices)
        and not any(pattern.search(reply.plain()) for pattern in markers.get("answer", []))
    )


def _visible(reply: Reply) -> str:
    labels = " ".join(button.label for row in reply.buttons for button in row)
    return f"{reply.plain()}\n{labels}"


def _describe(reply: Reply, best: str | None) -> str:
    if reply.kind is ReplyKind.ANSWER:
        return f"answer {reply.entry_id}"
    if reply.kind is ReplyKind.UNSURE:
        return f"did-you-mean (best {best})"
    if reply.kind is ReplyKind.FALLBACK:
        return f"fallback (closest {best})" if best else "fallback"
    return str(reply.kind.value)


def _history_path(path: Path) -> Path:
    beside = path.with_name(f"{path.stem}.last.json")
    try:
        beside.touch(exist_ok=True)
        return beside
    except OSError:
        folder = Path("data/eval")
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{path.stem}.last.json"


def print_eval(result: EvalResult, previous: dict[str, bool] | None) -> None:
    """Accuracy per group, every failure, and what changed since the previous run."""
    print(f"{'expected':40} passed")
    for group, (passed, total) in result.by_group().items():
        print(f"{group:40} {passed}/{total} ({100 * passed / total:.0f}%)")
    for kind in ("answer", "fallback", "urgent", "clarify"):
        rows = [r for r in result.rows if r["kind"] == kind]
        if rows:
            passed = sum(r["passed"] for r in rows)
            share = 100 * result.accuracy([kind])
            print(f"ALL {kind:36} {passed}/{len(rows)} ({share:.1f}%)")
    calm = [r for r in result.rows if r.get("calm")]
    if calm:
        alarmed = sum(r["alarmed"] for r in calm)
        print(f"calm probes given the urgent notice: {alarmed}/{len(calm)}")
    failures = [r for r in result.rows if not r["passed"]]
    if failures:
        print(f"\nFailures ({len(failures)}):")
        for row in failures:
            print(f"  expected {row['expect']}, got {row['got']}: {row['text']!r}")
    if previous is not None:
        fixed = [r["text"] for r in result.rows if r["passed"] and previous.get(r["text"]) is False]
        broke = [
            r["text"] for r in result.rows if not r["passed"] and previous.get(r["text"]) is True
        ]
        before = sum(previous.values())
        after = sum(r["passed"] for r in result.rows)
        print(f"\nCompared with the previous run: {before} -> {after} passed.")
        for text in fixed:
            print(f"  now passes: {text!r}")
        for text in broke:
            print(f"  NOW FAILS:  {text!r}")
        if not fixed and not broke:
            print("  no question changed its result.")


def eval_command(kb: KnowledgeBase, path: Path, threshold: float | None) -> int:
    """``eval FILE``: run, print, save for the next comparison, exit 1 below the threshold."""
    try:
        probes, markers = load_probes(path)
    except (OSError, ValueError, KeyError, yaml.YAMLError) as error:
        print(f"Cannot read {path}: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    result = evaluate(Answerer(kb), probes, markers)
    history = _history_path(path)
    previous: dict[str, bool] | None = None
    if history.exists() and history.stat().st_size:
        try:
            previous = json.loads(history.read_text(encoding="utf-8"))
        except ValueError:
            previous = None
    print_eval(result, previous)
    history.write_text(
        json.dumps({r["text"]: r["passed"] for r in result.rows}, indent=0), encoding="utf-8"
    )
    overall = result.accuracy()
    print(f"\nOverall: {100 * overall:.1f}% of {len(result.rows)} questions.")
    if threshold is not None and overall * 100 < threshold:
        print(f"Below the threshold of {threshold:.1f}%.", file=sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK


def add_commands(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    knowledge_option: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``eval`` on the CLI."""
    evaluate_parser = commands.add_parser(
        "eval",
        help="measure answers on a file of test questions",
        description="Run test questions (a dev-set file, or a list of 'question'/'expect' items "
        "like knowledge/tests/*.yaml) and print accuracy per topic, every failure, and the "
        "change since the previous run.",
    )
    evaluate_parser.add_argument("file", type=Path, help="the questions file")
    evaluate_parser.add_argument(
        "--min-accuracy",
        type=float,
        default=None,
        metavar="PERCENT",
        help="exit with status 1 if overall accuracy is below this percentage",
    )
    knowledge_option(evaluate_parser)


def run_command(command: str, args: argparse.Namespace, kb: KnowledgeBase) -> int:
    """Dispatch the commands registered by :func:`add_commands`."""
    if command == "eval":
        return eval_command(kb, args.file, args.min_accuracy)
    raise ValueError(f"unknown command {command}")
