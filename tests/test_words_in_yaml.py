"""Every word the bot says lives in ``knowledge/texts.yaml``: none is left in Python.

The scan is deliberately wider than "what reaches a reply" (which no static check can follow
through variables and helpers): it looks at every string constant in ``bot/core`` and
``bot/edge`` that holds a word (two letters in a row) and accepts it only when the syntax
around it shows it is not said to anyone (a log message, a regular expression, a dictionary
key, a comparison with what was typed, ...) or when it is in the short allow-list below,
where each entry says why. So a new user-facing literal fails here whatever path it takes,
and the allow-list cannot rot silently: an entry that no longer matches anything fails too.

The same walk checks every reference to a text: the key exists, and the values filled in are
exactly the placeholders ``bot/core/knowledge/catalogue.py`` declares for it.
"""

from __future__ import annotations

import ast
import builtins
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.core.knowledge import TEXT_KEYS

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("bot/core", "bot/edge")
WORD = re.compile(r"[A-Za-z]{2}")
PLACEHOLDER = re.compile(r"\{\w+\}")
IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")  # snake_case, never prose
ZONES = frozenset(zoneinfo.available_timezones())

# Modules that speak only to maintainers (kb check, start-up, logs, /reload's problem list):
# the knowledge loader's diagnostics are written for people editing YAML, in English. Only the
# model and the text catalogue of bot/core/knowledge reach a chat.
MAINTAINER_MODULES = frozenset(
    str(path.relative_to(ROOT))
    for path in (ROOT / "bot" / "core" / "knowledge").glob("*.py")
    if path.name not in {"catalogue.py", "model.py"}
) | {"bot/core/safety/explain.py"}  # `ask --explain`: the safety decision, for maintainers
# The web server answers load balancers, Prometheus and logs (operators), never a person.
MAINTAINER_MODULES |= {
    str(path.relative_to(ROOT)) for path in (ROOT / "bot" / "edge" / "web").glob("*.py")
}

