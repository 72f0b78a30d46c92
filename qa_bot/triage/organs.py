"""Emergencies of one part of the body that the other kinds do not cover: a testicle twisting, a bladder
that cannot empty, a limb losing its blood supply, a blow to the belly that is bleeding inside, and
someone who has fallen and cannot get up. Each names its section of docs/red-flags.md (21-25), where
the sources are listed.
"""

from __future__ import annotations

from .lexicon import one_of, rule, term
from .signs import CONFUSED, DROWSY, FAINT, NAUSEA, NONSENSE, PALE, SUDDEN, SWEATY, VOMITING

SEVERE = (r"(?:sudden|suddenly|severe|agony|agonising|agonizing|excruciating|unbearable|really bad|very bad|terrible|extreme|"
          r"intense|horrendous|horrible|dreadful|searing|crippling|awful|worst)")

# --- 21. Testicular torsion: sudden, very bad pain in a testicle, often with sickness (NHS GP and
# Healthier Together pages: A&E now). Pain with a fever or burning on peeing, or a painless lump, is not this.
TESTICLE = r"(?:testicles?|testis|testes|scrotum|scrotal|(?:left|right|one) ball|(?:my|his) balls)"
TESTICLE_PAIN = term(
    "sudden severe testicle pain",
    rf"\b{SEVERE}\b (?:[\w']+ ){{0,5}}{TESTICLE}\b",
    rf"\b{TESTICLE} (?:is |are |has |have |feels? )?(?:[\w']+ ){{0,2}}(?:agony|in agony|excruciating|unbearable|killing|"
    r"(?:really|very|so) (?:painful|sore|swollen)|swollen and (?:painful|sore|hard|red))\b")
TESTICLE_SORE = term("testicle pain", rf"\b(?:pain|ache|aching|hurts?|hurting|sore|swollen)\b (?:[\w']+ ){{0,3}}{TESTICLE}\b",
                     rf"\b{TESTICLE} (?:is |are )?(?:[\w']+ )?(?:hurts?|hurting|aching|sore|painful|swollen)\b")
TORSION = rule("emergency", "sudden testicle pain", TESTICLE_PAIN, (TESTICLE_SORE, one_of(VOMITING, SUDDEN)))

# --- 22. Acute urinary retention: can't pee at all, with a painful, swollen lower belly (A&E now).
CANT_PEE = term(
    "can't pee at all",
    r"\b(?:can't|cannot|couldn't|unable to|haven't been able to|hasn't been able to|not able to|not been able to) "
    r"(?:to )?(?:pee|wee|urinate|pass urine|pass water|go for a (?:wee|pee)|empty (?:my|his|her) bladder)\b",
    r"\b(?:haven't|hasn't|not) (?:peed|weed|urinated|passed (?:any )?(?:urine|water)|had a (?:wee|pee)) (?:at all|since|for)\b",
    r"\bnothing (?:comes|will come|is coming) out when (?:i|he|she) (?:try|tries) to (?:pee|wee)\b", absence=True)
FULL_BLADDER = term(
    "a painful full bladder",
    r"\b(?:bladder|lower (?:belly|tummy|abdomen|stomach)|belly|tummy)\b (?:is |feels |looks |has |'s )?(?:[\w']+ ){0,2}(?:huge|"
    r"swollen|bursting|bulging|distended|hard|full|agony|in agony|so painful|really painful|very painful|painful|sore)\b",
    r"\b(?:pain|agony) in (?:my|his|her) (?:bladder|lower (?:belly|tummy|abdomen))\b", r"\bfeel like (?:my|his|her) bladder\b")
RETENTION = rule("emergency", "can't pee, with a painful bladder", (CANT_PEE, FULL_BLADDER))

