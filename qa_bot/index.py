"""The saved index of a corpus: built once, written atomically, reloaded, rebuilt when stale.

An index folder (``QA_BOT_INDEX_DIR``) holds finished builds and a ``current`` link to the one
in use::

    index/
      current -> build-20261124T013000-4242
      build-20261124T013000-4242/
        manifest.json        written last: format, package versions, parameters, corpus hash
        sections.jsonl       one section per line, row-aligned with the engine's documents
        articles.jsonl       each article's metadata and Markdown body, for the website
        terms.json ids.json idf.npy postings_*.npy     the engine (see engine.py)

A build is written into a temporary folder, renamed to ``build-*`` when complete, and only then
is ``current`` switched (an atomic rename of a new link over the old one). A crash at any point
leaves the previous build in use; readers never see a half-written index. Builds hold a lock
file, so two processes that find the index stale at once build it once.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .analysis import Analyzer
from .corpus import Article, Corpus, Section, article_files, digest_files, load_corpus
from .engine import Engine
from .records import file_digest, indexed_title, is_records_file
from .errors import IndexStoreError

FORMAT_VERSION = 3  # 2: articles.jsonl (the site renders pages from the index); 3: the corpus kind
CURRENT = "current"
PACKAGES = ("qa-bot", "scikit-learn", "nltk", "numpy", "scipy")


def package_versions(names=PACKAGES) -> dict:
    """Installed versions of the named distributions (None for one that is not installed)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


