"""The clinic's vocabulary file, phrase matching, typo tolerance and question reading."""

from __future__ import annotations

import pytest

from qa_bot.analysis import Analyzer
from qa_bot.answer import Bot
from qa_bot.config import Config
from qa_bot.corpus import load_corpus
from qa_bot.errors import CorpusError
from qa_bot.index import CorpusIndex
from qa_bot.vocabulary import FILE_NAME, MAX_ENTRIES, MAX_ENTRY_CHARS, MAX_VOCABULARY_BYTES, Reader, Vocabulary

from conftest import CORPUS, write_article
from test_corpus import alias_bomb

ANALYZER = Analyzer()


@pytest.fixture(scope="module")
def reader(bot):
    return bot.reader


@pytest.fixture(scope="module")
def plain_reader(bot):
    """The corpus's terms with no vocabulary: typo tolerance on its own."""
    return Reader(Vocabulary(), ANALYZER, bot.reader.known, bot.index.engine.n_docs)


# -- the bundled vocabulary file ---------------------------------------------------------------


def test_bundled_vocabulary_loads_every_part():
    vocab = Vocabulary.for_corpus(CORPUS)
    assert vocab.same_as and vocab.not_covered and vocab.ask_a_clinician and vocab.context and vocab.ignore


def test_every_same_as_entry_names_words_the_articles_use(bot):
    """A mistyped left-hand side would silently add nothing to searches."""
    known = bot.reader.known
    vocab = Vocabulary.for_corpus(CORPUS)
    for target in {t for _, t in vocab.same_as}:
        assert any(t in known for t in ANALYZER(target)), f"same_as '{target}': no word of it is in the articles"


def test_vocabulary_file_is_not_an_article():
    assert all(s.article_slug != "vocabulary" for s in load_corpus(CORPUS).sections)


# -- loading errors, for clinic staff ----------------------------------------------------------


