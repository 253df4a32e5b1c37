"""The red-flag check on the real knowledge base: typos, context rules, tiers, replies.

One test per context rule (after NegEx / ConText), each with the smallest message that shows it,
plus property tests: a red-flag sentence stays alarmed whatever calm sentences surround it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.answering.answerer import Answerer
from bot.core.knowledge import KnowledgeBase, load_knowledge
from bot.core.replies import MESSAGE_LIMIT, ReplyKind
from bot.core.safety import SafetyDecision, Screen, Status, Verdict
from bot.core.safety.lexicon import Lexicon, allowed_edits
from bot.core.safety.tokens import answered_checklist, tokenise

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_SAFETY_SET = ROOT.parent / "shared" / "eval" / "safety.yaml"
# The public set's own test of "this is the urgent notice"; calm replies must never match it.
URGENT_MARKERS = re.compile(
    r"urgent|emergenc|immediate|right away|straight away|without delay|at once|A&E|\bER\b|"
    r"\b(911|999|112)\b|call (a|your) doctor now|ambulance|as soon as possible|\basap\b|"
    r"same[- ]day|seek (medical )?(help|care|attention) (now|today)|go to (the |a )?"
    r"(hospital|emergency)",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


@pytest.fixture(scope="module")
def screen(kb: KnowledgeBase) -> Screen:
    return Screen.for_knowledge(kb)


@pytest.fixture(scope="module")
def answerer(kb: KnowledgeBase, screen: Screen) -> Answerer:
    return Answerer(kb, screen=screen)


def status_of(decision: SafetyDecision, flag_id: str) -> Status:
    (status,) = {m.status for m in decision.mentions if m.flag.id == flag_id}
    return status


def ruled_out_as(screen: Screen, text: str, flag_id: str) -> Status:
    """The status of the flag's mention in a message that must not alarm."""
    decision = screen.assess(text)
    assert not decision.alarm, text
    return status_of(decision, flag_id)


# --- reading the message ---------------------------------------------------------------------


def test_contractions_are_written_out_with_or_without_apostrophes(kb: KnowledgeBase) -> None:
    contractions = kb.red_flags.contractions
    assert tokenise("I can’t pee", contractions).words == ("i", "can", "not", "pee")
    assert tokenise("havnt had a wee", contractions).words == ("have", "not", "had", "a", "wee")
    assert tokenise("my bladder's weird", contractions).words == ("my", "bladder", "is", "weird")
    assert tokenise("temp 38,5. Fine!", contractions).words == ("temp", "38.5", "fine")
    assert tokenise("temp 38,5. Feeling fine now!", contractions).sentences == (0, 0, 1, 1, 1)


def test_a_fragment_of_a_word_or_two_is_read_with_the_sentence_before_it(kb: KnowledgeBase) -> None:
    """ "Toilet. Sat there. Nothing." tells one thing; a checklist's "no fever." stays apart."""
    contractions = kb.red_flags.contractions
    assert tokenise("Toilet. Sat there. Nothing.", contractions).sentences == (0, 0, 0, 0)
    assert tokenise("temp 38,5. Fine!", contractions).sentences == (0, 0, 0)
    assert tokenise("numb groin. no fever.", contractions).sentences == (0, 0, 1, 1)


def test_a_short_question_is_a_sentence_of_its_own_not_a_fragment(kb: KnowledgeBase) -> None:
    """ "no fever. hips tight. which exercises?" keeps its question apart, for the answer."""
    contractions = kb.red_flags.contractions
    assert tokenise("hips tight. which exercises?", contractions).sentences == (0, 0, 1, 1)
    answerer = Answerer(kb)
    reply = answerer.answer("no fever. no weight loss. hips tight. which exercises?").reply
    assert reply.entry_id == "exercises"


def test_typos_are_length_aware_and_keep_the_first_letter() -> None:
    lexicon = Lexicon(
        exact=["bladder", "control", "bowels", "wee", "temperature"],
        fuzzy=["bladder", "control", "bowels", "wee", "temperature"],
        prefixes=[],
        not_typos=["ladder"],
    )
    assert lexicon.keys("bladdr") == ("~bladder",)
    assert lexicon.keys("controll") == ("~control",)
    assert lexicon.keys("bowls") == ("~bowels",)
    assert lexicon.keys("temprature") == ("~temperature",)
    assert lexicon.keys("tmeperatrue") == ("~temperature",)  # long words: two edits
    assert lexicon.keys("blade") == ()  # two edits from "bladder", five letters allow one
    assert lexicon.keys("ladder") == ()  # a real word, listed in not_typos
    assert lexicon.keys("see") == ()  # "wee" is too short for typos
    assert lexicon.keys("vladder") == ()  # the first letter must be right
    assert [allowed_edits(n) for n in (4, 5, 8, 9)] == [0, 1, 1, 2]


@pytest.mark.parametrize(
    "message",
    [
        "lost controll of my bowls this morning",
        "no control over my bladdr",
        "back pain and temprature of 39",
        "feaver since yesterday and my back aches",  # a typo of the stem of the pattern 'fever*'
    ],
)
def test_typos_on_key_words_still_alarm(screen: Screen, message: str) -> None:
    assert screen.assess(message).alarm


