"""Emergencies of the brain, heart, breathing and blood: each kind's own signs in lay words, and its rule.

Every kind names its source: a section of docs/red-flags.md and the public pages listed there.
A rule holds when one of its ways holds; a way is one strong sign, or a few that together are an
emergency (pain spreading to the jaw with sweating). Signs only count where their context says
they are happening now (context.py).
"""

from __future__ import annotations

from .lexicon import AtLeast, one_of, rule, term
from .signs import (BLUE, BREATHLESS, CHILD, COLLAPSED, DROWSY, FAINT, FAST_HEART, FEVER, FLOPPY, HARD_TO_WAKE, NAUSEA,
                    NONSENSE, PALE, SUDDEN, SUDDEN_CONFUSION, SWEATY, UNRESPONSIVE, VOMITING)

PERSON_POSS = r"(?:my|his|her|their|the|your|our|a|one)"
BODY_SIDE = r"(?:right |left |one |the )?"

# --- 1. Stroke, FAST and BE-FAST ---------------------------------------------------------------------
# docs/red-flags.md section 1: NWAS "Recognising stroke in other people"
# (http://www.nwas.nhs.uk/our-services/managing-clinical-conditions/recognising-a-stroke/recognising-stroke-in-other-people/),
# NHS Wales BCUHB "Signs of stroke - FAST", Mayo Clinic "Act FAST", BE-FAST pages (eastsideneuroinstitute.org).
# Face dropped on one side, an arm that can't be lifted, speech slurred or jumbled; BE-FAST adds sudden
# loss of balance and sudden loss of vision. One sign is enough, even if it passes.
FACE_DROOP = term(
    "face drooping",
    rf"\b(?:face|mouth|lip|lips|smile|side of (?:{PERSON_POSS} )?(?:face|mouth))\b (?:(?:is|has|looks|look|seems|went|gone|just|"
    rf"all|"
    r"suddenly|kind of|a bit|started|starting|going|has gone|is going|gone all|looking|on one side|on the left|"
    r"on the right) ){0,3}(?:to )?(?:droop\w*|dropp?ed|drooped|droopy|fallen|fall(?:ing)? down|hanging(?: down)?|"
    r"hangs down|sag\w*|sliding|slipped|crooked|lopsided|uneven|twisted|wonky|go down|gone down|going down|is down|came down|"
    r"come down|pulled|numb|"
    r"frozen|paralysed|paralyzed)\b",
    r"\b(?:droop\w*|droopy|crooked|wonky|lopsided|twisted|fallen) (?:face|mouth|smile)\b",
    r"\b(?:can't|couldn't|unable to) smile (?:properly|evenly|straight|on one side|right)\b",
    r"\bsmile (?:is |looks )?(?:crooked|lopsided|uneven|wonky)\b")
FACE_STILL = term("face not moving",
                  rf"\b(?:side of {PERSON_POSS} )?(?:face|mouth) (?:isn't|is not|not|won't|doesn't) (?:moving|move)\b",
                  r"\bhalf (?:my|his|her|their|the) (?:face|body) (?:don't|doesn't|won't|isn't|is not|not) (?:work\w*|"
                  r"mov\w*)\b",
                  absence=True)
LIMB_WEAK = term(
    "arm or leg weak",
    r"\b(?:arm|arms|leg|legs|hand|hands|side|foot)\b (?:(?:is|are|has|have|went|gone|has gone|just|feels?|feeling|"
    r"suddenly|all|gone all|become|became|going|seems|really|very|so|totally|completely|just went|"
    r"keeps going) ){0,3}(?:numb|weak|limp|floppy|dead|heavy|paralysed|paralyzed|useless)\b",
    r"\b(?:numb|numbness|weak|weakness|tingling) (?:on|down|in|of) one side\b",
    r"\b(?:weakness|numbness) (?:in|of|down) (?:his|her|my|their|the|one) (?:right |left )?(?:arm|leg|side|hand)\b")
LIMB_CANT = term(
    "can't lift an arm",
    rf"\b(?:can't|couldn't|unable to|can barely|can hardly) (?:lift|raise|move|hold up|feel|use|grip with) (?:(?:his|her|"
    rf"my|their|the|both|one|either) )?(?:the )?{BODY_SIDE}(?:arm|arms|leg|legs|hand|hands|side)\b",
    r"\b(?:arm|hand|leg)s? (?:won't|will not|can't) (?:grip|move|work|lift|hold)\b",
    r"\bone (?:arm|side) (?:is |keeps )?(?:falling|drifting|dropping)(?: down)?\b",
    r"\b(?:arm|arms) (?:is |are |keeps )?(?:falling|drifting|dropping) down\b",
    r"\b(?:can't|cannot) lift (?:the )?both arms\b",
    r"\b(?:keeps?|kept|started) dropping (?:things|stuff|his \w+|her \w+|my \w+)\b")
