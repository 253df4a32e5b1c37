"""Conversation context: the store (expiry, bounds, forget), follow-ups read against the topic,
topic switches, unrelated messages, ordinals, long messages, subjects not covered, other
languages; and end to end through the fake Bot API, in a private chat and in a group."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.answering.answerer import Answerer, Outcome
from bot.core.answering.context import (
    Conversation,
    MemoryContextStore,
    chat_key,
    message_key,
)
from bot.core.answering.follow_ups import ordinal
from bot.core.answering.language import looks_english
from bot.core.answering.scope import clauses
from bot.core.answering.sentences import tells_apart
from bot.core.knowledge import KnowledgeBase
from bot.core.replies import ReplyKind
from tests.e2e import RunningBot, button_data, last_message, real_knowledge, running_bot, sent
from tests.fake_telegram import DEFAULT_USER_ID, FakeTelegramServer


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return real_knowledge()


@pytest.fixture(scope="module")
def answerer(kb: KnowledgeBase) -> Answerer:
    return Answerer(kb)


def talk(answerer: Answerer, *messages: str) -> Outcome:
    """Send messages one after another in one conversation; the last outcome."""
    conversation: Conversation | None = None
    outcome = None
    for message in messages:
        outcome = answerer.answer(message, conversation)
        conversation = outcome.conversation
    assert outcome is not None
    return outcome


# --- the store ------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_the_store_forgets_after_ten_minutes_by_the_injected_clock() -> None:
    clock = Clock()
    store = MemoryContextStore(clock)
    await store.put("1:", Conversation("pigeon-pose"))
    clock.now += timedelta(minutes=9, seconds=59)
    assert await store.get("1:") == Conversation("pigeon-pose")
    clock.now += timedelta(seconds=1)
    assert await store.get("1:") is None
    assert len(store) == 0  # an expired conversation leaves no trace


async def test_the_store_is_bounded_and_drops_the_oldest() -> None:
    store = MemoryContextStore(Clock(), capacity=3)
    for chat in range(5):
        await store.put(chat_key(chat), Conversation("bridge-pose"))
    assert len(store) == 3
    assert await store.get(chat_key(0)) is None and await store.get(chat_key(1)) is None
    assert await store.get(chat_key(4)) == Conversation("bridge-pose")


async def test_putting_nothing_creates_nothing_and_forget_drops_a_chat_whole() -> None:
    store = MemoryContextStore(Clock())
    await store.put(chat_key(7), None)  # a person not in a conversation costs no memory
    assert len(store) == 0
    await store.put(chat_key(7), Conversation("pigeon-pose"))
    await store.put(message_key(-100, 5), Conversation("yoga-for-hip-flexors"))
    await store.put(message_key(-1000, 5), Conversation("bridge-pose"))
    await store.put(chat_key(70), Conversation("bridge-pose"))
    await store.forget(chat_key(7))
    await store.forget(chat_key(-100))
    assert await store.get(chat_key(7)) is None
    assert await store.get(message_key(-100, 5)) is None
    assert await store.get(message_key(-1000, 5)) == Conversation("bridge-pose")
    assert await store.get(chat_key(70)) == Conversation("bridge-pose")


def test_a_topic_lasts_a_few_messages(answerer: Answerer) -> None:
    outcome = talk(answerer, "how do i do the bridge")
    conversation = outcome.conversation
    assert conversation is not None and conversation.topic == "bridge-pose"
    for _ in range(3):  # unrelated messages keep the topic for a while, then it goes
        conversation = answerer.answer("haha", conversation).conversation
        assert conversation is not None
    assert answerer.answer("haha", conversation).conversation is None


def test_the_topics_answered_before_are_kept_in_order(answerer: Answerer) -> None:
    """For "back to your first answer": each new topic puts the last one behind it; the same
    topic again adds nothing; only the last few are kept."""
    asked = [
        "how often should i stretch",
        "what are the signs of tight hip flexors",
        "what are the signs of tight hip flexors",
        "how do i do the bridge",
        "what is pigeon pose",
        "what are the hip flexors",
    ]
    conversation = None
    for message in asked:
        conversation = answerer.answer(message, conversation).conversation
    assert conversation is not None and conversation.topic == "what-are-hip-flexors"
    assert conversation.earlier == (
        "signs-of-tight-hip-flexors",
        "bridge-pose",
        "pigeon-pose",
    )


# --- follow-ups -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "entry_id", "fact"),
    [
        (("kneeling hip flexor stretch", "how long for?"), "hip-flexor-stretch", "20-30 seconds"),
        (("how do i do a glute bridge", "how many should i do"), "bridge-pose", "10-15 times"),
        (("pigeon pose how to", "how many seconds?"), "pigeon-pose", "30 seconds"),
        (("what's the pigeon pose", "where do i put my right knee"), "pigeon-pose", "wrist"),
        (("bridge exercise", "where do my feet go"), "bridge-pose", "feet flat"),
        (
            ("pigeon pose pls", "in it now, how long do i stay like this"),
            "pigeon-pose",
            "30 seconds",
        ),
        (
            ("is yoga helpful for tight hip flexors", "which ones?"),
            "yoga-for-hip-flexors",
            "Warrior",
        ),
        (
            ("should i see a professional for my back", "what kind of professional?"),
            "when-to-see-a-professional",
            "chiropractor",
        ),
    ],
)
def test_a_detail_follow_up_gets_that_detail_and_the_full_answer_a_tap_away(
    answerer: Answerer, messages: tuple[str, ...], entry_id: str, fact: str
) -> None:
    reply = talk(answerer, *messages).reply
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == entry_id
    assert fact in reply.plain()
    assert len(reply.plain()) < 400  # a sentence or two, not the whole entry
    assert f"e:{entry_id}" in [b.data for row in reply.buttons for b in row]


@pytest.mark.parametrize(
    ("messages", "entry_id"),
    [
        (("what are the signs of tight hip flexors", "ok what can i do about it"), "exercises"),
        (("does prolonged sitting affect hip flexors", "so how do i undo that"), "exercises"),
        (
            ("what are the hip flexors", "so how does that lead to back pain"),
            "how-hip-flexors-cause-back-pain",
        ),
        (("how do i do the bridge", "and the kneeling one?"), "hip-flexor-stretch"),
        (("how long do i hold the kneeling stretch", "and pigeon?"), "pigeon-pose"),
        # the evidence for what was just said: that answer again
        (
            ("does sitting all day tighten the hip flexors", "hmm, what is the evidence for that?"),
            "sitting-and-hip-flexors",
        ),
        # asked again, in other words: the topic itself
        (
            ("how do tight hip flexors cause back pain", "i am confused, say that again please"),
            "how-hip-flexors-cause-back-pain",
        ),
    ],
)
def test_a_follow_up_is_read_against_the_topic(
    answerer: Answerer, messages: tuple[str, ...], entry_id: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry_id


@pytest.mark.parametrize(
    ("messages", "entry_id"),
    [
        (
            ("show me pigeon pose", "my back hip keeps tilting up off the mat, is that wrong?"),
            "pigeon-pose",
        ),
        (
            (
                "bridge pose",
                "are my knees supposed to stay together or hip width apart at the top?",
            ),
            "bridge-pose",
        ),
        (
            ("kneeling hip flexor stretch", "ok im down. do i push my hips forward or sit back?"),
            "hip-flexor-stretch",
        ),
        (
            ("pigeon pose", "one hip sits way higher off the mat than the other, is that normal?"),
            "pigeon-pose",
        ),
        (
            (
                "what is pigeon pose",
                "lovely, thank you. should i bend forward over the front leg or keep my chest up?",
            ),
            "pigeon-pose",
        ),
        (
            ("show me pigeon pose", "ta! should i start from all fours or from sitting?"),
            "pigeon-pose",
        ),
        # the words that ask a detail ("pause at the top") are words of form too
        (("bridges", "do i pause at the top or just bounce straight back down"), "bridge-pose"),
    ],
)
def test_how_the_body_is_placed_is_asked_of_the_exercise(
    answerer: Answerer, messages: tuple[str, ...], entry_id: str
) -> None:
    # words of any exercise's form ("tilting", "hip width apart") beside the exercise's own
    assert talk(answerer, *messages).reply.entry_id == entry_id


@pytest.mark.parametrize(
    ("messages", "exercise"),
    [
        # a part of the body the exercise never places: another exercise, not this one's form
        (("pigeon pose", "how do i stretch my calves"), "pigeon-pose"),
        # a pain in a part of the body we do not cover is no question of form
        (("bridge pose", "my elbow is sore from tennis, should i ice it?"), "bridge-pose"),
        # a part of the body we do not cover, not placed by the exercise nor by the question
        (("bridge pose", "my neck feels clicky while i do it, is that normal?"), "bridge-pose"),
    ],
)
def test_another_part_of_the_body_is_not_the_exercise_form(
    answerer: Answerer, messages: tuple[str, ...], exercise: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id != exercise


def test_a_polite_opener_is_no_word_of_the_question(answerer: Answerer) -> None:
    """ "sorry to bug you again" says nothing of what is asked: not an unknown word that makes
    the question less sure."""
    outcome = talk(
        answerer,
        "how do tight hip flexors cause back pain",
        "sorry to bug you again, which tell-tale signs would point to mine?",
    )
    assert outcome.reply.entry_id == "signs-of-tight-hip-flexors"


def test_words_that_ask_a_detail_are_not_another_subject(answerer: Answerer) -> None:
    # "stay" is in no entry, but it is how people ask a position: a follow-up, not a new subject
    outcome = talk(answerer, "how is pigeon pose done", "do i lean forward or stay sitting up?")
    assert outcome.reply.entry_id == "pigeon-pose"
    assert outcome.reading is not None and outcome.reading.detail == "position"
    # an unknown subject is still one
    unrelated = talk(answerer, "how is pigeon pose done", "should i stay in the sauna longer?")
    assert unrelated.reply.kind is not ReplyKind.ANSWER


def test_what_about_x_keeps_the_detail_asked(answerer: Answerer) -> None:
    reply = talk(answerer, "how long do i hold the kneeling stretch", "and pigeon?").reply
    assert reply.entry_id == "pigeon-pose" and "30 seconds" in reply.plain()
    assert "Start in a plank position" not in reply.plain()  # the detail, not the whole entry


@pytest.mark.parametrize(
    ("listing", "reference", "entry_id"),
    [
        ("list the exercises", "ok explain the first", "hip-flexor-stretch"),
        ("list the exercises", "the third. wait, i mean the second", "pigeon-pose"),
        ("what exercises do you recommend", "how do i do the second one", "pigeon-pose"),
        ("exercises please", "the last one", "bridge-pose"),
        ("what exercises help tight hips", "tell me more about number 3", "bridge-pose"),
        ("/exercises", "the third one", "bridge-pose"),
    ],
)
def test_ordinals_refer_to_the_last_list_shown(
    answerer: Answerer, listing: str, reference: str, entry_id: str
) -> None:
    if listing == "/exercises":
        conversation = Conversation().after(answerer.exercises())
    else:
        conversation = answerer.answer(listing).conversation
    assert conversation is not None and conversation.options
    assert answerer.answer(reference, conversation).reply.entry_id == entry_id


def test_an_ordinal_with_no_list_is_not_guessed(answerer: Answerer) -> None:
    assert answerer.answer("the second one").reply.kind is not ReplyKind.ANSWER


def test_a_detail_with_no_topic_is_not_an_arbitrary_exercise(answerer: Answerer) -> None:
    """Issue #10: "how long do I hold it" with no context picked an exercise at random."""
    reply = answerer.answer("how long do I hold it").reply
    assert reply.kind is ReplyKind.UNSURE
    offered = [b.data for row in reply.buttons for b in row]
    assert {"e:pigeon-pose", "e:hip-flexor-stretch", "e:bridge-pose"} <= set(offered)


def test_a_clear_new_question_switches_topic(answerer: Answerer) -> None:
    outcome = talk(answerer, "how do i do the bridge pose", "is sitting all day bad for my hips")
    assert outcome.reply.entry_id == "sitting-and-hip-flexors"
    assert outcome.conversation is not None
    assert outcome.conversation.topic == "sitting-and-hip-flexors"
    outcome = talk(answerer, "pigeon pose", "when should i see a chiropractor")
    assert outcome.reply.entry_id == "when-to-see-a-professional"


@pytest.mark.parametrize(
    ("topic", "unrelated"),
    [
        ("how do i do the bridge pose", "nice. how long does it take to fly to new york"),
        ("hip flexor stretch", "how long do i cook rice for"),
        ("how often should i stretch", "how often should i water my plants"),
        ("bridge exercise", "how many calories are in a banana"),
        # "how many years" asks how long something lasts, not repetitions
        ("bridge exercise", "my dentist says i need a bridge, how many years will it last"),
        # why a part we do not cover does something, asked of the clause before ("why is that")
        ("hip flexor stretch", "ta. also my elbow clicks when i carry shopping bags, why is that?"),
    ],
)
def test_an_unrelated_message_is_never_forced_onto_the_topic(
    answerer: Answerer, topic: str, unrelated: str
) -> None:
    assert talk(answerer, topic, unrelated).reply.kind is ReplyKind.FALLBACK


def test_a_red_flag_still_wins_mid_conversation(answerer: Answerer) -> None:
    outcome = talk(
        answerer,
        "pigeon pose please",
        "also my left leg has been getting weaker all week and now my foot drags",
    )
    assert outcome.reply.kind is ReplyKind.URGENT
    assert outcome.conversation is None


# --- long messages, plurals, what is not covered, other languages ---------------------------------


def test_a_back_story_neither_hides_the_question_nor_drags_in_a_topic(answerer: Answerer) -> None:
    """Issue #10's example: it used to get the fallback."""
    reply = answerer.answer(
        "i work in an office in london, 52, two kids, always sitting, back is sore most evenings "
        "and it's getting worse. what exercises should i actually be doing?"
    ).reply
    assert reply.entry_id == "exercises"


def test_a_wish_to_know_after_a_comma_is_the_question_of_a_long_message(
    answerer: Answerer,
) -> None:
    """ ", so I was wondering what they actually are?": what comes before the comma is told,
    the wish asks, and "they" are the hip flexors the story named."""
    reply = answerer.answer(
        "I'm 58 and help out at a community gym on Tuesdays, and the young trainer there keeps "
        "saying my 'hip flexors' are why my lower back is stiff every morning. I'd feel a right "
        "fool asking him again, so I was wondering what they actually are?"
    ).reply
    assert reply.entry_id == "what-are-hip-flexors"


@pytest.mark.parametrize(
    "question",
    [
        "stretches for hip flexors?",
        "hip flexor stretches",
        # Words another topic shares ("is yoga any good for tight hip flexors") do not outweigh
        # the plural that names the list (both went to yoga before the list's bonus).
        "which stretches are good for tight hip flexors",
        "best stretches for tight hip flexors",
    ],
)
def test_plurals_ask_for_the_exercises(answerer: Answerer, question: str) -> None:
    assert answerer.answer(question).reply.entry_id == "exercises"


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("my knee clicks when I run", "knee"),
        ("my neck hurts when I look at my phone", "neck"),
        ("should I use heat or ice", "heat"),
        ("can I do these stretches when pregnant", "pregnancy"),
        ("can I do pigeon pose while pregnant?", "pregnancy"),
    ],
)
def test_a_subject_not_covered_gets_a_specific_kind_reply(
    answerer: Answerer, kb: KnowledgeBase, question: str, subject: str
) -> None:
    reply = answerer.answer(question).reply
    assert reply.kind is ReplyKind.FALLBACK
    assert subject in reply.plain()
    assert reply.plain().startswith(kb.texts["not_covered"].split("{subject}")[0].strip())
    assert all(not (b.data or "").startswith("e:") for row in reply.buttons for b in row)


def test_a_body_part_an_exercise_talks_about_is_still_ours(answerer: Answerer) -> None:
    assert answerer.answer("pigeon pose hurts my knee").reply.entry_id == "pigeon-pose"


@pytest.mark.parametrize(
    "message",
    ["me duele la espalda", "mein Rücken tut weh", "у меня болит спина", "腰が痛いです"],
)
def test_another_language_gets_the_english_only_reply(
    answerer: Answerer, kb: KnowledgeBase, message: str
) -> None:
    reply = answerer.answer(message).reply
    assert reply.kind is ReplyKind.FALLBACK and reply.html == kb.texts["english_only"]


def test_the_english_only_reply_names_the_red_flags_in_each_language_it_speaks(
    kb: KnowledgeBase,
) -> None:
    """The red-flag check reads English only: someone who writes in Spanish, French or German
    is told in their language when back pain needs a doctor now (no alarm words of the
    urgent message: most such messages are no emergency)."""
    text = kb.texts["english_only"]
    for word in ("bladder", "vejiga", "vessie", "Blase"):
        assert word in text
    for alarm in ("urgent", "emergenc", "999", "A&E", "ambulance"):
        assert alarm not in text


def test_a_red_flag_in_another_language_is_checked_first(answerer: Answerer) -> None:
    reply = answerer.answer("me duele la espalda and I can't control my bladder").reply
    assert reply.kind is ReplyKind.URGENT


@pytest.mark.parametrize(
    "message", ["hip hop", "k", "setu bandhasana", "brige pose", "haha", "pigeon 🕊️ form?"]
)
def test_english_is_not_taken_for_another_language(answerer: Answerer, message: str) -> None:
    assert looks_english(message, answerer.matcher.knows)


# --- end to end -----------------------------------------------------------------------------------


@pytest.fixture
async def bot(fake_telegram: FakeTelegramServer, tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_telegram, tmp_path) as running:
        yield running


async def test_a_follow_up_in_a_private_chat(bot: RunningBot) -> None:
    first = last_message(await bot.send("how do i do a glute bridge"))
    assert "Bridge" in first.words
    follow_up = last_message(await bot.send("how many should i do"))
    assert "10-15 times" in follow_up.words
    assert "e:bridge-pose" in button_data(follow_up)

    # Ten minutes later the topic is gone: the same words are no longer a follow-up.
    bot.clock.advance(minutes=11)
    later = last_message(await bot.send("how many should i do"))
    assert "10-15 times" not in later.words


