"""Knowing what it does not know: one shared word is no confident answer unless it is one of the
entry's own key words; a short message unclear as a whole is read by its clauses (a story
clause, a clause about what is absent) without letting one shared word outweigh the story; a
follow-up with nothing to follow asks back which exercise or topic is meant."""

from __future__ import annotations

import pytest

from bot.core.answering.answerer import Answerer
from bot.core.knowledge import KnowledgeBase, fill
from bot.core.replies import ReplyKind
from tests.e2e import real_knowledge


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return real_knowledge()


@pytest.fixture(scope="module")
def answerer(kb: KnowledgeBase) -> Answerer:
    return Answerer(kb)


@pytest.mark.parametrize(
    "message",
    [
        "tips please",  # a word of a longer keyword ("tips forward")
        "which one is better?",
        "how do you do a push up",  # "push" of "push hips forward"
    ],
)
def test_one_shared_common_word_is_no_confident_answer(answerer: Answerer, message: str) -> None:
    assert answerer.answer(message).reply.kind is not ReplyKind.ANSWER


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("pilates?", "yoga-for-hip-flexors"),
        ("the iliacus?", "what-are-hip-flexors"),
        ("kneeling one", "hip-flexor-stretch"),
    ],
)
def test_one_of_the_entrys_own_key_words_still_answers(
    answerer: Answerer, message: str, entry: str
) -> None:
    assert answerer.answer(message).reply.entry_id == entry


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        (
            "i'm a night nurse on twelve hour rotas, which exercises ease tight hip flexors?",
            "exercises",
        ),
        (
            "my aunt had kidney stones, unrelated, but what are the hip flexors?",
            "what-are-hip-flexors",
        ),
        ("no dizziness, no tingling, only stiff hips. what stretches should i do?", "exercises"),
    ],
)
def test_a_short_story_or_what_is_absent_does_not_hide_the_question(
    answerer: Answerer, message: str, entry: str
) -> None:
    assert answerer.answer(message).reply.entry_id == entry


@pytest.mark.parametrize(
    "message", ["my laptop keeps crashing, any tips?", "our boiler broke down, which one is better"]
)
def test_one_shared_word_in_a_clause_does_not_outweigh_an_unplaced_story(
    answerer: Answerer, message: str
) -> None:
    assert answerer.answer(message).reply.kind is not ReplyKind.ANSWER


# --- a follow-up with nothing to follow -----------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "offered"),
    [
        ("how long should i hold that", {"e:pigeon-pose", "e:hip-flexor-stretch"}),
        ("which knee goes down first", {"e:hip-flexor-stretch", "e:pigeon-pose"}),
        ("how many times should i repeat that", {"e:bridge-pose"}),
        ("how often do i do this", {"e:how-often-to-stretch"}),
        ("do i switch sides", {"e:pigeon-pose", "e:hip-flexor-stretch"}),
    ],
)
def test_a_follow_up_with_nothing_to_follow_asks_which_topic(
    answerer: Answerer, kb: KnowledgeBase, message: str, offered: set[str]
) -> None:
    reply = answerer.answer(message).reply
    assert reply.kind is ReplyKind.UNSURE and reply.html == kb.texts["clarify"]
    data = [b.data or "" for row in reply.buttons for b in row]
    assert offered <= set(data)
    assert data[-1].startswith("n:")  # "None of these", which is logged


def test_after_the_context_expired_a_follow_up_asks_back_too(answerer: Answerer) -> None:
    from bot.core.answering.context import MAX_TURNS, Conversation

    stale = Conversation(topic="pigeon-pose", turns=MAX_TURNS + 1)
    assert answerer.answer("how long do i hold it", stale).reply.kind is ReplyKind.UNSURE
    fresh = Conversation(topic="pigeon-pose")
    assert answerer.answer("how long do i hold it", fresh).reply.entry_id == "pigeon-pose"


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("how often?", "how-often-to-stretch"),  # the detail's own entry, nothing pointed at
        ("how often should i do them", "how-often-to-stretch"),  # the exercises as a whole
        ("how long do i hold the bridge", "bridge-pose"),  # names its topic
    ],
)
def test_a_detail_question_that_needs_no_referent_is_answered(
    answerer: Answerer, message: str, entry: str
) -> None:
    assert answerer.answer(message).reply.entry_id == entry


