"""The qa-bot command, run as a user would: exit codes, output formats, batch mode, bad input."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import pytest

from conftest import CORPUS
from qa_bot.analysis import sentences
from qa_bot.cli import build_parser, main

DISCLAIMER_START = "This is general information"
CONTRACT_KEYS = {"id", "question", "status", "answer", "citations", "suggestions", "assumed_topic",
                 "disclaimer"}
CITATION_KEYS = {"article", "section", "url", "passage", "score"}


@pytest.fixture
def run(tmp_path, capsys, monkeypatch):
    """Run the CLI in-process with a temp index; returns (exit code, stdout, stderr)."""

    def _run(*args, stdin=None):
        if stdin is not None:
            import io

            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--index-dir", str(tmp_path / "index"), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def squash(text):
    return " ".join(text.split())


def test_ask_prints_passage_citation_and_disclaimer(run):
    code, out, err = run("ask", "Can Botox help with chronic migraines?")
    assert code == 0, err
    assert "Botox in Chronic Migraine Treatment" in out
    assert "/articles/botox-chronic-pain#botox-in-chronic-migraine-treatment" in out
    assert "FDA approved Botox for the prevention of chronic migraines in 2010" in squash(out)
    assert "consult a qualified healthcare professional" in squash(out)


def test_ask_json_is_the_contract(run):
    code, out, _ = run("ask", "--json", "botox for chronic migraine")
    data = json.loads(out)
    assert set(data) == CONTRACT_KEYS
    assert data["status"] == "answered"
    assert data["citations"] and all(set(c) == CITATION_KEYS for c in data["citations"])
    assert data["disclaimer"].startswith(DISCLAIMER_START)


def test_batch_over_the_dev_set(run, dev_cases, seed_text):
    """One contract object per line, verbatim passages, one disclaimer, no citation on urgent."""
    questions = [case["question"] for case in dev_cases]
    code, out, err = run("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in rows] == questions
    seed = squash(seed_text)
    # One disclaimer for answers, another (urgent_disclaimer) for urgent replies.
    assert len({r["disclaimer"] for r in rows if r["status"] != "urgent"}) == 1 and rows[0]["disclaimer"].strip()
    assert len({r["disclaimer"] for r in rows if r["status"] == "urgent"}) == 1
    for r in rows:
        assert set(r) == CONTRACT_KEYS
        assert r["status"] in ("answered", "no_answer", "urgent", "smalltalk")
        if r["status"] != "answered":
            assert r["citations"] == []
        for c in r["citations"]:
            assert squash(c["passage"]) in seed
        if r["status"] == "answered":
            assert all(squash(s) in seed for s in sentences(r["answer"]))


@pytest.mark.parametrize("question", ["", "   \t "])
def test_empty_question_is_a_usage_error(run, question):
    code, out, err = run("ask", question)
    assert code == 2 and out == ""
    assert "question is empty" in err and "Traceback" not in err


def test_huge_question_is_a_usage_error_naming_the_limit(run):
    code, _, err = run("ask", "pain " * 20000)
    assert code == 2
    assert "limit is 1000" in err


@pytest.mark.parametrize("question", ["?!?...", "🙂🙂🙂", "Ботокс от мигрени?", "ボトックスは効きますか", "xyzzy plugh"])
def test_odd_questions_get_a_clear_no_answer(run, question):
    code, out, err = run("ask", "--json", question)
    assert code == 0, err
    data = json.loads(out)
    assert data["status"] == "no_answer"
    assert data["citations"] == [] and "don't have information" in data["answer"]


def test_batch_writes_one_line_per_input_line(run):
    """A blank or over-long line gets an error object in its place: output line N is input line N."""
    code, out, err = run("ask", "--json", "-", stdin="botox for migraine\n" + "x" * 2000 + "\n\nhello\n")
    assert code == 2
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 4
    assert rows[0]["status"] == "answered" and rows[3]["status"] == "smalltalk"
    assert rows[1] == {"line": 2, "error": {"code": "invalid_question", "message": rows[1]["error"]["message"]}}
    assert "limit is 1000" in rows[1]["error"]["message"]
    assert rows[2]["line"] == 3 and "empty" in rows[2]["error"]["message"]
    assert "line 2" in err and "limit is 1000" in err


def test_batch_in_text_gives_every_line_its_block(run):
    code, out, _ = run("ask", "-", stdin="hello\n\n")
    assert code == 2
    blocks = out.strip().split("\n\n")
    assert "I'm the clinic's question-answering assistant" in blocks[0]
    assert blocks[-1].startswith("line 2: not answered: the question is empty")


def test_index_and_corpus_check(run):
    code, out, _ = run("index")
    assert code == 0 and "1 article(s), 10 sections" in out
    code, out, _ = run("corpus", "check")
    assert code == 0 and "the corpus is valid" in out


def test_corpus_check_reports_a_bad_file(run, tmp_path):
    bad = tmp_path / "corpus"
    bad.mkdir()
    (bad / "oops.md").write_text("---\ntitle: x\n", encoding="utf-8")
    code, out, err = run("--corpus", str(bad), "corpus", "check")
    assert code == 1
    assert f"{bad / 'oops.md'}:1: front matter is not closed" in err


def test_usage_errors_exit_2(run):
    assert run("frobnicate")[0] == 2
    assert run()[0] == 2
    code, _, err = run("ask")
    assert code == 2 and "see 'qa-bot" in err


def test_config_file_and_environment(run, tmp_path, monkeypatch):
    cfg = tmp_path / "qa.toml"
    cfg.write_text('disclaimer = "Ask your own doctor."\n')
    code, out, _ = run("--config", str(cfg), "ask", "--json", "hello")
    assert json.loads(out)["disclaimer"] == "Ask your own doctor."
    monkeypatch.setenv("QA_BOT_DISCLAIMER", "From the environment.")
    code, out, _ = run("--config", str(cfg), "ask", "--json", "hello")
    assert json.loads(out)["disclaimer"] == "From the environment."
    monkeypatch.setenv("QA_BOT_DISCLAIMER", "  ")
    code, _, err = run("ask", "hello")
    assert code == 2 and "disclaimer must not be empty" in err
    monkeypatch.setenv("QA_BOT_DISCLAIMER", "ok")
    monkeypatch.setenv("QA_BOT_MIN_SCORE", "high")
    code, _, err = run("ask", "hello")
    assert code == 2 and "QA_BOT_MIN_SCORE" in err


def test_help_documents_every_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    for word in ("ask", "chat", "index", "corpus", "eval", "serve", "--corpus", "--index-dir", "QA_BOT_INDEX_DIR"):
        assert word in out


def _commands(parser, path=()):
    """Every (sub)command parser, by its path of names, with the one-line help it is listed with."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            listed = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield (*path, name), listed.get(name), sub
                yield from _commands(sub, (*path, name))


