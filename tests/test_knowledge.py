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
from bot.core.knowledge.entries import ENTRY_RULES
from bot.core.knowledge.html_check import check_html
from bot.core.knowledge.model import Entry
from bot.core.knowledge.schema import ENTRY_SCHEMA, markdown_table
from tests.kb_factory import PIGEON, SITTING, VOCABULARY, edited_last, write_kb

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


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
    """No counts written here: adding a valid entry or exercise must keep this green."""
    kb = load_knowledge(KNOWLEDGE)
    assert set(kb.entries) == {path.stem for path in (KNOWLEDGE / "entries").glob("*.yaml")}
    assert kb.exercises(), "the /exercises menu would be empty"


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
        "the required field 'summary' is missing. Fix: add 'summary:', one sentence, shown in "
        "lists and inline results (see knowledge/README.md)."
    ]


def test_misspelled_field_gets_a_suggestion(tmp_path: Path) -> None:
    broken = SITTING.replace("questions:", "questoins:")
    found = problems(tmp_path, {"entries/sitting.yaml": broken})
    assert (
        "kb/entries/sitting.yaml:8: entry 'sitting', field 'questoins': unknown field "
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


def test_a_copied_file_that_kept_its_id_gets_one_problem_naming_both_files(
    tmp_path: Path,
) -> None:
    copy = SITTING.replace("can sitting all day", "could sitting all day")
    for name in ("sitting-copy.yaml", "a-copy.yaml"):  # sorted after and before the original
        found = problems(tmp_path / name, {f"entries/{name}": copy})
        assert found == [
            f"kb/entries/{name}:2: entry 'sitting', field 'id': the id 'sitting' is already used "
            f"by kb/entries/sitting.yaml. Fix: give this entry its own id: the name of its file, "
            f"{name.removesuffix('.yaml')}."
        ]


def test_an_invalid_id_is_one_problem_not_a_broken_link_too(tmp_path: Path) -> None:
    found = problems(tmp_path, {"entries/sitting.yaml": SITTING.replace("id: sitting", "id: S")})
    assert found == [
        "kb/entries/sitting.yaml:2: entry 'S', field 'id': 'S' is not a valid id. Fix: use "
        "lower-case letters, digits and hyphens (at most 48), e.g. pigeon-pose."
    ]


def test_id_must_match_file_name(tmp_path: Path) -> None:
    found = problems(
        tmp_path, {"entries/sitting.yaml": None, "entries/sitting-all-day.yaml": SITTING}
    )
    assert found[0] == (
        "kb/entries/sitting-all-day.yaml:2: entry 'sitting', field 'id': the id 'sitting' differs "
        "from the file name 'sitting-all-day.yaml'. Fix: rename the file to sitting.yaml or "
        "change the id to sitting-all-day."
    )


def test_a_broken_link_never_suggests_the_entry_itself(tmp_path: Path) -> None:
    broken = SITTING.replace("  - pigeon-pose\n", "  - pigeon-pose\n  - sittin\n")
    assert problems(tmp_path, {"entries/sitting.yaml": broken}) == [
        "kb/entries/sitting.yaml:18: entry 'sitting', field 'related': links to 'sittin', "
        "which does not exist. Fix: use the id of an existing entry."
    ]


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


@pytest.mark.parametrize("edited", ["sitting", "pigeon-pose"])
def test_a_phrasing_in_two_entries_is_reported_at_the_edited_file(
    tmp_path: Path, edited: str
) -> None:
    broken = SITTING.replace(
        "  - sitting for hours and hip flexors", "  - How do I do pigeon pose?"
    )
    write_kb(tmp_path / "kb", {"entries/sitting.yaml": broken})
    edited_last(tmp_path / "kb", f"entries/{edited}.yaml")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path / "kb")
    sitting = ("sitting", "kb/entries/sitting.yaml:12", "How do I do pigeon pose?")
    pigeon = ("pigeon-pose", "kb/entries/pigeon-pose.yaml:14", "how do i do pigeon pose")
    here, there = (sitting, pigeon) if edited == "sitting" else (pigeon, sitting)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{here[1]}: entry '{here[0]}', field 'questions': the phrasing '{here[2]}' is also a "
        f"phrasing of '{there[0]}' ({there[1]}). Fix: keep it in the one entry it belongs to."
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


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        (
            "group_howto",
            "Ask {bot} or {botname}, {botname}!",
            "contains {botname}, which the bot does not fill in; the only ones it fills in here "
            "are {bot}. Fix: remove the braces, or write one of those.",
        ),
        (
            "welcome",
            "Hi {name}!",
            "contains {name}, which the bot does not fill in; it fills in none in this text. "
            "Fix: remove the braces, or write one of those.",
        ),
    ],
)
def test_an_unknown_placeholder_is_named_with_the_allowed_ones(
    tmp_path: Path, key: str, text: str, expected: str
) -> None:
    write_kb(tmp_path / "kb")
    lines = (tmp_path / "kb" / "texts.yaml").read_text().splitlines()
    line = next(n for n, written in enumerate(lines, 1) if written.startswith(f"{key}:"))
    lines[line - 1] = f"{key}: {text}"
    found = problems(tmp_path, {"texts.yaml": "\n".join(lines) + "\n"})
    assert found == [f"kb/texts.yaml:{line}: field '{key}': {expected}"]