@pytest.mark.parametrize(
    "message", ["what exercises ease a sore shoulder", "any stretches for knee pain?"]
)
def test_a_body_part_that_hurts_is_not_covered_by_a_list_or_topic(
    answerer: Answerer, kb: KnowledgeBase, message: str
) -> None:
    """The exercises mention knees and shoulders, but do not treat them."""
    reply = answerer.answer(message).reply
    assert reply.kind is ReplyKind.FALLBACK
    assert reply.plain().startswith(kb.texts["not_covered"].split("{subject}")[0].strip())


def test_a_body_part_an_exercise_named_hurts_stays_with_the_exercise(answerer: Answerer) -> None:
    assert answerer.answer("my knee hurts in the bridge pose").reply.entry_id == "bridge-pose"


@pytest.mark.parametrize(
    "message",
    [
        "how long does it take to get a driving licence",  # "long" and "drive": not two words
        "how many times should i practise the piano a week",
    ],
)
def test_the_words_that_ask_a_detail_do_not_count_as_the_questions_subject(
    answerer: Answerer, message: str
) -> None:
    """The words "how long" ask a hold time, not about sitting: with one word of its own left for an
    entry and an unknown one beside it, the question is not answered."""
    assert answerer.answer(message).reply.kind is not ReplyKind.ANSWER


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("how long should i hold pigeon", "pigeon-pose"),
        ("how many reps of the bridge", "bridge-pose"),
        ("how long should i sit at my desk before a break", "sitting-and-hip-flexors"),
    ],
)
def test_a_detail_question_about_its_own_topic_is_still_answered(
    answerer: Answerer, message: str, entry: str
) -> None:
    assert answerer.answer(message).reply.entry_id == entry


@pytest.mark.parametrize(
    ("message", "subject"),
    [
        ("my tailbone hurts when i sit", "tailbone"),
        ("do i need an mri for back pain", "MRI scans"),
        # a subject misspelt as it is often typed
        ("best matress for back pain?", "mattress"),
    ],
)
def test_more_subjects_near_ours_get_the_kind_not_covered_reply(
    answerer: Answerer, kb: KnowledgeBase, message: str, subject: str
) -> None:
    reply = answerer.answer(message).reply
    assert reply.kind is ReplyKind.FALLBACK
    assert reply.plain().startswith(kb.texts["not_covered"].split("{subject}")[0].strip())
    assert subject in reply.plain()


@pytest.mark.parametrize(
    "message, name",
    [
        ("is the bridge safe while pregnant?", "pregnancy"),  # an adjective
        ("my knee clicks when i squat, why?", "knee problems"),  # a bare singular
        ("my knees click when i squat, why?", "knee problems"),
        ("can i do pigeon pose after a c section", "caesareans"),
        ("what do you think of tylenol for back pain", "Tylenol"),  # its capital
    ],
)
def test_the_kind_not_covered_reply_names_the_subject_as_a_sentence_would(
    answerer: Answerer, kb: KnowledgeBase, message: str, name: str
) -> None:
    """ "I can't help with pregnancy", never "with pregnant" (``not_covered_names``)."""
    reply = answerer.answer(message).reply
    assert reply.html == fill(kb.texts["not_covered"], subject=name)


def test_a_choice_after_a_question_is_not_read_as_a_question_of_its_own(
    answerer: Answerer,
) -> None:
    """ "side or back?" narrows the clause before it; alone it would match an exercise's
    sides. A choice that names entries is still read ("... pigeon or bridge?")."""
    assert answerer.answer("how should i carry my toddler, side or back?").reply.kind is not (
        ReplyKind.ANSWER
    )
    named = answerer.answer("i have 10 minutes free, pigeon or the bridge?").reply
    assert named.kind is ReplyKind.ANSWER


def test_a_condition_told_aside_is_named_as_a_sentence_would(
    answerer: Answerer, kb: KnowledgeBase
) -> None:
    reply = answerer.answer("i have a broken wrist, can i do the bridge?").reply
    assert (reply.kind, reply.entry_id) == (ReplyKind.ANSWER, "bridge-pose")
    assert reply.html.endswith(fill(kb.texts["told_aside"], subject="broken bones"))


