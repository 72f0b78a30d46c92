"""Emergencies that need a setting as well as a sign: an injury, something swallowed, diabetes, a
pregnancy, a burn, a recent botulinum toxin injection, the eye, a small child. The setting says who
or what ("hit his head", "32 weeks pregnant", "botox 4 days ago") and may lie in the past; the sign
must be happening now ("now very drowsy", "baby hasn't moved today").

Every kind names its source: a section of docs/red-flags.md and the public pages listed there.
"""

from __future__ import annotations

from .crisis import ON_PURPOSE
from .emergencies import (BLOOD, BLURRED, FACE_SWELLING, HARD_TO_BREATHE, HEAVY_BLEEDING, HOARSE, LIMB_CANT, NO_URINE,
                          SEIZURE_NOW, SPEECH, SPEECH_HARD, SWALLOWING, SWALLOWING_HARD)
from .lexicon import AtLeast, one_of, rule, term
from .signs import (BABY, BREATHLESS, CHILD, COLLAPSED, CONFUSED, DROWSY, FAINT, FAST_HEART, FEVER, FLOPPY, HARD_TO_WAKE,
                    HEADACHE, NAUSEA, NONSENSE, UNRESPONSIVE, VOMITING)

LIMBS = r"(?:legs?|arms?|hands?|feet|foot|fingers|toes|lower body|body)"

# --- 12. Cauda equina (back pain red flags) -----------------------------------------------------------
# docs/red-flags.md section 12: Sheffield NHS MSK "Back pain"
# (https://sheffieldachespains-staging.preflight.site/conditions/back-pain/what-is-back-pain), NHS MSK
# cauda equina cards (https://www.backes.org.uk/cauda-equina-warning-signs/). With back pain or
# sciatica: numbness between the legs or around the bottom, can't feel the toilet paper, new trouble
# peeing or controlling the bowels, weakness or numbness in both legs.
BACK = term("back pain or sciatica",
            r"\b(?:back ?(?:pain|ache|aches|hurts?|hurting|agony|gave out|gone|went|is killing|problems?|injury|spasm)|"
            r"sciatica|slipped disc|disc (?:prolapse|bulge|herniation)|herniated disc|lumbar|lower back|low back)\b",
            r"\b(?:my|his|her|their) back\b", setting=True)
SADDLE_NUMB = term(
    "numb between the legs",
    r"\b(?:numb\w*|tingl\w*|pins and needles|no feeling|lost feeling|loss of feeling|"
    r"can't (?:really |properly )?feel (?:anything |much )?)\b (?:[\w']+ ){0,3}(?:between (?:my|his|her|the) legs|saddle|groin|genitals?|"
    r"private (?:parts|area|bits)|privates|bum|buttocks?|bottom|back passage|anus|inner thighs?|crotch|perineum|"
    r"down there)\b",
    r"\b(?:saddle|groin|genitals?|private (?:parts|area)|bum|buttocks?|bottom|inner thighs?|"
    r"crotch)\b (?:[\w']+ ){0,2}(?:is |are |feels? |has gone |gone |went )?(?:numb|tingly|dead)\b",
    r"\b(?:can't|cannot|couldn't) feel (?:the )?(?:toilet (?:paper|roll|tissue)|when i wipe|myself wipe|(?:my|his|"
    r"her) (?:private|bum|bottom|groin|genitals|privates))\w*")
BLADDER = term(
    "can't pee or control the bowels",
    r"\b(?:can't|cannot|unable to|couldn't|haven't been able to|hasn't been able to|not able to|struggling to|difficulty|"
    r"trouble) (?:to )?(?:pee|wee|urinate|pass urine|pass water|go to the toilet|empty (?:my|his|her) bladder|"
    r"start peeing|control (?:my|his|her) (?:bladder|bowels?|pee|wee|poo|toilet))\b",
    r"\bwet (?:my|him|her|them)sel(?:f|ves)\b",
    r"\b(?:lost|losing|no) control of (?:my|his|her) (?:bladder|bowels?|pee|"
    r"wee)\b",
    r"\b(?:can't|cannot|couldn't) (?:tell|feel) (?:when|if) (?:i|he|she) (?:need to |am |'m |is )?(?:pee|wee|peeing|"
    r"weeing|urinat\w*|need the toilet|need to go)\b", r"\bincontinen\w*",
    r"\bleaking (?:urine|pee|wee|poo)\b", absence=True)
