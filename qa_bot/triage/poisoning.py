"""Overdose and poisoning (a child who got into medicines or household products too), and diabetic
emergencies. Sources as in emergencies.py: a section of docs/red-flags.md each.
"""

from __future__ import annotations

from .crisis import ON_PURPOSE
from .emergencies import SEIZURE_NOW, SWALLOWING
from .lexicon import AtLeast, one_of, rule, term
from .signs import (VOMITING_ALL, CHILD, COLLAPSED, CONFUSED, DROWSY, FAINT, FAST_HEART, FEVER, HARD_TO_WAKE, HEADACHE, NAUSEA,
                    NONSENSE, UNRESPONSIVE, VOMITING)

# --- 14. Overdose and poisoning, a child who swallowed something ------------------------------------------
# docs/red-flags.md section 14: NHS "Poisoning" (copy at https://richmondgpalliance.co.uk/health-a-z/?condition=poisoning%2F),
# NHS Healthier Together "Poisoning / accidental swallowing"
# (https://www.oxfordshire-healthiertogether.nhs.uk/parentscarers/keeping-your-child-safe/poisoningaccidental-swallowing),
# Alder Hey "Swallowed something" (button batteries and magnets: https://www.alderhey.nhs.uk/conditions/symptoms-checker/swallowed-something/),
# North Tees NHS paracetamol leaflet (more than 8 tablets in 24 hours: https://www.nth.nhs.uk/resources/paracetamol-safety-for-adults/).
MEDICINES = (r"(?:pills?|tablets?|capsules?|meds|medicines?|medications?|painkillers?|sleeping (?:pills|tablets)|paracetamol|"
             r"acetaminophen|tylenol|calpol|ibuprofen|aspirin|codeine|co-codamol|tramadol|oxycodone|morphine|insulin|"
             r"antidepressants?|sertraline|citalopram|fluoxetine|amitriptyline|diazepam|valium|xanax|zopiclone|benzos|"
             r"opioids?|heroin|fentanyl|methadone|iron|vitamins?|gummies|pens|drugs|adderall|ritalin|oxy|oxys|percocet|"
             r"vicodin|benadryl|advil|motrin|aleve|naproxen|lithium|quetiapine|mirtazapine|pregabalin|gabapentin|"
             r"propranolol|zolpidem|temazepam|nurofen|antihistamines?|sleeping aids?)")
POISONS = (r"(?:bleach|detergent|chemicals?|(?:dishwasher|washing[- ]up|laundry|fabric|cleaning|toilet|floor|window) (?:liquid|detergent|"
           r"powder|softener|fluid|spray|gel|rinse aid|soap)|rinse aid|descaler|dishwasher (?:tablet|tab|pod|capsule)s?|washing (?:machine )?(?:tablet|pod|capsule|liquid|powder)s?|"
           r"laundry (?:pod|capsule|tablet|liquid)s?|liquid (?:capsule|pod)s?|button batter(?:y|ies)|batter(?:y|ies)|"
           r"coin cells?|magnets?|magnet balls|rat poison|poison\w*|weed ?killer|antifreeze|anti-freeze|white spirit|"
           r"paraffin|petrol|turps|cleaning (?:stuff|products?|fluid|liquid|spray)|(?:drain|oven|toilet) cleaner|cleaner|"
           r"e-?cig (?:liquid|refill|juice)s?|vape (?:liquid|juice|oil|refill)s?|e-?cig refills?|refills? for (?:my|his|"
           r"her|the) (?:vape|e-?cig)|nicotine|(?:liquid|refill) from (?:an |the )?e-?cig\w*|hand (?:gel|sanitiser|"
           r"sanitizer)|essential oils?|pesticide|slug pellets)")
OVERDOSED = term("overdosed",
                 r"\b(?:overdosed|overdosing|have overdosed|'ve overdosed|has overdosed|took an overdose|"
                 r"taken an overdose|had an overdose|od'd|oded|od'ed)\b", lasting=True)
TOO_MUCH = term(
    "took too much",
    r"\b(?:took|taken|take|had|swallowed|ate|eaten|used|injected|given|gave (?:her|him|them))\b (?:[\w']+ ){0,2}(?:way |"
    r"far |a lot |much |many )?too (?:many|much)\b",
    rf"\btoo (?:many|much) (?:of )?(?:(?:my|his|her|their|the) )?(?:[\w']+ )?{MEDICINES}\b", lasting=True)
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
    
    accept=_many, lasting=True)
