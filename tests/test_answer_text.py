"""Answer text that answers: the quoted sentences are chosen by how well they answer (cues.py)."""

from __future__ import annotations

import pytest

from qa_bot.analysis import Analyzer
from qa_bot.cues import answering, wanted

words = Analyzer().words


@pytest.mark.parametrize("question, sentence, answers", [
    ("Can Botox help with chronic migraines?", "Botox can reduce the frequency of migraines.", True),
    ("Can Botox help with chronic migraines?", "The FDA approved Botox in 2010.", False),
    ("so is it safe?", "It is not safe for everyone.", True),
    ("does it hurt", "Most patients feel only a pinch and do not need numbing.", True),
    ("how long does it last", "The effect wears off after three months.", True),
    ("how long does it last", "Botox relaxes the muscle.", False),
    ("how many people have chronic pain", "About 20 in 100 adults live with it.", True),
    ("why does my back hurt", "Back pain is often caused by strained muscles.", True),
    ("how does botox work", "Botox works by blocking acetylcholine.", True),
    ("what is chronic pain", "Chronic pain is pain that lasts for months.", True),
    ("botox for neck pain", "Botox is injected into the neck.", False),  # no question words: no cue
])
def test_a_sentence_answers_by_its_kind_of_words(question, sentence, answers):
    assert answering(words(question), [words(sentence)]) == [answers]


def test_a_statement_wants_nothing_in_particular():
    assert wanted(words("botox neck pain")) == (frozenset(), False)
    assert wanted([]) == (frozenset(), False)


def test_a_yes_no_question_gets_the_sentence_that_says_yes(bot):
    a = bot.ask("Can Botox help with chronic migraines?")
    assert "can reduce the frequency and severity of migraines" in a.answer
    c = a.citations[0]
    section = next(s for s in bot.index.sections if s.url == c.url)
    assert c.passage in section.text and a.answer == c.passage  # whole sentences, verbatim, contiguous


def test_a_how_question_keeps_the_sentence_that_says_how(bot):
    assert bot.ask("how does botox work").answer.startswith("Botox works by inhibiting the release of acetylcholine")
