"""The shortcuts the answer path takes for speed give exactly what the plain code they replace gave.

Each reference below is the earlier, simpler implementation; results must be equal bit for bit.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from qa_bot import engine
from qa_bot.analysis import fold
from qa_bot.answer import clean_question
from qa_bot.engine import Engine
from qa_bot.errors import UsageError

# One character of each kind a question may hold: control and format characters, separators,
# surrogates, combining marks, ligatures, full-width, non-Latin.
ODD = "\x00\x07\t\n\x1b\x7f\x85\xa0\xad\u0301\u200b\u200e\u2028\u2029\u202e\u3000\ufeff\ud800\udcff\ufb01Ｉ한α’"


def _clean_question_reference(question: str, max_chars: int) -> str:
    text = unicodedata.normalize("NFC", question)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") else c for c in text)
    text = " ".join(text.split())
    if not text:
        raise UsageError("the question is empty: type a question about our articles")
    if len(text) > max_chars:
        raise UsageError(f"the question is {len(text)} characters long; the limit is {max_chars}: please shorten it")
    return text


def _outcome(clean, question):
    try:
        return clean(question, 30)
    except UsageError as exc:
        return str(exc)


def test_clean_question_as_before_on_odd_text():
    rng = np.random.default_rng(0)
    pool = list(ODD + "ab cE")
    texts = ["", " ", "botox for pain", "Cafe\u0301", "x" * 31] + [a + b for a in ODD for b in ODD]
    texts += ["".join(rng.choice(pool, size=rng.integers(1, 12))) for _ in range(3000)]
    for text in texts:
        assert _outcome(clean_question, text) == _outcome(_clean_question_reference, text), repr(text)


def test_fold_as_before():
    def reference(text):
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()

    for text in ["Botox", "NEURALGIA", "İstanbul", "Névralgie", "ﬁne", "Straße", "don’t", ODD, "a" + ODD + "Z"]:
        assert fold(text) == reference(text)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_top_of_a_small_corpus_as_numpy_gives_it(monkeypatch, dtype):
    rng = np.random.default_rng(1)
    cases = []
    for n in (1, 3, 10, 32):
        for _ in range(200):
            # Few distinct values, so that ties (also at the k-th place) are common.
            scores = rng.choice([0.0, 0.0, 0.1, 0.25, 0.5, 0.7], size=n).astype(dtype)
            cases.append((scores, int(rng.integers(0, n + 2))))
    fast = [Engine.top(scores, k) for scores, k in cases]
    monkeypatch.setattr(engine, "SMALL_CORPUS", 0)
    assert fast == [Engine.top(scores, k) for scores, k in cases]


def test_coverage_of_short_and_long_posting_lists_alike(bot, monkeypatch, dev_cases):
    readings = [bot.reader.read(case["question"]) for case in dev_cases]
    rows = list(range(len(bot.index.sections)))

    def coverages():
        return [[bot.coverage(r, row) for row in rows] + [bot.coverage(r, *rows[:3])] for r in readings]

    as_sets = coverages()
    monkeypatch.setattr(engine, "SHORT_POSTINGS", 0)  # every list binary-searched
    assert coverages() == as_sets


def test_scores_as_the_postings_weighted_one_term_at_a_time(bot, dev_cases):
    eng = bot.index.engine
    p = eng.postings_
    idf = eng.idf_
    for case in dev_cases:
        reading = bot.reader.read(case["question"])
        terms = [eng.vocabulary_[t] for t in reading.terms + reading.expansions]
        ids, counts = np.unique(terms, return_counts=True)
        if not len(ids):
            continue
        w = (1.0 + np.log(counts)) * idf[ids]
        w = (w / np.linalg.norm(w)).astype(np.float32)
        bag = bot.ranker.terms(reading)
        assert bag.ids == ids.tolist() and bag.weights.tobytes() == w.tobytes()
        docs = np.concatenate([p.indices[p.indptr[j] : p.indptr[j + 1]] for j in ids])
        weights = np.concatenate([wt * p.data[p.indptr[j] : p.indptr[j + 1]] for j, wt in zip(ids, w)])
        expected = np.bincount(docs, weights=weights, minlength=len(bot.index.sections))
        assert eng.score_terms(bag).tobytes() == expected.tobytes()