@dataclass
class CorpusIndex:
    """A loaded index: the engine plus the sections its rows stand for."""

    engine: Engine
    sections: list[Section]
    manifest: dict
    path: Path | None = None
    articles: list[Article] = field(default_factory=list)

    @staticmethod
    def _id(section: Section) -> str:
        return f"{section.article_slug}#{section.anchor}"

    @classmethod
    def from_corpus(cls, corpus: Corpus, analyzer: Analyzer | None = None) -> "CorpusIndex":
        start = time.perf_counter()
        sections = corpus.sections
        if corpus.kind == "records":
            # Large knowledge bases: BM25F weighting (see engine.py), a progress bar in a terminal.
            records = [{"id": cls._id(s), "title": indexed_title(s), "text": s.text} for s in sections]
            engine = Engine.build(records, analyzer, weighting="bm25", progress=True)
        else:
            records = [{"id": cls._id(s), "title": s.title, "text": s.text} for s in sections]
            engine = Engine.build(records, analyzer)
        manifest = {
            "format_version": FORMAT_VERSION,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "packages": package_versions(),
            "params": engine.params,
            "corpus_digest": corpus.digest,
            "articles": len(corpus.articles),
            "sections": len(sections),
            "terms": engine.n_terms,
            "kind": corpus.kind,  # "markdown" articles or "records" from a JSONL file
        }
        manifest["build_seconds"] = round(time.perf_counter() - start, 4)
        return cls(engine, sections, manifest, articles=list(corpus.articles))

    def save(self, index_dir: Path) -> Path:
        """Write this index as a new build and make it current. Returns the build folder."""
        index_dir = Path(index_dir)
        try:
            index_dir.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=index_dir))
            try:
                self.engine.save(tmp)
                with open(tmp / "sections.jsonl", "w", encoding="utf-8") as f:
                    for s in self.sections:
                        f.write(json.dumps(s.to_dict(), ensure_ascii=False) + "\n")
                with open(tmp / "articles.jsonl", "w", encoding="utf-8") as f:
                    for a in self.articles:
                        f.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
                _write_json(tmp / "manifest.json", self.manifest)
                _fsync_dir(tmp)
                final = index_dir / f"build-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{tmp.name[5:]}"
                os.rename(tmp, final)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            link = index_dir / f".{CURRENT}-{os.getpid()}"
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
            os.symlink(final.name, link)
            os.replace(link, index_dir / CURRENT)
            _fsync_dir(index_dir)
        except OSError as exc:
            raise IndexStoreError(
                f"cannot write the index in {index_dir} ({exc.strerror or exc}): "
                "set QA_BOT_INDEX_DIR or --index-dir to a writable folder"
            ) from None
        self.path = final
        _remove_old_builds(index_dir, keep=final.name)
        return final

    @classmethod
    def load(cls, index_dir: Path) -> "CorpusIndex":
        """Open the current build in ``index_dir``. Raises IndexStoreError if there is none."""
        folder = Path(index_dir) / CURRENT
        manifest = read_manifest(index_dir)
        if manifest is None:
            raise IndexStoreError(f"no index in {index_dir}: run 'qa-bot index' to build it")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexStoreError(f"the index in {index_dir} has an older format: run 'qa-bot index' to rebuild it")
        try:
            with open(folder / "sections.jsonl", encoding="utf-8") as f:
                sections = [Section.from_dict(json.loads(line)) for line in f]
            by_article: dict[str, list[Section]] = {}
            for s in sections:
                by_article.setdefault(s.article_slug, []).append(s)
            with open(folder / "articles.jsonl", encoding="utf-8") as f:
                articles = [Article.from_dict(a, tuple(by_article.get(a["slug"], ())))
                            for a in map(json.loads, f)]
            engine = Engine.load(folder, manifest["params"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexStoreError(f"the index in {index_dir} is damaged ({exc}): run 'qa-bot index' to rebuild it") from None
        return cls(engine, sections, manifest, folder.resolve(), articles)


def read_manifest(index_dir: Path) -> dict | None:
    """The current build's manifest, or None when there is no complete build."""
    try:
        return json.loads((Path(index_dir) / CURRENT / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def stale_reason(manifest: dict | None, corpus_digest: str) -> str | None:
    """Why the saved index cannot serve this corpus (None: it can)."""
    if manifest is None:
        return "no index yet"
    if manifest.get("format_version") != FORMAT_VERSION:
        return "index format changed"
    if manifest.get("corpus_digest") != corpus_digest:
        return "corpus changed"
    if manifest.get("packages") != package_versions():
        return "package versions changed"
    return None


def build_index(corpus_dir: Path, index_dir: Path) -> CorpusIndex:
    """Load and validate the corpus, build its index and make it current."""
    with _build_lock(index_dir):
        index = CorpusIndex.from_corpus(load_corpus(corpus_dir))
        index.save(index_dir)
    return index


def open_index(corpus_dir: Path, index_dir: Path) -> CorpusIndex:
    """The index for this corpus: loaded if up to date, otherwise (re)built first."""
    digest = corpus_digest(corpus_dir)
    if stale_reason(read_manifest(index_dir), digest) is None:
        return CorpusIndex.load(index_dir)
    with _build_lock(index_dir):
        # Another process may have built it while we waited for the lock.
        if stale_reason(read_manifest(index_dir), corpus_digest(corpus_dir)) is None:
            return CorpusIndex.load(index_dir)
        index = CorpusIndex.from_corpus(load_corpus(corpus_dir))
        index.save(index_dir)
        return index


def corpus_digest(corpus_dir: Path) -> str:
    corpus_dir = Path(corpus_dir)
    if is_records_file(corpus_dir):
        return file_digest(corpus_dir)
    return digest_files(article_files(corpus_dir), corpus_dir)


@contextlib.contextmanager
def _build_lock(index_dir: Path):
    index_dir = Path(index_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / ".lock", "w")
    except OSError as exc:
        raise IndexStoreError(
            f"cannot use the index folder {index_dir} ({exc.strerror or exc}): "
            "set QA_BOT_INDEX_DIR or --index-dir to a writable folder"
        ) from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_json(path: Path, data: dict) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_old_builds(index_dir: Path, keep: str) -> None:
    """Delete earlier builds and leftovers of crashed ones (the caller holds the build lock).

    The build just replaced is kept too, for processes that may still be reading it.
    """
    builds = sorted(p for p in index_dir.glob("build-*") if p.name != keep)
    for old in builds[:-1] + [p for p in index_dir.glob(".tmp-*")]:
        shutil.rmtree(old, ignore_errors=True)
