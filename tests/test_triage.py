"""Triage verdicts: every red-flag rule with its own true alarms and false alarms, the context rules
(who and when), the respelling and layout of a message, the finder's shortcut, small talk, and the
replies the bot gives."""

from __future__ import annotations

import pytest

from qa_bot.analysis import fold
from qa_bot.config import Config
from qa_bot.triage import RULES, red_flags, triage
from qa_bot.triage.context import Context, clear
from qa_bot.triage.lexicon import Finder
from qa_bot.triage.rules import SIGN_FINDER, TERMS
from qa_bot.triage.smalltalk import _spellings, is_smalltalk
from qa_bot.triage.text import Layout, ascii_bytes, respell

URGENT = ("emergency", "crisis")

# Each rule: (reason, messages it must flag, messages with its words that must not be flagged).
# Written for these tests, in other words than tests/questions/triage-cases.jsonl.
RULE_CASES = [
    ("suicidal thoughts",
     ["I want to end my life", "i'm going to end my life tonight", "I've been thinking about killing myself",
      "I don't want to live anymore", "sometimes I feel suicidal", "I'd be better off dead", "I feel like ending it all",
      "i dont see the point in going on", "life isn't worth living anymore", "I can't go on anymore",
      "thinking about taking all my pills", "i wish i was dead", "im planning to end it", "i see no point carrying on anymore",
      "no point going on", "what is the point of living", "my brother said he wants to end it all and he's not answering",
      "everyone would be better off if i wasn't here", "I've been saving up my tablets and I'm going to take them all tonight",
      "my teenage daughter has sent me a goodbye text and isn't picking up", "i'm standing on the bridge",
      "no one would miss me if i was gone",
      "i can't keep myself safe tonight", "my migraines are so bad i want to die"],
     ["I can't go on like this with my back pain, would botox help", "what's the point of botox if it wears off",
      "theres no point carrying on with the physio, could botox help my back", "no point going on with the tablets if they do nothing",
      "im not suicidal, just tired of my frown lines", "suicide prevention training for staff", "what is the suicide hotline number",
      "if i ever feel suicidal who do i call", "my friend is always saying she wants to die of embarrassment lol",
      "I'm going to kill my brother, he ate my chocolate", "say goodbye to frown lines with our new treatment?"]),
    ("self-harm",
     ["I want to hurt myself", "i've cut myself really deep and it won't stop bleeding", "i'm hurting myself right now",
      "she's been cutting her arms again tonight"],
     ["i used to self harm, can you treat scars", "my book club is reading a memoir about self-harm"]),
    ("intentional overdose",
     ["i took an overdose on purpose", "took a whole box of paracetamol deliberately"],
     ["what happens if someone takes too many tablets on purpose? asking for my psychology essay"]),
    ("stroke",
     ["my dad's face is drooping", "I think I'm having a stroke", "her speech is slurred words all mixed",
      "her face has dropped on the left", "one side of his face is drooping", "numbness down one side of my body",
      "he can't lift his arm", "his speech is suddenly slurred", "she is slurring and confused", "suddenly lost my sight in one eye",
      "my nan's speech went all weird at tea time and the left side of her mouth is hanging down",
      "he keeps dropping things with his right hand and his words sound drunk but he hasn't been drinking",
      "i woke up and half my face is numb and i can't lift my arm properly", "grandad is talking rubbish all of a sudden and his face looks lopsided",
      "my eyesight suddenly went black in one eye", "He can't speak and his face has dropped",
      "signs of a stroke right now, my arm went numb"],
     ["what are the symptoms of a stroke in women", "i had a stroke in 2018 and my hand is still weak, would botox help",
      "my husband had a stroke last year, he still slurs a bit, can botox help his arm", "my grandma died after a stroke, I'm scared of having one",
      "what does 'no evidence of stroke' mean on my scan report", "stroke volume on my echo was normal, what does that mean",
      "my eyelid droops a little after botox", "spasticity after a stroke years ago, can injections help the stiffness?",
      "i can't speak highly enough of my physio, but would botox help my neck", "is blurry vision a side effect of botox",
      "botox for stroke-related spasticity", "my swimming teacher says my breaststroke kick is weak"]),
    ("heart attack",
     ["I have crushing chest pain and my left arm hurts", "I think I'm having a heart attack", "MY CHEST HURTS",
      "pain in his chest and sweating", "bad chest pains since this morning", "I have a very heavy pressure on my chest and feel sick",
      "there's a weight on his chest and he is sweating", "husband grey and sweating, says pain in his chest is like a vice",
      "sharp pain between my shoulder blades, feeling sick and clammy, i'm diabetic", "my chest is killing me and my left arm is numb",
      "chest tightness and pain down my left arm for the past 30 minutes", "i think im having a heart atack"],
     ["what exactly is a heart attack", "how can i tell if someone is having a heart attack", "my dad had a heart attack 10 years ago, can he have botox",
      "my husband gets chest pain when he's stressed, the cardiologist says it's anxiety", "no chest pain or breathlessness, just a cough",
      "my chest of drawers fell on my foot", "I'm doing a presentation on heart attacks at work", "my heart skipped a beat when i saw the price",
      "i hope my husband doesn't have a heart attack when he sees the bill", "can stress cause chest pain",
      "heart failure - does that mean my heart has stopped working??", "the doctor said my chest pain was anxiety, what can help",
      "I'm scared of having a heart attack like my dad"]),
    ("racing heart with faintness",
     ["heart racing like 200 bpm right now and I feel like I'm going to faint", "my heart is racing and i'm about to pass out"],
     ["my heart races when i drink coffee, is that normal", "why do I get dizzy when I stand up"]),
    ("trouble breathing or swallowing",
     ["I'm short of breath", "my husband isn't breathing", "i cant breathe", "he isnt breathing", "cant get enough air",
      "his breathing is getting harder", "lips turning blue", "I has difficult to breathe after the botox",
      "my little boy is struggling to breathe and his tummy is sucking in under his ribs",
      "asthma getting worse, blue inhaler not helping at all, can hardly speak", "I literally cannot breathe please help",
      "he's stopped breathing what do i do", "she is having difficulties swallowing since the shot",
      "Ｉ ｃａｎ'ｔ ｂｒｅａｔｈｅ", "can botox cause trouble breathing i cant breathe right now"],
     ["can botox cause trouble swallowing?", "does botox affect breathing", "i'm not having any trouble breathing",
      "I had covid and still feel breathless sometimes", "i get short of breath walking up hills, i'm unfit",
      "my husband snores and sometimes stops breathing at night, could it be sleep apnoea",
      "my friend said botox can cause breathing problems, is that true for cosmetic doses?", "I'm dying for a cup of tea, im gasping for a cuppa"]),
    ("choking",
     ["my son is choking on a sweet and going purple", "dad choking at dinner, can't cough", "baby choked on milk and is now limp"],
     ["for my first aid exam, what are the signs of choking", "how do i stop my toddler choking on grapes",
      "I was choking on my words when the doctor asked me questions", "if someone is choking do you do back blows first",
      "I nearly choked laughing at my friend's joke lol", "i have a fear of choking when i eat, is that a phobia"]),
    ("severe allergic reaction",
     ["severe allergic reaction, my lips are swollen", "I think it's anaphylaxis", "my throat is swelling up after the shot",
      "ate prawns 10 mins ago now my tongue is swelling and i'm wheezing", "stung by a bee, my throat feels like it's closing",
      "my face and lips blew up after the new antibiotic and i feel faint", "i'm having an allergic reaction to the injection",
      "skin peeling off in sheets and blisters in my mouth after starting new tablets, high fever"],
     ["what is anaphylaxis", "my friend had an allergic reaction to botox once, how common is that",
      "the bee sting on my arm is itchy and a bit swollen, no other symptoms", "my lips are swollen after lip filler, is that normal",
      "my son has a nut allergy, what should be in his allergy action plan", "how do i use an epipen",
      "what does anaphylactoid mean", "my son's homework is about anaphylaxis"]),
    ("severe bleeding",
     ["I'm bleeding heavily and it won't stop", "blood is pouring from the cut", "bleeding that won't stop",
      "the injection site is bleeding and it won't stop", "my nose is bleeding and it's not stopping",
      "cut my leg with the chainsaw, blood is spurting everywhere", "i've been throwing up blood all morning",
      "my mum's been coughing up loads of blood", "got bitten by a dog, it's deep and bleeding heavily"],
     ["will the bleeding stop on its own after the injection?", "had a nosebleed yesterday that stopped quickly",
      "my son coughed up a bit of blood with his cold, just a streak", "how much blood loss is normal after a tooth extraction",
      "what's the best way to stop a nosebleed", "your prices are daylight robbery, im bleeding money here", "no bleeding, no pain, just spotting once"]),
    ("unconscious or unresponsive",
     ["my wife collapsed and won't wake up", "he is unconscious", "my wife wont wake up", "my mum isn't responding to me",
      "my friend collapsed at the gym and isn't responding", "tried to wake my grandmother from her nap and she's floppy and not answering",
      "my 80 year old father is suddenly confused and doesn't know where he is",
      "my friend is breathing but we can't get any response from her"],
     ["i fainted once when i had a blood test", "my son fainted at school last week, doctor said it was fine",
      "i'm scared of needles, i nearly passed out last time", "role play for our first aid course: I'm the casualty who collapses",
      "the queue at the pharmacy is not moving lol"]),
    ("seizure",
     ["he's having a fit", "she is convulsing", "my son is having a seizure and it's been 6 minutes", "my partner is fitting on the floor",
      "wife just had a fit in the shower, she's never had one before", "she's been shaking and jerking for ages and won't come round"],
     ["I had a seizure when I was 12, can I still get botox", "what should i do if my child has a seizure", "what does seizure threshold mean",
      "my daughter had a febrile seizure when she was 2, will it happen again", "my dog is having a seizure",
      "your website popups are giving me a seizure", "does botox work for spasms that fit the description of dystonia",
      "one size fits all?", "the fitting room is upstairs"]),
    ("sudden severe headache",
     ["worst headache of my life came on suddenly", "sudden severe headache out of nowhere", "sudden blinding headache",
      "headache came on in seconds", "the worst headache i've ever had came on like a bang 20 minutes ago"],
     ["what is a thunderclap headache", "i have a mild headache after my botox yesterday", "the pain is killing me, can botox help my back?",
      "this headache is killing me, just my usual one from screens"]),
    ("meningitis signs",
     ["bad headache, stiff neck and the light hurts my eyes", "my baby has a fever and purple spots that don't go away when i press a glass",
      "teenage son has a raging temperature, stiff neck and can't bear the light", "she is burning hot with a rash that won't fade with the glass test",
      "kid has bulging soft spot and won't stop the high pitched crying"],
     ["signs of meningitis in babies?", "we did the glass test and the rash faded, he's fine", "I'm worried my neck is stiff after sleeping funny",
      "she doesn't have a fever or a rash", "my baby's rash fades when i press it"]),
    ("sepsis signs",
     ["had my appendix out last week, now burning up, shaking and really confused",
      "mum has a kidney infection and now she's not making sense and has barely peed", "i'm on chemo and my temperature is 38.6",
      "since the surgery 3 days ago he is hot, confused and his heart is going really fast"],
     ["signs of sepsis in babies?", "can you get sepsis from a cut", "my baby has a cold and a runny nose but is feeding fine"]),
    ("cauda equina signs",
     ["severe back pain and i can't feel my bum and i've wet myself", "sciatica for a month, today numb between my legs and can't pee",
      "back pain and can't control my bladder"],
     ["what is cauda equina syndrome", "my back hurts from lifting, no other problems", "my back is stiff in the mornings"]),
    ("spinal injury",
     ["fell off the roof, can't move my legs", "son fell off the trampoline on his neck and now his arms are tingling",
      "mum fell down the stairs and is lying at the bottom, she says her neck really hurts and she can't feel her legs"],
     ["i can't feel my toes when it's cold, is that raynaud's", "i've had numbness in my toes for years"]),
    ("serious injury",
     ["I cut my finger off with the mandolin", "son came off his motorbike, his leg is bent the wrong way and bone is sticking out",
      "he was stabbed in the chest"],
     ["sharp stabbing pain in my knee when i climb stairs", "i feel like i've been stabbed in the back by my colleague lol"]),
    ("head injury with warning signs",
     ["my toddler banged her head and has been sick three times and is really sleepy", "dad fell and hit his head, he's on warfarin and seems confused",
      "i hit my head on a beam this morning and now i keep throwing up and my vision is blurry",
      "after a bump on the head clear watery stuff is dripping out of her nose",
      "Mum, 88, fell this morning, she's now very drowsy and not herself, she takes warfarin",
      "my mum is vomiting and has a terrible headache after falling and hitting her head"],
     ["my toddler bumped his head last week and is fine now", "bumped my head on the cupboard, no vomiting, i feel fine"]),
    ("overdose or poisoning",
     ["I overdosed on my medication", "I took way too many pain pills", "i took 30 sleeping pills", "she swallowed a whole bottle of tylenol",
      "I've taken a handful of my painkillers", "my toddler swallowed some of my pills", "my son took some of my sleeping tablets",
      "took three packets of paracetamol", "my son found my tablets and ate some", "the toddler got hold of nan's pills and swallowed them",
      "took 20 mg then ate 30 tablets", "my daughter swallowed a button battery", "the kid next door swallowed some of those laundry capsules",
      "my son 3 years he eat the tablets of his grandmother, maybe 5 or 6, what i do", "toddler eaten one of my vape refills",
      "he has taken my insulin by accident, loads of it", "bf took like 40 of his adderall",
      "my son is 2 and he drank the dishwasher soap", "my toddler found my nicotine gum and ate several pieces",
      "Our daughter (14) took a handful of pills after an argument, she says she's fine but I don't know what she took",
      "there's a chemical smell and we all feel dizzy and sick",
      "my teenage son is hallucinating and his temperature is really high after taking pills at a party"],
     ["I take 2 tablets of ibuprofen a day, can I also get botox?", "I took 10 mg of morphine for my back this morning",
      "I had 12 botox injections for my migraines", "my son took his tablets this morning, can he have botox", "my son found my tablets for me",
      "what happens if you overdose on botox", "can you overdose on botox?", "is it possible to overdose on botox",
      "how much ibuprofen is too much in a day", "what happens if you take too many antihistamines", "my friend took an overdose years ago",
      "i accidentally took my tablet twice this morning but feel fine", "is botox a poison?", "isn't botox poisonous",
      "the dog ate my ibuprofen tablets"]),
    ("diabetic emergency",
     ["my dad is diabetic and he's sweaty, confused and won't drink his juice", "blood sugar 1.9 and he's not making any sense",
      "type 1 daughter vomiting, ketones high, breathing really deep and fast", "im type 1 my sugars are 28 and im vomiting and breathing weird",
      "i'm shaking and my blood sugar is 2.2 even after eating sweets"],
     ["how do i know if i'm having a hypo", "my blood sugar is 7.2 this morning, is that ok", "i'm worried i might have diabetes, i'm always thirsty",
      "my sugar dropped to 3.8 before lunch, I had some jelly babies and it's 6.4 now and I feel fine"]),
    ("persistent vomiting",
     ["i can't stop vomiting and i'm getting confused and my heart is racing"],
     ["i think i have food poisoning, i've been sick twice but feel ok now", "my baby spits up after every feed, is that normal"]),
    ("pregnancy emergency",
     ["i'm 30 weeks pregnant and bleeding heavily", "34 weeks pregnant and haven't felt the baby move since yesterday",
      "pregnant and my waters broke at 32 weeks", "36 weeks pregnant, terrible headache and flashing lights",
      "she's 28 weeks and has really bad stomach pain and some bleeding",
      "i'm 8 weeks pregnant and the pain on my left side is unbearable, i feel faint", "my wife's waters broke and the cord is hanging out"],
     ["my waters haven't broken yet, i'm 39 weeks, when should i go in", "i'm pregnant, is it safe to have botox",
      "how do I know when I'm in labour?", "my ankles are swollen, I'm 35 weeks, bp fine", "my wife is pregnant and has mild back pain"]),
    ("severe burn",
     ["my toddler pulled a pan of boiling water over himself, skin is peeling", "husband got an electric shock from the fence and is confused",
      "got oven cleaner in my eyes and can't open them", "my son breathed in a lot of smoke and is coughing black stuff"],
     ["i burned my finger on the oven, it's a bit red", "a small blister on my hand from a burn, should i pop it", "how do i treat a minor scald",
      "what's the treatment for a burn from a hot pan"]),
    ("botulinum toxin spreading",
     ["two days after botox I feel weak all over", "my whole body feels weak since the botox",
      "since my botox injection i can't hold my head up and my speech is slurred"],
     ["can botox spread to the rest of the body", "can botox cause drooping eyelids", "is it normal to feel dizzy after botox",
      "my eyelid drooped after botox two weeks ago, will it go back", "can botox spread and cause weakness all over"]),
    ("eye emergency",
     ["got hit in the eye with a firework, it's bleeding and I can't see",
      "severe pain in my eye, vomiting, and rainbow halos around lights, my vision went blurry in the last hour"],
     ["cloudy vision and halos around headlights at night, is that cataracts?", "i have double vision sometimes when i'm tired"]),
    ("seriously ill child",
     ["newborn not feeding, no wet nappy since this morning and very sleepy", "baby is 6 weeks and has temperature 38.5",
      "our baby is 3 weeks old and hasn't fed since this morning and is very sleepy"],
     ["my baby has had a temperature but it's gone down now and she's feeding well", "how do i tell if a baby is getting dehydrated"]),
    ("slow heart with fainting",
     ["my heart rate is down to 36 and I nearly passed out on the stairs", "dad's pulse is really slow and he keeps fainting"],
     ["my resting heart rate is 45 because I cycle a lot", "can a slow heart rate cause fainting?"]),
    ("sudden testicle pain",
     ["woke up with excruciating pain in my right testicle and threw up", "my 13 year old is in agony, his scrotum is swollen and red"],
     ["is it normal to have a dull ache in the testicles after a vasectomy", "what causes severe testicle pain in teenagers"]),
    ("can't pee, with a painful bladder",
     ["grandad hasn't been able to pass urine since lunch and his lower tummy is hard and very painful"],
     ["it burns when I pee, is that an infection", "after botox for my bladder I sometimes can't pee properly, is that expected?"]),
    ("a sudden cold, pale limb",
     ["my husband's leg suddenly went cold and pale and he is in terrible pain"],
     ["my feet are often cold and white in winter, is that Raynaud's?", "what does it mean if a leg is cold and pale"]),
    ("a blow to the belly with warning signs",
     ["my daughter was kicked in the stomach by a horse and now she's very pale and feels sick",
      "he fell on the handlebars, his tummy hurts more and more"],
     ["I bumped my tummy on the table yesterday and there's a little bruise", "can you get botox in the stomach area?",
      "he bumped his tummy on the table and went pale for a second then laughed"]),
    ("fallen and can't get up",
     ["my mother has fallen in the bathroom and can't get up, she's been lying there for hours"],
     ["my dad had a fall last year and couldn't get up, should he get a pendant alarm?",
      "I fell off my bike and got straight back up, my knee is grazed"]),
    ("worst pain ever",
     ["worst pain of my life in my stomach, came on an hour ago"],
     ["what is the worst part of neuropathy", "the worst pain is in the mornings, is that normal for sciatica"]),
    ("severe tummy pain",
     ["i think my daughter has appendicitis, the pain is really bad and she's vomiting and has a fever",
      "really bad stomach pain and vomiting since last night"],
     ["what are the signs of appendicitis", "my son had appendicitis last year", "I have a bad stomach ache and feel sick"]),
    ("asking for emergency help",
     ["should I call an ambulance", "do i need to go to A&E"],
     ["what back pain red flags mean you should go to A&E", "if I ever think I'm having a heart attack should I drive myself to the hospital?",
      "is there parking at the hospital"]),
]

