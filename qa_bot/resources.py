"""Where the package's own files are: the web assets, the nginx template and the example corpus.

An installed package (a wheel, or ``pip install .``) carries them inside itself as package data:
pyproject.toml maps the checkout's top-level ``web/``, ``deploy/`` and ``corpus/`` to
``qa_bot/web``, ``qa_bot/deploy`` and ``qa_bot/example_corpus``. A checkout (the editable install
of ``make setup``) keeps them at its top level, beside the package, and they are found there when
the package holds none. Nothing here depends on the working folder.

The general vocabulary (``qa_bot/data``) and the starter files of ``qa-bot init``
(``qa_bot/data/starter``) live inside the package in both layouts.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from .errors import QaBotError

PACKAGE = Path(str(files(__package__)))
DATA = PACKAGE / "data"
# Package-data folder -> the checkout's top-level folder it is built from.
CHECKOUT_NAMES = {"web": "web", "deploy": "deploy", "example_corpus": "corpus"}


class PackageDataError(QaBotError):
    """A file that ships with qa-bot is missing: the installation is incomplete."""


def folder(name: str) -> Path:
    """The package's data folder ``name`` (a key of ``CHECKOUT_NAMES``)."""
    inside = PACKAGE / name
    if inside.is_dir():
        return inside
    beside = PACKAGE.parent / CHECKOUT_NAMES[name]
    if (PACKAGE.parent / "pyproject.toml").is_file() and beside.is_dir():  # a checkout
        return beside
    raise PackageDataError(f"qa-bot's own folder {inside} is missing: reinstall qa-bot (pip install --force-reinstall qa-bot)")


def web() -> Path:
    """The widget, the demo site's templates and static files, and openapi.json."""
    return folder("web")


def nginx_template() -> Path:
    return folder("deploy") / "nginx.conf.template"


def example_corpus() -> Path | None:
    """The bundled example corpus (one article), or None if this installation has none."""
    try:
        return folder("example_corpus")
    except PackageDataError:
        return None
