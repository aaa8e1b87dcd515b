"""The prescriptions' storage port: a prescription whole (lines, reviews, purchase), found by id,
by encounter and by the platform's hi_rxno."""
from __future__ import annotations

import abc

from domain.prescriptions import Prescription


class PrescriptionStore(abc.ABC):
    @abc.abstractmethod
    def add(self, rx: Prescription) -> None: ...

    @abc.abstractmethod
    def save(self, rx: Prescription) -> None:
        """Write the prescription as it is now, if nobody changed it since it was read (its
        version); bumps the version. A change made meanwhile: ConcurrencyConflict, nothing written."""

    @abc.abstractmethod
    def get(self, rx_id: str) -> Prescription | None: ...

    @abc.abstractmethod
    def by_hi_rxno(self, hi_rxno: str) -> Prescription | None: ...

    @abc.abstractmethod
    def for_encounter(self, encounter_id: str) -> list[Prescription]:
        """Oldest first."""
