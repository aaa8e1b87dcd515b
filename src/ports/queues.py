"""What the queues context needs from storage: the entries inside a unit of work, the event
history outside one (for WatchQueue), and a signal that a commit published new events."""
from __future__ import annotations

import abc
import logging
import threading
from collections.abc import Callable
from datetime import date

from domain.queues import QueueEntry, QueueEvent, QueueKey, QueueSnapshot


class QueueRepository(abc.ABC):
    """Entries and their events, inside the unit of work (uow.queues). Writes go into the unit of
    work's transaction: its commit makes entries and events durable together."""

    @abc.abstractmethod
    def lock(self, day: date, clinic_code: str) -> None:
        """Serialize changes to one clinic's queues on this day until the transaction ends (across
        processes: a row lock on PostgreSQL, the write lock on SQLite). Reads after it see every
        change committed before."""

    @abc.abstractmethod
    def get(self, entry_id: str) -> QueueEntry | None: ...

    @abc.abstractmethod
    def entries(self, day: date, clinic_code: str, doctor_code: str | None = None,
                open_only: bool = True) -> list[QueueEntry]:
        """A clinic's entries of the day (doctor_code None), or a doctor's view (their own queue and
        the clinic's shared one; "" = the shared queue's view, the same)."""

    @abc.abstractmethod
    def next_number(self, day: date, clinic_code: str) -> int: ...

    @abc.abstractmethod
    def add(self, entry: QueueEntry) -> None: ...

    @abc.abstractmethod
    def save(self, entry: QueueEntry) -> None:
        """Write a changed entry; ConcurrencyConflict when its version moved on meanwhile."""

    @abc.abstractmethod
    def append(self, event: QueueEvent) -> QueueEvent:
        """Record an event; it gets the clinic-day's next seq (gap-free, in lock order)."""


class QueueEvents(abc.ABC):
    """The committed history, read outside any unit of work."""

    @abc.abstractmethod
    def snapshot(self, day: date, clinic_code: str, doctor_code: str | None) -> QueueSnapshot:
        """Open entries and the seq they reflect, read consistently (one statement)."""

    @abc.abstractmethod
    def after(self, day: date, clinic_code: str, seq: int, limit: int) -> list[QueueEvent]:
        """Events with seq > `seq`, in order, at most `limit`."""

    @abc.abstractmethod
    def heads(self, keys: list[tuple[date, str]]) -> dict[tuple[date, str], int]:
        """The last committed seq of each (day, clinic) (0 when none)."""


class QueueSignal:
    """Commits that wrote queue events say so here (this process only); watchers get woken. Other
    processes' commits are found by polling (services.queues.watch)."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[set[tuple[date, str]]], None]] = []
        self._lock = threading.Lock()

    def listen(self, listener: Callable[[set[tuple[date, str]]], None]) -> None:
        with self._lock:
            self._listeners = [*self._listeners, listener]

    def unlisten(self, listener) -> None:
        with self._lock:
            self._listeners = [x for x in self._listeners if x is not listener]

    def published(self, clinics: set[tuple[date, str]]) -> None:
        """Called after a commit: a listener's failure must not look like the commit's."""
        for listener in self._listeners:
            try:
                listener(clinics)
            except Exception:  # noqa: BLE001 - the watchers' poll finds the events anyway
                logging.getLogger(__name__).exception("a queue listener failed; its watchers wait for the poll")


__all__ = ["QueueEvents", "QueueKey", "QueueRepository", "QueueSignal"]
