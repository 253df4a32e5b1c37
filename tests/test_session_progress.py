"""Weekly progress, the streak, the text for people who cannot see the chart, and the chart."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from bot.core.knowledge import load_knowledge
from bot.core.sessions.chart import draw_chart
from bot.core.sessions.progress import Progress, Week, describe, history_start, weekly_progress

ROOT = Path(__file__).resolve().parent.parent
TEXTS = load_knowledge(ROOT / "knowledge").texts
BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 4 March 2026, 10:00 in Berlin
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def at(day: date, hour: int = 12, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone).astimezone(UTC)


MONDAY = date(2026, 3, 2)


def weeks_ago(n: int, day: int = 0, hour: int = 12) -> datetime:
    return at(MONDAY - timedelta(weeks=n) + timedelta(days=day), hour)


def test_weeks_start_on_monday_in_the_persons_zone() -> None:
    # Sunday 23:30 in Berlin is Sunday 22:30 UTC: last week; Monday 00:30 Berlin is this week
    # although it is still Sunday in UTC.
    sunday_late = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
    monday_early = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    progress = weekly_progress([sunday_late, monday_early], [], NOW, BERLIN)
    assert progress.this_week == Week(MONDAY, 1, 0)
    assert progress.weeks[-2] == Week(MONDAY - timedelta(weeks=1), 1, 0)
    in_utc = weekly_progress([sunday_late, monday_early], [], NOW, ZoneInfo("UTC"))
    assert in_utc.this_week.total == 0


def test_sessions_and_done_presses_both_count_toward_the_goal() -> None:
    progress = weekly_progress(
        [weeks_ago(0, 0), weeks_ago(0, 1)], [weeks_ago(0, 1, 18)], NOW, BERLIN
    )
    assert progress.this_week == Week(MONDAY, 2, 1)
    assert progress.goal == 3 and progress.met(progress.this_week)
    assert len(progress.weeks) == 8
    assert [w.start for w in progress.weeks] == [
        MONDAY - timedelta(weeks=n) for n in range(7, -1, -1)
    ]


def test_stretches_in_the_future_are_ignored() -> None:
    progress = weekly_progress([NOW + timedelta(hours=1)], [NOW], NOW, BERLIN)
    assert progress.this_week == Week(MONDAY, 0, 1)


def three_in_week(n: int) -> list[datetime]:
    return [weeks_ago(n, d) for d in (0, 2, 4)]


def test_the_streak_counts_weeks_at_the_goal_back_from_now() -> None:
    sessions = three_in_week(1) + three_in_week(2) + three_in_week(3) + three_in_week(5)
    progress = weekly_progress(sessions, [], NOW, BERLIN)
    assert progress.streak == 3  # this week is not over: it neither counts nor breaks it
    finished = weekly_progress([*sessions, weeks_ago(0, 0), weeks_ago(0, 1)], [NOW], NOW, BERLIN)
    assert finished.streak == 4
    broken = weekly_progress(three_in_week(2) + three_in_week(3), [], NOW, BERLIN)
    assert broken.streak == 0  # last week missed the goal


def test_a_streak_longer_than_the_chart_is_counted_whole() -> None:
    sessions = [t for n in range(1, 21) for t in three_in_week(n)]
    progress = weekly_progress(sessions, [], NOW, BERLIN)
    assert progress.streak == 20 and len(progress.weeks) == 8
    assert history_start(NOW, BERLIN, 3) == at(MONDAY - timedelta(weeks=2), 0)


def test_the_text_says_what_the_chart_shows() -> None:
    sessions = [weeks_ago(0, 0), *three_in_week(1), weeks_ago(7)]
    progress = weekly_progress(sessions, [weeks_ago(0, 1)], NOW, BERLIN)
    text = describe(TEXTS, progress)
    assert "This week: 2 of 3" in text
    assert "(1 guided sessions, 1 ✅ Done on reminders)" in text
    assert "Streak: 1 week(s)" in text
    lines = text.splitlines()
    weeks = lines[lines.index("<b>The last 8 weeks</b> (week starting on Monday):") + 1 :]
    assert weeks == [
        "12 Jan: 1",
        "19 Jan: 0",
        "26 Jan: 0",
        "2 Feb: 0",
        "9 Feb: 0",
        "16 Feb: 0",
        "23 Feb: 3 ✅",
        "2 Mar: 2",
    ]
    empty = describe(TEXTS, weekly_progress([], [], NOW, BERLIN))
    assert "No streak yet" in empty and "This week: 0 of 3" in empty


def test_a_week_at_the_goal_says_so() -> None:
    text = describe(TEXTS, weekly_progress(three_in_week(0)[:1] * 4, [], NOW, BERLIN))
    assert "This week: 4, weekly goal of 3 reached!" in text


# --- the chart -------------------------------------------------------------------------------


def colour_pixels(png: bytes, colour: str) -> int:
    wanted = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts = image.getcolors(maxcolors=image.width * image.height) or []
    return sum(count for count, pixel in counts if pixel == wanted)


def test_the_chart_is_a_png_with_a_bar_per_stretch_kind() -> None:
    progress = weekly_progress(three_in_week(1), [weeks_ago(0)], NOW, BERLIN)
    png = draw_chart(TEXTS, progress)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (768, 456)
    assert colour_pixels(png, "#0072B2") > 500  # session bars (and the legend swatch)
    assert colour_pixels(png, "#E69F00") > 100  # Done bars, hatched
    only_done = draw_chart(TEXTS, weekly_progress([], [weeks_ago(0)], NOW, BERLIN))
    assert colour_pixels(only_done, "#0072B2") < colour_pixels(png, "#0072B2") / 3


def test_matplotlib_loads_only_to_draw_and_never_pyplot() -> None:
    code = (
        "import sys\n"
        "import bot.core.sessions.chart as chart, bot.core.sessions.progress as p\n"
        "assert not any(m.startswith('matplotlib') for m in sys.modules), 'loaded at import'\n"
        "from datetime import datetime, UTC\n"
        "from zoneinfo import ZoneInfo\n"
        "from bot.core.knowledge import load_knowledge\n"
        "texts = load_knowledge('knowledge').texts\n"
        "progress = p.weekly_progress([], [], datetime.now(UTC), ZoneInfo('UTC'))\n"
        "png = chart.draw_chart(texts, progress)\n"
        "assert png.startswith(b'\\x89PNG')\n"
        "assert 'matplotlib.figure' in sys.modules\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_progress_is_plain_data() -> None:
    progress = Progress((Week(MONDAY, 1, 2),), goal=3, streak=0)
    assert progress.met(progress.this_week) and progress.this_week.total == 3
