"""The vocabularies (the general one in the package, the clinic's on top), phrase matching, what
applies over a corpus, typo tolerance and question reading."""

from __future__ import annotations

import shutil
import tomllib

import pytest

from qa_bot.analysis import Analyzer
from qa_bot.answer import Bot
from qa_bot.config import Config
from qa_bot.corpus import load_corpus
from qa_bot.errors import CorpusError
from qa_bot.index import CorpusIndex
from qa_bot import vocabulary as vocabulary_module
from qa_bot.vocabulary import (FILE_NAME, GENERAL_FILE, MAX_ENTRIES, MAX_ENTRY_CHARS, MAX_VOCABULARY_BYTES, Reader,
                               Vocabulary)

from conftest import CORPUS, PROJECT_ROOT, write_article
from test_corpus import alias_bomb

ANALYZER = Analyzer()


@pytest.fixture(scope="module")
def reader(bot):
    return bot.reader


@pytest.fixture(scope="module")
def plain_reader(bot):
    """The corpus's terms with no vocabulary: typo tolerance on its own."""
    return Reader(Vocabulary(), ANALYZER, bot.reader.known, bot.index.engine.n_docs)


def reader_over(text: str, vocabulary: Vocabulary | None = None) -> Reader:
    """A reader over a corpus whose only words are those of ``text`` (the general vocabulary by default)."""
    known = {t: 2.0 for t in ANALYZER(text)}
    return Reader(Vocabulary.general(ANALYZER) if vocabulary is None else vocabulary, ANALYZER, known, n_docs=10)


# -- the bundled vocabulary files --------------------------------------------------------------


def test_bundled_vocabularies_load_every_part():
    clinic = Vocabulary.load(CORPUS / FILE_NAME)
    assert clinic.same_as and clinic.not_covered and clinic.ask_a_clinician and clinic.ignore
    general = Vocabulary.general()
    assert general.same_as and general.not_covered and general.ask_a_clinician and general.context and general.people
    assert general.fallbacks == {stems for stems, _ in general.same_as}  # used only where the articles lack them


def test_every_clinic_same_as_entry_names_words_the_articles_use(bot):
    """A mistyped left-hand side would silently add nothing to searches. (Not so the general
    vocabulary: it names the words of every specialty, and those no article uses do nothing.)"""
    known = bot.reader.known
    for target in {t for _, t in Vocabulary.load(CORPUS / FILE_NAME).same_as}:
        assert any(t in known for t in ANALYZER(target)), f"same_as '{target}': no word of it is in the articles"


def test_the_general_vocabulary_is_package_data():
    """It must be in the wheel, not only in a checkout: pyproject.toml's package-data names it."""
    package_data = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert any(GENERAL_FILE.match(f"qa_bot/{pattern}") for pattern in package_data["qa_bot"])
    assert GENERAL_FILE.is_file()


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


def test_a_corpus_without_a_vocabulary_file_gets_the_general_one(tmp_path):
    write_article(tmp_path, "neck.md", "---\ntitle: Neck care\nsource: test\nreviewed: 2026-01-01\n---\n\n"
                  "## Neck pain\n\nNeck pain often eases with gentle stretching.\n")
    corpus = load_corpus(tmp_path)
    bot = Bot(CorpusIndex.from_corpus(corpus), Config(corpus=tmp_path))
    assert bot.reader.vocabulary == Vocabulary.general()
    assert bot.ask("does neck pain ease with stretching?").status == "answered"
    assert bot.ask("my neck hurts, does stretching help?").status == "answered"  # "hurts": the general vocabulary


def test_a_broken_general_vocabulary_is_refused_with_file_and_line(tmp_path, monkeypatch):
    path = tmp_path / "general-vocabulary.yaml"
    path.write_text("same_as:\n  injections: [shots\n", encoding="utf-8")
    monkeypatch.setattr(vocabulary_module, "GENERAL_FILE", path)
    with pytest.raises(CorpusError, match="not valid YAML") as err:
        Vocabulary.for_corpus(tmp_path)
    assert str(err.value).startswith(f"{path}:")


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
    ("is it worth switching doctors", "finding a clinician"),
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
    ("which muscles should I get injected?", True),  # a treatment plan is personal too
    ("which muscles does botox relax", False),
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
    # in every section too: each section is indexed under its article's title, which names Botox
    (botox,) = reader.read("botox").units
    (spasm,) = reader.read("dystonia").units  # in one section
    assert pain.weight == botox.weight == MIN_KNOWN_WEIGHT < 0.2 < spasm.weight
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



