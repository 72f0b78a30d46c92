"""The one analyzer for documents and questions, and the sentence splitter."""

from __future__ import annotations

import pytest

from qa_bot.analysis import Analyzer, fold, sentence_spans, sentences

ANALYZER = Analyzer()


@pytest.mark.parametrize("text,folded", [
    ("Névralgie", "nevralgie"),  # accents
    ("BOTOX", "botox"),  # case
    ("Straße", "strasse"),  # casefold, not just lower
    ("ﬁne lines", "fine lines"),  # compatibility ligature
])
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("text,terms", [
    ("Botox injections", ["botox", "inject"]),
    ("Botox's effect", ["botox", "effect"]),  # possessive dropped
    ("the lower back", ["lower", "back"]),  # "back" is kept although a stop word elsewhere
    ("Migraines and migraine", ["migrain", "migrain"]),  # one stem for both
    ("post-herpetic neuralgia", ["post", "herpet", "neuralgia"]),  # hyphen splits
    ("It’s not working", ANALYZER("It's not working")),  # typographic apostrophe = plain one
    ("not working", ["not", "work"]),  # "not" is kept: it changes a health question's meaning
    ("", []),
])
def test_analyzer_terms(text, terms):
    assert ANALYZER(text) == terms


def test_words_keep_stop_words_for_phrase_matching():
    assert ANALYZER.words("pins and needles") == ["pins", "and", "needles"]


def test_sentences_respect_abbreviations_and_paragraphs():
    text = "Dr. Smith injects the neck. It helps.\n\nA new paragraph"
    assert sentences(text) == ["Dr. Smith injects the neck.", "It helps.", "A new paragraph"]
    assert all(text[a:b] == s for (a, b), s in zip(sentence_spans(text), sentences(text)))
