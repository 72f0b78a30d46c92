"""Triage verdicts: emergencies and crises caught, history and idiom not mistaken for them."""

from __future__ import annotations

import re

import pytest

from qa_bot import patterns
from qa_bot.config import Config
from qa_bot.analysis import fold
from qa_bot.patterns import Guarded
from qa_bot.triage import ANY_URGENT, URGENT_RULES, Alternatives, Excluding, _spellings, is_smalltalk, triage
from qa_bot.triage import NOT_URGENT as NOT_URGENT_PATTERN

BREATHING = "trouble breathing, swallowing or speaking"

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
    ("can botox cause trouble breathing i cant breathe right now", "trouble breathing, swallowing or speaking"),
    ("she swallowed a whole bottle of tylenol", "overdose or poisoning"),
    ("I've taken a handful of my painkillers", "overdose or poisoning"),
    ("my throat feels tight after my injection this morning", "trouble breathing, swallowing or speaking"),
    ("tightness in my throat since the botox", "trouble breathing, swallowing or speaking"),
    ("two days after botox I feel weak all over", "trouble breathing, swallowing or speaking"),
    ("MY CHEST HURTS", "chest pain"),  # shouting is still an emergency
    ("Ｉ ｃａｎ'ｔ ｂｒｅａｔｈｅ", "trouble breathing, swallowing or speaking"),  # full-width letters fold
    # contractions typed without the apostrophe
    ("i cant breathe", BREATHING), ("he isnt breathing", BREATHING), ("my wife wont wake up", "unresponsive or confused person"),
    ("pain in his chest and sweating", "chest pain"), ("bad chest pains since this morning", "chest pain"),
    ("her face has dropped on the left", "stroke signs"), ("one side of his face is drooping", "stroke signs"),
    ("numbness down one side of my body", "stroke signs"), ("he can't lift his arm", "stroke signs"),
    ("his speech is suddenly slurred", "stroke signs"), ("she is slurring and confused", "stroke signs"),
    ("suddenly lost my sight in one eye", "stroke signs"),
    ("i can barely swallow since the jab", BREATHING), ("she can hardly talk after her injection", BREATHING),
    ("cant get enough air", BREATHING), ("his breathing is getting harder", BREATHING), ("lips turning blue", BREATHING),
    ("throat feels like it is closing up", BREATHING), ("my whole body feels weak since the botox", BREATHING),
    ("i'm having an allergic reaction to the injection", "severe allergic reaction"),
    ("my toddler swallowed some of my pills", "overdose or poisoning"),
    ("the dog ate my ibuprofen tablets", "overdose or poisoning"),
    ("my son took some of my sleeping tablets", "overdose or poisoning"),
    ("took three packets of paracetamol", "overdose or poisoning"),
    ("blood is pouring from the cut", "heavy bleeding"), ("bleeding that won't stop", "heavy bleeding"),
    ("he's having a fit", "unresponsive or confused person"), ("she is convulsing", "unresponsive or confused person"),
    ("my mum isn't responding to me", "unresponsive or confused person"),
    ("should I call an ambulance", "asking for emergency help"), ("do i need to go to A&E", "asking for emergency help"),
    ("sudden blinding headache", "sudden worst-ever headache"),
    ("headache came on in seconds", "sudden worst-ever headache"),
    ("bad headache, stiff neck and the light hurts my eyes", "sudden worst-ever headache"),
    # words between the parts, other prepositions, non-native wording
    ("the injection site is bleeding and it won't stop", "heavy bleeding"),
    ("my nose is bleeding and it's not stopping", "heavy bleeding"),
    ("I have a very heavy pressure on my chest and feel sick", "chest pain"),
    ("there's a weight on his chest and he is sweating", "chest pain"),
    ("I has difficult to breathe after the botox", BREATHING),
    ("she is having difficulties swallowing since the shot", BREATHING),
    ("my son found my tablets and ate some", "overdose or poisoning"),
    ("the toddler got hold of nan's pills and swallowed them", "overdose or poisoning"),
    # the conditions RE2 cannot state: a question about strokes unless it is one "now"; a count of
    # pills with no dose in mg between, looked for again after a count that had one
    ("what is a stroke now", "stroke signs"),
    ("took 20 mg then ate 30 tablets", "overdose or poisoning"),
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
    "i dont see the point in going on",
    "life isn't worth living anymore",
    "I can't go on anymore",
    "thinking about taking all my pills",
    "i wish i was dead",
    "im planning to end it",
    "i see no point carrying on anymore",
    "no point going on",
    "i am ending my life of pain tonight",
    "what is the point of living",
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
    "i can't speak highly enough of my physio, but would botox help my neck",  # praise
    "can botox cause trouble swallowing?",  # asking about a side effect, not having it
    "does botox affect breathing",
    "what is a thunderclap headache",  # a question about a condition
    "can a stroke cause nerve pain",
    "botox for stroke spasticity",
    "is botox a poison?", "isn't botox poisonous",
    "my eyelid droops a little after botox",  # a known side effect, not a stroke sign by itself
    "my son took his tablets this morning, can he have botox",  # his own, as prescribed
    "I can't go on like this with my back pain, would botox help",  # despair about pain, not a crisis phrase
    "what's the point of botox if it wears off",
    "does botox work for spasms that fit the description of dystonia",
    "one size fits all?",
    # carrying on with a treatment, not with life
    "theres no point carrying on with the physio, could botox help my back",
    "no point going on with the tablets if they do nothing",
    # asking about an overdose or a side effect, not having one
    "what happens if you overdose on botox",
    "can you overdose on botox?",
    "is it possible to overdose on botox",
    "can botox spread and cause weakness all over",
    "will the bleeding stop on its own after the injection?",
    "my son found my tablets for me",  # found, not took
    "is it difficult to get botox for back pain",
]

