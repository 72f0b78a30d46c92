"""Adversarial questions made from the package's own patterns: the one generator that both
``tests/test_redos.py`` and ``benchmarks/bench_adversarial.py`` use.

Backtracking blows up when the same text can be read many ways: alternatives that overlap ("bye",
"bye bye", "good bye"), repeated many times, followed by something that makes the whole match fail
at the very end. So for each pattern the generator pulls out the literal words and phrases the
pattern is made of and writes questions that repeat them, alone and mixed, in longer and longer
runs up to the question limit, each ending in a near miss.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import random
import re
import sys
from collections.abc import Iterator

from qa_bot import patterns, triage

# The modules that read a patient's words (triage is a package: each of its modules).
PATIENT_TEXT_MODULES = ("qa_bot.triage", *(f"qa_bot.triage.{m.name}" for m in pkgutil.iter_modules(triage.__path__)),
                        "qa_bot.privacy", "qa_bot.analysis", "qa_bot.vocabulary", "qa_bot.answer", "qa_bot.cues",
                        "qa_bot.followup")


def patient_text_modules() -> list:
    return [importlib.import_module(name) for name in PATIENT_TEXT_MODULES]


MAX_CHARS = 1000  # the default max_question_chars
# Ends that make an almost-match fail at the last moment: a stray letter, punctuation, half a word.
NEAR_MISSES = (" x", "!", "x", " ?", " 9", "'", "-")
# Run lengths, doubling: a pattern that slows down exponentially is caught at a length where it
# takes seconds, not when it has already hung.
RUNS = (2, 4, 8, 16, 24, 32, 48, 64, 128, 256, 512)
AMBIGUOUS = 8  # literals per pattern that are repeated on their own
# What RE2 syntax writes between the literal parts of a pattern; escapes like \b, \w, \d and \p{L}
# are dropped first so their letters are not taken for words.
_ESCAPE = re.compile(r"\\(?:p\{\w+\}|[pP]\w|[a-zA-Z]|.)")
_LITERAL = re.compile(r"[a-z0-9'&][a-z0-9'& -]*")


def compiled_patterns(obj, seen: set[int] | None = None) -> Iterator:
    """Every compiled pattern (RE2 or Python ``re``) inside ``obj``: a module's globals, lists, dicts,
    dataclasses and the closures of functions they hold."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, (re.Pattern, patterns.Pattern)):
        yield obj
    elif isinstance(obj, patterns.Lazy):  # compiled when first used: compiled here, to be looked at
        yield obj.compiled
    elif isinstance(obj, type(sys)):
        for name, value in vars(obj).items():
            if not name.startswith("__") and not isinstance(value, (type, type(sys))):
                yield from compiled_patterns(value, seen)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from compiled_patterns(getattr(obj, f.name), seen)
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from compiled_patterns(value, seen)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for item in obj:
            yield from compiled_patterns(item, seen)
    elif callable(obj) and getattr(obj, "__closure__", None):
        for cell in obj.__closure__:
            yield from compiled_patterns(cell.cell_contents, seen)


def literals(pattern: str) -> tuple[list[str], list[str]]:
    """The literal words and phrases a pattern is made of, and the few that a backtracking engine
    can read in two ways when repeated: first the phrases made of other literals ("good bye" of
    "good" and "bye", "bye bye"), then the literals found inside the most others."""
    text = _ESCAPE.sub(" ", pattern.lower())
    words = sorted({part.strip() for part in _LITERAL.findall(text)} - {""})
    known = set(words)
    composite = [w for w in words if " " in w and all(part in known for part in w.split(" "))]
    inside = sorted((w for w in words if w not in composite), key=lambda w: -sum(w in other for other in words))
    return words, (composite + [w for w in inside if sum(w in other for other in words) > 1])[:AMBIGUOUS]


def _fill(unit: str, times: int, end: str, limit: int) -> str:
    text = " ".join([unit] * times)
    return text[: limit - len(end)].rstrip() + end


def questions_for(pattern: str, rng: random.Random, limit: int = MAX_CHARS) -> list[str]:
    """Adversarial questions for one pattern (deterministic for a given ``rng`` state): runs of each
    of its ambiguous literals, runs of all its literals in a random order with and without spaces,
    a run ending in half a phrase; every other one ends in a near miss."""
    words, ambiguous = literals(pattern)
    words = words or ["a"]
    out = []
    for times in RUNS:
        for unit in ambiguous:
            out.append(_fill(unit, times, rng.choice(NEAR_MISSES), limit))
        unit = rng.choice(words)
        out.append(_fill(unit, times, " " + unit[: max(1, len(unit) // 2)], limit))  # ends in half a phrase
        out.append(_fill(" ".join(rng.choice(words) for _ in range(times)), 1, rng.choice(NEAR_MISSES), limit))
        out.append(_fill("".join(rng.choice(words) for _ in range(times)), 1, rng.choice(NEAR_MISSES), limit))
    out.append(_fill(words[0][:1] * limit, 1, "!", limit))  # one character, as long as allowed
    return list(dict.fromkeys(q for q in out if q.strip()))


def adversarial_questions(sources, seed: int = 0, limit: int = MAX_CHARS) -> list[tuple[object, str]]:
    """``(compiled pattern, question)`` for every pattern found in ``sources`` (see
    :func:`compiled_patterns`)."""
    rng = random.Random(seed)
    out = []
    seen: set[int] = set()
    for source in sources:
        for pattern in compiled_patterns(source, seen):
            out += [(pattern, q) for q in questions_for(pattern.pattern, rng, limit)]
    return out


def smalltalk_questions(phrases, rng: random.Random, limit: int = MAX_CHARS) -> list[str]:
    """Runs of small-talk phrases (``triage.PHRASES``: word tuples) ending in a near miss: the shape
    that took the old small-talk pattern 35 s in 145 characters ("bye bye ... bye x")."""
    texts = sorted(" ".join(p) for p in phrases)
    out = []
    for times in RUNS:
        out.append(_fill(rng.choice(texts), times, rng.choice(NEAR_MISSES), limit))
        out.append(_fill(" ".join(rng.choice(texts) for _ in range(times)), 1, rng.choice(NEAR_MISSES), limit))
    return out
