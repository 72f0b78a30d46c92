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
    r"\bcan'?t (?:speak|talk) (?:highly|well|enough|too highly)\b",  # praise, not a symptom
    r"\bheart ?attack of a\b",
    r"\b(?:had|after|since|from|history of|years? ago|months? ago) (?:a |my |the )?(?:stroke|heart attack|seizure)s?\b[^.?!]*?(?:ago|years?|months?|history)?",
    r"\bstroke (?:years?|months?) ago\b",
    r"\bpost[- ]?stroke\b",
    # stroke as a cause or a past event, not as something happening now
    r"\bstroke[- ](?:related|induced|caused|survivors?|rehab\w*|recovery|patients?|victims?|sufferers?|spasticity|stiffness|damage)\b",
    r"\b(?:after|since|following|from|caused by|because of) (?:a |my |the |his |her |their )?stroke\b",
    r"\b(?:can|does|do|could|will) (?:a |having a )?strokes? (?:cause|lead to|make|give|result in|affect)\b",
    # questions about what a condition is, or whether botox is a poison, not something happening now
    r"\bwhat(?:'s| is| are| does| causes?) (?:a |an )?(?:thunderclap headaches?|anaphylaxis|anaphylactic shock|stroke|seizure)\b(?! right now| now)",
    r"\b(?:is|isn't) (?:botox|it|this|the toxin|botulinum toxin) (?:really |actually |basically |just )?(?:a )?poison(?:ous)?\b",
    r"\b(?:botox|botulinum toxin|the toxin) (?:is )?(?:really |actually |basically |just )?(?:a )?poison(?:ous)?\b",
    # a question about a side effect ("can botox cause trouble swallowing?"), not a report of one: only
    # the few words that name it are cleared, so "... cause trouble breathing i cant breathe" still alarms
    r"\b(?:can|does|do|could|will|would) (?:botox|it|the injections?|the shots?|injections|shots) "
    r"(?:\w+ (?:and|or) )?(?:cause|give you|lead to|affect) (?:\w+ ){0,2}\w+",
    # a question about overdosing ("what happens if you overdose on botox?"), not a report of one
    r"\bwhat (?:happens|would happen|will happen|happened) if (?:you|someone|somebody|a person|people|they) "
    r"(?:overdose|get too much|have too much|are given too much|take too much)\b",
    r"\b(?:can|could) (?:you|someone|somebody|a person|people) (?:ever )?overdose on (?:botox|it|the injections?|injections)\b",
    r"\bis it possible to overdose on (?:botox|it|the injections?|injections)\b",
)

