"""Signs that several kinds of emergency share, in lay words (a confused person, a fever, vomiting,
a fast heartbeat, someone who has collapsed). Each kind in rules.py combines them with its own.

The words come from the public-health lists in docs/red-flags.md; the section of that file each
sign belongs to is named next to it. Patterns read the respelled message (see text.py): "can't",
"won't", "don't", "isn't", "he's", "i'm" always carry their apostrophe.
"""

from __future__ import annotations

from .lexicon import term


# --- the person -----------------------------------------------------------------------------------
# A child (for swallowed medicines, burns, a seriously ill child), and a baby (dehydration signs).
CHILD = term("child",
             r"\b(?:baby|babies|toddler|child|children|kid|kids|son|daughter|grandson|granddaughter|grandchild|"
             r"grandkids?|little one|infant|newborn|boy|girl|niece|nephew|teenager|teen)\b",
             r"\b\d+ (?:year|month|week)s? old\b", setting=True)
BABY = term("baby", r"\b(?:baby|babies|infant|newborn|toddler|little one)\b", r"\b\d+ (?:month|week)s? old\b", setting=True)

# --- general signs (cross-cutting 999 lists; sepsis, meningitis, head injury, diabetes) ------------
FEVER = term("fever",
             r"\b(?:fever|feverish|febrile|high temperature|(?:a|got a|has a|have a|had a|running a) temperature|"
             r"temperature (?:of|is|was|went up to|up to|over) (?:really |very |so )?(?:\d|high)|temperatures? (?:of |is |at |"
             r"reading )?(?:3[89]|4[0-2]|10[0-6])|burning up|(?:very|really|so) hot|hot to (?:the )?touch|(?:3[89]|"
             r"4[0-2])(?:\.\d)? ?(?:degrees|c)\b|(?:10[1-6])(?:\.\d)? ?(?:degrees|f)\b)")
CONFUSED = term("confused", r"\b(?:confused|confuse|confusion|disorientated|disoriented|muddled|delirious|incoherent|mumbling|"
                r"hallucinat\w*|seeing things|"
                r"talking (?:nonsense|gibberish|rubbish|funny)|(?:can't|couldn't) think (?:straight|clearly)|"
                r"acting (?:very |really |so )?(?:strange|strangely|weird|weirdly|odd|oddly|drunk|confused)|seems drunk|"
                r"(?:keeps )?asking the same (?:questions?|things?) (?:over|again)|(?:can't|"
                r"couldn't) remember (?:anything|things|what|where|who|his|her|my)|memory (?:loss|problems)|(?:doesn't|"
                r"didn't|don't) know where (?:he|she|they|i) (?:is|are|am))\b")
NONSENSE = term("not making sense", r"\b(?:not|isn't|aren't|hardly|barely) making (?:any |much )?sense\b",
                r"\b(?:doesn't|does not|don't) make (?:any )?sense\b",
                r"\bnot (?:acting )?(?:himself|herself|themselves|myself)\b",
                r"\bnot (?:recogni[sz]ing|know(?:ing)? who)\b",
                r"\b(?:doesn't|does not|didn't|don't|can't) (?:know|recogni[sz]e|tell) (?:who (?:i|we|he|she|they) (?:am|are|is)|"
                r"me|us|her own \w+|his own \w+|where (?:he|she) is)\b", absence=True)
DROWSY = term("drowsy", r"\b(?:drowsy|sleepy|lethargic|listless|dopey|groggy|out of it)\b",
              r"\bkeeps? (?:falling|dropping|nodding) (?:asleep|off)\b",
              r"\b(?:struggling|hard|difficult) to (?:stay|keep) awake\b",
              r"\bbarely (?:awake|waking|opening (?:his|her|their) eyes)\b")
HARD_TO_WAKE = term("hard to wake",
                    r"\b(?:very |really |so )?(?:hard|difficult|impossible) to (?:wake|rouse|wake up)\b",
                    r"\b(?:barely|hardly|not fully) (?:conscious|responsive|rousable)\b", r"\bbarely waking\b",
                    r"\b(?:can|could) (?:barely|hardly|only just) (?:wake|rouse|get (?:him|her|them) to wake)\b")