BOTH_LEGS = term(
    "both legs weak or numb",
    r"\bboth (?:my |his |her )?legs\b (?:[\w']+ ){0,3}(?:weak|numb|tingly|tingling|heavy|giving way|jelly|dead)\b",
    r"\b(?:weak|numb|tingly|tingling|heavy) (?:in )?both legs\b",
    r"\b(?:sciatica|pain) (?:down|in) both (?:legs|sides)\b",
    r"\blegs? (?:feel|feels|are|is|going) like jelly\b")
CAUDA_EQUINA = rule("emergency",
"cauda equina signs", (BACK, one_of(SADDLE_NUMB, BLADDER, BOTH_LEGS)), (SADDLE_NUMB, BLADDER))

# --- 13. Spinal and head injury ---------------------------------------------------------------------------
# docs/red-flags.md section 13: St John Ambulance "Spinal injury"
# (https://ade-cms.sja.org.uk/get-advice/first-aid-advice/bones-and-muscle-injuries/spinal-injury), Mayo
# Clinic "Spinal injury: first aid", NHS 111 Wales "Head injury and concussion"
# (https://111.wales.nhs.uk/encyclopaedia/h/article/headinjuryandconcussion), CDC HEADS UP "Concussion
# danger signs" (https://www.cdc.gov/headsup/basics/concussion_danger_signs.html). After a fall, dive,
# crash or blow: limbs numb, tingling or can't move, severe neck or back pain; after a head injury:
# vomiting, drowsy or hard to wake, confused, memory loss, clear fluid from the nose or ears, unequal
# pupils, a fit, or blood thinners.
ACCIDENT = term("a fall, dive, crash or blow",
                r"\b(?:fell|fallen|fall|falling|slipped|tripped|dived|dove|diving|crash\w*|accident|tackled|landed|thrown|"
                r"came off|knocked (?:off|over|down)|hit by|run over|collided|collision|jumped|rolled off)\b", setting=True)
SPINAL_SIGN = term(
    "limbs numb or can't move",
    rf"\b(?:can't|cannot|couldn't|unable to|can not) (?:feel|move|wiggle|lift) (?:(?:my|his|her|their|both|the) )?{LIMBS}\b",
    rf"\b(?:numb\w*|tingl\w*|pins and needles|no feeling|burning) (?:[\w']+ ){{0,2}}(?:in|down|through|into) (?:both |my |"
    rf"his |her |their )?{LIMBS}\b",
    r"\b(?:arms|legs|hands|feet) (?:[\w']+ ){0,2}(?:are |feel |feels )?(?:numb|tingly|tingling|weird|funny|dead|heavy)\b",
    r"\b(?:severe|really bad|terrible|excruciating|agonising|agonizing) (?:neck|back) pain\b",
    r"\b(?:neck|back) (?:is )?(?:(?:really|very|so) )?(?:painful|agony|in agony|killing)\b", r"\bback (?:is )?agony\b",
    r"\b(?:can't|cannot|won't|unable to) (?:move|turn) (?:his|her|my|their) (?:neck|head)\b",
    r"\blying (?:very )?still\b",
    r"\b(?:can't|cannot) (?:stand up|get up|walk|stand or walk)\b")
SPINAL = rule("emergency", "spinal injury", (ACCIDENT, SPINAL_SIGN))

HEAD_HIT = term(
    "a head injury",
    r"\b(?:hit|banged|bumped|knocked|bashed|smacked|whacked|cracked|struck|hurt|injured) (?:[\w']+ ){0,2}(?:his|her|my|"
    r"their|its|the back of (?:his|her|my) )?head\b",
    r"\b(?:bang|bump|knock|blow|hit|injury|trauma) (?:on|to) (?:the |his |her |my )?head\b", r"\bhead (?:injury|trauma|"
    r"wound)\b",
    r"\b(?:fell|fallen|fall|landed|rolled|dropped) (?:[\w']+ ){0,4}(?:on|onto) (?:his|her|my|the|its|their) head\b",
    r"\bknocked (?:out|unconscious)\b", r"\bconcussion\b", r"\bhead first\b",
    r"\b(?:swelling|lump|bump|egg) on (?:his|her|my|the) head\b",
    r"\b(?:fell|rolled|dropped) (?:off|from|down) (?:the |a |his |her )?(?:bed|sofa|couch|changing table|stairs|bunk bed|"
    r"chair|table|wall|horse|bike|ladder)\b", setting=True)
