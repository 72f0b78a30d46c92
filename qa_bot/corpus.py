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
Sections that credit rather than inform (headed "Source", "References", "Attribution", ... see
``NOT_CITED_HEADINGS``, and any the front matter lists as ``not_cited: [heading, ...]``) are read
and shown on the page, but never cited: the index leaves them out.
A section's text is the article's own wording with the Markdown markup taken out, so that every
quoted passage can be found word for word in the article as a patient reads it.

Every size is bounded (``MAX_*`` below, documented for clinic staff in corpus/README.md), and YAML
is read as plain data only (:func:`load_yaml`): no file can make a page, an answer or the memory
blow up.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import CorpusError

INTRODUCTION = "Introduction"
ALLOWED_FIELDS = ("title", "slug", "source", "reviewed", "not_cited", "questions")
# An article's own suggested questions (front matter ``questions``): a few, each a short question.
MAX_OWN_QUESTIONS = 5
MAX_OWN_QUESTION_CHARS = 150
REQUIRED_FIELDS = ("title", "source", "reviewed")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Headings of sections that say where an article comes from, not anything a patient asks about:
# never cited, whatever the article (compared case-folded, without a trailing colon). An article's
# front matter can name more with ``not_cited``.
NOT_CITED_HEADINGS = frozenset({"source", "sources", "reference", "references", "attribution", "attributions",
                                "acknowledgement", "acknowledgements", "acknowledgment", "acknowledgments",
                                "credits", "bibliography", "citation", "citations", "further reading"})
# Files in the corpus folder that are not articles.
NOT_ARTICLES = {"readme.md"}

# Size limits: many times what a clinic's article needs, small enough that parsing one file stays
# within seconds (markdown-it takes ~20 us a character on hostile markup) and that no title or
# section makes the pages and answers that show it grow without bound.
MAX_ARTICLE_BYTES = 200_000  # one article file (about 30,000 words)
MAX_FIELD_CHARS = 200  # each front-matter value (title, source, reviewed, slug)
MAX_HEADING_CHARS = 200  # one section heading
MAX_SECTION_CHARS = 30_000  # the text of one section (or of one JSONL record)
MAX_SECTIONS = 100  # sections in one article
# YAML nesting: front matter is flat and the vocabulary two levels deep; PyYAML's composer recurses
# once per level, so a deep file would otherwise end in a RecursionError.
MAX_YAML_DEPTH = 8
# Keys and values in one front matter: far more than its four fields, so that a misspelt field is
# named as such rather than counted.
MAX_FRONT_MATTER_VALUES = 100


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
    cited: bool = True  # False: credits or references (see NOT_CITED_HEADINGS), never an answer

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
            "cited": self.cited,
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
    questions: tuple[str, ...] = ()  # the staff's own suggested questions (front matter), if any

    @property
    def url(self) -> str:
        return f"/articles/{self.slug}"

    def to_dict(self) -> dict:
        """Everything but the sections (the index keeps those, row-aligned, on their own)."""
        return {"slug": self.slug, "title": self.title, "source": self.source, "reviewed": self.reviewed,
                "path": self.path, "body": self.body, "questions": list(self.questions)}

    @classmethod
    def from_dict(cls, data: dict, sections: tuple[Section, ...]) -> "Article":
        return cls(**{**data, "questions": tuple(data.get("questions", ()))}, sections=sections)


@dataclass(frozen=True)
class Corpus:
    articles: tuple[Article, ...]
    digest: str  # sha256 of every source file's name and bytes
    kind: str = "markdown"  # or "records": a JSONL file read by records.py

    @property
    def sections(self) -> list[Section]:
        """The sections that can be cited, in article order: what the index holds."""
        return [s for a in self.articles for s in a.sections if s.cited]

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
    with open(path, "rb") as f:
        raw = f.read(MAX_ARTICLE_BYTES + 1)
    if len(raw) > MAX_ARTICLE_BYTES:
        line = raw[:MAX_ARTICLE_BYTES].count(b"\n") + 1
        raise CorpusError(path, f"the file is over the limit of {MAX_ARTICLE_BYTES:,} bytes (from this line on): "
                          "split it into several articles", line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusError(path, "the file is not UTF-8 text: save it with UTF-8 encoding", line) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body, body_line = _split_front_matter(path, text)
    fields = _check_fields(path, meta)
    sections = _sections(path, body, body_line, fields["slug"], fields["title"])
    sections = _mark_not_cited(path, sections, meta.get("not_cited"))
    return Article(
        slug=fields["slug"],
        title=fields["title"],
        source=fields["source"],
        reviewed=fields["reviewed"],
        path=str(path),
        body=body,
        sections=tuple(sections),
        questions=_own_questions(path, meta.get("questions")),
    )


def _split_front_matter(path: Path, text: str) -> tuple[dict, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise CorpusError(path, "missing front matter: the file must start with a '---' line, then title, source and reviewed", 1)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise CorpusError(path, "front matter is not closed: add a '---' line after the fields", 1) from None
    meta = load_yaml("\n".join(lines[1:end]), path, "bad front matter ({problem}); quote values that contain ':'",
                     MAX_FIELD_CHARS, MAX_FRONT_MATTER_VALUES, first_line=2)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise CorpusError(path, "front matter must be 'field: value' lines", 2)
    return meta, "\n".join(lines[end + 1 :]), end + 1


@functools.cache
def _yaml():
    """PyYAML, its loader and the error for YAML refused: imported when YAML is first read (12 ms),
    as answering from a saved index reads none. The loader is libyaml's parser when PyYAML was
    built with it: ten times faster than the pure-Python one."""
    import yaml

    class Refused(yaml.MarkedYAMLError):
        """YAML that parses but that qa-bot will not take (see :func:`load_yaml`)."""

        def __init__(self, problem: str, event):
            super().__init__(problem=problem, problem_mark=event.start_mark)

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader), Refused


def _check_yaml(text: str, max_chars: int, max_values: int) -> None:
    """Refuse, before anything is built from it: anchors and aliases (``&a`` / ``*a``: a few hundred
    bytes of them nested expand to gigabytes), nesting deeper than ``MAX_YAML_DEPTH``, text values
    longer than ``max_chars`` and more than ``max_values`` keys and values in all."""
    yaml, loader, _Refused = _yaml()
    depth = values = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused("YAML anchors and aliases ('&name', '*name') are not allowed: write each value out, "
                           "in quotes if it starts with & or *", event)
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise _Refused(f"lists and mappings are nested more than {MAX_YAML_DEPTH} levels deep", event)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent):
            values += 1
            if values > max_values:
                raise _Refused(f"over the limit of {max_values:,} keys and values", event)
            if len(event.value) > max_chars:
                raise _Refused(f"a value is {len(event.value):,} characters long; the limit is {max_chars:,}", event)


