"""Answering imports only what answering needs: NLTK's and scikit-learn's parts without their packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from qa_bot import analysis
from qa_bot.config import PROJECT_ROOT
from qa_bot.index import open_index

from conftest import CORPUS

HEAVY = ("nltk", "sklearn", "scipy", "limits")


def test_answering_from_a_saved_index_imports_no_fitting_machinery(config):
    open_index(config.corpus, config.index_dir)  # built here: building uses scikit-learn
    script = f"""
import json, sys
from qa_bot import Bot, load_config
bot = Bot.from_config(load_config(corpus={str(config.corpus)!r}, index_dir={str(config.index_dir)!r}))
answer = bot.ask("How does Botox work?")
print(json.dumps({{"status": answer.status, "loaded": sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))}}))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_BOT_")}
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result == {"status": "answered", "loaded": []}


def test_the_lean_stemmer_is_nltks_and_stems_alike(corpus):
    import nltk  # the whole package, after the lean copy was loaded: it still imports as usual
    from nltk.stem.snowball import SnowballStemmer

    assert hasattr(nltk, "word_tokenize")
    full = SnowballStemmer("english")
    words = {w for section in corpus.sections for w in analysis.Analyzer(stem=False).words(section.text)}
    words |= {"generously", "dying", "skies", "news", "injections", "migraines", "cried", "happily", "ability"}
    assert len(words) > 300
    assert {w: analysis._STEMMER.stem(w) for w in words} == {w: full.stem(w) for w in words}
    assert type(analysis._STEMMER).__module__ == "nltk.stem.snowball"


def test_rate_limits_are_parsed_by_limits_own_code():
    import limits

    from qa_bot.lean_imports import parse_rate_limits

    from qa_bot.config import DEFAULT_RATE_LIMIT  # the one Config does not parse at every start

    for text in (DEFAULT_RATE_LIMIT, "5/second", "1 per day, 3 per 2 hours"):
        assert [str(item) for item in parse_rate_limits(text)] == [str(item) for item in limits.parse_many(text)]
    for text in ("20 per minite", "lots", "per hour"):
        with pytest.raises(ValueError):
            parse_rate_limits(text)
        with pytest.raises(ValueError):
            limits.parse_many(text)


def test_the_stop_words_are_scikit_learns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert analysis.ENGLISH_STOP_WORDS == ENGLISH_STOP_WORDS and len(analysis.ENGLISH_STOP_WORDS) > 300


def test_the_lean_sentence_splitter_splits_as_nltks_punkt():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    text = (CORPUS / "botox-chronic-pain.md").read_text(encoding="utf-8") + "\nDr. Lee saw me at 3 p.m. today. It went well."
    params = PunktParameters()
    params.abbrev_types = set(analysis.ABBREVIATIONS)
    assert analysis._SPLITTER.sentences_from_text(text) == PunktSentenceTokenizer(params).sentences_from_text(text)


def test_the_stemmer_and_splitter_load_none_of_nltks_file_and_network_code():
    """nltk.pathsec (http.client, ssl, email), nltk.tokenize.util (xml.sax, urllib.request) and the
    pickle and model modules are imported by the stemmer's and splitter's modules, but only called
    to load, save or train models: the lean copies leave them out until one is called."""
    script = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("lean_imports", "qa_bot/lean_imports.py")  # alone: not all of qa_bot
lean_imports = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lean_imports)
snowball, punkt = lean_imports.nltk_modules("nltk.stem.snowball", "nltk.tokenize.punkt")
spans = list(punkt.PunktSentenceTokenizer().span_tokenize("She saw me at noon. It went well."))
print(json.dumps({"stem": snowball.SnowballStemmer("english").stem("injections"), "spans": spans,
                  "loaded": sorted(m for m in ("http.client", "ssl", "email.parser", "urllib.request", "xml.sax",
                                               "pickle", "nltk.pathsec") if m in sys.modules)}))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"stem": "inject", "spans": [[0, 19], [20, 33]], "loaded": []}


def test_a_deferred_nltk_module_is_loaded_when_first_called():
    from nltk.probability import FreqDist

    trainer = analysis._punkt.PunktTrainer()  # its frequency tables are nltk.probability's FreqDist
    assert type(trainer._type_fdist).__module__ == "nltk.probability" and type(trainer._type_fdist).__name__ == "FreqDist"
    trainer.train("Dr. Smith went home. He saw Mr. Jones. It was late. Dr. Who is a show. Mr. Jones said hi.")
    assert {"dr", "mr"} <= trainer.get_params().abbrev_types
    assert dict(trainer._type_fdist) == dict(FreqDist(trainer._type_fdist))