HEAD_SIGN = term(
    "a danger sign after a head injury",
    r"\b(?:clear|watery) (?:watery )?(?:fluid|liquid|stuff) (?:[\w']+ ){0,5}(?:nose|ears?)\b",
    r"\b(?:fluid|liquid|blood) (?:is )?(?:coming |dripping |leaking |running )?(?:out of|from) (?:his|her|my|the|"
    r"their) (?:nose|ears?)\b",
    r"\bone pupil (?:[\w']+ ){0,3}(?:bigger|larger|smaller|different)\b",
    r"\bpupils (?:are |look )?(?:different sizes|uneven|unequal)\b",
    r"\b(?:on|takes|taking) (?:warfarin|blood thinners|apixaban|rivaroxaban|clopidogrel|edoxaban|dabigatran|"
    r"anticoagulants)\b",
    r"\bheadache (?:is )?getting worse\b", r"\b(?:been|is|was) (?:sick|vomiting) (?:twice|\d+ times|again)\b",
    r"\bvomited (?:twice|\d+ times|again)\b", r"\bnot (?:acting|behaving) (?:like )?(?:himself|herself|normally)\b",
    r"\b(?:can't|cannot) remember\b")
HEAD_INJURY = rule("emergency", "head injury with warning signs",
                   (HEAD_HIT, one_of(HEAD_SIGN, VOMITING, DROWSY, HARD_TO_WAKE, CONFUSED, NONSENSE, SEIZURE_NOW, FLOPPY,
                                     COLLAPSED, UNRESPONSIVE, SPEECH, BLURRED)))

# --- 14. Overdose and poisoning, a child who swallowed something ------------------------------------------
# docs/red-flags.md section 14: NHS "Poisoning" (copy at https://richmondgpalliance.co.uk/health-a-z/?condition=poisoning%2F),
# NHS Healthier Together "Poisoning / accidental swallowing"
# (https://www.oxfordshire-healthiertogether.nhs.uk/parentscarers/keeping-your-child-safe/poisoningaccidental-swallowing),
# Alder Hey "Swallowed something" (button batteries and magnets: https://www.alderhey.nhs.uk/conditions/symptoms-checker/swallowed-something/),
# North Tees NHS paracetamol leaflet (more than 8 tablets in 24 hours: https://www.nth.nhs.uk/resources/paracetamol-safety-for-adults/).
MEDICINES = (r"(?:pills?|tablets?|capsules?|meds|medicines?|medications?|painkillers?|sleeping (?:pills|tablets)|paracetamol|"
             r"acetaminophen|tylenol|calpol|ibuprofen|aspirin|codeine|co-codamol|tramadol|oxycodone|morphine|insulin|"
             r"antidepressants?|sertraline|citalopram|fluoxetine|amitriptyline|diazepam|valium|xanax|zopiclone|benzos|"
             r"opioids?|heroin|fentanyl|methadone|iron|vitamins?|gummies|pens|drugs)")
POISONS = (r"(?:bleach|detergent|(?:dishwasher|washing[- ]up|laundry|fabric|cleaning|toilet|floor|window) (?:liquid|detergent|"
           r"powder|softener|fluid|spray|gel|rinse aid)|rinse aid|descaler|dishwasher (?:tablet|tab|pod|capsule)s?|washing (?:machine )?(?:tablet|pod|capsule|liquid|powder)s?|"
           r"laundry (?:pod|capsule|tablet|liquid)s?|liquid (?:capsule|pod)s?|button batter(?:y|ies)|batter(?:y|ies)|"
           r"coin cells?|magnets?|magnet balls|rat poison|poison\w*|weed ?killer|antifreeze|anti-freeze|white spirit|"
           r"paraffin|petrol|turps|cleaning (?:stuff|products?|fluid|liquid|spray)|(?:drain|oven|toilet) cleaner|cleaner|"
           r"e-?cig (?:liquid|refill|juice)s?|vape (?:liquid|juice|oil|refill)s?|e-?cig refills?|refills? for (?:my|his|"
           r"her|the) (?:vape|e-?cig)|nicotine|(?:liquid|refill) from (?:an |the )?e-?cig\w*|hand (?:gel|sanitiser|"
           r"sanitizer)|essential oils?|pesticide|slug pellets)")
