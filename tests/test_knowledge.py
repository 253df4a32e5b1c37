"""Loading and validating the knowledge base: every error path, in a maintainer's words."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.core.knowledge import (
    TEXT_KEYS,
    TEXT_LIMITS,
    KnowledgeError,
    fill,
    load_knowledge,
)
from bot.core.knowledge.html_check import check_html
from tests.kb_factory import PIGEON, SITTING, write_kb


def problems(tmp_path: Path, overrides: dict[str, str | None]) -> list[str]:
    write_kb(tmp_path / "kb", overrides)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path / "kb")
    return [str(problem) for problem in caught.value.problems]


def test_valid_knowledge_base_loads(tmp_path: Path) -> None:
    kb = load_knowledge(write_kb(tmp_path / "kb"))
    assert list(kb.entries) == ["pigeon-pose", "sitting"]
    pigeon = kb.entries["pigeon-pose"]
    assert pigeon.kind == "exercise"
    assert pigeon.steps[0] == "Start in a plank position."
    assert pigeon.questions[0].line == 14
    assert [entry.id for entry in kb.ordered()] == ["sitting", "pigeon-pose"]
    assert kb.synonyms["pidgeon"] == "pigeon"
    assert kb.texts["unknown_exercise"] == "I do not know {name}."
    assert [flag.id for flag in kb.red_flags.flags] == ["bladder", "fever"]
    assert [tier.id for tier in kb.red_flags.tiers] == ["emergency", "today"]
    assert kb.warnings == ()


def test_the_real_knowledge_base_is_valid() -> None:
    kb = load_knowledge(Path(__file__).parent.parent / "knowledge")
    assert len(kb.entries) >= 12
    assert len(kb.exercises()) == 3


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    broken = SITTING.replace("title: Sitting all day", "title: [Sitting all day")
    found = problems(tmp_path, {"entries/sitting.yaml": broken})
    assert len(found) == 1
    assert found[0].startswith("kb/entries/sitting.yaml:4: the YAML is not valid here")
    assert "check the indentation" in found[0]


def test_missing_required_field(tmp_path: Path) -> None:
    broken = SITTING.replace("summary: Prolonged sitting shortens the hip flexors.\n", "")
    assert problems(tmp_path, {"entries/sitting.yaml": broken}) == [
        "kb/entries/sitting.yaml:2: entry 'sitting', field 'summary': "
        "the required field 'summary' is missing. Fix: see knowledge/README.md."
    ]


def test_misspelled_field_gets_a_suggestion(tmp_path: Path) -> None:
    broken = SITTING.replace("questions:", "questoins:")
    found = problems(tmp_path, {"entries/sitting.yaml": broken})
    assert (
        "kb/entries/sitting.yaml:9: entry 'sitting', field 'questoins': unknown field "
        "'questoins'. Fix: did you mean 'questions'?" in found
    )
    assert any("the required field 'questions' is missing" in line for line in found)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    broken = SITTING.replace("questions:", "questoins:").replace("id: sitting", "id: Sitting!")
    texts_missing_help = "welcome: Hi\n"
    found = problems(tmp_path, {"entries/sitting.yaml": broken, "texts.yaml": texts_missing_help})
    assert len(found) >= 4
    assert any("'Sitting!' is not a valid id" in line for line in found)
    assert any("the text 'help' is missing" in line for line in found)


def test_yaml_traps_are_read_as_written_and_warned(tmp_path: Path) -> None:
    trap = SITTING.replace("  - sitting for hours and hip flexors", "  - no\n  - 1:30")
    kb = load_knowledge(write_kb(tmp_path / "kb", {"entries/sitting.yaml": trap}))
    texts = [p.text for p in kb.entries["sitting"].questions]
    assert "no" in texts and "1:30" in texts
    warnings = [str(w) for w in kb.warnings]
    assert warnings == [
        "kb/entries/sitting.yaml:12: entry 'sitting', field 'questions[4]': 'no' is not in "
        "quotes; many YAML readers take it as a yes/no value. The bot reads it as the text you "
        'wrote. Fix: write it in quotes: "no".',
        "kb/entries/sitting.yaml:13: entry 'sitting', field 'questions[5]': '1:30' is not in "
        "quotes; many YAML readers take it as a number of minutes (YAML 1.1 reads 1:30 as 90). "
        'The bot reads it as the text you wrote. Fix: write it in quotes: "1:30".',
    ]


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    copy = SITTING.replace("can sitting all day", "could sitting all day")
    found = problems(tmp_path, {"entries/sitting-copy.yaml": copy})
    assert any(
        "kb/entries/sitting.yaml:2: entry 'sitting', field 'id': the id 'sitting' differs" in line
        for line in found
    ) or any("already used" in line for line in found)


def test_id_must_match_file_name(tmp_path: Path) -> None:
    found = problems(
        tmp_path, {"entries/sitting.yaml": None, "entries/sitting-all-day.yaml": SITTING}
    )
    assert found[0] == (
        "kb/entries/sitting-all-day.yaml:2: entry 'sitting', field 'id': the id 'sitting' differs "
        "from the file name 'sitting-all-day.yaml'. Fix: rename the file to sitting.yaml or "
        "change the id to sitting-all-day."
    )


def test_broken_link_suggests_the_closest_id(tmp_path: Path) -> None:
    broken = SITTING.replace("  - pigeon-pose\n", "  - pigeon-pse\n")
    assert problems(tmp_path, {"entries/sitting.yaml": broken}) == [
        "kb/entries/sitting.yaml:17: entry 'sitting', field 'related': links to 'pigeon-pse', "
        "which does not exist. Fix: did you mean 'pigeon-pose'?"
    ]


def test_duplicate_field_in_one_file(tmp_path: Path) -> None:
    broken = SITTING.replace("order: 10\n", "order: 10\norder: 20\n")
    found = problems(tmp_path, {"entries/sitting.yaml": broken})
    assert found == [
        "kb/entries/sitting.yaml:5: entry 'sitting', field 'order': the field 'order' appears "
        "twice; only one would be used. Fix: keep one of them."
    ]


def test_empty_answer_and_too_few_questions(tmp_path: Path) -> None:
    broken = SITTING.replace(
        "answer: |\n  Yes: sitting keeps the hip flexors in a shortened position.\n", 'answer: ""\n'
    )
    broken = broken.replace("  - is my office chair making my hips tight\n", "").replace(
        "  - sitting for hours and hip flexors\n", ""
    )
    found = problems(tmp_path, {"entries/sitting.yaml": broken})
    assert any("field 'answer': is empty." in line for line in found)
    assert any("has 2 phrasing(s); at least 3 are needed" in line for line in found)


def test_answer_over_telegram_limit(tmp_path: Path) -> None:
    long_answer = "answer: |\n  " + "word " * 800 + "\n"
    broken = SITTING.replace(
        "answer: |\n  Yes: sitting keeps the hip flexors in a shortened position.\n", long_answer
    )
    found = problems(tmp_path, {"entries/sitting.yaml": broken})
    assert len(found) == 1
    assert "Telegram allows 4096 per message" in found[0]


def test_html_that_would_break_formatting(tmp_path: Path) -> None:
    broken = SITTING.replace(
        "Yes: sitting keeps", "Yes: <b>sitting keeps<br> the <span>hips</span>"
    )
    found = problems(tmp_path, {"entries/sitting.yaml": broken})
    assert any(
        "the tag <br> is not supported by Telegram (use a new line instead)" in f for f in found
    )
    assert any("the tag <span> is not supported by Telegram" in f for f in found)
    assert any("the tag <b> is never closed (add </b>)" in f for f in found)


def test_stray_html_characters_are_escaped_for_the_author() -> None:
    html, errors = check_html("Hold < 30 s & breathe > 3 times, <b>gently</b>")
    assert errors == []
    assert html == "Hold &lt; 30 s &amp; breathe &gt; 3 times, <b>gently</b>"


def test_steps_only_for_exercises(tmp_path: Path) -> None:
    broken = SITTING.replace("keywords:", "steps:\n  - stand up\nkeywords:")
    found = problems(tmp_path, {"entries/sitting.yaml": broken})
    assert any("only exercises have steps" in line for line in found)
    no_steps = PIGEON.split("steps:")[0] + "questions:" + PIGEON.split("questions:")[1]
    found = problems(tmp_path, {"entries/pigeon-pose.yaml": no_steps})
    assert any("an exercise needs 'steps'" in line for line in found)


def test_phrasing_in_two_entries_is_a_conflict(tmp_path: Path) -> None:
    broken = SITTING.replace(
        "  - sitting for hours and hip flexors", "  - How do I do pigeon pose?"
    )
    found = problems(tmp_path, {"entries/sitting.yaml": broken})
    assert found == [
        "kb/entries/sitting.yaml:12: entry 'sitting', field 'questions': the phrasing "
        "'How do I do pigeon pose?' is also a phrasing of 'pigeon-pose' "
        "(kb/entries/pigeon-pose.yaml). Fix: keep it in the one entry it belongs to."
    ]


def test_text_placeholders_and_missing_files(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        {
            "texts.yaml": None,
            "red_flags/tiers.yaml": None,
        },
    )
    assert any(line.startswith("kb/texts.yaml: is missing.") for line in found)
    assert any(line.startswith("kb/red_flags/tiers.yaml: is missing.") for line in found)


def test_unknown_exercise_text_needs_its_placeholder(tmp_path: Path) -> None:
    write_kb(tmp_path / "kb")
    texts = (
        (tmp_path / "kb" / "texts.yaml").read_text().replace("I do not know {name}.", "Unknown.")
    )
    line = texts.splitlines().index("unknown_exercise: Unknown.") + 1
    found = problems(tmp_path, {"texts.yaml": texts})
    assert found == [
        f"kb/texts.yaml:{line}: field 'unknown_exercise': must contain {{name}} exactly once. "
        "Fix: the bot fills it in."
    ]


KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


def test_every_text_key_is_in_texts_yaml_and_documented() -> None:
    written = yaml.safe_load((KNOWLEDGE / "texts.yaml").read_text(encoding="utf-8"))
    readme = (KNOWLEDGE / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Texts (`texts.yaml`)", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([a-z_]+)`", section))
    assert set(written) == set(TEXT_KEYS)
    assert sorted(set(TEXT_KEYS) - documented) == []
    for key, placeholders in TEXT_KEYS.items():
        for placeholder in placeholders:
            assert placeholder in section, (key, placeholder)  # the table names it


def test_button_labels_and_pop_ups_fit(tmp_path: Path) -> None:
    texts = load_knowledge(KNOWLEDGE).texts
    for key, limit in TEXT_LIMITS.items():
        assert len(texts[key]) <= limit, key
    shutil.copytree(KNOWLEDGE, tmp_path / "kb")
    path = tmp_path / "kb" / "texts.yaml"
    source = path.read_text(encoding="utf-8")
    path.write_text(
        source.replace('button_done: "✅ Done"', f'button_done: "✅ Done{"!" * 40}"'),
        encoding="utf-8",
    )
    line = source.splitlines().index('button_done: "✅ Done"') + 1
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path / "kb")
    assert [str(problem) for problem in caught.value.problems] == [
        f"kb/texts.yaml:{line}: field 'button_done': is 46 characters long; at most 40 fit "
        "here. Fix: shorten it."
    ]


def test_a_deleted_reminder_placeholder_is_reported_with_file_and_line(tmp_path: Path) -> None:
    shutil.copytree(KNOWLEDGE, tmp_path / "kb")
    path = tmp_path / "kb" / "texts.yaml"
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("done_progress:"))
    lines[line - 1] = 'done_progress: "✅ Nice work! {count} this week."'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path / "kb")
    assert [str(problem) for problem in caught.value.problems] == [
        f"kb/texts.yaml:{line}: field 'done_progress': must contain {{target}} exactly once. "
        "Fix: the bot fills it in."
    ]


def test_fill_escapes_values_once_and_never_formats() -> None:
    assert fill("  Hi <b>{name}</b>!\n", name="<i>you</i> & me") == (
        "Hi <b>&lt;i&gt;you&lt;/i&gt; &amp; me</b>!"
    )
    # A value that looks like a placeholder is not filled again; other braces stay as written.
    assert fill("{zone} at {time} {x} {}", zone="{time}", time="07:30") == "{time} at 07:30 {x} {}"


def test_tabs_and_non_utf8_are_explained(tmp_path: Path) -> None:
    tabbed = SITTING.replace("  - sitting for hours", "\t- sitting for hours")
    found = problems(tmp_path, {"entries/sitting.yaml": tabbed})
    assert found == [
        "kb/entries/sitting.yaml:12: contains a tab character. Fix: YAML needs spaces for "
        "indentation."
    ]
    write_kb(tmp_path / "kb2")
    (tmp_path / "kb2" / "entries" / "sitting.yaml").write_bytes("title: caf\xe9".encode("latin-1"))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path / "kb2")
    assert str(caught.value.problems[0]) == (
        "kb2/entries/sitting.yaml: is not UTF-8 text. Fix: save the file as UTF-8 in your editor."
    )


def test_find_exercise_tolerates_typos(tmp_path: Path) -> None:
    kb = load_knowledge(write_kb(tmp_path / "kb"))
    found = kb.find_exercise("Pigeon")
    assert found is not None and found.id == "pigeon-pose"
    found = kb.find_exercise("pigeon pose")
    assert found is not None and found.id == "pigeon-pose"
    assert kb.find_exercise("handstand") is None
