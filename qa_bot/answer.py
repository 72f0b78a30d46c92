"""Answering: question -> triage -> reading -> retrieval -> confidence -> verbatim answer + citations.

1. Triage (triage.py): emergencies and crises get ``urgent`` and the configured message; greetings,
   thanks and "what can you do" get ``smalltalk``.
2. Reading (vocabulary.py): typos corrected, the clinic vocabulary's patient phrases mapped to the
   articles' words, topics the articles do not cover and personal questions (doses, diagnosis)
   recognised; the latter two get ``no_answer`` with a reply that names the topic or says a
   clinician must decide.
3. Retrieval: TF-IDF over the sections, the best candidates re-ranked by cosine x coverage.
4. Confidence: answered only if the best section's score reaches ``min_score`` and it (or, for a
   question spanning two sections, the best two together) holds at least ``MIN_COVERAGE`` of the
   question's informative content; see :meth:`Bot.coverage`.

``Bot.ask(question)`` returns an :class:`Answer` whose ``to_dict()`` is the JSON contract shared by
the CLI and the HTTP API::

    {"question": str, "status": "answered" | "no_answer" | "urgent" | "smalltalk",
     "answer": str, "citations": [{"article", "section", "url", "passage", "score"}],
     "disclaimer": str}

An answer's text is only ever whole sentences copied from the cited section; each citation's
passage is one contiguous stretch of that section's text. Nothing is paraphrased.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

import numpy as np
from scipy import sparse

from .analysis import fold, sentence_spans
from .budget import NO_DEADLINE, Deadline
from .config import Config
from .errors import UsageError
from .index import CorpusIndex, open_index
from .triage import triage
from .vocabulary import Reader, Reading, Vocabulary

STATUSES = ("answered", "no_answer", "urgent", "smalltalk")
# A second section is cited too when it scores at least this share of the best one.
CO_CITE_RATIO = 0.85
MAX_CITATIONS = 2
# Unicode categories whose characters become spaces in a question: control and format characters
# (zero-width spaces, direction marks...), lone surrogates (which cannot even be encoded) and line
# and paragraph separators.
CONTROL = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# The share of a question's informative content (idf-weighted, see Bot.coverage) that the best
# section must contain. "Botox" is in every section, so a question like "what does botox cost"
# has a fair cosine with any of them; its coverage is low because "cost" is nowhere. On our
# labelled questions off-topic ones reach at most ~0.35 and on-topic ones start at ~0.45-0.6:
# 0.5 sits in that gap.
MIN_COVERAGE = 0.5
# How many of the best sections by cosine are re-ranked by coverage (see Bot.rank).
RERANK_CANDIDATES = 8
# Sections whose sentences are kept split and vectorised (a large corpus is not split up front).
SENTENCE_CACHE_SECTIONS = 4096
# Replies list what the articles cover: every article up to this many, then only a count.
TOPICS_LISTED = 8
# Posting lists up to this long are looked through in Python (a set) rather than with numpy, whose
# calls cost more than the work on a few dozen numbers.
SHORT_POSTINGS = 64

SMALLTALK_REPLY = (
    "Hello! I'm the clinic's question-answering assistant. I answer questions using our clinic's own "
    "health articles, quoting them word for word and citing the section. I currently know about: {topics}. "
    "What would you like to know?"
)
NO_ANSWER_REPLY = (
    "I'm sorry, I don't have information on that in our clinic's articles. They cover: {topics}. {contact}"
)
NOT_COVERED_REPLY = (
    "I'm sorry, our clinic's articles do not cover {subject}. They cover: {topics}. {contact}"
)
# Doses and diagnoses are personal: answered as no_answer, never with an article passage that
# could read as a decision about this patient.
CLINICIAN_REPLY = (
    "Only a clinician who knows your health history and can examine you can decide {subject}; "
    "our articles give general information and cannot decide that for you. {contact}"
)


@dataclass(frozen=True)
class Citation:
    article: str
    section: str
    url: str
    passage: str
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    status: str
    answer: str
    citations: tuple[Citation, ...]
    disclaimer: str
    reason: str = field(default="", compare=False)  # why this status: for eval and logs, not the contract

    def to_dict(self) -> dict:
        """The JSON contract (``reason`` is not part of it)."""
        return {
            "question": self.question,
            "status": self.status,
            "answer": self.answer,
            "citations": [asdict(c) for c in self.citations],
            "disclaimer": self.disclaimer,
        }


def clean_question(question: str, max_chars: int) -> str:
    """Normalise Unicode, drop control characters and squeeze spaces; refuse empty or over-long text."""
    if not isinstance(question, str):
        raise UsageError("the question must be text")
    text = " ".join(unicodedata.normalize("NFC", question).split())
    # Squeezing the spaces before replacing gives the same text as after: the replacements are
    # spaces too. Most questions are printable, and a printable text has none of CONTROL's
    # categories (none of them is printable): only other texts are looked at character by character.
    if not text.isprintable():
        text = " ".join("".join(" " if unicodedata.category(c) in CONTROL else c for c in text).split())
    if not text:
        raise UsageError("the question is empty: type a question about our articles")
    if len(text) > max_chars:
        raise UsageError(f"the question is {len(text)} characters long; the limit is {max_chars}: please shorten it")
    return text


class Query(NamedTuple):
    """A read question's index terms, worked out once per question for scoring and passages."""

    ids: list[int]  # term ids, ascending
    counts: list[int]  # how often each occurs in the question
    weights: np.ndarray  # tf-idf weights, L2-normalised (float32; see Bot._query)