# --- context rules ---------------------------------------------------------------------------


def test_negation_rules_a_mention_out(screen: Screen) -> None:
    decision = screen.assess("i don't have a fever or anything, just stiff")
    assert decision.verdict is Verdict.RULED_OUT
    assert status_of(decision, "fever-infection") is Status.NEGATED
    assert decision.mentions[0].trigger == "not"


def test_negation_scope_ends_at_but(screen: Screen) -> None:
    decision = screen.assess("no fever but can't pee")
    assert decision.alarm
    assert status_of(decision, "fever-infection") is Status.NEGATED
    assert status_of(decision, "bladder-bowel") is Status.PRESENT
    assert decision.tier is not None and decision.tier.id == "emergency"


def test_negation_reaches_only_its_window(screen: Screen) -> None:
    far = "no stretching yesterday or the day before that, the pain, and now a fever"
    assert screen.assess(far).alarm


def test_a_mention_that_carries_its_own_negation_is_not_negated(screen: Screen) -> None:
    assert screen.assess("never had back problems before, now cant control my bowels").alarm
    assert screen.assess("i haven't been able to pee").alarm


def test_a_mention_made_with_nothing_keeps_its_sign_after_at_all(screen: Screen) -> None:
    # "nothing" is a negation of reach 0: it negates no other word ("need to pee but nothing
    # comes out" still alarms) but makes "constant, nothing touches it" carry its own
    assert screen.assess("my back pain is constant and nothing touches it at all").alarm
    assert screen.assess("i need to pee but nothing comes out, back is agony").alarm


def test_a_trigger_of_the_mentions_own_words_does_not_count(screen: Screen) -> None:
    decision = screen.assess("no feeling in my groin")
    assert decision.alarm  # "no" is part of "no feeling", not a negation of it


def test_past_and_long_ago_is_historical(screen: Screen) -> None:
    decision = screen.assess("hurt my back in a fall ten years ago but it healed fine")
    assert status_of(decision, "fall-or-injury") is Status.HISTORICAL
    assert not decision.alarm


def test_over_now_is_resolved(screen: Screen) -> None:
    decision = screen.assess("had a fever two weeks ago, all better now")
    assert status_of(decision, "fever-infection") is Status.RESOLVED
    assert decision.verdict is Verdict.RULED_OUT


def test_nerve_signs_that_passed_still_alarm(screen: Screen) -> None:
    # keeps: [resolved] in flags.yaml: a bladder or saddle sign that came and went needs a doctor.
    assert screen.assess("i wet myself yesterday but i am fine now").alarm


def test_cancer_history_is_historical_by_nature(screen: Screen) -> None:
    assert screen.assess("i had breast cancer 5 years ago and now new back pain").alarm


def test_someone_elses_history_is_someone_else(screen: Screen) -> None:
    decision = screen.assess("my uncle had bowel cancer and my back hurts")
    assert status_of(decision, "cancer-history") is Status.SOMEONE_ELSE
    assert not decision.alarm


def test_someone_elses_emergency_now_still_alarms(screen: Screen) -> None:
    decision = screen.assess("my husband fell off a ladder this afternoon and hurt his back")
    assert decision.alarm
    assert (
        decision.first_alarm is not None and "this afternoon" in decision.first_alarm.overruled_by
    )


@pytest.mark.parametrize(
    "message",
    [
        "i sit on the reception stool between clients and my back aches",
        "showering after the gym my back felt stiff, what stretches help?",
        "my intention is to stretch daily, how often should i?",
        "an injections clinic for my knee, but what are hip flexors?",
    ],
)
def test_real_words_near_a_key_word_are_not_its_typo(screen: Screen, message: str) -> None:
    # "reception" is two letters from "retention", "showering" from "shivering": dictionary
    # words are listed in words.yaml (not_typos), so only misspellings are read as the sign.
    assert not screen.assess(message).alarm


@pytest.mark.parametrize(
    ("message", "flag", "status"),
    [
        # Unlike someone else's emergency, a film's or a dog's "last night" is no reason to
        # alarm, and a nurse's patient admitted last night is in care already (on equal
        # length, the writer's care wins over someone else).
        (
            "on telly last night a man could not pee after his back op",
            "bladder-bowel",
            Status.FICTION_OR_ANIMAL,
        ),
        (
            "my old dog is incontinent now, how often should i stretch?",
            "bladder-bowel",
            Status.FICTION_OR_ANIMAL,
        ),
        (
            "admitted a cauda equina patient last night, how do i do pigeon?",
            "cauda-equina",
            Status.IN_CARE,
        ),
        (
            "last night i had a patient who had foot drop. how long do i hold it?",
            "leg-weakness",
            Status.IN_CARE,
        ),
    ],
)
def test_a_story_a_pet_or_a_patient_is_ruled_out_even_when_recent(
    screen: Screen, message: str, flag: str, status: Status
) -> None:
    assert ruled_out_as(screen, message, flag) is status


