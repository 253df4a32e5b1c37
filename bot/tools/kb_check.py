"""``kb check``: find what breaks the bot and what quietly makes it answer wrongly.

Schema, links, HTML and length problems come from the loader; on top of that this looks for
phrasings that would reach another entry than their own (leave-one-out) and near-duplicate
phrasings across entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from bot.core.answering.matching import Matcher
from bot.core.knowledge import KnowledgeBase, KnowledgeError, Problem, load_knowledge
from bot.tools.red_flag_check import check_red_flag_tests

EXIT_OK = 0
EXIT_PROBLEM = 1
NEAR_DUPLICATE = 92  # rapidfuzz token_sort_ratio between two entries' phrasings
CONFLICT_MARGIN = 3.0  # another entry within this many points of a phrasing's own entry


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
    report.problems += check_red_flag_tests(kb)  # knowledge/tests/red_flags.yaml
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
