"""Answering: question -> triage -> reading -> retrieval -> confidence -> verbatim answer + citations.

1. Triage (triage.py): emergencies and crises get ``urgent`` and the configured message; greetings,
   thanks and "what can you do" get ``smalltalk``.
2. Reading (vocabulary.py): typos corrected, the clinic vocabulary's patient phrases mapped to the
   articles' words, topics the articles do not cover and personal questions (doses, diagnosis)
   recognised; the latter two get ``no_answer`` with a reply that names the topic or says a
   clinician must decide.
3. Retrieval (ranker.py): the sections ranked by the lexical engine (TF-IDF over each section's
   article title, heading and text) and the sentence encoder together, each candidate with its
   evidence (lexical score, coverage of the question's content, dense cosines).
4. Answerability (answerability.py): answered only if the evidence says the best section (or, for a
   question spanning two sections, the best two together) discusses what is asked.
5. Passages: the best sentences of each cited section, quoted verbatim.

A follow-up question that names no topic of its own is read with the topic of the earlier turns the
client sent (followup.py); a reply that is not an answer offers up to three questions the articles
do answer (suggest.py): for no_answer those of the closest sections, for small talk the starters.

``Bot.ask(question)`` returns an :class:`Answer` whose ``to_dict()`` is the JSON contract shared by
the CLI and the HTTP API::

    {"id": str, "question": str, "status": "answered" | "no_answer" | "urgent" | "smalltalk",
     "answer": str, "citations": [{"article", "section", "url", "passage", "score"}],
     "suggestions": [{"text", "url"}], "assumed_topic": str | None, "disclaimer": str}

Urgent replies carry the configured ``urgent_disclaimer`` in ``disclaimer``, the others the
article ``disclaimer``.

An answer's text is only ever whole sentences copied from the cited section; each citation's
passage is one contiguous stretch of that section's text. Nothing is paraphrased. ``id`` is random
(uuid4 hex), never derived from the question: feedback names the answer by it.
"""

from __future__ import annotations

import functools
import unicodedata
import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import NamedTuple

import numpy as np

from .analysis import fold
from .answerability import MAX_CITATIONS, decide
from .budget import Deadline
from .config import Config
from .cues import answering
from .errors import UsageError
from .followup import Context, Topics, Turn, ranking_within
from .gc_pause import gc_paused
from .index import CorpusIndex, open_index
from .ranker import Candidate, Ranker, Ranking, shared_encoder
from .suggest import Suggester, Suggestion, closing
from .triage import triage
from .vocabulary import Reader, Reading, Vocabulary

STATUSES = ("answered", "no_answer", "urgent", "smalltalk")
# Unicode categories whose characters become spaces in a question: control and format characters
# (zero-width spaces, direction marks...), lone surrogates (which cannot even be encoded) and line
# and paragraph separators.
CONTROL = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# How many of the ranker's best sections the decision looks at (a knowledge base's are filtered first).
RERANK_CANDIDATES = 8
# Record titles whose terms are kept (see Bot._title_terms).
TITLE_CACHE_RECORDS = 4096
# Passage choice: what a sentence with the words that answer this kind of question adds to its
# cosine (about half a typical best sentence's), if its cosine is at least this share of the best.
ANSWER_CUE = 0.25
CUE_GATE = 0.3
# A message holding several questions ("what is it? how is it treated? what does it cost?") is
# answered part by part, for at most this many parts: each costs a ranking.
MAX_PARTS = 4

