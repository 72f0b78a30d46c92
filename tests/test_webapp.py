"""The web app: API contract and errors, CORS, OpenAPI, demo pages, widget files and the server."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder, run_wsgi_app

from qa_bot import cli, server
from qa_bot.config import PROJECT_ROOT, Config
from qa_bot.corpus import load_corpus
from qa_bot.errors import ConfigError
from qa_bot.webapp import PAGE_CSP, create_app

from conftest import CORPUS, write_article

GOOD_ORIGIN = "https://partner.example"


@pytest.fixture
def app(bot):
    return create_app(Config(corpus=CORPUS, cors_origins=(GOOD_ORIGIN,), max_body_bytes=4096, rate_limit=""), bot=bot)


@pytest.fixture
def client(app):
    return app.test_client()


# --- the contract: the API says exactly what the CLI says ---------------------------------------

def test_ask_matches_cli_json_for_every_dev_question(config, dev_cases, monkeypatch, capsys):
    questions = [case["question"] for case in dev_cases]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(questions) + "\n"))
    assert cli.main(["--index-dir", str(config.index_dir), "ask", "--json", "-"]) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(printed) == len(questions)

    client = create_app(config).test_client()  # opens the index the CLI just built
    for question, expected in zip(questions, printed):
        response = client.post("/api/ask", json={"question": question})
        assert response.status_code == 200
        got = response.json
        assert got.pop("id") != expected.pop("id"), question  # each answer its own random id
        assert got == expected, question
    assert {p["status"] for p in printed} >= {"answered", "urgent"}


def test_ask_keeps_the_contract_field_order(client):
    body = client.post("/api/ask", json={"question": "How does Botox work?"}).get_data(as_text=True)
    assert list(json.loads(body)) == ["id", "question", "status", "answer", "citations", "suggestions", "assumed_topic",
                                      "disclaimer"]


def test_index_is_loaded_once_per_app_not_per_request(config, monkeypatch):
    from qa_bot.answer import Bot

    calls = []
    real = Bot.from_config.__func__
    monkeypatch.setattr(Bot, "from_config", classmethod(lambda cls, c: calls.append(c) or real(cls, c)))
    client = create_app(config).test_client()
    for _ in range(5):
        assert client.post("/api/ask", json={"question": "migraine"}).status_code == 200
    assert len(calls) == 1


def test_health_reports_the_index(client, bot):
    data = client.get("/api/health").json
    assert data["status"] == "ok"
    m = bot.index.manifest
    assert (data["articles"], data["sections"], data["built_at"]) == (m["articles"], m["sections"], m["built_at"])


def test_topics_list_every_section_and_suggest_answerable_questions(client, corpus, bot):
    data = client.get("/api/topics").json
    got = [(a["slug"], s["title"], s["url"]) for a in data["articles"] for s in a["sections"]]
    assert got == [(s.article_slug, s.title, s.url) for s in corpus.sections]
    assert 1 <= len(data["suggestions"]) <= 3
    assert data["suggestions"] == [s.text for s in bot.starters]
    assert data["max_question_chars"] == bot.config.max_question_chars  # the widget's box stops there
    for starter in bot.starters:  # each is answered from the section it was made from
        assert starter.text.endswith("?") and not starter.text.startswith("Tell me about")
        answer = client.post("/api/ask", json={"question": starter.text}).json
        assert answer["status"] == "answered", starter
        assert starter.url in [c["url"] for c in answer["citations"]], (starter, answer["citations"])


# --- errors: always JSON, always the right status -------------------------------------------------

BAD_REQUESTS = [
    # (method, path, request kwargs, status, code, words the message must contain)
    ("post", "/api/ask", {"data": "{not json", "content_type": "application/json"}, 400, "invalid_json", "JSON"),
    ("post", "/api/ask", {"data": b"\xff\xfe", "content_type": "application/json"}, 400, "invalid_json", "JSON"),
    ("post", "/api/ask", {"json": ["question"]}, 400, "invalid_json", "object"),
    ("post", "/api/ask", {"json": {}}, 400, "missing_field", '"question"'),
    ("post", "/api/ask", {"json": {"q": "botox"}}, 400, "missing_field", '"question"'),
    ("post", "/api/ask", {"json": {"question": 42}}, 400, "wrong_type", "a number"),
    ("post", "/api/ask", {"json": {"question": None}}, 400, "wrong_type", "null"),
    ("post", "/api/ask", {"json": {"question": ["a"]}}, 400, "wrong_type", "an array"),
    ("post", "/api/ask", {"json": {"question": "   "}}, 400, "invalid_question", "empty"),
    ("post", "/api/ask", {"json": {"question": "a" * 1001}}, 400, "invalid_question", "limit is 1000"),
    ("post", "/api/ask", {"json": {"question": "a" * 5000}}, 413, "body_too_large", "4096 bytes"),
    ("post", "/api/ask", {"data": "question=botox", "content_type": "application/x-www-form-urlencoded"}, 415,
     "unsupported_media_type", "application/json"),
    ("get", "/api/ask", {}, 405, "method_not_allowed", "GET"),
    ("put", "/api/health", {}, 405, "method_not_allowed", "PUT"),
    ("delete", "/api/topics", {}, 405, "method_not_allowed", "DELETE"),
    ("get", "/api/nope", {}, 404, "not_found", "/api/nope"),
    ("post", "/api/", {}, 404, "not_found", "/api/"),
    ("get", "/api/ask/extra", {}, 404, "not_found", "/api/ask/extra"),
]


@pytest.mark.parametrize("method,path,kwargs,status,code,words", BAD_REQUESTS)
def test_bad_requests_get_their_status_and_a_json_error(client, method, path, kwargs, status, code, words):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.json == {"error": {"code": code, "message": response.json["error"]["message"]}}
    assert words in response.json["error"]["message"]
    text = response.get_data(as_text=True)
    assert "<html" not in text.lower() and "Traceback" not in text


def post_chunked(app, body: bytes) -> tuple[int, dict]:
    """POST /api/ask as a WSGI server passes on a chunked body: no Content-Length, a stream that ends
    by itself. (The test client always sends a Content-Length.)"""
    environ = EnvironBuilder(path="/api/ask", method="POST", data=body, content_type="application/json").get_environ()
    del environ["CONTENT_LENGTH"]
    environ.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    chunks, status, _ = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), json.loads(b"".join(chunks))


@pytest.mark.parametrize("size, status", [(4095, 200), (4096, 200), (4097, 413), (51_000, 413)])
def test_chunked_body_over_limit_is_413(app, client, size, status):
    # Padding after the question: the body would still parse if it were cut at the limit (4096 here).
    question = b'{"question": "How does Botox work?"}'
    body = question + b" " * (size - len(question))
    with_length = client.post("/api/ask", data=body, content_type="application/json")
    for got, data in [post_chunked(app, body), (with_length.status_code, with_length.json)]:
        assert got == status
        if status == 413:
            assert data["error"] == {"code": "body_too_large", "message": "the request body is over the limit of 4096 bytes"}
        else:
            assert data["status"] == "answered"


def test_405_names_the_allowed_methods(client):
    assert client.get("/api/ask").headers["Allow"] == "OPTIONS, POST"


def test_unexpected_failure_is_a_json_500_without_traceback(app, client, monkeypatch):
    def broken(question):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(app.extensions["qa_bot_live"].get(), "ask", broken)
    response = client.post("/api/ask", json={"question": "botox"})
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_error"
    assert "secret" not in response.get_data(as_text=True)


def test_site_pages_keep_html_errors(client):
    response = client.get("/articles/no-such-article")
    assert response.status_code == 404 and response.mimetype == "text/html"


# --- CORS ----------------------------------------------------------------------------------------

def _preflight(client, origin):
    return client.options("/api/ask", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})


def test_configured_origin_may_call_the_api(client):
    pre = _preflight(client, GOOD_ORIGIN)
    assert pre.headers["Access-Control-Allow-Origin"] == GOOD_ORIGIN
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "content-type" in pre.headers["Access-Control-Allow-Headers"].lower()
    post = client.post("/api/ask", json={"question": "botox"}, headers={"Origin": GOOD_ORIGIN})
    assert post.headers["Access-Control-Allow-Origin"] == GOOD_ORIGIN
    assert "Origin" in post.headers["Vary"]


@pytest.mark.parametrize("origin", ["https://evil.example", "https://partner.example.evil.example",
                                    "http://partner.example", "null"])
def test_unconfigured_origin_gets_no_cors_permission(client, origin):
    for response in (_preflight(client, origin),
                     client.post("/api/ask", json={"question": "botox"}, headers={"Origin": origin}),
                     client.get("/api/topics", headers={"Origin": origin})):
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Access-Control-Allow-Methods" not in response.headers


def test_the_sites_own_pages_may_always_call_the_api(bot):
    client = create_app(Config(corpus=CORPUS, rate_limit=""), bot=bot).test_client()  # no origins configured
    response = client.post("/api/ask", json={"question": "botox"}, headers={"Origin": "http://localhost"})
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost"


def test_star_allows_any_origin(bot):
    client = create_app(Config(corpus=CORPUS, cors_origins=("*",), rate_limit=""), bot=bot).test_client()
    assert _preflight(client, "https://anyone.example").headers["Access-Control-Allow-Origin"] == "https://anyone.example"


# --- OpenAPI: the description matches the app ---------------------------------------------------

def _check(schema, value, spec, where="$"):
    """A small JSON Schema check (type, enum, required, properties, items, $ref): enough for our spec."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _check(spec["components"]["schemas"][name], value, spec, where)
    types = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float), "boolean": bool}
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        assert any(value is None if t == "null" else isinstance(value, types[t]) and not (t != "boolean" and isinstance(value, bool))
                   for t in allowed), where
    if "enum" in schema:
        assert value in schema["enum"], where
    for key in schema.get("required", []):
        assert key in value, f"{where}.{key} missing"
    for key, sub in schema.get("properties", {}).items():
        if isinstance(value, dict) and key in value:
            _check(sub, value[key], spec, f"{where}.{key}")
    if "items" in schema:
        for i, item in enumerate(value):
            _check(schema["items"], item, spec, f"{where}[{i}]")


