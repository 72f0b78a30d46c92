"""A bot that follows corpus edits while serving, and never stops answering because of one.

``LiveBot.get()`` returns the bot to answer with. At most every ``interval`` seconds it looks at the
corpus files' names, sizes and modification times; when they change, a background thread rebuilds
(or loads, if another process already built it) the index and swaps the new bot in. Requests keep
being answered by the previous bot meanwhile, and if the reload fails (a malformed article, an
unwritable index folder) the previous bot stays in service and the reason is logged (as a
warning once, while it stays the same).

A failed reload is tried again even if the files do not change: the cause may lie outside them (a
folder made writable again). The first retry comes at the next check, then the wait doubles, up to
``MAX_RETRY_SECONDS``, so that a large knowledge base left broken is not re-read every few seconds.
An edit to the files is tried at once, whatever the wait.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from .answer import Bot
from .config import Config
from .errors import QaBotError

log = logging.getLogger("qa_bot.reload")

MAX_RETRY_SECONDS = 60.0


def corpus_signature(path: Path) -> tuple:
    """Cheap fingerprint of a corpus folder or file: (name, size, mtime) of each entry."""
    path = Path(path)
    try:
        entries = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.is_file())
        return tuple((p.name, st.st_size, st.st_mtime_ns) for p in entries for st in [p.stat()])
    except OSError:
        return ()


class LiveBot:
    def __init__(self, config: Config, interval: float = 2.0, bot: Bot | None = None):
        self.config = config
        self.interval = interval
        self._signature = corpus_signature(config.corpus)
        self._bot = bot or Bot.from_config(config)
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._reloading = False
        # One reload at a time, whether from get()'s thread or reload_now().
        self._reload_lock = threading.Lock()
        self._retry_wait: float | None = None  # after the last failed reload (None: it did not fail)
        self._retry_at: float | None = None  # when to try it again
        self.last_error: str | None = None
        self.reloads = 0

    def get(self) -> Bot:
        now = time.monotonic()
        if self.interval >= 0 and now - self._checked >= self.interval and not self._reloading:
            with self._lock:
                if not self._reloading and now - self._checked >= self.interval:
                    self._checked = now
                    retry_due = self._retry_at is not None and now >= self._retry_at
                    if retry_due or corpus_signature(self.config.corpus) != self._signature:
                        self._reloading = True
                        threading.Thread(target=self._reload, daemon=True, name="qa-bot-reload").start()
        return self._bot

    def reload_now(self) -> bool:
        """Rebuild synchronously if the corpus changed or the last reload failed (for tests and a
        SIGHUP). True if a new bot was swapped in."""
        if corpus_signature(self.config.corpus) == self._signature and self._retry_at is None:
            return False
        with self._lock:
            self._reloading = True
        return self._reload()

    def _reload(self) -> bool:
        with self._reload_lock:
            # Taken before loading: an edit made while the index builds is seen at the next check.
            signature = corpus_signature(self.config.corpus)
            start = time.perf_counter()
            try:
                bot = Bot.from_config(self.config)
            except Exception as exc:  # a bug must not take serving down either
                self._failed(exc)
                return False
            else:
                self._bot = bot
                self.last_error, self._retry_wait, self._retry_at = None, None, None
                self.reloads += 1
                log.info("corpus reloaded in %.3f s (pid %d): %s", time.perf_counter() - start, os.getpid(),
                         {k: bot.index.manifest.get(k) for k in ("articles", "sections", "terms")})
                return True
            finally:
                self._signature = signature
                self._reloading = False

    def _failed(self, exc: Exception) -> None:
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