# -- the general vocabulary --------------------------------------------------------------------


@pytest.mark.parametrize("question,articles_say,expected", [
    ("is Tylenol ok with this", "acetaminophen", {"acetaminophen"}),  # brand -> generic
    ("is Tylenol ok with this", "paracetamol", {"paracetamol"}),  # whichever name the articles use
    ("what about Advil", "ibuprofen", {"ibuprofen"}),
    ("I take Lipitor", "atorvastatin", {"atorvastatin"}),
    ("on Glucophage since May", "metformin", {"metformin"}),
    ("Botox for wrinkles", "botulinum toxin", {"botulinum", "toxin"}),
    ("my water pills", "diuretics", {"diuret"}),
    ("pins and needles in my toes", "paresthesia", {"paresthesia"}),
    ("after a heart attack", "myocardial infarction", {"myocardi", "infarct"}),
    ("after a myocardial infarction", "heart attack", {"heart", "attack"}),  # and the other way round
    ("is pink eye catching", "conjunctivitis", {"conjunct"}),
    ("my high bp", "hypertension", {"hypertens"}),
    ("a sore tummy", "abdominal", {"abdomin"}),
    ("it stings when i pee", "urine", {"urin"}),
    ("is a water infection serious", "urinary tract infection", {"urinari", "tract"}),  # kidneys, bladder and gut
    ("what causes piles", "hemorrhoids", {"hemorrhoid"}),
    ("how much fibre a day", "fiber", {"fiber"}),  # British spellings
    ("is coeliac disease inherited", "celiac", {"celiac"}),
    ("I rush to the toilet", "urgency", {"urgenc"}),
    ("what sets off eczema", "triggers", {"trigger"}),
    ("what helps eczema", "treatment", {"treatment"}),
    ("why do i get eczema", "causes", {"caus"}),
    ("is my son prone to eczema", "risk factors", {"risk", "factor"}),
    ("how do they test for eczema", "diagnosis", {"diagnosi"}),
    ("my eczema: will it go away", "outlook", {"outlook"}),
    ("warning signs of eczema", "symptoms", {"symptom"}),
])
def test_general_vocabulary_bridges_patients_words_to_the_articles(question, articles_say, expected):
    assert expected <= set(reader_over(f"{articles_say} eczema").read(question).expansions)


def test_a_general_phrase_is_not_used_where_the_articles_use_its_words():
    """An article that says "heart attack" is searched for "heart attack", not also for the
    clinical name (which would pull towards any section that happens to use it)."""
    reader = reader_over("heart attack myocardial infarction")
    assert reader.read("after a heart attack").expansions == ()
    assert reader.read("after a heart attack").terms == ("heart", "attack")
    assert reader.read("after a heart attack").meanings == ()  # the encoder reads it as typed


def test_worry_and_weight_in_patients_words():
    reader = reader_over("weight gain in heart failure")
    reading = reader.read("she put on 2 kilos in 2 days, should we be worried?")
    assert [u.text for u in reading.units] == ["kilos", "days"] and "weight" in reading.expansions


def test_the_occasion_of_a_question_is_not_an_aspect_it_asks_about():
    """Articles that use "appointment" make it an aspect (the section that answers must name it),
    but "bring *to my appointment*" asks what to bring: the occasion is context, neither searched
    nor required."""
    reader = reader_over("what to bring arriving for your appointment")
    assert [topic for topic, _ in reader.read("how do I change my appointment").aspects] == [
        "appointments and the clinic itself"]
    reading = reader.read("What should I bring to my appointment?")
    assert reading.aspects == () and reading.terms == ("bring",)


def test_a_general_phrase_the_articles_use_still_stands_for_their_words_in_coverage():
    """Another article's "swollen" does not make the heart failure section that says "swelling"
    fail to hold "swollen ankles": the phrase's unit is held by either, and weighs what the
    patient's own words weigh."""
    known = {t: 2.0 for t in ANALYZER("swollen ankles heart failure")} | {t: 4.0 for t in ANALYZER("swelling edema")}
    reader = Reader(Vocabulary.general(ANALYZER), ANALYZER, known, n_docs=10)
    reading = reader.read("why are her ankles so swollen")
    assert reading.expansions == () and reading.meanings == () and "swell" not in reading.terms
    unit = next(u for u in reading.units if "swollen" in u.text)
    assert {"swollen", "swell", "edema"} <= unit.terms
    assert unit.weight == reader.term_weight("swollen") < reader.term_weight("edema")


