"""The JSON contract and its safety promises, whatever the answer logic does."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS
from qa_bot.answer import Bot, clean_question
from qa_bot.config import Config
from qa_bot.errors import ConfigError, UsageError
from qa_bot.index import CorpusIndex

QUESTIONS = ["botox for migraine", "how does botox work", "hello", "thanks", "what does botox cost",
             "my chest hurts and I can't breathe", "I want to kill myself", "xyzzy", "neck pain trapezius"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_response_has_the_contract_and_the_disclaimer(bot, question):
    data = bot.ask(question).to_dict()
    assert list(data) == ["id", "question", "status", "answer", "citations", "suggestions", "assumed_topic", "disclaimer"]
    urgent = data["status"] == "urgent"
    assert data["disclaimer"] == (bot.config.urgent_disclaimer if urgent else bot.config.disclaimer)
    assert data["answer"].strip()
    assert data["assumed_topic"] is None  # no history: nothing to assume
    assert len(data["suggestions"]) <= 3 and all(set(s) == {"text", "url"} for s in data["suggestions"])
    if data["status"] in ("no_answer", "smalltalk"):
        assert data["suggestions"], "a reply that is not an answer offers what the articles do answer"
        urls = {s.url for s in bot.index.sections}
        assert all(s["url"] in urls for s in data["suggestions"])
    else:
        assert data["suggestions"] == []
    json.dumps(data)  # serialisable as is
    if data["status"] == "answered":
        assert data["citations"]
        for c in data["citations"]:
            section = next(s for s in bot.index.sections if s.url == c["url"])
            assert c["passage"] in section.text  # one contiguous stretch of the section
            assert c["section"] == section.title and isinstance(c["score"], float)
        scores = [c["score"] for c in data["citations"]]
        assert scores == sorted(scores, reverse=True)
    else:
        assert data["citations"] == []


def test_urgent_is_never_answered_with_a_passage(bot):
    for q in ["I can't swallow since my botox injection", "I think I'm having a stroke, botox migraine"]:
        a = bot.ask(q)
        assert a.status == "urgent" and a.citations == ()
        assert "911" in a.answer


def test_crisis_message_includes_the_crisis_line(bot):
    assert "988" in bot.ask("I want to end my life").answer


def test_configured_messages_are_used(corpus):
    config = Config(corpus=CORPUS, disclaimer="Talk to your GP.", emergency_message="Call 000 now.",
                    urgent_disclaimer="Do not wait: this chat cannot help in an emergency.")
    bot = Bot(CorpusIndex.from_corpus(corpus), config)
    answers = [bot.ask(q) for q in QUESTIONS]
    assert {a.disclaimer for a in answers if a.status != "urgent"} == {"Talk to your GP."}
    assert {a.disclaimer for a in answers if a.status == "urgent"} == {"Do not wait: this chat cannot help in an emergency."}
    urgent = bot.ask("my chest hurts")
    assert urgent.answer == "Call 000 now." and urgent.disclaimer == config.urgent_disclaimer


@pytest.mark.parametrize("field", ["disclaimer", "emergency_message", "crisis_message", "urgent_disclaimer"])
def test_messages_can_never_be_empty(field):
    with pytest.raises(ConfigError, match="must not be empty"):
        Config(**{field: "   "})


@pytest.mark.parametrize("raw, clean", [
    ("  botox\tfor\n migraine  ", "botox for migraine"),
    ("bo\x00tox\x1b[31m", "bo tox [31m"),
    ("cafe\u0301", "café"),  # Unicode normalised (NFC)
    ("zero\u200bwidth", "zero width"),
])
def test_clean_question(raw, clean):
    assert clean_question(raw, 100) == clean


@pytest.mark.parametrize("raw, message", [("", "empty"), (" \n\t", "empty"), ("\x00\x01", "empty"),
                                          ("a" * 101, "limit is 100"), (None, "must be text")])
def test_clean_question_refuses(raw, message):
    with pytest.raises(UsageError, match=message):
        clean_question(raw, 100)


def test_every_answer_has_a_random_id_not_derived_from_the_question(bot):
    ids = [bot.ask(q).to_dict()["id"] for q in ["botox for migraine", "botox for migraine", "hello"]]
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert len(set(ids)) == 3  # the same question twice gets two ids
