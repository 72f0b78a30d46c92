"""The staff page: off without a secret key, a login with a hashed password, CSRF, lock-out, the report."""

from __future__ import annotations

import logging
import re

import pytest

from conftest import CORPUS
from qa_bot import cli
from qa_bot.config import Config
from qa_bot.errors import ConfigError, UsageError
from qa_bot.staff import bars, new_user_entry, volume_chart
from qa_bot.webapp import PAGE_CSP, create_app

PASSWORD = "correct horse battery"
KEY = "k" * 32


@pytest.fixture(scope="module")
def entry():
    return new_user_entry("nurse.kim", PASSWORD)


@pytest.fixture
def app(bot, tmp_path, entry):
    app = create_app(Config(corpus=CORPUS, rate_limit="", data_dir=tmp_path, staff_secret_key=KEY,
                            staff_users=(entry,)), bot=bot)
    yield app
    app.extensions["qa_bot_recorder"].close()


def csrf(client, path="/staff/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def log_in(client, password=PASSWORD, name="nurse.kim"):
    return client.post("/staff/login", data={"csrf": csrf(client), "username": name, "password": password})


def staff_routes(app) -> list[tuple[str, str]]:
    return [(method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff")
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def test_without_a_secret_key_staff_is_a_plain_404(bot, tmp_path, entry):
    app = create_app(Config(corpus=CORPUS, data_dir=tmp_path, staff_users=(entry,)), bot=bot)
    client = app.test_client()
    for path in ("/staff", "/staff/", "/staff/login"):
        response = client.get(path)
        assert response.status_code == 404 and b"staff" not in response.data.lower()
    assert staff_routes(app) == []


def test_every_staff_route_without_a_session_redirects_to_login_or_401(app):
    client = app.test_client()
    routes = staff_routes(app)
    assert {path for _, path in routes} >= {"/staff/", "/staff/login", "/staff/logout"}
    token = csrf(client)  # a valid CSRF token, but no login: still refused
    for method, path in routes:
        if path == "/staff/login":
            continue
        response = client.open(path, method=method, data={"csrf": token})
        if method == "GET":
            assert response.status_code == 302 and response.location.endswith("/staff/login"), path
        else:
            assert response.status_code == 401, (method, path)
        assert b"answers" not in response.data


def test_log_in_see_the_report_and_log_out(app):
    client = app.test_client()
    answer = client.post("/api/ask", json={"question": "Can Botox help with chronic migraines?"}).json
    client.post("/api/feedback", json={"answer_id": answer["id"], "helpful": False, "reason": "out_of_date"})
    response = log_in(client)
    assert response.status_code == 302 and response.location.endswith("/staff/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie and "Path=/staff" in cookie
    page = client.get("/staff/")
    assert page.status_code == 200 and page.headers["Content-Security-Policy"] == PAGE_CSP
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert re.search(r'id="not-helpful">1<', html) and re.search(r'id="answers">1<', html)
    assert "<svg" in html and "<script" not in html and "style=" not in html
    assert answer["citations"][0]["section"] in html
    token = csrf(client, "/staff/")
    assert client.post("/staff/logout", data={"csrf": token}).status_code == 302
    assert client.get("/staff/").status_code == 302


def test_wrong_passwords_ten_times_give_429_and_the_lockout_is_logged(app, caplog):
    client = app.test_client()
    with caplog.at_level(logging.WARNING, "qa_bot.staff"):
        codes = [log_in(client, "wrong password!").status_code for _ in range(10)]
    assert codes == [401] * 9 + [429]
    assert log_in(client).status_code == 429  # the right password too, until the window ends
    assert "locked out" in caplog.text and PASSWORD not in caplog.text


def test_an_unknown_name_is_refused_like_a_wrong_password(app):
    assert log_in(app.test_client(), name="nobody").status_code == 401


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_missing_or_forged_csrf_token_is_refused(app, token):
    client = app.test_client()
    csrf(client)  # the session has a token; the form does not send it
    data = {"username": "nurse.kim", "password": PASSWORD}
    if token is not None:
        data["csrf"] = token
    assert client.post("/staff/login", data=data).status_code == 400
    assert log_in(client).status_code == 302  # the same login with the token works
    assert client.post("/staff/logout", data={"csrf": "forged-token"}).status_code == 400
    assert client.get("/staff/").status_code == 200  # still logged in: the forged logout did nothing


def test_debug_serves_the_cookie_without_secure(bot, tmp_path, entry):
    app = create_app(Config(corpus=CORPUS, data_dir=tmp_path, staff_secret_key=KEY, staff_users=(entry,)),
                     bot=bot, debug=True)
    response = log_in(app.test_client())
    assert response.status_code == 302 and "Secure" not in response.headers["Set-Cookie"]


def test_add_user_prints_a_hash_the_login_accepts(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["staff", "add-user", "dr.lee"]) == 0
    line = capsys.readouterr().out.strip()
    name, _, hashed = line.partition(":")
    assert name == "dr.lee" and hashed.startswith("scrypt:") and PASSWORD not in line
    Config(staff_users=(line,), staff_secret_key=KEY)  # accepted as is
    with pytest.raises(UsageError, match="at least 12"):
        new_user_entry("dr.lee", "short")
    with pytest.raises(ConfigError, match="NAME:HASH"):
        Config(staff_users=("no-hash",))
    with pytest.raises(ConfigError, match="at least 16"):
        Config(staff_secret_key="short")


def test_svg_is_drawn_on_the_server_and_escapes_labels():
    from qa_bot.reports import Day

    chart = volume_chart([Day("2026-12-01", {"answered": 3, "no_answer": 1, "urgent": 0, "smalltalk": 0}),
                          Day("2026-12-02", {"answered": 0, "no_answer": 0, "urgent": 0, "smalltalk": 0})])
    assert chart.count("<rect") == 2 and 'class="s-answered"' in chart
    drawn = bars([("<script>alert(1)</script>", 2), ("not_covered:cost", 1)])
    assert "<script>" not in drawn and "&lt;script&gt;" in drawn and drawn.count("<rect") == 2
