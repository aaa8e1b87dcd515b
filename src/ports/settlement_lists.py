"""Where settlement lists (domain.settlement_lists) are kept."""
from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import date

from domain.settlement_lists import ListState, SettlementList


@dataclass(frozen=True)
class ListFilter:
    """Every criterion given must hold; empty / None: any."""

    states: tuple[ListState, ...] = ()
    due_before: date | None = None  # deadline < due_before
    stay_id: str = ""
    limit: int = 200


@dataclass(frozen=True)
class LiveList:
    """What the follower needs of a list that is not void: which stay and settlement it is for."""

    id: str
    stay_id: str
    setl_id: str
    state: ListState


class SettlementListRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, lst: SettlementList) -> None:
        """A new list; a second list of the same settlement (setl_id) is refused at commit
        (ConcurrencyConflict): one list per settlement, whoever builds it first."""

    @abc.abstractmethod
    def save(self, lst: SettlementList) -> None:
        """Store the changes of a list read earlier; its version guards the write (ConcurrencyConflict)."""

    @abc.abstractmethod
    def get(self, list_id: str) -> SettlementList | None: ...

    @abc.abstractmethod
    def by_setl_id(self, setl_id: str) -> SettlementList | None: ...

    @abc.abstractmethod
    def find(self, criteria: ListFilter) -> list[SettlementList]:
        """By deadline, earliest (so the overdue) first."""

    @abc.abstractmethod
    def live(self) -> list[LiveList]:
        """Every list not void, in brief."""

    @abc.abstractmethod
    def latest_of_patient(self, patient_id: str) -> SettlementList | None:
        """The patient's most recently built list (what the 医保办 filled there is offered again)."""