# Replies that are not answers are a sentence or two; the suggestions that come with them say what
# the articles do cover (a list of every topic would grow with the corpus).
SMALLTALK_REPLY = (
    "Hello! I'm the clinic's question-answering assistant: I answer from our clinic's health articles, "
    "quoting them and naming the section. What would you like to know?"
)
NO_ANSWER_REPLY = "I'm sorry, I don't have information on that in our clinic's articles. {contact}"
NOT_COVERED_REPLY = "I'm sorry, our clinic's articles do not cover {subject}. {contact}"
# At most this long, before its suggestions (the contact message is the clinic's own, so kept whole).
MAX_REPLY_CHARS = 300
OTHER_SUBJECTS = "the other things you asked about"
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
    # random, never derived from the question: feedback and the store name the answer by it
    id: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)
    suggestions: tuple[Suggestion, ...] = ()
    assumed_topic: str | None = None  # the earlier turns' topic a follow-up question was read with

    def to_dict(self) -> dict:
        """The JSON contract (``reason`` is not part of it)."""
        return {
            "id": self.id,
            "question": self.question,
            "status": self.status,
            "answer": self.answer,
            "citations": [asdict(c) for c in self.citations],
            "suggestions": [asdict(s) for s in self.suggestions],
            "assumed_topic": self.assumed_topic,
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


class _Outcome(NamedTuple):
    """What to reply to one question, before it becomes an :class:`Answer`."""

    status: str  # "answered" or "no_answer"
    reply: str  # the no_answer reply ("" when answered)
    cited: list[tuple[Citation, list[str]]]  # each citation with the sentences it quotes, best first
    reason: str
    near: tuple[int, ...] = ()  # for no_answer: the closest sections' rows, closest first


def question_parts(text: str) -> list[str]:
    """The questions a message holds, each up to and with its question mark ("What is it? Does
    it hurt?" holds two); a message with at most one question mark is one question."""
    if text.count("?") < 2:
        return [text]
    parts = [p.strip() + "?" for p in text.split("?")]
    tail = parts.pop()[:-1]  # after the last "?": a closing remark, not a question of its own
    if tail:
        parts.append(tail)
    return [p for p in parts if p.strip("? ")]


class Bot:
    """Answers questions from one corpus index with one configuration."""

    def __init__(self, index: CorpusIndex, config: Config | None = None, vocabulary: Vocabulary | None = None,
                 encoder=None):
        """``encoder`` encodes questions for an index with section vectors (by default the installed
        model, shared by every bot of the process)."""
        self.index = index
        self.config = config or Config()
        engine = index.engine
        if vocabulary is None:
            vocabulary = Vocabulary.for_corpus(self.config.corpus, engine.analyzer, index.vocabulary)
        self.reader = Reader(vocabulary, engine.analyzer, engine.idf(), engine.n_docs)
        encoder = (encoder or shared_encoder()) if index.vectors is not None else None
        self.ranker = Ranker(engine, index.sections, index.vectors, encoder)
        self.suggester = Suggester(index.sections, index.articles)
        self.topics = Topics.of_index([s.article_title for s in index.sections], engine)
        self._records = index.manifest.get("kind") == "records"
        self._title_terms = functools.lru_cache(maxsize=TITLE_CACHE_RECORDS)(self._record_title)

    @functools.cached_property
    def starters(self) -> tuple[Suggestion, ...]:
        """The questions to start with (small talk's reply, the web page): made when first needed,
        as most answers need none."""
        return tuple(self.suggester.starters())

    @classmethod
    def from_config(cls, config: Config | None = None) -> "Bot":
        config = config or Config()
        index = open_index(config.corpus, config.resolved_index_dir)
        with gc_paused():  # the vocabulary, the encoder: loading, no garbage to speak of
            return cls(index, config)

    def ask(self, question: str, history: tuple[Turn, ...] = ()) -> Answer:
        """The answer to ``question``; ``history``: the earlier turns of the conversation, oldest
        first (see followup.py). Raises UsageError for an empty or over-long question, and
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
            return Answer(text, "urgent", message, (), self.config.urgent_disclaimer, verdict.reason)
        if verdict.kind == "smalltalk":
            return self._reply(text, "smalltalk", SMALLTALK_REPLY, reason="small talk", suggestions=self.starters)
        reading = self.reader.read(text, folded)
        deadline.check()
        # A follow-up is answered from the sections of the earlier turn's article; one those do
        # not answer ("what are your parking hours?" after a question on pain) is read alone.
        context = self.topics.context(text, history)
        if context is not None and context.rows:
            answer = self._retrieve(text, reading, deadline, context)
            if answer.status == "answered":
                return replace(answer, assumed_topic=context.topic)
        return self._retrieve(text, reading, deadline)

    def _reply(self, question, status, text, citations=(), reason="", suggestions=()) -> Answer:
        return Answer(question, status, text, tuple(citations), self.config.disclaimer, reason,
                      suggestions=tuple(suggestions))

    def _retrieve(self, question: str, reading: Reading, deadline: Deadline, context: Context | None = None) -> Answer:
        """``context``: a follow-up's topic and the only sections to answer it from (None: all)."""
        parts = question_parts(question)
        outcome, encoded = self._several(parts, deadline, context) if len(parts) > 1 else (None, None)
        if outcome is None:
            outcome = self._outcome(question, reading, deadline, encoded, context)
        if outcome.status == "no_answer":
            return self._reply(question, "no_answer", outcome.reply, reason=outcome.reason,
                               suggestions=self.suggester.near(outcome.near))
        texts = [sentence for _, sentences in outcome.cited for sentence in sentences]
        return self._reply(question, "answered", " ".join(texts), [c for c, _ in outcome.cited], reason=outcome.reason)

    def _several(self, parts: list[str], deadline: Deadline, context=None) -> "tuple[_Outcome | None, np.ndarray | None]":
        """A message holding several questions: each part answered from its own best section, the
        parts the articles do not cover named in the reason. No outcome when fewer than two parts
        ask something or none has an answer of its own: the message is then read as one question
        (together, its parts may say more), with the vector made from the parts' (if any)."""
        readings = [(part, self.reader.read(part)) for part in parts]
        # "Etc." asks nothing; "Side effects?" asks about a topic the vocabulary knows is not covered
        readings = [(part, r) for part, r in readings if r.units or r.not_covered or r.ask_a_clinician][:MAX_PARTS]
        if len(readings) < 2:
            return None, None
        deadline.check()
        texts = [part for part, _ in readings]
        vectors = self.ranker.encode(readings) if self.ranker.semantic else [None] * len(texts)
        cited, seen, missed = [], set(), []
        for (part, reading), vector in zip(readings, vectors):
            outcome = self._outcome(part, reading, deadline, vector, context)
            if outcome.status == "no_answer":
                missed.append(f"{part!r} ({outcome.reason})")
            elif outcome.cited[0][0].url not in seen:  # each part's best section, once
                seen.add(outcome.cited[0][0].url)
                cited.append(outcome.cited[0])
        if not cited:
            return None, (self.ranker.together(vectors, texts) if self.ranker.semantic else None)
        cited.sort(key=lambda pair: -pair[0].score)  # best first, as for one question
        reason = f"{len(readings) - len(missed)} of {len(readings)} questions answered"
        if missed:
            reason += "; not answered: " + "; ".join(missed)
        return _Outcome("answered", "", cited, reason), None

    def _outcome(self, question: str, reading: Reading, deadline: Deadline, encoded=None, context=None) -> "_Outcome":
        """What to reply to one question (``encoded``: its vector, if worked out already)."""
        contact = self.config.contact_message
        if reading.ask_a_clinician or reading.not_covered:
            # The closest sections are still worth offering ("the dose for migraines" -> migraines).
            near = tuple(c.row for c in self._ranking(reading, question, deadline, encoded, context).candidates)
            if reading.ask_a_clinician:
                subject = _join(reading.ask_a_clinician)
                return _Outcome("no_answer", _naming(CLINICIAN_REPLY, reading.ask_a_clinician, contact), [],
                                f"personal question: {subject}", near)
            subject = _join(reading.not_covered)
            reply = _naming(NOT_COVERED_REPLY, reading.not_covered, contact)
            return _Outcome("no_answer", reply, [], f"not covered: {subject}", near)
        ranking = self._ranking(reading, question, deadline, encoded, context)
        decision = decide(ranking.candidates, lambda *rows: self.ranker.coverage(reading, *rows),
                          self.ranker.semantic, self.config.min_score, self._sums_up)
        if not decision.answered:
            missing = f"; unknown words: {', '.join(reading.unknown)}" if reading.unknown else ""
            return _Outcome("no_answer", NO_ANSWER_REPLY.format(contact=contact), [],
                            decision.reason + missing, tuple(c.row for c in ranking.candidates))
        cited = []
        for c in decision.cited:
            deadline.check()
            section = self.index.sections[c.row]
            passage, sentences = self._passage(c.row, ranking, question)
            cited.append((Citation(section.article_title, section.title, section.url, passage, round(c.score, 4)),
                          sentences))
        return _Outcome("answered", "", cited, decision.reason)

    def _ranking(self, reading: Reading, question: str, deadline: Deadline, encoded=None, context=None) -> Ranking:
        """The ranker's best sections for the question; of a knowledge base's, only records whose
        title names something the question asks about.

        A knowledge base of many short records holds nearly every English word somewhere, so a
        passage sharing words with an off-topic question is easy to find ("renew my passport" -> a
        disease's "renewed" symptoms). A record without a title of its own is not held to it, nor
        are the sections of a follow-up's ``context`` (they are its topic's: see followup.py).
        """
        if context is not None:
            return ranking_within(self.ranker, self.reader, reading, question, context, MAX_CITATIONS, deadline, encoded)
        if not self._records:
            return self.ranker.rank(reading, question, MAX_CITATIONS, deadline, encoded)
        ranking = self.ranker.rank(reading, question, RERANK_CANDIDATES, deadline)
        asked = set(reading.terms) | set(reading.expansions)
        kept = [c for c in ranking.candidates if self._title_terms(c.row) is None or asked & self._title_terms(c.row)]
        return Ranking(ranking.terms, kept[:MAX_CITATIONS])

    def rank(self, question: str, k: int) -> list[Candidate]:
        """The ``k`` best sections for a question (typed, not yet read), best first, with their evidence."""
        return self.ranker.rank(self.reader.read(question), question, k).candidates

    def coverage(self, reading: Reading, *rows: int) -> float:
        """The share of a read question's content that the sections ``rows`` hold (see ranker.py)."""
        return self.ranker.coverage(reading, *rows)

    def _sums_up(self, first: int, other: int) -> bool:
        """Is section ``other`` the closing summary of section ``first``'s article ("Points to remember")?"""
        a, b = self.index.sections[first], self.index.sections[other]
        return a.article_slug == b.article_slug and closing(b.title)

    def _record_title(self, row: int) -> frozenset[str] | None:
        """The index terms of a record's title; None when it has no title (its id stands in)."""
        section = self.index.sections[row]
        if section.article_title == section.article_slug:
            return None
        return frozenset(self.index.engine.analyzer(section.article_title))

    def _passage(self, row: int, ranking: Ranking, question: str) -> tuple[str, list[str]]:
        """The best sentences of a section for the question, and the contiguous passage holding them.

        A sentence's weight is its cosine with the question's terms, plus ``ANSWER_CUE`` when it
        has the words that answer this kind of question (cues.py: "Botox *can* reduce..." for "Can
        Botox help...?") and shares enough of the question (``CUE_GATE`` of the best cosine)."""
        section = self.index.sections[row]
        spans, texts, scores = self.ranker.sentence_scores(row, ranking.terms)
        words = self.index.engine.analyzer.words
        cued = np.array(answering(words(question), [words(t) for t in texts]), dtype=bool)
        scores = scores + ANSWER_CUE * (cued & (scores > 0) & (scores >= CUE_GATE * scores.max()))
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


def _naming(template: str, subjects, contact: str) -> str:
    """A reply naming the subjects asked about: as many as keep it within ``MAX_REPLY_CHARS`` (a
    question touching many would make a wall of text), the rest as "the other things you asked about"."""
    subjects = list(subjects)
    for n in range(len(subjects), 0, -1):
        named = subjects[:n] + ([] if n == len(subjects) else [OTHER_SUBJECTS])
        reply = template.format(subject=_join(named), contact=contact)
        if len(reply) <= MAX_REPLY_CHARS:
            break
    return reply


def _join(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