SPEECH = term(
    "speech slurred or jumbled",
    r"\bslurr\w*",
    r"\bspeech (?:is |has |was |seems |sounds |went |gone |has gone |is going )?(?:(?:all|very|really|suddenly|gone|"
    r"become|getting|a bit|bit|gone all) )*(?:slurred|jumbled|garbled|weird|strange|funny|odd|muddled|mixed(?: up)?|wrong|"
    r"off|thick|nonsense)\b",
    r"\bwords (?:are |is )?(?:(?:all|coming out|come out|coming|came out|keep coming out|very|really|getting|"
    r"are) ){0,3}(?:jumbled|mixed(?: up)?|muddled|garbled|wrong|slurred|nonsense|backwards|not right)\b",
    r"\b(?:can't|couldn't|unable to|struggling to|can barely) (?:get (?:his|her|my|their|the) words out|find (?:the |his |"
    r"her |my )?words|say (?:my|his|her|their|any|the) (?:name|words?)|speak (?:properly|clearly|right|straight)|"
    r"talk (?:properly|clearly|right|straight))\b",
    r"\b(?:talk|talks|talking|speak|speaks|speaking) (?:funny|strange|weird|odd|gibberish|wrong|slow and)\b",
    r"\bsaying the wrong words\b", r"\bgarbled\b", r"\bjumbled (?:words|speech)\b",
    r"\bonly (?:noise|noises|sounds) (?:come|comes|coming)\b",
    r"\b(?:words|speech|talking|voice|he|she) (?:sound|sounds|sounding|seems|seem) (?:\w+ )?(?:drunk|slurred|garbled|wrong|weird|funny)\b")
SPEECH_HARD = term("can't speak",
                   r"\b(?:can't|couldn't|can hardly|can barely|hardly|barely|struggling to|trouble|difficulty|hard to|"
                   r"unable to) (?:speak|talk)(?:ing)?\b",
                   unless=r" (?:highly|well|enough|english|french|spanish|polish|urdu|the language|to (?:anyone|anybody|my|"
                   r"him|her|them|you|people|the|a)|about|with|on the phone|for long|loudly|in public)\b")
SPEECH_LOST = term("can't understand speech",
                   r"\b(?:not|doesn't|does not|don't|can't) understand (?:what|anything) (?:i|we|you|anyone) (?:say|said|"
                   r"am saying|are saying)\b",
                   absence=True)
VISION_LOST = term(
    "sudden loss of vision",
    r"\b(?:sudden(?:ly)? )?(?:lost|loss of|losing|lose) (?:the |my |his |her |all |some )?(?:vision|sight|eyesight)\b",
    r"\b(?:vision|sight|eyesight) (?:has |is |just |suddenly )*(?:gone|went|going) (?:black|dark|blank)\b",
    r"\bsudden(?:ly)? (?:[\w']+ )?(?:double|blurred|blurry) vision\b", r"\bsudden(?:ly)? (?:can't|cannot) see\b",
    r"\b(?:can't|cannot) see (?:out of|from|anything|at all)\b", r"\bgone blind\b", r"\bsudden(?:ly)? blind\b",
    r"\b(?:dark |black )?(?:curtain|shadow|veil) (?:coming |came |come |comes |is coming |moving |spreading |has come )?(?:across|over|"
    r"down)\b",
    r"\bdark curtain\b")
BLURRED = term("double or blurred vision", r"\b(?:double|blurred|blurry|cloudy) vision\b", r"\bseeing double\b",
               r"\bsee(?:ing)? (?:two|2) of everything\b",
               r"\bvision (?:is |has gone |went |going )?(?:blurry|blurred|double|funny|weird)\b")
BALANCE = term("loss of balance",
               r"\b(?:lost (?:my|his|her|their) balance|staggering|stumbling|falling over|off balance|unsteady on (?:my|"
               r"his|her) feet)\b",
               r"\b(?:can't|cannot|couldn't) (?:walk|stand) (?:straight|properly|up)\b",
               r"\b(?:room|everything) (?:is )?spinning\b",
               r"\b(?:walking|walks) like (?:i'm|he's|she's|i am) drunk\b")
STROKE_NAMED = term(
    "having a stroke",
    r"\b(?:having|has had|'s had|is having|has|having had) (?:a |another )?(?:stroke|mini[- ]?stroke|tia)\b",
    r"\b(?:this|it|that) (?:is|'s|could be|might be|must be|looks like|feels like|seems like) (?:a |another )?(?:stroke|"
    r"mini[- ]?stroke|tia)\b",
    r"\bstroke (?:right now|happening)\b")
STROKE = rule("emergency",
"stroke", FACE_DROOP, FACE_STILL, LIMB_WEAK, LIMB_CANT, SPEECH, SPEECH_HARD, SPEECH_LOST, VISION_LOST,
              STROKE_NAMED, (BLURRED, one_of(BALANCE, SUDDEN)), (BALANCE, SUDDEN), SUDDEN_CONFUSION)

