"""The saved index of a corpus: built once, written atomically, reloaded, rebuilt when stale.

An index folder (``QA_BOT_INDEX_DIR``) holds finished builds and a ``current`` link to the one
in use::

    index/
      current -> build-20261124T013000-4242
      build-20261124T013000-4242/
        manifest.json        written last: format, package versions, parameters, corpus hash,
                             and every other file's size and sha256
        sections.jsonl       one section per line, row-aligned with the engine's documents
        articles.jsonl       each article's metadata and Markdown body, for the website
        terms.json ids.json idf.npy postings_*.npy     the engine (see engine.py)
        vectors_body.npy vectors_title.npy vectors_rows.npy   the sections' vectors (see ranker.py)
        vocabulary.json      the corpus's vocabulary as read and stemmed at build time, with the
                             hash of what it came from (used while that still holds; see
                             vocabulary.py's saved_form: the index does not depend on it)

A build is written into a temporary folder; each file, and then the folder, is flushed to disk
(fsync) before the manifest that vouches for them is written, last. The folder is renamed to
``build-*`` when complete, and only then is ``current`` switched (an atomic rename of a new link
over the old one). A crash at any point leaves the previous build in use; readers never see a
half-written index. Builds hold a lock file, so two processes that find the index stale at once
build it once.

Loading trusts nothing it reads. Each file must have the size and sha256 the manifest records,
the arrays must fit together (see ``Engine.load``), and sections, ids and articles must line up
row for row. An index that fails is damaged: ``open_index`` rebuilds it from the corpus, like a
stale one, and logs one warning saying so; if it cannot, the error says what is damaged and why
it could not be rebuilt.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .analysis import Analyzer
from .corpus import INTRODUCTION, Article, Corpus, Section, article_files, digest_files, load_corpus
from .engine import Engine
from . import installed
from .gc_pause import gc_paused
from .ranker import SectionVectors, shared_encoder
from .records import file_digest, indexed_title, is_records_file
from .vocabulary import saved_form
from .errors import DamagedIndexError, IndexStoreError

# 2: articles.jsonl (the site renders pages from the index); 3: the corpus kind; 4: files' sizes and checksums;
# 5: sections indexed under their article's title, credits left out; the sections' vectors;
# 6: a vector for each passage of a section (vectors_rows.npy: whose)
FORMAT_VERSION = 6
CURRENT = "current"
PACKAGES = ("qa-bot", "scikit-learn", "nltk", "numpy", "scipy", "tokenizers")
# What a manifest of this format holds; anything else means it was damaged after it was written.
MANIFEST_FIELDS = {"format_version": int, "built_at": str, "packages": dict, "params": dict, "corpus_digest": str,
                   "articles": int, "sections": int, "terms": int, "kind": str, "build_seconds": (int, float),
                   "files": dict, "encoder": (dict, type(None))}
# The files a build cannot do without, so the manifest must vouch for each of them (and, for
# articles, SectionVectors.FILES).
REQUIRED_FILES = (*Engine.FILES, "sections.jsonl", "articles.jsonl")
VOCABULARY_FILE = "vocabulary.json"  # optional: without it, the vocabulary files are read at start

log = logging.getLogger("qa_bot.index")


def package_versions(names=PACKAGES) -> dict:
    """Installed versions of the named distributions (None for one that is not installed)."""
    return {name: installed.version(name) for name in names}


@dataclass
class CorpusIndex:
    """A loaded index: the engine and the sections' vectors, plus the sections their rows stand for."""

    engine: Engine
    sections: list[Section]
    manifest: dict
    path: Path | None = None
    articles: list[Article] = field(default_factory=list)
    vectors: SectionVectors | None = None
    # vocabulary.saved_form of the corpus when it was built (None: read the vocabulary files)
    vocabulary: dict | None = None

    @staticmethod
    def _id(section: Section) -> str:
        return f"{section.article_slug}#{section.anchor}"

    @classmethod
    def from_corpus(cls, corpus: Corpus, analyzer: Analyzer | None = None, encoder=None) -> "CorpusIndex":
        """Index the corpus's citable sections: the engine and, for articles, each section's
        vectors made with ``encoder`` (by default the installed model, :func:`ranker.shared_encoder`).

        A JSONL knowledge base gets no vectors: it is ranked by its words alone. Encoding takes
        about 0.2 s a section on one core, 1 s for a MedQuAD passage: hours for 16,000 of them.
        """
        start = time.perf_counter()
        sections = corpus.sections  # the citable ones: credits and references are left out
        records = [{"id": cls._id(s), "title": section_title(s, corpus.kind), "text": s.text} for s in sections]
        if corpus.kind == "records":
            # Large knowledge bases: BM25F weighting (see engine.py), a progress bar in a terminal.
            engine = Engine.build(records, analyzer, weighting="bm25", progress=True)
        else:
            engine = Engine.build(records, analyzer)
        vectors = None
        if corpus.kind != "records":
            vectors = SectionVectors.build(*_vector_inputs(sections, corpus.kind), encoder or shared_encoder())
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
            "encoder": vectors.params if vectors else None,
        }
        manifest["build_seconds"] = round(time.perf_counter() - start, 4)
        # The articles as a loaded index has them: with the sections it holds.
        articles = [replace(a, sections=tuple(s for s in a.sections if s.cited)) for a in corpus.articles]
        return cls(engine, sections, manifest, articles=articles, vectors=vectors)

    def save(self, index_dir: Path) -> Path:
        """Write this index as a new build and make it current. Returns the build folder."""
        index_dir = Path(index_dir)
        try:
            index_dir.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=index_dir))
            try:
                self.engine.save(tmp)
                if self.vectors is not None:
                    self.vectors.save(tmp)
                with open(tmp / "sections.jsonl", "w", encoding="utf-8") as f:
                    for s in self.sections:
                        f.write(json.dumps(s.to_dict(), ensure_ascii=False) + "\n")
                with open(tmp / "articles.jsonl", "w", encoding="utf-8") as f:
                    for a in self.articles:
                        f.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
                if self.vocabulary is not None:
                    with open(tmp / VOCABULARY_FILE, "w", encoding="utf-8") as f:
                        json.dump(self.vocabulary, f, ensure_ascii=False)
                manifest = {**self.manifest, "files": seal_files(tmp)}
                _fsync_dir(tmp)  # the files' names, too, are on disk before the manifest vouches for them
                _write_json(tmp / "manifest.json", manifest)
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
        self.manifest, self.path = manifest, final
        _remove_old_builds(index_dir, keep=final.name)
        return final

    @classmethod
    def load(cls, index_dir: Path) -> "CorpusIndex":
        """Open the current build in ``index_dir``, checked as the module says.

        Raises IndexStoreError if there is none or it has an older format, DamagedIndexError
        (a kind of IndexStoreError) if it fails a check.
        """
        index_dir = Path(index_dir)
        if not os.path.lexists(index_dir / CURRENT):
            raise IndexStoreError(f"no index in {index_dir}: run 'qa-bot index' to build it")
        # Resolved once: a build that becomes current meanwhile must not mix its files with these.
        folder = (index_dir / CURRENT).resolve()
        manifest = _read_manifest(index_dir, folder)
        if manifest["format_version"] != FORMAT_VERSION:
            raise IndexStoreError(f"the index in {index_dir} has an older format: run 'qa-bot index' to rebuild it")
        try:
            _verify_files(folder, manifest["files"], SectionVectors.FILES if manifest["encoder"] else ())
            sections = _rows(folder / "sections.jsonl", Section.from_dict)
            by_article: dict[str, list[Section]] = {}
            for s in sections:
                by_article.setdefault(s.article_slug, []).append(s)
            articles = _rows(folder / "articles.jsonl",
                             lambda a: Article.from_dict(a, tuple(by_article.get(a.get("slug"), ()))))
            engine = Engine.load(folder, manifest["params"])
            _check_rows(manifest, sections, articles, engine)
            vectors = manifest["encoder"] and SectionVectors.load(folder, len(sections), manifest["encoder"])
            vocabulary = None
            if VOCABULARY_FILE in manifest["files"]:  # its checksum is verified above
                vocabulary = json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DamagedIndexError(index_dir, str(exc)) from None
        if vectors:
            vectors.remember(*_vector_inputs(sections, manifest["kind"]))
        return cls(engine, sections, manifest, folder, articles, vectors, vocabulary)


