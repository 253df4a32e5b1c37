"""What is wrong with a knowledge base, in words a maintainer can act on."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KnowledgeError", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or risky) in the knowledge base, in words a maintainer can act on."""

    file: str
    line: int | None
    message: str
    hint: str = ""
    entry: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = []
        if self.entry:
            what.append(f"entry '{self.entry}'")
        if self.field:
            what.append(f"field '{self.field}'")
        subject = f" {', '.join(what)}:" if what else ""
        hint = f" Fix: {self.hint}" if self.hint else ""
        return f"{where}:{subject} {self.message}{hint}"


class KnowledgeError(Exception):
    """The knowledge base is invalid; ``problems`` lists everything found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        lines = "\n".join(f"  - {problem}" for problem in problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"The knowledge base has {count} {noun}:\n{lines}")
