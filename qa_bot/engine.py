"""The retrieval engine: scikit-learn TF-IDF over any list of documents, searched by cosine.

Usable on its own::

    engine = Engine.build([{"id": "a", "title": "Neck pain", "text": "..."}, ...])
    engine.search("stiff neck", k=5)   # -> [("a", 0.42), ...]

Weighting (scikit-learn's ``TfidfVectorizer`` with ``sublinear_tf=True``, ``smooth_idf=True``)::

    w(t, d) = (1 + ln tf(t, d)) * (1 + ln((1 + n) / (1 + df(t))))

where a document's text is its body plus its title repeated ``title_weight`` times, and every
document vector and the query vector are L2-normalised, so ``score(q, d) = cos(q, d)``. Only
documents sharing at least one term with the query get a score above zero, and only those are
returned. Scoring walks the query terms' postings (a term x document matrix), so a query costs
time in proportion to how many documents contain its words, not to the corpus size.

On disk the engine is plain arrays (``.npy``) and a JSON list of terms: no pickle.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .analysis import Analyzer


class Engine:
    """A fitted TF-IDF index over documents. Build with :meth:`build`, reopen with :meth:`load`."""

    def __init__(self, vectorizer: TfidfVectorizer, postings: sparse.csr_matrix, ids: list[str], params: dict):
        self.vectorizer_ = vectorizer
        self.postings_ = postings  # terms x documents, columns L2-normalised
        self.ids_ = ids
        self.params = params

    @classmethod
    def build(cls, records: Iterable[Mapping], analyzer: Analyzer | None = None, title_weight: int = 2) -> "Engine":
        """Index records with ``id``, ``text`` and optional ``title``."""
        analyzer = analyzer or Analyzer()
        ids, texts = [], []
        for rec in records:
            ids.append(str(rec["id"]))
            title = rec.get("title") or ""
            texts.append(" ".join([rec.get("text") or ""] + [title] * title_weight))
        if not ids:
            raise ValueError("cannot build an index from no documents")
        vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, dtype=np.float32)
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError:  # every document was empty or only stop words
            raise ValueError("no document has any indexable words") from None
        params = {"title_weight": title_weight, "sublinear_tf": True, "norm": "l2", "analyzer": analyzer.params()}
        return cls(vectorizer, matrix.T.tocsr(), ids, params)

    @property
    def n_docs(self) -> int:
        return len(self.ids_)

    @property
    def n_terms(self) -> int:
        return self.postings_.shape[0]

    @property
    def analyzer(self) -> Analyzer:
        return self.vectorizer_.analyzer

    def query_vector(self, query: str) -> sparse.csr_matrix:
        return self.vectorizer_.transform([query])

    def scores(self, query: str) -> np.ndarray:
        """Cosine similarity of the query with every document (dense, one per document)."""
        q = self.query_vector(query)
        if q.nnz == 0:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray((q @ self.postings_).todense()).ravel()

    def search(self, query: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` best documents as ``(id, score)``, best first; documents scoring 0 are left out."""
        return [(self.ids_[i], s) for i, s in self.top(self.scores(query), k)]

    @staticmethod
    def top(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Row numbers and scores of the ``k`` highest non-zero scores, best first (ties by row)."""
        nonzero = np.flatnonzero(scores > 0)
        if len(nonzero) > k:
            nonzero = nonzero[np.argpartition(-scores[nonzero], k - 1)[:k]]
        order = sorted(nonzero, key=lambda i: (-scores[i], i))
        return [(int(i), float(scores[i])) for i in order]

    # -- persistence: plain arrays and JSON ----------------------------------------------------

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        p = self.postings_
        np.save(folder / "postings_data.npy", p.data)
        np.save(folder / "postings_indices.npy", p.indices)
        np.save(folder / "postings_indptr.npy", p.indptr)
        np.save(folder / "idf.npy", self.vectorizer_.idf_.astype(np.float32))
        terms = self.vectorizer_.get_feature_names_out().tolist()
        (folder / "terms.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
        (folder / "ids.json").write_text(json.dumps(self.ids_, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, params: dict, analyzer: Analyzer | None = None) -> "Engine":
        folder = Path(folder)
        terms = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        data = np.load(folder / "postings_data.npy", mmap_mode="r")
        indices = np.load(folder / "postings_indices.npy", mmap_mode="r")
        indptr = np.load(folder / "postings_indptr.npy")
        postings = sparse.csr_matrix((data, indices, indptr), shape=(len(terms), len(ids)))
        vectorizer = TfidfVectorizer(
            analyzer=analyzer or Analyzer(),
            sublinear_tf=params.get("sublinear_tf", True),
            vocabulary={t: i for i, t in enumerate(terms)},
            dtype=np.float32,
        )
        vectorizer.idf_ = np.load(folder / "idf.npy")
        return cls(vectorizer, postings, ids, params)