# Where a word may stay, and why it is not something the bot says. A module-level constant is
# named as (module, NAME); inside a function or class each string is named as (module, name,
# string), so nothing new can slip into an allowed function unseen.
ALLOWED: dict[tuple[str, ...], str] = {
    # Metrics label values and a slot name: read by Prometheus, never said to anyone.
    ("bot/core/observer.py", "observe_outcome", "none"): "a metrics label: no matcher band",
    ("bot/core/observer.py", "observe_outcome", "unknown"): "a metrics label: no tier",
    ("bot/edge/delivery.py", "TrackingRequest", "observer"): "a slot name",
    ("bot/edge/delivery.py", "TrackingRequest", "timeout"): "a metrics label (error code)",
    ("bot/edge/delivery.py", "TrackingRequest", "network"): "a metrics label (error code)",
    ("bot/edge/observed.py", "update_kind", "other"): "a metrics label (update kind)",
    # Input vocabulary: words the bot reads, never says. They stay beside the code that parses
    # with them: they are the grammar of times, days and questions, not texts to reword, and a
    # maintainer editing YAML should not be able to break "/remind 7:30 weekdays".
    ("bot/core/reminders/schedule.py", "_DAY_NAMES"): "day words people type",
    ("bot/core/reminders/schedule.py", "_FILLER"): "'every', 'on' typed between days",
    ("bot/core/reminders/schedule.py", "parse_time", "am"): "'a.m.' typed, read as 'am'",
    ("bot/core/reminders/schedule.py", "parse_time", "pm"): "'p.m.' typed, read as 'pm'",
    ("bot/core/reminders/views.py", "OFF_WORDS"): "'/remind off' typed",
    ("bot/core/reminders/views.py", "_JOINS"): "'to', 'until' typed between two times",
    ("bot/core/groups/typed.py", "ZONE_WORDS"): "'/settings timezone' typed",
    ("bot/core/groups/policy.py", "_QUESTION_WORDS"): "question words read in messages",
    ("bot/core/answering/term_model.py", "QUESTION_WORDS"): "question words read in messages",
    ("bot/core/normalise.py", "STOPWORDS"): "function words read in messages",
    ("bot/core/normalise.py", "_CONTRACTIONS"): "contractions read in messages",
    # Identifiers and names that look like words: never shown, or shown as they are.
    ("bot/core/normalise.py", "_stemmer"): "the stemmer's language",
    ("bot/core/normalise.py", "fold_unicode", "NFKD"): "a Unicode normal form",
    ("bot/core/normalise.py", "fold_unicode", "NFKC"): "a Unicode normal form",
    ("bot/core/normalise.py", "simplify", "NFKC"): "a Unicode normal form",
    ("bot/core/reminders/schedule.py", "_NOT_ZONES"): "zone file names that are not zones",
    ("bot/core/reminders/schedule.py", "_REGIONS"): "IANA region names, to rank suggestions",
    ("bot/core/groups/modes.py", "MENTIONS"): "a stored setting value",
    ("bot/core/groups/modes.py", "QUESTIONS"): "a stored setting value",
    ("bot/core/records.py", "Delivery", "private"): "a Telegram chat type",
    ("bot/edge/delivery.py", "GROUP_KINDS"): "Telegram chat types",
    ("bot/edge/delivery.py", "GONE_DESCRIPTIONS"): "Telegram's error descriptions, compared",
    ("bot/edge/delivery.py", "retry_seconds", "ignore"): "a warnings filter action",
    ("bot/core/answering/inline_results.py", "URGENT_ID"): "an inline result id",
    ("bot/core/answering/inline_results.py", "EXPLAIN_ID"): "an inline result id",
    ("bot/edge/rate_limits.py", "READS"): "Bot API method names",
    ("bot/edge/keyboards.py", "PrebuiltKeyboard", "_json"): "a slot name",
    ("bot/edge/transport.py", "JSON_HEADERS"): "HTTP headers",
    ("bot/edge/transport.py", "POOL_TIMEOUT"): "python-telegram-bot's error text, for logs",
    ("bot/edge/transport.py", "json_body", "utf-8"): "an encoding name",
    ("bot/edge/transport.py", "JsonRequest", "httpx."): "an error text for logs (as PTB's)",
    ("bot/edge/transport.py", "RAW_HEADERS"): "an encoding name",
    ("bot/edge/transport.py", "PooledRequest", "_pool"): "a slot name",
    ("bot/edge/transport.py", "PooledRequest", "_pool_size"): "a slot name",
    ("bot/edge/transport.py", "PooledRequest", "_timeouts"): "a slot name",
    ("bot/edge/transport.py", "PooledRequest", "_uploads"): "a slot name",
    ("bot/edge/transport.py", "PooledRequest", "httpcore."): "an error text for logs",
    ("bot/edge/question_log.py", "record", "answered"): "a statistics counter name",
    ("bot/edge/question_log.py", "record", "unanswered"): "a statistics counter name",
    ("bot/edge/handlers/questions.py", "press", "helpful"): "a statistics counter name",
    ("bot/edge/delivery.py", "TrackingRequest", "_inner"): "a __slots__ name",
    ("bot/edge/polling.py", "SkipReporter", "empty"): "a log message's detail",
    ("bot/edge/polling.py", "PollingBot", "_conflict_handler"): "a __slots__ name",
    ("bot/edge/polling.py", "PollingBot", "_conflicts"): "a __slots__ name",
    ("bot/edge/polling.py", "PollingBot", "_reporter"): "a __slots__ name",
    ("bot/edge/polling.py", "PollingBot", "_skip_below"): "a __slots__ name",
    ("bot/edge/polling.py", "PollingBot", "_stopping"): "a __slots__ name",
    ("bot/edge/polling.py", "PollingBot", "getUpdates"): "a Bot API method name",
    ("bot/core/knowledge/model.py", "CONTEXT_CATEGORIES"): "category names in red_flags/ YAML",
    ("bot/core/knowledge/model.py", "MODIFYING_CATEGORIES"): "category names in red_flags/ YAML",
    ("bot/core/safety/tokens.py", "_SUFFIXES"): "word endings read in messages",
    ("bot/core/safety/wording.py", "NEGATIONS"): "words read in messages, never said",
    ("bot/core/safety/wording.py", "_TOLD_AFTER_WHICH"): "words read in messages, never said",
    ("bot/core/safety/wording.py", "_JUDGED"): "words read in messages, never said",
    ("bot/core/answering/sentences.py", "_BACK"): "words read in messages, never said",
    ("bot/core/answering/sentences.py", "_IMPERATIVE"): "words read in messages, never said",
    ("bot/core/answering/follow_ups.py", "_PLACE"): "words read in messages, never said",
    ("bot/core/safety/decision.py", "UNLESS"): "a category name shown by ask --explain",
    ("bot/core/safety/decision.py", "WITH_ME_NOW"): "the name of a word list, never said",
    ("bot/core/safety/decision.py", "TOLD_AS_MINE"): "the name of a word list, never said",
    ("bot/core/safety/decision.py", "OTHERS_HURTING_NOW"): "the name of a word list, never said",
    ("bot/core/safety/decision.py", "OTHERS_CARED_FOR"): "the name of a word list, never said",
    ("bot/core/safety/decision.py", "MINE_TOO"): "the name of a word list, never said",
    ("bot/core/safety/decision.py", "DONE_TO_WRITER"): "the name of a word list, never said",
    ("bot/core/safety/decision.py", "LONG_PAST"): "the name of a word list, never said",
    ("bot/core/answering/dictation.py", "_NAMING"): "words read in messages, never said",
    ("bot/core/safety/context.py", "_CONDITIONAL"): "a context category of red_flags/context.yaml",
    ("bot/core/answering/matching.py", "NOT"): "a term read in phrasings, never said",
    ("bot/core/answering/matching.py", "ANALYSED"): "a key of the matcher's memo, never said",
    ("bot/core/normalise.py", "_BARE_NEGATIONS"): "spellings read in messages, never said",
    ("bot/core/normalise.py", "EMOJI_WORDS"): "what emoji in messages are read as, never said",
    ("bot/core/answering/question_reading.py", "_NO_NAME"): "words read in messages, never said",
    ("bot/core/answering/question_reading.py", "_COUNTING"): "words read in messages, never said",
    ("bot/core/answering/choosing.py", "_RANK"): "words read in messages, never said",
    ("bot/core/answering/follow_ups.py", "_THE_OTHER"): "words read in messages, never said",
    ("bot/core/answering/sentences.py", "_GOES_ON"): "words read in messages, never said",
    ("bot/core/asking.py", "ASKING"): "words read in messages, never said",
    ("bot/core/safety/wording.py", "_BACK"): "words read in messages, never said",
    ("bot/core/safety/wording.py", "_MEANING"): "words read in messages, never said",
    ("bot/core/safety/wording.py", "_TURNS"): "words read in messages, never said",
    ("bot/core/safety/wording.py", "_REQUESTS"): "words read in messages, never said",
    ("bot/core/safety/wording.py", "_BEFORE_A_REQUEST"): "words read in messages, never said",
    ("bot/core/asking.py", "QUESTION_WORDS"): "words read in messages, never said",
    ("bot/core/asking.py", "OPENERS"): "words read in messages, never said",
    ("bot/core/asking.py", "COURTESIES"): "words read in messages, never said",
    ("bot/core/asking.py", "_ASKING_VERBS"): "words read in messages, never said",
    ("bot/core/asking.py", "_ALSO_STATEMENTS"): "words read in messages, never said",
    ("bot/core/asking.py", "_SUBJECTS"): "words read in messages, never said",
    ("bot/core/safety/tokens.py", "NOT_FRAGMENT"): "words read in messages, never said",
    ("bot/core/safety/tokens.py", "_ABILITY"): "how a message is read, never said",
    ("bot/core/safety/tokens.py", "_ASKS_ITSELF"): "how a message is read, never said",
    ("bot/core/safety/tokens.py", "_no_instead", "no "): "how a message is read, never said",
    ("bot/core/safety/tokens.py", "_no_instead", " not "): "how a message is read, never said",
    ("bot/core/safety/tokens.py", "_item_then", "no "): "how a message is read, never said",
    ("bot/core/safety/tokens.py", "_listed_no", "no "): "how a message is read, never said",
    ("bot/core/safety/tokens.py", "answered_checklist", "no to all"): "how a message is read",
    ("bot/core/safety/tokens.py", "_crosses_as_answers", " no "): "how a message is read",
    ("bot/core/safety/tokens.py", "_crosses_as_answers", " no, "): "how a message is read",
    ("bot/core/safety/tokens.py", "_WELL"): "words read in messages, never said",
    ("bot/core/safety/tokens.py", "_ANSWERING"): "words read in messages, never said",
    ("bot/core/safety/tokens.py", "fold", "NFKD"): "a Unicode normal form",
    ("bot/core/safety/tokens.py", "fold", "ascii"): "a codec name",
    ("bot/core/safety/tokens.py", "fold", "ignore"): "a codec error handler",
    ("bot/core/answering/language.py", "looks_english", "ascii"): "a codec name",
    ("bot/core/answering/language.py", "looks_english", "ignore"): "a codec error handler",
    ("bot/core/answering/language.py", "ENGLISH"): "language codes pycld2 returns",
    ("bot/core/answering/term_analysis.py", "PLURAL"): "a suffix of internal terms",
    ("bot/core/answering/question_reading.py", "ALWAYS"): "group names of _vocabulary.yaml",
    ("bot/core/answering/question_reading.py", "_DENIALS"): "words read in messages, never said",
    ("bot/core/answering/question_reading.py", "_CHOOSING"): "words read, never said",
    ("bot/core/answering/question_reading.py", "_CIRCUMSTANCE"): "words read, never said",
    ("bot/core/answering/reading.py", "with_aside", "told beside it: "): "explain",
    ("bot/core/answering/question_reading.py", "_DENIED_BETWEEN"): "words read, never said",
    ("bot/core/answering/question_reading.py", "_ONLY_WEIGHED"): "words read, never said",
    ("bot/core/answering/question_reading.py", "_JOINED"): "words read, never said",
    ("bot/core/answering/question_reading.py", "_LANDMARK"): "words read, never said",
    ("bot/core/answering/question_reading.py", "_NO_TO"): "words read, never said",
    ("bot/core/answering/question_reading.py", "_OF_ONESELF"): "words read, never said",
    ("bot/core/answering/question_reading.py", "_POINTERS"): "words read, never said",
    ("bot/core/answering/question_reading.py", "_ONE_OPTION"): "an explain note",
    ("bot/core/answering/question_reading.py", "_REQUESTED"): "an explain note",
    ("bot/core/answering/question_reading.py", "_FORM_ASKED"): "an explain note",
    ("bot/core/answering/question_reading.py", "QuestionReader", "lying "): "a word read",
    ("bot/core/answering/follow_ups.py", "NAMED"): "an explain note",
    # Reading kinds (internal codes) and the trace that `ask --explain` prints to maintainers.
    ("bot/core/answering/reading.py", "entry_reading", "answer"): "a reading kind",
    ("bot/core/answering/reading.py", "entry_reading", "detail"): "a reading kind",
    ("bot/core/answering/understanding.py", "Interpreter", "none"): "a reading kind",
    ("bot/core/answering/question_reading.py", "QuestionReader", "none"): "a reading kind",
    ("bot/core/answering/confidence.py", "Confidence", "none"): "a reading kind",
    ("bot/core/answering/understanding.py", "Interpreter", "long message: question "): "explain",
    (
        "bot/core/answering/question_reading.py",
        "QuestionReader",
        "about doing the exercise",
    ): "explain",
    ("bot/core/answering/understanding.py", "_FOLLOW_UP_NOTE"): "an explain note it looks for",
    ("bot/core/answering/follow_ups.py", "FollowUpReader", "follow-up on "): "explain",
    ("bot/core/answering/understanding.py", "Interpreter", "the question read as "): "explain",
    ("bot/core/answering/question_reading.py", "QuestionReader", "option from the last list: "): (
        "explain"
    ),
    ("bot/core/answering/question_reading.py", "_DEFAULT"): "an explain note",
    ("bot/core/answering/question_reading.py", "QuestionReader", ", the named set aside"): (
        "explain"
    ),
    ("bot/core/answering/question_reading.py", "QuestionReader", "compared with "): "explain",
    ("bot/core/answering/question_reading.py", "QuestionReader", "side by side: "): "explain",
    ("bot/core/answering/question_reading.py", "QuestionReader", "weighed: "): "explain",
    ("bot/core/answering/question_reading.py", "QuestionReader", "picked out of "): "explain",
    (
        "bot/core/answering/question_reading.py",
        "QuestionReader",
        "what the exercise talked about involves",
    ): "explain",
    ("bot/core/answering/understanding.py", "Interpreter", ", about "): "explain",
    ("bot/core/answering/understanding.py", "Interpreter", "a detail of "): "explain",
    (
        "bot/core/answering/understanding.py",
        "Interpreter",
        ", named in the sentence before the question",
    ): "explain",
    ("bot/core/answering/understanding.py", "Interpreter", ", beside another"): "explain",
    ("bot/core/answering/question_reading.py", "QuestionReader", "the topic, in a tie"): "explain",
    (
        "bot/core/answering/question_reading.py",
        "QuestionReader",
        "a body part in the exercise named",
    ): "explain",
    (
        "bot/core/answering/question_reading.py",
        "QuestionReader",
        "how the exercise talked about is done",
    ): "explain",
    (
        "bot/core/answering/question_reading.py",
        "QuestionReader",
        "where the exercise talked about is done",
    ): "explain",
    (
        "bot/core/answering/question_reading.py",
        "QuestionReader",
        "what happens while doing the exercise talked about",
    ): "explain",
    ("bot/core/answering/question_reading.py", "QuestionReader", "the exercise beside "): "explain",
    ("bot/core/answering/question_reading.py", "QuestionReader", "the exercise called: "): (
        "explain"
    ),
    (
        "bot/core/answering/question_reading.py",
        "QuestionReader",
        "an exercise just listed, named",
    ): "explain",
    (
        "bot/core/answering/question_reading.py",
        "QuestionReader",
        "a detail of the named",
    ): "explain",
    ("bot/core/answering/understanding.py", "Interpreter", "the question "): "explain",
    ("bot/core/answering/understanding.py", "Interpreter", " names its entry"): "explain",
    (
        "bot/core/answering/understanding.py",
        "Interpreter",
        "the question checks the sentence before it",
    ): "explain",
    (
        "bot/core/answering/understanding.py",
        "Interpreter",
        "the question asks how the sentence before it could be",
    ): "explain",
    (
        "bot/core/answering/understanding.py",
        "Interpreter",
        "a phrase of the answer just given, quoted: ",
    ): "explain",
    ("bot/core/answering/understanding.py", "Interpreter", " asks what a thing is"): "explain",
    # (the words that point back at an earlier answer, read as "that": never said)
    ("bot/core/answering/understanding.py", "Interpreter", "that"): "words read, never said",
    ("bot/core/answering/question_reading.py", "NEXT_WORDS"): "words read in messages, never said",
    ("bot/core/answering/question_reading.py", "QuestionReader", "an ordinal, and no list shown"): (
        "explain"
    ),
    ("bot/core/answering/scope.py", "ABSENT"): "words people type that say 'absent'",
    ("bot/core/answering/scope.py", "NEGATIONS"): "internal terms of the matcher",
    ("bot/core/answering/follow_ups.py", "FollowUpReader", "a follow-up on "): "explain",
    ("bot/core/answering/follow_ups.py", "_OF_THE_LIST"): "words read in messages, never said",
    ("bot/core/answering/follow_ups.py", "_TAKEN_BACK"): "words read in messages, never said",
    ("bot/core/answering/follow_ups.py", "_AS_MINE"): "words read in messages, never said",
    ("bot/core/answering/follow_ups.py", "FollowUpReader", " with nothing to follow"): "explain",
    ("bot/core/answering/understanding.py", "Interpreter", "question in the clause "): "explain",
    ("bot/core/answering/understanding.py", "Interpreter", "another question of the message: "): (
        "explain"
    ),
    (
        "bot/core/answering/understanding.py",
        "Interpreter",
        "clauses about what is absent left aside",
    ): ("explain"),
    # Links and deep-link parameters.
    ("bot/core/groups/views.py", "private_link", "https://t.me/"): "a URL",
    ("bot/core/groups/views.py", "private_link", "?start="): "a URL",
    ("bot/core/groups/views.py", "URGENT_START"): "the deep link /start urgent[-tier]",
    ("bot/core/reminders/views.py", "private_only", "https://t.me/"): "a URL",
    ("bot/core/reminders/views.py", "private_only", "?start=remind"): "a URL",
    ("bot/edge/handlers/inline.py", "answer", "https://t.me/"): "a URL",
    ("bot/edge/handlers/inline.py", "START_PARAMETER"): "the deep link /start inline",
    # Guided sessions: matplotlib arguments, the pictures' file names, a task name.
    ("bot/core/sessions/chart.py", "draw_chart", "white"): "a matplotlib colour",
    ("bot/core/sessions/chart.py", "draw_chart", "upper left"): "a matplotlib legend place",
    ("bot/core/sessions/chart.py", "draw_chart", "png"): "an image format",
    ("bot/core/sessions/chart.py", "draw_chart", "center"): "a matplotlib alignment",
    ("bot/core/sessions/chart.py", "draw_chart", "bottom"): "a matplotlib alignment",
    ("bot/edge/stretch_sessions.py", "picture", "images"): "the pictures' folder name",
    ("bot/edge/stretch_sessions.py", "picture", ".png"): "the pictures' file suffix",
    ("bot/edge/stretch_sessions.py", "start", "stretch-sessions"): "an asyncio task name",
    # Group stretch breaks: the group chart's matplotlib arguments, a byte order, a deep link.
    ("bot/core/sessions/chart.py", "draw_group_chart", "png"): "an image format",
    ("bot/core/sessions/chart.py", "draw_group_chart", "center"): "a matplotlib alignment",
    ("bot/core/sessions/chart.py", "draw_group_chart", "bottom"): "a matplotlib alignment",
    ("bot/core/groups/participation.py", "WeeklyParticipants", "big"): "a byte order",
    ("bot/edge/handlers/__init__.py", "register", "^/start(@\\w+)?\\s+"): "a command pattern",
    ("bot/edge/handlers/group_breaks.py", "start_press", "https://t.me/"): "a URL",
    ("bot/edge/handlers/group_breaks.py", "start_press", "?start="): "a URL",
}

