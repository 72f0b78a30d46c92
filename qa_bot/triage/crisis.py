"""Crisis: thoughts of suicide, with or without a plan, said directly or indirectly, and self-harm now.

Source: docs/red-flags.md section 19 (Mental health crisis): Mental Health Foundation "Suicidal
thoughts" (https://www.mentalhealth.org.uk/explore-mental-health/a-z-topics/suicidal-thoughts),
NHS "Self-harm - getting help" (copy at https://www.zana.com/a/self-harm-getting-help.4305),
NI Direct "Mental health emergency" (https://nidirect.gov.uk/node/2219) and the NIMH warning-sign
list with 988 (https://empowerthrive.org/2024/08/what-are-warning-signs-of-suicide.html): talking
about wanting to die or being a burden, looking for a way or having the means, saying goodbye,
giving things away, putting affairs in order, not feeling safe, and self-harm happening now.
The writer may be the person or someone worried about them ("my son texted that he's going to end
his life"), so the patterns read any person.
"""

from __future__ import annotations

from .lexicon import rule, term

SELF = r"(?:my ?self|himself|herself|themselves|themself|yourself)"
POSS = r"(?:my|his|her|their|your)"


def thought(name: str, *parts: str, **flags):
    """A crisis sign: it counts however often it comes back ("sometimes I feel suicidal")."""
    return term(name, *parts, ongoing=True, **flags)


WANTS_TO_DIE = thought(
    "wants to die",
    rf"\b(?:kill|killing|kills|end|ending|top|topping|off|offing|hang|hanging|drown|drowning|shoot|shooting|gas|gassing) {SELF}\b", r"\bsuicid\w*",
    rf"\b(?:end|ending|ends|take|taking|takes|finish|finishing|stop) {POSS} (?:own )?li(?:fe|ves)\b",
    r"\b(?:tired|sick) of (?:living|life|being alive|being here)\b", r"\bend(?:ing)? it all\b",
    r"\b(?:want|wants|wanted|going|ready|decided|plan|planning|plans|thinking (?:of|about)|think about|thought about|"
    r"about|tempted) (?:to )?(?:die|end it|end things|end everything|ending it|ending things|ending everything|"
    r"not be here|disappear forever|be dead|not wake up|not exist)\b",
    r"\bbetter off (?:dead|if i (?:was|were) gone)\b",
    r"\b(?:no one|nobody|noone) (?:would|will|'d|is going to|even) (?:miss|care about|notice|care if)\b",
    r"\bwish (?:i|he|she) (?:was|were|could be|'d be) dead\b",
    r"\bwish i (?:could )?(?:die|disappear|wasn't alive|was never born|wasn't here|hadn't been born)\b",
    rf"\b(?:take|taking|swallow|swallowing|took|taken|have|got|will take|'ll take) all (?:of )?{POSS} (?:pills|tablets|meds|"
    r"medication|painkillers|insulin)\b", r"\bkms\b", r"\bunalive\w*",
    r"\b(?:i'm|i am) (?:so )?done with (?:life|living)\b",
    r"\bwhat(?:'s| is) the point (?:of|in) (?:living|life|going on|carrying on|being alive|being here)\b",
    r"\bthe (?:night|day) (?:i|he|she) (?:end it|end it all|die|do it|kill (?:my|him|her)self)\b",
    r"\b(?:i'll|i will|i'm going to|i am going to|going to) end it (?:tonight|today|now|all|soon|this week)\b",
    r"\bhad enough of (?:life|living|being alive|this life)\b",
)
TAKE_IT_ALL = thought("going to take it all",
                      r"\b(?:going to|will|i'll|plan to|planning to|gonna) (?:take|swallow) (?:it all|all of it)\b",
                      unless=r" (?:in|back|on board|on|off|out|away|with|into account)\b")
