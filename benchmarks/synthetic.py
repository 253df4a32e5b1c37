"""Realistic synthetic knowledge bases of any size, made by varying the real entries.

A knowledge base of thousands of entries would be about many subjects in the same domain: each
entry here is one of the real entries (its kind, answer, steps, details) about a subject of its
own (an invented word, e.g. "velorin"), with phrasings taken from the real entry's, some with a
word dropped, all naming the subject, some with one of two "facet" words shared by many entries
(Zipf-distributed, so a few are in thousands of entries, the worst case for an inverted index).
The real vocabulary ("hip", "stretch", "pain") is therefore in most entries, as it would be.

``write_kb`` writes such a base as YAML files (entries, plus the real texts, red flags and
vocabulary) so that start-up can be measured end to end, loader included.
"""

from __future__ import annotations

import itertools
import random
import shutil
from dataclasses import replace
from pathlib import Path

import yaml

from bot.core.knowledge import Entry, KnowledgeBase, Phrasing

PHRASINGS = 20  # per synthetic entry (the real ones have 56 on average; large bases have fewer)
_CONSONANTS = "bcdfgklmnprstvz"
_VOWELS = "aeiou"


def _invented(rng: random.Random, count: int) -> list[str]:
    """Pronounceable words no dictionary has ("velorin"), all distinct."""
    found: dict[str, None] = {}
    while len(found) < count:
        syllables = rng.randint(2, 4)
        word = "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(syllables))
        found[word + rng.choice(_CONSONANTS)] = None
    return list(found)


def synthetic_kb(real: KnowledgeBase, size: int, seed: int = 7) -> KnowledgeBase:
    """The real entries and ``size`` minus as many more varying them (deterministic)."""
    rng = random.Random(seed)
    bases = list(real.entries.values())
    subjects = _invented(rng, size + 2000)
    facets, subjects = subjects[size:], subjects[:size]
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(facets))))
    entries: dict[str, Entry] = dict(real.entries)
    for number in range(max(0, size - len(bases))):
        base = bases[number % len(bases)]
        subject = subjects[number]
        facet = rng.choices(facets, cum_weights=cumulative, k=2)
        phrasings: dict[str, Phrasing] = {}
        for phrasing in rng.sample(base.questions, min(PHRASINGS, len(base.questions))):
            words = phrasing.text.split()
            if len(words) > 3 and rng.random() < 0.3:
                words.pop(rng.randrange(len(words)))
            if rng.random() < 0.3:
                words.insert(rng.randrange(len(words) + 1), rng.choice(facet))
            if rng.random() < 0.6:
                words += ["for", subject]
            else:
                words.insert(rng.randrange(len(words) + 1), subject)
            text = " ".join(words)
            phrasings[text] = Phrasing(text, None)
        entry_id = f"{subject}-{number}"
        entries[entry_id] = replace(
            base,
            id=entry_id,
            title=f"{subject.capitalize()}: {base.title}"[:40].strip(),
            order=number,
            questions=tuple(phrasings.values()),
            keywords=(subject, *facet, *base.keywords[:4]),
            related=(),
            related_lines=(),
            session=None,
        )
    return replace(real, entries=entries)


def synthetic_questions(kb: KnowledgeBase, count: int, seed: int = 11) -> list[str]:
    """Questions as people would ask a big base: its phrasings with a word dropped or a typo."""
    rng = random.Random(seed)
    phrasings = [p.text for e in kb.entries.values() for p in e.questions]
    picked = []
    for text in rng.sample(phrasings, min(count, len(phrasings))):
        words = text.split()
        if len(words) > 2:
            words.pop(rng.randrange(len(words)))
        if rng.random() < 0.2:
            at = rng.randrange(len(words))
            word = words[at]
            if len(word) > 5:
                cut = rng.randrange(1, len(word))
                words[at] = word[:cut] + word[cut + 1 :]
        picked.append(" ".join(words) + rng.choice(["", "?", " pls", " 🙏"]))
    return picked


def write_kb(real_dir: Path, kb: KnowledgeBase, into: Path) -> Path:
    """``kb``'s entries as YAML files next to a copy of the real texts, red flags and vocabulary."""
    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(real_dir, into, ignore=shutil.ignore_patterns("images", "tests"))
    for entry in kb.entries.values():
        if (real_dir / "entries" / f"{entry.id}.yaml").exists():
            continue  # a real entry, copied as it is
        data: dict[str, object] = {
            "id": entry.id,
            "title": entry.title,
            "kind": "topic",
            "summary": entry.summary,
            "answer": entry.answer,
            "questions": [p.text for p in entry.questions],
            "keywords": list(entry.keywords),
        }
        if entry.details:
            data["details"] = dict(entry.details)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
        (into / "entries" / f"{entry.id}.yaml").write_text(text, encoding="utf-8")
    return into
