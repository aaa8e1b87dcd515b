"""Repository ports: collections of aggregates, no SQL in sight."""
from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime

from domain.person import InsuredPerson
from domain.visit import Visit, VisitState


@dataclass(frozen=True)
class VisitFilter:
    """Which visits a listing returns: every criterion given must hold. None (or no states): any.
    Times are local wall time, like Visit.begntime; the range is half-open [begntime_from,
    begntime_before)."""

    psn_no: str | None = None
    begntime_from: datetime | None = None
    begntime_before: datetime | None = None
    dept_code: str | None = None
    states: frozenset[VisitState] = frozenset()

    def matches(self, visit: Visit) -> bool:
        return ((self.psn_no is None or visit.psn_no == self.psn_no)
                and (self.begntime_from is None or visit.begntime >= self.begntime_from)
                and (self.begntime_before is None or visit.begntime < self.begntime_before)
                and (self.dept_code is None or visit.dept_code == self.dept_code)
                and (not self.states or visit.state in self.states))


@dataclass(frozen=True)
class VisitCursor:
    """Where a page of visits ended: its last visit's begntime and id. A listing's order is
    begntime descending, then id descending (a total order: ids are unique), so the next page
    is every matching visit with (begntime, id) < (cursor.begntime, cursor.id). A cursor stays
    valid while visits are added: a new one lands before or after it, never in a page already read."""

    begntime: datetime
    id: str

    @classmethod
    def after(cls, visit: Visit) -> VisitCursor:
        return cls(visit.begntime, visit.id)


@dataclass(frozen=True)
class VisitPage:
    visits: list[Visit]
    next: VisitCursor | None  # where the next page starts; None when there are no more visits


class VisitRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, visit: Visit) -> None: ...

    @abc.abstractmethod
    def get(self, visit_id: str) -> Visit | None: ...

    @abc.abstractmethod
    def attach(self, visit: Visit) -> None:
        """Take back a visit loaded by an earlier unit of work, with what was changed on it since.
        Its version guards the commit: if the visit changed meanwhile, commit raises
        ConcurrencyConflict."""

    @abc.abstractmethod
    def by_mdtrt_id(self, mdtrt_id: str) -> Visit | None: ...

    @abc.abstractmethod
    def by_ipt_otp_no(self, ipt_otp_no: str) -> Visit | None:
        """The visit holding this 门诊号 (unique: a second visit with it cannot be added)."""

    @abc.abstractmethod
    def discard(self, visit: Visit) -> None:
        """Remove a visit that never existed on the platform (its 2201 was refused or never took
        effect), freeing its 门诊号. Only a REGISTERING visit may be discarded."""

    @abc.abstractmethod
    def list(self, where: VisitFilter = VisitFilter(), *, limit: int = 100,
             after: VisitCursor | None = None) -> VisitPage:
        """Up to `limit` visits matching `where`, newest begntime first, ties by id descending;
        with `after`, those that come after that cursor in this order. Only the page's visits
        are loaded with their children."""

    @abc.abstractmethod
    def in_state(self, state: VisitState, limit: int = 1000) -> list[Visit]:
        """Visits in one state, oldest first (recovery looks for those left SETTLING)."""


class PersonRepository(abc.ABC):
    @abc.abstractmethod
    def save(self, person: InsuredPerson) -> None:
        """Insert or replace the person's latest 1101 picture."""

    @abc.abstractmethod
    def get(self, psn_no: str) -> InsuredPerson | None: ...
