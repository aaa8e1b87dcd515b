"""WatchQueue: a snapshot (or the events after a resume token), then every committed event, in seq
order, none missed, none twice.

One hub per process reads each watched clinic's new events from the database once and keeps the
latest `ring` of them; every stream holds only its cursor (the last seq it has passed) and copies
at most `page` events at a time from the ring, or, when it has fallen further behind than the ring
reaches, from the events table. The hub reads when a commit in this process says so (QueueSignal)
and otherwise every `poll_interval` seconds, which is how changes made by other server processes
arrive.
"""
from __future__ import annotations

import base64
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from domain.errors import FieldViolation, ValidationFailed
from domain.queues import QueueEvent, QueueSnapshot, in_view
from ports.queues import QueueEvents, QueueSignal
from ports.unit_of_work import RequestScope

log = logging.getLogger(__name__)

_TOKEN_VERSION = "q1"


@dataclass(frozen=True)
class ResumeToken:
    """Where a stream stands: the queue it watches and the last seq it passed."""

    day: date
    clinic_code: str
    doctor_code: str
    seq: int

    def encode(self) -> str:
        raw = "\x1f".join((_TOKEN_VERSION, self.day.isoformat(), self.clinic_code, self.doctor_code, str(self.seq)))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @staticmethod
    def decode(token: str, field: str = "resume_token") -> ResumeToken:
        bad = ValidationFailed([FieldViolation(field, "is not a resume token this server gave out")])
        if len(token) > 200:
            raise bad
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            version, day, clinic, doctor, seq = raw.split("\x1f")
            if version != _TOKEN_VERSION or int(seq) < 0:
                raise ValueError(version)
            return ResumeToken(date.fromisoformat(day), clinic, doctor, int(seq))
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad from exc


@dataclass(frozen=True)
class Delivery:
    """One message of a stream: a snapshot or an event, with the token to resume after it."""

    token: str
    snapshot: QueueSnapshot | None = None
    event: QueueEvent | None = None


class _Channel:
    """One clinic-day's recent events, shared by the streams watching it."""

    def __init__(self, head: int, ring: int):
        self.cond = threading.Condition()
        self.head = head  # the last seq read from the database
        self.ring: deque[QueueEvent] = deque(maxlen=ring)
        self.watchers = 0


class QueueHub:
    def __init__(self, events: QueueEvents, signal: QueueSignal | None = None, poll_interval: float = 0.5,
                 ring: int = 512, page: int = 100, scope: RequestScope | None = None):
        """`scope`: brackets the hub's reading loop, so storage keeps one connection for it rather
        than checking one out (and pinging the server) for each read."""
        self._events, self._signal, self._scope = events, signal, scope
        self.poll_interval, self._ring, self.page = poll_interval, ring, page
        self._channels: dict[tuple[date, str], _Channel] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._dirty: set[tuple[date, str]] = set()  # clinics a commit of this process has news of
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        if signal is not None:
            signal.listen(self._published)

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def _published(self, clinics: set[tuple[date, str]]) -> None:
        with self._lock:
            watched = {k for k in clinics if k in self._channels}
            self._dirty |= watched
        if watched:
            self._wake.set()

    def join(self, day: date, clinic_code: str) -> _Channel:
        k = (day, clinic_code)
        with self._lock:
            channel = self._channels.get(k)
            if channel is None:
                channel = self._channels[k] = _Channel(self._events.heads([k])[k], self._ring)
            channel.watchers += 1
            if self._thread is None and not self.closed:
                self._thread = threading.Thread(target=self._run, name="queue-hub", daemon=True)
                self._thread.start()
        return channel

    def leave(self, day: date, clinic_code: str, channel: _Channel) -> None:
        with self._lock:
            channel.watchers -= 1
            if channel.watchers == 0 and self._channels.get((day, clinic_code)) is channel:
                del self._channels[(day, clinic_code)]

    def close(self) -> None:
        """End every stream (each returns after its current message) and stop reading."""
        self._closed.set()
        self._wake.set()
        if self._signal is not None:
            self._signal.unlisten(self._published)
        with self._lock:
            channels = list(self._channels.values())
        for channel in channels:
            with channel.cond:
                channel.cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        if self._scope is None:
            self._read_loop()
            return
        with self._scope():
            self._read_loop()

    def _read_loop(self) -> None:
        polled = time.monotonic()
        while not self.closed:
            self._wake.wait(max(0.0, polled + self.poll_interval - time.monotonic()))
            self._wake.clear()
            with self._lock:
                dirty, self._dirty = self._dirty, set()
                if time.monotonic() >= polled + self.poll_interval:  # the poll: every watched clinic
                    polled = time.monotonic()
                    channels = list(self._channels.items())
                else:  # woken by commits here: only their clinics
                    channels = [(k, self._channels[k]) for k in dirty if k in self._channels]
            for (day, clinic), channel in channels:
                try:
                    self._pull(day, clinic, channel)
                except Exception:  # noqa: BLE001 - a database hiccup: the next pass reads again
                    log.exception("reading queue events of %s %s failed", day, clinic)

    def _pull(self, day: date, clinic: str, channel: _Channel) -> None:
        while True:
            found = self._events.after(day, clinic, channel.head, self.page)
            if not found:
                return
            with channel.cond:
                channel.ring.extend(found)
                channel.head = found[-1].seq
                channel.cond.notify_all()
            if len(found) < self.page:
                return

    def watch(self, day: date, clinic_code: str, doctor_code: str, resume: ResumeToken | None) -> Watch:
        """A stream of the doctor's view ("" = the whole clinic): the snapshot unless resuming, then
        its events until cancelled or the hub closes. The caller checked `resume` names this queue."""
        return Watch(self, day, clinic_code, doctor_code, resume)


