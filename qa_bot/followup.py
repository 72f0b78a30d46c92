"""Follow-up questions: the previous turns a client sends, and the topic a question is read with.

The server keeps no conversation. A client sends the last few turns as it saw them (``history``,
oldest first: each turn's question, and the article its answer cited first). A question that names
no topic of its own ("how long does it last?", "what about my neck?") is read together with the
topic of the latest turn that had one; a question that names its own topic is read alone.

A question names a topic when one of its words is a topic word: a word of an article's title that
is not one of the words that name what is asked about a topic (``ASPECT_WORDS``: "symptoms",
"treatment", "type", ...). A turn's topic is the topic words of its question, or the subject of the
article its answer cited when the question named none (or named all of that subject).
"""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import Analyzer
from .errors import UsageError
from .suggest import subject_of

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


class Topics:
    """Which words of a corpus name a topic, and the topic earlier turns were about."""

    def __init__(self, titles, analyzer: Analyzer):
        self.analyzer = analyzer
        aspects = frozenset(analyzer(ASPECT_WORDS))
        self.terms = frozenset(t for title in set(titles) for t in analyzer(title)) - aspects

    def words(self, question: str) -> list[str]:
        """The question's topic words, as written, in order ("Can Botox help?" -> ["Botox"])."""
        out = []
        for word in question.split():
            bare = word.strip("?!.,;:()\"'")
            if bare and set(self.analyzer(bare)) & self.terms:
                out.append(bare)
        return out

    def names_one(self, question: str) -> bool:
        """Whether the question names a topic of its own."""
        return bool(set(self.analyzer(question)) & self.terms)

    def assumed(self, question: str, history: tuple[Turn, ...]) -> str | None:
        """The topic to read ``question`` with: None if it names its own or no earlier turn had one."""
        if not history or self.names_one(question):
            return None
        for turn in reversed(history):
            topic = self.of_turn(turn)
            if topic:
                return topic
        return None

    def of_turn(self, turn: Turn) -> str | None:
        """What an earlier turn was about: the topic words of its question (the subject of the
        article it was answered from, when they name all of it: "my eyes are dry" -> "Dry Eye");
        for a question without any, that article's subject."""
        words = self.words(turn.question)
        subject = subject_of(turn.article) if turn.article else ""
        if subject and (not words or set(self.analyzer(subject)) <= set(self.analyzer(" ".join(words)))):
            return subject
        return " ".join(words) or None
