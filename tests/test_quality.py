"""Answer quality on labelled questions, and the promises every answer keeps.

The shared dev set (``../shared/eval/dev.jsonl``) and our own differently worded set
(``tests/questions/own.jsonl``) must both reach the issue's targets at once. A third set
(``tests/questions/paraphrase.jsonl``), written without looking at either, stands in for the held-out
questions other people will write: patients' wording, typos, British and American English. A fourth
(``tests/questions/patients.jsonl``), also written blind, is typed as particular patients would: an
elderly patient rambling, a teenager in slang, a non-native speaker, a carer, the anxious and the terse.

Beyond the bundled article: real questions copied from public FAQ pages and forums
(``../shared/eval/realfaq-dev.jsonl``), and three corpora of 12 NIH articles each
(``tests/corpora/eyes-skin``, ``tests/corpora/diabetes-heart``, ``tests/corpora/kidney-gut``) with
question sets written blind (the third was held out until session 5).
Their floors are what the bot reached when they were set, a little lower, never the goal itself
(the issue's goals are in the README beside the figures).
"""

from __future__ import annotations

import json
import statistics
import time

import pytest

from qa_bot.analysis import sentences
from qa_bot.cli import main
from qa_bot.errors import UsageError
from qa_bot.evaluate import evaluate, format_report, read_questions
from qa_bot.triage import triage

from conftest import CORPUS, DEV_SET, PROJECT_ROOT, SHARED
from qa_bot.answer import Bot, question_parts
from qa_bot.config import Config
from qa_bot.index import open_index

OWN_SET = PROJECT_ROOT / "tests" / "questions" / "own.jsonl"
PARAPHRASE_SET = PROJECT_ROOT / "tests" / "questions" / "paraphrase.jsonl"
PATIENTS_SET = PROJECT_ROOT / "tests" / "questions" / "patients.jsonl"

TARGETS = {"top1": 0.90, "recall_at_3": 0.97, "out_of_scope_rejected": 0.90, "urgent_recall": 1.0,
           "smalltalk_accuracy": 1.0}


@pytest.fixture(scope="module")
def own_cases():
    return read_questions(OWN_SET)


def _check_targets(report, targets=TARGETS):
    below = {k: report[k] for k, floor in targets.items() if report[k] < floor}
    assert not below, f"below target: {below}\n{format_report(report)}"
    assert report["false_urgent"] == 0, format_report(report)


def test_dev_set_meets_the_targets(bot, dev_cases):
    _check_targets(evaluate(bot, dev_cases))


def test_own_set_meets_the_targets(bot, own_cases):
    _check_targets(evaluate(bot, own_cases))


PARAPHRASE_TARGETS = {"top1": 0.90, "recall_at_3": 0.95, "out_of_scope_rejected": 0.90, "urgent_recall": 1.0,
                      "smalltalk_accuracy": 1.0}
PATIENTS_TARGETS = {"top1": 0.95, "recall_at_3": 0.98, "out_of_scope_rejected": 1.0, "urgent_recall": 1.0,
                    "smalltalk_accuracy": 1.0}
# (file, its targets, at least this many questions, at least this many of each kind, at least this many urgent)
WRITTEN_SETS = [(PARAPHRASE_SET, PARAPHRASE_TARGETS, 150, 12, 12), (PATIENTS_SET, PATIENTS_TARGETS, 120, 10, 20)]


@pytest.mark.parametrize("path,targets", [(p, t) for p, t, *_ in WRITTEN_SETS], ids=lambda v: getattr(v, "name", ""))
def test_written_set_meets_its_targets(bot, path, targets):
    _check_targets(evaluate(bot, read_questions(path)), targets)


