"""Which sentence of a message asks: the first words of a question count as much as its mark."""

from __future__ import annotations

import pytest

from bot.core.answering.sentences import (
    question_index,
    run_ons_apart,
    sentences_of,
    turns_apart,
    without_closing,
)
from bot.core.asking import opens_a_question


@pytest.mark.parametrize(
    "sentence",
    [
        "how long do i hold it",
        "so what now",
        "ok which one",
        "is it normal",
        "what s next",
        "can t i do it lying down",
    ],
)
def test_a_sentence_that_opens_like_a_question_asks(sentence: str) -> None:
    assert opens_a_question(sentence.split())


@pytest.mark.parametrize(
    "sentence",
    [
        "when i sit it hurts",
        "will do",
        "explain like im 5 pls",
        "my back is stiff",
        "",
        "can t see past the baby carrier lol",  # (as "cant see ...")
        "don t know which one",
    ],
)
def test_a_statement_or_an_add_on_does_not_open_a_question(sentence: str) -> None:
    assert not opens_a_question(sentence.split())


def test_the_question_is_the_last_sentence_that_asks_with_or_without_its_mark() -> None:
    assert question_index(["thighs shake, normal?", "how long do I hold it"]) == 1
    assert question_index(["What's the best stretch", "My back hurts."]) == 0
    assert question_index(["how does it cause the ache?", "explain like im 5 pls"]) == 0
    assert question_index(["When I sit it hurts.", "ok"]) == 1  # none asks: the last
    # a question word alone narrows the question before it
    assert question_index(["It still aches.", "should I get it looked at?", "who?"]) == 1


def test_with_no_sentence_that_asks_a_request_is_the_question() -> None:
    """ "I'd like to understand ...": a question said as a statement, before a closing remark."""
    story = ["I read three blog posts.", "I'd like to understand the mechanism.", "I'm 29, I run."]
    assert question_index(story) == 1
    assert question_index(["My back hurts.", "Please explain the bridge.", "Thanks!"]) == 1
    assert question_index(["I like the bridge.", "It helps."]) == 1  # no request: the last
    assert question_index(["I'd like to know more.", "how long do I hold it"]) == 1  # one asks


def test_with_no_sentence_that_opens_as_a_question_one_that_asks_inside_is_the_question() -> None:
    """Dictated with no question mark: the question after a story, a remark after it."""
    story = ["i drive all day could all that sitting make me tight", "no pins or anything"]
    assert question_index(story) == 0
    assert question_index(["my flatmate does it every night", "i fall over"]) == 1  # tells


def test_with_no_question_nor_request_a_verb_that_asks_opens_the_question() -> None:
    """ "list the stretches pls, baby napping, have 10 min": the imperative asks."""
    assert question_index(["list the stretches pls", "baby napping", "have 10 min"]) == 0
    assert question_index(["i have ten minutes", "name the three moves", "thanks"]) == 1
    assert question_index(["I like the bridge.", "It helps."]) == 1  # still none: the last


def test_a_question_told_as_a_doubt_is_the_one_asked() -> None:
    """No question mark: "Not sure if ...", "I wonder whether ..." ask as a request does."""
    for doubt in (
        "Not sure if they are at the front or the back of the hip.",
        "I wonder whether the bridge counts as a stretch.",
        "I don't know how long to hold it.",
    ):
        assert question_index(["My son plays football.", doubt, "Thank you."]) == 1
    # A doubt that asks nothing stays a statement: "I'm not sure." is no question.
    assert question_index(["I'm not sure.", "My back hurts."]) == 1


def test_a_sentence_saying_the_first_question_matters_most_picks_it() -> None:
    """ "Also, ...? Mostly the first bit though.": the add-on question is not the one asked."""
    story = ["How do I do the bridge?", "Also, is my mat too thin?", "Mostly the first bit though."]
    assert question_index(story) == 0
    # Without such a sentence, the last question is the one asked.
    assert question_index(story[:2]) == 1
    said = ["Would yoga help?", "Also, do I need a block?", "It's the yoga question I care about."]
    assert question_index(said) == 0
    # A single question stays the question whatever follows.
    assert question_index(["My back hurts.", "How often?", "The main thing is that."]) == 1


def test_a_long_run_on_sentence_is_cut_where_its_question_starts() -> None:
    story = (
        "been to a physio twice and she said something about my pelvis and my arch and then "
        "the session ran out and i never got the whole explanation"
    )
    asked = "so i guess i want to know how tight hip flexors lead to back pain"
    assert run_ons_apart([f"{story} {asked}"]) == [story, asked]
    # A short sentence, or a long one with no such start, stays whole.
    assert run_ons_apart([asked]) == [asked]
    assert run_ons_apart([story]) == [story]