# --- 2. Heart attack ------------------------------------------------------------------------------------
# docs/red-flags.md section 2: NHS "Heart attack - symptoms" (copy at
# https://hedgegrailpharmacy.co.uk/nhs_conditions_heart-attack_symptoms), NHS "Chest pain" (copy at
# https://chartermedicalcentre.co.uk/chest-pain), HSE Ireland chest pain, AHA signs (cardiosmart.org).
# Chest pain, pressure, heaviness or tightness; pain spreading to the arm, jaw, neck or back, which can
# come without chest pain, with sweating, sickness, breathlessness or light-headedness; GTN not helping.
CHEST_PAIN = term(
    "chest pain",
    r"\bchest (?:is |has been |'s |keeps |feels )?(?:crushing|squeezing|crushed|squeezed|hurting|aching|pounding|burning|paining|"
    r"tightening)\b",
    r"\bchest (?:pains?|hurts?|hurting|is hurting|pressure|tightness|discomfort|heaviness|ache|aches|aching|is (?:so |"
    r"very |really )?(?:tight|heavy|burning|sore|painful|killing)|feels? (?:(?:very|really|so|a bit|quite|weird|"
    r"all) )*(?:tight|heavy|crushed|crushing|squeezed|squeezing|burning|weird|strange|like))\b",
    r"\b(?:pain|pains|pressure|tightness|weight|squeezing|heaviness|burning|crushing|discomfort|ache|band|vice) (?:in|on|"
    r"across|around|round|of|through) (?:the |my |his |her |their )?(?:middle of (?:the |my |his |her )?|centre of (?:my |the |"
    r"his |her )?|center of (?:my |the |his |her )?)?chest\b",
    r"\b(?:tight|heavy|crushing|sore|painful|tightening) chest\b", r"\bcrushing (?:pain|feeling)\b",
    r"\bheart pains?\b",
    r"\b(?:clutching|holding|grabbing|gripping) (?:at )?(?:his|her|my|their) (?:chest|heart)\b",
    r"\blike (?:an elephant|a (?:heavy )?weight|someone|a band|a vice) (?:is )?(?:sitting|standing|stood|sat|on|round|around|squeezing|pressing)\b")
SPREADING_PAIN = term(
    "pain spreading to arm, jaw or back",
    r"\b(?:pain|ache|aching|pressure|tingling|numbness|discomfort|it|its|it's)\b (?:[\w']+ ){0,3}(?:going|spreading|"
    r"radiating|shooting|moving|travelling|traveling|goes|spreads) (?:[\w']+ ){0,2}(?:arm|arms|jaw|neck|back|shoulder|"
    r"shoulders)\b",
    r"\b(?:spreading|radiating|going|shooting) (?:down|into|up|to) (?:my |his |her |the |their )?(?:left |right )?(?:arm|arms|jaw|neck|back|shoulder)\b")
ATYPICAL_PAIN = term(
    "jaw, arm or upper back pain",
    r"\b(?:jaw|jaws) (?:hurts?|aches?|aching|pain|is sore|is painful|is hurting)\b",
    r"\b(?:pain|pressure|ache|aching) (?:in|between|across) (?:my |his |her |the )?(?:jaw|shoulder blades|upper back|"
    r"left arm)\b",
    r"\bleft arm (?:[\w']+ ){0,2}(?:hurts|aches|tingling|tingly|numb|heavy|pain)\b", r"\bupper back and jaw\b")
ANGINA_NOT_EASING = term(
    "angina not easing",
    r"\b(?:gtn|nitro\w*|spray|angina (?:spray|tablets?))\b (?:[\w']+ ){0,4}(?:no help|not helping|isn't helping|"
    r"hasn't helped|didn't help|not working|isn't working|no better|no difference|twice)\b", absence=True)
HEART_NAMED = term(
    "having a heart attack",
    r"\b(?:having|has|is having|'s having|had) (?:a |another )?heart attack (?:right now|now)\b",
    r"\b(?:having|is having|'s having) (?:a |another )?heart attack\b",
    r"\b(?:this|it|that) (?:is|'s|could be|might be|must be|feels like|seems like) (?:a |another )?heart attack\b",
    r"\bfeels? (?:the same|like) (?:as )?(?:my |a |the |last )?(?:last )?heart attack\b", r"\bin cardiac arrest\b",
    r"\bheart (?:has )?stopped\b", unless=r" (?:working|work|beating for)\b")
HEART_ATTACK = rule("emergency", "heart attack", CHEST_PAIN, HEART_NAMED, ANGINA_NOT_EASING,
                    (SPREADING_PAIN, one_of(SWEATY, NAUSEA, VOMITING, BREATHLESS, PALE, FAINT)),
                    (ATYPICAL_PAIN, AtLeast(1, (SWEATY, NAUSEA, VOMITING, BREATHLESS, PALE, FAINT))))
# The ACEP warning signs (docs/red-flags.md, cross-cutting lists): a fast heartbeat at rest with
# breathlessness or faintness.
RACING_HEART = rule("emergency", "racing heart with faintness", (FAST_HEART, one_of(FAINT, BREATHLESS, COLLAPSED)))
# ... and a very slow heartbeat with fainting, breathlessness or chest pain (docs/red-flags.md section
# 26: NICE on symptomatic bradycardia; emergency care for fainting or chest pain).
SLOW_HEART = term("slow heartbeat",
                  r"\b(?:pulse|heart ?rate|heartbeat|heart) (?:is |has been |keeps )?(?:going |beating |dropping |dropped )?(?:(?:very|"
                  r"really|so|dangerously|super|too) )?(?:slow|slowly|low)\b",
                  r"\b(?:pulse|heart ?rate|heartbeat) (?:is |was |has |keeps )?(?:of |at |down to |dropped to |dropping to |around |"
                  r"about |only |just |like )?(?:[1-3]\d|4[0-4])(?: ?bpm)?\b")
