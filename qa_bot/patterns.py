"""Every regular expression that reads a patient's text runs here, on RE2: matching takes time linear
in the text, whatever the pattern and whatever the text.

Python's own ``re`` backtracks: a pattern with ambiguous alternatives under a repetition can take
exponential time on a crafted question ("bye bye bye ... x" took 35 s in 145 characters). RE2
(Google's engine, through its maintained ``google-re2`` binding) compiles a pattern to an automaton
and never backtracks, so no question can make a pattern slow. The price is RE2's syntax: no
look-ahead, look-behind or back-references. Where a rule needs "unless followed by", it says so in
Python around the match, never inside the pattern.

RE2's ``\\b`` and ``\\w`` are ASCII; our patterns read folded text (accents stripped, lower case).
"""

from __future__ import annotations

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


class Lazy:
    """A pattern compiled with :func:`compile` when first used: ``.pattern`` is its text, and any other
    attribute (``search``, ``finditer``, ``groups``...) is the compiled pattern's. For the many
    patterns of which a message needs few (triage's terms: compiling all 200 takes 25 ms of every
    start). Checked all the same: a caller compiles their alternation up front (triage's finder),
    and the tests compile every one (tests/adversarial.py)."""

    __slots__ = ("pattern", "_compiled")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._compiled = None

    @property
    def compiled(self) -> Pattern:
        if self._compiled is None:
            self._compiled = compile(self.pattern)
        return self._compiled

    def __getattr__(self, name: str):
        if name.startswith("_"):  # a slot not set yet (a copy being made): not the pattern's
            raise AttributeError(name)
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"Lazy({self.pattern[:60]!r})"
