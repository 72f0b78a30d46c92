"""The feedback store, on SQLite and on a real PostgreSQL server (see pg.py): what it keeps, what it
never keeps, the purge, migrations, and answers going on while the database is gone."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from pg import database, postgres  # noqa: F401  (fixtures)
from qa_bot.errors import ConfigError, StoreError, UnknownAnswerError, UsageError
from qa_bot.privacy import redact
from qa_bot.store import Store, data_dir_for, new_answer_id, open_store, schema
from qa_bot.store.connect import SQLITE_FILE, make_engine
from qa_bot.store.writer import Writer

NOW = datetime.now(timezone.utc).replace(microsecond=0)
# Purges in these tests happen at LATER, with every answer recorded between NOW and LATER: the
# writer's own purge (which goes by the clock) leaves them alone.
LATER = NOW + timedelta(days=100)
# Words no article, log line or SQLite page would hold by chance.
DISTINCTIVE = "Does botox help my zanzibarquokka elbow flutter"
IDENTIFYING = "my name is Quentin Zarkovsky, email qz.flutter@example.org"


@pytest.fixture
def store(database):
    store = database.open()
    yield store
    store.close()


def rows(store: Store, table: sa.Table) -> list[dict]:
    with store.reading() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(table))]


def folder_bytes(folder: Path) -> bytes:
    """Every file below ``folder`` (the database, its write-ahead log, anything else), concatenated."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def stored_bytes(database, store: Store) -> bytes:
    """What the database holds on disk: SQLite's data folder, or the PostgreSQL server's whole cluster
    (after a checkpoint, so that the pages in memory are in the files too)."""
    if database.server is None:
        return folder_bytes(database.data_dir)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("CHECKPOINT")
    return folder_bytes(database.server.data)


def test_an_answer_and_its_feedback_round_trip(store):
    answer_id = store.record("answered", "answered", "corpus-1234", [("Botox for Pain", "How Botox Works"),
                                                                    ("Botox for Pain", "Conclusión ✓")],
                             confidence=0.4321, at=NOW)
    assert store.flush()
    [answer] = rows(store, schema.answers)
    assert answer == {"id": answer_id, "created_at": NOW.replace(tzinfo=None), "status": "answered",
                      "reason": "answered", "confidence": 0.4321, "corpus_version": "corpus-1234", "question": None}
    assert sorted((c["place"], c["article"], c["section"]) for c in rows(store, schema.citations)) == [
        (0, "Botox for Pain", "How Botox Works"), (1, "Botox for Pain", "Conclusión ✓")]
    store.feedback(answer_id, helpful=False, reason="out_of_date", at=NOW)
    assert [(f["helpful"], f["reason"]) for f in rows(store, schema.feedback)] == [(False, "out_of_date")]
    store.feedback(answer_id, helpful=True)  # a patient who changes their mind: the last verdict counts
    assert [(f["helpful"], f["reason"]) for f in rows(store, schema.feedback)] == [(True, None)]
    assert store.stats().written == 1 and store.stats().lost == 0


