"""qa-bot eval: every labelled-file form of ../shared/eval/README.md, judged by each item's own rule.

Most tests use a bot that answers from a table, so that they test the judging and not the engine
(whose answers others are improving); the shared files are run through the CLI without asserting
their figures.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from qa_bot.answer import Answer, Citation
from qa_bot.cli import main
from qa_bot.errors import UsageError
from qa_bot.evaluate import Case, check_sections, cut_message, evaluate, format_report, read_questions

from conftest import CORPUS, SHARED, shared_text

REALFAQ = SHARED / "eval" / "realfaq-dev.jsonl"
TRIAGE = SHARED / "eval" / "triage-dev.jsonl"
# Two articles sharing a heading, as in any multi-article corpus.
SECTIONS = [("Shingles", "Treatment"), ("Shingles", "Symptoms"), ("Eczema", "Treatment"), ("Eczema", "Causes")]


class TableBot:
    """Answers from a table: text -> (status, [(article, section), ...]); ranks what it cites.

    Refuses over-long text as the real bot does, and keeps what it was asked."""

    def __init__(self, answers, sections=SECTIONS, max_chars=1000):
        self.index = SimpleNamespace(sections=[SimpleNamespace(article_title=a, title=s) for a, s in sections])
        self.config = SimpleNamespace(max_question_chars=max_chars)
        self.answers = answers
        self.asked = []

    def ask(self, text, history=()):
        if len(text) > self.config.max_question_chars:
            raise UsageError(f"the question is {len(text)} characters long; the limit is {self.config.max_question_chars}")
        self.asked.append(text)
        status, cited = self.answers.get(text, ("no_answer", []))
        return Answer(text, status, "", tuple(Citation(a, s, "", "", 0.5) for a, s in cited), "d", "from the table")

    def rank(self, text, k):
        rows = {(s.article_title, s.title): i for i, s in enumerate(self.index.sections)}
        return [SimpleNamespace(row=rows[p]) for p in self.answers.get(text, ("", []))[1][:k]]


SHINGLES_TREATMENT = [["Shingles", "Treatment"]]


@pytest.mark.parametrize("expect,status,first,right", [
    ("answered", "answered", ("Shingles", "Treatment"), True),
    ("answered", "answered", ("Eczema", "Treatment"), False),  # the right heading of the wrong article
    ("answered", "no_answer", None, False),
    ("either", "no_answer", None, True),
    ("either", "answered", ("Shingles", "Treatment"), True),
    ("either", "answered", ("Shingles", "Symptoms"), False),
    ("either", "urgent", None, False),
    ("no_answer", "no_answer", None, True),
    ("no_answer", "answered", ("Shingles", "Treatment"), False),
    ("urgent", "urgent", None, True),
    ("urgent", "answered", ("Shingles", "Treatment"), False),
    ("smalltalk", "smalltalk", None, True),
    ("smalltalk", "no_answer", None, False),
    ("not_urgent", "answered", ("Shingles", "Treatment"), True),
    ("not_urgent", "smalltalk", None, True),
    ("not_urgent", "urgent", None, False),
])
def test_each_item_is_right_by_its_own_rule(expect, status, first, right):
    accept = (("Shingles", "Treatment"),) if expect in ("answered", "either") else ()
    assert Case("q", expect, accept, triage=expect == "not_urgent").right(status, first) is right


def test_an_accept_pair_needs_both_its_article_and_its_section():
    bot = TableBot({"shingles cure": ("answered", [("Shingles", "Treatment")]),
                    "eczema cure": ("answered", [("Eczema", "Treatment")])})
    report = evaluate(bot, [{"question": q, "expect": "answered", "accept": SHINGLES_TREATMENT}
                            for q in ("shingles cure", "eczema cure")])
    assert report["top1"] == 0.5 and report["overall"] == 0.5
    [miss] = report["misses"]
    assert miss["question"] == "eczema cure" and miss["cited"] == [["Eczema", "Treatment"]]
    assert "expected answered ['Shingles / Treatment']" in format_report(report)
    assert "got      answered ['Eczema / Treatment']" in format_report(report)


def test_overall_counts_every_item_by_its_own_rule():
    bot = TableBot({"right section": ("answered", [("Shingles", "Treatment")]),
                    "wrong section": ("answered", [("Eczema", "Causes")]),
                    "either answered": ("answered", [("Shingles", "Symptoms")]),
                    "chest pain now": ("urgent", []),
                    "hello": ("smalltalk", []),
                    "off topic flagged": ("urgent", [])})
    cases = [
        {"question": "right section", "expect": "answered", "accept": SHINGLES_TREATMENT},  # right
        {"question": "wrong section", "expect": "answered", "accept": SHINGLES_TREATMENT},  # miss
        {"question": "either answered", "expect": "either", "accept": [["Shingles", "Symptoms"]]},  # right
        {"question": "either refused", "expect": "either", "accept": [["Shingles", "Symptoms"]]},  # right
        {"question": "off topic", "expect": "no_answer"},  # right
        {"question": "off topic flagged", "expect": "no_answer"},  # miss, and a false urgent
        {"question": "chest pain now", "expect": "urgent"},  # right
        {"question": "hello", "expect": "smalltalk"},  # right
    ]
    report = evaluate(bot, cases)
    assert report["overall"] == 0.75  # 6 of 8
    assert (report["top1"], report["either_right"], report["out_of_scope_rejected"]) == (0.5, 1.0, 0.5)
    assert (report["urgent_recall"], report["smalltalk_accuracy"], report["false_urgent"]) == (1.0, 1.0, 1)
    assert report["counts"] == {"answered": 2, "no_answer": 2, "either": 2, "urgent": 1, "smalltalk": 1}
    assert [m["question"] for m in report["misses"]] == ["wrong section", "off topic flagged"]
    text = format_report(report)
    assert "overall (each item right by its own rule):  75.0%" in text
    assert "either (no answer or acceptable section):   100.0%" in text


def test_triage_messages_report_recall_false_alarms_and_misses_by_kind():
    bot = TableBot({"face drooping now": ("urgent", []), "stroke signs?": ("urgent", []),
                    "bee sting, whistling breath": ("answered", [("Eczema", "Causes")])})
    lines = [
        {"message": "face drooping now", "expect": "urgent", "kind": "stroke"},
        {"message": "arm can't lift, words jumbled", "expect": "urgent", "kind": "stroke"},
        {"message": "bee sting, whistling breath", "expect": "urgent", "kind": "anaphylaxis"},
        {"message": "I'm fine now", "expect": "urgent"},
        {"message": "stroke signs?", "expect": "not_urgent", "kind": "trap-info-question"},
        {"message": "seizure two years ago, can I drive", "expect": "not_urgent", "kind": "trap-past-event"},
    ]
    report = evaluate(bot, lines)
    assert report["messages"] == 6 and report["counts"] == {"urgent": 4, "not_urgent": 2}
    assert report["urgent_recall"] == 0.25 and report["overall"] == round(2 / 6, 4)
    assert (report["false_alarms"], report["false_alarm_rate"]) == (1, 0.5)
    assert report["misses_by_kind"] == {"stroke": {"missed": 1, "of": 2}, "": {"missed": 1, "of": 1},
                                        "anaphylaxis": {"missed": 1, "of": 1},
                                        "trap-info-question": {"missed": 1, "of": 1}}
    assert "top1" not in report and "false_urgent" not in report
    text = format_report(report)
    assert "false alarms:                               1 of 2 (50.0%)" in text
    assert "stroke                          1 of 2 missed" in text and "(no kind)" in text
    assert "- 'stroke signs?' [trap-info-question]\n    expected not_urgent\n    got      urgent" in text
    assert "expected urgent\n    got      answered ['Eczema / Causes']" in text


@pytest.mark.parametrize("text,most,cut", [
    ("short message", 1000, "short message"),
    ("a  b\n\tc", 1000, "a b c"),  # squeezed as the bot squeezes it
    ("aaaa bbbb cccc", 9, "aaaa bbbb"),  # the space right after the limit still ends a whole word
    ("aaaa bbbb cccc", 10, "aaaa bbbb"),
    ("aaaa bbbb cccc", 8, "aaaa"),
    ("abcdefghij", 4, "abcd"),  # no space to cut at
])
def test_cut_message_ends_at_the_last_space_within_the_limit(text, most, cut):
    assert cut_message(text, most) == cut


def test_a_long_triage_message_is_cut_at_the_configured_limit():
    long = " ".join(f"word{i}" for i in range(300))  # 2,189 characters
    bot = TableBot({}, max_chars=1000)
    report = evaluate(bot, [{"message": long, "expect": "not_urgent"}])
    [asked] = bot.asked
    assert len(asked) <= 1000 and long.startswith(asked) and long[len(asked)] == " "
    assert report["overall"] == 1.0 and report["misses"] == []
    short = TableBot({}, max_chars=50)
    evaluate(short, [{"message": long, "expect": "not_urgent"}])
    assert short.asked == [cut_message(long, 50)]


def test_the_real_bot_takes_a_message_of_over_a_thousand_characters(bot):
    long = "I have a question about my appointment next week and the parking. " * 30
    report = evaluate(bot, [{"message": long, "expect": "not_urgent"}])
    assert report["messages"] == 1 and report["false_alarms"] == 0


def test_an_over_long_question_is_a_one_line_error_naming_it():
    with pytest.raises(UsageError, match=r"^'x+…': the question is 1200 characters long"):
        evaluate(TableBot({}), [{"question": "x" * 1200, "expect": "no_answer"}])


GOOD = '{"question": "hi", "expect": "smalltalk"}'
GOOD_TRIAGE = '{"message": "hi", "expect": "not_urgent"}'


@pytest.mark.parametrize("first,line,message", [
    (GOOD, '{"question": "q", "expect": "maybe"}', '"expect" must be one of answered, .* \\(got "maybe"\\)'),
    (GOOD, '{"question": "q", "expect": "not_urgent"}', '"expect" must be one of .* for a question'),
    (GOOD_TRIAGE, '{"message": "m", "expect": "answered"}', '"expect" must be one of urgent, not_urgent'),
    (GOOD_TRIAGE, '{"expect": "urgent", "kind": "stroke"}', 'needs a "question" string \\(or.* "message"\\)'),
    (GOOD_TRIAGE, '{"message": "  ", "expect": "urgent"}', 'the "message" is empty'),
    (GOOD_TRIAGE, '{"message": "m", "expect": "urgent", "kind": 3}', '"kind" must be a string'),
    (GOOD, '{"question": "q", "message": "m", "expect": "urgent"}', "not both"),
    (GOOD, '{"question": "q", "expect": "answered", "accept": ["Shingles", "Treatment"]}',
     '"accept" must be a list of \\["Article title", "Section heading"\\] pairs'),
    (GOOD, '{"question": "q", "expect": "answered", "accept": [["Shingles"]]}', '"accept" must be a list of'),
    (GOOD, '{"question": "q", "expect": "answered", "accept": [["Shingles", 2]]}', '"accept" must be a list of'),
    (GOOD, '{"question": "q", "expect": "answered", "accept": "Shingles"}', '"accept" must be a list of'),
    (GOOD, '{"question": "q", "expect": "either"}', 'an either case needs "sections" .* or "accept"'),
    (GOOD, '{"question": "q", "expect": "answered", "sections": "Treatment"}', '"sections" must be a list'),
    (GOOD, '{"question": "q", "expect": "answered", "sections": ["T"], "accept": [["A", "T"]]}', "not both"),
    (GOOD, '{"question": "q", "expect": "no_answer", "sections": ["T"]}', "only for answered and either"),
    (GOOD, '{"message": "m", "expect": "urgent"}', "a triage message in a file of questions"),
    (GOOD_TRIAGE, '{"question": "q", "expect": "urgent"}', "a question in a file of triage messages"),
    (GOOD, "[1, 2]", "each line must be a JSON object"),
])
def test_a_bad_line_is_a_one_line_error_with_file_and_line(tmp_path, first, line, message):
    path = tmp_path / "q.jsonl"
    path.write_text(first + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match=f"^{re.escape(str(path))}:3: .*{message}") as err:
        read_questions(path)
    assert "\n" not in str(err.value)


def test_evaluate_checks_objects_given_directly_too():
    with pytest.raises(UsageError, match='^case 2: "accept" must be a list'):
        evaluate(TableBot({}), [{"question": "q", "expect": "no_answer"},
                                {"question": "q", "expect": "answered", "accept": [["Shingles"]]}])


def _case(accept, text="q"):
    return Case(text, "answered", tuple(accept))


@pytest.mark.parametrize("accept,message", [
    ([("Shingle", "Treatment")], "unknown article 'Shingle'; the corpus has: 'Eczema', 'Shingles' \\(in 'q'\\)$"),
    ([("Shingles", "Causes")],
     "article 'Shingles' has no section 'Causes'; it has: 'Symptoms', 'Treatment' \\(in 'q'\\)$"),
    ([(None, "Treatment")], "'Treatment' is a section of 2 articles: name the article with \"accept\""),
    ([(None, "Outlook")], "unknown section title 'Outlook'; the corpus has: 'Causes', 'Symptoms', 'Treatment'"),
])
def test_check_sections_refuses_what_the_corpus_lacks(accept, message):
    with pytest.raises(UsageError, match=message):
        check_sections(TableBot({}), [_case(accept)])


def test_check_sections_names_the_article_of_a_plain_heading():
    [case] = check_sections(TableBot({}), [_case([(None, "Symptoms"), ("Eczema", "Treatment")])])
    assert case.accept == (("Shingles", "Symptoms"), ("Eczema", "Treatment"))


def test_check_sections_shows_only_the_closest_titles_of_a_large_corpus():
    sections = [(f"Article {n:02}", "Overview") for n in range(40)] + [("Glaucoma", "Overview")]
    with pytest.raises(UsageError) as err:
        check_sections(TableBot({}, sections), [_case([("Glaucomma", "Overview")])])
    message = str(err.value)
    assert message.startswith("unknown article 'Glaucomma'; the corpus has 41, the closest: 'Glaucoma', ")
    assert message.count("'Article") == 4  # five closest in all, not 41


def test_check_sections_counts_the_problems_it_does_not_show():
    cases = [_case([("Nowhere", "Overview")], f"q{n}") for n in range(2)] + \
            [_case([(f"Missing {n}", "Overview")]) for n in range(4)]
    with pytest.raises(UsageError) as err:
        check_sections(TableBot({}), cases)
    message = str(err.value)
    assert message.count("unknown article") == 3 and message.endswith("; and 2 more")
    assert "(in 'q0')" in message and "'q1'" not in message  # one problem, named once


def _eval(tmp_path, path, *extra):
    return main(["--corpus", str(CORPUS), "--index-dir", str(tmp_path / "ix"), "eval", str(path), *extra])


def test_eval_command_reads_the_shared_real_questions(tmp_path, capsys):
    lines = [line for line in shared_text(REALFAQ).splitlines() if line.strip()]
    assert _eval(tmp_path, REALFAQ, "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["questions"] == len(lines) and report["counts"]["either"] > 0
    assert 0 <= report["overall"] <= 1 and 0 <= report["either_right"] <= 1
    for miss in report["misses"]:
        assert {"question", "expect", "accept", "status", "cited", "reason"} <= set(miss)


def test_eval_command_reads_the_shared_triage_messages(tmp_path, capsys):
    lines = [line for line in shared_text(TRIAGE).splitlines() if line.strip()]
    assert _eval(tmp_path, TRIAGE) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"messages: {len(lines)} (")
    for label in ("overall", "urgent recall", "false alarms"):
        assert f"\n{label}" in out


def test_eval_command_gives_a_bad_file_one_line_and_exit_code_2(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"message": "help", "expect": "emergency"}\n', encoding="utf-8")
    assert _eval(tmp_path, path) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"qa-bot: {path}:1: \"expect\" must be one of urgent, not_urgent") and err.count("\n") == 1