FAINTING = term("fainting", r"\b(?:fainting|faints|fainted|passing out|blacking out|passed out|blacked out)\b")
SLOW_HEART_FAINTING = rule("emergency", "slow heart with fainting",
                           (SLOW_HEART, one_of(FAINTING, FAINT, COLLAPSED, BREATHLESS, CHEST_PAIN)))

# --- 3. Breathing difficulty, adults and children ------------------------------------------------------
# docs/red-flags.md section 3: NHS "Shortness of breath" (copy at
# https://torbayandsouthdevonenhancedaccess.nhs.uk/health-a-z/?condition=shortness-of-breath%2F),
# Asthma + Lung UK "When should I call 999 about my child's breathing?"
# (https://www.asthmaandlung.org.uk/conditions/signs-breathing-problems-children/when-should-i-call-999-about-my-childs-breathing),
# BLF "When to call 999". Gasping, can't get words out, lips blue or grey; in children ribs sucking in,
# grunting, nostrils flaring, too breathless to feed, breathing much faster; an asthma reliever not working.
HARD_TO_BREATHE = term(
    "struggling to breathe",
    r"\b(?:can't|couldn't|unable to|struggling to|struggle to|fighting to|hard to|difficult to|trouble|difficulty|"
    r"difficulties|problems?|hardly|barely|can barely|can hardly|can't really|finding it hard to|"
    r"find it hard to) (?:properly |really |to )?(?:breath\w*|get (?:any |enough |some )?(?:air|a breath|breath|(?:his|"
    r"her|my|their) breath))\b",
    r"\bbreathing (?:problems|difficulties|difficulty|trouble)\b",
    r"\b(?:breathing|breath|breaths) (?:is |are |has |seems |feels |sounds |looks |got )?(?:(?:really|very|so|getting|"
    r"become|became|gone|more|much|quite|all|a lot) ){0,2}(?:difficult|hard|harder|laboured|labored|shallow|fast|faster|"
    r"rapid|quick|noisy|rattly|rattling|raspy|funny|weird|strange|odd|wheezy|weak|slow|irregular|gaspy|short)\b",
    r"\bgasp\w*", r"\bstruggling (?:for|to get) (?:air|breath|a breath)\b",
    r"\bbreath(?:e|es|ing) (?:(?:really|very|so) )?(?:fast|quick|quickly|rapid|rapidly|shallow|noisy|strange|funny|weird)\b", r"\bfighting for (?:air|breath)\b",
    r"\b(?:too|so) breathless to\b",
    r"\b(?:can't|couldn't) (?:talk|speak|finish) (?:in )?(?:full |whole )?(?:sentences|a sentence|a word|words)\b",
    r"\b(?:barely|hardly) (?:speak|talk) between breaths\b",
    r"\b(?:can't|couldn't) (?:get|take) (?:a )?(?:deep |full |proper )?breath\b",
    r"\b(?:can only|only able to|only) (?:say|speak|get out|manage) (?:a few|one or two|two|single|short) words\b",
    r"\bpanting\b", r"\bsuffocat\w*", r"\bcan't get air in\b")
NOT_BREATHING = term(
    "not breathing",
    r"\b(?:not|isn't|aren't|wasn't|stopped|stops|stopping|no longer|hasn't been|doesn't seem to be|don't think (?:he|she|"
    r"they|it)(?:'s| is| are)) breathing\b", r"\bno (?:breathing|breath|pulse|heartbeat)\b",
    r"\b(?:not|isn't|can't|no|don't|doesn't) breath\w* (?:good|well|properly|normal|normally|right|ok)\b", r"\bpauses in (?:his|her|"
    r"their) breathing\b",
    r"\bbreathing (?:has )?stopped\b", unless=r" (?:problems?|difficult\w*|trouble|issues?)\b", absence=True)
CHILD_BREATHING = term(
    "child working hard to breathe",
    r"\bribs? (?:are |is )?(?:sucking|pulling|caving|going|sinking) in\b",
    r"\b(?:sucking|pulling|caving|sinking) in (?:under|between|below|around) (?:the |his |her |their )?(?:ribs|ribcage|"
    r"rib cage|neck)\b",
    r"\bskin (?:between|under) (?:the |his |her |their )?ribs (?:is )?(?:pull|pulls|pulling|suck|sucks|sucking)\b",
    r"\btummy (?:is )?(?:sucking|pulling) in\b", r"\bgrunting\b", r"\bnostrils? flar\w*",
    r"\bhead (?:bobbing|nodding) (?:with|when)\b",
    r"\b(?:high[- ]pitched|whistling|squeaky|crowing|wheezy|rasping) (?:noise|sound|breathing|breath)\w*",
    r"\bstridor\b", r"\bbarky cough (?:[\w']+ ){0,3}(?:worse|struggling|drooling)\b")
