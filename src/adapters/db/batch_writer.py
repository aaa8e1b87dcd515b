"""A background thread that stores what calls handed over, in batches, off the calls' path.

Used where a call's write need not be in the database before its reply (request_id replies, the
audit trail): the call hands its row over and wakes the writer; the writer waits a moment for more
rows to join, then stores them all with one statement and one commit.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class BatchWriter:
    def __init__(self, flush: Callable[[], None], every: float, name: str, retry_after: float = 1.0):
        """`flush` stores everything handed over so far (and keeps it, to try again, if it raises);
        `every`: seconds a row may wait for others; `name`: the thread's, and the log's."""
        self._flush, self._every, self._name, self._retry_after = flush, every, name, retry_after
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        """Something was handed over: store it soon. Cheap when the writer is already awake."""
        if self._thread is None:
            with self._lock:
                if self._thread is None and not self._stopping:
                    thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                    thread.start()
                    self._thread = thread  # only once started: a close() from another thread may join it
        if not self._wake.is_set():
            self._wake.set()

    def close(self) -> None:
        """Stop the thread, then store what is left (raising if that fails)."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._flush()

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait()
            if self._stopping:
                return
            time.sleep(self._every)  # let more rows join this batch
            self._wake.clear()
            try:
                self._flush()
            except Exception:  # noqa: BLE001 - kept by `flush`, tried again with the next batch
                log.exception("%s: could not store a batch; will try again", self._name)
                self._wake.set()
                time.sleep(self._retry_after)
