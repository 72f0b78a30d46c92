"""Who and when: whether a sign found in a message is happening now, to someone, or only talked about.

A sign counts unless its context says otherwise, and each context cue reaches only so far:

- a denial ("no chest pain", "isn't drooping", "without overdosing") or a qualifier that makes it
  mild ("a bit of spotting", "slight wheeze") reaches a few words forward, within its clause;
- a past event ("two years ago", "when she was 3", "after his stroke", "the doctor said it was
  anxiety"), a habit ("for years", "on and off", "I get a tight chest when...", "when he has a
  seizure") covers its clause, an animal ("my dog is having a seizure") the rest of its clause; a
  recovery ("stopped on its own", "he's fine now", "coughed it straight up") covers what came before
  it in its sentence;
- a question about signs, causes, doses or side effects ("what are the signs of", "can botox cause",
  "how much paracetamol can I take", "can botox help", a fear of having it) covers the rest of its
  sentence; "is slurred speech a side effect of", and a closing "how common is that" or "will it
  settle", cover what they ask about;
- a hypothetical ("if my child ever", "in case of", "suppose") covers the rest of its clause;
- fiction or coursework (a novel, a school project, an exam, a role play) covers the message.

Two kinds of sign resist some of these: thoughts of suicide count however often they come back,
and an overdose counts even if the person says they feel fine (docs/red-flags.md 14, 19). A setting
("hit his head", "32 weeks pregnant") is only undone by a denial, a hypothetical or fiction.

What happens "right now" outweighs a question frame and fiction: "can botox cause trouble breathing
i can't breathe right now", "signs of a stroke right now, my arm went numb". "what do I do" in the
same sentence outweighs a question frame too. Nothing outweighs a denial or a past event.

Idioms and jargon that would read as signs ("choking on my words", "stroke volume", "nearly had a
heart attack when I saw the bill") are blanked out before any sign is looked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import patterns
from .lexicon import Finder, Term, term
from .text import Layout

# Blanked out first: idioms and jargon that contain a sign's words.
CLEAR = patterns.compile(patterns.any_of(
    r"\b(?:die|died|dying|death) (?:of|from) (?:boredom|embarrassment|shame|laughter|laughing|cringe|cuteness|the heat|"
    r"hunger|thirst|curiosity|old age)\b",
    r"\b(?:dying|die) (?:to|for) (?:a|an|try|get|know|see|have|go|hear|meet)\b", r"\bto die for\b",
    r"\b(?:nearly|almost) (?:had|have|having|passed out|fainted|died|collapsed|choked)(?: (?:a|an) (?:heart attack|stroke|"
    r"seizure|fit|coronary|cardiac arrest|heart failure))? (?:when|at|after|seeing|reading|looking)\b",
    r"\b(?:gave|give|giving|gives|give) (?:me|him|her|us|them) (?:a |an )?(?:heart attack|stroke|seizure|fit|coronary)\b",
    r"\b(?:wanted|want|could have|could've) (?:to )?die(?:d)? (?:when|after) (?:i|we) (?:saw|see|heard|read|got|opened)\b",
    r"\bheart (?:stopped|sank|skipped|missed)(?: a beat)?(?: when| at| for a second)?\b",
    r"\bchok\w* (?:on|over) (?:my|his|her|their|our) words\b", r"\bchoked up\b", r"\bchoking hazards?\b",
    r"\b(?:nearly |almost )?(?:choked|choking|died|dying) (?:laughing|with laughter|from laughing)\b",
    r"\bbleeding (?:money|me dry|us dry|them dry)\b",
    r"\b(?:feel|felt|feels|feeling) like (?:i've|i have|i had|i was|i'd|i'm) (?:been )?(?:stabbed|shot|hit by a (?:bus|truck|train|lorry))\b", r"\bliterally died\b",
    r"\bgasping for (?:a |an )?(?:cup|drink|brew|cuppa|tea|coffee|pint|fag|cigarette|smoke)\b",
    r"\b(?:heat|sun|breast|back|brush|pen|key|golf|swimming) ?strokes?\b", r"\bstroke (?:volume|of (?:luck|genius|"
        r"midnight))\b",
    r"\bstrok(?:e|ed|ing) (?:the|my|his|her|our|their) (?:cat|dog|hair|beard|pet|horse)\b",
    r"\bseizure (?:threshold|medication|medicine|meds|tablets|pills|drugs|disorders?|history|diary|plan|action plan|alarm|"
    r"monitor|free)\b", r"\banaphylactoid\b",
    r"\bsuicid\w* (?:risk|prevention|awareness|rates?|statistics|stats|helplines?|hotlines?|lifeline|line|watch)s?\b",
    r"\b(?:risk|prevention|awareness) of suicide\b",
))

# Words that end a denial's reach: "no pain and he is not breathing".
_STOPPERS = frozenset(b"and but so then now just only except though although however because cos since still yet while".split())


def _cue(name: str, kind: str, *parts: str, unless: str | None = None) -> Term:
    return term(name, *parts, kind=kind, unless=unless)


CUES = (
    _cue("denial", "negation",
         r"\b(?:no|not|never|without|none|nothing|nor|neither|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|haven't|"
         r"hasn't|hadn't|ain't|denies|denied)\b",
         unless=r" (?:one|idea|matter|way|longer|sooner|doubt|clue|sure|later|wonder|kidding|sorry|wait|actually)\b"),
    _cue("mild", "mild",
         r"\b(?:mild|mildly|slight|slightly|a bit|a little|little bit|tiny|minor|small|a touch of|bit of|trace of|"
         r"streaks? of|specks? of|spots? of|flecks? of)\b"),
    _cue("past event", "past",
         r"\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|a few|couple of|a couple of|several|many|"
         r"some) (?:years?|months?|decades?) (?:ago|back|before|earlier|previously)\b",
         r"\byears? (?:ago|back)\b",
         r"\blast (?:year|month|spring|summer|autumn|fall|winter|christmas|time|pregnancy)\b",
         r"\b((?:since|until|from|after) (?:[\w']+ ){0,3})?(?:yesterday|last (?:week|night))\b",
         r"\bin (?:19|20)\d\d\b",
         r"\bback in\b", r"\bused to\b", r"\bhistory of\b", r"\bin the past\b", r"\bpreviously\b",
         r"\bwhen (?:i|he|she|they|we|you) (?:was|were) (?:\d+|young|little|small|(?:a |an )?(?:kid|child|baby|teenager|teen|"
         r"student|boy|girl)|pregnant|younger)\b",
         r"\bas a (?:baby|child|kid|teenager|teen|toddler|student|youngster)\b", r"\bbefore \d+ (?:years?|months?)\b",
         r"\b(?:died|die|dies|passed away) (?:of|from|with)\b", r"\bfamily history\b", r"\bonce had\b",
         r"\b(?:died by|committed|completed) suicide\b", r"\b(?:killed|hanged|hung) (?:himself|herself|themselves)\b",
         r"\b(?:doctor|doctors|gp|they|hospital|a&e|cardiologist|consultant|nurse|specialist)\b (?:[\w']+ ){0,2}(?:said|says|told me|"
         r"thinks|diagnosed|confirmed|checked)\b",
         r"\bonce (?:when|before|as a|at school|at work|in my life)\b", r"\bone time\b",
         r"\b(?:after|since|following) (?:my|his|her|their|a|an|the) (?:(?:mild|minor|big|massive|bad|last|first|"
         r"previous) )?(?:stroke|strokes|heart attack|seizure|overdose|tia|mini[- ]?stroke|sepsis|meningitis|concussion|"
         r"head injury|anaphylaxis|surgery for)\b",
         r"\bhad (?:a|an) (?:[\w']+ ){0,2}(?:stroke|heart attack|seizure|tia|overdose) (?:before|once|previously)\b"),
    _cue("habit", "habit",
         r"\bi (?:always |often |usually |sometimes |tend to )?get (?:a |an |these |this |the )?",
         r"\b(?:always |often |usually |sometimes )?gets (?:a |an |these |this |the )?(?:[\w']+ )?(?:pains?|aches?|"
         r"headaches?|migraines?|tight|tightness|breathless|dizzy|numb|tingl\w*|palpitations|cramps?)\b",
         r"\b(?:for|over) (?:the (?:last|past) )?(?:about |around |over |nearly |almost )?(?:years|months|a long while|"
         r"a year|a few (?:years|months)|\d+ (?:years|months))\b",
         r"\bon[- ]and[- ]off\b",
         r"\b(?:when(?:ever)?|every time|each time) (?:he|she|they|i|we|you|my [\w']+|the baby|it) (?:has|have|gets|get|is|are|am|feels|feel|goes|go|starts|start|"
         r"does|do|gets) (?:a |an |very |really |so |too )?(?:[\w']+ )?",
         r"\b(?:sometimes|at times|now and (?:then|again)|occasionally|from time to time|every so often)\b",
         r"\bevery (?:month|winter|summer|year|morning|evening|night)\b",
         r"\bmost (?:days|evenings|nights|mornings|weeks)\b", r"\b(?:as|like) usual\b", r"\busual (?:for me|one)\b",
         r"\bmy usual\b", r"\blong[- ]?standing\b", r"\bchronic\b", r"\bwhenever\b",
         r"\bsince (?:i was|my teens|childhood|birth|a (?:child|kid|teenager))\b",
         r"\bfor (?:as long as|most of my life)\b"),
    _cue("recovered", "resolved",
         r"\b(?:fully |completely )?recovered\b", r"\bgot better\b", r"\bwent away\b", r"\bgone away\b",
         r"\bstopped (?:on its own|by itself|after|within|when|once|with)\b", r"\bstopped now\b", r"\bsettled (?:down|now)?\b",
         r"\bcleared up\b", r"\bresolved\b", r"\bback to normal\b",
         r"\b(?:i'm|i am|he's|he is|she's|she is|they're|they are|i feel|feel|feels|seems|seemed) (?:totally |completely |"
         r"absolutely |perfectly |now )?(?:fine|ok|okay|well|alright|all right)\b",
         r"\bdoing (?:well|fine|much better|great|ok|okay)\b",
         r"\b(?:coughed|spat|brought|got|threw) it (?:straight |right |back )?(?:up|out)\b", r"\bit came (?:straight |back )?(?:up|out)\b",
         r"\b(?:doctor|doctors|gp|hospital|a&e|paramedics?|nurse|they) (?:said|says|told (?:us|me)|"
         r"checked) (?:[\w']+ ){0,3}(?:fine|ok|okay|nothing serious|nothing to worry about|normal)\b",
         r"\b(?:is|are) (?:fine|well|ok) now\b", r"\bfine now\b"),
    _cue("taken out of the mouth", "removed",
         r"\b(?:took|taken|pulled|got|fished|hooked|scooped|spat|spit|removed|grabbed) (?:it|them|the \w+|that|one) (?:straight |"
         r"right |back |quickly )?(?:out|off (?:him|her|them))\b",
         r"\b(?:took|taken|pulled|got|fished|hooked|scooped|removed|grabbed) (?:it|them|the \w+) (?:straight |right )?(?:out of|from) "
         r"(?:his|her|their) (?:mouth|hand)\b"),
    _cue("question about signs", "info",
         r"\bwhat (?:is|are|'s|was|were) (?:the |a |an |some |his |her |my )?(?:(?:main|common|usual|typical|early|first|"
         r"warning|key|possible|long[- ]term|real|other) )*(?:signs?|symptoms?|red flags?|risks?|side[- ]effects?|causes?|"
         r"chances?|odds|treatments?|difference|differences|dangers?|effects?|complications?|rules?|limit|maximum|max|"
         r"toxic|lethal|safe|best way|plan|point of (?:botox|the|it|this|having|getting))\b",
         r"\bwhat exactly is\b", r"\bwhat (?:causes|caused|could cause|can cause|might cause|would cause)\b", r"\b(?:which|what) (?:signs?|symptoms?)\b",
         r"\bwhat (?:counts|is classed|is considered|is classified|would count) as\b",
         r"\b(?:protocols?|policy|policies|procedures?|guidelines?) (?:for|on|about|in case of)\b", r"\bdoes (?:that|this|it) mean\b",
         r"\bwhat (?:does|do|did) [^.?!]{0,80}\b(?:mean|look like|feel like|stand for|involve)\b",
         r"\bwhat (?:happens|would happen|will happen|could happen|happened) (?:if|when|to|in|during|after)\b",
         r"\bwhat to do (?:if|when|in case|about|for|with)\b",
         r"\bhow to (?:help|treat|deal|cope|manage|handle|recogni[sz]e|spot|know|tell|stop|prevent|give|use|do)\b",
         r"\bwhat (?:should|do|can|would|could) (?:i|we|you|one|someone|people|parents) (?:do|look (?:out )?for|"
         r"watch (?:out )?for|tell|expect|keep|know) (?:if|when|in case|about|for|to)\b",
         r"\bhow (?:do|can|would|could|should|will|does|to) (?:i |you |we |one |someone |people |parents |they |he |"
         r"she )?(?:know|tell|spot|recogni[sz]e|learn|prevent|avoid|help|support|treat|deal|cope|check|test|do|talk|ask|"
         r"identify|distinguish|be sure|differentiate|manage|stop|keep|look after|care)\b",
         r"\bhow (?:much|many|often|long|soon|far|quickly|bad) (?:[\w']+ ){0,6}(?:can|should|could|is|are|do|does|would|"
         r"before|until|after|between|in|per|a day|is too)\b",
         r"\b(?:difference|differences) between\b",
         r"\b(?:signs?|symptoms?) (?:of|for|that|to look)\b", r"\bwarning signs?\b", r"\bred flags?\b",
         r"\b(?:risks?|chances?|likelihood|odds) (?:of|from|that|with)\b", r"\bside[- ]effects?\b",
         r"\b(?:can|could|does|do|did|will|would|might|may) (?:[\w']+ ){0,6}(?:cause|causes|causing|give you|lead to|"
         r"trigger|make|makes|increase|result in|affect|spread|bring on|set off)\b",
         r"\b(?:can|could) (?:you|i|someone|somebody|a person|people|anyone|kids|children|babies|he|she|they|we) (?:ever |"
         r"still |actually |really )?(?:overdose|have|get|die|take|drive|fly|use|give|be)\b",
         r"\bis (?:it|this|that|there) (?:[\w']+ )?(?:safe|ok|okay|possible|normal|common|dangerous|serious|true|likely|"
         r"a good idea|an overdose|too much|too many|a risk) (?:to|for|if|that|when|after|with|during|while|before)\b",
         r"\bwhy (?:do|does|would|did|is|are) (?:they|you|doctors|people|we|it|some|botox)\b",
         r"\bwhen (?:should|can|do|would|will|might) (?:i|you|we|one|he|she|they)\b",
         r"\b(?:learn|learning|recogni[sz]e|spotting|look(?:ing)? out for|watch(?:ing)? (?:out )?for|be aware of|prepared|"
         r"preparing|prepare|teach|teaching|educate|explain|list|tell me about|information (?:on|about)|info (?:on|about)|"
         r"leaflets? (?:on|about|we)|resources (?:on|about|for)|awareness|statistics|stats)\b",
         r"\b(?:prevent|preventing|prevention|avoid|avoiding|safe from|protect\w* (?:[\w']+ )?(?:from|against)|"
         r"reduce the risk|childproof\w*|first aid (?:kit|course|training|class)|cpr (?:course|training|class)|"
         r"emergency plan|action plan|care plan)\b",
         r"\b(?:toxic|lethal|fatal|max|maximum|safe|recommended|normal|usual|daily) (?:dose|doses|dosage|amount|limit|"
         r"level)\b",
         r"\boverdose (?:risk|limit|threshold|level|amount)\b", r"\bi (?:read|heard|saw|was told|was reading)\b",
         r"\b(?:read|heard) (?:about|that|online|somewhere)\b"),
    _cue("what a condition is", "info", r"\bwhat(?:'s| is| are)\b",
         unless=r" (?:happening|wrong|going on|the matter|up|this|that|these|those|it|he|she|they|my|his|her|the point)\b"),
    _cue("asking how common it is", "info_back",
         r"\b(?:how (?:common|likely|rare|usual) is (?:that|this|it)|how often does (?:that|this) happen|is (?:that|this|"
         r"it) (?:true|common|rare|likely)|does (?:that|this) happen (?:often|a lot))\b"),
    _cue("a fear of it", "info",
         r"\b(?:scared|afraid|frightened|terrified|fear|fears|phobia|paranoid|worry|worried|anxious) (?:of|about) (?:having|getting|"
         r"another|ever having|ever getting)\b", r"\b(?:fear|phobia) of\b"),
    _cue("asking whether an effect will pass", "info_back",
         r"\bwill (?:it|this|that|they) (?:settle|wear off|go back|go away|get better|improve|last|be permanent|come back)\b",
         r"\bis (?:it|this|that) permanent\b", r"\bhow long (?:will|does|do|should) (?:it|this|that|they) (?:last|take)\b"),
    _cue("asking whether a treatment helps", "info",
         r"\b(?:can|could|would|will|does|do|is|might) (?:botox|it|this|that|the injections?|injections|[\w']+ injections?|the treatment|"
         r"treatment) (?:really |actually |also )?(?:help|treat|fix|work for|cure|stop|reduce|improve|be used)\b"),
    _cue("question whether a sign is a side effect", "span_info",
         r"\b(?:is|are|was|were|can|could|would) (?:[\w']+ ){1,6}(?:a |an )?(?:(?:common|normal|known|usual|possible|rare|"
         r"typical) )?(?:side[- ]effects?|signs?|symptoms?|complications?|risks?) of\b"),
    _cue("hypothetical", "hypothetical",
         r"\b((?:not sure|don't know|unsure|wonder|wondering|ask|asking|check|checking|see|tell|know|whether) )?if\b",
         r"\b(?:in case|just in case|in the event|suppose|supposing|imagine|hypothetically|what if|let's say|should (?:he|"
         r"she|i|someone|they|we|my \w+) ever)\b",
         r"\bever (?:has|had|have|gets|got|get|becomes|starts|needs|ate|eats|swallows|swallowed|took|takes|stops|goes)\b"),
    _cue("fiction or coursework", "fiction",
         r"\b(?:novel|short story|screenplay|podcast|film|movie|tv (?:show|series|episode|programme|program|drama)|"
         r"the show|soap opera|book club|memoir|biography|a character|main character|the character|my character|"
         r"role[- ]?play|roleplay|act out|school project|science project|class project|uni project|research project|"
         r"homework|essay|assignment|coursework|dissertation|thesis|presentation|poster|for (?:my|an|the|"
         r"our) (?:[\w']+ )?(?:exam|quiz|test|class|course)|exam question|revision|lesson|health class|biology class|"
         r"science fair|worksheet|case study|first aid course|nursing (?:exam|course|student|school)|medical student|"
         r"year \d+ (?:health|biology|science|pe|class))\b",
         r"\b(?:a|my|the) story (?:where|about|in which)\b", r"\bwriting a (?:story|book|script|scene|play)\b"),
    _cue("an animal", "animal",
         r"\b(?:dog|dogs|cat|cats|puppy|kitten|pet|rabbit|horse|hamster|guinea pig|parrot|budgie|ferret|"
         r"pony)(?:'s)? (?:is|has|had|'s|just|keeps|ate|eaten|swallowed|chewed|got into|drank|was|seems)\b"),
    _cue("happening now", "now",
         r"\b(?:right now|just now|at the moment|as we speak|as i type|happening (?:now|right now)|is happening|"
         r"it's happening|this minute|this second|asap|please help|help me|send help|someone help|getting worse|"
         r"worse and worse)\b",
         r"\b(?:since|for|over) (?:the (?:last|past) )?(?:about |around |nearly |almost |over )?(?:\d+|a few|few|"
         r"a couple of|ten|five|fifteen|twenty|thirty|forty|half an?) ?(?:minutes?|hours?)\b",
         r"\b(?:\d+|a few|ten|five|fifteen|twenty|thirty|half an|an|a couple of) ?(?:minutes?|hours?) ago\b",
         r"\b(?:started|began|came on|happened) (?:about |around )?(?:\d+|a few|an|half an) ?(?:minutes?|hours?)\b",
         r"\bsince (?:this morning|last night|tonight|today|earlier|lunch|breakfast|dinner)\b"),
    _cue("asking what to do", "now_weak",
         r"\bwhat (?:do|should|shall|can|must) (?:i|we) do\b", r"\bwhat i do\b", r"\bwhat to do\b",
         r"\bis (?:this|it|that) (?:normal|serious|bad|ok|okay|an emergency|a stroke|a heart attack)\b",
         unless=r" (?:if|when|in case|about|to|for|after|during|while|before|with)\b"),
)

CUE_FINDER = Finder(CUES)


def clear(data: bytes) -> bytes:
    """``data`` with idioms and jargon that contain a sign's words blanked out."""
    return CLEAR.sub(lambda m: b" ~ ", data)


