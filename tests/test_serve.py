"""`qa-bot serve` for real: gunicorn in a subprocess on a free 127.0.0.1 port, driven over HTTP.

Each server gets its own copy of the corpus and its own index folder (a copy of the bundled corpus's
index, built once per session: see conftest.copy_prebuilt_index), and an environment without
the developer's QA_BOT_* settings. Standard error goes to a file so the tests can read gunicorn's
lines and qa-bot's JSON log lines. Everything waits by polling with a deadline.
"""

from __future__ import annotations

import calendar
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import CORPUS, copy_prebuilt_index
from qa_bot.live import current_build
from qa_bot.webapp import API_CSP

HIGH_LIMIT = "1000000 per minute"  # every test client shares one address: keep the limiter out of the way
GRACEFUL_TIMEOUT = 10  # server.py's gunicorn graceful_timeout
START_TIMEOUT = 60  # a worker loads the index and the encoder first: seconds on a busy machine
# Read at import: the autouse fixture in conftest.py clears QA_BOT_* before each test runs.
REQUIRE_REDIS = bool(os.environ.get("CI") or os.environ.get("QA_BOT_REQUIRE_REDIS"))
ARTICLE = "---\ntitle: {title}\nsource: Clinic\nreviewed: 2026-01-02\n---\n\n{body}\n"
HEAT = ARTICLE.format(title="Heat Therapy for Sore Joints", body=(
    "Heat therapy relaxes stiff joints.\n\n## How long should a heat pack stay on?\n\n"
    "Keep a warm heat pack on a sore joint for fifteen to twenty minutes at a time, with a cloth "
    "between the pack and the skin."))
HEAT_QUESTION = "How long should a heat pack stay on a sore joint?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qa_bot_command() -> list[str]:
    """The installed `qa-bot` console script beside this Python, else the module."""
    script = Path(sys.executable).with_name("qa-bot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "qa_bot.cli"]


def clean_env(tmp: Path, **settings: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_BOT_")}
    env["XDG_CACHE_HOME"] = str(tmp / "cache")  # nothing of the developer's cache is used or touched
    return env | settings


class Served:
    """One `qa-bot serve` process with a temp corpus copy and temp index folder."""

    def __init__(self, tmp: Path, workers: int = 2, port: int | None = None, options: tuple = (), **settings: str):
        self.tmp = tmp
        self.corpus = tmp / "corpus"
        shutil.copytree(CORPUS, self.corpus)
        if not (tmp / "index").exists():  # a test that prepared its own index folder keeps it
            copy_prebuilt_index(tmp / "index")
        self.port = port or free_port()
        self.stderr_path = tmp / "stderr.log"
        env = clean_env(tmp, **{"QA_BOT_RATE_LIMIT": HIGH_LIMIT, **settings})
        self._stderr = self.stderr_path.open("wb")
        self.proc = subprocess.Popen(
            qa_bot_command() + ["--corpus", str(self.corpus), "--index-dir", str(tmp / "index"), "serve",
                                "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers), *options],
            env=env, stdout=subprocess.DEVNULL, stderr=self._stderr)
        self._wait_ready()

    def _wait_ready(self):
        """Wait for the first 200 from /api/health. Each try waits for its answer as long as the
        start deadline allows: a request given up on client-side (a worker still loading on a busy
        machine) is still answered, and counted by the rate limiter, once the worker is up, so a retry
        would spend a second request of the budget the rate-limit tests count on."""
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if self.request("GET", "/api/health", timeout=max(1.0, deadline - time.monotonic()))[0] == 200:
                    return
            except OSError:  # not listening yet (or, past the deadline, still not answering)
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"qa-bot serve did not start (exit {self.proc.returncode}):\n{self.stderr()[-2000:]}")
            time.sleep(0.1)

    def connection(self, timeout: float = 10) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method: str, path: str, question: str | None = None,
                timeout: float = 10) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One request on a fresh connection (so successive calls may reach different workers)."""
        conn = self.connection(timeout)
        try:
            body = None if question is None else json.dumps({"question": question}).encode()
            conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def ask(self, question: str) -> tuple[int, dict]:
        status, _, body = self.request("POST", "/api/ask", question)
        return status, json.loads(body)

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def json_logs(self) -> list[dict]:
        """qa-bot's JSON log lines (gunicorn's own lines are plain text and skipped)."""
        lines = []
        for line in self.stderr().splitlines():
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except ValueError:  # a line still being written
                    pass
        return lines

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(GRACEFUL_TIMEOUT + 5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._stderr.close()


def poll(condition, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Call ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Two workers, a high rate limit, corpus checked every 0.5 s."""
    served = Served(tmp_path_factory.mktemp("serve"), QA_BOT_RELOAD_INTERVAL="0.5")
    yield served
    served.stop()


