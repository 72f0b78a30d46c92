"""The feedback store: what each answer was (never what was asked, by default) and patients' feedback.

Only the ways in (web app, CLI) import this package, and only when storage is on: answering never
waits on it, and ``qa-bot ask`` never pays for importing SQLAlchemy.

A stored answer holds: its random id, the time (UTC), the status, the reason code
(``not_covered:cost``, ``low_confidence``, ``clinician``, ``urgent:stroke``...), the confidence, the
corpus version and the cited articles and sections. With ``log_questions`` on it also holds the
question after :func:`qa_bot.privacy.redact`; otherwise the question never reaches the database.
Client addresses and unknown words are never given to the store. Feedback (helpful or not, and
why) is keyed by the answer id. Everything is purged ``retention_days`` after the answer.

:meth:`Store.record` only queues the record (microseconds); a background thread writes batches and
survives the database going away (see writer.py). :meth:`Store.feedback` and :meth:`Store.purge`
are synchronous and raise :class:`~qa_bot.errors.StoreError` when the database cannot be reached.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..answer import STATUSES
from ..errors import ConfigError, StoreError, UnknownAnswerError, UsageError
from ..feedback import FEEDBACK_REASONS
from ..privacy import redact
from . import schema
from .connect import data_dir_for, describe, make_engine, writing
from .schema import answers, citations, feedback
from .writer import Writer, WriterStats, describe_error

__all__ = ["FEEDBACK_REASONS", "Store", "WriterStats", "data_dir_for", "new_answer_id", "open_store"]

log = logging.getLogger("qa_bot.store")

# Reason codes are made by qa-bot, never typed by a patient (so the stdlib's re is fine here): a
# word, optionally ':' and a detail from a fixed list (a vocabulary topic, a triage rule).
REASON_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}(?::[a-z0-9_]{1,31})?")
ANSWER_ID = re.compile(r"[0-9a-f]{32}")
MAX_CORPUS_VERSION = 64
PURGE_EVERY_S = 3600.0
_STATUSES = frozenset(STATUSES)


def new_answer_id() -> str:
    """A random answer id: 32 hex digits from the OS's random source, unrelated to the question."""
    return secrets.token_hex(16)


def utc_now() -> datetime:
    """Now in UTC, without a zone attached: how the store keeps times on SQLite and PostgreSQL alike."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def as_utc(moment: datetime) -> datetime:
    """``moment`` as the store keeps it: a zone-aware time converted to UTC; a naive one taken as UTC."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


EPOCH = datetime(1970, 1, 1)


class Record(NamedTuple):
    """One answer waiting to be written (a tuple: it is built on the request path)."""

    answer_id: str
    created_at: float  # POSIX seconds (time.time(): a datetime is made by the writer, off the request path)
    status: str
    reason: str
    confidence: float | None
    corpus_version: str
    question: str | None  # not yet redacted: that is done by the writer, off the request path
    citations: tuple[tuple[str, str], ...]  # (article, section), best first