def test_every_command_has_a_summary_and_a_description():
    commands = list(_commands(build_parser()))
    assert {" ".join(path) for path, _, _ in commands} >= {"ask", "chat", "index", "corpus", "corpus check", "eval",
                                                           "serve", "proxy-config"}
    for path, summary, parser in commands:
        assert summary and "\n" not in summary and summary.endswith("."), path
        assert parser.description and parser.description.startswith(summary), path


@pytest.mark.parametrize("command", [["chat"], ["index"], ["corpus", "check"], ["ask"], ["serve"]])
def test_every_command_prints_its_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert f"usage: qa-bot {' '.join(command)}" in out and "--corpus" in out and "--config" in out


def test_global_options_work_after_the_command(run, tmp_path):
    missing = tmp_path / "missing"
    for args in (["ask", "How does Botox work?", "--corpus", str(missing)],
                 ["ask", "--corpus", str(missing), "How does Botox work?"],
                 ["corpus", "check", "--corpus", str(missing)],
                 ["corpus", "--corpus", str(missing), "check"]):
        code, _, err = run(*args)
        assert code == 1 and "corpus folder not found" in err and str(missing) in err, args


def test_an_option_before_the_command_is_not_reset_by_it(run, tmp_path):
    missing = tmp_path / "missing"
    code, _, err = run("--corpus", str(missing), "corpus", "check")
    assert code == 1 and str(missing) in err
    cfg = tmp_path / "qa.toml"
    cfg.write_text('disclaimer = "Ask your own doctor."\n')
    code, out, _ = run("--config", str(cfg), "ask", "--json", "hello", "--corpus", str(CORPUS))
    assert code == 0 and json.loads(out)["disclaimer"] == "Ask your own doctor."


