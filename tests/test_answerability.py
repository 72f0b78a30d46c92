"""Answer or not: the decision on the ranker's evidence, with and without section vectors."""

from __future__ import annotations

import pytest

from qa_bot.answerability import (CO_CITE_RATIO, COVERAGE_WEIGHT, LEXICAL_WEIGHT, MIN_COVERAGE, MIN_EVIDENCE,
                                  decide)
from qa_bot.ranker import Candidate


def cand(row, dense=0.0, coverage=1.0, lexical=0.2, score=None, heading=0.0):
    return Candidate(row, dense if score is None else score, lexical, coverage, dense, heading)


def no_pairs(*rows):
    raise AssertionError("the pair's coverage was not needed")


def evidence(c):
    return c.dense + COVERAGE_WEIGHT * c.coverage + LEXICAL_WEIGHT * c.lexical


@pytest.mark.parametrize("dense,coverage,lexical", [
    (0.5, 1.0, 0.2),  # every word of the question there, one passage about it: "what are punctal plugs"
    (0.8, 0.5, 0.1),  # close in meaning, half of the words
    (0.8, 0.3, 0.1),  # the same question in other words, one of them shared
])
def test_enough_evidence_answers(dense, coverage, lexical):
    c = cand(0, dense, coverage, lexical)
    assert evidence(c) >= MIN_EVIDENCE
    d = decide([c], no_pairs, semantic=True, min_score=0.12)
    assert d.answered and d.cited == (c,)


@pytest.mark.parametrize("dense,coverage,lexical", [
    (0.6, 0.4, 0.1),  # about the same thing, but most of what is asked is not there ("... cost")
    (0.2, 1.0, 0.1),  # shares the words only
    (0.95, 0.0, 0.0),  # meaning alone is not enough: nothing the question names is in the section
])
def test_too_little_evidence_is_no_answer_and_says_why(dense, coverage, lexical):
    d = decide([cand(0, dense, coverage, lexical)], lambda *rows: coverage, semantic=True, min_score=0.12)
    assert not d.answered and d.cited == ()
    assert f"dense {dense:.3f}" in d.reason and f">= {MIN_EVIDENCE}" in d.reason


def test_no_candidates_is_no_answer():
    d = decide([], no_pairs, semantic=True, min_score=0.12)
    assert not d.answered and d.reason == "no matching words"


def test_a_question_two_sections_hold_between_them_cites_both():
    first, second = cand(3, 0.7, 0.4, 0.1, score=0.5), cand(7, 0.5, 0.6, 0.2, score=0.3)
    assert evidence(first) < MIN_EVIDENCE
    d = decide([first, second], lambda *rows: 1.0 if set(rows) == {3, 7} else 0.0, semantic=True, min_score=0.12)
    assert d.answered and d.cited == (first, second) and "with the next section" in d.reason


def test_a_close_second_is_cited_only_if_it_answers_too():
    best = cand(0, 0.8, 1.0, 0.3, score=0.6)
    close = cand(1, 0.75, 1.0, 0.3, score=0.6 * CO_CITE_RATIO)
    weak = cand(2, 0.2, 0.2, 0.0, score=0.6 * CO_CITE_RATIO)
    far = cand(3, 0.8, 1.0, 0.3, score=0.6 * CO_CITE_RATIO - 0.01)
    assert decide([best, close], no_pairs, True, 0.12).cited == (best, close)
    assert decide([best, weak], no_pairs, True, 0.12).cited == (best,)
    assert decide([best, far], no_pairs, True, 0.12).cited == (best,)


def test_a_summary_of_the_first_section_is_not_cited_beside_it():
    best, summary = cand(0, 0.8, 1.0, 0.3, score=0.6), cand(1, 0.75, 1.0, 0.3, score=0.6 * CO_CITE_RATIO)
    assert decide([best, summary], no_pairs, True, 0.12).cited == (best, summary)
    d = decide([best, summary], no_pairs, True, 0.12, restates=lambda first, other: (first, other) == (0, 1))
    assert d.answered and d.cited == (best,)


@pytest.mark.parametrize("lexical,coverage,answered", [
    (0.3, 1.0, True),
    (0.3, MIN_COVERAGE - 0.01, False),  # "what does botox cost": botox is everywhere, cost nowhere
    (0.1, 1.0, False),  # below min_score
])
def test_without_vectors_words_decide(lexical, coverage, answered):
    d = decide([cand(0, 0.0, coverage, lexical, score=lexical * coverage)], lambda *rows: coverage,
               semantic=False, min_score=0.12)
    assert d.answered is answered
    assert "best score" in d.reason


def test_a_section_that_never_names_an_aspect_asked_about_does_not_answer():
    # "how do you prepare for X": X's section, close in meaning, says nothing of preparing
    lacking = Candidate(0, 0.6, 0.3, 0.8, 0.8, 0.5, ("preparing for it",))
    d = decide([lacking], no_pairs, semantic=True, min_score=0.12)
    assert not d.answered and "preparing for it" in d.reason
    # one that names it answers, and the one that does not is not cited beside it
    naming = cand(1, 0.6, 0.9, 0.3, score=0.55)
    d = decide([naming, Candidate(0, 0.56, 0.3, 0.8, 0.8, 0.5, ("preparing for it",))], no_pairs,
               semantic=True, min_score=0.12)
    assert d.answered and d.cited == (naming,)