COUNT_OF_THEIRS = term(
    "took ten or more of someone's tablets",
    r"\b(?:took|taken|swallowed|had|downed|necked|popped)\b (?:about |like |around |over |maybe |at least )?(?:\d\d+|twenty|thirty|"
    r"forty|fifty|sixty) (?:of )?(?:my|his|her|their|the|mum's|dad's) [\w'-]+\b", accept=_many, lasting=True)
LOADS_OF_IT = term(
    "took loads of it",
    rf"\b(?:took|taken|had|swallowed|injected|given|used)\b (?:[\w']+ ){{0,3}}{MEDICINES}\b[^.?!]{{0,30}}\b(?:loads|lots|"
    rf"a lot|a load|heaps|"
    r"handfuls?|the lot) of (?:it|them)\b", lasting=True)
DOUBLE_DOSE = term("a double dose",
                   r"\b(?:took|taken|given|gave|had) (?:[\w']+ ){0,4}(?:twice|double|two doses|2 doses|an extra dose|extra doses?)\b",
                   rf"\b(?:took|taken|given|gave|had|swallowed) (?:some |a few |more |two |2 )?extra (?:[\w']+ ){{0,2}}{MEDICINES}\b",
                   r"\bdouble (?:dose|dosed)\b")
SLOW_PULSE = term("slow pulse or pinpoint pupils",
                  r"\b(?:pulse|heart ?rate|heartbeat|heart) (?:is )?(?:(?:very|really|so|dangerously) )?(?:slow|low|weak)\b",
                  r"\bpinpoint pupils\b", r"\bbreathing (?:is )?(?:(?:really|very) )?slow\b")
EMPTY_PACKETS = term("empty packets around them",
                     r"\bempty (?:pill |tablet |medicine )?(?:bottles?|packets?|packs?|boxes|blister packs?|strips)\b")
SWALLOWED_POISON = term(
    "swallowed something harmful",
    rf"\b(?:swallowed|swallow|swallows|ate|eat|eats|eaten|eating|drank|drink|drinks|drunk|drinking|chewed|chewing|licked|"
    rf"sucked|sucking|bit into|bitten into|biting into|got into|"
    rf"gotten into|got hold of|had some|swallowing)\b (?:[\w']+ ){{0,5}}{POISONS}\b",
    r"\b(?:been|being|got|was|were) poisoned\b", r"\bpoisoned (?:him|her|them|my ?self)\b", lasting=True)
CHILD_MEDICINES = term(
    "a child got into medicines",
    rf"\b(?:swallowed|swallow|ate|eat|eats|eaten|eating|drank|drink|drunk|chewed|chewing|got into|gotten into|got hold of|"
    rf"into)\b (?:[\w']+ ){{0,5}}{MEDICINES}\b",
    rf"\b(?:took|taken|has taken) (?:some|a few|one|two|several|all|a handful) (?:of )?(?:my|our|mum's|dad's|nan's|gran's|"
    rf"granny's|grandma's|grandad's|grandpa's|someone's|the wrong|her mum's|his dad's|mums|dads|"
    rf"grandmas) (?:[\w']+ )?{MEDICINES}\b",
    rf"\b(?:found|got hold of|got into|opened|got at)\b (?:[\w']+ ){{0,5}}(?:{MEDICINES}|{POISONS}|gum)\b (?:[\w']+ ){{0,4}}(?:and )?(?:ate|"
    rf"eaten|swallowed|drank|"
    r"chewed|had some|took some|taken some|had one|took one|some are missing|not sure how many)\b", lasting=True)
PARTY_DRUGS = term("took drugs", r"\b(?:took|taken|taking|had|done|did|snorted|smoked|dropped) (?:some |a few |a load of |lines of |a )?"
                   r"(?:pills|something|drugs|mdma|ecstasy|molly|coke|cocaine|ketamine|speed|acid|lsd|spice|lines|pill|tab|"
                   r"tabs|pingers)\b (?:[\w']+ ){0,3}(?:at|from) (?:a |the )?(?:party|festival|club|rave|gig|night out)\b",
                   r"\b(?:mdma|ecstasy|molly|cocaine|ketamine|spice|speed|lsd|pingers)\b", setting=True)
