"""JSONL corpora: reading records, line-numbered errors, indexing and asking them from the CLI."""

from __future__ import annotations

import hashlib
import json

import pytest

from qa_bot.cli import main
from qa_bot.corpus import load_corpus
from qa_bot.errors import CorpusError
from qa_bot.index import CorpusIndex, open_index
from qa_bot.corpus import MAX_FIELD_CHARS, MAX_SECTION_CHARS
from qa_bot.records import MAX_RECORD_BYTES, MAX_URL_CHARS, file_digest, indexed_title, read_records

RECORDS = [
    {"id": "glaucoma-1", "title": "Glaucoma", "section": "symptoms", "url": "https://example.org/glaucoma#symptoms",
     "text": "Open-angle glaucoma has no symptoms at first. Later, side vision is slowly lost."},
    {"id": "glaucoma-2", "title": "Glaucoma", "section": "treatment", "url": "https://example.org/glaucoma#treatment",
     "text": "Eye drops lower the pressure in the eye. Laser surgery can help too."},
    {"id": 7, "title": "Cataract", "text": "A cataract clouds the lens of the eye, and vision becomes blurry."},
    {"id": "no-title", "text": "Regular walking strengthens the heart.", "source": "ignored extra field"},
]


def write_jsonl(path, lines):
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def jsonl(tmp_path):
    return write_jsonl(tmp_path / "kb.jsonl", RECORDS[:2] + [""] + RECORDS[2:])


def test_good_file_reads_every_record_with_its_line(jsonl):
    records, digest = read_records(jsonl)
    assert [r["id"] for r in records] == ["glaucoma-1", "glaucoma-2", "7", "no-title"]
    assert [r["line"] for r in records] == [1, 2, 4, 5]  # the blank line 3 is skipped
    assert records[3]["title"] == records[3]["url"] == records[3]["section"] == ""
    assert digest == hashlib.sha256(jsonl.read_bytes()).hexdigest() == file_digest(jsonl)


def test_records_become_one_section_articles(jsonl):
    corpus = load_corpus(jsonl)
    assert corpus.kind == "records" and len(corpus.articles) == 4
    first, cataract, untitled = corpus.sections[0], corpus.sections[2], corpus.sections[3]
    assert (first.article_title, first.title, first.anchor) == ("Glaucoma", "symptoms", "symptoms")
    assert first.url == "https://example.org/glaucoma#symptoms"  # citations link to the record's own url
    assert (cataract.title, cataract.url) == ("Cataract", "/articles/7#cataract")
    assert (untitled.article_title, untitled.anchor) == ("no-title", "no-title")
    assert [indexed_title(s) for s in corpus.sections] == ["Glaucoma symptoms", "Glaucoma treatment", "Cataract", ""]


@pytest.mark.parametrize(("lines", "line", "message"), [
    ([RECORDS[0], '{"id": "x", "text": "ok"'], 2, "not valid JSON"),
    ([RECORDS[0], "[1, 2]"], 2, "must be a JSON object"),
    ([{"title": "No id", "text": "words"}], 1, "has no 'id'"),
    ([{"id": "", "text": "words"}], 1, "has no 'id'"),
    ([{"id": True, "text": "words"}], 1, "has no 'id'"),
    ([RECORDS[0], {"id": "t"}], 2, "record 't' has no 'text'"),
    ([{"id": "t", "text": "   "}], 1, "record 't' has no 'text'"),
    ([{"id": "t", "text": "words", "title": ["a"]}], 1, "'title' must be a string"),
    ([RECORDS[0], RECORDS[1], {"id": "glaucoma-1", "text": "again"}], 3, "id 'glaucoma-1' is already used on line 1"),
    ([RECORDS[0], {"id": 5, "text": "five"}, {"id": "5", "text": "again"}], 3, "id '5' is already used on line 2"),
    ([{"id": "t", "text": "words", "url": 5}], 1, "'url' must be a string"),
    # size limits
    ([RECORDS[0], {"id": "t", "text": "w" * (MAX_SECTION_CHARS + 1)}], 2,
     f"record 't': 'text' is {MAX_SECTION_CHARS + 1:,} characters long; the limit is {MAX_SECTION_CHARS:,}"),
    ([{"id": "i" * (MAX_FIELD_CHARS + 1), "text": "words"}], 1, f"the limit is {MAX_FIELD_CHARS}"),
    ([{"id": "t", "text": "words", "title": "t" * (MAX_FIELD_CHARS + 1)}], 1, f"'title' is {MAX_FIELD_CHARS + 1} characters"),
    ([{"id": "t", "text": "words", "section": "s" * (MAX_FIELD_CHARS + 1)}], 1, "'section' is"),
    ([{"id": "t", "text": "words", "url": "https://example.org/" + "u" * MAX_URL_CHARS}], 1, "'url' is"),
    ([RECORDS[0], {"id": "t", "text": "words", "padding": "p" * MAX_RECORD_BYTES}], 2,
     f"the line is over the limit of {MAX_RECORD_BYTES:,} bytes"),
])
def test_bad_records_are_named_by_file_and_line(tmp_path, lines, line, message):
    path = write_jsonl(tmp_path / "bad.jsonl", lines)
    with pytest.raises(CorpusError, match=message) as caught:
        read_records(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "//evil.example/page",  # protocol-relative: another site
    "/articles/glaucoma",  # not a web address of its own
    "https:evil.example", "https://", "https:///path", "http://[::1", "https:\\\\evil.example",
    "https://example.org/a b", "https://example.org/\u200bx", "ftp://example.org/file", "example.org/page",
])
def test_record_urls_are_limited_to_http_and_https(tmp_path, url):
    """A record's url becomes a link on the site: only an absolute http(s) address is taken."""
    path = write_jsonl(tmp_path / "kb.jsonl", [RECORDS[0], {"id": "t", "text": "words", "url": url}])
    with pytest.raises(CorpusError, match="'url' must be a web address starting with http:// or https://") as caught:
        read_records(path)
    assert str(caught.value).startswith(f"{path}:2: record 't': ")