EXCEPTIONS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)
LOGGERS = frozenset({"log", "logger", "logging"})
REGEX_FUNCTIONS = frozenset(
    {"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"}
)
KEY_METHODS = frozenset({"get", "pop", "setdefault", "startswith", "endswith", "removeprefix"})
# Functions that take a text key (second argument) and fill it: label(texts, KEY, **values).
KEYED_CALLS = frozenset({"label", "toast"})


@dataclass(frozen=True)
class Literal:
    """A string constant holding a word, where it is, and why the syntax around it shows it is
    not said to anyone (None: it does not); ``key`` is how ALLOWED would name it."""

    module: str
    line: int
    value: str
    reason: str | None
    key: tuple[str, ...]


def modules() -> list[Path]:
    return sorted(path for folder in SCANNED for path in (ROOT / folder).rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def docstrings(tree: ast.Module) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def top_level_name(statement: ast.stmt) -> str:
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return statement.name
    if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id
    if isinstance(statement, ast.For):
        return f"for {ast.unparse(statement.target)}"
    return ""


def constant_key(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def attribute_chain(node: ast.expr) -> list[str]:
    names: list[str] = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        names.append(node.id)
    return names[::-1]


# Nodes a string passes through on its way up without changing what it is used for.
TRANSPARENT = (
    ast.IfExp,
    ast.BoolOp,
    ast.BinOp,
    ast.Tuple,
    ast.List,
    ast.Set,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.Starred,
    ast.comprehension,
    ast.GeneratorExp,
    ast.ListComp,
    ast.SetComp,
)


def call_reason(call: ast.Call, child: ast.AST, parents: dict[int, ast.AST]) -> str | None:
    """Why a string given to ``call`` (as or inside ``child``) is not said to anyone."""
    chain = attribute_chain(call.func)
    if chain and chain[0] in LOGGERS:
        return "a log message"
    if len(chain) == 2 and chain[0] == "re" and chain[1] in REGEX_FUNCTIONS:
        return "a regular expression"
    if "store" in chain or "_store" in chain:
        return "a value for the store (a counter or record name)"
    if len(chain) == 1 and chain[0] in EXCEPTIONS and isinstance(parents.get(id(call)), ast.Raise):
        return "a programming error (logged; people get error_apology)"
    first = call.args[0] if call.args else None
    if chain and chain[-1] in KEY_METHODS and child is first:
        return "a key or prefix looked up"
    if chain == ["CommandHandler"] and child is first:
        return "a command name"
    return None


def in_key_argument(node: ast.AST, parents: dict[int, ast.AST]) -> str | None:
    """A ``key=`` argument names a reply for the duplicate window, however it is built."""
    parent = parents.get(id(node))
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.keyword) and parent.arg == "key":
            return "a duplicate-window key"
        parent = parents.get(id(parent))
    return None


def syntactic_reason(node: ast.AST, parents: dict[int, ast.AST]) -> str | None:
    """Why the syntax around a string shows it is not said to anyone, if it does.

    Walks up from the string through expressions that do not change its use (a tuple, a
    conditional, an f-string, ...) to the first one that does: a call, a lookup, a comparison,
    a statement. Only that one decides, so a label passed to a button inside a comparison or a
    dictionary value is still a label.
    """
    child: ast.AST = node
    parent = parents.get(id(node))
    while parent is not None:
        if isinstance(parent, ast.keyword):
            if parent.arg == "key":
                return "a duplicate-window key"
        elif isinstance(parent, ast.Call):
            return call_reason(parent, child, parents) or in_key_argument(parent, parents)
        elif isinstance(parent, ast.Subscript):
            return "a key looked up" if child is parent.slice else None
        elif isinstance(parent, ast.Dict):
            if any(key is child for key in parent.keys):
                return "a dictionary key"
        elif isinstance(parent, ast.Compare):
            return "compared with what was typed or stored"
        elif isinstance(parent, ast.stmt):
            return statement_reason(parent, parents)
        elif not isinstance(parent, TRANSPARENT):
            return None
        child, parent = parent, parents.get(id(parent))
    return None


def statement_reason(statement: ast.stmt, parents: dict[int, ast.AST]) -> str | None:
    """Why the statement a string is in shows it is not said to anyone, if it does."""
    if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
        if statement.targets[0].id == "__all__":
            return "a name exported"
        owner = parents.get(id(statement))
        if isinstance(owner, ast.ClassDef) and any(
            attribute_chain(base)[-1:] in (["Enum"], ["StrEnum"]) for base in owner.bases
        ):
            return "an enum value (an identifier)"
    return None


def scan(source: str, module: str) -> Iterator[Literal]:
    """Every string constant holding a word in one module, with the reason it may stay."""
    tree = ast.parse(source)
    skip = docstrings(tree)
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for statement in tree.body:
        name = top_level_name(statement)
        for node in ast.walk(statement):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            if id(node) in skip or not WORD.search(node.value):
                continue
            if module == "bot/core/callbacks.py":
                reason: str | None = "callback data: a wire format, never shown"
            elif node.value in TEXT_KEYS:
                reason = "the key of a text in texts.yaml"
            elif PLACEHOLDER.fullmatch(node.value):
                reason = "a placeholder of a text"
            elif IDENTIFIER.fullmatch(node.value):
                reason = "an identifier (a chat_data key, setting or counter name)"
            elif node.value in ZONES:
                reason = "a time-zone name"
            elif node.value in COMMANDS:
                reason = "a command the bot registers"
            else:
                reason = syntactic_reason(node, parents)
            key = allow_key(module, statement, name, node.value)
            yield Literal(module, node.lineno, node.value, reason, key)


def registered_commands() -> frozenset[str]:
    """The commands handlers are registered for: ``CommandHandler("start", ...)``."""
    found = set()
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and attribute_chain(node.func) == ["CommandHandler"]
                and node.args
                and (name := constant_key(node.args[0])) is not None
            ):
                found.add(name)
    return frozenset(found)


