"""Property-based fuzzing of the HTTP API from its own OpenAPI description (schemathesis).

The description the app serves at ``/api/openapi.json`` (``web/openapi.json``) drives the
generator: for every documented operation schemathesis sends valid requests (positive mode) and
requests that break the description (negative mode: wrong types, missing fields, other media
types, unsupported methods), in-process through the WSGI app. Every response must be a non-5xx,
use a documented status and content type, and match the documented schema; invalid requests must
be refused with a 4xx.

One check is replaced with an exact one: the description cannot say that a question of nothing
but spaces or control characters is refused, so "valid data is accepted" is decided by the bot's
own ``clean_question`` (400 ``invalid_question`` when it refuses the text, 200 otherwise), and
likewise for the ``history`` by ``parse_history`` (400 ``invalid_history``: a blank or over-long
earlier question).
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from conftest import CORPUS
from qa_bot.answer import clean_question
from qa_bot.config import PROJECT_ROOT, Config
from qa_bot.errors import UsageError
from qa_bot.followup import parse_history
from qa_bot.webapp import create_app

MAX_EXAMPLES = 200  # per operation and generation mode: a couple of seconds each, well under a minute in all


SPEC_FILE = PROJECT_ROOT / "web" / "openapi.json"
# Loaded from the file, not fetched from an app at import: building the app needs the session's bot
# fixture. (schemathesis.pytest.from_fixture would fetch it lazily, but schemathesis 4.32 reads a
# private pytest attribute, Function._nodeid, that pytest 9 no longer has.) The test below checks
# that the app serves this very description.
schema = schemathesis.openapi.from_dict(json.loads(SPEC_FILE.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def app(bot):
    # No rate limit: the fuzzer asks far faster than patients do (429 is documented all the same).
    return create_app(Config(corpus=CORPUS, rate_limit=""), bot=bot)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          # the module's app is shared on purpose: loading an index per example is pointless
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_api_conforms_to_its_openapi_description(app, case):
    response = case.call(app=app)
    assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
    if response.status_code == 413:  # a body over the limit is refused before it is read, valid or not
        assert len(response.request.body or b"") > Config().max_body_bytes, response.request.body[:100]
        assert response.json()["error"]["code"] == "body_too_large"
        return  # (schemathesis counts 413 as no rejection of schema-violating data)
    # Checks that send follow-up requests (e.g. an unsupported method) must reach the same app.
    case.validate_response(response, excluded_checks=[schemathesis.checks.positive_data_acceptance],
                           transport_kwargs={"app": app})
    if case.meta is not None and case.meta.generation.mode.is_positive:
        expected_status(case, response)


def expected_status(case, response) -> None:
    """A schema-valid request gets 200, except a question the bot refuses as empty or too long, and
    feedback: the fuzzer cannot know an answer id (404), nor that a reason goes only with "not helpful"."""
    if (case.method, case.path) == ("POST", "/api/feedback"):
        refused = case.body["helpful"] and "reason" in case.body
        assert response.status_code == (400 if refused else 404), (case.body, response.status_code)
        assert response.json()["error"]["code"] == ("invalid_feedback" if refused else "unknown_answer")
        return
    if (case.method, case.path) != ("POST", "/api/ask"):
        assert response.status_code == 200, (case.method, case.path, response.status_code)
        return
    limit = Config().max_question_chars
    try:
        parse_history(case.body.get("history", []), limit)
    except UsageError:
        assert response.status_code == 400, (case.body, response.status_code)
        assert response.json()["error"]["code"] == "invalid_history"
        return
    try:
        clean_question(case.body["question"], limit)
    except UsageError:
        assert response.status_code == 400, (case.body, response.status_code)
        assert response.json()["error"]["code"] == "invalid_question"
    else:
        assert response.status_code == 200, (case.body, response.status_code, response.text[:300])
        assert response.json()["disclaimer"]


def test_the_fuzzed_description_is_the_one_the_app_serves(app):
    """Guards the test above against fuzzing a stale file or nothing at all."""
    served = app.test_client().get("/api/openapi.json").json
    assert served["paths"] == schema.raw_schema["paths"]
    assert served["components"] == schema.raw_schema["components"]
    operations = {(op.method.upper(), op.path) for op in (r.ok() for r in schema.get_all_operations())}
    assert operations == {("POST", "/api/ask"), ("POST", "/api/feedback"), ("GET", "/api/health"), ("GET", "/api/topics"),
                          ("GET", "/api/openapi.json")}


@pytest.mark.parametrize("method, path, body", [("POST", "/api/ask", {"question": "How does Botox work?"}),
                                                ("GET", "/api/health", None), ("GET", "/api/topics", None)])
def test_rate_limited_responses_conform_too(bot, method, path, body):
    """The fuzzer runs without a limit; this checks the documented 429 (JSON error, Retry-After)."""
    limited = create_app(Config(corpus=CORPUS, rate_limit="1 per minute"), bot=bot)
    operation = schema[path][method]
    kwargs = {} if body is None else {"body": body, "media_type": "application/json"}
    first, second = (operation.Case(**kwargs).call(app=limited) for _ in range(2))
    assert (first.status_code, second.status_code) == (200, 429)
    operation.Case(**kwargs).validate_response(second, transport_kwargs={"app": limited})
    assert int(second.headers["retry-after"][0]) > 0  # schemathesis keeps headers in wire form: lowercase, listed
    assert second.json()["error"]["code"] == "rate_limited"