ALARMS = [(reason, m) for reason, alarms, _ in RULE_CASES for m in alarms]
TRAPS = [(reason, m) for reason, _, traps in RULE_CASES for m in traps]


def test_every_rule_has_its_own_true_and_false_alarms():
    assert sorted(r for r, _, _ in RULE_CASES) == sorted(rule.reason for rule in RULES)
    assert all(alarms and traps for _, alarms, traps in RULE_CASES)


@pytest.mark.parametrize("reason,message", ALARMS)
def test_a_red_flag_happening_now_is_flagged_by_its_rule(reason, message):
    assert reason in [rule.reason for rule in red_flags(message)]
    assert triage(message).kind in URGENT


@pytest.mark.parametrize("reason,message", TRAPS)
def test_the_same_words_with_nothing_happening_now_are_not_flagged(reason, message):
    assert triage(message).kind not in URGENT, [rule.reason for rule in red_flags(message)]


# --- who and when -------------------------------------------------------------------------------

CONTEXT_CASES = [
    # a denial reaches a few words forward in its clause, and not past "but" or a comma
    ("no chest pain, just a bit of heartburn after a big curry", False),
    ("my face isnt drooping and i can talk fine", False),
    ("no chest pain but my left arm is numb and my face has dropped", True),
    ("not sure what's happening, he's not breathing", True),
    ("I haven't taken too many, only the normal 2 paracetamol", False),
    # a past event covers its clause; what is happening now in the next clause still counts
    ("I had a seizure two years ago, can I drive now?", False),
    ("I had my tonsils out 6 days ago and now I'm spitting out lots of fresh blood", True),
    ("my dad had a heart attack before and now his chest is crushing again", True),
    ("i overdosed when i was 19, im doing well now", False),
    # habits and recoveries
    ("I get a tight chest when I'm anxious, cardiology said my heart is fine", False),
    ("I fainted this morning but I'm fine now", False),
    # questions about signs, causes, doses; "right now" and "what do I do" outweigh them
    ("what are the warning signs of a stroke", False),
    ("how much paracetamol can I take without overdosing", False),
    ("is slurred speech or double vision ever a side effect of botox? not happening to me", False),
    ("what are the signs of a heart attack, my chest is crushing right now", True),
    ("what are the symptoms of anaphylaxis, what do i do, my throat is closing", True),
    # a hypothetical covers its clause
    ("what should I do if my child swallows a battery", False),
    ("if my son ever ate one of the dishwasher tablets would it be poisonous", False),
    ("not sure if this is serious but my baby isn't breathing properly", True),
    # fiction and coursework cover the message
    ("Im writing a novel where a character has a stroke at a wedding, what would the guests notice?", False),
    ("doing a school project on suicide prevention, what are good resources", False),
    # idioms and jargon are blanked out
    ("im going to die of boredom in this waiting room lol", False),
    ("I nearly had a heart attack when I saw myself in the wedding photos", False),
    ("my echo report says stroke volume 65ml, what does that mean", False),
    # an emergency buried in a long message about something else
    ("Quick question about my invoice from last month, it looks like I was charged twice. Also my chest has been crushing "
     "since I climbed the stairs half an hour ago and my left arm is numb. Anyway can someone check the invoice?", True),
    # a child who had something in the mouth that is now missing has swallowed it; food is not that
    ("my boy was sucking a battery a moment ago and now it's not in his mouth and I can't find it", True),
    ("my boy was sucking a coin, now it's gone and he keeps gagging", True),
    # ... but taking it out undoes it, where "he seems fine" does not
    ("my girl had a magnet in her mouth but I pulled it straight out, she's fine", False),
    ("my girl had a magnet in her mouth and now I can't find it, she seems fine", True),
    ("my daughter holds her tablets in her mouth instead of swallowing them, she spits them out later", False),
    ("my boy had a crisp in his mouth and now it's gone, he ate it", False),
    # an animal covers the rest of its clause, not the signs before it
    ("we've all got headaches and feel sick and the dog is very sleepy too, the boiler is old", True),
    ("my cat is very sleepy and keeps vomiting", False),
    # asking how many tablets it would take not to wake up is the warning sign, however it is asked
    ("how many of these tablets would it take to never wake up", True),
    ("I'm frightened I'll do something stupid tonight", True),
    ("i might do something stupid like book a holiday i can't afford", False),
    ("i'm going to take it all in and think about the options", False),
    # someone else
    ("my 2 year old's lips are going blue", True),
    ("she can't lift her arm and her words are jumbled", True),
]


