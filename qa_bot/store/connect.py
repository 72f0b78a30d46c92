"""Opening the store's database: SQLite in the data folder by default, PostgreSQL by URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from ..errors import ConfigError, StoreError

SQLITE_FILE = "qa-bot.sqlite3"
BUSY_TIMEOUT_S = 10  # another worker holding SQLite's write lock: wait this long, then fail
PG_CONNECT_TIMEOUT_S = 5  # an unreachable server fails a write after this long, not the OS's minutes
SQLITE_READONLY = 8  # SQLite's primary result code for "attempt to write a readonly database"


def data_dir_for(index_dir: Path) -> Path:
    """The default data folder: beside the index folder, so one clinic's corpus has one of each."""
    index_dir = Path(index_dir)
    return index_dir.with_name(f"{index_dir.name}-data")


def make_engine(data_dir: Path, database_url: str = "") -> sa.Engine:
    """An engine for ``database_url`` (``postgresql://...``), or SQLite in ``data_dir`` if it is empty."""
    if database_url.strip():
        return _postgres(database_url.strip())
    return _sqlite(Path(data_dir))


def describe(engine: sa.Engine) -> str:
    """The database for messages: the SQLite file, or the server URL without its password."""
    return engine.url.render_as_string(hide_password=True)


def _postgres(database_url: str) -> sa.Engine:
    try:
        url = sa.make_url(database_url)
    except sa.exc.ArgumentError:
        raise ConfigError("database_url must look like postgresql://user:password@host:5432/dbname") from None
    if url.drivername not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise ConfigError(f"database_url must be a postgresql:// URL, not {url.drivername}://... "
                          "(leave it empty for SQLite in the data folder)")
    try:
        return sa.create_engine(url.set(drivername="postgresql+psycopg"), pool_pre_ping=True,
                                connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S})
    except ImportError:
        raise ConfigError("database_url is a PostgreSQL URL but psycopg is not installed: "
                          "pip install 'qa-bot[postgres]'") from None


def _sqlite(data_dir: Path) -> sa.Engine:
    try:
        # The database can hold (redacted) questions: only the server's own user may read it.
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the data folder {data_dir}: {exc.strerror or exc}") from None
    path = data_dir / SQLITE_FILE
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn, record):
        # Python's sqlite3 would BEGIN only before DML, leaving DDL outside transactions:
        # qa-bot begins them itself (below), so that a migration is all or nothing.
        dbapi_conn.isolation_level = None
        # WAL: readers (reports) never block the writer. NORMAL is durable across a crash of the
        # process (a power cut can lose the last transactions; never corrupts).
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, so that a purged question is gone from the file.
        dbapi_conn.execute("PRAGMA secure_delete=ON")
        record.info["file"] = _identity(path)

    @sa.event.listens_for(engine, "checkout")
    def _checkout(_dbapi_conn, record, _proxy):
        # A pooled connection would go on writing into a file that was deleted, moved or replaced,
        # and nobody would learn that the data is gone: such a connection is thrown away, and
        # SQLAlchemy opens a new one on the path (which fails if the folder is gone).
        if _identity(path) != record.info.get("file"):
            raise sa.exc.DisconnectionError("the database file was moved, replaced or deleted")

    @sa.event.listens_for(engine, "handle_error")
    def _read_only(context):
        # SQLite opens a file it may not write read-only, and such a connection stays read-only
        # after the file is writable again: it is thrown away, so that writing can resume.
        if getattr(context.original_exception, "sqlite_errorcode", 0) & 0xFF == SQLITE_READONLY:
            context.is_disconnect = True

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        # IMMEDIATE takes the write lock at once; a transaction that reads before it writes would
        # otherwise fail outright (not wait) when another process wrote in between.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("immediate") else "BEGIN")

    return engine


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


@contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection in a transaction that will write (on SQLite: holding the write lock from BEGIN)."""
    with engine.connect() as conn:
        conn.execution_options(immediate=True)
        with conn.begin():
            yield conn
