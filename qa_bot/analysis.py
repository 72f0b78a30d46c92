"""Text analysis: the one analyzer used for documents and questions, and the sentence splitter.

Everything here works with NLTK's code alone, no downloaded NLTK data: a regular-expression
tokenizer (on the ``regex`` engine NLTK's tokenizers use), the Snowball stemmer, and a Punkt
sentence splitter given its abbreviations up front instead of a trained model. The stop-word list
is scikit-learn's.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

import regex
from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Words that carry meaning in a health question even though general stop-word lists drop them.
KEEP_WORDS = frozenset({"back", "neck", "never", "not", "no", "fire", "full", "bottom", "top"})
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS - KEEP_WORDS) | {"botox's", "s", "t", "d", "ll", "ve", "m", "re"}

# Abbreviations a full stop does not end a sentence after (lower case, no final dot).
ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "e.g", "i.e", "approx", "fig", "no", "inc", "u.s", "jan", "feb",
     "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mg", "ml", "min", "max"}
)

# Words: letters and digits, with inner apostrophes ("don't"). Compiled with the ``regex`` engine
# (an NLTK dependency), as NLTK's RegexpTokenizer does, so the words are the same; called directly
# because that tokenizer also bounds each call with a time limit, which costs several times the
# matching itself. Such a limit guards against catastrophic backtracking, which this pattern cannot
# do: each repetition of the group starts with an apostrophe, never a letter or digit.
_WORD = regex.compile(r"[^\W_]+(?:['’][^\W_]+)*")


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
        for tok in _WORD.findall(folded.replace("’", "'")):
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


_STEMMER = SnowballStemmer("english")


def _sentence_splitter() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


_SPLITTER = _sentence_splitter()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in ``text``; a paragraph break always ends a sentence."""
    spans = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", text):
        base = para.start()
        for start, end in _SPLITTER.span_tokenize(para.group()):
            spans.append((base + start, base + end))
    return spans


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
