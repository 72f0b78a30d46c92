"""Suggested questions: patient-style questions the articles answer, made from the corpus.

Every citable section gets at most one question, by general rules on its heading (no list per
article):

- a heading that is a question already is used as written ("How Does Botox Work?");
- a heading that names what something is ("Understanding Chronic Pain", "Overview", a record's own
  title) becomes "What is chronic pain?", about the heading's subject or else the article's;
- a heading that names an aspect ("Symptoms", "Causes", "Treatment", "Managing Muscle Spasms",
  "Neuropathic Pain Relief") becomes the question about it ("What are the symptoms of shingles?",
  "How can muscle spasms be managed?");
- a closing section ("Conclusion") gets none; any other heading, "What should I know about ...?".

Words keep the case the article writes them in: "Chronic" becomes "chronic", "Botox" stays.
Staff can write an article's own questions in its front matter (``questions:``); they come first
among the starters.

:class:`Suggester` gives the starters (one per article in turn, best-worded first) and, for a
question that got no answer, the questions of the sections the ranker found closest.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .corpus import INTRODUCTION

# Suggestions offered with one reply.
MOST = 3
# Sections whose questions are worked out for the starters: a knowledge base may hold thousands.
STARTER_SECTIONS = 400
QUESTIONS_CACHED = 4096
# Article texts whose words are remembered (see _words): the starters read one article at a time.
WORD_SETS_CACHED = 16
# How well a question is worded, best first: the staff's own, a heading that is a question, one made
# by a rule, one made by the fallback "What should I know about ...?".
OWN, HEADING, RULE, FALLBACK = range(4)

# Headings that say "what it is": the question is "What is <subject>?".
WHAT_IS = frozenset({"introduction", "overview", "summary", "information", "description", "definition",
                     "at a glance", "key points", "what is it", "the basics", "basics", "general information"})
# Headings that close an article: nothing a patient asks.
CLOSING = frozenset({"conclusion", "conclusions", "in conclusion", "final thoughts", "summing up", "the bottom line",
                     "points to remember", "key takeaways", "takeaways"})
# Prefixes of a heading meaning "what X is" ("Understanding Chronic Pain").
WHAT_IS_PREFIXES = ("understanding ", "about ", "overview of ", "introduction to ", "what is ", "what are ")
WHAT_IS_SUFFIXES = (" overview", " at a glance", " basics", " explained")
# Aspect headings, alone ("Symptoms") or ending a heading ("Glaucoma symptoms"): the question's template.
ASPECTS = {
    "symptoms": "What are the symptoms of {}?", "signs and symptoms": "What are the symptoms of {}?",
    "symptoms and signs": "What are the symptoms of {}?", "signs": "What are the signs of {}?",
    "symptoms and tests": "What are the symptoms of {}?", "symptoms and diagnosis": "What are the symptoms of {}?",
    "causes": "What causes {}?", "cause": "What causes {}?", "causes and risk factors": "What causes {}?",
    "risk factors": "Who is at risk of {}?", "who is at risk": "Who is at risk of {}?",
    "treatment": "How is {} treated?", "treatments": "How is {} treated?", "treatment options": "How is {} treated?",
    "management": "How is {} managed?", "self-care": "How can I look after myself with {}?",
    "home care": "How can I look after myself with {}?",
    "diagnosis": "How is {} diagnosed?", "tests": "How is {} diagnosed?", "tests and diagnosis": "How is {} diagnosed?",
    "diagnosis and tests": "How is {} diagnosed?", "exams and tests": "How is {} diagnosed?",
    "prevention": "How can {} be prevented?", "outlook": "What is the outlook for {}?",
    "prognosis": "What is the outlook for {}?", "outlook (prognosis)": "What is the outlook for {}?",
    "complications": "What are the complications of {}?", "possible complications": "What are the complications of {}?",
    "side effects": "What are the side effects of {}?", "risks": "What are the risks of {}?",
    "types": "What types of {} are there?", "research": "What research is being done on {}?",
    "when to see a doctor": "When should I see a doctor about {}?",
    "when to contact a medical professional": "When should I see a doctor about {}?",
    "when to call your doctor": "When should I see a doctor about {}?",
}
# Gerunds that start a heading ("Managing Muscle Spasms") and words that end one ("Neuropathic Pain
# Relief"): "How can <the rest> be <participle>?".
DOING = {"managing": "managed", "treating": "treated", "preventing": "prevented", "relieving": "relieved",
         "reducing": "reduced", "controlling": "controlled", "diagnosing": "diagnosed", "easing": "eased"}
DONE = {"relief": "relieved", "management": "managed", "treatment": "treated", "prevention": "prevented",
        "control": "controlled"}
# What joins a heading's parts and reads badly inside a question ("Botox - Beyond Beauty").
JOINERS = (" - ", " – ", " — ", ": ")


@dataclass(frozen=True)
class Suggestion:
    """A question the patient can click to ask, and where its answer is."""

    text: str
    url: str


def subject_of(title: str) -> str:
    """An article's subject: its title up to a subtitle ("Botox: A Promising Approach" -> "Botox"),
    without an aspect it starts with ("Diagnosis of Diabetes" -> "Diabetes")."""
    for joiner in JOINERS:
        if joiner in title:
            title = title.split(joiner, 1)[0]
    title = title.strip()
    aspect, of, rest = title.partition(" of ")
    return rest if of and aspect.casefold() in ASPECTS and rest else title


def _as_written(phrase: str, text: str) -> str:
    """``phrase`` with each capitalised word in lower case where ``text`` writes it so ("Chronic Pain"
    -> "chronic pain"), and kept otherwise ("Botox", "AMD")."""
    words = _words(text)
    out = []
    for word in phrase.split():
        low = word.lower()
        keep = word.isupper() and len(word) > 1 or (word != low and word in words and low not in words)
        out.append(word if keep else low)
    return " ".join(out)


# ASCII text's separators (not a letter, a digit, '-' or "'") as spaces, for str.translate.
_ASCII_SEPARATORS = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) in "-'")}


@functools.lru_cache(maxsize=WORD_SETS_CACHED)
def _words(text: str) -> frozenset[str]:
    """The words of ``text`` as written: runs of letters, digits, '-' and "'". Remembered for the
    few last texts: an article's text is read for each of its headings."""
    if text.isascii():  # most articles: one pass in C
        return frozenset(text.translate(_ASCII_SEPARATORS).split())
    return frozenset("".join(c if c.isalnum() or c in "-'" else " " for c in text).split())


