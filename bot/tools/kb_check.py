"""``kb check``: find what breaks the bot and what quietly makes it answer wrongly.

Five kinds of findings, each with what it means for the bot: errors (the loader refuses the
knowledge base: the bot will not start with it, and a running bot keeps its last good version),
conflicts (it loads, but a phrasing reaches another entry than its own, or two entries hold
near-identical phrasings), failed red-flag tests (``tests/red_flags.yaml``), problems in the
question files of ``tests/`` (the bot is not
affected; eval and CI cannot run those questions as written) and warnings (YAML traps; they fail
only with ``--strict``).

A conflict is about two phrasings, so it is reported once, naming both with file and line, at
the one in the file changed most recently: without version control that is the best sign of
which side the maintainer just edited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from bot.core.answering.matching import NOT, Matcher
from bot.core.knowledge import Entry, KnowledgeBase, KnowledgeError, Problem, load_knowledge
from bot.core.knowledge.question_files import check_question_files
from bot.tools.image_check import image_problems
from bot.tools.red_flag_check import check_red_flag_tests

EXIT_OK = 0
EXIT_PROBLEM = 1
NEAR_DUPLICATE = 92  # rapidfuzz token_sort_ratio between two entries' phrasings
CONFLICT_MARGIN = 3.0  # another entry within this many points of a phrasing's own entry


@dataclass
class CheckReport:
    """What ``kb check`` found; everything but warnings and notes fails the check."""

    errors: list[Problem] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)
    safety: list[Problem] = field(default_factory=list)  # red-flag tests that fail
    test_problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    entries: int = 0
    phrasings: int = 0
    test_questions: int = 0

    def failed(self, *, strict: bool = False) -> bool:
        """Whether the check fails (with ``strict``, warnings fail it too)."""
        found = self.errors or self.conflicts or self.safety or self.test_problems
        return bool(found or (strict and self.warnings))


def check_knowledge(directory: Path) -> CheckReport:
    """Validate a knowledge folder, look for conflicting phrasings, check the question files."""
    report = CheckReport()
    try:
        kb = load_knowledge(directory)
    except KnowledgeError as error:
        report.errors = list(error.problems)
        ids = {path.stem for path in (directory / "entries").glob("*.y*ml")}
    else:
        report.warnings = list(kb.warnings)
        report.entries = len(kb.entries)
        report.phrasings = sum(len(e.questions) for e in kb.entries.values())
        report.conflicts = find_conflicts(kb)
        report.safety = check_red_flag_tests(kb)  # knowledge/tests/red_flags.yaml
        report.warnings += _texts_warnings(kb)
        image_errors, image_warnings = image_problems(kb)
        report.errors += image_errors
        report.warnings += image_warnings
        ids = set(kb.entries)
    questions = check_question_files(directory, ids)
    report.test_problems = questions.problems
    report.notes = questions.not_checked
    report.test_questions = questions.questions
    return report


@dataclass(frozen=True)
class _Side:
    """One of the two phrasings of a conflict."""

    entry: Entry
    text: str
    line: int | None

    @property
    def where(self) -> str:
        return self.entry.file if self.line is None else f"{self.entry.file}:{self.line}"


def _modified_at(kb: KnowledgeBase) -> Callable[[Entry], float]:
    def modified(entry: Entry) -> float:
        path = Path(entry.file)
        try:
            return (path if path.is_absolute() else kb.directory.parent / path).stat().st_mtime
        except OSError:
            return 0.0

    return modified


def find_conflicts(kb: KnowledgeBase) -> list[Problem]:
    """Phrasings another entry would win (leave-one-out), and near-duplicates across entries.

    Each clashing pair is reported once, at the phrasing whose file changed last (on a tie, at
    the phrasing that gets the wrong answer, or the later one in menu order).
    """
    matcher = Matcher(kb)
    modified = _modified_at(kb)
    lines = {(e.id, p.text): p.line for e in kb.entries.values() for p in e.questions}
    problems: list[Problem] = []
    reported: set[frozenset[tuple[str, str]]] = set()
    for entry in kb.ordered():
        for phrasing in entry.questions:
            match = matcher.match(phrasing.text, limit=5, exclude=phrasing.text)
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
                lost = _Side(entry, phrasing.text, phrasing.line)
                rival_entry = kb.entries[rival.entry_id]
                won = _Side(
                    rival_entry, rival.phrasing, lines.get((rival.entry_id, rival.phrasing))
                )
                scores = (rival.score, own_score)
                if rival.phrasing and modified(rival_entry) > modified(entry):
                    problems.append(_takes_over(won, lost, scores))
                else:
                    problems.append(_reaches_another(lost, won, scores))
    seen: list[_Side] = []
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
            side = _Side(entry, phrasing.text, phrasing.line)
            for other in seen:
                if other.entry.id == entry.id:
                    continue
                if frozenset({(entry.id, phrasing.text), (other.entry.id, other.text)}) in reported:
                    continue
                other_terms = analysed[(other.entry.id, other.text)]
                if _negated(terms) != _negated(other_terms):
                    continue  # "what stretches help" / "what if the stretches don't help"
                if fuzz.token_sort_ratio(terms, other_terms) >= NEAR_DUPLICATE:
                    newer, older = (
                        (other, side) if modified(other.entry) > modified(entry) else (side, other)
                    )
                    problems.append(_near_duplicate(newer, older))
                    break
            seen.append(side)
    return problems


def _reaches_another(lost: _Side, won: _Side, scores: tuple[float, float]) -> Problem:
    """Reported at the phrasing that gets another entry's answer."""
    via = f", via '{won.text}' at {won.where}" if won.text else ", via its title or keywords"
    return Problem(
        lost.entry.file,
        lost.line,
        f"the phrasing '{lost.text}' matches '{won.entry.id}' (score {scores[0]:.0f}{via}) "
        f"better than its own entry (score {scores[1]:.0f}), so people asking it get the wrong "
        "answer.",
        f"reword it with words specific to '{lost.entry.id}', or move it to '{won.entry.id}' if "
        "it belongs there.",
        lost.entry.id,
        "questions",
    )