# A child who had something in the mouth that is now nowhere to be found has to be taken as having
# swallowed it, and so has a child found with medicines open or missing. A battery, a magnet, a
# medicine or a household product is an emergency even while the child seems well (Alder Hey, NHS
# Healthier Together: they may cause no symptoms at first); another small object (a coin, a marble)
# only with signs that it is stuck or went down the wrong way (coughing, gagging, drooling, not eating).
SMALL_THINGS = (r"(?:batter(?:y|ies)|button batter(?:y|ies)|coin cells?|magnets?|coins?|marbles?|beads?|buttons?|earrings?|"
                r"screws?|pins?|tacks?|small toys?|toy parts?|pieces? of (?:a )?toy|pen lids?|stones?|pebbles?)")
DANGEROUS = rf"(?:{POISONS}|{MEDICINES}|vapes?|e-?cigs?|e-?cigarettes?)"
IN_THE_MOUTH = term(
    "had something in the mouth",
    r"\b(?:put|puts|putting|popped|pops|stuck|sticks|shoved|had|has|having|holding|chewing|chewed|sucking|sucked|biting|bit|"
    r"playing with) (?:[\w']+ ){0,7}(?:in|into|inside) (?:his|her|their|its|the) mouths?\b",
    r"\b(?:leaked|went|spilled|spilt|squirted|got|dripped|sprayed|poured) (?:[\w']+ ){0,2}(?:in|into) (?:his|her|their|its) mouth\b",
    rf"\b(?:sucking|sucked|chewing|chewed|biting|licking|mouthing) (?:on )?(?:a|an|the|one of|some|my|his|her|two) (?:[\w']+ ){{0,2}}"
    rf"{SMALL_THINGS}\b", lasting=True, removable=True)
HARMFUL_IN_MOUTH = term(
    "something harmful in the mouth",
    rf"\b(?:{POISONS}|vapes?|e-?cigs?|e-?cigarettes?)\b (?:[\w']+ ){{0,4}}"
    r"(?:in|into|inside) (?:his|her|their|its) mouth\b",
    rf"\b(?:chewing|chewed|sucking|sucked|biting|bit|bitten|licking|licked) (?:on |into )?(?:[\w']+ ){{0,3}}(?:vapes?|"
    r"e-?cigs?|e-?cigarettes?|batter(?:y|ies)|magnets?|(?:laundry|washing|dishwasher|liquid) (?:pods?|capsules?|tablets?|tabs?)|"
    r"pods?)\b", lasting=True, removable=True)
NOW_MISSING = term(
    "now it is missing",
    r"\b(?:missing|gone|disappeared|vanished|not there|no longer there|nowhere to be (?:found|seen))\b",
    r"\b(?:can't|couldn't|cannot) find (?:it|them|the \w+|one|any)\b", r"\bdon't know where (?:it|they) (?:is|are|went)\b",
    r"\bnot in (?:his|her|their) (?:mouth|hands?)\b", absence=True, lasting=True)
# ... or a battery, magnet or tablet the child was holding or playing with, now missing (suspected swallowed).
HELD_DANGEROUS = term(
    "was holding something dangerous",
    r"\b(?:holding|held|playing with|played with|had|got hold of|found|picked up)\b (?:[\w']+ ){0,5}(?:batter(?:y|ies)|button batter(?:y|ies)|"
    r"coin cells?|magnets?|magnet balls|pills?|tablets?|capsules?|(?:laundry|dishwasher|washing) (?:pods?|capsules?|tablets?))\b",
    lasting=True, removable=True)
DANGEROUS_NAMED = term("a battery, a magnet, a medicine or a poison", rf"\b{DANGEROUS}\b", setting=True)
SMALL_NAMED = term("a small object", rf"\b{SMALL_THINGS}\b", setting=True)
STUCK_SIGN = term("coughing, gagging or drooling",
                  r"\b(?:cough\w*|chok\w*|gag\w*|retch\w*|drool\w*|dribbl\w*|wheez\w*)\b",
                  r"\b(?:won't|can't|isn't|not|refusing to|doesn't want to) (?:eat|swallow|drink)\w*\b",
                  r"\b(?:pain|hurts?|sore) (?:in (?:his|her|their) (?:chest|throat|neck|tummy)|when (?:he|she|they) swallows?)\b",
                  absence=True)