class Store:
    """A database of answers and feedback. Make one with :func:`open_store`; ``close()`` when done."""

    def __init__(self, engine: sa.Engine, *, log_questions: bool = False, retention_days: int = 90):
        if retention_days < 1:
            raise ConfigError(f"retention_days must be at least 1, not {retention_days}")
        self.engine = engine
        self.log_questions = log_questions
        self.retention_days = retention_days
        self._upgraded = False
        self._writer = Writer(self._write, hook=self.purge, hook_every=PURGE_EVERY_S,
                              on_fork=lambda: engine.dispose(close=False))

    def __repr__(self) -> str:
        return f"Store({describe(self.engine)})"

    # -- the request path ------------------------------------------------------------------------

    def record(self, status: str, reason: str, corpus_version: str, citations: Iterable[tuple[str, str]] = (),
               confidence: float | None = None, question: str | None = None, answer_id: str | None = None,
               at: datetime | None = None) -> str:
        """Queue one answer for writing and return its id (``answer_id``, or a new random one).

        ``question`` is dropped here unless ``log_questions`` is on. Never raises for a database
        problem; raises ``ValueError`` for values qa-bot itself got wrong (a bug, not an outage).
        """
        if status not in _STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        if not REASON_CODE.fullmatch(reason):
            raise ValueError(f"reason must be a code like 'not_covered:cost', not {reason!r}")
        if len(corpus_version) > MAX_CORPUS_VERSION:
            raise ValueError(f"corpus_version is over {MAX_CORPUS_VERSION} characters")
        if confidence is not None and not math.isfinite(confidence):
            raise ValueError(f"confidence must be a finite number or None, not {confidence!r}")
        if answer_id is None:
            answer_id = new_answer_id()
        elif not ANSWER_ID.fullmatch(answer_id):
            raise ValueError("answer_id must be 32 hex digits (see new_answer_id)")
        created = time.time() if at is None else (as_utc(at) - EPOCH).total_seconds()
        self._writer.put(Record(answer_id, created, status, reason, confidence, corpus_version,
                                question if self.log_questions else None,
                                tuple((str(a), str(s)) for a, s in citations)))
        return answer_id

    # -- synchronous calls -------------------------------------------------------------------------

    def feedback(self, answer_id: str, helpful: bool, reason: str | None = None, at: datetime | None = None) -> None:
        """Record a patient's verdict on an answer; a second verdict on the same answer replaces the first.

        Raises :class:`UsageError` for a bad verdict, :class:`UnknownAnswerError` for an id the
        store does not hold, :class:`StoreError` if the database cannot be reached.
        """
        if not isinstance(helpful, bool):
            raise UsageError("helpful must be true or false")
        if reason is not None:
            if helpful:
                raise UsageError("a reason goes only with 'not helpful'")
            if reason not in FEEDBACK_REASONS:
                raise UsageError(f"reason must be one of {', '.join(FEEDBACK_REASONS)}, not '{reason}'")
        if not isinstance(answer_id, str) or not ANSWER_ID.fullmatch(answer_id):
            raise UnknownAnswerError("no answer has that id: it must be the id of a recent answer")
        row = {"answer_id": answer_id, "created_at": utc_now() if at is None else as_utc(at),
               "helpful": helpful, "reason": reason}
        with self._errors("record the feedback"):
            saved = self._save_feedback(row)
            if not saved:
                # The answer may still be waiting in this process's queue: write it, then look again.
                self._writer.flush()
                saved = self._save_feedback(row)
        if not saved:
            raise UnknownAnswerError("no answer has that id: it was never given, or is older than the "
                                     f"{self.retention_days} days answers are kept")

    def purge(self, now: datetime | None = None) -> int:
        """Delete every answer (and its citations and feedback) older than ``retention_days``; return
        how many answers went. Raises :class:`StoreError` if the database cannot be reached."""
        cutoff = (utc_now() if now is None else as_utc(now)) - timedelta(days=self.retention_days)
        old = sa.select(answers.c.id).where(answers.c.created_at < cutoff)
        with self._errors("purge old answers"):
            with writing(self._ready()) as conn:
                conn.execute(sa.delete(feedback).where(feedback.c.answer_id.in_(old)))
                conn.execute(sa.delete(citations).where(citations.c.answer_id.in_(old)))
                purged = conn.execute(sa.delete(answers).where(answers.c.created_at < cutoff)).rowcount
            if self.engine.dialect.name == "sqlite":
                # The write-ahead log still holds the deleted rows' old pages until it is reset.
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        if purged:
            log.info("feedback store: purged %d answers older than %d days", purged, self.retention_days)
        return purged

    def upgrade(self) -> int:
        """Bring the schema to the latest version now; return it. Raises :class:`StoreError`."""
        with self._errors("upgrade the database"):
            self._ready()
        return schema.LATEST

    @contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        """A connection for reports; a database failure becomes :class:`StoreError`."""
        with self._errors("read the database"):
            with self._ready().connect() as conn:
                yield conn

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every answer recorded so far is written (or counted lost); False on timeout."""
        return self._writer.flush(timeout)

    def stats(self) -> WriterStats:
        """How many records were written and lost since start, how many wait, and whether writes fail."""
        return self._writer.stats()

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued (waiting up to ``timeout`` seconds), stop the writer, close connections."""
        self._writer.close(timeout)
        self.engine.dispose()

    # -- inside ------------------------------------------------------------------------------------

    def _ready(self) -> sa.Engine:
        """The engine, once the schema is known to be current (upgraded now if it never was)."""
        if not self._upgraded:
            schema.upgrade(self.engine)
            self._upgraded = True
        return self.engine

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot {action} in {describe(self.engine)}: {describe_error(exc)}") from None

    def _write(self, batch: list[Record]) -> None:
        """Write one batch in one transaction (the writer thread; it counts a failure as lost)."""
        rows = [{"id": r.answer_id, "created_at": EPOCH + timedelta(seconds=r.created_at), "status": r.status,
                 "reason": r.reason, "confidence": r.confidence, "corpus_version": r.corpus_version,
                 "question": None if r.question is None else redact(r.question)} for r in batch]
        cited = [{"answer_id": r.answer_id, "place": place, "article": article, "section": section}
                 for r in batch for place, (article, section) in enumerate(r.citations)]
        with writing(self._ready()) as conn:
            conn.execute(answers.insert(), rows)
            if cited:
                conn.execute(citations.insert(), cited)

    def _save_feedback(self, row: dict) -> bool:
        with writing(self._ready()) as conn:
            known = conn.execute(sa.select(answers.c.id).where(answers.c.id == row["answer_id"])).first()
            if known is None:
                return False
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            upsert = dialect.insert(feedback).values(row)
            conn.execute(upsert.on_conflict_do_update(
                index_elements=[feedback.c.answer_id],
                set_={k: upsert.excluded[k] for k in ("created_at", "helpful", "reason")}))
        return True


def open_store(data_dir: Path, database_url: str = "", *, log_questions: bool = False,
               retention_days: int = 90) -> Store:
    """The store for a server or the CLI: SQLite in ``data_dir`` unless ``database_url`` names a
    PostgreSQL server; the schema upgraded now.

    A database that cannot be reached does not stop the start: it is logged, answers are served,
    and the writer upgrades the schema when the database comes back. A bad URL (ConfigError) and a
    database newer than this qa-bot (StoreError) do stop it.
    """
    store = Store(make_engine(data_dir, database_url), log_questions=log_questions, retention_days=retention_days)
    try:
        store._ready()
    except sa.exc.SQLAlchemyError as exc:
        log.error("feedback store: cannot reach %s (%s); answers go on, and writes are retried",
                  describe(store.engine), describe_error(exc))
    except StoreError:
        store.engine.dispose()
        raise
    return store