# (corpus folder, question file, floors): measured, then set a little lower.
OTHER_SETS = [
    (CORPUS, SHARED / "eval" / "realfaq-dev.jsonl", {"overall": 0.90, "out_of_scope_rejected": 0.95}),
    (PROJECT_ROOT / "tests" / "corpora" / "eyes-skin", PROJECT_ROOT / "tests" / "questions" / "eyes-skin.jsonl",
     {"overall": 0.92, "top1": 0.90, "out_of_scope_rejected": 0.90, "urgent_recall": 1.0, "smalltalk_accuracy": 1.0}),
    (PROJECT_ROOT / "tests" / "corpora" / "diabetes-heart", PROJECT_ROOT / "tests" / "questions" / "diabetes-heart.jsonl",
     {"overall": 0.86, "top1": 0.80, "out_of_scope_rejected": 0.93, "urgent_recall": 1.0, "smalltalk_accuracy": 1.0}),
    # written blind; held out until session 5, a dev set since (bones-lungs alone is held out)
    (PROJECT_ROOT / "tests" / "corpora" / "kidney-gut", PROJECT_ROOT / "tests" / "questions" / "kidney-gut.jsonl",
     {"overall": 0.87, "top1": 0.85, "out_of_scope_rejected": 0.81, "urgent_recall": 1.0, "smalltalk_accuracy": 1.0}),
]
# Their indexes are kept between runs (git-ignored), since encoding 100-odd sections takes half a
# minute; open_index rebuilds one whenever its corpus, the packages or the encoder change.
KEPT_INDEXES = PROJECT_ROOT / ".qa-bot" / "test-indexes"


@pytest.mark.parametrize("corpus,path,floors", OTHER_SETS, ids=lambda v: getattr(v, "name", ""))
def test_other_corpora_and_real_questions_stay_above_their_floors(corpus, path, floors):
    config = Config(corpus=corpus, index_dir=KEPT_INDEXES / corpus.name)
    report = evaluate(Bot(open_index(corpus, config.index_dir), config), read_questions(path))
    _check_targets(report, floors)


@pytest.mark.parametrize("path,size,each,urgent", [(p, *rest) for p, _, *rest in WRITTEN_SETS],
                         ids=lambda v: getattr(v, "name", ""))
def test_written_set_is_big_and_varied(path, size, each, urgent):
    cases = read_questions(path)
    kinds = {k: sum(c["expect"] == k for c in cases) for k in ("answered", "no_answer", "urgent", "smalltalk")}
    assert len(cases) >= size and min(kinds.values()) >= each and kinds["urgent"] >= urgent, kinds
    titles = {s for c in cases for s in c.get("sections", [])}
    assert len(titles) == 10, titles  # every section of the article is asked about


def test_words_that_say_nothing_do_not_steer_the_search(bot):
    # "work" is an ignore word: "would botox work for X" is about X, not about "How Does Botox Work?"
    assert "work" not in bot.reader.read("painful cramps, would botox work").terms
    assert bot.ask("painful cramps, would botox work").citations[0].section == "Managing Muscle Spasms"
    # ...but a phrase that asks how it works still finds that section
    assert bot.ask("how does it work").citations[0].section == "How Does Botox Work?"


# The engine issue's multi-article question sets (their corpora are in tests/corpora/): triage runs
# before retrieval and never sees the corpus, so its verdicts alone decide "urgent" there too.
@pytest.mark.parametrize("name", ["diabetes-heart", "eyes-skin"])
def test_a_multi_article_set_keeps_every_emergency_and_raises_no_false_alarm(name):
    # "what exactly is a heart attack", "signs of a hypo during the night?" are questions for the
    # articles; "sudden loss of vision in one eye right now" is an emergency
    cases = read_questions(PROJECT_ROOT / "tests" / "questions" / f"{name}.jsonl")
    flagged = {c["question"]: triage(c["question"]).kind in ("emergency", "crisis") for c in cases}
    wrong = [c["question"] for c in cases if flagged[c["question"]] != (c["expect"] == "urgent")]
    assert sum(c["expect"] == "urgent" for c in cases) >= 10 and not wrong, wrong


def test_own_set_is_big_and_varied(own_cases):
    kinds = {k: sum(c["expect"] == k for c in own_cases) for k in ("answered", "no_answer", "urgent", "smalltalk")}
    assert len(own_cases) >= 80 and min(kinds.values()) >= 8, kinds


# -- promises every answer keeps ---------------------------------------------------------------


SEVERAL_QUESTIONS = [
    "How do botulinum toxin injections work? Side effects? How much do they cost? Etc.",
    "Can botox help my migraines? And what about my lower back pain?",
    "what is botox? how many units do I need?",
]