@pytest.mark.parametrize("message,urgent", CONTEXT_CASES)
def test_a_sign_counts_only_where_its_context_says_it_is_happening_now(message, urgent):
    assert (triage(message).kind in URGENT) is urgent


@pytest.mark.parametrize("folded,respelled", [
    ("i cant breath", " i can't breath "), ("hes not breathing", " he's not breathing "), ("cannot wake her", " can't wake her "),
    ("my 4yo has a temp", " my 4 year old has a temperature "), ("for 10mins", " for 10 minutes "),
    ("suddnly pls help", " suddenly please help "), ("line one\nline two", " line one . line two "),
])
def test_a_message_is_respelled_with_one_spelling_per_word(folded, respelled):
    assert respell(folded) == respelled


def test_other_characters_become_spaces_so_offsets_stay_ascii():
    assert ascii_bytes(" a 😭 b привет ") == b" a   b   "


def test_the_layout_knows_sentences_and_clauses():
    data = b" no pain, just a cough. my arm is numb but fine "
    layout = Layout.of(data)
    assert data[slice(*layout.sentence(data.index(b"arm")))].strip() == b"my arm is numb but fine"
    assert data[slice(*layout.clause(data.index(b"pain")))].strip() == b"no pain,"
    assert data[slice(*layout.clause(data.index(b"fine")))].strip() == b"fine"


