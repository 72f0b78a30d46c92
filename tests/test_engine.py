"""The standalone engine: ranking, both weightings, save/load, edge cases, the fast analysis path."""

from __future__ import annotations

import numpy as np
import pytest

from qa_bot.analysis import Analyzer
from qa_bot.engine import ChunkCache, Engine

DOCS = [
    {"id": "neck", "title": "Neck pain", "text": "A stiff neck often comes from tense muscles. Heat and gentle stretches help."},
    {"id": "migraine", "title": "Migraine", "text": "Migraine is a headache with nausea and sensitivity to light."},
    {"id": "botox", "title": "Botox for migraine", "text": "Injections every twelve weeks can prevent chronic migraine."},
    {"id": "sleep", "title": "Sleep", "text": "Good sleep habits reduce headaches and neck tension."},
]
WEIGHTINGS = ["tfidf", "bm25"]


@pytest.fixture(scope="module", params=WEIGHTINGS)
def engine(request):
    return Engine.build(DOCS, weighting=request.param)


@pytest.mark.parametrize(("query", "best"), [
    ("stiff neck", "neck"),
    ("nausea and light sensitivity", "migraine"),
    ("botox injections for chronic migraine", "botox"),
    ("sleep habits", "sleep"),
])
def test_ranks_the_matching_document_first(engine, query, best):
    assert engine.search(query, k=3)[0][0] == best


def test_results_are_sorted_and_only_matching_documents(engine):
    hits = engine.search("migraine", k=10)
    assert {doc for doc, _ in hits} == {"migraine", "botox"}
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and all(0 < s < 1 for s in scores)


@pytest.mark.parametrize("query", ["", "   ", "the and of", "xyzzy plugh", "?!"])
def test_queries_without_known_words_return_nothing(engine, query):
    assert engine.search(query) == []
    assert not engine.scores(query).any()


def test_k_larger_than_the_corpus_returns_every_match(engine):
    assert len(engine.search("neck migraine sleep headache", k=100)) == len(DOCS)
    assert engine.search("neck", k=0) == []


def test_save_load_round_trip_gives_identical_scores(engine, tmp_path):
    engine.save(tmp_path)
    loaded = Engine.load(tmp_path, engine.params)
    assert loaded.params == engine.params and loaded.ids_ == engine.ids_
    for q in ["stiff neck", "botox migraine", "headache", "xyzzy"]:
        assert np.array_equal(loaded.scores(q), engine.scores(q))
        assert loaded.search(q) == engine.search(q)


def test_default_build_is_unchanged_cosine_tfidf():
    # The answer thresholds are calibrated on these scores: the default must stay as it was.
    engine = Engine.build(DOCS)
    assert engine.weighting == "tfidf"
    assert engine.params == {"title_weight": 2, "sublinear_tf": True, "norm": "l2", "analyzer": Analyzer().params()}
    p = engine.postings_
    norms = np.sqrt(np.bincount(p.indices, weights=p.data.astype(np.float64) ** 2, minlength=p.shape[1]))
    assert np.allclose(norms, 1, atol=1e-5)


def test_bm25_params_are_kept_and_scores_follow_the_formula():
    engine = Engine.build(DOCS, weighting="bm25", k1=1.5, b=0.5, title_weight=4)
    assert engine.params["weighting"] == "bm25"
    assert (engine.params["k1"], engine.params["b"], engine.params["title_weight"]) == (1.5, 0.5, 4)
    # "light" occurs once, in the migraine body only: check w(t, d) / (idf' * (k1 + 1)) by hand.
    n, df, k1, b = len(DOCS), 1, 1.5, 0.5
    lengths = [len(ChunkCache(Analyzer())(d["text"])) for d in DOCS]
    tf = 1 / (1 - b + b * lengths[1] / np.mean(lengths))
    expected = tf * (k1 + 1) / (tf + k1) / (k1 + 1)
    idf = np.log((1 + n) / (1 + df))
    assert engine.search("light") == [("migraine", pytest.approx(expected, rel=1e-5))]
    assert engine.term_max_[engine.vocabulary_["light"]] == pytest.approx(idf * (k1 + 1), rel=1e-5)


def test_bm25_title_weight_lifts_title_matches():
    docs = [{"id": "body", "title": "Other", "text": "Glaucoma is mentioned here once among many other words."},
            {"id": "title", "title": "Glaucoma", "text": "An eye disease with many other words around it."},
            {"id": "third", "title": "Cataract", "text": "A clouding of the lens."}]
    assert Engine.build(docs, weighting="bm25", title_weight=3).search("glaucoma")[0][0] == "title"