# --- 23. A limb losing its blood supply: suddenly cold, pale or blue, painful or numb (the "six Ps":
# Health New Zealand, NHS Devon referral guidance; 999 or A&E).
COLD_LIMB = term(
    "a cold, pale limb",
    r"\b(?:leg|legs|foot|arm)\b (?:suddenly |just )?(?:is |are |has |have |went |gone |has gone |turned |feels? |looks? )?"
    r"(?:(?:suddenly|all|really|very|ice|icy|stone|freezing) ){0,2}(?:cold|white|pale|blue|mottled)\b(?:,| and) "
    r"(?:[\w']+ ){0,2}(?:white|pale|blue|numb|painful|cold|mottled)\b")
LIMB_ISCHAEMIA = rule("emergency", "a sudden cold, pale limb", (COLD_LIMB, SUDDEN))

# --- 24. A blow to the belly with signs of bleeding inside: pale, faint, a swelling belly, vomiting
# (blunt abdominal injury care notes; handlebar injuries in children).
BELLY_BLOW = term(
    "a blow to the belly",
    r"\b(?:hit|hurt|banged|bumped|kicked|punched|winded|landed on|fell on|fell onto|smacked|whacked|crushed)\b (?:[\w']+ ){0,2}"
    r"(?:tummy|belly|stomach|abdomen|side|ribs)\b",
    r"\bhandlebars?\b", r"\b(?:tummy|belly|stomach|abdomen) (?:[\w']+ ){0,3}(?:the )?(?:handlebars?|steering wheel|seat ?belt)\b",
    setting=True)
COLD_SKIN = term("cold skin", r"\b(?:cold|clammy|cold and clammy) (?:to (?:the )?touch|skin|hands)\b",
                 r"\b(?:skin|hands|he|she|he's|she's) (?:is |are |feels? )?(?:very |really |ice )?(?:cold|clammy)\b")
SWOLLEN_BELLY = term("belly swelling", r"\b(?:tummy|belly|stomach|abdomen) (?:is |looks |has |keeps |'s )?(?:getting |gone |going )?"
                     r"(?:(?:really|very|so|more) )?(?:swollen|swelling|bloated|distended|hard|rigid|bigger)\b")
WORSE_PAIN = term("pain getting worse", r"\b(?:hurts?|hurting|pain|sore|aches?)\b (?:[\w']+ ){0,2}(?:more and more|worse and worse|"
                  r"getting worse|worse now|keeps getting worse|increasing)\b")
# Turning pale alone ("went pale for a second then laughed") is not enough.
BELLY_BLEEDING = rule("emergency", "a blow to the belly with warning signs",
                      (BELLY_BLOW, one_of(FAINT, SWOLLEN_BELLY, VOMITING, WORSE_PAIN)),
                      (BELLY_BLOW, PALE, one_of(NAUSEA, SWEATY, DROWSY, COLD_SKIN)))

# --- 25. A fall and can't get up, or lying on the floor for a long time (East of England Ambulance
# Service advice: 999 if they cannot get up even with help, or are confused, drowsy or vomiting).
STUCK_ON_FLOOR = term(
    "fallen and can't get up",
    r"\b(?:on the (?:[\w']+ )?(?:floor|ground)|lying there|fallen|fell|had a fall)\b (?:[\w']+ ){0,5}(?:and )?(?:can't|cannot|couldn't|"
    r"unable to|won't be able to) (?:get|stand) (?:him|her|them|my ?self|\w+self )?(?:up|back up)\b")
LONG_LIE = term("on the floor for hours",
                r"\b(?:on the (?:[\w']+ )?(?:floor|ground)|lying there|been there) (?:for )?(?:all night|hours|for hours|since (?:last night|yesterday|"
                r"this morning|the night))\b")
FALLEN = rule("emergency", "fallen and can't get up",
              (STUCK_ON_FLOOR, one_of(LONG_LIE, CONFUSED, NONSENSE, DROWSY, PALE)), (LONG_LIE, one_of(CONFUSED, NONSENSE, DROWSY)))

RULES = (TORSION, RETENTION, LIMB_ISCHAEMIA, BELLY_BLEEDING, FALLEN)
