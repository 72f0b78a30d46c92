"""Patient language: the vocabularies and reading a question against the corpus.

Two files in one format: the general vocabulary shipped in the package (``data/general-vocabulary.yaml``:
lay terms, drug names and question phrasings for any clinic) and, on top of it, the clinic's own
(``vocabulary.yaml`` in the corpus folder, edited by clinic staff; see :meth:`Vocabulary.over` for
how they merge). Each has these parts:

``same_as``
    ``"article words": [patient phrases]``. A patient phrase found in a question adds the
    article words to the search (the question's own words stay too).
``not_covered`` / ``ask_a_clinician``
    ``"topic as the reply names it": [phrases]``. Topics the articles do not answer (cost,
    side effects...) and personal questions only a clinician can decide (doses, diagnosis).
``context``
    ``people: [...]`` and ``verbs: [...]``: any of the people followed by any of the verbs ("my
    *GP suggested* botox for my migraines") says who said something, not what the question is
    about; ``phrases: [...]`` are other turns of speech that are not the topic ("the pain *came
    back*" is not about the back). Such phrases are passed over: they neither search nor count.
    People and verbs are matched one after the other, never spelt out as every pair: a file of a
    few thousand of each would otherwise hold millions of phrases.
``ignore``
    Words that say nothing about a question's topic ("help", "tell"), left out of coverage and
    of the search: "would botox *work* for cramps" must not lean towards "How Does Botox Work?".
    (A phrase that contains one, such as "how does it work", still searches for it.)

Phrases are matched on stemmed, case- and accent-folded words, stop words included, so
"Shots", "shot" and "shóts" are one phrase, and "side effects" still needs both of its words.

What applies depends on the corpus, worked out from its terms when a :class:`Reader` is made: an
entry whose article words no article uses is passed over, a general ``same_as`` phrase only
bridges words the articles lack, and a ``not_covered`` topic never hides articles that use its
words (see :meth:`Reader.applies`). So a clinic's own folder starts with the general vocabulary,
and an article added on a topic makes it answerable.

It is applied at query time only, so the saved index does not depend on it and editing it
needs no rebuild. The file is read as plain YAML within size limits (``MAX_*`` below, documented
in corpus/README.md), each refusal naming the file and line. Words the corpus does not know are
first checked for typos against the corpus's terms and the vocabulary's own words (see
:meth:`Reader.correct`).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path

from . import analysis
from .analysis import Analyzer
from .corpus import load_yaml
from .errors import CorpusError

FILE_NAME = "vocabulary.yaml"
# The general vocabulary, package data (pyproject.toml's package-data puts it in the wheel).
GENERAL_FILE = Path(__file__).parent / "data" / "general-vocabulary.yaml"
# The parts given as "name: [phrases]" in the file.
TOPIC_PARTS = ("same_as", "not_covered", "ask_a_clinician")
# Every part made of phrases (of "context", its phrases; its people and verbs are kept apart).
SECTIONS = (*TOPIC_PARTS, "context")
# Size limits: the bundled file is 26 kB with about 1,500 entries; these leave many times that room
# and keep loading it (on every reload, in every worker) within a few seconds.
MAX_VOCABULARY_BYTES = 1_000_000
MAX_ENTRY_CHARS = 100  # one phrase, word or topic name
MAX_ENTRIES = 20_000  # keys and values in the whole file

# Typo tolerance, on stems (so "migranes" and "migrane" behave alike). A typo keeps its first letter
# (people rarely get that wrong, and requiring it stops "cost" from becoming "most"); then either
# two neighbouring letters are swapped ("pian", 4+ letters) or, for stems of 5+ letters, the stems
# are at least this similar (Indel ratio, where a changed letter costs 2: "insurance"/"injuries"
# stays apart at 0.80). Shorter stems are too often other real words ("feel" vs "fee").
MIN_TYPO_SIMILARITY = 0.85
MIN_SWAP_LENGTH = 4
MIN_TYPO_LENGTH = 5
# Words of one or two letters ("fr", "u") carry no topic and are left out of a question's content.
MIN_WORD_LENGTH = 3
UNKNOWN_WEIGHT = math.log(3)
# A known word never weighs quite nothing, or in a one-article corpus (every word in every section)
# any unknown word would make every question look uncovered.
MIN_KNOWN_WEIGHT = 0.05
QUESTION_WORDS = frozenset({"does", "doe", "did", "doing"})
# A same_as phrase of at most this many words, none of them a question word, names a thing ("a fib",
# "hypos", "the runs"); others are ways of asking ("how do I get rid of", "which conditions can"),
# which the encoder reads well as typed.
MAX_NAME_STEMS = 3
ASKING_WORDS = frozenset({"how", "what", "which", "why", "when", "who", "where", "can", "could", "will",
                          "would", "should", "is", "are", "do"})


@dataclass(frozen=True)
class Vocabulary:
    """The parsed vocabulary: each phrase as its tuple of stems, with what it stands for."""

    same_as: tuple[tuple[tuple[str, ...], str], ...] = ()
    not_covered: tuple[tuple[tuple[str, ...], str], ...] = ()
    ask_a_clinician: tuple[tuple[tuple[str, ...], str], ...] = ()
    context: tuple[tuple[tuple[str, ...], str], ...] = ()  # the context part's phrases
    people: tuple[tuple[str, ...], ...] = ()  # context: any of these followed by any of the verbs
    verbs: tuple[tuple[str, ...], ...] = ()
    ignore: frozenset[str] = frozenset()
    # same_as phrases of the general vocabulary: used only where the articles lack their words.
    fallbacks: frozenset[tuple[str, ...]] = frozenset()

    @classmethod
    def from_dict(cls, data: Mapping | None, analyzer: Analyzer | None = None, origin: str = "vocabulary",
                  text: str | None = None) -> "Vocabulary":
        """The vocabulary in ``data``; a refusal names ``origin`` and, given the file's ``text``, the line."""
        analyzer = analyzer or Analyzer()
        data = data or {}

        def refuse(message: str, *keys) -> CorpusError:
            return CorpusError(origin, message, None if text is None else _line_of(text, keys))

        if not isinstance(data, Mapping):
            raise refuse("the vocabulary must be a mapping with same_as, not_covered, ask_a_clinician, context, ignore")
        unknown = sorted(map(str, set(data) - set(SECTIONS) - {"ignore"}))
        if unknown:
            raise refuse(f"unknown part(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}, ignore", unknown[0])
        parts = _context(data.get("context"), analyzer, refuse)
        for part in TOPIC_PARTS:
            entries = data.get(part) or {}
            if not isinstance(entries, Mapping):
                raise refuse(f"'{part}' must map a name to a list of phrases", part)
            phrases = []
            for target, items in entries.items():
                if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                    # YAML reads bare yes/no/on/off as true/false: say so, it is the usual cause.
                    raise refuse(f"{part} -> '{target}': give a list of phrases, each one text "
                                 "(put words like yes, no, true, on, off in quotes)", part, target)
                for item in items:
                    stems = _stems(analyzer, item)
                    if stems:
                        phrases.append((stems, str(target)))
            parts[part] = tuple(phrases)
        ignore = data.get("ignore") or []
        if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
            raise refuse("'ignore' must be a list of words, each one text "
                         "(put words like yes, no, true, on, off in quotes)", "ignore")
        return cls(ignore=frozenset(s for w in ignore for s in _stems(analyzer, w)), **parts)

    @classmethod
    def load(cls, path: Path, analyzer: Analyzer | None = None) -> "Vocabulary":
        path = Path(path)
        try:
            with open(path, "rb") as f:
                raw = f.read(MAX_VOCABULARY_BYTES + 1)
        except OSError as exc:
            raise CorpusError(path, f"cannot read the vocabulary ({exc.strerror or exc})") from None
        if len(raw) > MAX_VOCABULARY_BYTES:
            raise CorpusError(path, f"the file is over the limit of {MAX_VOCABULARY_BYTES:,} bytes (from this line on)",
                              raw[:MAX_VOCABULARY_BYTES].count(b"\n") + 1)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CorpusError(path, "the file is not UTF-8 text: save it with UTF-8 encoding",
                              raw[: exc.start].count(b"\n") + 1) from None
        data = load_yaml(text, path, "not valid YAML ({problem})", MAX_ENTRY_CHARS, MAX_ENTRIES)
        return cls.from_dict(data, analyzer, str(path), text)

    @classmethod
    def general(cls, analyzer: Analyzer | None = None) -> "Vocabulary":
        """The general vocabulary shipped in the package (read once per analyzer: it never changes
        while running), its ``same_as`` phrases marked as fallbacks."""
        analyzer = analyzer or Analyzer()
        return _general(GENERAL_FILE, analyzer.stem, analyzer.stop_words)

    @classmethod
    def for_corpus(cls, corpus: Path, analyzer: Analyzer | None = None, saved: Mapping | None = None) -> "Vocabulary":
        """The corpus folder's vocabulary file on top of the general vocabulary; the general one
        alone when the folder has none (or the corpus is a JSONL file).

        ``saved`` is :func:`saved_form` as an index build stored it: used instead of reading and
        stemming the files if they, the analyzer and this code are still what it was made from
        (its key says); otherwise the files are read as usual, so an edit needs no rebuild."""
        if saved is not None:
            try:
                if saved.get("key") == source_key(corpus, analyzer or Analyzer()):
                    return cls.from_data(saved["vocabulary"])
            except (KeyError, TypeError, ValueError, AttributeError):
                pass  # not a form this code wrote: read the files
        general = cls.general(analyzer)
        path = Path(corpus) / FILE_NAME
        return cls.load(path, analyzer).over(general) if path.is_file() else general

    def over(self, base: "Vocabulary") -> "Vocabulary":
        """This vocabulary (the clinic's) on top of ``base`` (the general one): every entry of both,
        this one's first, but a phrase of ``base`` that this one also lists, in any part or as an
        ``ignore`` word, is dropped: the clinic's reading of it wins. Lists of one topic or of one
        ``same_as`` entry add up; ``people``, ``verbs`` and ``ignore`` are the union."""
        mine = {stems for part in SECTIONS for stems, _ in getattr(self, part)} | {(w,) for w in self.ignore}
        theirs = {part: tuple(p for p in getattr(base, part) if p[0] not in mine) for part in SECTIONS}
        return Vocabulary(
            **{part: getattr(self, part) + theirs[part] for part in SECTIONS},
            people=_union(self.people, base.people), verbs=_union(self.verbs, base.verbs),
            ignore=self.ignore | base.ignore,
            fallbacks=self.fallbacks | (base.fallbacks & {stems for stems, _ in theirs["same_as"]}))

    def to_data(self) -> dict:
        """Plain JSON data, read back by :meth:`from_data` into an equal vocabulary."""
        data = {part: [[list(stems), target] for stems, target in getattr(self, part)] for part in SECTIONS}
        data.update(people=[list(p) for p in self.people], verbs=[list(v) for v in self.verbs],
                    ignore=sorted(self.ignore), fallbacks=sorted(map(list, self.fallbacks)))
        return data

    @classmethod
    def from_data(cls, data: Mapping) -> "Vocabulary":
        parts = {part: tuple((tuple(stems), target) for stems, target in data[part]) for part in SECTIONS}
        vocabulary = cls(**parts, people=tuple(map(tuple, data["people"])), verbs=tuple(map(tuple, data["verbs"])),
                         ignore=frozenset(data["ignore"]), fallbacks=frozenset(map(tuple, data["fallbacks"])))
        if not all(isinstance(w, str) for w in vocabulary.stems()):
            raise ValueError("a saved vocabulary holds something other than words")
        return vocabulary

    def stems(self) -> set[str]:
        """Every stem the vocabulary mentions (patient phrases; typos are corrected towards these too)."""
        out = set(self.ignore)
        for part in SECTIONS:
            for stems, _ in getattr(self, part):
                out.update(stems)
        for stems in self.people + self.verbs:
            out.update(stems)
        return out


