"""The errors qa-bot raises on purpose.

Each carries a one-line message that says what was wrong and what to do. The CLI turns them into
that line and an exit code; the web API turns them into a JSON error. Anything else is a bug.
"""

from __future__ import annotations


class QaBotError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""

    exit_code = 1


class UsageError(QaBotError):
    """The request itself is wrong (an empty or over-long question, a bad option)."""

    exit_code = 2


class ConfigError(QaBotError):
    """A configuration file or variable has a bad value. ``setting`` names the field at fault, if one is."""

    exit_code = 2

    def __init__(self, message: str, setting: str | None = None):
        self.setting = setting
        super().__init__(message)


class ConfigWarning(UserWarning):
    """Configuration that is not wrong enough to refuse, e.g. a ``QA_BOT_*`` variable no setting has."""


class CorpusError(QaBotError):
    """An article file cannot be used. Names the file and, where known, the line."""

    def __init__(self, path, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class IndexStoreError(QaBotError):
    """The saved index is missing, stale, unreadable or cannot be written."""


class TooSlowError(QaBotError):
    """Answering one question ran past its time budget (``answer_time_budget_ms``; the API answers 503)."""

    def __init__(self, budget_ms: float):
        self.budget_ms = budget_ms
        super().__init__(f"answering took longer than the {budget_ms:g} ms allowed, so it was stopped: "
                         "please try the question in fewer or simpler words")


class StoreError(QaBotError):
    """The feedback store cannot be opened, upgraded or reached (the API answers 503)."""


class UnknownAnswerError(QaBotError):
    """Feedback names an answer id the store does not hold: never issued, or purged (the API answers 404)."""


class DamagedIndexError(IndexStoreError):
    """The saved index fails its own checks: a file's size or checksum, the arrays' shapes, row alignment.

    ``problem`` is what is wrong, without the advice, for messages that add their own.
    """

    def __init__(self, index_dir, reason: str):
        self.problem = f"the index in {index_dir} is damaged ({reason})"
        super().__init__(f"{self.problem}: run 'qa-bot index' to rebuild it")
