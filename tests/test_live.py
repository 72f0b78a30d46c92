"""Following corpus edits while serving: good edits are picked up, broken ones keep the last index,
failed reloads are tried again."""

from __future__ import annotations

import gc
import logging
import threading
import time
import types
import weakref

import pytest

import qa_bot.live
from conftest import write_article
from qa_bot.config import Config
from qa_bot.index import CorpusIndex, build_index
from qa_bot.gc_pause import keep_loaded
from qa_bot.live import MAX_RETRY_SECONDS, LiveBot, corpus_signature

HEAD = "---\ntitle: {t}\nsource: Clinic\nreviewed: 2026-01-02\n---\n"


def make(tmp_path, interval=0.0):
    corpus = tmp_path / "corpus"
    write_article(corpus, "neck.md", HEAD.format(t="Neck pain") + "Stiff necks are common in office workers.\n")
    return corpus, LiveBot(Config(corpus=corpus, index_dir=tmp_path / "index", min_score=0.05), interval=interval)


@pytest.fixture
def clock(monkeypatch):
    """live.py's monotonic clock, moved by hand: check intervals pass without the test sleeping."""
    fake = types.SimpleNamespace(now=1000.0)
    monkeypatch.setattr(qa_bot.live, "time", types.SimpleNamespace(monotonic=lambda: fake.now,
                                                                     perf_counter=time.perf_counter))
    return fake


def test_signature_changes_with_files(tmp_path):
    corpus, _ = make(tmp_path)
    before = corpus_signature(corpus)
    write_article(corpus, "knee.md", HEAD.format(t="Knee") + "Knees.\n")
    assert corpus_signature(corpus) != before
    assert corpus_signature(tmp_path / "missing") == ()


def test_a_good_edit_is_picked_up(tmp_path):
    corpus, live = make(tmp_path)
    assert live.get().ask("acupuncture needles").status == "no_answer"
    write_article(corpus, "acu.md", HEAD.format(t="Acupuncture") + "Acupuncture uses very fine needles.\n")
    assert live.reload_now() is True
    answer = live.get().ask("acupuncture needles")
    assert answer.status == "answered" and answer.citations[0].article == "Acupuncture"
    assert live.reloads == 1 and live.last_error is None
    assert live.reload_now() is False  # nothing changed since