def test_an_unquoted_colon_in_a_list_item_is_one_clear_problem(tmp_path: Path) -> None:
    broken = SITTING.replace("  - sitting for hours and hip flexors", "  - sitting: how long?")
    assert problems(tmp_path, {"entries/sitting.yaml": broken}) == [
        "kb/entries/sitting.yaml:12: entry 'sitting', field 'questions[4]': 'sitting: how long?' "
        "reads as a 'name: value' pair because of the ': ' in it. Fix: put the text in quotes: "
        '"sitting: how long?".'
    ]


def test_fill_escapes_values_once_and_never_formats() -> None:
    assert fill("  Hi <b>{name}</b>!\n", name="<i>you</i> & me") == (
        "Hi <b>&lt;i&gt;you&lt;/i&gt; &amp; me</b>!"
    )
    # A value that looks like a placeholder is not filled again; other braces stay as written.
    assert fill("{zone} at {time} {x} {}", zone="{time}", time="07:30") == "{time} at 07:30 {x} {}"


def test_a_tab_in_the_indentation_is_explained(tmp_path: Path) -> None:
    for line, tabbed in (
        (12, SITTING.replace("  - sitting for hours", "\t- sitting for hours")),
        (12, SITTING.replace("  - sitting for hours", "  \t- sitting for hours")),
        (7, SITTING.replace("  Yes: sitting", "\tYes: sitting")),
    ):
        found = problems(tmp_path, {"entries/sitting.yaml": tabbed})
        assert found == [
            f"kb/entries/sitting.yaml:{line}: contains a tab character. Fix: YAML needs spaces "
            "for indentation."
        ]


def test_a_tab_that_yaml_cannot_read_in_text_is_explained(tmp_path: Path) -> None:
    tabbed = SITTING.replace("  - sitting for hours", "  - sitting\tfor hours")
    assert problems(tmp_path, {"entries/sitting.yaml": tabbed}) == [
        "kb/entries/sitting.yaml:12: contains a tab character here, which YAML cannot read "
        'outside quotes. Fix: use spaces instead, or put the whole text in quotes: "...".'
    ]


def test_a_tab_inside_quoted_or_block_text_is_text(tmp_path: Path) -> None:
    # A comment line holding a tab used to hide the tab check for the whole file, while a tab
    # in quoted text before the first '#' was refused; now YAML decides, and only its refusals
    # are explained.
    quoted = SITTING.replace("  - sitting for hours and hip flexors", '  - "sitting\tfor hours"')
    quoted = quoted.replace("shortened position.", "shortened position.\n  \tSo stand up.")
    uncommented = quoted.replace("# Sitting and hip flexors.\n", "")
    commented = quoted.replace("# Sitting and hip flexors.", "# Sitting\tand hip flexors.")
    for tabbed in (uncommented, commented):
        kb = load_knowledge(write_kb(tmp_path / "kb", {"entries/sitting.yaml": tabbed}))
        sitting = kb.entries["sitting"]
        assert sitting.questions[-1].text == "sitting\tfor hours"
        assert sitting.answer.endswith("shortened position.\n\tSo stand up.")