def load_yaml(text: str, path, syntax: str, max_chars: int, max_values: int, first_line: int = 1):
    """Plain data from YAML text that starts on ``first_line`` of ``path``, within the limits of
    :func:`_check_yaml`. A syntax error is reported as ``syntax.format(problem=...)``, a refusal as
    itself; both as a CorpusError with the file and line."""
    yaml, loader, refused = _yaml()
    try:
        _check_yaml(text, max_chars, max_values)
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise CorpusError(path, problem if isinstance(exc, refused) else syntax.format(problem=problem), line) from None


def _check_fields(path: Path, meta: dict) -> dict:
    unknown = sorted(set(map(str, meta)) - set(ALLOWED_FIELDS))
    if unknown:
        raise CorpusError(path, f"unknown front matter field '{unknown[0]}' (allowed: {', '.join(ALLOWED_FIELDS)})", 2)
    for name in REQUIRED_FIELDS:
        value = meta.get(name)
        if value is None or not str(value).strip():
            raise CorpusError(path, f"front matter has no '{name}': add a '{name}: ...' line", 2)
    for name, value in meta.items():
        if name not in ("not_cited", "questions") and isinstance(value, (list, dict)):
            raise CorpusError(path, f"'{name}' must be one line of text, not a list or mapping", 2)
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


def _own_questions(path: Path, listed) -> tuple[str, ...]:
    """The front matter's ``questions``: the staff's own suggested questions for the article."""
    if listed is None:
        return ()
    example = 'like questions: ["Can Botox help my migraines?"]'
    if not isinstance(listed, list) or not all(isinstance(q, str) and q.strip() for q in listed):
        raise CorpusError(path, f"'questions' must be a list of questions, {example}", 2)
    if len(listed) > MAX_OWN_QUESTIONS:
        raise CorpusError(path, f"'questions' has {len(listed)} questions; list at most {MAX_OWN_QUESTIONS}", 2)
    out = tuple(" ".join(q.split()) for q in listed)
    for q in out:
        if len(q) > MAX_OWN_QUESTION_CHARS:
            raise CorpusError(path, f"the question '{q[:40]}...' is {len(q)} characters long; "
                              f"keep each under {MAX_OWN_QUESTION_CHARS}", 2)
        if not q.endswith("?"):
            raise CorpusError(path, f"'{q}' in 'questions' must be a question, ending with '?'", 2)
    return out


def _mark_not_cited(path: Path, sections: list[Section], listed) -> list[Section]:
    """The sections, those not to be cited marked so: a heading in ``NOT_CITED_HEADINGS`` or in the
    front matter's ``not_cited`` list (each of which must be one of the article's headings)."""
    if listed is None:
        listed = []
    if not isinstance(listed, list) or not all(isinstance(h, str) for h in listed):
        raise CorpusError(path, "'not_cited' must be a list of section headings, "
                          'like not_cited: ["Source", "Research"]', 2)
    headings = {s.title for s in sections}
    for heading in listed:
        if heading not in headings:
            raise CorpusError(path, f"not_cited names {heading!r}, which is not a heading of this article "
                              f"(its headings: {', '.join(repr(h) for h in sorted(headings))})", 2)
    marked = [replace(s, cited=False) if s.title in listed or _credits(s.title) else s for s in sections]
    if not any(s.cited for s in marked):
        raise CorpusError(path, "every section of the article is marked not to be cited: "
                          "it would never be used to answer", 2)
    return marked


def _credits(heading: str) -> bool:
    return " ".join(heading.casefold().rstrip(":").split()) in NOT_CITED_HEADINGS


def _markdown():
    from markdown_it import MarkdownIt  # here: reading articles only (answering from an index never parses one)

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
            if len(title) > MAX_HEADING_CHARS:
                raise CorpusError(path, f"the heading is {len(title):,} characters long; the limit is {MAX_HEADING_CHARS}: "
                                  "shorten it", line)
            anchor = slugify(title)
            if not anchor:
                raise CorpusError(path, f"heading '{title}' has no letters or digits to make a link anchor from", line)
            if len(found) - (0 if found[0][3] else 1) == MAX_SECTIONS:  # an Introduction with no text is dropped
                raise CorpusError(path, f"the article has more than {MAX_SECTIONS} sections: split it into several "
                                  "articles", line)
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
        text = "\n\n".join(paragraphs)
        if len(text) > MAX_SECTION_CHARS:
            raise CorpusError(path, f"section '{title}' has {len(text):,} characters of text; the limit is "
                              f"{MAX_SECTION_CHARS:,}: split it under more '##' headings", line or offset + 1)
        sections.append(Section(slug, article_title, title, anchor, text, line))
    return sections
