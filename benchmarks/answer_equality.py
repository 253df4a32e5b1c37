"""Proof that the faster hot path gives the same answers: a fingerprint of every reply, compared.

Run: ``python benchmarks/answer_equality.py record FILE`` with the code before a change (the
committed baseline, ``benchmarks/equality_baseline.json``, is of ``main`` as it answers now: a
change meant to alter answers records it again), then
``python benchmarks/answer_equality.py compare FILE`` with the code after. Exit status 1 and the
differing messages if anything changed.

What is compared, per message (conversations are replayed with their ``before`` messages, and every
message of them is compared, not only the judged one):

- the whole answer: reply kind, entry, a hash of its text and buttons, the safety verdict, the
  reading (kind, entry, detail, options, subject) and the matcher's top five (entry, score, band);
- ``Matcher.match`` alone on the same text: top five candidates with score and band;
- the whole answer and every red-flag mention (with its context decision) for the long
  messages of ``hot_path.py`` (4,096 characters of stories and of prose);
- the same ``match`` on synthetic knowledge bases of 1,000 and 5,000 entries (``synthetic.py``),
  for the real questions and phrasings of the synthetic entries themselves, and at 5,000 the
  whole answer to each of them.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from hot_path import messages as hot_path_messages  # noqa: E402
from synthetic import synthetic_kb, synthetic_questions  # noqa: E402

from bot.core.answering.answerer import Answerer  # noqa: E402
from bot.core.answering.match_result import Match  # noqa: E402
from bot.core.knowledge import load_knowledge  # noqa: E402
from bot.tools.evaluation import load_probes  # noqa: E402

SETS = [
    *sorted((ROOT / "benchmarks" / "regression").glob("*.yaml")),
    *sorted((ROOT / "benchmarks" / "heldout").glob("*.yaml")),
    ROOT.parent / "shared" / "eval" / "dev.yaml",
    ROOT.parent / "shared" / "eval" / "conversations.yaml",
    ROOT.parent / "shared" / "eval" / "safety.yaml",
    ROOT / "benchmarks" / "safety_dev.yaml",
    ROOT / "benchmarks" / "safety_heldout.yaml",
]
SYNTHETIC_SIZES = (1000, 5000)


def _match(match: Match | None) -> list[Any]:
    if match is None:
        return []
    return [match.band.value, [[c.entry_id, c.score, c.support, c.named] for c in match.candidates]]


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def fingerprints() -> dict[str, Any]:
    """Every compared figure, keyed by set, message number and part."""
    kb = load_knowledge(ROOT / "knowledge")
    answerer = Answerer(kb)
    matcher = answerer.matcher
    found: dict[str, Any] = {}
    for path in SETS:
        if not path.exists():
            continue
        probes, _ = load_probes(path)
        for number, probe in enumerate(probes):
            conversation = None
            for step, text in enumerate((*probe.before, probe.text)):
                outcome = answerer.answer(text, conversation)
                conversation = outcome.conversation
                reply, reading = outcome.reply, outcome.reading
                buttons = [[b.label, b.data or b.url or ""] for row in reply.buttons for b in row]
                found[f"{path.name}#{number}.{step} answer"] = [
                    text,
                    reply.kind.value,
                    reply.entry_id,
                    _digest(reply.html + json.dumps(buttons)),
                    outcome.safety.verdict.value if outcome.safety else None,
                    [
                        reading.kind,
                        reading.entry_id,
                        reading.detail,
                        list(reading.options),
                        reading.subject,
                    ]
                    if reading
                    else None,
                    _match(outcome.match),
                ]
                found[f"{path.name}#{number}.{step} match"] = _match(matcher.match(text))
    # Long messages (4,096 characters, hot_path.py's): the answer and every red-flag mention
    # with its context decision (the red-flag check reads long messages by sentence).
    for name, texts in hot_path_messages(kb).items():
        if "4,096" not in name:
            continue
        for number, text in enumerate(texts):
            outcome = answerer.answer(text)
            decision = answerer.screen.assess(text)
            found[f"{name}#{number} long"] = [
                _digest(text),
                outcome.reply.kind.value,
                outcome.reply.entry_id,
                _digest(outcome.reply.html),
                _match(outcome.match),
                decision.verdict.value,
                decision.rest,
                decision.question_entry,
                [
                    [m.flag.id, m.words, m.status.name, m.trigger, m.category, m.overruled_by]
                    for m in decision.mentions
                ],
            ]
    questions = sorted({value[0] for key, value in found.items() if key.endswith(" answer")})
    for size in SYNTHETIC_SIZES:
        big = synthetic_kb(kb, size)
        big_answerer = Answerer(big)
        big_matcher = big_answerer.matcher
        for number, text in enumerate(questions + synthetic_questions(big, 300)):
            found[f"synthetic-{size}#{number} match"] = [text, *_match(big_matcher.match(text))]
            if size == max(SYNTHETIC_SIZES):
                outcome = big_answerer.answer(text)
                reading = outcome.reading
                found[f"synthetic-{size}#{number} answer"] = [
                    outcome.reply.kind.value,
                    outcome.reply.entry_id,
                    _digest(outcome.reply.html),
                    [reading.kind, reading.entry_id, reading.detail, list(reading.options)]
                    if reading
                    else None,
                ]
    return found


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in {"record", "compare"}:
        print(__doc__)
        return 2
    path = Path(sys.argv[2])
    now = fingerprints()
    if sys.argv[1] == "record":
        lines = (f"{json.dumps(key)}: {json.dumps(now[key])}" for key in sorted(now))
        path.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")  # one a line
        print(f"recorded {len(now)} fingerprints into {path}")
        return 0
    before = json.loads(path.read_text(encoding="utf-8"))
    now = json.loads(json.dumps(now))  # tuples -> lists, as stored
    differ = [key for key in before if before[key] != now.get(key)]
    missing = [key for key in now if key not in before]
    kinds: dict[str, int] = {}
    for key in before:
        kind = key.rsplit(" ", 1)[1]
        if key.startswith("synthetic"):
            kind = f"{key.split('#')[0]} {kind}"
        kinds[kind] = kinds.get(kind, 0) + 1
    print(
        f"compared {len(before)} fingerprints: " + ", ".join(f"{v} {k}" for k, v in kinds.items())
    )
    for key in differ[:20]:
        print(f"  DIFFERENT {key}\n    before {before[key]}\n    after  {now.get(key)}")
    if missing:
        print(f"  {len(missing)} new keys not in the baseline (sets changed?)")
    print("all equal" if not differ else f"{len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