def source_key(corpus: Path, analyzer: Analyzer) -> str | None:
    """What :meth:`Vocabulary.for_corpus` reads for ``corpus``, as one hash: both files' bytes, the
    analyzer's parameters and the code that parses and stems them (this module and analysis.py).
    None if the corpus's file cannot be read within the size limit (reading it then says why)."""
    digest = hashlib.sha256()
    path = Path(corpus) / FILE_NAME
    try:
        own = path.read_bytes() if path.is_file() else b""
        parts = [GENERAL_FILE.read_bytes(), own, json.dumps(analyzer.params(), sort_keys=True).encode(),
                 Path(__file__).read_bytes(), Path(analysis.__file__).read_bytes()]
    except OSError:
        return None
    if len(own) > MAX_VOCABULARY_BYTES:
        return None
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def saved_form(corpus: Path, analyzer: Analyzer) -> dict | None:
    """The corpus's vocabulary, read and stemmed, with its :func:`source_key`: for an index build to
    store, so that starting does not read and stem the files again. None if the vocabulary is
    refused (a bot made over the corpus then reports why)."""
    key = source_key(corpus, analyzer)
    try:
        return None if key is None else {"key": key, "vocabulary": Vocabulary.for_corpus(corpus, analyzer).to_data()}
    except CorpusError:
        return None


