"""Follow-up questions: the previous turns a client sends, and the topic a question is read with.

The server keeps no conversation. A client sends the last few turns as it saw them (``history``,
oldest first: each turn's question, and the article its answer cited first). A question that names
no topic of its own ("how long does it last?", "what about my neck?") is read together with the
topic of the latest turn that had one; a question that names its own topic is read alone.

A question names a topic when one of its words is a topic word: a word of an article's title that
is not one of the words that name what is asked about a topic (``ASPECT_WORDS``: "symptoms",
"treatment", "type", ...), unless the earlier turn's article uses that word throughout (see
``Topics._part_of``). A turn's topic is the topic words of its question, or the subject of the
article its answer cited when the question named none, all of that subject, or none of its title.

A follow-up is answered from the sections of that article only (``ranking_within``: the ranker's
``within``); when those do not answer it, it is read alone and no topic is assumed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import Analyzer
from .errors import UsageError
from .suggest import closing, subject_of

MAX_TURNS = 5
MAX_ANSWER_ID_CHARS = 64
MAX_ARTICLE_CHARS = 200  # an article title (corpus.MAX_FIELD_CHARS)
TURN_FIELDS = ("question", "answer_id", "article")
# Words of titles that say what is asked about a topic, not which topic: "Diabetes Type 1",
# "Urinary Tract Infection In Adults", "Diagnosis of Diabetes", "A Promising Approach".
ASPECT_WORDS = ("type types adult adults child children people men women symptoms signs causes cause treatment "
                "treatments treating treat diagnosis diagnosing tests testing test prevention preventing risk risks "
                "outlook complications care living approach promising battling beyond understanding managing "
                "relief common new")
# How much a follow-up's section's heading, read against the question alone, counts in ordering the
# sections of the article it is read within (set on the eyes-skin and diabetes-heart conversations)
ALONE_HEADING_WEIGHT = 0.5


@dataclass(frozen=True)
class Turn:
    """One earlier turn, as the client saw it."""

    question: str
    answer_id: str = ""
    article: str = ""  # the title of the first citation of its answer ("" when none)


def parse_history(value, max_question_chars: int) -> tuple[Turn, ...]:
    """A request's ``history`` as turns, or a :class:`UsageError` saying what is wrong with it."""
    if not isinstance(value, list):
        raise UsageError('"history" must be a list of earlier turns, like [{"question": "..."}]')
    if len(value) > MAX_TURNS:
        raise UsageError(f'"history" has {len(value)} turns; send at most the last {MAX_TURNS}')
    turns = []
    for n, item in enumerate(value, 1):
        where = f'"history" turn {n}'
        if not isinstance(item, dict):
            raise UsageError(f'{where} must be an object like {{"question": "..."}}')
        unknown = sorted(set(item) - set(TURN_FIELDS))
        if unknown:
            raise UsageError(f'{where} has an unknown field "{unknown[0]}" (allowed: {", ".join(TURN_FIELDS)})')
        question = item.get("question")
        if not isinstance(question, str) or not question.strip():
            raise UsageError(f'{where} needs a "question" string that is not empty')
        if len(question) > max_question_chars:
            raise UsageError(f'{where}: the question is {len(question)} characters long; the limit is {max_question_chars}')
        fields = {}
        for name, most in (("answer_id", MAX_ANSWER_ID_CHARS), ("article", MAX_ARTICLE_CHARS)):
            field_value = item.get(name, "")
            if not isinstance(field_value, str):
                raise UsageError(f'{where}: "{name}" must be a string')
            if len(field_value) > most:
                raise UsageError(f'{where}: "{name}" is {len(field_value)} characters long; the limit is {most}')
            fields[name] = " ".join(field_value.split())
        turns.append(Turn(" ".join(question.split()), **fields))
    return tuple(turns)


@dataclass(frozen=True)
class Context:
    """What a follow-up question is read with: the topic (shown to the patient) and the sections
    of the article(s) about it, the only ones it is answered from."""

    topic: str
    rows: tuple[int, ...]


