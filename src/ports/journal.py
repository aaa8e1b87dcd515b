"""Storage of the platform journal and of msgid sequence numbers.

Unlike repositories, every method commits at once in its own transaction: a journal entry must be
durable before the request leaves, whatever the business transaction around it does.
"""
from __future__ import annotations

import abc
from datetime import datetime

from domain.journal import JournalEntry, JournalState


class MsgIdAllocator(abc.ABC):
    @abc.abstractmethod
    def next_seq(self, prefix: str) -> int:
        """Next 4-digit sequence for `prefix` (institution code + yyyyMMddHHmmss), unique across
        processes sharing the store. Raises OverflowError past 9999."""


class JournalStore(abc.ABC):
    @abc.abstractmethod
    def open(self, entry: JournalEntry) -> int:
        """Persist a PENDING entry before sending; returns its id."""

    @abc.abstractmethod
    def close(self, entry_id: int, state: JournalState, *, infcode: int | None = None, err_msg: str = "",
              reply: dict | None = None, inf_refmsgid: str = "", finished_at: datetime | None = None,
              resolution: str = "", reversal_msgid: str = "", discrepancy: str = "",
              in_flight_until: datetime | None = None, retry_at: datetime | None = None,
              attempts: int | None = None) -> None:
        """Record the outcome (fields not given keep what the entry holds). err_msg of an OK entry is the platform's message on a success (some
        platforms put warnings there); discrepancy notes what did not hold in an accepted reply."""

    @abc.abstractmethod
    def get(self, entry_id: int) -> JournalEntry | None: ...

    @abc.abstractmethod
    def by_msgid(self, msgid: str) -> JournalEntry | None: ...

    @abc.abstractmethod
    def unresolved(self, older_than: datetime | None = None) -> list[JournalEntry]:
        """PENDING and UNCERTAIN entries (PENDING only when created before `older_than`)."""

    @abc.abstractmethod
    def for_visit(self, visit_id: str) -> list[JournalEntry]: ...

    @abc.abstractmethod
    def accepted_from(self, owner: str, since: datetime) -> list[JournalEntry]:
        """Calls by process `owner` the platform took (OK or CONFIRMED), finished at or after `since`."""

    @abc.abstractmethod
    def with_discrepancies(self, since: datetime | None = None, limit: int = 500) -> list[JournalEntry]:
        """Accepted calls whose reply did not hold together, newest first (created at or after `since`)."""