@pytest.mark.parametrize(
    "message", ["should i take melatonin on long flights", "what should i wear on long flights"]
)
def test_the_words_of_one_key_phrase_are_one_piece_of_evidence(
    answerer: Answerer, message: str
) -> None:
    """The words "long flights" are one key phrase of sitting, not two words pointing to it:
    beside an unknown word they are not enough for a confident answer."""
    assert answerer.answer(message).reply.kind is not ReplyKind.ANSWER


def test_a_key_phrase_holding_a_key_word_of_its_own_keeps_both_words(kb: KnowledgeBase) -> None:
    answerer = Answerer(kb)
    scope = answerer.interpreter._scope
    terms = answerer.interpreter.matcher.analyse
    assert scope.repeated_in_keywords(terms("tips for long flights")[0], "sitting-and-hip-flexors")
    assert not scope.repeated_in_keywords(  # "kneel" is a key word by itself
        terms("the kneeling stretch")[0], "hip-flexor-stretch"
    )
    assert answerer.answer("long flights and tight hips").reply.entry_id == (
        "sitting-and-hip-flexors"
    )


@pytest.mark.parametrize(
    ("message", "entry", "detail"),
    [
        (
            "My brother has been going to a climbing gym three nights a week for a year now and "
            "loves it. He told me about the bridge. How many should I do?",
            "bridge-pose",
            "reps",
        ),
        (
            "We went camping last weekend and slept in a tent on very hard ground for three "
            "nights in a row. A friend there showed me pigeon. How long do I hold it?",
            "pigeon-pose",
            "hold",
        ),
    ],
)
def test_a_long_story_that_names_the_exercise_just_before_the_question_is_its_referent(
    answerer: Answerer, message: str, entry: str, detail: str
) -> None:
    """The story as a whole is too far from everything to place, but the sentence before the
    question names an exercise: "it" is that exercise."""
    reading = answerer.interpreter.read(message)
    assert (reading.kind, reading.entry_id, reading.detail) == ("detail", entry, detail)


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("does this mean my hip flexors are tight?", "signs-of-tight-hip-flexors"),
        (
            "i get up from the sofa all bent over, does it mean my hips are tight",
            "signs-of-tight-hip-flexors",
        ),
        ("what does iliopsoas mean", "what-are-hip-flexors"),  # the meaning of a word
    ],
)
def test_does_that_mean_asks_whether_something_is_a_sign(
    answerer: Answerer, message: str, entry: str
) -> None:
    assert answerer.answer(message).reply.entry_id == entry


def test_a_back_story_does_not_answer_a_question_about_something_else(
    answerer: Answerer,
) -> None:
    """The story is about our stretches, the question about corns: the story may help a question
    short of words, not answer one whose own words are mostly unknown."""
    message = (
        "I do the hip flexor stretches every day now and they are really helping my back, "
        "thanks. My mother wants to know what she can do about her corns, they hurt in her "
        "work shoes."
    )
    assert answerer.answer(message).reply.kind is not ReplyKind.ANSWER


def test_a_title_found_whole_is_what_the_reader_checks_before_scoring(kb: KnowledgeBase) -> None:
    answerer = Answerer(kb)
    scope = answerer.interpreter._scope
    terms = answerer.interpreter.matcher.analyse
    assert scope.names_an_entry(terms("someone at work mentioned the bridge")[0])
    assert not scope.names_an_entry(terms("my neighbour has a noisy dog")[0])


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        (
            "Started at the gym again last month and my trainer thinks my hip flexors are"
            " short. How do I find out whether they really are tight?",
            "signs-of-tight-hip-flexors",
        ),
        (
            "My sister swears by the glute bridge for her back. I have never tried one. How"
            " do I do it properly?",
            "bridge-pose",
        ),
    ],
)
def test_a_pronoun_in_a_long_question_reads_as_what_the_story_named(
    answerer: Answerer, message: str, entry: str
) -> None:
    """ "they"/"it" in the question stand for the nearest title or keyword the story named."""
    outcome = answerer.answer(message)
    assert outcome.reply.kind is ReplyKind.ANSWER
    assert outcome.reply.entry_id == entry


