"""The retrievers compared, behind one small interface: ``build(records)``, ``search(query, k)``, ``save(folder)``.

Each answers one query at a time through its leanest public path, so that throughput compares
the engines, not batching tricks: qa-bot through ``Engine.search``; bm25s through
``get_scores_from_ids`` after the same tokenization ``bm25s.tokenize`` applies to the corpus
(its ``retrieve`` adds per-call overhead meant for batches); scikit-learn through
``TfidfVectorizer.transform`` and one sparse product.

Two more use qa-bot's sentence encoder (all-MiniLM-L6-v2): the encoder alone (cosine of query and
document vectors), and qa-bot's hybrid ranker over its BM25F engine and those vectors, as the
answer path ranks (ranker.py; the general vocabulary reads the queries). Encoding documents is
slow (MedQuAD's 16,407 long passages would take about an hour of both cores), so their vectors are
kept in ``benchmarks/out/`` by the texts' hash and encoded once; in corpora of over
``LONG_CORPUS`` documents each one is encoded from its first ``CUT_CHARS`` characters, about one
256-piece window of the model.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` highest non-zero scores, best first (ties by row), as Engine.top ranks."""
    rows = np.flatnonzero(scores > 0)
    if len(rows) > k:
        rows = rows[np.argpartition(-scores[rows], k - 1)[:k]]
    return rows[np.lexsort((rows, -scores[rows]))]


def joined(record: dict) -> str:
    """Title and text as one field, for the systems without fields."""
    return f"{record.get('title') or ''} {record['text']}"


class QaBot:
    """qa-bot's own engine, used exactly as its README shows."""

    def __init__(self, weighting: str):
        self.weighting = weighting
        self.name = f"qa-bot {weighting}" + (" (current default)" if weighting == "tfidf" else "")

    def build(self, records: list[dict]) -> None:
        from qa_bot.engine import Engine

        self.engine = Engine.build(records, weighting=self.weighting)

    def search(self, query: str, k: int) -> list[str]:
        return [doc_id for doc_id, _ in self.engine.search(query, k)]

    def save(self, folder: Path) -> None:
        self.engine.save(folder)

    def reload(self, folder: Path) -> "QaBot":
        """The same engine read back from disk (memory-mapped), to check the round trip."""
        from qa_bot.engine import Engine

        other = QaBot(self.weighting)
        other.engine = Engine.load(folder, self.engine.params)
        return other


class Bm25s:
    """bm25s with its defaults (Lucene BM25, k1=1.5, b=0.75), English stop words and PyStemmer."""

    name = "bm25s + PyStemmer"

    def build(self, records: list[dict]) -> None:
        import bm25s
        import Stemmer
        from bm25s.stopwords import STOPWORDS_EN

        self.stemmer = Stemmer.Stemmer("english")
        tokens = bm25s.tokenize([joined(r) for r in records], stopwords="en", stemmer=self.stemmer, show_progress=False)
        self.model = bm25s.BM25()
        self.model.index(tokens, show_progress=False)
        self.ids = [r["id"] for r in records]
        self.stop_words = frozenset(STOPWORDS_EN)
        # bm25s.tokenize's default pattern and steps: lower-case, split, drop stop words, stem.
        self.split = re.compile(r"(?u)\b\w\w+\b").findall

    def search(self, query: str, k: int) -> list[str]:
        words = [w for w in self.split(query.lower()) if w not in self.stop_words]
        term_ids = self.model.get_tokens_ids(self.stemmer.stemWords(words))
        if not term_ids:
            return []
        scores = self.model.get_scores_from_ids(term_ids)
        return [self.ids[i] for i in top_rows(scores, k)]

    def save(self, folder: Path) -> None:
        self.model.save(str(folder))