@pytest.mark.parametrize(
    "message",
    [
        # The story ends where real life starts: "irl" is a boundary.
        "crashed a car in gta lol irl i can not pee since this morning",
        # The writer as a patient, or "be patient", is no one else's care.
        "as a patient on the ward i can not pee since this morning",
        "be patient with me, i can not feel my legs since this morning",
    ],
)
def test_the_writers_own_sign_beside_a_story_or_a_patient_still_alarms(
    screen: Screen, message: str
) -> None:
    assert screen.assess(message).alarm


def test_a_question_about_a_word_is_a_question(screen: Screen) -> None:
    decision = screen.assess("what does saddle anaesthesia mean?")
    assert decision.verdict is Verdict.QUESTION
    assert status_of(decision, "saddle-numbness") is Status.QUESTION


def test_a_question_with_a_report_in_reach_is_a_report(screen: Screen) -> None:
    assert screen.assess("i have numbness in my groin, is that a red flag?").alarm
    assert not screen.assess("is numbness in the groin a red flag?").alarm


def test_a_sign_a_class_taught_is_asked_about_whatever_time_is_in_reach(screen: Screen) -> None:
    """The time of now in reach is the class's ("taught"); a report of the sign still wins."""
    decision = screen.assess("we had a toolbox talk on cauda equina today, how do i do the bridge")
    assert not decision.alarm
    assert {m.status for m in decision.mentions} == {Status.QUESTION}
    assert screen.assess(
        "we had a toolbox talk on cauda equina today and i have numbness in my groin now"
    ).alarm


@pytest.mark.parametrize(
    "message",
    [
        "if i could not feel my groin i would ring 999, it is only stiffness",
        "if i had a fever with this i'd see my gp, but it is just tight hips",
        "if my legs ever gave way i would stop the stretch",
    ],
)
def test_an_if_with_what_the_person_would_do_is_hypothetical(screen: Screen, message: str) -> None:
    decision = screen.assess(message)
    assert not decision.alarm
    assert {m.status for m in decision.mentions} == {Status.QUESTION}


@pytest.mark.parametrize(
    "message",
    [
        "if i stand up my legs give way",  # an "if" alone: whenever, a report
        "if i try to pee nothing comes out, i would go to a&e but i have no lift",  # present tense
        "my legs gave way this morning, i would ring 999 but my phone is dead",  # no "if"
        "if my legs ever gave way, i can not feel my groin now",  # a report of its own
    ],
)
def test_half_a_conditional_is_no_hypothetical(screen: Screen, message: str) -> None:
    assert screen.assess(message).alarm


def test_a_question_about_a_sign_ends_where_the_sentence_turns(answerer: Answerer) -> None:
    """What follows "but" in the sentence of a hypothetical is asked of its own: answered,
    the sign explained under it."""
    outcome = answerer.answer(
        "if i ever lost feeling in my legs after a fall id go straight to hospital obvs, but "
        "for normal tightness when is it worth seeing a physio or chiro"
    )
    assert outcome.safety is not None and outcome.safety.verdict is Verdict.QUESTION
    assert outcome.reply.kind is ReplyKind.ANSWER
    assert outcome.reply.entry_id == "when-to-see-a-professional"


@pytest.mark.parametrize(
    "request_words",
    ["just want some stretches for my stiff hips", "i really need the steps of pigeon pose"],
)
def test_a_request_beside_a_hypothetical_sign_is_answered(
    answerer: Answerer, request_words: str
) -> None:
    """A wish is a request ("just want ...", "i really need ..."): it is answered, the sign
    named in the hypothetical explained under it, rather than the sign alone."""
    outcome = answerer.answer(
        f"if i ever went numb in the saddle area i'd ring 999, not the case. {request_words}"
    )
    assert outcome.safety is not None and outcome.safety.verdict is Verdict.QUESTION
    assert outcome.reply.kind is ReplyKind.ANSWER


def test_a_detail_asked_after_a_clause_ruled_out_is_of_the_exercise_it_named(
    answerer: Answerer,
) -> None:
    """ "how many times do i do it" after a harmless sensation in pigeon asks pigeon's reps,
    though the clause that named pigeon is left out of what the matcher reads."""
    outcome = answerer.answer(
        "my feet go numb in pigeon after a while, fine as soon as i come out. how many times "
        "do i do it"
    )
    assert outcome.safety is not None and outcome.safety.verdict is Verdict.RULED_OUT
    assert outcome.reading is not None
    assert (outcome.reading.entry_id, outcome.reading.detail) == ("pigeon-pose", "reps")


def test_a_question_after_a_clause_ruled_out_is_not_read_after_any_entry_it_names(
    answerer: Answerer,
) -> None:
    """A dog's "back legs" name no exercise to read "what could that be" after."""
    outcome = answerer.answer("my sheepdog's back legs have gone a bit wobbly, what could that be")
    assert outcome.reply.kind is not ReplyKind.ANSWER


def test_an_anxious_question_is_a_question(screen: Screen) -> None:
    decision = screen.assess("is it cancer? my back has hurt on and off for years")
    assert decision.verdict is Verdict.QUESTION


