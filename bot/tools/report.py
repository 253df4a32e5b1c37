"""``report``: what people asked that the bot could not answer, grouped, with ready-to-paste fixes.

The bot keeps the text of questions that got the fallback or a "Not helpful" press, never who
asked. This module turns those rows into a maintainer's to-do list: the most frequent groups of
similar questions, the entry each group came closest to, and the YAML lines to paste there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.core.answering.matching import Matcher
from bot.core.knowledge import KnowledgeBase
from bot.core.normalise import fold
from bot.core.records import StorageError, Unanswered
from bot.storage import Store

SIMILAR = 72  # rapidfuzz token_set_ratio at which two questions count as the same question
DEFAULT_DATABASE = Path("data/backcare.sqlite3")
DEFAULT_DAYS = 90
MAX_DAYS = 3650  # as the bot's UNANSWERED_RETENTION_DAYS setting


@dataclass
class QuestionGroup:
    """Similar unanswered questions, most frequent wording first."""

    texts: Counter[str] = field(default_factory=Counter)
    closest: str | None = None
    closest_score: float = 0.0

    @property
    def size(self) -> int:
        """How many times any question of the group was asked."""
        return sum(self.texts.values())


def group_questions(rows: list[Unanswered]) -> list[QuestionGroup]:
    """Greedy grouping by similarity of the folded text; largest groups first."""
    groups: list[QuestionGroup] = []
    keys: list[str] = []
    for row in rows:
        key = fold(row.text)
        if not key:
            continue
        found = process.extractOne(key, keys, scorer=fuzz.token_set_ratio, score_cutoff=SIMILAR)
        if found is None:
            groups.append(QuestionGroup())
            keys.append(key)
            group = groups[-1]
        else:
            group = groups[found[2]]
        group.texts[row.text.strip()] += 1
    groups.sort(key=lambda g: g.size, reverse=True)
    return groups


def yaml_snippet(texts: list[str]) -> str:
    """Phrasings as YAML list lines, always quoted so no text becomes a YAML trap."""
    return "\n".join(f"  - {json.dumps(text, ensure_ascii=False)}" for text in texts)


def build_report(kb: KnowledgeBase, rows: list[Unanswered], days: int, top: int = 15) -> str:
    """The report as text."""
    fallback_rows = [row for row in rows if row.reason == "fallback"]
    unhelpful = [row for row in rows if row.reason == "not_helpful"]
    matcher = Matcher(kb)
    lines = [f"Questions the bot could not answer in the last {days} days: {len(fallback_rows)}"]
    groups = group_questions(fallback_rows)
    if groups:
        lines[0] += f" ({len(groups)} groups of similar questions)"
    for number, group in enumerate(groups[:top], start=1):
        wordings = [text for text, _ in group.texts.most_common()]
        best = matcher.match(wordings[0]).best
        lines.append("")
        lines.append(f"{number}. asked {group.size}x: {wordings[0]!r}")
        for other in wordings[1:4]:
            lines.append(f"   also: {other!r}")
        if best is None:
            lines.append("   closest entry: none; this may need a new entry (see the template in")
            lines.append("   knowledge/README.md), or it is outside what the bot covers.")
            continue
        entry = kb.entries[best.entry_id]
        lines.append(f"   closest entry: {entry.id} ({entry.file}), score {best.score:.0f}")
        lines.append("   if it belongs there, paste under its 'questions:':")
        lines.append(yaml_snippet(wordings[:5]))
    if not groups:
        lines.append("Nothing to report: every question got an answer or a 'Did you mean'.")

    lines.append("")
    counts = Counter(row.entry_id for row in unhelpful if row.entry_id)
    lines.append(f'Answers marked "Not helpful": {sum(counts.values())}')
    examples: dict[str, list[str]] = defaultdict(list)
    for row in unhelpful:
        if row.entry_id and len(examples[row.entry_id]) < 3:
            examples[row.entry_id].append(row.text)
    for entry_id, count in counts.most_common(top):
        where = kb.entries[entry_id].file if entry_id in kb.entries else "(entry no longer exists)"
        lines.append(f"  {entry_id} ({where}): {count}x, e.g. {examples[entry_id]}")
    return "\n".join(lines)


async def load_rows(database: Path, days: int, now: datetime) -> list[Unanswered]:
    """Purge expired rows, then read what is left (oldest first)."""
    async with Store.open(database) as store:
        await store.purge_unanswered(now - timedelta(days=days))
        return await store.unanswered_since(now - timedelta(days=days), limit=100_000)


async def load_postgres_rows(url: str, days: int, now: datetime) -> list[Unanswered]:
    """:func:`load_rows` from the PostgreSQL database of replicas (``DATABASE_URL``)."""
    from bot.storage.postgres import PostgresStore

    async with await PostgresStore.open(url, pool_size=1) as store:
        await store.purge_unanswered(now - timedelta(days=days))
        return await store.unanswered_since(now - timedelta(days=days), limit=100_000)


def add_command(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
) -> argparse.ArgumentParser:
    """Register ``report`` on the CLI."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "report",
        help="show unanswered and 'not helpful' questions, grouped, with YAML to paste",
        description="Read the bot's database and list the most frequent questions it could not "
        "answer (grouped by similarity), the answers most often marked 'Not helpful', and for "
        "each group the closest entry with ready-to-paste alternate phrasings.",
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=None,
        help="SQLite file (default: the PostgreSQL database of $DATABASE_URL if set, else "
        "$DATABASE_PATH or data/backcare.sqlite3)",
    )
    parser.add_argument(
        "--days",
        type=days_count,
        default=None,
        help="look back this many days; older rows are deleted (default: "
        f"$UNANSWERED_RETENTION_DAYS or {DEFAULT_DAYS}; at most {MAX_DAYS})",
    )
    parser.add_argument(
        "--top", type=positive_count, default=15, help="groups to show (default 15)"
    )
    return parser


