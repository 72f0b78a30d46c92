"""The cyclic garbage collector held off while a process loads: importing the package and loading a
saved index, its vocabulary and the encoder allocate about 100,000 objects that nearly all live on,
and the collector, run every 700 allocations, goes over them about 120 times: about 25 ms of a cold
``qa-bot ask``'s 0.4 s. Reference counting still frees everything else as usual; whatever cyclic
garbage loading leaves is collected at the next run after it. A program that keeps what it loaded
for good (the command line, cli._bot) also freezes it (``gc.freeze()``) before collecting resumes:
otherwise the first run after the pause goes over all of it (15 ms for the package's imports), and so
do the collections of interpreter exit (80 ms).

    with gc_paused():
        ...  # loading only: never around a build or anything long, whose garbage must be collected
"""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def gc_paused(freeze: bool = False):
    """No cyclic collection inside the block (if the caller had it off already, nothing changes
    after). ``freeze``: what exists at the end is frozen before collecting resumes, so that the
    first run does not go over all it made (only for what lives as long as the process)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()


def keep_loaded() -> None:
    """For a process that serves what it loaded for good: what was loaded is frozen out of the cyclic
    garbage collector's sight (``gc.freeze``). A bot is about 100,000 objects that live as long as it
    serves, and a full collection goes over all of them: 63 ms, measured, in the middle of one
    request, once in 10,000 questions. Collections still run over what requests make; garbage is
    collected first, so none is frozen. A reload unfreezes, then freezes the new bot."""
    gc.collect()
    gc.freeze()
