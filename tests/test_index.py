"""The saved index: round trip, staleness, atomic writes, self-checks, repair and clear errors."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess

import numpy as np
import pytest

from conftest import CORPUS, write_article
from qa_bot.answer import Bot
from qa_bot.config import Config
from qa_bot.corpus import load_corpus
from qa_bot.engine import Engine
from qa_bot.errors import CorpusError, DamagedIndexError, IndexStoreError
from qa_bot.index import CURRENT, FORMAT_VERSION, CorpusIndex, build_index, open_index, read_manifest, seal_files
from test_serve import Served, clean_env, free_port, qa_bot_command

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



# --- several articles: sections know their article; credits are never cited -----------------------

def two_articles(folder, shingles_head=""):
    write_article(folder, "shingles.md", "---\ntitle: Shingles\nsource: Clinic\nreviewed: 2026-01-02\n"
                  + shingles_head + "---\n"
                  "## Treatment\n\nAntiviral medicines work best when started early.\n\n"
                  "## Research\n\nTrials continue.\n\n"
                  "## Source\n\nAdapted from the NIH page on this condition, with thanks.\n")
    write_article(folder, "acne.md", HEAD.format(t="Acne") + "## Treatment\n\nCreams and medicines clear the skin.\n")
    return folder


def test_a_section_is_indexed_under_its_article_title(tmp_path):
    index = CorpusIndex.from_corpus(load_corpus(two_articles(tmp_path)))
    # neither Treatment section says "shingles" or "acne": only their articles' titles do
    assert index.engine.search("shingles treatment", k=1)[0][0] == "shingles#treatment"
    assert index.engine.search("acne treatment", k=1)[0][0] == "acne#treatment"


def test_credits_are_never_indexed_or_cited_but_stay_on_the_page(tmp_path):
    corpus = load_corpus(two_articles(tmp_path))
    index = CorpusIndex.from_corpus(corpus)
    assert "Source" not in {s.title for s in index.sections}
    assert index.engine.search("adapted from the NIH page with thanks") == []
    shingles = next(a for a in index.articles if a.slug == "shingles")
    assert "## Source" in shingles.body and [s.title for s in shingles.sections] == ["Treatment", "Research"]
    index.save(tmp_path / "index")
    assert CorpusIndex.load(tmp_path / "index").articles == index.articles


@pytest.mark.parametrize("heading", ["Source", "Sources", "References", "attribution:", "Acknowledgements",
                                     "Further reading"])
def test_headings_that_give_credit_are_not_cited_by_default(tmp_path, heading):
    write_article(tmp_path, "a.md", HEAD.format(t="A") + f"Text to cite.\n\n## {heading}\n\nWho wrote it.\n")
    assert [s.title for s in load_corpus(tmp_path).sections] == ["Introduction"]


def test_front_matter_not_cited_leaves_more_sections_out(tmp_path):
    corpus = load_corpus(two_articles(tmp_path, 'not_cited: ["Research"]\n'))
    assert ("shingles", "Research") not in {(s.article_slug, s.title) for s in corpus.sections}
    assert ("shingles", "Treatment") in {(s.article_slug, s.title) for s in corpus.sections}


@pytest.mark.parametrize("line,message", [
    ('not_cited: ["Reserch"]', "not_cited names 'Reserch', which is not a heading of this article"),
    ("not_cited: Research", "'not_cited' must be a list of section headings"),
    ('not_cited: ["Treatment", "Research"]', "every section of the article is marked not to be cited"),
])
def test_a_wrong_not_cited_list_is_refused_with_the_file_and_line(tmp_path, line, message):
    two_articles(tmp_path, line + "\n")
    with pytest.raises(CorpusError, match=message) as caught:
        load_corpus(tmp_path)
    assert "shingles.md" in str(caught.value) and ":2" in str(caught.value)



# --- an index that checks itself ------------------------------------------------------------------

QUESTION = "Can Botox help with chronic migraines?"
ANSWER_SECTION = "Botox in Chronic Migraine Treatment"


def test_manifest_records_each_file_s_size_and_checksum(tmp_path):
    build_index(CORPUS, tmp_path)
    folder = tmp_path / CURRENT
    files = read_manifest(tmp_path)["files"]
    on_disk = {p.name for p in folder.iterdir()} - {"manifest.json"}
    assert set(files) == on_disk and {"sections.jsonl", "ids.json", "idf.npy"} <= on_disk
    for name, recorded in files.items():
        data = (folder / name).read_bytes()
        assert recorded == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def test_every_file_and_folder_is_fsynced_before_the_manifest_is_written(tmp_path, monkeypatch):
    import qa_bot.index as index_module

    events = []
    real_fsync, real_write_json = os.fsync, index_module._write_json
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}"))),
                                                 real_fsync(fd)))
    monkeypatch.setattr(index_module, "_write_json",
                        lambda path, data: (events.append(("write", str(path))), real_write_json(path, data)))
    index = build_index(CORPUS, tmp_path)
    monkeypatch.undo()
    write_at = events.index(next(e for e in events if e[0] == "write" and e[1].endswith("manifest.json")))
    tmp = os.path.dirname(events[write_at][1])
    synced_before = {path for kind, path in events[:write_at] if kind == "fsync"}
    files = {p.name for p in index.path.iterdir()} - {"manifest.json"}
    assert {os.path.join(tmp, name) for name in files} | {tmp} <= synced_before
    # the manifest itself, then the folders holding it, are flushed after it is written
    synced_after = [path for kind, path in events[write_at:] if kind == "fsync"]
    assert synced_after[:2] == [os.path.join(tmp, "manifest.json"), tmp] and str(tmp_path) in synced_after


def _file(name, edit):
    """Damage: replace the file's bytes with edit(bytes)."""
    def damage(folder):
        (folder / name).write_bytes(edit((folder / name).read_bytes()))
    return damage