async def test_forget_drops_the_conversation(bot: RunningBot) -> None:
    await bot.send("pigeon pose")
    confirm = last_message(await bot.send("/forget"))
    await bot.press(confirm, "p:forget")
    assert await bot.app.bot_data.conversations.get(chat_key(DEFAULT_USER_ID)) is None
    reply = last_message(await bot.send("how long do i hold it"))
    assert "30 seconds" not in reply.words  # no topic left to read it against


async def test_a_reply_to_an_answer_in_a_group_carries_its_topic(bot: RunningBot) -> None:
    (answer,) = sent(await bot.say("/ask how do i do pigeon pose"))
    assert "plank" in answer.params["text"]
    (follow_up,) = sent(await bot.say("how long do i hold it", reply_to_message=answer))
    assert "30 seconds" in follow_up.params["text"] and "Pigeon" in follow_up.params["text"]
    # A reply to the follow-up carries its topic too.
    (again,) = sent(await bot.say("which knee goes forward?", reply_to_message=follow_up))
    assert "wrist" in again.params["text"]


async def test_none_of_these_is_logged_for_the_maintainers(bot: RunningBot) -> None:
    unsure = last_message(await bot.send("how long do i hold it"))
    data = button_data(unsure)
    assert data[-1].startswith("n:")
    calls = await bot.press(unsure, data[-1])
    assert (
        bot.app.bot_data.answerer.kb.texts["none_of_these"].split(":")[0]
        in (last_message(calls).params["text"])
    )
    await bot.write_batches()
    rows = bot.query("SELECT text, reason, entry_id FROM unanswered")
    assert rows == [("how long do i hold it", "fallback", data[-1].removeprefix("n:"))]


async def test_a_follow_up_after_the_context_expired_asks_which_exercise(bot: RunningBot) -> None:
    """Asked back (texts.yaml 'clarify'), with the exercises that have a hold time."""
    await bot.send("how do i do pigeon pose")
    bot.clock.advance(minutes=11)
    asked = last_message(await bot.send("how long do i hold it"))
    texts = bot.app.bot_data.answerer.kb.texts
    assert asked.params["text"].startswith(texts["clarify"].split("?")[0])
    data = button_data(asked)
    assert {"e:pigeon-pose", "e:hip-flexor-stretch"} <= set(data)
    chosen = last_message(await bot.press(asked, "e:hip-flexor-stretch"))
    assert "Hip flexor stretch" in chosen.words


@pytest.mark.parametrize(
    "reference",
    [
        "tell me about number three",
        "hang on, what was the third one again",
        "the 3rd one please",
        "could you explain the third of those in a bit more detail",
        "the last on your list, kindly",
    ],
)
def test_an_ordinal_said_in_so_many_words_points_at_the_list_whatever_else_is_said(
    answerer: Answerer, reference: str
) -> None:
    """ "number three" and "the third one ... again" point at the third exercise shown, even
    beside words the knowledge base never uses ("hang on")."""
    conversation = Conversation().after(answerer.exercises())
    assert answerer.answer(reference, conversation).reply.entry_id == "bridge-pose"


def test_no_one_is_not_the_first_option(answerer: Answerer) -> None:
    conversation = Conversation().after(answerer.exercises())
    reply = answerer.answer("no one told me about the weather", conversation).reply
    assert reply.kind is not ReplyKind.ANSWER


@pytest.mark.parametrize(
    ("first", "follow_up", "detail"),
    [
        ("how do I do the kneeling hip flexor stretch", "and then I change legs?", "sides"),
        ("pigeon pose steps", "when do I change over?", "sides"),
        ("pigeon pose steps", "how long do i hold that last stretch?", "hold"),
        ("kneeling hip flexor stretch", "how long do I stay on each side?", "hold"),
        (
            "pigeon pose steps",
            "Would twice a week be sufficient, or rather more often?",
            "frequency",
        ),
        (
            "glute bridge how to",
            "Kindly remind me how many I should do, if that is acceptable.",
            "reps",
        ),
        (
            "when should i see a professional",
            "what type of specialist would that be?",
            "professional",
        ),
        ("glute bridge how to", "do I pause up there?", "hold"),
        ("glute bridge how to", "do I start standing or lying?", "position"),
    ],
)
def test_everyday_words_for_a_detail_ask_that_detail(
    answerer: Answerer, first: str, follow_up: str, detail: str
) -> None:
    reading = answerer.interpreter.read(follow_up, answerer.answer(first).conversation)
    assert (reading.kind, reading.detail) == ("detail", detail)


@pytest.mark.parametrize(
    "follow_up", ["now the other leg?", "and the other side?", "ok, the other leg now"]
)
def test_the_other_leg_asks_the_sides_not_the_other_exercises(
    answerer: Answerer, follow_up: str
) -> None:
    """ "the other" (of "the others", stemmed) starts "the other leg": the longer phrase that
    overlaps it, "other leg", asks the detail."""
    reading = answerer.interpreter.read(
        follow_up, answerer.answer("pigeon pose steps").conversation
    )
    assert (reading.kind, reading.entry_id, reading.detail) == ("detail", "pigeon-pose", "sides")
    others = answerer.interpreter.read(
        "and the others?", answerer.answer("pigeon pose").conversation
    )
    assert others.entry_id != "pigeon-pose"


def test_a_detail_that_points_back_is_the_topics_not_the_general_entrys(
    answerer: Answerer,
) -> None:
    """ "how many days a week for that?" asks the topic's own frequency; without a word that
    points back after the question's words, the general question is the general entry's."""
    conversation = answerer.answer("pigeon pose steps").conversation
    reading = answerer.interpreter.read("how many days a week for that?", conversation)
    assert (reading.kind, reading.entry_id, reading.detail) == (
        "detail",
        "pigeon-pose",
        "frequency",
    )
    general = answerer.interpreter.read(
        "nvm that. how many times a week should i stretch?", conversation
    )
    assert (general.kind, general.entry_id) == ("answer", "how-often-to-stretch")


def test_a_long_question_of_two_clauses_is_read_clause_by_clause(answerer: Answerer) -> None:
    """The whole question sentence is unclear; its second clause asks who to see."""
    message = (
        "I'm a 61 year old gardener and my lower back has been stiff for most of the spring, "
        "the stretches help a bit. At what point do I give up doing it alone, and what kind of "
        "person should I see about it?"
    )
    outcome = answerer.answer(message)
    assert outcome.reply.entry_id == "when-to-see-a-professional"


@pytest.mark.parametrize(
    ("first", "message", "answered"),
    [
        ("glute bridge how to", "how many hours of sleep does a teenager need", False),
        (
            "kneeling hip flexor stretch",
            "which side do i start with when my left hip is tighter",
            True,
        ),
        ("pigeon pose", "how long do i hold it if my knee hurts", True),
    ],
)
def test_a_question_mostly_about_what_the_topic_never_mentions_is_no_follow_up(
    answerer: Answerer, first: str, message: str, answered: bool
) -> None:
    """Familiar words are not enough: "hours", "sleep" and "teenager" are nothing the bridge
    talks about, so "how many ..." is not its repetitions; a follow-up with a word or two of
    its own ("when my left hip is tighter") still is one."""
    reply = answerer.answer(message, answerer.answer(first).conversation).reply
    assert (reply.kind is ReplyKind.ANSWER) is answered


@pytest.mark.parametrize(
    ("first", "message", "entry"),
    [
        ("kneeling hip flexor stretch please", "and the next one?", "pigeon-pose"),
        ("pigeon pose", "ok what comes after that exercise", "bridge-pose"),
    ],
)
def test_the_next_exercise_is_the_one_after_the_topic_in_the_menu(
    answerer: Answerer, first: str, message: str, entry: str
) -> None:
    reply = answerer.answer(message, answerer.answer(first).conversation).reply
    assert (reply.kind, reply.entry_id) == (ReplyKind.ANSWER, entry)


def test_next_after_something_that_is_no_exercise_is_not_guessed(answerer: Answerer) -> None:
    conversation = answerer.answer("is sitting bad for my hips").conversation
    assert answerer.interpreter._questions.next_exercise("and the next one?", conversation) is None


@pytest.mark.parametrize(
    ("first", "message", "entry", "detail"),
    [
        ("pigeon pose steps", "and the previous one?", "hip-flexor-stretch", None),
        ("list the exercises", "the one before the glute bridge please", "pigeon-pose", None),
        (
            "list the exercises",
            "how long do i hold the one after the kneeling stretch?",
            "pigeon-pose",
            "hold",
        ),
    ],
)
def test_an_exercise_placed_before_or_after_another_is_its_neighbour_in_the_menu(
    answerer: Answerer, first: str, message: str, entry: str, detail: str | None
) -> None:
    reading = answerer.interpreter.read(message, answerer.answer(first).conversation)
    assert (reading.entry_id, reading.detail) == (entry, detail)


@pytest.mark.parametrize(
    ("first", "message", "entry", "detail"),
    [
        (
            "how do i do the bridge",
            "the one where you kneel, how long?",
            "hip-flexor-stretch",
            "hold",
        ),
        (
            "bridge pose steps",
            "back to the plank one, where does my knee go",
            "pigeon-pose",
            "position",
        ),
        ("pigeon pose steps", "the glute one, how many reps?", "bridge-pose", "reps"),
    ],
)
def test_another_exercise_called_by_a_word_of_its_own_is_that_one(
    answerer: Answerer, first: str, message: str, entry: str, detail: str
) -> None:
    reading = answerer.interpreter.read(message, answerer.answer(first).conversation)
    assert (reading.entry_id, reading.detail) == (entry, detail)


def test_no_neighbour_past_the_ends_or_beside_something_that_is_no_exercise(
    answerer: Answerer,
) -> None:
    questions = answerer.interpreter._questions
    conversation = answerer.answer("bridge pose").conversation
    assert questions.next_exercise("what's the one after the bridge", conversation) is None
    assert questions.next_exercise("is there one i can do before bed", conversation) is None
    first = answerer.answer("kneeling hip flexor stretch").conversation
    assert questions.next_exercise("and the previous one", first) is None


def test_a_long_story_names_its_exercise_a_few_sentences_before_the_question(
    answerer: Answerer,
) -> None:
    """Neither the sentence before the question nor the story as a whole places it; the
    sentence that named the bridge two sentences earlier does."""
    message = (
        "Gardening is about all the exercise I get these days and my knees are not great. My "
        "neighbour swears glute bridges fixed her back. What is the right way? And how many in "
        "a row?"
    )
    reply = answerer.answer(message).reply
    assert (reply.kind, reply.entry_id) == (ReplyKind.ANSWER, "bridge-pose")


def test_a_detail_with_its_own_entry_is_answered_after_a_did_you_mean(
    answerer: Answerer,
) -> None:
    """After "Did you mean ...?" there is a list but no topic: "who do I see then" still asks
    which professional, which its own entry answers."""
    conversation = Conversation(options=("when-to-see-a-professional",), turns=1)
    reply = answerer.answer("who do i go to then", conversation).reply
    assert (reply.kind, reply.entry_id) == (ReplyKind.ANSWER, "when-to-see-a-professional")


def test_warning_signs_of_tight_hip_flexors_are_the_signs_not_the_red_flags(
    answerer: Answerer,
) -> None:
    reply = answerer.answer("what warning signs show that my hip flexors are tight?").reply
    assert (reply.kind, reply.entry_id) == (ReplyKind.ANSWER, "signs-of-tight-hip-flexors")
    serious = answerer.answer("what are the warning signs that back pain is serious?").reply
    assert serious.entry_id == "when-to-see-a-professional"


@pytest.mark.parametrize(
    "follow_up",
    ["and the back leg, what does it do meanwhile?", "my left knee goes by which hand?"],
)
def test_where_a_limb_goes_asks_the_position(answerer: Answerer, follow_up: str) -> None:
    conversation = answerer.answer("how do i do pigeon pose").conversation
    reading = answerer.interpreter.read(follow_up, conversation)
    assert (reading.kind, reading.entry_id, reading.detail) == ("detail", "pigeon-pose", "position")


@pytest.mark.parametrize(
    ("first", "follow_up", "entry"),
    [
        ("how do i do the bridge", "what about the other ones?", "exercises"),
        ("does yoga help hip flexors", "got any specific ones?", "yoga-for-hip-flexors"),
        (
            "pigeon pose please",
            "it still hurts after weeks, who should check it?",
            "when-to-see-a-professional",
        ),
    ],
)
def test_more_everyday_follow_ups_are_read_against_the_topic(
    answerer: Answerer, first: str, follow_up: str, entry: str
) -> None:
    reply = answerer.answer(follow_up, answerer.answer(first).conversation).reply
    assert (reply.kind, reply.entry_id) == (ReplyKind.ANSWER, entry)


@pytest.mark.parametrize(
    ("first", "follow_up", "reading"),
    [
        (
            "how do i do pigeon pose",
            "where exactly should my front knee end up?",
            ("detail", "pigeon-pose", "position"),
        ),
        (
            "what are the signs of tight hip flexors",
            "so what do i actually do about that?",
            ("answer", "exercises", None),
        ),
    ],
)
def test_a_word_of_emphasis_inside_the_words_that_ask_a_detail_is_left_aside(
    answerer: Answerer, first: str, follow_up: str, reading: tuple[str, str, str | None]
) -> None:
    """ "what do i actually do about that" asks what "what do i do about that" asks."""
    conversation = answerer.answer(first).conversation
    found = answerer.interpreter.read(follow_up, conversation)
    assert (found.kind, found.entry_id, found.detail) == reading


@pytest.mark.parametrize(
    ("first", "question", "entry"),
    [
        (
            "how do i do the bridge",
            "is a chiropractor or a physio better for this?",
            "when-to-see-a-professional",
        ),
        (
            None,
            "do i have to stretch every single day or is a few times enuf",
            "how-often-to-stretch",
        ),
    ],
)
def test_a_detail_asked_with_words_of_its_own_entry_gets_that_entry(
    answerer: Answerer, first: str | None, question: str, entry: str
) -> None:
    """The words that ask the detail (professional, frequency) and the rest of the question
    both point at the detail's own entry: answered, not asked back."""
    conversation = answerer.answer(first).conversation if first else None
    reply = answerer.answer(question, conversation).reply
    assert (reply.kind, reply.entry_id) == (ReplyKind.ANSWER, entry)


def test_a_card_game_after_the_bridge_exercise_is_not_the_exercise(answerer: Answerer) -> None:
    conversation = answerer.answer("how do i do the bridge").conversation
    reply = answerer.answer("fancy a game of bridge with cards tonight?", conversation).reply
    assert reply.kind is not ReplyKind.ANSWER


def test_the_middle_one_of_three_is_the_second(answerer: Answerer) -> None:
    outcome = talk(answerer, "list the stretches", "the middle one, how do i do it")
    assert outcome.reply.entry_id == "pigeon-pose"
    assert ordinal("the middle one", ("a", "b")) is None  # two in the middle: not said which


def test_a_question_that_names_its_entry_wins_over_its_short_story(answerer: Answerer) -> None:
    text = (
        "not numb anywhere, just a tight feeling at the front of my hips. "
        "what exercises should i try"
    )
    assert talk(answerer, text).reply.entry_id == "exercises"
    # a name the whole subject shares is no such name
    text = "no gym, no equipment, just a living room floor. what can i do for my hip flexors?"
    assert talk(answerer, text).reply.entry_id == "exercises"


def test_a_formal_question_is_not_lost_in_its_framing_words(answerer: Answerer) -> None:
    text = "I merely wish to know how frequently one ought to perform hip flexor stretches."
    assert talk(answerer, text).reply.entry_id == "how-often-to-stretch"


def test_the_question_after_a_remark_with_a_question_mark_is_read(answerer: Answerer) -> None:
    text = (
        "thighs shake like mad when I hold my hips up in the bridge, normal? how long do I hold it"
    )
    reply = talk(answerer, text).reply
    assert reply.entry_id == "bridge-pose"


def test_a_scan_told_as_an_aside_does_not_hide_the_question(answerer: Answerer) -> None:
    text = "had an mri, doctor says all clear. how do tight hip flexors lead to back pain?"
    assert talk(answerer, text).reply.entry_id == "how-hip-flexors-cause-back-pain"
    assert talk(answerer, "should i get an mri for my back").reply.entry_id is None


def test_a_bridge_of_the_world_is_not_the_exercise(answerer: Answerer) -> None:
    outcome = talk(answerer, "how do u do a glute bridge", "whats the longest bridge in the world")
    assert outcome.reply.entry_id is None


@pytest.mark.parametrize(
    ("first", "follow_up", "entry_id"),
    [
        (
            "how do i do the kneeling hip flexor stretch",
            "do i lean forward or back",
            "hip-flexor-stretch",
        ),
        ("how do i do the bridge", "should my back be arched or straight", "bridge-pose"),
        ("pigeon pose how to", "which leg goes down first", "pigeon-pose"),
    ],
)
def test_a_question_about_the_body_position_follows_the_exercise(
    answerer: Answerer, first: str, follow_up: str, entry_id: str
) -> None:
    assert talk(answerer, first, follow_up).reply.entry_id == entry_id


# --- follow-ups written as full sentences or chat -------------------------------------------------


