"""Maintainer-facing red-flag files: loader errors with file, line and a fix, and the tests file.

``knowledge/red_flags/`` is edited by people who do not read Python, so every mistake must come
back as one plain line; ``knowledge/tests/red_flags.yaml`` must hold (CI runs it here) and every
pattern and trigger must have a test message that uses it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.core.safety.decision import Screen
from bot.tools.kb_check import check_knowledge
from bot.tools.red_flag_check import check_red_flag_tests
from tests.kb_factory import (
    RED_FLAG_CONTEXT,
    RED_FLAG_FLAGS,
    RED_FLAG_TESTS,
    RED_FLAG_WORDS,
    write_kb,
)

ROOT = Path(__file__).resolve().parent.parent


def problems(tmp_path: Path, overrides: dict[str, str | None]) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(write_kb(tmp_path / "kb", overrides))
    return [str(problem) for problem in caught.value.problems]


def with_pattern(pattern: str) -> dict[str, str | None]:
    flags = RED_FLAG_FLAGS.replace('      - "fever*"', f"      - {pattern}")
    return {"red_flags/flags.yaml": flags}


def test_the_real_red_flag_tests_pass_and_cover_every_pattern_and_trigger() -> None:
    """What CI checks: knowledge/tests/red_flags.yaml, as `kb check` runs it."""
    kb = load_knowledge(ROOT / "knowledge")
    assert check_red_flag_tests(kb) == []


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (
            '"{fevr} ...3 back"',
            "uses an unknown list {fevr}. Fix: add the list under 'words:' in "
            "red_flags/words.yaml.",
        ),
        ('"{bladdr} control"', "uses an unknown list {bladdr}. Fix: did you mean {bladder}?"),
        (
            '"can\'t pee"',
            "contains 'can't'; messages are read with contractions written out (can't -> can "
            "not, dont -> do not). Fix: write 'can not' instead.",
        ),
        ('"... fever"', "has '...' in a place it cannot be."),
        ('"fever ...20 back"', "has '...20' in a place it cannot be."),
        ('"fever ..."', "ends with '...'."),
        ('"fe(ver"', "has a word 'fe(ver' that cannot be matched."),
        ('"f*"', "has a word 'f*' that cannot be matched."),
    ],
)
def test_an_invalid_pattern_is_reported_with_file_line_and_fix(
    tmp_path: Path, pattern: str, message: str
) -> None:
    found = problems(tmp_path, with_pattern(pattern))
    assert len(found) == 1
    assert found[0].startswith("kb/red_flags/flags.yaml:19: entry 'fever', field 'patterns':")
    assert message in found[0]


def test_flag_fields_are_checked(tmp_path: Path) -> None:
    flags = RED_FLAG_FLAGS.replace("tier: today", "tier: tomorrow").replace(
        '    patterns:\n      - "fever*"',
        '    keeps: [sometimes]\n    needs: [pain]\n    patterns:\n      - "fever*"',
    )
    found = problems(tmp_path, {"red_flags/flags.yaml": flags})
    assert any(
        "the tier 'tomorrow' is not in tiers.yaml. Fix: use one of: emergency" in p for p in found
    )
    assert any("'keeps' names 'sometimes', which is not a context" in p for p in found)
    assert any("'needs' names an unknown word list 'pain'" in p for p in found)


APART = """\
    apart:
      needs: [reason]
      patterns:
        - "lost weight"
"""


def test_a_sign_said_apart_counts_only_with_its_word_list_anywhere(tmp_path: Path) -> None:
    """'apart' patterns ("lost weight" here) alarm only when the message also has the word list
    of their 'needs', in any sentence; the flag's own patterns need nothing."""
    flags = RED_FLAG_FLAGS.replace('      - "fever*"\n', '      - "fever*"\n' + APART)
    words = RED_FLAG_WORDS + "  reason: [not dieting, no idea why]\n"
    tests = RED_FLAG_TESTS.replace(
        "must_not_alarm:", '  - text: "lost weight. not dieting."\n    tier: today\nmust_not_alarm:'
    )
    overrides = {
        "red_flags/flags.yaml": flags,
        "red_flags/words.yaml": words,
        "tests/red_flags.yaml": tests,
    }
    kb = load_knowledge(write_kb(tmp_path / "kb", overrides))
    screen = Screen.for_knowledge(kb)
    assert screen.assess("I lost weight. Not dieting, no change.").alarm
    assert screen.assess("No idea why, but I have lost weight and my back aches.").alarm
    assert not screen.assess("I lost weight on a diet. How do I do the bridge?").alarm
    assert not screen.assess("I am not dieting. How do I do the bridge?").alarm
    assert screen.assess("a fever").alarm  # the flag's own patterns need nothing