WHEEZE = term("wheezing", r"\bwheez\w*")
RELIEVER_FAILING = term(
    "reliever inhaler not working",
    r"\b(?:inhaler|reliever|puffer|nebuli[sz]er)s? (?:isn't|is not|not|aren't|doesn't|does not|didn't|hasn't|"
    r"has not) (?:[\w']+ )?(?:working|helping|help|work|helped|doing anything)\b",
    r"\b(?:inhaler|reliever|puffer) (?:is )?(?:empty|run out|ran out)\b",
    r"\b(?:\d\d|ten|several|many|lots of) puffs\b",
    r"\b(?:inhaler|reliever|puffer|nebuli[sz]er)\b[^.?!]{0,60}\b(?:isn't|is not|not|doesn't|does not|didn't|hasn't) (?:helping|"
    r"working|helped|worked|doing anything)\b",
    r"\bused (?:my |his |her |the )?(?:blue |reliever )?(?:inhaler|puffer) (?:about |like |over )?(?:\d\d|ten|\d+ times)\b", absence=True)
ASTHMA_ATTACK = term("severe asthma attack", r"\b(?:bad|severe|serious|major|really bad|terrible) asthma attack\b")
SWALLOWING = term("can't swallow",
                  r"\b(?:can't|couldn't|unable to|struggling to|trouble|difficulty|can barely|can hardly|barely|hardly|"
                  r"not able to) (?:properly )?swallow\w*", r"\bdifficult(?:y|ies) (?:with )?swallow\w*")
BREATHING = rule("emergency",
"trouble breathing or swallowing", HARD_TO_BREATHE, SWALLOWING, NOT_BREATHING, CHILD_BREATHING, RELIEVER_FAILING,
                 ASTHMA_ATTACK, BREATHLESS, BLUE, (WHEEZE, one_of(DROWSY, PALE, BLUE, FAINT, CHILD)))

# --- 4. Choking -------------------------------------------------------------------------------------
# docs/red-flags.md section 4: NHS "Choking" (copy at http://www.iftrouble.com/firstaid/Choking-adults),
# St John Ambulance choking child (http://sja.org.uk/sja/first-aid-advice/first-aid-for-parents/choking-advice-for-parents/choking-child.aspx).
# Can't speak, cry, cough or breathe; clutching the throat; back blows not working.
CHOKING_NOW = term(
    "choking",
    r"\bchok(?:ing|ed|es)\b",
    r"\b(?:something|food|it|a \w+|a piece of \w+|a bit of \w+) (?:is |got |has got |'s )?stuck in (?:his|her|my|their|"
    r"the) (?:throat|windpipe|airway)\b",
    r"\b(?:clutching|grabbing|holding) (?:at )?(?:his|her|my|their) (?:throat|neck)\b",
    r"\bback blows (?:[\w']+ ){0,2}(?:not working|aren't working|didn't work|haven't worked|no good)\b",
    r"\bno sound (?:is )?(?:coming|comes) out\b")
GAGGING = term("gagging", r"\bgag(?:ging|ged)\b")
CHOKING = rule("emergency", "choking", CHOKING_NOW, (GAGGING, one_of(FLOPPY, BLUE, HARD_TO_BREATHE)))

# --- 5. Anaphylaxis ---------------------------------------------------------------------------------
# docs/red-flags.md section 5: NHS "Anaphylaxis" (copy at https://iftrouble.com/firstaid/Anaphylaxis),
# NHS "Allergies" (https://developer.api.nhs.uk/widgets/condition/?condition=/conditions/allergies/),
# NHS Healthier Together allergic reaction. Swollen throat or tongue, a tight throat, a hoarse voice,
# hard to swallow, wheeze, feeling faint, collapse; lips and face swelling fast with any of these.
# Lips or face swelling alone, or a rash alone, is not an emergency there (GP or 111 today).
THROAT_SWELLING = term(
    "throat or tongue swelling",
    r"\b(?:throat|tongue|airway|windpipe)s? (?:is |are |feels? |feeling |getting |has |have |seems |looks |went |gone |"
    r"going |keeps )?(?:(?:all|really|very|so|a bit|kind of|like it's|like its|like it is|starting to|started|getting|"
    r"becoming|going) ){0,2}(?:swell\w*|swollen|closing(?: up)?|closed|tight|tightening|thick|huge|big|blocked|"
    r"narrow\w*)\b",
    r"\b(?:swollen|swelling|tight|closing|tightening) (?:throat|tongue)\b",
    r"\btight(?:ness)? in (?:my |his |her |the |their )?throat\b")
FACE_SWELLING = term(
    "lips or face swelling",
    r"\b(?:lips?|face|eyes?|eyelids?|mouth|cheeks?|head)\b (?:(?:and|&) (?:[\w']+ ){0,2})?(?:is |are |has |have |seems |"
    r"looks |getting |gone |went |started |starting |keep |keeps )?(?:(?:all|really|very|so|up|fast|quickly|rapidly|"
    r"massively|badly|to) ){0,2}(?:swell\w*|swollen|puff\w*|blown up|blew up|balloon\w*)\b",
    r"\b(?:swollen|swelling|puffy) (?:lips?|face|eyes?|mouth|tongue)\b",
    r"\bswelling (?:of|in|on) (?:his|her|my|the|their) (?:face|lips?|eyes?)\b",
    r"\beyes? (?:are |is )?(?:puffed|swollen) (?:up )?shut\b")
HOARSE = term("voice hoarse or weak",
              r"\bvoice (?:is |has |going |gone |went |getting |becoming |sounds )?(?:(?:all|really|very|so) )?(?:hoarse|"
              r"croaky|weak|weird|strange|funny|faint|quiet|gone|raspy|husky)\b",
              r"\b(?:lost|losing) (?:my|his|her|their) voice\b", r"\bhoarse\b")
