"""The saved index: round trip, staleness, atomic writes and clear errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import CORPUS, write_article
from qa_bot.corpus import load_corpus
from qa_bot.engine import Engine
from qa_bot.errors import CorpusError, IndexStoreError
from qa_bot.index import CURRENT, FORMAT_VERSION, CorpusIndex, build_index, open_index, read_manifest

HEAD = "---\ntitle: {t}\nsource: Clinic\nreviewed: 2026-01-02\n---\n"


def small_corpus(folder):
    write_article(folder, "neck.md", HEAD.format(t="Neck pain") + "Stiff necks are common.\n\n## Heat\n\nHeat relaxes muscles.\n")
    return folder


def test_round_trip_gives_identical_scores(tmp_path, corpus):
    built = CorpusIndex.from_corpus(corpus)
    built.save(tmp_path)
    loaded = CorpusIndex.load(tmp_path)
    assert loaded.sections == built.sections
    assert loaded.articles == built.articles and loaded.articles[0].body.lstrip().startswith("Chronic pain is")
    for q in ["botox for migraine", "neck pain trapezius", "xyzzy", "acetylcholine"]:
        assert np.allclose(loaded.engine.scores(q), built.engine.scores(q))


def test_manifest_records_versions_params_and_hash(tmp_path, corpus):
    build_index(CORPUS, tmp_path)
    m = read_manifest(tmp_path)
    assert m["format_version"] == FORMAT_VERSION and m["kind"] == "markdown"
    assert m["corpus_digest"] == corpus.digest
    assert m["packages"]["scikit-learn"] and m["packages"]["nltk"]
    assert m["params"]["sublinear_tf"] is True
    assert (m["articles"], m["sections"]) == (1, 10)
    # plain arrays and JSON, no pickle
    files = {p.suffix for p in (tmp_path / CURRENT).iterdir()}
    assert files <= {".npy", ".json", ".jsonl"}


def test_open_index_rebuilds_when_the_corpus_changes(tmp_path):
    corpus_dir = small_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    first = open_index(corpus_dir, index_dir)
    assert first.engine.search("acupuncture") == []
    write_article(corpus_dir, "acu.md", HEAD.format(t="Acupuncture") + "Acupuncture uses fine needles.\n")
    second = open_index(corpus_dir, index_dir)
    assert second.manifest["corpus_digest"] != first.manifest["corpus_digest"]
    assert second.engine.search("acupuncture")[0][0] == "acu#introduction"
    # unchanged corpus: loaded, not rebuilt
    third = open_index(corpus_dir, index_dir)
    assert third.manifest["built_at"] == second.manifest["built_at"] and third.path == second.path


def test_crash_mid_build_leaves_the_previous_index(tmp_path, monkeypatch):
    corpus_dir = small_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    good = build_index(corpus_dir, index_dir)

    def crash(self, folder):
        (folder / "postings_data.npy").write_bytes(b"half")
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(Engine, "save", crash)
    write_article(corpus_dir, "more.md", HEAD.format(t="More") + "Another article.\n")
    with pytest.raises(KeyboardInterrupt):
        build_index(corpus_dir, index_dir)
    monkeypatch.undo()
    still = CorpusIndex.load(index_dir)
    assert still.manifest == good.manifest
    assert still.engine.search("stiff neck")[0][0] == "neck#introduction"
    assert not list(index_dir.glob(".tmp-*"))


def test_broken_corpus_edit_keeps_the_last_index(tmp_path):
    corpus_dir = small_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    good = build_index(corpus_dir, index_dir)
    (corpus_dir / "neck.md").write_text("no front matter\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"neck\.md:1"):
        open_index(corpus_dir, index_dir)
    assert CorpusIndex.load(index_dir).manifest == good.manifest


def test_old_builds_are_cleaned_up(tmp_path):
    corpus_dir = small_corpus(tmp_path / "corpus")
    for i in range(4):
        write_article(corpus_dir, "x.md", HEAD.format(t="X") + f"Version {i}.\n")
        build_index(corpus_dir, tmp_path / "index")
    assert len(list((tmp_path / "index").glob("build-*"))) == 2  # current and the one before


def test_missing_index_says_what_to_do(tmp_path):
    with pytest.raises(IndexStoreError, match="run 'qa-bot index'"):
        CorpusIndex.load(tmp_path / "none")


def test_old_format_says_rebuild(tmp_path):
    build_index(CORPUS, tmp_path)
    manifest = tmp_path / CURRENT / "manifest.json"
    data = json.loads(manifest.read_text())
    data["format_version"] = 0
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexStoreError, match="older format"):
        CorpusIndex.load(tmp_path)
    assert open_index(CORPUS, tmp_path).manifest["format_version"] == FORMAT_VERSION  # rebuilt automatically


def test_damaged_index_says_rebuild(tmp_path):
    build_index(CORPUS, tmp_path)
    (tmp_path / CURRENT / "terms.json").write_text("{not json")
    with pytest.raises(IndexStoreError, match="damaged"):
        CorpusIndex.load(tmp_path)


def test_index_folder_that_is_a_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(IndexStoreError, match="QA_BOT_INDEX_DIR"):
        build_index(CORPUS, blocker / "index")


def test_from_corpus_counts(corpus):
    index = CorpusIndex.from_corpus(corpus)
    assert index.engine.n_docs == len(index.sections) == 10
    assert index.manifest["terms"] == index.engine.n_terms > 50


def test_load_corpus_is_what_the_index_serves(tmp_path):
    corpus_dir = small_corpus(tmp_path / "corpus")
    index = open_index(corpus_dir, tmp_path / "index")
    assert index.sections == load_corpus(corpus_dir).sections
