"""A bot that follows corpus edits while serving, and never stops answering because of one.

``LiveBot.get()`` returns the bot to answer with. At most every ``interval`` seconds it looks at the
corpus files' names, sizes and modification times; when they change, a background thread rebuilds
(or loads, if another process already built it) the index and swaps the new bot in. Requests keep
being answered by the previous bot meanwhile, and if the edit is broken (a malformed article, an
unwritable index folder) the previous bot stays in service and the reason is logged.
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
        self.last_error: str | None = None
        self.reloads = 0

    def get(self) -> Bot:
        now = time.monotonic()
        if self.interval >= 0 and now - self._checked >= self.interval and not self._reloading:
            with self._lock:
                if not self._reloading and now - self._checked >= self.interval:
                    self._checked = now
                    signature = corpus_signature(self.config.corpus)
                    if signature != self._signature:
                        self._reloading = True
                        threading.Thread(target=self._reload, args=(signature,), daemon=True,
                                         name="qa-bot-reload").start()
        return self._bot

    def reload_now(self) -> bool:
        """Rebuild synchronously if the corpus changed (for tests and a SIGHUP). True if swapped."""
        signature = corpus_signature(self.config.corpus)
        if signature == self._signature:
            return False
        with self._lock:
            self._reloading = True
        return self._reload(signature)

    def _reload(self, signature: tuple) -> bool:
        start = time.perf_counter()
        try:
            bot = Bot.from_config(self.config)
        except QaBotError as exc:
            self.last_error = str(exc)
            log.warning("corpus change not applied, still serving the last good index: %s", exc)
            return False
        except Exception as exc:  # a bug must not take serving down either
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("corpus reload failed, still serving the last good index")
            return False
        else:
            self._bot = bot
            self.last_error = None
            self.reloads += 1
            log.info("corpus reloaded in %.3f s (pid %d): %s", time.perf_counter() - start, os.getpid(),
                     {k: bot.index.manifest.get(k) for k in ("articles", "sections", "terms")})
            return True
        finally:
            # Broken or not, this version of the files has been dealt with: wait for the next edit.
            self._signature = signature
            self._reloading = False