def positive_count(text: str, *, most: int | None = None) -> int:
    """A whole number from 1 (to ``most``), or the argparse error that names the bad value.

    ``report`` deletes what is older than ``--days``: -5 would delete every stored question and
    0 used to fall back silently to the default, so both are refused before anything is done.
    """
    value = int(text) if re.fullmatch(r"\s*\+?[0-9]+\s*", text) else 0
    if value < 1 or (most is not None and value > most):
        wanted = f"a whole number from 1 to {most}" if most else "a positive whole number"
        raise argparse.ArgumentTypeError(f"must be {wanted}, not {text!r}")
    return value


def days_count(text: str) -> int:
    """``--days`` and ``UNANSWERED_RETENTION_DAYS``: whole days, like the bot's own setting."""
    return positive_count(text, most=MAX_DAYS)


def run(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """``report``: print the report; exit 1 if the database is missing, 2 on a bad setting."""
    database = args.database or Path(os.environ.get("DATABASE_PATH") or DEFAULT_DATABASE)
    days = args.days
    if days is None:
        setting = os.environ.get("UNANSWERED_RETENTION_DAYS") or str(DEFAULT_DAYS)
        try:
            days = days_count(setting)
        except argparse.ArgumentTypeError as error:
            print(f"UNANSWERED_RETENTION_DAYS {error}; pass --days N.", file=sys.stderr)
            return 2
    url = os.environ.get("DATABASE_URL", "").strip()
    if url and args.database is None:  # the bot runs on PostgreSQL: read that
        import asyncpg  # here: the SQLite report never loads the PostgreSQL driver

        from bot.storage.postgres import errors as postgres_errors

        try:
            rows = asyncio.run(load_postgres_rows(url, days, datetime.now(UTC)))
        except (OSError, TimeoutError, asyncpg.PostgresError, StorageError) as error:
            print(postgres_errors.open_failure(url, error), file=sys.stderr)
            return 1
        print(build_report(kb, rows, days, args.top))
        return 0
    if not database.exists():
        print(f"No database at {database}. Run the bot first, or pass --database FILE.")
        return 1
    rows = asyncio.run(load_rows(database, days, datetime.now(UTC)))
    print(build_report(kb, rows, days, args.top))
    return 0