class SklearnTfidf:
    """Plain scikit-learn: ``TfidfVectorizer`` with English stop words and sublinear tf, cosine by a sparse product."""

    name = "scikit-learn TfidfVectorizer"

    def build(self, records: list[dict]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, dtype=np.float32)
        self.matrix = self.vectorizer.fit_transform([joined(r) for r in records]).tocsr()
        self.ids = [r["id"] for r in records]

    def search(self, query: str, k: int) -> list[str]:
        q = self.vectorizer.transform([query])
        if not q.nnz:
            return []
        scores = (self.matrix @ q.T).toarray().ravel()
        return [self.ids[i] for i in top_rows(scores, k)]

    def save(self, folder: Path) -> None:
        # No pickle: the matrix as arrays, the vocabulary as JSON (as qa-bot and bm25s store theirs).
        m = self.matrix
        np.save(folder / "data.npy", m.data)
        np.save(folder / "indices.npy", m.indices)
        np.save(folder / "indptr.npy", m.indptr)
        np.save(folder / "idf.npy", self.vectorizer.idf_)
        vocabulary = {t: int(i) for t, i in self.vectorizer.vocabulary_.items()}
        (folder / "vocabulary.json").write_text(json.dumps(vocabulary), encoding="utf-8")


VECTORS = Path(__file__).resolve().parent / "out"
LONG_CORPUS = 10_000
CUT_CHARS = 1_000


def encoded(records: list[dict]):
    """The records' SectionVectors (passages, titles and whose each passage is), as the index makes
    them, kept on disk."""
    from qa_bot.ranker import PASSAGE_SENTENCES, SectionVectors, shared_encoder

    encoder = shared_encoder()
    cut = CUT_CHARS if len(records) > LONG_CORPUS else None
    titles = [r.get("title") or "" for r in records]
    texts = [r["text"][:cut] for r in records]
    key = hashlib.sha256(json.dumps([encoder.params()["weights_sha256"], PASSAGE_SENTENCES, titles, texts])
                         .encode()).hexdigest()[:16]
    paths = [VECTORS / f"vectors-{key}-{part}.npy" for part in ("body", "title", "rows")]
    if not all(p.is_file() for p in paths):
        VECTORS.mkdir(exist_ok=True)
        encoder.threads = 2  # a build on an otherwise idle machine
        vectors = SectionVectors.build(titles, texts, encoder)
        encoder.threads = 1  # queries: one thread, as when answering
        for path, array in zip(paths, (vectors.body, vectors.title, vectors.rows)):
            np.save(path, array)
    body, title, rows = (np.load(p) for p in paths)
    return SectionVectors(body, title, encoder.params(), rows)


class Dense:
    """The sentence encoder alone: documents ranked by the cosine of their vector and the query's."""

    name = "all-MiniLM-L6-v2 alone"

    def build(self, records: list[dict]) -> None:
        from qa_bot.ranker import shared_encoder

        self.vectors = encoded(records)
        self.encoder = shared_encoder()
        self.ids = [r["id"] for r in records]

    def search(self, query: str, k: int) -> list[str]:
        scores = self.vectors.dense(self.encoder.encode(query))  # each document's best passage
        return [self.ids[i] for i in top_rows(scores + 2, k)]  # cosines from -1: all rows rank

    def save(self, folder: Path) -> None:
        np.save(folder / "vectors_body.npy", self.vectors.body)
        np.save(folder / "vectors_rows.npy", self.vectors.rows)


class Hybrid:
    """qa-bot's hybrid ranker (ranker.py) over its BM25F engine and the encoder's vectors."""

    name = "qa-bot hybrid (bm25 + encoder)"

    def build(self, records: list[dict]) -> None:
        from qa_bot.engine import Engine
        from qa_bot.ranker import Ranker, shared_encoder
        from qa_bot.vocabulary import Reader, Vocabulary

        self.engine = Engine.build(records, weighting="bm25")
        self.ranker = Ranker(self.engine, None, encoded(records), shared_encoder())
        self.reader = Reader(Vocabulary.general(self.engine.analyzer), self.engine.analyzer, self.engine.idf(),
                             self.engine.n_docs)
        self.ids = self.engine.ids_

    def search(self, query: str, k: int) -> list[str]:
        ranking = self.ranker.rank(self.reader.read(query), query, k)
        return [self.ids[c.row] for c in ranking.candidates]

    def save(self, folder: Path) -> None:
        self.engine.save(folder)
        self.ranker.vectors.save(folder)


SYSTEMS = {
    "qa-bot-bm25": lambda: QaBot("bm25"),
    "qa-bot-tfidf": lambda: QaBot("tfidf"),
    "bm25s": Bm25s,
    "sklearn": SklearnTfidf,
    "dense": Dense,
    "hybrid": Hybrid,
}