def _stems(analyzer: Analyzer, phrase: str) -> tuple[str, ...]:
    return tuple(analyzer.term(w) for w in analyzer.words(phrase))


def _line_of(text: str, keys: tuple) -> int:
    """The line of the entry that ``keys`` (mapping keys from the top) lead to in the YAML ``text``,
    or of the last one found on the way (1 for the top). Only for refusals: by then the text has
    passed load_yaml's checks (no aliases, bounded depth, bounded size)."""
    import yaml  # only here and in corpus.load_yaml: answering from a saved index reads no YAML

    node, line = yaml.compose(text, Loader=yaml.SafeLoader), 1
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            break
        match = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(key)), None)
        if match is None:
            break
        line, node = match[0].start_mark.line + 1, match[1]
    return line


def _union(first: tuple, second: tuple) -> tuple:
    seen = set(first)
    return first + tuple(p for p in second if p not in seen)


@lru_cache(maxsize=4)
def _general(path: Path, stem: bool, stop_words: frozenset[str]) -> Vocabulary:
    vocabulary = Vocabulary.load(path, Analyzer(stop_words, stem))
    return replace(vocabulary, fallbacks=frozenset(stems for stems, _ in vocabulary.same_as))


CONTEXT_KEYS = ("people", "verbs", "phrases")