SWALLOWING_HARD = term("hard to swallow", r"\b(?:hard|difficult|painful) to swallow\b", r"\bgoing down the wrong way\b",
                       r"\bchoking on (?:his|her|my|their) (?:food|drink|spit|saliva|water)\b",
                       r"\b(?:drooling|dribbling)\b")
HIVES = term("hives all over", r"\b(?:hives|welts|urticaria)\b", r"\brash (?:all over|everywhere|spreading)\b",
             r"\bcovered in (?:a |red )?(?:rash|hives|spots|blotches|lumps)\b", r"\b(?:blotchy|itchy|red) all over\b")
ALLERGY_TRIGGER = term(
    "something that causes allergies",
    r"\b(?:stung|sting|stings|bee|wasp|hornet|allergic|allergy|allergies|peanuts?|nuts?|satay|prawns?|shellfish|seafood|"
    r"sesame|egg|eggs|kiwi|milk|antibiotics?|penicillin|amoxicillin|hair dye|infusion|contrast|latex)\b",
    r"\b(?:ate|eaten|eating|new) (?:[\w']+ ){0,3}(?:medicine|medication|tablets?|cream|dye|antibiotic|food|restaurant|"
    r"takeaway)\b",
    r"\b(?:after|since) (?:the |my |his |her )?(?:injection|jab|shot|filler|botox|vaccine|vaccination)\b", setting=True)
ADRENALINE_USED = term(
    "adrenaline given",
    r"\b(?:used|gave|give|given|giving|jabbed|injected|did|done|administered|had to use) (?:[\w']+ ){0,3}(?:epipen|"
    r"adrenaline|auto[- ]?injector|jext|emerade)\b")
ANAPHYLAXIS_NAMED = term(
    "severe allergic reaction",
    r"\banaphyla\w*", r"\b(?:going into|gone into|in) (?:anaphylactic )?shock\b",
    r"\b(?:having|is having|'s having|getting|i'm having|severe|serious|bad|major) (?:an? )?(?:severe |bad |serious |"
    r"major )?allergic reaction\b", r"\bsevere allergic\b")
# The NHS "Allergies" page also lists a rash that is blistered or peeling under 999; with a fever or
# blisters in the mouth after a new medicine it is a severe drug reaction (section 5).
SKIN_PEELING = term("skin peeling or blistering", r"\bskin (?:is )?(?:peeling|coming|falling) off\b",
                    r"\bpeeling (?:off )?in sheets\b",
                    r"\bblisters? (?:in|inside|on) (?:my|his|her|the|their) (?:mouth|lips|eyes|genitals)\b",
                    r"\b(?:blistering|peeling) (?:rash|skin) (?:all over|everywhere|spreading)\b")
ANAPHYLAXIS = rule(
    "emergency", "severe allergic reaction", THROAT_SWELLING, ANAPHYLAXIS_NAMED, ADRENALINE_USED,
    (FACE_SWELLING, one_of(ALLERGY_TRIGGER, HIVES, WHEEZE, HOARSE, SWALLOWING, SWALLOWING_HARD, FAINT, VOMITING, FLOPPY)),
    (HIVES, one_of(WHEEZE, FAINT, HOARSE, SWALLOWING_HARD, FLOPPY, COLLAPSED)),
    (ALLERGY_TRIGGER, AtLeast(2, (WHEEZE, FAINT, SWALLOWING, SWALLOWING_HARD, HOARSE, HIVES))),
    (SKIN_PEELING, one_of(FEVER, ALLERGY_TRIGGER)))

# --- 6. Severe bleeding, vomiting or coughing blood ------------------------------------------------------
# docs/red-flags.md section 6: St John Ambulance "Severe bleeding"
# (https://www.sja.org.uk/get-advice/first-aid-advice/bleeding/severe-bleeding/), NHS 111 Wales "Vomiting
# blood" (https://111.wales.nhs.uk/Encyclopaedia/v/article/vomitingblood), nhs.uk "Coughing up blood"
# (http://nhs.uk/conditions/coughing-up-blood/pages/introduction.aspx). Blood spurting or pouring, not
# stopping with pressure, soaking through; vomiting blood or "coffee grounds"; coughing up more than
# streaks; black, tarry poo with feeling faint.
HEAVY_BLEEDING = term(
    "bleeding heavily",
    r"\b(?:bleeding|blood|bleeds|bleed) (?:is |are |has been |keeps )?(?:(?:really|very|so|quite|still) )?(?:heavily|"
    r"heavy|a lot|lots|loads|badly|profusely|like crazy|everywhere|all over|non ?stop)\b",
    r"\b(?:heavy|heavily|severe|severely|massive|uncontrol\w*|lots of|so much|much|too much|very much|loads of|a lot of|huge amounts? of|"
    r"pints of) (?:bleeding|blood|bleed)\b",
    r"\bblood (?:is )?(?:(?:still|just|everywhere) )?(?:pouring|gushing|spurting|pumping|squirting|pulsing|streaming|"
    r"running down)\b",
    r"\b(?:pouring|gushing|spurting|pumping|squirting|pulsing|spraying) (?:out )?(?:blood|in spurts|everywhere)\b",
    r"\b(?:soak\w*|drenched) (?:through )?(?:\d+|two|three|a|the|several|multiple|my|his|her)? ?(?:towels?|pads?|"
    r"bandages?|dressings?|tea towels?|tissues)\b",
    r"\bsoaking (?:through )?a pad (?:every|an|in)\b", r"\bblood everywhere\b",
    r"\btoilet (?:bowl )?(?:is )?full of blood\b",
    r"\bpassing (?:big |large )?clots\b", r"\bbleed\w*\b[^.?!]{0,30}\b(?:lots|loads|a lot) of it\b")
