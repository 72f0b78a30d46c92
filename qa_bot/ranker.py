"""Retrieval: the hybrid ranker, the one place that knows both the lexical engine and the encoder.

    ranker = Ranker(index.engine, index.vectors, encoder)
    ranking = ranker.rank(reading, question, k=2)
    ranking.candidates[0]    # Candidate(row, score, lexical, coverage, dense, heading)

It returns scored candidates with the evidence the answering layer decides on; it decides nothing.
For one question:

1. **Lexical** (engine.py): the question's index terms, as the reader found them (typos corrected,
   the vocabulary's words added), scored against every section. The best ``LEXICAL_CANDIDATES``
   are candidates.
2. **Semantic**: the question is encoded once (encoder.py) and compared with the vectors each
   section has in the index: its *passages* (article title and heading, then ``PASSAGE_SENTENCES``
   neighbouring sentences of its text, every such run; a shorter section is one passage, its whole
   text) and its *title* (article title and heading). A section's ``dense`` cosine is its best
   passage's: a long section is as close to a question as the part of it that answers ("what is a
   glucagon injection" is one paragraph of a long treatment section, whose vector as a whole is
   about everything else it says), and a word it mentions in passing is no closer than its
   sentence. The best ``DENSE_CANDIDATES`` by that cosine are candidates too. Words alone cannot
   bridge "my eyes feel gritty" and "dry eye"; the encoder can.
3. **Coverage**: for each candidate, the share of the question's informative content it holds
   (see :meth:`Ranker.coverage`): a section that shares a frequent word must not look like one that
   holds all of the question.
4. **Score**::

       score = (dense + HEADING_WEIGHT * heading + LEXICAL_WEIGHT * lexical * coverage
                + COVERAGE_WEIGHT * coverage) / SCALE

   with ``SCALE`` the sum of the weights, so that scores stay below 1 as cosines do.

   The dense cosine leads: on our four labelled sets (one article and two corpora of 12 articles)
   it alone (of the whole section, before passages) ranks the right section first for 75-90% of
   the answerable questions, lexical x coverage for 64-97%; the sum ranks 88-98% right on each. A heading that says what the question
   asks ("Is shingles contagious?") adds its own evidence, at half weight, and a section that holds
   all of what is asked gains a little over one that is only about the same thing ("what
   conditions cause chronic pain" is answered where the causes are named).

An index without vectors (a corpus too large to encode, or no encoder) ranks by the lexical
score times coverage alone, with ``dense`` and ``heading`` 0.

Section vectors are built with the index (:meth:`SectionVectors.build`) and saved as plain
``.npy`` arrays; ``params`` (the encoder's) go in the manifest, so another model means a rebuild.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
from threadpoolctl import ThreadpoolController

from .analysis import STOP_WORDS, sentence_spans
from .budget import NO_DEADLINE, Deadline
from .encoder import Encoder
from .engine import Engine, Terms
from .vocabulary import Reading

# Sentences per passage (see the module). Measured on five labelled sets over four corpora, with the
# answer threshold chosen again for each: passages of 2, 3 and 4 sentences all did better than whole
# sections, 3 best (kidney-gut 82.7 -> 86.1% overall, realfaq-dev 88.5 -> 92.3%; dev.jsonl one
# question down, 97.5 -> 95% top-1). An index holds about 4 passages a section, and a build takes
# about twice as long.
PASSAGE_SENTENCES = 3
# How many of the best sections by each stage are scored in full (coverage and the hybrid score).
LEXICAL_CANDIDATES = 8
DENSE_CANDIDATES = 8
HEADING_WEIGHT = 0.5
LEXICAL_WEIGHT = 0.5
COVERAGE_WEIGHT = 0.2
SCALE = 1 + HEADING_WEIGHT + LEXICAL_WEIGHT + COVERAGE_WEIGHT
# Sections whose sentences are kept split and vectorised (a large corpus is not split up front).
SENTENCE_CACHE_SECTIONS = 4096
# Section texts whose vectors one process remembers, so that rebuilding an index after an edit
# (a live reload) encodes only the sections that changed. Articles are the clinic's own text,
# never patients' words: questions are never kept.
VECTOR_MEMO_TEXTS = 8192
ENCODE_BATCH = 32
# Word pieces the encoder reads for one message, shared among its questions (encoder_inputs). The
# encoder's cost grows with them (here about 8 ms + 0.35 ms each, on one core), and the message's
# whole answer must stay within 20 ms whatever it holds (benchmarks/bench_adversarial.py). Patients'
# questions are short: of our 1,031 labelled ones, half are 9 word pieces or fewer, 95% 21, 99% 45.
# A longer one is read by its gist. Measured with qa-bot eval on nine sets (with passage vectors),
# against 32: 22 loses one question on diabetes-heart and one on patients.jsonl (both near-ties), the
# other seven the same; 24 loses three, 20 two (both on patients.jsonl, taking it under its target).
QUESTION_TOKENS = 22


@dataclass(frozen=True)
class Candidate:
    """One section's row and the evidence for it."""

    row: int
    score: float  # what candidates are ranked by (see the module)
    lexical: float  # the engine's score of the question's terms: a cosine, or bm25 over its best
    coverage: float  # the share of the question's content the section holds, 0..1
    dense: float  # cosine of the question and the section's best passage (0: no vectors)
    heading: float  # cosine of the question and the section's title vector (0: no vectors)
    missing: tuple[str, ...] = ()  # aspects of the question (see Reading.aspects) the section never names


