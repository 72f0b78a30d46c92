"""Infections that are emergencies: meningitis and sepsis, whose signs count together (a stiff
neck with a fever, a fever with confusion after an operation). Sources as in emergencies.py.
"""

from __future__ import annotations

from .lexicon import one_of, rule, term
from .signs import (BREATHLESS, CHILD, CONFUSED, DROWSY, FAST_HEART, FEVER, FLOPPY, HARD_TO_WAKE, HEADACHE, NONSENSE,
                    VOMITING)

# --- 10. Meningitis ---------------------------------------------------------------------------------
# docs/red-flags.md section 10: NHS "Meningitis - symptoms" (copy at
# https://www.nicswell.co.uk/conditions-and-treatments/meningitis/symptoms-1/), NHS health visitors'
# glass test (https://hackneyandcityhealthvisiting.nhs.uk/your-child/common-concerns/). A rash that
# doesn't fade under a glass; a stiff neck, dislike of bright light, fever, vomiting, drowsiness; in
# babies a bulging soft spot, a high-pitched cry, refusing feeds.
RASH_NOT_FADING = term(
    "rash that doesn't fade",
    r"\b(?:not|doesn't|don't|didn't|won't) (?:going|go|fading|fade|disappearing|disappear) (?:away )?(?:when|with|under) (?:i |you |we )?"
    r"(?:press\w*|push\w*|the glass|a glass)",
    r"\b(?:rash|spots|marks|blotches|dots)\b (?:[\w']+ ){0,4}(?:that |which )?(?:doesn't|does not|don't|do not|won't|didn't|"
    r"did not|isn't|is not|aren't|not) (?:[\w']+ )?(?:fade|go away|disappear|blanch|go)\b",
    r"\b(?:doesn't|does not|didn't|did not|won't|not) (?:fade|blanch|disappear) (?:[\w']+ ){0,4}(?:glass|tumbler|press\w*)\b",
    r"\b(?:spots|rash|marks)\b (?:[\w']+ ){0,3}still (?:there|visible|showing)\b",
    r"\b(?:stays|stayed|still there) when (?:pressed|i press\w*|you press\w*)\b",
    r"\bnon[- ]?blanching\b", r"\bglass test\b (?:[\w']+ ){0,6}(?:still|didn't|doesn't|not|stay)\b", absence=True)
PURPLE_SPOTS = term("purple spots",
                    r"\b(?:purple|dark red|purplish) (?:spots|rash|blotches|marks|dots|pinpricks|bruises?)\b",
                    r"\bblotchy purple\b", r"\b(?:rash|spots) (?:is |are )?(?:purple|dark red|purplish)\b")
STIFF_NECK = term("stiff neck", r"\bstiff neck\b",
                  r"\bneck (?:is |feels |going |gone |getting )?(?:(?:really|very|so) )?stiff\b",
                  r"\b(?:can't|cannot|unable to) (?:bend|move|touch (?:his|her|my) chin to) (?:my|his|her|their) (?:neck|chin|head)\b")
LIGHT_HURTS = term("light hurts",
                   r"\b(?:light|lights|bright light|sunlight) (?:[\w']+ ){0,2}(?:hurts?|hurting|painful|bothers?|"
                   r"unbearable)\b",
                   r"\b(?:can't|cannot) (?:stand|bear|handle|look at|tolerate) (?:the )?(?:bright )?lights?\b",
                   r"\b(?:sensitive|sensitivity) to (?:the )?light\b", r"\bphotophobi\w*", r"\bhates? (?:the )?light\b")
BULGING_SOFT_SPOT = term("bulging soft spot", r"\b(?:bulging|swollen|raised|tense) (?:soft spot|fontanelle|fontanel)\b",
                         r"\b(?:soft spot|fontanelle) (?:is )?(?:bulging|swollen|raised|tense)\b")
HIGH_CRY = term("high-pitched cry", r"\bhigh[- ]pitched (?:cry|crying|scream\w*|wail\w*|moan\w*)\b")
MENINGITIS = rule(
    "emergency", "meningitis signs", RASH_NOT_FADING,
    (STIFF_NECK, one_of(FEVER, LIGHT_HURTS, VOMITING, CONFUSED, DROWSY, HEADACHE)),
    (PURPLE_SPOTS, one_of(FEVER, DROWSY, FLOPPY, HARD_TO_WAKE)),
    (BULGING_SOFT_SPOT, one_of(HIGH_CRY, FEVER, FLOPPY, DROWSY, VOMITING)),
    (HIGH_CRY, one_of(FEVER, FLOPPY, DROWSY, VOMITING)),
    (FEVER, LIGHT_HURTS, one_of(HEADACHE, VOMITING)))