@pytest.mark.parametrize("url", ["https://example.org/glaucoma#symptoms", "HTTP://Example.org", "http://[::1]:8080/x",
                                 "  https://example.org/padded  "])
def test_record_web_addresses_are_kept(tmp_path, url):
    path = write_jsonl(tmp_path / "kb.jsonl", [{"id": "t", "text": "words", "url": url}])
    assert read_records(path)[0][0]["url"] == url.strip()


def test_non_utf8_line_is_named(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(RECORDS[0]).encode() + b"\n" + '{"id": "x", "text": "caf\xe9"}'.encode("latin-1") + b"\n")
    with pytest.raises(CorpusError, match=r"latin1.jsonl:2: the line is not UTF-8"):
        read_records(path)


@pytest.mark.parametrize(("content", "message"), [(None, "corpus file not found"), ("\n\n", "has no records")])
def test_missing_or_empty_file(tmp_path, content, message):
    path = tmp_path / "kb.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        load_corpus(path)


def test_index_of_records_uses_bm25_and_is_rebuilt_when_the_file_changes(jsonl, tmp_path):
    index = open_index(jsonl, tmp_path / "index")
    assert index.engine.weighting == "bm25" and index.manifest["sections"] == 4
    assert index.engine.search("glaucoma eye drops")[0][0] == "glaucoma-2#treatment"
    reloaded = CorpusIndex.load(tmp_path / "index")
    assert reloaded.sections == index.sections and reloaded.engine.params == index.engine.params
    write_jsonl(jsonl, RECORDS + [{"id": "new", "title": "Asthma", "text": "Inhalers open the airways."}])
    assert open_index(jsonl, tmp_path / "index").engine.search("inhalers")[0][0] == "new#asthma"


def test_cli_asks_a_jsonl_corpus(jsonl, tmp_path, capsys):
    code = main(["--corpus", str(jsonl), "--index-dir", str(tmp_path / "index"), "ask", "--json",
                 "what are the symptoms of glaucoma"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "answered"
    assert out["citations"][0]["url"] == "https://example.org/glaucoma#symptoms"
    assert out["citations"][0]["article"] == "Glaucoma" and out["citations"][0]["section"] == "symptoms"


def test_cli_reports_a_bad_record_in_one_line(tmp_path, capsys):
    path = write_jsonl(tmp_path / "kb.jsonl", [RECORDS[0], "{oops"])
    assert main(["--corpus", str(path), "--index-dir", str(tmp_path / "index"), "ask", "glaucoma"]) == 1
    assert capsys.readouterr().err.strip().startswith(f"qa-bot: {path}:2: the line is not valid JSON")


def test_a_record_is_cited_only_if_its_title_names_what_is_asked(tmp_path):
    """In a knowledge base nearly any word is in some passage: an incidental match is not an answer."""
    from qa_bot.answer import Bot
    from qa_bot.config import Config

    kb = write_jsonl(tmp_path / "kb.jsonl", RECORDS + [
        {"id": "mdds", "title": "Mal de debarquement syndrome",
         "text": "Symptoms may be renewed by a long trip, such as flying to renew a passport abroad."},
        {"id": "untitled", "text": "Passport photos must be recent."},
    ])
    bot = Bot.from_config(Config(corpus=kb, index_dir=tmp_path / "index", min_score=0.01))
    on_topic = bot.ask("what are the symptoms of glaucoma")
    assert on_topic.status == "answered" and on_topic.citations[0].article == "Glaucoma"
    off_topic = bot.ask("how do i renew my passport")
    assert all(c.article != "Mal de debarquement syndrome" for c in off_topic.citations)
    # a record without a title of its own cannot be held to one
    assert bot.ask("passport photos").citations[0].article == "untitled"