# "do something stupid" tonight: an indirect way of saying it (docs/red-flags.md section 19), but not
# "do something stupid like eat the whole cake".
SOMETHING_STUPID = thought(
    "afraid of doing something stupid",
    r"\bdo something (?:stupid|drastic|silly) (?:to (?:my|him|her)self|tonight|today|now)\b",
    r"\b(?:scared|afraid|worried|frightened|feel like|feel as if) (?:that )?(?:i'm|i am|i'll|i will|i might|he'll|she'll|"
    r"he might|she might|he's|she's) (?:going to |gonna )?do something (?:stupid|drastic)\b",
    unless=r" (?:tonight |today |now )?(?:like|and (?:buy|eat|book|text|call|order|quit|tell))\b")
NOT_WANTING_TO_LIVE = thought(
    "no reason to live",
    r"\b(?:don't|do not|no longer|doesn't|does not|never) (?:want|wants|wish|wishes) (?:to )?(?:live|be alive|be here|wake up|"
    r"exist|go on|carry on|be around)\b",
    r"\b(?:nothing|no point|no reason) (?:to live for|in living|left to live for|to keep going|to go on|to live|"
    r"to be alive|to stay alive|in going on|in carrying on)\b",
    r"\b(?:can't|cannot) (?:go on|carry on|do this|keep going|take it|take this) (?:anymore|any more|any longer|living)\b",
    r"\b(?:life|living) (?:is not|isn't|is no longer|not|no longer|ain't) worth (?:living|it)\b",
    r"\bnot worth living\b",
    rf"\bwon't be (?:a problem|a burden|around|here|a bother) (?:for|to) (?:anyone|you|anybody|them|everyone) (?:much |"
    rf"for much |any |very much )?(?:longer|more)\b",
    r"\b(?:don't|do not|can't|cannot) (?:feel|keep (?:my ?self|him|her|them)) safe\b",
    r"\bnot safe (?:on my own|alone|around myself|with myself|from myself|to be left)\b",
    r"\bbetter off without (?:me|him|her|them)\b",
    r"\b(?:scared|afraid|frightened) (?:of )?what i(?:'m| am|'ll| will| might) (?:going to |gonna )?do\b",
    r"\bbetter off if i wasn't (?:here|around)\b",
    # ... but not despair about a pain ("I don't want to live with this pain anymore, can botox help")
    absence=True, unless=r" (?:anymore |any more )?(?:with|like) (?:this|the|my|these|that|it|all this|constant|chronic)\b")
# "no point going on", but not "no point going on with the tablets" (a treatment, not a life).
NO_POINT_GOING_ON = thought(
    "no point going on",
    r"\b(?:no|don't see the|don't see any|do not see the|see no|what's the|what is the) point (?:in |of )?(?:going on|"
    r"carrying on|living|being alive|being here|life|anything anymore|trying anymore)\b",
    unless=r" (?:with|doing|taking|trying|going to|seeing|the|my|this|that|it|them)\b", absence=True)
PLAN_OR_MEANS = thought(
    "a plan or the means",
    r"\b(?:jump|jumping|jumped) (?:off|from|in front of|out of) (?:the |a |his |her |my )?(?:bridge|building|roof|cliff|train|"
    r"balcony|car park|ledge|motorway|tower|window|bedroom window)\b",
    r"\bthreat\w* to (?:kill|hurt|harm|end|jump|take|cut|hang|overdose)\b",
    r"\b(?:standing|sitting|stood|sat) on (?:the |a )?(?:edge|ledge|bridge|balcony|roof|railway|tracks|cliff)\b",
    r"\b(?:got|have|bought|found|i've got|ordered|saved up|stockpiled|stockpiling) (?:already )?(?:the |a |some )?(?:rope|noose|gun|"
    r"means|pills ready)\b",
    r"\b(?:pills|tablets|rope) (?:are |is )?(?:ready|saved up|stockpiled)\b",
    r"\b(?:saving|saved|hoarding|hoarded|collecting|stockpiling) (?:up )?(?:my |his |her |all my |some )?(?:pills|tablets|meds|"
    r"medication|painkillers)\b",
    r"\b(?:going to|will|i'll|plan to|planning to|gonna) (?:take|swallow) (?:them all|all of them|the lot|the whole lot)\b",
    r"\bstockpil\w* (?:pills|tablets|meds)\b",
    r"\b(?:ways|how) to (?:die|kill myself|end it|end my life|commit suicide|overdose)\b",
    r"\b(?:planning|planned|worked out) how (?:to|i'll|i will|i'm going to) (?:end|do it|die)\b",
    r"\bwhen i'll do it\b", r"\b(?:engine|car) running\b",
    r"\b(?:i'm|i am) going to do it (?:tonight|today|now|this weekend)\b")