def closing(heading: str) -> bool:
    """Whether a heading closes an article ("Points to remember"): a summary of what it said."""
    return " ".join(heading.split()).rstrip(":").casefold() in CLOSING


def heading_question(heading: str, article_title: str, text: str) -> tuple[str, int] | None:
    """The patient-style question a section answers, made from its heading, with how well it is
    worded (``HEADING``, ``RULE`` or ``FALLBACK``); None for a closing section. ``text`` is the
    article's text, for the case its words are written in."""
    heading = " ".join(heading.split()).rstrip(":")
    subject = _as_written(subject_of(article_title), text)
    low = heading.casefold()
    if heading.endswith("?"):
        bare = low.rstrip("? ")
        if bare in ASPECTS:  # "Who is at risk?": of what, in a list of several articles' questions
            return ASPECTS[bare].format(subject), HEADING
        words = low.rstrip("?").split()
        if "it" in words and not set(subject.casefold().split()) & set(words):  # "How common is it?"
            return " ".join(subject if w.casefold() == "it" else w for w in heading.split()), HEADING
        return heading, HEADING
    if low in CLOSING:
        return None
    if low == INTRODUCTION.casefold() and len(subject.split()) > 4:
        # A long title ("Battling Chronic Pain with Botox") is not a thing one asks "what is" of.
        return f"What should I know about {subject}?", FALLBACK
    if low in WHAT_IS or low == article_title.casefold() or low == INTRODUCTION.casefold():
        return f"What is {subject}?", RULE
    if low in ASPECTS:
        return ASPECTS[low].format(subject), RULE
    for joiner in JOINERS:
        heading = heading.replace(joiner, " ")
    phrase = _as_written(heading, text)
    low = phrase.casefold()
    for prefix in WHAT_IS_PREFIXES:
        if low.startswith(prefix):
            return f"What is {phrase[len(prefix):]}?", RULE
    for suffix in WHAT_IS_SUFFIXES:
        if low.endswith(suffix):
            return f"What is {phrase[: -len(suffix)]}?", RULE
    for aspect, template in ASPECTS.items():  # "Symptoms of wet AMD", "Tests for AMD"
        for link in (" of ", " for "):
            if low.startswith(aspect + link) and len(low) > len(aspect + link):
                return template.format(phrase[len(aspect + link):]), RULE
    first, _, rest = phrase.partition(" ")
    if first.casefold() in DOING and rest:
        return f"How can {rest} be {DOING[first.casefold()]}?", RULE
    head, _, last = phrase.rpartition(" ")
    # "Neuropathic Pain Relief", "Glaucoma treatment"; not "Botox in Chronic Migraine Treatment",
    # "Genetic tests" (the rest must name something: the article's subject or more than one word).
    plain = head and not {"in", "and", "with", "for"} & set(head.casefold().split())
    if plain and last.casefold() in DONE:
        return f"How can {head} be {DONE[last.casefold()]}?", RULE
    for aspect, template in ASPECTS.items():
        if plain and low.endswith(" " + aspect) and subject.casefold() in low:
            return template.format(phrase[: -len(aspect) - 1]), RULE
    return f"What should I know about {phrase}?", FALLBACK