def test_a_decimal_point_does_not_end_a_sentence():
    data = b" sugar is 2.1 and he is confused "
    assert Layout.of(data).sentences == (0,)


# --- the finder's shortcut ----------------------------------------------------------------------

SAMPLES = [m for _, m in ALARMS + TRAPS] + [m for m, _ in CONTEXT_CASES] + [
    "chest pain " * 90, "not breathing, " * 60, "can't " * 150 + "breathe", "a" * 1000, ""]


def _each_on_its_own(data):
    return [(t.name, m.span()) for t in TERMS for m in t.matches(data)]


@pytest.mark.parametrize("message", SAMPLES[::3])
def test_the_finder_finds_exactly_what_each_term_finds_on_its_own(message):
    data = clear(ascii_bytes(respell(fold(message))))
    found = sorted((t.name, m.span()) for t, m in SIGN_FINDER.find(data))
    assert found == sorted(_each_on_its_own(data))


def test_if_the_set_gives_up_every_term_is_tried(monkeypatch):
    finder = Finder(TERMS)

    class GaveUp:
        def Match(self, data):  # noqa: N802 - RE2's name
            return []  # what RE2::Set reports when its automaton runs out of memory

    monkeypatch.setattr(finder, "_set", GaveUp())
    data = b" my husband isn't breathing "
    assert sorted((t.name, m.span()) for t, m in finder.find(data)) == sorted(_each_on_its_own(data))
    assert finder.find(b" what are your opening hours on saturday ") == []