URGENT_RULES: list[tuple[str, str, re.Pattern]] = [
    ("crisis", "suicidal thoughts", _rx(
        r"\b(?:kill|killing|hurt|hurting|harm|harming) (?:my ?self|myself)\b",
        r"\bsuicid\w*", r"\bend(?:ing)? (?:my|it all|my own) ?(?:life)?\b(?! of)", r"\bend(?:ing)? it all\b",
        r"\b(?:want|wanna|going|ready) to die\b", r"\bno reason to live\b", r"\bbetter off dead\b",
        r"\btake my (?:own )?life\b", r"\bself[- ]?harm\w*",
        r"\b(?:don't|do not|dont|no longer) want to (?:live|be alive|be here|wake up)\b",
        r"\b(?:nothing|no point) (?:to live for|in living)\b",
        r"\b(?:no|don't see the|don't see any|do not see the|do not see any|see no|what's the|what is the) point "
        r"(?:in |of )?(?:going on|carrying on|living|being alive|being here|life|anything anymore)\b"
        r"(?! (?:with|doing|taking|trying|going to|seeing|the|my|this|that)\b)",
        r"\bcan't (?:go on|carry on) (?:anymore|any more|living)\b", r"\bend(?:ing)? (?:things|everything)\b",
        r"\b(?:life|living) (?:is not|isn't|is no longer|not) worth (?:living|it)\b", r"\bnot worth living\b",
        r"\bwish (?:i was|i were|i could be) dead\b", r"\bwish i (?:could )?(?:die|disappear|wasn't alive)\b",
        r"\b(?:take|taking|swallow|swallowing) all (?:of )?(?:my|the) (?:pills|tablets|meds|medication|painkillers)\b",
        r"\b(?:want to|going to|gonna|thinking (?:of|about)|plan to|planning to|ready to) end(?:ing)? it\b",
        r"\bkms\b", r"\bunalive\w*")),
    ("emergency", "chest pain", _rx(
        r"\bchest (?:pains?|hurts?|pressure|tightness|is tight)\b",
        r"\b(?:pains?|pressure|tightness|weight|squeezing) (?:in|on|across) (?:my|his|her|their|the) chest\b",
        r"\bchest (?:feels?|is|feeling) (?:very |really |so )?(?:tight|heavy|crushed|crushing|squeezed)\b",
        r"\bcrushing (?:pain|chest)\b",
        r"\bheart attack\b")),
    ("emergency", "stroke signs", _rx(
        r"\bstroke\b", r"\bface (?:is )?droop\w*", r"\bdrooping face\b", r"\bslurr\w* (?:speech|words)\b",
        r"\b(?:arm|leg|face|side) (?:went|is|feels|has gone|suddenly) (?:numb|weak|dead)\b",
        r"\bsudden(?:ly)? (?:numb|weak)\w*",
        r"\bface (?:has |is |went |has gone )?(?:dropped|drooped|fallen|sagging|slipped)\b",
        r"\bone side of (?:my|his|her|their|the) (?:face|body|mouth) (?:is |has |went |has gone |feels )?(?:numb|weak|dead|dropped|drooping|drooped|fallen|sagging)\b",
        r"\bnumb(?:ness)? (?:on|down) one side\b",
        r"\b(?:can't|cannot|can not|unable to) (?:lift|raise|move) (?:my|his|her|their) (?:arm|leg)s?\b",
        r"\bsudden(?:ly)? (?:can't see|lost (?:my |his |her )?(?:vision|sight)|blind|double vision)\b",
        r"\bspeech (?:is |has |was )?(?:all |very |really |suddenly |gone |become |getting )?slurr\w*",
        r"\b(?:i'm|i am|he's|he is|she's|she is|they're|they are|is|are) (?:suddenly )?slurring\b")),
    ("emergency", "trouble breathing, swallowing or speaking", _rx(
        r"\b(?:can ?not|cannot|can't|cant|unable to|trouble|difficulty|difficulties|difficult to|hard to|struggling to|problems?) "
        r"(?:properly |really )?(?:breath\w*|swallow\w*|speak\w*|talk\w*)",
        r"\b(?:can barely|can hardly|barely able to|hardly able to|barely|hardly) (?:breath\w*|swallow\w*|speak\w*|talk\w*)",
        r"\b(?:can't|cannot|can not|unable to|struggling to|hard to|trouble to) (?:get|take) (?:any |enough )?(?:air|a breath|breath)\b",
        r"\bbreathing (?:is )?(?:getting |becoming |has become |has got )?(?:harder|hard|difficult|laboured|labored|shallow)\b",
        r"\bshort(?:ness)? of breath\b", r"\bchoking\b", r"\bgasping\b",
        r"\b(?:not|isn't|is not|stopped|stops|aren't|wasn't) breathing\b", r"\bcatch (?:my|his|her|their) breath\b",
        r"\bstruggling for (?:air|breath)\b", r"\b(?:turning|gone|went|going) blue\b",
        r"\bthroat (?:is )?(?:closing|swelling|swollen)\b",
        r"\bthroat (?:feels? |is )?like (?:it's |it is )?(?:closing|closed|swelling|swollen)\b",
        r"\bthroat (?:feels?|is|feeling|getting|has gotten) (?:very |really |so )?(?:tight|closing|closed|swollen)\b",
        r"\btight(?:ness)? (?:in )?(?:my |the |his |her )?throat\b",
        # botulinum toxin spreading beyond the injection: weakness far from where it was injected
        r"\b(?:weak|weakness) all over\b", r"\bweakness (?:is )?spreading\b",
        r"\b(?:whole|entire) body (?:feels |is |has gone |went )?(?:very |really |so )?(?:weak|floppy)\b")),
    ("emergency", "severe allergic reaction", _rx(
        r"\banaphyla\w*", r"\b(?:tongue|lips?|face|throat) (?:is |are )?(?:swelling|swollen)\b",
        r"\bsevere allergic\b",
        r"\b(?:having|going into|i'm having|is having) (?:an? )?(?:severe |bad |serious )?allergic reaction\b", r"\ballergic reaction\b.*\b(?:breath|swell|hives)")),
    ("emergency", "overdose or poisoning", _rx(
        r"\boverdos\w*", r"\btook (?:way |far |a lot )?too (?:many|much)\b",
        r"\btoo many (?:pills|tablets|painkillers|pain pills)\b",
        # a child (or pet) who got into medicines or chemicals
        r"\b(?:toddler|baby|child|kid|son|daughter|grandson|granddaughter|grandchild|little one|dog|cat)\b[^.?!]{0,20}?"
        r"\b(?:swallowed|ate|eaten|drank|drunk|got into|(?:has taken|took) (?:some |a few |one |two |several |all )?(?:of )?"
        r"(?:my|our|mum's|mom's|dad's|nan's|gran's|granny's|grandma's|someone's|the wrong))\b[^.?!]{0,30}?"
        r"\b(?:pills?|tablets?|capsules?|meds|medicines?|medications?|painkillers?|bleach|chemicals?|detergent)\b",
        r"\b(?:toddler|baby|child|kid|son|daughter|grandson|granddaughter|grandchild|little one|dog|cat)\b[^.?!]{0,20}?"
        r"\b(?:found|got hold of|got into|opened|got at)\b[^.?!]{0,20}?\b(?:pills?|tablets?|capsules?|meds|medicines?|medications?|painkillers?|bleach|chemicals?|detergent)\b"
        r"[^.?!]{0,20}?\b(?:ate|eaten|swallowed|drank|drunk|chewed|(?:took|taken|had) (?:some|one|a few|them|it))\b",
        r"\bswallowed (?:a bottle|the whole|all)\b", r"\bpoison\w*",
        # "took 30 sleeping pills", "swallowed a handful of my tablets", "took the whole box of painkillers"
        # (ten or more, or a container's worth; not a dose in mg, and not "I take 2 tablets a day")
        r"\b(?:took|taken|swallowed|ate) (?:about |like |over |maybe )?(?:[1-9]\d+|a (?:whole |full )?(?:bottle|pack|packet|box|handful|strip)|"
        r"the (?:whole|entire|rest of the)|(?:[2-9]|two|three|four|five) (?:whole |full )?(?:bottles|packs|packets|boxes|strips)|handfuls?|dozens|loads|lots|a lot|twenty|thirty|forty|fifty)"
        r"\b(?:(?!\b(?:mg|mcg|ml|milligrams?|micrograms?|units?)\b)[^.?!]){0,40}?\b(?:pills?|tablets?|capsules?|meds|medications?|medicines?|painkillers?|sleeping pills|opioids?|"
        r"paracetamol|acetaminophen|tylenol|ibuprofen|aspirin|oxycodone|morphine|insulin)\b")),
    ("emergency", "heavy bleeding", _rx(
        r"\b(?:bleeding|blood) (?:heavily|a lot|won't stop|will not stop|that won't stop|everywhere)\b",
        r"\b(?:heavy|severe|uncontrolled) bleeding\b", r"\bwon't stop bleeding\b",
        r"\bblood (?:is )?(?:pouring|gushing|spurting|pumping)\b", r"\b(?:pouring|gushing|spurting) (?:out )?blood\b",
        r"\bbleeding (?:that )?(?:won't|will not|doesn't|does not|can't|isn't) stop",
        r"\bbleed(?:ing|s)?\b(?: and| but)? (?:it |it's |that |still )?(?:won't|will not|doesn't|does not|can't|isn't|is not|not) stop(?:ping)?\b")),
    ("emergency", "unresponsive or confused person", _rx(
        r"\bunresponsive\b", r"\bunconscious\b", r"\bwon't wake up\b", r"\bnot waking up\b",
        r"\b(?:fainted|passed out|collapsed|blacked out)\b", r"\bseizure\b", r"\bnow (?:i'm|i am|he's|she's) confused\b",
        r"\b(?:not|isn't|is not|aren't|won't|stopped) respond\w*", r"\bconvuls\w*",
        r"\b(?:having|started|starting|gone into|went into|is in) (?:a )?fits?\b",
        r"\b(?:is|he's|she's|they're|keeps) fitting\b")),
    ("emergency", "asking for emergency help", _rx(
        r"\b(?:call(?:ing)?|need|get|send|phone|ring) (?:for )?(?:an? )?(?:ambulance|911|999|112|000|paramedics?)\b",
        r"\bgo(?:ing)? to (?:a&e|the er|the emergency room|emergency)\b")),
    ("emergency", "sudden worst-ever headache", _rx(
        r"\bworst headache\b", r"\bthunderclap\b", r"\bsudden(?:ly)? (?:severe|terrible|excruciating) headache\b",
        r"\bheadache (?:came on )?(?:suddenly|out of nowhere)\b.*\b(?:worst|severe)\b",
        r"\bsudden(?:ly)? (?:\w+ )?(?:splitting|blinding|explosive|agonising|agonizing|crushing) headache\b",
        r"\bheadache (?:that )?came on (?:in seconds|in a second|instantly|like a thunderclap|all of a sudden)\b",
        # headache with meningitis signs
        r"\bheadaches?\b[^.?!]{0,40}\bstiff neck\b[^.?!]{0,40}\b(?:light|fever|rash|vomit\w*|confus\w*)",
        r"\bstiff neck\b[^.?!]{0,40}\bheadaches?\b[^.?!]{0,40}\b(?:light|fever|rash|vomit\w*|confus\w*)")),
]

