"""The retrieval engine: TF-IDF (or BM25) postings over any list of documents, fitted with scikit-learn.

Usable on its own::

    engine = Engine.build([{"id": "a", "title": "Neck pain", "text": "..."}, ...])
    engine.search("stiff neck", k=5)   # -> [("a", 0.42), ...]

Two weightings, chosen with ``Engine.build(records, weighting=...)`` and kept in ``params``:

``"tfidf"`` (the default; what the answer thresholds are calibrated on): scikit-learn's
``TfidfVectorizer`` with ``sublinear_tf=True``, ``smooth_idf=True``::

    w(t, d) = (1 + ln tf(t, d)) * idf(t),    idf(t) = 1 + ln((1 + n) / (1 + df(t)))

where a document's text is its body plus its title repeated ``title_weight`` times (default 2),
and every document vector and the query vector are L2-normalised: ``score(q, d) = cos(q, d)``.

``"bm25"`` (for large corpora: saturating term frequency and document-length normalisation, with
the title as its own field, BM25F-style). ``CountVectorizer`` counts the terms, ``TfidfTransformer``
learns the idf, and the count matrix is reweighted::

    tf'(t, d) = tf_body(t, d) / (1 - b + b * len(d) / avglen) + title_weight * tf_title(t, d)
    w(t, d)   = idf'(t) * tf'(t, d) * (k1 + 1) / (tf'(t, d) + k1),   idf'(t) = idf(t) - 1 = ln((1 + n) / (1 + df(t)))
    score(q, d) = sum over query words t (repeats counted) of w(t, d) / sum over them of idf'(t) * (k1 + 1)

``len(d)`` counts the body's terms. The divisor is the best score any document could get for the
query, so scores fall in [0, 1) like cosines do, and the ranking is plain BM25F's. Defaults:
``k1=1.2``, ``b=0.75``, ``title_weight=3``. The idf drops scikit-learn's ``+ 1`` so that a word in
every document adds nothing, as in BM25; it never goes negative, unlike Robertson's idf.

Both keep a term x document matrix of the weights, so a query walks only its words' postings:
its cost grows with how many documents hold its words, not with the corpus size. Only documents
sharing at least one term with the query score above zero, and only those are returned.

A query can also be given as index terms already worked out (``engine.terms([...])``, a
:class:`Terms` bag: what the answer path does with a question it has read); ``score_terms``
scores it with the same formulas, ``holding`` says which documents hold a term, and
``text_scores`` compares the bag with other texts (an answer's sentences) the way a tf-idf query
is compared with documents. These formulas live here only.

On disk the engine is plain arrays (``.npy``) and a JSON list of terms: no pickle. Only
:meth:`Engine.build` uses scikit-learn and SciPy (imported there: together they take over a second
to import); a loaded engine answers with numpy alone.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .analysis import Analyzer

WEIGHTINGS = ("tfidf", "bm25")
DEFAULT_TITLE_WEIGHT = {"tfidf": 2, "bm25": 3}
PROGRESS_MIN_DOCS = 5000  # smaller corpora are analysed in about a second: no bar worth drawing
# Up to this many documents, top() sorts the scores in Python: numpy's calls cost more on so few.
SMALL_CORPUS = 32
# Posting lists up to this long are looked through in Python (a set) rather than with numpy, whose
# calls cost more than the work on a few dozen numbers.
SHORT_POSTINGS = 64


class Terms(NamedTuple):
    """A bag of index terms, worked out once per query for scoring, coverage and passages."""

    ids: list[int]  # term ids, ascending
    counts: list[int]  # how often each occurs in the query
    weights: np.ndarray  # sublinear tf-idf weights, L2-normalised (float32): the tfidf query vector


class Postings(NamedTuple):
    """The terms x documents weights w(t, d) above, as compressed sparse rows: term ``j``'s documents
    are ``indices[indptr[j]:indptr[j + 1]]``, ascending, with weights ``data`` at the same places."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    @classmethod
    def of(cls, matrix) -> "Postings":
        """From a SciPy terms x documents matrix (at build time)."""
        matrix = matrix.tocsr().astype(np.float32)
        if not matrix.has_sorted_indices:  # readers binary-search a term's documents
            matrix.sort_indices()
        return cls(matrix.data, matrix.indices, matrix.indptr, matrix.shape)