def test_answer_ids_are_random_not_derived_from_anything():
    ids = {new_answer_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_feedback_waits_for_its_answer_still_in_the_queue(store):
    # No flush between the two: the answer may not be written yet when the patient clicks.
    answer_id = store.record("no_answer", "low_confidence", "v1")
    store.feedback(answer_id, helpful=False)
    assert [f["answer_id"] for f in rows(store, schema.feedback)] == [answer_id]


# (the random id's test id is fixed: test ids must not change between collections, as under pytest-xdist)
@pytest.mark.parametrize("answer_id", [pytest.param(new_answer_id(), id="random-id"), "not-an-id", "", "0" * 31, "'; DROP TABLE answers; --", None])
def test_feedback_for_an_unknown_answer_id_is_refused(store, answer_id):
    store.record("answered", "answered", "v1")
    with pytest.raises(UnknownAnswerError, match="no answer has that id"):
        store.feedback(answer_id, helpful=True)
    assert rows(store, schema.feedback) == []


@pytest.mark.parametrize("helpful, reason, message", [
    ("yes", None, "helpful must be true or false"),
    (1, None, "helpful must be true or false"),
    (True, "wrong_topic", "only with 'not helpful'"),
    (False, "too_long", "reason must be one of wrong_topic, not_answered, hard_to_understand, out_of_date"),
])
def test_a_bad_verdict_is_a_usage_error(tmp_path, helpful, reason, message):
    store = open_store(tmp_path / "data")
    answer_id = store.record("answered", "answered", "v1")
    with pytest.raises(UsageError, match=message):
        store.feedback(answer_id, helpful, reason)
    store.close()


@pytest.mark.parametrize("change, message", [
    ({"status": "maybe"}, "status must be one of"),
    ({"reason": "not covered: cost"}, "reason must be a code"),  # free text could carry a patient's words
    ({"reason": "low_confidence; unknown words: quentin"}, "reason must be a code"),
    ({"reason": ""}, "reason must be a code"),
    ({"corpus_version": "x" * 65}, "corpus_version is over 64"),
    ({"confidence": float("nan")}, "confidence must be a finite number"),
    ({"answer_id": "what does botox cost"}, "answer_id must be 32 hex digits"),
])
def test_record_refuses_values_qa_bot_itself_got_wrong(tmp_path, change, message):
    store = open_store(tmp_path / "data")
    values = {"status": "no_answer", "reason": "not_covered:cost", "corpus_version": "v1"} | change
    with pytest.raises(ValueError, match=message):
        store.record(**values)
    store.close()


@pytest.mark.parametrize("url, message", [
    ("mysql://clinic@db/qa", "must be a postgresql:// URL, not mysql"),
    ("sqlite:///elsewhere.db", "must be a postgresql:// URL, not sqlite"),
    ("not a url at all", "must look like postgresql://"),
])
def test_a_bad_database_url_is_a_config_error(tmp_path, url, message):
    with pytest.raises(ConfigError, match=message):
        open_store(tmp_path / "data", url)


def test_retention_must_be_at_least_a_day(tmp_path):
    with pytest.raises(ConfigError, match="retention_days must be at least 1, not 0"):
        open_store(tmp_path / "data", retention_days=0)


def test_an_unusable_data_folder_is_a_store_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create the data folder"):
        open_store(tmp_path / "file" / "data")


def test_the_data_folder_sits_beside_the_index_and_only_its_owner_may_read_it(tmp_path):
    data = data_dir_for(tmp_path / "index-abc")
    assert data == tmp_path / "index-abc-data"
    open_store(data).close()
    assert (data / SQLITE_FILE).is_file() and data.stat().st_mode & 0o077 == 0


# -- privacy ------------------------------------------------------------------------------------------


def test_with_defaults_the_question_is_stored_nowhere(database, caplog):
    caplog.set_level(logging.DEBUG)
    store = database.open()
    answer_id = store.record("no_answer", "low_confidence", "v1", question=f"{DISTINCTIVE} {IDENTIFYING}")
    store.feedback(answer_id, helpful=False, reason="not_answered")
    assert [a["question"] for a in rows(store, schema.answers)] == [None]
    on_disk = stored_bytes(database, store)
    store.close()
    assert answer_id.encode() in on_disk  # the search does see what was stored...
    for words in ("zanzibarquokka", "Zarkovsky", "qz.flutter"):  # ...and the question is not there
        assert words.encode() not in on_disk
        assert words not in caplog.text


def test_with_log_questions_the_question_is_stored_redacted_and_purged(database):
    store = database.open(log_questions=True, retention_days=30)
    question = f"{DISTINCTIVE}? {IDENTIFYING}"
    store.record("no_answer", "low_confidence", "v1", question=question, at=LATER - timedelta(days=31))
    kept = store.record("answered", "answered", "v1", question="how does botox work", at=LATER)
    assert store.flush()
    stored = {a["id"]: a["question"] for a in rows(store, schema.answers)}
    assert sorted(stored.values()) == sorted([redact(question), "how does botox work"])
    assert "[NAME]" in redact(question) and "[EMAIL]" in redact(question)
    on_disk = stored_bytes(database, store)
    assert b"zanzibarquokka" in on_disk
    assert b"Zarkovsky" not in on_disk and b"qz.flutter" not in on_disk

    assert store.purge(now=LATER) == 1
    assert [a["id"] for a in rows(store, schema.answers)] == [kept]
    if database.kind == "sqlite":
        # Overwritten in the file and in its write-ahead log (PostgreSQL reclaims dead rows in its
        # own time: its VACUUM, a matter for the server's administrator).
        assert b"zanzibarquokka" not in stored_bytes(database, store)
    store.close()


def test_a_failed_write_logs_no_question_text(tmp_path, caplog):
    store = open_store(tmp_path / "data", log_questions=True)
    answer_id = store.record("no_answer", "low_confidence", "v1", question=DISTINCTIVE)
    assert store.flush()
    store.record("no_answer", "low_confidence", "v1", question=DISTINCTIVE, answer_id=answer_id)  # a duplicate id
    assert store.flush()
    assert store.stats().lost == 1
    assert "writes are failing (IntegrityError: UNIQUE constraint failed: answers.id)" in caplog.text
    assert "zanzibarquokka" not in caplog.text and "INSERT" not in caplog.text
    store.close()


# -- retention ----------------------------------------------------------------------------------------


def test_the_purge_deletes_answers_past_retention_with_their_citations_and_feedback(database):
    store = database.open(retention_days=90)
    ages = {"old": 91, "edge": 89, "new": 0}
    ids = {name: store.record("answered", "answered", "v1", [("A", "S")], at=LATER - timedelta(days=days))
           for name, days in ages.items()}
    for answer_id in ids.values():
        store.feedback(answer_id, helpful=False)
    assert store.purge(now=LATER) == 1
    assert {a["id"] for a in rows(store, schema.answers)} == {ids["edge"], ids["new"]}
    assert {c["answer_id"] for c in rows(store, schema.citations)} == {ids["edge"], ids["new"]}
    assert {f["answer_id"] for f in rows(store, schema.feedback)} == {ids["edge"], ids["new"]}
    with pytest.raises(UnknownAnswerError, match="older than the 90 days"):
        store.feedback(ids["old"], helpful=True)
    assert store.purge(now=LATER) == 0
    store.close()


def test_the_writer_purges_by_itself_at_start_then_at_most_hourly(database):
    long_ago = NOW - timedelta(days=200)
    store = database.open(retention_days=90)
    first = store.record("answered", "answered", "v1", at=long_ago)
    assert store.flush()  # the first batch is written, then the start-up purge runs
    assert rows(store, schema.answers) == []
    second = store.record("answered", "answered", "v1", at=long_ago)
    assert store.flush()  # within the hour: no second purge
    assert [a["id"] for a in rows(store, schema.answers)] == [second] != [first]
    store.close()


# -- migrations ---------------------------------------------------------------------------------------


def test_a_database_at_version_1_is_upgraded_at_start_keeping_its_rows(database):
    engine = make_engine(database.data_dir, database.url)
    assert schema.upgrade(engine, target=1) == 1
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO answers (id, created_at, status, reason, corpus_version) "
                             "VALUES (:id, :at, 'answered', 'answered', 'v0')"),
                     {"id": "a" * 32, "at": NOW.replace(tzinfo=None)})
        assert "answers_created_at" not in {i["name"] for i in sa.inspect(conn).get_indexes("answers")}
    engine.dispose()
    store = database.open()
    with store.reading() as conn:
        assert conn.execute(sa.text("SELECT version FROM qa_bot_schema")).scalar() == schema.LATEST
        assert "answers_created_at" in {i["name"] for i in sa.inspect(conn).get_indexes("answers")}
    assert [a["id"] for a in rows(store, schema.answers)] == ["a" * 32]
    store.feedback("a" * 32, helpful=True)
    store.close()