def section_title(section: Section, kind: str) -> str:
    """The title field a section is indexed under: its article's title and its own heading, so that
    "Treatment" in the shingles article is about shingles (see :func:`section_fields`)."""
    return " ".join(section_fields(section, kind))


def section_fields(section: Section, kind: str) -> list[str]:
    """What names a section, broadest first: its article's title and its heading. The generated
    "Introduction" heading is no word of the author's and is left out; a record has the title it
    is indexed under (:func:`records.indexed_title`), if any."""
    if kind == "records":
        return [t for t in [indexed_title(section)] if t]
    if section.title == INTRODUCTION:
        return [section.article_title]
    return [section.article_title, section.title]


def _vector_inputs(sections: list[Section], kind: str) -> tuple[list[str], list[str]]:
    """The sections' titles (article title and heading) and texts, as their vectors are made."""
    return [": ".join(section_fields(s, kind)) for s in sections], [s.text for s in sections]


def seal_files(folder: Path) -> dict:
    """Flush each file of a finished build to disk; their sizes and sha256, as the manifest records them."""
    files = {}
    for path in sorted(folder.iterdir()):
        with open(path, "rb") as f:
            os.fsync(f.fileno())
            files[path.name] = {"size": os.fstat(f.fileno()).st_size,
                                "sha256": hashlib.file_digest(f, "sha256").hexdigest()}
    return files