@pytest.mark.parametrize(
    ("before", "message", "entry_id", "detail"),
    [
        # A word the knowledge base never uses ("stay") beside words that ask a detail the topic
        # has, pointing back at it: a follow-up, not a subject of its own.
        (
            "kneeling hip flexor stretch",
            "how many seconds do I stay like that?",
            "hip-flexor-stretch",
            "hold",
        ),
        # Chat fillers ("wait", "sorry", "omg") are no subject.
        ("how do i do pigeon pose", "omg wait which leg goes behind", "pigeon-pose", "position"),
        # A body part the exercise itself uses is part of the exercise, not a subject we do not
        # cover; a question in the exercise's own words is about doing it.
        ("glute bridge", "toes pointing forward or out to the side?", "bridge-pose", None),
        # "What do I do?" after the signs asks for the remedy: the exercises.
        ("signs of tight hip flexors", "ok that's me. so what do i do", "exercises", None),
        ("does sitting all day tighten hip flexors", "How can I counteract it?", "exercises", None),
        # "there" points at where the exercise put you, as "it" points at the exercise.
        (
            "kneeling hip flexor stretch",
            "how long do i hang about down there",
            "hip-flexor-stretch",
            "hold",
        ),
        ("is yoga good for hip flexors", "name a few then", "yoga-for-hip-flexors", "which"),
        (
            "does sitting all day tighten hip flexors",
            "ten hours a day at a desk. what should i be doing about it",
            "exercises",
            None,
        ),
        # A body part the article never names, whose place in the exercise is asked.
        ("bridge pose", "where do my arms go?", "bridge-pose", "position"),
        # "gets" is a function word, as "get" is.
        (
            "pigeon pose please",
            "which leg gets stretched out behind me?",
            "pigeon-pose",
            "position",
        ),
        # Other ways of asking for the remedy.
        (
            "am i sitting too much for my hips",
            "right, and how can i sort it out?",
            "exercises",
            None,
        ),
        ("signs my hip flexors are tight", "sounds like me. fix?", "exercises", None),
    ],
)
def test_follow_ups_in_other_words(
    answerer: Answerer, before: str, message: str, entry_id: str, detail: str | None
) -> None:
    reading = talk(answerer, before, message).reading
    assert reading is not None
    assert (reading.entry_id, reading.detail) == (entry_id, detail)


@pytest.mark.parametrize(
    ("before", "message"),
    [
        ("bridge pose steps", "my heels hurt when I walk to work, what shoes should I buy?"),
        ("how do i do pigeon pose", "sorry, unrelated: how do I keep my dog off the sofa?"),
    ],
)
def test_an_unrelated_message_in_the_exercise_s_words_stays_unrelated(
    answerer: Answerer, before: str, message: str
) -> None:
    reply = talk(answerer, before, message).reply
    assert reply.kind is not ReplyKind.ANSWER, reply.entry_id


def test_a_question_that_only_says_help_is_not_about_a_professional(answerer: Answerer) -> None:
    """The keyword "get help" of when-to-see-a-professional used to be the key word "help"."""
    reply = answerer.answer("my neighbour teaches yoga. would that help?").reply
    assert reply.entry_id == "yoga-for-hip-flexors"


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        (
            "Now could you explain how I do the pigeon exercise, from start to finish?",
            "pigeon-pose",
        ),
        (
            "next could you take me through the kneeling stretch from beginning to end",
            "hip-flexor-stretch",
        ),
    ],
)
def test_from_start_to_finish_asks_for_the_steps(
    answerer: Answerer, question: str, entry_id: str
) -> None:
    assert answerer.answer(question).reply.entry_id == entry_id


@pytest.mark.parametrize(
    ("message", "entry_id", "detail"),
    [
        (
            "Retired nurse, 68, keen gardener, stiff every morning and worse after weeding: "
            "in the bridge exercise, how many do I do in one go?",
            "bridge-pose",
            "reps",
        ),
        (
            "Long-time runner, 52, marathon in spring, hamstrings fine, hips not: in pigeon, "
            "where does the back leg go?",
            "pigeon-pose",
            "position",
        ),
    ],
)
def test_a_lead_in_before_a_colon_is_the_question_s_story(
    answerer: Answerer, message: str, entry_id: str, detail: str
) -> None:
    reading = answerer.answer(message).reading
    assert reading is not None
    assert (reading.entry_id, reading.detail) == (entry_id, detail)


def test_a_short_clause_before_a_dash_stays_with_its_question(answerer: Answerer) -> None:
    """ "that" is the back pain of the clause before the dash: not split off."""
    message = (
        "My shoulders are stiff from the gym, the usual ache. But my lower back aches too - "
        "how can hip flexors cause that?"
    )
    assert answerer.answer(message).reply.entry_id == "how-hip-flexors-cause-back-pain"


def test_an_ordinal_in_an_idiom_points_at_no_option() -> None:
    options = ("hip-flexor-stretch", "pigeon-pose", "bridge-pose")
    assert ordinal("why do my hips get tight in the first place", options) is None
    assert ordinal("it started last night", options) is None
    assert ordinal("i did not want to pay for a third one just to ask", options) is None
    assert ordinal("should i get a second opinion", options) is None
    # a question announced as the last one, not the last option
    assert ordinal("last thing, is walking ok", options) is None
    assert ordinal("one final question, do i need a mat", options) is None
    assert ordinal("the first one", options) == "hip-flexor-stretch"
    assert ordinal("and the last thing?", options) == "bridge-pose"


def test_in_the_first_place_is_a_question_of_its_own(answerer: Answerer) -> None:
    """It used to be read as "the first option" with no list shown."""
    reply = answerer.answer("why do my hips get tight in the first place?").reply
    assert reply.kind is ReplyKind.ANSWER


def test_hedges_are_no_subject(answerer: Answerer) -> None:
    reading = answerer.answer("roughly how many bridges in a set?").reading
    assert reading is not None
    assert (reading.entry_id, reading.detail) == ("bridge-pose", "reps")


def test_a_practitioner_is_a_professional(answerer: Answerer) -> None:
    assert (
        answerer.answer("who is the right practitioner for a stubborn back").reply.entry_id
        == "when-to-see-a-professional"
    )


@pytest.mark.parametrize(
    ("before", "message"),
    [
        # numbers are no words of the topic
        ("what are hip flexors", "haha ok. what's 12% of 300"),
        # a listed other subject (bike upkeep) counts twice against the topic, and a clause
        # that would follow the topic ("how do i fix that") does not outweigh it
        ("is cycling bad for tight hip flexors", "my road bike brakes squeal, how do i fix that"),
    ],
)
def test_an_unrelated_message_is_not_forced_onto_the_topic(
    answerer: Answerer, before: str, message: str
) -> None:
    assert talk(answerer, before, message).reply.kind is not ReplyKind.ANSWER


def test_a_story_that_names_an_exercise_among_other_words_sets_the_question_s_topic(
    answerer: Answerer,
) -> None:
    """The story names pigeon pose, but its other words (yoga, class, teacher) score the yoga
    entry higher: the exercise it names is what "the front knee" belongs to, not a body part
    the article does not cover."""
    reply = answerer.answer(
        "At my yoga class the teacher races through pigeon and I cannot keep up with the others. "
        "I would like to learn it slowly at home. Where does the front knee go and what does the "
        "back leg do?"
    ).reply
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == "pigeon-pose"


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("the second one. actually the first one", "hip-flexor-stretch"),
        ("the 2nd, sorry the 1st", "hip-flexor-stretch"),
        ("no wait, actually the third one", "bridge-pose"),
    ],
)
def test_a_corrected_ordinal_means_what_follows_the_correction(
    answerer: Answerer, message: str, entry: str
) -> None:
    """ "actually" both adds emphasis and takes back what came before: as a correction it
    stays in the text the ordinal is read from."""
    conversation = answerer.answer("list the stretches").conversation
    assert answerer.interpreter.read(message, conversation).entry_id == entry


def test_a_remark_that_names_an_exercise_gives_the_next_message_its_topic(
    answerer: Answerer,
) -> None:
    """A message that asks nothing gets the fallback, but the exercise it names is what a
    follow-up right after it is about."""
    remark = "Evening! I am doing the bridge on the living room rug as we speak, very relaxing."
    first = answerer.answer(remark)
    assert first.reply.kind is ReplyKind.FALLBACK
    reading = talk(
        answerer,
        remark,
        "how long should i stay up?",
    ).reading
    assert reading is not None and (reading.entry_id, reading.detail) == ("bridge-pose", "hold")


def test_a_detail_with_one_entry_of_its_own_is_answered_not_asked_back(
    answerer: Answerer,
) -> None:
    """ "What kind of professional would treat this?" points back at nothing, and only the
    entry on seeing a professional has that detail: a "Which one do you mean?" with one option
    would only slow the person down."""
    reply = answerer.answer("what sort of specialist would treat this").reply
    assert reply.kind is ReplyKind.ANSWER
    assert reply.entry_id == "when-to-see-a-professional"


def test_a_subject_not_covered_leaves_no_topic_behind(answerer: Answerer) -> None:
    """After "not covered" for pregnancy, the exercise the message named is not the topic: a
    hold time right after it would step past the advice to ask a professional."""
    outcome = talk(answerer, "is pigeon pose ok when i am pregnant?", "how long do i hold it")
    assert outcome.reading is not None and outcome.reading.kind == "clarify"


def test_the_topic_wins_a_tie_with_another_entry(answerer: Answerer) -> None:
    """Words two exercises share ("legs", "behind") keep the conversation on its exercise when
    the scores are all but equal; without a topic the best entry answers."""
    reading = talk(answerer, "how to do pigeon", "so which of my legs goes behind?").reading
    assert reading is not None
    assert (reading.entry_id, reading.notes) == ("pigeon-pose", ("the topic, in a tie",))
    alone = talk(answerer, "so which of my legs goes behind?").reading
    assert alone is not None and "the topic, in a tie" not in alone.notes


@pytest.mark.parametrize(
    "text", ["how can i fix stiff hip flexors", "ok so how do i fix tight hip flexors"]
)
def test_a_remedy_asked_of_a_subject_without_one_is_the_exercises(
    answerer: Answerer, text: str
) -> None:
    assert talk(answerer, text).reply.entry_id == "exercises"


def test_a_remedy_beside_a_question_of_its_own_leaves_the_question(answerer: Answerer) -> None:
    """Only a few words of subject make a remedy the exercises' question, not a question with
    its own answer ("does cycling make it worse") that also asks what to do."""
    text = "does cycling make tight hip flexors worse and what can i do"
    assert talk(answerer, text).reply.entry_id == "activities-that-worsen-tight-hip-flexors"


def test_what_to_do_before_seeing_a_professional_names_the_exercises(answerer: Answerer) -> None:
    reply = talk(answerer, "when should i see a physio", "before that, what can i try at home?")
    assert reply.reply.entry_id == "when-to-see-a-professional"
    assert "Pigeon Pose" in reply.reply.html and "physio" in reply.reply.html


def test_which_professional_asked_of_a_subject_without_one_is_the_referral_entry(
    answerer: Answerer,
) -> None:
    """ "suggest" alone points at the exercises; the words that ask which professional make it
    the when-to-see entry's question."""
    text = "What kind of specialist would you suggest?"
    assert talk(answerer, text).reply.entry_id == "when-to-see-a-professional"


def test_a_detail_worded_in_a_statement_beside_a_question_is_not_asked(
    answerer: Answerer,
) -> None:
    """ "i ride 4 times a week" tells, it does not ask a frequency: the question beside it asks
    about cycling, not the topic's frequency."""
    outcome = talk(
        answerer,
        "pigeon pose how to",
        "is cycling bad for tight hip flexors? i ride 4 times a week",
    )
    assert outcome.reply.entry_id == "activities-that-worsen-tight-hip-flexors"
    asked = talk(answerer, "pigeon pose how to", "and how often?")
    assert asked.reading is not None and asked.reply.entry_id == "how-often-to-stretch"


def test_a_story_that_points_back_at_the_exercise_goes_on_with_it(answerer: Answerer) -> None:
    """A story that says "it" about the exercise just explained, and names no entry, keeps
    that exercise as its topic rather than the entry its words score best."""
    outcome = talk(
        answerer,
        "walk me through pigeon pose",
        "had a go this morning and to be honest it was mainly my lower back that felt it, not "
        "my hips. did i mess it up?",
    )
    assert outcome.reply.entry_id == "pigeon-pose"


@pytest.mark.parametrize(
    "text",
    [
        "how would i know if that is what is happening to me",
        "how can i tell if mine are tight",
        "does that apply to me though?",
    ],
)
def test_whether_it_applies_to_me_is_the_signs(answerer: Answerer, text: str) -> None:
    outcome = talk(answerer, "why do tight hip flexors hurt the lower back", text)
    assert outcome.reply.entry_id == "signs-of-tight-hip-flexors"


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("should my back stay arched or be kept flat", "position"),
        ("what am i meant to be feeling", "feel"),
        ("am i supposed to do both sides", "sides"),
    ],
)
def test_past_forms_and_supposed_to_ask_the_detail(
    answerer: Answerer, text: str, detail: str
) -> None:
    reading = talk(answerer, "kneeling hip flexor stretch please", text).reading
    assert reading is not None and (reading.entry_id, reading.detail) == (
        "hip-flexor-stretch",
        detail,
    )


@pytest.mark.parametrize(
    ("before", "text", "entry", "detail"),
    [
        # "first" as "before anything else", and "which leg first", are no option picked
        (
            "how do i do the bridge",
            "wait first tell me why tight hips hurt the back",
            "how-hip-flexors-cause-back-pain",
            None,
        ),
        (
            "hip flexor stretch",
            "which foot first, the left or right one?",
            "hip-flexor-stretch",
            "sides",
        ),
        # word orders of English as a second language
        (
            "signs of tight hip flexors",
            "i have these. what i should do about it",
            "exercises",
            None,
        ),
        (
            "how do tight hip flexors cause back pain",
            "understood. kindly share the exercises with me",
            "exercises",
            None,
        ),
        # a place, a count, an easier way, someone to go to
        (
            "which exercises help tight hip flexors",
            "are these muscles at the front or the back?",
            "what-are-hip-flexors",
            None,
        ),
        # (since the twenty-fourth stop, driving is the entry on sitting, whose subject it is)
        (
            "which activities make hip flexors tight",
            "i drive two hours every day, does that count?",
            "sitting-and-hip-flexors",
            None,
        ),
        (
            "how do i do pigeon pose",
            "is there an easier version? i can not get down that far",
            "pigeon-pose",
            "feel",
        ),
        (
            "how do i do the bridge",
            "if it still aches after a month, should i go to someone?",
            "when-to-see-a-professional",
            None,
        ),
        # --- round 37 ---
        # a change of subject announced in so many words is no word of the question
        (
            "how often should i do the bridge",
            "ok totally different question, what is the psoas?",
            "what-are-hip-flexors",
            None,
        ),
        (
            "how often should i do the bridge",
            "diff question what even is the iliopsoas",
            "what-are-hip-flexors",
            None,
        ),
        (
            "how long do i hold the kneeling stretch",
            "do i gotta switch legs",
            "hip-flexor-stretch",
            "sides",
        ),
        ("what exercises help my back", "give me the names again pls", "exercises", "which"),
        (
            "how often should i stretch my hip flexors",
            "so twice a week is plenty, yes?",
            "how-often-to-stretch",
            None,
        ),
        # voice typing: "pigeon post", "fridge"; an exercise called by its animal
        ("which stretches help my hips", "how do i do the pigeon post one", "pigeon-pose", None),
        ("which stretches help my hips", "the bird one, how does it go", "pigeon-pose", None),
        (
            "which stretches help my hips",
            "tell me about the fridge one please",
            "bridge-pose",
            None,
        ),
        (
            "how do i do the bridge",
            "do i do it just the once or several times",
            "bridge-pose",
            "reps",
        ),
        (
            "how is the kneeling stretch done",
            "do i have to stay down there long, my knees are old",
            "hip-flexor-stretch",
            "hold",
        ),
        (
            "what activities make hip flexors tight",
            "i drive a taxi all day, is that one of them",
            "activities-that-worsen-tight-hip-flexors",
            None,
        ),
        (
            "what are the hip flexors",
            "but what has that got to do with my back",
            "how-hip-flexors-cause-back-pain",
            None,
        ),
        ("how do i do the bridge", "remind me how it goes, i have forgotten", "bridge-pose", None),
        (
            "how long do i hold the kneeling stretch",
            "and the bridge, how long do i keep my bottom up",
            "bridge-pose",
            None,
        ),
        (
            "how long do i hold pigeon",
            "and how many times in the week should i stretch",
            "pigeon-pose",
            "frequency",
        ),
        # "what do you mean by ..." asks what the word is: the topic's word, or another entry's
        (
            "signs of tight hip flexors?",
            "sorry, what do you mean by the arch bit",
            "signs-of-tight-hip-flexors",
            None,
        ),
        ("how do i do the bridge", "what do u mean by psoas", "what-are-hip-flexors", None),
        # "what do you mean?" alone asks for the answer again
        ("how do i do pigeon pose", "what do you mean??", "pigeon-pose", None),
        # another exercise named only to compare: the question is about the one talked about
        (
            "how do i do the bridge",
            "is this one held for longer than pigeon?",
            "bridge-pose",
            "hold",
        ),
        (
            "how do i do pigeon pose",
            "do i swap legs on this one as well, same as the kneeling one?",
            "pigeon-pose",
            "sides",
        ),
        # "the second thing you said" is a part of the answer, not an option shown after it
        (
            "what are the signs of tight hip flexors",
            "the first thing you said, can you explain that a bit more",
            "signs-of-tight-hip-flexors",
            None,
        ),
        ("how do i do the bridge", "how many reps in total should i do", "bridge-pose", "reps"),
        # what someone already does, asked whether it is enough: the topic's advice
        (
            "how often should i stretch my hip flexors",
            "i only manage sundays, is that ok",
            "how-often-to-stretch",
            None,
        ),
    ],
)
def test_follow_ups_of_blind_rounds_36_and_37(
    answerer: Answerer, before: str, text: str, entry: str, detail: str | None
) -> None:
    reading = talk(answerer, before, text).reading
    assert reading is not None and (reading.entry_id, reading.detail) == (entry, detail)


def test_next_after_saying_it_is_done(answerer: Answerer) -> None:
    outcome = talk(
        answerer, "exercises for tight hip flexors", "the first one", "finished, next one?"
    )
    assert outcome.reply.entry_id == "pigeon-pose"


def test_a_body_part_placed_in_an_exercise_the_question_names_is_ours(answerer: Answerer) -> None:
    """ "chest" is a subject the article does not cover, but where it goes in the stretch the
    question names is the stretch's position."""
    reading = talk(
        answerer, "kneeling stretch: should my chest lean forward or stay upright?"
    ).reading
    assert reading is not None and reading.entry_id == "hip-flexor-stretch"


def test_times_in_a_week_ask_how_often_not_how_many(answerer: Answerer) -> None:
    reading = talk(answerer, "how many times in a week should i stretch my hip flexors").reading
    assert reading is not None and reading.detail != "reps"
    assert reading.entry_id == "how-often-to-stretch" or reading.detail == "frequency"