def describe_topics(sections, most: int = TOPICS_LISTED) -> str:
    """What the articles cover, for replies: each article with its sections; past ``most`` articles,
    only that many titles and how many more there are (a knowledge base may hold thousands)."""
    articles: dict[str, list[str]] = {}
    for s in sections:
        articles.setdefault(s.article_title, []).append(s.title)
    if len(articles) <= most:
        return "; ".join(f"{title} ({', '.join(secs)})" for title, secs in articles.items())
    titles = list(articles)
    return f"{'; '.join(titles[:most])}; and {len(titles) - most:,} more topics"


class Bot:
    """Answers questions from one corpus index with one configuration."""

    def __init__(self, index: CorpusIndex, config: Config | None = None, vocabulary: Vocabulary | None = None):
        self.index = index
        self.config = config or Config()
        engine = index.engine
        if vocabulary is None:
            vocabulary = Vocabulary.for_corpus(self.config.corpus, engine.analyzer)
        self._term_ids = engine.vectorizer_.vocabulary_
        self._idf = np.asarray(engine.vectorizer_.idf_, dtype=np.float32)
        known = {t: float(self._idf[i]) for t, i in self._term_ids.items()}
        self.reader = Reader(vocabulary, engine.analyzer, known, engine.n_docs)
        self.topics = describe_topics(index.sections)
        self._sentences = functools.lru_cache(maxsize=SENTENCE_CACHE_SECTIONS)(self._split)
        self._records = index.manifest.get("kind") == "records"
        self._title_terms = functools.lru_cache(maxsize=SENTENCE_CACHE_SECTIONS)(self._record_title)

    @classmethod
    def from_config(cls, config: Config | None = None) -> "Bot":
        config = config or Config()
        return cls(open_index(config.corpus, config.resolved_index_dir), config)

    def ask(self, question: str) -> Answer:
        """The answer to ``question``. Raises UsageError for an empty or over-long question, and
        TooSlowError if answering runs past ``answer_time_budget_ms`` (checked between stages and
        in the loops over candidates)."""
        deadline = Deadline.after(self.config.answer_time_budget_ms)
        text = clean_question(question, self.config.max_question_chars)
        folded = fold(text)  # once, for both triage and reading
        verdict = triage(text, folded, deadline)
        if verdict.kind in ("emergency", "crisis"):
            message = self.config.emergency_message
            if verdict.kind == "crisis":
                message = f"{self.config.crisis_message} {message}"
            return self._reply(text, "urgent", message, reason=verdict.reason)
        if verdict.kind == "smalltalk":
            return self._reply(text, "smalltalk", SMALLTALK_REPLY.format(topics=self.topics), reason="small talk")
        reading = self.reader.read(text, folded)
        deadline.check()
        return self._retrieve(text, reading, deadline)

    def _reply(self, question, status, text, citations=(), reason="") -> Answer:
        return Answer(question, status, text, tuple(citations), self.config.disclaimer, reason)

    def _retrieve(self, question: str, reading: Reading, deadline: Deadline) -> Answer:
        contact = self.config.contact_message
        if reading.ask_a_clinician:
            subject = _join(reading.ask_a_clinician)
            return self._reply(question, "no_answer", CLINICIAN_REPLY.format(subject=subject, contact=contact),
                               reason=f"personal question: {subject}")
        if reading.not_covered:
            subject = _join(reading.not_covered)
            reply = NOT_COVERED_REPLY.format(subject=subject, topics=self.topics, contact=contact)
            return self._reply(question, "no_answer", reply, reason=f"not covered: {subject}")
        query = self._query(reading)
        if self._records:
            # A knowledge base of many short records holds nearly every English word somewhere, so
            # a passage sharing words with an off-topic question is easy to find ("renew my
            # passport" -> a disease's "renewed" symptoms). A record is only cited if its title
            # names something the question asks about (a record without a title of its own is not held to it).
            asked = set(reading.terms) | set(reading.expansions)
            ranked = [r for r in self._rank(reading, query, RERANK_CANDIDATES, deadline)
                      if self._title_terms(r[0]) is None or asked & self._title_terms(r[0])]
            ranked = ranked[:MAX_CITATIONS]
        else:
            ranked = self._rank(reading, query, MAX_CITATIONS, deadline)
        relevance = ranked[0][1] / ranked[0][2] if ranked else 0.0  # the best section's cosine (or bm25 score)
        coverage = ranked[0][2] if ranked else 0.0
        top_score = ranked[0][1] if ranked else 0.0
        chosen = [r for r in ranked if r[1] >= CO_CITE_RATIO * top_score]
        if ranked and coverage < MIN_COVERAGE and len(ranked) > 1 and ranked[1][1] / ranked[1][2] >= self.config.min_score:
            # A question can span two sections ("the mechanism of botulinum toxin"): then both
            # must hold it between them, and both are cited.
            coverage = self.coverage(reading, ranked[0][0], ranked[1][0])
            chosen = ranked[:2]
        if not ranked or relevance < self.config.min_score or coverage < MIN_COVERAGE:
            best = f"best score {relevance:.3f}, coverage {coverage:.2f}" if ranked else "no matching words"
            missing = f"; unknown words: {', '.join(reading.unknown)}" if reading.unknown else ""
            reply = NO_ANSWER_REPLY.format(topics=self.topics, contact=contact)
            return self._reply(question, "no_answer", reply,
                               reason=f"{best} (need {self.config.min_score}, {MIN_COVERAGE}){missing}")
        citations, texts = [], []
        for row, score, _ in chosen:
            deadline.check()
            section = self.index.sections[row]
            passage, sentences = self._passage(row, query)
            citations.append(Citation(section.article_title, section.title, section.url, passage, round(score, 4)))
            texts.extend(sentences)
        return self._reply(question, "answered", " ".join(texts), citations,
                           reason=f"best score {relevance:.3f}, coverage {coverage:.2f}")

    def _query(self, reading: Reading) -> Query:
        """The read question's terms as a :class:`Query`: its own terms and the terms the vocabulary
        added for its phrases count alike. Weighted as ``TfidfVectorizer`` weights a text:
        ``w(t) = (1 + ln count(t)) * idf(t)``, then L2-normalised."""
        # Counted in a dict rather than by np.unique: for a handful of terms, several times cheaper.
        counts: dict[int, int] = {}
        for term in reading.terms + reading.expansions:
            j = self._term_ids[term]
            counts[j] = counts.get(j, 0) + 1
        ids = sorted(counts)
        if not ids:
            return Query([], [], np.zeros(0, dtype=np.float32))
        n = [counts[j] for j in ids]
        w = (1.0 + np.log(n)) * self._idf[ids]
        # np.linalg.norm(w) is exactly this (the square root of w.w), less its overhead.
        return Query(ids, n, (w / math.sqrt(w.dot(w))).astype(np.float32))

    def scores(self, reading: Reading | str) -> np.ndarray:
        """The (read) question's score with every section, one per index row, computed the way the
        engine scores a text (see engine.py) but from the reader's terms: the cosine for a
        ``tfidf`` engine; for a ``bm25`` one, the summed postings over the best possible sum."""
        if isinstance(reading, str):
            reading = self.reader.read(reading)
        return self._scores(self._query(reading))

    def _scores(self, query: Query) -> np.ndarray:
        """:meth:`scores` of a question's :class:`Query`."""
        engine = self.index.engine
        ids, w = query.ids, query.weights
        if engine.weighting == "bm25" and ids:
            counts = np.asarray(query.counts)
            best = float((engine.term_max_[ids] * counts).sum())
            # No words but those every document has (idf' = 0): no document scores.
            ids, w = (ids, (counts / best).astype(np.float32)) if best else ([], w)
        if not ids:
            return np.zeros(engine.n_docs, dtype=np.float32)
        # Straight from the postings arrays: for a handful of terms this is several times cheaper
        # than scipy's fancy indexing of the matrix.
        p = engine.postings_
        spans = [(p.indptr[j], p.indptr[j + 1]) for j in ids]
        docs = np.concatenate([p.indices[a:z] for a, z in spans])
        weights = np.concatenate([p.data[a:z] for a, z in spans]) * np.repeat(w, [z - a for a, z in spans])
        return np.bincount(docs, weights=weights, minlength=engine.n_docs)

    def rank(self, reading: Reading | str, k: int) -> list[tuple[int, float, float]]:
        """The ``k`` best sections as ``(row, score, coverage)``, best first.

        The sections with the highest cosine are re-ranked by ``score = cosine * coverage``: a
        section that shares a frequent word many times must not beat one that holds all of the
        question ("what causes chronic pain" is answered where causes are named).
        """
        if isinstance(reading, str):
            reading = self.reader.read(reading)
        return self._rank(reading, self._query(reading), k)

    def _rank(self, reading: Reading, query: Query, k: int,
              deadline: Deadline = NO_DEADLINE) -> list[tuple[int, float, float]]:
        candidates = self.index.engine.top(self._scores(query), max(k, RERANK_CANDIDATES))
        if not candidates:
            return []
        deadline.check()
        covered = self._coverages(reading, [(row,) for row, _ in candidates], deadline)
        ranked = sorted(((row, cos * c, c) for (row, cos), c in zip(candidates, covered)), key=lambda r: (-r[1], r[0]))
        return [r for r in ranked if r[1] > 0][:k]

    def coverage(self, reading: Reading, *rows: int) -> float:
        """Share of the question's content that the sections ``rows`` hold between them::

            coverage = sum(weight(u) for u in units if u has a term in the sections) / sum(weight(u))

        where ``weight(u)`` says how much the unit's rarest term tells sections apart and a unit the
        corpus lacks has a fixed weight (see :class:`Reader`). No known content at all: 0.
        """
        return self._coverages(reading, [rows])[0]

    def _coverages(self, reading: Reading, groups: list[tuple[int, ...]],
                   deadline: Deadline = NO_DEADLINE) -> list[float]:
        """The coverage (see :meth:`coverage`) of each group of rows."""
        total = sum(u.weight for u in reading.units)
        if not total:
            return [0.0] * len(groups)
        rows = sorted({row for group in groups for row in group})
        p = self.index.engine.postings_
        found = {}  # term -> a set holding those of `rows` whose section has the term
        for term in {t for u in reading.units for t in u.terms}:
            j = self._term_ids[term]
            found[term] = _found(p.indices[p.indptr[j] : p.indptr[j + 1]], rows)
        covered = [0] * len(groups)
        for u in reading.units:  # in order: each sum adds up as the definition's sum() does
            deadline.check()
            here = set().union(*[found[t] for t in u.terms])
            for g, group in enumerate(groups):
                if not here.isdisjoint(group):
                    covered[g] += u.weight
        return [c / total for c in covered]

    def _record_title(self, row: int) -> frozenset[str] | None:
        """The index terms of a record's title; None when it has no title (its id stands in)."""
        section = self.index.sections[row]
        if section.article_title == section.article_slug:
            return None
        return frozenset(self.index.engine.analyzer(section.article_title))

    def _split(self, row: int) -> tuple[list[tuple[int, int]], list[str], sparse.csr_matrix]:
        """A section's sentence spans, texts and tf-idf rows (cached per section by ``_sentences``)."""
        text = self.index.sections[row].text
        spans = sentence_spans(text)
        texts = [text[a:b] for a, b in spans]
        return spans, texts, self.index.engine.vectorizer_.transform(texts).tocsr()

    def _passage(self, row: int, query: Query) -> tuple[str, list[str]]:
        """The best sentences of a section for the question, and the contiguous passage holding them."""
        section = self.index.sections[row]
        spans, texts, sent = self._sentences(row)
        vector = np.zeros(sent.shape[1], dtype=np.float32)
        vector[query.ids] = query.weights
        scores = sent @ vector
        keep = max(1, min(self.config.max_answer_sentences, len(texts)))
        # The window of `keep` neighbouring sentences with the most weight, around the best sentence,
        # less sentences at either end that share no word with the question.
        first = int(np.argmax(scores))
        starts = range(max(0, first - keep + 1), min(first, len(texts) - keep) + 1)
        lo = max(starts, key=lambda a: (scores[a : a + keep].sum(), -a))
        hi = lo + keep - 1
        while lo < first and scores[lo] <= 0:
            lo += 1
        while hi > first and scores[hi] <= 0:
            hi -= 1
        passage = section.text[spans[lo][0] : spans[hi][1]]
        return passage, texts[lo : hi + 1]


def _found(docs: np.ndarray, rows: list[int]) -> set[int]:
    """A set holding those of ``rows`` (sorted) that are among a posting list's documents (sorted),
    and maybe other documents of the list: all of them when it is short."""
    if len(docs) <= SHORT_POSTINGS:
        return set(docs.tolist())
    at = np.minimum(np.searchsorted(docs, rows), len(docs) - 1)  # binary search: no set of a long list
    return {row for row, here in zip(rows, (docs[at] == rows).tolist()) if here}


def _join(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
