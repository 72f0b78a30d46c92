"""The few parts of NLTK, scikit-learn and limits that answering uses, loaded without their packages.

``import nltk`` runs ``nltk/__init__.py``, which imports nearly all of NLTK and with it SciPy's
statistics and scikit-learn: about 2 s, to get a stemmer and a sentence splitter whose own modules
take milliseconds. ``import sklearn`` alone takes over a second, for a list of stop words, and
``import limits`` 0.13 s of CPU (its asyncio storage back-ends), for checking the syntax of a
rate limit. So:

- :func:`nltk_modules` imports NLTK's own modules (the source of truth stays NLTK's code) with
  bare stand-ins for the packages above them (``nltk``, ``nltk.stem``, ``nltk.tokenize``) and for
  ``nltk.corpus`` (whose ``stopwords`` the Snowball stemmer reads only with
  ``ignore_stopwords=True``). The stand-ins and every module loaded through them are then taken out of ``sys.modules``: the
  caller keeps private copies, and a later ``import nltk`` (index building) gets NLTK as usual.
  NLTK's modules for reading and writing files, pickles and trained models (``nltk.pathsec``,
  which imports ``http.client``, ``ssl`` and ``email``; ``nltk.internals``, ``nltk.picklesec``,
  ``nltk.probability``, ``nltk.tabdata``) and ``nltk.tokenize.util`` (other tokenizers' helpers; it
  imports ``xml.sax.saxutils`` and so ``urllib.request``) are imported by the stemmer's and the
  splitter's modules but called only to load, save or train a model or by other tokenizers, which
  answering never does: they are stand-ins too, whose functions and classes load the real module
  (the same lean way) when first called.
- :func:`parse_rate_limits` is ``limits.parse_many`` from ``limits/util.py``, loaded the same way.
- :func:`sklearn_stop_words` runs scikit-learn's stop-word module file, which imports nothing.

Each falls back to the ordinary import if the library is laid out differently.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

# The NLTK packages whose __init__ is skipped: they import most of NLTK.
NLTK_PACKAGES = ("nltk", "nltk.stem", "nltk.tokenize")


# NLTK modules that the stemmer's and the splitter's modules import but call only to read, write
# or train models (see the module): loaded when one of their functions is first called.
NLTK_DEFERRED = ("nltk.internals", "nltk.pathsec", "nltk.picklesec", "nltk.probability", "nltk.tabdata",
                 "nltk.tokenize.util")


def nltk_modules(*names: str) -> list[ModuleType]:
    """NLTK's modules ``names`` (like ``"nltk.stem.snowball"``), without the nltk package's imports."""
    deferred = {name: _deferred_module(name, _nltk_module) for name in NLTK_DEFERRED if name not in names}
    return _modules("nltk", NLTK_PACKAGES, {**_nltk_stand_ins(), **deferred}, names)


def _nltk_stand_ins() -> dict[str, ModuleType]:
    corpus = ModuleType("nltk.corpus")
    corpus.stopwords = None  # only SnowballStemmer(..., ignore_stopwords=True) reads it
    return {"nltk.corpus": corpus}


@functools.cache
def _nltk_module(name: str) -> ModuleType:
    """The real NLTK module ``name`` (lean, as :func:`nltk_modules` loads), for a deferred one."""
    return _modules("nltk", NLTK_PACKAGES, _nltk_stand_ins(), [name])[0]


def _deferred_module(name: str, load) -> ModuleType:
    """A stand-in for the module ``name``: each name imported from it is a function that calls
    that name of the real module, ``load(name)``, which it loads the first time it is called."""
    module = ModuleType(name)

    def attribute(attr: str):
        if attr.startswith("__"):  # import machinery probing the module: it has none of those
            raise AttributeError(attr)

        def deferred(*args, **kwargs):
            return getattr(load(name), attr)(*args, **kwargs)

        deferred.__name__ = deferred.__qualname__ = attr
        return deferred

    module.__getattr__ = attribute
    return module


def parse_rate_limits(text: str) -> list:
    """``limits.parse_many(text)``: raises ValueError unless ``text`` is like "20 per minute;200 per hour"."""
    util, = _modules("limits", ("limits",), {}, ["limits.util"])
    return util.parse_many(text)


def _modules(top: str, packages, stand_ins: dict, names) -> list[ModuleType]:
    if top in sys.modules:  # imported in full already: nothing to save
        return [importlib.import_module(name) for name in names]
    try:
        return _isolated(top, packages, stand_ins, names)
    except Exception:  # noqa: BLE001  another layout: import it the ordinary way
        return [importlib.import_module(name) for name in names]


def _isolated(top: str, packages, stand_ins: dict, names) -> list[ModuleType]:
    root = Path(_package_folder(top))
    stand_ins = dict(stand_ins)
    for name in packages:
        package = ModuleType(name)
        package.__path__ = [str(root.joinpath(*name.split(".")[1:]))]
        stand_ins[name] = package
    before = set(sys.modules)
    sys.modules.update(stand_ins)
    try:
        return [importlib.import_module(name) for name in names]
    finally:
        for name in set(sys.modules) - before | set(stand_ins):
            if name.split(".")[0] == top:
                sys.modules.pop(name, None)


def sklearn_stop_words() -> frozenset[str]:
    """scikit-learn's ``ENGLISH_STOP_WORDS``, read from its module file without importing scikit-learn."""
    try:
        path = Path(_package_folder("sklearn")) / "feature_extraction" / "_stop_words.py"
        spec = importlib.util.spec_from_file_location("_qa_bot_sklearn_stop_words", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return frozenset(module.ENGLISH_STOP_WORDS)
    except Exception:  # noqa: BLE001  another layout: import it the ordinary way
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return frozenset(ENGLISH_STOP_WORDS)


def _package_folder(name: str) -> str:
    spec = importlib.util.find_spec(name)  # finds, without importing
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"{name} is not installed as a package folder")
    return spec.submodule_search_locations[0]
