"""Entry point for ``python -m bot``."""

from bot.cli import main

# Guarded: the chart drawer's spawned process imports this module again (as __mp_main__),
# and must not start a second bot.
if __name__ == "__main__":
    raise SystemExit(main())
