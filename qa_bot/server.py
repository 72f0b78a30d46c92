"""``qa-bot serve``: the web app on gunicorn, or on Flask's development server with ``--debug``;
and ``qa-bot proxy-config``: the nginx config that puts nginx in front of it in production.

The index is checked (and built if missing or stale) once in the parent process, so a bad corpus
is reported as one line before any worker starts and workers never race to build it. Each worker
then loads the index once, when it imports the app, reuses it for every request, and follows corpus
edits in a background thread (see live.py).
"""

from __future__ import annotations

import errno
import ipaddress
import json
import logging
import re
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

from gunicorn import util as gunicorn_util
from gunicorn.app.base import BaseApplication
from werkzeug.serving import WSGIRequestHandler

from . import logs
from .config import Config
from .errors import ConfigError, QaBotError, UsageError
from .index import open_index
from .resources import nginx_template

# Settings that older gunicorn versions do not have; skipped there.
OPTIONAL_SETTINGS = {"control_socket_disable"}
NGINX_TEMPLATE = nginx_template()
ERROR_MESSAGE_CHARS = 200  # gunicorn's reason for refusing a request may quote the request itself


class QaBotServer(BaseApplication):
    """gunicorn running ``create_app(config)`` with options from the config, not from sys.argv."""

    def __init__(self, config: Config, options: dict | None = None):
        self.qa_config = config
        self.options = {
            "bind": f"{config.host}:{config.port}",
            "workers": config.workers,
            # gthread workers keep connections alive between requests (the sync worker closes each
            # one), so a page with the widget does not pay for a new connection per question.
            "worker_class": "gthread",
            "threads": config.threads,
            "timeout": 30,
            "graceful_timeout": 10,
            "keepalive": 5,
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "qa-bot",
            # Each worker builds its own app after the fork: the index is loaded once per worker.
            "preload_app": False,
            # gunicorn 27's control socket lives at one path per user: two servers would collide.
            "control_socket_disable": True,
            "post_worker_init": _secure_error_pages,
            "worker_exit": _close_store,
            **(options or {}),
        }
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)
            elif key not in OPTIONAL_SETTINGS:
                raise ValueError(f"unknown gunicorn setting {key!r}")

    def load(self):
        from .gc_pause import keep_loaded
        from .webapp import create_app

        app = create_app(self.qa_config)
        keep_loaded()
        return app


def _close_store(_arbiter, worker) -> None:
    """In a worker on its way out (SIGTERM, a restart, a deploy): the answers its feedback store still
    has queued are written, not dropped with the process; any the database does not take in time
    are counted and said so in the log."""
    recorder = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("qa_bot_recorder")
    if recorder is None:
        return
    recorder.close()
    left = recorder.health()
    if left["pending"]:
        logging.getLogger("qa_bot.store").warning(
            "feedback store: %d answers not written at shutdown (%d lost since start)",
            left["pending"], left["lost"] + left["pending"])


def _secure_error_pages(worker) -> None:
    """In each worker: gunicorn's own error pages (a request it cannot parse, an over-long line or
    headers: 400, 414, 431) get the API's JSON and security headers. gunicorn writes every one of them
    through ``util.write_error`` and offers no setting for their headers."""
    gunicorn_util.write_error = _write_error


def _write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    from .webapp import API_CSP, ERROR_CODES, SECURITY_HEADERS

    code = ERROR_CODES.get(status_int) or reason.lower().replace(" ", "_")
    message = (mesg or reason)[:ERROR_MESSAGE_CHARS]
    body = json.dumps({"error": {"code": code, "message": message}}).encode()  # ASCII: non-ASCII is escaped
    head = [f"HTTP/1.1 {status_int} {reason}", "Connection: close", "Content-Type: application/json",
            f"Content-Length: {len(body)}", f"Content-Security-Policy: {API_CSP}", "Cache-Control: no-store",
            *(f"{name}: {value}" for name, value in SECURITY_HEADERS.items())]
    gunicorn_util.write_nonblock(sock, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)


