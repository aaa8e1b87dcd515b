"""Requests the platform acts on later, on its own time (the late_commit fault): each is processed
by a daemon timer after its delay, through the normal rules (a msgid already used, a 冲正 that came
first, a visit since cancelled ... refuse it as they would refuse it on time)."""
from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable

from ports.platform import PlatformError, PlatformReply, PlatformRequest

log = logging.getLogger(__name__)


class LateCommit:
    """One delayed request; `done` is set once the platform has acted on it (reply or error)."""

    def __init__(self, request: PlatformRequest, order: int = 0):
        self.request, self.order = request, order
        self.done = threading.Event()
        self.reply: PlatformReply | None = None
        self.error: PlatformError | None = None
        self.timer: threading.Timer | None = None
        self._claimed = False
        self._lock = threading.Lock()

    def claim(self) -> bool:
        """True for the one caller that gets to process it (its timer, or settle(now=True))."""
        with self._lock:
            taken, self._claimed = self._claimed, True
            return not taken


class LateCommits:
    def __init__(self, process: Callable[[PlatformRequest], PlatformReply]):
        self._process = process
        self._lock = threading.Lock()
        self._pending: set[LateCommit] = set()
        self._order = itertools.count()

    def schedule(self, request: PlatformRequest, seconds: float) -> LateCommit:
        late = LateCommit(request, next(self._order))
        late.timer = threading.Timer(seconds, self._run, args=(late,))
        late.timer.daemon = True  # a late commit never keeps a process alive: settle() waits for them
        late.timer.name = f"yb-sim-late-{request.infno}"
        with self._lock:
            self._pending.add(late)
        late.timer.start()
        return late

    def _run(self, late: LateCommit) -> None:
        if not late.claim():
            return
        try:
            late.reply = self._process(late.request)
            log.info("late commit of %s %s: done", late.request.infno, late.request.msgid)
        except PlatformError as exc:
            late.error = exc
            log.info("late commit of %s %s: %s", late.request.infno, late.request.msgid, exc)
        finally:
            with self._lock:
                self._pending.discard(late)
            late.done.set()

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def settle(self, timeout: float | None = None, now: bool = False) -> bool:
        """Wait for every pending late commit, those scheduled while waiting too; False when some
        are still pending after `timeout` seconds. `now`: process them at once, in order of
        arrival, rather than each at its time."""
        if now:
            with self._lock:
                waiting = sorted(self._pending, key=lambda late: late.order)
            for late in waiting:
                if late.timer is not None:
                    late.timer.cancel()
                self._run(late)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                waiting = next(iter(self._pending), None)
            if waiting is None:
                return True
            left = None if deadline is None else deadline - time.monotonic()
            if (left is not None and left <= 0) or not waiting.done.wait(left):
                return False