BLEEDING_WONT_STOP = term(
    "bleeding that won't stop",
    r"\b(?:bleed\w*|blood|nosebleed|cut|wound)\b (?:[\w']+ ){0,3}(?:won't|will not|doesn't|does not|isn't|is not|not|"
    r"can't|hasn't|has not|still hasn't|still won't|never) (?:[\w']+ )?stop\w*",
    r"\b(?:won't|can't|cannot|couldn't) stop (?:the |his |her |my )?bleed\w*",
    r"\bnosebleed (?:for|that has lasted|lasting) (?:over |more than )?(?:an hour|\d+ (?:minutes|hours)|half an hour)\b",
    r"\b(?:nose|it|he|she|wound|cut) (?:has been |have been |'s been |keeps |is still |been )?bleed\w* (?:for|over) (?:over |more than |about )?"
    r"(?:an hour|\d+ hours|half an hour|[2-9]\d minutes)\b", absence=True)
VOMITED_BLOOD = term(
    "vomiting blood",
    r"\b(?:vomit\w*|throw\w* up|threw up|being sick|been sick|puk\w*|bring\w* up|brought up) (?:up )?(?:(?:lots of|"
    r"a lot of|loads of|bright red|dark|fresh|some|what looks like|what look like|like) ){0,2}(?:blood|coffee grounds)\b",
    r"\bcoffee[- ]ground\w*", r"\b(?:vomit\w*|throw\w* up|threw up|sick)\b (?:[\w']+ ){0,3}(?:like|looks like|looking like) coffee\b", r"\bblood in (?:my|his|her|the) (?:vomit|sick)\b",
    r"\bvomit (?:is |has |with )?(?:full of )?(?:blood|bloody)\b",
    r"\bsick (?:up )?blood\b")
COUGHED_BLOOD = term(
    "coughing up blood",
    r"\bcough\w* (?:up )?(?:(?:lots of|a lot of|loads of|bright red|fresh|cupfuls of|mouthfuls of) )?blood\b",
    r"\bspit\w* (?:out |up )?(?:(?:lots of|a lot of|loads of|fresh|bright red) )*(?:blood|clots)\b")
BLACK_STOOL = term("black tarry poo",
                   r"\b(?:poo|stool|stools|poop|bowel movements?)\b (?:[\w']+ ){0,3}(?:black|tarry|like tar)\b",
                   r"\bblack (?:and )?(?:sticky |tarry )?(?:poo|stool|stools|poop)\b")
RECTAL_BLEEDING = term("bleeding from the bottom",
                       r"\bbleed\w* from (?:my|his|her|the) (?:bum|back passage|bottom|rectum|anus)\b",
                       r"\bblood (?:from|in) (?:my|his|her|the) (?:bum|back passage|bottom|rectum)\b")
OPEN_WOUND = term("deep wound",
                  r"\b(?:wound|cut|stitches|incision|scar) (?:has |have )?(?:burst|split|come|ripped|torn|opened) (?:open)?\b",
                  r"\bdeep (?:cut|wound|gash)\b", r"\bgaping\b")
BLOOD = term("blood", r"\b(?:blood|bleeding|bleed|bled|bloody)\b")
BLEEDING = rule("emergency", "severe bleeding", HEAVY_BLEEDING, BLEEDING_WONT_STOP, VOMITED_BLOOD, COUGHED_BLOOD,
                (BLACK_STOOL, FAINT), (RECTAL_BLEEDING, one_of(FAINT, HEAVY_BLEEDING)), (OPEN_WOUND, BLOOD))

# --- 7. Unconscious, won't wake -----------------------------------------------------------------------
# docs/red-flags.md section 7 and the cross-cutting 999 lists: British Red Cross "Unresponsive and
# breathing" (https://www.redcross.org.uk/first-aid/learn-first-aid/unresponsive-and-breathing), SWASFT
# "When to call 999" (https://www.swast.nhs.uk/when-to-call-999), NHS "seriously ill child" (won't
# wake, floppy: https://hackneyandcityhealthvisiting.nhs.uk/your-childs-health/when-and-where-to-seek-help-nc/).
UNCONSCIOUS = rule("emergency",
"unconscious or unresponsive", UNRESPONSIVE, HARD_TO_WAKE, COLLAPSED, FLOPPY, SUDDEN_CONFUSION,
                   (NONSENSE, SUDDEN))

