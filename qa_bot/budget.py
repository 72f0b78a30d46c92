"""A time budget for one request: a hard deadline that the answer path checks as it goes.

Every stage of answering is linear in the question (RE2 patterns, word-level small talk, bounded
candidate lists), so the budget should never run out. It is the second line of defence: if some
input still finds a slow path, that one request fails with :class:`TooSlowError` instead of
holding a worker, and the worker goes on to the next request with nothing left half done (caches
are only filled with finished work).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from time import perf_counter

from .errors import TooSlowError


@dataclass(frozen=True)
class Deadline:
    budget_ms: float
    expires: float  # on the perf_counter clock

    @classmethod
    def after(cls, budget_ms: float) -> "Deadline":
        return cls(budget_ms, perf_counter() + budget_ms / 1000)

    def check(self) -> None:
        """Raise :class:`TooSlowError` if the budget has run out. Cheap: call it in loops."""
        if perf_counter() > self.expires:
            raise TooSlowError(self.budget_ms)


NO_DEADLINE = Deadline(math.inf, math.inf)
