"""Structured logs: one JSON object a line on standard error, for the server's own events and requests.

Request lines carry the method, path, status, latency and, for ``/api/ask``, the answer's status.
Never the client's address, and never the question unless the clinic turns ``log_questions`` on;
then only after :func:`qa_bot.privacy.redact` has tagged emails, phone numbers and other identifiers.
"""

from __future__ import annotations

import json
import logging
import sys
import time

ACCESS = "qa_bot.access"
# LogRecord attributes that every record has; anything else was passed in ``extra`` and is logged.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


# Flask-Limiter's own logger says when the rate-limit store goes down and when it is back.
LOGGERS = ("qa_bot", "flask-limiter")


def configure(level: int = logging.INFO, stream=None) -> None:
    """Send qa-bot's loggers to ``stream`` (standard error) as JSON lines. Safe to call twice."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._qa_bot = True
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if any(getattr(h, "_qa_bot", False) for h in logger.handlers):
            continue
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