def test_a_growing_sign_is_no_passing_sensation(screen: Screen) -> None:
    """Exertion explains legs that feel weak after the gym; not legs that keep getting weaker."""
    passing = screen.assess("both my legs feel weak after the gym")
    assert status_of(passing, "leg-weakness") is Status.EXERTION
    assert screen.assess("both my legs feel weak after the gym and it is getting worse").alarm


def test_a_sign_back_again_after_a_long_past_time_is_present(screen: Screen) -> None:
    """ "years ago" reaches the second fall too, but "again today" is told after it: that
    fall is today's, and so is a sign that "happened again" after an "all fine since". A time
    that dates only the pain leaves the fall past."""
    assert screen.assess("slipped a disc years ago and had a fall again today, back agony").alarm
    again = "wet myself years ago after an op, fine since, but tonight it happened again, back sore"
    assert screen.assess(again).alarm
    past = screen.assess("had a fall years ago, my back is sore today")
    assert not past.alarm and status_of(past, "fall-or-injury") is Status.HISTORICAL


def test_exercise_explains_tired_legs_but_not_a_numb_saddle_area(screen: Screen) -> None:
    """A seat or a saddle explains a numb bum; the gym or a run does not explain numbness
    between the legs (a disc can press on the nerves after lifting or running)."""
    saddle = screen.assess("my groin goes numb on the bike saddle, fine once i get off")
    assert status_of(saddle, "saddle-numbness") is Status.HARMLESS
    assert screen.assess("after the gym i went numb between my legs, my back is agony").alarm


def test_a_harmless_sensation_is_harmless(screen: Screen) -> None:
    decision = screen.assess("my legs feel numb after sitting cross legged")
    assert status_of(decision, "leg-weakness") is Status.HARMLESS
    assert not decision.alarm


def test_an_unclear_context_alarms(screen: Screen) -> None:
    assert not screen.assess("i have not lost control of my bladder").alarm
    decision = screen.assess("not sure if i have lost control of my bladder")
    assert decision.alarm  # "not sure" is no negation, and unsure keeps the alarm


def test_pseudo_triggers_negate_nothing(screen: Screen) -> None:
    assert screen.assess("no idea why but i can not control my bladder").alarm
    assert screen.assess("no idea why, i peed myself").alarm


def test_idioms_are_not_red_flags(screen: Screen) -> None:
    for message in (
        "I fell asleep on the sofa",
        "i tripped over my words in the meeting",
        "no position is comfortable at my desk",
        "I fell in love with yoga",
    ):
        assert not screen.assess(message).mentions, message


def test_the_most_urgent_tier_wins(screen: Screen) -> None:
    decision = screen.assess("i have a fever and i can not feel my bum")
    assert decision.tier is not None and decision.tier.id == "emergency"
    assert screen.assess("back pain and a fever").tier.id == "today"


# --- property tests: calm sentences around a red flag never hide it -----------------------------

RED_FLAGS = [
    "i can't pee since this morning",
    "havnt had a wee all day",
    "numb round my back passage",
    "both my legs are going weak",
    "got hit by a van last night",
    "back pain and a temperature of 39",
    "lost control of my bowels",
]
CALM = [
    "How do I do the bridge?",
    "I have no fever.",
    "My uncle had bowel cancer.",
    "I fell asleep on the sofa.",
    "No numbness, no tingling.",
    "What does saddle anaesthesia mean?",
    "I had a fall ten years ago but it healed fine.",
    "My legs feel numb after sitting cross legged.",
    "Is yoga good for tight hip flexors?",
    "Thanks so much, this bot is great.",
    "I'm not sure about the pigeon pose.",
    "Had a fever two weeks ago, all better now.",
]


@settings(max_examples=150, deadline=None)
@given(
    before=st.lists(st.sampled_from(CALM), max_size=4),
    flag=st.sampled_from(RED_FLAGS),
    after=st.lists(st.sampled_from(CALM), max_size=4),
)
def test_a_red_flag_sentence_stays_alarmed_among_calm_sentences(
    screen: Screen, before: list[str], flag: str, after: list[str]
) -> None:
    message = " ".join([*before, flag[0].upper() + flag[1:] + ".", *after])
    assert screen.assess(message).alarm, message


@settings(max_examples=80, deadline=None)
@given(calm=st.lists(st.sampled_from(CALM), min_size=1, max_size=6))
def test_calm_sentences_alone_never_alarm(screen: Screen, calm: list[str]) -> None:
    message = " ".join(calm)
    assert not screen.assess(message).alarm, message


# --- replies ---------------------------------------------------------------------------------


def test_a_red_flag_deep_in_a_4096_character_message_alarms(answerer: Answerer) -> None:
    filler = "I have been doing the stretches every morning and they help a lot. "
    middle = "Since Tuesday I can't feel when I need to go to the toilet. "
    text = (filler * 30 + middle + filler * 60)[:MESSAGE_LIMIT]
    assert len(text) == MESSAGE_LIMIT and middle in text
    outcome = answerer.answer(text)
    assert outcome.reply.kind is ReplyKind.URGENT  # before "too long", which used to win
    calm = (filler * 70)[:MESSAGE_LIMIT]
    assert len(calm) == MESSAGE_LIMIT  # read in full (MAX_QUESTION is Telegram's own limit)
    assert answerer.answer(calm).reply.kind is not ReplyKind.URGENT


