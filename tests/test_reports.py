"""Reports on a small synthetic data set, on SQLite and on a real PostgreSQL server (see pg.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from conftest import CORPUS
from pg import database, postgres  # noqa: F401  (fixtures)
from qa_bot.corpus import load_corpus
from qa_bot.reports import format_csv, format_json, format_text, group_questions, report, stale_articles

# Recent, so that the store's own purge (by the clock, 90 days) leaves the data alone.
NOW = datetime.now(timezone.utc).replace(microsecond=0)
S1, S2 = ("Botox for Pain", "How Botox Works"), ("Botox for Pain", "Side Effects")
ARTICLES = [SimpleNamespace(title="Old Article", reviewed=(NOW.date() - timedelta(days=400)).isoformat()),
            SimpleNamespace(title="A Year Ago", reviewed=NOW.date() - timedelta(days=365)),
            SimpleNamespace(title="Fresh Article", reviewed=(NOW.date() - timedelta(days=10)).isoformat()),
            SimpleNamespace(title="A JSONL record", reviewed="")]


def day(days_ago: int) -> str:
    return (NOW - timedelta(days=days_ago)).date().isoformat()


def fill(store):
    """Nine answers in the last 30 days (and one before), with verdicts on four of them."""
    def answer(days_ago, status, reason, cited=(), question=None):
        return store.record(status, reason, "v1", cited, 0.3, question=question, at=NOW - timedelta(days=days_ago, hours=1))

    a1 = answer(2, "answered", "answered", [S1])
    a2 = answer(2, "answered", "answered", [S1, S2])
    a3 = answer(2, "answered", "answered", [S1])
    answer(2, "no_answer", "not_covered:cost", question="how much does botox cost")
    answer(2, "urgent", "urgent:stroke", question="my face is drooping")
    answer(1, "no_answer", "not_covered:cost", question="How much does Botox cost?")
    answer(1, "no_answer", "not_covered:cost", question="what does botox cost")
    answer(1, "no_answer", "low_confidence", question="can botox help with neck pain")
    answer(1, "smalltalk", "smalltalk")
    old = answer(40, "no_answer", "not_covered:insurance", [S2], question="is botox covered by insurance")
    store.feedback(a1, helpful=False, reason="wrong_topic")
    store.feedback(a2, helpful=False, reason="out_of_date")
    store.feedback(a3, helpful=True)
    store.feedback(old, helpful=False, reason="not_answered")  # before the period: not counted
    assert store.flush()


@pytest.fixture
def filled(database):
    store = database.open(log_questions=True)
    fill(store)
    yield store
    store.close()


def test_the_report_counts_the_period_by_day_reason_and_section(filled):
    result = report(filled, timedelta(days=30), articles=ARTICLES, now=NOW)
    assert result.answers == 9
    assert len(result.by_day) == 31 and result.by_day[-1].day == day(0)
    days = {d.day: d.counts for d in result.by_day}
    assert days[day(2)] == {"answered": 3, "no_answer": 1, "urgent": 1, "smalltalk": 0}
    assert days[day(1)] == {"answered": 0, "no_answer": 3, "urgent": 0, "smalltalk": 1}
    assert days[day(5)] == {"answered": 0, "no_answer": 0, "urgent": 0, "smalltalk": 0}
    assert [(r.reason, r.count) for r in result.unanswered_reasons] == [("not_covered:cost", 3), ("low_confidence", 1)]
    assert [(s.article, s.section, s.not_helpful, s.helpful, s.reasons) for s in result.unhelpful_sections] == [
        (*S1, 2, 1, {"out_of_date": 1, "wrong_topic": 1}),
        (*S2, 1, 0, {"out_of_date": 1}),
    ]
    assert [(a.title, a.days) for a in result.stale_articles] == [("Old Article", 400)]
    assert (result.helpful, result.not_helpful) == (1, 2)  # the verdict on the old answer is out of the period


def test_unanswered_questions_are_grouped_by_similarity(filled):
    groups = report(filled, timedelta(days=30), now=NOW).unanswered_questions
    # Each wording was asked once: the group is named by the first in alphabetical order.
    assert [(g.question, g.count) for g in groups] == [("How much does Botox cost?", 3), ("can botox help with neck pain", 1)]
    assert groups[0].variants == ("how much does botox cost", "what does botox cost")


def test_a_longer_period_reaches_older_answers(filled):
    result = report(filled, timedelta(days=60), now=NOW)
    assert result.answers == 10
    assert ("not_covered:insurance", 1) in [(r.reason, r.count) for r in result.unanswered_reasons]
    assert (*S2, 2, 0) in [(s.article, s.section, s.not_helpful, s.helpful) for s in result.unhelpful_sections]


def test_without_log_questions_the_report_has_no_questions(database):
    store = database.open()
    fill(store)
    result = report(store, now=NOW)
    store.close()
    assert result.unanswered_questions is None
    assert "questions are not stored: log_questions is off" in format_text(result)
    assert "botox cost" not in format_json(result) + format_csv(result)


def test_an_empty_store_gives_an_empty_report(database):
    store = database.open()
    result = report(store, timedelta(days=7), now=NOW)
    store.close()
    assert result.answers == 0 and len(result.by_day) == 8
    assert result.unanswered_reasons == result.unhelpful_sections == result.stale_articles == ()
    assert format_text(result).count("(none)") == 3


@pytest.mark.parametrize("questions, expected", [
    (["what does botox cost", "How much does Botox cost?", "how much does botox cost", "how much does botox cost"],
     [("how much does botox cost", 4)]),
    (["is botox covered by insurance", "does insurance cover botox"], [("does insurance cover botox", 2)]),
    (["can botox help with back pain", "can botox help with neck pain"],  # one word apart, two topics
     [("can botox help with back pain", 1), ("can botox help with neck pain", 1)]),
    (["how mcuh does botox cost", "how much does botox cost"], [("how mcuh does botox cost", 2)]),  # a typo
    (["hi", "hello", "hi"], [("hi", 2), ("hello", 1)]),  # no content words: grouped by the wording itself
    ([], []),
])
def test_group_questions(questions, expected):
    assert [(g.question, g.count) for g in group_questions(questions)] == expected


def test_group_questions_keeps_the_largest_groups():
    topics = ["parking", "insurance", "pregnancy", "acupuncture", "vaccination"]
    questions = [f"what about {topic}?" for n, topic in enumerate(topics) for _ in range(n + 1)]
    groups = group_questions(questions, top=3)
    assert [(g.question, g.count) for g in groups] == [("what about vaccination?", 5), ("what about acupuncture?", 4),
                                                       ("what about pregnancy?", 3)]


def test_the_bundled_articles_were_reviewed_recently():
    articles = load_corpus(CORPUS).articles
    assert stale_articles(articles, NOW.date()) == ()
    assert [a.title for a in stale_articles(articles, NOW.date() + timedelta(days=800))] == [a.title for a in articles]


def test_json_gives_the_report_as_data(filled):
    result = report(filled, timedelta(days=30), articles=ARTICLES, now=NOW)
    data = json.loads(format_json(result))
    assert data == json.loads(json.dumps(result.to_dict()))
    assert data["unanswered_reasons"][0] == {"reason": "not_covered:cost", "count": 3}
    assert data["since"] == (NOW - timedelta(days=30)).replace(tzinfo=None).isoformat() + "Z"


def test_text_lists_each_part_for_people(filled):
    text = format_text(report(filled, timedelta(days=30), articles=ARTICLES, now=NOW))
    assert f"  {day(2)}           3          1          1          0" in text
    assert "       3  not_covered:cost" in text
    assert "       2  Botox for Pain > How Botox Works (helpful 1; out_of_date 1, wrong_topic 1)" in text
    assert f"  {(NOW.date() - timedelta(days=400)).isoformat()}  Old Article (400 days)" in text
    assert "       3  How much does Botox cost? (also: how much does botox cost | what does botox cost)" in text


def test_csv_is_one_table_with_every_number(filled):
    table = list(csv.DictReader(io.StringIO(format_csv(report(filled, timedelta(days=30), articles=ARTICLES, now=NOW)))))
    assert {"table": "by_day", "key": day(1), "detail": "no_answer", "count": "3"} in table
    assert {"table": "unanswered_reason", "key": "not_covered:cost", "detail": "", "count": "3"} in table
    assert {"table": "not_helpful_reason", "key": "Botox for Pain > How Botox Works", "detail": "wrong_topic",
            "count": "1"} in table
    assert {"table": "stale_article", "key": "Old Article", "detail": day(400), "count": "400"} in table
    assert sum(r["table"] == "by_day" for r in table) == 31 * 4


def test_csv_cells_that_look_like_formulas_stay_text(database):
    store = database.open(log_questions=True)
    store.record("no_answer", "low_confidence", "v1", question="=SUM(1,2) what does this mean", at=NOW)
    assert store.flush()
    text = format_csv(report(store, now=NOW + timedelta(seconds=1)))
    store.close()
    row = [r for r in csv.DictReader(io.StringIO(text)) if r["table"] == "unanswered_question"]
    assert [r["key"] for r in row] == ["'=SUM(1,2) what does this mean"]


# -- the commands: qa-bot report, purge, db upgrade ---------------------------------------------------


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    from qa_bot import cli

    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_purge_and_db_upgrade_commands(database, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("QA_BOT_DATA_DIR", str(database.data_dir))
    monkeypatch.setenv("QA_BOT_DATABASE_URL", database.url)
    store = database.open()
    fill(store)
    store.close()
    base = ("--corpus", str(CORPUS), "--index-dir", str(tmp_path / "index"))
    code, out, _ = run_cli(capsys, *base, "report", "--json")
    data = json.loads(out)
    assert code == 0 and data["answers"] == 9 and data["not_helpful"] == 2 and data["unanswered_questions"] is None
    code, out, _ = run_cli(capsys, *base, "report", "--since", "3d", "--csv")
    assert code == 0 and out.startswith("table,key,detail,count\n") and "feedback,not_helpful,,2" in out
    code, out, _ = run_cli(capsys, *base, "report")
    assert code == 0 and "Why questions went unanswered:" in out and "not_covered:cost" in out
    code, _, err = run_cli(capsys, *base, "report", "--since", "soon")
    assert code == 2 and err.count("\n") == 1 and "like 30d" in err
    monkeypatch.setenv("QA_BOT_RETENTION_DAYS", "3")
    code, out, _ = run_cli(capsys, *base, "purge")
    assert code == 0 and out == "purged 1 answer(s) older than 3 days\n"  # the one 40 days old
    code, out, _ = run_cli(capsys, *base, "db", "upgrade")
    assert code == 0 and "schema version 2" in out