COMMANDS = registered_commands()


def literals() -> Iterator[Literal]:
    for path in modules():
        module = relative(path)
        if module not in MAINTAINER_MODULES:
            yield from scan(path.read_text(encoding="utf-8"), module)


def unexplained(found: Iterator[Literal]) -> list[str]:
    return [
        f"{literal.module}:{literal.line}: {literal.value!r}"
        for literal in found
        if literal.reason is None and literal.key not in ALLOWED
    ]


def allow_key(module: str, statement: ast.stmt, name: str, value: str) -> tuple[str, ...]:
    """How ALLOWED names a string: by constant, or inside a function or class by its value."""
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return (module, name, value)
    return (module, name)


def test_no_user_facing_literal_is_left_in_python() -> None:
    left = unexplained(literals())
    assert left == [], (
        "these strings look like words the bot says; put them in knowledge/texts.yaml (a key "
        "in bot/core/knowledge/catalogue.py, filled with fill()), or add the place to ALLOWED "
        "with the reason it is not said to anyone:\n" + "\n".join(left)
    )


def test_every_allowance_is_still_needed() -> None:
    """An ALLOWED entry or maintainer module that no longer matches anything must go."""
    needed = {literal.key for literal in literals() if literal.reason is None}
    assert sorted(set(ALLOWED) - needed) == []
    assert all((ROOT / module).is_file() for module in MAINTAINER_MODULES)