def _all_questions(dev_cases):
    return [c["question"] for c in dev_cases] + [c["question"] for c in read_questions(OWN_SET)] + SEVERAL_QUESTIONS


def test_citations_are_verbatim_and_answers_whole_sentences(bot, dev_cases):
    by_title = {(s.article_title, s.title): s for s in bot.index.sections}
    for q in _all_questions(dev_cases):
        a = bot.ask(q)
        # one disclaimer on every response: the urgent one on urgent replies
        assert a.disclaimer == (bot.config.urgent_disclaimer if a.status == "urgent" else bot.config.disclaimer)
        if a.status != "answered":
            assert a.citations == ()
            continue
        cited = [by_title[(c.article, c.section)] for c in a.citations]
        for c, section in zip(a.citations, cited):
            assert c.passage in section.text, q
            assert c.url == section.url
        whole = [s for section in cited for s in sentences(section.text)]
        rest = a.answer
        # the answer is the cited passages' sentences, in order, joined by single spaces
        for c in a.citations:
            for s in sentences(c.passage):
                assert s in whole, (q, s)
                assert rest.startswith(s), (q, rest[:80], s)
                rest = rest[len(s):].lstrip(" ")
        assert rest == "", q


def test_answer_matches_the_json_contract(bot):
    d = bot.ask("can shots help my migranes?").to_dict()
    assert set(d) == {"id", "question", "status", "answer", "citations", "suggestions", "assumed_topic", "disclaimer"}
    assert d["status"] == "answered"
    assert set(d["citations"][0]) == {"article", "section", "url", "passage", "score"}
    json.dumps(d)


def test_coverage_adds_up_over_two_sections(bot):
    # "mechanism" is in how Botox works, "spasticity" in managing muscle spasms: neither holds all
    # of the question, the two together do (the decision on that: test_answerability.py)
    question = "the mechanism of botulinum toxin in spasticity"
    reading = bot.reader.read(question)
    rows = {s.title: i for i, s in enumerate(bot.index.sections)}
    how, spasms = rows["How Does Botox Work?"], rows["Managing Muscle Spasms"]
    assert bot.coverage(reading, how) < 1 and bot.coverage(reading, spasms) < 1
    assert bot.coverage(reading, how, spasms) == 1.0
    # The mechanism's passage has evidence enough alone, and the spasms section (few of the
    # question's words: lexical 0.08) not enough to be cited beside it
    a = bot.ask(question)
    assert a.status == "answered" and [c.section for c in a.citations] == ["How Does Botox Work?"]


@pytest.mark.parametrize("message,parts", [
    ("what is botox", ["what is botox"]),
    ("what is botox?", ["what is botox?"]),
    ("What is it? Does it hurt?", ["What is it?", "Does it hurt?"]),
    ("Side effects? Cost?? Thanks", ["Side effects?", "Cost?", "Thanks"]),
    ("why?? why??", ["why?", "why?"]),
])
def test_a_message_is_cut_into_its_questions(message, parts):
    assert question_parts(message) == parts


def test_a_message_of_several_questions_answers_the_covered_ones_and_names_the_rest(bot):
    a = bot.ask("Can botox help my migraines? How much does it cost?")
    assert a.status == "answered"
    assert [c.section for c in a.citations] == ["Botox in Chronic Migraine Treatment"]
    assert "1 of 2 questions answered" in a.reason and "'How much does it cost?' (not covered: cost" in a.reason


def test_each_question_of_a_message_gets_its_own_section(bot):
    a = bot.ask("Can botox help my migraines? And what about my lower back pain?")
    assert {c.section for c in a.citations} == {"Botox in Chronic Migraine Treatment", "Lower Back Pain and Botox"}
    assert [c.score for c in a.citations] == sorted((c.score for c in a.citations), reverse=True)


def test_a_message_none_of_whose_questions_is_covered_is_no_answer(bot):
    a = bot.ask("How much does botox cost? Is it covered by insurance?")
    assert a.status == "no_answer" and a.citations == ()


def test_one_clear_section_is_cited_alone(bot):
    a = bot.ask("tight shoulders and stiff neck")
    assert [c.section for c in a.citations] == ["Upper Back and Neck Pain"]