def test_both_tiers_are_urgent_and_worded_for_their_tier(answerer: Answerer) -> None:
    emergency = answerer.answer("i can't control my bladder").reply
    today = answerer.answer("back pain and a fever").reply
    assert emergency.kind is today.kind is ReplyKind.URGENT
    assert "999" in emergency.plain() and "A&E" in emergency.plain()
    assert "111" in today.plain() and "today" in today.plain()
    assert emergency.html != today.html


def test_a_ruled_out_mention_gets_the_answer_and_one_line(answerer: Answerer) -> None:
    reply = answerer.answer("no fever, how do i do the bridge?").reply
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == "bridge-pose"
    note = answerer.kb.red_flags.flags[
        [f.id for f in answerer.kb.red_flags.flags].index("fever-infection")
    ].note
    assert reply.html.rstrip().endswith(note)
    assert reply.html.count("ℹ️ Back pain") == 1
    assert not URGENT_MARKERS.search(reply.plain())


def test_a_question_about_a_word_gets_a_calm_explanation(answerer: Answerer) -> None:
    reply = answerer.answer("what does saddle anaesthesia mean?").reply
    assert reply.kind is ReplyKind.INFO
    assert "saddle" in reply.plain().lower() and "cauda equina" in reply.plain().lower()
    assert not URGENT_MARKERS.search(reply.plain())
    assert reply.buttons[0][0].data == "e:when-to-see-a-professional"


def test_a_question_about_a_sign_and_another_question_gets_both(answerer: Answerer) -> None:
    reply = answerer.answer("could my back pain be cancer? also how do i do the bridge?").reply
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == "bridge-pose"
    assert "Cancer and back pain" in reply.plain()  # the sign explained under the answer
    assert not URGENT_MARKERS.search(reply.plain())
    # Typed with no punctuation, "also" turns to the other question.
    typed = answerer.answer("whats foot drop mean btw also best stretches for tight hips").reply
    assert typed.kind is ReplyKind.ANSWER and typed.entry_id == "exercises"
    # Nothing else asked (or nothing the bot can answer): the explanation alone, as before.
    alone = answerer.answer("could my back pain be cancer? what is the weather like?").reply
    assert alone.kind is ReplyKind.INFO and "Cancer and back pain" in alone.plain()


def test_a_which_that_tells_more_asks_nothing_beside_a_question_about_a_sign(
    answerer: Answerer,
) -> None:
    """ "..., which was my physio's idea" tells more of what came before; the sentence asks
    nothing, so the question about the sign gets its explanation alone. "Which is better"
    still asks."""
    told = (
        "i do the kneeling stretch at weekends, which was my physios idea. whats urinary retention?"
    )
    reply = answerer.answer(told).reply
    assert reply.kind is ReplyKind.INFO and "bladder" in reply.plain().lower()
    asked = "what is urinary retention? i do pigeon and the bridge, which is better?"
    assert answerer.answer(asked).reply.kind is ReplyKind.ANSWER


def test_the_other_question_is_read_with_what_the_question_about_a_sign_named(
    answerer: Answerer,
) -> None:
    """ "How long do I hold it?" alone names nothing; the sentence before it, a hypothetical
    about a sign, named pigeon pose: the hold time of pigeon pose, the sign explained under it."""
    message = "what if my legs went numb halfway through pigeon pose? how long do I hold it?"
    reply = answerer.answer(message).reply
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == "pigeon-pose"
    assert not URGENT_MARKERS.search(reply.plain())


def test_a_question_opened_by_anyway_still_asks(answerer: Answerer) -> None:
    message = "what does cauda equina mean? anyway, does yoga help tight hip flexors?"
    reply = answerer.answer(message).reply
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == "yoga-for-hip-flexors"


def test_a_question_about_red_flags_gets_the_red_flag_list(answerer: Answerer) -> None:
    reply = answerer.answer("which symptoms mean back pain is an emergency?").reply
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == "when-to-see-a-professional"
    assert "bladder" in reply.plain() and "numbness" in reply.plain()
    assert not URGENT_MARKERS.search(reply.plain())