def test_openapi_paths_are_exactly_the_apps_api_routes(app, client):
    spec = client.get("/api/openapi.json").json
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    routed = {(rule.rule, method) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed
    assert spec["openapi"].startswith("3.") and spec["info"]["version"]


@pytest.mark.parametrize("method,path,kwargs", [
    ("post", "/api/ask", {"json": {"question": "How does Botox work?"}}),
    ("post", "/api/ask", {"json": {"question": "my chest hurts and I'm short of breath"}}),
    ("post", "/api/ask", {"json": {"question": "what is the price of a car"}}),
    ("get", "/api/health", {}),
    ("get", "/api/topics", {}),
] + [(m, p, k) for m, p, k, *_ in BAD_REQUESTS])
def test_responses_match_their_openapi_description(client, method, path, kwargs):
    spec = client.get("/api/openapi.json").json
    response = getattr(client, method)(path, **kwargs)
    operation = spec["paths"].get(path, {}).get(method)
    if operation is None:  # unknown route or method: the generic error shape
        assert response.status_code in (404, 405)
        return _check({"$ref": "#/components/schemas/Error"}, response.json, spec)
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method.upper()} {path} answered {response.status_code}, which is not documented"
    _check(documented["content"]["application/json"]["schema"], response.json, spec)


# --- demo site and widget files -------------------------------------------------------------------

