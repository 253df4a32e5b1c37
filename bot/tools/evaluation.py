"""Maintainer tools: check the knowledge base for mistakes and conflicts, and measure answers.

``kb check`` catches what breaks the bot (schema, links, HTML, length) and what quietly makes it
answer wrongly (a phrasing that matches another entry better than its own). ``eval`` runs a set
of questions through the real answering core and compares with the previous run, so a maintainer
sees at once whether an edit made things better or worse.
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
from rapidfuzz import fuzz

from bot.core.answering.answerer import Answerer
from bot.core.answering.matching import Matcher
from bot.core.knowledge import KnowledgeBase, KnowledgeError, Problem, load_knowledge
from bot.core.replies import Reply, ReplyKind

EXIT_OK = 0
EXIT_PROBLEM = 1
NEAR_DUPLICATE = 92  # rapidfuzz token_sort_ratio between two entries' phrasings
CONFLICT_MARGIN = 3.0  # another entry within this many points of a phrasing's own entry


# ------------------------------------------------------------------------------------------
# kb check


@dataclass
class CheckReport:
    """What ``kb check`` found: problems fail the check, warnings do not (unless --strict)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    entries: int = 0
    phrasings: int = 0


def check_knowledge(directory: Path) -> CheckReport:
    """Validate a knowledge folder and look for conflicting phrasings."""
    report = CheckReport()
    try:
        kb = load_knowledge(directory)
    except KnowledgeError as error:
        report.problems = list(error.problems)
        return report
    report.warnings = list(kb.warnings)
    report.entries = len(kb.entries)
    report.phrasings = sum(len(e.questions) for e in kb.entries.values())
    report.problems += find_conflicts(kb)
    report.warnings += _texts_warnings(kb)
    return report


def find_conflicts(kb: KnowledgeBase) -> list[Problem]:
    """Phrasings another entry would win (leave-one-out), and near-duplicates across entries."""
    matcher = Matcher(kb)
    problems: list[Problem] = []
    reported: set[frozenset[tuple[str, str]]] = set()  # each clashing pair is reported once
    for entry in kb.ordered():
        for phrasing in entry.questions:
            match = matcher.match(phrasing.text, limit=5, exclude=phrasing.text)
            if not match.candidates:
                continue
            own = next((c for c in match.candidates if c.entry_id == entry.id), None)
            rival = next((c for c in match.candidates if c.entry_id != entry.id), None)
            if rival is None:
                continue
            own_score = own.score if own else 0.0
            pair = frozenset({(entry.id, phrasing.text), (rival.entry_id, rival.phrasing)})
            if pair in reported:
                continue
            if rival.score > own_score + CONFLICT_MARGIN and rival.score >= matcher.unsure:
                reported.add(pair)
                problems.append(
                    Problem(
                        entry.file,
                        phrasing.line,
                        f"the phrasing '{phrasing.text}' matches '{rival.entry_id}' "
                        f"(score {rival.score:.0f}, via '{rival.phrasing}') better than its own "
                        f"entry (score {own_score:.0f}), so people asking it get the wrong answer.",
                        f"reword it with words specific to '{entry.id}', or move it to "
                        f"'{rival.entry_id}' if it belongs there.",
                        entry.id,
                        "questions",
                    )
                )
    seen: list[tuple[str, str, str, int | None, str]] = []
    analysed = {
        (entry.id, p.text): " ".join(sorted(matcher.analyse(p.text)[0]))
        for entry in kb.ordered()
        for p in entry.questions
    }
    for entry in kb.ordered():
        for phrasing in entry.questions:
            terms = analysed[(entry.id, phrasing.text)]
            if not terms:
                continue
            for other_id, other_text, other_terms, _, other_file in seen:
                if other_id == entry.id:
                    continue
                if frozenset({(entry.id, phrasing.text), (other_id, other_text)}) in reported:
                    continue
                if fuzz.token_sort_ratio(terms, other_terms) >= NEAR_DUPLICATE:
                    problems.append(
                        Problem(
                            entry.file,
                            phrasing.line,
                            f"the phrasing '{phrasing.text}' is almost the same as "
                            f"'{other_text}' in '{other_id}' ({other_file}); the bot cannot tell "
                            "them apart.",
                            "keep it in one entry only, or make each specific.",
                            entry.id,
                            "questions",
                        )
                    )
                    break
            seen.append((entry.id, phrasing.text, terms, phrasing.line, entry.file))
    return problems


_CONTENT_WORDS = re.compile(
    r"psoas|iliacus|iliopsoas|pelvi|lumbar|kneel|glute|torso|plank|shorten|warrior|stiff"
)


def _texts_warnings(kb: KnowledgeBase) -> list[Problem]:
    """Fallback-style texts must not look like an answer (people would think they got one)."""
    warnings = []
    for key in ("fallback", "unsure"):
        found = _CONTENT_WORDS.search(kb.texts[key].lower())
        if found:
            warnings.append(
                Problem(
                    "texts.yaml",
                    None,
                    f"the '{key}' text mentions '{found.group(0)}', which reads like an answer.",
                    "keep it general: say what the bot can help with, not the facts.",
                    field=key,
                )
            )
    return warnings


def kb_check(directory: Path, *, strict: bool = False) -> int:
    """Print the check report; exit status 1 on any problem (or warning, with ``strict``)."""
    report = check_knowledge(directory)
    for problem in report.problems:
        print(f"ERROR   {problem}")
    for warning in report.warnings:
        print(f"WARNING {warning}")
    failed = bool(report.problems) or (strict and bool(report.warnings))
    if report.problems:
        count = len(report.problems)
        print(
            f"\n{directory}: {count} problem{'s' if count != 1 else ''} to fix; "
            "the bot will not start."
        )
    else:
        print(
            f"{directory}: OK, {report.entries} entries, {report.phrasings} phrasings, "
            f"{len(report.warnings)} warning(s)."
        )
    return EXIT_PROBLEM if failed else EXIT_OK


# ------------------------------------------------------------------------------------------
# eval


@dataclass(frozen=True)
class Probe:
    """One question with what a correct reply must be."""

    text: str
    expect: str  # an entry id / topic id, "fallback" or "urgent"
    patterns: tuple[re.Pattern[str], ...] = ()  # for topic probes: any must match the reply


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
            kind = item.get("kind")
            if kind == "answer":
                probes.append(Probe(item["text"], item["topic"], topics[item["topic"]]))
            elif kind in {"fallback", "urgent"}:
                probes.append(Probe(item["text"], kind))
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
        outcome = answerer.answer(probe.text)
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
        else:
            kind = "answer"
            if probe.patterns:
                passed = reply.kind is ReplyKind.ANSWER and any(
                    p.search(reply.plain()) for p in probe.patterns
                )
            else:
                passed = reply.kind is ReplyKind.ANSWER and reply.entry_id == probe.expect
        result.rows.append(
            {"text": probe.text, "expect": probe.expect, "kind": kind, "passed": passed, "got": got}
        )
    return result


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
    for kind in ("answer", "fallback", "urgent"):
        rows = [r for r in result.rows if r["kind"] == kind]
        if rows:
            passed = sum(r["passed"] for r in rows)
            share = 100 * result.accuracy([kind])
            print(f"ALL {kind:36} {passed}/{len(rows)} ({share:.1f}%)")
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