def serve(config: Config, debug: bool = False) -> int:
    """Serve until interrupted (SIGTERM or Ctrl-C: in-flight requests finish first). Returns the exit code."""
    logs.configure()  # JSON lines on standard error; workers inherit it
    _check_port_free(config.host, config.port)
    _check_rate_limit_store(config)
    index = open_index(config.corpus, config.resolved_index_dir)
    m = index.manifest
    print(f"qa-bot: {m['articles']} article(s), {m['sections']} sections; "
          f"serving on http://{config.host}:{config.port}/ ({'debug' if debug else f'{config.workers} worker(s) x {config.threads} threads'})",
          file=sys.stderr, flush=True)
    if debug:
        from .webapp import create_app

        create_app(config, debug=True).run(host=config.host, port=config.port, debug=True, use_reloader=False,
                               request_handler=_QuietRequestHandler)
        return 0
    QaBotServer(config).run()
    return 0


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, without ``Server: Werkzeug/<version> Python/<version>``: which versions run
    here is of use only to an attacker (gunicorn, likewise, names itself without its version)."""

    def version_string(self) -> str:
        return "qa-bot"


def _check_port_free(host: str, port: int) -> None:
    """Fail at once with one line if the address is taken (gunicorn would retry, then log errors)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise QaBotError(f"cannot listen on '{host}': not a known host name or address (see --host)") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise QaBotError(f"port {port} on {host} is already in use: stop the other server or pass --port") from None
            raise QaBotError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None


def _check_rate_limit_store(config: Config) -> None:
    """Refuse a store that can never work (unknown kind, client not installed) in one line; a store
    that is down only gets a warning, since the workers count in memory until it is back."""
    uri = config.rate_limit_storage
    if not config.rate_limit.strip() or uri.startswith("memory://"):
        return
    from limits.errors import ConfigurationError
    from limits.storage import storage_from_string

    from .webapp import rate_limit_storage_options

    shown = _without_password(uri)
    try:
        store = storage_from_string(uri, **rate_limit_storage_options(uri))
    except ConfigurationError as exc:
        hint = " (pip install -e '.[redis]')" if "redis" in str(exc) else ""
        raise config.error("rate_limit_storage", f"rate_limit_storage '{shown}' cannot be used: {exc}{hint}") from None
    if not store.check():
        print(f"qa-bot: warning: the rate-limit store {shown} is not answering; each worker counts "
              "requests in memory until it is back", file=sys.stderr, flush=True)


def _without_password(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


# --- nginx in front -------------------------------------------------------------------------------

def proxy_config(config: Config, listen: str, certificate: str | None = None, key: str | None = None) -> str:
    """The nginx config for nginx on ``listen`` in front of ``qa-bot serve`` run with ``config``:
    deploy/nginx.conf.template with its @NAME@ placeholders filled in. With a ``certificate`` and its
    ``key`` (PEM files), nginx speaks HTTPS there."""
    if config.trusted_proxies < 1:
        raise ConfigError("trusted_proxies is 0: behind nginx every patient would share nginx's address and "
                          "one rate-limit budget; set trusted_proxies = 1 in qa-bot.toml (or "
                          "QA_BOT_TRUSTED_PROXIES=1) for both qa-bot serve and proxy-config")
    from .webapp import API_CSP, SECURITY_HEADERS

    if (certificate is None) != (key is None):
        raise UsageError("give both --tls-certificate and --tls-key, or neither")
    values = {
        "LISTEN": _listen_address(listen) + (" ssl" if certificate else ""),
        "TLS": _tls_lines(certificate, key) if certificate else "",
        "UPSTREAM": _upstream_address(config.host, config.port),
        "MAX_BODY_BYTES": str(config.max_body_bytes),
        "CSP": API_CSP,
        "CONTENT_TYPE_OPTIONS": SECURITY_HEADERS["X-Content-Type-Options"],
        "REFERRER_POLICY": SECURITY_HEADERS["Referrer-Policy"],
    }
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def _listen_address(listen: str) -> str:
    """``PORT``, ``ADDRESS:PORT`` or ``[IPv6]:PORT``, checked, since it goes into the config verbatim."""
    host, _, port = listen.rpartition(":")
    problem = f"--listen '{listen}' is not PORT or ADDRESS:PORT (e.g. 80 or 127.0.0.1:8080)"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(problem)
    if not host:
        return port
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?", host):
            raise UsageError(problem) from None
        return f"{host}:{port}"
    return f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"


def _tls_lines(certificate: str, key: str) -> str:
    """The server block's HTTPS lines. The paths go into the config verbatim: no quotes, braces or $."""
    for option, name in {"--tls-certificate": certificate, "--tls-key": key}.items():
        if not Path(name).is_absolute() or not Path(name).is_file() or any(c in name for c in '"$;{}\\\n'):
            raise UsageError(f"{option} '{name}' is not an existing file given by its full path")
    return (f'        ssl_certificate "{certificate}";\n'
            f'        ssl_certificate_key "{key}";\n'
            "        ssl_protocols TLSv1.2 TLSv1.3;\n"
            "        ssl_session_cache shared:qa_bot_tls:1m;\n"
            "        # Browsers that have seen this site once come back over HTTPS only, for a year.\n"
            '        add_header Strict-Transport-Security "max-age=31536000" always;\n')


def _upstream_address(host: str, port: int) -> str:
    """Where nginx finds ``qa-bot serve``: its host, or loopback when it listens on every address."""
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