MEDICINES_MISSING = term(
    "medicines missing",
    rf"\b(?:some|a few|several|\d+|two|three|four|five|six|eight|ten) (?:of )?(?:the |my |his |her |grandma's |nan's )?(?:[\w']+ )?"
    rf"{MEDICINES} (?:are |were |is )?(?:missing|gone)\b",
    rf"\b{MEDICINES} (?:are |were )?missing\b",
    r"\b(?:\d+|some|a few|several|two|three|four|five|six|seven|eight|nine|ten) (?:are|were) (?:missing|gone) from (?:the|my|his|her) "
    r"(?:pack|packet|box|bottle|strip|blister|tub)\b",
    r"\b(?:white|blue|coloured|colored|powdery) (?:stuff|powder|bits|liquid|gel) (?:on|around|in) (?:his|her|their) (?:lips|"
    r"mouth|face|tongue)\b", absence=True, lasting=True)
MEDICINES_OPEN = term(
    "medicines found open",
    rf"\b(?:pill|tablet|medicine|medication) (?:box|bottle|pot|pack|packet|organi[sz]er|cabinet|cupboard|drawer) (?:was |is )?"
    r"(?:wide )?open(?:ed)?\b",
    rf"\b(?:bottle|box|pack|packet|tub|strip) of (?:[\w']+ ){{0,2}}{MEDICINES} (?:was |is )?(?:wide )?open(?:ed)?\b",
    rf"\b(?:found|caught|saw) (?:him|her|them|my \w+|the \w+) (?:[\w']+ ){{0,2}}with (?:[\w']+ ){{0,3}}{MEDICINES}\b",
    rf"\b{MEDICINES} (?:are |were |is |was )?(?:all )?(?:over the floor|all over|everywhere|spilled|spilt|scattered|out of the (?:box|pack|packet|bottle))\b",
    lasting=True)
UNSURE_HOW_MANY = term(
    "not sure how many",
    r"\b(?:not sure|don't know|no idea|can't tell|unsure|no way of knowing) (?:if|whether|how many|how much|what)\b",
    r"\b(?:might|may|could|must) have (?:had|eaten|swallowed|taken)\b", absence=True, lasting=True)
# Wild mushrooms, berries or plants eaten, with signs of poisoning (section 14: poisonous plants and fungi).
FORAGED = term(
    "ate wild mushrooms or berries",
    r"\b(?:ate|eaten|eating|eat|eats|chewed|swallowed|had|tasted|picked and ate)\b (?:[\w']+ ){0,3}(?:wild )?(?:mushrooms?|"
    r"toadstools?|fungi|fungus|berries|leaves|seeds|plants?|flowers?|bulbs?)\b (?:[\w']+ ){0,3}(?:picked|found|foraged|"
    r"growing|from (?:the |a |our )?(?:garden|park|woods|forest|field|hedge|bush)|in (?:the |a |our )?(?:garden|park|woods|field))\b",
    r"\b(?:ate|eaten|eating|swallowed|chewed)\b (?:[\w']+ ){0,3}(?:poisonous|wild|foraged) (?:mushrooms?|berries|plants?|"
    r"leaves|fungi|toadstools?)\b", lasting=True)
# A fuel-burning appliance and symptoms in the household: carbon monoxide (section 14: a headache,
# feeling sick, dizziness, tiredness, in several people or pets in the same place).
APPLIANCE = term("a fuel-burning appliance",
                 r"\b(?:boiler|gas fire|gas heater|paraffin heater|heater|gas cooker|gas stove|stove|wood burner|log burner|"
                 r"generator|barbecue|bbq|fireplace|chimney|car engine|exhaust|flue)\b", setting=True)
HOUSEHOLD = term("everyone at home",
                 r"\b(?:we all|all of us|both of us|all three of us|everyone (?:in the (?:house|flat|family|home)|at home|here)|"
                 r"the whole (?:family|house|household)|my (?:wife|husband|partner) and (?:i|me) both)\b", setting=True)
