"""Corpus loading: Markdown article files -> validated articles -> sections.

An article is one UTF-8 Markdown file with YAML front matter::

    ---
    title: Battling Chronic Pain with Botox
    slug: botox-chronic-pain          # optional, defaults to the file name
    source: Pink Marble clinic website
    reviewed: 2026-11-24
    ---
    Opening paragraphs (the "Introduction" section).

    ## A heading
    The section's text.

Each level-2 heading starts a section; text before the first one forms the ``Introduction``
section. Citations report the heading exactly as written and link to ``/articles/<slug>#<anchor>``.
A section's text is the article's own wording with the Markdown markup taken out, so that every
quoted passage can be found word for word in the article as a patient reads it.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from .errors import CorpusError

INTRODUCTION = "Introduction"
ALLOWED_FIELDS = ("title", "slug", "source", "reviewed")
REQUIRED_FIELDS = ("title", "source", "reviewed")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Files in the corpus folder that are not articles.
NOT_ARTICLES = {"readme.md"}


def slugify(text: str) -> str:
    """``"How Does Botox Work?"`` -> ``"how-does-botox-work"`` (used for slugs and anchors)."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


@dataclass(frozen=True)
class Section:
    """One section of one article: the unit that is ranked and cited."""

    article_slug: str
    article_title: str
    title: str
    anchor: str
    text: str  # paragraphs joined by a blank line, wording verbatim
    line: int = 0  # line of the heading in the source file (0: no heading)
    link: str = ""  # where citations point, if not the article page (a JSONL record's own url)

    @property
    def url(self) -> str:
        return self.link or f"/articles/{self.article_slug}#{self.anchor}"

    def to_dict(self) -> dict:
        return {
            "article_slug": self.article_slug,
            "article_title": self.article_title,
            "title": self.title,
            "anchor": self.anchor,
            "text": self.text,
            "line": self.line,
            "link": self.link,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Section":
        return cls(**data)


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    source: str
    reviewed: str
    path: str
    body: str  # the Markdown after the front matter, for rendering
    sections: tuple[Section, ...]

    @property
    def url(self) -> str:
        return f"/articles/{self.slug}"

    def to_dict(self) -> dict:
        """Everything but the sections (the index keeps those, row-aligned, on their own)."""
        return {"slug": self.slug, "title": self.title, "source": self.source, "reviewed": self.reviewed,
                "path": self.path, "body": self.body}

    @classmethod
    def from_dict(cls, data: dict, sections: tuple[Section, ...]) -> "Article":
        return cls(**data, sections=sections)


@dataclass(frozen=True)
class Corpus:
    articles: tuple[Article, ...]
    digest: str  # sha256 of every source file's name and bytes
    kind: str = "markdown"  # or "records": a JSONL file read by records.py

    @property
    def sections(self) -> list[Section]:
        return [s for a in self.articles for s in a.sections]

    def article(self, slug: str) -> Article | None:
        return next((a for a in self.articles if a.slug == slug), None)


def article_files(folder: Path) -> list[Path]:
    """The article files of a corpus folder, in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(folder, "corpus folder not found: pass --corpus or set QA_BOT_CORPUS")
    return sorted(
        p
        for p in folder.glob("*.md")
        if p.is_file() and not p.name.startswith((".", "_")) and p.name.lower() not in NOT_ARTICLES
    )


def digest_files(paths: list[Path], root: Path) -> str:
    """A hash of the files' names (relative to root) and contents: changes when any of them does."""
    h = hashlib.sha256()
    for p in paths:
        h.update(str(Path(p).relative_to(root)).encode() + b"\0")
        h.update(Path(p).read_bytes() + b"\0")
    return h.hexdigest()


def load_corpus(folder: Path) -> Corpus:
    """Read and validate every article in ``folder``. Raises CorpusError on the first bad file.

    A path to a ``.jsonl`` file is read as records instead (see records.py).
    """
    folder = Path(folder)
    from .records import is_records_file, load_records_corpus  # records.py builds on this module

    if is_records_file(folder):
        return load_records_corpus(folder)
    files = article_files(folder)
    if not files:
        raise CorpusError(folder, "no article files (*.md) in the corpus folder: add one, see corpus/README.md")
    articles: list[Article] = []
    seen: dict[str, str] = {}
    for path in files:
        article = parse_article(path)
        if article.slug in seen:
            raise CorpusError(path, f"slug '{article.slug}' is already used by {seen[article.slug]}: give one a different slug", 1)
        seen[article.slug] = path.name
        articles.append(article)
    return Corpus(tuple(articles), digest_files(files, folder))


def parse_article(path: Path) -> Article:
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusError(path, "the file is not UTF-8 text: save it with UTF-8 encoding", line) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body, body_line = _split_front_matter(path, text)
    fields = _check_fields(path, meta)
    sections = _sections(path, body, body_line, fields["slug"], fields["title"])
    return Article(
        slug=fields["slug"],
        title=fields["title"],
        source=fields["source"],
        reviewed=fields["reviewed"],
        path=str(path),
        body=body,
        sections=tuple(sections),
    )


def _split_front_matter(path: Path, text: str) -> tuple[dict, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise CorpusError(path, "missing front matter: the file must start with a '---' line, then title, source and reviewed", 1)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise CorpusError(path, "front matter is not closed: add a '---' line after the fields", 1) from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise CorpusError(path, f"bad front matter ({problem}); quote values that contain ':'", line) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise CorpusError(path, "front matter must be 'field: value' lines", 2)
    return meta, "\n".join(lines[end + 1 :]), end + 1


def _check_fields(path: Path, meta: dict) -> dict:
    unknown = sorted(set(map(str, meta)) - set(ALLOWED_FIELDS))
    if unknown:
        raise CorpusError(path, f"unknown front matter field '{unknown[0]}' (allowed: {', '.join(ALLOWED_FIELDS)})", 2)
    for name in REQUIRED_FIELDS:
        value = meta.get(name)
        if value is None or not str(value).strip():
            raise CorpusError(path, f"front matter has no '{name}': add a '{name}: ...' line", 2)
    reviewed = meta["reviewed"]
    if isinstance(reviewed, str):
        try:
            reviewed = _dt.date.fromisoformat(reviewed.strip())
        except ValueError:
            raise CorpusError(path, f"'reviewed' must be a date like 2026-11-24, not '{reviewed}'", 2) from None
    if not isinstance(reviewed, _dt.date):
        raise CorpusError(path, f"'reviewed' must be a date like 2026-11-24, not '{reviewed}'", 2)
    slug = str(meta.get("slug") or slugify(path.stem))
    if not SLUG_RE.match(slug):
        raise CorpusError(path, f"slug '{slug}' must be lower-case letters, digits and single hyphens", 2)
    return {
        "title": " ".join(str(meta["title"]).split()),
        "source": str(meta["source"]).strip(),
        "reviewed": reviewed.isoformat(),
        "slug": slug,
    }


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def _plain_text(inline) -> str:
    """The words of an inline token as a reader sees them: markup dropped, line breaks as spaces."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain_text(child))
    return " ".join("".join(parts).split())


def _sections(path: Path, body: str, offset: int, slug: str, article_title: str) -> list[Section]:
    tokens = _markdown().parse(body)
    # (title, anchor, heading line, paragraphs)
    found: list[tuple[str, str, int, list[str]]] = [(INTRODUCTION, slugify(INTRODUCTION), 0, [])]
    for i, tok in enumerate(tokens):
        line = offset + (tok.map[0] + 1 if tok.map else 0)
        if tok.type == "heading_open" and tok.tag in ("h1", "h2"):
            title = _plain_text(tokens[i + 1])
            if tok.tag == "h1":
                raise CorpusError(path, "use the 'title' field for the article title, and '##' headings for sections", line)
            if not title:
                raise CorpusError(path, "a heading has no text: write the section title after '##'", line)
            anchor = slugify(title)
            if not anchor:
                raise CorpusError(path, f"heading '{title}' has no letters or digits to make a link anchor from", line)
            found.append((title, anchor, line, []))
        elif tok.type == "inline" and not (i > 0 and tokens[i - 1].type == "heading_open" and tokens[i - 1].tag in ("h1", "h2")):
            words = _plain_text(tok)
            if words:
                found[-1][3].append(words)
    if not found[0][3]:
        found.pop(0)  # no opening text: no Introduction section
    if not found:
        raise CorpusError(path, "the article has no text", offset + 1)
    sections, anchors = [], {}
    for title, anchor, line, paragraphs in found:
        if anchor in anchors:
            raise CorpusError(path, f"section '{title}' has the same link anchor '#{anchor}' as the section on line {anchors[anchor]}: rename one", line)
        anchors[anchor] = line or offset + 1
        if not paragraphs:
            raise CorpusError(path, f"section '{title}' has no text", line)
        sections.append(Section(slug, article_title, title, anchor, "\n\n".join(paragraphs), line))
    return sections
