"""The red-flag rules, in the order they are tried, and the finder for all their terms.

A crisis comes first, wherever its words are in the message: its reply gives the crisis line as well
as the emergency message. Then the emergencies by kind (emergencies.py, infection.py, injuries.py,
poisoning.py, maternity.py, organs.py), then the worst pain ever and a plain request for an ambulance.
"""

from __future__ import annotations

from . import emergencies, infection, injuries, maternity, organs, poisoning
from .crisis import CRISIS, SELF_HARM_NOW
from .lexicon import Finder, Term, one_of, rule
from .poisoning import INTENTIONAL_OVERDOSE
from .signs import CALL_FOR_HELP, COLLAPSED, FAINT, FEVER, SEVERE_BELLY_PAIN, SEVERE_PAIN, VOMITING

# Cross-cutting 999 lists in docs/red-flags.md: "sudden or severe pain" (ACEP, as republished at
# https://healthlibrary.bvhealthsystem.org/85,P00868), and someone asking whether to call an ambulance.
WORST_PAIN = rule("emergency", "worst pain ever", SEVERE_PAIN)
# ... and the Crickhowell GP list's "severe abdominal pain" (same section), here with vomiting, a
# fever or faintness, or named as appendicitis.
SEVERE_TUMMY_PAIN = rule("emergency", "severe tummy pain", (SEVERE_BELLY_PAIN, one_of(VOMITING, FEVER, FAINT, COLLAPSED)))
ASKING_FOR_HELP = rule("emergency", "asking for emergency help", CALL_FOR_HELP)

RULES = (CRISIS, SELF_HARM_NOW, INTENTIONAL_OVERDOSE, *emergencies.RULES, *infection.RULES, *injuries.RULES, *poisoning.RULES,
         *maternity.RULES, *organs.RULES, WORST_PAIN, SEVERE_TUMMY_PAIN, ASKING_FOR_HELP)


def _terms(rules) -> tuple[Term, ...]:
    """Every term the rules use, once; two different terms may not share a name (rules hold by name)."""
    by_name: dict[str, Term] = {}
    for r in rules:
        for t in r.terms():
            if by_name.setdefault(t.name, t) is not t:
                raise ValueError(f"two triage terms are named {t.name!r}")
    return tuple(by_name.values())


TERMS = _terms(RULES)
SIGN_FINDER = Finder(TERMS)