def test_an_entry_whose_article_words_no_article_uses_does_nothing():
    reader = reader_over("eczema")  # no "conjunctivitis"
    reading = reader.read("pink eye")
    assert reading.expansions == () and reading.unknown == ("pink", "eye")


def test_question_phrasings_count_where_the_articles_have_the_word():
    # "what helps" is made of words that say nothing ("help" is an ignore word): read with the
    # vocabulary it asks for treatment, which the coverage check then looks for
    reading = reader_over("treatment eczema").read("what helps eczema")
    assert [(u.text, u.terms) for u in reading.units] == [("what helps", {"treatment"}), ("eczema", {"eczema"})]


# -- the clinic's vocabulary on top of the general one -------------------------------------------


def test_a_clinic_entry_wins_over_the_general_one_for_the_same_phrase():
    clinic = Vocabulary.from_dict({"same_as": {"neck": ["tummy"]}}, ANALYZER)
    reader = reader_over("neck abdominal", clinic.over(Vocabulary.general(ANALYZER)))
    assert reader.read("tummy").expansions == ("neck",)
    assert reader.read("belly").expansions == ("abdomin",)  # the rest of the general entry stays


def test_lists_of_one_entry_add_up():
    clinic = Vocabulary.from_dict({"same_as": {"abdominal": ["my insides"]},
                                   "not_covered": {"cost and payment": ["how dear"]}}, ANALYZER)
    reader = reader_over("abdominal", clinic.over(Vocabulary.general(ANALYZER)))
    assert reader.read("my insides").expansions == reader.read("tummy").expansions == ("abdomin",)
    assert reader.read("how dear is it").not_covered == reader.read("what does it cost").not_covered


def test_a_clinic_ignore_word_overrides_a_general_phrase():
    clinic = Vocabulary.from_dict({"ignore": ["tummy"]}, ANALYZER)
    reading = reader_over("abdominal", clinic.over(Vocabulary.general(ANALYZER))).read("tummy")
    assert reading.expansions == () and reading.units == ()


def test_ignore_words_people_and_verbs_are_pooled():
    clinic = Vocabulary.from_dict({"ignore": ["blimey"], "context": {"people": ["osteopath"], "verbs": ["reckons"]}},
                                  ANALYZER)
    merged = clinic.over(Vocabulary.general(ANALYZER))
    assert {"blimey", "help"} <= merged.ignore
    assert {("osteopath",), ("gp",)} <= set(merged.people) and {("reckon",), ("said",)} <= set(merged.verbs)
    assert len(merged.people) == len(set(merged.people))


def test_the_clinic_file_is_read_on_top_of_the_general_vocabulary():
    vocab = Vocabulary.for_corpus(CORPUS)
    assert vocab == Vocabulary.load(CORPUS / FILE_NAME).over(Vocabulary.general())
    phrases = {stems for stems, _ in vocab.same_as}
    assert ("treatment", "session") in phrases and ("tylenol",) in phrases  # the clinic's and the general one's


# -- "not covered" never hides an article that covers the topic ------------------------------------


KNEE, COSTS = "Knee Pain: When to Consider Injections", "Costs and Insurance"
FRONT = "---\ntitle: \"{title}\"\nsource: Pink Marble clinic\nreviewed: 2026-11-24\n---\n\n"
EXTRA_ARTICLES = {
    "knee.md": FRONT.format(title=KNEE)
    + "Knee pain is one of the commonest reasons people come to the clinic.\n\n"
      "## What helps knee pain\n\n"
      "For most people, knee pain from wear and tear eases with strengthening exercises, losing a little "
      "weight and simple painkillers. A steroid injection into the knee joint can calm a painful flare for "
      "a few weeks.\n",
    "cost.md": FRONT.format(title=COSTS)
    + "What patients pay depends on the treatment and on their insurance.\n\n"
      "## What a treatment costs\n\n"
      "A Botox treatment session for chronic migraine costs between 300 and 600 dollars, depending on the "
      "dose. The price includes the consultation on the day.\n\n"
      "## Insurance and payment\n\n"
      "Most insurance plans cover Botox for chronic migraine once other treatments have been tried. "
      "We can set up a payment plan for the rest.\n",
}


