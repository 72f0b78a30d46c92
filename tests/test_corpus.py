"""Corpus loading: the bundled article, and a table of malformed files refused with file and line."""

from __future__ import annotations

import time

import pytest

from conftest import write_article
from qa_bot.corpus import (MAX_ARTICLE_BYTES, MAX_FIELD_CHARS, MAX_HEADING_CHARS, MAX_SECTION_CHARS, MAX_SECTIONS,
                            load_corpus, parse_article, slugify)
from qa_bot.errors import CorpusError

EXPECTED_SECTIONS = [
    "Introduction", "Botox - Beyond Beauty", "Understanding Chronic Pain", "How Does Botox Work?",
    "Botox in Chronic Migraine Treatment", "Managing Muscle Spasms", "Neuropathic Pain Relief",
    "Lower Back Pain and Botox", "Upper Back and Neck Pain", "Conclusion",
]
FURNITURE = ("top of page", "Pink Marble", "Search", "bottom of page")


def squash(text: str) -> str:
    return " ".join(text.split())


def test_bundled_article_has_the_expected_sections(corpus):
    (article,) = corpus.articles
    assert article.slug == "botox-chronic-pain"
    assert article.title == "Battling Chronic Pain with Botox: A Promising Approach"
    assert article.source and article.reviewed
    assert [s.title for s in article.sections] == EXPECTED_SECTIONS


def test_bundled_article_is_the_seed_text_verbatim(corpus, seed_text):
    """Every paragraph of the seed (less page furniture and headings) is in exactly one section, in order."""
    # In the seed file every paragraph, heading and furniture item is one line.
    seed_paras = [line.strip() for line in seed_text.splitlines() if line.strip()]
    body = [p for p in seed_paras if p not in FURNITURE and p not in EXPECTED_SECTIONS
            and p != corpus.articles[0].title]
    ours = [p for s in corpus.sections for p in s.text.split("\n\n")]
    assert [squash(p) for p in ours] == [squash(p) for p in body]


def test_conclusion_starts_where_the_issue_says(corpus):
    conclusion = corpus.sections[-1]
    assert conclusion.text.startswith("Chronic pain is a complex and challenging condition")
    assert conclusion.text.rstrip().endswith("relief from their persistent discomfort.")


def test_section_urls_point_at_anchors(corpus):
    urls = [s.url for s in corpus.sections]
    assert urls[0] == "/articles/botox-chronic-pain#introduction"
    assert "/articles/botox-chronic-pain#how-does-botox-work" in urls
    assert len(set(urls)) == len(urls)


@pytest.mark.parametrize("text, anchor", [
    ("How Does Botox Work?", "how-does-botox-work"),
    ("Botox - Beyond Beauty", "botox-beyond-beauty"),
    ("Névralgie  post-zostérienne", "nevralgie-post-zosterienne"),
    ("  --  ", ""),
])
def test_slugify(text, anchor):
    assert slugify(text) == anchor