# --- (b) response headers, as `curl -i` shows them ---------------------------------------------

@pytest.mark.parametrize("method, path", [("GET", "/"), ("GET", "/widget.js"), ("POST", "/api/ask"),
                                          ("GET", "/articles/botox-chronic-pain"), ("GET", "/api/health")])
def test_security_headers_on_the_wire(server, method, path):
    status, headers, body = server.request(method, path, "How does Botox work?" if method == "POST" else None)
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # gunicorn names itself but must not say which version (nor Python's, nor Werkzeug's)
    assert all("/" not in v and not any(ch.isdigit() for ch in v) for v in headers.get_all("Server") or [])
    assert b"Traceback" not in body
    if path.startswith("/api/"):
        assert headers["Cache-Control"] == "no-store" and headers.get_content_type() == "application/json"


# Requests gunicorn refuses itself, before the app sees them: (what, bytes sent, status)
# (each asks to be closed after the reply, so that a proxy in front closes the connection too)
UNPARSABLE = [
    ("over-long request line", b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 414),
    ("huge header", b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"b" * 9000 + b"\r\nConnection: close\r\n\r\n", 431),
    ("too many headers", b"GET / HTTP/1.1\r\nHost: localhost\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(120))
     + b"Connection: close\r\n\r\n", 431),
    ("malformed request line", b"GARBAGE\r\nConnection: close\r\n\r\n", 400),
    ("bad header name", b"GET / HTTP/1.1\r\nHost: localhost\r\nBad Header: v\r\nConnection: close\r\n\r\n", 400),
]


