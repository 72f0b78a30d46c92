"""The production recipe for real: Debian's nginx in front of `qa-bot serve`, exactly as the README says.

Each set-up writes a qa-bot.toml, starts `qa-bot serve` with it, writes what `qa-bot proxy-config`
prints to a file and runs nginx on it from a temp prefix, on free loopback ports. The tests talk to
nginx over sockets. Nothing outside the temp folders is written; nginx and the server are stopped
and the folders removed afterwards. Without nginx these tests skip, unless QA_BOT_REQUIRE_NGINX=1
(as in .ci/run) or CI=true says they must run: then they fail. benchmarks/slow_clients.py measures
this same set-up.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import selectors
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from qa_bot import cli
from qa_bot.webapp import API_CSP, PAGE_CSP, SECURITY_HEADERS
from test_serve import (HIGH_LIMIT, UNPARSABLE, Served, clean_env, exchange, free_port, padded, poll, post_chunked,
                        qa_bot_command)

# Read at import: the autouse fixture in conftest.py clears QA_BOT_* before each test runs.
REQUIRE_NGINX = os.environ.get("CI") == "true" or os.environ.get("QA_BOT_REQUIRE_NGINX") == "1"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")  # Debian's, off PATH for users


def nginx_or_skip() -> str:
    if NGINX is None:
        message = "nginx is not installed: apt-get install nginx (scripts/install-test-tools does it)"
        if REQUIRE_NGINX:
            pytest.fail(message + " (required: CI=true or QA_BOT_REQUIRE_NGINX=1)")
        pytest.skip(message)
    return NGINX


class Nginx:
    """nginx running what `qa-bot proxy-config` printed, from its own prefix folder."""

    def __init__(self, tmp: Path, env: dict, options: tuple[str, ...] = ()):
        # Its own folder, open to nginx's workers: run as root, they run as another user, who may not
        # enter pytest's private temp folders to spool a chunked body.
        self.prefix = Path(tempfile.mkdtemp(prefix="qa-bot-nginx-"))
        self.prefix.chmod(0o755)
        self.port = free_port()
        self.conf = tmp / "nginx.conf"
        printed = subprocess.run(qa_bot_command() + ["proxy-config", "--listen", f"127.0.0.1:{self.port}", *options],
                                 env=env, capture_output=True, text=True, timeout=60)
        assert printed.returncode == 0, printed.stderr
        self.conf.write_text(printed.stdout, encoding="utf-8")
        self.stderr_path = tmp / "nginx.log"
        self._stderr = self.stderr_path.open("wb")
        # The README's command, with the prefix folder and the config file it names.
        self.proc = subprocess.Popen([nginx_or_skip(), "-p", f"{self.prefix}/", "-c", str(self.conf)],
                                     stdout=subprocess.DEVNULL, stderr=self._stderr)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._stderr.close()
        shutil.rmtree(self.prefix, ignore_errors=True)

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


class Production:
    """`qa-bot serve` behind nginx, both configured by one qa-bot.toml as in the README's recipe."""

    def __init__(self, tmp: Path, workers: int = 2, tls: tuple[Path, Path] | None = None, **settings: str):
        nginx_or_skip()
        self.toml = tmp / "qa-bot.toml"
        port = free_port()
        self.toml.write_text(f'host = "127.0.0.1"\nport = {port}\ntrusted_proxies = 1\n', encoding="utf-8")
        settings = {"QA_BOT_RATE_LIMIT": HIGH_LIMIT, "QA_BOT_CONFIG": str(self.toml), **settings}
        self.served = Served(tmp, workers=workers, port=port, **settings)
        self.nginx = self.context = None
        try:
            options = ("--tls-certificate", str(tls[0]), "--tls-key", str(tls[1])) if tls else ()
            self.nginx = Nginx(tmp, clean_env(tmp, **settings), options)
            self.context = ssl.create_default_context(cafile=str(tls[0])) if tls else None
            self.port = self.nginx.port
            poll(self._answers, 15, what=f"nginx to proxy to qa-bot serve:\n{self.nginx.stderr()}")
        except BaseException:
            self.stop()
            raise

    def _answers(self) -> bool:
        if self.nginx.proc.poll() is not None:
            pytest.fail(f"nginx exited with code {self.nginx.proc.returncode}:\n{self.nginx.stderr()}")
        try:
            return self.request("GET", "/")[0] == 200  # the home page is not rate limited
        except OSError:
            return False

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                source: str = "127.0.0.1", timeout: float = 10) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One request to nginx on a fresh connection from ``source`` (any 127.x.y.z address)."""
        if self.context:
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, source_address=(source, 0),
                                               context=self.context)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout, source_address=(source, 0))
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def stop(self):
        if self.nginx is not None:
            self.nginx.stop()
        self.served.stop()


class SlowCrowd:
    """Connections that hold a server's attention without ever finishing a request.

    A third trickle their headers a byte at a time, a third send whole headers and then trickle the
    body, a third connect and send nothing. Each :meth:`tick` sends one more byte on every
    trickling connection and opens again any that the server closed, as an attacker would.
    """

    KINDS = ("headers", "body", "idle")
    OPENING = {
        "headers": b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ",
        "body": (b"POST /api/ask HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 10000\r\n\r\n{\"question\": \"botox"),
        "idle": b"",
    }
    TRICKLE = {"headers": b"a", "body": b" ", "idle": b""}

    def __init__(self, port: int, count: int, host: str = "127.0.0.1"):
        self.address = (host, port)
        self.selector = selectors.DefaultSelector()
        self.reopened = 0
        self.failed = 0
        for n in range(count):
            self._open(self.KINDS[n % len(self.KINDS)])

    def _open(self, kind: str) -> None:
        try:
            sock = socket.create_connection(self.address, timeout=2)
            sock.sendall(self.OPENING[kind])
        except OSError:
            self.failed += 1
            return
        sock.setblocking(False)
        self.selector.register(sock, selectors.EVENT_READ, kind)

    def _reopen(self, key) -> None:
        self.selector.unregister(key.fileobj)
        key.fileobj.close()
        self.reopened += 1
        self._open(key.data)

    def tick(self) -> int:
        """One more byte on each trickling connection; closed ones opened again. Returns how many are open."""
        for key, _ in self.selector.select(0):  # readable: the server answered (408, 413) or closed it
            self._reopen(key)
        for key in list(self.selector.get_map().values()):
            if self.TRICKLE[key.data]:
                try:
                    key.fileobj.send(self.TRICKLE[key.data])
                except OSError:
                    self._reopen(key)
        return len(self.selector.get_map())

    def close(self) -> None:
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()
        self.selector.close()


def timed_health(port: int, timeout: float) -> float | None:
    """Seconds GET /api/health took on a fresh connection, or None if it failed or ran out of time."""
    start = time.monotonic()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", "/api/health")
        response = conn.getresponse()
        response.read()
        conn.close()
    except (OSError, http.client.HTTPException):
        return None
    return time.monotonic() - start if response.status == 200 else None


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The README's production recipe, with the rate limit raised (every test client here is 127.0.0.1)."""
    setup = Production(tmp_path_factory.mktemp("production"))
    yield setup
    setup.stop()