# Most questions match no rule: one search over all the rules' patterns at once says so at a third
# of the cost of a search per rule. Only when it matches are the rules tried one by one, in order.
ANY_URGENT = _rx(*(pattern.pattern for _, _, pattern in URGENT_RULES))

# Whole messages that are only small talk (after folding and trimming punctuation).
# A name or a "please" may follow most of them: "cheers mate", "thanks bot", "help please".
_TO = r"(?: (?:bot|mate|buddy|pal|love|dear|folks|there|please|pls))?"
SMALLTALK = _rx(
    r"(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening|day)|morning|afternoon|evening|yo)" + _TO,
    r"(?:thanks?|thank you|thank u|thankyou|thx|ty|ta|cheers|many thanks)(?: (?:so|very|ever so) much| a lot| a million| again)?"
    r"(?: for (?:the|your|all your|all the) (?:help|info|information|answers?))?" + _TO,
    r"(?:bye|goodbye|good bye|bye bye|see you|see ya|farewell|take care|good night)(?: then| now| for now| later)?" + _TO,
    r"(?:that|this|it|you)(?:'s|s|'ve been| (?:was|is|has been|have been|were|are|'re))? (?:very |really |so |super )?"
    r"(?:helpful|great|useful|perfect|clear|amazing|brilliant|lovely|fab|fantastic|informative|kind)",
    r"(?:that|this|it|you) (?:help(?:ed|s)?|answers? my question|makes sense)(?: (?:a lot|me|a bit|so much))?",
    r"have a (?:nice|good|great|lovely) (?:day|evening|night|weekend|one)",
    r"(?:who|what) (?:made|built|created|programmed|wrote) you", r"what(?:'s| is) your name", r"nice to meet you",
    r"(?:who|what) are you", r"who am i (?:talking|speaking|chatting) (?:to|with)", r"is (?:this|that) a (?:bot|robot|real person|human)",
    r"what can you do", r"what do you do", r"(?:how|can) (?:can )?you help(?: me)?" + _TO,
    r"what (?:can|do) you (?:help|answer)(?: me)?(?: with)?", r"what (?:can|should) i ask(?: you)?(?: about)?",
    r"what (?:sort|kind|type)s? of (?:things|questions|stuff) (?:can|should|do) i ask(?: you)?(?: about)?",
    r"can i ask (?:you )?(?:a|some) questions?", r"i have a question",
    r"what (?:can|do) you know(?: about)?", r"help" + _TO, r"are you (?:a |an )?(?:real )?(?:bot|robot|human|real|person|computer|machine|ai|chatbot)",
    r"how are you(?: doing)?(?: today)?", r"how's it going", r"what's up", r"(?:wh?at)?s+up", r"wassup", r"ok(?:ay)?", r"great", r"cool", r"got it", r"i see", r"understood",
    r"perfect", r"awesome", r"good", r"lovely", r"brilliant", r"no thanks?", r"(?:no|nope),? (?:that's|thats) (?:all|it)",
)