def test_home_lists_every_article(client, corpus):
    html = client.get("/").get_data(as_text=True)
    for article in corpus.articles:
        assert f'href="{article.url}"' in html


def test_article_page_has_an_anchor_for_every_citation_url(client, corpus):
    for article in corpus.articles:
        html = client.get(article.url).get_data(as_text=True)
        for section in article.sections:
            assert html.count(f'id="{section.anchor}"') == 1, section.anchor


def test_pages_are_strict_csp_and_embed_the_widget_with_one_tag(client):
    for path in ("/", "/articles/botox-chronic-pain"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert csp == PAGE_CSP and "unsafe" not in csp and "script-src 'self'" in csp
        html = response.get_data(as_text=True)
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/widget.js" defer>']
        assert "<style" not in html and " style=" not in html and re.search(r"<script[^>]*>\s*[^<\s]", html) is None


@pytest.mark.parametrize("public_url, tag", [
    ("", '<script src="/widget.js" defer>'),  # the widget then talks to the server the page came from
    ("https://clinic.example/", '<script src="https://clinic.example/widget.js" data-api="https://clinic.example" defer>'),
])
def test_the_widget_tag_never_comes_from_the_host_header(bot, public_url, tag):
    client = create_app(Config(corpus=CORPUS, rate_limit="", public_url=public_url), bot=bot).test_client()
    for path in ("/", "/articles/botox-chronic-pain"):
        html = client.get(path, headers={"Host": "evil.example"}).get_data(as_text=True)
        assert re.findall(r"<script[^>]*>", html) == [tag]
        assert "evil.example" not in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example", "https://clinic.example/?next=x",
                                 "http://clinic.example:99999", "clinic.example"])
