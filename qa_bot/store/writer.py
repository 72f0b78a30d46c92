"""A background writer: a request only appends a record to a bounded queue; one thread writes batches.

The writer comes round every :data:`BATCH_INTERVAL_S` and writes what has gathered, in
transactions of up to :data:`MAX_BATCH` records: a transaction per record would cost the process
far more than the records themselves. Appending to the queue takes no lock and wakes nobody.

When the database fails, the batch in hand is dropped and counted as lost, and the failure is
logged once (not once a write) until a batch gets through again, which is logged too. While it
is down, records that find the queue full are dropped and counted the same way. Nothing here
ever raises into the code that puts records.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

log = logging.getLogger("qa_bot.store")

CAPACITY = 10_000  # records waiting at most: several seconds of a busy server, a few MB
MAX_BATCH = 500  # records a transaction at most
BATCH_INTERVAL_S = 0.5  # how long records gather before they are written (feedback looks in the queue first)
RETRY_WAIT_S = (0.2, 5.0)  # after a failed batch: first pause, longest pause (doubling between)


@dataclass(frozen=True)
class WriterStats:
    written: int  # records stored since start
    lost: int  # records dropped: the database failed, or the queue was full
    pending: int  # records waiting in the queue
    failing: bool  # the last write failed (an outage is going on)


class _Marker:
    """Put on the queue by :meth:`Writer.flush`; set once the writer has dealt with all before it."""

    def __init__(self):
        self.reached = threading.Event()


class Writer:
    """Calls ``write(batch)`` in a background thread with the records given to :meth:`put`.

    ``write`` raises on failure (any exception). ``hook`` runs in the same thread at most once
    every ``hook_every`` seconds while the writer runs, first right after the first round (the
    store's purge); its failures are logged and otherwise ignored. The thread starts at the first
    :meth:`put`, and again in a forked child (threads do not survive a fork), calling ``on_fork`` first.
    """

    def __init__(self, write: Callable[[list], None], *, hook: Callable[[], None] | None = None,
                 hook_every: float = 3600.0, on_fork: Callable[[], None] | None = None,
                 capacity: int = CAPACITY, name: str = "qa-bot-store"):
        self._write = write
        self._hook = hook
        self._hook_every = hook_every
        self._on_fork = on_fork
        self._capacity = capacity
        self._name = name
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._thread: threading.Thread | None = None
        self._pending: deque = deque()  # appends and pops are atomic: no lock on the request path
        self._wake = threading.Event()
        self._stopping = False
        self._written = 0
        self._lost = 0
        self._failing = False

    def put(self, record) -> None:
        """Queue ``record`` for writing: well under a microsecond, never blocks, never raises."""
        if self._pid != os.getpid():
            self._start()
        if len(self._pending) >= self._capacity:
            self._lose(1, "the write queue is full")
        else:
            self._pending.append(record)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything put before this call is written or lost; False on timeout."""
        if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
            return not self._pending
        marker = _Marker()
        self._pending.append(marker)
        self._wake.set()
        return marker.reached.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued (waiting up to ``timeout``), then stop the thread."""
        self.flush(timeout)
        self._stopping = True
        self._wake.set()
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(timeout)

    def stats(self) -> WriterStats:
        return WriterStats(self._written, self._lost, len(self._pending), self._failing)

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            if self._pid is not None:
                # A fork: the parent's records and connections are not ours to write or use.
                self._pending = deque()
                if self._on_fork is not None:
                    self._on_fork()
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()
            self._pid = os.getpid()

    def _run(self) -> None:
        next_hook = time.monotonic()
        pause = RETRY_WAIT_S[0]
        while not self._stopping:
            self._wake.wait(pause if self._failing else BATCH_INTERVAL_S)
            self._wake.clear()
            markers = []
            if self._round(markers):
                pause = RETRY_WAIT_S[0]
            else:
                pause = min(pause * 2, RETRY_WAIT_S[1])
            if self._hook is not None and time.monotonic() >= next_hook:
                next_hook = time.monotonic() + self._hook_every
                try:
                    self._hook()
                except Exception as exc:  # the hook is best effort; answers go on
                    log.warning("feedback store: the scheduled purge failed (%s); it is retried within the hour",
                                describe_error(exc))
            # After the hook: whoever flushed sees its work too (the first purge runs at start-up).
            for marker in markers:
                marker.reached.set()

    def _round(self, markers: list[_Marker]) -> bool:
        """Write what was queued when the round began, batch by batch; False at the first failed
        batch (the rest waits for the next round, when the database may be back)."""
        left = len(self._pending)
        while left:
            batch = []
            while left and len(batch) < MAX_BATCH:
                item = self._pending.popleft()
                left -= 1
                (markers if isinstance(item, _Marker) else batch).append(item)
            if batch and not self._try(batch):
                return False
        return True

    def _try(self, batch: list) -> bool:
        try:
            self._write(batch)
        except Exception as exc:  # any failure of the database loses the batch, never the answer
            self._lose(len(batch), describe_error(exc))
            return False
        with self._lock:
            self._written += len(batch)
            if self._failing:
                self._failing = False
                log.warning("feedback store: writes work again; %d lost since start", self._lost)
        return True

    def _lose(self, count: int, why: str) -> None:
        with self._lock:
            self._lost += count
            if self._failing:
                return
            self._failing = True
        log.error("feedback store: writes are failing (%s); answers go on, and lost writes are counted "
                  "until it recovers", why)


def describe_error(exc: BaseException) -> str:
    """A one-line reason for logs, without SQL or parameters (which could hold a redacted question)."""
    if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None:
        exc = exc.orig
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