def test_a_broken_edit_keeps_the_last_good_index(tmp_path, caplog):
    corpus, live = make(tmp_path)
    (corpus / "neck.md").write_text("no front matter any more\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="qa_bot.reload"):
        assert live.reload_now() is False
    assert "neck.md:1: missing front matter" in live.last_error
    assert "still serving the last good index" in caplog.text
    assert live.get().ask("stiff neck office").status == "answered"
    # fixing the file brings it back
    write_article(corpus, "neck.md", HEAD.format(t="Neck") + "Stiff necks and sore shoulders.\n")
    assert live.reload_now() is True and live.last_error is None


def test_the_watcher_reloads_in_the_background_without_a_request(tmp_path):
    corpus, live = make(tmp_path, interval=0.1)
    old = live.get()
    live.watch()
    try:
        write_article(corpus, "acu.md", HEAD.format(t="Acupuncture") + "Acupuncture uses very fine needles.\n")
        assert live.get() is old  # get() never waits: the old bot answers while the new one builds
        deadline = time.monotonic() + 30
        while live.get() is old and time.monotonic() < deadline:
            time.sleep(0.05)
        assert live.get() is not old and live.reloads == 1
        assert live.get().ask("acupuncture needles").citations[0].article == "Acupuncture"
    finally:
        live.close()


def test_negative_interval_never_checks(tmp_path):
    corpus, live = make(tmp_path, interval=-1)
    old = live.get()
    live.watch()
    write_article(corpus, "acu.md", HEAD.format(t="Acupuncture") + "Needles.\n")
    time.sleep(0.3)
    assert live._watcher is None
    assert live.get() is old and live.reloads == 0


def test_a_dropped_live_bot_stops_its_watcher(tmp_path):
    _, live = make(tmp_path, interval=0.05)
    live.watch()
    watcher = live._watcher
    del live
    gc.collect()
    watcher.join(timeout=5)
    assert not watcher.is_alive()


def test_workers_build_an_edit_once_and_all_serve_the_same_build(tmp_path, monkeypatch):
    """Two LiveBots on one corpus and index folder, as two workers: the first to look builds, the
    second loads what it built; a build made by someone else ('qa-bot index') is loaded at the next look."""
    corpus, first = make(tmp_path)
    second = LiveBot(first.config, interval=0)
    assert first.build == second.build
    builds = []
    real = CorpusIndex.from_corpus.__func__
    monkeypatch.setattr(CorpusIndex, "from_corpus", classmethod(lambda cls, *a, **k: builds.append(1) or real(cls, *a, **k)))
    write_article(corpus, "acu.md", HEAD.format(t="Acupuncture") + "Acupuncture uses very fine needles.\n")
    assert first.check() and second.check()
    assert len(builds) == 1 and first.build == second.build
    assert second.check() is False  # nothing new
    rebuilt = build_index(corpus, tmp_path / "index")
    assert second.check() is True and second.build == rebuilt.path.name != first.build
    assert first.check() is True and first.build == second.build


ACUPUNCTURE = HEAD.format(t="Acupuncture") + "Acupuncture uses very fine needles.\n"


def test_a_reload_that_failed_on_an_unusable_index_folder_is_retried_without_another_edit(tmp_path, clock, caplog):
    corpus, live = make(tmp_path, interval=5)
    old = live.get()
    index_dir, aside = tmp_path / "index", tmp_path / "index-aside"
    # Tests run as root, whom a read-only mode does not stop: the folder is moved aside (the serving
    # bot's files stay where it opened them) and a regular file takes its place, which no one can write in.
    index_dir.rename(aside)
    index_dir.write_text("not a folder\n")
    write_article(corpus, "acu.md", ACUPUNCTURE)
    clock.now += 5
    with caplog.at_level(logging.WARNING, logger="qa_bot.reload"):
        assert live.check() is False
    assert f"cannot use the index folder {index_dir}" in live.last_error and live.reloads == 0
    assert "still serving the last good index" in caplog.text
    assert live.get() is old and old.ask("stiff neck office").status == "answered"
    # Usable again; the corpus is not touched. The next check after the wait tries again.
    index_dir.unlink()
    aside.rename(index_dir)
    clock.now += 5
    assert live.check() is True
    assert live.reloads == 1 and live.last_error is None
    assert live.get().ask("acupuncture needles").citations[0].article == "Acupuncture"
    assert live.reload_now() is False  # nothing left to retry


def test_a_broken_edit_is_retried_with_a_growing_wait_and_a_fix_is_tried_at_once(tmp_path, clock, caplog):
    corpus, live = make(tmp_path, interval=5)
    (corpus / "neck.md").write_text("no front matter any more\n", encoding="utf-8")
    attempts = []
    with caplog.at_level(logging.INFO, logger="qa_bot.reload"):
        for _ in range(40):  # a check every 5 s for 200 s
            clock.now += 5
            before = len(caplog.records)
            live.check()
            if len(caplog.records) > before:
                attempts.append(clock.now - 1000)
    # the first retry at the next check, then waits of 10, 20, 40 s, then never more than the maximum
    assert attempts == [5, 10, 20, 40, 80, 80 + MAX_RETRY_SECONDS, 80 + 2 * MAX_RETRY_SECONDS]
    # a warning the first time; the same failure again is logged, but is not news
    assert [r.levelname for r in caplog.records] == ["WARNING"] + ["INFO"] * 6
    assert "trying again in 5 s" in caplog.records[0].getMessage()
    assert "failed again, trying again in 10 s: " in caplog.records[1].getMessage()
    assert live.reloads == 0 and live.get().ask("stiff neck office").status == "answered"
    write_article(corpus, "neck.md", HEAD.format(t="Neck") + "Stiff necks and sore shoulders.\n")
    clock.now += 5  # well before the next retry is due: the edit is what triggers it
    live.check()
    assert live.reloads == 1 and live.last_error is None


@pytest.fixture
def frozen():
    """The collector's view as a serving worker has it (keep_loaded), restored after the test."""
    yield
    gc.unfreeze()


def test_a_serving_worker_keeps_its_loaded_bot_out_of_the_collectors_sight(tmp_path, frozen):
    from qa_bot.server import QaBotServer

    corpus, _ = make(tmp_path)
    app = QaBotServer(Config(corpus=corpus, index_dir=tmp_path / "index")).load()
    bot = app.extensions["qa_bot_live"].get()
    # frozen: tracked, but in no generation a collection goes over
    assert gc.is_tracked(bot) and not any(bot is o for o in gc.get_objects())


def test_a_reload_lets_the_collector_free_the_old_bot_and_keeps_the_new(tmp_path, frozen):
    corpus, live = make(tmp_path)
    old = live.get()
    old.cycle = [old]  # a bot in a reference cycle is freed only by the collector
    gone = weakref.ref(old)
    del old
    keep_loaded()
    write_article(corpus, "acu.md", HEAD.format(t="Acupuncture") + "Acupuncture uses very fine needles.\n")
    assert live.reload_now() is True
    gc.collect()
    assert gone() is None  # not left frozen for good
    assert not any(live.get() is o for o in gc.get_objects())  # the new one is frozen
