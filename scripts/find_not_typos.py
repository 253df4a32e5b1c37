"""List the common English words the matcher would read as a typo of another word.

    pip install wordfreq
    python scripts/find_not_typos.py [--top 30000] [--knowledge knowledge]

The matcher reads a word it does not know as a typo of the closest word of the knowledge base
("strech" is "stretch"). A real word close to one of them would be changed into it: "shooting"
into "shouting", "message" into "massage", "wearing" into "warning". This prints the words of
wordfreq's most frequent English words that would be changed into a word with another stem,
as YAML lines for ``not_typos:`` in ``knowledge/_vocabulary.yaml``; a listed word is read as
written. Run it after adding words to the knowledge base, review what it prints (a word typed
with its last "g" left out, "lookin", is meant as "looking" and is not printed), and add it.

wordfreq is not one of the bot's dependencies: only this script uses it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.answering.term_analysis import TermAnalyser, stem
from bot.core.knowledge import load_knowledge


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=30000, help="how many frequent words")
    parser.add_argument("--knowledge", type=Path, default=Path("knowledge"))
    options = parser.parse_args()
    try:
        from wordfreq import top_n_list
    except ImportError:
        print("This script needs wordfreq: pip install wordfreq", file=sys.stderr)
        return 2
    kb = load_knowledge(options.knowledge)
    analyser = TermAnalyser(kb)
    found = []
    for word in top_n_list("en", options.top):
        if not (word.isascii() and word.isalpha()) or word in kb.not_typos:
            continue
        fixed = analyser.analyse(word)[1]  # the spelling fixes made, as (typed, read)
        if not fixed:
            continue
        read = fixed[0][1]
        if read == word + "g" or stem(read) == stem(word):
            continue  # a dropped "g", or the same word in another form
        if read == word.replace("z", "s") or word.startswith(read):
            continue  # an American spelling, or a shortened "should" ("shouldnt")
        found.append((word, read))
    for word, read in sorted(found):
        print(f"  - {word}  # not {read}")
    print(f"{len(found)} word(s) of the {options.top} most frequent", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