def test_a_file_that_is_not_utf8_is_explained(tmp_path: Path) -> None:
    write_kb(tmp_path / "kb2")
    (tmp_path / "kb2" / "entries" / "sitting.yaml").write_bytes("title: caf\xe9".encode("latin-1"))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path / "kb2")
    assert str(caught.value.problems[0]) == (
        "kb2/entries/sitting.yaml: is not UTF-8 text. Fix: save the file as UTF-8 in your editor."
    )


def test_unfinished_tags_at_the_end_are_kept_as_text() -> None:
    # HTMLParser.close() hands an unfinished "<..." to handle_data: no text is ever dropped.
    for text in ("a <b", "a <", "a </", "x <!-- y", "a <b c='"):
        assert check_html(text) == (text.replace("<", "&lt;"), [])


def test_find_exercise_tolerates_typos(tmp_path: Path) -> None:
    kb = load_knowledge(write_kb(tmp_path / "kb"))
    found = kb.find_exercise("Pigeon")
    assert found is not None and found.id == "pigeon-pose"
    found = kb.find_exercise("pigeon pose")
    assert found is not None and found.id == "pigeon-pose"
    assert kb.find_exercise("handstand") is None


def test_the_readme_field_table_is_the_schema() -> None:
    readme = (KNOWLEDGE / "README.md").read_text(encoding="utf-8")
    parts = re.split(r"<!-- entry fields[^>]*-->", readme)
    assert len(parts) == 3, "knowledge/README.md needs the two <!-- entry fields --> markers"
    assert parts[1].strip() == markdown_table(), (
        "the field table in knowledge/README.md differs from bot/core/knowledge/schema.py; "
        "paste this between the markers:\n\n" + markdown_table()
    )