GOODBYES = thought(
    "goodbyes and giving things away",
    r"\bthis is (?:my )?(?:goodbye|the end|my last message|my last note)\b",
    r"\bgoodbye (?:text|message|note|letter|email|video|voicemail)\b", r"\b(?:texted|messaged|sent) (?:me |"
    r"us )?(?:a )?goodbye\b",
    r"\bmy last (?:message|note|letter|goodbye)\b",
    r"\b(?:written|wrote|writing|left) (?:my |a |the )?(?:suicide notes?|letters|goodbye (?:notes?|letters?)|notes? for (?:my|everyone))\b",
    r"\b(?:given|giving|gave) (?:away )?(?:my|his|her|all (?:my|his|her)) (?:[\w']+ ){0,2}(?:things|stuff|possessions|"
    r"belongings|cat|dog|pets?) (?:to|away)\b",
    r"\bgiving away (?:my|his|her|all|their) (?:[\w']+ )?(?:things|stuff|possessions|belongings)\b",
    r"\b(?:saying|said) goodbye to (?:everyone|everybody|my family|people|you all|my kids)\b",
    r"\btell (?:my|the) (?:kids|children|family|wife|husband|son|daughter|mum|parents) (?:i|that i) lov\w*\b",
    r"\bput(?:ting)? (?:my|his|her) affairs in order\b", r"\bbe a burden\b",
    r"\b(?:a|the) burden (?:to|on) (?:everyone|my family|you|them)\b")
SELF_HARM = thought(
    "self-harm",
    rf"\b(?:cut|cutting|cuts|burnt|burned|burning|burn|hurt|hurting|harm|harming|scratch\w*|hit|hitting|punch\w*|bang\w*|"
    rf"starv\w*|stab\w*) {SELF}\b", r"\bself[- ]?harm\w*",
    rf"\b(?:cutting|cut|slit|slitting|slashed|slashing) {POSS} (?:arms?|wrists?|legs?|thighs?|skin|stomach)\b",
    r"\b(?:hit|hitting|banged|banging) my head (?:against|on) the wall\b",
    r"\bscratched (?:my|his|her) (?:arms?|skin|legs?) (?:till|until) (?:they|it) bled\b",
    rf"\bto (?:hurt|harm|punish) {SELF}\b", r"\b(?:with|holding|got|have) (?:a|the|my) (?:razor|blade)\b",
    r"\b(?:thinking|think|thoughts) (?:about|of) (?:cutting|self[- ]?harm\w*|hurting myself|harming myself|burning myself)\b")
# Asking how many tablets it would take not to wake up is the warning sign itself, however it is asked.
HOW_MANY_TO_DIE = thought(
    "asking how much would kill",
    r"\bhow (?:many|much)\b (?:[\w']+ ){0,8}(?:would it take|does it take|will it take|would i need|do i need|should i take|"
    r"would kill|to take) (?:[\w']+ ){0,2}(?:to )?(?:not wake up|never wake up|die|kill (?:me|myself)|end (?:it|my life))\b",
    r"\b(?:enough|how many|how much) (?:[\w']+ ){0,6}to (?:not wake up|never wake up|kill myself|end my life)\b",
    asked=True, absence=True)
# Taking too much on purpose is a crisis as well as an emergency: both replies, crisis line first.
ON_PURPOSE = term("on purpose", r"\b(?:on purpose|deliberately|intentionally|to end it|to die|to not wake up)\b")

CRISIS = rule("crisis",
"suicidal thoughts", WANTS_TO_DIE, NOT_WANTING_TO_LIVE, NO_POINT_GOING_ON, PLAN_OR_MEANS, GOODBYES,
              HOW_MANY_TO_DIE, SOMETHING_STUPID, TAKE_IT_ALL)
SELF_HARM_NOW = rule("crisis", "self-harm", SELF_HARM)