OTHERS = """\
someone-else:
  before: ["my son has"]
recent:
  after: [today]
"""


@pytest.mark.parametrize(
    ("others_need", "alarmed"), [("", True), ("    others_need: [theirs]\n", False)]
)
def test_someone_elses_sign_now_alarms_unless_the_flag_needs_their_pain(
    tmp_path: Path, others_need: str, alarmed: bool
) -> None:
    """'recent' cancels 'someone-else' (their emergency is now: "my husband fell off a ladder
    today"), except for a flag with 'others_need', which alarms for another person only with
    those word lists: a child's fever today is no red flag of the writer's back, a fever with
    their back pain is."""
    flags = RED_FLAG_FLAGS.replace(
        '    patterns:\n      - "fever*"', others_need + '    patterns:\n      - "fever*"'
    )
    overrides = {
        "red_flags/flags.yaml": flags,
        "red_flags/words.yaml": RED_FLAG_WORDS + "  theirs: [his back, her back]\n",
        "red_flags/context.yaml": RED_FLAG_CONTEXT + OTHERS,
    }
    screen = Screen.for_knowledge(load_knowledge(write_kb(tmp_path / "kb", overrides)))
    assert screen.assess("my son has a fever today. how do i do the bridge?").alarm is alarmed
    assert screen.assess("my son has a fever today and his back hurts").alarm
    assert not screen.assess("my son has a fever. how do i do the bridge?").alarm


def test_an_unknown_others_need_list_is_reported(tmp_path: Path) -> None:
    flags = RED_FLAG_FLAGS.replace(
        '    patterns:\n      - "fever*"',
        '    others_need: [nope]\n    patterns:\n      - "fever*"',
    )
    found = problems(tmp_path, {"red_flags/flags.yaml": flags})
    assert any("'others_need' names an unknown word list 'nope'" in p for p in found), found


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("    apart:\n      needs: [reason]\n", "'apart' needs both 'needs' (word lists) and"),
        (
            '    apart:\n      needs: [nope]\n      patterns: ["lost weight"]\n',
            "'needs' names an unknown word list 'nope'",
        ),
        ('    apart:\n      need: [reason]\n      patterns: ["lost weight"]\n', "did you mean"),
    ],
)
def test_an_invalid_apart_block_is_reported(tmp_path: Path, block: str, message: str) -> None:
    flags = RED_FLAG_FLAGS.replace('      - "fever*"\n', '      - "fever*"\n' + block)
    words = RED_FLAG_WORDS + "  reason: [not dieting]\n"
    found = problems(tmp_path, {"red_flags/flags.yaml": flags, "red_flags/words.yaml": words})
    assert any(message in p and "flags.yaml" in p for p in found), found


UNLESS = """\
    unless:
      said: [checked]
      but_not: [changed]
"""


def test_what_shows_it_is_not_the_sign_rules_a_mention_out_unless_a_change_is_said(
    tmp_path: Path,
) -> None:
    """'unless': word lists that, said anywhere, show the message is not the flag's sign (its
    mention is ruled out: the answer, with the flag's note), except when a list of 'but_not'
    is said too."""
    flags = RED_FLAG_FLAGS.replace(
        '    patterns:\n      - "fever*"', UNLESS + '    patterns:\n      - "fever*"'
    )
    words = RED_FLAG_WORDS + "  checked: [doctor checked it]\n  changed: [worse]\n"
    overrides = {"red_flags/flags.yaml": flags, "red_flags/words.yaml": words}
    screen = Screen.for_knowledge(load_knowledge(write_kb(tmp_path / "kb", overrides)))
    ruled_out = screen.assess("a fever. my doctor checked it. how do i do the bridge?")
    assert not ruled_out.alarm
    assert [m.status.value for m in ruled_out.mentions] == ["historical"]
    assert screen.assess("a fever. my doctor checked it but now it is worse").alarm
    assert screen.assess("a fever. my doctor has not seen it").alarm  # (not said)
    assert screen.assess("a fever").alarm


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("    unless:\n      but_not: [changed]\n", "'unless' needs 'said' (word lists)"),
        ("    unless:\n      said: [nope]\n", "'said' names an unknown word list 'nope'"),
        ("    unless:\n      sayd: [checked]\n", "did you mean"),
    ],
)
def test_an_invalid_unless_block_is_reported(tmp_path: Path, block: str, message: str) -> None:
    flags = RED_FLAG_FLAGS.replace(
        '    patterns:\n      - "fever*"', block + '    patterns:\n      - "fever*"'
    )
    words = RED_FLAG_WORDS + "  checked: [doctor checked it]\n  changed: [worse]\n"
    found = problems(tmp_path, {"red_flags/flags.yaml": flags, "red_flags/words.yaml": words})
    assert any(message in p and "flags.yaml" in p for p in found), found


