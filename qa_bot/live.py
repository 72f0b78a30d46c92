"""A bot that follows corpus edits while serving, and never stops answering because of one.

``LiveBot.get()`` returns the bot to answer with; it never waits and never looks at the disk. Once
``watch()`` is called (the web app does, in each worker), a background thread calls ``check()``
every ``interval`` seconds, whether or not requests arrive. A check looks at two cheap things:

- which build the index folder's ``current`` link names: another process (a worker of the same
  server, or ``qa-bot index``) may have built a newer index, which is then loaded;
- the corpus files' names, sizes and modification times: after an edit the index is brought up to
  date with :func:`qa_bot.index.open_index`, which builds under the index folder's lock, so of the
  workers that see the edit at once one builds and the others wait for it and load what it built.

The new bot is swapped in with one assignment, and requests are answered by the previous one until
then. So every worker serves a new build within ``interval`` seconds (plus the time to load it) of
its being made current, and none ever goes back to an older one: each load takes whatever build is
current, and builds only ever replace older ones (they are made one at a time, under the lock).

If the reload fails (a malformed article, an unwritable index folder) the previous bot stays in
service and the reason is logged (as a warning once, while it stays the same). A failed reload is
tried again even if the files do not change: the cause may lie outside them (a folder made
writable again). The first retry comes at the next check, then the wait doubles, up to
``MAX_RETRY_SECONDS``, so that a large knowledge base left broken is not re-read every few seconds.
An edit to the files, or a new build by another process, is tried at once, whatever the wait.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
import weakref
from pathlib import Path

from .answer import Bot
from .config import Config
from .errors import QaBotError
from .gc_pause import keep_loaded
from .index import CURRENT

log = logging.getLogger("qa_bot.reload")

MAX_RETRY_SECONDS = 60.0
MIN_WATCH_SECONDS = 0.05  # an interval of 0 still sleeps between checks


def corpus_signature(path: Path) -> tuple:
    """Cheap fingerprint of a corpus folder or file: (name, size, mtime) of each entry."""
    path = Path(path)
    try:
        entries = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.is_file())
        return tuple((p.name, st.st_size, st.st_mtime_ns) for p in entries for st in [p.stat()])
    except OSError:
        return ()


def current_build(index_dir: Path) -> str | None:
    """The name of the build the index folder's ``current`` link points at (None: none yet)."""
    try:
        return os.path.basename(os.readlink(Path(index_dir) / CURRENT))
    except OSError:
        return None


def build_name(bot: Bot) -> str | None:
    """The build a bot's index was loaded from (or saved as)."""
    path = getattr(bot.index, "path", None)
    return Path(path).name if path else None


class LiveBot:
    def __init__(self, config: Config, interval: float = 2.0, bot: Bot | None = None):
        self.config = config
        self.interval = interval
        self._index_dir = config.resolved_index_dir
        self._signature = corpus_signature(config.corpus)
        self._bot = bot or Bot.from_config(config)
        # One check at a time, whether from the watcher or reload_now().
        self._check_lock = threading.Lock()
        self._retry_wait: float | None = None  # after the last failed reload (None: it did not fail)
        self._retry_at: float | None = None  # when to try it again
        self._failed_build: str | None = None  # the build current when the last reload failed
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.last_error: str | None = None
        self.reloads = 0

    def get(self) -> Bot:
        return self._bot

    @property
    def build(self) -> str | None:
        """The build being served."""
        return build_name(self._bot)

    def watch(self) -> None:
        """Check every ``interval`` seconds in a background thread (not at all if ``interval`` < 0).

        The thread holds the LiveBot only weakly, so an app that is dropped stops its thread."""
        if self.interval < 0 or self._watcher is not None:
            return
        self._watcher = threading.Thread(target=_watch, args=(weakref.ref(self), max(self.interval, MIN_WATCH_SECONDS),
                                                              self._stop), daemon=True, name="qa-bot-reload")
        self._watcher.start()

    def close(self) -> None:
        """Stop the watcher (it ends after the check in progress, if any)."""
        self._stop.set()

    def check(self) -> bool:
        """One look (see the module docstring): reload if another build became current, the corpus
        changed, or a retry of a failed reload is due. True if a newer bot was swapped in."""
        with self._check_lock:
            build = current_build(self._index_dir)
            if build in (self.build, self._failed_build) and corpus_signature(self.config.corpus) == self._signature:
                if self._retry_at is None or time.monotonic() < self._retry_at:
                    return False
            return self._reload()

    def reload_now(self) -> bool:
        """Reload at once if the corpus changed, another build became current or the last reload
        failed (for tests and a SIGHUP). True if a newer bot was swapped in."""
        with self._check_lock:
            if (corpus_signature(self.config.corpus) == self._signature and self._retry_at is None
                    and current_build(self._index_dir) == self.build):
                return False
            return self._reload()

    def _reload(self) -> bool:
        # Taken before loading: an edit made while the index builds is seen at the next check.
        signature = corpus_signature(self.config.corpus)
        start = time.perf_counter()
        try:
            bot = Bot.from_config(self.config)
        except Exception as exc:  # a bug must not take serving down either
            self._failed(exc)
            return False
        finally:
            self._signature = signature
        self.last_error, self._retry_wait, self._retry_at, self._failed_build = None, None, None, None
        if build_name(bot) == self.build:  # a touch, or an edit undone: the index in use is up to date
            return False
        self.reloads += 1  # counted first: whoever sees the new bot sees it counted
        self._bot = bot
        log.info("corpus reloaded: index %s loaded in %.3f s (pid %d): %s", self.build, time.perf_counter() - start, os.getpid(),
                 {k: bot.index.manifest.get(k) for k in ("articles", "sections", "terms")})
        if gc.get_freeze_count():  # the process keeps what it loaded out of the collector's sight
            gc.unfreeze()  # the old bot's objects are let go, and the new one's kept
            keep_loaded()
        return True

    def _failed(self, exc: Exception) -> None:
        self._failed_build = current_build(self._index_dir)
        previous = self._retry_wait
        wait = max(self.interval, 0) if previous is None else min(previous * 2, MAX_RETRY_SECONDS)
        self._retry_wait, self._retry_at = wait, time.monotonic() + wait
        error = str(exc) if isinstance(exc, QaBotError) else f"{type(exc).__name__}: {exc}"
        if error == self.last_error:  # said already: a retry that fails the same way is not news
            log.info("corpus reload failed again, trying again in %g s: %s", wait, error)
        elif isinstance(exc, QaBotError):
            log.warning("corpus change not applied, still serving the last good index (trying again in %g s): %s",
                        wait, exc)
        else:  # a bug: logged with its traceback
            log.exception("corpus reload failed, still serving the last good index (trying again in %g s)", wait)
        self.last_error = error


def _watch(ref: weakref.ref, interval: float, stop: threading.Event) -> None:
    while not stop.wait(interval):
        live = ref()
        if live is None:
            return
        try:
            live.check()
        except Exception:  # check() handles reload failures; this is a bug, and the watcher must go on
            log.exception("checking for corpus edits failed")
        del live