# --- 8. Seizure now ----------------------------------------------------------------------------------
# docs/red-flags.md section 8: Epilepsy Society "When to dial 999" (https://www.epilepsysociety.org.uk/when-dial-999),
# Epilepsy Action, NHS "What to do if someone has a seizure". A fit happening now, a first fit, one after
# another, more than 5 minutes.
SEIZURE_NOW = term(
    "seizure",
    r"\b(?:having|had|has had|has just had|just had|is having|'s having|started having|gone into|went into|another|first|"
    r"first ever|in the middle of) (?:a |an |another |her |his |their |my )?(?:first |big |bad |massive |prolonged |"
    r"long )?(?:seizures?|fits?|convulsions?|grand mal)\b",
    r"\b(?:seizing|convulsing|convulsions?|convulsed)\b",
    r"\b(?:shaking|jerking|twitching|thrashing) (?:all over|uncontrollably|violently|and jerking|and shaking|"
    r"and twitching|on one side|everywhere|(?:his |her |the |their )?whole body)\b",
    r"\bjerk(?:ing|s) (?:[\w']+ ){0,2}(?:arms?|legs?|body|on one side)\b",
    r"\beyes (?:are |have )?(?:rolling|rolled)(?: back| up)?\b", r"\bfoam\w* (?:at|from) (?:the |his |her |their )?mouth\b",
    r"\b(?:have|has) (?:a |an )?(?:seizure|fit|convulsion)\b",
    r"\b(?:body|whole body) (?:went|go|goes|is|has gone) (?:stiff|rigid)\b",
    r"\bseizures? (?:right now|now|won't stop|for|lasting|has lasted|going on|in a row)\b",
    r"\b(?:two|three|\d+) seizures in a row\b",
    unless=r" of (?:coughing|laughter|laughing|rage|giggles|sneezing|pique|temper|jealousy)\b")
FITTING = term("fitting", r"\bfitting\b",
               unless=r" (?:room|rooms|in|appointment|for|into|together|the|a|my|your|well|perfectly|nicely|service|of)\b")
# Over five minutes, or not stopping (Epilepsy Society: 999 if a seizure lasts more than 5 minutes).
SEIZURE_LONG = term("a long seizure",
                    r"\b(?:fitting|seizing|shaking|jerking|convulsing|twitching) (?:for|over) (?:more than |over |about |nearly |"
                    r"almost )?(?:\d+|two|three|four|five|six|ten|a few|several) minutes\b",
                    r"\b(?:fit|fitting|seizure|seizing|convulsion|convulsing)\b (?:[\w']+ ){0,3}(?:won't|will not|isn't|is not|not|"
                    r"doesn't|does not|hasn't) (?:[\w']+ )?stop\w*", absence=True)
SEIZURE = rule("emergency", "seizure", SEIZURE_NOW, FITTING, SEIZURE_LONG)

# --- 9. Thunderclap headache -------------------------------------------------------------------------
# docs/red-flags.md section 9: NHS "Headaches" (copy at http://outuk.com/content/general/gay-health/index.php?a=1&num=-117),
# Bracknell NHS information (http://www.myhealthbracknell.info/home/i-am-ill/other/headaches/): a sudden,
# extremely painful headache, the worst ever, "like being hit on the head", peaking within seconds.
WORST_HEADACHE = term(
    "worst headache ever",
    r"\b(?:worst|most painful|most severe|most intense) (?:headache|head pain|migraine|pain in (?:my|his|her) head)\b",
    r"\b(?:headache|head pain|pain in (?:my|his|her|the) head)\b (?:[\w']+ ){0,6}(?:worst|10/10|10 out of 10|"
    r"never had anything like|never felt anything like|unbearable|excruciating)\b",
    r"\b(?:headache|head pain)\b[^.?!]{0,30}\bworst (?:of (?:my|his|her) life|ever|i've ever had|pain)\b", r"\bthunderclap\b",
    r"\b(?:like (?:being|been|i've been|i was|i got|getting) )?hit (?:on|in|over|with) (?:the head|a (?:bat|hammer|brick|"
    r"baseball bat|cricket bat))\b")
SUDDEN_HEADACHE = term(
    "sudden severe headache",
    r"\bsudden(?:ly)? (?:[\w']+ ){0,2}(?:severe|terrible|excruciating|explosive|blinding|splitting|agonising|agonizing|"
    r"crushing|intense|violent|horrendous|massive|awful|unbearable|worst|horrible|bad|strong|huge) (?:headache|head pain|pain (?:in|"
    r"at) (?:the back of )?(?:my|his|her|the) head)\b",
    r"\b(?:headache|head pain)\b (?:[\w']+ ){0,3}(?:came on|hit|started|came|began|struck) (?:[\w']+ ){0,2}(?:suddenly|"
    r"in seconds|in a second|instantly|out of nowhere|like a|all of a sudden|within seconds|in a split second)\b",
    r"\b(?:headache|head pain) (?:out of nowhere|out of the blue)\b",
    r"\b(?:grabbed|clutching|holding|clutched|grabbing) (?:her|his|my|their) head (?:[\w']+ ){0,2}(?:screaming|in agony|in pain|crying)\b")
HEADACHE_EMERGENCY = rule("emergency", "sudden severe headache", WORST_HEADACHE, SUDDEN_HEADACHE)

RULES = (STROKE, HEART_ATTACK, RACING_HEART, SLOW_HEART_FAINTING, BREATHING, CHOKING, ANAPHYLAXIS, BLEEDING, UNCONSCIOUS, SEIZURE, HEADACHE_EMERGENCY)