OVERDOSED = term("overdosed",
                 r"\b(?:overdosed|overdosing|have overdosed|'ve overdosed|has overdosed|took an overdose|"
                 r"taken an overdose|had an overdose|od'd|oded|od'ed)\b")
TOO_MUCH = term(
    "took too much",
    r"\b(?:took|taken|take|had|swallowed|ate|eaten|used|injected|given|gave (?:her|him|them))\b (?:[\w']+ ){0,2}(?:way |"
    r"far |a lot |much |many )?too (?:many|much)\b",
    rf"\btoo (?:many|much) (?:of )?(?:(?:my|his|her|their|the) )?(?:[\w']+ )?{MEDICINES}\b")
QUANTITY = (r"(?:about|like|around|over|maybe|roughly|at least|nearly|almost|all|the|a|an|whole|full|entire|of|my|his|her|their|"
            r"rest|load|loads|lots|bunch|handful|handfuls|few|\d+|twenty|thirty|forty|fifty|sixty|hundred|dozen|dozens|"
            r"two|three|four|five|bottle|bottles|pack|packs|packet|packets|box|boxes|strip|strips|blister|tub|jar|"
            r"tramadol|insulin)")
_LOTS = frozenset(b"all whole full entire rest load loads lots bunch handful handfuls dozen dozens bottle bottles pack packs "
                  b"packet packets box boxes strip strips tub jar twenty thirty forty fifty sixty hundred".split())


def _many(m) -> bool:
    """A handful or a container's worth, or ten or more: not a dose ("10 mg") and not "2 tablets"."""
    words = m.group(0).split()
    if any(w in (b"mg", b"mcg", b"ml", b"units", b"milligrams", b"micrograms") for w in words):
        return False
    return any(w in _LOTS or (w.isdigit() and int(w) >= 10) for w in words)


PILL_COUNT = term(
    "took a lot of tablets",
    rf"\b(?:took|taken|swallowed|ate|eaten|had|downed|necked|popped|"
    rf"taking) (?:{QUANTITY} ){{1,6}}(?:[\w']+ ){{0,2}}{MEDICINES}\b",
    rf"\b(?:took|taken|swallowed|ate|eaten|had|downed|necked|popped|taking) all (?:of )?(?:my|his|her|their|the) \w+\b",
    
    accept=_many)
LOADS_OF_IT = term(
    "took loads of it",
    rf"\b(?:took|taken|had|swallowed|injected|given|used)\b (?:[\w']+ ){{0,3}}{MEDICINES}\b[^.?!]{{0,30}}\b(?:loads|lots|"
    rf"a lot|a load|heaps|"
    r"handfuls?|the lot) of (?:it|them)\b")
DOUBLE_DOSE = term("a double dose",
                   r"\b(?:took|taken|given|gave|had) (?:[\w']+ ){0,4}(?:twice|double|two doses|2 doses|an extra dose|extra doses?)\b",
                   r"\bdouble (?:dose|dosed)\b")
SLOW_PULSE = term("slow pulse or pinpoint pupils",
                  r"\b(?:pulse|heart ?rate|heartbeat|heart) (?:is )?(?:(?:very|really|so|dangerously) )?(?:slow|low|weak)\b",
                  r"\bpinpoint pupils\b", r"\bbreathing (?:is )?(?:(?:really|very) )?slow\b")
EMPTY_PACKETS = term("empty packets around them",
                     r"\bempty (?:pill |tablet |medicine )?(?:bottles?|packets?|packs?|boxes|blister packs?|strips)\b")
SWALLOWED_POISON = term(
    "swallowed something harmful",
    rf"\b(?:swallowed|swallow|ate|eaten|eating|drank|drunk|drinking|chewed|chewing|licked|sucked|sucking|got into|"
    rf"gotten into|got hold of|had some|swallowing)\b (?:[\w']+ ){{0,5}}{POISONS}\b",
    r"\b(?:been|being|got|was|were) poisoned\b", r"\bpoisoned (?:him|her|them|my ?self)\b")