class Suggester:
    """Suggested questions over one index's sections and articles."""

    def __init__(self, sections, articles):
        self.sections = sections
        self._texts = {a.slug: " ".join(s.text for s in a.sections) for a in articles} if len(articles) <= STARTER_SECTIONS else None
        # Each article's own questions (front matter), linked to the article's page.
        self._own = {a.slug: [Suggestion(q, a.url) for q in getattr(a, "questions", ())] for a in articles}
        self.question = functools.lru_cache(maxsize=QUESTIONS_CACHED)(self._question)

    def _question(self, row: int) -> tuple[str, int] | None:
        s = self.sections[row]
        text = s.text if self._texts is None else self._texts.get(s.article_slug, s.text)
        return heading_question(s.title, s.article_title, text)

    def starters(self, most: int = MOST) -> list[Suggestion]:
        """Questions to start with: the best-worded ones, one article at a time, the staff's first."""
        ranked = []  # (wording, turn within its article, order)
        seen_in: dict[str, int] = {}
        for slug, own in self._own.items():
            for i, s in enumerate(own):
                ranked.append((OWN, i, len(ranked), s))
                seen_in[slug] = i + 1
        for row in range(min(len(self.sections), STARTER_SECTIONS)):
            made = self.question(row)
            if made is None:
                continue
            slug = self.sections[row].article_slug
            turn = seen_in.get(slug, 0)
            seen_in[slug] = turn + 1
            ranked.append((made[1], turn, len(ranked), Suggestion(made[0], self.sections[row].url)))
        ranked.sort(key=lambda r: (r[0] == FALLBACK, r[1], r[0], r[2]))
        return _distinct((r[3] for r in ranked), most)

    def near(self, rows, most: int = MOST) -> list[Suggestion]:
        """The questions of the sections ``rows`` (the closest first), or of their articles' own
        questions for a section without one; starters make up the number."""
        found = []
        for row in rows:
            made = self.question(row)
            if made is not None:
                found.append(Suggestion(made[0], self.sections[row].url))
            else:
                found += self._own.get(self.sections[row].article_slug, [])[:1]
        return _distinct(found + self.starters(most), most)


def _distinct(suggestions, most: int) -> list[Suggestion]:
    out, seen = [], set()
    for s in suggestions:
        key = s.text.casefold()
        if key not in seen:
            seen.add(key)
            out.append(s)
            if len(out) == most:
                break
    return out
