"""Triage on messages as patients and carers type them: our own table and the shared dev set.

``tests/questions/triage-cases.jsonl`` (456 messages: 229 emergencies or crises happening now, 227
traps and ordinary questions with alarming words in them) was written blind, by someone who saw no
code and no dev set; the rules were then built from docs/red-flags.md and this table. Each message is
a case of its own, so a regression names the message. ``tests/questions/triage-own.jsonl`` (794)
holds ten batches of new messages we wrote while building the rules, in other words than the blind
table; each batch was scored before its misses were fixed (first sight: 60-91% recall and 0-10% false
alarms, lower for the batches in non-native English), so it is a regression table, not a measure. ``tests/questions/triage-heldout.jsonl`` (300: 149
urgent) was written before its writer read any triage code or set, and scored once before any change
(75.2% urgent recall, 4 false alarms of 151); its misses were then fixed by their causes, so it too is
a regression table now. ``../shared/eval/triage-dev.jsonl`` (120) is read in place and judged as
``qa-bot eval`` judges it.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from qa_bot.evaluate import evaluate, format_report, read_questions
from qa_bot.triage import triage

from conftest import PROJECT_ROOT, SHARED, shared_text

TABLE = PROJECT_ROOT / "tests" / "questions" / "triage-cases.jsonl"
OWN = PROJECT_ROOT / "tests" / "questions" / "triage-own.jsonl"
HELDOUT = PROJECT_ROOT / "tests" / "questions" / "triage-heldout.jsonl"
TRIAGE_DEV = SHARED / "eval" / "triage-dev.jsonl"
URGENT = ("emergency", "crisis")


def _read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


CASES = _read(TABLE)
HELDOUT_CASES = _read(HELDOUT)
ALL_CASES = CASES + _read(OWN) + HELDOUT_CASES


def test_the_table_is_big_and_covers_every_kind():
    kinds = Counter(c["kind"] for c in CASES)
    expects = Counter(c["expect"] for c in CASES)
    assert len(CASES) >= 300 and expects["urgent"] >= 200 and expects["not_urgent"] >= 200, expects
    assert min(kinds.values()) >= 5, kinds  # every kind of emergency and of trap, several times


def test_the_held_out_set_is_balanced_and_has_no_repeats():
    messages = [c["message"] for c in HELDOUT_CASES]
    expects = Counter(c["expect"] for c in HELDOUT_CASES)
    assert len(messages) == len(set(messages)) >= 300 and min(expects.values()) >= 140, expects
    others = {c["message"].lower() for c in ALL_CASES if c not in HELDOUT_CASES}
    assert not others.intersection(m.lower() for m in messages)


def test_the_held_out_set_has_full_recall_and_no_false_alarms(bot):
    report = evaluate(bot, read_questions(HELDOUT))
    assert report["urgent_recall"] == 1.0 and report["false_alarms"] == 0, format_report(report)


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c["expect"] == "urgent"],
                         ids=lambda c: f"{c['kind']}:{c['message'][:50]}")
def test_an_emergency_happening_now_is_urgent(case):
    assert triage(case["message"]).kind in URGENT


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c["expect"] == "not_urgent"],
                         ids=lambda c: f"{c['kind']}:{c['message'][:50]}")
def test_a_trap_or_an_ordinary_question_is_not_urgent(case):
    assert triage(case["message"]).kind not in URGENT


@pytest.mark.parametrize("kind", ["crisis-suicidal", "crisis-self-harm"])
def test_thoughts_of_suicide_and_self_harm_get_the_crisis_reply(kind):
    verdicts = [triage(c["message"]).kind for c in CASES if c["kind"] == kind]
    assert verdicts and all(v == "crisis" for v in verdicts), verdicts


def test_the_shared_triage_dev_set_has_full_recall_and_no_false_alarms(bot):
    shared_text(TRIAGE_DEV)  # a clear failure if the shared folder is missing
    report = evaluate(bot, read_questions(TRIAGE_DEV))
    assert report["urgent_recall"] == 1.0 and report["false_alarms"] == 0, format_report(report)
