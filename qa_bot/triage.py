"""Triage, before any retrieval: is this an emergency, a crisis, or small talk?

Urgent signs are matched with patterns over the folded question. Each rule has a name (reported
as the answer's reason) and a kind: ``emergency`` or ``crisis`` (thoughts of suicide or self-harm,
which get the crisis line as well). Patterns that describe history or idiom ("after a stroke years
ago", "the pain is killing me") are checked first and take the words they cover out of play.

Every pattern runs on RE2 (see patterns.py), so no question can make one slow. Small talk is not a
pattern: a message is small talk when its words are a run of known phrases, checked word by word
(see :func:`is_smalltalk`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import patterns
from .analysis import fold
from .budget import NO_DEADLINE, Deadline
from .patterns import Guarded, Pattern


@dataclass(frozen=True)
class Verdict:
    kind: str  # "emergency" | "crisis" | "smalltalk" | "question"
    reason: str = ""


@dataclass(frozen=True)
class Excluding:
    """A pattern that counts only where its group ``gap`` holds no match of ``unwanted``.

    RE2 cannot say "up to 40 characters, none of them starting the word mg": the pattern takes the
    shortest gap that reaches the rest of it, and this looks inside that gap.
    """

    pattern: Pattern
    unwanted: Pattern

    def accepts(self, match) -> bool:
        return self.unwanted.search(match.group("gap")) is None


@dataclass(frozen=True)
class Alternatives:
    """``a|b|c`` read as Python's ``re`` reads it (the leftmost match; at one place, the first
    alternative that matches), where an alternative may hold only under a condition RE2 cannot
    state: a :class:`~qa_bot.patterns.Guarded` ("unless followed by") or an :class:`Excluding`.

    One RE2 search finds the leftmost match of all the alternatives, conditions left out. If a
    conditional alternative matched and its condition fails, the alternatives after it are tried
    at the same place (one RE2 match: they are compiled together up front); failing those, the
    search goes on from the next character. No alternative may match the empty text.
    """

    combined: Pattern  # every alternative, each conditional one in a group of its own
    parts: tuple[Pattern, ...]  # each alternative alone
    conditions: tuple[Callable | None, ...]  # per alternative: holds(text, match), or None
    flags: tuple[tuple[int, int], ...]  # (group in `combined`, alternative) for the conditional ones
    rest: tuple["Alternatives | None", ...]  # per alternative: those after it (for conditional ones)

    @classmethod
    def of(cls, *items: str | Guarded | Excluding) -> "Alternatives":
        texts, parts, conditions, flags, rest, group = [], [], [], [], [], 1
        for k, item in enumerate(items):
            if isinstance(item, str):
                pattern, holds = patterns.compile(item), None
            elif isinstance(item, Guarded):
                pattern, holds = item.pattern, _not_followed_by(item.unless)
            else:
                pattern, holds = item.pattern, _holds_inside(item)
            if pattern.match(""):
                raise patterns.PatternError(f"{pattern.pattern[:120]!r} matches the empty text")
            if holds is None:
                texts.append(f"(?:{pattern.pattern})")
            else:
                texts.append(f"({pattern.pattern})")
                flags.append((group, k))
                group += 1
            group += pattern.groups
            parts.append(pattern)
            conditions.append(holds)
            rest.append(cls.of(*items[k + 1 :]) if holds is not None and items[k + 1 :] else None)
        return cls(patterns.compile("|".join(texts)), tuple(parts), tuple(conditions), tuple(flags), tuple(rest))

    def search(self, text: str, pos: int = 0):
        return self._find(text, pos, anchored=False)

    def _find(self, text: str, pos: int, anchored: bool):
        find = self.combined.match if anchored else self.combined.search
        while (m := find(text, pos)) is not None:
            k = next((k for group, k in self.flags if m.start(group) != -1), None)
            if k is None:
                return m
            hit = self.parts[k].match(text, m.start())  # the same match, with the alternative's own groups
            if self.conditions[k](text, hit):
                return hit
            if self.rest[k] is not None and (later := self.rest[k]._find(text, m.start(), anchored=True)):
                return later
            if anchored:
                return None
            pos = m.start() + 1
        return None

    def sub(self, repl: str, text: str) -> str:
        """``text`` with each match, left to right, replaced by ``repl`` (as ``re.sub`` does)."""
        out, last = [], 0
        while (m := self.search(text, last)) is not None:
            out += [text[last : m.start()], repl]
            last = m.end()
        return "".join(out) + text[last:]


def _not_followed_by(unless: Pattern) -> Callable:
    return lambda text, m: unless.match(text, m.end()) is None


def _holds_inside(excluding: Excluding) -> Callable:
    return lambda text, m: excluding.accepts(m)


def _rx(*parts: str) -> Pattern:
    return patterns.compile(patterns.any_of(*parts))


# Phrases that look alarming but are not an emergency now: removed before the urgent rules run.
NOT_URGENT = Alternatives.of(
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
    Guarded(patterns.compile(r"\bwhat(?:'s| is| are| does| causes?) (?:a |an )?(?:thunderclap headaches?|anaphylaxis|anaphylactic shock|stroke|seizure)\b"),
            patterns.compile(r" right now| now")),
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

URGENT_RULES: list[tuple[str, str, Alternatives]] = [
    ("crisis", "suicidal thoughts", Alternatives.of(
        r"\b(?:kill|killing|hurt|hurting|harm|harming) (?:my ?self|myself)\b",
        r"\bsuicid\w*", r"\bend(?:ing)? (?:my|it all|my own) ?(?:life)?\b", r"\bend(?:ing)? it all\b",
        r"\b(?:want|wanna|going|ready) to die\b", r"\bno reason to live\b", r"\bbetter off dead\b",
        r"\btake my (?:own )?life\b", r"\bself[- ]?harm\w*",
        r"\b(?:don't|do not|dont|no longer) want to (?:live|be alive|be here|wake up)\b",
        r"\b(?:nothing|no point) (?:to live for|in living)\b",
        # ... unless it goes on with what there is no point in: "no point carrying on with the physio"
        Guarded(patterns.compile(
            r"\b(?:no|don't see the|don't see any|do not see the|do not see any|see no|what's the|what is the) point "
            r"(?:in |of )?(?:going on|carrying on|living|being alive|being here|life|anything anymore)\b"),
            patterns.compile(r" (?:with|doing|taking|trying|going to|seeing|the|my|this|that)\b")),
        r"\bcan't (?:go on|carry on) (?:anymore|any more|living)\b", r"\bend(?:ing)? (?:things|everything)\b",
        r"\b(?:life|living) (?:is not|isn't|is no longer|not) worth (?:living|it)\b", r"\bnot worth living\b",
        r"\bwish (?:i was|i were|i could be) dead\b", r"\bwish i (?:could )?(?:die|disappear|wasn't alive)\b",
        r"\b(?:take|taking|swallow|swallowing) all (?:of )?(?:my|the) (?:pills|tablets|meds|medication|painkillers)\b",
        r"\b(?:want to|going to|gonna|thinking (?:of|about)|plan to|planning to|ready to) end(?:ing)? it\b",
        r"\bkms\b", r"\bunalive\w*")),
    ("emergency", "chest pain", Alternatives.of(
        r"\bchest (?:pains?|hurts?|pressure|tightness|is tight)\b",
        r"\b(?:pains?|pressure|tightness|weight|squeezing) (?:in|on|across) (?:my|his|her|their|the) chest\b",
        r"\bchest (?:feels?|is|feeling) (?:very |really |so )?(?:tight|heavy|crushed|crushing|squeezed)\b",
        r"\bcrushing (?:pain|chest)\b",
        r"\bheart attack\b")),
    ("emergency", "stroke signs", Alternatives.of(
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
    ("emergency", "trouble breathing, swallowing or speaking", Alternatives.of(
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
    ("emergency", "severe allergic reaction", Alternatives.of(
        r"\banaphyla\w*", r"\b(?:tongue|lips?|face|throat) (?:is |are )?(?:swelling|swollen)\b",
        r"\bsevere allergic\b",
        r"\b(?:having|going into|i'm having|is having) (?:an? )?(?:severe |bad |serious )?allergic reaction\b", r"\ballergic reaction\b.*\b(?:breath|swell|hives)")),
    ("emergency", "overdose or poisoning", Alternatives.of(
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
        Excluding(patterns.compile(
            r"\b(?:took|taken|swallowed|ate) (?:about |like |over |maybe )?(?:[1-9]\d+|a (?:whole |full )?(?:bottle|pack|packet|box|handful|strip)|"
            r"the (?:whole|entire|rest of the)|(?:[2-9]|two|three|four|five) (?:whole |full )?(?:bottles|packs|packets|boxes|strips)|handfuls?|dozens|loads|lots|a lot|twenty|thirty|forty|fifty)"
            r"\b(?P<gap>[^.?!]{0,40}?)\b(?:pills?|tablets?|capsules?|meds|medications?|medicines?|painkillers?|sleeping pills|opioids?|"
            r"paracetamol|acetaminophen|tylenol|ibuprofen|aspirin|oxycodone|morphine|insulin)\b"),
            patterns.compile(r"\b(?:mg|mcg|ml|milligrams?|micrograms?|units?)\b")))),
    ("emergency", "heavy bleeding", Alternatives.of(
        r"\b(?:bleeding|blood) (?:heavily|a lot|won't stop|will not stop|that won't stop|everywhere)\b",
        r"\b(?:heavy|severe|uncontrolled) bleeding\b", r"\bwon't stop bleeding\b",
        r"\bblood (?:is )?(?:pouring|gushing|spurting|pumping)\b", r"\b(?:pouring|gushing|spurting) (?:out )?blood\b",
        r"\bbleeding (?:that )?(?:won't|will not|doesn't|does not|can't|isn't) stop",
        r"\bbleed(?:ing|s)?\b(?: and| but)? (?:it |it's |that |still )?(?:won't|will not|doesn't|does not|can't|isn't|is not|not) stop(?:ping)?\b")),
    ("emergency", "unresponsive or confused person", Alternatives.of(
        r"\bunresponsive\b", r"\bunconscious\b", r"\bwon't wake up\b", r"\bnot waking up\b",
        r"\b(?:fainted|passed out|collapsed|blacked out)\b", r"\bseizure\b", r"\bnow (?:i'm|i am|he's|she's) confused\b",
        r"\b(?:not|isn't|is not|aren't|won't|stopped) respond\w*", r"\bconvuls\w*",
        r"\b(?:having|started|starting|gone into|went into|is in) (?:a )?fits?\b",
        r"\b(?:is|he's|she's|they're|keeps) fitting\b")),
    ("emergency", "asking for emergency help", Alternatives.of(
        r"\b(?:call(?:ing)?|need|get|send|phone|ring) (?:for )?(?:an? )?(?:ambulance|911|999|112|000|paramedics?)\b",
        r"\bgo(?:ing)? to (?:a&e|the er|the emergency room|emergency)\b")),
    ("emergency", "sudden worst-ever headache", Alternatives.of(
        r"\bworst headache\b", r"\bthunderclap\b", r"\bsudden(?:ly)? (?:severe|terrible|excruciating) headache\b",
        r"\bheadache (?:came on )?(?:suddenly|out of nowhere)\b.*\b(?:worst|severe)\b",
        r"\bsudden(?:ly)? (?:\w+ )?(?:splitting|blinding|explosive|agonising|agonizing|crushing) headache\b",
        r"\bheadache (?:that )?came on (?:in seconds|in a second|instantly|like a thunderclap|all of a sudden)\b",
        # headache with meningitis signs
        r"\bheadaches?\b[^.?!]{0,40}\bstiff neck\b[^.?!]{0,40}\b(?:light|fever|rash|vomit\w*|confus\w*)",
        r"\bstiff neck\b[^.?!]{0,40}\bheadaches?\b[^.?!]{0,40}\b(?:light|fever|rash|vomit\w*|confus\w*)")),
]

# Most questions match no rule: one search over all the rules' patterns at once (their conditions
# left out, so it may also match where no rule holds) says so at a third of the cost of a search per
# rule. Only when it matches are the rules tried one by one, in order.
ANY_URGENT = _rx(*(part.pattern for _, _, rule in URGENT_RULES for part in rule.parts))


def _spellings(template: str) -> list[str]:
    """Every text a template spells: ``{a|b}`` is one of a or b, ``[a]`` is a or nothing; they nest.

    ``"thank{s|} [so much]"`` -> ``["thanks ", "thanks so much", "thank ", "thank so much"]``.
    """

    def choice(i: int, close: str | None) -> tuple[list[str], int]:
        options, current = [], [""]
        while i < len(template):
            c = template[i]
            if c in "{[":
                inner, i = choice(i + 1, "}" if c == "{" else "]")
                current = [a + b for a in current for b in ([""] + inner if c == "[" else inner)]
            elif c == "|":
                options, current, i = options + current, [""], i + 1
            elif c == close:
                return options + current, i + 1
            else:
                current, i = [a + c for a in current], i + 1
        return options + current, i

    return choice(0, None)[0]


# Whole messages that are only small talk, after folding, punctuation dropped and text-speak read as
# words (so "thank u" and "see ya" are "thank you" and "see you"). Several in a row ("ok thanks,
# bye") are still small talk. Those in ADDRESSED may be followed by a name or a "please": "cheers
# mate", "thanks bot", "help please".
ADDRESSEES = frozenset({"bot", "mate", "buddy", "pal", "love", "dear", "folks", "there", "please", "pls"})
ADDRESSED = (
    "{hi|hello|hey|hiya|howdy|greetings|good {morning|afternoon|evening|day}|morning|afternoon|evening|yo}",
    "{thank|thanks|thank you|thankyou|thx|ty|ta|cheers|many thanks}[ {{so|very|ever so} much|a lot|a million|again}]"
    "[ for {the|your|all your|all the} {help|info|information|answer|answers}]",
    "{bye|goodbye|good bye|bye bye|see you|farewell|take care|good night}[ {then|now|for now|later}]",
    "{how|can} [can ]you help[ me]",
    "help",
)
UNADDRESSED = (
    "{that|this|it|you}{|'s|s|'ve been| was| is| has been| have been| were| are| 're} [{very|really|so|super} ]"
    "{helpful|great|useful|perfect|clear|amazing|brilliant|lovely|fab|fantastic|informative|kind}",
    "{that|this|it|you} {help|helped|helps|answer my question|answers my question|makes sense}[ {a lot|me|a bit|so much}]",
    "have a {nice|good|great|lovely} {day|evening|night|weekend|one}",
    "{who|what} {made|built|created|programmed|wrote} you", "what{'s| is} your name", "nice to meet you",
    "{who|what} are you", "who am i {talking|speaking|chatting} {to|with}", "is {this|that} a {bot|robot|real person|human}",
    "what can you do", "what do you do",
    "what {can|do} you {help|answer}[ me][ with]", "what {can|should} i ask[ you][ about]",
    "what {sort|kind|type}[s] of {things|questions|stuff} {can|should|do} i ask[ you][ about]",
    "can i ask [you ]{a|some} question[s]", "i have a question",
    "what {can|do} you know[ about]", "are you [{a|an} ][real ]{bot|robot|human|real|person|computer|machine|ai|chatbot}",
    "how are you[ doing][ today]", "how's it going", "what's up", "sup", "wassup", "ok", "okay", "great", "cool",
    "got it", "i see", "understood", "perfect", "awesome", "good", "lovely", "brilliant", "no thank[s]",
    "{no|nope} {that's|thats} {all|it}",
)
# Each phrase as its words -> whether a name or "please" may follow it.
PHRASES = {tuple(text.split()): False for template in UNADDRESSED for text in _spellings(template)}
PHRASES |= {tuple(text.split()): True for template in ADDRESSED for text in _spellings(template)}


def _lengths_by_first_word(phrases) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for words in phrases:
        lengths.setdefault(words[0], set()).add(len(words))
    return {word: tuple(sorted(n)) for word, n in lengths.items()}


# The lengths of the phrases that start with each word: the only ones worth trying there.
PHRASE_LENGTHS = _lengths_by_first_word(PHRASES)


def _sup(word: str) -> bool:
    """'sup', 'ssup', 'whatsup', 'watsssup': "what's up" written as one word."""
    return word.endswith("sup") and word[:-2].rstrip("s") in ("", "what", "wat")


def is_smalltalk(bare: str) -> bool:
    """Whether the words of ``bare`` (single spaces, no punctuation) are a run of small-talk phrases.

    Dynamic programming over word positions: ``reach[i]`` says the first ``i`` words are a run of
    phrases. Each reachable position tries the few phrase lengths that start with its word, so the
    work is linear in the number of words.
    """
    words = ["sup" if _sup(w) else w for w in bare.split()]
    if not words:
        return False
    n = len(words)
    reach = [True] + [False] * n
    furthest = 0  # the furthest position reached so far
    for i in range(n):
        if i > furthest:
            return False  # no run of phrases gets past this word
        if not reach[i]:
            continue
        for length in PHRASE_LENGTHS.get(words[i], ()):
            j = i + length
            addressed = PHRASES.get(tuple(words[i:j])) if j <= n else None
            if addressed is None:
                continue
            end = j + 1 if addressed and j < n and words[j] in ADDRESSEES else j
            reach[j] = reach[end] = True
            furthest = max(furthest, end)
    return reach[n]


# Contractions typed without the apostrophe ("cant", "wont", "im") are read as with it.
CONTRACTIONS = patterns.compile(r"\b(?:(can|won|don|isn|aren|wasn|weren|doesn|didn|couldn|wouldn|haven|hasn)t|(i)m|(i)ve|(he|she|that|it|what|there|how)s)\b")


def _apostrophe(m) -> str:
    if m.group(1):
        return m.group(1) + "'t"
    if m.group(2):
        return "i'm"
    if m.group(3):
        return "i've"
    return m.group(4) + "'s"


# Text-speak is read as the words it stands for before matching small talk: "r u a bot", "what can u do".
TEXT_SPEAK_WORDS = {"u": "you", "r": "are", "ur": "your", "ya": "you", "wat": "what", "wot": "what"}


def _bare(text: str) -> str:
    """The words of ``text`` for small talk: punctuation dropped ("ok, thanks. goodbye!" -> "ok
    thanks goodbye"), single spaces, text-speak read as words, also between apostrophes ("u're").

    String methods rather than patterns: a question full of punctuation or of "u u u" costs a pass
    over its characters, not an RE2 call per match.
    """
    kept = "".join(c if c.isalnum() or c in "_' " else " " for c in text)
    return " ".join("'".join(TEXT_SPEAK_WORDS.get(part, part) for part in word.split("'")) for word in kept.split())


def triage(question: str, folded: str | None = None, deadline: Deadline = NO_DEADLINE) -> Verdict:
    """Classify a question before retrieval. Urgent verdicts win over everything else.

    ``folded`` is ``fold(question)`` if the caller has it already (the bot folds a question once
    for triage and reading). ``deadline`` is checked between the steps.
    """
    if folded is None:
        folded = fold(question)
    text = " " + " ".join(folded.replace("’", "'").split()) + " "
    text = CONTRACTIONS.sub(_apostrophe, text)
    cleared = NOT_URGENT.sub(" ", text)
    deadline.check()
    if ANY_URGENT.search(cleared):
        for kind, reason, rule in URGENT_RULES:
            deadline.check()
            if rule.search(cleared):
                return Verdict(kind, reason)
    deadline.check()
    if is_smalltalk(_bare(text)):
        return Verdict("smalltalk", "small talk")
    return Verdict("question")
