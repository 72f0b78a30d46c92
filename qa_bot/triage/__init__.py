"""Triage, before any retrieval and whatever the clinic's articles: is this an emergency happening
now, a crisis, small talk, or a question?

The design, one module a step:

- text.py respells the message (contractions, text-speak, common misspellings) and finds its
  sentences and clauses;
- rules.py holds the red flags from docs/red-flags.md in the order they are tried, organised by
  kind in crisis.py, emergencies.py, infection.py, injuries.py, poisoning.py, maternity.py and organs.py (signs
  several kinds share are in signs.py), each kind with its source: a rule is a sign that is an
  emergency on its own ("not breathing"), or a setting and a sign together ("hit his head" and "now
  very drowsy"), in lay words;
- context.py decides whether a sign found is happening now: denials, past events, habits,
  recoveries, questions about signs, hypotheticals and fiction each veto the signs within their
  reach, and "right now" outweighs a question frame;
- smalltalk.py recognises greetings, thanks and questions about the bot.

Every pattern is compiled with qa_bot.patterns (RE2, linear time) and the finder only runs the
patterns whose words occur in the message, so triage costs a fraction of a millisecond.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import fold
from ..budget import NO_DEADLINE, Deadline
from .context import Context, clear
from .lexicon import Rule
from .rules import RULES, SIGN_FINDER
from .smalltalk import PHRASES, is_smalltalk, smalltalk
from .text import ascii_bytes, respell

__all__ = ["PHRASES", "RULES", "Rule", "Verdict", "is_smalltalk", "red_flags", "triage"]


@dataclass(frozen=True)
class Verdict:
    kind: str  # "emergency" | "crisis" | "smalltalk" | "question"
    reason: str = ""


def red_flags(question: str, folded: str | None = None, deadline: Deadline = NO_DEADLINE) -> tuple[Rule, ...]:
    """Every rule that holds for ``question``, in the order they are tried (see rules.py)."""
    return _flags(respell(fold(question) if folded is None else folded), deadline)


def _flags(text: str, deadline: Deadline) -> tuple[Rule, ...]:
    data = clear(ascii_bytes(text))
    found = SIGN_FINDER.find(data)
    if not found:
        return ()
    deadline.check()
    context = Context.of(data)
    held = {t.name for t, m in found if context.holds(t, m)}
    return tuple(rule for rule in RULES if rule.holds(held)) if held else ()


def triage(question: str, folded: str | None = None, deadline: Deadline = NO_DEADLINE) -> Verdict:
    """Classify a question before retrieval. Urgent verdicts win over everything else.

    ``folded`` is ``fold(question)`` if the caller has it already (the bot folds a question once
    for triage and reading). ``deadline`` is checked between the steps.
    """
    text = respell(fold(question) if folded is None else folded)
    deadline.check()
    flags = _flags(text, deadline)
    if flags:
        return Verdict(flags[0].kind, flags[0].reason)
    deadline.check()
    if smalltalk(text):
        return Verdict("smalltalk", "small talk")
    return Verdict("question")