def test_the_context_of_a_message_without_cues_vetoes_nothing():
    data = b" he is not breathing "
    context = Context.of(data)
    (term, match), = [(t, m) for t, m in SIGN_FINDER.find(data) if t.name == "not breathing"]
    assert context.holds(term, match)


# --- small talk ---------------------------------------------------------------------------------

SMALLTALK = ["hello", "Hi there!", "hey", "good morning", "thanks a lot", "thank you so much for your help",
             "bye", "goodbye!", "who are you?", "what can you do", "what can you help me with?", "how are you",
             "thx bye", "ok, thanks. goodbye!", "thanks, that helped", "that was really helpful", "who made you?",
             "what's your name", "got it, thanks", "cheers mate", "ta", "thank u", "bye for now", "morning",
             "thanks so much, that's really useful", "thats brilliant", "thank you, have a nice day",
             "are you a real person", "hello, who am i talking to?", "what sort of things can i ask",
             "can you help me please", "hows it going",
             # text-speak and other ways of saying the same
             "r u a real person", "what can u do", "sup", "wassup", "thank you ever so much",
             "thanks, you've been very kind", "you have been really helpful", "wat can u help with"]

QUESTIONS = ["hello, can botox help migraines?", "thanks, and what about back pain?", "botox for neck pain",
             "what does botox cost", "that helped my neck, does it help the back too?", "morning headaches",
             "thanks, can botox help shingles pain?", "are you a real doctor, can botox help my migraines",
             "r u able to tell me about botox for migraines", "sup with botox for back pain"]