def test_another_question_of_a_long_message_is_read_when_its_last_is_not_understood(
    answerer: Answerer,
) -> None:
    """The last question ("What angle?") is not understood; the request after it is."""
    message = (
        "My sister showed me pigeon pose at the park on Sunday and I have been trying it every "
        "evening after work since. Knee where? What angle? Any tips on doing pigeon pose properly"
    )
    assert talk(answerer, message).reply.entry_id == "pigeon-pose"


def test_no_other_question_is_read_when_the_question_names_another_subject(
    answerer: Answerer,
) -> None:
    message = (
        "I stand all day at the till and my hips ache by the evening. Should I stand on a mat? "
        "Which brand is best?"
    )
    assert talk(answerer, message).reply.entry_id is None


def test_a_long_story_names_its_exercise_further_back_than_the_sentence_before(
    answerer: Answerer,
) -> None:
    """The bridge is named four sentences before the question; none nearer names anything."""
    message = (
        "My neighbour swears glute bridges sorted her back out. I tried a few on the lounge "
        "carpet after tea. The cat kept walking over me. The kids thought it was hilarious. "
        "Whats the proper way?"
    )
    assert talk(answerer, message).reply.entry_id == "bridge-pose"


def test_the_question_after_an_emoji_is_read_as_its_own_sentence(answerer: Answerer) -> None:
    message = (
        "first ever yoga class today and the teacher went way too fast through everything and i "
        "was wobbling everywhere 😂 could you walk me through getting into pigeon, where does my "
        "front knee go?"
    )
    assert talk(answerer, message).reply.entry_id == "pigeon-pose"


# Readings fixed in the fifteenth to eighteenth stops: the messages of a conversation, and the
# entry its last one reaches.
_FIFTEENTH_AND_SIXTEENTH_STOPS: list[tuple[tuple[str, ...], str]] = [
    # two exercises set side by side: the entry that lists them both
    (
        (
            "how long do i hold the kneeling stretch",
            "ok so which one do i stay in longer, pigeon or the kneeling one",
        ),
        "exercises",
    ),
    (
        (
            "how do i do the bridge",
            "bridge vs pigeon, which one stretches the hip flexors more",
        ),
        "exercises",
    ),
    # a greeting is no word of the question, and no first word of a statement
    (("hiya how many days a week must i do the hip stretches",), "how-often-to-stretch"),
    # a story checked against the answer just given: that answer
    (
        (
            "what are the signs of tight hip flexors",
            "when i stand up after a long drive i walk bent over like an old man for a few "
            "minutes. is that what you mean?",
        ),
        "signs-of-tight-hip-flexors",
    ),
    # "in the first place" is emphasis, not a place or the first of a list
    (
        (
            "how many reps of the bridge",
            "how do i know my hip flexors are the problem in the first place",
        ),
        "signs-of-tight-hip-flexors",
    ),
    # "explain how to do it" asks for the steps; "it" is what the clause before names
    (
        (
            "what exercises help tight hip flexors",
            "the kneeling one looks easy enough, can you explain how to do it",
        ),
        "hip-flexor-stretch",
    ),
    (
        ("what exercises help tight hip flexors", "pigeon seems tricky, how do i do it"),
        "pigeon-pose",
    ),
    # "this" beside another exercise is the one talked about
    (
        (
            "what is the bridge",
            "which one is easier on the knees, this or the kneeling stretch",
        ),
        "exercises",
    ),
    # a purpose said at length, a benefit seen: how often
    (("how often should i do the stretches to feel a benefit",), "how-often-to-stretch"),
    # "the only ones?" asks for the others; "part of the problem?" and "is that true?" check
    # the answer just given
    (
        ("how do i do pigeon pose", "and the kneeling one?", "are those the only ones"),
        "exercises",
    ),
    # (since the twenty-fourth stop, driving named is the entry on sitting, whose own subject it
    # is; the activities topic only sends the reader on to it)
    (
        (
            "what makes hip flexors tight",
            "i drive a lot for work, is the driving part of the problem",
        ),
        "sitting-and-hip-flexors",
    ),
    (("does sitting make hip flexors tight", "is that true?"), "sitting-and-hip-flexors"),
    (
        ("what are the signs of tight hip flexors", "any truth in that?"),
        "signs-of-tight-hip-flexors",
    ),
    # the detail between "same" and "as" is asked of the topic, not of the one compared
    (("how do i do the bridge", "is it the same number of reps as pigeon?"), "bridge-pose"),
    # propped up on the hands, the chest far from the floor: an easier pigeon, not the chest
    (
        (
            "how do i do pigeon pose",
            "my chest wont go anywhere near the floor, can i stay propped up on my hands",
        ),
        "pigeon-pose",
    ),
    # a clause that is an entry's phrasing word for word is the question
    (
        (
            "how often should i stretch",
            "random one but what is the iliopsoas, my physio keeps saying it",
        ),
        "what-are-hip-flexors",
    ),
    # the rest of a message whose red flag is ruled out keeps its commas: the question is
    # found in its clause
    (
        (
            "my dog lost control of his bowels on the carpet this morning, vet says its his "
            "age. anyway while i was scrubbing i wondered, how often should i be doing the "
            "hip flexor stretches?",
        ),
        "how-often-to-stretch",
    ),
    # "the second one, how do you do it" after a reply that listed topics: the exercise
    (
        (
            "which stretches help tight hip flexors",
            "i sit at a desk all day",
            "the second one, how do you do it",
        ),
        "pigeon-pose",
    ),
    # more exercises asked for, or whether that is all of them
    (
        (
            "tell me about the bridge",
            "cool, easier than i expected",
            "any others i should do as well?",
        ),
        "exercises",
    ),
    (("what exercises help tight hips", "ok so is that the whole lot?"), "exercises"),
    # words that ask for the professional do not hide the word "professional" itself
    (
        ("i have stretched for weeks with no change, what type of professional should i go to",),
        "when-to-see-a-professional",
    ),
    # --- the sixteenth stop ---
    # regional English: "how long do I hold it for" in Scots
    (("how dae ye dae the bridge", "how lang dae a haud it fur"), "bridge-pose"),
    (("whit's the pigeon pose", "right, whit dae a dae aboot ma knee position"), "pigeon-pose"),
    # "what next" after the steps: the steps again
    (("how do i do the bridge", "done, what next"), "bridge-pose"),
    # a word of thanks or praise before the follow-up ("lovely, ...") says nothing more
    (
        ("is yoga any good for tight hips", "lovely, which poses do you mean"),
        "yoga-for-hip-flexors",
    ),
    # seats and times of day in other words
    (
        ("hip flexor stretch", "also does lounging in an armchair all afternoon tighten them"),
        "sitting-and-hip-flexors",
    ),
    # "what about X, <a story>": the clause asks about X
    (
        ("what are the exercises", "what about yoga, my sister teaches it at the gym"),
        "yoga-for-hip-flexors",
    ),
    # how often, asked as "every single day"
    (
        ("what exercises help tight hip flexors", "should i do them every single day"),
        "exercises",
    ),
    # a dictated homophone: "hole it" is "hold it"
    (("how do i do pigeon", "how long do i hole it for"), "pigeon-pose"),
    # checking what was said: "so you're saying ..." and a hedge ("mostly") say nothing more
    (
        ("what makes hip flexors tight", "so you're saying it's mostly the sitting"),
        "sitting-and-hip-flexors",
    ),
    # English mixed with Hindi, and Nigerian Pidgin: the little words read as English
    (("bridge exercise kaise karte hai",), "bridge-pose"),
    (("how do i do the bridge", "kitni der hold karna hai"), "bridge-pose"),
    (("hip flexors kya hai",), "what-are-hip-flexors"),
    (
        ("i sit all day for work", "my back dey pain me, na the sitting dey cause am?"),
        "sitting-and-hip-flexors",
    ),
    # a question about a sign, then an imperative that asks ("share ..."): both answered
    (("what is saddle numbness? also please share the stretches for tight hips",), "exercises"),
    # text speak: "hw lng", "y tho", "a wk"
    (("bridge pose", "hw lng at the top"), "bridge-pose"),
    (("tight hips from sitting?", "y tho"), "sitting-and-hip-flexors"),
    (("the exercises pls", "hw many times a wk"), "exercises"),
    # "which stretches" after a reply that gave one detail of the exercises: the list
    (("how many times a wk do the hip stretches", "which stretches tho"), "exercises"),
    # the people a question is asked for are no words of another subject
    (("how often should my dad be doing the stretches",), "how-often-to-stretch"),
    (
        ("my wife goes to pilates, is yoga good for tight hip flexors too",),
        "yoga-for-hip-flexors",
    ),
    # a subject we do not cover, denied, is no subject ("nothing was broken")
    (
        (
            "how long do i hold the kneeling stretch? i was in a bike crash ten years ago but "
            "nothing was broken",
        ),
        "hip-flexor-stretch",
    ),
    # a question told as not knowing, then a sign-off
    (
        (
            "My yoga teacher keeps mentioning hip flexors and I just smile and nod, but I have "
            "no clue where they sit in the body. Cheers",
        ),
        "what-are-hip-flexors",
    ),
    (
        ("my trainer mentioned the iliopsoas and i have no idea what that muscle is",),
        "what-are-hip-flexors",
    ),
    # a detail with an entry of its own, asked of a subject that has no such detail
    (
        ("what's the ideal number of times a week for hip flexor stretches",),
        "how-often-to-stretch",
    ),
    (
        (
            "stiff hips every morning and a big arch in my back, are those things that mean my "
            "hip flexors are tight",
        ),
        "signs-of-tight-hip-flexors",
    ),
    (("my grandson says i should try yoga, what on earth is pigeon pose",), "pigeon-pose"),
    # "other signs" are more signs, not the other exercises; why an exercise helps is its
    # own reason (which ends in how hip flexors cause back pain: eighteenth stop)
    (
        ("is it my hip flexors making my back sore", "what other signs are there"),
        "signs-of-tight-hip-flexors",
    ),
    (
        ("how do i do the bridge", "why would this help my back though"),
        "bridge-pose",
    ),
    # going through the exercises, "the last one" is the last exercise (not the last
    # related topic the reply offered)
    (
        ("which exercises help tight hips", "the first one", "ok next", "thanks! the last one"),
        "bridge-pose",
    ),
    # a message that asked nothing clearly but named the bridge: the bridge's follow-up
    (
        ("doing the bridge on the kitchen floor as we speak, lovely", "how long do i stay up"),
        "bridge-pose",
    ),
]

_SEVENTEENTH_STOP: list[tuple[tuple[str, ...], str]] = [
    # a professional only quoted: what they said is the subject, not seeing them
    (
        ("my osteo reckons my psoas is the problem, what even is the psoas",),
        "what-are-hip-flexors",
    ),
    (("hip flexor stretch", "my gp said to keep at it. how often tho"), "hip-flexor-stretch"),
    (("should i see a physio or a chiropractor",), "when-to-see-a-professional"),
    # Caribbean and Filipino English little words, Singlish particles
    (("wah stretches mi can do fi dis back",), "exercises"),
    (("paano po gawin the bridge",), "bridge-pose"),
    (("pigeon pose how long must hold ah",), "pigeon-pose"),
    # a question asked inside a dictated sentence, a remark after it
    (
        ("on the tools all day could all that kneeling be making my hips tight. no pain",),
        "activities-that-worsen-tight-hip-flexors",
    ),
    # how the exercise just talked about is done, whatever the words after it name
    (("bridge pose", "how do i do it without wrecking my lower back more"), "bridge-pose"),
    (("pigeon pose", "ok so how do you do it with a bad knee"), "pigeon-pose"),
    (
        ("is cycling bad for tight hips", "where are these muscles located eh"),
        "what-are-hip-flexors",
    ),
    # a sign ruled out in a dictated run-on keeps the question said before it
    (
        (
            "is yoga any use for my tight hip flexors i used to get dead legs sitting cross "
            "legged at school haha but nothing like that now",
        ),
        "yoga-for-hip-flexors",
    ),
    # a subject we do not cover, denied a few words before ("never had a back injury")
    (("never had a back injury touch wood, how do i do the bridge properly",), "bridge-pose"),
    (("mi jus waan know which stretch fi do fi mi tight hip",), "exercises"),
    # doubts carry no subject; "right so" turns the talk, it is no side
    (
        ("done the stretches a month, no change", "is this stuff bogus, who should i see"),
        "when-to-see-a-professional",
    ),
    (("does sitting tighten hip flexors", "right so what exercises then"), "exercises"),
    (
        ("how can i tell if my hip flexors are tight", "yep stiff. anything else to look for?"),
        "signs-of-tight-hip-flexors",
    ),
    # what a question is for, said after it, is no part of what it asks
    (
        ("can you walk me through the bridge so i can do it on my lunch break at the office",),
        "bridge-pose",
    ),
    (
        (
            "new to all this, my back has ached since i started a desk job in march. could "
            "you go through pigeon step by step so i can practise before next weeks class?",
        ),
        "pigeon-pose",
    ),
    # "first" that says which goes before the other, not a list's first option
    (("pigeon pose", "which leg goes forward first"), "pigeon-pose"),
]

_EIGHTEENTH_STOP: list[tuple[tuple[str, ...], str]] = [
    # a subject we do not cover said to be fine is no question about it
    (
        ("neck is fine, just my hips feel stiff after climbing. would yoga help with that",),
        "yoga-for-hip-flexors",
    ),
    # "reckon" is "think": no word of the question
    (("what stretches do you reckon for tight hips",), "exercises"),
    # "not literally" takes back an emphasis; it negates nothing
    (("my job is killing me (not literally), which stretches help",), "exercises"),
    # why an exercise helps: that exercise's own reason; asked alone, how the muscles cause pain
    (("bridge pose", "why does that even help, it stretches nothing"), "bridge-pose"),
    (("how does that even work",), "how-hip-flexors-cause-back-pain"),
    (("does sitting tighten hip flexors", "why does that happen"), "sitting-and-hip-flexors"),
    # two exercises weighed with "than" or "different from": the list of both
    (("how do i do the bridge", "is it easier than pigeon"), "exercises"),
    (
        ("how do i do the kneeling stretch", "how is that one different from pigeon"),
        "exercises",
    ),
    # where to start an exercise is its position
    (("pigeon pose", "must i start in a plank"), "pigeon-pose"),
    # Filipino English: "saan" is "where", "ang" a little word
    (("saan banda ang hip flexors",), "what-are-hip-flexors"),
    # checking the answer against another source asks for the topic again
    (
        ("how do i do the bridge", "my app says 5 seconds at the top, is that what you said"),
        "bridge-pose",
    ),
    (("pigeon pose", "my trainer says hold it a minute, so who's right"), "pigeon-pose"),
    # where the muscles are, told by a landmark near them (a landmark is no subject asked)
    (("does the iliacus sit close to the groin",), "what-are-hip-flexors"),
    (("are my hip flexors down near the bladder",), "what-are-hip-flexors"),
    (("is the psoas up near the belly button",), "what-are-hip-flexors"),
    # "at what point" asks when
    (
        ("at which point should i have someone qualified check my back",),
        "when-to-see-a-professional",
    ),
    # training for a sport is playing it
    (("does rugby training tighten the hip flexors",), "activities-that-worsen-tight-hip-flexors"),
    # the clause a denial rules out ends where ", just want" says what is wanted
    (
        ("legs not numb, all good, just want to learn bridges properly. how do i do them",),
        "bridge-pose",
    ),
]

_NINETEENTH_STOP: list[tuple[tuple[str, ...], str]] = [
    # "how many second": a unit of time missing its plural, not the second option shown
    (("kneeling hip flexor stretch", "how many second do i stay like that"), "hip-flexor-stretch"),
    # "i get the first and the third": signs of the answer the person has, not options; the
    # question after "but" is the one asked
    (
        (
            "what are the signs of tight hip flexors",
            "i get the first and the third, but why would that hurt my back",
        ),
        "how-hip-flexors-cause-back-pain",
    ),
    # lying on the belly or the back is where the body goes (said without "my")
    (("glute bridge steps", "on belly or on back i do it"), "bridge-pose"),
    # "signals" are signs
    (("what signals tell me my hip flexors are tight",), "signs-of-tight-hip-flexors"),
    # a doubt ("a waste of time", "useful") carries no subject
    (("is the bridge a waste of time for a bad back",), "bridge-pose"),
    (("is yoga even useful for stiff hips",), "yoga-for-hip-flexors"),
    # a request that ends asking nicely, with a remark after it
    (("bridge steps please, my physio explained it too quickly",), "bridge-pose"),
    # an exercise called by where the body is ("the one in a lunge")
    (("pigeon pose", "what about the one in a lunge position"), "hip-flexor-stretch"),
    # a cause asked of something the knowledge base knows
    (("does sitting at a desk cause back pain",), "sitting-and-hip-flexors"),
    # what tight hip flexors cause is how they cause back pain; what causes them, what worsens
    # them
    (("why would tight hip flexors cause this ache",), "how-hip-flexors-cause-back-pain"),
    (
        ("my back aches by the evening. can tight hip flexors cause that?",),
        "how-hip-flexors-cause-back-pain",
    ),
    (("what causes hip flexors to get tight",), "activities-that-worsen-tight-hip-flexors"),
    # "number 2" while going through the exercises is the second exercise, not the second
    # button under the first one's answer
    (
        ("what stretches help tight hips", "how do i do the first one", "ok now number 2"),
        "pigeon-pose",
    ),
    # the exercise named just after "the one after", whatever follows the name
    (("pigeon pose", "and the one after pigeon in your list"), "bridge-pose"),
    # slang that says nothing of the subject ("fr", "no cap"), or says sore ("cooked")
    (("how often should i stretch fr",), "how-often-to-stretch"),
    (("no cap what stretches help tight hips",), "exercises"),
    (("signs my hip flexors are cooked",), "signs-of-tight-hip-flexors"),
    # what the person wants to do without is a condition, not the subject
    (
        ("signs of tight hip flexors", "what can i do about it without quitting the office"),
        "exercises",
    ),
    # "necessary" asks whether it is needed
    (("is stretching every day really necessary",), "how-often-to-stretch"),
    # an idiom names no body part we do not cover
    (("the bridge is a pain in the neck to learn, how do i do it",), "bridge-pose"),
    # when in the day is no subject of the question ("at lunchtime")
    (
        ("does sitting tighten hip flexors", "what should i be doing about it at lunchtime"),
        "exercises",
    ),
]