def exchange(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read the reply until the server closes: (status, headers by lower-case name, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines:
        name, _, value = line.partition(":")
        assert name.lower() not in headers, f"{name} sent twice"
        headers[name.lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize("what, data, status", UNPARSABLE, ids=[u[0] for u in UNPARSABLE])
def test_gunicorns_own_error_pages_carry_the_security_headers(server, what, data, status):
    got, headers, body = exchange(server.port, data)
    assert got == status
    assert headers["content-security-policy"] == API_CSP
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"]
    assert headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["code"] and error["message"] and "Traceback" not in error["message"]


def post_chunked(port: int, body: bytes, piece: int = 1000) -> tuple[int, dict]:
    """POST /api/ask with the body sent chunked (Transfer-Encoding: chunked, no Content-Length)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/api/ask", body=(body[i:i + piece] for i in range(0, len(body), piece)),
                     headers={"Content-Type": "application/json"}, encode_chunked=True)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


QUESTION_BODY = b'{"question": "How does Botox work?"}'


def padded(size: int) -> bytes:
    """The question padded with spaces to ``size`` bytes: it would still parse if cut anywhere after it."""
    return QUESTION_BODY + b" " * (size - len(QUESTION_BODY))


@pytest.mark.parametrize("size, status", [(16384, 200), (51_000, 413)])
def test_chunked_body_over_limit_is_413(server, size, status):
    got, data = post_chunked(server.port, padded(size) + (b"garbage" if size > 16384 else b""))
    assert got == status
    if status == 413:
        assert data["error"]["code"] == "body_too_large"
    else:
        assert data["status"] == "answered"
    assert server.request("GET", "/api/health")[0] == 200  # and the server goes on answering


def test_unknown_api_route_is_a_json_404_without_details(server):
    status, headers, body = server.request("GET", "/api/../../etc/passwd")
    assert status == 404
    assert b"Traceback" not in body and b"/work/" not in body and b"root:" not in body


# --- (d) corpus edits while serving ---------------------------------------------------------------

def test_corpus_edit_is_picked_up_and_a_broken_edit_keeps_the_last_good_index(server):
    assert server.request("GET", "/articles/heat-therapy")[0] == 404
    before = json.loads(server.request("GET", "/api/health")[2])
    old = current_build(server.tmp / "index")
    (server.corpus / "heat-therapy.md").write_text(HEAT, encoding="utf-8")
    # Building encodes every section again: its time is the machine's (over 10 s when it is busy).
    # What is timed below is the reload, from the new build being made current.
    poll(lambda: current_build(server.tmp / "index") != old, timeout=120, interval=0.05, what="the new build")
    built = time.monotonic()

    def heat_served():
        # A fresh connection each time may reach either worker: each reloads by itself.
        status, answer = server.ask(HEAT_QUESTION)
        cited = [c["article"] for c in answer.get("citations", [])]
        return (status == 200 and cited[:1] == ["Heat Therapy for Sore Joints"]
                and server.request("GET", "/articles/heat-therapy")[0] == 200)

    # Several successes in a row, so both workers (not just one) have the new index.
    streak = [0]
    poll(lambda: (streak.__setitem__(0, streak[0] + 1 if heat_served() else 0), streak[0] >= 8)[1],
         timeout=15, interval=0.05, what="the new article to be answerable and its page served")
    assert time.monotonic() - built < 10
    health = json.loads(server.request("GET", "/api/health")[2])
    assert health["articles"] == before["articles"] + 1 and health["built_at"] >= before["built_at"]

    # A broken edit: unterminated front matter. The last good index must go on serving.
    (server.corpus / "heat-therapy.md").write_text("---\ntitle: broken\n", encoding="utf-8")

    def refusal_logged():
        status, answer = server.ask(HEAT_QUESTION)
        assert status == 200 and answer["citations"][0]["article"] == "Heat Therapy for Sore Joints"
        return [line for line in server.json_logs() if line.get("logger") == "qa_bot.reload"
                and line.get("level") == "warning"]

    warnings = poll(refusal_logged, timeout=15, what="a JSON log line saying why the edit was not applied")
    assert "heat-therapy.md:1" in warnings[0]["message"]
    assert "still serving the last good index" in warnings[0]["message"]
    for _ in range(10):  # and it keeps serving it, pages and answers alike, from every worker
        assert server.request("GET", "/articles/heat-therapy")[0] == 200
        status, answer = server.ask(HEAT_QUESTION)
        assert status == 200 and answer["citations"][0]["article"] == "Heat Therapy for Sore Joints"
    assert json.loads(server.request("GET", "/api/health")[2])["articles"] == before["articles"] + 1
    # Each worker reports a broken version once, not on every request.
    warnings = [line for line in server.json_logs() if line.get("logger") == "qa_bot.reload"
                and line.get("level") == "warning"]
    assert 1 <= len(warnings) <= 2
    assert "Traceback" not in server.stderr()


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def test_four_workers_agree_on_a_new_index_within_the_reload_interval(tmp_path):
    """An article added while 4 workers serve: each serves the new build within reload_interval + 1 s
    of its being made current, with or without requests, and none goes back. Kept-alive connections
    stay with one worker, so each one's responses must never go from the new build to the old; fresh
    connections reach any worker. Each worker's own log line says when it swapped."""
    interval = 1.0
    served = Served(tmp_path, workers=4, QA_BOT_RELOAD_INTERVAL=str(interval))
    index_dir = tmp_path / "index"
    stop, errors = threading.Event(), []
    seen = []  # (monotonic time, connection, build named by /api/health, status of the new article's page)

    def kept_alive(n):
        conn = served.connection()
        try:
            while not stop.is_set():
                build = json.loads(_get(conn, "/api/health")[1])["index"]
                seen.append((time.monotonic(), n, build, _get(conn, "/articles/heat-therapy")[0]))
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(f"connection {n}: {exc!r}")
        finally:
            conn.close()

    def fresh():
        while not stop.is_set():
            conn = served.connection()
            try:
                build = json.loads(_get(conn, "/api/health")[1])["index"]
                seen.append((time.monotonic(), None, build, _get(conn, "/articles/heat-therapy")[0]))
            except Exception as exc:  # noqa: BLE001
                errors.append(f"fresh connection: {exc!r}")
            finally:
                conn.close()

    try:
        old = current_build(index_dir)
        clients = [threading.Thread(target=kept_alive, args=(n,)) for n in range(12)]
        clients += [threading.Thread(target=fresh) for _ in range(2)]
        for c in clients:
            c.start()
        time.sleep(1.5)
        assert {build for _, _, build, _ in seen} == {old}
        # Written aside and renamed into place, as editors do: one edit, one build.
        (tmp_path / "heat.tmp").write_text(HEAT, encoding="utf-8")
        os.rename(tmp_path / "heat.tmp", served.corpus / "heat-therapy.md")
        poll(lambda: current_build(index_dir) != old, timeout=60, interval=0.01, what="the new build")
        built, built_wall = time.monotonic(), time.time()
        new = current_build(index_dir)
        deadline = built + interval + 1
        time.sleep(interval + 1 + 2)
        stop.set()
        for c in clients:
            c.join(30)
    finally:
        stop.set()
        served.stop()
    assert not errors, errors[:3]
    assert {build for _, _, build, _ in seen} == {old, new}  # built once: no third build
    assert {p.name for p in index_dir.glob("build-*")} == {old, new}
    late = [(build, page) for t, _, build, page in seen if t > deadline]
    assert len(late) > 50 and set(late) == {(new, 200)}, f"{sum(1 for r in late if r != (new, 200))} late answers"
    for n in range(12):  # one worker each: never back from the new build, nor from the page to a 404
        rows = [(build, page) for _, conn, build, page in seen if conn == n]
        first_new = next(i for i, (build, _) in enumerate(rows) if build == new)
        assert all(build == new for build, _ in rows[first_new:]), f"connection {n} went back to the old build"
        assert all(page == 200 for _, page in rows[first_new:]), f"connection {n}: health and page disagree"
        first_page = next(i for i, (_, page) in enumerate(rows) if page == 200)
        assert all(page == 200 for _, page in rows[first_page:])
    # Every worker (not just those the connections reached) swapped in the new build in time.
    workers = set(re.findall(r"Booting worker with pid: (\d+)", served.stderr()))
    swaps = {}
    for line in served.json_logs():
        found = re.match(rf"corpus reloaded: index {re.escape(new)} loaded in .* \(pid (\d+)\)", line.get("message", ""))
        if found:
            swaps[found[1]] = calendar.timegm(time.strptime(line["time"][:19], "%Y-%m-%dT%H:%M:%S")) + float(line["time"][19:-1])
    assert len(workers) == 4 and set(swaps) == workers
    lags = {pid: round(at - built_wall, 2) for pid, at in swaps.items()}
    print(f"seconds from the build to each worker serving it (reload_interval {interval}): {sorted(lags.values())}")
    assert all(lag <= interval + 1 for lag in lags.values()), lags


# --- (c) rate limit over the wire ---------------------------------------------------------------------

def test_over_limit_burst_gets_json_429_with_retry_after(tmp_path):
    # One worker: with memory:// storage each worker counts alone, so the budget is exact only with one.
    served = Served(tmp_path, workers=1, QA_BOT_RATE_LIMIT="5 per minute")
    try:
        # (the readiness check spent one request of the budget)
        results = [served.request("POST", "/api/ask", "How does Botox work?") for _ in range(10)]
    finally:
        served.stop()
    statuses = [status for status, _, _ in results]
    assert statuses == [200] * 4 + [429] * 6
    for status, headers, body in results[4:]:
        assert headers.get_content_type() == "application/json"
        assert 0 < int(headers["Retry-After"]) <= 60
        error = json.loads(body)["error"]
        assert error["code"] == "rate_limited" and "try again" in error["message"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]


class RedisServer:
    """A throwaway redis-server on a free loopback port (Debian's redis-server; .ci/run installs it)."""

    def __init__(self, tmp: Path):
        exe = shutil.which("redis-server")
        if exe is None:
            if REQUIRE_REDIS:
                pytest.fail("redis-server is not installed: apt-get install redis-server")
            pytest.skip("redis-server is not installed")
        port = free_port()
        self.url = f"redis://127.0.0.1:{port}"
        self.proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                      "--dir", str(tmp)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def listening() -> bool:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return True
            except OSError:
                return False

        try:
            poll(listening, 15, what="redis-server to listen")
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def redis_server(tmp_path):
    redis = RedisServer(tmp_path)
    yield redis
    redis.stop()


@pytest.fixture
def redis_url(redis_server):
    return redis_server.url


def test_a_redis_store_shares_one_limit_across_workers_and_servers(tmp_path, redis_url):
    settings = {"QA_BOT_RATE_LIMIT": "6 per minute", "QA_BOT_RATE_LIMIT_STORAGE": redis_url}
    first = Served(tmp_path / "a", workers=2, **settings)
    second = Served(tmp_path / "b", workers=1, **settings)
    try:
        # Each readiness check spent one request; fresh connections spread over both workers of `first`.
        statuses = [served.request("GET", "/api/health")[0] for served in [first, second] * 4]
    finally:
        first.stop()
        second.stop()
    assert statuses == [200] * 4 + [429] * 4


def test_a_redis_store_that_goes_down_falls_back_to_counting_in_memory(tmp_path, redis_server):
    served = Served(tmp_path, workers=1, QA_BOT_RATE_LIMIT="4 per minute", QA_BOT_RATE_LIMIT_STORAGE=redis_server.url)
    try:
        # (the readiness check spent one request of the budget in Redis)
        before = [served.request("GET", "/api/health")[0] for _ in range(2)]
        redis_server.stop()
        after = [served.request("GET", "/api/health")[0] for _ in range(6)]
    finally:
        served.stop()
    assert before == [200, 200]
    assert after == [200] * 4 + [429] * 2  # counted afresh in memory: still limited, never a 500
    warnings = [line for line in served.json_logs() if line.get("level") == "warning"]
    assert [line["logger"] for line in warnings] == ["flask-limiter"]
    assert "falling back to in-memory" in warnings[0]["message"]
    assert "Traceback" not in served.stderr()


def test_serve_starts_with_one_warning_when_the_rate_limit_store_is_down(tmp_path):
    down = f"redis://:secret@127.0.0.1:{free_port()}"  # nothing listens there
    served = Served(tmp_path, workers=1, QA_BOT_RATE_LIMIT_STORAGE=down)
    try:
        statuses = [served.request("GET", "/api/health")[0] for _ in range(3)]
    finally:
        served.stop()
    assert statuses == [200] * 3
    (warning,) = [line for line in served.stderr().splitlines() if line.startswith("qa-bot: warning")]
    assert warning == (f"qa-bot: warning: the rate-limit store {down.replace(':secret@', '')} is not answering; "
                       "each worker counts requests in memory until it is back")


def test_a_rate_limit_store_of_an_unknown_kind_is_refused_in_one_line(tmp_path):
    done = subprocess.run(qa_bot_command() + ["--index-dir", str(tmp_path / "index"), "serve", "--port", str(free_port())],
                          env=clean_env(tmp_path, QA_BOT_RATE_LIMIT_STORAGE="redsi://localhost"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    # named by where it was set
    assert done.stderr.strip().splitlines()[-1].startswith(
        "qa-bot: QA_BOT_RATE_LIMIT_STORAGE: rate_limit_storage 'redsi://localhost' cannot be used")
    assert "Traceback" not in done.stderr


# --- (a) graceful shutdown ------------------------------------------------------------------------------

def test_sigterm_lets_in_flight_requests_finish_and_exits_0(tmp_path):
    served = Served(tmp_path)
    stream: list[int | str] = []  # statuses of a steady stream of ordinary requests, or error names
    stop_stream = threading.Event()

    def steady_stream():
        while not stop_stream.is_set():
            try:
                stream.append(served.request("POST", "/api/ask", "Can Botox help with migraines?")[0])
            except (OSError, http.client.HTTPException) as exc:  # refused once the server has gone
                stream.append(type(exc).__name__)
            time.sleep(0.02)

    body = json.dumps({"question": "How does Botox work?"}).encode()
    slow = []
    try:
        streamer = threading.Thread(target=steady_stream, daemon=True)
        streamer.start()
        poll(lambda: stream.count(200) >= 5, timeout=10, what="the request stream to get going")
        # Slow clients: each has sent its headers and half of its body when the signal arrives. Each
        # first gets an answer on its keep-alive connection, so a worker has surely accepted it: a
        # connection still in the kernel's accept queue when the workers stop is reset, by any server.
        for _ in range(4):
            conn = served.connection(timeout=GRACEFUL_TIMEOUT + 5)
            conn.request("POST", "/api/ask", body=body, headers={"Content-Type": "application/json"})
            first = conn.getresponse()
            assert first.status == 200 and first.getheader("Connection", "").lower() != "close"
            first.read()
            conn.putrequest("POST", "/api/ask")
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body[: len(body) // 2])
            slow.append(conn)
        signalled = time.monotonic()
        served.proc.send_signal(signal.SIGTERM)
        poll(lambda: "Handling signal: term" in served.stderr(), timeout=5, what="gunicorn to take the signal")
        # The slow clients stay slow past the workers' 1-second loop tick, so the rest of each body
        # arrives while the workers are already draining.
        time.sleep(1.2)
        for conn in slow:
            conn.send(body[len(body) // 2:])
        for conn in slow:
            response = conn.getresponse()
            answer = json.loads(response.read())
            assert response.status == 200
            assert "acetylcholine" in answer["answer"] and answer["disclaimer"]
        code = served.proc.wait(GRACEFUL_TIMEOUT + 5)
        took = time.monotonic() - signalled
    finally:
        stop_stream.set()
        for conn in slow:
            conn.close()
        served.stop()
    assert code == 0
    assert took < GRACEFUL_TIMEOUT  # drained, not cut off by the graceful timeout
    # Nothing the stream got back was an error response: requests either completed or were refused.
    assert all(s == 200 for s in stream if isinstance(s, int)), stream
    log = served.stderr()
    assert "Shutting down: Master" in log and "Traceback" not in log


# --- (e) unusable index folder -----------------------------------------------------------------------

@pytest.mark.parametrize("where", ["under a regular file", "is a regular file"])
def test_unusable_index_folder_is_one_line_and_exit_1(tmp_path, where):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    index_dir = blocker / "index" if where == "under a regular file" else blocker
    result = subprocess.run(
        qa_bot_command() + ["--index-dir", str(index_dir), "serve", "--host", "127.0.0.1", "--port", str(free_port())],
        env=clean_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("qa-bot: ") and str(index_dir) in lines[0] and "index" in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder\n"  # left as it was


def test_the_debug_server_does_not_name_its_versions(tmp_path):
    served = Served(tmp_path, options=("--debug",))
    try:
        for path in ("/", "/api/health", "/no-such-page"):
            _, headers, _ = served.request("GET", path)
            assert headers.get_all("Server") == ["qa-bot"], headers.get_all("Server")
    finally:
        served.stop()


def test_a_port_in_use_is_one_clear_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(qa_bot_command() + ["--index-dir", str(tmp_path / "index"), "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == f"qa-bot: port {port} on 127.0.0.1 is already in use: stop the other server or pass --port"
    assert "Traceback" not in done.stderr