class Ranking(NamedTuple):
    terms: Terms  # the question's index terms, for passages
    candidates: list[Candidate]  # best first


class SectionVectors:
    """The sections' unit vectors: ``body``, one per passage (see the module), in section order, with
    ``rows`` the section of each; ``title``, one per section, row-aligned with the index."""

    FILES = ("vectors_body.npy", "vectors_title.npy", "vectors_rows.npy")

    def __init__(self, body: np.ndarray, title: np.ndarray, params: dict, rows: np.ndarray | None = None):
        """``rows`` None: one body vector per section."""
        self.body = body
        self.title = title
        self.params = params  # the encoder's (Encoder.params())
        self.rows = np.arange(len(title), dtype=np.int32) if rows is None else rows
        # Where each section's passages start (every section has one at least, in order).
        self._starts = np.flatnonzero(np.r_[True, self.rows[1:] != self.rows[:-1]])

    def dense(self, question: np.ndarray) -> np.ndarray:
        """Each section's cosine with a question's unit vector: its best passage's."""
        return np.maximum.reduceat(self.body @ question, self._starts)

    @classmethod
    def build(cls, titles: Sequence[str], texts: Sequence[str], encoder) -> "SectionVectors":
        """Vectors for sections given as their title fields joined (article title and heading) and
        their text. Each passage is ``"title. sentences"``; a section without a title gets its
        whole text (with the title, if any) as title."""
        passages, rows, heads = _encoded_texts(titles, texts)
        return cls(_encode_memo(encoder, passages), _encode_memo(encoder, heads), encoder.params(),
                   np.asarray(rows, dtype=np.int32))

    def remember(self, titles: Sequence[str], texts: Sequence[str]) -> None:
        """Let later builds in this process reuse these vectors (loaded with an index, made from
        these sections): a process that serves an index and then rebuilds it after an edit encodes
        only the sections that changed."""
        passages, _, heads = _encoded_texts(titles, texts)
        if len(passages) + len(heads) <= VECTOR_MEMO_TEXTS and len(passages) == len(self.body):
            model = self.params["weights_sha256"]
            if len(_memo) + len(passages) + len(heads) > VECTOR_MEMO_TEXTS:
                _memo.clear()
            _memo.update(zip(_keys(model, passages), self.body))
            _memo.update(zip(_keys(model, heads), self.title))

    def save(self, folder: Path) -> None:
        for name, array in zip(self.FILES, (self.body, self.title, self.rows)):
            np.save(Path(folder) / name, array)

    @classmethod
    def load(cls, folder: Path, rows: int, params: dict) -> "SectionVectors":
        """Reopen saved vectors; ValueError, naming the file, unless they are finite unit vectors of
        the encoder's ``dims``, ``rows`` titles and at least one passage for each of the ``rows``
        sections, in order."""
        arrays = [_read_array(folder, name) for name in cls.FILES]
        body, title, owners = arrays
        for name, array, count in zip(cls.FILES, (body, title), (len(owners), rows)):
            if array.dtype != np.float32 or array.shape != (count, params["dims"]):
                raise ValueError(f"{name} holds a {array.dtype} array of shape {array.shape}, "
                                 f"not {count:,} vectors of {params['dims']} numbers")
            norms = np.linalg.norm(array, axis=1)
            if not (np.isfinite(norms).all() and np.allclose(norms, 1, atol=1e-3)):
                raise ValueError(f"{name} holds vectors that are not of unit length")
        steps = np.diff(owners) if owners.ndim == 1 else None
        if (owners.dtype != np.int32 or owners.ndim != 1 or not len(owners) or owners[0] != 0
                or owners[-1] != rows - 1 or not np.isin(steps, (0, 1)).all()):
            raise ValueError(f"{cls.FILES[2]} does not give each of the {rows:,} sections its passages in order")
        return cls(body, title, params, owners)


