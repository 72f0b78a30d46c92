"""Hardening of the web API: rate limits, headers, logs and privacy, reloads, hostile input."""

from __future__ import annotations

import json
import logging

import pytest

from conftest import CORPUS, write_article
from qa_bot.config import Config
from qa_bot.webapp import create_app

HEAD = "---\ntitle: {t}\nsource: Clinic\nreviewed: 2026-01-02\n---\n"


@pytest.fixture
def client(bot):
    return create_app(Config(corpus=CORPUS, rate_limit=""), bot=bot).test_client()


def test_rate_limit_gives_json_429_with_retry_after(bot):
    client = create_app(Config(corpus=CORPUS, rate_limit="3 per minute"), bot=bot).test_client()
    responses = [client.post("/api/ask", json={"question": "botox for migraine"}) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert "Retry-After" not in responses[0].headers and responses[0].headers["X-RateLimit-Remaining"] == "2"
    refused = client.get("/api/health")  # one budget for the whole API
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    # another client address has its own budget
    other = client.get("/api/health", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200


def test_rate_limit_behind_a_trusted_proxy_uses_the_forwarded_address(bot):
    client = create_app(Config(corpus=CORPUS, rate_limit="1 per minute", trusted_proxies=1), bot=bot).test_client()
    assert client.get("/api/health", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    assert client.get("/api/health", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    assert client.get("/api/health", headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 200


@pytest.mark.parametrize("path, method", [("/", "GET"), ("/widget.js", "GET"), ("/api/ask", "POST"),
                                          ("/articles/botox-chronic-pain", "GET"), ("/api/nope", "GET")])
def test_security_headers_everywhere(client, path, method):
    response = client.open(path, method=method, json={"question": "botox"} if method == "POST" else None)
    h = response.headers
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"]
    csp = h["Content-Security-Policy"]
    assert "frame-ancestors" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "Server" not in h or "/" not in h["Server"]  # no version banner
    body = response.get_data(as_text=True)
    response.close()
    assert "Traceback" not in body and "/work/" not in body and ".py\"" not in body


def test_request_logs_are_json_without_the_question(client, caplog):
    with caplog.at_level(logging.INFO, logger="qa_bot.access"):
        client.post("/api/ask", json={"question": "botox for migraine? jane@example.com"})
    (record,) = [r for r in caplog.records if r.name == "qa_bot.access"]
    assert (record.method, record.path, record.status) == ("POST", "/api/ask", 200)
    assert record.answer in ("answered", "no_answer")
    assert record.ms >= 0
    assert not hasattr(record, "question")
    from qa_bot.logs import JsonFormatter

    line = json.loads(JsonFormatter().format(record))
    assert line["status"] == 200 and "jane" not in json.dumps(line)


def test_question_logging_when_turned_on_is_redacted(bot, caplog):
    client = create_app(Config(corpus=CORPUS, rate_limit="", log_questions=True), bot=bot).test_client()
    with caplog.at_level(logging.INFO, logger="qa_bot.access"):
        client.post("/api/ask", json={"question": "I'm Jane, call me on 555-123-4567 or jane@example.com"})
    (record,) = [r for r in caplog.records if r.name == "qa_bot.access"]
    assert record.question == "I'm [NAME], call me on [PHONE] or [EMAIL]"


def test_corpus_edits_are_served_without_a_restart(tmp_path):
    corpus = tmp_path / "corpus"
    write_article(corpus, "neck.md", HEAD.format(t="Neck pain") + "Stiff necks are common in office workers.\n")
    # No watcher (reload_interval < 0): reload_now() is what applies each edit here.
    app = create_app(Config(corpus=corpus, index_dir=tmp_path / "index", rate_limit="", reload_interval=-1,
                            min_score=0.05))
    client = app.test_client()
    assert client.get("/articles/acupuncture").status_code == 404
    write_article(corpus, "acupuncture.md", HEAD.format(t="Acupuncture") + "Acupuncture uses very fine needles.\n")
    live = app.extensions["qa_bot_live"]
    assert live.reload_now()
    assert client.get("/articles/acupuncture").status_code == 200
    answer = client.post("/api/ask", json={"question": "acupuncture needles"}).json
    assert answer["status"] == "answered" and answer["citations"][0]["article"] == "Acupuncture"
    # a broken edit: the last good index keeps serving, pages and answers alike
    (corpus / "acupuncture.md").write_text("---\ntitle: broken\n", encoding="utf-8")
    assert not live.reload_now()
    assert "acupuncture.md:1" in live.last_error
    assert client.get("/articles/acupuncture").status_code == 200
    assert client.post("/api/ask", json={"question": "acupuncture needles"}).json["status"] == "answered"


DEEP = "[" * 5000 + "]" * 5000
HOSTILE = [
    # (description, body bytes, content type, expected status, expected error code or answer status)
    ("huge JSON", json.dumps({"question": "x" * 20000}).encode(), "application/json", 413, "body_too_large"),
    ("deep nesting", DEEP.encode(), "application/json", 400, "invalid_json"),
    ("deep nesting in the field", ('{"question": ' + DEEP + "}").encode(), "application/json", 400, "invalid_json"),
    ("number", b'{"question": 42}', "application/json", 400, "wrong_type"),
    ("null", b'{"question": null}', "application/json", 400, "wrong_type"),
    ("list body", b'["botox"]', "application/json", 400, "invalid_json"),
    ("invalid UTF-8", b'{"question": "\xff\xfe bad"}', "application/json", 400, "invalid_json"),
    ("null bytes", json.dumps({"question": "botox\u0000 for\u0000 migraine"}).encode(), "application/json", 200, "answered"),
    ("only null bytes", json.dumps({"question": "\u0000\u0000"}).encode(), "application/json", 400, "invalid_question"),
    ("10,000-character word", json.dumps({"question": "a" * 10000}).encode(), "application/json", 400, "invalid_question"),
    ("long word under the limit", json.dumps({"question": "z" * 999}).encode(), "application/json", 200, "no_answer"),
    ("HTML payload", json.dumps({"question": "<img src=x onerror=alert(1)>"}).encode(), "application/json", 200, "no_answer"),
    # Markup is only text: the question is still about Botox for migraine, and no script runs.
    ("script payload", json.dumps({"question": "<script>alert('x')</script> botox migraine"}).encode(),
     "application/json", 200, "answered"),
    ("header injection", json.dumps({"question": "botox\r\nSet-Cookie: a=b\r\n"}).encode(), "application/json", 200, "no_answer"),
    ("form post", b"question=botox", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("empty body", b"", "application/json", 400, "invalid_json"),
    ("duplicate keys", b'{"question": 1, "question": "botox for migraine"}', "application/json", 200, "answered"),
    ("emoji", json.dumps({"question": "\U0001f600" * 50}).encode(), "application/json", 200, "no_answer"),
    ("lone surrogate", b'{"question": "\\ud800 botox for migraine"}', "application/json", 200, "answered"),
]


@pytest.mark.parametrize("what, body, ctype, status, outcome", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_inputs(bot, what, body, ctype, status, outcome):
    client = create_app(Config(corpus=CORPUS, rate_limit="", max_body_bytes=16384), bot=bot).test_client()
    response = client.post("/api/ask", data=body, content_type=ctype)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    data = response.json
    if status == 200:
        assert data["status"] == outcome
        assert "Set-Cookie" not in response.headers
    else:
        assert data["error"]["code"] == outcome and data["error"]["message"]


def test_a_large_knowledge_base_lists_only_the_first_articles(tmp_path):
    import json as _json

    from qa_bot.webapp import LISTED_ARTICLES

    kb = tmp_path / "kb.jsonl"
    kb.write_text("".join(_json.dumps({"id": f"r{i}", "title": f"Topic {i}", "text": f"Text about topic number {i}."}) + "\n"
                          for i in range(LISTED_ARTICLES + 25)), encoding="utf-8")
    client = create_app(Config(corpus=kb, index_dir=tmp_path / "index", rate_limit="")).test_client()
    data = client.get("/api/topics").json
    assert len(data["articles"]) == LISTED_ARTICLES and data["total_articles"] == LISTED_ARTICLES + 25
    home = client.get("/").get_data(as_text=True)
    assert home.count('class="toc"') == LISTED_ARTICLES and "25 more articles" in home