class Watch:
    """One stream; iterate it (once) for its deliveries; cancel() from any thread ends it."""

    def __init__(self, hub: QueueHub, day: date, clinic_code: str, doctor_code: str, resume: ResumeToken | None):
        self._hub, self._day, self._clinic, self._doctor, self._resume = hub, day, clinic_code, doctor_code, resume
        self._cancelled = False
        self._channel: _Channel | None = None

    def cancel(self) -> None:
        self._cancelled = True
        channel = self._channel
        if channel is not None:
            with channel.cond:
                channel.cond.notify_all()

    def __iter__(self) -> Iterator[Delivery]:
        hub, day, clinic, doctor = self._hub, self._day, self._clinic, self._doctor
        events = hub._events
        channel = self._channel = hub.join(day, clinic)
        try:
            if self._resume is None:
                snap = events.snapshot(day, clinic, doctor or None)
                cursor = snap.seq
                yield Delivery(ResumeToken(day, clinic, doctor, cursor).encode(), snapshot=snap)
            else:
                cursor = self._resume.seq
                if cursor > max(channel.head, events.heads([(day, clinic)])[(day, clinic)]):
                    raise ValidationFailed([FieldViolation("resume_token", "is ahead of this queue's events "
                                                                           "(from another server or day?)")])
            while True:
                with channel.cond:
                    while channel.head <= cursor and not (hub.closed or self._cancelled):
                        channel.cond.wait(5.0)  # woken by the hub, cancel() or close(); the timeout is a backstop
                    if hub.closed or self._cancelled:
                        return
                    batch = _from_ring(channel.ring, cursor, hub.page)
                if batch is None:  # further behind than the ring reaches: from the table
                    batch = events.after(day, clinic, cursor, hub.page)
                for event in batch:
                    cursor = event.seq
                    if in_view(doctor, event.doctor_code):
                        yield Delivery(ResumeToken(day, clinic, doctor, cursor).encode(), event=event)
        finally:
            hub.leave(day, clinic, channel)


def _from_ring(ring: deque, cursor: int, page: int) -> list[QueueEvent] | None:
    """Up to `page` events after `cursor` from the ring; None when the ring starts after cursor + 1."""
    if not ring or ring[0].seq > cursor + 1:
        return None
    start = cursor + 1 - ring[0].seq
    return list(itertools.islice(ring, start, start + page))
