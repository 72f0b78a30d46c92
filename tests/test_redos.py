"""No question can hold a worker (issue 9, finding 1).

Every pattern that reads a patient's text runs on RE2, and the tests below attack each one with
questions made from its own words (see adversarial.py). The time budget is the second line of
defence: a question that still runs too long fails alone, and the bot goes on answering.
"""

from __future__ import annotations

import itertools
import json
import random
import time

import pytest

import adversarial
from conftest import CORPUS
from qa_bot import analysis, cli, patterns, triage
from qa_bot.answer import Bot
from qa_bot.config import Config, load_config
from qa_bot.errors import TooSlowError
from qa_bot.webapp import create_app

# Far above what a linear pattern needs for 1000 characters (microseconds), far below what
# exponential backtracking takes ("bye" x 36 took 35 s; every two more tripled it).
BOUND_S = 0.5
# The questions of the report: 145 characters took 35 s, and the same with "good bye", "good morning".
REPORTED = [" ".join(["bye"] * 36) + " x", " ".join(["good bye"] * 30) + " x", " ".join(["good morning"] * 30) + " x",
            " ".join(["bye"] * 240) + " x"]  # 961 characters


def _timed(call, *args) -> float:
    """CPU seconds, not wall-clock: on a busy machine waiting for a core is not backtracking."""
    start = time.process_time()
    call(*args)
    return time.process_time() - start


@pytest.fixture(scope="module")
def attacks():
    """(pattern, question) for every pattern in the patient-text modules, made from the pattern."""
    return adversarial.adversarial_questions(adversarial.patient_text_modules())


def test_every_pattern_that_reads_patient_text_is_re2():
    found = [p for module in adversarial.patient_text_modules() for p in adversarial.compiled_patterns(module)]
    assert len(found) > 100  # the walk reaches into rules, conditions and privacy's table
    backtracking = [p.pattern[:80] for p in found if not isinstance(p, patterns.Pattern)]
    assert not backtracking, f"compile these with qa_bot.patterns.compile: {backtracking}"


def test_no_pattern_backtracks_exponentially(attacks, bot):
    # Each pattern on its own, in every way the package calls one (search, match to the end, sub).
    for pattern, question in attacks:
        for call in (pattern.search, pattern.fullmatch, lambda q: pattern.sub(" ", q)):
            took = _timed(call, question)
            assert took < BOUND_S, f"{pattern.pattern[:80]!r} took {took:.2f} s on {question[:80]!r}"
    # The Python around them (conditions, clearing, small talk, tokens) on every question.
    for _, question in attacks:
        for call in (triage.triage, analysis.tokens):
            took = _timed(call, question)
            assert took < BOUND_S, f"{call.__name__} took {took:.2f} s on {question[:80]!r}"
    # And whole questions: a sample of those, every run of small-talk phrases, the reported ones.
    questions = ([q for _, q in attacks[::10]] + REPORTED
                 + adversarial.smalltalk_questions(triage.PHRASES, random.Random(0)))
    for question in questions:
        took = _timed(bot.ask, question)
        assert took < BOUND_S, f"ask() took {took:.2f} s on {question[:80]!r}"


@pytest.mark.parametrize("question", REPORTED)
def test_the_reported_questions_are_answered_as_questions(bot, question):
    assert bot.ask(question).status == "no_answer"  # a near miss: not small talk


# --- the time budget -----------------------------------------------------------------------------

@pytest.fixture
def stall_once(monkeypatch):
    """The next question's first check of its deadline finds the clock an hour on, as if a stage
    had hung (look 0 sets the deadline, look 1 is that check); after that the clock is right again."""
    import qa_bot.budget as budget

    real, looks = budget.perf_counter, itertools.count()
    monkeypatch.setattr(budget, "perf_counter", lambda: real() + (3600 if next(looks) == 1 else 0))


def test_a_tiny_budget_stops_the_question_with_a_clear_error(bot):
    hurried = Bot(bot.index, Config(corpus=CORPUS, answer_time_budget_ms=0.001))
    with pytest.raises(TooSlowError, match=r"longer than the 0.001 ms allowed.*fewer or simpler words"):
        hurried.ask("botox for neck pain")


def test_a_question_past_its_budget_fails_alone_and_the_bot_goes_on(bot, stall_once):
    with pytest.raises(TooSlowError, match="2000 ms"):
        bot.ask("can botox help my migraines")
    assert bot.ask("can botox help my migraines").status == "answered"


def test_the_budget_is_a_setting():
    assert Config().answer_time_budget_ms == 2000
    assert load_config(environ={"QA_BOT_ANSWER_TIME_BUDGET_MS": "250"}).answer_time_budget_ms == 250
    with pytest.raises(Exception, match="answer_time_budget_ms must be more than 0"):
        Config(answer_time_budget_ms=0)


def test_api_answers_503_too_slow_and_keeps_serving(bot, stall_once):
    client = create_app(Config(corpus=CORPUS, rate_limit=""), bot=bot).test_client()
    slow = client.post("/api/ask", json={"question": "can botox help my migraines"})
    assert slow.status_code == 503
    assert slow.json["error"]["code"] == "too_slow" and "2000 ms" in slow.json["error"]["message"]
    assert client.get("/api/health").status_code == 200
    assert client.post("/api/ask", json={"question": "can botox help my migraines"}).json["status"] == "answered"


def test_cli_says_too_slow_in_one_line_and_a_batch_goes_on(tmp_path, capsys, monkeypatch, stall_once):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("can botox help my migraines\nbotox for neck pain\n"))
    code = cli.main(["--index-dir", str(tmp_path / "index"), "ask", "--json", "-"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("qa-bot: line 1: answering took longer than") and err.count("\n") == 1
    too_slow, answered = [json.loads(line) for line in out.splitlines()]  # one line out per line in
    assert too_slow["line"] == 1 and too_slow["error"]["code"] == "too_slow"
    assert answered["status"] == "answered"