CHILD_MEDICINES = term(
    "a child got into medicines",
    rf"\b(?:swallowed|swallow|ate|eat|eats|eaten|eating|drank|drink|drunk|chewed|chewing|got into|gotten into|got hold of|"
    rf"into)\b (?:[\w']+ ){{0,5}}{MEDICINES}\b",
    rf"\b(?:took|taken|has taken) (?:some|a few|one|two|several|all|a handful) (?:of )?(?:my|our|mum's|dad's|nan's|gran's|"
    rf"granny's|grandma's|grandad's|grandpa's|someone's|the wrong|her mum's|his dad's|mums|dads|"
    rf"grandmas) (?:[\w']+ )?{MEDICINES}\b",
    rf"\b(?:found|got hold of|got into|opened|got at)\b (?:[\w']+ ){{0,5}}{MEDICINES}\b (?:[\w']+ ){{0,4}}(?:and )?(?:ate|"
    rf"eaten|swallowed|drank|"
    r"chewed|had some|took some|taken some|had one|took one|some are missing|not sure how many)\b")
GAS_ALARM = term("carbon monoxide alarm going off",
                 r"\b(?:co|carbon monoxide|gas) (?:alarm|detector) (?:is |keeps |has been |started |went |"
                 r"has gone )?(?:beeping|going off|sounding|ringing|went off|gone off|alarming)\b",
                 r"\bsmell (?:of )?gas\b")
OVERDOSE = rule(
    "emergency",
    "overdose or poisoning", OVERDOSED, TOO_MUCH, PILL_COUNT, LOADS_OF_IT, SWALLOWED_POISON, (CHILD, CHILD_MEDICINES),
    (DOUBLE_DOSE, one_of(SLOW_PULSE, FAINT, DROWSY, CONFUSED, VOMITING, FAST_HEART)),
    (EMPTY_PACKETS, one_of(DROWSY, HARD_TO_WAKE, UNRESPONSIVE, CONFUSED, COLLAPSED)),
    (GAS_ALARM, one_of(HEADACHE, NAUSEA, FAINT, VOMITING, DROWSY, COLLAPSED, CONFUSED)))
# On purpose, it is a crisis too (docs/red-flags.md section 19: "taken an overdose" -> 999 or A&E).
INTENTIONAL_OVERDOSE = rule("crisis", "intentional overdose",
                            (ON_PURPOSE, one_of(OVERDOSED, TOO_MUCH, PILL_COUNT, SWALLOWED_POISON)))

# --- 15. Diabetic emergencies ----------------------------------------------------------------------------
# docs/red-flags.md section 15: NHS "Hypoglycaemia - treatment" as quoted (https://medizzy.com/feed/36167419),
# St John Ambulance diabetic emergencies, NHS "Diabetic ketoacidosis" (copy at
# https://clearchemist.co.uk/az-health/diabetic-ketoacidosis/symptoms-of-diabetic-ketoacidosis). With
# diabetes: confused, drowsy, unconscious or fitting; not coming up after sugar; vomiting, fast or deep
# breathing, breath smelling of pear drops.
DIABETES = term("diabetes",
                r"\b(?:diabetic|diabetes|type ?(?:1|one|2|two)|t1d?|insulin|hypo|hypos|hyper|dka|ketones?|blood sugars?|"
                r"sugars?|glucose|bm|meter|cgm|libre|dexcom)\b", setting=True)
DIABETIC_SIGN = term(
    "a diabetic emergency sign",
    r"\b(?:pear drops|fruity (?:breath|smell)|nail varnish|acetone)\b", r"\b(?:acting|seems|looks) drunk\b",
    r"\baggressive\b",
    r"\b(?:not|isn't|won't|still not|hasn't|not) (?:coming|going|come|gone) (?:back )?up\b",
    r"\bstill (?:low|shaking|sweaty|shaky)\b",
    r"\bvision (?:is )?going\b", r"\bbreathing (?:fast|deep|deeply|heavily)\b", r"\bbarely conscious\b",
    r"\bketones (?:are |is |of )?(?:[3-9](?:\.\d)?|high|very high)\b")
