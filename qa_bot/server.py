"""``qa-bot serve``: the web app on gunicorn, or on Flask's development server with ``--debug``.

The index is checked (and built if missing or stale) once in the parent process, so a bad corpus
is reported as one line before any worker starts and workers never race to build it. Each worker
then loads the index once, when it imports the app, and reuses it for every request.
"""

from __future__ import annotations

import errno
import socket
import sys

from gunicorn.app.base import BaseApplication

from . import logs
from .config import Config
from .errors import QaBotError
from .index import open_index

# gthread workers keep connections alive between requests (the sync worker closes each one), so
# a page with the widget does not pay for a new connection per question.
THREADS_PER_WORKER = 4
# Settings that older gunicorn versions do not have; skipped there.
OPTIONAL_SETTINGS = {"control_socket_disable"}


class QaBotServer(BaseApplication):
    """gunicorn running ``create_app(config)`` with options from the config, not from sys.argv."""

    def __init__(self, config: Config, options: dict | None = None):
        self.qa_config = config
        self.options = {
            "bind": f"{config.host}:{config.port}",
            "workers": config.workers,
            "worker_class": "gthread",
            "threads": THREADS_PER_WORKER,
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
        from .webapp import create_app

        return create_app(self.qa_config)


def serve(config: Config, debug: bool = False) -> int:
    """Serve until interrupted (SIGTERM or Ctrl-C: in-flight requests finish first). Returns the exit code."""
    logs.configure()  # JSON lines on standard error; workers inherit it
    _check_port_free(config.host, config.port)
    index = open_index(config.corpus, config.resolved_index_dir)
    m = index.manifest
    print(f"qa-bot: {m['articles']} article(s), {m['sections']} sections; "
          f"serving on http://{config.host}:{config.port}/ ({'debug' if debug else f'{config.workers} worker(s)'})",
          file=sys.stderr, flush=True)
    if debug:
        from .webapp import create_app

        create_app(config).run(host=config.host, port=config.port, debug=True, use_reloader=False)
        return 0
    QaBotServer(config).run()
    return 0


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