@pytest.mark.parametrize("question", SMALLTALK)
def test_small_talk(question):
    assert triage(question).kind == "smalltalk"


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_real_question_is_not_small_talk(question):
    assert triage(question).kind == "question"


@pytest.mark.parametrize("template,spellings", [
    ("thank{s|} [so much]", ["thanks ", "thanks so much", "thank ", "thank so much"]),
    ("{a|b{c|d}}", ["a", "bc", "bd"]),
    ("[x[y]]z", ["z", "xz", "xyz"]),
])
def test_small_talk_templates_spell_every_choice(template, spellings):
    assert _spellings(template) == spellings


@pytest.mark.parametrize("bare,expected", [
    ("bye " * 300 + "bye", True),  # any number of phrases in a row
    ("good bye " * 100 + "good morning", True),
    ("bye " * 300 + "x", False),  # one word that is no phrase spoils the run
    ("thanks mate bye", True), ("mate", False), ("thanks mate mate", False),  # a name only after a phrase
    ("whatssup", True), ("sssup", True), ("supper", False),
    ("", False),
])
def test_small_talk_is_a_run_of_phrases(bare, expected):
    assert is_smalltalk(bare) is expected


# --- verdicts and replies -----------------------------------------------------------------------

def test_a_crisis_rule_wins_wherever_its_words_are():
    assert triage("I can't breathe and I want to end my life") == triage("I want to end my life, I can't breathe")
    assert triage("I can't breathe and I want to end my life").kind == "crisis"