VOMITING = term("vomiting", r"\b(?:vomit\w*|throwing up|threw up|thrown up|puking|puked|retching)\b",
                r"\b(?:being|been|was|is|keeps being) sick (?:twice|again|everywhere|all (?:day|night)|\d+ times|a lot|"
                r"lots)?\b",
                r"\bcan't keep (?:anything|food|water|fluids) down\b")
VOMITING_ALL = term("vomiting everything",
                    r"\bvomiting (?:everything|nonstop|non-stop|all day|constantly|repeatedly|all night)\b",
                    r"\b(?:can't|cannot|won't) keep (?:anything|any milk|feeds?|food|water|fluids) down\b",
                    r"\b(?:can't|cannot|won't) stop (?:vomiting|being sick|throwing up)\b")
NAUSEA = term("nausea", r"\b(?:nausea|nauseous|nauseated|queasy)\b", r"\bfeel(?:s|ing)? (?:very |really |so )?sick\b")
SWEATY = term("sweating", r"\b(?:sweating|sweaty|clammy|cold sweats?|drenched in sweat|pouring with sweat)\b")
PALE = term("pale or grey", r"\b(?:grey|gray|ashen|pale|white as a sheet|pallid|greyish)\b")
BLUE = term("blue lips or skin",
            r"\b(?:lips|face|skin|fingers|tongue|mouth|he|she|baby|it) (?:is |are |look |looks |going |turning |gone |"
            r"went |have gone |has gone |turned |looking )?(?:[\w']+ )?(?:blue|bluish|blueish|purple|dusky|grey blue|"
            r"blue grey)\b",
            r"\b(?:turning|turned|going|gone|went) (?:blue|grey|purple)\b", r"\bblue (?:lips|around the lips|tinge)\b")
FAST_HEART = term("fast heartbeat",
                  r"\b(?:heart|pulse|heartbeat|heart rate) (?:is |was |keeps |feels )?(?:[\w']+ )?(?:racing|pounding|"
                  r"thumping|hammering|going (?:really |very |so )?fast|very fast|really fast|so fast|beating (?:really |"
                  r"very |so )?fast)\b",
                  r"\b(?:racing|pounding|fast|rapid|very fast) (?:heart|heartbeat|pulse|heart rate)\b",
                  r"\b\d{3} ?bpm\b")
FAINT = term("feeling faint",
             r"\bfeel(?:s|ing)? (?:like (?:i'm|i am|he's|she's|i) )?(?:going to |about to )?(?:faint|pass out|black out|"
             r"collapse)\b",
             r"\b(?:feel(?:s|ing)?|very|really|so|went|going|gone) (?:faint|light ?headed|dizzy|woozy)\b",
             r"\b(?:nearly|almost) (?:fainted|passed out|blacked out|collapsed)\b",
             r"\b(?:i'm|he's|she's|i am|is|am|are) (?:about|going) to (?:pass out|faint|collapse|black out)\b",
             r"\bdizzy\b",
             r"\blight ?headed\b")
FLOPPY = term("floppy", r"\b(?:floppy|limp|lifeless|like a rag ?doll)\b")
COLLAPSED = term("collapsed",
                 r"\b(?:she|he|they|mum|dad|mother|father|wife|husband|son|daughter|baby|friend) (?:just |suddenly )?(?:faint|collapse|"
                 r"pass out|fall unconscious)\b",
                 r"\b(?:collapsed|collapses|collapsing|passed out|passes out|passing out|blacked out|fainted|keeled over|"
                 r"slumped|fell unconscious|knocked out|dropped to the (?:floor|ground))\b",
                 r"\bfound (?:him|her|them|my \w+|\w+) (?:[\w']+ ){0,2}(?:on the (?:floor|ground)|unconscious|collapsed|slumped)\b")