class Engine:
    """A fitted index over documents. Build with :meth:`build`, reopen with :meth:`load`."""

    def __init__(self, analyzer: Analyzer, vocabulary: dict[str, int], idf: np.ndarray, postings: Postings,
                 ids: list[str], params: dict):
        self.analyzer_ = analyzer
        self.vocabulary_ = vocabulary  # index term -> its row in the postings
        self.postings_ = postings
        self.ids_ = ids
        self.params = params
        self.idf_ = np.asarray(idf, dtype=np.float32)  # smoothed idf per term: 1 + ln((1 + n) / (1 + df))
        # The largest weight a term can add to a document: the bm25 scores' divisor.
        self.term_max_ = (self.idf_ - 1) * (params.get("k1", 0) + 1)

    @classmethod
    def build(cls, records: Iterable[Mapping], analyzer: Analyzer | None = None, title_weight: float | None = None,
              weighting: str = "tfidf", k1: float = 1.2, b: float = 0.75, progress: bool = False) -> "Engine":
        """Index records with ``id``, ``text`` and optional ``title`` (see the module for the formulas).

        ``progress`` shows a progress bar on standard error while a ``"bm25"`` index is analysed,
        if standard error is a terminal.
        """
        if weighting not in WEIGHTINGS:
            raise ValueError(f"unknown weighting '{weighting}' (known: {', '.join(WEIGHTINGS)})")
        analyzer = analyzer or Analyzer()
        if title_weight is None:
            title_weight = DEFAULT_TITLE_WEIGHT[weighting]
        if weighting == "bm25":
            return cls._build_bm25(records, analyzer, title_weight, k1, b, progress)
        ids, texts = [], []
        for rec in records:
            ids.append(str(rec["id"]))
            title = rec.get("title") or ""
            texts.append(" ".join([rec.get("text") or ""] + [title] * title_weight))
        if not ids:
            raise ValueError("cannot build an index from no documents")
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, dtype=np.float32)
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError:  # every document was empty or only stop words
            raise ValueError("no document has any indexable words") from None
        params = {"title_weight": title_weight, "sublinear_tf": True, "norm": "l2", "analyzer": analyzer.params()}
        return cls(analyzer, vectorizer.vocabulary_, vectorizer.idf_, Postings.of(matrix.T), ids, params)

    @classmethod
    def _build_bm25(cls, records, analyzer, title_weight, k1, b, progress) -> "Engine":
        from scipy import sparse
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

        records = list(records)
        if not records:
            raise ValueError("cannot build an index from no documents")
        ids = [str(rec["id"]) for rec in records]
        analyse = ChunkCache(analyzer)
        titles = [analyse(rec.get("title") or "") for rec in records]
        bodies = (analyse(rec.get("text") or "") for rec in _progress(records, progress))
        counter = CountVectorizer(analyzer=_identity, dtype=np.float32)
        try:
            counts = counter.fit_transform(body + title for body, title in zip(bodies, titles))
        except ValueError:  # every document was empty or only stop words
            raise ValueError("no document has any indexable words") from None
        title_counts = counter.transform(titles)
        body_counts = (counts - title_counts).tocsr()
        idf = TfidfTransformer(smooth_idf=True).fit(counts).idf_.astype(np.float32)

        # tf' per stored (document, term): body tf over its length norm, plus the weighted title tf.
        lengths = np.asarray(body_counts.sum(axis=1)).ravel()
        norm = 1 - b + b * lengths / max(lengths.mean(), 1e-9)
        tf = sparse.diags((1 / norm).astype(np.float32)) @ body_counts + title_weight * title_counts
        tf = tf.tocsr()
        tf.data = (idf[tf.indices] - 1) * tf.data * (k1 + 1) / (tf.data + k1)
        tf.eliminate_zeros()  # terms in every document weigh 0

        params = {"weighting": "bm25", "k1": k1, "b": b, "title_weight": title_weight, "analyzer": analyzer.params()}
        return cls(analyzer, counter.vocabulary_, idf, Postings.of(tf.T), ids, params)

    @property
    def weighting(self) -> str:
        return self.params.get("weighting", "tfidf")

    @property
    def n_docs(self) -> int:
        return len(self.ids_)

    @property
    def n_terms(self) -> int:
        return self.postings_.shape[0]

    @property
    def analyzer(self) -> Analyzer:
        return self.analyzer_

    def idf(self) -> dict[str, float]:
        """Each index term's smoothed idf, ``1 + ln((1 + n) / (1 + df))``."""
        return {t: float(self.idf_[j]) for t, j in self.vocabulary_.items()}

    def terms(self, words: Iterable[str]) -> Terms:
        """The index terms among ``words`` (analysed already; others are passed over) as a bag,
        weighted as ``TfidfVectorizer`` weights a text: ``w(t) = (1 + ln count(t)) * idf(t)``, then
        L2-normalised."""
        # Counted in a dict rather than by np.unique: for a handful of terms, several times cheaper.
        counts: dict[int, int] = {}
        for word in words:
            j = self.vocabulary_.get(word)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        ids = sorted(counts)
        if not ids:
            return Terms([], [], np.zeros(0, dtype=np.float32))
        n = [counts[j] for j in ids]
        w = (1.0 + np.log(n)) * self.idf_[ids]
        # np.linalg.norm(w) is exactly this (the square root of w.w), less its overhead.
        return Terms(ids, n, (w / math.sqrt(w.dot(w))).astype(np.float32))

    def scores(self, query: str) -> np.ndarray:
        """The query's score with every document (dense, one per document; 0 = no shared term)."""
        return self.score_terms(self.terms(self.analyzer(query)))

    def score_terms(self, terms: Terms) -> np.ndarray:
        """:meth:`scores` of a bag of terms: the cosine for ``tfidf``; for ``bm25``, the summed
        postings (each term as often as it occurs) over the best possible sum."""
        ids, w = terms.ids, terms.weights
        if self.weighting == "bm25" and ids:
            counts = np.asarray(terms.counts)
            best = float((self.term_max_[ids] * counts).sum())
            # No words but those every document has (idf' = 0): no document scores.
            ids, w = (ids, (counts / best).astype(np.float32)) if best else ([], w)
        if not ids:
            return np.zeros(self.n_docs, dtype=np.float32)
        # Straight from the postings arrays: for a handful of terms this is several times cheaper
        # than scipy's fancy indexing of the matrix (or vectorizer.transform and a sparse product).
        p = self.postings_
        spans = [(p.indptr[j], p.indptr[j + 1]) for j in ids]
        docs = np.concatenate([p.indices[a:z] for a, z in spans])
        weights = np.concatenate([p.data[a:z] for a, z in spans]) * np.repeat(w, [z - a for a, z in spans])
        return np.bincount(docs, weights=weights, minlength=self.n_docs)

    def holding(self, term: str, rows: Sequence[int]) -> set[int]:
        """A set holding those of ``rows`` (sorted) whose document has the index term ``term``, and
        maybe other documents that have it too (all of them when it is in few)."""
        j = self.vocabulary_[term]
        p = self.postings_
        docs = p.indices[p.indptr[j] : p.indptr[j + 1]]
        if len(docs) <= SHORT_POSTINGS:
            return set(docs.tolist())
        at = np.minimum(np.searchsorted(docs, rows), len(docs) - 1)  # binary search: no set of a long list
        return {row for row, here in zip(rows, (docs[at] == rows).tolist()) if here}

    def text_rows(self, texts: list[str]) -> list[Terms]:
        """Other texts (an answer's candidate sentences) as bags of index terms, each weighted and
        L2-normalised as :meth:`terms` weights a query (sublinear tf-idf; words not in the index
        are left out)."""
        return [self.terms(self.analyzer_(text)) for text in texts]

    def text_scores(self, rows: list[Terms], terms: Terms) -> np.ndarray:
        """The cosine of each of :meth:`text_rows` with a bag of terms."""
        query = dict(zip(terms.ids, terms.weights.tolist()))
        return np.array([sum(query.get(j, 0.0) * w for j, w in zip(row.ids, row.weights.tolist())) for row in rows],
                        dtype=np.float32)

    def search(self, query: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` best documents as ``(id, score)``, best first; documents scoring 0 are left out."""
        return [(self.ids_[i], s) for i, s in self.top(self.scores(query), k)]

    @staticmethod
    def top(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Row numbers and scores of the ``k`` highest non-zero scores, best first (ties by row)."""
        if k <= 0:
            return []
        if len(scores) <= SMALL_CORPUS:
            ranked = sorted((-score, row) for row, score in enumerate(scores.tolist()) if score > 0)
            # If the k-th and the next score tie, argpartition below chooses which of them is kept.
            if len(ranked) <= k or ranked[k - 1][0] != ranked[k][0]:
                return [(row, -score) for score, row in ranked[:k]]
        rows = np.flatnonzero(scores > 0)
        if not len(rows):
            return []
        if len(rows) > k:
            rows = rows[np.argpartition(-scores[rows], k - 1)[:k]]
        rows = rows[np.lexsort((rows, -scores[rows]))]
        return [(int(i), float(scores[i])) for i in rows]

    # -- persistence: plain arrays and JSON ----------------------------------------------------

    # What save() writes. load() trusts none of it: a file may be truncated, emptied or overwritten.
    FILES = ("postings_data.npy", "postings_indices.npy", "postings_indptr.npy", "idf.npy", "terms.json", "ids.json")

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        p = self.postings_
        np.save(folder / "postings_data.npy", p.data)
        np.save(folder / "postings_indices.npy", p.indices)
        np.save(folder / "postings_indptr.npy", p.indptr)
        np.save(folder / "idf.npy", self.idf_)
        terms = sorted(self.vocabulary_, key=self.vocabulary_.get)
        (folder / "terms.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
        (folder / "ids.json").write_text(json.dumps(self.ids_, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, params: dict, analyzer: Analyzer | None = None) -> "Engine":
        """Reopen a saved engine; ``params`` are the ones it was built with (its ``params``).

        Raises ValueError, naming the file, when the files do not make one engine: an unreadable
        array or list, an idf or posting list per term that is missing, document numbers out of
        range, a weight that is not a number. A missing file raises FileNotFoundError.
        """
        folder = Path(folder)
        terms = _strings(folder / "terms.json")
        ids = _strings(folder / "ids.json")
        data = _array(folder / "postings_data.npy", "f")
        indices = _array(folder / "postings_indices.npy", "iu")
        if indices.dtype.kind == "u":  # np.bincount takes signed document numbers only
            indices = indices.astype(np.int64)
        indptr = np.array(_array(folder / "postings_indptr.npy", "iu"))
        idf = np.array(_array(folder / "idf.npy", "f"))
        _check_fit(terms, ids, data, indices, indptr, idf)
        postings = Postings(data, indices, indptr, (len(terms), len(ids)))
        return cls(analyzer or Analyzer(), {t: i for i, t in enumerate(terms)}, idf, postings, ids, params)


def _strings(path: Path) -> list[str]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:  # not UTF-8, or not JSON
        raise ValueError(f"{path.name} is not readable JSON ({exc})") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{path.name} is not a list of strings")
    return value


def _array(path: Path, kinds: str) -> np.ndarray:
    """A one-dimensional array of one of the dtype ``kinds``, memory-mapped (read lazily, shared)."""
    try:
        # Memory-mapping also means a header that claims more data than the file holds fails
        # here, cheaply, instead of allocating what it claims.
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, EOFError) as exc:  # empty, truncated or not an .npy file at all
        raise ValueError(f"{path.name} is not a readable array ({exc})") from None
    if array.ndim != 1 or array.dtype.kind not in kinds:
        raise ValueError(f"{path.name} holds a {array.dtype} array of shape {array.shape}, not a list of numbers")
    return array


def _check_fit(terms, ids, data, indices, indptr, idf) -> None:
    """Raise ValueError unless the arrays make one terms x documents matrix and one idf per term."""
    if not ids or not terms:
        raise ValueError(f"{'ids.json' if not ids else 'terms.json'} is empty")
    if len(set(terms)) != len(terms):
        raise ValueError("terms.json lists a term twice")
    if len(idf) != len(terms):
        raise ValueError(f"idf.npy has {len(idf):,} values for {len(terms):,} terms")
    if len(indptr) != len(terms) + 1 or indptr[0] != 0 or (np.diff(indptr) < 0).any():
        raise ValueError(f"postings_indptr.npy does not delimit {len(terms):,} posting lists")
    if not len(data) == len(indices) == indptr[-1]:
        raise ValueError(f"the postings hold {len(data):,} weights and {len(indices):,} document numbers, "
                         f"postings_indptr.npy expects {indptr[-1]:,}")
    if len(indices) and (indices.min() < 0 or indices.max() >= len(ids)):
        raise ValueError(f"postings_indices.npy has document numbers outside 0..{len(ids) - 1}")
    # Each term's documents ascending (readers binary-search them): no step down within a list.
    steps = np.diff(indices.astype(np.int64)) > 0
    starts = indptr[1:-1]
    steps[starts[(starts > 0) & (starts < len(indices))] - 1] = True  # a new list may start lower
    if not steps.all():
        raise ValueError("postings_indices.npy lists a term's documents out of order")
    if not (np.isfinite(idf).all() and np.isfinite(data).all()):
        raise ValueError("idf.npy or postings_data.npy holds a value that is not a finite number")


class ChunkCache:
    """The analyzer applied word by word through a cache: same terms, several times faster.

    The analyzer's tokens never contain white space, so analysing a text equals analysing each
    white-space-separated chunk of it and joining the results. Texts repeat their chunks
    ("glaucoma", "the", "eye."), so each distinct chunk is analysed once. Build-time only: the
    cache grows with the corpus's distinct chunks.
    """

    def __init__(self, analyzer: Analyzer):
        self.analyzer = analyzer
        self.cache: dict[str, list[str]] = {}

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        cache = self.cache
        for chunk in text.split():
            terms = cache.get(chunk)
            if terms is None:
                terms = cache[chunk] = self.analyzer(chunk)
            out.extend(terms)
        return out


def _identity(terms: list[str]) -> list[str]:
    return terms


def _progress(items: list, show: bool):
    """``items``, with a progress bar if asked and standard error is a terminal (never under CI)."""
    if not show or len(items) < PROGRESS_MIN_DOCS or os.environ.get("CI") or not sys.stderr.isatty():
        return items
    try:
        from tqdm import tqdm
    except ImportError:  # the bar is a nicety; indexing works without it
        return items
    return tqdm(items, desc="indexing", unit=" docs", file=sys.stderr, leave=False)