DIABETIC = rule("emergency", "diabetic emergency",
                (DIABETES, one_of(DIABETIC_SIGN, CONFUSED, NONSENSE, DROWSY, HARD_TO_WAKE, UNRESPONSIVE, COLLAPSED, SEIZURE_NOW,
                                  VOMITING, SWALLOWING)))

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
    r"\b(?:bad|severe|strong|painful) cramps\b", r"\bsharp pain\b")
NO_MOVEMENTS = term(
    "baby moving less",
    r"\bbaby (?:hasn't|has not|hadn't|isn't|is not|not|stopped|has stopped) (?:[\w']+ )?(?:mov\w*|kick\w*)\b",
    r"\b(?:haven't|have not|can't|cannot|barely|hardly|not) (?:felt|feel|feeling) (?:[\w']+ ){0,2}(?:baby|him|her|it|"
    r"any (?:kicks|movements?))\b",
    r"\b(?:movements?|kicks) (?:are |have )?(?:(?:much|a lot|far|really|very) )?(?:less|fewer|reduced|slowed|stopped|"
    r"weaker|changed)\b",
    r"\b(?:less|reduced|fewer|no) (?:fetal |foetal |baby )?(?:movements?|kicks)\b", absence=True)


WATERS = term("waters broken", r"\bwaters? (?:have |has )?(?:just )?(?:broke|broken|gone|went|burst|popped)\b",
              r"\bleaking fluid\b")
PRETERM = term("before 37 weeks", r"\b(?:only |just )?(?:[1-9]|[12]\d|3[0-6]) ?(?:weeks?|wks?)\b",
               r"\b(?:too early|premature|preterm)\b",
               setting=True)
PRE_ECLAMPSIA = term("vision problems or sudden swelling",
                     r"\b(?:flashing lights|seeing (?:spots|stars|flashes)|spots in front of (?:my|her) eyes|"
                     r"blurred vision|blurry vision|vision problems)\b",
                     r"\bpain (?:just )?(?:below|under) (?:my|her) ribs\b")
BAD_HEADACHE = term("a bad headache",
                    r"\b(?:bad|severe|terrible|awful|really bad|splitting|pounding|horrible) headache\b",
                    r"\bheadache (?:that )?(?:won't|will not) go\b")
BABY_COMING = term("the baby coming now", r"\b(?:the )?cord (?:is )?(?:hanging|coming|come|came) out\b", r"\bbaby (?:is )?(?:coming|crowning|coming out)(?: now| out)?\b",
                   r"\bhead is (?:out|coming|crowning)\b",
                   r"\b(?:can see the head|giving birth (?:now|in the car|at home))\b")
PREGNANCY = rule(
    "emergency", "pregnancy emergency", BABY_COMING,
    (PREGNANT, one_of(HEAVY_BLEEDING, NO_MOVEMENTS, SEIZURE_NOW)),
    (PREGNANT, BLOOD, one_of(BELLY_PAIN, FAINT)),
    (PREGNANT, BELLY_PAIN, one_of(FAINT, COLLAPSED)),
    (PREGNANT, WATERS, PRETERM),
    (PREGNANT, BAD_HEADACHE, one_of(PRE_ECLAMPSIA, FACE_SWELLING)), (PREGNANT, PRE_ECLAMPSIA, FACE_SWELLING))

# --- 17. Severe burns -------------------------------------------------------------------------------------
# docs/red-flags.md section 17: NHS GGC Royal Hospital for Children "Burns and scalds"
# (https://rhc.nhsggc.org.uk/home/about-your-childs-health-information-resources/concerned-about-accidents-and-injuries/burns-and-scalds),
# NHS "Burns and scalds" (copy at https://iftrouble.com/firstaid/Burns-and-scalds), St John Ambulance
# Cymru "Burns" (https://www.sjacymru.org.uk/en/page/burns). All chemical and electrical burns; large or
# deep burns (white, charred, leathery, skin peeling off, big blisters); burns of the face, hands, arms,
# legs, feet, chest or genitals; smoke inhalation (hoarse voice, coughing black); burns in small children.
BURN = term("a burn",
            r"\b(?:burn|burns|burnt|burned|scald\w*|electrocuted|electric shock|fire|flames?|kettle|boiling (?:water|oil)|"
            r"hot (?:tea|coffee|water|oil|fat|pan|drink)|chip pan|bonfire|firework|blaze)\b",
            r"\b(?:cup|mug|pot|pan|kettle|jug|bowl) of (?:hot |boiling )?(?:tea|coffee|water|soup|oil|noodles)\b", setting=True)
