"""Answering: question -> triage -> retrieval -> confidence threshold -> verbatim answer + citations.

``Bot.ask(question)`` returns an :class:`Answer` whose ``to_dict()`` is the JSON contract shared by
the CLI and the HTTP API::

    {"question": str, "status": "answered" | "no_answer" | "urgent" | "smalltalk",
     "answer": str, "citations": [{"article", "section", "url", "passage", "score"}],
     "disclaimer": str}

An answer's text is only ever whole sentences copied from the cited section; each citation's
passage is one contiguous stretch of that section's text. Nothing is paraphrased.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field

import numpy as np

from .analysis import sentence_spans
from .config import Config
from .corpus import Section
from .errors import UsageError
from .index import CorpusIndex, open_index
from .triage import triage

STATUSES = ("answered", "no_answer", "urgent", "smalltalk")
# A second section is cited too when it scores at least this share of the best one.
CO_CITE_RATIO = 0.85
MAX_CITATIONS = 2

SMALLTALK_REPLY = (
    "Hello! I'm the clinic's question-answering assistant. I answer questions using our clinic's own "
    "health articles, quoting them word for word and citing the section. I currently know about: {topics}. "
    "What would you like to know?"
)
NO_ANSWER_REPLY = (
    "I'm sorry, I don't have information on that in our clinic's articles. They cover: {topics}. {contact}"
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
    text = unicodedata.normalize("NFC", question)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    text = " ".join(text.split())
    if not text:
        raise UsageError("the question is empty: type a question about our articles")
    if len(text) > max_chars:
        raise UsageError(f"the question is {len(text)} characters long; the limit is {max_chars}: please shorten it")
    return text


class Bot:
    """Answers questions from one corpus index with one configuration."""

    def __init__(self, index: CorpusIndex, config: Config | None = None):
        self.index = index
        self.config = config or Config()
        articles: dict[str, list[str]] = {}
        for s in index.sections:
            articles.setdefault(s.article_title, []).append(s.title)
        self.topics = "; ".join(f"{title} ({', '.join(secs)})" for title, secs in articles.items())

    @classmethod
    def from_config(cls, config: Config | None = None) -> "Bot":
        config = config or Config()
        return cls(open_index(config.corpus, config.resolved_index_dir), config)

    def ask(self, question: str) -> Answer:
        text = clean_question(question, self.config.max_question_chars)
        verdict = triage(text)
        if verdict.kind in ("emergency", "crisis"):
            message = self.config.emergency_message
            if verdict.kind == "crisis":
                message = f"{self.config.crisis_message} {message}"
            return self._reply(text, "urgent", message, reason=verdict.reason)
        if verdict.kind == "smalltalk":
            return self._reply(text, "smalltalk", SMALLTALK_REPLY.format(topics=self.topics), reason="small talk")
        return self._retrieve(text)

    def _reply(self, question, status, text, citations=(), reason="") -> Answer:
        return Answer(question, status, text, tuple(citations), self.config.disclaimer, reason)

    def _retrieve(self, question: str) -> Answer:
        engine = self.index.engine
        scores = engine.scores(question)
        ranked = engine.top(scores, MAX_CITATIONS)
        if not ranked or ranked[0][1] < self.config.min_score:
            best = f"best score {ranked[0][1]:.3f}" if ranked else "no matching words"
            reply = NO_ANSWER_REPLY.format(topics=self.topics, contact=self.config.contact_message)
            return self._reply(question, "no_answer", reply, reason=f"{best} < {self.config.min_score}")
        top_score = ranked[0][1]
        chosen = [r for r in ranked if r[1] >= CO_CITE_RATIO * top_score]
        citations, texts = [], []
        for row, score in chosen:
            section = self.index.sections[row]
            passage, sentences = self._passage(section, question)
            citations.append(Citation(section.article_title, section.title, section.url, passage, round(score, 4)))
            texts.extend(sentences)
        return self._reply(question, "answered", " ".join(texts), citations, reason=f"best score {top_score:.3f}")

    def _passage(self, section: Section, question: str) -> tuple[str, list[str]]:
        """The best sentences of a section for the question, and the contiguous passage holding them."""
        spans = sentence_spans(section.text)
        texts = [section.text[a:b] for a, b in spans]
        engine = self.index.engine
        q = engine.query_vector(question)
        sent = engine.vectorizer_.transform(texts)
        scores = np.asarray((sent @ q.T).todense()).ravel()
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
