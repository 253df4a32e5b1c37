"""The garbage collector paused while a knowledge base is loaded and analysed.

Loading and analysing a base creates hundreds of thousands of objects that all stay alive (and
the YAML node trees, freed by reference counting as each file is read): the collector's runs on
the way find nothing, and its full runs walk the whole growing base again and again, a fifth
of the CPU of building 5,000 entries. The bot's start-up (``services.answer_cache``) has always
paused it; ``load_knowledge`` and ``Answerer`` pause it themselves, so the command line tools
(``ask``, ``chat``, ``eval``, ``kb check``) and the benchmarks build as fast. Nothing built
there holds a reference cycle that would wait for the collector to be freed.

When the collector resumes, what was built is put straight into its oldest generation, which
it walks only when that has grown by a quarter: left in the youngest, it would be walked at
the next allocation (0.1-0.2 s at 5,000 entries), and again on its way to the oldest.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused"]


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside, and as it was afterwards (nested pauses: the outer one ends
    it)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            # freeze + unfreeze: every tracked object moved to the oldest generation, none
            # walked. Not where something is frozen already (``build_answerer`` freezes a
            # base it keeps out of the collector's sight): that must stay frozen.
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