@pytest.mark.parametrize(
    "message",
    [
        "does melatonin cause back pain",
        "could vaping help my back",
        "can quorn give you back pain",
        "is kombucha causing my back pain",
    ],
)
def test_a_cause_or_help_asked_of_something_unknown_gets_no_answer(
    answerer: Answerer, message: str
) -> None:
    """What a question asks whether it causes or helps is its subject: a subject the knowledge
    base never names gets no confident answer, however well "back pain" matches."""
    assert answerer.answer(message).reply.kind is not ReplyKind.ANSWER


_TWENTIETH_STOP: list[tuple[tuple[str, ...], str]] = [
    # a question asked inside a sentence for someone else, with a story after it
    (
        (
            "sending this for my mum, she wants to know what exercises loosen tight hip "
            "flexors. she is well otherwise, just stiff",
        ),
        "exercises",
    ),
    # "needs to know", inflected: no unfamiliar word beside the frequency asked
    (
        (
            "my dad needs to know how often to do the stretches. he is doing fine, just tight "
            "hips from driving",
        ),
        "how-often-to-stretch",
    ),
    # an exercise described by what is done in it names its topic: nothing to ask back
    (("the one where you lie down and push your hips up, how many do i do",), "bridge-pose"),
    # "the hip flexor thing" as the trouble to fix is no question whether it is the hip flexors
    (("got any stretches to fix the hip flexors thing",), "exercises"),
    (("is it a hip flexor thing or a back thing",), "signs-of-tight-hip-flexors"),
    # just after the list, an exercise called by what is done in it
    (
        (
            "which exercises should i do for tight hips",
            "the one where you lie down, talk me through it",
        ),
        "bridge-pose",
    ),
    # how to tell whether it is the hip flexors asks for their signs, not how they cause pain;
    # how to tell whether an exercise is done right stays the exercise's
    (
        ("how can i tell if my hip flexors are what is making my back ache",),
        "signs-of-tight-hip-flexors",
    ),
    (("how do i know if i am doing the bridge right",), "bridge-pose"),
    # where the exercise just talked about may be done, whatever the place is called
    (("bridge pose", "can i do it on a bed"), "bridge-pose"),
    (("kneeling hip flexor stretch", "could i do this one in the office"), "hip-flexor-stretch"),
    # a question with no mark and no word of its own that points back at the topic
    (
        ("what are the signs of tight hip flexors", "do i need all of them"),
        "signs-of-tight-hip-flexors",
    ),
    # a professional only quoted ("brought up yoga") is not what is asked about
    (("the osteo brought up yoga for my stiff back, does it help",), "yoga-for-hip-flexors"),
    # "what should i be doing" asks for a remedy: the exercises
    (("my lower back is stiff every morning, what should i be doing",), "exercises"),
]


def test_a_pain_told_of_an_exercise_just_listed_is_the_pain_not_the_exercise(
    answerer: Answerer,
) -> None:
    """ "the lying down one" just after the list is that exercise; "the kneeling one made my
    knee sore" tells of a pain in a part the article does not cover."""
    sore = talk(answerer, "which exercises help", "the kneeling one made my knee really sore")
    assert sore.reading is not None and sore.reading.kind == "not_covered"


def test_what_happens_while_doing_the_exercise_is_about_the_exercise(answerer: Answerer) -> None:
    """ "my lower back arches while i do it" tells of the exercise just talked about, though an
    arched back is a sign of tight hip flexors; the weather "when i do it" is no question of it."""
    arched = talk(answerer, "kneeling hip flexor stretch", "my lower back arches while i do it?")
    assert arched.reading is not None and arched.reading.entry_id == "hip-flexor-stretch"
    weather = talk(answerer, "kneeling hip flexor stretch", "what's the weather like when i do it")
    assert weather.reading is None or weather.reading.kind not in {"answer", "detail"}


def test_a_question_pointing_back_at_a_condition_we_do_not_cover_asks_about_it(
    answerer: Answerer,
) -> None:
    """ "Which exercises would you suggest for that?" after "I have arthritis in my hips" asks
    for exercises for arthritis, which the article does not cover; "how long should i hold it"
    after a story about the bridge still asks about the bridge."""
    condition = talk(
        answerer, "I have arthritis in my hips. Which exercises would you suggest for that?"
    )
    assert condition.reading is not None and condition.reading.kind == "not_covered"
    held = talk(answerer, "my thighs shake in the bridge, is that ok? how long should i hold it")
    assert held.reading is not None and held.reading.entry_id == "bridge-pose"


def test_a_place_asked_after_an_exercise_is_where_a_body_part_goes_in_it(
    answerer: Answerer,
) -> None:
    """ "close to my ..." asks where the hip flexors are, except after an exercise: there it
    asks where a body part goes in the exercise, unless a word points back at the muscles."""
    placed = talk(answerer, "bridge pose", "should my heels be close to my bum").reading
    assert placed is not None and (placed.entry_id, placed.detail) == ("bridge-pose", "position")
    muscles = talk(answerer, "bridge pose", "are they near the groin").reading
    assert muscles is not None and muscles.entry_id == "what-are-hip-flexors"


_TWENTY_FIRST_STOP: list[tuple[tuple[str, ...], str]] = [
    # the kind of person to see, asked as a "type"
    (
        ("when is it time to get my back checked", "ok, what type of person is best for that"),
        "when-to-see-a-professional",
    ),
    # how an exercise is done, with two words of its own the entry never uses
    (
        ("talk me through the bridge", "do my feet stay on the floor or on the sofa"),
        "bridge-pose",
    ),
    (("pigeon please", "which knee comes up and where does it land"), "pigeon-pose"),
    # "hands and knees": a starting position
    (("how do i do pigeon", "should i begin on my hands and knees"), "pigeon-pose"),
    # "the spin" is the spin class just told of
    (
        (
            "i go to spin four times a week and my back aches",
            "does the spin count as one of those activities",
        ),
        "activities-that-worsen-tight-hip-flexors",
    ),
    # more signs to look for, asked with "be looking"
    (
        ("what are the signs of tight hip flexors", "what else should i be looking for"),
        "signs-of-tight-hip-flexors",
    ),
    # "like" before the question word is a filler
    (("like what stretches do you have, names is fine",), "exercises"),
    # "why tho": the reason, which the topic's entry gives when it has one
    (
        ("does sitting at a desk tighten the hip flexors", "why tho, what is the muscle doing"),
        "sitting-and-hip-flexors",
    ),
    # "hf": the hip flexors, as lifters write them
    (("hf stretches pls",), "exercises"),
    # a body part in the exercise the question names, not a subject we do not cover
    (("in pigeon do i let my chest sink to the floor?",), "pigeon-pose"),
    (("in bridge pose, should my shoulders stay on the mat?",), "bridge-pose"),
    # how the exercise just talked about is done, asked with a pronoun
    (("bridge pose", "how should they be done"), "bridge-pose"),
    # an exercise called by what is done in it, with an -ing word
    (("how do i do pigeon", "nah, the one lying on your back instead"), "bridge-pose"),
]

_TWENTY_SECOND_STOP: list[tuple[tuple[str, ...], str]] = [
    # "how do i see if" asks for the signs, not whom to see
    (("how do i see if my hip flexors are tight",), "signs-of-tight-hip-flexors"),
    # "stay inside" the pose: the hold
    (("pigeon pose", "how long should i stay inside the pose"), "pigeon-pose"),
    # "last thing" announces the last question, not the last option shown
    (
        (
            "how often should i stretch",
            "what is pigeon pose",
            "last thing, when should i see a physio",
        ),
        "when-to-see-a-professional",
    ),
    # a first message that asks nothing but names a subject by a key word: what a pronoun
    # in the next one asks about
    (
        ("my hip flexors are really tight apparently", "hang on, what even are those"),
        "what-are-hip-flexors",
    ),
    # a word for the person spoken to ("lad", "mate") is no word of a subject
    (("how do i do the bridge", "how many reps lad"), "bridge-pose"),
    # an exercise called by what is done in it, in four words before "one"
    (("which exercises help", "the lying on your back one, go through that"), "bridge-pose"),
    # "wich" and "frunt", as often typed
    (("the kneeling one - wich leg goes in frunt",), "hip-flexor-stretch"),
    # a correction says what was asked: "not what i asked", "i asked" are no words of a subject
    (
        ("how long should i hold pigeon", "not what i asked. i asked how often"),
        "how-often-to-stretch",
    ),
    # "too long": the answer again, shorter
    (
        ("what are the signs of tight hip flexors", "too long, in one sentence please"),
        "signs-of-tight-hip-flexors",
    ),
    # a letter's closing and the name under it are no words of the question
    (("In the kneeling stretch, which knee goes down? Best, Anja",), "hip-flexor-stretch"),
    # "in your view" is no subject
    (("Which exercises, in your opinion, should I start with?",), "exercises"),
    # "muck up" as "mess up"
    (
        ("what are hip flexors", "ok and how do they muck up your back"),
        "how-hip-flexors-cause-back-pain",
    ),
    # "can't see how" asks how, not whom to see
    (
        ("cant see how tight hips would have anything to do with a sore back",),
        "how-hip-flexors-cause-back-pain",
    ),
    # an exercise called "that ... one"
    (("how do i do the kneeling stretch", "and that glute lift one, how many"), "bridge-pose"),
    # "none of those" as a "not": what to do when the exercises do not help
    (
        ("which stretches help tight hips", "and what if none of those help"),
        "when-to-see-a-professional",
    ),
]

_TWENTY_THIRD_STOP: list[tuple[tuple[str, ...], str]] = [
    # the exercise named is set aside: the others are asked for
    (
        ("how do i do the bridge", "apart from the bridge what other stretches are there"),
        "exercises",
    ),
    # "specific" is no subject word
    (("what specific stretches should i be doing",), "exercises"),
    # "when" and whom to see, both asked: the entry on professional help
    (("when would i need to get myself seen by a chiro or physio",), "when-to-see-a-professional"),
    # "get a professional involved" asks whom to see
    (
        (
            "what are the signs of tight hip flexors",
            "should i get a professional involved at some point",
        ),
        "when-to-see-a-professional",
    ),
    # "Thoughts?" hands over the sentence before it, which asks
    (
        (
            "My knees are fine but my hips feel tight after netball. I am wondering which sort "
            "of professional would be right to see. Thoughts?",
        ),
        "when-to-see-a-professional",
    ),
    # signing up to a class is no sign of anything
    (("should i sign up to yoga for my tight hips",), "yoga-for-hip-flexors"),
    # "the right one" judges, it calls no exercise by what is done in it
    (
        (
            "is sitting bad for hip flexors",
            "thanks. which professional is the right one to see if it keeps hurting?",
        ),
        "when-to-see-a-professional",
    ),
    # "none of that" as a "not": what to do when the exercises do not help
    (("which exercises help", "and if none of that helps?"), "when-to-see-a-professional"),
    # "cool" and "remind me" are no words of a subject
    (("how often should i stretch", "cool. remind me which exercises they are"), "exercises"),
    # writing the steps out asks for the exercise again
    (("pigeon pose", "can you write the steps out for me"), "pigeon-pose"),
    # two questions in one breath, the last one unread: the other one
    (
        ("how often should i do the hip flexor stretches, and do i need to change my diet?",),
        "how-often-to-stretch",
    ),
    # a letter's ways to ask whom to see and how one would tell
    (
        (
            "I have tried the stretches for weeks without much change. Whom would you suggest I "
            "consult?",
        ),
        "when-to-see-a-professional",
    ),
    (
        ("I read about the psoas.", "How might a person tell that it is tight?"),
        "signs-of-tight-hip-flexors",
    ),
    (("How might one tell that their psoas has tightened?",), "signs-of-tight-hip-flexors"),
    # "besides that one" sets the exercise just talked about aside: the others
    (("pigeon pose please", "anything else i can do besides that one"), "exercises"),
    # an exercise named beside a part we do not cover is what "that one" then means
    (
        (
            "hello",
            "did the bridge all week, my shoulders ache from it",
            "can you write out the steps for that one",
        ),
        "bridge-pose",
    ),
]


_TWENTY_FOURTH_STOP: list[tuple[tuple[str, ...], str]] = [
    # "or just that one" asks for the others
    (("how does the bridge go", "any others, or just that one?"), "exercises"),
    # "hold on" said for wait asks no hold time; "even my problem" asks whether it applies
    (
        ("which stretches do you suggest", "ok hold on a sec, how do i tell that is my problem"),
        "signs-of-tight-hip-flexors",
    ),
    # what to do if it does not improve, and whether one professional is worth it: whom to see
    (("how often do i stretch", "what if it does not get better"), "when-to-see-a-professional"),
    (
        ("my dad's back has been sore for a month", "would a physio be worth it for him?"),
        "when-to-see-a-professional",
    ),
    # the rest of the exercises, the whole set of them
    (("i only remember how the bridge goes", "remind me the rest"), "exercises"),
    (("pigeon hurt my knee a bit", "what was the full set of exercises again"), "exercises"),
    # where a knee ends up in the exercise just talked about
    (("i did pigeon yesterday", "where is my front knee supposed to end up"), "pigeon-pose"),
    # a message that only adds to the question just asked: the topic again
    (
        ("how often should i stretch", "for context i can only stretch in the evenings"),
        "how-often-to-stretch",
    ),
    (
        ("when should i see someone about it", "fyi i have been stretching for months already"),
        "when-to-see-a-professional",
    ),
    # whether two things told are connected, how that makes sense: how they cause it
    (
        ("my hips feel tight and my back aches", "are those two connected?"),
        "how-hip-flexors-cause-back-pain",
    ),
    # "can you remind me" after the exercise named asks for it again
    (("my sister swears by the bridge but i forget the steps", "can you remind me"), "bridge-pose"),
    # a spoken filler ends what was said before the question
    (("never broke a bone in my life erm how long should i hold pigeon",), "pigeon-pose"),
    # the sentence that says it holds the real question, after one with a question mark
    (
        (
            "I teach spin three evenings a week. is that a lot? anyway what i really want to know "
            "is how the hip flexors end up hurting the lower back",
        ),
        "how-hip-flexors-cause-back-pain",
    ),
    # "what would tell me it is my hip flexors": the signs
    (
        ("what would tell me it's my hip flexors and not just old age",),
        "signs-of-tight-hip-flexors",
    ),
    # the one-knee stretch is the kneeling one
    (("in the one knee stretch do my hips go forward",), "hip-flexor-stretch"),
    # "part of the problem" asks of the topic, unless the message names another entry by words
    # the topic never uses
    (
        ("my hips always feel tight", "is my spin class part of the problem"),
        "activities-that-worsen-tight-hip-flexors",
    ),
    (("how do i do the kneeling stretch", "is yoga part of the problem"), "yoga-for-hip-flexors"),
    # a question in a conversation that points at one entry besides the topic, on two words
    # of its own: that entry, not a "did you mean" with one option
    (
        ("how is pigeon done", "should i be careful with any activities or sports"),
        "activities-that-worsen-tight-hip-flexors",
    ),
    # one asked for instead, by what is done in it
    (
        (
            "show me the stretches",
            "the kneeling one is hard on my knees",
            "got one i could do lying on my back?",
        ),
        "bridge-pose",
    ),
    # "ask that first" says when it is asked, it points at no option of the list
    (
        (
            "how do tight hip flexors hurt the back",
            "sorry, i meant to ask that first: what are the muscles called?",
        ),
        "what-are-hip-flexors",
    ),
    # a story before the check names another entry: that entry
    (
        ("how do i do the bridge", "my brother swears yoga sorted his hips out. is he right?"),
        "yoga-for-hip-flexors",
    ),
    # a bare number asked about after a list: the option of that number
    (("list the exercises", "ok describe #3"), "bridge-pose"),
    # "does that matter" checks the answer just given, or the entry the message names
    (
        ("what is the psoas", "i am on a spin bike daily, does that matter"),
        "activities-that-worsen-tight-hip-flexors",
    ),
    # a treatment denied with "no" is not what is asked about
    (("what can i do at home for tight hips, no pills please",), "exercises"),
]

_TWENTY_FIFTH_STOP: list[tuple[tuple[str, ...], str]] = [
    # what is denied before a wish to know is told, not asked: the wish asks about the story's
    # exercise
    (
        ("pilates ends with the bridge. no aches, no pain, just wondering how many to do",),
        "bridge-pose",
    ),
    # a body part the exercise places, with "it" for the exercise: where it goes in it
    (
        (
            "the pigeon one please",
            "my knee is nowhere near my wrist, what is it supposed to look like",
        ),
        "pigeon-pose",
    ),
    # an exercise asked for by where the body lies
    (("pigeon hurts my knees", "anything i could do on my back instead?"), "bridge-pose"),
    # a choice of positions asks where the body goes
    (("how do i do a bridge", "face up or face down?"), "bridge-pose"),
    # "time a week", as non-native speakers write it, asks how often
    (("how do i do the kneeling stretch", "how many time a week?"), "hip-flexor-stretch"),
    # what if the stretches do not work: whom to see
    (
        ("why do tight hips hurt the back", "and if the stretches do not work?"),
        "when-to-see-a-professional",
    ),
    # whether what is told is the reason: the entry it names ("theyre" is no "there")
    (
        ("what are the hip flexors", "i sit at a till all day, is that the reason theyre short"),
        "sitting-and-hip-flexors",
    ),
    # a treatment tried and failed is told, not asked about
    (
        ("a sports massage never helped, who should i see about my back",),
        "when-to-see-a-professional",
    ),
    # which stretches "would help" someone asks for the exercises
    (
        ("why do tight hips hurt the back", "ok which stretches would help a beginner like me"),
        "exercises",
    ),
    # a story typed with no punctuation, then a question word: the question
    (
        ("no pain in my legs just stiff hips what are the hip flexors exactly",),
        "what-are-hip-flexors",
    ),
    # what the writer tells of themselves before a comma asks no detail ("every day", "5 times a
    # week" is how often they drive or run, not how often to do the exercise)
    (
        ("how do i do the bridge", "i drive every day, is that bad for my hip flexors?"),
        "sitting-and-hip-flexors",
    ),
    (
        ("pigeon pose please", "i run 5 times a week, is that making my hips tight?"),
        "activities-that-worsen-tight-hip-flexors",
    ),
    # "the one after that, pigeon?" names the one it asks for: no step from the name
    (
        (
            "show me the kneeling stretch",
            "cool thanks",
            "whats the one after that, pigeon? how is it done",
        ),
        "pigeon-pose",
    ),
    # how low to go in an exercise asks what it should feel like
    (("pigeon pose", "how low do i go?"), "pigeon-pose"),
    # "how do i know my hips ..." (no "if") asks for the signs
    (("how do i know my hips are the tight bit",), "signs-of-tight-hip-flexors"),
    # "try first" is where to start, not the first option shown
    (("does yoga help tight hips", "what poses do i try first"), "yoga-for-hip-flexors"),
    # "scratch that" takes back what came before it; "feat" as heard for feet
    (("pigeon pose", "scratch that, what about the bridge, how many"), "bridge-pose"),
    (("how do i do the bridge", "where does my feat go"), "bridge-pose"),
    # an exercise named only to be taken back ("not the bridge, i meant pigeon")
    (
        ("how do i do the bridge", "oops not the bridge, i meant pigeon. how is that one done"),
        "pigeon-pose",
    ),
    # a work shift is when, not what is asked about
    (("20 minutes before my shift starts, which stretches are best",), "exercises"),
    # "name me" the poses asks which ones
    (("does yoga help tight hips", "name me a few of the poses"), "yoga-for-hip-flexors"),
]