def _context(data, analyzer: Analyzer, refuse) -> dict:
    """The ``context`` part: its people and verbs, and its phrases, as Vocabulary fields."""
    data = data or {}
    lists = [data.get(key) or [] for key in CONTEXT_KEYS] if isinstance(data, Mapping) else None
    if (lists is None or set(data) - set(CONTEXT_KEYS)
            or not all(isinstance(items, list) and all(isinstance(i, str) for i in items) for items in lists)):
        raise refuse("'context' may have 'people', 'verbs' and 'phrases', each a list of words or phrases", "context")
    people, verbs, phrases = ([s for s in (_stems(analyzer, i) for i in items) if s] for items in lists)
    return {"people": tuple(people), "verbs": tuple(verbs), "context": tuple((p, "context") for p in phrases)}


@dataclass(frozen=True)
class Unit:
    """One piece of a question's content: the index terms that satisfy it (none: the corpus lacks it)."""

    text: str
    terms: frozenset[str]
    weight: float


@dataclass(frozen=True)
class Reading:
    """What the bot made of a question."""

    terms: tuple[str, ...]  # index terms of the question's own words (typos corrected)
    expansions: tuple[str, ...]  # index terms the vocabulary added for matched phrases
    units: tuple[Unit, ...]  # the question's informative content, for coverage
    not_covered: tuple[str, ...]  # topics (as named in the vocabulary) the articles do not answer
    ask_a_clinician: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...]  # (word as typed, word it was read as)
    # not_covered topics that some article does use the words of: (topic, the index terms that
    # say a section discusses it). The section that answers must hold one of each (see ranker.py).
    aspects: tuple[tuple[str, frozenset[str]], ...] = ()
    # the article words, as written, of the same_as entries a short patient phrase matched (see
    # MAX_NAME_STEMS): what the question names, in the articles' words, for the encoder
    meanings: tuple[str, ...] = ()

    @property
    def unknown(self) -> tuple[str, ...]:
        return tuple(u.text for u in self.units if not u.terms)