SAYING_THINGS = '''
"""A module that talks to people from Python: every string below must be caught."""
from bot.core.replies import Button, Reply, ReplyKind

GREETING = "Hello there"
SHORT = ("Mon", "Weekdays")


def days(mask):
    if mask == 31:
        return "weekdays"
    return f"{mask} days a week"


async def press(query, texts, name):
    await query.answer("Thanks for the feedback!")
    log.info("pressed %s", name)  # a log line is fine
    button = Button("📚 Topics", data="all topics")
    reply = Reply(ReplyKind.INFO, texts["unknown_exercise"].replace("{name}", name))
    choice = "yes" if name else "Nope"
    labels = {"mon": "Monday"}
    raise ScheduleError("I couldn't read that")
'''


def test_the_scan_catches_words_said_from_python() -> None:
    caught = {line.split(": ", 1)[1] for line in unexplained(scan(SAYING_THINGS, "bot/x.py"))}
    assert caught == {
        "'Hello there'",
        "'Mon'",
        "'Weekdays'",
        "'weekdays'",
        "' days a week'",
        "'Thanks for the feedback!'",
        "'📚 Topics'",
        "'all topics'",  # callback data is built in bot/core/callbacks.py, nowhere else
        "'yes'",
        "'Nope'",
        "'Monday'",
        '"I couldn\'t read that"',
    }
    # Not caught, rightly: the docstring, the log line, the text key, the placeholder and the
    # dictionary key "mon" (``.replace("{name}", ...)`` itself is refused by the test below).


