"""Answer cues: what kind of sentence answers a question, judged from its question words.

A passage is chosen around the sentence that answers, not only the one sharing most words with the
question (answer.py). The question's opening words say what an answer looks like:

- a yes/no question ("Can Botox help...?", "Is it safe?", "Does it hurt?") is answered by a sentence
  that asserts with the same kind of verb ("Botox *can* reduce...", "it *may* offer...") or says
  yes, no or not;
- "how long", "how often", "how soon", "when" by a sentence with a number or a unit of time;
- "how much", "how many" by a sentence with a number;
- "why" by a sentence giving a reason ("because", "due to", "caused by");
- "how does/do/is/can ..." by a sentence saying how ("by", "through", "works");
- "what is/are" by a sentence that says what something is ("is", "are", "means", "refers").

Only words are compared (the analyzer's folded tokens): no pattern reads the question.
"""

from __future__ import annotations

# Auxiliaries that open a yes/no question, each with the words of a sentence that answers it.
_CAN = frozenset({"can", "cannot", "could", "may", "might", "able"})
_BE = frozenset({"is", "are", "was", "were", "isn't", "aren't", "not"})
_DO = frozenset({"does", "do", "did", "doesn't", "don't", "not", "can", "may", "helps", "works"})
_WILL = frozenset({"will", "won't", "would", "can", "may"})
_SHOULD = frozenset({"should", "shouldn't", "recommended", "recommend", "advised", "need", "needs"})
YES_NO = {"can": _CAN, "could": _CAN, "may": _CAN, "is": _BE, "are": _BE, "was": _BE, "does": _DO, "do": _DO,
          "did": _DO, "will": _WILL, "would": _WILL, "should": _SHOULD, "has": _DO, "have": _DO}
ASSERTS = frozenset({"yes", "no", "not", "never", "always"})
TIME = frozenset({"second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "daily", "week",
                  "weeks", "weekly", "month", "months", "monthly", "year", "years", "yearly", "lifelong",
                  "immediately", "permanent", "temporary", "after", "within", "until"})
REASON = frozenset({"because", "due", "caused", "cause", "causes", "reason", "since", "result", "leads"})
MANNER = frozenset({"by", "through", "works", "work", "via", "using", "when"})
DEFINES = frozenset({"is", "are", "means", "refers", "called", "known", "describes", "defined"})
# Words that may come before a question's own opening ("so can it...", "and how long...").
LEAD_INS = frozenset({"so", "and", "but", "also", "ok", "okay", "then", "please", "well", "hi", "hello"})


def wanted(words: list[str]) -> tuple[frozenset[str], bool]:
    """The words of an answering sentence for a question of these (folded) words, and whether a
    number answers it too. Empty when the question's opening says nothing about its answer."""
    words = [w for w in words if w.isalnum() or "'" in w]
    while words and words[0] in LEAD_INS:
        words = words[1:]
    if not words:
        return frozenset(), False
    first, second = words[0], words[1] if len(words) > 1 else ""
    if first == "how" and second in ("long", "often", "soon", "quickly", "fast"):
        return TIME, True
    if first == "how" and second in ("much", "many"):
        return frozenset({"percent", "most", "few", "many"}), True
    if first == "when":
        return TIME, True
    if first == "why":
        return REASON, False
    if first == "how":
        return MANNER, False
    if first in ("what", "what's", "whats") and (second in ("is", "are") or first != "what"):
        return DEFINES, False
    if first in YES_NO:
        return YES_NO[first] | ASSERTS, False
    return frozenset(), False


def answering(question_words: list[str], sentences_words: list[list[str]]) -> list[bool]:
    """For each sentence (its folded words), whether it has the kind of words that answer."""
    cue, numbers = wanted(question_words)
    if not cue and not numbers:
        return [False] * len(sentences_words)
    return [bool(cue.intersection(ws)) or (numbers and any(w.isdigit() for w in ws)) for ws in sentences_words]
