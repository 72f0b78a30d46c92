"""Every regular expression that reads a patient's text runs here, on RE2: matching takes time linear
in the text, whatever the pattern and whatever the text.

Python's own ``re`` backtracks: a pattern with ambiguous alternatives under a repetition can take
exponential time on a crafted question ("bye bye bye ... x" took 35 s in 145 characters). RE2
(Google's engine, through its maintained ``google-re2`` binding) compiles a pattern to an automaton
and never backtracks, so no question can make a pattern slow. The price is RE2's syntax: no
look-ahead, look-behind or back-references. Where a rule needs "unless followed by", it says so in
Python around the match (see :class:`Guarded`), never inside the pattern.

RE2's ``\\b`` and ``\\w`` are ASCII; our patterns read folded text (accents stripped, lower case).
"""

from __future__ import annotations

from dataclasses import dataclass

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a bad pattern raises below with its text; nothing goes to stderr
# Room for the larger alternations (triage's rules in one pattern); RE2 falls back to a slower but
# still linear engine, never to backtracking, when a DFA outgrows this.
_OPTIONS.max_mem = 64 << 20

Pattern = re2._Regexp  # the compiled type, for annotations


class PatternError(ValueError):
    """A pattern that RE2 cannot compile (look-around, back-reference, bad syntax)."""


def compile(pattern: str, *, ignore_case: bool = False) -> Pattern:  # noqa: A001 - mirrors re.compile
    """Compile ``pattern`` on RE2. Raises :class:`PatternError` naming the pattern if RE2 refuses it."""
    options = _OPTIONS
    if ignore_case:
        options = re2.Options()
        options.log_errors = False
        options.max_mem = _OPTIONS.max_mem
        options.case_sensitive = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        raise PatternError(f"RE2 cannot compile {pattern[:120]!r}: {exc}") from None


def any_of(*parts: str) -> str:
    """One pattern matching any of ``parts`` (each wrapped in a non-capturing group)."""
    return "|".join(f"(?:{p})" for p in parts)


@dataclass(frozen=True)
class Guarded:
    """A pattern that counts only where ``unless`` does not match right after it.

    RE2 has no negative look-ahead, so ``stroke\\b(?! now)`` is written
    ``Guarded(compile(r"stroke\\b"), compile(r" now"))``: each match of ``pattern`` is tried in turn
    and the first whose following text does not start with ``unless`` wins.
    """

    pattern: Pattern
    unless: Pattern

    def search(self, text: str, pos: int = 0):
        for m in self.pattern.finditer(text, pos):
            if not self.unless.match(text, m.end()):
                return m
        return None

    def finditer(self, text: str):
        for m in self.pattern.finditer(text):
            if not self.unless.match(text, m.end()):
                yield m