SEVERE_BURN = term(
    "a severe burn",
    r"\bskin (?:is |has |looks |'s |starting |started |is starting )?(?:(?:to|all) )?(?:(?:peeling|coming|falling|"
    r"hanging) off|white|charred|black|blackened|leathery|waxy|raw)\b",
    r"\bwhite (?:and )?leathery\b", r"\bcharred\b", r"\b(?:huge|big|large|massive) blisters?\b",
    r"\bblisters? (?:all over|everywhere)\b",
    r"\bskin (?:is )?(?:blistering|peeling|bubbling)\b",
    r"\bburns? (?:on|to|all over|across) (?:his|her|my|their|the) (?:face|chest|arms?|hands?|legs?|feet|foot|genitals|"
    r"groin|neck|body)\b",
    r"\b(?:face|chest|arms|hands|legs|feet|hand|arm|leg) (?:(?:and|&) \w+ )?(?:is |are |has been |have been |got |"
    r"were )?(?:badly )?(?:burned|burnt|scalded)\b",
    r"\b(?:burned|burnt|scalded) (?:[\w']+ ){0,2}(?:badly|all over|everywhere)\b", r"\bburn all over\b",
    r"\bcoughing (?:up )?black\b", r"\bsinged\b")
ELECTRIC = term("an electrical burn", r"\b(?:electrocuted|electric shock|struck by lightning)\b")
CHEMICAL = term(
    "a chemical on the skin or in the eye",
    r"\b(?:got|splashed|spilt|spilled|sprayed|squirted|poured) (?:[\w']+ ){0,2}(?:bleach|acid|oven cleaner|drain cleaner|"
    r"caustic|chemicals?|lye|ammonia|cleaning (?:stuff|products?)|cement|lime) (?:[\w']+ ){0,3}(?:on|in|all over|"
    r"into) (?:my|his|her|their|the)\b",
    r"\b(?:bleach|acid|chemical|oven cleaner|drain cleaner|cleaner|caustic|ammonia|lime|cement|alkali|"
    r"superglue) (?:[\w']+ ){0,4}(?:in|into) (?:my|his|her|their|the|your) eyes?\b")
BURNS = rule("emergency",
"severe burn", ELECTRIC, CHEMICAL, (BURN, one_of(SEVERE_BURN, HOARSE)), (BURN, BABY, one_of(SEVERE_BURN, FLOPPY)))

# --- 18. Spread of botulinum toxin effect ------------------------------------------------------------
# docs/red-flags.md section 18: the FDA boxed warning "Distant spread of toxin effect" on every
# botulinum toxin label (openFDA, https://api.fda.gov/drug/label.json?search=openfda.generic_name%3A%22Onabotulinumtoxina%22),
# MHRA via MIMS (https://www.mims.co.uk/botulinum-toxin-warning/article/892011), UKHSA (up to four weeks).
# Hours to weeks after an injection: trouble swallowing, speaking or breathing, weakness all over or far
# from the injection, double vision. (A drooping eyelid alone is a local effect, not this.)
TOXIN = term("a botulinum toxin injection",
             r"\b(?:botox|botulinum|dysport|xeomin|bocouture|azzalure|jeuveau|daxxify|myobloc|letybo|relfydess|toxin|"
             r"anti-?wrinkle (?:injections?|treatment)|injections?|jabs?|shots?|injected)\b", setting=True)
WEAK_ALL_OVER = term(
    "weak all over",
    r"\b(?:weak|weakness) (?:all over|everywhere)\b", r"\bweakness (?:is )?spreading\b",
    r"\b(?:whole|entire) body (?:[\w']+ ){0,2}(?:weak|floppy)\b", r"\b(?:arms|legs) (?:[\w']+ ){0,2}(?:weak|heavy)\b",
    r"\b(?:can't|cannot) hold (?:my|his|her|their) head up\b", r"\bjaw (?:is )?(?:hard|difficult) to move\b",
    r"\bweak everywhere\b", r"\bboth (?:my |his |her )?eyelids\b")