class Topics:
    """Which words of a corpus name a topic, and the topic earlier turns were about."""

    def __init__(self, titles, analyzer: Analyzer, holding=None):
        """``titles``: each section's article title, in the index's row order; ``holding(term, rows)``:
        which of those rows (sorted) hold an index term (``Engine.holding``; None: no index)."""
        self.holding = holding
        self.analyzer = analyzer
        aspects = frozenset(analyzer(ASPECT_WORDS))
        self.rows: dict[str, list[int]] = {}
        for row, title in enumerate(titles):
            self.rows.setdefault(title, []).append(row)
        self.terms = frozenset(t for title in self.rows for t in analyzer(title)) - aspects
        self._by_term: dict[str, set[str]] = {}
        self._subjects: dict[str, list[tuple[str, frozenset[str]]]] = {}  # under their least term
        for title in self.rows:
            for term in set(analyzer(title)) - aspects:
                self._by_term.setdefault(term, set()).add(title)
            subject = frozenset(analyzer(subject_of(title))) - aspects
            if subject:
                self._subjects.setdefault(min(subject), []).append((title, subject))
    @classmethod
    def of_index(cls, titles, engine) -> "Topics":
        """The topics of an index (``titles``: each section's article title, in row order)."""
        return cls(titles, engine.analyzer, engine.holding)

    def words(self, question: str) -> list[str]:
        """The question's topic words, as written, in order ("Can Botox help?" -> ["Botox"])."""
        out = []
        for word in question.split():
            bare = word.strip("?!.,;:()\"'")
            if bare and set(self.analyzer(bare)) & self.terms:
                out.append(bare)
        return out

    def names_one(self, question: str) -> bool:
        """Whether the question has a word of an article's title (see :meth:`context` for when that
        still leaves it a follow-up)."""
        return bool(set(self.analyzer(question)) & self.terms)

    def assumed(self, question: str, history: tuple[Turn, ...]) -> str | None:
        """The topic to read ``question`` with: None if it names its own or no earlier turn had one."""
        context = self.context(question, history)
        return context.topic if context else None

    def context(self, question: str, history: tuple[Turn, ...]) -> Context | None:
        """The topic to read ``question`` with and the sections to answer it from: those of the
        article the latest turn with a topic was answered from (or, when it cited none, of the
        articles its topic words name). None if the question names its own topic or no earlier
        turn had one."""
        if not history:
            return None
        named = set(self.analyzer(question)) & self.terms
        for turn in reversed(history):
            topic = self.of_turn(turn)
            if topic:
                rows = self._rows_about(turn.article, topic)
                return Context(topic, rows) if not named or self._part_of(named, turn.article, rows) else None
        return None

    def _part_of(self, terms: set[str], article: str, rows: tuple[int, ...]) -> bool:
        """Whether title words of other articles are part of what ``article`` (its sections ``rows``)
        is about: each one in at least half of its sections ("should I get my eyes checked?" after
        glaucoma, in a corpus with a "Dry Eye" article). A word of its own title is the question
        naming the topic again, which it is read with alone, and so is one naming all of another
        article's subject."""
        if self.holding is None or not rows or article not in self.rows:
            return False
        if any(title != article and subject <= terms for t in terms for title, subject in self._subjects.get(t, ())):
            return False  # it names all of another article's subject ("and what is acne?" after rosacea)
        own = set(self.analyzer(article))
        order = sorted(rows)
        return all(t not in own and 2 * len(self.holding(t, order) & set(order)) >= len(order) for t in terms)

    def _rows_about(self, article: str, topic: str) -> tuple[int, ...]:
        if article in self.rows:
            return tuple(self.rows[article])
        titles = set().union(*[self._by_term.get(t, set()) for t in self.analyzer(topic)])
        return tuple(sorted(row for title in titles for row in self.rows[title]))

    def of_turn(self, turn: Turn) -> str | None:
        """What an earlier turn was about: the topic words of its question (the subject of the
        article it was answered from, when they name all of it: "my eyes are dry" -> "Dry Eye", or
        none of its title: "what causes low blood sugar" -> "Hypoglycemia"); for a question without
        any, that article's subject."""
        words = self.words(turn.question)
        subject = subject_of(turn.article) if turn.article else ""
        said = set(self.analyzer(" ".join(words)))
        if subject and (not words or set(self.analyzer(subject)) <= said or not said & set(self.analyzer(turn.article))):
            return subject
        return " ".join(words) or None


def ranking_within(ranker, reader, reading, question: str, context: Context, k: int, deadline, encoded=None):
    """The ``k`` best of a follow-up's sections (``context.rows``, one article's), with the evidence
    of the question read with its topic ("how is it treated? (Heart Failure)"), which
    answerability.decide weighs as any question's.

    Their order is not that evidence's: every section of the article holds the topic's words, and
    "What is heart failure?" holds them most. It is the question's own words' (``reading``) with
    the encoder reading it with its topic, plus ``ALONE_HEADING_WEIGHT`` times the heading's cosine
    with the question alone ("how is it treated?" ~ "Treatment"); a closing summary ("Points to
    remember", which names every aspect in passing) comes after a section that holds as much."""
    from .ranker import Ranking

    rows = context.rows
    asked = f"{question} ({context.topic})"
    own_words = ranker.rank(reading, asked, len(rows), deadline, within=rows).candidates
    heading = {c.row: c.heading for c in ranker.rank(reading, question, len(rows), deadline, encoded, within=rows).candidates}
    summary = {c.row for c in own_words if closing(ranker.sections[c.row].title)}
    held_elsewhere = max((c.coverage for c in own_words if c.row not in summary), default=0.0)

    def order(c):
        later = c.row in summary and c.coverage <= held_elsewhere
        return (bool(c.missing), later, -(c.score + ALONE_HEADING_WEIGHT * heading.get(c.row, 0.0)), c.row)

    full = ranker.rank(reader.read(asked), asked, len(rows), deadline, within=rows)
    evidence = {c.row: c for c in full.candidates}
    return Ranking(full.terms, [evidence[c.row] for c in sorted(own_words, key=order) if c.row in evidence][:k])