_TWENTY_SIXTH_STOP: list[tuple[tuple[str, ...], str]] = [
    # "if i ..." says when it will be done, not what is asked about
    (
        ("pigeon pose", "how long each side if i do it at the office on a coffee break"),
        "pigeon-pose",
    ),
    (("the bridge", "how many times a week if i only have sunday mornings free"), "bridge-pose"),
    (
        ("pigeon", "how long per side if i am doing it in the staff room at school"),
        "pigeon-pose",
    ),
    # "im" typed for "i am" reads as the words of a follow-up ("like im 5")
    (
        ("why do tight hip flexors hurt my back", "ok now like im five please"),
        "how-hip-flexors-cause-back-pain",
    ),
    # asking for more of the topic just answered
    (("what are the hip flexors", "tell me more"), "what-are-hip-flexors"),
    # when or where it is done, told in a clause before the question, is not what is asked
    (("pigeon", "after a long day sitting at my office desk, how long per side"), "pigeon-pose"),
    # a request for stretches after a story that points nowhere clearly: the exercises
    (
        (
            "why does sitting tighten hips",
            "i man a switchboard wearing a headset for hours, "
            "which stretches should i be doing then",
        ),
        "exercises",
    ),
    # where a muscle "sits" asks its place, not about sitting
    (
        ("my gym coach keeps on about my psoas. tell me what that muscle is and where it sits",),
        "what-are-hip-flexors",
    ),
    (("what is the iliacus", "and where does it sit"), "what-are-hip-flexors"),
    # a detail of how the topic's exercise is done, after words that point at another entry
    (
        ("the bridge", "got a standing desk now so hardly any sitting. feet flat or up on tiptoes"),
        "bridge-pose",
    ),
    # how often the writer does something, told before a comma with no question mark, asks no
    # frequency
    (
        (
            "does running tighten the hips",
            "i run five times a week, what else could make them tight",
        ),
        "activities-that-worsen-tight-hip-flexors",
    ),
    # staying upright or lowering the chest is where the body goes
    (
        ("pigeon", "after cycling to work in the rain, do i stay upright or lower my chest"),
        "pigeon-pose",
    ),
]


@pytest.mark.parametrize(
    ("messages", "entry"),
    _FIFTEENTH_AND_SIXTEENTH_STOPS
    + _SEVENTEENTH_STOP
    + _EIGHTEENTH_STOP
    + _NINETEENTH_STOP
    + _TWENTIETH_STOP
    + _TWENTY_FIRST_STOP
    + _TWENTY_SECOND_STOP
    + _TWENTY_THIRD_STOP
    + _TWENTY_FOURTH_STOP
    + _TWENTY_FIFTH_STOP
    + _TWENTY_SIXTH_STOP,
)
def test_readings_of_the_fifteenth_to_twenty_sixth_stops(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    reading = talk(answerer, *messages).reading
    assert reading is not None and reading.entry_id == entry


def test_a_condition_or_treatment_told_before_a_question_of_ours_gets_the_answer_and_a_line(
    answerer: Answerer,
) -> None:
    """What someone takes or lives with, told before a question about something else, leaves
    the question answered, with one line to ask a professional about it; asked about, chosen
    between, or pregnancy (which bears on any exercise), it gets the kind not-covered reply."""
    told = (
        ("taking ibuprofen most days, how long should i hold pigeon?", "ibuprofen"),
        ("I live with asthma. What exercises help tight hip flexors?", "asthma"),
        # (the words of what is told are not what is asked: "means" asks no meaning)
        ("asthma means i cant run much, what exercises help my hip flexors?", "asthma"),
        ("type 2 diabetes, doing the bridge later, how many reps?", "diabetes"),
        ("with my fibromyalgia how often should i do the kneeling stretch?", "fibromyalgia"),
        # (a clause that opens as a question can: "will ...")
        ("on blood pressure tablets, will yoga help my tight hips", "tablets"),
        # (whom to see suits whatever was told)
        ("ive got osteoporosis, who should i see about my back?", "osteoporosis"),
    )
    for message, subject in told:
        outcome = talk(answerer, message)
        assert outcome.reply.kind is ReplyKind.ANSWER, message
        assert outcome.reading is not None and outcome.reading.aside == subject
        assert f"You mentioned {subject}" in outcome.reply.html
    for message in (
        "is ibuprofen ok with pigeon pose?",
        "im on ibuprofen, can i take it before pigeon?",
        "ibuprofen or paracetamol, which helps pigeon pose more?",
        "im 20 weeks pregnant, how long should i hold pigeon?",
        # (a question naming nothing of ours asks about what was told)
        "I have sciatica, what stretches help?",
        "after a knee replacement how soon can i do pigeon?",
    ):
        assert talk(answerer, message).reply.kind is ReplyKind.FALLBACK, message
    # in a conversation, a detail asked is the topic's
    for messages, subject in (
        (
            ("how do i do the bridge", "i have fibromyalgia, how many reps should i do"),
            "fibromyalgia",
        ),
        (("pigeon pose", "with my asthma, how long should i hold it"), "asthma"),
    ):
        outcome = talk(answerer, *messages)
        assert outcome.reading is not None and outcome.reading.aside == subject, messages
    plain = talk(answerer, "how long should i hold pigeon?")
    assert plain.reading is not None and plain.reading.aside is None
    assert "You mentioned" not in plain.reply.html


def test_a_message_typed_without_punctuation_asks_from_its_question_word() -> None:
    """With no punctuation at all, a story first, then a question word: the question starts
    there. Not in a message that opens as a question ("how ... and how much ..."), nor where
    punctuation already marks the clauses."""
    assert clauses("legs fine no pins and needles how do i stretch my hips") == [
        "legs fine no pins and needles,",
        "how do i stretch my hips",
    ]
    assert len(clauses("how do crowns work and how much do they cost")) == 1
    assert clauses("legs fine, what now") == ["legs fine,", "what now"]


def test_a_request_for_stretches_gets_the_exercises_unless_it_names_something_else(
    answerer: Answerer,
) -> None:
    """ "Any stretches I could do ..." asks for the exercises whatever it is for, after any
    topic or none; not when it names one exercise, nor a body part we do not cover."""
    for messages in (
        ("why does sitting make my back sore", "any stretches i could do in my lunch break?"),
        ("give me some stretches before bed please",),
        ("a few exercises to do on the train?",),
    ):
        reading = talk(answerer, *messages).reading
        assert reading is not None and reading.entry_id == "exercises", messages
    named = talk(answerer, "any stretches i could do before pigeon pose?").reading
    assert named is not None and named.entry_id == "pigeon-pose"
    neck = talk(answerer, "any stretches i can do for my stiff neck").reading
    assert neck is not None and neck.kind == "not_covered"


def test_a_pre_workout_is_a_supplement_not_a_workout(answerer: Answerer) -> None:
    """ "Pre workout" is a supplement people buy: no exercises for it."""
    reading = talk(answerer, "any pre workout you would suggest").reading
    assert reading is None or reading.entry_id is None


def test_a_question_for_what_the_story_told_of_a_subject_we_do_not_cover(
    answerer: Answerer,
) -> None:
    """ "A stretch for that" after a clause about a body part we do not cover asks about it:
    the kind reply for such subjects, not the exercises (nor the detail just asked)."""
    reading = talk(
        answerer,
        "bridge pose",
        "how many reps",
        "my elbow also pops when i reach up, a stretch for that?",
    ).reading
    assert reading is not None and reading.kind == "not_covered"


def test_feet_that_turn_in_are_no_pigeon_pose(answerer: Answerer) -> None:
    """ "Pigeon-toed" feet are a subject of their own, not the pose: never its answer."""
    reading = talk(answerer, "my son is pigeon toed, can stretches fix his feet").reading
    assert reading is not None and reading.entry_id != "pigeon-pose"


@pytest.mark.parametrize(
    ("messages", "entry", "detail"),
    [
        # what a professional would do, asked of the professional just advised
        (
            ("when should i see a physio", "what would they actually do at the appointment"),
            "when-to-see-a-professional",
            "professional",
        ),
        # where the heels go, and which way the hips move, in the exercise just explained
        (("how do i do the bridge", "heels stay down the whole time?"), "bridge-pose", "position"),
        (("kneeling stretch pls", "hips forward or back?"), "hip-flexor-stretch", "position"),
        (("pigeon pose", "do i start from standing"), "pigeon-pose", "position"),
        # short follow-ups while doing the exercise
        (
            ("kneeling stretch please", "still holding, how much longer"),
            "hip-flexor-stretch",
            "hold",
        ),
        (("how do i do pigeon", "arms where"), "pigeon-pose", "position"),
        (("bridge please", "done 10, go again?"), "bridge-pose", "reps"),
        # the poses of the yoga answer, by name only
        (("can yoga help", "just name the poses"), "yoga-for-hip-flexors", "which"),
        # a detail asked beside a wish for the answer again: the detail
        (("how do i do the bridge", "way too long, how many do i do"), "bridge-pose", "reps"),
        (
            ("the stretches have not helped", "is it worth seeing a chiro or physio then"),
            "when-to-see-a-professional",
            "professional",
        ),
    ],
)
def test_a_detail_asked_in_other_words_is_that_detail(
    answerer: Answerer, messages: tuple[str, ...], entry: str, detail: str
) -> None:
    reading = talk(answerer, *messages).reading
    assert reading is not None and (reading.entry_id, reading.detail) == (entry, detail)


def test_a_detail_after_the_list_is_that_detail_and_the_list_again_is_the_list(
    answerer: Answerer,
) -> None:
    """ "how many times a week" asks the frequency of the exercises; "which stretches tho"
    then asks for the list, not the frequency again."""
    asked = talk(answerer, "the exercises pls", "hw many times a wk").reading
    assert asked is not None and asked.detail == "frequency"
    listed = talk(answerer, "how many times a wk do the hip stretches", "which stretches tho")
    assert listed.reading is not None and listed.reading.detail is None


def test_a_foot_complaint_after_a_story_about_stretching_is_not_covered(
    answerer: Answerer,
) -> None:
    """A family member's bunions are a subject the article does not cover, however well the
    story before them matches."""
    reading = talk(
        answerer,
        "been doing the stretches daily, loving them. my husband asks what he can do about his "
        "bunions",
    ).reading
    assert reading is not None and reading.kind == "not_covered"


def test_two_exercises_done_are_not_weighed_against_each_other(answerer: Answerer) -> None:
    """ "and" between two exercises weighs them only in a question that says so."""
    reading = talk(
        answerer, "i do pigeon and bridges most days, should i get my back checked"
    ).reading
    assert reading is None or reading.entry_id != "exercises"


def test_that_after_a_story_is_the_story_not_a_name_in_it(answerer: Answerer) -> None:
    """ "why is that" asks about what the clause before tells, not about an entry it names
    ("jog" names the activities that tighten the hip flexors)."""
    reading = talk(answerer, "my hip aches when i jog uphill, why is that").reading
    assert reading is not None and reading.kind not in {"answer", "detail"}


def test_a_clause_about_a_subject_we_do_not_cover_stays_uncovered(answerer: Answerer) -> None:
    """ "how do i stretch those" reads like the stretch's own phrasing, but "those" are the
    calves: the message is about a subject the article does not cover."""
    reading = talk(
        answerer, "hip flexor stretch", "my calves are tight as well, how do i stretch those"
    ).reading
    assert reading is not None and reading.kind == "not_covered"


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        (
            ("the kneeling hip flexor stretch", "kneeling hurts my bad knee, how do i adapt it?"),
            "hip-flexor-stretch",
        ),
        (
            ("pigeon pose", "football wrecked my knee years back. any way to adapt it?"),
            "pigeon-pose",
        ),
        (
            (
                "how do i do a bridge",
                "my back is too stiff for the floor some days, can i do it in bed?",
            ),
            "bridge-pose",
        ),
    ],
)
def test_asking_how_to_adapt_an_exercise_gets_its_steps_and_tips(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    """The whole entry, whose steps hold the tips (a cushion under the knee), whatever else the
    message names (football is no question about sport); pregnancy still gets the kind reply."""
    reply = talk(answerer, *messages).reply
    assert (reply.kind, reply.entry_id) == (ReplyKind.ANSWER, entry)
    assert answerer.entry(entry).html == reply.html
    pregnant = talk(answerer, messages[0], "im pregnant, how do i adapt it?").reply
    assert pregnant.kind is ReplyKind.FALLBACK


@pytest.mark.parametrize(
    "messages",
    [
        ("list the exercises", "whats the difference between the first and the last one"),
        ("what exercises help tight hip flexors", "which is better, the first or the second?"),
    ],
)
def test_two_exercises_of_the_list_numbered_side_by_side_get_the_list(
    answerer: Answerer, messages: tuple[str, ...]
) -> None:
    """ "the first and the last one" weighs two exercises of the list just shown: the entry
    that lists them both, not the first of them alone."""
    outcome = talk(answerer, *messages)
    assert outcome.reply.entry_id == "exercises"
    assert outcome.reading is not None and outcome.reading.notes[0].startswith("side by side")


def test_an_exercise_of_the_list_just_shown_named_with_words_of_ones_own_is_that_exercise(
    answerer: Answerer,
) -> None:
    outcome = talk(
        answerer, "which exercises help tight hips", "pigeon sounds the most chill, show me"
    )
    assert (outcome.reply.kind, outcome.reply.entry_id) == (ReplyKind.ANSWER, "pigeon-pose")


@pytest.mark.parametrize(
    "message",
    ["what exercises should a golfer do for tight hips", "which stretches should a cyclist do"],
)
def test_exercises_asked_for_someone_who_does_a_sport_are_the_exercises(
    answerer: Answerer, message: str
) -> None:
    """The sport says who asks, not what: not the activities that tighten the hip flexors."""
    assert answerer.answer(message).reply.entry_id == "exercises"


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        (
            (
                "how often should i stretch",
                "what are the signs of tight hip flexors",
                "going back to your first answer, is that a minimum?",
            ),
            "how-often-to-stretch",
        ),
        (
            (
                "what are the hip flexors",
                "which exercises help",
                "the very first thing you told me, what were they called again?",
            ),
            "what-are-hip-flexors",
        ),
        (
            (
                "can sitting all day make my hip flexors tight",
                "how often should i stretch them",
                "going back to what you said about sitting, why exactly does it tighten them",
            ),
            "sitting-and-hip-flexors",
        ),
        (
            (
                "what activities make hip flexors worse",
                "you mentioned sitting, why does sitting do that to them exactly?",
            ),
            "sitting-and-hip-flexors",
        ),
    ],
)
def test_a_follow_up_pointing_back_at_an_earlier_answer_is_about_it(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    """ "the first answer" is no ordinal of the last list: it is the conversation's first
    topic; "what you said about sitting" is the answer on sitting, when one was given."""
    assert talk(answerer, *messages).reply.entry_id == entry


def test_a_subject_never_answered_is_not_pointed_back_at(answerer: Answerer) -> None:
    outcome = talk(
        answerer, "how do i do the bridge", "what is pigeon", "back to what you said about yoga"
    )
    assert outcome.reply.entry_id != "yoga-for-hip-flexors"


def test_after_two_exercises_set_side_by_side_the_second_one_is_the_second_named(
    answerer: Answerer,
) -> None:
    outcome = talk(answerer, "pigeon or bridge, which is better?", "ok the second one, how?")
    assert outcome.reply.entry_id == "bridge-pose"


@pytest.mark.parametrize(
    ("messages", "entry", "detail"),
    [
        # a detail taken back ("..., not how often") is not the one asked
        (
            (
                "how often should i do the stretches",
                "sorry, i meant how long do i hold the kneeling one, not how often",
            ),
            "hip-flexor-stretch",
            "hold",
        ),
        # when a detail is done ("before i move on to the next one") is no part of what it asks
        (
            ("glute bridge", "how many do i do before i move to the next one"),
            "bridge-pose",
            "reps",
        ),
    ],
)
def test_details_of_the_twenty_ninth_stop(
    answerer: Answerer, messages: tuple[str, ...], entry: str, detail: str
) -> None:
    reading = talk(answerer, *messages).reading
    assert reading is not None and (reading.entry_id, reading.detail) == (entry, detail)


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # an exercise named before "that one" is the one asked about
        (("pigeon pose", "and the bridge? how do i do that one"), "bridge-pose"),
        # a request with its purpose after it ("so i can ...") is read without it
        (
            (
                "which exercises help tight hip flexors",
                "ok give them to me again please so i can print them for the office wall",
            ),
            "exercises",
        ),
        # words of placing only, with "it": the exercise the sentence before named, even if a
        # word of it ("correct") is a word of another exercise's phrasings
        (
            (
                "i work nights on a till and stand for hours. i wobble all over whenever i try "
                "the kneeling hip flexor stretch. how am i supposed to set it up correctly?",
            ),
            "hip-flexor-stretch",
        ),
        # with no conversation, "is that true?" asks about the claim in the sentence before it
        (
            (
                "I drive a delivery van ten hours a day and my back is sore by the evening. My "
                "brother says sitting all day messes up the muscles at the front of your hips. "
                "Is that actually true?",
            ),
            "sitting-and-hip-flexors",
        ),
        # "apart from that one" asks for other exercises after an exercise; after the signs,
        # "the other signs apart from that one" asks for the signs
        (
            (
                "how can i tell if my hip flexors are tight",
                "ok and the other signs apart from that one?",
            ),
            "signs-of-tight-hip-flexors",
        ),
        # whether the exercise may be done there, in a few words
        (("how do i do the bridge", "on the rug fine?"), "bridge-pose"),
        # "what are they exactly?" after a story asks what they are
        (
            (
                "my mum had a fall years ago, fine now. i sit all day at a desk and my hips ache. "
                "what are the hip flexors exactly?",
            ),
            "what-are-hip-flexors",
        ),
        # "walk me through it", with what it is for
        (("glute bridge", "walk me through it slowly so i do not mess it up"), "bridge-pose"),
        # nothing changed after weeks: whom to see
        (
            ("kneeling hip flexor stretch", "been at it three weeks and nothing has changed"),
            "when-to-see-a-professional",
        ),
        # the exercise told tried ("ok just tried it") keeps it the topic
        (
            (
                "how do i do the kneeling hip flexor stretch",
                "ok just tried it",
                "felt it more in my thigh than my hip, is that right?",
            ),
            "hip-flexor-stretch",
        ),
        # the exercise told as it went stays the topic
        (
            ("kneeling hip flexor stretch", "i am doing it but feel nothing at the front"),
            "hip-flexor-stretch",
        ),
        # a phrase of the answer just given, in quotes, asks about that answer
        (
            ("signs of tight hip flexors", "'persistent' pain, as in how long exactly?"),
            "signs-of-tight-hip-flexors",
        ),
        # "an old fella like me": the age of the one asking is no word of what is asked
        (
            (
                "which exercises help tight hip flexors",
                "how many times a week should an old fella like me do these?",
            ),
            "how-often-to-stretch",
        ),
        # which muscles, asked in the writer's own words
        (
            (
                "kneeling stretch how long for",
                "which muscles am i stretching here? just want to know what i could strain",
            ),
            "what-are-hip-flexors",
        ),
    ],
)
def test_readings_of_the_twenty_ninth_stop(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


@pytest.mark.parametrize(
    "messages",
    [
        # a message that says it changes the subject is not read as a follow-up
        (
            "how often should i stretch",
            "other question, my car battery dies all the time, how to fix it?",
        ),
        # the topic's own name in quotes is no phrase of its answer
        ("how do i do the bridge", "haha 'bridge', is the golden gate one big?"),
    ],
)
def test_messages_of_the_twenty_ninth_stop_that_are_no_follow_up(
    answerer: Answerer, messages: tuple[str, ...]
) -> None:
    assert talk(answerer, *messages).reply.kind is ReplyKind.FALLBACK


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # a prop in the exercise just talked about is part of it, not a product asked about
        (
            ("bridge pose please", "is it ok to have a pillow under my head while i do it?"),
            "bridge-pose",
        ),
        # where it is done, and how to make it harder or steadier: the exercise again
        (("kneeling hip flexor stretch", "no mat, is carpet ok for it?"), "hip-flexor-stretch"),
        (("glute bridge how to", "way too easy now, how can i make it harder?"), "bridge-pose"),
        (("pigeon pose steps", "can i use a chair for balance?"), "pigeon-pose"),
        # (a guard) a product tried that did not help is told, not asked about
        (
            (
                "how do i do the bridge",
                "i bought a new pillow and it did not help, how many should i do?",
            ),
            "bridge-pose",
        ),
        # text-speak: "2" for "too" (no option of a list), "bout", "m8", "sum1"
        (("kneeling stretch pls", "other leg 2?"), "hip-flexor-stretch"),
        (("pigeon pose", "wot bout my front leg"), "pigeon-pose"),
        (("how do u do bridges", "how many reps m8"), "bridge-pose"),
        (
            ("my back is still sore after a month of stretching", "shud i see sum1 about it"),
            "when-to-see-a-professional",
        ),
        # spelling as heard, and other ways to ask a detail
        (("how dose sitting giv me tight hips",), "sitting-and-hip-flexors"),
        (
            ("does sycling make tight hip flexers worse",),
            "activities-that-worsen-tight-hip-flexors",
        ),
        (("pigeon pose", "do i keep my chest up the whole time?"), "pigeon-pose"),
        (("the bridge", "is there someone to check my technique?"), "when-to-see-a-professional"),
        (
            (
                "im a lorry driver, 10 hrs a day",
                "what would tell me my hip flexors have gone tight?",
            ),
            "signs-of-tight-hip-flexors",
        ),
        (
            (
                "the kneeling hip flexor stretch",
                "did it, i feel it at the front. which muscles does that hit?",
            ),
            "what-are-hip-flexors",
        ),
        # asked for someone else in the words one asks for oneself
        (
            (
                "what are the signs of tight hip flexors",
                "my wife has most of those, what should she be doing about it",
            ),
            "exercises",
        ),
        # a part of the answer, and the writer's own first message, are no options of a list
        (
            ("kneeling hip flexor stretch", "can you go over the middle bit again please"),
            "hip-flexor-stretch",
        ),
        (
            (
                "my back has been sore for months, nothing helps",
                "how do i do the bridge pose",
                "and pigeon?",
                "going back to my first msg, its been months of this, should i be seeing someone",
            ),
            "when-to-see-a-professional",
        ),
        (
            (
                "what exercises help hip flexors",
                "how do i do the bridge",
                "sorry lost it, can u list all of them again",
            ),
            "exercises",
        ),
        (
            ("pigeon pose how", "my hip clicks every time, who should i get to check it"),
            "when-to-see-a-professional",
        ),
        # "all in my head" is no part of the body
        (
            ("bridge pose", "does sitting all day make my hips tight or is it all in my head"),
            "sitting-and-hip-flexors",
        ),
        # a body part placed in the exercise, asked of with words of its own
        (
            ("kneeling stretch", "i am 80 and not bendy, what angle should my knees be at"),
            "hip-flexor-stretch",
        ),
    ],
)
def test_readings_of_the_thirtieth_stop(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        # a greeting before a request, and a letter's closing after it
        (
            "Good afternoon, please describe the kneeling hip flexor stretch. I have a bad hip "
            "and a walking frame. Thank you. Edna",
            "hip-flexor-stretch",
        ),
        (
            "I have stretched for months. What sort of practitioner ought I to consult next? With "
            "gratitude, Lillian",
            "when-to-see-a-professional",
        ),
        # "is that so?" checks the claim before it
        (
            "hello there, i sit most of the day by the window. my son says sitting so much "
            "shortens the hip muscles. is that so? thank you kindly, Elsie",
            "sitting-and-hip-flexors",
        ),
    ],
)
def test_letters_of_the_thirtieth_stop(answerer: Answerer, message: str, entry: str) -> None:
    assert answerer.answer(message, None).reply.entry_id == entry


