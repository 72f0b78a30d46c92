"""Answerability: given the ranker's candidates and their evidence, answer or not, and why.

Two rules, one for each kind of index:

**With section vectors** (a clinic's articles), a section answers when what the question asks
about is discussed there, not only when it shares the question's words::

    evidence = dense + COVERAGE_WEIGHT * coverage + LEXICAL_WEIGHT * lexical >= MIN_EVIDENCE

``dense`` is the cosine of the question and the section's best passage (article title, heading and
a few sentences: see ranker.py) under the sentence encoder: it says whether the section discusses
what is asked, in whatever words, where a word the section mentions in passing is no more than the
sentence it is in.
``coverage`` is the share of the question's informative words the section holds (a word no
article uses, such as "LASIK" or "cost", counts against it; see ranker.py), ``lexical`` the
engine's TF-IDF cosine. No signal is enough alone: "how much does cataract surgery cost" is close
in meaning to the cataract surgery section (the cost is one word of it), and "what are punctal
plugs" names the very thing one passage describes. With all of the question's words (coverage 1)
and a typical TF-IDF cosine of 0.2, a section needs a dense similarity of 0.5; with half of them
and a cosine of 0.1, 0.75.

The weights and the threshold are round numbers chosen on eight labelled sets over four corpora
at once (``../shared/eval/dev.jsonl`` and ``realfaq-dev.jsonl``, and our own, paraphrase and
patients sets, on the bundled article; ``tests/questions/eyes-skin.jsonl``,
``diabetes-heart.jsonl`` and ``kidney-gut.jsonl`` on three corpora of 12 articles): the best of
the worst of the issue's figures (realfaq-dev overall, each multi-article set's top-1 and
off-topic rejected), with every set of the bundled article at its targets (dev.jsonl's top-1 at
95% at least). See the README for what each reaches.

**Without vectors** (a JSONL knowledge base), by words alone: the best section's lexical score
must reach ``min_score`` (the configured setting) and it must hold ``MIN_COVERAGE`` of the
question's content.

Either way, a section that never names an aspect the question asks about (a ``not_covered``
topic some other article does use the words of: "how do you *prepare* for X") does not answer it;
the ranker puts the sections that name every aspect first.

Either way, a question can span two sections ("the mechanism of botulinum toxin"): when the best
section alone holds too little of it, the best two together may hold enough, and both are cited.
A second section is cited beside a clear first one when it scores nearly as well, unless it only
restates the first (``restates``: a closing summary of the first's article, "Points to remember",
which every passage-level comparison finds close to whatever its article discusses).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .ranker import Candidate

# -- with vectors (see the module) --
COVERAGE_WEIGHT = 0.2
LEXICAL_WEIGHT = 1.5
MIN_EVIDENCE = 1.0
# -- by words alone --
# The share of a question's informative content (idf-weighted) that the best section must contain.
# "Botox" is in every section, so a question like "what does botox cost" has a fair cosine with
# any of them; its coverage is low because "cost" is nowhere. On our labelled questions off-topic
# ones reach at most ~0.35 and on-topic ones start at ~0.45-0.6: 0.5 sits in that gap.
MIN_COVERAGE = 0.5
# A second section is cited too when it scores at least this share of the best one.
CO_CITE_RATIO = 0.85
MAX_CITATIONS = 2


@dataclass(frozen=True)
class Decision:
    answered: bool
    cited: tuple[Candidate, ...]  # best first; empty unless answered
    reason: str  # the evidence, for eval and logs


def decide(candidates: list[Candidate], coverage: Callable[..., float], semantic: bool,
           min_score: float, restates: Callable[[int, int], bool] = lambda first, other: False) -> Decision:
    """Answer or not from ``candidates`` (best first). ``coverage(*rows)`` is the share of the
    question that those sections hold between them; ``semantic``: the candidates carry dense evidence;
    ``restates(first, other)``: section ``other`` only sums up section ``first`` (not cited beside it)."""
    if not candidates:
        return Decision(False, (), "no matching words")
    best = candidates[0]
    if best.missing:
        # The ranker puts sections that name every aspect asked about first: none does.
        return Decision(False, (), f"not discussed in the sections found: {', '.join(best.missing)}")
    candidates = [c for c in candidates if not c.missing]
    cover = best.coverage
    chosen = [c for c in candidates[:MAX_CITATIONS]
              if c.score >= CO_CITE_RATIO * best.score and (c is best or not restates(best.row, c.row))]
    if semantic:
        def enough(c, cov):
            return c.dense + COVERAGE_WEIGHT * cov + LEXICAL_WEIGHT * c.lexical >= MIN_EVIDENCE
        need = f"need dense + {COVERAGE_WEIGHT} coverage + {LEXICAL_WEIGHT} lexical >= {MIN_EVIDENCE}"
        evidence = f"dense {best.dense:.3f}, coverage {best.coverage:.2f}, lexical {best.lexical:.3f}"
    else:
        def enough(c, cov):
            return c.lexical >= min_score and cov >= MIN_COVERAGE
        need = f"need {min_score}, {MIN_COVERAGE}"
        evidence = f"best score {best.lexical:.3f}, coverage {best.coverage:.2f}"
    chosen = [c for c in chosen if enough(c, c.coverage)] or chosen[:1]
    if not enough(best, cover) and len(candidates) > 1:
        second = candidates[1]
        both = coverage(best.row, second.row)
        if both > cover and enough(best, both) and enough(second, both):
            # A question spanning two sections: both must hold it between them, and both are cited.
            return Decision(True, (best, second), f"{evidence}; with the next section, coverage {both:.2f}")
    if not enough(best, cover):
        return Decision(False, (), f"{evidence} ({need})")
    return Decision(True, tuple(chosen), evidence)