def _lines(name, edit):
    """Damage: replace the file's lines with edit(lines)."""
    return _file(name, lambda data: b"".join(edit(data.splitlines(keepends=True))))


def _manifest(edit):
    def damage(folder):
        path = folder / "manifest.json"
        path.write_text(edit(json.loads(path.read_text())))
    return damage


def _without(key):
    return _manifest(lambda m: json.dumps({k: v for k, v in m.items() if k != key}))


def _index_out_of_range(folder):
    indices = np.load(folder / "postings_indices.npy")
    indices[0] = len(json.loads((folder / "ids.json").read_text()))  # one past the last document
    np.save(folder / "postings_indices.npy", indices)


def _swap_first_sections(lines):
    return [lines[1], lines[0], *lines[2:]]


def _dangling_current(folder):
    shutil.rmtree(folder.resolve())


DAMAGE = [
    *(pytest.param(_file(name, lambda data: b""), id=f"zero-byte {name}")
      for name in (*Engine.FILES, "sections.jsonl", "articles.jsonl")),
    pytest.param(_file("postings_data.npy", lambda data: data[:len(data) // 2]), id="truncated postings_data.npy"),
    pytest.param(_file("sections.jsonl", lambda data: data[:len(data) // 2]), id="truncated sections.jsonl"),
    pytest.param(_file("postings_indices.npy", lambda data: bytes(b ^ 0x5A for b in data)), id="garbage postings_indices.npy"),
    pytest.param(_file("idf.npy", lambda data: data[:128] + b"\xff" * (len(data) - 128)), id="garbage in idf.npy's values"),
    pytest.param(_manifest(lambda m: json.dumps(list(m))), id="manifest a list"),
    pytest.param(_manifest(lambda m: "\x00garbage{"), id="manifest garbage"),
    pytest.param(_without("files"), id="manifest without files"),
    pytest.param(_without("params"), id="manifest without params"),
    pytest.param(_without("format_version"), id="manifest without format_version"),
    pytest.param(_lines("sections.jsonl", lambda lines: lines[:-1]), id="sections.jsonl one line short"),
    pytest.param(_lines("sections.jsonl", lambda lines: [lines[0], b"{not json\n", *lines[2:]]), id="sections.jsonl bad JSON line"),
    pytest.param(_lines("sections.jsonl", _swap_first_sections), id="sections.jsonl rows swapped"),
    pytest.param(_file("ids.json", lambda data: json.dumps(json.loads(data)[:-1]).encode()), id="ids.json one short"),
    pytest.param(_index_out_of_range, id="postings index out of range"),
    pytest.param(_dangling_current, id="current build deleted"),
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_index_is_rebuilt_automatically_and_answers(tmp_path, caplog, damage):
    index_dir = tmp_path / "index"
    build_index(CORPUS, index_dir)
    damage(index_dir / CURRENT)
    with pytest.raises(DamagedIndexError):
        CorpusIndex.load(index_dir)  # loading alone refuses it...
    with caplog.at_level(logging.WARNING, logger="qa_bot.index"):
        bot = Bot.from_config(Config(corpus=CORPUS, index_dir=index_dir))  # ...the bot rebuilds it
    [line] = [r.getMessage() for r in caplog.records if r.name == "qa_bot.index"]
    assert line.startswith(f"the index in {index_dir} is damaged (") and line.endswith(": rebuilt it from the corpus")
    answer = bot.ask(QUESTION)
    assert answer.status == "answered" and answer.citations[0].section == ANSWER_SECTION
    assert CorpusIndex.load(index_dir).manifest == bot.index.manifest  # the repaired index is the one on disk


def _reseal(folder):
    """Record the damaged files in the manifest, as a buggy writer would: only the row and shape checks are left."""
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"] = {k: v for k, v in seal_files(folder).items() if k != "manifest.json"}
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(("damage", "message"), [
    pytest.param(_file("idf.npy", lambda data: b""), r"idf\.npy is not a readable array", id="zero-byte idf.npy"),
    pytest.param(_lines("sections.jsonl", lambda lines: lines[:-1]), r"sections\.jsonl has 9 rows, ids\.json 10",
                 id="sections.jsonl one line short"),
    pytest.param(_lines("sections.jsonl", lambda lines: []), r"sections\.jsonl has 0 rows", id="sections.jsonl empty"),
    pytest.param(_lines("sections.jsonl", lambda lines: [lines[0], b"[1, 2]\n", *lines[2:]]),
                 r"sections\.jsonl line 2 is not a row of the index", id="sections.jsonl line not a section"),
    pytest.param(_lines("sections.jsonl", _swap_first_sections),
                 r"sections\.jsonl line 1 is 'botox-chronic-pain#[a-z-]+', ids\.json says 'botox-chronic-pain#introduction'",
                 id="sections.jsonl rows swapped"),
    pytest.param(_file("ids.json", lambda data: json.dumps(json.loads(data)[:-1]).encode()),
                 r"postings_indices\.npy has document numbers outside 0\.\.8", id="ids.json one short"),
    pytest.param(_index_out_of_range, r"postings_indices\.npy has document numbers outside 0\.\.9", id="postings index out of range"),
    pytest.param(_lines("articles.jsonl", lambda lines: []), r"articles\.jsonl has 0 rows, the manifest says 1",
                 id="articles.jsonl empty"),
])
def test_damage_the_checksums_would_miss_is_caught_by_the_row_and_shape_checks(tmp_path, damage, message):
    build_index(CORPUS, tmp_path)
    damage(tmp_path / CURRENT)
    _reseal(tmp_path / CURRENT)
    with pytest.raises(DamagedIndexError, match=message):
        CorpusIndex.load(tmp_path)


def _read_only(folder, command):
    """``command`` run with ``folder`` mounted read-only, in a mount namespace of its own.

    The tests run as root, whom file modes do not stop from writing; a read-only mount does.
    """
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    return ["unshare", "--mount", "sh", "-c", script, str(folder), *command]


@pytest.fixture(scope="module")
def read_only_mounts(tmp_path_factory):
    probe = tmp_path_factory.mktemp("read-only-probe")
    if shutil.which("unshare"):
        done = subprocess.run(_read_only(probe, ["sh", "-c", f"! touch {probe}/x 2>/dev/null"]), capture_output=True)
        if done.returncode == 0:
            return _read_only
    pytest.skip("making a folder read-only for root needs unshare and mount (a private mount namespace)")


@pytest.fixture
def damaged(tmp_path):
    """A copy of the corpus and its index, with a zero-byte idf.npy (an EOFError traceback once)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir)
    (index_dir / CURRENT / "idf.npy").write_bytes(b"")
    return corpus, index_dir


def _cli(tmp_path, corpus, index_dir, *args, wrap=None):
    command = qa_bot_command() + ["--corpus", str(corpus), "--index-dir", str(index_dir), *args]
    return subprocess.run(wrap(index_dir, command) if wrap else command, env=clean_env(tmp_path),
                          capture_output=True, text=True, timeout=120)


def test_ask_on_a_damaged_index_rebuilds_it_with_one_line_on_stderr(tmp_path, damaged):
    corpus, index_dir = damaged
    done = _cli(tmp_path, corpus, index_dir, "ask", QUESTION)
    assert done.returncode == 0 and ANSWER_SECTION in done.stdout
    [line] = done.stderr.splitlines()
    assert line.startswith(f"the index in {index_dir} is damaged (idf.npy has 0 bytes, the manifest says ")
    assert line.endswith(": rebuilt it from the corpus")


@pytest.mark.parametrize(("cause", "command"), [
    ("corpus missing", ["ask", QUESTION]),
    ("read-only index folder", ["ask", QUESTION]),
    ("read-only index folder", ["serve", "--host", "127.0.0.1"]),
])
def test_damaged_index_that_cannot_be_rebuilt_is_one_line_and_exit_1(tmp_path, damaged, request, cause, command):
    corpus, index_dir = damaged
    wrap = None
    if cause == "corpus missing":
        shutil.rmtree(corpus)
    else:
        wrap = request.getfixturevalue("read_only_mounts")
    if command[0] == "serve":
        command = [*command, "--port", str(free_port())]
    done = _cli(tmp_path, corpus, index_dir, *command, wrap=wrap)
    assert done.returncode == 1 and done.stdout == ""
    [line] = done.stderr.splitlines()  # for serve: before any worker boots
    if cause == "corpus missing":
        assert line == f"qa-bot: {corpus}: corpus folder not found: pass --corpus or set QA_BOT_CORPUS"
    else:
        assert line.startswith(f"qa-bot: the index in {index_dir} is damaged (idf.npy has 0 bytes")
        assert line.endswith(f"and cannot be rebuilt: cannot use the index folder {index_dir} (Read-only file system): "
                             "set QA_BOT_INDEX_DIR or --index-dir to a writable folder")
    assert (index_dir / CURRENT / "idf.npy").stat().st_size == 0  # refused, not half-repaired


def test_serve_rebuilds_a_damaged_index_before_starting_workers_and_answers(tmp_path):
    build_index(CORPUS, tmp_path / "index")  # the index Served's copy of the corpus will find
    (tmp_path / "index" / CURRENT / "postings_indices.npy").write_bytes(b"")
    served = Served(tmp_path, workers=1)
    try:
        status, body = served.ask(QUESTION)
        logs = [e for e in served.json_logs() if e.get("logger") == "qa_bot.index"]
    finally:
        served.stop()
    assert status == 200 and body["status"] == "answered" and body["citations"][0]["section"] == ANSWER_SECTION
    [entry] = logs
    assert entry["level"] == "warning" and "is damaged (postings_indices.npy has 0 bytes" in entry["message"]
    assert "Traceback" not in served.stderr()


def test_installed_versions_are_what_importlib_metadata_says():
    from importlib import metadata

    from qa_bot import installed
    from qa_bot.index import PACKAGES, package_versions

    assert package_versions() == {name: metadata.version(name) for name in PACKAGES}
    assert installed.version("no-such-distribution-here") is None


def test_an_upgraded_package_makes_the_index_stale(tmp_path, monkeypatch):
    import sys

    from qa_bot import installed
    from qa_bot.index import stale_reason

    corpus_dir = small_corpus(tmp_path / "corpus")
    index = open_index(corpus_dir, tmp_path / "index")
    assert stale_reason(index.manifest, index.manifest["corpus_digest"]) is None
    # numpy upgraded: a newer numpy-*.dist-info ahead of the installed one on the path
    newer = tmp_path / "site"
    (newer / "numpy-99.0.0.dist-info").mkdir(parents=True)
    (newer / "numpy-99.0.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: numpy\nVersion: 99.0.0\n")
    monkeypatch.setattr(sys, "path", [str(newer), *sys.path])
    assert installed.version("numpy") == "99.0.0"
    assert stale_reason(index.manifest, index.manifest["corpus_digest"]) == "package versions changed"
    rebuilt = open_index(corpus_dir, tmp_path / "index")
    assert rebuilt.manifest["packages"]["numpy"] == "99.0.0" and rebuilt.path != index.path


def test_the_model_package_is_found_with_the_hash_pip_recorded():
    from importlib import metadata

    from qa_bot.encoder import MODEL_FOLDER, MODEL_PACKAGE, WEIGHTS_FILE, _b64_to_hex, installed_model

    files = installed_model()
    dist = metadata.distribution(MODEL_PACKAGE)
    record = next(f for f in dist.files if str(f) == f"{MODEL_FOLDER}/{WEIGHTS_FILE}")
    assert files.folder == dist.locate_file(MODEL_FOLDER) and files.version == dist.version
    assert (files.weights_sha256, files.weights_size) == (_b64_to_hex(record.hash.value), record.size)


def test_a_distribution_without_a_dist_info_folder_is_asked_of_importlib_metadata(monkeypatch):
    from qa_bot import installed
    from qa_bot.encoder import MODEL_PACKAGE

    from_folder = installed.files(MODEL_PACKAGE)
    monkeypatch.setattr(installed, "dist_info", lambda name, paths=None: None)  # as for an .egg-info
    assert installed.version("numpy") and installed.version("no-such-distribution-here") is None
    root, version, record = installed.files(MODEL_PACKAGE)
    assert (root.resolve(), version) == (from_folder[0].resolve(), from_folder[1])
    assert {k: v for k, v in record.items() if v[0]} == {k: v for k, v in from_folder[2].items() if v[0]}