def test_a_pronoun_with_nothing_named_before_it_is_not_resolved(answerer: Answerer) -> None:
    interpreter = answerer.interpreter
    assert list(interpreter._resolved("how do i do it?", ["I had a long day at work."])) == []
    assert list(interpreter._resolved("what about the weather?", ["I love pigeon pose."])) == []
    resolved = interpreter._resolved("how do i do it?", ["my friend loves pigeon pose."])
    assert list(resolved) == ["how do i do pigeon pose?"]
    # Nearest sentence first, then the ones before it.
    both = ["he called it a bridge.", "my friend loves pigeon pose."]
    assert list(interpreter._resolved("how do i do it?", both)) == [
        "how do i do pigeon pose?",
        "how do i do bridge?",
    ]


def test_a_bare_pronoun_question_points_at_the_nearest_named_exercise_not_the_storys_topic(
    answerer: Answerer,
) -> None:
    """The story is mostly about pigeon pose, but "that" in a question with no word of its own
    is what the sentence just before it names (the kneeling stretch)."""
    message = (
        "Pigeon pose is too hard for me, I cannot get my knee forward into the pigeon without"
        " pain in the plank. Is the kneeling one any easier? How do I do that?"
    )
    outcome = answerer.answer(message)
    assert (outcome.reply.kind, outcome.reply.entry_id) == (ReplyKind.ANSWER, "hip-flexor-stretch")


def test_a_pronoun_question_with_words_of_its_own_is_not_pinned_to_the_named_phrase(
    answerer: Answerer,
) -> None:
    """ "Is it safe to keep taking it?" is about what "it" is (a painkiller), not about the
    stretching frequency a time phrase in the story happens to name."""
    interpreter = answerer.interpreter
    before = ["I take ibuprofen three times a day, four days a week."]
    assert interpreter._referred("is it safe to keep taking it?", before) is None
    assert interpreter._referred("how do i do that?", ["try the glute bridge."]) == "bridge-pose"


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        (
            "My wrist went tingly when I leaned on it, gone now. How do I do pigeon pose?",
            "pigeon-pose",
        ),
        ("my elbow clicks sometimes. whats the bridge pose?", "bridge-pose"),
    ],
)
def test_a_short_story_then_a_question_naming_an_entry_is_answered(
    answerer: Answerer, message: str, entry: str
) -> None:
    """Under the long-message length, a first sentence about a body part the article does not
    cover no longer hides a second sentence that names an exercise."""
    outcome = answerer.answer(message)
    assert (outcome.reply.kind, outcome.reply.entry_id) == (ReplyKind.ANSWER, entry)


def test_a_short_story_about_another_body_part_with_a_vague_question_stays_not_covered(
    answerer: Answerer,
) -> None:
    reading = answerer.interpreter.read("My knee clicks when I run. What should I do?")
    assert reading.kind != "answer"


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        (
            "my feet feel fine and my legs are strong. how many times a week should i stretch?",
            "how-often-to-stretch",
        ),
        (
            "pins and needles in my foot after the cinema, gone after a minute. how often should"
            " i stretch?",
            "how-often-to-stretch",
        ),
    ],
)
def test_a_subject_we_do_not_cover_told_aside_does_not_hide_the_question(
    answerer: Answerer, message: str, entry: str
) -> None:
    """The foot is in the story, the question is about stretching: it is answered."""
    reply = answerer.answer(message).reply
    assert (reply.kind, reply.entry_id) == (ReplyKind.ANSWER, entry)


@pytest.mark.parametrize(
    "message",
    [
        "my elbow hurts after tennis, what stretch helps?",  # what hurts is the subject
        "no neck pain or anything, just a stiff back from my desk",  # nothing asked
        "what about arthritis, can stretches help",  # a condition we do not cover
    ],
)
def test_a_subject_we_do_not_cover_that_is_the_point_stays_not_covered(
    answerer: Answerer, message: str
) -> None:
    assert answerer.answer(message).reply.kind is not ReplyKind.ANSWER
