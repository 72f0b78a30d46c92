"""Following corpus edits while serving: good edits are picked up, broken ones keep the last index."""

from __future__ import annotations

import logging
import threading

from conftest import write_article
from qa_bot.config import Config
from qa_bot.live import LiveBot, corpus_signature

HEAD = "---\ntitle: {t}\nsource: Clinic\nreviewed: 2026-01-02\n---\n"


def make(tmp_path, interval=0.0):
    corpus = tmp_path / "corpus"
    write_article(corpus, "neck.md", HEAD.format(t="Neck pain") + "Stiff necks are common in office workers.\n")
    return corpus, LiveBot(Config(corpus=corpus, index_dir=tmp_path / "index", min_score=0.05), interval=interval)


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


def test_get_reloads_in_the_background_without_blocking(tmp_path):
    corpus, live = make(tmp_path)
    old = live.get()
    write_article(corpus, "acu.md", HEAD.format(t="Acupuncture") + "Acupuncture uses very fine needles.\n")
    assert live.get() is old  # answered by the old bot while the new one builds
    for thread in threading.enumerate():
        if thread.name == "qa-bot-reload":
            thread.join(timeout=30)
    assert live.get() is not old and live.reloads == 1


def test_negative_interval_never_checks(tmp_path):
    corpus, live = make(tmp_path, interval=-1)
    old = live.get()
    write_article(corpus, "acu.md", HEAD.format(t="Acupuncture") + "Needles.\n")
    assert live.get() is old and live.reloads == 0
