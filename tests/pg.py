"""A throwaway PostgreSQL server for the tests: Debian's ``postgresql`` package, started for the run.

``initdb`` and ``postgres`` refuse to run as root, so as root they run as the ``postgres`` user
(which the package creates), in a temp folder of their own, on a free loopback port with the
unix socket in that folder. Without the package the tests that need it skip, unless
``QA_BOT_REQUIRE_POSTGRES`` (or ``CI``) is set: then they fail. ``scripts/install-test-tools``
installs it.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

START_TIMEOUT_S = 60
# Read at import: the autouse fixture in conftest clears QA_BOT_* variables before each test, and the
# server is often first asked for from inside a test (the ``database`` fixture).
REQUIRE_POSTGRES = bool(os.environ.get("CI") or os.environ.get("QA_BOT_REQUIRE_POSTGRES"))


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (/usr/lib/postgresql/<version>/bin), if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def require_postgres() -> Path:
    """The bin folder, or skip (fail when PostgreSQL is required) if it is not installed."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        if REQUIRE_POSTGRES:
            pytest.fail("PostgreSQL is not installed: apt-get install postgresql (scripts/install-test-tools does)")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    return bin_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster in a temp folder; ``stop()`` and ``start()`` for outage tests.

    Not ``durable`` (the tests): no waiting for the disk at commits, which a test does not need.
    """

    def __init__(self, bin_dir: Path, durable: bool = False):
        self.bin_dir = bin_dir
        self.durable = durable
        self.port = free_port()
        # Not under pytest's tmp folder: that is private to root, and the server runs as postgres.
        self.root = Path(tempfile.mkdtemp(prefix="qa-bot-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._user = self._run_as()
        if self._user is not None:
            os.chown(self.root, self._user.pw_uid, self._user.pw_gid)
        self._proc: subprocess.Popen | None = None
        self._databases = itertools.count(1)
        self._exec("initdb", "-D", str(self.data), "-U", "qa_bot", "--auth=trust", "-E", "UTF8",
                   "--locale=C", "--no-sync")

    @staticmethod
    def _run_as() -> pwd.struct_passwd | None:
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root, and there is no 'postgres' user to run PostgreSQL as")

    def _popen_user(self) -> dict:
        return {} if self._user is None else {"user": self._user.pw_uid, "group": self._user.pw_gid}

    def _exec(self, program: str, *args: str) -> None:
        done = subprocess.run([str(self.bin_dir / program), *args], capture_output=True, text=True,
                              cwd=self.root, **self._popen_user())
        if done.returncode != 0:
            pytest.fail(f"{program} failed: {done.stderr.strip() or done.stdout.strip()}")

    @property
    def url(self) -> str:
        return f"postgresql://qa_bot@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        fast = [] if self.durable else ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        log = open(self.log, "ab")
        self._proc = subprocess.Popen(
            [str(self.bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port), "-k", str(self.root),
             "-c", "listen_addresses=127.0.0.1", *fast],
            stdout=log, stderr=log, cwd=self.root, **self._popen_user())
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._accepts():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"PostgreSQL did not start: {self.log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop at once (fast shutdown: open connections are cut, as when a server goes away)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGINT)
            self._proc.wait(30)
        self._proc = None

    def _accepts(self) -> bool:
        import psycopg

        try:
            psycopg.connect(self.url, connect_timeout=2).close()
            return True
        except psycopg.OperationalError:
            return False

    def new_database(self) -> str:
        """The URL of a new, empty database on this server."""
        import psycopg

        name = f"test_{next(self._databases)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for the whole run (skips or fails without the package; see the module)."""
    server = PostgresServer(require_postgres())
    try:
        server.start()
        yield server
    finally:
        server.remove()


class Database:
    """Where a test's store lives: SQLite in ``data_dir``, or a fresh database on ``server``."""

    def __init__(self, data_dir: Path, server: PostgresServer | None = None):
        self.data_dir = data_dir
        self.server = server
        self.url = server.new_database() if server else ""
        self.kind = "postgresql" if server else "sqlite"

    def open(self, **settings):
        from qa_bot.store import open_store

        return open_store(self.data_dir, self.url, **settings)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Database:
    """Each test that takes this runs twice: on SQLite, and on the run's PostgreSQL server."""
    server = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    return Database(tmp_path / "data", server)