def test_a_word_that_reads_also_as_another_matches_both(tmp_path: Path) -> None:
    """'reads_also' ("me: [my]"): "lost control of me bladder" is "of my bladder" (the
    pattern says "my"); without it, it is not."""
    words = RED_FLAG_WORDS.replace("\ntypos:", "\nreads_also:\n  me: [my]\ntypos:")
    kb = load_knowledge(write_kb(tmp_path / "kb", {"red_flags/words.yaml": words}))
    screen = Screen.for_knowledge(kb)
    assert screen.assess("i lost control of me bladder").alarm
    assert screen.assess("i lost control of my bladder").alarm
    assert not screen.assess("i lost control of the bladder game").alarm
    kb = load_knowledge(write_kb(tmp_path / "without", {}))
    assert not Screen.for_knowledge(kb).assess("i lost control of me bladder").alarm


@pytest.mark.parametrize("value", ["[My]", "[]", "[two words]"])
def test_an_invalid_reads_also_is_reported(tmp_path: Path, value: str) -> None:
    words = RED_FLAG_WORDS.replace("\ntypos:", f"\nreads_also:\n  me: {value}\ntypos:")
    found = problems(tmp_path, {"red_flags/words.yaml": words})
    assert any(
        "'reads_also: me' cannot be used. Fix: write one lower-case word and the list of words "
        "it also reads as, e.g. 'me: [my]'." in p
        for p in found
    ), found


def test_word_lists_may_not_use_each_other_in_a_circle(tmp_path: Path) -> None:
    words = RED_FLAG_WORDS + '  a: ["{b} x"]\n  b: ["{a} y"]\n'
    found = problems(tmp_path, {"red_flags/words.yaml": words})
    assert any("the word lists use each other in a circle (a -> b -> a)" in p for p in found)


def test_an_invalid_trigger_is_reported(tmp_path: Path) -> None:
    context = RED_FLAG_CONTEXT.replace(
        'before: ["no", not]', 'before: ["no", not, {trigger: "{nope}", window: 40}]'
    )
    found = problems(tmp_path, {"red_flags/context.yaml": context})
    assert any(
        "kb/red_flags/context.yaml:4: field 'window': must be between 0 and 20" in p for p in found
    )
    assert any("uses an unknown list {nope}" in p for p in found)


def test_a_trigger_of_reach_0_is_allowed_only_for_a_negation_before(tmp_path: Path) -> None:
    context = RED_FLAG_CONTEXT.replace(
        'before: ["no", not]', 'before: ["no", not, {trigger: nothing, window: 0}]'
    )
    kb = load_knowledge(write_kb(tmp_path / "ok", {"red_flags/context.yaml": context}))
    assert 0 in [t.window for t in kb.red_flags.triggers]
    context = RED_FLAG_CONTEXT.replace(
        "after: [years ago]", "after: [years ago, {trigger: ago, window: 0}]"
    )
    found = problems(tmp_path, {"red_flags/context.yaml": context})
    assert any("field 'window': must be between 1 and 20" in p for p in found), found


def test_a_missing_red_flag_file_is_named(tmp_path: Path) -> None:
    found = problems(tmp_path, {"red_flags/context.yaml": None})
    assert found == [
        "kb/red_flags/context.yaml: is missing. Fix: see the red-flag section of "
        "knowledge/README.md."
    ]