def test_a_public_url_that_is_not_a_site_address_is_refused(url):
    with pytest.raises(ConfigError, match="public_url"):
        Config(public_url=url)


def test_article_markdown_is_rendered_safely(tmp_path):
    corpus = tmp_path / "corpus"
    write_article(corpus, "a.md", "---\ntitle: Safe\nsource: Test\nreviewed: 2026-01-01\n---\n"
                  "Hello <script>alert(1)</script> **bold**.\n\n## Side Effects?\n\nSome *text*.\n")
    write_article(corpus, "b.md", "---\ntitle: No intro\nsource: Test\nreviewed: 2026-01-01\n---\n"
                  "## Only Section\n\nText.\n")
    client = create_app(Config(corpus=corpus, index_dir=tmp_path / "index", rate_limit="")).test_client()
    html = client.get("/articles/a").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<strong>bold</strong>" in html
    assert '<div id="introduction" class="intro">' in html and '<h2 id="side-effects">' in html
    assert 'id="introduction"' not in client.get("/articles/b").get_data(as_text=True)
    assert {a.slug for a in load_corpus(corpus).articles} == {"a", "b"}


def test_widget_files_are_served_for_any_site(client):
    with client.get("/widget.js") as js, client.get("/widget.css") as css:
        assert js.mimetype in ("text/javascript", "application/javascript") and css.mimetype == "text/css"
        assert js.headers["Access-Control-Allow-Origin"] == "*"
        source = re.sub(r"/\*.*?\*/|(?<![:\"])//[^\n]*", "", js.get_data(as_text=True), flags=re.S)  # code only
    # All text goes in with textContent; nothing in the widget parses HTML or code from strings.
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert risky not in source


# --- the server -----------------------------------------------------------------------------------

def test_serve_command_passes_host_port_and_workers(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(server, "serve", lambda config, debug=False: seen.update(config=config, debug=debug) or 0)
    assert cli.main(["--index-dir", str(tmp_path), "serve", "--host", "0.0.0.0", "--port", "9999", "--workers", "3"]) == 0
    assert (seen["config"].host, seen["config"].port, seen["config"].workers, seen["debug"]) == ("0.0.0.0", 9999, 3, False)


def test_defaults_work_on_a_fresh_clone():
    c = Config()
    assert (c.host, c.port, c.workers) == ("127.0.0.1", 8000, 2)


def test_gunicorn_gets_its_options_from_config(config):
    gunicorn = server.QaBotServer(config.replace(host="127.0.0.1", port=8123, workers=3))
    assert gunicorn.cfg.bind == ["127.0.0.1:8123"] and gunicorn.cfg.workers == 3
    assert gunicorn.cfg.preload_app is False  # each worker loads the index once, after the fork
    assert isinstance(gunicorn.load(), Flask)


def test_debug_uses_flasks_development_server(config, monkeypatch):
    runs = []
    monkeypatch.setattr(Flask, "run", lambda self, **kw: runs.append(kw))
    monkeypatch.setattr(server.QaBotServer, "run", lambda self: pytest.fail("gunicorn must not run with --debug"))
    assert server.serve(config, debug=True) == 0
    assert runs and runs[0]["debug"] is True and runs[0]["port"] == config.port


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_qa_bot_serve_runs_gunicorn(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_BOT_")}
    cmd = [sys.executable, "-m", "qa_bot.cli", "--index-dir", str(tmp_path / "index"), "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:  # poll until the workers accept connections
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                    assert json.load(r)["status"] == "ok"
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "qa-bot serve did not start within 30 s"
                time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/articles/botox-chronic-pain", timeout=5) as r:
            assert "widget.js" in r.read().decode()
    finally:
        proc.terminate()
        output = proc.communicate(timeout=15)[0]
    assert "gunicorn" in output.lower() and "gthread" in output

