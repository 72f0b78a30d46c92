"""The store's tables and their history: a schema version and the migrations that reach it.

A database records the version it is at in ``qa_bot_schema``. :func:`upgrade` runs every migration
past it in one transaction, under a lock, so that several workers starting at once upgrade once and
a migration that fails leaves the database as it was. Migrations are plain SQL that SQLite and
PostgreSQL both accept. A released migration is history: a change to the schema is a new migration
at the end, never an edit to an old one. The ``Table`` objects below describe the latest version for
queries; a test checks that they match what the migrations build.

What a row may hold is decided in ``qa_bot/store/__init__.py`` (no question text unless the clinic
turns ``log_questions`` on, and then only redacted).
"""

from __future__ import annotations

import sqlalchemy as sa

from ..errors import StoreError
from .connect import writing

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: answers, the sections each one cites, and patients' feedback on them.
    (
        """CREATE TABLE answers (
            id VARCHAR(32) PRIMARY KEY,
            created_at TIMESTAMP NOT NULL,
            status VARCHAR(16) NOT NULL,
            reason VARCHAR(64) NOT NULL,
            confidence DOUBLE PRECISION,
            corpus_version VARCHAR(64) NOT NULL,
            question TEXT)""",
        """CREATE TABLE citations (
            answer_id VARCHAR(32) NOT NULL REFERENCES answers (id),
            place INTEGER NOT NULL,
            article TEXT NOT NULL,
            section TEXT NOT NULL,
            PRIMARY KEY (answer_id, place))""",
        """CREATE TABLE feedback (
            answer_id VARCHAR(32) PRIMARY KEY REFERENCES answers (id),
            created_at TIMESTAMP NOT NULL,
            helpful BOOLEAN NOT NULL,
            reason VARCHAR(32))""",
    ),
    # 2: the purge and the reports select answers by time.
    ("CREATE INDEX answers_created_at ON answers (created_at)",),
)
LATEST = len(MIGRATIONS)
# Any constant: PostgreSQL's transaction-scoped advisory lock that serialises upgrades.
PG_UPGRADE_LOCK = 0x5141_424F_54

metadata = sa.MetaData()
answers = sa.Table(
    "answers", metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # random (new_answer_id), never from the question
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(64), nullable=False),  # a code such as not_covered:cost
    sa.Column("confidence", sa.Float),
    sa.Column("corpus_version", sa.String(64), nullable=False),
    sa.Column("question", sa.Text),  # only with log_questions, after redaction
)
citations = sa.Table(
    "citations", metadata,
    sa.Column("answer_id", sa.String(32), sa.ForeignKey("answers.id"), primary_key=True),
    sa.Column("place", sa.Integer, primary_key=True),  # 0 for the best
    sa.Column("article", sa.Text, nullable=False),
    sa.Column("section", sa.Text, nullable=False),
)
feedback = sa.Table(
    "feedback", metadata,
    sa.Column("answer_id", sa.String(32), sa.ForeignKey("answers.id"), primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("helpful", sa.Boolean, nullable=False),
    sa.Column("reason", sa.String(32)),
)


def upgrade(engine: sa.Engine, target: int = LATEST) -> int:
    """Bring the database to ``target`` (the latest by default) and return the version it is at.

    Raises :class:`StoreError` if the database is at a newer version than this qa-bot knows.
    """
    # On SQLite the write lock is taken at BEGIN, so a second worker waits, then finds the work done.
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_UPGRADE_LOCK})
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS qa_bot_schema (version INTEGER NOT NULL)"))
        current = conn.execute(sa.text("SELECT version FROM qa_bot_schema")).scalar()
        if current is None:
            conn.execute(sa.text("INSERT INTO qa_bot_schema (version) VALUES (0)"))
            current = 0
        if current > LATEST:
            raise StoreError(f"the feedback database is at schema version {current}, newer than this "
                             f"qa-bot knows ({LATEST}): upgrade qa-bot, or point it at another database")
        for version in range(current, target):
            for statement in MIGRATIONS[version]:
                conn.execute(sa.text(statement))
        if target > current:
            conn.execute(sa.text("UPDATE qa_bot_schema SET version = :v"), {"v": target})
    return max(current, target)
