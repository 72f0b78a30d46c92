"""Redaction of personal identifiers before a question is ever written to a log.

Questions are health data. They are not logged at all by default; when a clinic turns question
logging on, each one passes through :func:`redact` first. Each identifier found is replaced by a tag
such as ``[EMAIL]``, so logs still show what kind of thing a patient wrote without recording it.

What is found, and how:

- phone numbers with Google's libphonenumber port (``phonenumbers``), which knows international
  formats;
- emails, URLs, IP addresses, card, social security and record/insurance numbers, numeric dates,
  written-out dates ("3rd March 1980", "March 3, 1980", "03 Mar"; a month alone, "since March", is
  kept; a month and year only after "born" or "date of birth"), street addresses ("12 Elm Street",
  "221B Baker St", "Flat 4, 10 High Road"), postcodes (UK, Canadian, and US ZIP codes after a state
  code or "zip"), and names after "my name is", "I am called", "I am", "I'm" and "this is", all with
  patterns on RE2 (:mod:`qa_bot.patterns`), which match in time linear in the question. On a
  1000-character question redaction takes about 2 ms; the slowest input found, "12 12 12 ...",
  takes about 20 ms, nearly all of it in ``phonenumbers`` (whose own search is capped).

Names: after "I am", "I'm" and "this is" only capitalised words count, and not the everyday words
people capitalise there ("I am Worried", "I'm In pain", "I am Not sure"): :data:`NOT_NAMES`. A name
typed in lower case after those ("i'm sarah jones") is *not* caught: lower-case words after "i'm" are
nearly always states ("i'm worried", "i'm pregnant"), and telling "sarah" from "scared" would take a
list of every first name. After "my name is" (or "my son's name is", "I am called") lower-case names
are caught too, up to three words. Letters are Unicode (``\\p{L}``), so "José Álvarez" and
"josé@correo.es" are caught, though RE2's own ``\\w`` and ``\\b`` are ASCII.

Libraries measured and not used (on the address and date rows of the test table, and on
1000-character adversarial questions): ``pyap-beauhurst`` (a 2025 fork of pyap, which finds US, UK
and Canadian addresses in free text) finds only whole addresses with a town or postcode: it missed
"12 Elm Street", "10 High Road" and "my zip is 90210", raised ``re.error`` for Canada, and took
214 ms on "12 12 12 ..." on Python's backtracking ``re``. ``datefinder`` missed "the 5th of May",
tagged "may 2" in "I may 2 more", and runs on the backtracking ``regex`` engine with dateutil and
pytz. A short set of RE2 patterns caught more, in linear time, with no new dependency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers

from .patterns import Pattern, any_of, compile

Span = tuple[int, int]

# Words that are not names even when capitalised after "I am" / "this is" ("I am Not sure",
# "This is Urgent"), and that end a lower-case name after "my name is" ("... is sarah and i ...").
NOT_NAMES = frozenset("""
a an the i me my it its is am are was be been being this that these those there here
and or but so if as at by for from in into of on onto to with without about after before over under
up down out off near since until than then too very also just still really quite now not no nope yes
always never already again ever only even soon today tonight tomorrow yesterday currently recently
what who whom which when where why how can could would should will may might must do does did
have has had having get getting got going go gone taking take trying try looking thinking wondering
considering hoping planning waiting feeling living working suffering struggling using asking writing
worried worrying scared afraid frightened nervous anxious concerned interested curious confused
pregnant breastfeeding nursing diabetic allergic asthmatic epileptic disabled vegan vegetarian
sure unsure certain ok okay fine well unwell sick ill tired exhausted old young older elderly
male female new due able unable happy unhappy glad sorry desperate done told booked back home
hurting sore numb dizzy better worse same single married retired almost nearly
urgent important serious normal common safe unsafe dangerous bad good great terrible awful painful
hi hello hey thanks thank please dear sir madam
monday tuesday wednesday thursday friday saturday sunday weekend
january february march april june july august september october november december
botox dysport xeomin myobloc jeuveau daxxify letybo relfydess
doctor nurse patient surgeon physio therapist
""".split())

# Between a house number and a street suffix: "3 hours drive", "10 minutes down the road".
_NOT_STREET = NOT_NAMES | frozenset("""
minute minutes min mins hour hours hr hrs day days week weeks month months year years time times
unit units mg ml mls cc mile miles km kms metre metres meter meters foot feet yard yards step steps
injection injections shot shots dose doses session sessions pill pills tablet tablets drop drops
each every per more less most least other another some any all few many much one two three
""".split())

_LETTER = r"\p{L}\p{M}"  # RE2's \w is ASCII; names and emails may carry accents
_APOS = "'’"


def _bare(word: str) -> str:
    """``word`` lower-cased without a trailing possessive: the form looked up in the word lists."""
    word = word.lower()
    for end in ("'s", "’s"):
        word = word.removesuffix(end)
    return word.strip(_APOS + "-.")


@dataclass(frozen=True)
class Rule:
    """A tag, a pattern, and what part of each match (if any) is the identifier."""

    tag: str
    pattern: Pattern
    span: Callable[[object], Span | None] = lambda m: m.span()


def _group1(m) -> Span:
    return m.span(1)


def _name_span(max_words: int) -> Callable[[object], Span | None]:
    """The leading words of group 1 that are not in :data:`NOT_NAMES`, at most ``max_words``."""

    def span(m) -> Span | None:
        start = m.start(1)
        offset, kept_end = start, None
        for word in m.group(1).split()[:max_words]:
            offset = m.string.index(word, offset)
            if _bare(word) in NOT_NAMES:
                break
            kept_end = offset = offset + len(word)
        return (start, kept_end) if kept_end else None

    return span


def _id_span(m) -> Span | None:
    # RE2 has no look-ahead for "contains a digit": checked here. Three digits or more keeps
    # "COVID-19" out; year ranges ("2019-2021") are not identifiers.
    text = m.group()
    if sum(c.isdigit() for c in text) < 3 or _YEARS.fullmatch(text):
        return None
    return m.span()


def _date_span(m) -> Span | None:
    # "taking 2 may cause drowsiness": a bare lower-case "may" with no ordinal or year is the verb.
    if m.group("month") == "may" and not m.group("ordinal") and not m.group("year"):
        return None
    return m.span()


def _street_span(m) -> Span | None:
    if any(_bare(w) in _NOT_STREET for w in m.group("words").split()):
        return None
    suffix = m.group("suffix")
    # "12 units each way", "3 hours drive": short or everyday suffixes count only when capitalised.
    if suffix.lower().rstrip(".") not in _PLAIN_SUFFIXES and not suffix[0].isupper():
        return None
    return m.span()


def _uk_postcode_span(m) -> Span | None:
    # "b12 3rd dose": an ordinal typed in lower case is not the inward half of a postcode.
    inward = m.group("inward")
    if inward[1:] in ("st", "nd", "rd", "th"):
        return None
    return m.span()


_YEARS = compile(r"\d{4}-\d{2}(?:\d{2})?")

_MONTH = any_of(r"jan(?:uary)?", r"feb(?:ruary)?", r"mar(?:ch)?", r"apr(?:il)?", r"may", r"june?",
                r"july?", r"aug(?:ust)?", r"sep(?:t(?:ember)?)?", r"oct(?:ober)?", r"nov(?:ember)?",
                r"dec(?:ember)?")
_DAY = r"(?:[0-2]?\d|3[01])(?P<ordinal>st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4}|['’]\d{2})"
_DAY_MONTH = rf"\b{_DAY}(?:\s+of)?[\s-]+(?P<month>{_MONTH})\b\.?(?:,?[\s-]+{_YEAR}\b)?"
_MONTH_DAY = rf"\b(?P<month>{_MONTH})\b\.?\s+(?:the\s+)?{_DAY}\b(?:,?\s+{_YEAR}\b)?"
# A month and year alone ("since March 2020") is kept, except as a birth date.
_BIRTH_MONTH = (r"\b(?:born|birthday|date of birth|dob|d\.o\.b)\b\.?[\s:,-]*(?:(?:is|was|on|in)\s+)?"
                rf"((?:{_MONTH})\b\.?,?\s+\d{{4}})\b")

_SUFFIXES = ("street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "drive", "dr", "close",
             "court", "ct", "crescent", "cres", "place", "pl", "way", "boulevard", "blvd", "terrace",
             "grove", "gardens", "square", "sq", "parkway", "pkwy", "highway", "hwy", "row", "mews",
             "walk", "circle", "hill", "park", "green")
_PLAIN_SUFFIXES = frozenset({"street", "road", "avenue", "lane", "boulevard", "crescent", "terrace",
                             "gardens", "parkway", "highway"})
_HOUSE = r"\d{1,5}[a-z]?(?:-\d{1,5}[a-z]?)?"
_STREET = (rf"(?:\b(?:flat|apt|apartment|unit|suite)\.?\s*\d{{1,5}}[a-z]?\b,?\s+)?\b{_HOUSE}\b,?\s+"
           rf"(?P<words>(?:[{_LETTER}][{_LETTER}{_APOS}-]*\.?\s+){{1,3}}?)"
           rf"(?P<suffix>{'|'.join(_SUFFIXES)})\b\.?")

_US_STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
              "NH NJ NM NY NC ND OH OK OR PA PR RI SC SD TN TX UT VT VA WA WV WI WY").split()
# A bare five-digit number is a count as often as a ZIP code: only after a state code or "zip".
_ZIP = (rf"(?:\b(?:{'|'.join(_US_STATES)})"
        r"|(?i:\bzip(?:\s*code)?|\bpost(?:al)?\s*code|\bliv(?:e|es|ing)\s+in))"
        r"[\s:,#]*(?i:is\s+)?(\d{5}(?:-\d{4})?)\b")

_NAME_WORD = rf"[{_LETTER}][{_LETTER}{_APOS}-]*"
_CAPITALISED = rf"\p{{Lu}}[{_LETTER}{_APOS}-]+"
_WEAK_CUE = rf"(?i:\b(?:i\s+am|i[{_APOS}]?m|this\s+is|call\s+me))"
_STRONG_CUE = (rf"(?i:\b(?:my|his|her|their|our)\s+(?:[a-z]+[{_APOS}]s\s+)?name(?:\s+is|[{_APOS}]s)"
               rf"|\b(?:i\s+am|i[{_APOS}]?m)\s+called)")

# Order breaks ties: of matches equally long at one position, the earlier rule's tag is used.
RULES: tuple[Rule, ...] = (
    Rule("EMAIL", compile(rf"[{_LETTER}\p{{N}}._%+-]+@[{_LETTER}\p{{N}}-]+(?:\.[{_LETTER}\p{{N}}-]+)+")),
    Rule("URL", compile(r"\b(?:https?://|www\.)\S+", ignore_case=True)),
    Rule("IP", compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")),
    Rule("CARD", compile(r"\b(?:\d[ -]?){13,19}\b")),
    Rule("SSN", compile(r"\b\d{3}-\d{2}-\d{4}\b")),
    Rule("DATE", compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b")),
    Rule("DATE", compile(_DAY_MONTH, ignore_case=True), _date_span),
    Rule("DATE", compile(_MONTH_DAY, ignore_case=True), _date_span),
    Rule("DATE", compile(_BIRTH_MONTH, ignore_case=True), _group1),
    Rule("ADDRESS", compile(_STREET, ignore_case=True), _street_span),
    Rule("ADDRESS", compile(r"\bp\.?\s?o\.?\s+box\s+\d{1,6}\b", ignore_case=True)),
    Rule("POSTCODE", compile(r"\b[a-z]{1,2}\d[a-z\d]?\s*(?P<inward>\d[abd-hjlnp-uw-z]{2})\b",
                             ignore_case=True), _uk_postcode_span),
    Rule("POSTCODE", compile(r"\b[abceghj-nprstvxy]\d[abceghj-nprstv-z][ -]?\d[abceghj-nprstv-z]\d\b",
                             ignore_case=True)),
    Rule("POSTCODE", compile(_ZIP), _group1),
    Rule("ID", compile(r"\b[A-Z0-9][A-Z0-9-]{5,}\b"), _id_span),  # record, NHS, insurance numbers
    Rule("NAME", compile(rf"{_STRONG_CUE}[ \t]+({_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})"),
         _name_span(3)),
    Rule("NAME", compile(rf"{_WEAK_CUE}[ \t]+({_CAPITALISED}(?:[ \t]+{_CAPITALISED}){{0,3}})"),
         _name_span(4)),
)


def redact(text: str, region: str = "US") -> str:
    """``text`` with phone numbers and every identifier in :data:`RULES` replaced by its tag."""
    # POSSIBLE leniency: a made-up or foreign number is still somebody's number to hide.
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE)
    spans = [(m.start, m.end, -1, "PHONE") for m in matcher]
    for rank, rule in enumerate(RULES):
        for m in rule.pattern.finditer(text):
            span = rule.span(m)
            if span:
                spans.append((*span, rank, rule.tag))
    out, pos = [], 0
    # At one position the longest match wins, then the earlier (more specific) pattern.
    for start, end, _, tag in sorted(spans, key=lambda s: (s[0], s[0] - s[1], s[2])):
        if start < pos:  # overlaps an earlier, already redacted span
            continue
        out.append(text[pos:start])
        out.append(f"[{tag}]")
        pos = end
    out.append(text[pos:])
    return "".join(out)