def test_red_flags_said_to_be_absent_or_in_a_remark_are_no_question_about_them(
    answerer: Answerer,
) -> None:
    for message in (
        "no red flags, just normal stiffness, what exercises do you recommend?",
        "read that night pain is a red flag. what are the exercises for tight hips?",
        # one sentence that turns from the remark to its question
        "we went through the red flags at first aid training but anyway what exercises help?",
    ):
        reply = answerer.answer(message).reply
        assert reply.entry_id == "exercises", message
    # a checklist gone through, then "so" and the real question
    so = answerer.answer(
        "went down the red flag checklist and i am ok 🙂 so how do tight hip flexors hurt the back?"
    ).reply
    assert so.entry_id == "how-hip-flexors-cause-back-pain"
    asked = answerer.answer("my back hurts. which symptoms are red flags?").reply
    assert asked.entry_id == "when-to-see-a-professional"
    turned = answerer.answer("what are the red flags, but also how do i spot one?").reply
    assert turned.entry_id == "when-to-see-a-professional"
    # denied a few words before: "none of ... have any red flags"
    denied = answerer.answer(
        "coach here none of my dancers have any red flags just tight hips what stretches help"
    ).reply
    assert denied.entry_id == "exercises"
    # ... but a negation before a question word denies nothing
    if_not = answerer.answer("if the stretches do not help, what red flags do i watch for?").reply
    assert if_not.entry_id == "when-to-see-a-professional"


def test_a_sign_asked_about_beside_another_question_gets_that_question_answered(
    answerer: Answerer,
) -> None:
    # the other question asks with its question mark only ("Term check: is ...?")
    term = answerer.answer(
        "Term check: is the iliopsoas part of the hip flexors? I came across it reading about "
        "pyrexia with back pain as a red flag"
    )
    assert term.reply.kind is ReplyKind.ANSWER and term.reply.entry_id == "what-are-hip-flexors"
    # a question the red-flag list answers, with a sign in it as an example
    listed = answerer.answer(
        "Apart from the obvious red flags like incontinence, when does ordinary back pain "
        "warrant seeing a physio?"
    )
    assert listed.reply.kind is ReplyKind.ANSWER
    assert listed.reply.entry_id == "when-to-see-a-professional"
    assert not URGENT_MARKERS.search(listed.reply.plain())


def test_no_calm_text_reads_like_the_urgent_notice(kb: KnowledgeBase) -> None:
    """Notes, explanations and the red-flag list go to people who are fine: no alarm words."""
    calm = [flag.note for flag in kb.red_flags.flags] + [f.explain for f in kb.red_flags.flags]
    calm.append(kb.entries["when-to-see-a-professional"].answer)
    assert [text for text in calm if URGENT_MARKERS.search(text)] == []
    for tier in kb.red_flags.tiers:  # and every urgent message is recognisably urgent
        assert URGENT_MARKERS.search(tier.message), tier.id


def test_the_public_safety_set(answerer: Answerer) -> None:
    """Acceptance on ../shared/eval/safety.yaml: every emergency alarmed, no calm message."""
    if not PUBLIC_SAFETY_SET.exists():
        pytest.skip("../shared/eval/safety.yaml is not beside the repository")
    data = yaml.safe_load(PUBLIC_SAFETY_SET.read_text(encoding="utf-8"))
    markers = re.compile(data["urgent_markers"], re.IGNORECASE)
    for probe in data["probes"]:
        reply = answerer.answer(probe["text"]).reply
        alarmed = reply.kind is ReplyKind.URGENT and bool(markers.search(reply.plain()))
        assert alarmed == (probe.get("kind") == "urgent"), probe["text"]
        assert bool(markers.search(reply.plain())) == alarmed, probe["text"]


@pytest.mark.parametrize(
    ("message", "alarmed"),
    [
        # an item of a checklist answered no is absent ...
        ("Chest pain? nope. Fever? no. Just a stiff back from sitting.", False),
        ("numbness down there?? nah. how often should i stretch?", False),
        # ... but an ability answered no is a report, and a yes stays a yes
        ("Can you feel the toilet paper when you wipe? No. My back is bad.", True),
        ("can you control your bladder? no", True),
        ("numb groin? yes. fever? no", True),
        ("Numbness? Yes, in my groin since last night", True),
        ("any numbness? yep, down below, since the weekend", True),
        # a question answered otherwise is left as it was
        ("Fever? not sure. back aches", True),
    ],
)
def test_a_checklist_answered_in_the_next_sentence(
    screen: Screen, message: str, alarmed: bool
) -> None:
    assert screen.assess(message).alarm is alarmed


def test_only_a_plain_no_answers_a_checklist_item() -> None:
    assert answered_checklist("fever? no") == "no fever."
    assert answered_checklist("numbness? yes, in my groin") == "numbness in my groin"
    assert answered_checklist("can you do the bridge? yes") == "can you do the bridge? yes"
    assert answered_checklist("is it cancer? no idea") == "is it cancer? no idea"
    assert answered_checklist("do you want the stretches? no thanks") == (
        "do you want the stretches? no thanks"
    )
    assert answered_checklist("what should i do about it? no") == "what should i do about it? no"


def test_one_sentence_about_a_sign_that_also_names_an_exercise_gets_that_exercise(
    kb: KnowledgeBase,
) -> None:
    """A question about a sign and an exercise asked by name in the same sentence: the exercise,
    with the sign explained under it; a question about the sign alone gets the explanation."""
    answerer = Answerer(kb)
    text = "as a midwife i explain saddle numbness every day, but how do i do the bridge?"
    reply = answerer.answer(text).reply
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == "bridge-pose"
    alone = answerer.answer("what does saddle anaesthesia mean?").reply
    assert alone.entry_id is None and alone.kind is not ReplyKind.URGENT