UNRESPONSIVE = term("unresponsive",
                    r"\b(?:unconscious|unresponsive|unrousable|comatose)\b",
                    r"\b(?:won't|will not|can't|couldn't|cannot|not|doesn't|didn't|does not) (?:wake|rouse|be woken|be roused)(?: (?:him|her|them|up|"
                    r"\w+ up))?\b",
                    r"\b(?:can't|couldn't|cannot) (?:get (?:him|her|them) to )?(?:wake|rouse) (?:[\w']+ ){0,2}(?:up)?",
                    r"\b(?:not|isn't|aren't|won't|wont|stopped|no longer|doesn't|not really) (?:respond\w*|answering|"
                    r"reacting|react\w*|waking|waking up|coming round|coming to|opening (?:his|her|their) eyes)\b",
                    r"\bwon't (?:respond|answer|react)\b",
                    r"\b(?:not|isn't|won't|doesn't|don't|didn't) (?:answer|answering|respond|reply|replying) (?:me|us|to me|to us|when)\b", r"\b(?:can't|cannot|couldn't) get (?:any |a )?(?:response|answer|reaction)\b",
                    r"\bno (?:response|reaction)\b",
                    r"\b(?:he|she|they|he's|she's|they're|him|her|baby|and|but) (?:is |are |'s )?(?:not|isn't|aren't|"
                    r"stopped|no longer) moving\b",
                    r"\b(?:won't|isn't|not|hasn't|didn't) (?:come|coming|came) (?:round|around|to)\b",
                    absence=True,
                    unless=r" (?:at night|in the night|during the night|for (?:milk|feeds?|feeding|school|work)|until|till|early|"
                    r"on time|before|in the mornings?|to (?:treatment|antibiotics|medication|the medicine|the tablets|physio|botox))\b")
SUDDEN_CONFUSION = term("sudden confusion",
                        r"\bsudden(?:ly)? (?:[\w']+ )?(?:confused|disorientated|disoriented|not making sense)\b",
                        r"\b(?:confused|disorientated) (?:all of a sudden|suddenly|out of nowhere)\b")
HEADACHE = term("headache", r"\bheadaches?\b", r"\bhead (?:pain|hurts|is pounding|is killing)\b", r"\bmigraines?\b")
BREATHLESS = term("breathless", r"\b(?:short(?:ness)? of breath|breathless|out of breath|winded)\b",
                  r"\b(?:can't|couldn't|unable to) catch (?:my|his|her|their) breath\b")
SEVERE_PAIN = term("worst pain ever",
                   r"\bworst pain (?:of (?:my|his|her|their) li(?:fe|ves)|ever|i've ever|i have ever|"
                   r"(?:he|she)(?:'s| has) ever)\b", r"\b(?:screaming|writhing) in (?:pain|agony)\b")
SEVERE_BELLY_PAIN = term(
    "very bad tummy pain or appendicitis",
    r"\b(?:severe|really bad|terrible|excruciating|agonising|agonizing|unbearable|awful|horrendous|extreme) (?:[\w']+ ){0,2}(?:tummy|"
    r"belly|stomach|abdominal|abdomen|lower right|right side) (?:pain|ache|cramps?)\b",
    r"\b(?:tummy|belly|stomach|abdominal) pain (?:is )?(?:really bad|unbearable|excruciating|agonising|severe|terrible)\b",
    r"\b(?:think|might|could|may|probably|maybe) (?:[\w']+ ){0,3}appendicitis\b",
    r"\bappendix (?:has )?(?:burst|ruptured)\b")
SUDDEN = term("sudden",
              r"\b(?:sudden|suddenly|all of a sudden|out of nowhere|out of the blue|within (?:seconds|minutes)|"
              r"in seconds)\b")
HOSPITAL = r"(?:a&e|a and e|the er|er|the emergency (?:room|department)|emergency|casualty|the hospital|hospital)"
CALL_FOR_HELP = term(
    "asking for emergency help",
    r"\b(?:call|calling|ring|ringing|phone|phoning|get|need|send|dial|dialling|dialing)\b (?:for )?(?:an? |"
    r"the )?(?:ambulance|paramedics?|911|999|112|000)\b",
    rf"\b(?:do|should|must|shall) (?:i|we) (?:still )?(?:need to |have to )?(?:go|take (?:him|her|them|"
    rf"my \w+)) (?:straight )?to {HOSPITAL}\b",
    rf"\b(?:need|needs|have|has) to go to {HOSPITAL} (?:now|right now|straight away|immediately)\b",
    rf"\b(?:taking|rushing|driving) (?:him|her|them|my \w+) to {HOSPITAL}\b",
    rf"\bon (?:my|our|the) way to {HOSPITAL}\b")
