"""JSONL corpora: a file of records, one JSON object a line, read as a corpus like the articles.

Each line is one passage::

    {"id": "GHR_0000154-2", "title": "Glaucoma", "text": "...", "url": "https://...", "section": "symptoms"}

``id`` (a string or an integer, unique in the file) and ``text`` (not blank) are required;
``title``, ``url`` and ``section`` are optional strings; other fields are ignored. Blank lines are
skipped. A bad line stops the load with a :class:`CorpusError` naming the file and the line: so
does a line, text, id, title, section or url over its size limit (``MAX_*``, documented in
corpus/README.md), and a ``url`` that is not an absolute ``http://`` or ``https://`` address
(it becomes a link on the site: ``javascript:`` or ``//elsewhere`` must not).

Each record becomes an article with one section, so the index, the answers and ``qa-bot corpus
check`` treat it like a Markdown article. Citations show the record's ``title`` and ``section``
and link to its ``url`` when it has one. A record's digest is the file's SHA-256: any edit to the
file means a rebuild.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

from .corpus import MAX_FIELD_CHARS, MAX_SECTION_CHARS, Article, Corpus, Section, slugify
from .errors import CorpusError

SUFFIX = ".jsonl"
OPTIONAL_FIELDS = ("title", "section")
# Size limits: a record's text is held to a Markdown section's (MedQuAD's longest is 27,000
# characters); id, title and section to a front-matter value's; a line has room for the text
# written entirely as \uXXXX escapes.
MAX_RECORD_BYTES = 1_000_000
MAX_URL_CHARS = 2_000
URL_SCHEMES = ("http", "https")


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
        # Read a line at a time with a limit, so that a huge line is refused without being held.
        for number, raw in enumerate(iter(lambda: f.readline(MAX_RECORD_BYTES + 2), b""), 1):
            if len(raw.rstrip(b"\r\n")) > MAX_RECORD_BYTES:
                raise CorpusError(path, f"the line is over the limit of {MAX_RECORD_BYTES:,} bytes: split the record", number)
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
    rid = str(rid).strip()
    if len(rid) > MAX_FIELD_CHARS:
        raise CorpusError(path, f"the record's id is {len(rid):,} characters long; the limit is {MAX_FIELD_CHARS}", number)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(path, f"record '{rid}' has no 'text': give it the passage's text", number)
    if len(text) > MAX_SECTION_CHARS:
        raise CorpusError(path, f"record '{rid}': 'text' is {len(text):,} characters long; the limit is "
                          f"{MAX_SECTION_CHARS:,}: split it into several records", number)
    record = {"id": rid, "text": text, "line": number, "url": _url(path, number, rid, data.get("url"))}
    for name in OPTIONAL_FIELDS:
        value = _string(path, number, rid, name, data.get(name))
        record[name] = " ".join(value.split())
        if len(record[name]) > MAX_FIELD_CHARS:
            raise CorpusError(path, f"record '{rid}': '{name}' is {len(record[name]):,} characters long; the limit is "
                              f"{MAX_FIELD_CHARS}", number)
    return record


def _string(path: Path, number: int, rid: str, name: str, value) -> str:
    if value is not None and not isinstance(value, str):
        raise CorpusError(path, f"record '{rid}': '{name}' must be a string", number)
    return value or ""


def _url(path: Path, number: int, rid: str, value) -> str:
    """A record's ``url``, checked: it is shown as a link, so only an absolute http(s) address will do."""
    url = _string(path, number, rid, "url", value).strip()
    if not url:
        return ""
    if len(url) > MAX_URL_CHARS:
        raise CorpusError(path, f"record '{rid}': 'url' is {len(url):,} characters long; the limit is {MAX_URL_CHARS:,}",
                          number)
    try:
        parts = urlsplit(url)
        web = parts.scheme.lower() in URL_SCHEMES and bool(parts.hostname)
    except ValueError:  # such as an unclosed "[" in an IPv6 address
        web = False
    # Browsers drop tabs and line breaks inside a link and read "\" as "/", so a link holding any of
    # them may go somewhere other than it reads: refused too.
    if not web or "\\" in url or any(c.isspace() or not c.isprintable() for c in url):
        shown = url if len(url) <= 60 else url[:57] + "..."
        raise CorpusError(path, f"record '{rid}': 'url' must be a web address starting with http:// or https://, "
                          f"not '{shown}'", number)
    return url


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
