"""Answers recorded from the web app and POST /api/feedback, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conftest import CORPUS
from pg import database, postgres  # noqa: F401  (fixtures)
from qa_bot.answer import Answer, Citation
from qa_bot.config import Config
from qa_bot.feedback import parse_feedback, reason_code
from qa_bot.errors import UsageError
from qa_bot.store.schema import answers, citations, feedback
from qa_bot.webapp import create_app


@pytest.fixture
def app(bot, database, tmp_path):
    app = create_app(Config(corpus=CORPUS, rate_limit="", data_dir=database.data_dir,
                            database_url=database.url), bot=bot)
    yield app
    app.extensions["qa_bot_recorder"].close()


def table(app, which: sa.Table) -> list[dict]:
    store = app.extensions["qa_bot_recorder"].store
    store.flush()
    with store.reading() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(which))]


def ask(client, question: str) -> dict:
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200
    return response.json


def test_each_answer_is_recorded_without_its_question_and_feedback_counts(app):
    client = app.test_client()
    first = ask(client, "Can Botox help with chronic migraines?")
    urgent = ask(client, "I think I'm having a stroke")
    response = client.post("/api/feedback", json={"answer_id": first["id"], "helpful": False, "reason": "wrong_topic"})
    assert (response.status_code, response.json) == (200, {"status": "recorded"})
    stored = {r["id"]: r for r in table(app, answers)}
    assert stored[first["id"]]["status"] == "answered" and stored[first["id"]]["reason"] == "answered"
    assert stored[first["id"]]["confidence"] == first["citations"][0]["score"]
    assert stored[urgent["id"]]["reason"] == "urgent:stroke"
    assert all(r["question"] is None for r in stored.values())  # log_questions is off by default
    cited = [(c["article"], c["section"]) for c in table(app, citations) if c["answer_id"] == first["id"]]
    assert cited == [(c["article"], c["section"]) for c in first["citations"]]
    assert [(f["answer_id"], f["helpful"], f["reason"]) for f in table(app, feedback)] == [(first["id"], False, "wrong_topic")]
    health = client.get("/api/health").json["store"]
    assert health["written"] == 2 and health["lost"] == 0 and not health["failing"]


def test_unknown_answer_id_is_404_and_bad_bodies_are_400(app):
    client = app.test_client()
    known = ask(client, "hello")["id"]
    for body in ({"answer_id": "0" * 32, "helpful": True}, {"answer_id": "not-an-id", "helpful": False}):
        response = client.post("/api/feedback", json=body)
        assert response.status_code == 404 and response.json["error"]["code"] == "unknown_answer"
    for body in ({"answer_id": known}, {"answer_id": known, "helpful": "yes"}, {"helpful": True},
                 {"answer_id": known, "helpful": True, "reason": "wrong_topic"},
                 {"answer_id": known, "helpful": False, "reason": "because"},
                 {"answer_id": known, "helpful": False, "name": "Quentin"}, ["x"]):
        response = client.post("/api/feedback", json=body)
        assert response.status_code == 400 and response.json["error"]["code"] == "invalid_feedback", body
    assert table(app, feedback) == []


def test_feedback_is_rate_limited(bot, tmp_path):
    app = create_app(Config(corpus=CORPUS, rate_limit="3 per minute", data_dir=tmp_path), bot=bot)
    client = app.test_client()
    answer_id = ask(client, "hello")["id"]
    codes = [client.post("/api/feedback", json={"answer_id": answer_id, "helpful": True}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_with_storage_off_nothing_is_recorded_and_feedback_is_404(bot, tmp_path):
    app = create_app(Config(corpus=CORPUS, rate_limit="", storage=False, data_dir=tmp_path / "data"), bot=bot)
    client = app.test_client()
    answer_id = ask(client, "hello")["id"]
    assert client.post("/api/feedback", json={"answer_id": answer_id, "helpful": True}).status_code == 404
    assert "store" not in client.get("/api/health").json and not (tmp_path / "data").exists()


def _answer(status: str, reason: str, cited: int = 0) -> Answer:
    return Answer("q", status, "a", tuple(Citation("A", "S", "/a#s", "p", 0.5) for _ in range(cited)), "d", reason)


@pytest.mark.parametrize("status, reason, code", [
    ("urgent", "stroke", "urgent:stroke"),
    ("urgent", "racing heart with faintness", "urgent:racing_heart_with_faintness"),
    ("smalltalk", "small talk", "smalltalk"),
    ("answered", "dense 0.6, coverage 1.00", "answered"),
    ("answered", "1 of 2 questions answered; not answered: 'my zanzibar rash?' (no matching words)", "answered:partly"),
    ("no_answer", "not covered: cost and payment", "not_covered:cost_and_payment"),
    ("no_answer", "personal question: dose", "clinician:dose"),
    ("no_answer", "not discussed in the sections found: zanzibar", "not_discussed"),
    ("no_answer", "no matching words", "no_match"),
    ("no_answer", "best score 0.050, coverage 0.20 (need 0.12, 0.5); unknown words: quentin", "low_confidence"),
])
def test_reason_codes_hold_only_qa_bots_own_words(status, reason, code):
    assert reason_code(_answer(status, reason)) == code


def test_parse_feedback():
    assert parse_feedback({"answer_id": "a" * 32, "helpful": False, "reason": "out_of_date"}) == ("a" * 32, False, "out_of_date")
    with pytest.raises(UsageError, match="must be one of"):
        parse_feedback({"answer_id": "a", "helpful": False, "reason": "didnt_answer"})


def test_chat_records_feedback_on_the_last_answer(tmp_path, monkeypatch, capsys):
    import io
    import sqlite3

    from qa_bot import cli

    lines = ["/helpful", "Can Botox help with chronic migraines?", "/not-helpful because", "/not-helpful out_of_date", "quit"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    data = tmp_path / "data"
    monkeypatch.setenv("QA_BOT_DATA_DIR", str(data))
    assert cli.main(["--corpus", str(CORPUS), "--index-dir", str(tmp_path / "index"), "chat"]) == 0
    out = capsys.readouterr().out
    assert "ask a question first" in out and "one of: wrong_topic" in out and out.count("feedback recorded") == 1
    db = sqlite3.connect(data / "qa-bot.sqlite3")
    assert db.execute("SELECT status, question FROM answers").fetchall() == [("answered", None)]
    assert db.execute("SELECT helpful, reason FROM feedback").fetchall() == [(0, "out_of_date")]