@dataclass
class Context:
    """The cues of one message, and whether a sign at a given place holds."""

    data: bytes
    layout: Layout
    cues: dict[str, list[tuple[int, int]]]  # cue kind -> (start, end) of each

    @classmethod
    def of(cls, data: bytes) -> "Context":
        cues: dict[str, list[tuple[int, int]]] = {}
        for cue, m in CUE_FINDER.find(data):
            if cue.pattern.groups and m.start(1) != -1:
                continue  # "not sure if" is no hypothetical, "since last night" no past event
            cues.setdefault(cue.kind, []).append((m.start(), m.end()))
        return cls(data, Layout.of(data), cues)

    def _in_clause(self, kind: str, pos: int) -> bool:
        start, end = self.layout.clause(pos)
        return any(start <= a < end for a, _ in self.cues.get(kind, ()))

    def _before_in_clause(self, kind: str, pos: int) -> bool:
        """A cue of ``kind`` earlier in the clause of ``pos`` ("the cat is sleepy" says nothing of the
        headaches before it)."""
        start = self.layout.clause(pos)[0]
        return any(start <= a <= pos for a, _ in self.cues.get(kind, ()))

    def _now(self) -> bool:
        return "now" in self.cues

    def _asked_now(self, pos: int) -> bool:
        start, end = self.layout.sentence(pos)  # "what do I do" in the same sentence
        return any(start <= a < end for a, _ in self.cues.get("now_weak", ()))

    def _framed(self, pos: int) -> bool:
        """Whether a question about signs, causes or doses governs ``pos`` (and nothing outweighs it)."""
        sentence_start, sentence_end = self.layout.sentence(pos)
        framed = any(sentence_start <= a <= pos for a, _ in self.cues.get("info", ()))
        framed = framed or any(pos < a < sentence_end for a, _ in self.cues.get("info_back", ()))
        if not framed:
            for a, b in self.cues.get("span_info", ()):
                clause_end = self.layout.clause(b)[1]
                if sentence_start <= a <= pos < clause_end:
                    framed = True
                    break
        return framed and not self._now() and not self._asked_now(pos)

    def _hypothetical(self, pos: int) -> bool:
        for a, _ in self.cues.get("hypothetical", ()):
            end = self.layout.clause(a)[1]
            if a <= pos < end:
                return not any(a <= c < end for c, _ in self.cues.get("now", ()))
        return False

    def _denied(self, start: int, end: int, absence: bool) -> bool:
        clause_start = self.layout.clause(start)[0]
        for a, b in self.cues.get("negation", ()):
            if not absence and start <= a < end:
                return True  # "face isn't drooping", "didn't swallow any"
            if clause_start <= a and b <= start:
                between = self.data[b:start].split(None, 4)  # splits no further than it needs
                if len(between) <= 4 and not _STOPPERS.intersection(between):
                    return True
        return False

    def _mild(self, start: int) -> bool:
        clause_start = self.layout.clause(start)[0]
        return any(clause_start <= a and b <= start and len(self.data[b:start].split(None, 2)) <= 2
                   for a, b in self.cues.get("mild", ()))

    def _recovered(self, pos: int, kind: str = "resolved") -> bool:
        sentence_end = self.layout.sentence(pos)[1]
        return any(pos < a < sentence_end for a, _ in self.cues.get(kind, ()))

    def holds(self, t: Term, m) -> bool:
        """Whether the match ``m`` of ``t`` says the sign is there now (or, for a setting, that it is
        true of this person, at any time)."""
        start = m.start()
        if "fiction" in self.cues and not self._now():
            return False
        if self._hypothetical(start) or self._denied(start, m.end(), t.absence):
            return False
        if t.setting:
            return True
        if t.removable and self._recovered(start, "removed"):
            return False
        return not ((not t.asked and self._framed(start)) or self._in_clause("past", start)
                    or self._before_in_clause("animal", start)
                    or (not t.ongoing and self._in_clause("habit", start)) or self._mild(start)
                    or (not t.lasting and self._recovered(start)))