def test_asking_what_the_named_sign_means_gets_the_explanation(kb: KnowledgeBase) -> None:
    """ "What does that term mean?" after a sign is named asks about the sign, not an entry."""
    answerer = Answerer(kb)
    text = "My GP mentioned foot drop at my check-up. What does that word mean?"
    reply = answerer.answer(text).reply
    assert reply.kind is not ReplyKind.URGENT and reply.entry_id is None
    assert "foot drop" in reply.html.lower()


def test_a_mention_that_says_unable_is_not_undone_by_at_all(kb: KnowledgeBase) -> None:
    """ "unable to ... at all" carries its own negation; "at all" after it negates nothing."""
    answerer = Answerer(kb)
    assert answerer.answer("unable to wee at all since noon, back really sore").reply.kind is (
        ReplyKind.URGENT
    )
    calm = answerer.answer("my textbook keeps mentioning cauda equina. what causes it?").reply
    assert calm.kind is not ReplyKind.URGENT and calm.entry_id is None


def test_a_mention_inside_a_longer_one_shares_its_time_and_person(screen: Screen) -> None:
    """ "last summer" reaches "car" but not "accident": the accident inside "car accident" is the
    same one, so it is as long past; a negation is never passed on this way ("not my skin, like
    dead numb" holds a sign whose first words only look negated)."""
    text = (
        "last summer my gp checked my back after my car accident, all fine. how do i do the bridge?"
    )
    decision = screen.assess(text)
    assert not decision.alarm
    assert {m.words: m.status for m in decision.mentions} == {
        "car accident": Status.HISTORICAL,
        "accident": Status.HISTORICAL,
    }
    assert screen.assess("touching between my legs it is not my skin, like dead numb").alarm


def test_the_rest_of_a_ruled_out_message_still_asks(screen: Screen, answerer: Answerer) -> None:
    """What the matcher reads after a ruled-out mention keeps the message's question mark: a
    one-word question after a story ("... tight hips from my desk. stretches?") is still asked,
    not read as a remark."""
    text = "my gran had a fall last week (she's fine now). me: tight hips. stretches?"
    decision = screen.assess(text, complete=False)
    assert decision.verdict is Verdict.RULED_OUT
    assert decision.rest.endswith("?")
    assert answerer.answer(text).reply.entry_id == "exercises"


def test_the_rest_of_a_ruled_out_message_asks_where_it_asked(
    screen: Screen, answerer: Answerer
) -> None:
    """A question in the middle of a message keeps its mark once a ruled-out sign's words are
    left out, so the reader takes it for the question, not the remark that ends the message."""
    text = (
        "bridge, do my heels stay on the floor? did it at the airport gate. "
        "my legs went numb on the plane but they are fine now"
    )
    decision = screen.assess(text, complete=False)
    assert decision.verdict is Verdict.RULED_OUT
    assert decision.rest.startswith("bridge, do my heels stay on the floor? did it")
    assert not decision.rest.endswith("?")
    assert answerer.answer(text).reply.entry_id == "bridge-pose"


def test_naming_the_hip_flexors_beside_a_question_about_a_sign_asks_nothing_else(
    answerer: Answerer,
) -> None:
    """ "Can tight hip flexors cause numbness in the groin?" asks about the sign: the hip
    flexors, the whole subject, are no second question (what they are); asking what they are
    is one."""
    asked = answerer.answer("can tight hip flexors cause groin numbness? i have not got it")
    assert asked.safety is not None and asked.safety.verdict is Verdict.QUESTION
    assert asked.reply.kind is not ReplyKind.ANSWER
    both = answerer.answer("what does saddle numbness mean, and what are hip flexors?")
    assert both.reply.kind is ReplyKind.ANSWER
    assert both.reply.entry_id == "what-are-hip-flexors"


def test_a_question_run_into_a_denial_keeps_its_question_word(answerer: Answerer) -> None:
    """A question word ends a trigger's reach, so the clause of a denial said in the same
    breath starts after it: the question it opened is still read ("what stretches for tight
    hips i do not have a fever ..." asks for the stretches)."""
    outcome = answerer.answer(
        "what stretches for tight hips i do not have a fever or numbness or anything like that"
    )
    assert outcome.safety is not None and outcome.safety.verdict is Verdict.RULED_OUT
    assert outcome.safety.rest.startswith("what stretches")
    assert outcome.reply.entry_id == "exercises"


def test_someone_elses_sign_that_is_over_now_stays_theirs(screen: Screen) -> None:
    """ "Yesterday" would make someone else's sign an emergency now, but it is over: it stays
    theirs, even for a flag that keeps 'resolved' for the writer's own signs (chest pain)."""
    text = "my brother was rushed in with chest pain yesterday, now he is fine. how do i do pigeon?"
    assert ruled_out_as(screen, text, "chest-pain") is Status.SOMEONE_ELSE
    assert screen.assess("my brother has chest pain since yesterday, help").alarm