# --- references to texts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    """A text used in code: its key, the values filled in (None: not known statically)."""

    where: str
    key: str
    values: frozenset[str] | None


def keywords(call: ast.Call) -> frozenset[str] | None:
    if any(keyword.arg is None for keyword in call.keywords):  # **values
        return None
    return frozenset(keyword.arg for keyword in call.keywords if keyword.arg is not None)


def is_texts(node: ast.expr) -> bool:
    """``texts``, ``self.kb.texts``, ``TEXTS``, ``texts(context)``: the texts of the base."""
    if isinstance(node, ast.Call):
        node = node.func
    chain = attribute_chain(node)
    return bool(chain) and chain[-1].lower() == "texts"


def schedule_error_classes(tree: ast.Module) -> set[str]:
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(attribute_chain(base)[-1:] == ["ScheduleError"] for base in node.bases)
    }


def uses() -> Iterator[Use]:
    """Every place a text is named by a literal key: looked up, filled, labelled or raised."""
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        errors = schedule_error_classes(tree)
        parents = {
            id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)
        }
        for node in ast.walk(tree):
            where = f"{relative(path)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Subscript) and is_texts(node.value):
                key = constant_key(node.slice)
                if key is None:
                    continue
                call = parents.get(id(node))
                if (
                    isinstance(call, ast.Call)
                    and attribute_chain(call.func) == ["fill"]
                    and call.args[:1] == [node]
                ):
                    yield Use(where, key, keywords(call))
                else:  # used as it is: a text with placeholders would show its braces
                    yield Use(where, key, frozenset())
            elif isinstance(node, ast.Call):
                chain = attribute_chain(node.func)
                if chain[-1:] and chain[-1] in KEYED_CALLS and len(node.args) >= 2:
                    key = constant_key(node.args[1])
                elif chain == ["ScheduleError"] or (
                    chain[-1:] == ["__init__"] and enclosing_class(node, parents) in errors
                ):
                    key = constant_key(node.args[0]) if node.args else None
                else:
                    continue
                if key is not None:
                    yield Use(where, key, keywords(node))