SMALLTALK = ["hello", "Hi there!", "hey", "good morning", "thanks a lot", "thank you so much for your help",
             "bye", "goodbye!", "who are you?", "what can you do", "what can you help me with?", "how are you",
             "thx bye", "ok, thanks. goodbye!", "thanks, that helped", "that was really helpful", "who made you?",
             "what's your name", "got it, thanks", "cheers mate", "ta", "thank u", "bye for now", "morning",
             "thanks so much, that's really useful", "thats brilliant", "thank you, have a nice day",
             "are you a real person", "hello, who am i talking to?", "what sort of things can i ask",
             "can you help me please", "hows it going",
             # text-speak and other ways of saying the same
             "r u a real person", "what can u do", "sup", "wassup", "thank you ever so much",
             "thanks, you've been very kind", "you have been really helpful", "wat can u help with"]

QUESTIONS = ["hello, can botox help migraines?", "thanks, and what about back pain?", "botox for neck pain",
             "what does botox cost", "that helped my neck, does it help the back too?", "morning headaches",
             "thanks, can botox help shingles pain?", "are you a real doctor, can botox help my migraines",
             "r u able to tell me about botox for migraines", "sup with botox for back pain"]


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
def test_one_search_over_all_rules_finds_whatever_a_rule_finds(question):
    # It leaves the rules' conditions out, so it may also find what no rule holds to
    # ("no point going on with the tablets"); it must never miss what one does.
    text = " " + " ".join(fold(question).replace("’", "'").split()) + " "
    for candidate in (text, NOT_URGENT_PATTERN.sub(" ", text)):
        if any(rule.search(candidate) for _, _, rule in URGENT_RULES):
            assert ANY_URGENT.search(candidate)


# Alternatives with conditions RE2 cannot state, against Python's re with the look-ahead written in.
# (re, the same as Alternatives, texts)
ALTERNATIVES = [
    (r"\bab\b(?! now)|\ba\w*",
     lambda: Alternatives.of(Guarded(patterns.compile(r"\bab\b"), patterns.compile(r" now")), r"\ba\w*"),
     ["ab now", "ab then", "abc now", "x ab now ab", "ab ab now ab"]),
    (r"\bx\b(?! y)|\bz\b",
     lambda: Alternatives.of(Guarded(patterns.compile(r"\bx\b"), patterns.compile(r" y")), r"\bz\b"),
     ["x y z", "x y x", "z x y x z", ""]),
    (r"\btook \d+\b(?:(?!\bmg\b)[^.]){0,20}?\bpills\b",
     lambda: Alternatives.of(Excluding(patterns.compile(r"\btook \d+\b(?P<gap>[^.]{0,20}?)\bpills\b"),
                                       patterns.compile(r"\bmg\b"))),
     ["took 30 pills", "took 30 mg pills", "took 30 mg took 40 pills", "took 30 mgs of pills", "took 3. pills",
      "took 30 of the white pills"]),
]


@pytest.mark.parametrize("regex,alternatives,texts", ALTERNATIVES)
def test_alternatives_search_and_clear_as_re_does(regex, alternatives, texts):
    alternatives = alternatives()
    for text in texts:
        expected = re.search(regex, text)
        found = alternatives.search(text)
        assert (found and found.span()) == (expected and expected.span()), text
        assert alternatives.sub("_", text) == re.sub(regex, "_", text), text


def test_an_alternative_that_matches_nothing_is_refused():
    with pytest.raises(patterns.PatternError, match="empty"):
        Alternatives.of(r"a*")


@pytest.mark.parametrize("template,spellings", [
    ("thank{s|} [so much]", ["thanks ", "thanks so much", "thank ", "thank so much"]),
    ("{a|b{c|d}}", ["a", "bc", "bd"]),
    ("[x[y]]z", ["z", "xz", "xyz"]),
])
def test_small_talk_templates_spell_every_choice(template, spellings):
    assert _spellings(template) == spellings


@pytest.mark.parametrize("bare,expected", [
    ("bye " * 300 + "bye", True),  # any number of phrases in a row
    ("good bye " * 100 + "good morning", True),
    ("bye " * 300 + "x", False),  # one word that is no phrase spoils the run
    ("thanks mate bye", True), ("mate", False), ("thanks mate mate", False),  # a name only after a phrase
    ("whatssup", True), ("sssup", True), ("supper", False),
    ("", False),
])
def test_small_talk_is_a_run_of_phrases(bare, expected):
    assert is_smalltalk(bare) is expected


def test_the_first_rule_that_matches_wins():
    # Both a crisis and an emergency: the crisis rule comes first, wherever its words are.
    assert triage("I can't breathe and I want to end my life") == triage("I want to end my life, I can't breathe")
    assert triage("I can't breathe and I want to end my life").kind == "crisis"


@pytest.mark.parametrize("question", RULE_CASES)
def test_a_question_folded_beforehand_gets_the_same_verdict(question):
    assert triage(question, fold(question)) == triage(question)