def _verify_files(folder: Path, files: dict, required: tuple[str, ...] = ()) -> None:
    """Raise ValueError unless the manifest lists REQUIRED_FILES and ``required``, and each file it
    lists has the size and sha256 it records."""
    missing = [name for name in (*REQUIRED_FILES, *required) if name not in files]
    if missing:
        raise ValueError(f"the manifest does not list {', '.join(missing)}")
    for name, want in files.items():
        if Path(name).name != name or not (isinstance(want, dict) and isinstance(want.get("size"), int)
                                           and isinstance(want.get("sha256"), str)):
            raise ValueError(f"the manifest's entry {name!r} is not a file's size and checksum")
        with open(folder / name, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size != want["size"]:
                raise ValueError(f"{name} has {size:,} bytes, the manifest says {want['size']:,}")
            if hashlib.file_digest(f, "sha256").hexdigest() != want["sha256"]:
                raise ValueError(f"{name} does not match its checksum")


def _rows(path: Path, make) -> list:
    """``make(row)`` for each JSON object of a JSON-lines file; ValueError names a line that is not one.

    A row's fields are left to ``make`` (a missing or unknown one is a TypeError). Checking each
    value's type as well would cost about what the checksums do (40 ms on MedQuAD's 33,000 rows),
    for bytes the checksum already vouches for.
    """
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise TypeError("not a JSON object")
                rows.append(make(data))
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{path.name} line {n} is not a row of the index ({exc})") from None
    return rows


def _check_rows(manifest: dict, sections: list[Section], articles: list[Article], engine: Engine) -> None:
    """Raise ValueError unless sections, the engine's ids and articles line up with each other and the manifest."""
    if not len(sections) == engine.n_docs == manifest["sections"]:
        raise ValueError(f"sections.jsonl has {len(sections):,} rows, ids.json {engine.n_docs:,}, "
                         f"the manifest says {manifest['sections']:,}")
    ids = [CorpusIndex._id(s) for s in sections]
    if ids != engine.ids_:
        row = next(i for i, (a, b) in enumerate(zip(ids, engine.ids_)) if a != b)
        raise ValueError(f"sections.jsonl line {row + 1} is {ids[row]!r}, ids.json says {engine.ids_[row]!r}")
    if engine.n_terms != manifest["terms"]:
        raise ValueError(f"terms.json has {engine.n_terms:,} terms, the manifest says {manifest['terms']:,}")
    if len(articles) != manifest["articles"]:
        raise ValueError(f"articles.jsonl has {len(articles):,} rows, the manifest says {manifest['articles']:,}")
    slugs = {a.slug for a in articles}
    orphan = next((s for s in sections if s.article_slug not in slugs), None)
    if orphan is not None:
        raise ValueError(f"section {CorpusIndex._id(orphan)!r} belongs to no article in articles.jsonl")


def read_manifest(index_dir: Path) -> dict | None:
    """The current build's manifest, or None when there is no build yet.

    Raises DamagedIndexError when there is a build but its manifest is unreadable or incomplete.
    """
    index_dir = Path(index_dir)
    if not os.path.lexists(index_dir / CURRENT):
        return None
    return _read_manifest(index_dir, index_dir / CURRENT)


def _read_manifest(index_dir: Path, folder: Path) -> dict:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DamagedIndexError(index_dir, f"manifest.json is unreadable: {exc}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("format_version"), int):
        raise DamagedIndexError(index_dir, "manifest.json is not a JSON object with a format_version")
    # An older format is stale, not damaged: it is rebuilt for that reason, whatever fields it has.
    if manifest.get("format_version") == FORMAT_VERSION:
        wrong = [k for k, t in MANIFEST_FIELDS.items() if not isinstance(manifest.get(k), t)]
        if wrong:
            raise DamagedIndexError(index_dir, f"manifest.json lacks a valid {', '.join(wrong)}")
    return manifest


def stale_reason(manifest: dict | None, corpus_digest: str, encoder_params: dict | None = None) -> str | None:
    """Why the saved index cannot serve this corpus with this encoder (None: it can)."""
    if manifest is None:
        return "no index yet"
    if manifest.get("format_version") != FORMAT_VERSION:
        return "index format changed"
    if manifest.get("corpus_digest") != corpus_digest:
        return "corpus changed"
    if manifest.get("packages") != package_versions():
        return "package versions changed"
    if manifest.get("kind") != "records" and manifest.get("encoder") != (encoder_params or shared_encoder().params()):
        return "sentence encoder changed"
    return None


def build_index(corpus_dir: Path, index_dir: Path) -> CorpusIndex:
    """Load and validate the corpus, build its index and make it current."""
    with _build_lock(index_dir):
        index = _build(corpus_dir)
        index.save(index_dir)
    return index


def _build(corpus_dir: Path) -> CorpusIndex:
    """The index of the corpus in ``corpus_dir``, with its vocabulary read and stemmed for saving."""
    index = CorpusIndex.from_corpus(load_corpus(corpus_dir))
    index.vocabulary = saved_form(corpus_dir, index.engine.analyzer)
    return index


def open_index(corpus_dir: Path, index_dir: Path) -> CorpusIndex:
    """The index for this corpus: loaded if up to date, otherwise (re)built first.

    A damaged index is rebuilt too, with a warning. If it cannot be (an unusable index folder), the
    IndexStoreError says both what is damaged and why it could not be rebuilt.
    """
    index, damage = _load_fresh(index_dir, corpus_digest(corpus_dir))
    if index is not None:
        return index
    try:
        with _build_lock(index_dir):
            # Another process may have built (or repaired) it while we waited for the lock.
            index, damage = _load_fresh(index_dir, corpus_digest(corpus_dir))
            if index is not None:
                return index
            index = _build(corpus_dir)
            index.save(index_dir)
    except IndexStoreError as exc:
        if damage is None:
            raise
        raise IndexStoreError(f"{damage.problem} and cannot be rebuilt: {exc}") from None
    if damage is not None:
        log.warning("%s: rebuilt it from the corpus", damage.problem)
    return index


def _load_fresh(index_dir: Path, digest: str) -> tuple[CorpusIndex | None, DamagedIndexError | None]:
    """The saved index if it is up to date and passes its checks; else None and, if damaged, why."""
    try:
        with gc_paused():  # loading only (the encoder too, for its params): a build runs outside
            if stale_reason(read_manifest(index_dir), digest) is None:
                return CorpusIndex.load(index_dir), None
    except DamagedIndexError as exc:
        return None, exc
    return None, None


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
