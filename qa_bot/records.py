"""JSONL corpora: a file of records, one JSON object a line, read as a corpus like the articles.

Each line is one passage::

    {"id": "GHR_0000154-2", "title": "Glaucoma", "text": "...", "url": "https://...", "section": "symptoms"}

``id`` (a string or an integer, unique in the file) and ``text`` (not blank) are required;
``title``, ``url`` and ``section`` are optional strings; other fields are ignored. Blank lines are
skipped. A bad line stops the load with a :class:`CorpusError` naming the file and the line.

Each record becomes an article with one section, so the index, the answers and ``qa-bot corpus
check`` treat it like a Markdown article. Citations show the record's ``title`` and ``section``
and link to its ``url`` when it has one. A record's digest is the file's SHA-256: any edit to the
file means a rebuild.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .corpus import Article, Corpus, Section, slugify
from .errors import CorpusError

SUFFIX = ".jsonl"
OPTIONAL_FIELDS = ("title", "url", "section")


def is_records_file(path: Path) -> bool:
    """Whether a corpus path names a JSONL file (rather than a folder of Markdown articles)."""
    return Path(path).suffix.lower() == SUFFIX


def read_records(path: Path) -> tuple[list[dict], str]:
    """The file's records (``id``, ``title``, ``text``, ``url``, ``section``, ``line``) and its SHA-256."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(path, "corpus file not found: pass --corpus or set QA_BOT_CORPUS")
    records: list[dict] = []
    first_line: dict[str, int] = {}
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            digest.update(raw)
            if not raw.strip():
                continue
            record = _record(path, number, raw)
            if record["id"] in first_line:
                raise CorpusError(path, f"id '{record['id']}' is already used on line {first_line[record['id']]}: "
                                  "ids must be unique", number)
            first_line[record["id"]] = number
            records.append(record)
    if not records:
        raise CorpusError(path, "the file has no records: write one JSON object per line with 'id' and 'text'")
    return records, digest.hexdigest()


def file_digest(path: Path) -> str:
    """The SHA-256 of the file, as :func:`read_records` reports it, without parsing it."""
    path = Path(path)
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise CorpusError(path, f"cannot read the corpus file ({exc.strerror or exc}): pass --corpus or set QA_BOT_CORPUS") from None
    return digest.hexdigest()


def _record(path: Path, number: int, raw: bytes) -> dict:
    try:
        data = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
    except UnicodeDecodeError:
        raise CorpusError(path, "the line is not UTF-8 text: save the file with UTF-8 encoding", number) from None
    except json.JSONDecodeError as exc:
        raise CorpusError(path, f"the line is not valid JSON ({exc.msg} at column {exc.colno})", number) from None
    if not isinstance(data, dict):
        raise CorpusError(path, 'each line must be a JSON object like {"id": ..., "text": ...}', number)
    rid = data.get("id")
    if isinstance(rid, bool) or not isinstance(rid, (str, int)) or not str(rid).strip():
        raise CorpusError(path, "the record has no 'id': give each record a unique string or number id", number)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(path, f"record '{rid}' has no 'text': give it the passage's text", number)
    record = {"id": str(rid).strip(), "text": text, "line": number}
    for name in OPTIONAL_FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise CorpusError(path, f"record '{rid}': '{name}' must be a string", number)
        record[name] = " ".join((value or "").split())
    return record


def load_records_corpus(path: Path) -> Corpus:
    """Read and validate a JSONL file into a corpus of one-section articles."""
    records, digest = read_records(path)
    articles = []
    for r in records:
        title = r["title"] or r["id"]
        heading = r["section"] or title
        section = Section(r["id"], title, heading, slugify(heading) or "passage", r["text"], r["line"], r["url"])
        articles.append(Article(r["id"], title, Path(path).name, "", f"{path}:{r['line']}", r["text"], (section,)))
    return Corpus(tuple(articles), digest, kind="records")


def indexed_title(section: Section) -> str:
    """The title a record is indexed under: its own title and, when it has one, its section name.

    "What are the symptoms of glaucoma" should find the "symptoms" passage of "Glaucoma".
    """
    # A record without a title shows its id instead; the id is not worth indexing.
    parts = [section.article_title] if section.article_title != section.article_slug else []
    if section.title not in (section.article_title, section.article_slug):
        parts.append(section.title)
    return " ".join(parts)
