"""``qa-bot init DIR``: a new clinic's starting point, made from the files in ``qa_bot/data/starter``.

    DIR/qa-bot.toml                             the settings, each explained, most switched off
    DIR/articles/preparing-for-your-visit.md    an example article with its front matter
    DIR/articles/vocabulary.yaml                the clinic's vocabulary, every entry switched off
    DIR/articles/README.md                      how staff add and check articles

``qa-bot.toml`` names ``articles`` as the corpus, so every qa-bot command run in DIR uses it.
Nothing is ever overwritten: if any of these files exists, nothing is written at all.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError
from .resources import DATA

STARTER = DATA / "starter"
CORPUS_FOLDER = "articles"
# Where each starter file goes, relative to DIR.
FILES = {
    "qa-bot.toml": "qa-bot.toml",
    "preparing-for-your-visit.md": f"{CORPUS_FOLDER}/preparing-for-your-visit.md",
    "vocabulary.yaml": f"{CORPUS_FOLDER}/vocabulary.yaml",
    "README.md": f"{CORPUS_FOLDER}/README.md",
}


def init(folder: str | Path) -> list[Path]:
    """Write the starter files into ``folder`` (made if missing) and return their paths."""
    folder = Path(folder)
    targets = {name: folder / where for name, where in FILES.items()}
    for path in (folder, folder / CORPUS_FOLDER):
        if path.exists() and not path.is_dir():
            raise UsageError(f"{path} exists and is not a folder: name a new or empty folder")
    existing = [p for p in targets.values() if p.exists()]
    if existing:
        raise UsageError(f"{existing[0]} already exists: qa-bot init never overwrites files; name a new folder")
    try:
        (folder / CORPUS_FOLDER).mkdir(parents=True, exist_ok=True)
        for name, path in targets.items():
            with open(path, "x", encoding="utf-8") as f:  # "x": fails rather than overwrite
                f.write((STARTER / name).read_text(encoding="utf-8"))
    except FileExistsError as exc:  # made by someone else meanwhile
        raise UsageError(f"{exc.filename} already exists: qa-bot init never overwrites files") from None
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or folder}: {exc.strerror or exc}") from None
    return list(targets.values())