# --- slow clients cost nginx a connection, not gunicorn a thread ---------------------------------------

def test_slow_clients_do_not_starve_health(production):
    crowd = SlowCrowd(production.port, 300)  # 100 trickle headers, 100 trickle bodies, 100 send nothing
    try:
        latencies = []
        for _ in range(10):
            assert crowd.tick() == 300  # all held open (nginx drops stalled ones only after 10 s)
            latencies.append(timed_health(production.port, timeout=2))
            time.sleep(0.3)
        held = crowd.tick()
    finally:
        crowd.close()
    assert all(t is not None and t < 2 for t in latencies), latencies
    assert held == 300 and crowd.reopened == 0 and crowd.failed == 0


# --- the real client address reaches the rate limiter ------------------------------------------------

def test_each_client_address_has_its_own_budget_and_a_forged_one_is_not_believed(tmp_path):
    # One worker: with memory:// storage each worker counts alone, so the budget is exact only with one.
    setup = Production(tmp_path, workers=1, QA_BOT_RATE_LIMIT="3 per minute")
    try:
        def health(source: str, forged: str | None = None) -> int:
            headers = {"X-Forwarded-For": forged} if forged else {}
            return setup.request("GET", "/api/health", headers=headers, source=source)[0]

        statuses = [health("127.0.0.2") for _ in range(3)]
        statuses.append(health("127.0.0.2", forged="203.0.113.7"))  # a made-up address gets no fresh budget
        statuses.append(health("127.0.0.3"))  # another client has its own
        statuses.append(health("127.0.0.3", forged="127.0.0.2"))  # and cannot spend someone else's
        statuses.append(health("127.0.0.3"))
        statuses.append(health("127.0.0.3"))
    finally:
        setup.stop()
    assert statuses == [200, 200, 200, 429, 200, 200, 200, 429]


# --- bodies: nginx refuses what qa-bot would, chunked or not ----------------------------------------------