def bot_over(folder, extras=()) -> Bot:
    """A bot over the bundled article and vocabulary, plus the named EXTRA_ARTICLES."""
    folder.mkdir()
    for name in ("botox-chronic-pain.md", FILE_NAME):
        shutil.copy(CORPUS / name, folder / name)
    for name in extras:
        write_article(folder, name, EXTRA_ARTICLES[name])
    return Bot(CorpusIndex.from_corpus(load_corpus(folder)), Config(corpus=folder))


@pytest.fixture(scope="module")
def bots(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpora")
    return {"bundled": bot_over(root / "bundled"), "knee": bot_over(root / "knee", ["knee.md"]),
            "cost": bot_over(root / "cost", ["cost.md"])}


@pytest.mark.parametrize("corpus,question,topic,article", [
    ("knee", "what can help knee pain", "other conditions and body areas", KNEE),
    ("knee", "my knee hurts, would an injection help", "other conditions and body areas", KNEE),  # "hurts": pain
    ("cost", "how much does botox cost", "cost and payment", COSTS),
    ("cost", "what is the price of a session", "cost and payment", COSTS),
    ("cost", "is botox covered by insurance", "insurance", COSTS),
])
def test_not_covered_never_hides_an_article_on_the_topic(bots, corpus, question, topic, article):
    refused = bots["bundled"].ask(question)
    assert refused.status == "no_answer" and topic in refused.reason
    answered = bots[corpus].ask(question)
    assert answered.status == "answered" and answered.citations[0].article == article, answered.reason


@pytest.mark.parametrize("corpus,question,topic", [
    ("knee", "botox for tennis elbow", "other conditions and body areas"),  # knees, not elbows
    ("knee", "how much does botox cost", "cost and payment"),
    ("cost", "what can help knee pain", "other conditions and body areas"),
    ("cost", "what should I avoid after my botox injection", "aftercare"),
])
def test_topics_the_added_article_does_not_cover_stay_refused(bots, corpus, question, topic):
    assert topic in bots[corpus].reader.read(question).not_covered


def test_a_phrase_of_small_words_follows_its_topic(bots):
    """"how much is" has no word of its own to look for: it stops applying once the articles use
    the topic's own words (cost, price...)."""
    assert bots["bundled"].reader.read("how much is it").not_covered == ("cost and payment",)
    assert bots["cost"].reader.read("how much is it").not_covered == ()


def test_a_topic_the_articles_name_is_still_asked_about(bots):
    """Once the articles use a not_covered topic's words it no longer refuses at once, but the
    question still asks about it: the reading names it with the terms a section must hold."""
    reading = bots["cost"].reader.read("how much does botox for migraines cost")
    assert reading.not_covered == ()
    assert dict(reading.aspects)["cost and payment"] >= {bots["cost"].index.engine.analyzer.term("cost")}
    assert bots["bundled"].reader.read("how much does botox for migraines cost").aspects == ()  # refused outright
    # the section that answers names the cost, though the migraine section is closer in meaning
    a = bots["cost"].ask("how much does botox for migraines cost")
    assert a.status == "answered" and a.citations[0].article == COSTS, a.reason


def test_an_aspect_no_section_found_names_is_no_answer():
    reader = reader_over("Prepare your meals with less salt. A kidney biopsy takes a tissue sample.")
    assert [topic for topic, _ in reader.read("how do you prepare for a kidney biopsy").aspects] == ["preparing for it"]
    assert reader.read("what is a kidney biopsy").aspects == ()


def test_personal_questions_stay_with_a_clinician_whatever_the_articles_say(bots):
    assert bots["cost"].reader.read("what dose should I get").ask_a_clinician


@pytest.mark.parametrize("content,line", [
    ("ignore: [help]\nsame_as:\n  injections: [shots]\n  botox: [yes, dysport]\n", 4),
    ("same_as:\n  injections: [shots]\nnot_covered: [cost]\n", 3),
    ("ignore: [help]\nsynonyms:\n  a: [b]\n", 2),
    ("same_as:\n  injections: [shots]\ncontext:\n  people: gp\n", 3),
    ("same_as:\n  injections: [shots]\nignore: {help: yes}\n", 3),
    ("- not\n- a mapping\n", 1),
])
def test_a_misshapen_vocabulary_is_refused_with_file_and_line(tmp_path, content, line):
    path = tmp_path / FILE_NAME
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        Vocabulary.load(path)
    assert str(err.value).startswith(f"{path}:{line}: ")


# The vocabulary as an index build saves it (vocabulary.json): read back equal, used while its
# sources are unchanged, passed over (the files read again, no rebuild) once one changes.

def test_the_saved_form_reads_back_as_the_same_vocabulary():
    saved = vocabulary_module.saved_form(CORPUS, ANALYZER)
    assert saved["key"] == vocabulary_module.source_key(CORPUS, ANALYZER)
    assert Vocabulary.from_data(saved["vocabulary"]) == Vocabulary.for_corpus(CORPUS, ANALYZER)


def test_a_built_index_carries_the_vocabulary_and_a_bot_starts_from_it(tmp_path, monkeypatch):
    from qa_bot.index import VOCABULARY_FILE, build_index

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    build_index(corpus, tmp_path / "index")
    index = CorpusIndex.load(tmp_path / "index")
    assert VOCABULARY_FILE in index.manifest["files"]  # sealed with a checksum like every file
    expected = Vocabulary.for_corpus(corpus, index.engine.analyzer)

    def no_reading(*args, **kwargs):
        raise AssertionError("the vocabulary files were read although the index holds them")

    monkeypatch.setattr(Vocabulary, "load", no_reading)
    bot = Bot(index, Config(corpus=corpus, index_dir=tmp_path / "index", rate_limit=""))
    assert bot.reader.vocabulary == expected

    # The clinic edits its vocabulary: the saved one no longer applies, the file is read again.
    monkeypatch.undo()
    text = (corpus / FILE_NAME).read_text(encoding="utf-8")
    assert "\nignore: [" in text
    (corpus / FILE_NAME).write_text(text.replace("\nignore: [", "\nignore: [zebrafinch, "), encoding="utf-8")
    edited = Bot(index, Config(corpus=corpus, index_dir=tmp_path / "index", rate_limit=""))
    assert ANALYZER.term("zebrafinch") in edited.reader.vocabulary.ignore
    assert edited.reader.vocabulary == Vocabulary.for_corpus(corpus, index.engine.analyzer)


def test_a_saved_vocabulary_of_another_shape_is_passed_over():
    expected = Vocabulary.for_corpus(CORPUS, ANALYZER)
    key = vocabulary_module.source_key(CORPUS, ANALYZER)
    for saved in ({"key": key, "vocabulary": {"same_as": 3}}, {"key": key}, {"key": "0" * 64, "vocabulary": {}}):
        assert Vocabulary.for_corpus(CORPUS, ANALYZER, saved) == expected


def _first_best_fix(reader, stem):
    """correct()'s rule, one candidate at a time: a swap of two letters counts as a match, else the
    most similar candidate over MIN_TYPO_SIMILARITY; the first in the candidates' order on a tie."""
    from rapidfuzz.distance import OSA, Indel

    best = None
    if len(stem) >= vocabulary_module.MIN_SWAP_LENGTH and stem.isalpha():
        for cand in reader._candidates.get(stem[0], ()):
            if len(cand) == len(stem) and OSA.distance(stem, cand) == 1 and sorted(cand) == sorted(stem):
                sim = 1.0
            elif len(stem) >= vocabulary_module.MIN_TYPO_LENGTH and len(cand) >= vocabulary_module.MIN_TYPO_LENGTH:
                sim = Indel.normalized_similarity(stem, cand)
            else:
                continue
            if sim >= vocabulary_module.MIN_TYPO_SIMILARITY and (best is None or sim > best[0]):
                best = (sim, cand)
    return best[1] if best else None


def test_spelling_fixes_are_the_first_best_candidate(bot):
    # correct() compares in rapidfuzz's loop; it must pick what comparing one by one picks
    import random

    rng = random.Random(0)
    known = [s for stems in bot.reader._candidates.values() for s in stems]
    typed = []
    for _ in range(1500):
        letters = list(rng.choice(known))
        i, slip = rng.randrange(len(letters)), rng.randrange(4)
        if slip == 0:
            letters[i] = rng.choice("aeinrst")  # a wrong letter
        elif slip == 1:
            del letters[i]  # one left out
        elif slip == 2:
            letters.insert(i, rng.choice("aeiou"))  # one too many
        elif i + 1 < len(letters):
            letters[i], letters[i + 1] = letters[i + 1], letters[i]  # two swapped
        typed.append("".join(letters))
    reader = Reader(bot.reader.vocabulary, ANALYZER, bot.reader.known, bot.index.engine.n_docs)
    fixes = [reader.correct(t) for t in typed]
    assert fixes == [_first_best_fix(reader, t) for t in typed]
    assert sum(f is not None for f in fixes) > 500  # most are fixed: the comparison is not of Nones