def _takes_over(won: _Side, lost: _Side, scores: tuple[float, float]) -> Problem:
    """Reported at the (more recently edited) phrasing that pulls another entry's phrasing away."""
    return Problem(
        won.entry.file,
        won.line,
        f"the phrasing '{won.text}' takes '{lost.text}' ({lost.where}) away from its entry "
        f"'{lost.entry.id}': asked that way, people get this entry (score {scores[0]:.0f}) "
        f"instead of '{lost.entry.id}' (score {scores[1]:.0f}).",
        f"reword '{won.text}' with words specific to '{won.entry.id}', or move "
        f"'{lost.text}' here if it belongs here.",
        won.entry.id,
        "questions",
    )


def _negated(terms: str) -> bool:
    """Whether a phrasing's sorted terms ask about something not happening."""
    return NOT in terms.split()


def _near_duplicate(newer: _Side, older: _Side) -> Problem:
    return Problem(
        newer.entry.file,
        newer.line,
        f"the phrasing '{newer.text}' is almost the same as '{older.text}' in '{older.entry.id}' "
        f"({older.where}); the bot cannot tell them apart.",
        "keep it in one entry only, or make each specific.",
        newer.entry.id,
        "questions",
    )


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
                    str((kb.directory / "texts.yaml").relative_to(kb.directory.parent)),
                    None,
                    f"the '{key}' text mentions '{found.group(0)}', which reads like an answer.",
                    "keep it general: say what the bot can help with, not the facts.",
                    field=key,
                )
            )
    return warnings


_LABELS = {
    "errors": "ERROR",
    "conflicts": "CONFLICT",
    "safety": "SAFETY",
    "test_problems": "TESTS",
    "warnings": "WARNING",
    "notes": "NOTE",
}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def summary(report: CheckReport, directory: Path, *, strict: bool = False) -> list[str]:
    """One line per kind of finding, saying what it means for the bot."""
    if not report.failed(strict=strict):
        return [
            f"{directory}: OK, {report.entries} entries, {report.phrasings} phrasings, "
            f"{report.test_questions} test questions, {len(report.warnings)} warning(s)."
        ]
    lines = []
    if report.errors:
        lines.append(
            f"{directory}: {_count(len(report.errors), 'error')}: the bot will not start with "
            "this knowledge base, and a running bot keeps answering from its last good version. "
            "Conflicts between phrasings are looked for once the errors are fixed."
        )
    if report.conflicts:
        lines.append(
            f"{directory}: {_count(len(report.conflicts), 'conflict')}: the bot starts and "
            "answers, but people who ask as in these phrasings get another entry's answer "
            "(or an unsure reply)."
        )
    if report.safety:
        lines.append(
            f"{directory}: {_count(len(report.safety), 'red-flag test')} of "
            "knowledge/tests/red_flags.yaml failed: the bot starts, but it would miss an "
            "emergency or alarm someone who described none. Fix the red-flag words or triggers."
        )
    if report.test_problems:
        lines.append(
            f"{directory}: {_count(len(report.test_problems), 'problem')} in the question files "
            "of tests/: the bot is not affected, but eval and the automated tests cannot run "
            "those questions as written."
        )
    if report.warnings:
        lines.append(
            f"{directory}: {_count(len(report.warnings), 'warning')}: the bot reads these as "
            "written; other YAML tools may not. They fail the check only with --strict."
        )
    return lines


def kb_check(directory: Path, *, strict: bool = False) -> int:
    """Print the check report; exit status 1 on any finding but warnings (all, with ``strict``)."""
    report = check_knowledge(directory)
    for kind, label in _LABELS.items():
        for problem in getattr(report, kind):
            print(f"{label:<8} {problem}")
    if report.failed(strict=strict):
        print()
    for line in summary(report, directory, strict=strict):
        print(line)
    return EXIT_PROBLEM if report.failed(strict=strict) else EXIT_OK
