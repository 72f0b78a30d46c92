"""Pregnancy emergencies and the seriously ill or dehydrated small child. Sources as in
emergencies.py: a section of docs/red-flags.md each.
"""

from __future__ import annotations

from .emergencies import BLOOD, FACE_SWELLING, HEAVY_BLEEDING, SEIZURE_NOW
from .infection import NO_URINE
from .lexicon import AtLeast, one_of, rule, term
from .signs import BABY, COLLAPSED, DROWSY, FAINT, FEVER, FLOPPY, VOMITING_ALL

# --- 16. Pregnancy emergencies ------------------------------------------------------------------------
# docs/red-flags.md section 16: University Hospitals Birmingham "When to call the midwife"
# (https://www.uhb.nhs.uk/services/maternity/when-to-call-the-midwife.htm), NHS Healthier Together
# bleeding and reduced movements, nhs.uk "Pre-eclampsia - symptoms" (https://www.nhs.uk/conditions/pre-eclampsia/symptoms/),
# CDC Hear Her, NY State DoH. Heavy bleeding or bleeding with pain, severe or constant tummy pain,
# the baby moving less or not at all, waters breaking early, a severe headache with vision problems or
# sudden swelling, a fit, a fall, the baby coming now.
PREGNANT = term("pregnant",
                r"\b(?:pregnant|pregnancy|expecting|in labou?r|my waters|contractions|due date|midwife|weeks gone)\b",
                r"\b\d+ ?(?:weeks?|wks?) (?:pregnant|gone|along)\b", r"\b(?:[1-4]\d) weeks\b", setting=True)
BELLY_PAIN = term(
    "severe tummy pain",
    r"\b(?:severe|bad|terrible|sharp|constant|stabbing|agonising|agonizing|really bad|excruciating|"
    r"awful)\b (?:[\w']+ ){0,2}(?:tummy|belly|stomach|abdominal|pelvic|lower tummy|side) (?:pain|ache|cramps?)\b",
    r"\b(?:tummy|belly|stomach|abdominal) (?:pain|cramps?)\b",
    r"\bpain (?:in )?(?:one side of my (?:belly|tummy)|my shoulder tip|(?:the )?shoulder tip)\b",
    r"\bshoulder tip pain\b", r"\bpain in my shoulder tip\b",
    r"\b(?:belly|tummy|bump|stomach) (?:is |feels )?(?:hard as a rock|rock hard|very hard)\b",
    r"\b(?:bad|severe|strong|painful) cramps\b", r"\bcontractions\b",
    r"\bpain (?:in|on) (?:the |my |her |his )?(?:tummy|belly|stomach|abdomen|lower belly|bump)\b", r"\bsharp pain\b", r"\bpain (?:on|in|down) (?:my |her |the )?(?:left|right|one) side\b",
    r"\bpain (?:[\w']+ ){0,4}(?:is )?(?:unbearable|excruciating|agonising|agonizing|severe|terrible)\b")
NO_MOVEMENTS = term(
    "baby moving less",
    r"\bbaby (?:hasn't|has not|hadn't|isn't|is not|not|stopped|has stopped) (?:[\w']+ )?(?:mov\w*|kick\w*)\b",
    r"\b(?:haven't|have not|can't|cannot|barely|hardly|not) (?:felt|feel|feeling) (?:[\w']+ ){0,2}(?:baby|him|her|it|"
    r"any (?:kicks|movements?))\b",
    r"\b(?:movements?|kicks) (?:are |have )?(?:(?:much|a lot|far|really|very) )?(?:less|fewer|reduced|slowed|stopped|"
    r"weaker|changed)\b",
    r"\b(?:less|reduced|fewer|no) (?:fetal |foetal |baby )?(?:movements?|kicks)\b", absence=True)


WATERS = term("waters broken", r"\bwaters? (?:have |has )?(?:just )?(?:broke|broken|gone|went|burst|popped)\b",
              r"\bleaking fluid\b",
              r"\b(?:water|fluid|liquid)s? (?:is |are |keeps |has been )?(?:gushing|pouring|flooding|trickling|leaking|running) "
              r"(?:out|down|from)\b", r"\bgush of (?:water|fluid|liquid)\b")
PRETERM = term("before 37 weeks", r"\b(?:only |just )?(?:[1-9]|[12]\d|3[0-6]) ?(?:weeks?|wks?)\b",
               r"\b(?:too early|premature|preterm)\b",
               setting=True)
PRE_ECLAMPSIA = term("vision problems or sudden swelling",
                     r"\b(?:flashing lights|seeing (?:spots|stars|flashes)|spots in front of (?:my|her) eyes|"
                     r"blurred vision|blurry vision|vision problems)\b",
                     r"\bpain (?:just )?(?:below|under) (?:my|her) ribs\b")