TOXIN_SPREAD = rule("emergency", "botulinum toxin spreading",
                    (TOXIN, one_of(SWALLOWING, SWALLOWING_HARD, HARD_TO_BREATHE, BREATHLESS, SPEECH, SPEECH_HARD, HOARSE, WEAK_ALL_OVER, BLURRED,
                                   LIMB_CANT)))

# --- 20. The eye ------------------------------------------------------------------------------------
# docs/red-flags.md section 20 (eye emergencies): NHS "Eye injuries" as republished by opticians
# (https://www.rookandthomas.co.uk/emergency-eye-care/: chemicals, a sharp object, changes to sight after
# an injury -> A&E or 999), The College of Optometrists on a shadow spreading across the vision
# (http://lookafteryoureyes.org/eye-conditions/detached-retina/), acute angle-closure glaucoma (severe
# eye pain with vomiting, halos and blurred vision: https://healthlibrary.wkhs.com/home/glaucoma-(angle-closure-type)).
# Sudden loss of vision is a stroke sign too (section 1).
EYE_INJURY = term("an eye injury",
                  r"\b(?:hit|poked|stabbed|cut|struck|scratched|punched|caught) (?:[\w']+ ){0,3}(?:in|on) (?:the|my|his|"
                  r"her) eyes?\b",
                  r"\b(?:firework|glass|metal|shard|nail|stick|pellet|dart)s? (?:[\w']+ ){0,3}(?:in|into) (?:my|his|her|"
                  r"the) eyes?\b",
                  setting=True)
CANT_SEE = term("can't see", r"\b(?:can't|cannot|couldn't) see\b", r"\beye (?:is )?bleeding\b", r"\bbleeding\b")
EYE_PAIN = term("severe eye pain",
                r"\b(?:severe|bad|terrible|intense|excruciating|agonising|agonizing|really bad|sudden) (?:[\w']+ )?(?:eye pain|"
                r"pain in (?:my|his|her|the) eyes?)\b",
                r"\beyes? (?:is |are )?(?:really |very |so )?(?:painful|agony|killing)\b")
HALOS = term("halos around lights",
             r"\b(?:halos?|rainbow(?:s| circles| rings)?) (?:around|round) (?:the )?(?:lights?|headlights)\b",
             r"\brainbow halos\b")
EYE = rule("emergency", "eye emergency", (EYE_INJURY, CANT_SEE), (EYE_PAIN, one_of(VOMITING, HALOS, BLURRED)))

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
DEHYDRATION = term(
    "a dehydration sign",
    r"\b(?:no|hasn't had a|not had a|haven't had a|hasn't had any|no wet) (?:wet )?(?:nappy|nappies)\b",
    r"\bnappies (?:are |have been )?dry\b",
    r"\bdry nappies\b", r"\bsunken (?:soft spot|fontanelle|eyes)\b", r"\b(?:soft spot|fontanelle) (?:is )?sunken\b",
    r"\bno tears\b",
    r"\bdry (?:lips|mouth)\b", r"\byellow(?:ish)? skin\b", r"\bskin (?:looks |is )?yellow\w*")
NOT_FEEDING = term("not feeding",
                   r"\b(?:won't|refusing|refuses|refused|not|isn't|hasn't been|stopped|won't take (?:any|his|"
                   r"her)) (?:[\w']+ )?(?:feed\w*|drink\w*|eat\w*|bottles?|milk)\b", absence=True)
VOMITING_ALL = term("vomiting everything",
                    r"\bvomiting (?:everything|nonstop|non-stop|all day|constantly|repeatedly|all night)\b",
                    r"\b(?:can't|cannot|won't) keep (?:anything|any milk|feeds?) down\b")
ILL_CHILD = rule("emergency", "seriously ill child",
                 (BABY, AtLeast(2, (DEHYDRATION, NOT_FEEDING, VOMITING_ALL, DROWSY, NO_URINE, FLOPPY))), (YOUNG_BABY, FEVER))

RULES = (CAUDA_EQUINA, SPINAL, HEAD_INJURY, OVERDOSE, DIABETIC, PREGNANCY, BURNS, TOXIN_SPREAD, EYE, ILL_CHILD)
