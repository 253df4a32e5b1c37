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

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from fingerprints import digest, evaluation_sets, record_or_compare  # noqa: E402
from hot_path import messages as hot_path_messages  # noqa: E402
from synthetic import synthetic_kb, synthetic_questions  # noqa: E402

from bot.core.answering.answerer import Answerer  # noqa: E402
from bot.core.answering.match_result import Match  # noqa: E402
from bot.core.knowledge import load_knowledge  # noqa: E402
from bot.tools.evaluation import load_probes  # noqa: E402

SYNTHETIC_SIZES = (1000, 5000)


def _match(match: Match | None) -> list[Any]:
    if match is None:
        return []
    return [match.band.value, [[c.entry_id, c.score, c.support, c.named] for c in match.candidates]]


def fingerprints() -> dict[str, Any]:
    """Every compared figure, keyed by set, message number and part."""
    kb = load_knowledge(ROOT / "knowledge")
    answerer = Answerer(kb)
    matcher = answerer.matcher
    found: dict[str, Any] = {}
    for path in evaluation_sets():
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
                    digest(reply.html + json.dumps(buttons)),
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
                digest(text),
                outcome.reply.kind.value,
                outcome.reply.entry_id,
                digest(outcome.reply.html),
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
                    digest(outcome.reply.html),
                    [reading.kind, reading.entry_id, reading.detail, list(reading.options)]
                    if reading
                    else None,
                ]
    return found


def _summary(before: dict[str, Any]) -> str:
    kinds: dict[str, int] = {}
    for key in before:
        kind = key.rsplit(" ", 1)[1]
        if key.startswith("synthetic"):
            kind = f"{key.split('#')[0]} {kind}"
        kinds[kind] = kinds.get(kind, 0) + 1
    counted = ", ".join(f"{v} {k}" for k, v in kinds.items())
    return f"compared {len(before)} fingerprints: {counted}"


def main() -> int:
    return record_or_compare(sys.argv, __doc__ or "", fingerprints, _summary)


if __name__ == "__main__":
    sys.exit(main())