class Reader:
    """Reads questions against one corpus's terms with one vocabulary.

    ``known`` maps index terms (stems) to their smoothed idf ``1 + ln((1 + n) / (1 + df))``, as
    a fitted ``TfidfVectorizer`` has it. A unit's weight is how much its rarest term tells the
    sections apart, ``idf - 1 = ln((1 + n) / (1 + df))``: 0 for a word in every section (such
    as "botox", floored at ``MIN_KNOWN_WEIGHT``), so such words barely count. A word the corpus lacks
    weighs ``ln 3``, as much as a term found in about a third of the sections: enough that
    "botox for teeth grinding" is mostly missing, not so much that one odd word ("what is the
    *definition* of chronic pain") sinks a question that is otherwise well covered.
    """

    def __init__(self, vocabulary: Vocabulary, analyzer: Analyzer, known: Mapping[str, float], n_docs: int):
        self.vocabulary = vocabulary
        self.analyzer = analyzer
        self.known = known
        self.unknown_weight = UNKNOWN_WEIGHT
        # Not searched for either: forms of "do" are how questions are asked ("does it work?"), but a
        # heading like "How Does Botox Work?" makes "does" a rare, heavy index term.
        self._skip = frozenset(analyzer.stop_words) | QUESTION_WORDS
        # What a same_as entry searches for: its article words that the articles use (each read once:
        # many phrases share them).
        self._targets = {t: self._terms(t) for t in dict.fromkeys(t for _, t in vocabulary.same_as)}
        # Words a one-word same_as phrase reads as words the articles use ("hurts": pain).
        self._read_as_known = frozenset(stems[0] for stems, t in vocabulary.same_as
                                        if len(stems) == 1 and self._targets[t])
        # The not_covered topics some article names in one of their one-word entries (see applies()).
        self._topics_used = frozenset(topic for stems, topic in vocabulary.not_covered
                                      if len(stems) == 1 and stems[0] in known and self._topic_words(stems))
        # The phrases by first stem, then by length (longest first), then by their stems: looking up
        # the words at hand per length costs less than comparing them with each phrase in turn.
        by_first: dict[str, dict[int, dict[tuple[str, ...], tuple]]] = {}
        for part in SECTIONS:
            for stems, target in getattr(vocabulary, part):
                if self.applies(stems, part, target):
                    by_length = by_first.setdefault(stems[0], {})
                    # Of two identical phrases the first that applies counts.
                    by_length.setdefault(len(stems), {}).setdefault(stems, (stems, part, target))
        self._phrases = {first: sorted(by_length.items(), key=lambda item: -item[0])
                         for first, by_length in by_first.items()}
        # not_covered phrases passed over because the articles use their words: the question still
        # asks about that topic, so the section that answers must discuss it ("how do you prepare
        # for X" is not answered by X's section unless it says how to prepare). A topic's terms:
        # its one-word entries the articles use, or else the phrase's own topic words they use.
        one_word: dict[str, set[str]] = {}
        for stems, topic in vocabulary.not_covered:
            if len(stems) == 1 and stems[0] in known:
                one_word.setdefault(topic, set()).add(stems[0])
        aspects: dict[tuple[str, ...], tuple[str, frozenset[str]]] = {}
        for stems, topic in vocabulary.not_covered:
            # ("after the procedure" is about recovery: a section naming a procedure need not be)
            terms = frozenset(one_word.get(topic) or {w for w in self._topic_words(stems) if w in known})
            if terms and not self.applies(stems, "not_covered", topic):
                aspects.setdefault(stems, (topic, terms))
        self._aspects = _by_first(aspects)
        self._aspect_of = aspects
        self._people, self._verbs = _by_first(vocabulary.people), _by_first(vocabulary.verbs)
        self._starts = frozenset(self._phrases) | frozenset(self._people)  # where a phrase may begin
        by_letter: dict[str, list[str]] = {}
        for stem in sorted(set(known) | vocabulary.stems()):
            if stem.isalpha() and len(stem) >= MIN_SWAP_LENGTH:
                by_letter.setdefault(stem[0], []).append(stem)
        self._candidates = by_letter
        self._corrected: dict[str, str | None] = {}

    @cached_property
    def _typo_tables(self) -> tuple[dict, dict, dict]:
        """For correct(), made when a word first needs it (most questions hold none): each letter's
        candidates long enough for a typo; the candidates by letter and length, for a swap; and each
        candidate's place in its letter's list, which breaks ties, as the first found did."""
        typo = {k: [c for c in v if len(c) >= MIN_TYPO_LENGTH] for k, v in self._candidates.items()}
        swap: dict[tuple[str, int], list[str]] = {}
        for letter, stems in self._candidates.items():
            for stem in stems:
                swap.setdefault((letter, len(stem)), []).append(stem)
        place = {c: i for v in self._candidates.values() for i, c in enumerate(v)}
        return typo, swap, place

    def _terms(self, text: str) -> frozenset[str]:
        return frozenset(t for t in self.analyzer(text) if t in self.known)

    def _topic_words(self, stems: tuple[str, ...]) -> list[str]:
        """The stems of a phrase that say what it is about: not stop words, forms of "do" or ignore words."""
        return [s for s in stems if s not in self._skip and s not in self.vocabulary.ignore]

    def applies(self, stems: tuple[str, ...], part: str, target: str) -> bool:
        """Does a vocabulary phrase apply over this corpus? Where one does not, its words are read
        as they are (or as part of another phrase).

        - ``same_as``: not when no article uses any of the entry's article words. A general
          vocabulary's phrase whose own topic words the articles all use too is a *bridge* (see
          :meth:`is_bridge`).
        - ``not_covered``: a topic applies only while the articles lack it. A phrase made of
          topic words alone ("knee pain", "cost") stops applying when the articles use them all
          (themselves or, for "knee hurts", the word a one-word same_as phrase reads them as);
          one that leans on other words ("how much is", "after botox", "side effects", "recovery
          time") when they use its topic words and at least one of the topic's one-word entries.
        - ``ask_a_clinician`` and ``context``: always (a personal question stays personal).
        """
        words = self._topic_words(stems)
        if part == "same_as":
            return bool(self._targets[target])
        if part == "not_covered":
            if not all(w in self.known or w in self._read_as_known for w in words):
                return True
            only_topic_words = bool(words) and len(words) == len(stems)
            return not (only_topic_words or target in self._topics_used)
        return True

    def is_bridge(self, stems: tuple[str, ...]) -> bool:
        """Is this ``same_as`` phrase a general one whose own topic words the articles all use?

        Such a phrase is searched as it is ("heart attack" in an article on it is not also searched
        for "myocardial infarction", which would pull towards whichever section happens to use
        it), and the encoder reads it as typed. But the articles' words it stands for still
        satisfy it in coverage: a heart failure section that says "swelling" holds "why are her
        ankles so swollen" although another article uses "swollen". Its unit weighs what the
        patient's own words weigh, not what the rarer article words would."""
        words = self._topic_words(stems)
        return stems in self.vocabulary.fallbacks and bool(words) and all(w in self.known for w in words)

    def is_known(self, stem: str) -> bool:
        return stem in self.known or stem in self._starts or stem in self.vocabulary.ignore

    def correct(self, stem: str) -> str | None:
        """The known stem a misspelt one most likely meant, or None (see MIN_TYPO_SIMILARITY)."""
        if stem in self._corrected:
            return self._corrected[stem]
        best = None
        if len(stem) >= MIN_SWAP_LENGTH and stem.isalpha():
            from rapidfuzz import process  # for the words a corpus does not know only (5 ms)
            from rapidfuzz.distance import OSA, Indel

            # Both comparisons run over the candidates in rapidfuzz's own loop: a message of a
            # hundred unknown words costs a pass each in C, not a Python call per candidate.
            typo, swap, place = self._typo_tables
            letters = sorted(stem)
            found = [(1.0, c) for c, _, _ in process.extract_iter(
                stem, swap.get((stem[0], len(stem)), ()), scorer=OSA.distance, score_cutoff=1)
                if c != stem and sorted(c) == letters]  # two letters swapped: as good as a match
            if len(stem) >= MIN_TYPO_LENGTH:
                found += [(sim, c) for c, sim, _ in process.extract(
                    stem, typo.get(stem[0], ()), scorer=Indel.normalized_similarity,
                    score_cutoff=MIN_TYPO_SIMILARITY, limit=None)]
            if found:
                best = max(found, key=lambda f: (f[0], -place[f[1]]))
        if len(self._corrected) < 100_000:  # bounded: questions are user input
            self._corrected[stem] = best[1] if best else None
        return best[1] if best else None

    def read(self, question: str, folded: str | None = None) -> Reading:
        """Read a question; ``folded`` is ``fold(question)`` if the caller has it already."""
        words = self.analyzer.words(question, folded)
        stems = [self.analyzer.term(w) for w in words]
        corrections = []
        for i, (w, s) in enumerate(zip(words, stems)):
            if w in self.analyzer.stop_words or self.is_known(s) or not w.isalpha():
                continue
            fixed = self.correct(s)
            if fixed:
                stems[i] = fixed
                corrections.append((w, fixed))
        query, added, units, found = [], [], [], {part: [] for part in SECTIONS}
        meanings: list[str] = []
        i = 0
        while i < len(stems):
            match = self._phrase_at(stems, i) if stems[i] in self._starts else None
            if match:
                phrase, part, target = match
                text = " ".join(words[i : i + len(phrase)])
                if target not in found[part]:
                    found[part].append(target)
                if part == "same_as":
                    bridge = self.is_bridge(phrase)
                    names = len(phrase) <= MAX_NAME_STEMS and ASKING_WORDS.isdisjoint(words[i : i + len(phrase)])
                    if names and not bridge and target not in meanings:
                        meanings.append(target)
                    own = [s for s in phrase if s in self.known and s not in self._skip]
                    terms = self._targets[target] | frozenset(own)
                    query += own
                    if not bridge:
                        added += sorted(self._targets[target] - frozenset(own))
                    units.append(Unit(text, terms, self._weight(frozenset(own) if bridge else terms)))
                if part == "context":  # not the topic: no aspect either ("bring *to my appointment*")
                    stems[i : i + len(phrase)] = [""] * len(phrase)
                i += len(phrase)
                continue
            w, s = words[i], stems[i]
            if w not in self._skip and s not in self.vocabulary.ignore:
                query.append(s)
            if self._informative(w, s):
                if s in self.known:
                    units.append(Unit(w, frozenset([s]), self.term_weight(s)))
                else:
                    units.append(Unit(w, frozenset(), self.unknown_weight))
            i += 1
        return Reading(tuple(t for t in query if t in self.known), tuple(added), tuple(units),
                       tuple(found["not_covered"]), tuple(found["ask_a_clinician"]), tuple(corrections),
                       self._aspects_in(stems), tuple(meanings))

    def _aspects_in(self, stems: list[str]) -> tuple[tuple[str, frozenset[str]], ...]:
        """The aspects (see ``_aspects``) a question's stems name, each topic once, in order."""
        found: dict[str, frozenset[str]] = {}
        for i in range(len(stems)):
            length = next(_lengths(self._aspects, stems, i), 0)
            if length:
                topic, terms = self._aspect_of[tuple(stems[i : i + length])]
                found[topic] = found.get(topic, frozenset()) | terms
        return tuple(found.items())

    def _phrase_at(self, stems: list[str], i: int) -> tuple[tuple[str, ...], str, str] | None:
        """The longest vocabulary phrase starting at ``stems[i]``, as ``(stems, part, target)``; a
        context person and verb count as one phrase, which must be longer to win over a listed one."""
        match = None
        for length, phrases in self._phrases.get(stems[i], ()):
            match = phrases.get(tuple(stems[i : i + length]))
            if match:
                break
        pair = max((who + said for who in _lengths(self._people, stems, i)
                    for said in _lengths(self._verbs, stems, i + who)), default=0)
        if pair > (len(match[0]) if match else 0):
            return tuple(stems[i : i + pair]), "context", "context"
        return match

    def _informative(self, word: str, stem: str = "") -> bool:
        """Does this word say something about the question's topic? Stop words (also in contractions:
        "i'm", "don't"), the vocabulary's ``ignore`` words and one- or two-letter words do not."""
        if "'" in word:
            head = word.split("'")[0]
            return self._informative(head[:-1] if word.endswith("n't") else head)
        stem = stem or self.analyzer.term(word)
        return not (word in self._skip or stem in self.vocabulary.ignore or len(word) < MIN_WORD_LENGTH)

    def term_weight(self, term: str) -> float:
        """How much a known term tells sections apart: ``idf - 1``, at least ``MIN_KNOWN_WEIGHT``."""
        return max(self.known[term] - 1.0, MIN_KNOWN_WEIGHT)

    def _weight(self, terms: frozenset[str]) -> float:
        return max(map(self.term_weight, terms), default=self.unknown_weight)


def _by_first(phrases) -> dict[str, list[tuple[int, frozenset[tuple[str, ...]]]]]:
    """Phrases (tuples of stems) by first stem, then by length, longest first (see :func:`_lengths`)."""
    by_first: dict[str, dict[int, set]] = {}
    for stems in phrases:
        by_first.setdefault(stems[0], {}).setdefault(len(stems), set()).add(stems)
    return {first: sorted(((n, frozenset(group)) for n, group in by_length.items()), key=lambda item: -item[0])
            for first, by_length in by_first.items()}


def _lengths(by_first, stems: list[str], i: int):
    """The lengths of the phrases (see :func:`_by_first`) that match ``stems`` from ``i`` on."""
    if i < len(stems):
        for length, group in by_first.get(stems[i], ()):
            if tuple(stems[i : i + length]) in group:
                yield length
