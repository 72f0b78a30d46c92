"""Emergencies that need a setting as well as a sign: back pain, a fall or blow, a burn, a recent
botulinum toxin injection, an injured eye. The setting says what happened ("hit his head", "botox 4
days ago") and may lie in the past; the sign must be happening now ("now very drowsy").

Every kind names its source: a section of docs/red-flags.md and the public pages listed there.
"""

from __future__ import annotations

from .emergencies import (BLURRED, HARD_TO_BREATHE, HOARSE, LIMB_CANT, SEIZURE_NOW, SPEECH, SPEECH_HARD, SWALLOWING,
                          SWALLOWING_HARD)
from .lexicon import one_of, rule, term
from .signs import BABY, BREATHLESS, COLLAPSED, CONFUSED, DROWSY, FLOPPY, HARD_TO_WAKE, NONSENSE, UNRESPONSIVE, VOMITING

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
    r"down there|down below)\b",
    r"\b(?:saddle|groin|genitals?|private (?:parts|area)|bum|buttocks?|bottom|inner thighs?|"
    r"crotch)\b (?:[\w']+ ){0,2}(?:is |are |feels? |has gone |gone |went )?(?:numb|tingly|dead)\b",
    r"\b(?:can't|cannot|couldn't) feel (?:myself |anything )?when (?:i|he|she) (?:pee|wee|wipe|go to the toilet)\b",
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
                r"came off|knocked (?:off|over|down)|hit by|run over|collided|collision|jumped|rolled off)\b", setting=True,
                unless=r" (?:asleep|pregnant|ill|sick|in love|out with|apart|behind|for it|through|short|back on)\b")
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

# The ambulance services' 999 lists (docs/red-flags.md, cross-cutting: SWASFT https://www.swast.nhs.uk/when-to-call-999,
# "major trauma such as a stabbing or a fall from height") and ACEP's "bone through the skin".
SERIOUS_INJURY = term(
    "a serious injury",
    r"\b(?:cut|chopped|sliced|ripped|torn|severed) (?:[\w']+ ){0,2}(?:finger|fingers|thumb|toe|toes|hand|arm|leg|foot|ear) off\b",
    r"\b(?:finger|thumb|toe|hand|arm|leg|foot)s? (?:has been |was |got |is )?(?:cut|chopped|ripped|torn|hanging) off\b",
    r"\bbones? (?:is |are )?(?:sticking|poking|coming|showing) (?:out|through)\b",
    r"\b(?:leg|arm|ankle|wrist|knee) (?:is |looks )?(?:bent|twisted|pointing) the wrong way\b",
    r"\b(?:been |was |got )?(?:stabbed|shot)\b (?:in|with|by)\b",
    r"\b(?:stabbed|shot) (?:my|his|her|him|them|me|us)\b", r"\b(?:has been|have been|'s been|just been|got) (?:stabbed|shot)\b", r"\b(?:gunshot|stab) wound\b", r"\bimpaled\b",
    r"\b(?:fell|fallen|jumped) (?:from|off) (?:a |the )?(?:height|roof|balcony|scaffolding|building|cliff|bridge)\b")
SERIOUS_INJURIES = rule("emergency", "serious injury", SERIOUS_INJURY)
HEAD_HIT = term(
    "a head injury",
    r"\b(?:hit|hitting|banged|banging|bumped|bumping|knocked|knocking|bashed|bashing|smacked|whacked|cracked|struck|hurt|"
    r"hurting|injured) (?:[\w']+ ){0,2}(?:his|her|my|"
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
                                     COLLAPSED, UNRESPONSIVE, SPEECH, BLURRED)),
                   (ACCIDENT, one_of(DROWSY, HARD_TO_WAKE, UNRESPONSIVE, CONFUSED, NONSENSE)))

# --- 17. Severe burns -------------------------------------------------------------------------------------
# docs/red-flags.md section 17: NHS GGC Royal Hospital for Children "Burns and scalds"
# (https://rhc.nhsggc.org.uk/home/about-your-childs-health-information-resources/concerned-about-accidents-and-injuries/burns-and-scalds),
# NHS "Burns and scalds" (copy at https://iftrouble.com/firstaid/Burns-and-scalds), St John Ambulance
# Cymru "Burns" (https://www.sjacymru.org.uk/en/page/burns). All chemical and electrical burns; large or
# deep burns (white, charred, leathery, skin peeling off, big blisters); burns of the face, hands, arms,
# legs, feet, chest or genitals; smoke inhalation (hoarse voice, coughing black); burns in small children.
BURN = term("a burn",
            r"\b(?:burn|burns|burnt|burned|scald\w*|electrocuted|electric shock|fire|flames?|kettle|boiling (?:water|oil)|"
            r"hot (?:tea|coffee|water|oil|fat|pan|drink)|chip pan|bonfire|firework|blaze|smoke|fumes)\b",
            r"\b(?:cup|mug|pot|pan|kettle|jug|bowl) of (?:hot |boiling )?(?:tea|coffee|water|soup|oil|noodles)\b",
            r"\b(?:touched|grabbed|pulled|knocked over|leaned on|fell (?:on|against|into)) (?:the |a )?(?:iron|hob|oven|stove|"
            r"cooker|radiator|straighteners|hair straighteners|curling (?:iron|tongs)|bbq|barbecue|fire|candle|kettle|pan)\b",
            setting=True)
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
    r"\b(?:sprayed|splashed|doused|soaked|covered|drenched) (?:with|in|by) (?:[\w']+ ){0,2}(?:bleach|acid|oven cleaner|drain cleaner|"
    r"caustic|chemicals?|lye|ammonia|pesticide|weed ?killer|cement)\b",
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

RULES = (CAUDA_EQUINA, SPINAL, SERIOUS_INJURIES, HEAD_INJURY, BURNS, TOXIN_SPREAD, EYE)