@pytest.mark.parametrize(
    "messages",
    [
        # (a guard) a product asked about after an exercise is still one the article does not cover
        ("how do i do the bridge", "which mattress is best for a bad back, firm or soft?"),
    ],
)
def test_messages_of_the_thirtieth_stop_that_are_no_follow_up(
    answerer: Answerer, messages: tuple[str, ...]
) -> None:
    assert talk(answerer, *messages).reply.kind is ReplyKind.FALLBACK


def test_random_one_says_the_subject_changes(answerer: Answerer) -> None:
    reply = talk(answerer, "the bridge", "thanks. random one, how many times a week should i run?")
    assert reply.reply.entry_id != "bridge-pose"


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # how a cause "would give" the pain, or "turns into" it, asks why
        (
            ("what are hip flexors", "ok but how would that give me a sore back"),
            "how-hip-flexors-cause-back-pain",
        ),
        (
            ("does sitting make hip flexors tight", "and how does that turn into back ache"),
            "sitting-and-hip-flexors",
        ),
        # a g dropped from a little word of a question ("talkin")
        (("tight hip flexors?", "which muscles are we talkin about"), "what-are-hip-flexors"),
        # a martial art is a sport
        (("does muay thai tighten the hip flexors",), "activities-that-worsen-tight-hip-flexors"),
        # a minute asks how long to hold
        (("the bridge", "a minute at the top?"), "bridge-pose"),
        # "going back a sec" is no hold of some seconds
        (
            ("how do i do the bridge", "going back a sec, why do tight hip flexors hurt the back"),
            "how-hip-flexors-cause-back-pain",
        ),
        # how it "is giving me" the pain, in the order of another English
        (
            ("what is hip flexors actually", "ok and how it is giving me back pain then"),
            "how-hip-flexors-cause-back-pain",
        ),
        # whether the back must be straight, and "bend" for "bent"
        (
            ("hip flexor stretch", "back must be straight or can bend little bit"),
            "hip-flexor-stretch",
        ),
        # "wtf is" asks what something is
        (("my coach keeps saying psoas. wtf is a psoas",), "what-are-hip-flexors"),
        # someone who could adapt the exercises is someone to see
        (
            (
                "the kneeling stretch",
                "i have arthritis and can not kneel, is there someone who could adapt it for me?",
            ),
            "when-to-see-a-professional",
        ),
        # someone better to see asks whom to see
        (
            (
                "my back has ached for months, when should i get it looked at",
                "would a chiropractor be suitable or is there somebody better?",
            ),
            "when-to-see-a-professional",
        ),
    ],
)
def test_readings_of_the_thirty_first_stop(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # where the back knee goes asks the position of the exercise talked about
        (
            ("kneeling hip flexor stretch", "ok", "back knee right under the hip or behind it"),
            "hip-flexor-stretch",
        ),
        # the rest of the routine asks for the other exercises
        (("how do i do pigeon", "done, what's the rest of the routine"), "exercises"),
        # one of the exercises listed, called by where the body lies
        (("what stretches help tight hip flexors", "the one on your back please"), "bridge-pose"),
        # the activities to be careful with are the ones to avoid
        (
            (
                "is cycling bad for tight hip flexors",
                "what other activities should i be wary of then",
            ),
            "activities-that-worsen-tight-hip-flexors",
        ),
        # the back that picks up the slack compensates
        (
            ("why does my lower back pick up the slack when my hips are stiff",),
            "how-hip-flexors-cause-back-pain",
        ),
        # standing all day is no question about the feet
        (
            ("i am on my feet all day, which activities worsen tight hip flexors",),
            "activities-that-worsen-tight-hip-flexors",
        ),
        # choosing among the exercises just listed: the article ranks none, so the three
        (("what stretches help tight hip flexors", "which of those is the easiest"), "exercises"),
        (("hip flexor exercises", "what order should i do them in"), "exercises"),
        (("hip flexor exercises", "if you had to pick one which would it be"), "exercises"),
        # exercises to build into someone's sessions are a routine asked for
        (
            (
                "my clients sit at desks all day",
                "what exercises should i build into their sessions",
            ),
            "exercises",
        ),
        # whom a question is for is no part of what it asks
        (("which stretches help tight hips for an aussie rules team",), "exercises"),
        (("what exercises would you give a netball squad with sore lower backs",), "exercises"),
        # "i mean" corrects what was asked; it asks no meaning
        (("how often", "how often should i stretch my hip flexors i mean"), "hip-flexor-stretch"),
        # holding it "way longer" asks the hold time
        (("pigeon pose", "is half a minute right or do people hold it way longer"), "pigeon-pose"),
        # all the exercises, asked for at once
        (
            (
                "my hips are always tight after running",
                "can you give me all the exercises in one message",
            ),
            "exercises",
        ),
        # whether what one feels in an exercise is right: the exercise, with its tips
        (("bridge pose how to", "cramp in my thigh, do i stop or carry on"), "bridge-pose"),
        (
            ("kneeling hip flexor stretch", "it feels really wobbly, worth sticking with?"),
            "hip-flexor-stretch",
        ),
        # how to spot them asks their signs
        (("how would i spot if my hip flexors are tight",), "signs-of-tight-hip-flexors"),
    ],
)
def test_readings_of_the_thirty_second_stop(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # what a question prepares for is no part of what it asks
        (("how many bridges should i do to get ready for my walking holiday",), "bridge-pose"),
        (
            ("what routine would you suggest for tight hip flexors before my first marathon",),
            "exercises",
        ),
        (
            ("how often should i stretch my hip flexors to be ready for the ski trip",),
            "how-often-to-stretch",
        ),
        # what else to get right in an exercise: its whole entry, with its steps and tips
        (
            ("kneeling hip flexor stretch", "what are the most common mistakes ppl make with it"),
            "hip-flexor-stretch",
        ),
        (("pigeon pose", "what do i do with my head, look at the floor?"), "pigeon-pose"),
        (("how do i do a glute bridge", "when do i breathe out, going up?"), "bridge-pose"),
        # another exercise called by what is done in it, after one exercise
        (
            ("what exercises help", "how do i do the kneeling one", "and the one lying down?"),
            "bridge-pose",
        ),
        # a question added "also" about another subject leaves the first one to answer
        (
            (
                "My granddaughter says my hips are locked up. Could you tell me where the hip "
                "flexors are? Also, is it true I should drink more water for my joints?",
            ),
            "what-are-hip-flexors",
        ),
        # an exercise put off for later keeps the list shown before it
        (
            (
                "exercises for tight hip flexors please",
                "im at work now, will try later",
                "the last one - do my knees stay bent?",
            ),
            "bridge-pose",
        ),
        # a correction, the entry taken back after the one meant
        (("how do i do the bridge", "sorry i meant the pigeon, not the bridge"), "pigeon-pose"),
        # an exercise described in place of its name, with the detail asked: no asking back
        (("lying on my back lifting my hips up, how many times should i do it",), "bridge-pose"),
        # the waist, as many say the lower back
        (
            (
                "which stretch for tight hip flexors",
                "the kneeling one",
                "but why is my hip affecting my waist sef",
            ),
            "how-hip-flexors-cause-back-pain",
        ),
        # moves to counter what was just named are the remedy
        (("can sitting all day tighten my hip flexors", "which moves counter that?"), "exercises"),
        # whether to let the back arch in an exercise asks its position
        (
            ("kneeling hip flexor stretch", "do i let my back arch or keep it straight"),
            "hip-flexor-stretch",
        ),
        # the muscles at the top of the thighs, in plain words, are the hip flexors
        (
            ("does sitting for hours do something to the muscles at the top of my thighs",),
            "sitting-and-hip-flexors",
        ),
        # pins and needles is a feeling, not the needles of acupuncture
        (("what stretches r good for tight hips no pins and needles just sore",), "exercises"),
    ],
)
def test_readings_of_the_thirty_third_stop(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


def test_a_body_part_of_an_exercise_described_is_no_subject_we_do_not_cover(
    answerer: Answerer,
) -> None:
    """ "the one where you lie down knees bent ...": the knees are the bridge's, not a knee
    problem; the bridge is offered."""
    outcome = talk(
        answerer,
        "that one where you lie down, knees bent, and push your bum up towards the ceiling, "
        "what am i squeezing",
    )
    assert outcome.reading is not None and outcome.reading.kind != "not_covered"
    assert "bridge-pose" in {outcome.reading.entry_id, *outcome.reading.options}


def test_getting_rid_of_what_a_clause_before_names_is_about_that(answerer: Answerer) -> None:
    """ "my eye has a stye, how do i get rid of it" after an exercise asks about the eye."""
    outcome = talk(answerer, "bridge pose", "my eye has a stye, how do i get rid of it")
    assert outcome.reading is not None and outcome.reading.kind == "not_covered"


def test_a_blood_test_is_a_test_we_do_not_cover(answerer: Answerer) -> None:
    outcome = talk(answerer, "what does a high crp on my blood test mean")
    assert outcome.reading is not None and outcome.reading.kind == "not_covered"


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # a question clause, then an aside in a clause that tells ("can't ..."): the question
        (
            (
                "kneeling hip flexor stretch",
                "what angle should my knees be at, can't see past the pram lol",
            ),
            "hip-flexor-stretch",
        ),
        # a lead-in clause of words the bot never placed, when the whole and the question agree
        (
            (
                "what are the signs of tight hip flexors",
                "i sit on the rug doing jigsaws with my son all afternoon, could all that "
                "sitting be why?",
            ),
            "sitting-and-hip-flexors",
        ),
        # "right." alone says it goes on, not a side
        (("why do tight hip flexors hurt my back", "right. any exercises for it?"), "exercises"),
        # which side first is no first option of a list
        (("pigeon pose", "is it left leg first?"), "pigeon-pose"),
        # another exercise named in a sentence of its own, then a detail asked of it
        (
            (
                "bridge pose please",
                "ok now the kneeling stretch. if my left knee is on the floor where does my "
                "right foot go",
            ),
            "hip-flexor-stretch",
        ),
        # to regress an exercise is to make it easier
        (("pigeon pose", "too much for me at the moment, how can i regress it"), "pigeon-pose"),
        # what is "giving me" back pain is its cause
        (
            ("what are hip flexors", "and how do they end up giving me lower back pain?"),
            "how-hip-flexors-cause-back-pain",
        ),
        # where a muscle sits is where it is
        (
            ("ok so where do they sit, these hip flexors everyone goes on about?",),
            "what-are-hip-flexors",
        ),
        # "tend to" says nothing of the subject
        (
            ("kneeling hip flexor stretch", "which sports or training tend to tighten them?"),
            "activities-that-worsen-tight-hip-flexors",
        ),
    ],
)
def test_readings_of_the_thirty_fourth_stop(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # an exercise called by its own words beside a count that may be out by one
        (
            ("bridge pose", "and pigeon?", "the last one, the kneeling thing, how do i start"),
            "hip-flexor-stretch",
        ),
        # what was just finished, then the next exercise asked for
        (("kneeling hip flexor stretch", "finished both sides, what's next?"), "pigeon-pose"),
        (("kneeling hip flexor stretch", "did all my reps. what comes next?"), "pigeon-pose"),
        # a request for exercises in a conversation, when nothing else is sure
        (
            (
                "why are my hips so stiff after my shift",
                "any exercises i could try for that right now?",
            ),
            "exercises",
        ),
        # the writer's own first worry is no option of the last list
        (
            (
                "is sitting all day bad for my hips",
                "how do i do the bridge",
                "back to my first worry, can sitting 10 hours a day tighten them?",
            ),
            "sitting-and-hip-flexors",
        ),
        # the top of a push-up is a plank
        (
            ("the one where you start like a press up and bring a knee forward, how?",),
            "pigeon-pose",
        ),
        # where the thigh meets the tummy is where the hip flexors are
        (("what muscles are in the crease where my thigh meets my tummy",), "what-are-hip-flexors"),
    ],
)
def test_readings_of_the_thirty_fifth_stop(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


def test_the_next_exercise_is_not_asked_the_detail_just_done(answerer: Answerer) -> None:
    """ "done both sides, what next?" asks for the next exercise, not its sides."""
    outcome = talk(answerer, "kneeling hip flexor stretch", "done both sides, what next?")
    assert outcome.reply.entry_id == "pigeon-pose"
    assert outcome.reading.detail is None


@pytest.mark.parametrize(
    "messages",
    [
        ("exercises for tight hip flexors", "the one in the middle of that list, how do i do it"),
        ("exercises for tight hip flexors", "ok the middle one. how?"),
    ],
)
def test_a_count_in_words_is_no_exercise_called_by_name(
    answerer: Answerer, messages: tuple[str, ...]
) -> None:
    """ "the middle one" counts along the list; "middle" is no word of an exercise's own."""
    assert talk(answerer, *messages).reply.entry_id == "pigeon-pose"


def test_a_request_without_a_conversation_needs_more_than_an_unsure_match(
    answerer: Answerer,
) -> None:
    """Out of a conversation, "what order should i ..." of something unknown is no request for
    the exercises' order."""
    outcome = talk(answerer, "what order should i watch the star wars films in")
    assert outcome.reply.kind is not ReplyKind.ANSWER


def test_a_question_naming_nothing_after_a_story_of_a_part_we_do_not_cover(
    answerer: Answerer,
) -> None:
    """ "what helps" asks of the heel the story told of, not for the exercises; after a story
    of the hips it asks for what helps them."""
    heel = talk(
        answerer, "my heel kills when i get up in the morning, plantar fasciitis? what helps"
    )
    assert heel.reply.kind is not ReplyKind.ANSWER
    hips = talk(
        answerer, "i sit at a desk all day and my hips feel tight by the evening. what helps?"
    )
    assert hips.reply.kind is ReplyKind.ANSWER
    # (nor when the question points back at what the story described, not at the part)
    muscles = talk(
        answerer,
        "I've had my knees scoped and my shoulder looked at. But my massage lady keeps talking "
        "about the deep muscles in the fold at the very top of my leg. Which muscles are those "
        "exactly, and where do they sit?",
    )
    assert muscles.reply.entry_id == "what-are-hip-flexors"


@pytest.mark.parametrize(
    "messages",
    [
        ("my jaw clicks when i chew, who treats that?",),
        ("hips are fine these days. separate thing: my jaw clicks when i yawn. who treats that?",),
    ],
)
def test_that_points_at_a_part_no_exercise_places(
    answerer: Answerer, messages: tuple[str, ...]
) -> None:
    """ "who treats that?" after a jaw that clicks asks about the jaw, not who treats backs."""
    assert talk(answerer, *messages).reply.kind is not ReplyKind.ANSWER


def test_that_of_a_part_an_exercise_places_keeps_the_question(answerer: Answerer) -> None:
    """A thigh shaking in the kneeling stretch is part of doing it: "is that ok?" and the
    question after it are about the stretch."""
    outcome = talk(
        answerer, "my thighs shake in the kneeling stretch, is that ok? how long do i hold it?"
    )
    assert outcome.reply.entry_id == "hip-flexor-stretch"


def test_an_unrelated_clause_is_not_lent_the_topic_to_be_answered(answerer: Answerer) -> None:
    """ "any ideas what to get him" is no question about the hip flexors, even though the
    topic's words lent to it would place it."""
    outcome = talk(
        answerer, "where are the hip flexors", "my nephew turns 8 soon, any ideas what to get him"
    )
    assert outcome.reply.kind is not ReplyKind.ANSWER


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # weighing the exercises talked about: the entry that lists them side by side
        (
            ("how do i do pigeon pose", "and the bridge?", "which of the two is gentler?"),
            "exercises",
        ),
        (
            ("stretches for tight hips", "pigeon pose", "which one should i begin with?"),
            "exercises",
        ),
        (("stretches for tight hips", "how do i do the bridge", "gentlest one?"), "exercises"),
        (("bridge pose", "kneeling hip flexor stretch", "which do i hold longer?"), "exercises"),
        (
            ("pigeon pose", "bridge pose", "is the kneeling one easier than both of those?"),
            "exercises",
        ),
        # picking one of them out by a word of its own
        (("bridge pose", "pigeon pose", "which of those two starts in a plank?"), "pigeon-pose"),
        (("exercises for my back", "which one works the glutes?"), "bridge-pose"),
    ],
)
def test_a_question_that_chooses_among_the_exercises_talked_about(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # one exercise talked about: "which one" is of its sides, not a choice of exercises
        (("how do i do the kneeling hip flexor stretch", "which one goes forward first?"), None),
        # "the first one" counts along the list, it ranks nothing
        (("exercises for tight hip flexors", "the first one please"), "hip-flexor-stretch"),
        # what makes it worse is no ranking of the exercises
        (("pigeon pose", "bridge pose", "which activities make it worse?"), None),
    ],
)
def test_words_that_choose_only_weigh_exercises_talked_about(
    answerer: Answerer, messages: tuple[str, ...], entry: str | None
) -> None:
    outcome = talk(answerer, *messages)
    assert outcome.reply.entry_id != "exercises" or entry == "exercises"
    if entry is not None:
        assert outcome.reply.entry_id == entry


