"""The encounters' storage port: encounters whole (legs, transfers, charges, payments, diagnoses),
and the per-day receipt sequence."""
from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import date, datetime

from domain.encounters import Encounter


@dataclass(frozen=True)
class EncounterCursor:
    """Where a page of a patient's encounters ended (order: registered_at descending, then id)."""

    registered_at: datetime
    id: str


@dataclass(frozen=True)
class EncounterPage:
    encounters: list[Encounter]
    next: EncounterCursor | None


class EncounterRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, encounter: Encounter) -> None: ...

    @abc.abstractmethod
    def get(self, encounter_id: str) -> Encounter | None:
        """The encounter; changes made to it are saved at commit, guarded by its version (a change
        made meanwhile by someone else: ConcurrencyConflict)."""

    @abc.abstractmethod
    def for_patient(self, patient_ids: list[str], *, limit: int = 20,
                    after: EncounterCursor | None = None) -> EncounterPage:
        """The encounters of these patient ids (a merged patient has several), newest first."""

    @abc.abstractmethod
    def next_receipt_seq(self, day: date) -> int:
        """The next number of the day's receipt sequence, taken in this unit of work: gap-free, as a
        rollback gives it back. Concurrent takers wait for each other (or get ConcurrencyConflict)."""