def _read_array(folder: Path, name: str) -> np.ndarray:
    try:
        array = np.load(Path(folder) / name, mmap_mode="r", allow_pickle=False)
    except (ValueError, EOFError) as exc:
        raise ValueError(f"{name} is not a readable array ({exc})") from None
    return np.array(array)  # read once: every question multiplies all of it


_memo: dict[tuple[str, bytes], np.ndarray] = {}


def _encoded_texts(titles: Sequence[str], texts: Sequence[str]) -> tuple[list[str], list[int], list[str]]:
    """What is encoded for each section (see SectionVectors.build): its passages, the row of each,
    and its title."""
    passages, rows, heads = [], [], []
    for row, (title, text) in enumerate(zip(titles, texts)):
        for part in _passages(text):
            passages.append(f"{title}. {part}" if title else part)
            rows.append(row)
        heads.append(title or text)
    return passages, rows, heads


def _passages(text: str) -> list[str]:
    """A section's text as passages of PASSAGE_SENTENCES neighbouring sentences, verbatim: every run
    of that many, or the whole text if it has no more."""
    spans = sentence_spans(text)
    if len(spans) <= PASSAGE_SENTENCES:
        return [text]
    last = len(spans) - PASSAGE_SENTENCES
    return [text[spans[i][0]:spans[i + PASSAGE_SENTENCES - 1][1]] for i in range(last + 1)]


def _keys(model: str, texts: Sequence[str]) -> list[tuple[str, bytes]]:
    return [(model, hashlib.sha256(t.encode("utf-8", "surrogatepass")).digest()) for t in texts]


def _encode_memo(encoder, texts: list[str]) -> np.ndarray:
    """``encoder.encode(texts)``, remembering vectors by the model and the text (see VECTOR_MEMO_TEXTS)."""
    keys = _keys(encoder.params()["weights_sha256"], texts)
    todo = {k: t for k, t in zip(keys, texts) if k not in _memo}  # each new text once
    fresh = dict(zip(todo, encoder.encode(list(todo.values()), batch_size=ENCODE_BATCH))) if todo else {}
    if len(fresh) <= VECTOR_MEMO_TEXTS:
        if len(_memo) + len(fresh) > VECTOR_MEMO_TEXTS:
            _memo.clear()
        _memo.update(fresh)
    out = np.empty((len(texts), encoder.dims), dtype=np.float32)
    for i, k in enumerate(keys):
        out[i] = fresh[k] if k in fresh else _memo[k]
    return out


def encoder_text(question: str, reading: Reading) -> str:
    """What the encoder reads for a question: as typed, with the article words of the patient
    phrases the vocabulary matched ("a hypo at night (hypoglycemia low blood glucose)")."""
    return f"{question} ({'; '.join(reading.meanings)})" if reading.meanings else question


# What a question asks, kept in a gist although stop-word lists drop it ("not", "no" and "never"
# are no stop words here: analysis.KEEP_WORDS).
GIST_KEEPS = frozenset({"what", "how", "why", "when", "where", "which", "who"})


