"""Triage verdicts: emergencies and crises caught, history and idiom not mistaken for them."""

from __future__ import annotations

import pytest

from qa_bot.config import Config
from qa_bot.analysis import fold
from qa_bot.triage import ANY_URGENT, URGENT_RULES, triage
from qa_bot.triage import NOT_URGENT as NOT_URGENT_PATTERN

EMERGENCIES = [
    ("I have crushing chest pain and my left arm hurts", "chest pain"),
    ("my chest feels tight and I can't catch my breath", "chest pain"),
    ("I think I'm having a heart attack", "chest pain"),
    ("I think I'm having a stroke", "stroke signs"),
    ("my dad's face is drooping", "stroke signs"),
    ("signs of a stroke right now, my arm went numb", "stroke signs"),
    ("her speech is slurred words all mixed", "stroke signs"),
    ("I got botox yesterday and now I can't swallow properly", "trouble breathing, swallowing or speaking"),
    ("after my injection I'm having trouble breathing", "trouble breathing, swallowing or speaking"),
    ("my husband isn't breathing", "trouble breathing, swallowing or speaking"),
    ("I'm short of breath", "trouble breathing, swallowing or speaking"),
    ("my throat is swelling up after the shot", "trouble breathing, swallowing or speaking"),
    ("severe allergic reaction, my lips are swollen", "severe allergic reaction"),
    ("I think it's anaphylaxis", "severe allergic reaction"),
    ("I overdosed on my medication", "overdose or poisoning"),
    ("I took way too many pain pills", "overdose or poisoning"),
    ("I'm bleeding heavily and it won't stop", "heavy bleeding"),
    ("my wife collapsed and won't wake up", "unresponsive or confused person"),
    ("he is unconscious", "unresponsive or confused person"),
    ("worst headache of my life came on suddenly", "sudden worst-ever headache"),
    ("sudden severe headache out of nowhere", "sudden worst-ever headache"),
    ("i took 30 sleeping pills", "overdose or poisoning"),
    ("she swallowed a whole bottle of tylenol", "overdose or poisoning"),
    ("I've taken a handful of my painkillers", "overdose or poisoning"),
    ("my throat feels tight after my injection this morning", "trouble breathing, swallowing or speaking"),
    ("tightness in my throat since the botox", "trouble breathing, swallowing or speaking"),
    ("two days after botox I feel weak all over", "trouble breathing, swallowing or speaking"),
    ("MY CHEST HURTS", "chest pain"),  # shouting is still an emergency
    ("Ｉ ｃａｎ'ｔ ｂｒｅａｔｈｅ", "trouble breathing, swallowing or speaking"),  # full-width letters fold
]

CRISES = [
    "I want to end my life",
    "i'm going to end my life tonight",
    "I've been thinking about killing myself",
    "I don't want to live anymore",
    "sometimes I feel suicidal",
    "I'd be better off dead",
    "I want to hurt myself",
    "I feel like ending it all",
]

# Look alarming, are not an emergency now: history, causes and idiom.
NOT_URGENT = [
    "spasticity after a stroke years ago, can injections help the stiffness?",
    "I had a stroke years ago and have spasticity in my arm",
    "botox for stroke-related spasticity",
    "does botox help post-stroke stiffness",
    "muscle spasms since my stroke",
    "the pain is killing me, can botox help my back?",
    "I'm dying to know if botox helps shingles pain",
    "my migraines are so bad I could die",
    "my chest of drawers fell on my foot",  # "chest" alone is not chest pain
    "botox for chronic migraine",
    "what is the worst part of neuropathy",
    "I take 2 tablets of ibuprofen a day, can I also get botox?",  # a regimen, not an overdose
    "I took 10 mg of morphine for my back this morning",  # a dose, not a count of pills
    "I had 12 botox injections for my migraines",
    "I take my medication every day but the pain continues",
]

SMALLTALK = ["hello", "Hi there!", "hey", "good morning", "thanks a lot", "thank you so much for your help",
             "bye", "goodbye!", "who are you?", "what can you do", "what can you help me with?", "how are you",
             "thx bye", "ok, thanks. goodbye!", "thanks, that helped", "that was really helpful", "who made you?",
             "what's your name", "got it, thanks"]

QUESTIONS = ["hello, can botox help migraines?", "thanks, and what about back pain?", "botox for neck pain",
             "what does botox cost", "that helped my neck, does it help the back too?"]


@pytest.mark.parametrize("question,reason", EMERGENCIES)
def test_emergencies_are_urgent(question, reason):
    verdict = triage(question)
    assert (verdict.kind, verdict.reason) == ("emergency", reason)


@pytest.mark.parametrize("question", CRISES)
def test_thoughts_of_suicide_are_a_crisis(question):
    assert triage(question).kind == "crisis"


@pytest.mark.parametrize("question", NOT_URGENT)
def test_history_and_idiom_are_not_urgent(question):
    assert triage(question).kind == "question"


@pytest.mark.parametrize("question", SMALLTALK)
def test_small_talk(question):
    assert triage(question).kind == "smalltalk"


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_real_question_is_not_small_talk(question):
    assert triage(question).kind == "question"


def test_urgent_answer_has_the_message_and_no_passage(bot):
    a = bot.ask("I can't breathe after my botox injection")
    assert a.status == "urgent"
    assert a.answer == bot.config.emergency_message
    assert a.citations == ()
    assert "911" in a.answer


def test_crisis_answer_gives_the_crisis_line_first(bot):
    a = bot.ask("I want to end my life")
    assert a.status == "urgent"
    assert a.answer.startswith(bot.config.crisis_message)
    assert "988" in a.answer and "911" in a.answer
    assert a.citations == ()


def test_emergency_message_is_configurable(bot):
    from qa_bot.answer import Bot

    local = Bot(bot.index, Config(corpus=bot.config.corpus, emergency_message="Call 000 now."))
    assert local.ask("my chest hurts").answer == "Call 000 now."


def test_small_talk_reply_says_what_the_bot_covers(bot):
    a = bot.ask("what can you do?")
    assert a.status == "smalltalk"
    assert "Botox in Chronic Migraine Treatment" in a.answer
    assert a.citations == ()


# Texts that trip one rule, several, or none (also after NOT_URGENT clears history and idiom).
RULE_CASES = ([q for q, _ in EMERGENCIES] + CRISES + NOT_URGENT + SMALLTALK + QUESTIONS
              + ["I can't breathe and I want to end my life", "stroke", "my chest hurts, worst headache ever",
                 "allergic reaction and now I can't breathe", "poison ivy", "had a heart attack of a week",
                 "the pain is killing me and my face is drooping", "", "?"])


@pytest.mark.parametrize("question", RULE_CASES)
def test_one_search_over_all_rules_agrees_with_the_rules(question):
    text = " " + " ".join(fold(question).replace("’", "'").split()) + " "
    for candidate in (text, NOT_URGENT_PATTERN.sub(" ", text)):
        assert bool(ANY_URGENT.search(candidate)) == any(p.search(candidate) for _, _, p in URGENT_RULES)


def test_the_first_rule_that_matches_wins():
    # Both a crisis and an emergency: the crisis rule comes first, wherever its words are.
    assert triage("I can't breathe and I want to end my life") == triage("I want to end my life, I can't breathe")
    assert triage("I can't breathe and I want to end my life").kind == "crisis"


@pytest.mark.parametrize("question", RULE_CASES)
def test_a_question_folded_beforehand_gets_the_same_verdict(question):
    assert triage(question, fold(question)) == triage(question)