def enclosing_class(node: ast.AST, parents: dict[int, ast.AST]) -> str | None:
    parent = parents.get(id(node))
    while parent is not None and not isinstance(parent, ast.ClassDef):
        parent = parents.get(id(parent))
    return parent.name if isinstance(parent, ast.ClassDef) else None


def test_every_text_used_exists_and_gets_exactly_its_placeholders() -> None:
    found = list(uses())
    assert len(found) > 100  # the walk really sees the code
    wrong = []
    for use in found:
        if use.key not in TEXT_KEYS:
            wrong.append(f"{use.where}: no text '{use.key}' in the catalogue")
            continue
        wanted = frozenset(p.strip("{}") for p in TEXT_KEYS[use.key])
        if use.values is not None and use.values != wanted:
            wrong.append(
                f"{use.where}: '{use.key}' gets {sorted(use.values)}, needs {sorted(wanted)}"
            )
    assert wrong == []


def test_the_walk_sees_errors_labels_and_fills() -> None:
    """ScheduleError codes (also UnknownTimezone's), label() keys and fill()ed texts are all
    among the uses checked above."""
    found = {use.key: use.values for use in uses()}
    # raise ScheduleError("time_unreadable", ...), and UnknownTimezone's super().__init__
    assert found["time_unreadable"] == frozenset({"value"})
    assert found["timezone_unknown_many"] == frozenset({"zone", "suggestions", "last"})
    assert found["next_date"] == frozenset({"weekday", "day", "month", "time"})  # label(texts, ...)
    assert found["reminders_too_many"] == frozenset({"count"})  # fill(texts[...], ...)


def test_texts_are_filled_only_by_fill() -> None:
    """No ``.replace("{name}", ...)``, ``.format()`` or ``%`` on a text: fill() escapes values
    and fills each placeholder once."""
    wrong = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{relative(path)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                first = constant_key(node.args[0]) if node.args else None
                if node.func.attr == "replace" and first and PLACEHOLDER.search(first):
                    wrong.append(f"{where}: .replace({first!r}, ...)")
                if node.func.attr in ("format", "format_map") and not (
                    isinstance(node.func.value, ast.Call)  # super().format(record) in logging
                ):
                    wrong.append(f"{where}: .{node.func.attr}(...)")
            if (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Mod)
                and isinstance(node.left, ast.Subscript)
                and is_texts(node.left.value)
            ):
                wrong.append(f"{where}: a text % values")
    assert wrong == []
