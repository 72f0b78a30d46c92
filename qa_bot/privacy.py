"""Redaction of personal identifiers before a question is ever written to a log.

Questions are health data. They are not logged at all by default; when a clinic turns question
logging on, each one passes through :func:`redact` first. Phone numbers are found with Google's
libphonenumber port (``phonenumbers``), which knows international formats; the other identifiers
are regular patterns. Each is replaced by a tag such as ``[EMAIL]``, so logs still show what kind
of thing a patient wrote without recording it.
"""

from __future__ import annotations

import re

import phonenumbers

# Order matters: the longer, more specific patterns go first.
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    ("URL", re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)),
    ("IP", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")),
    ("CARD", re.compile(r"\b(?:\d[ -]?){13,19}\b")),
    ("SSN", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),
    ("DATE", re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b")),
    ("ID", re.compile(r"\b(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{5,}\b")),  # record, NHS, insurance numbers
    ("NAME", re.compile(r"(?i:\b(?:my name is|i am called|this is)\s+)([A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)*)")),
]


def redact(text: str, region: str = "US") -> str:
    """``text`` with emails, phone numbers, URLs, addresses, ID numbers, dates and names tagged."""
    # POSSIBLE leniency: a made-up or foreign number is still somebody's number to hide.
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE)
    spans = [(m.start, m.end, -1, "PHONE") for m in matcher]
    for rank, (tag, pattern) in enumerate(PATTERNS):
        for m in pattern.finditer(text):
            start, end = m.span(1) if pattern.groups else m.span()
            spans.append((start, end, rank, tag))
    out, pos = [], 0
    # At one position the longest match wins, then the earlier (more specific) pattern.
    for start, end, _, tag in sorted(spans, key=lambda s: (s[0], s[0] - s[1], s[2])):
        if start < pos:  # overlaps an earlier, already redacted span
            continue
        out.append(text[pos:start])
        out.append(f"[{tag}]")
        pos = end
    out.append(text[pos:])
    return "".join(out)
