"""The hybrid ranker and the sections' vectors: meaning where words fail, evidence, persistence."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import write_article
from qa_bot import ranker
from qa_bot.answer import Bot
from qa_bot.config import Config
from qa_bot.corpus import load_corpus
from qa_bot.errors import DamagedIndexError
from qa_bot.index import CURRENT, CorpusIndex, build_index, read_manifest, stale_reason
from qa_bot.ranker import Ranker, SectionVectors, shared_encoder

HEAD = "---\ntitle: {t}\nsource: Clinic\nreviewed: 2026-01-02\n---\n"


@pytest.fixture(scope="module")
def eyes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("eyes")
    write_article(folder, "dry-eye.md", HEAD.format(t="Dry Eye") + "## Symptoms\n\n"
                  "Dry eye happens when the eye does not make enough tears. The eyes may sting, burn or feel "
                  "as if there is sand in them.\n\n## Treatment\n\nArtificial tears moisten the eye.\n")
    write_article(folder, "cataract.md", HEAD.format(t="Cataract") + "## Symptoms\n\n"
                  "A cataract clouds the lens. Colours look faded and lights seem to glare at night.\n")
    write_article(folder, "acne.md", HEAD.format(t="Acne") + "## Causes\n\n"
                  "Pimples form when hair follicles under the skin clog up.\n")
    index = CorpusIndex.from_corpus(load_corpus(folder))
    return Bot(index, Config(corpus=folder))


def test_meaning_finds_the_section_that_words_miss(eyes):
    # no word of the question is in any article: only the encoder links "misty" sight to a cataract
    [best, *_] = eyes.rank("my sight has gone misty and dim", 3)
    assert (eyes.index.sections[best.row].article_title, eyes.index.sections[best.row].title) == ("Cataract", "Symptoms")
    assert best.lexical == 0 and best.dense > 0.3


def test_candidates_carry_their_evidence_best_first(eyes):
    ranked = eyes.rank("why do I get pimples", 5)
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    for c in ranked:
        assert -1 <= c.dense <= 1 and -1 <= c.heading <= 1 and 0 <= c.coverage <= 1 and 0 <= c.lexical < 1
        assert c.score < 1
    assert eyes.index.sections[ranked[0].row].article_title == "Acne" and ranked[0].coverage == 1.0


def test_section_vectors_are_unit_rows_of_the_index(eyes):
    vectors = eyes.index.vectors
    assert vectors.body.shape == vectors.title.shape == (len(eyes.index.sections), 384)
    assert vectors.body.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors.body, axis=1), 1, atol=1e-5)
    assert vectors.params == shared_encoder().params()


def test_vectors_are_saved_as_plain_arrays_recorded_in_the_manifest(tmp_path):
    corpus = tmp_path / "corpus"
    write_article(corpus, "a.md", HEAD.format(t="Acne") + "Pimples form when follicles clog.\n")
    built = build_index(corpus, tmp_path / "index")
    manifest = read_manifest(tmp_path / "index")
    assert set(SectionVectors.FILES) <= set(manifest["files"])
    assert manifest["encoder"]["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert manifest["encoder"]["weights_sha256"] == shared_encoder().params()["weights_sha256"]
    loaded = CorpusIndex.load(tmp_path / "index")
    assert np.array_equal(loaded.vectors.body, built.vectors.body)
    assert np.array_equal(loaded.vectors.title, built.vectors.title)


def test_another_model_means_a_rebuild(tmp_path):
    corpus = tmp_path / "corpus"
    write_article(corpus, "a.md", HEAD.format(t="Acne") + "Pimples form when follicles clog.\n")
    index = build_index(corpus, tmp_path / "index")
    manifest = read_manifest(tmp_path / "index")
    assert stale_reason(manifest, index.manifest["corpus_digest"]) is None
    other = {**manifest["encoder"], "weights_sha256": "0" * 64}
    assert stale_reason(manifest, index.manifest["corpus_digest"], other) == "sentence encoder changed"


@pytest.mark.parametrize("damage,message", [
    (lambda a: a[:, :100], r"vectors_body\.npy holds a float32 array of shape \(1, 100\)"),
    (lambda a: a * 2, r"vectors_body\.npy holds vectors that are not of unit length"),
    (lambda a: a.astype(np.float64), r"vectors_body\.npy holds a float64 array"),
])
def test_damaged_vectors_are_refused_naming_the_file(tmp_path, damage, message):
    corpus = tmp_path / "corpus"
    write_article(corpus, "a.md", HEAD.format(t="Acne") + "Pimples form when follicles clog.\n")
    build_index(corpus, tmp_path / "index")
    path = tmp_path / "index" / CURRENT / "vectors_body.npy"
    np.save(path, damage(np.load(path)))
    with pytest.raises(DamagedIndexError, match="does not match its checksum|has .* bytes"):
        CorpusIndex.load(tmp_path / "index")
    # past the checksums (a buggy writer would have sealed them), the shape and length checks catch it
    with pytest.raises(ValueError, match=message):
        SectionVectors.load(path.parent, 1, read_manifest(tmp_path / "index")["encoder"])


@pytest.mark.parametrize("damage", [
    lambda rows: rows + 1,  # the first passage is not the first section's
    lambda rows: rows.astype(np.int64),
    lambda rows: np.concatenate([rows, rows]),  # more rows than passage vectors
])
def test_damaged_passage_rows_are_refused_naming_the_file(tmp_path, damage):
    corpus = tmp_path / "corpus"
    write_article(corpus, "a.md", HEAD.format(t="Acne") + "Pimples form when follicles clog.\n")
    build_index(corpus, tmp_path / "index")
    folder = tmp_path / "index" / CURRENT
    params = read_manifest(tmp_path / "index")["encoder"]
    assert SectionVectors.load(folder, 1, params).rows.tolist() == [0]
    np.save(folder / "vectors_rows.npy", damage(np.load(folder / "vectors_rows.npy")))
    with pytest.raises(ValueError, match=r"vectors_\w+\.npy"):
        SectionVectors.load(folder, 1, params)


def test_a_long_section_is_as_close_as_its_best_passage():
    titles, texts = ["Acne: Treatment"], ["One. Two. Three. Four. Five."]
    passages, rows, heads = ranker._encoded_texts(titles, texts)
    assert passages == ["Acne: Treatment. One. Two. Three.", "Acne: Treatment. Two. Three. Four.",
                        "Acne: Treatment. Three. Four. Five."] and rows == [0, 0, 0] and heads == titles
    body = np.eye(4, dtype=np.float32)[[0, 1, 2, 3]]  # three passages of section 0, one of section 1
    vectors = SectionVectors(body, np.eye(4, dtype=np.float32)[:2], {}, np.array([0, 0, 0, 1], dtype=np.int32))
    assert vectors.dense(np.eye(4, dtype=np.float32)[2]).tolist() == [1.0, 0.0]


class CountingEncoder:
    """Stands in for the encoder: fixed unit vectors, and a count of the texts it was asked to encode."""

    dims = 4

    def __init__(self):
        self.encoded = []

    def params(self):
        return {"weights_sha256": "test-model", "dims": self.dims}

    def encode(self, texts, batch_size=32):
        self.encoded += list(texts)
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        out[np.arange(len(texts)), [len(t) % self.dims for t in texts]] = 1
        return out


def test_a_rebuild_encodes_only_sections_it_has_not_seen(monkeypatch):
    monkeypatch.setattr(ranker, "_memo", {})
    encoder = CountingEncoder()
    first = SectionVectors.build(["Acne", "Acne: Causes"], ["Pimples.", "Clogged follicles."], encoder)
    assert len(encoder.encoded) == 4  # two bodies, two titles
    again = SectionVectors.build(["Acne", "Acne: Causes", "Acne: Treatment"],
                                 ["Pimples.", "Clogged follicles.", "Creams."], encoder)
    assert encoder.encoded[4:] == ["Acne: Treatment. Creams.", "Acne: Treatment"]
    assert np.array_equal(again.body[:2], first.body) and np.array_equal(again.title[:2], first.title)


def test_an_index_of_records_has_no_vectors_and_ranks_by_words(tmp_path):
    kb = tmp_path / "kb.jsonl"
    kb.write_text('{"id": "g1", "title": "Glaucoma", "text": "Glaucoma damages the optic nerve."}\n'
                  '{"id": "c1", "title": "Cataract", "text": "A cataract clouds the lens."}\n', encoding="utf-8")
    bot = Bot.from_config(Config(corpus=kb, index_dir=tmp_path / "index"))
    assert bot.index.vectors is None and not bot.ranker.semantic
    [best] = bot.rank("optic nerve damage", 1)
    assert bot.index.sections[best.row].article_title == "Glaucoma" and best.dense == 0 and best.lexical > 0


def test_vectors_come_with_an_encoder(eyes):
    with pytest.raises(ValueError, match="come together"):
        Ranker(eyes.index.engine, eyes.index.sections, eyes.index.vectors, None)


def test_a_process_that_loaded_an_index_rebuilds_it_encoding_only_the_sections_that_changed(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    write_article(corpus, "a.md", HEAD.format(t="Acne") + "Pimples form when follicles clog.\n")
    write_article(corpus, "b.md", HEAD.format(t="Hives") + "Hives are itchy welts.\n")
    build_index(corpus, tmp_path / "index")
    monkeypatch.setattr(ranker, "_memo", {})  # as in a worker that has only loaded the index
    CorpusIndex.load(tmp_path / "index")
    encoder = shared_encoder()
    encoded = []
    real = encoder.encode
    monkeypatch.setattr(encoder, "encode", lambda texts, batch_size=32: encoded.extend(texts) or real(texts, batch_size))
    write_article(corpus, "b.md", HEAD.format(t="Hives") + "Hives are itchy red welts.\n")
    build_index(corpus, tmp_path / "index")
    assert encoded == ["Hives. Hives are itchy red welts."]  # the body; its title "Hives" is known


class CallCountingEncoder:
    """The shared encoder, counting the calls made to it."""

    def __init__(self):
        self.inner, self.calls = shared_encoder(), 0
        self.dims = self.inner.dims

    def encode(self, *args, **kwargs):
        self.calls += 1
        return self.inner.encode(*args, **kwargs)

    def params(self):
        return self.inner.params()

    def pieces(self, texts):
        return self.inner.pieces(texts)

    def words(self, text):
        return self.inner.words(text)


def test_a_message_of_several_questions_is_encoded_once(eyes):
    bot = Bot(eyes.index, eyes.config, encoder=CallCountingEncoder())
    # no part answers alone: the message is read as one question, with the vector made from its
    # parts' rather than a second call to the encoder
    answer = bot.ask("why sting? why sand? why burn?")
    assert "questions answered" not in answer.reason  # read as one question
    assert bot.ranker.encoder.calls == 1, answer.reason
    assert answer.status == "answered" and answer.citations[0].article == "Dry Eye"


def test_several_questions_read_as_one_point_where_their_parts_do():
    vectors = np.array([[1, 0], [0, 1]], dtype=np.float32)
    together = Ranker.together(vectors, ["a" * 30, "b" * 10])
    assert np.isclose(np.linalg.norm(together), 1) and together[0] == pytest.approx(3 * together[1])


def test_lay_words_reach_the_encoder_in_the_articles_words(eyes):
    # a short patient phrase names a thing: the encoder reads it with the articles' words...
    assert ranker.encoder_text("zits on my chin", eyes.reader.read("zits on my chin")) == "zits on my chin (acne pimples)"
    # ...a long one is a way of asking, read as typed
    assert ranker.encoder_text("what is good for dry eye", eyes.reader.read("what is good for dry eye")) == \
        "what is good for dry eye"


STORY = ("I have had a lot going on this year, my mum was in hospital for weeks and I was driving back and "
         "forth every day, sleeping badly, and now my eyes are red and sore most evenings. ")


@pytest.mark.parametrize("message", [
    STORY * 3 + "What is the treatment for dry eye?",  # a long story, then the question
    "sting " * 160 + "x",  # one word again and again
    "why sting? " + STORY + "why burn? " + STORY + "why sand? " + STORY,  # several long parts
    "?" * 900,  # punctuation: a word piece a character
])
def test_a_message_reaches_the_encoder_in_at_most_question_tokens(eyes, monkeypatch, message):
    # the encoder's cost grows with what it reads: whatever a message holds, it reads a bounded part
    encoder = shared_encoder()
    read = []
    forward = encoder._forward
    monkeypatch.setattr(encoder, "_forward", lambda batch: read.append([len(ids) - 2 for ids in batch]) or forward(batch))
    eyes.ask(message)
    assert read and sum(map(sum, read)) <= ranker.QUESTION_TOKENS, read


def test_a_long_question_is_read_by_its_meaningful_words_and_a_short_one_whole(eyes):
    long = STORY * 3 + "What is the treatment for dry eye?"
    short = "why do my eyes sting?"
    texts, shares = ranker.encoder_inputs([(long, eyes.reader.read(long)), (short, eyes.reader.read(short))],
                                          shared_encoder())
    assert texts[1] == short and shares[1] == shared_encoder().pieces([short])[0]  # all it needs
    assert sum(shares) <= ranker.QUESTION_TOKENS
    assert shared_encoder().pieces(texts[:1])[0] <= shares[0]
    # the question asked last is kept, without the words between what it is about and what it asks
    assert texts[0].endswith("What treatment dry eye"), texts[0]
    words = texts[0].lower().split()
    assert not {"is", "the", "for", "i", "my", "and", "?", ","} & set(words), words
    assert len(words) == len(set(words))  # the story said three times is read once


def test_a_word_or_phrase_said_again_and_again_is_read_once():
    reading = ranker.Reading((), (), (), (), (), ())
    assert ranker.gist("sore sore sore SORE sore eyes eyes", reading, 10, shared_encoder()) == "sore eyes"
    assert ranker.gist("blue grey " * 200, reading, 10, shared_encoder()) == "blue grey"


def test_a_gist_keeps_what_is_asked_and_what_reverses_it():
    reading = ranker.Reading((), (), (), (), (), ())
    text = ranker.gist("why is it that the drops do not help and there is no change at all", reading, 20, shared_encoder())
    assert text.split() == ["why", "drops", "not", "help", "no", "change"]
