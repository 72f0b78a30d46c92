"""Text analysis: the one analyzer used for documents and questions, and the sentence splitter.

Everything here works with NLTK's code alone, no downloaded NLTK data: a tokenizer made of string
methods, the Snowball stemmer, and a Punkt sentence splitter given its abbreviations up front
instead of a trained model. The stop-word list is scikit-learn's. Both libraries' parts are loaded
without their packages (lean_imports.py): answering a question never imports NLTK or scikit-learn
whole.
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache

from . import patterns
from .lean_imports import nltk_modules, sklearn_stop_words

_snowball, _punkt = nltk_modules("nltk.stem.snowball", "nltk.tokenize.punkt")
ENGLISH_STOP_WORDS = sklearn_stop_words()

# Words that carry meaning in a health question even though general stop-word lists drop them.
KEEP_WORDS = frozenset({"back", "neck", "never", "not", "no", "fire", "full", "bottom", "top"})
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS - KEEP_WORDS) | {"botox's", "s", "t", "d", "ll", "ve", "m", "re"}

# Abbreviations a full stop does not end a sentence after (lower case, no final dot).
ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "e.g", "i.e", "approx", "fig", "no", "inc", "u.s", "jan", "feb",
     "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mg", "ml", "min", "max"}
)


def tokens(text: str) -> list[str]:
    """The words of ``text``: runs of letters and digits (``str.isalnum``), an apostrophe between
    two of them joining them ("don't"); everything else separates words.

    Plain string methods, not a regular expression: time linear in the text, whatever it holds,
    and faster than a pattern engine on a question's few words. They give the words the pattern
    ``[^\\W_]+(?:'[^\\W_]+)*`` gave on the ``regex`` engine over the bundled articles, our question
    sets and the MedQuAD and NFCorpus records; they differ only on rare characters (a digit like
    "²" is part of a word, a combining mark that folding keeps is not).
    """
    out = []
    for chunk in text.split():
        if chunk.isalnum():  # most words: nothing to split
            out.append(chunk)
            continue
        for piece in "".join(c if c.isalnum() or c == "'" else " " for c in chunk).split():
            run = []  # the parts of one word, apostrophes between them
            for part in piece.split("'"):
                if part:
                    run.append(part)
                elif run:  # an apostrophe at an end, or two together: the word stops here
                    out.append("'".join(run))
                    run = []
            if run:
                out.append("'".join(run))
    return out


def fold(text: str) -> str:
    """Case-fold and strip accents: ``"Névralgie"`` -> ``"nevralgie"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():  # no combining marks to strip: most text, spared the look at each character
        return decomposed.casefold()
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Analyzer:
    """Turns text into index terms: fold -> tokenize -> drop stop words -> stem.

    Callable, so it plugs into scikit-learn's ``TfidfVectorizer(analyzer=...)``. The same instance
    (and so the same rules) analyses the articles at build time and the questions at query time.
    """

    def __init__(self, stop_words: frozenset[str] = STOP_WORDS, stem: bool = True):
        self.stop_words = stop_words
        self.stem = stem

    def words(self, text: str, folded: str | None = None) -> list[str]:
        """Folded word tokens, stop words kept (apostrophes normalised, possessive 's dropped).

        ``folded`` is ``fold(text)`` if the caller has it already.
        """
        if folded is None:
            folded = fold(text)
        out = []
        for tok in tokens(folded.replace("’", "'")):
            if tok.endswith("'s"):
                tok = tok[:-2]
            out.append(tok)
        return out

    def __call__(self, text: str) -> list[str]:
        return [self.term(w) for w in self.words(text) if w not in self.stop_words]

    def term(self, word: str) -> str:
        return _stem(word) if self.stem else word

    def params(self) -> dict:
        """What defines this analyzer, for the index manifest (a change means a rebuild)."""
        return {"stemmer": "snowball-english" if self.stem else None, "stop_words": len(self.stop_words),
                "stop_words_hash": hash_words(self.stop_words)}


def hash_words(words) -> str:
    return hashlib.sha256("\n".join(sorted(words)).encode()).hexdigest()[:16]


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _STEMMER.stem(word)


_STEMMER = _snowball.SnowballStemmer("english")


# The most text Punkt is given at once, and so the longest sentence. NLTK's Punkt runs a whole text
# under one 5-second regex time limit and spends ~100 us on each full stop, so one long paragraph
# full of them ("Dr. Dr. Dr. ...") timed out; a paragraph is fed to it in pieces of this size
# instead, and a "sentence" longer than this is quoted in pieces cut at a space.
MAX_SENTENCE_CHARS = 2_000
# Punkt's verdicts on candidate sentence breaks remembered (by the break's few words of context).
SENTBREAK_CACHE = 65_536


class _Splitter(_punkt.PunktSentenceTokenizer):
    """Punkt, deciding each distinct context of a candidate break once: with fixed parameters the
    verdict depends on that context alone, and text that repeats itself ("1. 2. 3. ...") is common
    in what makes Punkt slow."""

    @lru_cache(maxsize=SENTBREAK_CACHE)  # on a method: fine, the one instance lives as long as the process
    def text_contains_sentbreak(self, text: str) -> bool:
        return super().text_contains_sentbreak(text)


def _sentence_splitter() -> _punkt.PunktSentenceTokenizer:
    params = _punkt.PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return _Splitter(params)


_SPLITTER = _sentence_splitter()


# A paragraph: lines with no blank line between them (and the text's final newline).
PARAGRAPH = patterns.compile(r"[^\n]+(?:\n[^\n]+)*(?:\n\z)?")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in ``text``; a paragraph break always ends a sentence, and
    no sentence is longer than ``MAX_SENTENCE_CHARS`` (a longer one is cut at a space)."""
    spans = []
    for para in PARAGRAPH.finditer(text):
        spans += _paragraph_spans(text, para.start(), para.end())
    return spans


def _paragraph_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Punkt's sentences in ``text[start:end]``, read ``MAX_SENTENCE_CHARS`` at a time.

    Each piece ends at a space, so its last word is whole. Punkt decides a break from the words
    either side of it, so every sentence but a piece's last is as it would be in the whole
    paragraph; the last may run on past the piece, and is read again at the head of the next one.
    A piece that is all one sentence is cut where it ends.
    """
    spans = []
    while True:
        stop = end if end - start <= MAX_SENTENCE_CHARS else _space_before(text, start, start + MAX_SENTENCE_CHARS)
        found = [(start + a, start + b) for a, b in _SPLITTER.span_tokenize(text[start:stop])]
        if stop == end:
            return spans + found
        if len(found) > 1:
            spans += found[:-1]
            start = found[-1][0]
        else:
            spans += found
            start = stop
            while start < end and text[start].isspace():
                start += 1
            if start == end:
                return spans


def _space_before(text: str, start: int, limit: int) -> int:
    """The last space, tab or newline in ``text`` after ``start`` and at or before ``limit``; ``limit``
    itself when there is none (a "word" that long is cut anywhere)."""
    cut = max(text.rfind(c, start + 1, limit + 1) for c in " \t\n")
    return cut if cut > start else limit


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