GOOD_HEAD = "---\ntitle: Neck pain\nsource: Clinic\nreviewed: 2026-01-02\n---\n"
OVERSIZED = GOOD_HEAD + "Intro.\n\n" + "Many more words.\n" * (MAX_ARTICLE_BYTES // 16)

MALFORMED = [
    # (file content, expected line, words the message must contain)
    ("Just text, no front matter.\n", 1, "missing front matter"),
    ("---\ntitle: x\nsource: y\nreviewed: 2026-01-01\n\nNo closing line.\n", 1, "not closed"),
    ("---\ntitle: [unclosed\nsource: y\nreviewed: 2026-01-01\n---\nText.\n", 3, "bad front matter"),
    ("---\nsource: Clinic\nreviewed: 2026-01-02\n---\nText.\n", 2, "no 'title'"),
    ("---\ntitle: '  '\nsource: Clinic\nreviewed: 2026-01-02\n---\nText.\n", 2, "no 'title'"),
    ("---\ntitle: T\nreviewed: 2026-01-02\n---\nText.\n", 2, "no 'source'"),
    ("---\ntitle: T\nsource: S\nreviewed: last week\n---\nText.\n", 2, "'reviewed' must be a date"),
    ("---\ntitle: T\nsource: S\nreviewed: 2026-01-02\ntitel: typo\n---\nText.\n", 2, "unknown front matter field 'titel'"),
    ("---\ntitle: T\nsource: S\nreviewed: 2026-01-02\nslug: Not A Slug\n---\nText.\n", 2, "slug"),
    ("---\n- a list\n---\nText.\n", 2, "front matter must be"),
    (GOOD_HEAD + "Intro.\n\n##\n\nText.\n", 8, "heading has no text"),
    (GOOD_HEAD + "Intro.\n\n## Neck\n\nOne.\n\n## Neck!\n\nTwo.\n", 12, "same link anchor '#neck'"),
    (GOOD_HEAD + "Intro.\n\n## Empty\n\n## Next\n\nText.\n", 8, "section 'Empty' has no text"),
    (GOOD_HEAD + "# Big title\n\nText.\n", 6, "'title' field"),
    (GOOD_HEAD + "\n\n", 6, "no text"),
    (GOOD_HEAD + "## ???\n\nText.\n", 6, "no letters or digits"),
    ("---\ntitle: [a, b]\nsource: S\nreviewed: 2026-01-02\n---\nText.\n", 2, "'title' must be one line of text"),
    # the staff's own suggested questions
    ("---\ntitle: T\nsource: S\nreviewed: 2026-01-02\nquestions: Is it safe?\n---\nText.\n", 2, "'questions' must be a list"),
    ("---\ntitle: T\nsource: S\nreviewed: 2026-01-02\nquestions: ['', 'Is it safe?']\n---\nText.\n", 2, "must be a list"),
    ("---\ntitle: T\nsource: S\nreviewed: 2026-01-02\nquestions: [Tell me about it]\n---\nText.\n", 2, "ending with '?'"),
    ("---\ntitle: T\nsource: S\nreviewed: 2026-01-02\nquestions: [" + ", ".join(f"Q{i}?" for i in range(6))
     + "]\n---\nText.\n", 2, "at most 5"),
    ("---\ntitle: T\nsource: S\nreviewed: 2026-01-02\nquestions: ['" + "why " * 40 + "?']\n---\nText.\n", 2,
     "characters long"),
    # size limits
    (f"---\ntitle: T\nsource: {'s' * (MAX_FIELD_CHARS + 1)}\nreviewed: 2026-01-02\n---\nText.\n", 3,
     f"a value is {MAX_FIELD_CHARS + 1} characters long; the limit is {MAX_FIELD_CHARS}"),
    (GOOD_HEAD + "Intro.\n\n## " + "h" * (MAX_HEADING_CHARS + 1) + "\n\nText.\n", 8,
     f"the heading is {MAX_HEADING_CHARS + 1} characters long; the limit is {MAX_HEADING_CHARS}"),
    (GOOD_HEAD + "Intro.\n\n## Long\n\n" + "word " * (MAX_SECTION_CHARS // 5) + "more.\n", 8,
     f"section 'Long' has {MAX_SECTION_CHARS + 5:,} characters of text; the limit is {MAX_SECTION_CHARS:,}"),
    (GOOD_HEAD + "".join(f"## S{i}\n\nText.\n\n" for i in range(MAX_SECTIONS + 1)), 6 + 4 * MAX_SECTIONS,
     f"more than {MAX_SECTIONS} sections"),
    (GOOD_HEAD + "Intro.\n\n" + "".join(f"## S{i}\n\nText.\n\n" for i in range(MAX_SECTIONS)), 8 + 4 * (MAX_SECTIONS - 1),
     f"more than {MAX_SECTIONS} sections"),
    (OVERSIZED, OVERSIZED[:MAX_ARTICLE_BYTES].count("\n") + 1, f"over the limit of {MAX_ARTICLE_BYTES:,} bytes"),
    # YAML that would blow up: anchors and aliases, and nesting deep enough to exhaust the stack
    ("---\ntitle: &t Neck\nsource: *t\nreviewed: 2026-01-02\n---\nText.\n", 2, "anchors and aliases"),
    ("---\ntitle: " + "[" * 20 + "]" * 20 + "\nsource: S\nreviewed: 2026-01-02\n---\nText.\n", 2, "nested more than 8 levels"),
    ("---\ntitle: " + "[" * 5000 + "]" * 5000 + "\nsource: S\nreviewed: 2026-01-02\n---\nText.\n", 2, "nest"),
]


@pytest.mark.parametrize("content, line, words", MALFORMED)
def test_malformed_files_are_refused_with_file_and_line(tmp_path, content, line, words):
    path = write_article(tmp_path, "bad.md", content)
    with pytest.raises(CorpusError) as err:
        parse_article(path)
    assert err.value.line == line
    assert str(err.value).startswith(f"{path}:{line}: ")
    assert words in str(err.value)


def alias_bomb(levels: int) -> str:
    """YAML text that names a list of ten strings, then a list of ten of those, ``levels`` deep."""
    nest = "&l0 [" + ", ".join(["xxxxxxxxxx"] * 10) + "]"
    for i in range(1, levels):
        nest = f"[{nest}, &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]]"
    return nest


def test_yaml_alias_bomb_refused(tmp_path):
    """A few hundred bytes of nested aliases in a title would expand to a million strings (a 14 MB title)."""
    path = write_article(tmp_path, "bomb.md", f"---\ntitle: {alias_bomb(6)}\nsource: S\nreviewed: 2026-01-02\n---\nText.\n")
    assert path.stat().st_size < 1000
    with pytest.raises(CorpusError) as err:
        parse_article(path)
    assert str(err.value).startswith(f"{path}:2: YAML anchors and aliases ('&name', '*name') are not allowed")


def test_every_limit_is_generous_enough_to_reach(tmp_path):
    """A file exactly at each limit is an article: the limits refuse only what is over them."""
    head = f"---\ntitle: {'t' * MAX_FIELD_CHARS}\nsource: S\nreviewed: 2026-01-02\n---\n"
    sections = [f"## {'h' * (MAX_HEADING_CHARS - 4)}{i:04d}\n\n{'w' * (MAX_SECTION_CHARS - 1)}.\n\n" for i in range(3)]
    sections += [f"## S{i}\n\nText.\n\n" for i in range(MAX_SECTIONS - 3)]
    text = head + "".join(sections)
    path = write_article(tmp_path, "big.md", text + " " * (MAX_ARTICLE_BYTES - len(text.encode())))
    assert path.stat().st_size == MAX_ARTICLE_BYTES
    article = parse_article(path)
    assert len(article.sections) == MAX_SECTIONS and len(article.title) == MAX_FIELD_CHARS
    assert len(article.sections[0].title) == MAX_HEADING_CHARS and len(article.sections[0].text) == MAX_SECTION_CHARS


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes((GOOD_HEAD + "Caf\xe9 au lait.\n").encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin1\.md:6: the file is not UTF-8"):
        parse_article(path)


def test_markdown_markup_is_removed_but_wording_kept(tmp_path):
    path = write_article(tmp_path, "neck.md", GOOD_HEAD + "Opening *words* with a [link](http://x).\n\n"
                         "## Treatment\n\n- Rest the **neck**.\n- Heat helps.\n\n### Detail\n\nMore `text`.\n")
    article = parse_article(path)
    assert [s.title for s in article.sections] == ["Introduction", "Treatment"]
    assert article.sections[0].text == "Opening words with a link."
    assert article.sections[1].text == "Rest the neck.\n\nHeat helps.\n\nDetail\n\nMore text."
    assert article.slug == "neck"


def test_article_without_opening_text_has_no_introduction(tmp_path):
    path = write_article(tmp_path, "a.md", GOOD_HEAD + "## Only\n\nText.\n")
    assert [s.title for s in parse_article(path).sections] == ["Only"]


def test_corpus_folder_errors(tmp_path):
    with pytest.raises(CorpusError, match="corpus folder not found"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "README.md").write_text("# How to add articles\n")
    with pytest.raises(CorpusError, match="no article files"):
        load_corpus(tmp_path)


def test_duplicate_slugs_across_files(tmp_path):
    write_article(tmp_path, "a.md", GOOD_HEAD.replace("title: Neck pain", "title: A\nslug: same") + "Text.\n")
    write_article(tmp_path, "b.md", GOOD_HEAD.replace("title: Neck pain", "title: B\nslug: same") + "Text.\n")
    with pytest.raises(CorpusError, match=r"b\.md:1: slug 'same' is already used by a\.md"):
        load_corpus(tmp_path)


def test_many_articles_and_readme_ignored(tmp_path):
    for i in range(3):
        write_article(tmp_path, f"art{i}.md", GOOD_HEAD.replace("Neck pain", f"Article {i}") + f"Text {i}.\n")
    (tmp_path / "README.md").write_text("Not an article.\n")
    corpus = load_corpus(tmp_path)
    assert [a.slug for a in corpus.articles] == ["art0", "art1", "art2"]
    assert len(corpus.sections) == 3


def test_digest_changes_with_content(tmp_path):
    path = write_article(tmp_path, "a.md", GOOD_HEAD + "Text.\n")
    first = load_corpus(tmp_path).digest
    path.write_text(GOOD_HEAD + "Other text.\n", encoding="utf-8")
    assert load_corpus(tmp_path).digest != first


def filled(first_word: str, unit: str, size: int = MAX_SECTION_CHARS) -> str:
    """``first_word`` and then ``unit`` repeated, ``size`` characters at most."""
    return first_word + " " + unit * ((size - len(first_word) - 1) // len(unit))


HOSTILE_SECTIONS = {  # what makes Punkt slow or a sentence huge, each section at the size limit
    "Glaucoma": filled("glaucoma", "word "),  # one line, no full stop
    "Cataract": filled("cataract", "Dr. "),  # abbreviations: no sentence ever ends
    "Asthma": filled("asthma", "1. 2. 3. "),  # a break at every other character
    "Eczema": filled("eczema", "wait... "),
    "Gout": filled("gout", "A. B. C. "),  # initials
    "Angina": filled("angina", "U.S. "),
}


def test_an_article_at_the_limits_answers_every_question_quickly(tmp_path, monkeypatch):
    """No question's work grows with an article beyond its sections' sentences: a 50 MB article made
    each answer take 5 s, then fail with a 500 on Punkt's time limit. Sentences are at most
    MAX_SENTENCE_CHARS long, so an answer is a few of them, however the text is written."""
    from qa_bot import answer as answering
    from qa_bot.analysis import MAX_SENTENCE_CHARS
    from qa_bot.answerability import Decision
    from qa_bot.config import Config
    from qa_bot.webapp import create_app

    # The encoder rightly finds these sections about nothing (30,000 characters of "word word"), so the
    # bot would not answer from them: it is made to, since what is tested is quoting them.
    monkeypatch.setattr(answering, "decide", lambda candidates, *args: Decision(True, tuple(candidates[:1]), "made to"))

    text = GOOD_HEAD + "".join(f"## {title}\n\n{body}\n\n" for title, body in HOSTILE_SECTIONS.items())
    assert len(text.encode()) <= MAX_ARTICLE_BYTES
    write_article(tmp_path / "corpus", "hostile.md", text)
    config = Config(corpus=tmp_path / "corpus", index_dir=tmp_path / "index", rate_limit="")
    client = create_app(config).test_client()
    for title in HOSTILE_SECTIONS:
        started = time.perf_counter()
        response = client.post("/api/ask", json={"question": f"tell me about {title.lower()}"})
        took = time.perf_counter() - started
        assert response.status_code == 200, (title, response.get_json())
        answer = response.get_json()
        assert answer["status"] == "answered" and answer["citations"][0]["section"] == title
        assert len(answer["answer"]) <= config.max_answer_sentences * (MAX_SENTENCE_CHARS + 1), title
        assert took < 10, f"{title}: {took:.1f} s"  # ~0.4 s at worst here: the bound only catches a blow-up


def test_an_articles_own_questions_come_first_among_the_suggestions(tmp_path):
    from qa_bot.answer import Bot
    from qa_bot.config import Config
    from qa_bot.index import CorpusIndex, open_index

    write_article(tmp_path / "c", "neck.md", "---\ntitle: Neck pain\nsource: Clinic\nreviewed: 2026-01-02\n"
                  "questions: ['Can a pillow  help my neck?']\n---\nIntro about neck pain.\n\n"
                  "## Pillows\n\nA firm pillow can help neck pain at night.\n")
    corpus = load_corpus(tmp_path / "c")
    assert corpus.articles[0].questions == ("Can a pillow help my neck?",)
    index = CorpusIndex.from_corpus(corpus)
    index.save(tmp_path / "index")
    loaded = open_index(tmp_path / "c", tmp_path / "index")
    assert loaded.articles[0].questions == ("Can a pillow help my neck?",)  # kept by the index
    bot = Bot(loaded, Config(corpus=tmp_path / "c"))
    assert bot.starters[0].text == "Can a pillow help my neck?" and bot.starters[0].url == "/articles/neck"
