"""Triage, before any retrieval: is this an emergency, a crisis, or small talk?

Urgent signs are matched with patterns over the folded question. Each rule has a name (reported
as the answer's reason) and a kind: ``emergency`` or ``crisis`` (thoughts of suicide or self-harm,
which get the crisis line as well). Patterns that describe history or idiom ("after a stroke years
ago", "the pain is killing me") are checked first and take the words they cover out of play.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .analysis import fold


@dataclass(frozen=True)
class Verdict:
    kind: str  # "emergency" | "crisis" | "smalltalk" | "question"
    reason: str = ""


def _rx(*parts: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in parts))


# Phrases that look alarming but are not an emergency now: removed before the urgent rules run.
NOT_URGENT = _rx(
    r"\b(?:killing|kills) me\b",
    r"\bdying (?:to|for)\b",
    r"\bheart ?attack of a\b",
    r"\b(?:had|after|since|from|history of|years? ago|months? ago) (?:a |my |the )?(?:stroke|heart attack|seizure)s?\b[^.?!]*?(?:ago|years?|months?|history)?",
    r"\bstroke (?:years?|months?) ago\b",
    r"\bpost[- ]?stroke\b",
    # stroke as a cause or a past event, not as something happening now
    r"\bstroke[- ](?:related|induced|caused|survivors?|rehab\w*|recovery|patients?)\b",
    r"\b(?:after|since|following|from|caused by|because of) (?:a |my |the |his |her |their )?stroke\b",
)

URGENT_RULES: list[tuple[str, str, re.Pattern]] = [
    ("crisis", "suicidal thoughts", _rx(
        r"\b(?:kill|killing|hurt|hurting|harm|harming) (?:my ?self|myself)\b",
        r"\bsuicid\w*", r"\bend(?:ing)? (?:my|it all|my own) ?(?:life)?\b(?! of)", r"\bend(?:ing)? it all\b",
        r"\b(?:want|wanna|going|ready) to die\b", r"\bno reason to live\b", r"\bbetter off dead\b",
        r"\btake my (?:own )?life\b", r"\bself[- ]?harm\w*",
        r"\b(?:don't|do not|dont|no longer) want to (?:live|be alive|be here|wake up)\b",
        r"\b(?:nothing|no point) (?:to live for|in living)\b")),
    ("emergency", "chest pain", _rx(
        r"\bchest (?:pain|hurts?|pressure|tightness|is tight)\b", r"\b(?:pain|pressure|tightness) in my chest\b",
        r"\bchest (?:feels?|is|feeling) (?:very |really |so )?(?:tight|heavy|crushed|crushing|squeezed)\b",
        r"\bcrushing (?:pain|chest)\b",
        r"\bheart attack\b")),
    ("emergency", "stroke signs", _rx(
        r"\bstroke\b", r"\bface (?:is )?droop\w*", r"\bdrooping face\b", r"\bslurr\w* (?:speech|words)\b",
        r"\b(?:arm|leg|face|side) (?:went|is|feels|has gone|suddenly) (?:numb|weak|dead)\b",
        r"\bsudden(?:ly)? (?:numb|weak)\w*")),
    ("emergency", "trouble breathing, swallowing or speaking", _rx(
        r"\b(?:can ?not|cannot|can't|cant|unable to|trouble|difficulty|hard to|struggling to|problems?) "
        r"(?:properly |really )?(?:breath\w*|swallow\w*|speak\w*|talk\w*)",
        r"\bshort(?:ness)? of breath\b", r"\bchoking\b", r"\bgasping\b",
        r"\b(?:not|isn't|is not|stopped|stops|aren't|wasn't) breathing\b", r"\bcatch (?:my|his|her|their) breath\b",
        r"\bstruggling for (?:air|breath)\b",
        r"\bthroat (?:is )?(?:closing|swelling|swollen)\b",
        r"\bthroat (?:feels?|is|feeling|getting|has gotten) (?:very |really |so )?(?:tight|closing|closed|swollen)\b",
        r"\btight(?:ness)? (?:in )?(?:my |the |his |her )?throat\b",
        # botulinum toxin spreading beyond the injection: weakness far from where it was injected
        r"\b(?:weak|weakness) all over\b", r"\bweakness (?:is )?spreading\b")),
    ("emergency", "severe allergic reaction", _rx(
        r"\banaphyla\w*", r"\b(?:tongue|lips?|face|throat) (?:is |are )?(?:swelling|swollen)\b",
        r"\bsevere allergic\b", r"\ballergic reaction\b.*\b(?:breath|swell|hives)")),
    ("emergency", "overdose or poisoning", _rx(
        r"\boverdos\w*", r"\btook (?:way |far |a lot )?too (?:many|much)\b",
        r"\btoo many (?:pills|tablets|painkillers|pain pills)\b", r"\bswallowed (?:a bottle|the whole|all)\b", r"\bpoison\w*",
        # "took 30 sleeping pills", "swallowed a handful of my tablets", "took the whole box of painkillers"
        # (ten or more, or a container's worth; not a dose in mg, and not "I take 2 tablets a day")
        r"\b(?:took|taken|swallowed|ate) (?:about |like |over |maybe )?(?:[1-9]\d+|a (?:whole |full )?(?:bottle|pack|packet|box|handful|strip)|"
        r"the (?:whole|entire|rest of the)|handfuls?|dozens|loads|lots|a lot|twenty|thirty|forty|fifty)"
        r"\b(?:(?!\b(?:mg|mcg|ml|milligrams?|micrograms?|units?)\b)[^.?!]){0,40}?\b(?:pills?|tablets?|capsules?|meds|medications?|medicines?|painkillers?|sleeping pills|opioids?|"
        r"paracetamol|acetaminophen|tylenol|ibuprofen|aspirin|oxycodone|morphine|insulin)\b")),
    ("emergency", "heavy bleeding", _rx(
        r"\b(?:bleeding|blood) (?:heavily|a lot|won't stop|will not stop|that won't stop|everywhere)\b",
        r"\b(?:heavy|severe|uncontrolled) bleeding\b", r"\bwon't stop bleeding\b")),
    ("emergency", "unresponsive or confused person", _rx(
        r"\bunresponsive\b", r"\bunconscious\b", r"\bwon't wake up\b", r"\bnot waking up\b",
        r"\b(?:fainted|passed out|collapsed|blacked out)\b", r"\bseizure\b", r"\bnow (?:i'm|i am|he's|she's) confused\b")),
    ("emergency", "sudden worst-ever headache", _rx(
        r"\bworst headache\b", r"\bthunderclap\b", r"\bsudden(?:ly)? (?:severe|terrible|excruciating) headache\b",
        r"\bheadache (?:came on )?(?:suddenly|out of nowhere)\b.*\b(?:worst|severe)\b")),
]

# Most questions match no rule: one search over all the rules' patterns at once says so at a third
# of the cost of a search per rule. Only when it matches are the rules tried one by one, in order.
ANY_URGENT = _rx(*(pattern.pattern for _, _, pattern in URGENT_RULES))

# Whole messages that are only small talk (after folding and trimming punctuation).
SMALLTALK = _rx(
    r"(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening)|yo)(?: there)?(?: bot)?",
    r"(?:thanks?|thank you|thx|ty|cheers|many thanks)(?: (?:so|very) much| a lot| a million)?"
    r"(?: for (?:the|your|all your) help)?(?: bot)?",
    r"(?:bye|goodbye|good bye|see you|see ya|farewell|take care|good night)(?: then| now)?",
    r"(?:that|this|it|you)(?: (?:was|is|has been|were|are))? (?:very |really |so )?(?:helpful|great|useful|perfect|clear|amazing)",
    r"(?:that|this|it|you) help(?:ed|s)?(?: (?:a lot|me|a bit|so much))?",
    r"(?:who|what) (?:made|built|created|programmed|wrote) you", r"what(?:'s| is) your name", r"nice to meet you",
    r"(?:who|what) are you", r"what can you do", r"what do you do", r"how can you help(?: me)?",
    r"what (?:can|do) you (?:help|answer)(?: me)?(?: with)?", r"what (?:can|should) i ask(?: you)?",
    r"what (?:can|do) you know(?: about)?", r"help", r"are you (?:a )?(?:bot|robot|human|real)",
    r"how are you(?: doing)?(?: today)?", r"ok(?:ay)?", r"great", r"cool", r"got it", r"i see", r"understood",
    r"perfect", r"awesome", r"good", r"no thanks?",
)


# Several small-talk phrases in a row ("ok thanks, bye") are still small talk.
SMALLTALK_RUN = re.compile(f"(?:{SMALLTALK.pattern})(?: (?:{SMALLTALK.pattern}))*")
# Punctuation is dropped before matching small talk: "ok, thanks. goodbye!" -> "ok thanks goodbye".
PUNCTUATION = re.compile(r"[^\w' ]+")


def triage(question: str, folded: str | None = None) -> Verdict:
    """Classify a question before retrieval. Urgent verdicts win over everything else.

    ``folded`` is ``fold(question)`` if the caller has it already (the bot folds a question once
    for triage and reading).
    """
    if folded is None:
        folded = fold(question)
    text = " " + " ".join(folded.replace("’", "'").split()) + " "
    cleared = NOT_URGENT.sub(" ", text)
    if ANY_URGENT.search(cleared):
        for kind, reason, pattern in URGENT_RULES:
            if pattern.search(cleared):
                return Verdict(kind, reason)
    bare = PUNCTUATION.sub(" ", text)
    bare = " ".join(bare.split())
    if bare and SMALLTALK_RUN.fullmatch(bare):
        return Verdict("smalltalk", "small talk")
    return Verdict("question")