BAD_HEADACHE = term("a bad headache",
                    r"\b(?:bad|severe|terrible|awful|really bad|splitting|pounding|horrible) headache\b",
                    r"\bheadache (?:that )?(?:won't|will not) (?:go|shift|ease|stop|budge|get better|clear)\b")
BABY_COMING = term("the baby coming now", r"\b(?:the )?cord (?:is )?(?:hanging|coming|come|came) out\b", r"\bbaby (?:is )?(?:coming|crowning|coming out)(?: now| out)?\b",
                   r"\bhead is (?:out|coming|crowning)\b",
                   r"\b(?:can see the head|giving birth (?:now|in the car|at home))\b")
# The cord felt or seen before the baby (cord prolapse), and labour starting before 37 weeks (UHB
# "When to call the midwife", NHS Healthier Together).
CORD = term("the cord coming first",
            r"\bcord (?:is )?(?:in|inside|from|out of|coming out of|hanging out of|coming from) (?:my|her|the) (?:vagina|birth canal|"
            r"fanny|private parts)\b",
            r"\b(?:feel|felt|feeling|see|saw|seeing|can see|can feel) (?:[\w',]+ ){0,6}(?:a|the|like a) (?:umbilical )?cord\b",
            r"\bcord prolapse\b")
LABOUR = term("labour starting",
              r"\bcontractions (?:every|coming|are coming|\d+ minutes apart|getting closer|getting stronger|regularly)\b",
              r"\bregular contractions\b", r"\b(?:in|going into|gone into|went into|think i'm in) labou?r\b")
PREGNANCY = rule(
    "emergency", "pregnancy emergency", BABY_COMING,
    (PREGNANT, one_of(HEAVY_BLEEDING, NO_MOVEMENTS, SEIZURE_NOW)),
    (PREGNANT, BLOOD, one_of(BELLY_PAIN, FAINT)),
    (PREGNANT, BELLY_PAIN, one_of(FAINT, COLLAPSED)),
    (PREGNANT, WATERS, PRETERM), (PREGNANT, CORD), (PREGNANT, LABOUR, PRETERM),
    (PREGNANT, BAD_HEADACHE, one_of(PRE_ECLAMPSIA, FACE_SWELLING)), (PREGNANT, PRE_ECLAMPSIA, FACE_SWELLING))

# --- the seriously ill or dehydrated small child --------------------------------------------------------
# docs/red-flags.md "Seriously ill child" (cross-cutting, NHS: floppy, won't wake, a baby under 8 weeks
# you are very worried about), section 11 (sepsis under-5 list: no wee or wet nappy for 12 hours, not
# feeding, vomiting repeatedly; two of these together in a baby or toddler), and NHS Healthier Together
# "Fever" (https://frimley-healthiertogether.nhs.uk/health-for-young-people/demo/fever-high-temperature):
# a baby under 3 months with a temperature of 38C or more -> A&E or 999.


def _under_three_months(m) -> bool:
    number = next((w for w in m.group(0).split() if w.isdigit()), None)
    if number is None:
        return True  # "newborn"
    weeks = int(number) * (4 if b"month" in m.group(0) else 1) // (7 if b"day" in m.group(0) else 1)
    return weeks < 13


YOUNG_BABY = term("a baby under 3 months",
                  r"\b\d+ (?:weeks?|days?|months?) old\b",
                  r"\b(?:baby|son|daughter|he|she)(?:'s| is) (?:only )?\d+ (?:weeks?|days?)\b",
                  r"\bnewborn\b", setting=True, accept=_under_three_months)
DRY_NAPPIES = term(
    "no wet nappies",
    r"\b(?:no|hasn't had a|not had a|haven't had a|hasn't had any|no wet) (?:wet )?(?:nappy|nappies)\b",
    r"\bnappies (?:are |have been )?dry\b",
    r"\bdry nappies\b", absence=True)
DEHYDRATION = term(
    "a dehydration sign", r"\bsunken (?:soft spot|fontanelle|eyes)\b", r"\b(?:soft spot|fontanelle) (?:is )?sunken\b",
    r"\b(?:no|without) tears\b",
    r"\bdry (?:lips|mouth)\b", r"\byellow(?:ish)? skin\b", r"\bskin (?:looks |is )?yellow\w*", absence=True)
NOT_FEEDING = term("not feeding",
                   r"\b(?:won't|refusing|refuses|refused|not|isn't|hasn't been|hasn't|hasn't had|not had|stopped|won't take "
                   r"(?:any|his|her)) (?:[\w']+ )?(?:feed\w*|fed|drink\w*|eat\w*|eaten|bottles?|milk)\b", absence=True)
ILL_CHILD = rule("emergency", "seriously ill child",
                 (BABY, AtLeast(2, (DRY_NAPPIES, DEHYDRATION, NOT_FEEDING, VOMITING_ALL, DROWSY, NO_URINE, FLOPPY))), (YOUNG_BABY, FEVER))

RULES = (PREGNANCY, ILL_CHILD)