def test_kb_check_runs_the_red_flag_tests(tmp_path: Path) -> None:
    failing = RED_FLAG_TESTS.replace('"back pain and a fever"', '"back pain and a cold"')
    report = check_knowledge(write_kb(tmp_path / "kb", {"tests/red_flags.yaml": failing}))
    assert [str(p) for p in report.safety] == [
        "kb/tests/red_flags.yaml:4: 'back pain and a cold' must get the urgent message, but got "
        "no alarm (no red flag). Fix: see why with: python -m bot ask --explain "
        '"back pain and a cold"',
        "kb/red_flags/flags.yaml:19: the red-flag pattern 'fever*' matches none of the "
        "must-alarm messages in kb/tests/red_flags.yaml. Fix: add a message it is meant for to "
        "kb/tests/red_flags.yaml, or remove it.",
    ]


def test_more_tests_files_run_with_the_main_one(tmp_path: Path) -> None:
    """tests/red_flags_*.yaml run together with tests/red_flags.yaml: a failure names its own
    file, and a pattern tested only there is tested."""
    main = RED_FLAG_TESTS.replace('  - text: "back pain and a fever"\n    tier: today\n', "")
    more = (
        'must_alarm:\n  - text: "back pain and a fever"\n    tier: today\n'
        '  - text: "back pain and a cold"\n    tier: today\n'
    )
    overrides = {"tests/red_flags.yaml": main, "tests/red_flags_more.yaml": more}
    report = check_knowledge(write_kb(tmp_path / "kb", overrides))
    assert [str(p) for p in report.safety] == [
        "kb/tests/red_flags_more.yaml:4: 'back pain and a cold' must get the urgent message, but "
        "got no alarm (no red flag). Fix: see why with: python -m bot ask --explain "
        '"back pain and a cold"',
    ]
    empty = {**overrides, "tests/red_flags_more.yaml": "must_alarm_list: []\n"}
    found = [str(p) for p in check_knowledge(write_kb(tmp_path / "kb2", empty)).safety]
    assert any("red_flags_more.yaml" in p and "neither 'must_alarm'" in p for p in found), found


def test_kb_check_reports_a_wrong_tier_and_an_untested_trigger(tmp_path: Path) -> None:
    tests = RED_FLAG_TESTS.replace("    tier: today", "    tier: emergency")
    context = RED_FLAG_CONTEXT + "someone-else:\n  before: [my uncle had]\n"
    report = check_knowledge(
        write_kb(
            tmp_path / "kb", {"tests/red_flags.yaml": tests, "red_flags/context.yaml": context}
        )
    )
    found = [str(p) for p in report.safety]
    assert found[0].startswith(
        "kb/tests/red_flags.yaml:4: 'back pain and a fever' must get the 'emergency' tier, "
        "but got 'today'."
    )
    assert found[1].startswith(
        "kb/red_flags/context.yaml:10: the context trigger 'my uncle had' matches none of the "
        "test messages in kb/tests/red_flags.yaml."
    )


def test_a_broken_tests_file_is_explained(tmp_path: Path) -> None:
    broken = "must_alarm:\n  - text: i wet myself\nmust_not_alarm: []\n"
    report = check_knowledge(write_kb(tmp_path / "kb", {"tests/red_flags.yaml": broken}))
    found = [str(p) for p in report.safety]
    assert (
        "kb/tests/red_flags.yaml:2: field 'tier': a must-alarm test needs the 'tier' it must get."
        in found
    )
    assert any("'must_not_alarm' must be a list of test messages" in p for p in found)


def test_more_flags_in_a_second_file_are_read_after_the_first(tmp_path: Path) -> None:
    """``flags_*.yaml`` keeps each file short enough to edit: its flags join the first file's."""
    first, fever = RED_FLAG_FLAGS.split("  - id: fever\n")
    more = "flags:\n  - id: fever\n" + fever
    kb = load_knowledge(
        write_kb(tmp_path / "kb", {"red_flags/flags.yaml": first, "red_flags/flags_2.yaml": more})
    )
    assert [flag.id for flag in kb.red_flags.flags] == ["bladder", "fever"]
    decision = Screen.for_knowledge(kb).assess("back pain and a fever since last night")
    assert decision.alarm and decision.tier is not None and decision.tier.id == "today"


def test_a_flag_id_used_again_in_another_flags_file_is_an_error(tmp_path: Path) -> None:
    more = "flags:\n  - id: fever\n" + RED_FLAG_FLAGS.split("  - id: fever\n")[1]
    found = problems(tmp_path, {"red_flags/flags_2.yaml": more})
    assert len(found) == 1
    assert found[0].startswith("kb/red_flags/flags_2.yaml:2:"), found
