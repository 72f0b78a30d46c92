"""Recording answers and patients' feedback: what the web app and ``qa-bot chat`` give the store.

:func:`reason_code` turns an answer's status and reason into a short code made only of qa-bot's own
words (``answered``, ``not_covered:cost``, ``clinician:dose``, ``low_confidence``,
``urgent:stroke``...): never a word the patient typed, so unknown words and the parts of a message
stay out of the store. :class:`Recorder` holds the store for a server or a chat session and queues
each answer (the request never waits on the database). :func:`parse_feedback` checks a
``POST /api/feedback`` body.

The store (and SQLAlchemy) is imported only when a :class:`Recorder` is opened.
"""

from __future__ import annotations

import logging
import re

from .answer import Answer
from .config import Config
from .errors import StoreError, UsageError

log = logging.getLogger("qa_bot.store")

# The contract's reasons for "not helpful" (the store checks them too).
FEEDBACK_REASONS = ("wrong_topic", "not_answered", "hard_to_understand", "out_of_date")
DETAIL_CHARS = 31  # a reason code's detail at most (the store's limit)
# Answer.reason of a no_answer, by how it starts: the code, and whether the rest (a vocabulary topic,
# the clinic's own word for it) is kept as the code's detail.
NO_ANSWER_REASONS = (
    ("personal question:", "clinician", True),
    ("not covered:", "not_covered", True),
    ("not discussed in the sections found", "not_discussed", False),  # the aspects may be the patient's words
    ("no matching words", "no_match", False),
)
# Reason codes are built from qa-bot's own text (triage rules, vocabulary topics): the stdlib's re is
# fine here, nothing a patient typed reaches it.
NOT_A_CODE_CHAR = re.compile(r"[^a-z0-9]+")


def _detail(text: str) -> str:
    return NOT_A_CODE_CHAR.sub("_", text.casefold()).strip("_")[:DETAIL_CHARS].rstrip("_")


def reason_code(answer: Answer) -> str:
    """The store's reason code for ``answer`` (see the module's docstring)."""
    reason = answer.reason or ""
    if answer.status == "urgent":
        detail = _detail(reason)
        return f"urgent:{detail}" if detail else "urgent"
    if answer.status == "smalltalk":
        return "smalltalk"
    if answer.status == "answered":
        # "2 of 3 questions answered; not answered: '<the patient's words>' (...)": only that some were not
        return "answered:partly" if "not answered:" in reason else "answered"
    for start, code, keep in NO_ANSWER_REASONS:
        if reason.startswith(start):
            detail = _detail(reason[len(start):]) if keep else ""
            return f"{code}:{detail}" if detail else code
    return "low_confidence"  # the evidence was too weak


def parse_feedback(body) -> tuple[str, bool, str | None]:
    """``(answer_id, helpful, reason)`` from a decoded ``POST /api/feedback`` body; UsageError otherwise."""
    example = 'send {"answer_id": "<the answer\'s id>", "helpful": false, "reason": "wrong_topic"}'
    if not isinstance(body, dict):
        raise UsageError(f"the body must be a JSON object: {example}")
    unknown = sorted(set(body) - {"answer_id", "helpful", "reason"})
    if unknown:
        raise UsageError(f"unknown field '{unknown[0][:40]}': {example}")
    answer_id, helpful, reason = body.get("answer_id"), body.get("helpful"), body.get("reason")
    if not isinstance(answer_id, str) or not answer_id:
        raise UsageError(f'"answer_id" must be the "id" of an answer: {example}')
    if not isinstance(helpful, bool):
        raise UsageError(f'"helpful" must be true or false: {example}')
    if reason is not None:
        if helpful:
            raise UsageError('"reason" goes only with "helpful": false')
        if reason not in FEEDBACK_REASONS:
            raise UsageError(f'"reason" must be one of {", ".join(FEEDBACK_REASONS)}')
    return answer_id, helpful, reason


class Recorder:
    """The store of one process (a server worker, a chat session), opened from the config."""

    def __init__(self, store):
        self.store = store

    @classmethod
    def open(cls, config: Config) -> "Recorder":
        """Raises ConfigError for a bad ``database_url``, StoreError for a data folder that cannot be
        made; a database that cannot be reached is logged and retried (see qa_bot/store)."""
        from .store import open_store

        return cls(open_store(config.resolved_data_dir, config.database_url,
                              log_questions=config.log_questions, retention_days=config.retention_days))

    def record(self, answer: Answer, corpus_version: str) -> None:
        """Queue ``answer`` for the store; never raises for a database problem."""
        confidence = answer.citations[0].score if answer.citations else None
        try:
            self.store.record(answer.status, reason_code(answer), corpus_version[:64],
                              [(c.article, c.section) for c in answer.citations], confidence,
                              question=answer.question, answer_id=answer.id)
        except ValueError:  # a bug in qa-bot, never a reason to fail the answer
            log.exception("feedback store: could not record an answer")

    def feedback(self, answer_id: str, helpful: bool, reason: str | None = None) -> None:
        """Record a verdict: UnknownAnswerError (an id the store does not hold), StoreError (down)."""
        self.store.feedback(answer_id, helpful, reason)

    def health(self) -> dict:
        stats = self.store.stats()
        return {"written": stats.written, "lost": stats.lost, "pending": stats.pending, "failing": stats.failing}

    def close(self) -> None:
        self.store.close()


def open_recorder(config: Config) -> Recorder | None:
    """The recorder for ``config``, or None when storage is off or its data folder cannot be made
    (logged: answers go on without it)."""
    if not config.storage:
        return None
    try:
        return Recorder.open(config)
    except StoreError as exc:
        log.error("feedback store: %s; answers go on without it", exc)
        return None


CHAT_COMMANDS = {"/helpful": True, "/not-helpful": False}


class ChatFeedback:
    """``qa-bot chat``'s feedback commands: "/helpful" and "/not-helpful [REASON]" about the last
    answer. The answer is recorded only when feedback is given on it (a staff member trying the bot
    adds nothing to the reports otherwise), and the store is opened then."""

    def __init__(self, config: Config):
        self.config = config
        self._recorder: Recorder | None = None
        self._recorded: set[str] = set()

    def handle(self, line: str, answer: Answer | None, corpus_version: str) -> str | None:
        """What to print for ``line`` if it is a feedback command; None if it is not one."""
        words = line.split()
        if not words or words[0].lower() not in CHAT_COMMANDS:
            return None
        helpful = CHAT_COMMANDS[words[0].lower()]
        reason = words[1] if len(words) > 1 else None
        if answer is None:
            return "qa-bot: ask a question first: feedback is about the last answer"
        if len(words) > 2 or (reason is not None and (helpful or reason not in FEEDBACK_REASONS)):
            return f"qa-bot: type /helpful, or /not-helpful followed by one of: {', '.join(FEEDBACK_REASONS)}"
        if not self.config.storage:
            return "qa-bot: storage is off in the config: feedback is not kept"
        try:
            if self._recorder is None:
                self._recorder = Recorder.open(self.config)
            if answer.id not in self._recorded:
                self._recorder.record(answer, corpus_version)
                self._recorded.add(answer.id)
            self._recorder.feedback(answer.id, helpful, reason)
        except StoreError as exc:
            return f"qa-bot: feedback not saved: {exc}"
        return "Thank you: feedback recorded."

    def close(self) -> None:
        if self._recorder is not None:
            self._recorder.close()