@pytest.mark.parametrize("data,message", [
    ({"same_as": {"injections": ["shots", True]}}, "put words like yes, no"),
    ({"same_as": {"injections": "shots"}}, "give a list of phrases"),
    ({"same_as": ["injections"]}, "must map a name"),
    ({"synonyms": {}}, "unknown part(s) synonyms"),
    ({"ignore": "help"}, "'ignore' must be a list"),
    ({"context": ["gp said"]}, "'context' may have 'people', 'verbs' and 'phrases'"),
    ({"context": {"people": ["gp"], "verbs": "said"}}, "'context' may have 'people', 'verbs' and 'phrases'"),
    ({"context": {"people": ["gp"], "said": ["x"]}}, "'context' may have 'people', 'verbs' and 'phrases'"),
    (["not", "a", "mapping"], "must be a mapping"),
])
def test_bad_vocabulary_is_refused_with_a_clear_message(data, message):
    with pytest.raises(CorpusError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Vocabulary.from_dict(data)


def test_invalid_yaml_names_the_file_and_line(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_text("same_as:\n  injections: [shots\n", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        Vocabulary.load(path)
    assert str(path) in str(err.value) and "not valid YAML" in str(err.value)


def test_yaml_alias_bomb_refused_in_the_vocabulary(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_text(f"ignore: {alias_bomb(6)}\n", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        Vocabulary.load(path)
    assert str(err.value).startswith(f"{path}:1: YAML anchors and aliases ('&name', '*name') are not allowed")


@pytest.mark.parametrize("content, line, message", [
    (f"same_as:\n  injections: [shots, {'x' * (MAX_ENTRY_CHARS + 1)}]\n", 2,
     f"a value is {MAX_ENTRY_CHARS + 1} characters long; the limit is {MAX_ENTRY_CHARS}"),
    ("ignore:\n" + "".join(f"  - w{i}\n" for i in range(MAX_ENTRIES)), MAX_ENTRIES + 1,
     f"over the limit of {MAX_ENTRIES:,} keys and values"),
    ("ignore: [" + "word, " * (MAX_VOCABULARY_BYTES // 6) + "end]\n", 1, f"over the limit of {MAX_VOCABULARY_BYTES:,} bytes"),
    ("same_as:\n  injections: &shots [shots]\n  botox: *shots\n", 2, "anchors and aliases"),
    ("same_as:\n  x: " + "[" * 20 + "]" * 20 + "\n", 2, "nested more than 8 levels"),
    ("ignore: [caf\xe9]\n".encode("latin-1"), 1, "not UTF-8"),
])
def test_vocabulary_over_a_limit_is_refused_with_file_and_line(tmp_path, content, line, message):
    path = tmp_path / FILE_NAME
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CorpusError, match=message) as err:
        Vocabulary.load(path)
    assert str(err.value).startswith(f"{path}:{line}: ")


def test_a_corpus_without_a_vocabulary_still_answers(tmp_path):
    write_article(tmp_path, "neck.md", "---\ntitle: Neck care\nsource: test\nreviewed: 2026-01-01\n---\n\n"
                  "## Neck pain\n\nNeck pain often eases with gentle stretching.\n")
    corpus = load_corpus(tmp_path)
    bot = Bot(CorpusIndex.from_corpus(corpus), Config(corpus=tmp_path))
    assert bot.reader.vocabulary == Vocabulary()
    assert bot.ask("does neck pain ease with stretching?").status == "answered"


def test_an_edited_vocabulary_takes_effect(tmp_path, corpus):
    vocab = Vocabulary.from_dict({"same_as": {"trapezius": ["traps"]}})
    bot = Bot(CorpusIndex.from_corpus(corpus), Config(corpus=CORPUS), vocabulary=vocab)
    assert "trapezius" in bot.reader.read("sore traps").expansions
    assert Vocabulary().same_as == ()


# -- phrase matching ---------------------------------------------------------------------------


@pytest.mark.parametrize("question,expected_terms", [
    ("can shots help?", {"inject"}),  # lay term
    ("Botox SHOT", {"inject"}),  # case and singular/plural
    ("Dysport for spasms", {"botox"}),  # brand name
    ("onabotulinumtoxinA", {"botox"}),  # generic name
    ("shingles pain", {"post", "herpet", "neuralgia"}),  # lay name of a condition
    ("PHN", {"post", "herpet", "neuralgia"}),  # abbreviation
    ("pins and needles in my feet", {"tingl"}),  # phrase with a stop word inside
    ("my physio", {"physic", "therapi"}),
    ("a twisted neck", {"cervic", "dystonia"}),
    ("wry neck", {"cervic", "dystonia"}),
    ("is it just to look young", {"cosmet", "wrinkl"}),
    ("my head is killing me", {"headach"}),
])
def test_patient_phrases_add_the_articles_words(reader, question, expected_terms):
    assert expected_terms <= set(reader.read(question).expansions)


def test_longest_phrase_wins(reader):
    # "upper back" must not be read as "back" -> lower back
    reading = reader.read("upper back pain")
    assert "trapezius" in reading.expansions and "lower" not in reading.expansions


def test_accents_fold_before_matching(reader):
    assert reader.read("névralgie post-herpétique").terms == reader.read("nevralgie post-herpetique").terms
    assert "inject" in reader.read("SHÓTS").expansions


@pytest.mark.parametrize("question,topic", [
    ("what does botox cost", "cost and payment"),
    ("is it covered by insurance", "insurance"),
    ("what are the side effects", "side effects and risks"),
    ("how soon does it start working", "how soon it works and how long it lasts"),
    ("can I exercise after the injection", "aftercare"),
])
def test_not_covered_topics(reader, question, topic):
    assert topic in reader.read(question).not_covered


@pytest.mark.parametrize("question,expect", [
    ("how many units do I need", True),
    ("what dose should I get", True),
    ("do I have neuropathy?", True),
    ("do I have to see a doctor first?", False),  # a longer same_as phrase wins
    ("does botox help neuropathy", False),
    ("can you tell me if my numb toes are neuropathy", True),
    ("what are my options for nerve pain", False),
])
def test_personal_questions_go_to_a_clinician(reader, question, expect):
    assert bool(reader.read(question).ask_a_clinician) is expect


# -- typo tolerance ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed,meant", [
    ("migrane", "migrain"),
    ("migrianes", "migrain"),
    ("nueropathic", "neuropath"),
    ("pian", "pain"),  # swapped letters, even in a short word
    ("spacticity", "spastic"),
    ("trapezious", "trapezius"),
    ("acetylcholin", "acetylcholin"),  # already a known stem: unchanged
])
def test_typos_are_read_as_the_known_word(plain_reader, typed, meant):
    stem = ANALYZER.term(typed)
    assert (stem if plain_reader.is_known(stem) else plain_reader.correct(stem)) == meant


@pytest.mark.parametrize("word", [
    "feels",  # short real words are not "corrected" ("feel" is not "fee")
    "insurance",  # close to "injuries" only by letters
    "cost",
    "teeth",
    "xyzzy",
])
def test_real_words_are_not_corrected_into_other_words(plain_reader, word):
    assert plain_reader.correct(ANALYZER.term(word)) is None


def test_a_typo_reaches_the_right_section(bot):
    a = bot.ask("can botox help nueropathy in my feet")
    assert a.status == "answered" and a.citations[0].section == "Neuropathic Pain Relief"


def test_first_letter_must_match():
    reader = Reader(Vocabulary(), ANALYZER, {"migrain": 2.0}, n_docs=3)
    assert reader.correct("nigrain") is None
    assert reader.correct("migrann") == "migrain"


# -- content units and their weights -----------------------------------------------------------


def test_unknown_words_are_reported(reader):
    assert reader.read("botox for teeth grinding").unknown == ("teeth", "grinding")


def test_filler_contractions_and_short_words_are_not_content(reader):
    reading = reader.read("I'm wondering, can u tell me if it doesn't help migraines")
    assert [u.text for u in reading.units] == ["migraines"]


def test_a_word_in_every_section_weighs_almost_nothing(reader):
    from qa_bot.vocabulary import MIN_KNOWN_WEIGHT, UNKNOWN_WEIGHT

    (pain,) = reader.read("pain").units  # in every section
    assert pain.weight == MIN_KNOWN_WEIGHT
    (botox,) = reader.read("botox").units  # in all sections but one
    (spasm,) = reader.read("dystonia").units  # in one section
    assert pain.weight < botox.weight < 0.2 < spasm.weight
    (unknown,) = reader.read("teeth").units
    assert unknown.weight == UNKNOWN_WEIGHT and not unknown.terms


def test_context_phrases_are_every_person_with_every_verb():
    vocab = Vocabulary.from_dict({"context": {"people": ["GP", "pain doctor"], "verbs": ["said", "told me"]}})
    reader = Reader(vocab, ANALYZER, {t: 2.0 for t in ("gp", "pain", "doctor", "said", "told", "migrain")}, n_docs=3)
    for who in ("my GP", "the pain doctor"):
        for said in ("said", "told me"):
            assert [u.text for u in reader.read(f"{who} {said} migraine").units] == ["migraine"], (who, said)
    # a person without a verb, or a verb without a person, is part of the question
    assert [u.text for u in reader.read("pain doctor migraine").units] == ["pain", "doctor", "migraine"]
    assert [u.text for u in reader.read("said migraine").units] == ["said", "migraine"]


def test_the_longest_person_and_verb_win_over_a_shorter_phrase():
    vocab = Vocabulary.from_dict({"same_as": {"migraine": ["gp said"]},
                                  "context": {"people": ["gp"], "verbs": ["said", "said to try"]}})
    reader = Reader(vocab, ANALYZER, {t: 2.0 for t in ("gp", "said", "tri", "migrain")}, n_docs=3)
    assert reader.read("gp said").expansions == ("migrain",)  # as long as the pair: the listed phrase
    assert reader.read("gp said to try").expansions == ()  # longer: who said it, passed over


def test_context_people_times_verbs_is_not_expanded():
    """500 people and 500 verbs are 1,000 entries, not 250,000 phrases (a 49 kB file took 1.5 GB and 11 s)."""
    vocab = Vocabulary.from_dict({"context": {"people": [f"person{i}" for i in range(500)],
                                              "verbs": [f"verb{i}" for i in range(500)]}})
    held = len(vocab.context) + len(getattr(vocab, "people", ())) + len(getattr(vocab, "verbs", ()))
    assert held == 1000
    reader = Reader(vocab, ANALYZER, {"migrain": 2.0}, n_docs=3)
    assert [u.text for u in reader.read("person499 verb0 migraine").units] == ["migraine"]


def test_who_said_it_is_not_the_topic(reader):
    with_context = reader.read("my neurologist suggested botox for my migraines")
    assert "migrain" in with_context.terms
    assert not {"neurologist", "suggest"} & {t for u in with_context.units for t in u.terms}
    assert [u.text for u in with_context.units] == [u.text for u in reader.read("botox for my migraines").units]
    # without a reporting verb, the doctor is part of the question
    assert "doctor" in " ".join(u.text for u in reader.read("should i see a doctor before botox").units)
    # "came back" is a turn of speech, not the back
    assert "back" not in reader.read("my migraines came back").terms
    assert "back" in reader.read("my back hurts").terms


@pytest.mark.parametrize("question", ["my calf cramps at night", "cramps in my thigh", "my toes keep cramping",
                                      "the cramps came back again and i can't stand it anymore"])
def test_where_it_hurts_does_not_sink_a_covered_question(bot, question):
    answer = bot.ask(question)
    assert answer.status == "answered" and answer.citations[0].section == "Managing Muscle Spasms"


@pytest.mark.parametrize("question,section", [
    ("what conditions cause chronic pain", "Introduction"),  # asks for causes, not for what botox treats
    ("which conditions can botox help", "Conclusion"),
])
def test_what_conditions_questions_find_their_section(bot, question, section):
    assert bot.ask(question).citations[0].section == section

