"""Repository ports: collections of aggregates, no SQL in sight."""
from __future__ import annotations

import abc

from domain.person import InsuredPerson
from domain.visit import Visit, VisitState


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
    def list(self, psn_no: str | None = None, limit: int = 100) -> list[Visit]: ...

    @abc.abstractmethod
    def in_state(self, state: VisitState, limit: int = 1000) -> list[Visit]:
        """Visits in one state, oldest first (recovery looks for those left SETTLING)."""


class PersonRepository(abc.ABC):
    @abc.abstractmethod
    def save(self, person: InsuredPerson) -> None:
        """Insert or replace the person's latest 1101 picture."""

    @abc.abstractmethod
    def get(self, psn_no: str) -> InsuredPerson | None: ...
