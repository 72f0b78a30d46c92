"""Follow-up questions (followup.py): the history a client sends, and the topic a question is read with."""

from __future__ import annotations

import pytest

from conftest import CORPUS
from qa_bot.answer import Bot
from qa_bot.config import Config, PROJECT_ROOT
from qa_bot.corpus import load_corpus
from qa_bot.errors import UsageError
from qa_bot.followup import MAX_TURNS, Turn, parse_history
from qa_bot.index import CorpusIndex
from qa_bot.webapp import create_app

BOTOX = "Battling Chronic Pain with Botox: A Promising Approach"
EYES = PROJECT_ROOT / "tests" / "corpora" / "eyes-skin"


@pytest.fixture(scope="module")
def eyes():
    return Bot(CorpusIndex.from_corpus(load_corpus(EYES)), Config(corpus=EYES))


@pytest.mark.parametrize("value, words", [
    ("hello", "must be a list"),
    (None, "must be a list"),
    ([{"question": "a"}] * (MAX_TURNS + 1), f"at most the last {MAX_TURNS}"),
    (["what is botox"], "turn 1 must be an object"),
    ([{"question": "ok"}, {"article": "x"}], 'turn 2 needs a "question"'),
    ([{"question": "   "}], 'needs a "question" string that is not empty'),
    ([{"question": 3}], 'needs a "question" string'),
    ([{"question": "a" * 1001}], "limit is 1000"),
    ([{"question": "a", "article": ["x"]}], '"article" must be a string'),
    ([{"question": "a", "answer_id": "x" * 65}], "limit is 64"),
    ([{"question": "a", "answer": "secret"}], 'unknown field "answer"'),
])
def test_bad_history_is_refused_with_what_is_wrong(value, words):
    with pytest.raises(UsageError, match=words.replace("(", r"\(").replace("[", r"\[")):
        parse_history(value, 1000)


def test_history_is_read_as_turns():
    got = parse_history([{"question": " can  botox help? ", "answer_id": "ab12", "article": BOTOX}], 1000)
    assert got == (Turn("can botox help?", "ab12", BOTOX),)
    assert parse_history([], 1000) == ()


def test_api_refuses_bad_history_with_400(bot):
    client = create_app(Config(corpus=CORPUS, rate_limit=""), bot=bot).test_client()
    response = client.post("/api/ask", json={"question": "how long does it last?", "history": [{"q": "x"}]})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_history"
    assert "unknown field" in response.json["error"]["message"]


def test_api_reads_a_follow_up_with_the_previous_topic_and_says_so(bot):
    client = create_app(Config(corpus=CORPUS, rate_limit=""), bot=bot).test_client()
    history = [{"question": "Can Botox help migraines?", "article": BOTOX}]
    data = client.post("/api/ask", json={"question": "what about my neck?", "history": history}).json
    assert data["assumed_topic"] == "Botox"
    assert data["status"] == "answered" and data["citations"][0]["section"] == "Upper Back and Neck Pain"
    alone = client.post("/api/ask", json={"question": "what about my neck?"}).json
    assert alone["assumed_topic"] is None


def test_a_follow_up_takes_the_topic_of_the_previous_article(eyes):
    history = (Turn("what is glaucoma?", article="Glaucoma"),)
    a = eyes.ask("how is it treated?", history)
    assert a.assumed_topic == "Glaucoma" and a.question == "how is it treated?"
    assert (a.citations[0].article, a.citations[0].section) in {("Glaucoma", "Treatment"),
                                                                ("Glaucoma", "Can glaucoma be treated?")}
    assert eyes.ask("how is it treated?").assumed_topic is None


def test_a_question_naming_its_own_topic_is_read_alone(eyes):
    history = (Turn("what is glaucoma?", article="Glaucoma"),)
    a = eyes.ask("how are cataracts treated?", history)
    assert a.assumed_topic is None
    assert a.citations[0].article == "Cataract"


def test_the_topic_goes_back_past_a_turn_without_one(eyes):
    history = (Turn("what is shingles?", article="Shingles"), Turn("thanks"))
    assert eyes.ask("is there a vaccine?", history).assumed_topic == "Shingles"


def test_urgent_and_small_talk_assume_nothing(eyes):
    history = (Turn("what is glaucoma?", article="Glaucoma"),)
    assert eyes.ask("thank you", history).assumed_topic is None
    urgent = eyes.ask("I suddenly can't see out of one eye", history)
    assert urgent.status == "urgent" and urgent.assumed_topic is None and not urgent.citations