def test_a_long_run_on_sentence_is_cut_where_a_question_word_starts_its_question() -> None:
    """Voice-typed: no full stop, the question begins with its question words."""
    story = (
        "i had a hip replacement on the other side years ago and these days i mostly potter "
        "about the garden and my back is just stiff after kneeling at the beds"
    )
    for asked in ("how long do i hold the kneeling stretch", "would yoga help my hips"):
        assert run_ons_apart([f"{story} {asked}"]) == [story, asked]
    # Not where a question is told ("i don't know how long to stay"), nor inside a sentence
    # that already asks with its question mark (it may ask two things).
    told = f"{story} and i do not know how long to stay in the stretch"
    assert run_ons_apart([told]) == [told]
    asked_twice = f"{story}, can i do the bridge and how long do i hold it?"
    assert run_ons_apart([asked_twice]) == [asked_twice]


def test_anyway_before_a_question_ends_a_sentence_at_any_length() -> None:
    said = "nearly wet myself laughing at the telly anyway what are the signs of tight hips"
    assert turns_apart([said]) == [
        "nearly wet myself laughing at the telly",
        "anyway what are the signs of tight hips",
    ]
    # Not when no question follows it, nor at the start.
    assert turns_apart(["it hurts anyway so i stretch"]) == ["it hurts anyway so i stretch"]
    assert turns_apart(["anyway how often should i stretch"]) == [
        "anyway how often should i stretch"
    ]


def test_a_question_that_depends_on_the_one_before_leaves_it_asked() -> None:
    """ "Is the riding part of the problem? And if so, what do I do?": the first is asked."""
    said = ["I ride all day.", "Is the riding part of the problem?", "And if so, what do I do?"]
    assert question_index(said) == 1
    assert question_index(["If so, what then?"]) == 0  # nothing before it: itself


def test_an_emoji_ends_a_sentence_as_a_mark_does() -> None:
    """Chat messages often end a sentence with an emoji and no full stop."""
    assert sentences_of("i was wobbling everywhere 😂 could you explain pigeon? ta 🙏🏽") == [
        "i was wobbling everywhere 😂",
        "could you explain pigeon?",
        "ta 🙏🏽",
    ]
    assert sentences_of("how long. ok") == ["how long.", "ok"]


def test_a_letter_s_closing_and_the_name_under_it_are_no_part_of_the_question() -> None:
    assert without_closing("How long do I hold pigeon? Best, Anja") == "How long do I hold pigeon?"
    assert without_closing("Which exercises help?\n\nYours sincerely,\nMargaret Ellis") == (
        "Which exercises help?"
    )
    assert without_closing("Is sitting bad for me? Kind regards, Mrs Tan Li Ling") == (
        "Is sitting bad for me?"
    )
    # closings of thanks and blessing, a rank in brackets, an emoji after the name
    assert without_closing("Which signs? With kind regards, Harold P.") == "Which signs?"
    assert without_closing("How long? Thank you. Edna") == "How long?"
    assert without_closing("Who? Yours respectfully, Colonel (retd) J. Smith") == "Who?"
    assert without_closing("Is that so? Bless you, Margaret 🙏") == "Is that so?"
    # a question in capitals after a thank-you is no name signed under it
    shouted = "MY HIPS ARE STIFF, THANK YOU. WHAT ARE THE HIP FLEXORS?"
    assert without_closing(shouted) == shouted
    assert without_closing("Which one? Thank you so much, it helped") == (
        "Which one? Thank you so much, it helped"
    )
    # not a closing: "best" asked about, or with nothing before it
    assert without_closing("which stretch is best") == "which stretch is best"
    assert without_closing("best exercises for tight hips") == "best exercises for tight hips"
    assert without_closing("which is the best, bridge or pigeon?") == (
        "which is the best, bridge or pigeon?"
    )


def test_a_question_said_to_come_second_leaves_the_first_asked() -> None:
    said = [
        "I sit all day.",
        "I would be most grateful if you could explain what tight hip flexors do to the back.",
        "Secondly, and of less importance, can one see it in a mirror?",
    ]
    assert question_index(said) == 1  # the request before "Secondly"
    asked = ["What are hip flexors?", "On a side note, do you like cats?"]
    assert question_index(asked) == 0
    # "also" asks another question as much as the first: the last one is read
    assert question_index(["What does that mean?", "also how often should I stretch?"]) == 1


def test_a_letter_asks_by_being_grateful_to_learn() -> None:
    said = ["I stand all day at work.", "I should be grateful to learn whether that tightens hips."]
    assert question_index(said) == 1
    thanks = ["Which stretch helps most?", "I would be grateful for a reply."]
    assert question_index(thanks) == 0