def test_every_field_of_the_schema_reaches_the_model() -> None:
    model = set(Entry.__dataclass_fields__)
    assert {spec.name for spec in ENTRY_SCHEMA} <= model
    assert [rule.__name__ for rule in ENTRY_RULES] == [
        "_steps_only_for_exercises",
        "_exercise_needs_steps",
        "_fits_one_message",
        "_distinct_phrasings",
        "_enough_phrasings",
        "_session_only_for_exercises",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("title: Sitting all day", "title: " + "Sitting " * 6),
            "kb/entries/sitting.yaml:3: entry 'sitting', field 'title': is 47 characters long. "
            "Fix: shorten it to at most 40 characters.",
        ),
        (
            ("order: 10", "order: first"),
            "kb/entries/sitting.yaml:4: entry 'sitting', field 'order': should be a whole number, "
            "not 'first'. Fix: write e.g. 10.",
        ),
        (
            ("order: 10", "order: 10\nkind: lesson"),
            "kb/entries/sitting.yaml:5: entry 'sitting', field 'kind': 'lesson' is not a kind. "
            "Fix: write topic or exercise.",
        ),
        (
            ("keywords:\n  - sitting\n  - desk", "keywords: sitting"),
            "kb/entries/sitting.yaml:13: entry 'sitting', field 'keywords': should be a list, one "
            "item per line starting with '- '. Fix: write 'keywords:' and then lines like "
            "'  - some text'.",
        ),
        (
            ("id: sitting", "id: " + "s" * 49),
            f"kb/entries/sitting.yaml:2: entry '{'s' * 49}', field 'id': '{'s' * 49}' is not a "
            "valid id. Fix: use lower-case letters, digits and hyphens (at most 48), e.g. "
            "pigeon-pose.",
        ),
    ],
)
def test_each_field_is_checked_by_its_type_and_limits(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    assert problems(tmp_path, {"entries/sitting.yaml": SITTING.replace(*change)}) == [expected]


def test_optional_fields_take_their_defaults(tmp_path: Path) -> None:
    bare = SITTING.replace("order: 10\n", "").split("keywords:")[0]
    kb = load_knowledge(write_kb(tmp_path / "kb", {"entries/sitting.yaml": bare}))
    sitting = kb.entries["sitting"]
    assert (sitting.kind, sitting.order, sitting.keywords, sitting.related, sitting.source) == (
        "topic",
        1000,
        (),
        (),
        "",
    )
    assert sitting.steps == ()


# --- details and the subjects not covered (issue #10) ---------------------------------------------

DETAILS_VOCABULARY = """\
synonyms:
  sitting: [sat, seated]
details:
  hold:
    asks: [how long, hold time]
  frequency:
    asks: [how often]
    default: sitting
not_covered:
  conditions: [pregnant, hip replacement]
  body_parts: [knee]
"""


def test_details_are_read_and_declared_in_the_vocabulary(tmp_path: Path) -> None:
    pigeon = PIGEON + '\ndetails:\n  hold: "Hold for <b>30 seconds</b> on each side."\n'
    kb = load_knowledge(
        write_kb(
            tmp_path / "kb",
            {"entries/pigeon-pose.yaml": pigeon, "_vocabulary.yaml": DETAILS_VOCABULARY},
        )
    )
    assert kb.entries["pigeon-pose"].detail("hold") == "Hold for <b>30 seconds</b> on each side."
    assert kb.entries["pigeon-pose"].detail("frequency") is None
    follow_ups = {f.name: f for f in kb.follow_ups}
    assert follow_ups["hold"].asks == ("how long", "hold time")
    assert follow_ups["frequency"].default == "sitting"
    assert kb.not_covered == {
        "conditions": ("pregnant", "hip replacement"),
        "body_parts": ("knee",),
    }
    assert {"pregnant", "replacement", "knee"} <= kb.off_topic  # they weigh, like off_topic


def test_not_covered_names_are_read_for_listed_words_only(tmp_path: Path) -> None:
    named = (
        DETAILS_VOCABULARY + "not_covered_names:\n  Pregnant: pregnancy\n  knee: knee problems\n"
    )
    kb = load_knowledge(write_kb(tmp_path / "kb", {"_vocabulary.yaml": named}))
    assert kb.not_covered_names == {"pregnant": "pregnancy", "knee": "knee problems"}
    unlisted = DETAILS_VOCABULARY + "not_covered_names:\n  elbow: elbow problems\n"
    found = problems(tmp_path / "unlisted", {"_vocabulary.yaml": unlisted})
    assert any(
        "'elbow' under 'not_covered_names' is not listed under 'not_covered'" in p for p in found
    )


def test_exercise_form_words_are_read_in_their_two_lists(tmp_path: Path) -> None:
    vocabulary = "exercise_form:\n  body: [knee knees, Heel]\n  placing: [tuck arch]\n"
    kb = load_knowledge(write_kb(tmp_path / "kb", {"_vocabulary.yaml": vocabulary}))
    assert kb.exercise_form == {
        "body": frozenset({"knee", "knees", "heel"}),
        "placing": frozenset({"tuck", "arch"}),
    }


def test_an_unknown_list_of_exercise_form_is_a_problem(tmp_path: Path) -> None:
    vocabulary = "exercise_form:\n  body: [knee]\n  bodies: [elbow]\n"
    found = problems(tmp_path, {"_vocabulary.yaml": vocabulary})
    assert any("bodies" in p for p in found)


def test_an_undeclared_detail_or_default_is_a_problem(tmp_path: Path) -> None:
    pigeon = PIGEON + '\ndetails:\n  hold: "30 seconds."\n  colour: "Blue."\n'
    vocabulary = DETAILS_VOCABULARY.replace("default: sitting", "default: no-such-entry")
    found = problems(tmp_path, {"entries/pigeon-pose.yaml": pigeon, "_vocabulary.yaml": vocabulary})
    assert any("the detail 'colour' is not declared under 'details'" in p for p in found)
    assert any("answers with 'no-such-entry', which is not an entry" in p for p in found)


def test_a_detail_whose_default_answers_any_subject_needs_a_default(tmp_path: Path) -> None:
    """'answer: default': the default entry answers the detail asked of any subject without
    it ("how do I fix tight hip flexors"); without a default there is nothing to answer."""
    over = DETAILS_VOCABULARY.replace(
        "    default: sitting\n", "    default: sitting\n    answer: default\n"
    )
    kb = load_knowledge(write_kb(tmp_path / "kb", {"_vocabulary.yaml": over}))
    assert {f.name: f.over_subject for f in kb.follow_ups} == {"hold": False, "frequency": True}
    wrong = DETAILS_VOCABULARY.replace(
        "[how long, hold time]", "[how long, hold time]\n    answer: default"
    )
    found = problems(tmp_path / "wrong", {"_vocabulary.yaml": wrong})
    assert any(
        "the detail 'hold' has 'answer: default'" in p and "needs 'default'" in p for p in found
    ), found


def test_a_detail_whose_default_answers_it_alone_needs_a_default(tmp_path: Path) -> None:
    """'alone: default': asked with nothing to follow, the default answers the detail even
    though other entries have it too; without a default, or with another word, a problem."""
    alone = DETAILS_VOCABULARY.replace(
        "    default: sitting\n", "    default: sitting\n    alone: default\n"
    )
    kb = load_knowledge(write_kb(tmp_path / "kb", {"_vocabulary.yaml": alone}))
    assert {f.name: f.alone_default for f in kb.follow_ups} == {"hold": False, "frequency": True}
    for number, wrong in enumerate(
        [
            DETAILS_VOCABULARY.replace(
                "[how long, hold time]", "[how long, hold time]\n    alone: default"
            ),
            alone.replace("alone: default", "alone: always"),
        ]
    ):
        found = problems(tmp_path / f"wrong{number}", {"_vocabulary.yaml": wrong})
        assert any("has 'alone: " in p and "'alone: default'" in p for p in found), found


def test_a_detail_asked_after_an_exercise_names_another_detail(tmp_path: Path) -> None:
    """'in_exercises: hold': after an exercise with a hold time, the detail asks that; a name
    that is no detail of the file is a problem, not a rule that never applies."""
    pointing = DETAILS_VOCABULARY.replace(
        "    default: sitting\n", "    default: sitting\n    in_exercises: hold\n"
    )
    kb = load_knowledge(write_kb(tmp_path / "kb", {"_vocabulary.yaml": pointing}))
    assert {f.name: f.in_exercises for f in kb.follow_ups} == {"hold": None, "frequency": "hold"}
    wrong = pointing.replace("in_exercises: hold", "in_exercises: hodl")
    found = problems(tmp_path / "wrong", {"_vocabulary.yaml": wrong})
    assert any("'in_exercises: hodl' names no detail" in p and "hold" in p for p in found), found


def test_a_detail_asked_of_exercises_says_so_in_one_way(tmp_path: Path) -> None:
    """'asked_of: exercises' marks a detail that asks how an exercise is done; any other value
    is a problem that names the one accepted."""
    marked = DETAILS_VOCABULARY.replace(
        "[how long, hold time]", "[how long, hold time]\n    asked_of: exercises"
    )
    kb = load_knowledge(write_kb(tmp_path / "kb", {"_vocabulary.yaml": marked}))
    assert {f.name: f.of_exercises for f in kb.follow_ups} == {"hold": True, "frequency": False}
    wrong = marked.replace("asked_of: exercises", "asked_of: stretches")
    found = problems(tmp_path / "wrong", {"_vocabulary.yaml": wrong})
    assert any("'asked_of: stretches'" in p and "'asked_of: exercises'" in p for p in found), found


def test_a_detail_answered_by_the_whole_topic_says_so_in_one_way(tmp_path: Path) -> None:
    again = DETAILS_VOCABULARY.replace(
        "not_covered:", "  again:\n    asks: [say that again]\n    answer: topic\nnot_covered:"
    )
    kb = load_knowledge(write_kb(tmp_path / "kb", {"_vocabulary.yaml": again}))
    assert {f.name: f.answers_topic for f in kb.follow_ups} == {
        "hold": False,
        "frequency": False,
        "again": True,
    }
    wrong = again.replace("answer: topic", "answer: yes")
    found = problems(tmp_path / "wrong", {"_vocabulary.yaml": wrong})
    assert any(
        "the detail 'again' has 'answer: yes'" in p and "'answer: topic'" in p for p in found
    )
    assert any("'answer: again'" in p for p in found)
    # 'answer: again': the whole topic too, but a detail asked beside it wins
    yielding = again.replace("answer: topic", "answer: again")
    kb = load_knowledge(write_kb(tmp_path / "yielding", {"_vocabulary.yaml": yielding}))
    assert {f.name: (f.answers_topic, f.yields) for f in kb.follow_ups} == {
        "hold": (False, False),
        "frequency": (False, False),
        "again": (True, True),
    }
    # 'answer: told': the whole topic, whatever the message names (it adds to the question)
    told = again.replace("answer: topic", "answer: told")
    kb = load_knowledge(write_kb(tmp_path / "told", {"_vocabulary.yaml": told}))
    assert {f.name: (f.answers_topic, f.tells) for f in kb.follow_ups}["again"] == (True, True)
    assert any("'answer: told'" in p for p in found)


def test_a_detail_is_a_sentence_or_two(tmp_path: Path) -> None:
    pigeon = PIGEON + f'\ndetails:\n  hold: "{"Hold it. " * 60}"\n'
    found = problems(
        tmp_path, {"entries/pigeon-pose.yaml": pigeon, "_vocabulary.yaml": DETAILS_VOCABULARY}
    )
    assert any("the detail 'hold' is" in p and "a sentence or two" in p for p in found)


def test_a_phrasing_written_twice_is_kept_once_and_warned(tmp_path: Path) -> None:
    twice = SITTING.replace(
        "  - sitting for hours and hip flexors",
        "  - sitting for hours and hip flexors\n  - Sitting for hours, and hip flexors?\n"
        "  - DOES sitting at a desk tighten my hips",
    )
    kb = load_knowledge(write_kb(tmp_path / "kb", {"entries/sitting.yaml": twice}))
    entry = kb.entries["sitting"]
    assert [(p.text, p.line) for p in entry.questions] == [
        ("can sitting all day cause tight hip flexors", 9),
        ("does sitting at a desk tighten my hips", 10),
        ("is my office chair making my hips tight", 11),
        ("sitting for hours and hip flexors", 12),
    ]
    assert [str(w) for w in kb.warnings] == [
        "kb/entries/sitting.yaml:13: entry 'sitting', field 'questions': the phrasing "
        "'Sitting for hours, and hip flexors?' is listed twice (also on line 12). "
        "Fix: remove one of them.",
        "kb/entries/sitting.yaml:14: entry 'sitting', field 'questions': the phrasing "
        "'DOES sitting at a desk tighten my hips' is listed twice (also on line 10). "
        "Fix: remove one of them.",
    ]


@pytest.mark.parametrize("edited", ["sitting", "pigeon-pose"])
def test_a_phrasing_of_two_entries_is_reported_in_the_file_edited_last(
    tmp_path: Path, edited: str
) -> None:
    shared = SITTING.replace("  - sitting for hours and hip flexors", "  - Pigeon pose steps")
    root = write_kb(tmp_path / "kb", {"entries/sitting.yaml": shared})
    edited_last(root, f"entries/{edited}.yaml")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    here, there = (
        ("sitting.yaml:12", "pigeon-pose.yaml:15")
        if edited == "sitting"
        else ("pigeon-pose.yaml:15", "sitting.yaml:12")
    )
    other = "pigeon-pose" if edited == "sitting" else "sitting"
    text = "Pigeon pose steps" if edited == "sitting" else "pigeon pose steps"
    assert [str(problem) for problem in caught.value.problems] == [
        f"kb/entries/{here}: entry '{edited}', field 'questions': the phrasing '{text}' is "
        f"also a phrasing of '{other}' (kb/entries/{there}). Fix: keep it in the one entry it "
        "belongs to."
    ]


def test_people_only_quoted_are_read_as_someone_and_a_missing_list_is_named(
    tmp_path: Path,
) -> None:
    """``sources``: every person of ``who`` with a word of ``says`` is one synonym of "someone"
    ("my gp said ..."), while a synonym listed on purpose keeps its own word."""
    quoted = "sources:\n  who: [gp, physio]\n  says: [said, told me]\n" + VOCABULARY
    kb = load_knowledge(write_kb(tmp_path / "kb", {"_vocabulary.yaml": quoted}))
    assert {k: v for k, v in kb.synonyms.items() if v == "someone"} == {
        "gp said": "someone",
        "gp told me": "someone",
        "physio said": "someone",
        "physio told me": "someone",
    }
    found = problems(tmp_path / "wrong", {"_vocabulary.yaml": "sources:\n  who: [gp]\n"})
    assert any("'sources' needs 'says'" in p for p in found), found
