"""Answers recorded from the web app and POST /api/feedback, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import json

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


# -- end to end: `qa-bot serve` with the store ----------------------------------------------------------


def _served(tmp_path, database, **settings):
    from test_serve import Served

    return Served(tmp_path, workers=1, QA_BOT_DATA_DIR=str(database.data_dir),
                  QA_BOT_DATABASE_URL=database.url, **settings)


def _store_health(served) -> dict:
    import json

    return json.loads(served.request("GET", "/api/health")[2])["store"]


def test_serve_answers_every_request_while_the_database_is_gone_and_recovers(database, tmp_path):
    """The fault test: 200 requests during an outage (PostgreSQL stopped; SQLite's folder moved away:
    root ignores a read-only file) all get their answer; the lost writes are counted; writing resumes."""
    from test_serve import poll
    from test_store import Outage

    served = _served(tmp_path / "serve", database)
    try:
        questions = ["Can Botox help with chronic migraines?", "what does botox cost", "hello"]
        assert all(served.ask(q)[0] == 200 for q in questions * 5)
        poll(lambda: _store_health(served)["written"] == 15, 30, what="15 answers written")
        outage = Outage(database)
        outage.begin()
        try:
            replies = [served.ask(questions[i % 3]) for i in range(200)]
            assert [status for status, _ in replies] == [200] * 200
            assert all(body["answer"] and body["disclaimer"] for _, body in replies)
            health = poll(lambda: (h := _store_health(served))["lost"] == 200 and h["pending"] == 0 and h,
                          90, what="200 lost writes counted")
            assert health["failing"] and health["written"] == 15
            status, _, body = served.request("GET", "/api/health")
            assert status == 200
        finally:
            outage.end()
        after = [served.ask("Can Botox help with chronic migraines?")[1] for _ in range(5)]
        health = poll(lambda: (h := _store_health(served))["written"] == 20 and h, 60, what="writes resumed")
        assert health["lost"] == 200 and not health["failing"]
        conn = served.connection()
        conn.request("POST", "/api/feedback", body=json.dumps({"answer_id": after[0]["id"], "helpful": True}),
                     headers={"Content-Type": "application/json"})
        assert conn.getresponse().status == 200
        conn.close()
        log = served.stderr()
        assert log.count("writes are failing") == 1 and "writes work again; 200 lost since start" in log
        # Stopped at once (a deploy, a restart): what the worker still had queued is written on its way out.
        assert all(served.ask("hello")[0] == 200 for _ in range(10))
    finally:
        served.stop()
    store = database.open()
    with store.reading() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(answers)).scalar_one() == 30
    store.close()


def test_serve_stores_no_question_by_default_and_only_redacted_with_log_questions(tmp_path):
    """The privacy test, end to end over HTTP on SQLite: a distinctive question is nowhere in the data
    folder, the index folder or the logs by default; with log_questions only redacted, and gone after
    the retention purge."""
    from datetime import datetime, timedelta, timezone

    from pg import Database
    from test_store import folder_bytes

    distinctive = "Does botox help my zanzibarquokka elbow flutter"
    identifying = "my name is Quentin Zarkovsky, email qz.flutter@example.org"
    for log_questions in ("false", "true"):
        work = tmp_path / log_questions
        database = Database(work / "data")
        served = _served(work / "serve", database, QA_BOT_LOG_QUESTIONS=log_questions)
        try:
            for question in (distinctive, f"{identifying}. {distinctive}?"):
                status, body = served.ask(question)
                assert status == 200
                conn = served.connection()
                conn.request("POST", "/api/feedback", body=json.dumps({"answer_id": body["id"], "helpful": False}),
                             headers={"Content-Type": "application/json"})
                assert conn.getresponse().status == 200
                conn.close()
        finally:
            served.stop()
        stored = folder_bytes(work / "data")
        everything = stored + folder_bytes(work / "serve" / "index") + served.stderr().encode()
        assert b"Zarkovsky" not in everything and b"qz.flutter" not in everything
        assert stored and b"zanzibarquokka" not in folder_bytes(work / "serve" / "index")
        if log_questions == "false":
            assert b"zanzibarquokka" not in everything
            continue
        assert b"zanzibarquokka" in stored and b"[EMAIL]" in stored  # kept, redacted
        store = database.open(log_questions=True)
        assert store.purge(now=datetime.now(timezone.utc) + timedelta(days=91)) == 2
        store.close()
        assert b"zanzibarquokka" not in folder_bytes(work / "data")
