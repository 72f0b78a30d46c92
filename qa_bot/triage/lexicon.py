"""Terms (a sign, a setting or a context cue: a named RE2 pattern) and the finder that looks for many
at once.

Each term is compiled on its own with :func:`qa_bot.patterns.compile`, when first needed
(:class:`qa_bot.patterns.Lazy`: a message needs few of them, and compiling them all took 25 ms of
every start). The finder asks RE2 which of them occur anywhere in a message in one pass (an
``RE2::Set``, which checks every term's syntax when it is made), then runs only those terms' own
patterns to learn where. A message usually holds a handful of terms out of a few hundred, so
this costs a few RE2 calls instead of one per term, and every call is linear in the message.

An ``RE2::Set`` has no slower fallback: if its automaton outgrew its memory it would report
nothing at all. So an empty answer is checked with one search of all the patterns together
(an ordinary RE2 pattern, which does fall back to a linear engine; compiled when first needed),
and if that finds something, every term is run on its own. A term is never missed because of
the shortcut.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import re2

from .. import patterns
from ..patterns import Pattern

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.max_mem = 64 << 20  # room for a set of a few hundred patterns


@dataclass(frozen=True)
class Term:
    """A named pattern. ``kind`` says what it is for (see rules.py and context.py).

    - ``absence``: the sign is itself a negation ("not breathing", "won't wake"), so a "not" inside
      it is part of the sign, not a denial of it (the words before it are still checked).
    - ``setting``: who or what the sign happened to ("after my botox", "32 weeks pregnant"). A
      setting is true of the past by nature, so it is only undone by a denial, a hypothetical or
      fiction, never by "last week" or a question about signs.
    - ``lasting``: feeling fine does not undo it (an overdose harms hours later, docs/red-flags.md 14).
    - ``ongoing``: a habit does not undo it ("I sometimes feel suicidal" is a crisis all the same).
    - ``asked``: a question frame does not undo it (asking how many tablets it would take to not wake
      up is itself the warning sign, docs/red-flags.md 19).
    - ``removable``: an object in the mouth; taking it out ("I took it straight out") undoes it, even
      where feeling fine does not.
    - ``unless``: a match counts only where this pattern does not match right after it (RE2 has no
      look-ahead).
    - ``accept``: a check on the match that a pattern cannot state (a count of tablets, a reading).
    """

    name: str
    pattern: Pattern | patterns.Lazy
    kind: str = "sign"
    absence: bool = False
    setting: bool = False
    ongoing: bool = False
    lasting: bool = False
    asked: bool = False
    removable: bool = False
    unless: Pattern | patterns.Lazy | None = None
    accept: Callable | None = None

    def matches(self, data: bytes):
        for m in self.pattern.finditer(data):
            if self.unless is not None and self.unless.match(data, m.end()):
                continue
            if self.accept is not None and not self.accept(m):
                continue
            yield m


def term(name: str, *parts: str, unless: str | None = None, **flags) -> Term:
    """A term from the alternatives ``parts`` (each a pattern; any of them matches)."""
    guard = patterns.Lazy(unless) if unless else None
    return Term(name, patterns.Lazy(patterns.any_of(*parts)), unless=guard, **flags)


class Finder:
    """Where each of ``terms`` occurs in a text (bytes, ASCII), looking only at those that do."""

    def __init__(self, terms: Iterable[Term]):
        self.terms = tuple(terms)
        self._set = re2.Set.SearchSet(_OPTIONS)
        for t in self.terms:
            try:
                self._set.Add(t.pattern.pattern)
            except re2.error:
                patterns.compile(t.pattern.pattern)  # raises PatternError naming the pattern
                raise
        self._set.Compile()
        self._any = patterns.Lazy(patterns.any_of(*(t.pattern.pattern for t in self.terms)))

    def present(self, data: bytes) -> tuple[Term, ...]:
        """The terms whose pattern matches somewhere in ``data`` (before ``unless``/``accept``)."""
        found = self._set.Match(data)
        if found:
            return tuple(self.terms[i] for i in sorted(found))
        if self._any.search(data) is None:
            return ()
        return self.terms  # the set gave up: look at every term

    def find(self, data: bytes) -> list[tuple[Term, object]]:
        """Every (term, match) in ``data``, term by term."""
        return [(t, m) for t in self.present(data) for m in t.matches(data)]


@dataclass(frozen=True)
class AtLeast:
    """``count`` of ``terms`` (different ones) hold."""

    count: int
    terms: tuple[Term, ...]

    def holds(self, held: set[str]) -> bool:
        return sum(t.name in held for t in self.terms) >= self.count


def one_of(*terms: Term) -> AtLeast:
    return AtLeast(1, terms)


@dataclass(frozen=True)
class Rule:
    """An emergency or crisis kind: it holds when every part of one of its ``ways`` holds.

    A part is a term (its sign found, and holding in its context) or an :class:`AtLeast`.
    ``kind`` is ``"emergency"`` or ``"crisis"``; ``reason`` names it in the answer.
    """

    kind: str
    reason: str
    ways: tuple[tuple[Term | AtLeast, ...], ...]
    names: frozenset[str]  # every term's name: a rule none of whose terms holds is skipped at once

    def holds(self, held: set[str]) -> bool:
        if self.names.isdisjoint(held):
            return False
        for way in self.ways:
            for part in way:
                if not (part.holds(held) if isinstance(part, AtLeast) else part.name in held):
                    break
            else:
                return True
        return False

    def terms(self) -> Iterable[Term]:
        for way in self.ways:
            for part in way:
                yield from part.terms if isinstance(part, AtLeast) else (part,)


def rule(kind: str, reason: str, *ways: Term | AtLeast | tuple) -> Rule:
    """A rule from its ways: each a single part, or a tuple of parts that must all hold."""
    ways = tuple(w if isinstance(w, tuple) else (w,) for w in ways)
    names = frozenset(t.name for way in ways for part in way for t in (part.terms if isinstance(part, AtLeast) else (part,)))
    return Rule(kind, reason, ways, names)