def gist(question: str, reading: Reading, most: int, encoder) -> str:
    """A long question for the encoder, in at most ``most`` word pieces: its words that carry meaning,
    each once, in order (stop words, punctuation and repeats dropped: a long message is mostly the
    words between what it is about and what it asks), its last ones if they are still too many (a long
    message tells its story first and asks last), then the article words the vocabulary matched, as
    in :func:`encoder_text`. Words are split as the encoder splits them (:meth:`Encoder.words`)."""
    words, seen = [], set()
    for word in encoder.words(question):
        low = word.lower()
        if low in seen or (low in STOP_WORDS and low not in GIST_KEEPS) or not any(c.isalnum() for c in low):
            continue
        seen.add(low)
        words.append(word)
    meanings = f" ({'; '.join(reading.meanings)})" if reading.meanings else ""
    room = most - (encoder.pieces([meanings])[0] if meanings else 0)
    tail = words[-most:]
    kept = 0
    for size in reversed(encoder.pieces(tail) if tail else []):
        room -= size
        if room < 0:
            break
        kept += 1
    return " ".join(tail[len(tail) - kept:]) + meanings


def encoder_inputs(questions: Sequence[tuple[str, Reading]], encoder) -> tuple[list[str], list[int]]:
    """The texts the encoder reads for the questions of one message, and the word pieces each may
    have: QUESTION_TOKENS shared among them, a short question keeping all it needs and the longer
    ones sharing the rest alike. A question over its share is read as its :func:`gist`."""
    texts = [encoder_text(q, r) for q, r in questions]
    # A text of more words than the whole budget is over any share: its word count will do as its
    # size (a word is a word piece or more), and its many pieces need not be counted.
    counts = [len(t.split()) for t in texts]
    exact = iter(encoder.pieces([t for t, n in zip(texts, counts) if n <= QUESTION_TOKENS]))
    sizes = [next(exact) if n <= QUESTION_TOKENS else n for n in counts]
    shares = [0] * len(texts)
    left = QUESTION_TOKENS
    for done, i in enumerate(sorted(range(len(texts)), key=sizes.__getitem__)):
        shares[i] = max(1, min(sizes[i], left // (len(texts) - done)))
        left -= shares[i]
    return [t if n <= most else gist(q, r, most, encoder)
            for t, n, most, (q, r) in zip(texts, sizes, shares, questions)], shares


@functools.lru_cache(maxsize=1)
def shared_encoder() -> Encoder:
    """The installed model, loaded once per process (its weights are 90 MB) and shared by every
    index built and every bot made in it. Raises EncoderError, saying how to install it, if missing."""
    return Encoder.load()


class Ranker:
    """Ranks an index's sections for read questions (see the module)."""

    def __init__(self, engine: Engine, sections, vectors: SectionVectors | None = None, encoder=None):
        if (vectors is None) != (encoder is None):
            raise ValueError("section vectors and an encoder come together")
        self.engine = engine
        self.sections = sections
        self.vectors = vectors
        self.encoder = encoder
        self._sentences = functools.lru_cache(maxsize=SENTENCE_CACHE_SECTIONS)(self._split)
        # The passages' product with a question (a few thousand rows) is large enough for BLAS to
        # split it between threads, which on a busy machine waits for a core (measured: 0.07 ms on
        # one thread, 2-12 ms on two at load 3-5); a server runs one worker per core anyway.
        self._blas = ThreadpoolController() if vectors is not None else None

    @property
    def semantic(self) -> bool:
        return self.vectors is not None

    def terms(self, reading: Reading) -> Terms:
        """A read question's index terms: its own and the ones the vocabulary added count alike."""
        return self.engine.terms(reading.terms + reading.expansions)

    def encode(self, questions: list[tuple[str, Reading]]) -> np.ndarray:
        """Several questions' vectors at once (one call to the encoder), each given as typed and as
        read, for :meth:`rank`."""
        texts, shares = encoder_inputs(questions, self.encoder)
        return self.encoder.encode(texts, max_tokens=shares)

    @staticmethod
    def together(vectors: np.ndarray, questions: list[str]) -> np.ndarray:
        """The vector of several questions read as one message, from theirs (:meth:`encode`), with
        no second call to the encoder: their mean weighted by length, as the encoder's mean pooling
        weighs each word piece alike, made a unit vector again."""
        mean = np.asarray([len(q) for q in questions], dtype=np.float32) @ vectors
        return mean / np.linalg.norm(mean)

    def rank(self, reading: Reading, question: str, k: int, deadline: Deadline = NO_DEADLINE,
             encoded: np.ndarray | None = None, within: Sequence[int] | None = None) -> Ranking:
        """The ``k`` best sections for the question as read (``reading``) and as typed (``question``,
        for the encoder; ``encoded``: its vector, if worked out already), with their evidence;
        ``within``: only these rows (a follow-up read within an earlier turn's article)."""
        terms = self.terms(reading)
        lexical = self.engine.score_terms(terms)
        picked = [row for row, _ in self.engine.top(lexical, max(k, LEXICAL_CANDIDATES))]
        dense = heading = None
        if self.vectors is not None:
            deadline.check()
            q = self.encode([(question, reading)])[0] if encoded is None else encoded
            deadline.check()
            with self._blas.limit(limits=1, user_api="blas"):
                dense = self.vectors.dense(q)
                heading = self.vectors.title @ q
            picked += [row for row, _ in self.engine.top(dense + 2, max(k, DENSE_CANDIDATES))]  # cosines > -2
        picked = list(dict.fromkeys(picked)) if within is None else list(within)
        if not picked:
            return Ranking(terms, [])
        covered = self.coverages(reading, [(row,) for row in picked], deadline)
        missing = self.missing_aspects(reading, picked)
        out = []
        for row, cov, lacks in zip(picked, covered, missing):
            lex = float(lexical[row])
            if dense is None:
                out.append(Candidate(row, lex * cov, lex, cov, 0.0, 0.0, lacks))
            else:
                d, h = float(dense[row]), float(heading[row])
                score = (d + HEADING_WEIGHT * h + LEXICAL_WEIGHT * lex * cov + COVERAGE_WEIGHT * cov) / SCALE
                out.append(Candidate(row, score, lex, cov, d, h, lacks))
        # A section that discusses every aspect asked about ("how do you prepare for X") comes
        # before one that is only about X.
        out.sort(key=lambda c: (bool(c.missing), -c.score, c.row))
        if dense is None:
            out = [c for c in out if c.score > 0]
        return Ranking(terms, out[:k])

    def coverage(self, reading: Reading, *rows: int) -> float:
        """Share of the question's content that the sections ``rows`` hold between them::

            coverage = sum(weight(u) for u in units if u has a term in the sections) / sum(weight(u))

        where ``weight(u)`` says how much the unit's rarest term tells sections apart and a unit the
        corpus lacks has a fixed weight (see :class:`~qa_bot.vocabulary.Reader`). No known content at all: 0.
        """
        return self.coverages(reading, [rows])[0]

    def coverages(self, reading: Reading, groups: list[tuple[int, ...]],
                  deadline: Deadline = NO_DEADLINE) -> list[float]:
        """The coverage (see :meth:`coverage`) of each group of rows."""
        total = sum(u.weight for u in reading.units)
        if not total:
            return [0.0] * len(groups)
        rows = sorted({row for group in groups for row in group})
        found = {term: self.engine.holding(term, rows) for term in {t for u in reading.units for t in u.terms}}
        covered = [0] * len(groups)
        for u in reading.units:  # in order: each sum adds up as the definition's sum() does
            deadline.check()
            here = set().union(*[found[t] for t in u.terms])
            for g, group in enumerate(groups):
                if not here.isdisjoint(group):
                    covered[g] += u.weight
        return [c / total for c in covered]

    def missing_aspects(self, reading: Reading, rows: list[int]) -> list[tuple[str, ...]]:
        """For each row, the question's aspects (topics, see Reading.aspects) none of whose terms
        its section holds."""
        if not reading.aspects:
            return [()] * len(rows)
        order = sorted(rows)
        held = [(topic, set().union(*[self.engine.holding(t, order) for t in terms]))
                for topic, terms in reading.aspects]
        return [tuple(topic for topic, here in held if row not in here) for row in rows]

    def sentence_scores(self, row: int, terms: Terms) -> tuple[list[tuple[int, int]], list[str], np.ndarray]:
        """A section's sentences (spans in its text, and texts) and each one's cosine with the terms."""
        spans, texts, vectors = self._sentences(row)
        return spans, texts, self.engine.text_scores(vectors, terms)

    def _split(self, row: int) -> tuple[list[tuple[int, int]], list[str], list[Terms]]:
        """A section's sentence spans, texts and tf-idf rows (cached per section by ``_sentences``)."""
        text = self.sections[row].text
        spans = sentence_spans(text)
        texts = [text[a:b] for a, b in spans]
        return spans, texts, self.engine.text_rows(texts)