def test_the_tables_for_queries_match_what_the_migrations_build(store):
    with store.reading() as conn:
        inspector = sa.inspect(conn)
        for table in schema.metadata.sorted_tables:
            assert [c["name"] for c in inspector.get_columns(table.name)] == [c.name for c in table.columns]
            assert inspector.get_pk_constraint(table.name)["constrained_columns"] == [c.name for c in table.primary_key]


def test_workers_starting_at_once_upgrade_once(database):
    engines = [make_engine(database.data_dir, database.url) for _ in range(4)]
    results, errors = [], []

    def start(engine):
        try:
            results.append(schema.upgrade(engine))
        except Exception as exc:  # collected: an exception in a thread would not fail the test
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and results == [schema.LATEST] * 4
    with engines[0].connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM qa_bot_schema")).scalar() == 1
    for engine in engines:
        engine.dispose()


def test_a_database_newer_than_this_qa_bot_is_refused(database):
    database.open().close()
    engine = make_engine(database.data_dir, database.url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE qa_bot_schema SET version = :v"), {"v": schema.LATEST + 1})
    engine.dispose()
    with pytest.raises(StoreError, match=f"schema version {schema.LATEST + 1}, newer than this qa-bot knows"):
        database.open()


# -- outages ------------------------------------------------------------------------------------------


class Outage:
    """Takes the database away and brings it back: the PostgreSQL server stopped and started; for
    SQLite, the data folder moved aside and a file put in its place (chmod would not stop root)."""

    def __init__(self, database):
        self.database = database
        self.aside = database.data_dir.with_name("data-aside")

    def begin(self):
        if self.database.server:
            self.database.server.stop()
        else:
            self.database.data_dir.rename(self.aside)
            self.database.data_dir.write_text("the database is gone")

    def end(self):
        if self.database.server:
            self.database.server.start()
        else:
            self.database.data_dir.unlink()
            self.aside.rename(self.database.data_dir)


def test_answers_go_on_while_the_database_is_gone_and_writes_resume_when_it_is_back(database, caplog):
    store = database.open()
    for _ in range(10):
        store.record("answered", "answered", "v1", [("A", "S")])
    assert store.flush()
    outage = Outage(database)
    outage.begin()
    try:
        for _ in range(200):  # no exception may reach the caller
            store.record("no_answer", "not_covered:cost", "v1", [("A", "S")])
        assert store.flush(timeout=60)
        assert store.stats().lost == 200 and store.stats().failing
        with pytest.raises(StoreError, match="cannot record the feedback"):
            store.feedback(new_answer_id(), helpful=True)
    finally:
        outage.end()
    for _ in range(5):
        store.record("answered", "answered", "v1")
    assert store.flush(timeout=60)
    stats = store.stats()
    assert (stats.written, stats.lost, stats.failing) == (15, 200, False)
    assert len(rows(store, schema.answers)) == 15
    failures = [r for r in caplog.records if "writes are failing" in r.getMessage()]
    assert len(failures) == 1  # once for the outage, not once a write
    assert "writes work again; 200 lost since start" in caplog.text
    store.close()


def make_read_only(path: Path, read_only: bool) -> None:
    """chmod, or for root (whom chmod does not stop) the immutable attribute."""
    if os.geteuid() != 0:
        path.chmod(0o400 if read_only else 0o600)
        return
    done = subprocess.run(["chattr", "+i" if read_only else "-i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot make a file read-only as root here: {done.stderr.strip()}")


def test_a_sqlite_file_read_only_at_start_loses_writes_counted_and_they_resume_once_writable(tmp_path, caplog):
    """A server (re)started while its database file is read-only: answers go on, the writes are lost
    and counted, and writing resumes by itself once the file is writable again."""
    store = open_store(tmp_path / "data")
    store.record("answered", "answered", "v1")
    store.close()
    path = tmp_path / "data" / SQLITE_FILE
    make_read_only(path, True)
    try:
        store = open_store(tmp_path / "data")
        for _ in range(5):
            store.record("answered", "answered", "v1")
        assert store.flush(timeout=30)
        assert store.stats().lost == 5 and store.stats().failing
        assert "readonly database" in caplog.text
    finally:
        make_read_only(path, False)
    for _ in range(3):
        store.record("answered", "answered", "v1")
    assert store.flush(timeout=30)
    stats = store.stats()
    assert (stats.written, stats.lost, stats.failing) == (3, 5, False)
    assert len(rows(store, schema.answers)) == 4
    assert "writes work again; 5 lost since start" in caplog.text
    store.close()


def test_a_server_down_at_start_does_not_stop_the_store(postgres, tmp_path, caplog):
    url = postgres.new_database()
    postgres.stop()
    try:
        store = open_store(tmp_path / "data", url)  # logs, does not raise
        assert "cannot reach postgresql+psycopg://qa_bot@127.0.0.1" in caplog.text
        store.record("answered", "answered", "v1")
        assert store.flush(timeout=60) and store.stats().lost == 1
    finally:
        postgres.start()
    answer_id = store.record("answered", "answered", "v1")
    assert store.flush(timeout=60)
    store.feedback(answer_id, helpful=True)  # the schema was upgraded once the server was back
    assert store.stats().written == 1
    store.close()


# -- the writer on its own ----------------------------------------------------------------------------


def test_records_that_find_the_queue_full_are_counted_lost(caplog):
    busy, release, written = threading.Event(), threading.Event(), []

    def slow_write(batch):
        busy.set()
        release.wait(10)
        written.extend(batch)

    writer = Writer(slow_write, capacity=3)
    writer.put("first")
    assert busy.wait(10)  # the writer holds "first"; the queue has room for 3
    for n in range(8):
        writer.put(n)
    assert writer.stats().lost == 5 and writer.stats().pending == 3
    assert caplog.text.count("the write queue is full") == 1
    release.set()
    assert writer.flush(10)
    assert written == ["first", 0, 1, 2] and writer.stats().written == 4
    writer.close()


def test_a_forked_worker_writes_with_its_own_thread(tmp_path):
    store = open_store(tmp_path / "data")
    store.record("answered", "answered", "parent")
    assert store.flush()
    pid = os.fork()
    if pid == 0:  # the child: the parent's writer thread did not come along
        try:
            store.record("answered", "answered", "child")
            os._exit(0 if store.flush(10) and store.stats().lost == 0 else 1)
        finally:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sorted(a["corpus_version"] for a in rows(store, schema.answers)) == ["child", "parent"]
    store.close()


def test_answering_never_imports_the_store():
    code = ("import sys, qa_bot, qa_bot.answer, qa_bot.cli, qa_bot.webapp; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'psycopg') "
            "or m.startswith('qa_bot.store')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