@pytest.mark.parametrize("size, chunked, status", [
    (16384, False, 200), (16385, False, 413), (16384, True, 200), (51_000, True, 413)])
def test_chunked_body_over_limit_is_413_through_nginx(production, size, chunked, status):
    body = padded(size)
    if chunked:
        got, data = post_chunked(production.port, body)
    else:
        got, _, raw = production.request("POST", "/api/ask", body, {"Content-Type": "application/json"})
        data = json.loads(raw)
    assert got == status
    if status == 413:  # refused by nginx at max_body_bytes, with the API's own JSON error
        assert data == {"error": {"code": "body_too_large",
                                  "message": "the request body is over the limit of 16384 bytes"}}
    else:
        assert data["status"] == "answered"


# --- security headers on everything nginx sends, once --------------------------------------------------

THROUGH_NGINX = [
    ("home page", b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200, PAGE_CSP),
    ("API", b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200, API_CSP),
    ("request line over nginx's buffers", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, API_CSP),
    ("no Host header", b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 400, API_CSP),
] + [(what, data, None, API_CSP) for what, data, _ in UNPARSABLE]


@pytest.mark.parametrize("what, data, status, csp", THROUGH_NGINX, ids=[t[0] for t in THROUGH_NGINX])
def test_every_response_through_nginx_carries_the_security_headers_once(production, what, data, status, csp):
    got, headers, _ = exchange(production.port, data)  # exchange() fails on a header sent twice
    assert got == status if status else 400 <= got < 500
    assert headers["content-security-policy"] == csp
    for name, value in SECURITY_HEADERS.items():
        assert headers[name.lower()] == value
    assert headers["server"] == "nginx"  # no version


# --- HTTPS ---------------------------------------------------------------------------------------------

def test_with_a_certificate_nginx_speaks_https_and_qa_bot_knows_it(tmp_path):
    openssl = shutil.which("openssl")
    if openssl is None:
        (pytest.fail if REQUIRE_NGINX else pytest.skip)("openssl is not installed: apt-get install openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    setup = Production(tmp_path, tls=(cert, key))
    try:
        origin = f"https://127.0.0.1:{setup.port}"
        status, headers, body = setup.request("POST", "/api/ask", json.dumps({"question": "How does Botox work?"}).encode(),
                                              {"Content-Type": "application/json", "Origin": origin})
    finally:
        setup.stop()
    assert status == 200 and json.loads(body)["status"] == "answered"
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    # The page's own origin is https: X-Forwarded-Proto reached the app, which lets its own pages call the API.
    assert headers["Access-Control-Allow-Origin"] == origin


# --- the config itself ---------------------------------------------------------------------------------

def test_proxy_config_follows_the_settings(tmp_path, capsys):
    toml = tmp_path / "qa-bot.toml"
    toml.write_text('host = "0.0.0.0"\nport = 9123\ntrusted_proxies = 1\nmax_body_bytes = 5000\n', encoding="utf-8")
    assert cli.main(["--config", str(toml), "proxy-config", "--listen", "127.0.0.1:8080"]) == 0
    conf = capsys.readouterr().out
    assert "listen 127.0.0.1:8080 default_server;" in conf
    assert "server 127.0.0.1:9123;" in conf  # qa-bot on every address is reached on loopback
    assert "client_max_body_size 5000;" in conf and "client_body_buffer_size 5000;" in conf
    assert "limit of 5000 bytes" in conf
    assert not re.search(r"@[A-Z_]+@", conf)  # every placeholder filled in


@pytest.mark.parametrize("args, settings, words", [
    (["proxy-config"], "", "trusted_proxies is 0"),
    (["proxy-config", "--listen", "127.0.0.1:99999"], "trusted_proxies = 1\n", "--listen '127.0.0.1:99999'"),
    (["proxy-config", "--listen", "x;y:80"], "trusted_proxies = 1\n", "is not PORT or ADDRESS:PORT"),
    (["proxy-config", "--tls-key", "/etc/hostname"], "trusted_proxies = 1\n", "give both --tls-certificate and --tls-key"),
    (["proxy-config", "--tls-certificate", "cert.pem", "--tls-key", "/etc/hostname"], "trusted_proxies = 1\n",
     "--tls-certificate 'cert.pem' is not an existing file given by its full path"),
])
def test_proxy_config_refuses_what_cannot_work_in_one_line(tmp_path, capsys, args, settings, words):
    toml = tmp_path / "qa-bot.toml"
    toml.write_text(settings, encoding="utf-8")
    assert cli.main(["--config", str(toml), *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and words in err