def test_someone_with_the_writer_now_has_their_sign_now_in_any_sentence(screen: Screen) -> None:
    """Context never crosses a sentence, but where the person is does: said anywhere in the
    message (the words.yaml list ``with-me-now``), someone else's sign is happening now."""
    told = "my dad has a temperature and a sore back"
    assert not screen.assess(told).alarm
    assert screen.assess(told + ". i am with him").alarm
    assert screen.assess(told + ". he is here with me").alarm
    # (a past sign of theirs stays theirs: over, wherever they are)
    over = "my dad had a fever with back pain last month, he is fine now. he is here with me"
    assert not screen.assess(over).alarm
    # (and how they are as the message is written dates it too: "he is shivering on the sofa")
    assert screen.assess("my dad is shivering on the sofa and says his back hurts").alarm


def test_someone_hurting_as_the_message_is_written_has_their_sign_now(screen: Screen) -> None:
    """Another person's sign with no word of time is theirs to see to (a family story), unless
    the message says, in any sentence, that they are hurting as it is written (the words.yaml
    list ``others-hurting-now``): then it is happening now. Never a client's: the writer's care
    is already there."""
    told = "my wife's legs keep buckling, both of them"
    assert not screen.assess(told).alarm
    assert screen.assess(told + ", and her back hurts badly").alarm
    assert screen.assess(told + ". she is in agony with her back").alarm
    assert not screen.assess(told + ", her back is fine though").alarm
    client = "my client's legs keep buckling, both of them, and her back hurts badly"
    assert not screen.assess(client).alarm


def test_someone_hurting_but_already_in_care_is_not_their_sign_unattended(
    screen: Screen,
) -> None:
    """Another person hurting as the message is written has their sign now, unless the message
    says they are already in someone's care (the words.yaml list ``others-cared-for``): "she is
    under the oncology team", "he is at the GP now getting checked"."""
    told = "my brother has a temperature and back pain"
    assert screen.assess(told).alarm
    assert not screen.assess(told + ", he is at the doctors being seen as we speak").alarm
    assert not screen.assess(told + ". the hospice team look after him").alarm


def test_an_emoji_ends_a_sentence_for_the_safety_check_too(screen: Screen) -> None:
    """An emoji ends a thought, as it ends a sentence for the matcher: the "not" before it is
    no denial of the sign after it."""
    text = "my tap will not turn off 😩 wet myself twice today without noticing, back is bad"
    assert screen.assess(text).alarm
    assert screen.read("legs are fine 🙂 back is sore").tokens.sentences == (0, 0, 0, 1, 1, 1)


def test_an_ellipsis_after_a_word_no_sentence_ends_with_is_a_pause(screen: Screen) -> None:
    """ "my bowels just... go on their own" is one thought; "i fell... no harm done" two."""
    assert screen.read("my bowels just... go on their own").tokens.sentences == (0,) * 7
    assert screen.read("i fell\u2026 no harm done").tokens.sentences == (0, 0, 1, 1, 1)
    assert screen.assess("number 2s are just... coming out by themselves, my back is sore").alarm


def test_emoji_for_the_toilet_paper_and_a_bike_are_read_as_their_words(screen: Screen) -> None:
    """ "can't feel the 🧻" is the saddle sign; "crashed my 🚲 back in 2010" is long past."""
    assert screen.assess("since this morning i can't feel the 🧻 when i wipe, back aches").alarm
    calm = "crashed my 🚲 back in 2010, all mended. how do i do the bridge?"
    assert not screen.assess(calm).alarm


def test_a_question_about_a_sign_told_as_the_writers_own_alarms(screen: Screen) -> None:
    """A question about a sign is a report when another sentence tells it as the writer's own
    (the word list ``told-as-mine``): "... go weak? mine are weak now", "... happened today"."""
    asked = "does back pain ever make your legs go weak?"
    assert not screen.assess(asked).alarm
    assert screen.assess(asked + " mine are weak now and it hurts").alarm
    assert screen.assess(asked + " it happened twice today").alarm
    assert not screen.assess(asked + " asking for a friend").alarm


def test_a_checklist_answered_like_a_form_reads_each_no_as_a_denial(kb: KnowledgeBase) -> None:
    """ "fever n, bladder - fine" denies each item; an item answered otherwise stays a report,
    and a fragment after a denied item is an item of its own, not part of the denial."""
    folded = answered_checklist("fever n, bladder - fine, legs - weak since lunch")
    assert folded == "no fever., no bladder., legs - weak since lunch"
    assert answered_checklist("all checked out fine") == "all checked out fine"
    assert answered_checklist("n/n/n to the bladder ones") == "no to all to the bladder ones"
    contractions = kb.red_flags.contractions
    assert tokenise("no bowels. bladder leaking", contractions).sentences == (0, 0, 1, 1)


def test_a_question_whether_an_item_is_well_answered_no_is_a_report() -> None:
    """ "wee ok? no" says the wee is not ok; "legs ok? yes" says they are."""
    assert answered_checklist("wee ok? no - it dribbles").startswith("wee not ok:")
    assert answered_checklist("legs ok? yes. back sore") == "no legs.. back sore"