def test_words_in_every_document_score_nothing_in_bm25():
    docs = [{"id": "a", "text": "pain relief"}, {"id": "b", "text": "pain clinic"}]
    assert Engine.build(docs, weighting="bm25").search("pain") == []


def test_repeated_query_words_count_more(engine):
    one, two = engine.scores("neck sleep"), engine.scores("neck neck sleep")
    rows = {doc: i for i, doc in enumerate(engine.ids_)}
    assert two[rows["neck"]] / two[rows["sleep"]] > one[rows["neck"]] / one[rows["sleep"]]


@pytest.mark.parametrize(("records", "message"), [
    ([], "no documents"),
    ([{"id": "a", "text": "the and of"}], "no document has any indexable words"),
])
@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_build_refuses_corpora_without_words(records, message, weighting):
    with pytest.raises(ValueError, match=message):
        Engine.build(records, weighting=weighting)


def test_unknown_weighting_is_refused():
    with pytest.raises(ValueError, match="unknown weighting 'bm99'"):
        Engine.build(DOCS, weighting="bm99")


@pytest.mark.parametrize("text", [
    "Botox's effects: 12-week cycles, e.g. twice a year.",
    "Névralgie   faciale\n\nCAFÉ au lait; naïve’s résumé",
    "don’t stop — it's\tfine",
    "ﬁne ﬂu ¼ dose x´y a\u00a0b ①",  # compatibility forms, a spacing accent, a no-break space
    "",
])
def test_chunk_cache_gives_the_analyzer_s_terms(text):
    analyzer = Analyzer()
    cached = ChunkCache(analyzer)
    assert cached(text) == analyzer(text)
    assert cached(text + " " + text) == analyzer(text + " " + text)


def test_no_progress_bar_when_stderr_is_not_a_terminal(capfd):
    Engine.build(DOCS, weighting="bm25", progress=True)
    assert capfd.readouterr().err == ""


def _write_array(name, values):
    def damage(folder):
        np.save(folder / name, np.asarray(values))
    return damage


def _write_bytes(name, data):
    def damage(folder):
        (folder / name).write_bytes(data(folder / name) if callable(data) else data)
    return damage


@pytest.mark.parametrize(("damage", "message"), [
    pytest.param(_write_bytes("idf.npy", b""), r"idf\.npy is not a readable array", id="zero-byte idf"),
    pytest.param(_write_bytes("postings_data.npy", lambda p: p.read_bytes()[:-8]),
                 r"postings_data\.npy is not a readable array", id="truncated postings"),
    pytest.param(_write_bytes("postings_indices.npy", b"\x93NUMPY garbage" * 9),
                 r"postings_indices\.npy is not a readable array", id="garbage postings"),
    pytest.param(_write_bytes("terms.json", b'{"not": "a list"}'), r"terms\.json is not a list of strings", id="terms not a list"),
    pytest.param(_write_bytes("ids.json", b'["neck", '), r"ids\.json is not readable JSON", id="ids cut short"),
    pytest.param(_write_bytes("ids.json", b"[]"), r"ids\.json is empty", id="no ids"),
    pytest.param(_write_array("idf.npy", [1.0, 2.0]), r"idf\.npy has 2 values for \d+ terms", id="idf too short"),
    pytest.param(_write_array("idf.npy", [[1.0]]), r"idf\.npy holds a float64 array of shape \(1, 1\)", id="idf a matrix"),
    pytest.param(_write_array("postings_indptr.npy", [0, 1]), r"postings_indptr\.npy does not delimit", id="indptr too short"),
    pytest.param(_write_array("postings_data.npy", [0.5]), r"the postings hold 1 weights", id="data too short"),
    pytest.param(_write_bytes("ids.json", b'["neck", "migraine"]'),
                 r"postings_indices\.npy has document numbers outside 0\.\.1", id="ids fewer than the postings"),
])
def test_load_refuses_files_that_do_not_make_one_engine(engine, tmp_path, damage, message):
    engine.save(tmp_path)
    damage(tmp_path)
    with pytest.raises(ValueError, match=message):
        Engine.load(tmp_path, engine.params)


def test_load_refuses_weights_that_are_not_numbers(engine, tmp_path):
    engine.save(tmp_path)
    data = np.load(tmp_path / "postings_data.npy")
    data[0] = np.nan
    np.save(tmp_path / "postings_data.npy", data)
    with pytest.raises(ValueError, match="not a finite number"):
        Engine.load(tmp_path, engine.params)