GAS_ALARM = term("fumes or a carbon monoxide alarm",
                 r"\b(?:co|carbon monoxide|gas) (?:alarm|detector) (?:is |keeps |has been |started |went |"
                 r"has gone )?(?:beeping|going off|sounding|ringing|went off|gone off|alarming)\b",
                 r"\bsmell (?:of )?(?:gas|chemicals|fumes)\b", r"\b(?:chemical|strange|strong|toxic) (?:smell|fumes)\b",
                 r"\bbreathed in (?:[\w']+ ){0,3}(?:fumes|gas|chemicals|spray)\b")
_CO_SIGNS = (HEADACHE, NAUSEA, VOMITING, FAINT, DROWSY, CONFUSED, COLLAPSED)
OVERDOSE = rule(
    "emergency",
    "overdose or poisoning", OVERDOSED, TOO_MUCH, PILL_COUNT, COUNT_OF_THEIRS, LOADS_OF_IT, SWALLOWED_POISON, (CHILD, CHILD_MEDICINES),
    (DOUBLE_DOSE, one_of(SLOW_PULSE, FAINT, DROWSY, CONFUSED, NONSENSE, HARD_TO_WAKE, UNRESPONSIVE, VOMITING, FAST_HEART)),
    (CHILD, IN_THE_MOUTH, NOW_MISSING, DANGEROUS_NAMED), (CHILD, IN_THE_MOUTH, NOW_MISSING, SMALL_NAMED, STUCK_SIGN),
    (CHILD, HARMFUL_IN_MOUTH), (CHILD, one_of(MEDICINES_MISSING, EMPTY_PACKETS)),
    (CHILD, MEDICINES_OPEN, one_of(UNSURE_HOW_MANY, NOW_MISSING, IN_THE_MOUTH, DROWSY, VOMITING, CONFUSED, HARD_TO_WAKE)),
    (CHILD, HELD_DANGEROUS, NOW_MISSING),
    (FORAGED, one_of(VOMITING, DROWSY, CONFUSED, NONSENSE, FAINT, SEIZURE_NOW, HARD_TO_WAKE)),
    (APPLIANCE, AtLeast(2, _CO_SIGNS)), (APPLIANCE, HOUSEHOLD, one_of(*_CO_SIGNS)),
    (EMPTY_PACKETS, one_of(DROWSY, HARD_TO_WAKE, UNRESPONSIVE, CONFUSED, COLLAPSED)),
    (GAS_ALARM, one_of(HEADACHE, NAUSEA, FAINT, VOMITING, DROWSY, COLLAPSED, CONFUSED)),
    (PARTY_DRUGS, one_of(CONFUSED, FEVER, SEIZURE_NOW, COLLAPSED, UNRESPONSIVE, HARD_TO_WAKE, FAST_HEART, DROWSY)))
# On purpose, it is a crisis too (docs/red-flags.md section 19: "taken an overdose" -> 999 or A&E).
INTENTIONAL_OVERDOSE = rule("crisis", "intentional overdose",
                            (ON_PURPOSE, one_of(OVERDOSED, TOO_MUCH, PILL_COUNT, COUNT_OF_THEIRS, SWALLOWED_POISON)))

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
    r"\bstill (?:low|shaking|sweaty|shaky)\b", r"\beven after (?:eating|having|taking|drinking|some|two|giving)\b",
    r"\bvision (?:is )?going\b", r"\bbreathing (?:fast|deep|deeply|heavily)\b", r"\bbarely conscious\b",
    r"\bketones (?:are |is |of )?(?:[3-9](?:\.\d)?|high|very high)\b")
DIABETIC = rule("emergency", "diabetic emergency",
                (DIABETES, one_of(DIABETIC_SIGN, CONFUSED, NONSENSE, DROWSY, HARD_TO_WAKE, UNRESPONSIVE, COLLAPSED, SEIZURE_NOW,
                                  VOMITING, SWALLOWING)))

# The ACEP warning signs (docs/red-flags.md, cross-cutting): severe or persistent vomiting, here with
# confusion, drowsiness, a racing heart or faintness.
PERSISTENT_VOMITING = rule("emergency", "persistent vomiting",
                           (VOMITING_ALL, one_of(CONFUSED, NONSENSE, DROWSY, FAST_HEART, FAINT, HARD_TO_WAKE)))

RULES = (OVERDOSE, DIABETIC, PERSISTENT_VOMITING)