# Several small-talk phrases in a row ("ok thanks, bye") are still small talk.
SMALLTALK_RUN = re.compile(f"(?:{SMALLTALK.pattern})(?: (?:{SMALLTALK.pattern}))*")
# Contractions typed without the apostrophe ("cant", "wont", "im") are read as with it.
CONTRACTIONS = re.compile(r"\b(?:(can|won|don|isn|aren|wasn|weren|doesn|didn|couldn|wouldn|haven|hasn)t|(i)m|(i)ve|(he|she|that|it|what|there|how)s)\b")


def _apostrophe(m: re.Match) -> str:
    if m.group(1):
        return m.group(1) + "'t"
    if m.group(2):
        return "i'm"
    if m.group(3):
        return "i've"
    return m.group(4) + "'s"


# Text-speak is read as the words it stands for before matching small talk: "r u a bot", "what can u do".
TEXT_SPEAK_WORDS = {"u": "you", "r": "are", "ur": "your", "ya": "you", "wat": "what", "wot": "what"}
TEXT_SPEAK = re.compile(r"\b(?:" + "|".join(TEXT_SPEAK_WORDS) + r")\b")

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
    text = CONTRACTIONS.sub(_apostrophe, text)
    cleared = NOT_URGENT.sub(" ", text)
    if ANY_URGENT.search(cleared):
        for kind, reason, pattern in URGENT_RULES:
            if pattern.search(cleared):
                return Verdict(kind, reason)
    bare = PUNCTUATION.sub(" ", text)
    bare = " ".join(bare.split())
    bare = TEXT_SPEAK.sub(lambda m: TEXT_SPEAK_WORDS[m.group(0)], bare)
    if bare and SMALLTALK_RUN.fullmatch(bare):
        return Verdict("smalltalk", "small talk")
    return Verdict("question")