def test_installed_command_runs_without_traceback(tmp_path):
    """The real console script, in a fresh process, as a user types it."""
    env = {**os.environ, "QA_BOT_INDEX_DIR": str(tmp_path / "idx")}
    exe = os.path.join(os.path.dirname(sys.executable), "qa-bot")
    done = subprocess.run([exe, "ask", "does botox help with neck pain?"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Upper Back and Neck Pain" in done.stdout
    done = subprocess.run([exe, "--corpus", str(tmp_path / "missing"), "ask", "x"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "corpus folder not found" in done.stderr and "Traceback" not in done.stderr
    assert CORPUS.is_dir()


def test_chat_answers_until_quit(run):
    code, out, _ = run("chat", stdin="hello\nbotox for low back pain\nquit\nnever read\n")
    assert code == 0
    assert "I'm the clinic's question-answering assistant" in out
    assert "Lower Back Pain and Botox" in out
    assert out.count("you> ") == 3


def test_chat_leaves_on_end_of_input(run):
    code, out, _ = run("chat", stdin="")
    assert code == 0 and "Ctrl-D" in out


def test_corpus_check_validates_the_vocabulary(run, tmp_path):
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    code, out, _ = run("--corpus", str(corpus), "corpus", "check")
    assert code == 0 and "vocabulary.yaml" in out
    (corpus / "vocabulary.yaml").write_text("same_as: [not, a, mapping\n", encoding="utf-8")
    code, out, err = run("--corpus", str(corpus), "corpus", "check")
    assert code == 1 and "vocabulary.yaml" in err and "Traceback" not in err


def test_a_misspelled_variable_gets_a_warning_naming_the_nearest_setting(run, monkeypatch):
    monkeypatch.setenv("QA_BOT_DISCLAMER", "Ask your own doctor.")
    monkeypatch.setenv("QA_BOT_ZZZ", "1")
    monkeypatch.setenv("QA_BOT_REQUIRE_NGINX", "1")  # the test suite's own switch: no warning
    code, out, err = run("ask", "--json", "hello")
    assert code == 0
    assert "qa-bot: warning: QA_BOT_DISCLAMER is not a qa-bot setting and is ignored: did you mean " \
           "QA_BOT_DISCLAIMER?" in err
    assert "QA_BOT_ZZZ is not a qa-bot setting" in err
    assert "REQUIRE_NGINX" not in err
    assert json.loads(out)["disclaimer"].startswith(DISCLAIMER_START)


def test_config_errors_name_the_file_they_came_from(run, tmp_path, monkeypatch):
    cfg = tmp_path / "qa-bot.toml"
    monkeypatch.chdir(tmp_path)  # the config file found in the working folder, not named anywhere
    for text, words in [('min_score = 2.0\n', "min_score must be between 0 and 1"),
                        ('port = "eighty"\n', "'eighty' is not a valid int for port"),
                        ('disclamer = "x"\n', "unknown setting 'disclamer' (did you mean 'disclaimer'?)"),
                        ('corpus = "no-such-folder"\n', "corpus folder not found (the corpus set in config file")]:
        cfg.write_text(text, encoding="utf-8")
        code, _, err = run("ask", "hello")
        assert code in (1, 2) and words in err, err
        assert f"config file {cfg}" in err and "Traceback" not in err
    monkeypatch.setenv("QA_BOT_PORT", "0")
    cfg.write_text("", encoding="utf-8")
    code, _, err = run("serve")
    assert code == 2 and "QA_BOT_PORT: port must be 1-65535, not 0" in err
