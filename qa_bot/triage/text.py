"""A message as triage reads it: one spelling for each word, and where its sentences and clauses are.

People in a hurry type "cant breath", "hes", "pls", "4yo", "10mins", "suddnly". Before any sign is
looked for, common contractions typed without the apostrophe get it back ("cant" -> "can't", and
"cannot" -> "can't" too), text-speak becomes words ("u" -> "you", "wanna" -> "want to") and a few
misspellings of the words the signs use are corrected, so that each sign is written once. The result
is ASCII (other characters become spaces: the signs are English), so a byte offset is a character
offset and RE2 can read the bytes directly.

Context cues apply within a clause or a sentence ("no chest pain, just heartburn": the "no" stops at
the comma), so the layout records both.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .. import patterns

# Whole words (or two) -> how triage spells them.
WORDS = {
    # contractions without the apostrophe, and "cannot"
    "cant": "can't", "cannot": "can't", "can not": "can't", "carnt": "can't", "cnt": "can't",
    "wont": "won't", "dont": "don't", "dnt": "don't", "doesnt": "doesn't", "didnt": "didn't",
    "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't", "havent": "haven't",
    "hasnt": "hasn't", "hadnt": "hadn't", "couldnt": "couldn't", "wouldnt": "wouldn't",
    "shouldnt": "shouldn't", "aint": "ain't", "im": "i'm", "ive": "i've", "hes": "he's",
    "shes": "she's", "thats": "that's", "whats": "what's", "theres": "there's", "hows": "how's",
    "youre": "you're", "theyre": "they're", "gonna": "going to", "wanna": "want to", "gotta": "got to",
    # text-speak
    "u": "you", "ur": "your", "ya": "you", "pls": "please", "plz": "please", "plse": "please",
    "plez": "please", "bc": "because", "cuz": "because", "coz": "because", "bcos": "because",
    "2day": "today", "2nite": "tonight", "tonite": "tonight", "b4": "before", "thru": "through",
    "wat": "what", "wot": "what", "ppl": "people", "smth": "something",
    # units
    "mins": "minutes", "min": "minutes", "minuets": "minutes", "hrs": "hours", "hr": "hours",
    "secs": "seconds", "yrs": "years", "yr": "year", "wks": "weeks", "wk": "week", "temp": "temperature",
    # misspellings of the words the signs use
    "suddnly": "suddenly", "suddenley": "suddenly", "suddently": "suddenly", "sudenly": "suddenly",
    "suddely": "suddenly", "unconcious": "unconscious", "unconsious": "unconscious",
    "unconcsious": "unconscious", "concious": "conscious", "siezure": "seizure", "siezures": "seizures",
    "sezure": "seizure", "seisure": "seizure", "seizer": "seizure", "vomitting": "vomiting",
    "vomitted": "vomited", "vommiting": "vomiting", "vomming": "vomiting", "bleading": "bleeding",
    "bleding": "bleeding", "bleedin": "bleeding", "choaking": "choking", "chocking": "choking",
    "chokin": "choking", "swolen": "swollen", "swollon": "swollen", "sweling": "swelling",
    "swellin": "swelling", "tounge": "tongue", "tung": "tongue", "throut": "throat",
    "alergic": "allergic", "anaphalaxis": "anaphylaxis", "anaphylaxsis": "anaphylaxis",
    "anafalaxis": "anaphylaxis", "anaphlaxis": "anaphylaxis", "paracetemol": "paracetamol",
    "paracetomol": "paracetamol", "temprature": "temperature", "temperture": "temperature",
    "hed ache": "headache", "head ache": "headache", "headach": "headache", "stomache": "stomach",
    "ambulence": "ambulance", "ambulanse": "ambulance", "breathin": "breathing", "brething": "breathing",
    "breating": "breathing", "breahting": "breathing", "fittin": "fitting", "shakin": "shaking",
    "dyin": "dying", "throwin": "throwing", "drowsey": "drowsy", "dizzey": "dizzy",
    "epi pen": "epipen", "epi-pen": "epipen", "pils": "pills", "hart attack": "heart attack",
    "heart attact": "heart attack", "atack": "attack", "attak": "attack", "attac": "attack", "collasped": "collapsed", "colapsed": "collapsed",
    "past out": "passed out", "poisen": "poison", "poision": "poison", "preggers": "pregnant",
    "preggo": "pregnant", "nappys": "nappies", "diaper": "nappy", "diapers": "nappies",
    "pian": "pain", "realy": "really", "relly": "really", "breth": "breathe",
    "breeth": "breathe", "brethe": "breathe", "swalow": "swallow",
    "swallo": "swallow", "swalowed": "swallowed", "swole": "swollen",
    "chist": "chest", "chect": "chest", "battry": "battery", "batery": "battery",
    "mom": "mum", "mommy": "mum", "mummy": "mum", "daddy": "dad",
}
_WORDS = patterns.compile(r"\b(?:" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")\b")

# A number glued to its unit: "4yo", "3 yr old", "10mins", "2hrs".
_UNITS = patterns.compile(r"\b(\d+) ?(yo|y/o|yr old|yrs old|years? old|year-old|mo|mths?|wks?|mins?|minutes?|hrs?|hours?)\b")
_UNIT_WORDS = {"yo": "year old", "y/o": "year old", "yr old": "year old", "yrs old": "year old",
               "year-old": "year old", "mo": "month old", "mth": "months", "mths": "months", "wk": "weeks",
               "wks": "weeks", "min": "minutes", "mins": "minutes", "hr": "hours", "hrs": "hours"}

_NON_ASCII = patterns.compile(r"[^\x00-\x7f]+")


def _word(m) -> str:
    return WORDS[m.group(0)]


def _unit(m) -> str:
    unit = m.group(2)
    return f"{m.group(1)} {_UNIT_WORDS.get(unit, unit)}"


def respell(folded: str) -> str:
    """``folded`` (see analysis.fold) with one spelling per word, single spaces, one space each end.

    Line breaks end a sentence ("fine earlier\\nnow he can't talk" is two).
    """
    text = folded.replace("’", "'").replace("‘", "'").replace("`", "'").replace("\n", " . ")
    text = " " + " ".join(text.split()) + " "
    text = text.replace(" & ", " and ").replace(" + ", " and ")
    text = _UNITS.sub(_unit, text)
    return _WORDS.sub(_word, text)


def ascii_bytes(text: str) -> bytes:
    """``text`` as ASCII bytes, other characters (emoji, other scripts) turned into spaces."""
    if not text.isascii():
        text = _NON_ASCII.sub(" ", text)
    return text.encode("ascii")


# A sentence ends at . ! ? ; (not a decimal point), or where the writer changes subject ("also",
# "anyway", "separately", "by the way"). A clause also ends at a comma, a bracket, a dash, and at
# the words that join two clauses ("but", "and now", "and she ...").
_BREAK = patterns.compile(
    r"((?:[.!?;]+(?:\s|$))|\b(?:also|anyway|separately|by the way|btw|ps|oh and)\b)|[,:()\[\]\"]|\s-+\s|\.\.+|\b(?:but|"
    r"though|although|however|whereas|except|and now|and then|now|then|as well as|while|cos|because|and (?:i|i'm|i've|he|"
    r"he's|she|she's|they|they're|we|it|it's|its|my|his|her|their|our|the baby|today|tonight|suddenly|since|this morning|"
    r"is|are|has|have|was|were|keeps|seems))\b")


@dataclass(frozen=True)
class Layout:
    """Where the sentences and clauses of a text start (sorted offsets, the first one 0)."""

    size: int
    sentences: tuple[int, ...]
    clauses: tuple[int, ...]

    @classmethod
    def of(cls, data: bytes) -> "Layout":
        sentences, clauses = [0], [0]
        for m in _BREAK.finditer(data):
            if m.start(1) != -1:
                sentences.append(m.end())
            clauses.append(m.end())
        return cls(len(data), tuple(sentences), tuple(sorted(set(clauses) | set(sentences))))

    def _span(self, starts: tuple[int, ...], pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(starts, pos) - 1
        return starts[i], starts[i + 1] if i + 1 < len(starts) else self.size

    def clause(self, pos: int) -> tuple[int, int]:
        """(start, end) of the clause holding offset ``pos``."""
        return self._span(self.clauses, pos)

    def sentence(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence holding offset ``pos``."""
        return self._span(self.sentences, pos)
