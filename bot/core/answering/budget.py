"""How much of a long message is read closely: bounded, so a 4,096-character message costs about
what a few sentences cost, while the sentences that ask the question are always kept.

The interpreter reads a long message sentence by sentence and scores only the question and the
sentences around it (``understanding.STORY_SENTENCES``). What sentence punctuation does not bound
is the length of one sentence: a message with no full stops is one "sentence" of hundreds of
words. Such a run of words is cut into pieces of ``MAX_SENTENCE_WORDS`` words, counted from its
end, so the last piece ends where the person stopped typing (where the question usually is) and
the interpreter's usual rule (the last piece with a question mark, else the last piece) applies.
The story around the question is then read up to ``STORY_WORDS`` words, nearest sentences first
(the one just before the question, the one just after, the second before, ...). No message of
the evaluation sets comes near either limit, so their readings are unchanged.
"""

from __future__ import annotations

__all__ = ["MAX_SENTENCE_WORDS", "STORY_WORDS", "bounded", "story_window"]

MAX_SENTENCE_WORDS = 80  # about 450 characters: longer than any question people type
STORY_WORDS = 120  # words of back-story read around the question (about 700 characters)


def bounded(sentences: list[str]) -> list[str]:
    """The sentences, each longer than ``MAX_SENTENCE_WORDS`` words cut into pieces from its end."""
    found: list[str] = []
    for sentence in sentences:
        if len(sentence) < 2 * MAX_SENTENCE_WORDS + 1:  # too short for more words: not split
            found.append(sentence)
            continue
        words = sentence.split()
        if len(words) <= MAX_SENTENCE_WORDS:
            found.append(sentence)
            continue
        head = len(words) % MAX_SENTENCE_WORDS
        if head:
            found.append(" ".join(words[:head]))
        found.extend(
            " ".join(words[start : start + MAX_SENTENCE_WORDS])
            for start in range(head, len(words), MAX_SENTENCE_WORDS)
        )
    return found


def story_window(sentences: list[str], asked: int, before: int, after: int) -> list[int]:
    """The question's index and those of the sentences around it (at most ``before`` before
    and ``after`` after) that fit in ``STORY_WORDS`` words, nearest first; in message order."""
    kept = [asked]
    budget = STORY_WORDS
    order = []
    for distance in range(1, max(before, after) + 1):
        if distance <= before and asked - distance >= 0:
            order.append(asked - distance)
        if distance <= after and asked + distance < len(sentences):
            order.append(asked + distance)
    for index in order:
        size = len(sentences[index].split())
        if size > budget:
            break
        budget -= size
        kept.append(index)
    return sorted(kept)
