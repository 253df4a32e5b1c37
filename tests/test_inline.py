"""Inline mode: the results core alone, then "@BackCareBot ..." through the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.answering.answerer import Answerer
from bot.core.answering.inline_results import MAX_RESULTS, TOPIC_RESULTS, fit, inline_items
from bot.core.replies import MESSAGE_LIMIT, ReplyKind
from tests.e2e import RunningBot, real_knowledge, running_bot
from tests.fake_telegram import FakeTelegramServer, visible_text

RED_FLAG = "numbness in my groin since yesterday"
ECHO = ("groin", "yesterday", "pigeon")  # in the query, not in the urgent message


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(real_knowledge())


# --- the core ------------------------------------------------------------------------------------


def test_top_five_answers_above_the_floor(answerer: Answerer) -> None:
    items = inline_items(answerer, "hip flexor stretch")
    assert len(items) == MAX_RESULTS
    assert items[0].id == "hip-flexor-stretch"
    assert len({item.id for item in items}) == MAX_RESULTS
    kb = answerer.kb
    for item in items:
        entry = kb.entries[item.id]
        assert item.title == entry.title
        assert item.description == " ".join(entry.summary.split())
        assert item.html.startswith(f"<b>{entry.title}</b>")
        assert kb.texts["disclaimer"].strip() in item.html
        assert len(item.html) <= MESSAGE_LIMIT
    scores = {c.entry_id: c.score for c in answerer.matcher.match("hip flexor stretch").candidates}
    assert all(scores[item.id] >= answerer.matcher.unsure for item in items)


def test_few_or_no_results_when_little_is_close(answerer: Answerer) -> None:
    items = inline_items(answerer, "pigeon")
    assert items[0].id == "pigeon-pose"
    assert len(items) < MAX_RESULTS  # only what is close enough, never padding
    assert inline_items(answerer, "what's the weather in Paris today") == []


def test_a_dictated_query_gets_the_decision_a_private_chat_gets(answerer: Answerer) -> None:
    """Punctuation said aloud ends a sentence here too: without the full stop, "years ago"
    would reach the bladder emergency of today and rule it out, as it did in inline mode."""
    query = (
        "my mum had bladder problems years ago full stop i have lost control of my bladder today"
    )
    assert not answerer.screen.assess(query).alarm  # the raw words, read as one sentence
    assert answerer.answer(query).reply.kind is ReplyKind.URGENT
    (item,) = inline_items(answerer, query)
    assert item.html == answerer.urgent(answerer.assess(query).tier).html


def test_red_flag_query_gets_only_the_urgent_message(answerer: Answerer) -> None:
    (item,) = inline_items(answerer, f"pigeon pose {RED_FLAG}")
    assert item.id == "urgent"
    assert item.html == answerer.urgent(answerer.screen.assess(RED_FLAG).tier).html
    for word in ECHO:
        assert word not in (item.title + item.description + item.html).lower()
    assert item.title and item.description


def test_empty_query_offers_the_first_topics(answerer: Answerer) -> None:
    items = inline_items(answerer, "   ")
    assert [item.id for item in items] == [e.id for e in answerer.kb.ordered()[:TOPIC_RESULTS]]


def test_a_long_answer_is_cut_to_one_message_with_the_disclaimer() -> None:
    html = "<b>Title</b>\n\n" + "\n\n".join(f"Paragraph {i} " + "word " * 80 for i in range(20))
    short = fit(html, "Not medical advice.")
    assert len(short) <= MESSAGE_LIMIT
    assert short.startswith("<b>Title</b>")
    assert short.endswith("…\n\n<i>Not medical advice.</i>")
    assert fit("<b>small</b>", "x") == "<b>small</b>"


# --- end to end ----------------------------------------------------------------------------------


@pytest.fixture
async def bot(fake_telegram: FakeTelegramServer, tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_telegram, tmp_path) as running:
        yield running
    assert fake_telegram.errors == []
    assert fake_telegram.unknown_methods == []


async def ask_inline(bot: RunningBot, query: str) -> dict[str, Any]:
    calls = await bot.process(bot.queue(lambda: bot.fake.inline_query(query)))
    (answer,) = [c for c in calls if c.method == "answerInlineQuery"]
    assert answer.ok
    assert answer.params["cache_time"] == 30
    assert answer.params["is_personal"] is False
    assert answer.params["button"]["start_parameter"] == "inline"
    assert not [c for c in calls if c.method == "sendMessage"]
    return answer.params


async def test_inline_query_offers_the_top_five_articles(bot: RunningBot) -> None:
    params = await ask_inline(bot, "hip flexor stretch")
    results = params["results"]
    assert len(results) == 5
    first = results[0]
    assert first["type"] == "article" and first["id"] == "hip-flexor-stretch"
    entry = bot.app.bot_data.answerer.kb.entries["hip-flexor-stretch"]
    assert first["title"] == entry.title
    assert first["description"] == " ".join(entry.summary.split())
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["link_preview_options"] == {"is_disabled": True}
    shown = visible_text(content["message_text"], "HTML")  # valid Telegram HTML
    assert "not medical advice" in shown.lower()
    assert len(shown) <= MESSAGE_LIMIT
    button = first["reply_markup"]["inline_keyboard"][0][0]
    assert button["url"] == "https://t.me/BackCareBot"


async def test_inline_red_flag_and_empty_queries(bot: RunningBot) -> None:
    (urgent,) = (await ask_inline(bot, RED_FLAG))["results"]
    assert urgent["id"] == "urgent"
    text = urgent["input_message_content"]["message_text"].lower()
    assert "urgent" in text
    assert not [word for word in ECHO if word in text]

    topics = (await ask_inline(bot, ""))["results"]
    kb = bot.app.bot_data.answerer.kb
    assert [r["id"] for r in topics] == [e.id for e in kb.ordered()[:TOPIC_RESULTS]]

    assert (await ask_inline(bot, "what's the weather in Paris today"))["results"] == []