@pytest.mark.parametrize("question", [m for _, m in ALARMS[::4]] + SMALLTALK[::4] + QUESTIONS[::3])
def test_a_question_folded_beforehand_gets_the_same_verdict(question):
    assert triage(question, fold(question)) == triage(question)


def test_urgent_answer_has_the_message_and_no_passage(bot):
    a = bot.ask("I can't breathe after my botox injection")
    assert a.status == "urgent"
    assert a.answer == bot.config.emergency_message
    assert a.citations == ()
    assert "911" in a.answer


def test_crisis_answer_gives_the_crisis_line_first(bot):
    a = bot.ask("I want to end my life")
    assert a.status == "urgent"
    assert a.answer.startswith(bot.config.crisis_message)
    assert "988" in a.answer and "911" in a.answer
    assert a.citations == ()


def test_emergency_message_is_configurable(bot):
    from qa_bot.answer import Bot

    local = Bot(bot.index, Config(corpus=bot.config.corpus, emergency_message="Call 000 now."))
    assert local.ask("my chest hurts").answer == "Call 000 now."


def test_small_talk_reply_says_what_the_bot_covers(bot):
    # the reply is short; its suggestions say what the articles cover (answer.SMALLTALK_REPLY)
    a = bot.ask("what can you do?")
    assert a.status == "smalltalk"
    assert "articles" in a.answer and a.citations == ()
    assert a.suggestions and all(s.url.startswith("/articles/botox-chronic-pain#") for s in a.suggestions)


def test_a_term_is_compiled_when_a_message_first_needs_it():
    from qa_bot.triage.lexicon import term

    terms = [term("chest", r"\bchest pain\b"), term("breath", r"\bshort of breath\b", unless=r" when i run\b")]
    finder = Finder(terms)
    assert all(t.pattern._compiled is None for t in terms) and finder._any._compiled is None
    assert [t.name for t, _ in finder.find(b" chest pain since noon ")] == ["chest"]
    assert terms[0].pattern._compiled is not None and terms[1].pattern._compiled is None
    assert finder.find(b" a cold ") == [] and finder._any._compiled is not None  # the set's empty answer checked
    assert finder.find(b" short of breath when i run ") == [] and terms[1].unless._compiled is not None


def test_a_term_re2_cannot_compile_is_refused_when_the_finder_is_made_naming_it():
    from qa_bot.patterns import PatternError
    from qa_bot.triage.lexicon import term

    with pytest.raises(PatternError, match="not breathing"):
        Finder([term("ok", r"\bfaint\b"), term("bad", r"not breathing(?=\b)")])  # look-ahead: not RE2