@pytest.mark.parametrize("question,subject", [
    ("what does botox cost", "cost and payment"),
    ("is botox covered by my insurance", "insurance"),
    ("what are the risks of botox", "side effects and risks"),
])
def test_not_covered_reply_names_the_topic_and_what_is_covered(bot, question, subject):
    a = bot.ask(question)
    assert a.status == "no_answer" and a.citations == ()
    assert subject in a.answer
    # what the articles do cover is offered as suggestions
    assert a.suggestions and all(s.url.startswith("/articles/botox-chronic-pain#") for s in a.suggestions)
    assert bot.config.contact_message in a.answer


@pytest.mark.parametrize("question", ["how many units do I need for my neck", "do I have neuropathy?"])
def test_doses_and_diagnoses_are_referred_to_a_clinician(bot, question):
    a = bot.ask(question)
    assert a.status == "no_answer" and a.citations == ()
    assert "clinician" in a.answer and bot.config.contact_message in a.answer


def test_unknown_topic_gets_no_answer_even_with_botox_in_it(bot):
    a = bot.ask("botox for teeth grinding")
    assert a.status == "no_answer"
    assert "teeth" in a.reason


def test_no_question_takes_long(bot, dev_cases):
    # Only a guard against a slow path: the speed goals (median 30 ms, p99 60 ms with the encoder)
    # are measured by benchmarks/bench_answer.py, since a shared machine makes timed tests flaky.
    questions = _all_questions(dev_cases)
    times = []
    for q in questions:
        start = time.perf_counter()
        bot.ask(q)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.25 and max(times) < 2, f"median {statistics.median(times):.3f} s"


# -- qa-bot eval ----------------------------------------------------------------------------


def test_eval_command_prints_every_figure_and_the_misses(tmp_path, capsys):
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(c) for c in [
        {"question": "botox for chronic migraine", "expect": "answered", "sections": ["Botox in Chronic Migraine Treatment"]},
        {"question": "botox for chronic migraine", "expect": "answered", "sections": ["Conclusion"]},
        {"question": "what does botox cost", "expect": "no_answer"},
        {"question": "my chest hurts", "expect": "urgent"},
        {"question": "hello", "expect": "smalltalk"},
    ]) + "\n", encoding="utf-8")
    code = main(["--corpus", str(CORPUS), "--index-dir", str(tmp_path / "ix"), "eval", str(cases)])
    out = capsys.readouterr().out
    assert code == 0
    for label in ("top-1", "recall@3", "answered rate", "out-of-scope rejected", "urgent recall", "false urgent",
                  "small-talk accuracy"):
        assert label in out
    assert "top-1 (answered, acceptable section first): 50.0%" in out
    assert "misses (1)" in out and "expected answered ['Conclusion']" in out

    assert main(["--corpus", str(CORPUS), "--index-dir", str(tmp_path / "ix"), "eval", str(cases), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["top1"] == 0.5 and report["urgent_recall"] == 1.0 and len(report["misses"]) == 1


def test_eval_refuses_a_section_the_corpus_lacks(bot):
    with pytest.raises(UsageError, match="unknown section title.*'Botox for Knees'"):
        evaluate(bot, [{"question": "q", "expect": "answered", "sections": ["Botox for Knees"]}])


@pytest.mark.parametrize("line,message", [
    ('{"question": "q", "expect": "maybe"}', '"expect" must be one of'),
    ('{"question": "q", "expect": "answered"}', 'needs "sections"'),
    ('{"expect": "no_answer"}', 'needs a "question"'),
    ("not json", "not valid JSON"),
])
def test_question_file_errors_name_the_line(tmp_path, line, message):
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "hi", "expect": "smalltalk"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match=f":2: .*{message}"):
        read_questions(path)


def test_dev_set_is_not_copied_into_the_repo():
    dev = {json.loads(line)["question"] for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()}
    own = {c["question"] for c in read_questions(OWN_SET)}
    paraphrase = {c["question"] for c in read_questions(PARAPHRASE_SET)}
    patients = {c["question"] for c in read_questions(PATIENTS_SET)}
    assert not dev & own and not dev & paraphrase and not dev & patients