def test_a_pain_told_in_a_sentence_of_its_own_is_why_another_exercise_is_called(
    answerer: Answerer,
) -> None:
    """The knee that hurts in the first sentence is why the one on the back is asked for; the
    kneeling one called in the sentence of the pain is still a pain we do not cover."""
    other = talk(
        answerer,
        "which exercises help tight hips",
        "kneeling hurts my knee badly. the one on your back, how do i do it?",
    )
    assert other.reply.entry_id == "bridge-pose"
    pain = talk(answerer, "which exercises help tight hips", "the kneeling one hurt my knee")
    assert pain.reply.entry_id != "hip-flexor-stretch"


def test_a_condition_long_past_and_over_is_no_subject(answerer: Answerer) -> None:
    """Told after the question, a condition had years ago and over is not what is asked about;
    one that the writer has now still is."""
    over = talk(answerer, "is pigeon ok for me, had a slipped disc years ago but fully recovered")
    assert over.reply.entry_id == "pigeon-pose"
    healed = talk(
        answerer, "how often should i stretch, i had sciatica years ago but it got better"
    )
    assert healed.reply.entry_id == "how-often-to-stretch"
    for now in ("i have sciatica", "i have had sciatica for years"):
        outcome = talk(answerer, f"how often should i stretch, {now}")
        assert outcome.reply.kind is not ReplyKind.ANSWER


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # "the other" of a topic that tells of no exercise is the other of what it tells of
        (("what is the iliacus", "and the other one?"), "what-are-hip-flexors"),
        (("whats the psoas", "what's the other muscle called?"), "what-are-hip-flexors"),
        # ... and of an exercise, or said of exercises, the other exercises
        (("how do i do the bridge", "what about the other exercises?"), "exercises"),
        # the names of what was just listed, asked again
        (("which exercises help tight hips", "sorry, what were they called?"), "exercises"),
        # what the exercise talked about involves, whatever other exercise's word is asked of
        (("how do i do the bridge", "does this one involve kneeling?"), "bridge-pose"),
        # a detail the topic has, asked with a circumstance the base does not know
        (
            ("does yoga help hip flexors", "going to a yoga weekend in the lakes, which poses?"),
            "yoga-for-hip-flexors",
        ),
        # the meaning of words the answer just given says, asked unquoted
        (
            ("does sitting make hip flexors tight", "what does shortened position mean?"),
            "sitting-and-hip-flexors",
        ),
        (("how do i do pigeon pose", "what do you mean by torso"), "pigeon-pose"),
    ],
)
def test_follow_ups_of_the_thirty_sixth_stop(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


def test_a_question_with_no_mark_then_what_the_writer_tells(answerer: Answerer) -> None:
    """With no mark at all, "i had ..." after a question starts the telling; "what time i do
    them" and "if i have" go on asking."""
    told = talk(
        answerer,
        "does yoga help tight hip flexors i had a slipped disc years ago but its been fine",
    )
    assert told.reply.entry_id == "yoga-for-hip-flexors"
    assert tells_apart(["is pigeon ok i have bad knees"]) == ["is pigeon ok", "i have bad knees"]
    for asking in (
        "does it matter what time i do them",
        "which stretches help if i have tight hips",
    ):
        assert tells_apart([asking]) == [asking]
    assert tells_apart(["i had a fall years ago"]) == ["i had a fall years ago"]


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # a sign asked how to spot, pointed back at
        (
            ("what are the signs of tight hip flexors", "how would i spot that?"),
            "signs-of-tight-hip-flexors",
        ),
        # a cycle of pain is no bike ride
        (
            ("do hip flexors cause back pain", "why does it become a cycle?"),
            "how-hip-flexors-cause-back-pain",
        ),
        (
            ("i cycle to work, is that bad for my hips?",),
            "activities-that-worsen-tight-hip-flexors",
        ),
    ],
)
def test_words_for_signs_and_the_vicious_cycle(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


def test_how_a_claim_just_told_could_be_is_asked_of_that_claim(answerer: Answerer) -> None:
    """ "How could that possibly work?" after a sentence that tells a claim asks about the claim;
    of a claim about something we do not cover, it gets no answer of ours."""
    claim = talk(
        answerer,
        "My sister is a nurse. She says the muscles at the front of my hips pull on my spine. "
        "How could that possibly work?",
    )
    assert claim.reply.entry_id == "how-hip-flexors-cause-back-pain"
    # ... after asking whether it is true
    checked = talk(
        answerer,
        "I walked for a living for forty years. My son says my hip muscles are pulling on my "
        "pelvis. Is that true, and how does it work?",
    )
    assert checked.reply.entry_id == "how-hip-flexors-cause-back-pain"
    other = talk(answerer, "My neighbour says his knee clicks when it rains. How could that be?")
    assert other.reply.kind is not ReplyKind.ANSWER


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # nothing shifting it is when to see someone
        (
            ("how do i do pigeon", "and if none of that shifts it, what then?"),
            "when-to-see-a-professional",
        ),
    ],
)
def test_nothing_helping_is_when_to_see_someone(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


@pytest.mark.parametrize(
    ("messages", "entry", "detail"),
    [
        # why loosening the front helps the back, asked of the exercise just shown
        (
            ("how do i do pigeon pose", "why would loosening my hips help my back?"),
            "pigeon-pose",
            "cause",
        ),
    ],
)
def test_why_loosening_helps(
    answerer: Answerer, messages: tuple[str, ...], entry: str, detail: str | None
) -> None:
    outcome = talk(answerer, *messages)
    assert (outcome.reply.entry_id, outcome.reading.detail) == (entry, detail)


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # a line of the list just shown, called by what it says
        (
            ("show me the exercises", "the bit about lowering the torso, how far down?"),
            "pigeon-pose",
        ),
        (
            ("which stretches help tight hips", "the part about squeezing, squeezing what?"),
            "bridge-pose",
        ),
        # an exercise called only to be taken back
        (
            ("what stretches help", "not the kneeling one, the one from a plank, how is it done?"),
            "pigeon-pose",
        ),
    ],
)
def test_an_exercise_called_by_a_line_of_the_list_or_taken_back(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


PROFESSIONAL = "when-to-see-a-professional"


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # whom to send someone else to, or when to book someone rather than wait
        (("what are the signs of tight hip flexors", "who should i send her to?"), PROFESSIONAL),
        (
            (
                "which exercises help tight hips",
                "when is it worth booking someone instead of waiting for it to sort itself out?",
            ),
            PROFESSIONAL,
        ),
        # seeing someone weighed against trying the exercises first
        (
            (
                "how do tight hip flexors cause back pain",
                "should i get my mum seen by a professional or try the exercises first?",
            ),
            PROFESSIONAL,
        ),
        # "and if it doesn't?" after a question whether something helps: then whom to see
        (("does stretching fix hip flexor back pain", "and if it doesnt? who then"), PROFESSIONAL),
        # "third day now" counts days: no option picked, the exercise stays the topic
        (
            ("how do i do pigeon pose", "third day now", "what position do i start from?"),
            "pigeon-pose",
        ),
        # staying in it longer is the hold; nights a week the frequency; never better, whom to see
        (
            ("how do i do the kneeling stretch", "or should i stay in it longer?"),
            "hip-flexor-stretch",
        ),
        (
            ("how long do i hold pigeon", "what if it never gets better no matter what?"),
            PROFESSIONAL,
        ),
        # a story of sitting, then a detail of the exercise talked about: that exercise's
        (
            (
                "show me the bridge",
                "I sit at a desk nine hours a day. I did 30 bridges last night and my bum is sore "
                "today. How many am I supposed to do?",
            ),
            "bridge-pose",
        ),
        # the link between the two things just talked about: how one causes the other
        (
            (
                "can running give me tight hip flexors and back pain",
                "so what's the link between the two?",
            ),
            "how-hip-flexors-cause-back-pain",
        ),
    ],
)
def test_follow_ups_of_the_thirty_seventh_stop(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


def test_nights_a_week_ask_how_often_not_how_many(answerer: Answerer) -> None:
    outcome = talk(answerer, "how many reps of the bridge", "how many nights a week though?")
    assert (outcome.reply.entry_id, outcome.reading.detail) == ("bridge-pose", "frequency")


@pytest.mark.parametrize(
    ("messages", "entry"),
    [
        # "how can i tell?" after how hip flexors cause back pain: the signs
        (
            ("why do tight hip flexors hurt your back", "how can i tell?"),
            "signs-of-tight-hip-flexors",
        ),
        # the kind of professional, in a learner's word order
        (
            ("what are hip flexors", "which kind of specialist i should visit for them?"),
            PROFESSIONAL,
        ),
        # a hold time asked of another exercise, named, after one exercise's hold
        (
            ("how long do i hold pigeon", "does the kneeling stretch get a longer hold time?"),
            "hip-flexor-stretch",
        ),
    ],
)
def test_follow_ups_of_the_thirty_eighth_stop(
    answerer: Answerer, messages: tuple[str, ...], entry: str
) -> None:
    assert talk(answerer, *messages).reply.entry_id == entry


@pytest.mark.parametrize(
    "messages",
    [
        # what helps a body part we do not cover, named in the sentence before the question
        (
            "how do i do the bridge",
            "nice one. does the same go for my wrists? they ache from typing, what helps them?",
        ),
        (
            "what are hip flexors",
            "ok. and my jaw clicks when i chew, is that related? what would fix it?",
        ),
        (
            "why do tight hip flexors cause back pain",
            "interesting. and my elbow, which aches after tennis, is that the same sort of thing? "
            "what helps it?",
        ),
    ],
)
def test_a_question_pointing_back_at_a_subject_we_do_not_cover_gets_that_reply(
    answerer: Answerer, messages: tuple[str, ...]
) -> None:
    assert talk(answerer, *messages).reading.kind == "not_covered"


def test_a_question_pointing_at_the_exercise_keeps_it_after_a_body_part(
    answerer: Answerer,
) -> None:
    """A question "for that one" is about the exercise talked about, not the knee told of."""
    outcome = talk(
        answerer,
        "show me the kneeling stretch",
        "my knee hurts on the hard floor. what do i do for that one",
    )
    assert outcome.reply.entry_id == "hip-flexor-stretch"


@pytest.mark.parametrize(
    ("messages", "entry", "detail"),
    [
        # an exercise described by where the body lies, with "where you're" before it
        (
            ("list the exercises", "the one where you're on your back, how's it done"),
            "bridge-pose",
            None,
        ),
        # what fits into a day asks for the exercises
        (
            ("does sitting tighten the hips", "which stretches can i fit into a busy workday?"),
            "exercises",
            None,
        ),
        # "every night" asks how often (here, how often the exercises are done)
        (("can i stretch in bed", "is every night too much?"), "exercises", "frequency"),
    ],
)
def test_follow_ups_of_the_thirty_eighth_stop_second_round(
    answerer: Answerer, messages: tuple[str, ...], entry: str, detail: str | None
) -> None:
    outcome = talk(answerer, *messages)
    assert (outcome.reply.entry_id, outcome.reading.detail) == (entry, detail)


@pytest.mark.parametrize(
    ("messages", "entry", "detail"),
    [
        # a correction that names another exercise keeps the detail just asked
        (
            ("pigeon hold time?", "no sorry, i meant how long for the kneeling stretch"),
            "hip-flexor-stretch",
            "hold",
        ),
        # the names of all three, asked after one exercise
        (
            ("which exercises help", "show me pigeon", "and what were all three called again?"),
            "exercises",
            None,
        ),
        # the link between two places asks how one causes the other
        (
            (
                "what are hip flexors",
                "what's the link between the front of the hips and the lower back?",
            ),
            "how-hip-flexors-cause-back-pain",
            None,
        ),
        # whom to book
        (
            ("hi there", "stretches haven't helped. should i book someone?"),
            PROFESSIONAL,
            "professional",
        ),
    ],
)
def test_follow_ups_of_the_thirty_eighth_stop_third_round(
    answerer: Answerer, messages: tuple[str, ...], entry: str, detail: str | None
) -> None:
    outcome = talk(answerer, *messages)
    assert (outcome.reply.entry_id, outcome.reading.detail) == (entry, detail)