# --- 11. Sepsis ------------------------------------------------------------------------------------
# docs/red-flags.md section 11: UK Sepsis Trust lists on NHS GP sites
# (https://www.frintonroadmedicalcentre.co.uk/digitalpractice/wellbeing-centre/sepsis,
# https://www.willingtonmedicalgroup.nhs.uk/about-us/news/804/), NHS "Sepsis" (news copy at
# https://dailyecho.co.uk/news/national/uk-today/24586547.symptoms-sepsis-adults-children). With an
# infection or a fever: confusion or slurred speech, extreme shivering, no urine all day, breathing very
# fast, "I feel like I'm going to die", mottled or blue skin. Neutropenic sepsis (a fever during
# chemotherapy) is the same emergency: NICE CG151 and The Christie NHS (section 11, added sources).
INFECTION = term(
    "an infection or an operation",
    r"\b(?:infection|infected|uti|pneumonia|cellulitis|abscess|surgery|operation|c-section|caesarean|cesarean|chemo\w*|"
    r"flu|virus|bug|covid|tonsillitis|kidney infection|water infection|chest infection|gastroenteritis|d&v|diarrhoea and "
    r"vomiting|diarrhea and vomiting|vomiting and diarrhoea|vomiting and diarrhea)\b",
    r"\b(?:a|the|his|her|my) cut\b", r"\b(?:had|has|have|got) (?:a|the) cold\b",
    r"\bred (?:streaks|lines?) (?:going |spreading |running )?(?:up|along|from)\b",
    # after a birth (UK Sepsis Trust: recently given birth), and a smelly discharge or wound
    r"\b(?:gave birth|given birth|had (?:the|my|our) baby|delivered|had a c-section) (?:\d+|a few|two|three|four|five|six|ten) "
    r"(?:days?|weeks?) ago\b",
    r"\b(?:gave birth|given birth|had (?:the|my|our) baby|delivered) (?:last week|yesterday|this week|on \w+day)\b",
    r"\b(?:postnatal|postpartum|post-natal|post-partum)\b",
    r"\b(?:smelly|foul[- ]smelling|offensive|bad[- ]smelling|pus|green) (?:discharge|wound|lochia|bleeding)\b",
    setting=True)
CHEMOTHERAPY = term("on chemotherapy", r"\b(?:chemo\w*|on treatment for (?:cancer|leukaemia|lymphoma))\b", setting=True)
SEPSIS_SIGN = term(
    "sepsis sign",
    r"\b(?:shivering|shaking|trembling) (?:uncontrollably|violently|all over|badly|and shaking)\b",
    r"\b(?:uncontrollable|violent|extreme|severe) (?:shivering|shaking|shakes|rigors)\b", r"\bshaking chills\b",
    r"\brigors\b",
    r"\bmottled\b", r"\bblotchy (?:skin|purple|blue)\b",
    r"\bskin (?:looks |is |has gone |gone |went )?(?:[\w']+ )?(?:mottled|blotchy|blue|grey|gray|purple|ashen|patchy)\b",
    r"\bfeel(?:s|ing)? like (?:i'm|i am|he's|she's) (?:going to )?(?:dying|die)\b",
    r"\bsomething (?:is |'s )?(?:really |very |seriously |terribly )?wrong\b",
    r"\b(?:ice|icy|freezing|really|very|stone) cold (?:hands|feet|to the touch|to touch|skin)\b",
    r"\b(?:hands|feet) (?:and (?:feet|hands) )?(?:are |feel |feels )?(?:ice|icy|freezing|stone) cold\b",
    r"\bcold (?:hands|feet)\b", r"\bred (?:streaks|lines?)\b",
    r"\bknees (?:look |are )?(?:[\w']+ )?(?:blotchy|purple|mottled)\b")
NO_URINE = term("no urine",
                r"\b(?:haven't|hasn't|has not|have not|not|hadn't) (?:[\w']+ )?(?:peed|weed|urinated|"
                r"passed (?:any )?urine|had a wee|had a pee|been for a wee)\b",
                r"\bno (?:wee|pee|urine)\b", absence=True)
SHIVERING = term("shivering", r"\b(?:shivering|shivers|shaking|chills|rigors)\b")
SEPSIS_NAMED = term("could be sepsis",
                    r"\b(?:could|might|may|think) (?:it|this|he|she|i)(?:'s| be| is| has| have)? (?:got )?sepsis\b")
SEPSIS = rule(
    "emergency", "sepsis signs", SEPSIS_NAMED,
    (one_of(FEVER, INFECTION), one_of(CONFUSED, NONSENSE, SEPSIS_SIGN, NO_URINE, HARD_TO_WAKE)),
    (FEVER, INFECTION, one_of(FAST_HEART, BREATHLESS, DROWSY)),
    (CHEMOTHERAPY, one_of(FEVER, SHIVERING)),
    (FEVER, CHILD, one_of(SEPSIS_SIGN, FLOPPY, DROWSY)))

RULES = (MENINGITIS, SEPSIS)
