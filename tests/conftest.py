"""Shared fixtures: every test runs with its own cache and index folders, never the user's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa_bot.answer import Bot
from qa_bot.config import PROJECT_ROOT, Config
from qa_bot.corpus import load_corpus
from qa_bot.index import CorpusIndex

CORPUS = PROJECT_ROOT / "corpus"
SHARED = PROJECT_ROOT.parent / "shared"
SEED = SHARED / "seed" / "botox-chronic-pain.txt"
DEV_SET = SHARED / "eval" / "dev.jsonl"


_SESSION = {}  # what the session-wide fixture below keeps for copy_prebuilt_index


@pytest.fixture(scope="session", autouse=True)
def _session_temp(tmp_path_factory):
    _SESSION["temp"] = tmp_path_factory


def copy_prebuilt_index(dest: Path) -> Path:
    """An index folder at ``dest`` holding the bundled corpus's index, as ``qa-bot index`` builds it.

    Built once per test session, on first use (it encodes every section: the slow part of starting
    a server or a command on an empty cache), then copied for each caller. The corpus digest
    depends only on the files' names and bytes, so it is up to date for any copy of the corpus:
    tests that serve or run the README's commands start from it instead of building their own."""
    template = _SESSION.get("index")
    if template is None:
        from qa_bot.index import build_index

        template = _SESSION["temp"].mktemp("prebuilt") / "index"
        build_index(CORPUS, template)
        _SESSION["index"] = template
    shutil.copytree(template, dest, symlinks=True)  # `current` is a relative link: it stays valid
    return dest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Point the cache at a temp folder and clear QA_BOT_* so the developer's setup cannot leak in."""
    import os

    for name in list(os.environ):
        if name.startswith("QA_BOT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def corpus():
    return load_corpus(CORPUS)


@pytest.fixture(scope="session")
def bot(corpus):
    """A bot over the bundled corpus, built in memory (no index folder)."""
    return Bot(CorpusIndex.from_corpus(corpus), Config(corpus=CORPUS))


@pytest.fixture
def config(tmp_path):
    """The bundled corpus in a temp index; no rate limit (tests ask far faster than patients)."""
    return Config(corpus=CORPUS, index_dir=tmp_path / "index", rate_limit="")


def shared_text(path: Path) -> str:
    """A file of the team's shared folder (beside the checkout), or a clear failure if it is missing."""
    if not path.is_file():
        pytest.fail(f"{path} is missing: these tests read the shared folder that sits beside the checkout")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_text():
    return shared_text(SEED)


@pytest.fixture(scope="session")
def dev_cases():
    return [json.loads(line) for line in shared_text(DEV_SET).splitlines() if line.strip()]


def write_article(folder: Path, name: str, text: str) -> Path:
    """Write an article file for a test corpus (the text is used as given)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
